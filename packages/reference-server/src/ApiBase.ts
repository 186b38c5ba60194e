/**
 * What every group of the API is built from: the request-body and id schemas, keyset pages, and the authentication
 * middleware with the actor it provides. A group in a module of its own (`TrainingApi.ts`, …) imports these from
 * here, not from `Api.ts`, which imports the groups.
 *
 * @since 0.1.0
 */
import { HttpApiMiddleware, HttpApiSchema, HttpApiSecurity, OpenApi } from "@effect/platform"
import type { Authorization } from "@tmis/core"
import { Context, Schema } from "effect"
import * as ApiError from "./ApiError.js"
import * as OpenApiDocument from "./OpenApiDocument.js"

// ---------------------------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------------------------

/** A request body: a struct that refuses keys it does not declare. */
export const Body = <F extends Schema.Struct.Fields>(identifier: string, fields: F) =>
  Schema.Struct(fields).annotations({ identifier, parseOptions: { onExcessProperty: "error" } })

/** Ids of units, accounts, e-files, entries and processes: what the store accepts as a key. */
export const Id = Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]{1,64}$/)).annotations({
  description: "1 to 64 letters, digits, - or _"
})
/** An optional key: absent, never `undefined`. */
export const Opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })
export const Text = (max: number) => Schema.String.pipe(Schema.maxLength(max))
export const Day = Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/)).annotations({ description: "YYYY-MM-DD" })
export const Version = Schema.Int.pipe(Schema.nonNegative()).annotations({
  description: "the version of the object the caller saw (optimistic concurrency)"
})
/** A record of indicators (信息指标): validated by the core against the deployment's indicator schema. */
export const IndicatorRecord = Schema.Record({ key: Text(64), value: Schema.Unknown }).annotations({
  identifier: "IndicatorRecord",
  description: "indicator values by field id, validated against the deployment's indicator schema (M11)"
})

/**
 * The basic information (基本信息) of a new hire: decoded as any record of indicators, since the core validates it
 * with its own messages; documented with the core's JSON Schema of the group (fields, codes, an example).
 */
export const BasicInfo = Schema.Record({ key: Text(64), value: Schema.Unknown }).annotations({
  identifier: "BasicInfo",
  jsonSchema: OpenApiDocument.basicInfoJsonSchema
})

/**
 * A change to a record of the e-file (M16.1, M20.1): some fields of the record's group with their new values;
 * documented with each core group's fields (`OpenApiDocument.recordChangeJsonSchema`), checked by the core.
 */
export const RecordChange = Schema.Record({ key: Text(64), value: Schema.Unknown }).annotations({
  identifier: "RecordChange",
  jsonSchema: OpenApiDocument.recordChangeJsonSchema
})

export const unitId = HttpApiSchema.param("unitId", Id)
export const accountId = HttpApiSchema.param("accountId", Id)
export const teacherId = HttpApiSchema.param("teacherId", Id)
export const entryId = HttpApiSchema.param("entryId", Id)
export const requestId = HttpApiSchema.param("requestId", Id)
export const workflowId = HttpApiSchema.param("workflowId", Id)
export const batchId = HttpApiSchema.param("batchId", Id)

/**
 * Keyset pagination: `after` is the `next` of the previous page.
 *
 * @since 0.1.0
 */
export const PageParams = Schema.Struct({
  after: Schema.optional(Text(256)),
  limit: Schema.optionalWith(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 1000)), {
    default: () => 100
  })
})

export const Page = <A, I, R>(identifier: string, item: Schema.Schema<A, I, R>) =>
  Schema.Struct({ items: Schema.Array(item), next: Schema.optional(Schema.String) }).annotations({ identifier })

// ---------------------------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------------------------

/**
 * The actor of the request, from its session (and client certificate).
 *
 * @since 0.1.0
 */
export class CurrentActor extends Context.Tag("@tmis/server/CurrentActor")<CurrentActor, Authorization.Actor>() {}

/**
 * The session cookie set at login.
 *
 * @since 0.1.0
 */
export const sessionCookie = HttpApiSecurity.apiKey({ in: "cookie", key: "tmis_session" })

/**
 * Authentication (M37.2, M14.2): a session token as a bearer token or the session cookie, and the client
 * certificate of the connection when the server runs with mutual TLS.
 *
 * @since 0.1.0
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("@tmis/server/Authentication", {
  failure: ApiError.Unauthenticated,
  provides: CurrentActor,
  security: {
    bearer: HttpApiSecurity.bearer.pipe(
      HttpApiSecurity.annotate(OpenApi.Description, "the token returned by POST /auth/login")
    ),
    cookie: sessionCookie
  }
}) {}
