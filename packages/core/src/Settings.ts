/**
 * The settings of a deployment that the application services read: which deployment it is (M2.3), its account
 * policy (M14.2, M14.5) and its indicators (M11.1, M11.2).
 *
 * @since 0.1.0
 */
import { Context, Layer } from "effect"
import * as Account from "./Account.js"
import type * as Deployment from "./Deployment.js"
import * as Indicator from "./Indicator.js"

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
  }
>() {}

/**
 * Settings for a deployment, with the default account policy and the core indicators unless others are given.
 *
 * @since 0.1.0
 */
export const layer = (
  deployment: Deployment.Deployment,
  policy: Account.Policy = Account.defaultPolicy,
  indicators: Indicator.IndicatorSchema = Indicator.core
) => Layer.succeed(Settings, { deployment, policy, indicators })
