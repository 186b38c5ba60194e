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
): RegistrationRound.Result => {
  const effective = entries.map((e) => e.value).filter((e) => e.review.state === "effective")
  const balance = CreditBank.balance(ledger, cycle)
  const training = {
    hours: balance.available.hours + balance.applied.hours,
    credits: balance.available.credits + balance.applied.credits
  }
  const decision = Registration.decide(
    { cycle, ...Registration.recordsOf(effective), statusHistory: efile.statusHistory, training },
    thresholds
  )
  return {
    teacherId: efile.id,
    name: efile.name,
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
 * The decisions of a page of e-files (the active ones), their entries and ledgers read in two queries.
 *
 * @since 0.1.0
 */
export const decidePage = (
  efiles: ReadonlyArray<EFile.EFile>,
  cycle: Registration.Cycle,
  thresholds: Registration.Config
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const active = efiles.filter(EFile.isActive)
    const ids = active.map((efile) => efile.id)
    const entries = yield* storage.entries.byTeachers(ids)
    const ledgers = yield* storage.credits.byTeachers(ids)
    return active.map((efile) =>
      decideOf(efile, entries.get(efile.id) ?? [], ledgers.get(efile.id) ?? [], cycle, thresholds)
    )
  })

const countOutcomes = (results: ReadonlyArray<RegistrationRound.Result>) => {
  const counts: Record<string, number> = {}
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1
  return counts
}

const record = (actor: Authorization.Actor, action: string, round: RegistrationRound.Round, details: object) =>
  Audit.recordChange({
    actor,
    action,
    object: `registration:${round.id}`,
    aggregateId: round.id,
    details: { unit: round.context.from.id, state: round.state, ...details },
    payload: { id: round.id, unit: round.context.from.id, state: round.state, ...details }
  })

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
          const page = yield* storage.teachers.subtree(unit.path, { after, limit: 1000 })
          results.push(...(yield* decidePage(page.items, cycle, thresholds)))
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
