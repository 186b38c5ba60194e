/**
 * The application service of qualification periodic registration (M26.1): a school's info admin starts a round for
 * a cycle — each active teacher decided from the e-file's effective assessments and ethics records, its status
 * history and the cycle's credit-bank balance (O9.1) — and the competent bureau confirms or rejects it (the
 * `RegistrationRound` approval chain). On confirmation each result is recorded in the teacher's e-file and the
 * qualified teachers' available credits of the cycle are applied in the credit bank, in the same transaction: applied
 * credits cannot be applied twice (the bank's `creditSettledOnce`).
 *
 * @since 0.1.0
 */
import { Effect, Either, Option } from "effect"
import type * as Authorization from "../accounts/Authorization.js"
import * as EFile from "../efile/EFile.js"
import type * as Unit from "../hierarchy/Unit.js"
import type * as Refusal from "../kernel/Refusal.js"
import * as CreditBank from "../training/CreditBank.js"
import * as Registration from "../training/Registration.js"
import * as RegistrationRound from "../training/RegistrationRound.js"
import * as Audit from "./Audit.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"
import * as Units from "./Units.js"

/**
 * The deployment's thresholds (`Settings.registration`, default `Registration.defaultConfig`), validated.
 *
 * @since 0.1.0
 */
export const config: Effect.Effect<Registration.Config, Refusal.Refusal, Settings.Settings> = Effect.flatMap(
  Settings.Settings,
  (s) => Registration.validateConfig(s.registration ?? Registration.defaultConfig)
)

/**
 * The decision of one teacher for a cycle (M26.1), from the e-file, its entries (the effective ones count) and its
 * credit-bank entries (the cycle's balance, available plus already applied).
 *
 * @since 0.1.0
 */
export const decideOf = (
  efile: EFile.EFile,
  entries: ReadonlyArray<Storage.Versioned<EFile.Entry>>,
  ledger: ReadonlyArray<CreditBank.Entry>,
  cycle: Registration.Cycle,
  thresholds: Registration.Config
): RegistrationRound.Result =>
  decideRecords(
    efile,
    entries.filter((e) => e.value.review.state === "effective").map((e) => e.value),
    ledger,
    cycle,
    thresholds
  )

/**
 * The decision of one teacher for a cycle (M26.1), from the records of the e-file's effective entries (those of
 * other groups are ignored) and its credit-bank entries.
 *
 * @since 0.1.0
 */
export const decideRecords = (
  teacher: Pick<EFile.EFile, "id" | "name" | "statusHistory">,
  effective: ReadonlyArray<Pick<EFile.Entry, "group" | "data">>,
  ledger: ReadonlyArray<CreditBank.Entry>,
  cycle: Registration.Cycle,
  thresholds: Registration.Config
): RegistrationRound.Result => {
  const balance = CreditBank.balance(ledger, cycle)
  const training = {
    hours: balance.available.hours + balance.applied.hours,
    credits: balance.available.credits + balance.applied.credits
  }
  const decision = Registration.decide(
    { cycle, ...Registration.recordsOf(effective), statusHistory: teacher.statusHistory, training },
    thresholds
  )
  return {
    teacherId: teacher.id,
    name: teacher.name,
    outcome: decision.outcome,
    reasons: decision.reasons,
    hours: training.hours,
    credits: training.credits
  }
}

/**
 * The decision of one teacher for a cycle, read through the port: the e-file's entries and its credit-bank entries
 * (see {@link decideOf}).
 *
 * @since 0.1.0
 */
export const decideTeacher = (efile: EFile.EFile, cycle: Registration.Cycle, thresholds: Registration.Config) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const entries = yield* storage.entries.byTeacher(efile.id)
    const ledger = yield* storage.credits.byTeacher(efile.id)
    return decideOf(efile, entries, ledger, cycle, thresholds)
  })

/**
 * The decisions of a page of e-files (the active ones), what they read read in two queries: the effective records
 * of the groups the decision reads, and the ledgers.
 *
 * @since 0.1.0
 */
export const decidePage = (
  efiles: ReadonlyArray<Storage.ActiveEFile & Pick<EFile.EFile, "status">>,
  cycle: Registration.Cycle,
  thresholds: Registration.Config
) => decideActive(efiles.filter(EFile.isActive), cycle, thresholds)

/**
 * The decisions of a page of active e-files ({@link decidePage} without the filter).
 *
 * @since 0.1.0
 */
