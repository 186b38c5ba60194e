/**
 * Change requests of effective entries (M19.2). Under concurrency the store holds unique request ids and an
 * optimistic version on every request, so a request is decided once.
 *
 * @since 0.1.0
 */
import type { Storage } from "@tmis/core"
import { Effect } from "effect"
import { type Connection, findOne, first, pageOf, prefixEnd, updateAt, versioned } from "../internal/Connection.js"
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
    ).pipe(versioned("change request", next.id, expectedVersion, next)),
  inSubtree: (unitPath, status, page) =>
    // By request id: the requests of a subtree found through their entries' e-files, where those are kept now.
    query("changeRequests.inSubtree", (db) =>
      pageOf(
        page,
        (limit) => {
          let rows = db
            .selectFrom("change_requests")
            .innerJoin("entries", "entries.id", "change_requests.entry_id")
            .innerJoin("teachers", "teachers.id", "entries.teacher_id")
            .selectAll("change_requests")
            .select("teachers.id as teacher_id")
            .where("teachers.path", ">=", unitPath)
            .where("teachers.path", "<", prefixEnd(unitPath))
          if (status !== undefined) rows = rows.where("change_requests.status", "=", status)
          if (page.after !== undefined) rows = rows.where("change_requests.id", ">", page.after)
          return rows.orderBy("change_requests.id").limit(limit).execute()
        },
        (row) => ({ ...Rows.versioned(Rows.changeRequest)(row), teacherId: Rows.teacherId(row.teacher_id) }),
        (last) => last.value.id
      )
    )
})
