/**
 * The tmis HTTP API as data: every endpoint with its path, its request and response Schemas and its errors. The
 * handlers live in `Handlers.ts`; the OpenAPI 3.1 document at `/openapi.json` is generated from this definition.
 *
 * Request bodies refuse unknown keys (no mass assignment); the core decides everything else and its refusals come
 * back with their rule ids (see `ApiError.ts`).
 *
 * @since 0.1.0
 */
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Account, EmploymentStatus, Review, Rotation, Transfer, Unit } from "@tmis/core"
import { Schema } from "effect"
import {
  Authentication,
  accountId,
  BasicInfo,
  Body,
  batchId,
  Day,
  entryId,
  Id,
  IndicatorRecord,
  Opt,
  Page,
  PageParams,
  requestId,
  Text,
  teacherId,
  unitId,
  Version,
  workflowId
} from "./ApiBase.js"
import * as ApiError from "./ApiError.js"
import { IndicatorsGroup } from "./IndicatorsApi.js"
import * as OpenApiDocument from "./OpenApiDocument.js"
import { RegistrationGroup } from "./RegistrationApi.js"
import { ReportsGroup } from "./ReportsApi.js"
import { SharedEFilesGroup, SharingGroup } from "./SharingApi.js"
import { StatisticsGroup } from "./StatisticsApi.js"
import { TrainingGroup, TrainingProvidersGroup } from "./TrainingApi.js"

export { Authentication, CurrentActor, PageParams, sessionCookie } from "./ApiBase.js"

// ---------------------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------------------

/**
 * A unit as the API shows it.
 *
 * @since 0.1.0
 */
export const UnitView = Schema.Struct({
  id: Schema.String,
  kind: Unit.Kind,
  parentId: Schema.optional(Schema.String),
  path: Schema.String,
  name: Schema.String,
  code: Schema.String,
  status: Schema.String,
  validFrom: Schema.String,
  school: Schema.optional(Schema.Unknown)
}).annotations({ identifier: "Unit" })

/**
 * A recorded version of a unit (M12.2): the unit as it was from `validFrom`, the unit a merger merged it into, and
 * its version number.
 *
 * @since 0.1.0
 */
export const UnitVersionView = Schema.Struct({
  ...UnitView.fields,
  mergedInto: Schema.optional(
    Schema.String.annotations({ description: "On a merger's version: the unit it merged into (M12.2)." })
  ),
  version: Schema.Number
}).annotations({ identifier: "UnitVersion" })

/**
 * An account as the API shows it: never the person's identity number.
 *
 * @since 0.1.0
 */
export const AccountView = Schema.Struct({
  id: Schema.String,
  role: Account.Role,
  unitId: Schema.String,
  status: Schema.String,
  name: Schema.String,
  certificateBound: Schema.Boolean,
  version: Schema.Number
}).annotations({ identifier: "Account" })

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

/**
 * A transfer or rotation: its machine state and the next step.
 *
 * @since 0.1.0
 */
export const WorkflowView = Schema.Struct({
  id: Schema.String,
  kind: Schema.Literal("transfer", "rotation"),
  teacherId: Schema.String,
  state: Schema.String,
  open: Schema.Boolean,
  createdAt: Schema.String,
  version: Schema.Number
}).annotations({ identifier: "Workflow" })

const Party = Schema.Struct({
  party: Schema.String,
  zh: Schema.String,
  en: Schema.String,
  units: Schema.Array(Schema.String).annotations({ description: "the units whose info admins act for the party" })
}).annotations({ identifier: "WorkflowParty" })

/**
 * A transfer or rotation as the listings show it: its ends, its day, every step taken and the party it waits for
 * (absent once it has ended). Never the teacher's identity number.
 *
 * @since 0.1.0
 */