export const decideActive = (
  active: ReadonlyArray<Storage.ActiveEFile>,
  cycle: Registration.Cycle,
  thresholds: Registration.Config
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const ids = active.map((efile) => efile.id)
    const records = yield* storage.entries.effectiveRecords(ids, Registration.recordGroups)
    const ledgers = yield* storage.credits.byTeachers(ids)
    return active.map((efile) =>
      decideRecords(efile, records.get(efile.id) ?? [], ledgers.get(efile.id) ?? [], cycle, thresholds)
    )
  })

/**
 * The decisions of a page of the active e-files of subtree(`unitPath`) after `after` (`teachers.activeInSubtree`'s
 * pages), what they read read in one read (`registrations.decisionInputs`): each e-file and its decision.
 */
const decideNextPage = (
  unitPath: string,
  page: Storage.PageRequest,
  cycle: Registration.Cycle,
  thresholds: Registration.Config
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const inputs = yield* storage.registrations.decisionInputs(unitPath, Registration.recordGroups, page)
    return {
      items: inputs.items.map(({ efile, records, ledger }) => ({
        efile,
        result: decideRecords(efile, records, ledger, cycle, thresholds)
      })),
      next: inputs.next
    }
  })

const countOutcomes = (results: ReadonlyArray<RegistrationRound.Result>) => {
  const counts: Record<string, number> = {}
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1
  return counts
}

/** The audit record and outbox event of a step of a round (M37.1). */
const changeOf = (actor: Authorization.Actor, action: string, round: RegistrationRound.Round, details: object) => ({
  actor,
  action,
  object: `registration:${round.id}`,
  aggregateId: round.id,
  details: { unit: round.context.from.id, state: round.state, ...details },
  payload: { id: round.id, unit: round.context.from.id, state: round.state, ...details }
})

const record = (actor: Authorization.Actor, action: string, round: RegistrationRound.Round, details: object) =>
  Audit.recordChange(changeOf(actor, action, round, details))

/**
 * Start the round of school `unitId` for the cycle starting `cycleFrom` (M26.1), as an info admin of the school:
 * every active e-file of the school (and its departments) decided now. One open round per school and cycle (the
 * store's). Audited.
 *
 * @since 0.1.0
 */
export const start = (
  actor: Authorization.Actor,
  input: { readonly id: string; readonly unitId: string; readonly cycleFrom: string }
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const thresholds = yield* config
    return yield* storage.transaction(
      Effect.gen(function* () {
        const unit = (yield* Units.load(input.unitId)).value
        const context = yield* Units.authorizationContext
        const cycle = Registration.cycleFrom(input.cycleFrom, thresholds.cycleYears)
        const ref = Units.ref(unit)
        // Who may start it is decided before the e-files are read.
        yield* RegistrationRound.decideStart({ id: input.id, unit: ref, cycle }, [], actor, context)
        const results: Array<RegistrationRound.Result> = []
        let after: string | undefined
        do {
          const page = yield* decideNextPage(unit.path, { after, limit: 1000 }, cycle, thresholds)
          for (const { result } of page.items) results.push(result)
          after = page.next
        } while (after !== undefined)
        const snapshot = yield* RegistrationRound.decideStart(
          { id: input.id, unit: ref, cycle },
          results,
          actor,
          context
        )
        const round: RegistrationRound.Round = { id: input.id, state: snapshot.value, context: snapshot.context }
        const stored = yield* storage.registrations.insert(round)
        yield* record(actor, "registration.start", round, { cycle, teachers: results.length })
        return stored
      })
    )
  })

/**
 * What {@link startSubtree} did: the rounds it started (one per school with active teachers), the teachers decided,
 * the schools whose round of that id a previous pass had already started (skipped: the pass resumes), the outcomes,
 * and the transactions it committed.
 *
 * @since 0.1.0
 */
export interface SubtreePass {
  readonly rounds: number
  readonly teachers: number
  readonly resumed: ReadonlyArray<string>
  readonly outcomes: Readonly<Record<string, number>>
  readonly transactions: number
}

