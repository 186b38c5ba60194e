/**
 * Audit log (审计日志), M37.1: who did what, when, to what, with what outcome — append-only and tamper-evident. The
 * records and their hash chain are `AuditChain`'s (re-exported here); this module appends them in the command's
 * transaction and verifies the stored log.
 *
 * @since 0.1.0
 */
import { Clock, Effect, FiberRef } from "effect"
import type * as Authorization from "../accounts/Authorization.js"
import * as AuditChain from "../security/AuditChain.js"
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
