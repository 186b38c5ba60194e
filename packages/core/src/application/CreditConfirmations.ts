/**
 * Confirming many training results at once (M25.3–M25.5, O9.1): a bureau confirms a provider's results as a batch,
 * in one transaction, as that many `Training.confirm`s would, each with its own outcome.
 *
 * Each result takes the kernel's steps in order — loaded, its version checked, the event decided by
 * `CreditConfirmation` (the confirming unit's info admin, M25.3–M25.5), then written — and its credits are booked
 * under the result's key, converted by the rule of the teacher's province (M25.4). What differs is how the store is
 * read and written: the results in one read, the keys' entries in one read, the ledger entries appended together,
 * the audit records and outbox events appended together (M37.1: each confirmation has its `credits.confirm` and
 * `training.confirmResult` records, as alone; a refused one has its `refused` record). The store still enforces
 * what concurrency could break: each result is written at its version (a result is confirmed once) and each key
 * books once (`creditKey`); when a concurrent writer wins, the batch runs once more and then finds what it did.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Either, Option } from "effect"
import type * as Authorization from "../accounts/Authorization.js"
import * as Refusal from "../kernel/Refusal.js"
import * as CreditBank from "../training/CreditBank.js"
import * as CreditConfirmation from "../training/CreditConfirmation.js"
import type * as Project from "../training/Project.js"
import * as Audit from "./Audit.js"
import * as Credits from "./Credits.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"
import * as Training from "./Training.js"
import * as Units from "./Units.js"

/**
 * The most results one batch confirms.
 *
 * @since 0.1.0
 */
export const maxBatch = 1000

/**
 * A result to confirm, at the version the caller saw.
 *
 * @since 0.1.0
 */
export interface Item {
  readonly resultId: string
  readonly version: number
}

/**
 * What became of one result of a batch: confirmed, with its credits' entry (booked now, or earlier under its key),
 * or refused, with why (as `Training.confirm` would have failed).
 *
 * @since 0.1.0
 */
export type Outcome =
  | {
      readonly _tag: "Confirmed"
      readonly resultId: string
      readonly result: Storage.Versioned<Storage.TrainingResult>
      readonly entry: CreditBank.Entry
    }
  | {
      readonly _tag: "Refused"
      readonly resultId: string
      readonly error: Refusal.Refusal | Storage.Conflict | Storage.NotFound
    }

type Refused = Extract<Outcome, { readonly _tag: "Refused" }>["error"]

type Change = Parameters<typeof Audit.recordChanges>[0][number]

/** A result decided and not yet written. */
interface Decided {
  readonly index: number
  readonly result: Storage.TrainingResult
  readonly version: number
}

/** The rule id an error names, for the audit record of a refusal. */
const ruleOf = (error: Refused, result: Storage.TrainingResult | undefined): string =>
  Refusal.is(error) ? error.rule : (result?.context.rule ?? "M25.3")

/** Memoize an effect by key, for the batch's life (projects, units and rules repeat across its results). */
const memo = <A, E, R>(load: (key: string) => Effect.Effect<A, E, R>) => {
  const held = new Map<string, A>()
  return (key: string) => {
    const found = held.get(key)
    return found !== undefined
      ? Effect.succeed(found)
      : Effect.tap(load(key), (a) => Effect.sync(() => held.set(key, a)))
  }
}

const found = Storage.found

