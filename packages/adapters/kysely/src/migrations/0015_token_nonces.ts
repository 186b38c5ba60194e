/**
 * The nonces of machine clients' tokens (M30.1, O11.1): each token is used once. The primary key on (client, nonce)
 * is the invariant — N concurrent uses of one token insert it once — and `expires_at` lets the expired ones be
 * purged (their tokens are stale anyway).
 *
 * @since 0.1.0
 */
import type { Kysely, Migration } from "kysely"
import type { Flavor } from "../Flavor.js"
import * as Ddl from "../internal/Ddl.js"

/**
 * @since 0.1.0
 */
export const tokenNonces = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    const key = Ddl.key(flavor)
    await db.schema
      .createTable("token_nonces")
      .addColumn("client_id", key, (c) => c.notNull())
      .addColumn("nonce", key, (c) => c.notNull())
      .addColumn("expires_at", key, (c) => c.notNull())
      .addPrimaryKeyConstraint("token_nonces_pk", ["client_id", "nonce"])
      .execute()
    await db.schema.createIndex("token_nonces_expiry").on("token_nonces").column("expires_at").execute()
  }
})
