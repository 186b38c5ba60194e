/**
 * The settings of a deployment that the application services read: which deployment it is (M2.3), its account
 * policy (M14.2, M14.5), its indicators (M11.1, M11.2) and its credential policy (M37.2).
 *
 * @since 0.1.0
 */
import { Context, Layer } from "effect"
import * as Account from "../accounts/Account.js"
import * as Indicator from "../efile/Indicator.js"
import type * as Deployment from "../hierarchy/Deployment.js"
import * as Credential from "../security/Credential.js"

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
