/**
 * The periodic workforce report (M29.1) and the supply forecast (O8.1) as services: a bureau's account asks for the
 * report of its subtree for a period, or for the forecast from a day.
 *
 * The report's figures are the answers of the statistics query service to the report's queries (`Report.queries`,
 * M28.1) — the service is handed in as `run`, so that the report asks exactly as the server, the CLI and a vendor's
 * code ask — together with the period's changes read from the store (the e-files of the subtree and the completed
 * transfers and rotations touching it) and the forecast over the serving teachers, read from the cohort counters
 * the aggregates keep (`statistics/Cohort`).
 *
 * @since 0.1.0
 */
import { Clock, Effect } from "effect"
import type * as Authorization from "../accounts/Authorization.js"
import * as EFile from "../efile/EFile.js"
import * as Unit from "../hierarchy/Unit.js"
import * as Rotation from "../processes/Rotation.js"
import * as Aggregate from "../statistics/Aggregate.js"
import * as Cohort from "../statistics/Cohort.js"
import * as Forecast from "../statistics/Forecast.js"
import * as Profile from "../statistics/Profile.js"
import type * as Query from "../statistics/Query.js"
import * as Report from "../statistics/Report.js"
import * as Storage from "./Storage.js"
import * as Units from "./Units.js"

/**
 * What a forecast is asked for: the subtree of `unitId` from `asOf` for `years` years (default 5), the student
 * counts per region and level (the system records none), and the deployment's retirement rules and ratio norms
 * (default: the statutory ages in force and the 2014 national staffing norms).
 *
 * @since 0.1.0
 */
export interface ForecastRequest {
  readonly unitId: string
  readonly asOf: string
  readonly years?: number | undefined
  readonly enrolment?: ReadonlyArray<Forecast.Enrolment> | undefined
  readonly rules?: Forecast.RetirementRules | undefined
  readonly norms?: Forecast.Norms | undefined
}

/**
 * What a report is asked for: the subtree of `unitId` for `period`, and what its forecast is asked with.
 *
 * @since 0.1.0
 */
export interface ReportRequest {
  readonly unitId: string
  readonly period: Query.Period
  readonly years?: number | undefined
  readonly enrolment?: ReadonlyArray<Forecast.Enrolment> | undefined
  readonly rules?: Forecast.RetirementRules | undefined
  readonly norms?: Forecast.Norms | undefined
}

/**
 * The statistics query service the report asks (M28.1).
 *
 * @since 0.1.0
 */
export type Run<E, R> = (actor: Authorization.Actor, query: Query.Query) => Effect.Effect<Query.Result, E, R>

/**
 * A serving teacher as the forecast sees them (O8.1), from the e-file, its entries and the units above it
 * (`Cohort.personOf` of its statistics profile). `undefined` when the birth date or sex is not recorded.
 *
 * @since 0.1.0
 */
export const personOf = (
  efile: EFile.EFile,
  entries: ReadonlyArray<EFile.Entry>,
  chain: ReadonlyArray<Unit.Unit>
): Forecast.Person | undefined => Cohort.personOf(Profile.of(efile, entries, chain), entries)

const unitsAbove = (unit: Unit.Unit) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const byId = new Map<string, Unit.Unit>()
    for (const id of Unit.ancestry(unit)) {
      const found = yield* storage.units.get(id)
      if (found._tag === "Some") byId.set(id, found.value.value)
    }
    let after: string | undefined
    do {
      const page = yield* storage.units.subtree(unit.path, { after, limit: 1000 })
      for (const u of page.items) byId.set(u.id, u)
      after = page.next
    } while (after !== undefined)
    return byId
  })

/**
 * The serving teachers of the subtree as the forecast sees them, and how many have no birth date or sex, from every
 * e-file with its entries: what the cohort counters must give, and what is read while they fall short.
 *
 * @since 0.1.0
 */
