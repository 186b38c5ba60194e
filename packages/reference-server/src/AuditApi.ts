/**
 * The API's group: the audit log (M37.1). Part of `Api.ts`'s `Api`; handlers in `Handlers.ts`.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Authentication, Opt, Page, PageParams, Text } from "./ApiBase.js"

/**
 * An audit record (M37.1).
 *
 * @since 0.1.0
 */
export const AuditRecordView = Schema.Struct({
  seq: Schema.Number,
  at: Schema.String,
  actor: Schema.String,
  unitId: Schema.optional(Schema.String),
  action: Schema.String,
  object: Schema.String,
  outcome: Schema.Literal("ok", "refused"),
  requestId: Schema.optional(Schema.String),
  details: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  hash: Schema.String
}).annotations({ identifier: "AuditRecord" })

/**
 * The result of verifying the audit chain (M37.1).
 *
 * @since 0.1.0
 */
export const AuditVerification = Schema.Union(
  Schema.Struct({ _tag: Schema.Literal("Intact"), records: Schema.Number, head: Schema.String }),
  Schema.Struct({
    _tag: Schema.Literal("Broken"),
    seq: Schema.Number,
    reason: Schema.Literal("sequence", "link", "hash"),
    records: Schema.Number
  })
).annotations({ identifier: "AuditVerification" })

/**
 * The audit log (M37.1).
 *
 * @since 0.1.0
 */
export class AuditGroup extends HttpApiGroup.make("audit")
  .add(
    HttpApiEndpoint.get("verify", "/audit/verify")
      .addSuccess(AuditVerification)
      .annotateContext(
        OpenApi.annotations({
          summary: "Verify the audit chain",
          description:
            "Verify the hash chain of the whole audit log: intact with its length and head, or the first broken " +
            "record and why (M37.1). Who may call it: the system admin of the deployment's root unit (M37.1); a " +
            "lower unit's system admin is refused (M37.1), other roles too (M13.3, M13.4, M14.3)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("search", "/audit")
      .setUrlParams(
        Schema.Struct({
          ...PageParams.fields,
          actor: Opt(Text(128).annotations({ description: "an account id, `system` or `anonymous`" })),
          object: Opt(Text(300).annotations({ description: "the object exactly: `workflow:…`, `unit:…`, `GET /…`" })),
          rule: Opt(Text(16).annotations({ description: "the rule a refusal named, `M14.3`" })),
          from: Opt(Text(40).annotations({ description: "the first instant (ISO 8601) or day (UTC)" })),
          to: Opt(Text(40).annotations({ description: "the instant the records end before, or the last day (UTC)" }))
        })
      )
      .addSuccess(Page("AuditRecordPage", AuditRecordView))
      .annotate(OpenApi.Summary, "Search the audit log")
      .annotate(
        OpenApi.Description,
        "The audit records matching every filter given, in order (M37.1). Who may call it: a system admin, for the " +
          "records of the accounts of its unit's subtree; the root unit's system admin reads every record, those of " +
          "no unit too. Other roles are refused (M13.3, M13.4, M14.3). Each search is itself audited (`audit.search`)."
      )
  )
  .middleware(Authentication) {}
