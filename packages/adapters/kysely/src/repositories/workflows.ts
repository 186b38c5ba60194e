/**
 * Transfers and rotations (M23, M24). Under concurrency the store refuses a second open process of a teacher
 * (M24.3), whatever the interleaving of writers; and holds an optimistic version on every process, so of concurrent
 * confirmations of one step exactly one commits.
 *
 * @since 0.1.0
 */
import type { Storage } from "@tmis/core"
import { Effect } from "effect"
import { type Connection, findOne, first, updateAt, versioned } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

const workflowOf = Rows.versioned(Rows.workflow)

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.WorkflowRepository => ({
  insert: (workflow) =>
    write("workflows.insert", (db) => db.insertInto("workflows").values(Rows.workflowRow(workflow, 1)).execute(), {
      id: workflow.id,
      teacher: workflow.teacherId,
      kind: workflow.kind
    }).pipe(Effect.as(first(workflow))),
  get: (id) => query("workflows.get", (db) => findOne(db.selectFrom("workflows").selectAll(), "id", id, workflowOf)),
  update: (next, expectedVersion) =>
    query("workflows.update", (db) =>
      updateAt(
        db.updateTable("workflows").set(Rows.workflowRow(next, expectedVersion + 1)),
        "id",
        next.id,
        expectedVersion
      )
    ).pipe(versioned("workflow", next.id, expectedVersion, next)),
  byTeacher: (teacherId) =>
    query("workflows.byTeacher", async (db) => {
      const rows = await db
        .selectFrom("workflows")
        .selectAll()
        .where("teacher_id", "=", teacherId)
        .orderBy("created_at")
        .orderBy("id")
        .execute()
      return rows.map(workflowOf)
    })
})
