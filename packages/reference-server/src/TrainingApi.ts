/**
 * Training credits (M25) and the credit bank (O9.1): the training plan and its providers, enrolments, results and
 * their confirmation, a teacher's ledger. Two groups: `training` for accounts with a session, `trainingProviders`
 * for providers, which authenticate with their own key (`x-provider-id`, `x-provider-key`), not a session.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { CreditBank, CreditConfirmations, TrainingProject } from "@tmis/core"
import { Schema } from "effect"
import { Authentication, Body, Day, Id, Opt, Text, teacherId, unitId, Version } from "./ApiBase.js"

const providerId = HttpApiSchema.param("providerId", Id)
const projectId = HttpApiSchema.param("projectId", Id)
const resultId = HttpApiSchema.param("resultId", Id)
const entryId = HttpApiSchema.param("entryId", Text(200))

const Hours = Schema.Number.pipe(Schema.positive(), Schema.lessThanOrEqualTo(10000)).annotations({
  description: "hours, at most two decimals"
})

/**
 * A provider as shown: never its key (nor its hash).
 *
 * @since 0.1.0
 */
export const ProviderView = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  ownerUnitId: Schema.String,
  status: Schema.Literal("active", "disabled"),
  createdAt: Schema.String,
  version: Schema.Number
}).annotations({ identifier: "TrainingProvider" })

/**
 * A project as stored, with its version.
 *
 * @since 0.1.0
 */
export const ProjectView = Schema.Struct({ ...TrainingProject.Project.fields, version: Schema.Number }).annotations({
  identifier: "TrainingProject"
})

/**
 * A result and where its confirmation stands.
 *
 * @since 0.1.0
 */
export const ResultView = Schema.Struct({
  id: Schema.String,
  projectId: Schema.String,
  teacherId: Schema.String,
  providerId: Schema.String,
  state: Schema.Literal("submitted", "returned", "confirmed"),
  hours: Schema.Number,
  completedOn: Schema.String,
  route: Schema.String,
  rule: Schema.String,
  confirmerUnitId: Schema.String,
  submission: Schema.Number,
  rejection: Schema.optional(Schema.Struct({ reason: Schema.String, by: Schema.String, at: Schema.String })),
  history: Schema.Array(
    Schema.Struct({
      type: Schema.String,
      from: Schema.optional(Schema.String),
      to: Schema.String,
      actor: Schema.String,
      at: Schema.String,
      detail: Schema.optional(Schema.String)
    })
  ),
  version: Schema.Number
}).annotations({ identifier: "TrainingResult" })

/**
 * What became of each result of a batch confirmation, in the order asked: confirmed (the result and its credits'
 * entry), or refused with the status, kind, rule and messages a confirmation alone would have answered with.
 *
 * @since 0.1.0
 */
export const BatchConfirmationView = Schema.Struct({
  items: Schema.Array(
    Schema.Union(
      Schema.Struct({
        resultId: Schema.String,
        outcome: Schema.Literal("confirmed"),
        result: ResultView,
        entryId: Schema.String
      }),
      Schema.Struct({
        resultId: Schema.String,
        outcome: Schema.Literal("refused"),
        status: Schema.Number,
        kind: Schema.String,
        rule: Schema.optional(Schema.String),
        zh: Schema.String,
        en: Schema.String
      })
    )
  )
}).annotations({ identifier: "TrainingBatchConfirmation" })

const AmountsView = Schema.Struct({ hours: Schema.Number, credits: Schema.Number })

/**
 * A teacher's ledger: its entries and the balance of the cycle asked for.
 *
 * @since 0.1.0
 */
export const LedgerView = Schema.Struct({
  entries: Schema.Array(CreditBank.Entry),
  balance: Schema.Struct({ available: AmountsView, applied: AmountsView, reversed: AmountsView })
}).annotations({ identifier: "CreditLedger" })

const NewProjectBody = Body("NewTrainingProject", {
  id: Id,
  name: Text(200),
  kind: TrainingProject.Kind,
  hours: Hours,
  form: CreditBank.Form,
  providerId: Id,
  from: Day,
  to: Day,
  capacity: Schema.Int.pipe(Schema.between(1, 100000)),
  targetUnitId: Opt(Id)
})

/**
 * `/training/…` for accounts: the plan, providers, enrolments, confirmations, ledgers (M25.1–M25.5, O9.1).
 *
 * @since 0.1.0
 */
