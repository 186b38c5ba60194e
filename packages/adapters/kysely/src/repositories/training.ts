/**
 * Training providers, projects, enrolments and results (M25). Under concurrency the store holds unique ids, one
 * enrolment of a teacher in a project (primary key), one result of a teacher in a project (unique index), and an
 * optimistic version on providers, projects and results: a project's count of enrolments is written at its version,
 * so its capacity holds; a result is confirmed or rejected once.
 *
 * @since 0.1.0
 */
import { CreditConfirmation, type Storage, TrainingProject, TrainingProvider } from "@tmis/core"
import { Effect, Schema } from "effect"
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

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.TrainingRepository => ({
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
