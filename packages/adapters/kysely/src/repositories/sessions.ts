/**
 * Login sessions (MLPS session timeout). Ids come from the caller (random, unguessable); under concurrency the store
 * refuses a used id, and a revoked session stays revoked: `touch` never revives it.
 *
 * @since 0.1.0
 */
import type { Storage } from "@tmis/core"
import { Effect } from "effect"
import { type Connection, findOne } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.SessionRepository => ({
  insert: (session) =>
    write(
      "sessions.insert",
      (db) =>
        db
          .insertInto("sessions")
          .values(Rows.sessionRow({ ...session, revoked: false }))
          .execute(),
      { id: session.id, accountId: session.accountId }
    ).pipe(Effect.asVoid),
  get: (id) => query("sessions.get", (db) => findOne(db.selectFrom("sessions").selectAll(), "id", id, Rows.session)),
  touch: (id, lastSeenAt) =>
    query("sessions.touch", (db) =>
      db
        .updateTable("sessions")
        .set({ last_seen_at: lastSeenAt })
        .where("id", "=", id)
        .where("revoked", "=", 0)
        .execute()
    ).pipe(Effect.asVoid),
  revokeAllOf: (accountId) =>
    query("sessions.revokeAllOf", async (db) => {
      const result = await db
        .updateTable("sessions")
        .set({ revoked: 1 })
        .where("account_id", "=", accountId)
        .where("revoked", "=", 0)
        .executeTakeFirst()
      return Number(result.numUpdatedRows)
    }),
  delete: (id) =>
    query("sessions.delete", (db) => db.deleteFrom("sessions").where("id", "=", id).execute()).pipe(Effect.asVoid)
})
