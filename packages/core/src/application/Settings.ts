/**
 * The settings of a deployment that the application services read: which deployment it is (M2.3), its account
 * policy (M14.2, M14.5), its indicators (M11.1, M11.2) and its credential policy (M37.2).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import * as Account from "../accounts/Account.js"
import * as Indicator from "../efile/Indicator.js"
import type * as UpdateCycle from "../efile/UpdateCycle.js"
import type * as Deployment from "../hierarchy/Deployment.js"
import * as Credential from "../security/Credential.js"
import * as CreditBank from "../training/CreditBank.js"
import type * as Registration from "../training/Registration.js"

/**
 * @since 0.1.0
 */
export class Settings extends Context.Tag("@tmis/core/Settings")<
  Settings,
  {
    readonly deployment: Deployment.Deployment
    readonly policy: Account.Policy
    /** The indicators e-files are collected under: the core, or the core with the province's extension (M11). */
    readonly indicators: Indicator.IndicatorSchema
    /** Passwords, lockout and session timeouts (M37.2); `Credential.defaultPolicy` when absent. */
    readonly credentials?: Credential.Policy
    /** The scrypt cost of new hashes; `Credential.defaultHashParams` when absent. */
    readonly hashParams?: Credential.HashParams
    /**
     * The provinces' rules converting training hours to credits (M25.4, O9.1), validated at start
     * (`CreditBank.validateRules`: a rule converting to negative or infinite credits is refused);
     * `CreditBank.defaultRule` (10 hours of course work, 20 of practice, a credit) when absent.
     */
    readonly creditRules?: ReadonlyArray<CreditBank.CreditRule>
    /** The deadlines of the update cycles (M18.1); `UpdateCycle.defaultConfig` (31 March, 30 September) when absent. */
    readonly updateCycles?: UpdateCycle.Config
    /** The registration thresholds (M26.1); `Registration.defaultConfig` (5 years, 360 hours) when absent. */
    readonly registration?: Registration.Config
  }
>() {}

/**
 * Settings for a deployment, with the default account policy, the core indicators, the default credential policy
 * and the default scrypt cost unless others are given.
 *
 * @since 0.1.0
 */
export const layer = (
  deployment: Deployment.Deployment,
  policy: Account.Policy = Account.defaultPolicy,
  indicators: Indicator.IndicatorSchema = Indicator.core,
  credentials: Credential.Policy = Credential.defaultPolicy,
  hashParams: Credential.HashParams = Credential.defaultHashParams
) => Layer.succeed(Settings, { deployment, policy, indicators, credentials, hashParams })

/**
 * Settings with the provinces' credit conversion rules (M25.4, O9.1), validated when the layer is built — at start:
 * a rule converting to negative or infinite credits, or a second rule of one province, fails the layer with the
 * refusal (O9.1), and the deployment does not start.
 *
 * @since 0.1.0
 */
export const withCreditRules =
  (rules: ReadonlyArray<unknown>) =>
  <E, R>(settings: Layer.Layer<Settings, E, R>) =>
    Layer.effect(
      Settings,
      Effect.gen(function* () {
        const valid = yield* CreditBank.validateRules(rules)
        const current = yield* Settings
        return { ...current, creditRules: valid }
      })
    ).pipe(Layer.provide(settings))
