/**
 * The receiving side of transfers between provinces (M23.1 across provincial deployments): one row per transfer
 * into this province until the e-file arrives, its chain's snapshot as JSON text, with an optimistic version. The
 * primary key refuses a second transfer under one id; the sending side is an ordinary `workflows` row.
 *
 * @since 0.1.0
 */
import type { Kysely, Migration } from "kysely"
import type { Flavor } from "../Flavor.js"
import * as Ddl from "../internal/Ddl.js"

/**
 * @since 0.1.0
 */
export const transfersAcross = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    const key = Ddl.key(flavor)
    await db.schema
      .createTable("exchange_transfers")
      .addColumn("id", key, (c) => c.primaryKey())
      .addColumn("province", key, (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("context", "text", (c) => c.notNull())
      .addColumn("open", "integer", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .execute()
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema.dropTable("exchange_transfers").execute()
  }
})
