/**
 * Audit log (审计日志), M37.1: who did what, when, to what, with what outcome — append-only and tamper-evident. The
 * records and their hash chain are `AuditChain`'s (re-exported here); this module appends them in the command's
 * transaction and verifies the stored log.
 *
 * @since 0.1.0
 */
import { Clock, Effect, FiberRef, Option } from "effect"
import * as Authorization from "../accounts/Authorization.js"
import * as Refusal from "../kernel/Refusal.js"
import * as AuditChain from "../security/AuditChain.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"

export * from "../security/AuditChain.js"

/**
 * Verify the whole audit log of the store, page by page (M37.1): intact with its length and head hash, or the
 * first broken record and why.
 *
 * @since 0.1.0
 */
export const verifyAuditLog: Effect.Effect<AuditChain.Verification, Storage.StorageError, Storage.Storage> = Effect.gen(
  function* () {
    const storage = yield* Storage.Storage
    const v = AuditChain.verifier()
    let after: string | undefined
    do {
      const page = yield* storage.audit.list({ after, limit: 1000 })
      v.feed(page.items)
      after = page.next
    } while (after !== undefined)
    return v.result()
  }
)

/**
 * Append the audit record and the outbox event of a committed change, in the caller's transaction (M37.1). The
 * actor is "system" for bootstrap. `details` goes to the audit log, `payload` to the outbox: keep sensitive
 * personal data (identity numbers) out of both.
 *
 * @since 0.1.0
 */
export const recordChange = (change: {
  readonly actor: Authorization.Actor | "system"
  readonly action: string
  readonly object: string
  readonly aggregateId: string
  readonly details: { readonly [key: string]: unknown }
  readonly payload: unknown
}): Effect.Effect<void, Storage.StorageError, Storage.Storage> =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const at = new Date(yield* Clock.currentTimeMillis).toISOString()
    const { actor } = change
    yield* storage.audit.append({
      at,
      actor: actor === "system" ? "system" : actor.accountId,
      unitId: actor === "system" ? undefined : actor.unit.id,
      action: change.action,
      object: change.object,
      outcome: "ok",
      requestId: yield* FiberRef.get(AuditChain.currentRequestId),
      details: change.details
    })
    yield* storage.outbox.append({ type: change.action, at, aggregateId: change.aggregateId, payload: change.payload })
  })

/**
 * Append the audit record of a read (M37.1), in a transaction of its own: a refusal, which rolls back the caller's
 * transaction, must not take the record of the refused read with it. Reads change nothing: no outbox event.
 *
 * @since 0.1.0
 */
export const recordRead = (read: {
  readonly actor: Authorization.Actor
  readonly action: string
  readonly object: string
  readonly outcome: AuditChain.Entry["outcome"]
  readonly details: { readonly [key: string]: unknown }
}): Effect.Effect<void, Storage.StorageError, Storage.Storage> =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const at = new Date(yield* Clock.currentTimeMillis).toISOString()
    yield* storage.transaction(
      storage.audit.append({
        at,
        actor: read.actor.accountId,
        unitId: read.actor.unit.id,
        action: read.action,
        object: read.object,
        outcome: read.outcome,
        requestId: yield* FiberRef.get(AuditChain.currentRequestId),
        details: read.details
      })
    )
  })

/**
 * Append the audit records and outbox events of many changes at once, in the caller's transaction and in their
 * order (M37.1): what that many {@link recordChange}s would append, in one read of the log's head and multi-row
 * inserts. A change may be a refusal (`outcome` "refused"): then it has an audit record and no outbox event.
 *
 * @since 0.1.0
 */
export const recordChanges = (
  changes: ReadonlyArray<{
    readonly actor: Authorization.Actor | "system"
    readonly action: string
    readonly object: string
    readonly aggregateId: string
    readonly details: { readonly [key: string]: unknown }
    readonly payload: unknown
    readonly outcome?: AuditChain.Entry["outcome"]
  }>
): Effect.Effect<void, Storage.StorageError, Storage.Storage> =>
  Effect.gen(function* () {
    if (changes.length === 0) return
    const storage = yield* Storage.Storage
    const at = new Date(yield* Clock.currentTimeMillis).toISOString()
    const requestId = yield* FiberRef.get(AuditChain.currentRequestId)
    yield* storage.audit.appendAll(
      changes.map(({ actor, ...change }) => ({
        at,
        actor: actor === "system" ? "system" : actor.accountId,
        unitId: actor === "system" ? undefined : actor.unit.id,
        action: change.action,
        object: change.object,
        outcome: change.outcome ?? "ok",
        requestId,
        details: change.details
      }))
    )
    yield* storage.outbox.appendAll(
      changes
        .filter((change) => (change.outcome ?? "ok") === "ok")
        .map((change) => ({ type: change.action, at, aggregateId: change.aggregateId, payload: change.payload }))
    )
  })

