/**
 * The storage port: the maintained aggregates behind statistics and reports (M22, M28, M29).
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type * as StatisticsAggregate from "../../statistics/Aggregate.js"
import type { StorageError } from "./Common.js"

/**
 * The aggregates of the workforce statistics (M28.1), kept in the transaction of every change of an e-file: each
 * active e-file's contribution (its path and profile) and the counters per (unit, dimensions, values) its
 * contribution adds one to at every unit above it (`statistics/Aggregate`). Under concurrency the store holds that
 * every counter equals the number of contributions that add to it: a counter is changed only by adding a delta in
 * the writer's transaction (`count = count + delta`, never a value read earlier and written back), and two writers
 * creating the same counter at once are serialised by its primary key (node, dims, values) — the loser is rolled
 * back and re-run.
 *
 * @since 0.1.0
 */
export interface StatisticsRepository {
  /** The stored contributions of these e-files; an e-file that contributes nothing is absent. */
  readonly contributions: (
    teacherIds: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyMap<string, StatisticsAggregate.Contribution>, StorageError>
  /**
   * Replace the contributions of these e-files (undefined: remove) and add the deltas to the counters (a counter
   * not yet stored starts at 0; one that reaches 0 may be removed), in the caller's transaction.
   */
  readonly apply: (
    contributions: ReadonlyArray<{
      readonly teacherId: string
      readonly contribution: StatisticsAggregate.Contribution | undefined
    }>,
    deltas: ReadonlyArray<StatisticsAggregate.Delta>
  ) => Effect.Effect<void, StorageError>
  /** The non-zero counters of the unit of path `node` for `dims` (a dimension or a pair, `Aggregate.dimsKey`). */
  readonly counts: (
    node: string,
    dims: string
  ) => Effect.Effect<ReadonlyArray<{ readonly values: string; readonly count: number }>, StorageError>
  /** The non-zero counters for `dims` of every unit of subtree(`rootPath`), its root included. */
  readonly countsUnder: (
    rootPath: string,
    dims: string
  ) => Effect.Effect<
    ReadonlyArray<{ readonly node: string; readonly values: string; readonly count: number }>,
    StorageError
  >
  /** Every non-zero counter of subtree(`rootPath`) by key (`node`, `dims`, `values` joined by NUL), for checks. */
  readonly all: (rootPath: string) => Effect.Effect<ReadonlyMap<string, number>, StorageError>
}
