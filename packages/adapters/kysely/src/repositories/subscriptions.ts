/**
 * The stored cursors of the outbox's subscribers (M27.1). A cursor moves by compare-and-set in one statement — an
 * update `WHERE name = ? AND last_seq = ?`, or for the first move an insert the primary key lets through once — never
 * a read before the write, so two deliverers cannot move it past each other or back.
 *
 * @since 0.1.0
 */
import { Storage } from "@tmis/core"
import { Effect } from "effect"
import type { Connection } from "../internal/Connection.js"

/**
 * @since 0.1.0
 */
export const make = ({ query, attempt, flavor }: Connection): Storage.SubscriptionRepository => {
  const conflict = (name: string, from: number) =>
    new Storage.Conflict({ entity: "subscription", id: name, expectedVersion: from })
  return {
    cursor: (name) =>
      query("subscriptions.cursor", (db) =>
        db.selectFrom("subscriptions").select("last_seq").where("name", "=", name).executeTakeFirst()
      ).pipe(Effect.map((row) => (row === undefined ? 0 : Number(row.last_seq)))),
    advance: (name, from, to) =>
      Effect.gen(function* () {
        if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && 0 <= from && from < to)) {
          return yield* Effect.dieMessage(`subscriptions.advance: ${from} → ${to} is not a move forwards`)
        }
        const updated_at = new Date().toISOString()
        const moved = yield* query("subscriptions.advance", (db) =>
          db
            .updateTable("subscriptions")
            .set({ last_seq: to, updated_at })
            .where("name", "=", name)
            .where("last_seq", "=", from)
            .executeTakeFirst()
        )
        if (Number(moved.numUpdatedRows) === 1) return
        if (from !== 0) return yield* Effect.fail(conflict(name, from))
        // The first move: the primary key admits one insert; a second finds the row and has lost.
        yield* attempt(
          (db) => db.insertInto("subscriptions").values({ name, last_seq: to, updated_at }).execute(),
          (cause): Storage.Conflict | Storage.StorageError =>
            flavor.uniqueViolation(cause) === undefined
              ? new Storage.StorageError({ operation: "subscriptions.advance", cause })
              : conflict(name, from)
        )
      })
  }
}
