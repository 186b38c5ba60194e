/**
 * A unit's change requests (M19.2): the requests on the e-files kept in its subtree, a page at a time.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { ChangeRequest } from "@tmis/core"
import { Schema } from "effect"
import { Authentication, Opt, Page, PageParams, unitId } from "./ApiBase.js"

/**
 * A change request as a listing shows it, with the e-file it concerns and its version (to approve or refuse at).
 *
 * @since 0.1.0
 */
export const ChangeRequestView = Schema.Struct({
  id: Schema.String,
  entryId: Schema.String,
  teacherId: Schema.String,
  /** The identity number of the teacher, in full: the callers are info admins (M13.3, M37.2). */
  teacher: Schema.String,
  unitId: Schema.String,
  baseVersion: Schema.Number,
  change: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  reason: Schema.String,
  status: ChangeRequest.Status,
  requestedBy: Schema.String,
  requestedAt: Schema.String,
  decidedBy: Schema.optional(Schema.String),
  decidedAt: Schema.optional(Schema.String),
  refusal: Schema.optional(Schema.String),
  appliedVersion: Schema.optional(Schema.Number),
  version: Schema.Number
}).annotations({ identifier: "ChangeRequestItem" })

/**
 * `GET /units/{unitId}/change-requests`.
 *
 * @since 0.1.0
 */
export class ChangeRequestsGroup extends HttpApiGroup.make("changeRequests")
  .add(
    HttpApiEndpoint.get("list")`/units/${unitId}/change-requests`
      .setUrlParams(
        Schema.Struct({
          ...PageParams.fields,
          state: Opt(
            ChangeRequest.Status.annotations({
              description:
                "requested (open, awaiting the competent bureau), applied (approved and applied), refused; " +
                "approved is the instant between approval and application and is never stored"
            })
          )
        })
      )
      .addSuccess(Page("ChangeRequestPage", ChangeRequestView))
      .annotateContext(
        OpenApi.annotations({
          summary: "The change requests on the e-files of a unit's subtree",
          description:
            "The change requests (变更申请, M19.2) on the entries of the e-files kept now at the unit and below, by " +
            "request id, a page at a time; `state` keeps one status. Who may call it: an info admin of the unit " +
            "or a unit above it — the school (or department, M20.1) that requests, the competent bureau that " +
            "approves or refuses (M19.2), and the units above that oversee them (M13.3); an info query-er " +
            "(M13.4), a system admin (M13.2), a teacher (M14.3), a department's info admin outside its department " +
            "(M20.1) and any unit outside the caller's subtree (M14.3) are refused. Audited, refusals too " +
            "(`changeRequest.list`, M37.1)."
        })
      )
  )
  .middleware(Authentication) {}
