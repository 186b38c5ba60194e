/**
 * Training credits (M25) and the credit bank (O9.1): providers, projects, enrolments, results under confirmation,
 * and the ledger of credit entries. The store enforces: one result per teacher and project (M25.2), one enrolment
 * per teacher and project, a ledger entry's idempotency key used once, and a credit holding settled (reversed,
 * applied, converted) at most once (O9.1) — a unique index on the settled holding, which allows many NULLs.
 *
 * @since 0.1.0
 */
import type { Kysely, Migration } from "kysely"
import type { Flavor } from "../Flavor.js"
import * as Ddl from "../internal/Ddl.js"

/**
 * @since 0.1.0
 */
export const training = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    const key = Ddl.key(flavor)
    await db.schema
      .createTable("training_providers")
      .addColumn("id", key, (c) => c.primaryKey())
      .addColumn("owner_unit_id", key, (c) => c.notNull().references("units.id"))
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .execute()
    await db.schema.createIndex("training_providers_owner").on("training_providers").column("owner_unit_id").execute()

    await db.schema
      .createTable("training_projects")
      .addColumn("id", key, (c) => c.primaryKey())
      .addColumn("owner_unit_id", key, (c) => c.notNull().references("units.id"))
      .addColumn("provider_id", key, (c) => c.notNull().references("training_providers.id"))
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .execute()
    await db.schema.createIndex("training_projects_owner").on("training_projects").column("owner_unit_id").execute()
    await db.schema.createIndex("training_projects_provider").on("training_projects").column("provider_id").execute()

    await db.schema
      .createTable("training_enrolments")
      .addColumn("project_id", key, (c) => c.notNull().references("training_projects.id"))
      .addColumn("teacher_id", key, (c) => c.notNull().references("teachers.id"))
      .addColumn("data", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("training_enrolments_pk", ["project_id", "teacher_id"])
      .execute()

    await db.schema
      .createTable("training_results")
      .addColumn("id", key, (c) => c.primaryKey())
      .addColumn("project_id", key, (c) => c.notNull().references("training_projects.id"))
      .addColumn("teacher_id", key, (c) => c.notNull().references("teachers.id"))
      .addColumn("state", key, (c) => c.notNull())
      /** The unit whose confirmation is awaited (NULL when none is). */
      .addColumn("awaiting_unit_id", key)
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addUniqueConstraint("training_results_one_per_teacher", ["project_id", "teacher_id"])
      .execute()
    await db.schema
      .createIndex("training_results_awaiting")
      .on("training_results")
      .columns(["awaiting_unit_id", "id"])
      .execute()

    await db.schema
      .createTable("credit_entries")
      .addColumn("id", key, (c) => c.primaryKey())
      .addColumn("entry_key", key, (c) => c.notNull())
      .addColumn("teacher_id", key, (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("settles_id", key)
      .addColumn("at", key, (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .execute()
    await db.schema.createIndex("credit_entries_key").on("credit_entries").unique().column("entry_key").execute()
    // A holding is settled at most once (O9.1): unique where not NULL (NULLs are distinct in every flavor).
    await db.schema
      .createIndex("credit_entries_settled_once")
      .on("credit_entries")
      .unique()
      .column("settles_id")
      .execute()
    await db.schema
      .createIndex("credit_entries_teacher")
      .on("credit_entries")
      .columns(["teacher_id", "at", "id"])
      .execute()
  }
})
