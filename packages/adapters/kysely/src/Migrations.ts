/**
 * The schema, as Kysely migrations named `0001_…`. Indexes serve subtree range scans on `path`, keyset pagination,
 * and the invariants the store enforces itself: one root, unique codes (M12.1), one active system admin per unit
 * (M14.4), an append-only audit chain that cannot fork (M37.1).
 *
 * @since 0.1.0
 */
import { type Kysely, type Migration, type MigrationProvider, sql } from "kysely"
import type { Flavor } from "./Flavor.js"

const foundation = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .createTable("units")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("parent_id", "text", (c) => c.references("units.id"))
      .addColumn("path", sql.raw(flavor.pathType), (c) => c.notNull().unique())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("code", "text", (c) => c.notNull())
      .addColumn("code_key", "text", (c) => c.notNull().unique())
      .addColumn("school_type", "text")
      .addColumn("sponsor", "text")
      .addColumn("central_ministry", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("affiliated_to", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("merged_into", "text")
      .addColumn("valid_from", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addCheckConstraint("units_kind", sql`kind in ('national','province','city','county','school','department')`)
      .addCheckConstraint("units_path_ends_with_id", sql`substr(path, length(path) - length(id)) = id || '/'`)
      .addCheckConstraint("units_root_path", sql`parent_id is not null or path = '/' || id || '/'`)
      .execute()
    // One root per deployment (M2.1).
    await db.schema
      .createIndex("units_one_root")
      .on("units")
      .unique()
      .expression(sql`coalesce(parent_id, '')`)
      .where(sql.ref("parent_id"), "is", null)
      .execute()
    await db.schema.createIndex("units_parent").on("units").column("parent_id").execute()
    await flavor.pathTrigger(db)

    await db.schema
      .createTable("unit_versions")
      .addColumn("unit_id", "text", (c) => c.notNull().references("units.id"))
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("valid_from", "text", (c) => c.notNull())
      .addColumn("snapshot", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("unit_versions_pk", ["unit_id", "version"])
      .addUniqueConstraint("unit_versions_dated", ["unit_id", "valid_from"])
      .execute()

    await db.schema
      .createTable("accounts")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("unit_id", "text", (c) => c.notNull().references("units.id"))
      .addColumn("person_name", "text", (c) => c.notNull())
      .addColumn("identity_number", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("cert_fingerprint", "text")
      .addColumn("cert_not_before", "text")
      .addColumn("cert_not_after", "text")
      .addColumn("created_by", "text", (c) => c.references("accounts.id"))
      .addColumn("version", "integer", (c) => c.notNull())
      .addCheckConstraint("accounts_role", sql`role in ('systemAdmin','infoAdmin','infoQueryer','teacher')`)
      .addCheckConstraint("accounts_status", sql`status in ('active','disabled')`)
      .execute()
    // At most one active system admin per unit (M14.4), whatever the interleaving of writers.
    await db.schema
      .createIndex("accounts_one_active_system_admin")
      .on("accounts")
      .unique()
      .column("unit_id")
      .where(sql<boolean>`role = 'systemAdmin' and status = 'active'`)
      .execute()
    await db.schema.createIndex("accounts_unit").on("accounts").columns(["unit_id", "id"]).execute()

    await db.schema
      .createTable("audit_log")
      .addColumn("seq", "integer", (c) => c.primaryKey())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("unit_id", "text")
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("object", "text", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("request_id", "text")
      .addColumn("details", "text", (c) => c.notNull())
      // Two records can never follow the same one: the chain cannot fork.
      .addColumn("prev_hash", "text", (c) => c.notNull().unique())
      .addColumn("hash", "text", (c) => c.notNull().unique())
      .execute()
    await flavor.appendOnlyTriggers(db)

    await db.schema
      .createTable("outbox")
      .addColumn("seq", flavor.name === "postgres" ? "bigserial" : "integer", (c) =>
        flavor.name === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()
      )
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("aggregate_id", "text", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      .execute()
  },
  down: async (db: Kysely<unknown>) => {
    for (const table of ["outbox", "audit_log", "accounts", "unit_versions", "units"]) {
      await db.schema.dropTable(table).execute()
    }
  }
})

/**
 * The migrations of the tmis store for a flavor, in order.
 *
 * @since 0.1.0
 */
export const migrations = (flavor: Flavor): Record<string, Migration> => ({
  "0001_foundation": foundation(flavor)
})

/**
 * A Kysely `MigrationProvider` over {@link migrations}.
 *
 * @since 0.1.0
 */
export const provider = (flavor: Flavor): MigrationProvider => ({
  getMigrations: async () => migrations(flavor)
})
