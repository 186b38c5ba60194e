/**
 * Change requests of effective entries (M19.2). Under concurrency the store holds unique request ids and an
 * optimistic version on every request, so a request is decided once.
 *
 * @since 0.1.0
 */
import type { Storage } from "@tmis/core"
import { Effect } from "effect"
import { type Connection, findOne, first, updateAt, versioned } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.ChangeRequestRepository => ({
  insert: (request) =>
    write(
      "changeRequests.insert",
      (db) => db.insertInto("change_requests").values(Rows.changeRequestRow(request, 1)).execute(),
      { id: request.id, entry: request.entryId }
    ).pipe(Effect.as(first(request))),
  get: (id) =>
    query("changeRequests.get", (db) =>
      findOne(db.selectFrom("change_requests").selectAll(), "id", id, Rows.versioned(Rows.changeRequest))
    ),
  update: (next, expectedVersion) =>
    query("changeRequests.update", (db) =>
      updateAt(
        db.updateTable("change_requests").set(Rows.changeRequestRow(next, expectedVersion + 1)),
        "id",
        next.id,
        expectedVersion
      )
    ).pipe(versioned("change request", next.id, expectedVersion, next))
})
