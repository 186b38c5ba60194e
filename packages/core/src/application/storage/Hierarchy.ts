/**
 * The storage port: units and their dated versions (M12.2).
 *
 * @since 0.1.0
 */
import type { Effect, Option } from "effect"
import type * as Unit from "../../hierarchy/Unit.js"
import type { Conflict, ConstraintError, Page, PageRequest, StorageError, Versioned } from "./Common.js"

/**
 * Units with their dated versions (M12.2).
 *
 * @since 0.1.0
 */
export interface UnitRepository {
  /** Insert a new unit and its first version. Refuses a second root, a used id or a used code. */
  readonly insert: (unit: Unit.Unit) => Effect.Effect<Versioned<Unit.Unit>, ConstraintError | StorageError>
  readonly get: (id: Unit.UnitId) => Effect.Effect<Option.Option<Versioned<Unit.Unit>>, StorageError>
  /**
   * Replace the current state by its next version if the stored version is `expectedVersion`, append the version
   * to the history, and, when the path changed (a move), re-path the whole subtree. Else `Conflict`, nothing written.
   */
  readonly update: (
    next: Unit.Unit,
    expectedVersion: number
  ) => Effect.Effect<Versioned<Unit.Unit>, Conflict | ConstraintError | StorageError>
  /**
   * Every version of a unit, oldest first: version n at position n - 1, from the first (inserted) to the current
   * one (`get`). `Units.versions` pages it and numbers it so.
   */
  readonly history: (id: Unit.UnitId) => Effect.Effect<ReadonlyArray<Unit.Unit>, StorageError>
  /** The root of the deployment, if created. */
  readonly root: () => Effect.Effect<Option.Option<Unit.Unit>, StorageError>
  /** subtree(U) by path prefix, in path order, one page at a time (the cursor is the last path). */
  readonly subtree: (rootPath: string, page: PageRequest) => Effect.Effect<Page<Unit.Unit>, StorageError>
}