/** The schools of a subtree, and the school of each of its schools and departments. */
const schoolsOf = (rootPath: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const schools = new Map<string, Authorization.UnitRef>()
    const departments: Array<Unit.Unit> = []
    let after: string | undefined
    do {
      const page = yield* storage.units.subtree(rootPath, { after, limit: 1000 })
      for (const unit of page.items) {
        if (unit.kind === "school") schools.set(unit.path, Units.ref(unit))
        else if (unit.kind === "department") departments.push(unit)
      }
      after = page.next
    } while (after !== undefined)
    const byUnit = new Map<string, Authorization.UnitRef>()
    for (const school of schools.values()) byUnit.set(school.id, school)
    for (const department of departments) {
      // A department's school is the nearest school on its path.
      let path = department.path
      while (path.length > 0 && !schools.has(path)) path = path.slice(0, path.slice(0, -1).lastIndexOf("/") + 1)
      const school = schools.get(path)
      if (school !== undefined) byUnit.set(department.id, school)
    }
    return byUnit
  })

/**
 * Start, in one pass over the active e-files of a bureau's subtree, the round of every school in it that has active
 * teachers, for the cycle starting `cycleFrom` (M26.1), as an info admin of an education bureau organising the
 * registration (see `RegistrationRound.decideOrganizedStart`): each round is the school's, with the id
 * `idPrefix-schoolId`, reviewed by its competent bureau one by one as a round the school started.
 *
 * One transaction per chunk of about `teachersPerTransaction` teachers (default 20,000), cut between schools: a
 * school's round is decided and stored from the reads of one transaction, whole or not at all. The pass is
 * resumable: a failure leaves the chunks before it committed, and running the pass again with the same `idPrefix`
 * skips the schools whose round of that id exists and starts the others. A school with another open round of the
 * cycle fails its chunk (the store's `oneOpenRegistrationRound`). Every round audited as a school's start is.
 * `onProgress` is told what the pass has done after each commit, for a long pass's progress.
 *
 * @since 0.1.0
 */
export const startSubtree = (
  actor: Authorization.Actor,
  input: {
    readonly idPrefix: string
    readonly unitId: string
    readonly cycleFrom: string
    readonly teachersPerTransaction?: number
    readonly onProgress?: (done: SubtreePass) => void
  }
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const thresholds = yield* config
    const root = (yield* Units.load(input.unitId)).value
    const cycle = Registration.cycleFrom(input.cycleFrom, thresholds.cycleYears)
    // Who may organise it is decided before the e-files are read.
    yield* Units.authorize(actor, { _tag: "ReviewTeacher", unit: Units.ref(root) })
    const schoolOf = yield* schoolsOf(root.path)
    const perTransaction = Math.max(1, input.teachersPerTransaction ?? 20_000)
    const outcomes: Record<string, number> = {}
    const resumed: Array<string> = []
    let rounds = 0
    let teachers = 0
    let transactions = 0
    let after: string | undefined
    let finished = false
    while (!finished) {
      const chunk = yield* storage.transaction(
        Effect.gen(function* () {
          const context = yield* Units.authorizationContext
          // The schools read in this chunk, in path order, with their results and the path of their last e-file.
          const bySchool: Array<{
            school: Authorization.UnitRef
            results: Array<RegistrationRound.Result>
            last: string
          }> = []
          let cursor = after
          let read = 0
          let end = false
          do {
            const page = yield* decideNextPage(
              root.path,
              { after: cursor, limit: Math.min(1000, perTransaction) },
              cycle,
              thresholds
            )
            for (const { efile, result } of page.items) {
              const school = schoolOf.get(efile.unitId)
              if (school === undefined) continue
              const current = bySchool.at(-1)
              if (current?.school.id === school.id) {
                current.results.push(result)
                current.last = efile.path
              } else bySchool.push({ school, results: [result], last: efile.path })
            }
            read += page.items.length
            cursor = page.next
            end = cursor === undefined
            // The last school read may go on in the next page: cut before it, unless it is the only one.
          } while (!end && (read < perTransaction || bySchool.length < 2))
          const complete = end ? bySchool : bySchool.slice(0, -1)
          // Counted here and added up after the commit: the store may run a transaction again.
          const done = { started: 0, teachers: 0, resumed: [] as Array<string>, outcomes: {} as Record<string, number> }
          const idOf = (school: Authorization.UnitRef) => `${input.idPrefix}-${school.id}`
          // The rounds a previous pass started, in one read; the starts audited together, in order (M37.1).
          const present = yield* storage.registrations.existing(complete.map(({ school }) => idOf(school)))
          const changes: Array<ReturnType<typeof changeOf>> = []
          for (const { school, results } of complete) {
            const id = idOf(school)
            if (present.has(id)) {
              done.resumed.push(school.id)
              continue
            }
            const snapshot = yield* RegistrationRound.decideOrganizedStart(
              { id, unit: school, cycle },
              results,
              actor,
              context
            )
            const round: RegistrationRound.Round = { id, state: snapshot.value, context: snapshot.context }
            yield* storage.registrations.insert(round)
            changes.push(changeOf(actor, "registration.start", round, { cycle, teachers: results.length }))
            for (const r of results) done.outcomes[r.outcome] = (done.outcomes[r.outcome] ?? 0) + 1
            done.teachers += results.length
            done.started += 1
          }
          yield* Audit.recordChanges(changes)
          return { ...done, next: end ? undefined : complete.at(-1)?.last }
        })
      )
      rounds += chunk.started
      teachers += chunk.teachers
      resumed.push(...chunk.resumed)
      for (const [outcome, count] of Object.entries(chunk.outcomes))
        outcomes[outcome] = (outcomes[outcome] ?? 0) + count
      transactions += 1
      after = chunk.next
      finished = chunk.next === undefined
      input.onProgress?.({ rounds, teachers, resumed, outcomes, transactions })
    }
    return { rounds, teachers, resumed, outcomes, transactions } satisfies SubtreePass
  })

