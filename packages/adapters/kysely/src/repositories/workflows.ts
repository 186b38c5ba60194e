/**
 * Transfers and rotations (M23, M24). Under concurrency the store refuses a second open process of a teacher
 * (M24.3), whatever the interleaving of writers; and holds an optimistic version on every process, so of concurrent
 * confirmations of one step exactly one commits.
 *
 * @since 0.1.0
 */
import type { Storage } from "@tmis/core"
import { Effect } from "effect"
import { sql } from "kysely"
import { type Connection, findOne, first, pageOf, updateAt, versioned } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

const workflowOf = Rows.versioned(Rows.workflow)

/** The path of the sending or receiving unit of a process, read from its stored context (constants only, no input). */
const endPath = (flavor: Connection["flavor"], end: "from" | "to") =>
  flavor.name === "postgres"
    ? sql.raw<string>(`(context::json #>> '{${end},path}')`)
    : sql.raw<string>(`json_extract(context, '$.${end}.path')`)

/**
 * @since 0.1.0
 */
export const make = ({ query, write, flavor }: Connection): Storage.WorkflowRepository => ({
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
    }),
  // Compared by prefix with substr (byte-wise on both databases, paths are ASCII), not with a collation-dependent range.
  // The context is JSON text without an index on its paths: a scan of the completed processes, one query per page.
  completedIn: (unitPath, page) =>
    query("workflows.completedIn", async (db) => {
      const within = (end: "from" | "to") =>
        sql<boolean>`substr(${endPath(flavor, end)}, 1, ${sql.lit(unitPath.length)}) = ${unitPath}`
      const processes = await pageOf(
        page,
        (limit) =>
          db
            .selectFrom("workflows")
            .selectAll()
            .where("state", "=", "completed")
            .where((eb) => eb.or([within("from"), within("to")]))
            .where("id", ">", page.after ?? "")
            .orderBy("id")
            .limit(limit)
            .execute(),
        Rows.workflow,
        (last) => last.id
      )
      const ids = [...new Set(processes.items.map((w) => w.teacherId))]
      const efiles =
        ids.length === 0 ? [] : await db.selectFrom("teachers").selectAll().where("id", "in", ids).execute()
      const byId = new Map(efiles.map((row) => [row.id, Rows.teacher(row)]))
      return {
        items: processes.items.flatMap((workflow) => {
          const efile = byId.get(workflow.teacherId)
          return efile === undefined ? [] : [{ workflow, efile }]
        }),
        next: processes.next
      }
    })
})
