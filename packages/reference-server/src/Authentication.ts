/**
 * Authentication of a request (M37.2, M14.2): the session token — as a bearer token or the `tmis_session` cookie —
 * names a session in the store; the client certificate of the connection, when the server runs with mutual TLS and
 * the certificate chains to the configured CA, is passed on as the presented certificate that {@link
 * Authorization} checks against the account's binding. Where the policy requires certificates for a role, a
 * session without a matching certificate cannot act (the core refuses, M14.2).
 *
 * Tokens are random; the store keeps their SHA-256 only, so that a copy of the database holds no usable session.
 *
 * @since 0.1.0
 */
import { createHash, randomBytes } from "node:crypto"
import type { TLSSocket } from "node:tls"
import { HttpServerRequest } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Auth, type Refusal, type Settings, type Storage } from "@tmis/core"
import { Effect, Layer, Redacted } from "effect"
import * as Api from "./Api.js"
import * as ApiError from "./ApiError.js"
import * as RequestContext from "./RequestContext.js"

/**
 * A new session token: 32 random bytes, base64url.
 *
 * @since 0.1.0
 */
export const newToken = (): string => randomBytes(32).toString("base64url")

/**
 * The session id stored for a token.
 *
 * @since 0.1.0
 */
export const sessionIdOf = (token: string): string => createHash("sha256").update(token).digest("hex")

/**
 * The SHA-256 fingerprint of the client certificate of the request's connection, when one was presented and
 * verified against the server's CA; undefined otherwise (plain HTTP, no certificate, or one the CA did not sign).
 *
 * @since 0.1.0
 */
export const presentedCertificate = (request: HttpServerRequest.HttpServerRequest): string | undefined => {
  const socket = NodeHttpServerRequest.toIncomingMessage(request).socket as Partial<TLSSocket>
  if (socket.authorized !== true || typeof socket.getPeerCertificate !== "function") return undefined
  const certificate = socket.getPeerCertificate()
  return certificate?.fingerprint256 === undefined
    ? undefined
    : certificate.fingerprint256.replaceAll(":", "").toLowerCase()
}

const unauthenticated = () => {
  const refusal = Auth.sessionRefused()
  return new ApiError.Unauthenticated({ rule: refusal.rule, zh: refusal.zh, en: refusal.en, details: {} })
}

const fromToken = (token: Redacted.Redacted<string>) =>
  Effect.gen(function* () {
    const value = Redacted.value(token)
    if (value.length === 0 || value.length > 128) return yield* Effect.fail(unauthenticated())
    const request = yield* HttpServerRequest.HttpServerRequest
    const actor = yield* Auth.session(sessionIdOf(value), presentedCertificate(request)).pipe(
      Effect.catchIf(
        (e): e is Refusal.Refusal => e._tag === "Refusal" && e.kind === "unauthenticated",
        (e) => Effect.zipRight(RequestContext.setRefusal(e), Effect.fail(unauthenticated()))
      ),
      Effect.catchTag("NotFound", () => Effect.fail(unauthenticated())),
      Effect.orDie
    )
    yield* RequestContext.setActor(actor)
    return actor
  })

/**
 * The authentication middleware over the store.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<Api.Authentication, never, Storage.Storage | Settings.Settings> = Layer.effect(
  Api.Authentication,
  Effect.map(Effect.context<Storage.Storage | Settings.Settings>(), (context) => {
    const authenticate = (token: Redacted.Redacted<string>) => Effect.provide(fromToken(token), context)
    return Api.Authentication.of({ bearer: authenticate, cookie: authenticate })
  })
)
