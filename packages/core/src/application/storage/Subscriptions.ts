/**
 * The storage port: the stored cursors of the outbox's subscribers (M27.1), one per subscriber.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { Conflict, StorageError } from "./Common.js"

/**
 * Where each subscriber of the outbox is: the sequence number of the last event it handled (0 before the first). A
 * cursor moves by compare-and-set — `advance(name, from, to)` writes `to` only while the stored cursor is still
 * `from`, in one statement the store enforces (`UPDATE … WHERE name = ? AND cursor = ?`, a primary key for the first
 * advance) — so two deliverers of one subscriber can never move it past each other or back: the later one gets a
 * `Conflict` and nothing is written.
 *
 * @since 0.1.0
 */
export interface SubscriptionRepository {
  /** The cursor of `name`: the last sequence number it handled, 0 when it never advanced. */
  readonly cursor: (name: string) => Effect.Effect<number, StorageError>
  /**
   * Move the cursor of `name` from `from` to `to` (`to > from`) if it is still at `from`; `Conflict` (entity
   * `subscription`, id `name`, expectedVersion `from`) when it moved meanwhile, and nothing written.
   */
  readonly advance: (name: string, from: number, to: number) => Effect.Effect<void, Conflict | StorageError>
}
