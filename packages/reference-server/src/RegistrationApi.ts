/**
 * The update cycles (M18.1): the cycles and their deadlines, a unit's completion of a cycle, and the late-unit report
 * of a bureau's subtree as of any day in Asia/Shanghai. Spot checks (M17.2): a seeded sample of a bureau's subtree,
 * findings, change requests, the published result. Registration rounds (M26.1).
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Authentication, Body, Day, Id, IndicatorRecord, Opt, Text, unitId, Version } from "./ApiBase.js"

const CycleId = Schema.String.pipe(Schema.pattern(/^\d{4}-(annual|h1)$/)).annotations({
  description:
    "`YEAR-annual` (the full update of a year, due 31 March of the next) or `YEAR-h1` (its first half, due 30 September)"
})
const cycle = HttpApiSchema.param("cycle", CycleId)

/**
 * An update cycle with its deadline.
 *
 * @since 0.1.0
 */
export const CycleView = Schema.Struct({
  id: Schema.String,
  kind: Schema.Literal("annual", "h1"),
  year: Schema.Number,
  periodEnd: Schema.String,
  deadline: Schema.String
}).annotations({ identifier: "UpdateCycle" })

/**
 * A unit's recorded completion of a cycle.
 *
 * @since 0.1.0
 */
export const CompletionView = Schema.Struct({
  cycle: Schema.String,
  unitId: Schema.String,
  at: Schema.String,
  day: Schema.String,
  by: Schema.String
}).annotations({ identifier: "UpdateCompletion" })

const Status = Schema.Literal("completed", "completedLate", "pending", "late")

/**
 * The report of a cycle for a subtree as of a day.
 *
 * @since 0.1.0
 */
export const CycleReportView = Schema.Struct({
  cycle: CycleView,
  asOf: Schema.String,
  lines: Schema.Array(
    Schema.Struct({
      unitId: Schema.String,
      kind: Schema.String,
      name: Schema.String,
      path: Schema.String,
      status: Status,
      completedOn: Schema.optional(Schema.String)
    })
  ),
  counts: Schema.Struct({
    completed: Schema.Number,
    completedLate: Schema.Number,
    pending: Schema.Number,
    late: Schema.Number
  })
}).annotations({ identifier: "UpdateCycleReport" })

const checkId = HttpApiSchema.param("checkId", Id)
const Ids = Schema.Array(Schema.String)

/**
 * A spot check as the API shows it: the recorded seed and population (anyone redraws the sample from them), the
 * sample, the findings, the publication, its version, and whether the sample redraws.
 *
 * @since 0.1.0
 */
export const SpotCheckView = Schema.Struct({
  id: Schema.String,
  unitId: Schema.String,
  seed: Schema.String,
  sizes: Schema.Struct({ schools: Schema.Number, teachers: Schema.Number }),
  population: Schema.Struct({ schools: Ids, teachers: Ids }),
  sample: Schema.Struct({ schools: Ids, teachers: Ids }),
  drawnBy: Schema.String,
  drawnAt: Schema.String,
  findings: Schema.Array(
    Schema.Struct({
      teacherId: Schema.String,
      result: Schema.Literal("accurate", "discrepancy"),
      note: Schema.String,
      by: Schema.String,
      at: Schema.String,
      changeRequestId: Schema.optional(Schema.String)
    })
  ),
  state: Schema.Literal("open", "published"),
  published: Schema.optional(Schema.Struct({ at: Schema.String, by: Schema.String, summary: Schema.String })),
  version: Schema.Number,
  redrawn: Schema.Boolean
}).annotations({ identifier: "SpotCheck" })

const who =
  "Who may call it: an info admin of the bureau that drew the check (an administrative unit; M17.2); anyone else is " +
  "refused (M17.2, M13.4, M14.3)."

const roundId = HttpApiSchema.param("roundId", Id)

/**
 * A registration round as the API shows it: its state, cycle, each teacher's outcome with every reason, the steps.
 *
 * @since 0.1.0
 */
export const RoundView = Schema.Struct({
  id: Schema.String,
  unitId: Schema.String,
  state: Schema.Literal("awaitingBureau", "completed", "rejected", "withdrawn"),
  cycle: Schema.Struct({ from: Schema.String, to: Schema.String }),
  results: Schema.Array(
    Schema.Struct({
      teacherId: Schema.String,
      name: Schema.String,
      outcome: Schema.Literal("qualified", "deferred", "notQualified"),
      hours: Schema.Number,
      credits: Schema.Number,
      reasons: Schema.Array(
        Schema.Struct({
          check: Schema.String,
          met: Schema.Boolean,
          outcome: Schema.String,
          rule: Schema.String,
          zh: Schema.String,
          en: Schema.String
        })
      )
    })
  ),
  history: Schema.Array(
    Schema.Struct({
      type: Schema.String,
      actor: Schema.String,
      at: Schema.String,
      detail: Schema.optional(Schema.String)
    })
  ),
  version: Schema.Number
}).annotations({ identifier: "RegistrationRound" })