export const WorkflowItem = Schema.Struct({
  id: Schema.String,
  kind: Schema.Literal("transfer", "rotation"),
  teacherId: Schema.String,
  from: Schema.Struct({ id: Schema.String, kind: Unit.Kind }),
  to: Schema.Struct({ id: Schema.String, kind: Unit.Kind }),
  effective: Schema.String.annotations({
    description: "a transfer's effective day; a rotation's first day (its whole period in `period`)"
  }),
  period: Schema.optional(Schema.Struct({ start: Schema.String, end: Schema.String })),
  personnelRelationChanges: Schema.optional(Schema.Boolean),
  state: Schema.String,
  open: Schema.Boolean,
  steps: Schema.Array(
    Schema.Struct({
      type: Schema.Literal("initiate", "confirm", "reject", "withdraw"),
      from: Schema.optional(Schema.String),
      to: Schema.String,
      actor: Schema.String,
      role: Schema.String,
      actorUnit: Schema.String,
      at: Schema.String,
      detail: Schema.optional(Schema.String)
    }).annotations({ identifier: "WorkflowStep" })
  ),
  next: Schema.optional(Party),
  createdAt: Schema.String,
  version: Schema.Number
}).annotations({ identifier: "WorkflowItem" })

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
 * The progress of a batch import: `accepted + rejected + skipped = rowsRead`; `flagged` of the accepted are kept as
 * problem data (M17.3), warned of in the report; `filename` is the upload's name.
 *
 * @since 0.1.0
 */
export const ImportView = Schema.Struct({
  batchId: Schema.String,
  unitId: Schema.String,
  filename: Schema.String,
  state: Schema.Literal("running", "done", "failed"),
  rowsRead: Schema.Number,
  accepted: Schema.Number,
  rejected: Schema.Number,
  skipped: Schema.Number,
  flagged: Schema.Number,
  failure: Schema.optional(Schema.Unknown)
}).annotations({ identifier: "Import" })

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

// ---------------------------------------------------------------------------------------------------------------
// Groups
// ---------------------------------------------------------------------------------------------------------------

const LoginBody = Body("Login", { accountId: Text(128), password: Text(256) })
const LoginResult = Schema.Struct({
  outcome: Schema.Literal("ok", "mustChangePassword"),
  token: Opt(Schema.String),
  expiresAt: Opt(Schema.String)
}).annotations({ identifier: "LoginResult" })
const ActorView = Schema.Struct({
  accountId: Schema.String,
  role: Account.Role,
  unitId: Schema.String,
  unitPath: Schema.String,
  certificatePresented: Schema.Boolean,
  /** The presented certificate is the one bound to the account, and in its validity (M14.2). */
  certificateValid: Schema.Boolean
}).annotations({ identifier: "Actor" })

/**
 * Log in and out, change one's password (M37.2).
 *
 * @since 0.1.0
 */
