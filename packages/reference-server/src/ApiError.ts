/**
 * The error bodies of the HTTP API: every refusal carries the rule id it enforces (where there is one), a Chinese
 * and an English message, and the offending values — the core's refusals, mapped to status codes in one place.
 *
 * @since 0.1.0
 */
import { HttpApiSchema } from "@effect/platform"
import { Refusal, Storage } from "@tmis/core"
import { Effect, Schema } from "effect"
import * as RequestContext from "./RequestContext.js"

const common = {
  rule: Schema.optional(Refusal.RuleId),
  zh: Schema.String,
  en: Schema.String,
  details: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
}

/**
 * The fields of an error body of `kind`: the refusal kind a client switches on (one per error class, filled in when
 * the error is made), the rule where one applies, the messages and the offending values.
 */
const fields = <K extends Refusal.Kind>(kind: K) => ({
  kind: Schema.Literal(kind).pipe(
    Schema.annotations({ description: "what sort of refusal it is (the same for every body of this status)" }),
    Schema.propertySignature,
    Schema.withConstructorDefault(() => kind)
  ),
  ...common
})

/**
 * 400: the request is not what the endpoint reads (malformed JSON, a forbidden key).
 *
 * @since 0.1.0
 */
export class BadRequest extends Schema.TaggedError<BadRequest>()(
  "BadRequest",
  fields("invalid"),
  HttpApiSchema.annotations({ status: 400 })
) {}

/**
 * 401: no valid session (M37.2). One body for every cause.
 *
 * @since 0.1.0
 */
export class Unauthenticated extends Schema.TaggedError<Unauthenticated>()(
  "Unauthenticated",
  fields("unauthenticated"),
  HttpApiSchema.annotations({ status: 401 })
) {}

/**
 * 403: the actor may not do this (M14.3, M13.*, M14.2 …).
 *
 * @since 0.1.0
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  fields("forbidden"),
  HttpApiSchema.annotations({ status: 403 })
) {}

/**
 * 404: no such object.
 *
 * @since 0.1.0
 */
export class NotFound extends Schema.TaggedError<NotFound>()(
  "NotFound",
  fields("notFound"),
  HttpApiSchema.annotations({ status: 404 })
) {}

/**
 * 409: the object changed meanwhile (optimistic version), the store refused the write (M14.4, M17.4, M24.3), or an
 * idempotency key was used for another command (M23.2).
 *
 * @since 0.1.0
 */
export class Conflict extends Schema.TaggedError<Conflict>()(
  "Conflict",
  fields("conflict"),
  HttpApiSchema.annotations({ status: 409 })
) {}

/**
 * 413: the body is larger than the endpoint accepts.
 *
 * @since 0.1.0
 */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()(
  "PayloadTooLarge",
  fields("invalid"),
  HttpApiSchema.annotations({ status: 413 })
) {}

/**
 * 422: the request is well-formed but a rule of the regulation refuses it.
 *
 * @since 0.1.0
 */
export class Unprocessable extends Schema.TaggedError<Unprocessable>()(
  "Unprocessable",
  fields("invalid"),
  HttpApiSchema.annotations({ status: 422 })
) {}

/**
 * 503: the request took longer than the server allows. No refusal of the request (the same request may succeed
 * later): it has no `kind`.
 *
 * @since 0.1.0
 */
export class Timeout extends Schema.TaggedError<Timeout>()(
  "Timeout",
  common,
  HttpApiSchema.annotations({ status: 503 })
) {}

/**
 * 405: a path of the API with a method it does not take; the `Allow` header names those it takes. Answered by the
 * server before the API runs (`Server.ts`); declared here for the OpenAPI document.
 *
 * @since 0.1.0
 */
export class MethodNotAllowed extends Schema.TaggedError<MethodNotAllowed>()(
  "MethodNotAllowed",
  fields("invalid"),
  HttpApiSchema.annotations({ status: 405 })
) {}

/**
 * 411: a body without a `Content-Length` (chunked). Answered by the server before the API runs (`Server.ts`).
 *
 * @since 0.1.0
 */
export class LengthRequired extends Schema.TaggedError<LengthRequired>()(
  "LengthRequired",
  fields("invalid"),
  HttpApiSchema.annotations({ status: 411 })
) {}

/**
 * 415: a body of another media type than the endpoint reads. Answered by the server before the API runs
 * (`Server.ts`).
 *
 * @since 0.1.0
 */
export class UnsupportedMediaType extends Schema.TaggedError<UnsupportedMediaType>()(
  "UnsupportedMediaType",
  fields("invalid"),
  HttpApiSchema.annotations({ status: 415 })
) {}

/**
 * Every error an endpoint may answer with.
 *
 * @since 0.1.0
 */
export type ApiError = BadRequest | Unauthenticated | Forbidden | NotFound | Conflict | Unprocessable

const body = (refusal: Refusal.Shape) => ({
  rule: refusal.rule,
  zh: refusal.zh,
  en: refusal.en,
  details: { ...refusal.details }
})

/**
 * The status of each kind of refusal: the one table from the core's refusals to HTTP.
 *
 * @since 0.1.0
 */