/**
 * What a search of the audit log asks for (M37.1): every filter given must hold. `from` and `to` are ISO 8601
 * instants or days (UTC): `from` is the first instant (a day: its start), `to` the instant the records end before
 * (a day: the day included). Another value is refused (`invalid`, M37.1).
 *
 * @since 0.1.0
 */
export interface SearchFilter {
  readonly actor?: string | undefined
  readonly object?: string | undefined
  readonly rule?: string | undefined
  readonly from?: string | undefined
  readonly to?: string | undefined
}

const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value)

/**
 * A bound of the period as stored instants are written (`toISOString`, UTC), so that text comparison is time
 * order: a day is its start (`from`) or the start of the next day (`to`, the day included).
 */
const bound = (field: "from" | "to", value: string | undefined): Effect.Effect<string | undefined, Refusal.Refusal> => {
  if (value === undefined) return Effect.succeed(undefined)
  const start = Date.parse(isDay(value) ? `${value}T00:00:00.000Z` : value)
  if (Number.isNaN(start) || (isDay(value) && new Date(start).toISOString().slice(0, 10) !== value)) {
    return Effect.fail(
      Refusal.invalid("M37.1", "时间应为ISO 8601时刻或日期", "a bound of the period is an ISO 8601 instant or day", {
        field,
        value
      })
    )
  }
  return Effect.succeed(new Date(field === "to" && isDay(value) ? start + 86_400_000 : start).toISOString())
}

/**
 * The cursor of a page of the log: the sequence number of the last record of the previous page (the port's contract).
 * Anything else is refused here, not handed to the store, where `Number("abc")` is a NaN a database cannot compare.
 */
const cursor = (after: string | undefined): Effect.Effect<string | undefined, Refusal.Refusal> =>
  after === undefined || /^\d{1,15}$/.test(after)
    ? Effect.succeed(after)
    : Effect.fail(
        Refusal.invalid(
          "M37.1",
          "翻页游标应为上一页返回的next（记录序号）",
          "the cursor `after` is the `next` of a previous page: a record's sequence number",
          { field: "after", value: after }
        )
      )

/** The record of a read of the log itself. */
const recordSearch = (
  actor: Authorization.Actor,
  outcome: AuditChain.Entry["outcome"],
  details: { readonly [key: string]: unknown }
) => recordRead({ actor, action: "audit.search", object: `unit:${actor.unit.id}`, outcome, details })

/**
 * Search the audit log (M37.1), one page at a time in sequence order: the system admin of a unit reads the records
 * of the accounts of its subtree (by where the account acts from); the root's system admin reads every record,
 * those of no unit too (bootstrap, requests refused before authentication). Anyone else is refused (M13.3, M13.4,
 * M14.3 by role). The search is itself audited (`audit.search`, with its filters), and so is a refusal. A bound that
 * is no instant or day, or a cursor that is no sequence number (the `next` of a previous page), is refused (invalid).
 *
 * @since 0.1.0
 */
export const search = (
  actor: Authorization.Actor,
  filter: SearchFilter,
  page: Storage.PageRequest
): Effect.Effect<
  Storage.Page<AuditChain.Record>,
  Storage.StorageError | Refusal.Refusal,
  Storage.Storage | Settings.Settings
> =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const settings = yield* Settings.Settings
    const now = new Date(yield* Clock.currentTimeMillis)
    const context = { requireCertificateFor: settings.policy.requireCertificateFor, now }
    const refusal = Authorization.decide(actor, { _tag: "ReadAudit", unit: actor.unit }, context)
    const filters = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined))
    if (refusal !== undefined) {
      yield* recordSearch(actor, "refused", { ...filters, rule: refusal.rule })
      return yield* Effect.fail(refusal)
    }
    const from = yield* bound("from", filter.from)
    const to = yield* bound("to", filter.to)
    const after = yield* cursor(page.after)
    const root = Option.getOrUndefined(yield* storage.units.root())
    const result = yield* storage.audit.search(
      {
        unitPath: root !== undefined && root.path === actor.unit.path ? undefined : actor.unit.path,
        actor: filter.actor,
        // A long object is kept bounded (AuditChain.boundObject): search for it as it was recorded.
        object: filter.object === undefined ? undefined : AuditChain.boundObject(filter.object),
        rule: filter.rule,
        from,
        to
      },
      { ...page, after }
    )
    yield* recordSearch(actor, "ok", { filters, count: result.items.length })
    return result
  })
