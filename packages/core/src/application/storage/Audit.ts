/**
 * The storage port: the append-only audit log (M37.1) and the outbox of domain events.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type * as Audit from "../../security/AuditChain.js"
import type { Page, PageRequest, StorageError } from "./Common.js"

/**
 * The append-only, hash-chained audit log (M37.1).
 *
 * @since 0.1.0
 */
export interface AuditRepository {
  /** Append an entry after the current last one; appends are serialised so the chain never forks. */
  readonly append: (entry: Audit.Entry) => Effect.Effect<Audit.Record, StorageError>
  /**
   * Append entries after the current last one, in their order, as that many {@link append}s would (one chain, no
   * fork), in one read of the head and multi-row inserts.
   */
  readonly appendAll: (entries: ReadonlyArray<Audit.Entry>) => Effect.Effect<ReadonlyArray<Audit.Record>, StorageError>
  /** Records in order, one page at a time (the cursor is the last sequence number). */
  readonly list: (page: PageRequest) => Effect.Effect<Page<Audit.Record>, StorageError>
  /**
   * The records matching every filter of `query`, in order, one page at a time (the cursor is the last sequence
   * number). Invariant: across the pages every matching record comes exactly once, and no other.
   */
  readonly search: (query: AuditQuery, page: PageRequest) => Effect.Effect<Page<Audit.Record>, StorageError>
}

/**
 * A search of the audit log (M37.1): every filter given must hold.
 *
 * @since 0.1.0
 */
export interface AuditQuery {
  /**
   * Only records of actors acting from a unit of subtree(`unitPath`), by the unit's path now. Undefined: every
   * record, those with no unit too (bootstrap, requests refused before authentication).
   */
  readonly unitPath?: string | undefined
  /** Only records of this actor (an account id, `system` or `anonymous`). */
  readonly actor?: string | undefined
  /** Only records of this object (`workflow:…`, `unit:…`, `GET /…`), exactly. */
  readonly object?: string | undefined
  /** Only records whose `details.rule` is this rule id (refusals name their rule there). */
  readonly rule?: string | undefined
  /** Only records at or after this instant (ISO 8601, UTC, compared as text). */
  readonly from?: string | undefined
  /** Only records before this instant (ISO 8601, UTC, compared as text). */
  readonly to?: string | undefined
}

/**
 * Domain events of committed changes, for other systems to pick up (M30.1).
 *
 * @since 0.1.0
 */
export interface OutboxRepository {
  readonly append: (event: Audit.Event) => Effect.Effect<void, StorageError>
  /** Append events in their order, as that many {@link append}s would. */
  readonly appendAll: (events: ReadonlyArray<Audit.Event>) => Effect.Effect<void, StorageError>
  readonly list: (page: PageRequest) => Effect.Effect<Page<Audit.Event & { readonly seq: number }>, StorageError>
}