export const peopleFromEFiles = (unit: Unit.Unit) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const units = yield* unitsAbove(unit)
    const found: Array<Forecast.Person> = []
    let missing = 0
    let after: string | undefined
    do {
      const page = yield* storage.teachers.subtree(unit.path, { after, limit: 1000 })
      // One read of the entries per page, not one per e-file: a province is 1.5 million e-files.
      const serving = page.items.filter(EFile.isActive)
      const entriesOf = yield* storage.entries.byTeachers(serving.map((e) => e.id))
      for (const efile of serving) {
        const entries = (entriesOf.get(efile.id) ?? []).map((v) => v.value)
        const chain = Unit.ancestry(efile)
          .map((id) => units.get(id))
          .filter((u): u is Unit.Unit => u !== undefined)
        const person = personOf(efile, entries, chain)
        if (person === undefined) missing += 1
        else found.push(person)
      }
      after = page.next
    } while (after !== undefined)
    return { people: found, missing }
  })

const total = (counters: ReadonlyArray<{ readonly count: number }>) => counters.reduce((n, c) => n + c.count, 0)

/**
 * The serving teachers of the subtree as the forecast sees them, and how many have no birth date or sex: the cohort
 * counters of the unit (M28.1) — a row per cohort, whatever the number of teachers. Each active e-file adds one to
 * the unit's `status` counters and, once its contribution has a cohort, one to its cohort counters: while the two
 * totals differ (contributions stored before migration 0018, until `Aggregates.trackSubtree`), the e-files are read.
 *
 * @since 0.1.0
 */
export const people = (unit: Unit.Unit) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const cohorts = yield* storage.statistics.counts(unit.path, Aggregate.cohortDims)
    if (total(cohorts) !== total(yield* storage.statistics.counts(unit.path, "status"))) {
      return yield* peopleFromEFiles(unit)
    }
    const found: Array<Forecast.Person | Forecast.Cohort> = []
    let missing = 0
    for (const { values, count } of cohorts) {
      const cohort = Cohort.fromKey(values, count)
      if (cohort === undefined) missing += count
      else found.push(cohort)
    }
    return { people: found, missing }
  })

const forecastOf = (unit: Unit.Unit, request: Omit<ForecastRequest, "unitId">) =>
  Effect.map(people(unit), ({ people, missing }) => {
    const result = Forecast.forecast({
      asOf: request.asOf,
      years: request.years ?? 5,
      people,
      rules: request.rules,
      norms: request.norms,
      enrolment: request.enrolment
    })
    if (missing === 0) return result
    return {
      ...result,
      method: {
        zh: [...result.method.zh, `另有${missing}名在岗教师未填报出生日期或性别，未计入预测。`],
        en: [...result.method.en, `${missing} serving teachers without a recorded birth date or sex are left out.`]
      }
    }
  })

/**
 * The supply forecast of subtree(unitId) (O8.1): the actor must be allowed the statistics of the unit (M13.3).
 * Reads the unit's cohort counters ({@link people}).
 *
 * @since 0.1.0
 */
export const forecast = (actor: Authorization.Actor, request: ForecastRequest) =>
  Effect.gen(function* () {
    const unit = (yield* Units.load(request.unitId)).value
    yield* Units.authorize(actor, { _tag: "ReadStatistics", unit: Units.ref(unit) })
    return yield* forecastOf(unit, request)
  })

const factsOf = (e: EFile.EFile): Report.EFileFacts => ({
  id: e.id,
  path: e.path,
  createdAt: e.createdAt,
  statusHistory: e.statusHistory.map((s) => ({ status: s.status, effective: s.effective }))
})

/** The day after a day (`YYYY-MM-DD`). */
const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

/** The e-files of a paged read, by id, as the changes count them. */
const factsFrom = (read: (page: Storage.PageRequest) => ReturnType<Storage.TeacherRepository["subtree"]>) =>
  Effect.gen(function* () {
    const efiles = new Map<string, Report.EFileFacts>()
    let after: string | undefined
    do {
      const page = yield* read({ after, limit: 1000 })
      // Only the facts the changes read: the e-files are kept in memory at once.
      for (const e of page.items) efiles.set(e.id, factsOf(e))
      after = page.next
    } while (after !== undefined)
    return efiles
  })