/**
 * Confirm, reject or withdraw a round at the version the caller saw (M26.1): the bureau confirms or rejects (with a
 * reason), the school withdraws (with a reason). A confirmation records every result in the e-files and applies the
 * qualified teachers' available credits of the cycle to the round, in the same transaction.
 *
 * @since 0.1.0
 */
export const act = (
  actor: Authorization.Actor,
  id: string,
  action: { readonly type: "confirm" } | { readonly type: "reject" | "withdraw"; readonly reason: string },
  expectedVersion: number
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { policy } = yield* Settings.Settings
    return yield* storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* Effect.flatMap(
          storage.registrations.get(id),
          Option.match({
            onNone: () => Effect.fail(new Storage.NotFound({ entity: "registration round", id })),
            onSome: (r: Storage.Versioned<RegistrationRound.Round>) => Effect.succeed(r)
          })
        )
        yield* Units.expectVersion("registration round", loaded, expectedVersion)
        const at = new Date((yield* Units.authorizationContext).now).toISOString()
        const snapshot = yield* RegistrationRound.send(
          RegistrationRound.restore({ state: loaded.value.state, context: loaded.value.context }),
          { ...action, actor, at } as RegistrationRound.Event,
          policy
        )
        const next: RegistrationRound.Round = { id, state: snapshot.value, context: snapshot.context }
        const stored = yield* storage.registrations.update(next, expectedVersion)
        if (next.state === "completed") {
          const { cycle } = next.context
          yield* storage.registrations.record(
            next.context.results.map((r) => ({
              teacherId: r.teacherId,
              cycleFrom: cycle.from,
              cycleTo: cycle.to,
              roundId: id,
              outcome: r.outcome,
              reasons: r.reasons,
              decidedAt: at
            }))
          )
          let applied = 0
          for (const r of next.context.results) {
            if (r.outcome !== "qualified") continue
            const ledger = yield* storage.credits.byTeacher(r.teacherId)
            const holdings = CreditBank.live(ledger, cycle).map((e) => e.id)
            if (holdings.length === 0) continue
            const made = {
              id: `reg-${id}-${r.teacherId}`,
              key: `registration:${id}:${r.teacherId}`,
              unitId: actor.unit.id,
              actor: actor.accountId,
              at
            }
            const entries = yield* Either.match(CreditBank.application(ledger, holdings, made, id), {
              onLeft: Effect.fail,
              onRight: Effect.succeed
            })
            yield* storage.credits.append(entries)
            applied += entries.length
          }
          yield* record(actor, "registration.confirm", next, {
            results: next.context.results.length,
            applied,
            outcomes: countOutcomes(next.context.results)
          })
        } else {
          yield* record(actor, `registration.${action.type}`, next, {})
        }
        return stored
      })
    )
  })

/**
 * A round (M26.1): for whoever may read its school's teachers (the school and the bureaus above, M13.3, M13.4).
 *
 * @since 0.1.0
 */
export const read = (actor: Authorization.Actor, id: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const loaded = yield* Effect.flatMap(
      storage.registrations.get(id),
      Option.match({
        onNone: () => Effect.fail(new Storage.NotFound({ entity: "registration round", id })),
        onSome: (r: Storage.Versioned<RegistrationRound.Round>) => Effect.succeed(r)
      })
    )
    yield* Units.authorize(actor, { _tag: "ReadTeacher", unit: loaded.value.context.from, detail: "basic" })
    return loaded
  })
