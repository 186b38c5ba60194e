/**
 * Units' completions of update cycles (M18.1). Under concurrency the store holds one completion per unit and cycle:
 * the primary key (cycle, unit) refuses a second (`updateCompletion`), whatever the interleaving of writers.
 *
 * @since 0.1.0
 */
import type { Storage, UpdateCycle } from "@tmis/core"
import { Effect } from "effect"
import { sql } from "kysely"
import { type Connection, pageOf, prefixEnd } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.UpdateCycleRepository => ({
  complete: (completion) =>
    write(
      "updateCycles.complete",
      (db) =>
        db
          .insertInto("update_completions")
          .values({
            cycle: completion.cycle,
            unit_id: completion.unitId,
            completed_at: completion.at,
            completed_day: completion.day,
            recorded_by: completion.by
          })
          .execute(),
      { cycle: completion.cycle, unitId: completion.unitId }
    ).pipe(Effect.asVoid),
  standings: (cycle, rootPath, page) =>
    query("updateCycles.standings", (db) => {
      // One lower bound, as `subtreePage`: a cursor before the subtree starts at its root.
      const after = page.after !== undefined && page.after >= rootPath ? page.after : undefined
      const from = after === undefined ? sql<boolean>`units.path >= ${rootPath}` : sql<boolean>`units.path > ${after}`
      return pageOf(
        page,
        (limit) =>
          db
            .selectFrom("units")
            .innerJoin("unit_versions as first", (j) =>
              j.onRef("first.unit_id", "=", "units.id").on("first.version", "=", 1)
            )
            .leftJoin("update_completions as done", (j) =>
              j.onRef("done.unit_id", "=", "units.id").on("done.cycle", "=", cycle)
            )
            .selectAll("units")
            .select(["first.valid_from as created_on", "done.completed_at", "done.completed_day", "done.recorded_by"])
            .where(from)
            .where("units.path", "<", prefixEnd(rootPath))
            .orderBy("units.path")
            .limit(limit)
            .execute(),
        (row): UpdateCycle.Standing => {
          const unit = Rows.unit(row)
          return {
            unit,
            createdOn: row.created_on,
            completion:
              row.completed_at === null || row.completed_day === null || row.recorded_by === null
                ? undefined
                : { cycle, unitId: unit.id, at: row.completed_at, day: row.completed_day, by: row.recorded_by }
          }
        },
        (last) => last.unit.path
      )
    })
})