/** The completed transfers and rotations touching the subtree; their e-files join `efiles` unless there. */
const movesOf = (unit: Unit.Unit, efiles: Map<string, Report.EFileFacts>) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const moves: Array<Report.Move> = []
    let cursor: string | undefined
    do {
      const page = yield* storage.workflows.completedIn(unit.path, { after: cursor, limit: 1000 })
      for (const { workflow, efile } of page.items) {
        if (workflow.state !== "completed") continue
        if (!efiles.has(efile.id)) efiles.set(efile.id, factsOf(efile))
        const base = {
          id: workflow.id,
          teacherId: efile.id,
          createdAt: workflow.createdAt,
          from: workflow.context.from.path,
          to: workflow.context.to.path
        }
        moves.push(
          workflow.kind === "transfer"
            ? { ...base, kind: "transfer", day: workflow.context.effective, movesEFile: true }
            : {
                ...base,
                kind: "rotation",
                day: workflow.context.period.start,
                movesEFile: Rotation.movesEFile(workflow.context)
              }
        )
      }
      cursor = page.next
    } while (cursor !== undefined)
    return moves
  })

/**
 * The period's changes in the subtree (M29.1) from every e-file kept in it and every e-file moved through it: what
 * {@link changes} must give.
 *
 * @since 0.1.0
 */
export const changesFromEFiles = (unit: Unit.Unit, period: Query.Period) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const efiles = yield* factsFrom((page) => storage.teachers.subtree(unit.path, page))
    const moves = yield* movesOf(unit, efiles)
    return Report.changesOf(unit.path, period, [...efiles.values()], moves)
  })

/**
 * The period's changes in the subtree (M29.1) without reading every e-file: `Report.changesOf` counts the e-files
 * that ever held a leaving status and those moved by a completed transfer or rotation touching the subtree; every
 * other e-file is kept where it always was, so it is an onboarding of the subtree exactly when it is kept there now
 * and was created in the period: those the store counts.
 *
 * @since 0.1.0
 */
export const changes = (unit: Unit.Unit, period: Query.Period) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const efiles = yield* factsFrom((page) => storage.teachers.everOfStatus(unit.path, Report.leavingStatuses, page))
    const moves = yield* movesOf(unit, efiles)
    const counted = Report.changesOf(unit.path, period, [...efiles.values()], moves)
    const before = dayAfter(period.to)
    const createdInPeriod = (e: Report.EFileFacts) => e.createdAt >= period.from && e.createdAt < before
    const alsoCounted = [...efiles.values()].filter((e) => e.path.startsWith(unit.path) && createdInPeriod(e)).length
    const created = yield* storage.teachers.countCreated(unit.path, period.from, before)
    return { ...counted, onboardings: counted.onboardings + created - alsoCounted }
  })

/**
 * The workforce report of subtree(unitId) for a period (M29.1): the actor must be allowed the statistics of the
 * unit (M13.3); the figures are `run`'s answers to `Report.queries` as of the period's last day, then the period's
 * changes and the forecast from that day (O8.1). Only `generatedAt` depends on when it is made.
 *
 * @since 0.1.0
 */
export const generate = <E, R>(actor: Authorization.Actor, request: ReportRequest, run: Run<E, R>) =>
  Effect.gen(function* () {
    const unit = (yield* Units.load(request.unitId)).value
    yield* Units.authorize(actor, { _tag: "ReadStatistics", unit: Units.ref(unit) })
    const queries = Report.queries(unit.id, request.period)
    const tables: Array<Query.Result> = []
    for (const query of queries) tables.push(yield* run(actor, query))
    const period = request.period
    const report: Report.Report = {
      title: `${unit.name}教师队伍建设报告（${period.from}至${period.to}）`,
      unit: { id: unit.id, name: unit.name, path: unit.path },
      period,
      generatedAt: new Date(yield* Clock.currentTimeMillis).toISOString(),
      queries,
      tables,
      changes: yield* changes(unit, period),
      forecast: yield* forecastOf(unit, { ...request, asOf: period.to })
    }
    return report
  })
