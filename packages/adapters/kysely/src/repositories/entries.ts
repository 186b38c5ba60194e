/**
 * The entries of e-files, each with its review (M17.1, M19.1). Under concurrency the store holds unique entry ids and
 * an optimistic version on every entry: of two reviewers acting on one version, one commits.
 *
 * @since 0.1.0
 */
import type { EFile, Storage } from "@tmis/core"
import { Effect } from "effect"
import { type Connection, chunks, findOne, first, updateAt, versioned } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

const entryOf = Rows.versioned(Rows.entry)

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.EntryRepository => ({
  insert: (entry) =>
    write("entries.insert", (db) => db.insertInto("entries").values(Rows.entryRow(entry, 1)).execute(), {
      id: entry.id,
      teacher: entry.teacherId,
      group: entry.group
    }).pipe(Effect.as(first(entry))),
  insertMany: (list) =>
    write(
      "entries.insertMany",
      async (db) => {
        for (const chunk of chunks(list, 2000)) {
          await db
            .insertInto("entries")
            .values(chunk.map((e) => Rows.entryRow(e, 1)))
            .execute()
        }
      },
      { entries: list.length }
    ),
  get: (id) => query("entries.get", (db) => findOne(db.selectFrom("entries").selectAll(), "id", id, entryOf)),
  update: (next, expectedVersion) =>
    query("entries.update", (db) =>
      updateAt(db.updateTable("entries").set(Rows.entryRow(next, expectedVersion + 1)), "id", next.id, expectedVersion)
    ).pipe(versioned("entry", next.id, expectedVersion, next)),
  byTeacher: (teacherId) =>
    query("entries.byTeacher", async (db) =>
      (await db.selectFrom("entries").selectAll().where("teacher_id", "=", teacherId).orderBy("id").execute()).map(
        entryOf
      )
    ),
  byTeachers: (teacherIds) =>
    query("entries.byTeachers", async (db) => {
      const found = new Map<EFile.TeacherId, Array<Storage.Versioned<EFile.Entry>>>()
      for (const chunk of chunks([...new Set(teacherIds)], 500)) {
        const rows = await db.selectFrom("entries").selectAll().where("teacher_id", "in", chunk).orderBy("id").execute()
        for (const row of rows) {
          const entry = entryOf(row)
          const held = found.get(entry.value.teacherId)
          if (held === undefined) found.set(entry.value.teacherId, [entry])
          else held.push(entry)
        }
      }
      return found
    }),
  effectiveRecords: (teacherIds, groups) =>
    query("entries.effectiveRecords", async (db) => {
      const found = new Map<EFile.TeacherId, Array<Storage.EffectiveRecord>>()
      if (groups.length === 0) return found
      for (const chunk of chunks([...new Set(teacherIds)], 500)) {
        const rows = await db
          .selectFrom("entries")
          .select(["id", "teacher_id", "group_key", "data"])
          .where("teacher_id", "in", chunk)
          .where("group_key", "in", groups)
          .where("state", "=", "effective")
          // By the index (teacher_id, id): each teacher's by id, no sort.
          .orderBy("teacher_id")
          .orderBy("id")
          .execute()
        for (const row of rows) {
          const teacherId = Rows.teacherId(row.teacher_id)
          const record = { id: row.id, group: row.group_key, data: Rows.record(row.data) }
          const held = found.get(teacherId)
          if (held === undefined) found.set(teacherId, [record])
          else held.push(record)
        }
      }
      return found
    })
})
