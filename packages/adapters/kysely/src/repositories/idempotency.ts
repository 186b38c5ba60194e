/**
 * The results of commands by idempotency key: a retried command returns the stored result and changes nothing twice.
 * Under concurrency the store refuses a used key, so of two first attempts with one key exactly one stores its
 * result, in the command's transaction.
 *
 * @since 0.1.0
 */
import type { Storage } from "@tmis/core"
import { Effect } from "effect"
import { type Connection, maybe } from "../internal/Connection.js"

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.IdempotencyRepository => ({
  get: (key) =>
    query("idempotency.get", async (db) =>
      maybe(await db.selectFrom("idempotency").selectAll().where("key", "=", key).executeTakeFirst(), (row) => ({
        command: row.command,
        result: JSON.parse(row.result)
      }))
    ),
  put: (key, command, result) =>
    write(
      "idempotency.put",
      (db) =>
        db
          .insertInto("idempotency")
          .values({ key, command, result: JSON.stringify(result) })
          .execute(),
      { key }
    ).pipe(Effect.asVoid)
})