export class TrainingGroup extends HttpApiGroup.make("training")
  .add(
    HttpApiEndpoint.post("registerProvider", "/training/providers")
      .setPayload(Body("NewTrainingProvider", { id: Id, name: Text(200) }))
      .addSuccess(Schema.Struct({ provider: ProviderView, key: Schema.String }), { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Register a training provider",
          description:
            "Register a provider (培训机构) of the caller's unit (M25.1). The response carries the provider's key, " +
            "shown this once and stored only as its SHA-256: the provider authenticates with it (`x-provider-id`, " +
            "`x-provider-key`) and acts on its own projects only (M25.2). Who may call it: an info admin of a " +
            "bureau or a school, for its own unit (403, M25.1). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("disableProvider")`/training/providers/${providerId}/disable`
      .setPayload(Body("DisableTrainingProvider", { version: Version }))
      .addSuccess(ProviderView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Disable a training provider",
          description:
            "Disable a provider: its key is refused from now on (M25.2). Who may call it: an info admin of the " +
            "unit that registered it (403, M25.1). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("createProject", "/training/projects")
      .setPayload(NewProjectBody)
      .addSuccess(ProjectView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Enter a training project of the plan",
          description:
            "Enter a project of the caller's unit at its own level (M25.1): national, provincial, city or county " +
            "projects by a bureau of that level, school-based (校本研修) and self-study by a school, whose plan then " +
            "awaits its competent bureau's approval (M25.5). Its provider is an active provider of the unit or a " +
            "unit above. Who may call it: an info admin of the unit itself (403 M25.1; another level's kind 422 " +
            "M25.1). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("projectsOf")`/units/${unitId}/training/projects`
      .addSuccess(Schema.Struct({ items: Schema.Array(TrainingProject.Project) }))
      .annotateContext(
        OpenApi.annotations({
          summary: "The training projects a unit owns",
          description:
            "The projects of a unit's plan (M25.1). Who may call it: an account of the unit or a unit above (M14.3)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("approvePlan")`/training/projects/${projectId}/approval`
      .setPayload(Body("ApproveTrainingPlan", { version: Version }))
      .addSuccess(ProjectView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Approve a school's school-based or self-study plan",
          description:
            "Approve a school's school-based training or self-study plan, before anyone enrols (M25.5). Who may call " +
            "it: an info admin of the school's competent bureau (403, M25.5). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("enrol")`/training/projects/${projectId}/enrolments`
      .setPayload(Body("TrainingEnrolment", { teacherId: Id }))
      .addSuccess(ProjectView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Enrol a teacher in a project",
          description:
            "Enrol a teacher (M25.2): the plan approved (422, M25.5), the teacher among the project's targets (422, " +
            "M25.1), a place left (409, M25.1), once (409, M25.2). Who may call it: an info admin whose scope holds " +
            "the teacher (403, M14.3). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("awaiting", "/training/results/awaiting")
      .addSuccess(Schema.Struct({ items: Schema.Array(ResultView) }))
      .annotateContext(
        OpenApi.annotations({
          summary: "The results awaiting the caller's unit",
          description:
            "The results whose credits the caller's unit is to confirm or reject (M25.3–M25.5). Who may call it: an " +
            "info admin."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("result")`/training/results/${resultId}`.addSuccess(ResultView).annotateContext(
      OpenApi.annotations({
        summary: "A training result",
        description:
          "A result, its confirming unit and its history. Who may call it: the confirming unit's accounts, or an " +
          "account that may read the teacher (M14.3)."
      })
    )
  )
  .add(
    HttpApiEndpoint.post("confirm")`/training/results/${resultId}/confirm`
      .setPayload(Body("ConfirmTrainingResult", { version: Version }))
      .addSuccess(ResultView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Confirm a result's credits",
          description:
            "Confirm the credits and book them in the teacher's ledger (O9.1), converted by the rule of the " +
            "teacher's province (M25.4). Who may call it: an info admin of the unit the project's kind names — the " +
            "owning bureau (M25.3), the teacher's provincial bureau for a national project (M25.4), the competent " +
            "bureau for school-based and self-study (M25.5); anyone else 403 with that rule. Once (409 on a stale " +
            "version, 422 when already confirmed). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("confirmBatch", "/training/confirmations")
      .setPayload(
        Body("ConfirmTrainingResults", {
          items: Schema.Array(Body("ConfirmTrainingResultItem", { resultId: Id, version: Version })).pipe(
            Schema.minItems(1),
            Schema.maxItems(CreditConfirmations.maxBatch)
          )
        })
      )
      .addSuccess(BatchConfirmationView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Confirm many results' credits at once",
          description:
            `Confirm a batch of 1 to ${CreditConfirmations.maxBatch} results (a page of the inbox) in one ` +
            "transaction, each as its own confirmation would: confirmed once and its credits booked once in the " +
            "ledger under the result's key (O9.1), converted by the rule of the teacher's province (M25.4); or " +
            "refused with the status, rule and messages that confirmation would have answered with (403 with the " +
            "route's rule M25.3–M25.5 for another unit's result, 409 on a stale version, 422 when already " +
            "confirmed, 404 for no such result), the others confirmed all the same. Who may call it: an info " +
            "admin; each result is confirmed only by the unit its project's kind names, as one alone. Each " +
            "confirmation, and each refusal, audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("reject")`/training/results/${resultId}/reject`
      .setPayload(Body("RejectTrainingResult", { version: Version, reason: Text(500) }))
      .addSuccess(ResultView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Reject a result with a reason",
          description:
            "Send a result back to its provider for correction, with a reason (422 when blank). Who may call it: " +
            "the confirming unit's info admin, as for confirmation (M25.3–M25.5). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("ledger")`/efiles/${teacherId}/credits`
      .setUrlParams(Schema.Struct({ from: Opt(Day), to: Opt(Day) }))
      .addSuccess(LedgerView)
      .annotateContext(
        OpenApi.annotations({
          summary: "A teacher's credit ledger and balance",
          description:
            "The teacher's credit entries, oldest first, and the balance of the cycle [from, to) — of every entry " +
            "when absent — derived from the entries (O9.1). Who may call it: the teacher, or an account that may " +
            "read the teacher (M14.3)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("reverse")`/efiles/${teacherId}/credits/${entryId}/reversal`
      .setPayload(Body("ReverseCredit", { reason: Text(500), key: Id }))
      .addSuccess(CreditBank.Entry, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Correct confirmed credits by a reversing entry",
          description:
            "Append the entry reversing confirmed credits, with its reason (O9.1): entries are never edited. " +
            "Idempotent by `key`. Refused when the credits were already reversed, applied or converted (409, O9.1). " +
            "Who may call it: an info admin of the unit that confirmed them (403, O9.1). Audited (M37.1)."
        })
      )
  )
  .middleware(Authentication) {}

const ProviderHeaders = Schema.Struct({ "x-provider-id": Id, "x-provider-key": Text(128) })

/**
 * What an upload of a file of results did: the counts and the refused rows (M25.2).
 *
 * @since 0.1.0
 */
export const ResultFileView = Schema.Struct({
  batchId: Schema.String,
  filename: Schema.String,
  rowsRead: Schema.Number,
  accepted: Schema.Number,
  rejected: Schema.Number,
  skipped: Schema.Number,
  rejections: Schema.Array(
    Schema.Struct({
      row: Schema.Number,
      column: Schema.String,
      value: Schema.String,
      reason: Schema.String,
      rule: Schema.String
    })
  )
}).annotations({ identifier: "TrainingResultFile" })

/**
 * `/provider/…` for training providers, authenticated by their key (M25.2).
 *
 * @since 0.1.0
 */
export class TrainingProvidersGroup extends HttpApiGroup.make("trainingProviders")
  .add(
    HttpApiEndpoint.post("submitResult", "/provider/results")
      .setHeaders(ProviderHeaders)
      .setPayload(Body("NewTrainingResult", { id: Id, projectId: Id, teacherId: Id, hours: Hours, completedOn: Day }))
      .addSuccess(ResultView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Submit a teacher's training result",
          description:
            "A provider submits a result, one by one (M25.2): only for its own projects and teachers enrolled in " +
            "them (403, M25.2), hours at most the project's and a completion day in its period (422). The result " +
            "awaits the unit the project's kind names (M25.3–M25.5). Who may call it: an active provider, by " +
            "`x-provider-id` and `x-provider-key` (401 otherwise). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("submitResultFile", "/provider/results/file")
      .setHeaders(ProviderHeaders)
      .setPayload(
        HttpApiSchema.Uint8Array({ contentType: "application/octet-stream" }).annotations({
          description:
            "the file: CSV (UTF-8 or GB18030) or XLSX, one row per teacher with the columns 教师ID/teacherId or " +
            "身份证号/identityNumber, 项目编号/projectId, 学时/hours and 结业日期/completedOn"
        })
      )
      .setUrlParams(
        Schema.Struct({
          format: Opt(Schema.Literal("csv", "xlsx")),
          filename: Opt(Text(255).annotations({ description: "the file's name, which refusals name it by" }))
        })
      )
      .addSuccess(ResultFileView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Submit a file of training results",
          description:
            "A provider submits its results as a CSV or XLSX file, one row per teacher (M25.2): each row is " +
            "checked and submitted as `POST /provider/results` does it — only for its own projects and teachers " +
            "enrolled in them, hours at most the project's, the day in its period — and a refused row is reported " +
            "with its row, column, value, reason and rule; the others go in. The same file uploaded again by the " +
            "same provider skips the rows already in (`skipped`). A file without the needed columns is refused " +
            "(422, M25.2). Who may call it: an active provider, by `x-provider-id` and `x-provider-key` (401 " +
            "otherwise). Each result is audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("resubmitResult")`/provider/results/${resultId}/resubmission`
      .setHeaders(ProviderHeaders)
      .setPayload(Body("ResubmitTrainingResult", { version: Version, hours: Hours, completedOn: Day, note: Text(500) }))
      .addSuccess(ResultView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Resubmit a rejected result, corrected",
          description:
            "The provider corrects a returned result and submits it again; it is confirmed or rejected anew " +
            "(M25.2–M25.5). Who may call it: the result's own provider (403, M25.2; 401 without a valid key). " +
            "Audited (M37.1)."
        })
      )
  ) {}
