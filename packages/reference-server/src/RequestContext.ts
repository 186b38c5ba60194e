/**
 * What the server knows of the request being served, beyond the request itself: its id (in every audit record
 * written while serving it, and in the `x-request-id` response header) and, once authenticated, its actor — so
 * that a refused request can be audited under the account that made it.
 *
 * @since 0.1.0
 */
import type { Authorization, IdentitySource, Refusal } from "@tmis/core"
import { Context, Effect, FiberRef } from "effect"

/**
 * @since 0.1.0
 */
export interface RequestState {
  readonly id: string
  actor: Authorization.Actor | undefined
  /** The core's refusal the request was answered with, for the audit record of the refused request. */
  refusal?: Pick<Refusal.Shape, "kind" | "rule"> | undefined
}

/**
 * The request being served; undefined outside a request.
 *
 * @since 0.1.0
 */
export const current: FiberRef.FiberRef<RequestState | undefined> = FiberRef.unsafeMake<RequestState | undefined>(
  undefined
)

/**
 * Record the authenticated actor of the request being served.
 *
 * @since 0.1.0
 */
export const setActor = (actor: Authorization.Actor) =>
  Effect.map(FiberRef.get(current), (state) => {
    if (state !== undefined) state.actor = actor
  })

/**
 * Record the core's refusal the request is answered with.
 *
 * @since 0.1.0
 */
export const setRefusal = (refusal: Refusal.Shape) =>
  Effect.map(FiberRef.get(current), (state) => {
    if (state !== undefined) state.refusal = { kind: refusal.kind, rule: refusal.rule }
  })

/**
 * How the server runs, for the handlers.
 *
 * @since 0.1.0
 */
export class ServerConfig extends Context.Tag("@tmis/server/ServerConfig")<
  ServerConfig,
  {
    /** Set the session cookie with `Secure` (the server runs with TLS). */
    readonly secureCookies: boolean
    /** Where uploaded import files and their error reports are kept while the server runs. */
    readonly importDir: string
    /** The province's identity platform (M15.2), when logins may come from it too. */
    readonly identitySource: IdentitySource.IdentitySource["Type"] | undefined
  }
>() {}
