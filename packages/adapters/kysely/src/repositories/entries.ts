/**
 * The entries of e-files, each with its review (M17.1, M19.1). Under concurrency the store holds unique entry ids and
 * an optimistic version on every entry: of two reviewers acting on one version, one commits.
 *
 * @since 0.1.0
 */
import type { EFile, Storage } from "@tmis/core"
import { Effect } from "effect"
import { type Kysely, type RawBuilder, sql } from "kysely"
import type { Database } from "../Database.js"
import {
  type ActiveRange,
  type Connection,
  chunks,
  findOne,
  first,
  inActiveRange,
  updateAt,
  versioned
} from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"
import { recordGroups } from "../migrations/0019_registration_records.js"

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
          .where(effectiveOf(groups))
          // By the index (teacher_id, id): each teacher's by id, no sort.
          .orderBy("teacher_id")
          .orderBy("id")
          .execute()
        collect(found, rows)
      }
      return found
    })
})

/**
 * The entries of `groups` that are effective. The groups of the index `entries_registration_records` (SQLite,
 * migration 0019) are named as literals, with the state: the planner uses a partial index only for a query whose
 * terms are the index's own.
 */
const effectiveOf = (groups: ReadonlyArray<string>): RawBuilder<boolean> => {
  const group = sql.ref("entries.group_key")
  const state = sql`${sql.ref("entries.state")} = 'effective'`
  return groups.length === recordGroups.length && groups.every((g, i) => g === recordGroups[i])
    ? sql<boolean>`${group} in (${sql.raw(recordGroups.map((g) => `'${g}'`).join(", "))}) and ${state}`
    : sql<boolean>`${group} in (${sql.join(groups)}) and ${state}`
}

/**
 * SQLite: an e-file's effective records of `groups` as one column of a query over `teachers`, a flat JSON array
 * `[id, group, data, id, group, data, …]` in the order of their ids, from the covering index
 * `entries_registration_records` (null for none): a pass reads ~6 records a teacher, and a row per record cost more in
 * the driver than the records themselves.
 *
 * @since 0.1.0
 */
export const recordsColumn = (groups: ReadonlyArray<string>): RawBuilder<string | null> => {
  const entries = (column: string) => sql.ref(`entries.${column}`)
  const record = sql`json_quote(${entries("id")}) || ',' || json_quote(${entries("group_key")}) || ',' || ${entries("data")}`
  return sql<string | null>`(select '[' || group_concat(${record}, ',' order by ${entries("id")}) || ']' from entries
    where ${entries("teacher_id")} = ${sql.ref("teachers.id")} and ${effectiveOf(groups)})`
}

/**
 * The records of a {@link recordsColumn}, in the column's order (their ids'), each checked by hand (`Rows.recordOf`).
 *
 * @since 0.1.0
 */
export const recordsOfColumn = (column: string | null): Array<Storage.EffectiveRecord> => {
  if (column === null) return []
  const flat: unknown = JSON.parse(column)
  if (!Array.isArray(flat) || flat.length % 3 !== 0) throw new Error("a teacher's records are [id, group, data, …]")
  const held: Array<Storage.EffectiveRecord> = []
  for (let i = 0; i < flat.length; i += 3) {
    const [id, group, data] = [flat[i], flat[i + 1], flat[i + 2]]
    if (typeof id !== "string" || typeof group !== "string") throw new Error("a record's id and group are texts")
    held.push({ id, group, data: Rows.recordOf(data) })
  }
  return held
}

/**
 * The effective records of `groups` of the active e-files of a range, by e-file, a row per record (Postgres and the
 * MySQL family; see {@link recordsColumn} for SQLite).
 *
 * @since 0.1.0
 */
export const recordsInRange = async (
  db: Kysely<Database>,
  range: ActiveRange,
  groups: ReadonlyArray<string>
): Promise<Map<EFile.TeacherId, Array<Storage.EffectiveRecord>>> => {
  const found = new Map<EFile.TeacherId, Array<Storage.EffectiveRecord>>()
  if (groups.length === 0) return found
  const rows = await inActiveRange(
    db.selectFrom("teachers").innerJoin("entries", "entries.teacher_id", "teachers.id"),
    range
  )
    .select(["entries.id", "entries.teacher_id", "entries.group_key", "entries.data"])
    .where(effectiveOf(groups))
    // The page's e-files by the path index, each one's entries by the index (teacher_id, id): no sort.
    .orderBy("teachers.path")
    .orderBy("entries.id")
    .execute()
  collect(found, rows)
  return found
}

/**
 * Add the records of `rows`, each teacher's in order, to `found`. The rows come teacher by teacher: a teacher's id
 * is decoded once, and its record is checked by hand (`Rows.record`), for a pass reads millions.
 */
const collect = (
  found: Map<EFile.TeacherId, Array<Storage.EffectiveRecord>>,
  rows: ReadonlyArray<{
    readonly id: string
    readonly teacher_id: string
    readonly group_key: string
    readonly data: string
  }>
): void => {
  let column: string | undefined
  let held: Array<Storage.EffectiveRecord> = []
  for (const row of rows) {
    if (row.teacher_id !== column) {
      column = row.teacher_id
      const teacherId = Rows.teacherId(column)
      held = found.get(teacherId) ?? []
      found.set(teacherId, held)
    }
    held.push({ id: row.id, group: row.group_key, data: Rows.record(row.data) })
  }
}
