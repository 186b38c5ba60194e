/**
 * The province → national exchange (M32.1): the packages a deployment sent and received (one per issuer, kind and
 * sequence number — the primary keys are the store's invariant, so a package is recorded once however many ingests
 * race), the national copy of the provinces' core indicators, and the cross-province duplicates a province received
 * back (M17.4).
 *
 * @since 0.1.0
 */
import type { Kysely, Migration } from "kysely"
import type { Flavor } from "../Flavor.js"
import * as Ddl from "../internal/Ddl.js"

/**
 * @since 0.1.0
 */
export const exchange = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    const key = Ddl.key(flavor)
    await db.schema
      .createTable("exchange_sent")
      .addColumn("recipient", key, (c) => c.notNull())
      .addColumn("kind", key, (c) => c.notNull())
      .addColumn("sequence", "integer", (c) => c.notNull())
      .addColumn("from_seq", "bigint", (c) => c.notNull())
      .addColumn("to_seq", "bigint", (c) => c.notNull())
      .addColumn("digest", "text", (c) => c.notNull())
      .addColumn("package", "text", (c) => c.notNull())
      .addColumn("sent_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("exchange_sent_pk", ["recipient", "kind", "sequence"])
      .execute()
    await db.schema
      .createTable("exchange_received")
      .addColumn("issuer", key, (c) => c.notNull())
      .addColumn("kind", key, (c) => c.notNull())
      .addColumn("sequence", "integer", (c) => c.notNull())
      .addColumn("from_seq", "bigint", (c) => c.notNull())
      .addColumn("to_seq", "bigint", (c) => c.notNull())
      .addColumn("digest", "text", (c) => c.notNull())
      .addColumn("rows", "integer", (c) => c.notNull())
      .addColumn("received_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("exchange_received_pk", ["issuer", "kind", "sequence"])
      .execute()
    await db.schema
      .createTable("national_core")
      .addColumn("province", key, (c) => c.notNull())
      .addColumn("teacher_id", key, (c) => c.notNull())
      .addColumn("id_type", key, (c) => c.notNull())
      .addColumn("id_number", key, (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("unit_id", "text", (c) => c.notNull())
      .addColumn("stage", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("active", "integer", (c) => c.notNull())
      .addColumn("records", "text", (c) => c.notNull())
      .addColumn("seq", "bigint", (c) => c.notNull())
      .addColumn("sequence", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("national_core_pk", ["province", "teacher_id"])
      .execute()
    await db.schema
      .createIndex("national_core_identity")
      .on("national_core")
      .columns(["id_number", "id_type", "active"])
      .execute()
    await db.schema
      .createTable("exchange_duplicates")
      .addColumn("id_number", key, (c) => c.notNull())
      .addColumn("id_type", key, (c) => c.notNull())
      .addColumn("teacher_id", key, (c) => c.notNull())
      .addColumn("provinces", "text", (c) => c.notNull())
      .addColumn("sequence", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("exchange_duplicates_pk", ["id_number", "id_type", "teacher_id"])
      .execute()
  },
  down: async (db: Kysely<unknown>) => {
    for (const table of ["exchange_duplicates", "national_core", "exchange_received", "exchange_sent"]) {
      await db.schema.dropTable(table).execute()
    }
  }
})
