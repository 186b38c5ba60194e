/**
 * The API's group: teachers' e-files (M16–M22, M37). Part of `Api.ts`'s `Api`; handlers in `Handlers.ts`.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { EFileFilter, EmploymentStatus, Review, Unit } from "@tmis/core"
import { Schema } from "effect"
import {
  Authentication,
  BasicInfo,
  Body,
  Day,
  entryId,
  Id,
  IndicatorRecord,
  Opt,
  Page,
  PageParams,
  RecordChange,
  requestId,
  Text,
  teacherId,
  unitId,
  Version
} from "./ApiBase.js"
import * as OpenApiDocument from "./OpenApiDocument.js"

/**
 * An entry of an e-file with its review.
 *
 * @since 0.1.0
 */
export const EntryView = Schema.Struct({
  id: Schema.String,
  teacherId: Schema.String,
  group: Schema.String,
  data: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  review: Schema.Struct({ state: Review.State, context: Schema.Unknown }),
  /** The version to name as `expectedVersion` in a review or a change request. */
  version: Schema.Number
}).annotations({ identifier: "Entry" })

/**
 * An e-file (电子档案) as the reader may see it: masked for readers of basic information (M37.2).
 *
 * @since 0.1.0
 */
export const EFileView = Schema.Struct({
  id: Schema.String,
  unitId: Schema.String,
  path: Schema.String,
  stage: Schema.String,
  idType: Schema.String,
  idNumber: Schema.String,
  name: Schema.String,
  status: EmploymentStatus.Status,
  createdAt: Schema.String
}).annotations({ identifier: "EFile" })

/**
 * An e-file with its entries, as read.
 *
 * @since 0.1.0
 */
export const EFileRead = Schema.Struct({
  efile: EFileView,
  entries: Schema.Array(EntryView),
  masked: Schema.Boolean,
  version: Schema.Number
}).annotations({ identifier: "EFileRead" })

/**
 * A stored object's id and version after a command.
 *
 * @since 0.1.0
 */
export const Written = Schema.Struct({ id: Schema.String, version: Schema.Number }).annotations({
  identifier: "Written"
})

const ReviewCommand = Schema.Union(
  Body("Submit", { type: Schema.Literal("submit") }),
  Body("ApproveBySchool", {
    type: Schema.Literal("approveBySchool"),
    collectiveReview: Text(512),
    principal: Text(64),
    signedOn: Day
  }),
  Body("ApproveByBureau", { type: Schema.Literal("approveByBureau") }),
  Body("Reject", { type: Schema.Literal("reject"), reason: Text(1000) }),
  Body("FlagProblem", {
    type: Schema.Literal("flagProblem"),
    problem: Body("Problem", { check: Review.Check, detail: Text(1000) })
  }),
  Body("ResolveProblem", { type: Schema.Literal("resolveProblem"), check: Review.Check, resolution: Text(1000) }),
  Body("Edit", { type: Schema.Literal("edit"), data: RecordChange })
)

/**
 * Teachers' e-files: onboarding, entries, review, change requests, status changes, reads (M16–M22, M37).
 *
 * @since 0.1.0
 */
