/**
 * The aggregates of the workforce statistics (M28.1): each active e-file's contribution (its path and profile) and
 * the counters per (unit, dimensions, values), kept in the transaction of every change of an e-file. The primary
 * key of a counter serialises two writers creating it at once; the index by (dims, node) serves the counters of
 * one dimension over a subtree (the schools of an allocation comparison, O10.1).
 *
 * @since 0.1.0
 */
import type { Kysely, Migration } from "kysely"
import type { Flavor } from "../Flavor.js"
import * as Ddl from "../internal/Ddl.js"

/**
 * @since 0.1.0
 */
export const statistics = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    const key = Ddl.key(flavor)
    await db.schema
      .createTable("statistics_contributions")
      .addColumn("teacher_id", key, (c) => c.primaryKey())
      .addColumn("path", "text", (c) => c.notNull())
      .addColumn("profile", "text", (c) => c.notNull())
      .execute()
    await db.schema
      .createTable("statistics_counters")
      .addColumn("node", key, (c) => c.notNull())
      .addColumn("dims", key, (c) => c.notNull())
      .addColumn("vals", key, (c) => c.notNull())
      .addColumn("count", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("statistics_counters_pk", ["node", "dims", "vals"])
      .execute()
    await db.schema
      .createIndex("statistics_counters_by_dims")
      .on("statistics_counters")
      .columns(["dims", "node"])
      .execute()
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema.dropTable("statistics_counters").execute()
    await db.schema.dropTable("statistics_contributions").execute()
  }
})
