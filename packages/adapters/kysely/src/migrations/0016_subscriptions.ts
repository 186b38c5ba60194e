/**
 * The stored cursors of the outbox's subscribers (M27.1): one row per subscriber, its primary key the name. A cursor
 * moves by compare-and-set (`… WHERE name = ? AND last_seq = ?`), so concurrent deliverers of one subscriber move it
 * once, forwards.
 *
 * @since 0.1.0
 */
import type { Kysely, Migration } from "kysely"
import type { Flavor } from "../Flavor.js"
import * as Ddl from "../internal/Ddl.js"

/**
 * @since 0.1.0
 */
export const subscriptions = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .createTable("subscriptions")
      .addColumn("name", Ddl.key(flavor), (c) => c.primaryKey())
      .addColumn("last_seq", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute()
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema.dropTable("subscriptions").execute()
  }
})
