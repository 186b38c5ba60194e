/**
 * The schema, as Kysely migrations named `0001_…`. Indexes serve subtree range scans on `path`, keyset pagination,
 * and the invariants the store enforces itself: one root, unique codes (M12.1), one active system admin per unit
 * (M14.4), an append-only audit chain that cannot fork (M37.1).
 *
 * @since 0.1.0
 */
import { type Kysely, type Migration, type MigrationProvider, sql } from "kysely"
import type { Flavor } from "./Flavor.js"
import * as Ddl from "./internal/Ddl.js"
import { training } from "./migrations/0007_training.js"
import { registration } from "./migrations/0008_registration.js"
import { statistics } from "./migrations/0009_statistics.js"
import { sharing } from "./migrations/0011_sharing.js"
import { exchange } from "./migrations/0012_exchange.js"
import { tokenNonces } from "./migrations/0015_token_nonces.js"
import { subscriptions } from "./migrations/0016_subscriptions.js"
import { transfersAcross } from "./migrations/0017_transfers_across.js"
import { statisticsCohort } from "./migrations/0018_statistics_cohort.js"
import { registrationRecords } from "./migrations/0019_registration_records.js"
import { reportChanges } from "./migrations/0020_report_changes.js"

const foundation = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .createTable("units")
      .addColumn("id", Ddl.key(flavor), (c) => c.primaryKey())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("parent_id", Ddl.key(flavor), (c) => c.references("units.id"))
      .addColumn("path", sql.raw(flavor.pathType), (c) => c.notNull().unique())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("code", "text", (c) => c.notNull())
      .addColumn("code_key", Ddl.key(flavor), (c) => c.notNull().unique())
      .addColumn("school_type", "text")
      .addColumn("sponsor", "text")
      .addColumn("central_ministry", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("affiliated_to", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("merged_into", "text")
      .addColumn("valid_from", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addCheckConstraint("units_kind", sql`kind in ('national','province','city','county','school','department')`)
      .addCheckConstraint(
        "units_path_ends_with_id",
        sql`substr(path, length(path) - length(id)) = ${Ddl.concatRaw(flavor, "id", "'/'")}`
      )
      .addCheckConstraint(
        "units_root_path",
        sql`parent_id is not null or path = ${Ddl.concatRaw(flavor, "'/'", "id", "'/'")}`
      )
      .execute()
    // One root per deployment (M2.1).
    await Ddl.partialUniqueIndex(db, flavor, {
      name: "units_one_root",
      table: "units",
      columns: ["coalesce(parent_id, '')"],
      where: "parent_id is null"
    })
    await db.schema.createIndex("units_parent").on("units").column("parent_id").execute()
    await flavor.pathTrigger(db)

    await db.schema
      .createTable("unit_versions")
      .addColumn("unit_id", Ddl.key(flavor), (c) => c.notNull().references("units.id"))
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("valid_from", Ddl.key(flavor), (c) => c.notNull())
      .addColumn("snapshot", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("unit_versions_pk", ["unit_id", "version"])
      .addUniqueConstraint("unit_versions_dated", ["unit_id", "valid_from"])
      .execute()

    await db.schema
      .createTable("accounts")
      .addColumn("id", Ddl.key(flavor), (c) => c.primaryKey())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("unit_id", Ddl.key(flavor), (c) => c.notNull().references("units.id"))
      .addColumn("person_name", "text", (c) => c.notNull())
      .addColumn("identity_number", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("cert_fingerprint", "text")
      .addColumn("cert_not_before", "text")
      .addColumn("cert_not_after", "text")
      .addColumn("created_by", Ddl.key(flavor), (c) => c.references("accounts.id"))
      .addColumn("version", "integer", (c) => c.notNull())
      .addCheckConstraint("accounts_role", sql`role in ('systemAdmin','infoAdmin','infoQueryer','teacher')`)
      .addCheckConstraint("accounts_status", sql`status in ('active','disabled')`)
      .execute()
    // At most one active system admin per unit (M14.4), whatever the interleaving of writers.
    await Ddl.partialUniqueIndex(db, flavor, {
      name: "accounts_one_active_system_admin",
      table: "accounts",
      columns: ["unit_id"],
      where: "role = 'systemAdmin' and status = 'active'"
    })
    await db.schema.createIndex("accounts_unit").on("accounts").columns(["unit_id", "id"]).execute()

    await db.schema
      .createTable("audit_log")
      .addColumn("seq", "integer", (c) => c.primaryKey())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", Ddl.key(flavor), (c) => c.notNull())
      .addColumn("unit_id", "text")
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("object", Ddl.key(flavor), (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("request_id", "text")
      .addColumn("details", "text", (c) => c.notNull())
      // Two records can never follow the same one: the chain cannot fork.
      .addColumn("prev_hash", Ddl.key(flavor), (c) => c.notNull().unique())
      .addColumn("hash", Ddl.key(flavor), (c) => c.notNull().unique())
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

const efiles = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .createTable("teachers")
      .addColumn("id", Ddl.key(flavor), (c) => c.primaryKey())
      .addColumn("unit_id", Ddl.key(flavor), (c) => c.notNull().references("units.id"))
      .addColumn("path", sql.raw(flavor.pathType), (c) => c.notNull().unique())
      .addColumn("stage", "text", (c) => c.notNull())
      .addColumn("id_type", Ddl.key(flavor), (c) => c.notNull())
      .addColumn("id_number", Ddl.key(flavor), (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("active", "integer", (c) => c.notNull())
      .addColumn("status_history", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addCheckConstraint("teachers_active", sql`active in (0, 1)`)
      .execute()
    // One person, one active e-file (M17.4), whatever the interleaving of writers.
    await Ddl.partialUniqueIndex(db, flavor, {
      name: "teachers_one_active_identity",
      table: "teachers",
      columns: ["id_type", "id_number"],
      where: "active = 1"
    })
    await db.schema.createIndex("teachers_identity").on("teachers").columns(["id_number", "id_type"]).execute()
    await db.schema.createIndex("teachers_unit").on("teachers").column("unit_id").execute()

    await db.schema
      .createTable("entries")
      .addColumn("id", Ddl.key(flavor), (c) => c.primaryKey())
      .addColumn("teacher_id", Ddl.key(flavor), (c) => c.notNull().references("teachers.id"))
      .addColumn("group_key", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("review", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .execute()
    await db.schema.createIndex("entries_teacher").on("entries").columns(["teacher_id", "id"]).execute()

    await db.schema
      .createTable("change_requests")
      .addColumn("id", Ddl.key(flavor), (c) => c.primaryKey())
      .addColumn("entry_id", Ddl.key(flavor), (c) => c.notNull().references("entries.id"))
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("request", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .execute()
    await db.schema.createIndex("change_requests_entry").on("change_requests").column("entry_id").execute()

    await db.schema
      .createTable("import_rows")
      .addColumn("batch_id", Ddl.key(flavor), (c) => c.notNull())
      .addColumn("row_hash", Ddl.key(flavor), (c) => c.notNull())
      .addColumn("line", "integer", (c) => c.notNull())
      .addColumn("teacher_id", Ddl.key(flavor), (c) => c.notNull().references("teachers.id"))
      .addPrimaryKeyConstraint("import_rows_pk", ["batch_id", "row_hash"])
      .execute()
  },
  down: async (db: Kysely<unknown>) => {
    for (const table of ["import_rows", "change_requests", "entries", "teachers"]) {
      await db.schema.dropTable(table).execute()
    }
  }
})

const workflows = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .createTable("workflows")
      .addColumn("id", Ddl.key(flavor), (c) => c.primaryKey())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("teacher_id", Ddl.key(flavor), (c) => c.notNull().references("teachers.id"))
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("context", "text", (c) => c.notNull())
      .addColumn("open", "integer", (c) => c.notNull())
      .addColumn("created_at", Ddl.key(flavor), (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addCheckConstraint("workflows_kind", sql`kind in ('transfer', 'rotation')`)
      .addCheckConstraint("workflows_open", sql`open in (0, 1)`)
      .execute()
    // A teacher is in at most one open transfer or rotation (M24.3), whatever the interleaving of writers.
    await Ddl.partialUniqueIndex(db, flavor, {
      name: "workflows_one_open",
      table: "workflows",
      columns: ["teacher_id"],
      where: "open = 1"
    })
    await db.schema.createIndex("workflows_teacher").on("workflows").columns(["teacher_id", "created_at"]).execute()
    await db.schema
      .createTable("idempotency")
      .addColumn("key", Ddl.key(flavor), (c) => c.primaryKey())
      .addColumn("command", "text", (c) => c.notNull())
      .addColumn("result", "text", (c) => c.notNull())
      .execute()
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema.dropTable("idempotency").execute()
    await db.schema.dropTable("workflows").execute()
  }
})

const credentials = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .createTable("credentials")
      .addColumn("account_id", Ddl.key(flavor), (c) => c.primaryKey().references("accounts.id"))
      .addColumn("hash", "text", (c) => c.notNull())
      .addColumn("history", "text", (c) => c.notNull())
      .addColumn("login", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      // Only a self-describing scrypt hash is ever stored (M37.2): a plaintext slipped in by mistake is refused.
      .addCheckConstraint("credentials_hash_scrypt", sql`substr(hash, 1, 7) = 'scrypt$'`)
      .execute()
    await db.schema
      .createTable("sessions")
      .addColumn("id", Ddl.key(flavor), (c) => c.primaryKey())
      .addColumn("account_id", Ddl.key(flavor), (c) => c.notNull().references("accounts.id"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("last_seen_at", "text", (c) => c.notNull())
      .addColumn("revoked", "integer", (c) => c.notNull().defaultTo(0))
      .addCheckConstraint("sessions_revoked", sql`revoked in (0, 1)`)
      .execute()
    // Disabling an account revokes its sessions by account.
    await db.schema.createIndex("sessions_account").on("sessions").column("account_id").execute()
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema.dropTable("sessions").execute()
    await db.schema.dropTable("credentials").execute()
  }
})

// The audit search (M37.1) by actor or by object, in sequence order: without these a search for one account's
// records scans the whole log.
const auditSearch = (_flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    await db.schema.createIndex("audit_log_actor").on("audit_log").columns(["actor", "seq"]).execute()
    await db.schema.createIndex("audit_log_object").on("audit_log").columns(["object", "seq"]).execute()
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema.dropIndex("audit_log_object").execute()
    await db.schema.dropIndex("audit_log_actor").execute()
  }
})

// The rows of a batch import keyed in line order (batch, line, content hash), not by the hash first: a chunk of
// a million-row import then writes neighbouring entries of the key instead of a random page per row.
const importRowsByLine = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .createTable("import_rows_by_line")
      .addColumn("batch_id", Ddl.key(flavor), (c) => c.notNull())
      .addColumn("line", "integer", (c) => c.notNull())
      .addColumn("row_hash", Ddl.key(flavor), (c) => c.notNull())
      .addColumn("teacher_id", Ddl.key(flavor), (c) => c.notNull().references("teachers.id"))
      .addPrimaryKeyConstraint("import_rows_line_pk", ["batch_id", "line", "row_hash"])
      .execute()
    await sql`insert into import_rows_by_line (batch_id, line, row_hash, teacher_id)
      select batch_id, line, row_hash, teacher_id from import_rows`.execute(db)
    await db.schema.dropTable("import_rows").execute()
    await db.schema.alterTable("import_rows_by_line").renameTo("import_rows").execute()
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema
      .createTable("import_rows_by_hash")
      .addColumn("batch_id", Ddl.key(flavor), (c) => c.notNull())
      .addColumn("row_hash", Ddl.key(flavor), (c) => c.notNull())
      .addColumn("line", "integer", (c) => c.notNull())
      .addColumn("teacher_id", Ddl.key(flavor), (c) => c.notNull().references("teachers.id"))
      .addPrimaryKeyConstraint("import_rows_pk", ["batch_id", "row_hash"])
      .execute()
    await sql`insert into import_rows_by_hash (batch_id, row_hash, line, teacher_id)
      select batch_id, row_hash, min(line), min(teacher_id) from import_rows group by batch_id, row_hash`.execute(db)
    await db.schema.dropTable("import_rows").execute()
    await db.schema.alterTable("import_rows_by_hash").renameTo("import_rows").execute()
  }
})

/**
 * The migrations of the tmis store for a flavor, in order.
 *
 * @since 0.1.0
 */
export const migrations = (flavor: Flavor): Record<string, Migration> => ({
  "0001_foundation": foundation(flavor),
  "0002_efiles": efiles(flavor),
  "0003_workflows": workflows(flavor),
  "0004_credentials": credentials(flavor),
  "0005_audit_search": auditSearch(flavor),
  "0006_import_rows_by_line": importRowsByLine(flavor),
  "0007_training": training(flavor),
  "0008_registration": registration(flavor),
  "0009_statistics": statistics(flavor),
  "0011_sharing": sharing(flavor),
  "0012_exchange": exchange(flavor),
  "0015_token_nonces": tokenNonces(flavor),
  "0016_subscriptions": subscriptions(flavor),
  "0017_transfers_across": transfersAcross(flavor),
  "0018_statistics_cohort": statisticsCohort(),
  "0019_registration_records": registrationRecords(flavor),
  "0020_report_changes": reportChanges(flavor)
})

/**
 * A Kysely `MigrationProvider` over {@link migrations}.
 *
 * @since 0.1.0
 */
export const provider = (flavor: Flavor): MigrationProvider => ({
  getMigrations: async () => migrations(flavor)
})
