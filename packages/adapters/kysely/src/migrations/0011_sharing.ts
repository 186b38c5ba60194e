/**
 * Tiered sharing (M30.1, M31.1, O11.1): sharing requests (the persisted snapshot of their approval chain), the grants
 * they yield, and the machine clients bound to a grant (their Ed25519 public keys, never a secret). The store
 * enforces one grant per request (`sharing_grants_request`): two approvals racing yield one grant.
 *
 * @since 0.1.0
 */
import type { Kysely, Migration } from "kysely"
import type { Flavor } from "../Flavor.js"
import * as Ddl from "../internal/Ddl.js"

/**
 * @since 0.1.0
 */
export const sharing = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    const key = Ddl.key(flavor)
    await db.schema
      .createTable("sharing_requests")
      .addColumn("id", key, (c) => c.primaryKey())
      .addColumn("owner_path", key, (c) => c.notNull())
      .addColumn("state", key, (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .execute()
    await db.schema.createIndex("sharing_requests_owner").on("sharing_requests").column("owner_path").execute()

    await db.schema
      .createTable("sharing_grants")
      .addColumn("id", key, (c) => c.primaryKey())
      .addColumn("request_id", key, (c) => c.notNull().references("sharing_requests.id"))
      .addColumn("owner_path", key, (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .execute()
    // One grant per request (M31.1), whatever the interleaving of approvals.
    await db.schema.createIndex("sharing_grants_request").on("sharing_grants").column("request_id").unique().execute()
    await db.schema.createIndex("sharing_grants_owner").on("sharing_grants").column("owner_path").execute()

    await db.schema
      .createTable("sharing_clients")
      .addColumn("id", key, (c) => c.primaryKey())
      .addColumn("grant_id", key, (c) => c.notNull().references("sharing_grants.id"))
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .execute()
    await db.schema.createIndex("sharing_clients_grant").on("sharing_clients").column("grant_id").execute()
  }
})