export class EFilesGroup extends HttpApiGroup.make("efiles")
  .add(
    HttpApiEndpoint.post("onboard", "/efiles")
      .setPayload(
        Body("NewHire", {
          unitId: Id,
          basicInfo: BasicInfo,
          employment: Body("Employment", {
            onEstablishment: Schema.Boolean,
            contractMonths: Opt(Schema.Int.pipe(Schema.between(0, 1200))),
            postCategory: Schema.Literal("1", "2", "3", "4")
          })
        })
      )
      .addSuccess(Schema.Struct({ efile: Written, entry: Written }), { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Create the e-file of a new hire",
          description:
            "Create the e-file (电子档案) of a new hire and its basic information, a draft awaiting review (M21.1, " +
            "M17.1). Who may call it: an info admin of the school keeping the e-file, or of the department (二级部门) " +
            "keeping it (M21.1, M20.1); a unit that is no school or department keeps no e-files (422, M21.1); " +
            "other roles and units are refused (M21.1, M13.2, M13.4, M14.3). The person must be covered (M5.1), " +
            "the basic information valid under the deployment's indicators (M11.1, M11.2); an identity number " +
            "that disagrees with the birth date or sex is kept as problem data (M17.3); a second active e-file of " +
            "one identity document is refused by the store (409, M17.4). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("read")`/efiles/${teacherId}`.addSuccess(EFileRead).annotateContext(
      OpenApi.annotations({
        summary: "Read an e-file",
        description:
          "An e-file with its entries and their reviews. Who may call it: an info admin or info query-er of the " +
          "teacher's unit or a unit above it (M13.3, M13.4), or the teacher, for its own (M14.3); a system " +
          "admin is refused (M13.2). An info query-er sees it masked — identity number masked, pay and ethics " +
          "withheld (M13.4, M37.2). Every read, and every refused read, is audited (`efile.read`, M37.1)."
      })
    )
  )
  .add(
    HttpApiEndpoint.get("list")`/units/${unitId}/efiles`
      .setUrlParams(Schema.Struct({ ...PageParams.fields, ...EFileFilter.fields }))
      .addSuccess(Page("EFilePage", EFileView))
      .annotateContext(
        OpenApi.annotations({
          summary: "The e-files kept in a unit's subtree, searched",
          description:
            "The e-files kept at the unit and below, in path order, a page at a time; optional filters, all of " +
            "which must hold: `name` (a prefix of 姓名, exact), `idNumber` (the whole number), `status` (M22.1), " +
            "`stage`, `pendingReview` (an entry submitted or school-approved, M17.1). Who may call it: an info " +
            "admin or info query-er of the unit or a unit above it (M13.3, M13.4); masked for a query-er, who may " +
            "not filter by identity number (403, M37.2, M13.4); a system admin (M13.2) and a teacher (M14.3) are " +
            "refused. Audited with the filter, refusals too (`efile.list`, M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("own", "/me/efile")
      .addSuccess(EFileRead)
      .annotateContext(
        OpenApi.annotations({
          summary: "A teacher's own e-file",
          description:
            "The active e-file of the person a teacher account is bound to (by its resident identity number, " +
            "M14.1), with its entries and their review states, as `GET /efiles/{teacherId}` shows it (M14.3: a " +
            "teacher reads its own information only; M16.1: it fills the groups a teacher fills through " +
            "`POST /efiles/{teacherId}/entries`). 404 when the person has no active e-file. Who may call it: any " +
            "account, for its own person (a teacher account above all); audited (`efile.read`, M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("duplicates", "/duplicates")
      .setUrlParams(PageParams)
      .addSuccess(
        Page(
          "DuplicatePage",
          Schema.Struct({
            idType: Schema.String,
            idNumber: Schema.String,
            teachers: Schema.Array(Schema.String)
          }).annotations({ identifier: "Duplicate" })
        )
      )
      .annotateContext(
        OpenApi.annotations({
          summary: "The duplicate report: identity documents held by more than one e-file",
          description:
            "Identity documents (type and number, in full) held by more than one e-file, with those e-files, a " +
            "page at a time (M17.4). Who may call it: an info admin of the deployment's top unit (the province in " +
            "a provincial deployment; the national unit finds them across provinces); anyone else is refused " +
            "(M17.4, M13.2, M13.4, M14.3). Audited, refusals too (`efile.duplicates`, M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("addEntry")`/efiles/${teacherId}/entries`
      .setPayload(
        // Decoded loosely (the core validates `data` against the deployment's indicators with its own messages);
        // documented as one shape per core group.
        Body("NewEntry", { group: Text(64), data: IndicatorRecord }).annotations({
          jsonSchema: OpenApiDocument.newEntryJsonSchema
        })
      )
      .addSuccess(Written, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Add an entry to an e-file",
          description:
            "Add a record of a record group (信息类别) to an e-file, a draft awaiting review (M17.1). Who may call " +
            "it: an info admin whose unit is the teacher's unit or above it (M13.3, M16.1), or the teacher on its " +
            "own e-file (M14.3) for the groups a teacher may fill — assessment, pay, ethics, post and title " +
            "records only the school or a bureau (M16.1). The record is validated against the deployment's " +
            "indicators (M11.1, M11.2); identity problems are kept as problem data (M17.3). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("review")`/entries/${entryId}/review`
      .setPayload(Body("ReviewRequest", { command: ReviewCommand, expectedVersion: Version }))
      .addSuccess(Written)
      .annotateContext(
        OpenApi.annotations({
          summary: "Send a review command to an entry",
          description:
            "Move an entry through its review (M17.1) at the version the caller saw (409 otherwise). Who may send " +
            "what: `edit` and `submit` — the teacher on its own entry of a group it may fill (M16.1, M14.3), or " +
            "an info admin whose unit is the teacher's or above; `approveBySchool`, `reject` of a submitted entry " +
            "and `resolveProblem` — an info admin of the teacher's school, or of the teacher's department (M17.1, " +
            "M20.1); `approveByBureau` and `reject` of a school-approved entry — an info admin of the school's " +
            "competent bureau (主管教育行政部门, M17.1); `flagProblem` — any info admin whose unit is the teacher's or " +
            "above (M17.3, M17.4). An entry with open problem data is not approved (M17.3, M17.4). System admins, " +
            "query-ers and other units are refused. Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("requestChange")`/entries/${entryId}/change-requests`
      .setPayload(Body("ChangeRequest", { change: RecordChange, reason: Text(1000) }))
      .addSuccess(Written, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Request a change of an effective entry",
          description:
            "Request a change of an effective entry, with a reason (M19.2); the changed record is validated now " +
            "(M11.1) and applies only once the competent bureau approves and only if the entry has not changed " +
            "meanwhile. Who may call it: an info admin of the teacher's school, or of the teacher's department " +
            "(M19.2, M20.1); anyone else is refused (M19.2, M13.2, M13.4, M14.3). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("approveChange")`/change-requests/${requestId}/approve`
      .setPayload(Body("ApproveChange", { expectedVersion: Version }))
      .addSuccess(Written)
      .annotateContext(
        OpenApi.annotations({
          summary: "Approve a change request and apply it",
          description:
            "Approve a change request at the version the caller saw, and apply it to the entry in the same " +
            "transaction — or neither, when the entry changed since the request (M19.2). Who may call it: an info " +
            "admin of the competent bureau (主管教育行政部门) of the teacher's school, its parent unit (M19.2); anyone " +
            "else is refused. Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("refuseChange")`/change-requests/${requestId}/refuse`
      .setPayload(Body("RefuseChange", { reason: Text(1000), expectedVersion: Version }))
      .addSuccess(Written)
      .annotateContext(
        OpenApi.annotations({
          summary: "Refuse a change request",
          description:
            "Refuse a change request with a reason, at the version the caller saw (M19.2). Who may call it: an " +
            "info admin of the competent bureau of the teacher's school (M19.2); anyone else is refused. Audited " +
            "(M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("recordStatus")`/efiles/${teacherId}/status`
      .setPayload(
        Body("StatusChange", {
          status: EmploymentStatus.Status,
          effective: Day,
          reason: Opt(EmploymentStatus.Reason),
          expectedVersion: Version
        })
      )
      .addSuccess(Written)
      .annotateContext(
        OpenApi.annotations({
          summary: "Record a change of employment status",
          description:
            "Record a change of employment status (人员状态) with its date, at the e-file's version the caller saw " +
            "(M22.1): the date is not after today; a teacher who left stops counting as active (M17.4). Who may " +
            "call it: an info admin of the teacher's school, or of the teacher's department (M22.1, M20.1); " +
            "anyone else is refused. Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("countByStatus")`/units/${unitId}/statistics/status`
      // The core's day (a real calendar day): 2026-02-30 is refused (400), not counted.
      .setUrlParams(Schema.Struct({ day: Unit.Day }))
      .addSuccess(Schema.Record({ key: Schema.String, value: Schema.Number }))
      .annotateContext(
        OpenApi.annotations({
          summary: "Teachers by employment status on a day",
          description:
            "The number of teachers by employment status in the unit's subtree as of `day`, each counted where it " +
            "was on that day (M22.1, M28.1). Who may call it: an info admin or info query-er of the unit or a " +
            "unit above it (M13.3, M13.4); a system admin (M13.2) and a teacher (M14.3) are refused."
        })
      )
  )
  .middleware(Authentication) {}
