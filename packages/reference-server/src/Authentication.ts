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

const refusedWith = (refusal: Refusal.Refusal) =>
  new ApiError.Unauthenticated({ rule: refusal.rule, zh: refusal.zh, en: refusal.en, details: {} })

/** A token that names no session it may act with — unknown, expired, revoked: one answer for all (M37.2). */
const unauthenticated = () => refusedWith(Auth.sessionRefused())

/** No token at all: told to log in, not that a session ended. */
const credentialsMissing = () => refusedWith(Auth.authenticationRequired())

/**
 * Does the request present a session token at all: a bearer token (`Authorization: Bearer …`) or the session
 * cookie, not empty? A request that does not is answered {@link Auth.authenticationRequired}; one that does, with a
 * token that names no session it may act with, {@link Auth.sessionRefused}.
 *
 * @since 0.1.0
 */
export const presentsToken = (request: HttpServerRequest.HttpServerRequest): boolean => {
  const authorization = request.headers.authorization ?? ""
  if (/^bearer\s+\S/i.test(authorization)) return true
  return (request.cookies[Api.sessionCookie.key] ?? "").length > 0
}

const fromToken = (token: Redacted.Redacted<string>) =>
  Effect.gen(function* () {
    const value = Redacted.value(token)
    const request = yield* HttpServerRequest.HttpServerRequest
    // Each carrier is tried in turn (bearer, then cookie): an empty one is "no credentials" only if the other is too.
    if (value.length === 0) return yield* Effect.fail(presentsToken(request) ? unauthenticated() : credentialsMissing())
    if (value.length > 128) return yield* Effect.fail(unauthenticated())
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
