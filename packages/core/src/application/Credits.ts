/**
 * The credit bank's ledger service (O9.1): book a confirmation, reverse a holding, apply holdings to a
 * registration (M26.1), convert a teacher's holdings on an inter-province transfer (O4.1), read a teacher's ledger
 * and balance. Each command runs in one transaction: it loads the teacher's entries, lets {@link CreditBank}
 * decide, appends the entries and their audit record and outbox event.
 *
 * These commands do not authorize: their callers do (the training service for confirmations, M25.3–M25.5; the
 * registration service for applications, M26.1; the transfer for conversions). The store keeps the ledger's
 * invariants whatever the interleaving: a key books once (a retried command returns the entries it booked), and
 * a holding is settled once (`creditSettledOnce`).
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import type * as Authorization from "../accounts/Authorization.js"
import * as Refusal from "../kernel/Refusal.js"
import * as CreditBank from "../training/CreditBank.js"
import * as Audit from "./Audit.js"
import * as Storage from "./Storage.js"

/**
 * Who books: an account, or the system (a completed transfer).
 *
 * @since 0.1.0
 */
export type By = Authorization.Actor | "system"

const record = (by: By, action: string, teacherId: string, entries: ReadonlyArray<CreditBank.Entry>) =>
  entries.length === 0
    ? Effect.void
    : Audit.recordChange({
        actor: by,
        action,
        object: `credits:${teacherId}`,
        aggregateId: teacherId,
        details: {
          entries: entries.map((e) => e.id),
          kind: entries[0]!.kind,
          credits: entries.reduce((sum, e) => sum + Math.round(e.credits * 100), 0) / 100
        },
        payload: entries
      })

/**
 * Run a booking; when a concurrent booking of the same key won (`creditKey`), run it once more: it then finds what
 * the winner booked and returns it, so a retried command is idempotent under concurrency too.
 */