export class AuthGroup extends HttpApiGroup.make("auth")
  .add(
    HttpApiEndpoint.post("login", "/auth/login")
      .setPayload(LoginBody)
      .addSuccess(LoginResult)
      .annotateContext(
        OpenApi.annotations({
          summary: "Log in with a password",
          description:
            "Log in with a password; sets the session cookie and returns the token. Who may call it: anyone, " +
            "without a session. An unknown, disabled or locked account and a wrong password get one identical " +
            "refusal (401); 5 failures lock the account for 30 minutes; every attempt is audited (M37.2, M37.1). " +
            "An initial or reset password answers `mustChangePassword` and no session: change it first (`POST " +
            "/auth/password`)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("platformLogin", "/auth/platform")
      .setPayload(Body("PlatformLogin", { token: Text(8192) }))
      .addSuccess(LoginResult)
      .annotateContext(
        OpenApi.annotations({
          summary: "Log in through the province's identity platform",
          description:
            "Log in with a token of the province's identity platform (应用支撑服务平台, M15.2), when the server is " +
            "configured with one. Who may call it: anyone, without a session; the account the platform names gets " +
            "a session if it exists and is active. The platform's refusal, an unknown and a disabled account are " +
            "refused alike (401, M37.2); every attempt is audited with the platform's name (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("changePassword", "/auth/password")
      .setPayload(Body("ChangePassword", { accountId: Text(128), current: Text(256), next: Text(256) }))
      .addSuccess(Schema.Struct({ accountId: Schema.String }))
      .annotateContext(
        OpenApi.annotations({
          summary: "Change one's own password",
          description:
            "Change one's own password (required after an initial or reset password). Who may call it: anyone, " +
            "without a session, who knows the account's current password; a wrong one counts as a failed login " +
            "and can lock the account (M37.2). The new password is checked against the policy and the " +
            "history (M37.2); the change ends the account's sessions and is audited " +
            "without either password (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("logout", "/auth/logout")
      .addSuccess(Schema.Void)
      .middleware(Authentication)
      .annotateContext(
        OpenApi.annotations({
          summary: "Log out",
          description:
            "End the caller's session and clear the session cookie (M37.2). Who may call it: any account with a " +
            "session, of any role at any unit. Logging out twice is harmless."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("me", "/auth/me")
      .addSuccess(ActorView)
      .middleware(Authentication)
      .annotateContext(
        OpenApi.annotations({
          summary: "The caller's account",
          description:
            "The account of the session: its role, its unit and the unit's path, and whether the connection " +
            "presents the CA certificate bound to it (M14.2). Who may call it: any account with a session, of any " +
            "role at any unit (M37.2)."
        })
      )
  ) {}

const SchoolBody = Body("SchoolAttributes", {
  schoolType: Text(8),
  sponsor: Text(8),
  centralMinistry: Opt(Schema.Boolean),
  affiliatedTo: Opt(Text(64))
})

/**
 * The unit hierarchy (M2, M6, M7, M12, M20).
 *
 * @since 0.1.0
 */
export class UnitsGroup extends HttpApiGroup.make("units")
  .add(
    HttpApiEndpoint.get("get")`/units/${unitId}`.addSuccess(UnitView).annotateContext(
      OpenApi.annotations({
        summary: "A unit, as in force today",
        description:
          "The unit's version in force today (M12.2). Who may call it: a system admin, info admin or info " +
          "query-er of the unit or of a unit above it (its scope is its unit's subtree, M14.3; a department's, " +
          "the department, M20.1); a teacher is refused (M14.3)."
      })
    )
  )
  .add(
    HttpApiEndpoint.get("subtree")`/units/${unitId}/subtree`
      .setUrlParams(PageParams)
      .addSuccess(Page("UnitPage", UnitView))
      .annotateContext(
        OpenApi.annotations({
          summary: "A unit's subtree",
          description:
            "The unit and every unit below it, in path order, a page at a time. Who may call it: a system admin, " +
            "info admin or info query-er of the unit or of a unit above it (M14.3; a department, its own, M20.1); " +
            "a teacher is refused (M14.3)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("versions")`/units/${unitId}/versions`
      .setUrlParams(PageParams)
      .addSuccess(Page("UnitVersionPage", UnitVersionView))
      .annotateContext(
        OpenApi.annotations({
          summary: "A unit's version history",
          description:
            "The unit's recorded versions (M12.2), oldest first, a page at a time: its first version and one per " +
            "dated change (name, type, sponsor, parent, closure, merger), each with its `version` (1 when created, " +
            "+1 on every change) and the day it took effect (`validFrom`); `next` is the last version number of the " +
            "page, and an `after` that is no version number answers 422 (M12.2). Who may call it: whoever may read " +
            "the unit (`GET /units/{unitId}`) — a system admin, info admin or info query-er of the unit or of a unit " +
            "above it (its scope is its unit's subtree, M14.3; a department's, the department, M20.1); a teacher is " +
            "refused (M14.3)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("create")`/units/${unitId}/units`
      .setPayload(
        Body("NewUnit", {
          id: Id,
          kind: Unit.Kind,
          name: Text(128),
          code: Text(32),
          validFrom: Day,
          school: Opt(SchoolBody)
        })
      )
      .addSuccess(UnitView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Create a unit below a unit",
          description:
            "Create a unit below `unitId` (M2.2, M4.1, M6.1, M7.1, M12.1): its kind fits its parent, its code and " +
            "a school's type and sponsor are checked; a code already taken is refused by the store (409, " +
            "`unitCode`). Who may call it: an info admin of an administrative unit (national, province, city, " +
            "county), below its unit or a unit of its subtree; a school's info admin creates only secondary " +
            "departments (二级部门) of its own school (M20.1). A system admin (M13.2), an info query-er (M13.4) and a " +
            "teacher (M14.3) are refused."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("change")`/units/${unitId}/changes`
      .setPayload(
        Body("UnitChange", {
          change: Schema.Union(
            Schema.TaggedStruct("Rename", { name: Text(128) }),
            Schema.TaggedStruct("ChangeType", { schoolType: Text(8), code: Opt(Text(32)) }),
            Schema.TaggedStruct("ChangeSponsor", { sponsor: Text(8) }),
            Schema.TaggedStruct("Move", { parentId: Id }),
            Schema.TaggedStruct("Close", {}),
            Schema.TaggedStruct("Merge", { intoId: Id })
          ),
          effective: Day,
          expectedVersion: Version
        })
      )
      .addSuccess(UnitView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Change a unit as of a day: rename, change type or sponsor, move, close, merge",
          description:
            "A new dated version of the unit, effective from `effective` (M12.2: earlier versions stay, see " +
            "`GET /units/{unitId}/versions`), written only at the version the caller saw (409 otherwise). A move " +
            "re-paths the unit's subtree in the same transaction and must fit the new parent (M2.2); a school's type " +
            "and sponsor are checked against the code tables (M4.1, M12.1). Who may call it: an info admin of an " +
            "administrative unit above it (a unit's attributes are changed from above, M12.2); a school's info admin " +
            "changes only its own secondary departments (M20.1); for a move, the caller must also be able to create " +
            "under the new parent, for a merge to change the unit merged into. Anyone else is refused (M13.2, M13.4, " +
            "M14.3)."
        })
      )
  )
  .middleware(Authentication) {}

/**
 * Accounts handed down level by level (M13–M15) and their credentials (M37.2, M14.2).
 *
 * @since 0.1.0
 */
export class AccountsGroup extends HttpApiGroup.make("accounts")
  .add(
    HttpApiEndpoint.post("create")`/units/${unitId}/accounts`
      .setPayload(
        Body("NewAccount", {
          id: Id,
          role: Account.Role,
          person: Body("Person", { name: Text(64), identityNumber: Text(32) })
        })
      )
      .addSuccess(AccountView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Create an account at a unit",
          description:
            "Create an account at `unitId`, bound to a real person (M14.1). Who may call it: a system admin — " +
            "info admin and query-er accounts for its own unit (M13.2); the system admin of a unit directly below " +
            "its own (M15.1; one active per unit, M14.4, refused by the store: 409); teacher accounts only as a " +
            "school's system admin, for its school or its departments (M13.5). Quotas per unit (M14.5). Info " +
            "admins (M13.3), query-ers (M13.4) and teachers (M14.3) are refused."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("list")`/units/${unitId}/accounts`
      .setUrlParams(PageParams)
      .addSuccess(Page("AccountPage", AccountView))
      .annotate(OpenApi.Summary, "A unit's accounts")
      .annotate(
        OpenApi.Description,
        "The accounts of the unit, active and disabled, by id (never their identity numbers). Who may call it: the " +
          "unit's system admin (M13.2) or the system admin of a unit above it (M15.1); anyone else is refused " +
          "(M13.3, M13.4, M14.3). Audited (`account.list`, M37.1)."
      )
  )
  .add(
    HttpApiEndpoint.post("disable")`/accounts/${accountId}/disable`
      .setPayload(Body("DisableAccount", { expectedVersion: Version }))
      .addSuccess(AccountView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Disable an account",
          description:
            "Disable an account at the version the caller saw (409 otherwise); how a unit's system admin is " +
            "replaced (M14.4). Who may call it: whoever manages the account — its unit's system admin for info " +
            "admins and query-ers (M13.2), the system admin of the unit directly above for a system admin " +
            "(M15.1), a school's system admin for its teachers' accounts (M13.5). Anyone else is refused (M13.2, " +
            "M13.3, M13.4, M14.3, M15.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("enable")`/accounts/${accountId}/enable`
      .setPayload(Body("EnableAccount", { expectedVersion: Version }))
      .addSuccess(AccountView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Enable a disabled account again",
          description:
            "Enable a disabled account at the version the caller saw (409 otherwise). Who may call it: whoever " +
            "manages the account, as for disabling (M13.2, M13.5, M15.1). A system admin whose unit already has an " +
            "active one is refused (M14.4: 422; 409 when the store refuses it under concurrency), as is an account over its unit's quota " +
            "(M14.5). The password and any lockout are unchanged: reset the password to unlock (M37.2)."
        })
      )
  )
  .add(
    HttpApiEndpoint.put("setPassword")`/accounts/${accountId}/password`
      .setPayload(Body("SetPassword", { password: Text(256), expectedVersion: Opt(Version) }))
      .addSuccess(Schema.Struct({ accountId: Schema.String, version: Schema.Number }))
      .annotateContext(
        OpenApi.annotations({
          summary: "Reset or set an account's password",
          description:
            "Without `expectedVersion`: reset the password (and unlock): the credential is overwritten, the lock " +
            "and the failed-attempt count cleared, the account's sessions ended. With it: set the password only " +
            "at that version of the credential (409 otherwise). Either way an initial password, to be changed at " +
            "the next login, checked against the policy, the person's identifiers and the history (M37.2, M14.1), " +
            "audited without the password (M37.1). Who may call it: whoever manages the account — its unit's " +
            "system admin (M13.2), the one directly above for a system admin (M15.1), a school's system admin for " +
            "teachers (M13.5)."
        })
      )
  )
  .add(
    HttpApiEndpoint.put("bindCertificate")`/accounts/${accountId}/certificate`
      .setPayload(
        Body("BindCertificate", {
          fingerprint: Text(128),
          notBefore: Text(40),
          notAfter: Text(40),
          expectedVersion: Version
        })
      )
      .addSuccess(AccountView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Bind a CA certificate to an account",
          description:
            "Bind the fingerprint and validity of a CA certificate to an account (M14.2): where the deployment " +
            "requires certificates for the account's role, it acts only while presenting this one. Who may call " +
            "it: whoever manages the account — its unit's system admin (M13.2), the one directly above for a " +
            "system admin (M15.1), a school's system admin for teachers (M13.5)."
        })
      )
  )
  .middleware(Authentication) {}

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
  Body("Edit", { type: Schema.Literal("edit"), data: IndicatorRecord })
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
      .setUrlParams(PageParams)
      .addSuccess(Page("EFilePage", EFileView))
      .annotateContext(
        OpenApi.annotations({
          summary: "The e-files kept in a unit's subtree",
          description:
            "The e-files kept at the unit and below, a page at a time. Who may call it: an info admin or info " +
            "query-er of the unit or a unit above it (M13.3, M13.4); masked for a query-er (M13.4, M37.2); a " +
            "system admin (M13.2) and a teacher (M14.3) are refused. Audited, refusals too (`efile.list`, M37.1)."
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
      .setPayload(Body("NewEntry", { group: Text(64), data: IndicatorRecord }))
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
      .setPayload(Body("ChangeRequest", { change: IndicatorRecord, reason: Text(1000) }))
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

/**
 * Batch import (M16.2, M17): upload a CSV or XLSX file, follow its progress, download the error report.
 *
 * @since 0.1.0
 */
export class ImportsGroup extends HttpApiGroup.make("imports")
  .add(
    HttpApiEndpoint.post("upload")`/units/${unitId}/imports`
      .setPayload(
        HttpApiSchema.Uint8Array({ contentType: "application/octet-stream" }).annotations({
          description:
            "the file: CSV (UTF-8 or GB18030) or XLSX; say which with the `format` query parameter, and its name with `filename`"
        })
      )
      .setUrlParams(
        Schema.Struct({
          format: Opt(Schema.Literal("csv", "xlsx")),
          filename: Opt(
            Text(255).annotations({ description: "the file's name, which progress and refusals name it by" })
          )
        })
      )
      .addSuccess(ImportView, { status: 202 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Upload a file of new hires to import",
          description:
            "Import a CSV or XLSX file of teachers' basic information into the unit in the background (M16.2), " +
            "answering 202 with the batch: the same file uploaded again by the same account for the same unit is " +
            "the same batch and resumes it. Who may call it: an info admin of the school or department that keeps " +
            "the e-files (M21.1, M20.1), refused before the upload is accepted (403 or 422, M21.1; M13.2, M13.4, " +
            "M14.3 by role). Each row is checked as `POST /efiles` checks it (M11.1, M17.3, M17.4)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("progress")`/imports/${batchId}`.addSuccess(ImportView).annotateContext(
      OpenApi.annotations({
        summary: "An import's progress",
        description:
          "The progress of a batch import (M16.2) while this server process runs. Who may call it: the account " +
          "that uploaded it, while it may still write teachers at the import's unit (an info admin of the unit " +
          "or above, M13.3); to anyone else the batch does not exist (404)."
      })
    )
  )
  .add(
    HttpApiEndpoint.get("report")`/imports/${batchId}/report`
      .addSuccess(
        HttpApiSchema.Text({ contentType: "text/csv" }).annotations({
          description: "行,列,值,原因,规则 (UTF-8 with BOM)"
        })
      )
      .annotateContext(
        OpenApi.annotations({
          summary: "An import's error report",
          description:
            "The error report of a batch import as CSV (行,列,值,原因,规则): the refused rows with their rule, and rows " +
            "accepted as problem data as warnings (M17.3). Who may call it: the account that uploaded it, while " +
            "it may still write teachers at the import's unit (M13.3); to anyone else the batch does not exist " +
            "(404)."
        })
      )
  )
  .middleware(Authentication) {}

/** The filters and the page of a listing of processes. */
const WorkflowFilter = {
  ...PageParams.fields,
  kind: Opt(Schema.Literal("transfer", "rotation")),
  state: Opt(Schema.Union(Transfer.State, Rotation.State))
}

const WorkflowItemPage = Page("WorkflowItemPage", WorkflowItem)

/**
 * Transfers (M23) and rotations (M24): initiate, confirm / reject / withdraw in the fixed order, read, list.
 *
 * @since 0.1.0
 */
export class WorkflowsGroup extends HttpApiGroup.make("workflows")
  .add(
    HttpApiEndpoint.post("initiateTransfer", "/transfers")
      .setPayload(Body("TransferRequest", { teacherId: Id, toUnitId: Id, effective: Day, reason: Text(1000) }))
      .setHeaders(Schema.Struct({ "idempotency-key": Opt(Text(128)) }))
      .addSuccess(WorkflowView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Initiate a transfer",
          description:
            "Initiate the transfer (调动) of a teacher to the caller's school (M23.1); then the receiving bureau, " +
            "the sending school and the sending bureau confirm, in that order. Who may call it: an info admin of " +
            "the receiving school, or of the receiving department (M23.1, M20.1); anyone else is refused. A " +
            "rotation in disguise is refused (M23.3); a second open process of the teacher is refused by the " +
            "store (409, M24.3). With an `Idempotency-Key`, a retry gets the first answer; the key reused for " +
            "another command is refused (409, M23.2). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("initiateRotation", "/rotations")
      .setPayload(
        Body("RotationRequest", {
          teacherId: Id,
          toUnitId: Id,
          personnelRelationChanges: Schema.Boolean,
          period: Body("Period", { start: Day, end: Day }),
          reason: Text(1000)
        })
      )
      .setHeaders(Schema.Struct({ "idempotency-key": Opt(Text(128)) }))
      .addSuccess(WorkflowView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Initiate a rotation",
          description:
            "Initiate the exchange and rotation (交流轮岗) of a teacher for a period: without a change of personnel " +
            "relation the dispatching bureau confirms (M24.1); with one, then the receiving school and its bureau " +
            "too (M24.2). Who may call it: an info admin of the dispatching school — the teacher's — or of the " +
            "teacher's department (M24.1, M24.2, M20.1); anyone else is refused. A second open process of the " +
            "teacher is refused by the store (409, M24.3). `Idempotency-Key` as for transfers. Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("inbox", "/workflows/inbox")
      .setUrlParams(Schema.Struct(WorkflowFilter))
      .addSuccess(WorkflowItemPage)
      .annotate(OpenApi.Summary, "The processes waiting for the caller's unit")
      .annotate(
        OpenApi.Description,
        "The open transfers and rotations whose next confirmation is the caller's unit's to take (M23.1, M24.1, M24.2): " +
          "its `next` party names the unit. A school's inbox holds its departments' (M20.1); a bureau's, its schools'. " +
          "Oldest first; `kind` and `state` filter. Who may call it: an info admin or query-er, for its own unit " +
          "(M13.3, M13.4); a system admin or a teacher is refused (M13.2, M14.3)."
      )
  )
  .add(
    HttpApiEndpoint.get("list", "/workflows")
      .setUrlParams(
        Schema.Struct({
          scope: Schema.optionalWith(Schema.Literal("mine"), { default: () => "mine" as const }).annotations({
            description: "`mine`: the processes the caller's unit is party to"
          }),
          ...WorkflowFilter
        })
      )
      .addSuccess(WorkflowItemPage)
      .annotate(OpenApi.Summary, "The processes the caller's unit is party to")
      .annotate(
        OpenApi.Description,
        "The transfers and rotations, open or ended, whose sending or receiving side the caller's unit acts for, as " +
          "the school (or department) or its competent bureau (M23.1, M24.1, M24.2), with every step taken. Oldest " +
          "first; `kind` and `state` filter. Who may call it: an info admin or query-er, for its own unit (M13.3, " +
          "M13.4); a system admin or a teacher is refused (M13.2, M14.3)."
      )
  )
  .add(
    HttpApiEndpoint.get("get")`/workflows/${workflowId}`.addSuccess(WorkflowView).annotateContext(
      OpenApi.annotations({
        summary: "A transfer or rotation",
        description:
          "A process with its machine state. Who may call it: whoever may read the teacher's basic information " +
          "at the sending or the receiving unit — an info admin or info query-er of either unit or a unit above " +
          "it (M13.3, M13.4); a system admin (M13.2) and a teacher (M14.3) are refused."
      })
    )
  )
  .add(
    HttpApiEndpoint.post("act")`/workflows/${workflowId}/actions`
      .setPayload(
        // A confirmation carries no reason and a rejection or withdrawal must: a retry's body is then compared whole.
        Schema.Union(
          Body("Confirm", { type: Schema.Literal("confirm"), expectedVersion: Version }),
          Body("RejectOrWithdraw", {
            type: Schema.Literal("reject", "withdraw"),
            reason: Text(1000).pipe(Schema.minLength(1)),
            expectedVersion: Version
          })
        )
      )
      .setHeaders(Schema.Struct({ "idempotency-key": Opt(Text(128)) }))
      .addSuccess(WorkflowView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Confirm, reject or withdraw a process",
          description:
            "Take the next step of a transfer or rotation at the version the caller saw (of concurrent " +
            "confirmations one commits, the others get 409). Who may send what: `confirm` and `reject` (with a reason): an info " +
            "admin of the party the process waits for (its `next`), in the fixed order (M23.1, M24.1, M24.2); a " +
            "step skipped, repeated or anyone else's is refused (M23.2, M24.1, M24.2). `withdraw` (with a " +
            "reason): an info admin of the initiating school (or department) before the last confirmation " +
            "(M23.2). The last confirmation moves the e-file in the same transaction (O4.1). `Idempotency-Key` as " +
            "for transfers. Audited (M37.1)."
        })
      )
  )
  .middleware(Authentication) {}

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

/**
 * The whole API.
 *
 * @since 0.1.0
 */
export class Api extends HttpApi.make("tmis")
  .add(AuthGroup)
  .add(UnitsGroup)
  .add(AccountsGroup)
  .add(EFilesGroup)
  .add(ImportsGroup)
  .add(WorkflowsGroup)
  .add(AuditGroup)
  .add(IndicatorsGroup)
  .add(RegistrationGroup)
  .add(ReportsGroup)
  .add(StatisticsGroup)
  .add(TrainingGroup)
  .add(TrainingProvidersGroup)
  .add(SharingGroup)
  .add(SharedEFilesGroup)
  .addError(ApiError.BadRequest)
  .addError(ApiError.Unauthenticated)
  .addError(ApiError.Forbidden)
  .addError(ApiError.NotFound)
  .addError(ApiError.Conflict)
  .addError(ApiError.PayloadTooLarge)
  .addError(ApiError.Unprocessable)
  .addError(ApiError.Timeout)
  .addError(ApiError.MethodNotAllowed)
  .addError(ApiError.LengthRequired)
  .addError(ApiError.UnsupportedMediaType)
  .annotate(OpenApi.Title, "tmis — National Teacher Management Information System (全国教师管理信息系统)")
  .annotate(OpenApi.Version, "0.1.0")
  .annotate(
    OpenApi.Description,
    "The reference server of the tmis SDK. Every refusal names the rule of the regulation it enforces (rule, zh, en). " +
      "Each operation says who may call it; besides, every call with a session is refused when the account is " +
      "disabled (M14.3) or when the deployment requires a bound CA certificate for its role and the connection does " +
      "not present it (M14.2)."
  )
  // 405 with `Allow` on every operation; 411, 413, 415 only where a body is read; 503 only on reads (`Server.ts`).
  .annotate(OpenApi.Transform, OpenApiDocument.serverStatuses) {}
