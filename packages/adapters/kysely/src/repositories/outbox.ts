/**
 * Domain events of committed changes, for other systems to pick up (M30.1). Under concurrency an event is appended
 * in the transaction of its change, so it is there exactly when the change committed, in sequence order.
 *
 * @since 0.1.0
 */
import type { Storage } from "@tmis/core"
import { Effect } from "effect"
import { type Connection, chunks, seqPage } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

/**
 * @since 0.1.0
 */
export const make = ({ query }: Connection): Storage.OutboxRepository => ({
  append: (event) =>
    query("outbox.append", (db) => db.insertInto("outbox").values(Rows.outboxRow(event)).execute()).pipe(Effect.asVoid),
  appendAll: (events) =>
    query("outbox.appendAll", async (db) => {
      // In order: a multi-row insert numbers its rows in the order given.
      for (const chunk of chunks(events, 500)) {
        await db.insertInto("outbox").values(chunk.map(Rows.outboxRow)).execute()
      }
    }),
  list: (page) =>
    query("outbox.list", (db) =>
      seqPage(
        page,
        (after, limit) =>
          db.selectFrom("outbox").selectAll().where("seq", ">", after).orderBy("seq").limit(limit).execute(),
        Rows.outboxEvent
      )
    )
})
