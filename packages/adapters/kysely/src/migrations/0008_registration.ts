/**
 * Update cycles (M18.1): each unit's completion of a cycle, recorded once — the primary key (cycle, unit) is the
 * store's invariant, so two info admins recording the same completion at once get one record. Spot checks (M17.2):
 * the check as JSON with an optimistic version. Registration rounds (M26.1): one open round per unit and cycle (a
 * partial unique index), and one recorded result per teacher and cycle (primary key).
 *
 * @since 0.1.0
 */
import type { Kysely, Migration } from "kysely"
import type { Flavor } from "../Flavor.js"
import * as Ddl from "../internal/Ddl.js"

/**
 * @since 0.1.0
 */
export const registration = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    const key = Ddl.key(flavor)
    await db.schema
      .createTable("update_completions")
      .addColumn("cycle", key, (c) => c.notNull())
      .addColumn("unit_id", key, (c) => c.notNull().references("units.id"))
      .addColumn("completed_at", "text", (c) => c.notNull())
      .addColumn("completed_day", "text", (c) => c.notNull())
      .addColumn("recorded_by", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("update_completions_pk", ["cycle", "unit_id"])
      .execute()

    await db.schema
      .createTable("spot_checks")
      .addColumn("id", key, (c) => c.primaryKey())
      .addColumn("unit_id", key, (c) => c.notNull().references("units.id"))
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .execute()
    await db.schema.createIndex("spot_checks_unit").on("spot_checks").column("unit_id").execute()

    await db.schema
      .createTable("registration_rounds")
      .addColumn("id", key, (c) => c.primaryKey())
      .addColumn("unit_id", key, (c) => c.notNull().references("units.id"))
      .addColumn("cycle_from", key, (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("open", "integer", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .execute()
    // One open round per unit and cycle (M26.1), whatever the interleaving of writers.
    await Ddl.partialUniqueIndex(db, flavor, {
      name: "registration_rounds_one_open",
      table: "registration_rounds",
      columns: ["unit_id", "cycle_from"],
      where: "open = 1"
    })

    await db.schema
      .createTable("registration_results")
      .addColumn("teacher_id", key, (c) => c.notNull().references("teachers.id"))
      .addColumn("cycle_from", key, (c) => c.notNull())
      .addColumn("round_id", key, (c) => c.notNull().references("registration_rounds.id"))
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("registration_results_pk", ["teacher_id", "cycle_from"])
      .execute()
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema.dropTable("registration_results").execute()
    await db.schema.dropTable("registration_rounds").execute()
    await db.schema.dropTable("spot_checks").execute()
    await db.schema.dropTable("update_completions").execute()
  }
})
