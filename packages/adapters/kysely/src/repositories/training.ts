/**
 * Training providers, projects, enrolments and results (M25). Under concurrency the store holds unique ids, one
 * enrolment of a teacher in a project (primary key), one result of a teacher in a project (unique index), and an
 * optimistic version on providers, projects and results: a project's count of enrolments is written at its version,
 * so its capacity holds; a result is confirmed or rejected once.
 *
 * @since 0.1.0
 */
import { CreditConfirmation, Storage, TrainingProject, TrainingProvider } from "@tmis/core"
import { Effect, Schema } from "effect"
import { type Kysely, sql } from "kysely"
import type { Database } from "../Database.js"
import { type Connection, chunks, findOne, first, updateAt, versioned } from "../internal/Connection.js"

const providerJson = Schema.parseJson(TrainingProvider.Provider)
const projectJson = Schema.parseJson(TrainingProject.Project)
const decodeProvider = Schema.decodeUnknownSync(providerJson)
const encodeProvider = Schema.encodeSync(providerJson)
const decodeProject = Schema.decodeUnknownSync(projectJson)
const encodeProject = Schema.encodeSync(projectJson)

const resultRow = (result: Storage.TrainingResult, version: number) => ({
  id: result.id,
  project_id: result.projectId,
  teacher_id: result.teacherId,
  state: result.state,
  awaiting_unit_id: CreditConfirmation.awaiting(result.state, result.context) ?? null,
  data: JSON.stringify({ state: result.state, context: result.context }),
  version
})

const decodeResult = (row: {
  readonly id: string
  readonly project_id: string
  readonly teacher_id: string
  readonly data: string
  readonly version: number
}): Storage.Versioned<Storage.TrainingResult> => {
  const { state, context } = JSON.parse(row.data) as Pick<Storage.TrainingResult, "state" | "context">
  return {
    value: { id: row.id, projectId: row.project_id, teacherId: row.teacher_id, state, context },
    version: row.version
  }
}

type ResultRow = ReturnType<typeof resultRow>

/**
 * One statement writing many results, each where it still is at the version before its row's (`… where id = ? and
 * version = ?` for each): `update … from (values …)` on SQLite and Postgres. The MySQL family has no `update … from`,
 * and a derived table of its literals would compare ids in the connection's collation, not the column's: there a
 * CASE on the id gives each row its values.
 */
const updateAll = (flavor: Connection["flavor"], rows: ReadonlyArray<ResultRow>) => {
  if (flavor.name !== "mysql") {
    const values = rows.map(
      (r) => sql`(${r.id}, ${r.state}, ${r.awaiting_unit_id}, ${r.data}, cast(${r.version - 1} as integer))`
    )
    return sql`update training_results set state = v.column2, awaiting_unit_id = v.column3, data = v.column4,
      version = training_results.version + 1 from (values ${sql.join(values)}) as v
      where training_results.id = v.column1 and training_results.version = v.column5`
  }
  const byId = (value: (r: ResultRow) => unknown) =>
    sql`case id ${sql.join(
      rows.map((r) => sql`when ${r.id} then ${value(r)}`),
      sql` `
    )} end`
  return sql`update training_results set state = ${byId((r) => r.state)},
    awaiting_unit_id = ${byId((r) => r.awaiting_unit_id)}, data = ${byId((r) => r.data)}, version = version + 1
    where id in (${sql.join(rows.map((r) => r.id))}) and version = ${byId((r) => r.version - 1)}`
}

/**
 * Write `rows` at their versions; the first whose version moved (its row as stored is not the one written), if any.
 * All of a chunk are written or the count says which were not: then the stored rows are read to name one.
 */
const updateResultRows = async (
  db: Kysely<Database>,
  flavor: Connection["flavor"],
  rows: ReadonlyArray<ResultRow>
): Promise<ResultRow | undefined> => {
  for (const chunk of chunks(rows, 500)) {
    const { numAffectedRows } = await updateAll(flavor, chunk).execute(db)
    if (Number(numAffectedRows) === chunk.length) continue
    const stored = await db
      .selectFrom("training_results")
      .select(["id", "version", "data"])
      .where(
        "id",
        "in",
        chunk.map((r) => r.id)
      )
      .execute()
    const written = new Set(stored.map((s) => `${s.id} ${s.version} ${s.data}`))
    return chunk.find((r) => !written.has(`${r.id} ${r.version} ${r.data}`)) ?? chunk[0]
  }
  return undefined
}

/**
 * @since 0.1.0
 */
