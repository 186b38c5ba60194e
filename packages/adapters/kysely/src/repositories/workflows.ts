/**
 * Transfers and rotations (M23, M24). Under concurrency the store refuses a second open process of a teacher
 * (M24.3), whatever the interleaving of writers; and holds an optimistic version on every process, so of concurrent
 * confirmations of one step exactly one commits.
 *
 * @since 0.1.0
 */
import type { Storage } from "@tmis/core"
import { Effect } from "effect"
import { type RawBuilder, sql } from "kysely"
import { type Connection, findOne, first, pageOf, pgJson, updateAt, versioned } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

const workflowOf = Rows.versioned(Rows.workflow)

/** The path of the sending or receiving unit of a process, read from its stored context (constants only, no input). */
const endPath = (flavor: Connection["flavor"], end: "from" | "to") =>
  flavor.jsonText !== undefined
    ? flavor.jsonText("context", [end, "path"])
    : flavor.name === "postgres"
      ? sql.raw<string>(`(${pgJson("context")} #>> '{${end},path}')`)
      : sql.raw<string>(`json_extract(context, '$.${end}.path')`)

/** A field of the sending or receiving unit of a process, read from its stored context (constants only, no input). */
const endField = (flavor: Connection["flavor"], end: "from" | "to", field: "path" | "kind") =>
  flavor.jsonText !== undefined
    ? flavor.jsonText("context", [end, field])
    : flavor.name === "postgres"
      ? sql.raw<string>(`(${pgJson("context")} #>> '{${end},${field}}')`)
      : sql.raw<string>(`json_extract(context, '$.${end}.${field}')`)

/** How many `/` a stored path holds: its depth in the hierarchy, plus one. */
const depthOf = (path: RawBuilder<string>) => sql<number>`(length(${path}) - length(replace(${path}, '/', '')))`

/** The keyset cursor of {@link find}: the creation instant and the id (an ISO instant holds no space). */
const findCursor = (workflow: Storage.Workflow) => `${workflow.createdAt} ${workflow.id}`

const parseFindCursor = (after: string | undefined): readonly [string, string] | undefined => {
  if (after === undefined) return undefined
  const space = after.indexOf(" ")
  return space < 0 ? [after, ""] : [after.slice(0, space), after.slice(space + 1)]
}

/**
 * The processes matching a query ({@link Storage.WorkflowQuery}): paths compared by prefix with substr and depth
 * by counting `/`, as `completedIn` does; the context is JSON text without an index on its ends, so this scans the
 * processes of the kind and state asked for (the inbox: the open ones).
 */
const find =
  ({ query, flavor }: Pick<Connection, "query" | "flavor">): Storage.WorkflowRepository["find"] =>
  (q, page) =>
    query("workflows.find", (db) => {
      const unitDepth = q.unitPath.split("/").length - 1
      const atPlace = (end: "from" | "to") => {
        const path = endField(flavor, end, "path")
        const within = sql<boolean>`substr(${path}, 1, ${sql.lit(q.unitPath.length)}) = ${q.unitPath}`
        return q.places.map(
          (place) =>
            sql<boolean>`(${endField(flavor, end, "kind")} = ${place.kind} and ${within} and ${depthOf(path)} = ${sql.lit(unitDepth + place.depth)})`
        )
      }
      const cursor = parseFindCursor(page.after)
      return pageOf(
        page,
        (limit) =>
          db
            .selectFrom("workflows")
            .selectAll()
            .$if(q.kind !== undefined, (qb) => qb.where("kind", "=", q.kind ?? ""))
            .$if(q.state !== undefined, (qb) => qb.where("state", "=", q.state ?? ""))
            .where((eb) => {
              if (q.places.length === 0) return sql<boolean>`1 = 0`
              if (q.awaited === undefined) return eb.or([...atPlace("from"), ...atPlace("to")])
              if (q.awaited.length === 0) return sql<boolean>`1 = 0`
              return eb.or(
                q.awaited.map((a) =>
                  eb.and([eb("kind", "=", a.kind), eb("state", "=", a.state), eb.or(atPlace(a.end))])
                )
              )
            })
            .$if(cursor !== undefined, (qb) =>
              qb.where((eb) =>
                eb.or([
                  eb("created_at", ">", cursor?.[0] ?? ""),
                  eb.and([eb("created_at", "=", cursor?.[0] ?? ""), eb("id", ">", cursor?.[1] ?? "")])
                ])
              )
            )
            .orderBy("created_at")
            .orderBy("id")
            .limit(limit)
            .execute(),
        workflowOf,
        (last) => findCursor(last.value)
      )
    })

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
    }),
  find: find({ query, flavor })
})
