/**
 * The storage port: the receiving side of transfers between provinces (M23.1 across provincial deployments).
 *
 * @since 0.1.0
 */
import type { Effect, Option } from "effect"
import type * as Transfer from "../../processes/Transfer.js"
import type { Conflict, ConstraintError, StorageError, Versioned } from "./Common.js"

/**
 * A transfer into this province from another, as the receiving province keeps it until the e-file arrives: the
 * snapshot of the transfer chain (`Transfer`), the sending province, and whether it is still open. The sending
 * province keeps its side as an ordinary process (`Workflow`) of its e-file; the receiving side has no e-file yet.
 *
 * @since 0.1.0
 */
export interface TransferAcross {
  readonly id: string
  readonly province: string
  readonly state: Transfer.State
  readonly context: Transfer.Context
  readonly open: boolean
  readonly createdAt: string
}

/**
 * The receiving side's transfers from other provinces. An id is used once (`processId`), whatever the interleaving
 * of writers; every row has an optimistic version, so of concurrent steps on one transfer exactly one commits.
 *
 * @since 0.1.0
 */
export interface TransferAcrossRepository {
  /** Insert a transfer; an id in use is refused (`processId`). */
  readonly insert: (
    transfer: TransferAcross
  ) => Effect.Effect<Versioned<TransferAcross>, ConstraintError | StorageError>
  readonly get: (id: string) => Effect.Effect<Option.Option<Versioned<TransferAcross>>, StorageError>
  readonly update: (
    next: TransferAcross,
    expectedVersion: number
  ) => Effect.Effect<Versioned<TransferAcross>, Conflict | StorageError>
}
