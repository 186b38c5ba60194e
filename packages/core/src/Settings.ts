/**
 * The settings of a deployment that the application services read: which deployment it is (M2.3) and its account
 * policy (M14.2, M14.5).
 *
 * @since 0.1.0
 */
import { Context, Layer } from "effect"
import * as Account from "./Account.js"
import type * as Deployment from "./Deployment.js"

/**
 * @since 0.1.0
 */
export class Settings extends Context.Tag("@tmis/core/Settings")<
  Settings,
  { readonly deployment: Deployment.Deployment; readonly policy: Account.Policy }
>() {}

/**
 * Settings for a deployment, with the default account policy unless one is given.
 *
 * @since 0.1.0
 */
export const layer = (deployment: Deployment.Deployment, policy: Account.Policy = Account.defaultPolicy) =>
  Layer.succeed(Settings, { deployment, policy })
