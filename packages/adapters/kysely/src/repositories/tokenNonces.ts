/**
 * The nonces of machine clients' tokens (M30.1): a use is an insert, and the primary key on (client, nonce) refuses
 * a second one (`tokenNonce`) whatever the interleaving — never a read before the write.
 *
 * @since 0.1.0
 */
import type { Storage } from "@tmis/core"
import { Effect } from "effect"
import type { Connection } from "../internal/Connection.js"

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.TokenNonceRepository => ({
  use: (clientId, nonce, expiresAt) =>
    write(
      "tokenNonces.use",
      (db) => db.insertInto("token_nonces").values({ client_id: clientId, nonce, expires_at: expiresAt }).execute(),
      { clientId }
    ).pipe(Effect.asVoid),
  purge: (now) =>
    query("tokenNonces.purge", (db) =>
      db.deleteFrom("token_nonces").where("expires_at", "<", now).executeTakeFirst()
    ).pipe(Effect.map((r) => Number(r.numDeletedRows)))
})