const idempotent = <A, E, R>(booking: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  booking.pipe(
    Effect.catchIf(
      (e): e is E => e instanceof Storage.ConstraintError && e.constraint === "creditKey",
      () => booking
    )
  )

/**
 * The refusal of a key already used for another entry (O9.1).
 *
 * @since 0.1.0
 */
export const keyReused = (key: string) =>
  Refusal.conflict("O9.1", "该幂等键已用于另一笔学分记录", "this key was used for another credit entry", {
    field: "key",
    value: key
  })

/**
 * Is `booked` the entry a confirmation of `input` books (the same teacher, project and hours)? Then a confirmation
 * of `input` under its key returns it; else the key was used for other credits.
 *
 * @since 0.1.0
 */
export const booksConfirmation = (
  booked: CreditBank.Entry,
  input: { readonly teacherId: string; readonly projectId: string; readonly hours: number }
): boolean =>
  booked.kind === "confirm" &&
  booked.teacherId === input.teacherId &&
  booked.projectId === input.projectId &&
  Math.round(booked.hours * 100) === Math.round(input.hours * 100)

/**
 * Book a confirmation (M25.3–M25.5): idempotent by `made.key` — a retry returns the entry booked first; the same
 * key with another teacher, project or hours is refused.
 *
 * @since 0.1.0
 */
export const confirm = (
  by: By,
  made: CreditBank.Made,
  input: Parameters<typeof CreditBank.confirmation>[1]
): Effect.Effect<CreditBank.Entry, Refusal.Refusal | Storage.ConstraintError | Storage.StorageError, Storage.Storage> =>
  Effect.flatMap(Storage.Storage, (storage) =>
    idempotent(
      storage.transaction(
        Effect.gen(function* () {
          const booked = yield* storage.credits.byKey(made.key)
          if (Option.isSome(booked)) {
            return booksConfirmation(booked.value, input) ? booked.value : yield* Effect.fail(keyReused(made.key))
          }
          const entry = CreditBank.confirmation(made, input)
          yield* storage.credits.append([entry])
          yield* record(by, "credits.confirm", entry.teacherId, [entry])
          return entry
        })
      )
    )
  )

const replay = (storage: Storage.Storage["Type"], key: string, kind: CreditBank.Kind, teacherId: string) =>
  Effect.flatMap(storage.credits.byKey(key), (booked) =>
    Option.isNone(booked)
      ? Effect.succeed(Option.none<CreditBank.Entry>())
      : booked.value.kind === kind && booked.value.teacherId === teacherId
        ? Effect.succeed(booked)
        : Effect.fail(keyReused(key))
  )

/**
 * Reverse a holding (a correction, O9.1): the reversing entry, with its reason; idempotent by `made.key`.
 *
 * @since 0.1.0
 */
export const reverse = (
  by: By,
  teacherId: string,
  holdingId: string,
  made: CreditBank.Made,
  reason: string
): Effect.Effect<CreditBank.Entry, Refusal.Refusal | Storage.ConstraintError | Storage.StorageError, Storage.Storage> =>
  Effect.flatMap(Storage.Storage, (storage) =>
    idempotent(
      storage.transaction(
        Effect.gen(function* () {
          const booked = yield* replay(storage, made.key, "reverse", teacherId)
          if (Option.isSome(booked)) return booked.value
          const entries = yield* storage.credits.byTeacher(teacherId)
          const entry = yield* CreditBank.reversal(entries, holdingId, made, reason)
          yield* storage.credits.append([entry])
          yield* record(by, "credits.reverse", teacherId, [entry])
          return entry
        })
      )
    )
  )

/**
 * Apply holdings to a registration (O9.1, M26.1): one `apply` entry each; idempotent by `made.key` (a retry returns
 * the entries booked first). A holding applied, reversed or converted already is refused (`creditSettledOnce`
 * when a concurrent command won).
 *
 * @since 0.1.0
 */
export const apply = (
  by: By,
  teacherId: string,
  holdingIds: ReadonlyArray<string>,
  made: CreditBank.Made,
  registration: string
): Effect.Effect<
  ReadonlyArray<CreditBank.Entry>,
  Refusal.Refusal | Storage.ConstraintError | Storage.StorageError,
  Storage.Storage
> =>
  Effect.flatMap(Storage.Storage, (storage) =>
    idempotent(
      storage.transaction(
        Effect.gen(function* () {
          const entries = yield* storage.credits.byTeacher(teacherId)
          const mine = entries.filter((e) => e.kind === "apply" && e.key.startsWith(`${made.key}.`))
          if (mine.length > 0) return mine
          const applied = yield* CreditBank.application(entries, holdingIds, made, registration)
          yield* storage.credits.append(applied)
          yield* record(by, "credits.apply", teacherId, applied)
          return applied
        })
      )
    )
  )

/**
 * Apply every available holding of a cycle to a registration (O9.1, M26.1); none available: nothing booked.
 *
 * @since 0.1.0
 */
export const applyCycle = (
  by: By,
  teacherId: string,
  cycle: CreditBank.Cycle,
  made: CreditBank.Made,
  registration: string
) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const entries = yield* storage.credits.byTeacher(teacherId)
        const ids = CreditBank.live(entries, cycle).map((e) => e.id)
        return ids.length === 0 ? [] : yield* apply(by, teacherId, ids, made, registration)
      })
    )
  )

/**
 * Convert a teacher's available holdings by the receiving province's rule (O4.1, O9.1): the originals stay, each
 * settled by its `convert` entry. Idempotent: holdings already under the rule are left.
 *
 * @since 0.1.0
 */
export const transfer = (
  by: By,
  teacherId: string,
  rule: CreditBank.CreditRule,
  made: CreditBank.Made,
  reason: string
): Effect.Effect<ReadonlyArray<CreditBank.Entry>, Storage.ConstraintError | Storage.StorageError, Storage.Storage> =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const entries = yield* storage.credits.byTeacher(teacherId)
        const converted = CreditBank.conversion(entries, rule, made, reason)
        yield* storage.credits.append(converted)
        yield* record(by, "credits.convert", teacherId, converted)
        return converted
      })
    )
  )

/**
 * A teacher's ledger: the entries, oldest first, and the balance of the cycle (of every cycle when none).
 *
 * @since 0.1.0
 */
export interface Ledger {
  readonly entries: ReadonlyArray<CreditBank.Entry>
  readonly balance: CreditBank.Balance
}

/**
 * Read a teacher's ledger and balance (not authorized here: callers decide who reads).
 *
 * @since 0.1.0
 */
export const ledger = (
  teacherId: string,
  cycle?: CreditBank.Cycle
): Effect.Effect<Ledger, Storage.StorageError, Storage.Storage> =>
  Effect.flatMap(Storage.Storage, (storage) =>
    Effect.map(storage.credits.byTeacher(teacherId), (entries) => ({
      entries,
      balance: CreditBank.balance(entries, cycle)
    }))
  )