/**
 * What a registration pass over a bureau's subtree did: the rounds it started (one per school with active teachers),
 * the teachers decided, the schools whose round a previous pass of the same prefix had started, the outcomes and the
 * transactions committed.
 *
 * @since 0.1.0
 */
export const RegistrationPassView = Schema.Struct({
  rounds: Schema.Number,
  teachers: Schema.Number,
  resumed: Schema.Array(Schema.String),
  outcomes: Schema.Record({ key: Schema.String, value: Schema.Number }),
  transactions: Schema.Number
}).annotations({ identifier: "RegistrationPass" })

/**
 * `/update-cycles` and a unit's completions and report (M18.1).
 *
 * @since 0.1.0
 */
export class RegistrationGroup extends HttpApiGroup.make("registration")
  .add(
    HttpApiEndpoint.get("cycles", "/update-cycles")
      .setUrlParams(Schema.Struct({ day: Opt(Day) }))
      .addSuccess(
        Schema.Struct({
          day: Schema.String,
          current: CycleView,
          lastDue: CycleView,
          dueThisYear: Schema.Array(CycleView)
        })
      )
      .annotateContext(
        OpenApi.annotations({
          summary: "The update cycles and their deadlines",
          description:
            "The update cycle being worked on, the last one due and the two due in the year of `day` (today in " +
            "Asia/Shanghai when absent), with their deadlines: the full update of the previous year by 31 March, the " +
            "current year's first half by 30 September, or the deployment's configured days (M18.1). Who may call " +
            "it: any account with a session."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("completeCycle")`/units/${unitId}/update-cycles/${cycle}/completion`
      // An empty object: the generator would document `{}` as "any object or array".
      .setPayload(
        Body("UpdateCompletionRequest", {}).annotations({
          jsonSchema: { type: "object", properties: {}, additionalProperties: false }
        })
      )
      .addSuccess(CompletionView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Record a unit's completion of an update cycle",
          description:
            "Record, now, that the unit completed the cycle's update (M18.1): dated by the server's clock in " +
            "Asia/Shanghai, late when after the deadline. Who may call it: an info admin of the unit itself (M13.3, " +
            "M18.1) — a school or an administrative unit, not a department; a bureau only once every unit directly " +
            "below it that owes the cycle recorded its own (422, M18.1); not before the cycle's period ended (422). " +
            "Once per unit and cycle: a second is refused by the store (409, M18.1). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("cycleReport")`/units/${unitId}/update-cycles/${cycle}/report`
      .setUrlParams(Schema.Struct({ day: Opt(Day) }))
      .addSuccess(CycleReportView)
      .annotateContext(
        OpenApi.annotations({
          summary: "The late-unit report of an update cycle",
          description:
            "Every school and administrative unit of the unit's subtree that owes the cycle, with its status as of " +
            "`day` (today in Asia/Shanghai when absent): completed, completed late, pending (not due yet) or late " +
            "(M18.1); a completion recorded after `day` does not count yet, so a past day's report reads as it did " +
            "then. Who may call it: whoever may read the subtree's statistics — an info admin or query-er of the unit " +
            "or a unit above it (M13.3, M13.4); others are refused (M13.2, M14.3)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("drawSpotCheck", "/spot-checks")
      .setPayload(
        Body("SpotCheckRequest", {
          id: Id,
          unitId: Id,
          schools: Schema.Int.pipe(Schema.between(0, 100_000)),
          teachers: Schema.Int.pipe(Schema.between(0, 100_000)),
          seed: Opt(Text(200).pipe(Schema.minLength(1)))
        })
      )
      .addSuccess(SpotCheckView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Draw a spot check",
          description:
            "Draw a random sample of the open schools and of the active e-files of the unit's subtree (M17.2), " +
            "from `seed` (a random one when absent): the population and the seed are recorded, so that anyone " +
            "redraws the same sample (sfc32 seeded by cyrb128, partial Fisher–Yates over the ids in byte order; " +
            "see docs/registration.md). " +
            who +
            " A used id is refused (409). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("getSpotCheck")`/spot-checks/${checkId}`.addSuccess(SpotCheckView).annotateContext(
      OpenApi.annotations({
        summary: "A spot check",
        description:
          "A spot check with its seed, population, sample, findings and result, and whether the sample redraws " +
          "from the recorded seed and population (M17.2). Who may call it: an info admin or query-er of the bureau " +
          "or a unit above it (M13.3, M13.4); once published (通报), also those of the bureau's subtree."
      })
    )
  )
  .add(
    HttpApiEndpoint.post("recordFinding")`/spot-checks/${checkId}/findings`
      .setPayload(
        Body("SpotCheckFinding", {
          teacherId: Id,
          result: Schema.Literal("accurate", "discrepancy"),
          note: Text(1000),
          expectedVersion: Version
        })
      )
      .addSuccess(SpotCheckView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Record a finding on a sampled e-file",
          description:
            "Record the finding on an e-file of the sample — accurate, or a discrepancy with what is wrong — at the " +
            "version the caller saw (409 when it moved on), while the check is not published (M17.2). " +
            who +
            " Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("publishSpotCheck")`/spot-checks/${checkId}/publish`
      .setPayload(Body("SpotCheckPublication", { summary: Text(2000), expectedVersion: Version }))
      .addSuccess(SpotCheckView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Publish a spot check's result",
          description:
            "Publish the result (通报, M17.2) with a summary, once every sampled e-file has a finding; then the " +
            "subtree reads it and no finding is added. " +
            who +
            " Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("openSpotCheckChange")`/spot-checks/${checkId}/change-requests`
      .setPayload(
        Body("SpotCheckChangeRequest", {
          teacherId: Id,
          requestId: Id,
          entryId: Id,
          change: IndicatorRecord,
          reason: Text(1000)
        })
      )
      .addSuccess(SpotCheckView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Correct a discrepancy found by a change request",
          description:
            "Open the change request (M19.2) of an effective entry of a sampled e-file with a discrepancy found " +
            "(M17.2), citing the finding, which keeps the request's id; the competent bureau then approves it as any " +
            "change request. Who may call it: an info admin of the teacher's school or department (M19.2, M20.1). One " +
            "request per finding (409). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("startRegistration", "/registrations")
      .setPayload(Body("RegistrationRequest", { id: Id, unitId: Id, cycleFrom: Day }))
      .addSuccess(RoundView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Start a registration round",
          description:
            "Start the qualification periodic registration (定期注册) of a school's active teachers for the cycle " +
            "starting `cycleFrom` (M26.1): each teacher decided — qualified, deferred or not qualified, with every " +
            "reason and its rule — from the e-file's effective annual assessments and ethics records, its status " +
            "history and the cycle's credit-bank balance (O9.1). Who may call it: an info admin of the school (M26.1); " +
            "anyone else is refused. One open round per school and cycle (409, M26.1). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("startRegistrationPass")`/units/${unitId}/registrations`
      .setPayload(
        Body("RegistrationPassRequest", {
          idPrefix: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]{1,24}$/)).annotations({
            description: "1 to 24 letters, digits, - or _: each school's round is `idPrefix-schoolId`"
          }),
          cycleFrom: Day
        })
      )
      .addSuccess(RegistrationPassView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Start the registration rounds of every school of a subtree",
          description:
            "Start, in one pass over the active e-files of the unit's subtree, the registration round (定期注册) of " +
            "every school with active teachers, for the cycle starting `cycleFrom` (M26.1): each round is the " +
            "school's, with the id `idPrefix-schoolId`, decided as `POST /registrations` decides one and reviewed by " +
            "the school's competent bureau. One transaction per about 20,000 teachers, cut between schools. The pass " +
            "resumes: the same request again skips the schools whose round of that id exists and starts the others, " +
            "so a request cut short (a province of 1.5 million teachers takes 40 seconds to a minute on SQLite) is repeated. " +
            "Who may call it: an info admin of an education bureau at or above the schools' competent bureaus " +
            "(M26.1); anyone else is refused (M14.3). A school with another open round of the cycle refuses its " +
            "transaction's schools (409, M26.1); those before it stay started. Every round audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("getRegistration")`/registrations/${roundId}`.addSuccess(RoundView).annotateContext(
      OpenApi.annotations({
        summary: "A registration round",
        description:
          "A round with its results and steps (M26.1). Who may call it: whoever may read the school's teachers' " +
          "basic information — an info admin or query-er of the school or a unit above it (M13.3, M13.4)."
      })
    )
  )
  .add(
    HttpApiEndpoint.post("actOnRegistration")`/registrations/${roundId}/actions`
      .setPayload(
        Schema.Union(
          Body("ConfirmRegistration", { type: Schema.Literal("confirm"), expectedVersion: Version }),
          Body("RejectOrWithdrawRegistration", {
            type: Schema.Literal("reject", "withdraw"),
            reason: Text(1000).pipe(Schema.minLength(1)),
            expectedVersion: Version
          })
        )
      )
      .addSuccess(RoundView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Confirm, reject or withdraw a registration round",
          description:
            "The school's competent bureau confirms the round or rejects it with a reason; the school withdraws it, " +
            "with a reason, before the bureau decides (M26.1; an approval chain of one step, at the version the " +
            "caller saw: 409 when it moved on). A confirmation records each teacher's result in the e-file and " +
            "applies the qualified teachers' available credits of the cycle in the credit bank, in one transaction; " +
            "a result already recorded for the cycle refuses the whole confirmation (409), so credits are never " +
            "applied twice (O9.1). Who may call it: an info admin of the competent bureau (confirm, reject) or of " +
            "the school (withdraw). Audited (M37.1)."
        })
      )
  )
  .middleware(Authentication) {}