export const make = ({ query, write, flavor }: Connection): Storage.TrainingRepository => ({
  insertProvider: (provider) =>
    write(
      "training.insertProvider",
      (db) =>
        db
          .insertInto("training_providers")
          .values({
            id: provider.id,
            owner_unit_id: provider.ownerUnitId,
            status: provider.status,
            data: encodeProvider(provider),
            version: 1
          })
          .execute(),
      { id: provider.id }
    ).pipe(Effect.as(first(provider))),
  getProvider: (id) =>
    query("training.getProvider", (db) =>
      findOne(db.selectFrom("training_providers").selectAll(), "id", id, (row) => ({
        value: decodeProvider(row.data),
        version: row.version
      }))
    ),
  updateProvider: (next, expectedVersion) =>
    query("training.updateProvider", (db) =>
      updateAt(
        db
          .updateTable("training_providers")
          .set({ status: next.status, data: encodeProvider(next), version: expectedVersion + 1 }),
        "id",
        next.id,
        expectedVersion
      )
    ).pipe(versioned("training provider", next.id, expectedVersion, next)),
  insertProject: (project) =>
    write(
      "training.insertProject",
      (db) =>
        db
          .insertInto("training_projects")
          .values({
            id: project.id,
            owner_unit_id: project.ownerUnitId,
            provider_id: project.providerId,
            data: encodeProject(project),
            version: 1
          })
          .execute(),
      { id: project.id }
    ).pipe(Effect.as(first(project))),
  getProject: (id) =>
    query("training.getProject", (db) =>
      findOne(db.selectFrom("training_projects").selectAll(), "id", id, (row) => ({
        value: decodeProject(row.data),
        version: row.version
      }))
    ),
  updateProject: (next, expectedVersion) =>
    query("training.updateProject", (db) =>
      updateAt(
        db.updateTable("training_projects").set({ data: encodeProject(next), version: expectedVersion + 1 }),
        "id",
        next.id,
        expectedVersion
      )
    ).pipe(versioned("training project", next.id, expectedVersion, next)),
  projectsOf: (ownerUnitId) =>
    query("training.projectsOf", async (db) =>
      (
        await db
          .selectFrom("training_projects")
          .select("data")
          .where("owner_unit_id", "=", ownerUnitId)
          .orderBy("id")
          .execute()
      ).map((row) => decodeProject(row.data))
    ),
  enrol: (enrolment) =>
    write(
      "training.enrol",
      (db) =>
        db
          .insertInto("training_enrolments")
          .values({
            project_id: enrolment.projectId,
            teacher_id: enrolment.teacherId,
            data: JSON.stringify({ by: enrolment.by, at: enrolment.at })
          })
          .execute(),
      { project: enrolment.projectId, teacher: enrolment.teacherId }
    ).pipe(Effect.asVoid),
  isEnrolled: (projectId, teacherId) =>
    query("training.isEnrolled", async (db) => {
      const row = await db
        .selectFrom("training_enrolments")
        .select("project_id")
        .where("project_id", "=", projectId)
        .where("teacher_id", "=", teacherId)
        .executeTakeFirst()
      return row !== undefined
    }),
  insertResult: (result) =>
    write("training.insertResult", (db) => db.insertInto("training_results").values(resultRow(result, 1)).execute(), {
      id: result.id,
      project: result.projectId,
      teacher: result.teacherId
    }).pipe(Effect.as(first(result))),
  getResult: (id) =>
    query("training.getResult", (db) => findOne(db.selectFrom("training_results").selectAll(), "id", id, decodeResult)),
  getResults: (ids) =>
    query("training.getResults", async (db) => {
      const found = new Map<string, Storage.Versioned<Storage.TrainingResult>>()
      for (const chunk of chunks([...new Set(ids)], 500)) {
        const rows = await db.selectFrom("training_results").selectAll().where("id", "in", chunk).execute()
        for (const row of rows) found.set(row.id, decodeResult(row))
      }
      return found
    }),
  updateResult: (next, expectedVersion) =>
    query("training.updateResult", (db) => {
      const { id: _id, ...row } = resultRow(next, expectedVersion + 1)
      return updateAt(db.updateTable("training_results").set(row), "id", next.id, expectedVersion)
    }).pipe(versioned("training result", next.id, expectedVersion, next)),
  updateResults: (updates) =>
    Effect.flatMap(
      query("training.updateResults", (db) =>
        updateResultRows(
          db,
          flavor,
          updates.map((u) => resultRow(u.next, u.expectedVersion + 1))
        )
      ),
      (moved) =>
        moved === undefined
          ? Effect.succeed(updates.map((u) => ({ value: u.next, version: u.expectedVersion + 1 })))
          : Effect.fail(
              new Storage.Conflict({ entity: "training result", id: moved.id, expectedVersion: moved.version - 1 })
            )
    ),
  awaiting: (unitId) =>
    query("training.awaiting", async (db) =>
      (
        await db
          .selectFrom("training_results")
          .selectAll()
          .where("awaiting_unit_id", "=", unitId)
          .orderBy("id")
          .execute()
      ).map(decodeResult)
    )
})