const run = (actor: Authorization.Actor, items: ReadonlyArray<Item>, at: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const settings = yield* Settings.Settings
    const policy = { requireCertificateFor: settings.policy.requireCertificateFor }
    const outcomes: Array<Outcome | undefined> = items.map(() => undefined)
    const refuse = (index: number, error: Refused) => {
      outcomes[index] = { _tag: "Refused", resultId: items[index]!.resultId, error }
    }

    // Load, check the version, decide: each result as `Training.confirm` would, against the results as read (a
    // result named twice meets the first confirmation's version and state).
    const results = new Map(yield* storage.training.getResults(items.map((i) => i.resultId)))
    const decided: Array<Decided> = []
    for (const [index, item] of items.entries()) {
      const loaded = results.get(item.resultId)
      if (loaded === undefined) {
        refuse(index, new Storage.NotFound({ entity: "training result", id: item.resultId }))
        continue
      }
      if (loaded.version !== item.version) {
        refuse(
          index,
          new Storage.Conflict({ entity: "training result", id: item.resultId, expectedVersion: item.version })
        )
        continue
      }
      // `send` resolves the machine's state itself: the stored state and context are the snapshot it reads.
      const snapshot: CreditConfirmation.Snapshot = {
        value: loaded.value.state,
        context: loaded.value.context,
        status: loaded.value.state === "confirmed" ? "done" : "active"
      }
      const next = CreditConfirmation.send(snapshot, { type: "confirm", actor, at }, policy)
      if (Either.isLeft(next)) {
        refuse(index, next.left)
        continue
      }
      const result: Storage.TrainingResult = { ...loaded.value, state: next.right.value, context: next.right.context }
      results.set(item.resultId, { value: result, version: loaded.version + 1 })
      decided.push({ index, result, version: loaded.version })
    }

    // The credits of each: converted by the rule of the teacher's province now (M25.4), under the result's key.
    const project = memo((id) =>
      Effect.flatMap(storage.training.getProject(id), found("training project", id)).pipe(
        Effect.map((p): Project.Project => p.value)
      )
    )
    // Where each teacher is kept, in one read of the e-files' units (not the e-files).
    const unitIds = yield* storage.teachers.unitIdsOf(decided.map((d) => d.result.teacherId))
    const unitOf = (teacherId: string) => found("e-file", teacherId)(Option.fromNullable(unitIds.get(teacherId)))
    const rule = memo((unitId) => Effect.flatMap(Units.load(unitId), (unit) => Training.ruleOfTeacher(unit.value)))
    const booked = yield* storage.credits.byKeys(decided.map((d) => `result:${d.result.id}`))
    const entries: Array<CreditBank.Entry> = []
    const writes: Array<Decided & { readonly entry: CreditBank.Entry; readonly fresh: boolean }> = []
    for (const d of decided) {
      const key = `result:${d.result.id}`
      const input = {
        teacherId: d.result.teacherId,
        projectId: d.result.projectId,
        form: (yield* project(d.result.projectId)).form,
        hours: d.result.context.result.hours,
        day: d.result.context.result.completedOn,
        rule: yield* rule(yield* unitOf(d.result.teacherId))
      }
      const earlier = booked.get(key)
      if (earlier !== undefined && !Credits.booksConfirmation(earlier, input)) {
        refuse(d.index, Credits.keyReused(key))
        continue
      }
      const entry =
        earlier ??
        CreditBank.confirmation(
          { id: `credit-${d.result.id}`, key, unitId: actor.unit.id, actor: actor.accountId, at },
          input
        )
      if (earlier === undefined) entries.push(entry)
      writes.push({ ...d, entry, fresh: earlier === undefined })
    }

    // Write: each result at its version, the entries together, then the records of every result in its order.
    const stored = yield* storage.training.updateResults(
      writes.map((w) => ({ next: w.result, expectedVersion: w.version }))
    )
    for (const [i, w] of writes.entries()) {
      outcomes[w.index] = { _tag: "Confirmed", resultId: w.result.id, result: stored[i]!, entry: w.entry }
    }
    yield* storage.credits.append(entries)
    const written = new Map(writes.map((w) => [w.index, w]))
    yield* Audit.recordChanges(
      outcomes.flatMap((outcome, index): ReadonlyArray<Change> => {
        const w = written.get(index)
        if (w !== undefined) {
          const credits = {
            actor,
            action: "credits.confirm",
            object: `credits:${w.entry.teacherId}`,
            aggregateId: w.entry.teacherId,
            details: { entries: [w.entry.id], kind: w.entry.kind, credits: Math.round(w.entry.credits * 100) / 100 },
            payload: [w.entry]
          }
          const confirmed = {
            actor,
            action: "training.confirmResult",
            object: `result:${w.result.id}`,
            aggregateId: w.result.id,
            details: { id: w.result.id },
            payload: Training.confirmedPayload(w.result)
          }
          return w.fresh ? [credits, confirmed] : [confirmed]
        }
        if (outcome?._tag !== "Refused") return []
        return [
          {
            actor,
            action: "training.confirmResult",
            object: `result:${outcome.resultId}`,
            aggregateId: outcome.resultId,
            details: { id: outcome.resultId, rule: ruleOf(outcome.error, results.get(outcome.resultId)?.value) },
            payload: undefined,
            outcome: "refused" as const
          }
        ]
      })
    )
    return outcomes as ReadonlyArray<Outcome>
  })

/**
 * Confirm a batch of results (M25.3–M25.5) and book their credits in the ledger (O9.1), in one transaction: each
 * result as `Training.confirm` would — confirmed once, its credits booked once under its key, audited (M37.1) — or
 * refused with its reason, the others confirmed all the same. The outcomes come in the order of `items`. More than
 * {@link maxBatch} results, or none, are refused (invalid).
 *
 * @since 0.1.0
 */
export const confirmBatch = (
  actor: Authorization.Actor,
  items: ReadonlyArray<Item>
): Effect.Effect<
  ReadonlyArray<Outcome>,
  Refusal.Refusal | Storage.ConstraintError | Storage.Conflict | Storage.NotFound | Storage.StorageError,
  Storage.Storage | Settings.Settings
> =>
  Effect.gen(function* () {
    if (items.length === 0 || items.length > maxBatch) {
      return yield* Effect.fail(
        Refusal.invalid(
          "M25.3",
          `一次确认1至${maxBatch}条培训结果`,
          `a batch confirms 1 to ${maxBatch} training results`,
          { field: "items", value: items.length }
        )
      )
    }
    const storage = yield* Storage.Storage
    const at = new Date(yield* Clock.currentTimeMillis).toISOString()
    const batch = storage.transaction(run(actor, items, at))
    // A concurrent writer won a result's version or a key between the read and the write: run once more, and find
    // what it wrote (the result confirmed: refused as already confirmed; its entry booked: that entry).
    return yield* batch.pipe(
      Effect.catchIf(
        (e): e is Storage.Conflict | Storage.ConstraintError =>
          e instanceof Storage.Conflict || (e instanceof Storage.ConstraintError && e.constraint === "creditKey"),
        () => batch
      )
    )
  })