export const byKind: { readonly [K in Refusal.Kind]: new (fields: ReturnType<typeof body>) => ApiError } = {
  unauthenticated: Unauthenticated,
  forbidden: Forbidden,
  notFound: NotFound,
  conflict: Conflict,
  invalid: Unprocessable
}

/**
 * The objects the core names in `Storage.NotFound` and `Storage.Conflict` (its `entity`), in each message's language.
 * `details.entity` keeps the core's name for programs.
 *
 * @since 0.1.0
 */
export const entityNames: { readonly [entity: string]: { readonly zh: string; readonly en: string } } = {
  unit: { zh: "单位", en: "unit" },
  account: { zh: "账号", en: "account" },
  credential: { zh: "口令", en: "credential" },
  "e-file": { zh: "电子档案", en: "e-file" },
  entry: { zh: "信息条目", en: "entry" },
  "change request": { zh: "变更申请", en: "change request" },
  workflow: { zh: "流程", en: "process" },
  import: { zh: "导入批次", en: "import batch" }
}

/** An entity the table does not know yet is still named in Chinese (对象), never by its English name in `zh`. */
const entityName = (entity: string) =>
  Object.hasOwn(entityNames, entity) ? entityNames[entity]! : { zh: "对象", en: entity }

/**
 * Map a refusal of the core to its HTTP error; undefined for what is not a refusal (a storage failure, a bug),
 * which stays a defect (500).
 *
 * @since 0.1.0
 */
export const fromCore = (error: unknown): ApiError | undefined => {
  if (error instanceof BadRequest || error instanceof Unauthenticated || error instanceof Forbidden) return error
  if (error instanceof NotFound || error instanceof Conflict || error instanceof Unprocessable) return error
  if (error instanceof Storage.NotFound) {
    const entity = entityName(error.entity)
    return new NotFound({
      zh: `${entity.zh} ${error.id} 不存在`,
      en: `there is no ${entity.en} ${error.id}`,
      details: { entity: error.entity, id: error.id }
    })
  }
  if (error instanceof Storage.Conflict && error.entity === "credential") {
    // A credential's version moves with every login attempt, the account's own failed ones included: not "someone else".
    return new Conflict({
      zh: `账号 ${error.id} 的口令或登录状态已变化（如登录失败计数），请重新操作；重置口令无需版本号`,
      en: `the credential of ${error.id} changed since version ${error.expectedVersion} (a login attempt counts): try again, or reset without a version`,
      details: { entity: error.entity, id: error.id, expectedVersion: error.expectedVersion }
    })
  }
  if (error instanceof Storage.Conflict) {
    const entity = entityName(error.entity)
    return new Conflict({
      zh: `${entity.zh} ${error.id} 已被他人修改，请重新读取后再试`,
      en: `${entity.en} ${error.id} is no longer at version ${error.expectedVersion}: read it again`,
      details: { entity: error.entity, id: error.id, expectedVersion: error.expectedVersion }
    })
  }
  return Refusal.is(error) ? new byKind[error.kind](body(error)) : undefined
}

/**
 * Turn the core's refusals of an effect into HTTP errors; anything else dies (and is answered with a 500).
 *
 * @since 0.1.0
 */
export const refusals = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, ApiError, R> =>
  Effect.catchAll(effect, (error) => {
    const mapped = fromCore(error)
    if (mapped === undefined) return Effect.die(error)
    return Refusal.is(error)
      ? Effect.zipRight(RequestContext.setRefusal(error), Effect.fail(mapped))
      : Effect.fail(mapped)
  })

/** Longer strings of a body (messages, reasons) keep this many characters: they may embed a value too. */
const textLength = 512

const cut = (value: string, max: number): string => String(Refusal.quote(value, max))

/** A message may embed a value (`actual "aaaa…"`): its quoted strings and long unbroken runs are quoted like values. */
const shortenRuns = (message: string): string =>
  message
    .replace(/"([^"]{65,})"/g, (_, inner: string) => `"${cut(inner, Refusal.quoteLength)}"`)
    .replace(/[^\s…"]{65,}/g, (run) => cut(run, Refusal.quoteLength))

/**
 * An error body (or any JSON value) made safe to send: every string quoted as by `Refusal.quote` — messages (`zh`,
 * `en`, `message`, `reason`) kept to 512 characters — and every key too, to any depth. The one place where the
 * server shortens what it echoes.
 *
 * @since 0.1.0
 */
export const abbreviate = (value: unknown): unknown => {
  const walk = (here: unknown, key: string | undefined, depth: number): unknown => {
    if (typeof here === "string") {
      return key === "zh" || key === "en" || key === "message" || key === "reason"
        ? cut(shortenRuns(here), textLength)
        : cut(here, Refusal.quoteLength)
    }
    if (typeof here !== "object" || here === null) return here
    if (depth > 32) return "…"
    const plain: unknown =
      "toJSON" in here && typeof here.toJSON === "function" ? (here.toJSON as () => unknown)() : here
    if (Array.isArray(plain)) return plain.map((v) => walk(v, key, depth + 1))
    if (typeof plain !== "object" || plain === null) return walk(plain, key, depth + 1)
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(plain)) out[cut(k, Refusal.quoteLength)] = walk(v, k, depth + 1)
    return out
  }
  return walk(value, undefined, 0)
}
