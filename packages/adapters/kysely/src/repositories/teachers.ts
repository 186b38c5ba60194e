/**
 * Teachers' e-files (M21.1, M22.1). Under concurrency the store refuses a second active e-file with the same identity
 * document (M17.4), whatever the interleaving of writers; and holds an optimistic version on every e-file.
 *
 * @since 0.1.0
 */
import { type EFile, EFileFilter, type Storage } from "@tmis/core"
import { Effect } from "effect"
import { type Kysely, type SelectQueryBuilder, sql } from "kysely"
import type { Database } from "../Database.js"
import {
  type Connection,
  chunks,
  findOne,
  first,
  pageOf,
  prefixEnd,
  subtreePage,
  updateAt,
  versioned
} from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"
import { everOf, leavingStatuses } from "../migrations/0020_report_changes.js"

const teacherOf = Rows.versioned(Rows.teacher)

/** A duplicates cursor is "number:type" of the last duplicate of the previous page (identity numbers hold no colon). */
const splitCursor = (cursor: string | undefined): readonly [string, string] => {
  if (cursor === undefined) return ["", ""]
  const at = cursor.lastIndexOf(":")
  return at < 0 ? [cursor, ""] : [cursor.slice(0, at), cursor.slice(at + 1)]
}

/** The keys of an e-file row that `on conflict do nothing` skips on: its id, its path, its active identity. */
const keysOf = (row: {
  readonly id: string
  readonly path: string
  readonly id_type: string
  readonly id_number: string
  readonly active: number
}) => [
  `id ${row.id}`,
  `path ${row.path}`,
  ...(Number(row.active) === 1 ? [`identity ${row.id_type}:${row.id_number}`] : [])
]

/**
 * `insertMany` where an insert cannot skip conflicting rows and say which went in (the MySQL family): a row that
 * would conflict with a stored e-file or an earlier row of the list (same id, same path, a second active e-file of
 * one identity) is left out before inserting, as `on conflict do nothing` leaves it out. Exact in the transaction
 * `insertMany` runs in: the writers queue, and the rows looked up cannot change before the insert.
 */
const insertSkipping = async (db: Kysely<Database>, efiles: ReadonlyArray<EFile.EFile>) => {
  const inserted = new Set<EFile.TeacherId>()
  for (const chunk of chunks(efiles, 1000)) {
    const rows = chunk.map((e) => Rows.teacherRow(e, 1))
    const stored = await db
      .selectFrom("teachers")
      .select(["id", "path", "id_type", "id_number", "active"])
      .where((eb) =>
        eb.or([
          eb(
            "id",
            "in",
            rows.map((r) => r.id)
          ),
          eb(
            "path",
            "in",
            rows.map((r) => r.path)
          ),
          eb(
            "id_number",
            "in",
            rows.map((r) => r.id_number)
          )
        ])
      )
      .execute()
    const taken = new Set(stored.flatMap(keysOf))
    const kept = rows.filter((row) => {
      const keys = keysOf(row)
      if (keys.some((k) => taken.has(k))) return false
      for (const k of keys) taken.add(k)
      return true
    })
    if (kept.length > 0) await db.insertInto("teachers").values(kept).execute()
    for (const row of kept) inserted.add(Rows.teacherId(row.id))
  }
  return inserted
}

/**
 * The e-files that pass `filter`, in SQL (see `EFileFilter`). The name is a prefix compared as the first characters,
 * not `like` (case and pattern rules differ between databases) nor a range (orders differ between collations): the
 * same answer everywhere. The filters narrow the subtree's range scan on `path`; an identity number is found by its
 * index (`teachers_identity`), an entry awaiting review by `entries_teacher`.
 */
const filtered = <Row>(
  rows: SelectQueryBuilder<Database, "teachers", Row>,
  filter: EFileFilter.Filter
): SelectQueryBuilder<Database, "teachers", Row> => {
  const f = EFileFilter.normalize(filter)
  let q = rows
  if (f.name !== undefined) {
    q = q.where(sql<boolean>`substr(teachers.name, 1, ${[...f.name].length}) = ${f.name}`)
  }
  if (f.idNumber !== undefined) q = q.where("teachers.id_number", "=", f.idNumber)
  if (f.status !== undefined) q = q.where("teachers.status", "=", f.status)
  if (f.stage !== undefined) q = q.where("teachers.stage", "=", f.stage)
  if (f.pendingReview !== undefined) {
    const pending = f.pendingReview
    q = q.where((eb) => {
      const awaiting = eb.exists(
        eb
          .selectFrom("entries")
          .select(sql.lit(1).as("one"))
          .whereRef("entries.teacher_id", "=", "teachers.id")
          .where("entries.state", "in", [...EFileFilter.pendingStates])
      )
      return pending ? awaiting : eb.not(awaiting)
    })
  }
  return q
}

/**
 * @since 0.1.0
 */
export const make = ({ query, write, flavor }: Connection): Storage.TeacherRepository => ({
  insert: (efile) =>
    write("teachers.insert", (db) => db.insertInto("teachers").values(Rows.teacherRow(efile, 1)).execute(), {
      id: efile.id,
      idType: efile.idType,
      idNumber: efile.idNumber
    }).pipe(Effect.as(first(efile))),
  insertMany: (efiles) =>
    query("teachers.insertMany", async (db) => {
      const inserted = new Set<EFile.TeacherId>()
      if (flavor.returning === false) return insertSkipping(db, efiles)
      for (const chunk of chunks(efiles, 1000)) {
        const rows = await db
          .insertInto("teachers")
          .values(chunk.map((e) => Rows.teacherRow(e, 1)))
          .onConflict((oc) => oc.doNothing())
          .returning("id")
          .execute()
        for (const row of rows) inserted.add(Rows.teacherId(row.id))
      }
      return inserted
    }),
  get: (id) => query("teachers.get", (db) => findOne(db.selectFrom("teachers").selectAll(), "id", id, teacherOf)),
  unitIdsOf: (ids) =>
    query("teachers.unitIdsOf", async (db) => {
      const found = new Map<string, string>()
      for (const chunk of chunks([...new Set(ids)], 500)) {
        const rows = await db.selectFrom("teachers").select(["id", "unit_id"]).where("id", "in", chunk).execute()
        for (const row of rows) found.set(row.id, row.unit_id)
      }
      return found
    }),
  update: (next, expectedVersion) =>
    write(
      "teachers.update",
      (db) =>
        updateAt(
          db.updateTable("teachers").set(Rows.teacherRow(next, expectedVersion + 1)),
          "id",
          next.id,
          expectedVersion
        ),
      { id: next.id, idType: next.idType, idNumber: next.idNumber }
    ).pipe(versioned("teacher", next.id, expectedVersion, next)),
  byIdentity: (idType, idNumber) =>
    query("teachers.byIdentity", async (db) => {
      const rows = await db
        .selectFrom("teachers")
        .selectAll()
        .where("id_number", "=", idNumber)
        .where("id_type", "=", idType)
        .orderBy("id")
        .execute()
      return rows.map(teacherOf)
    }),
  subtree: (unitPath, page) =>
    query("teachers.subtree", (db) => subtreePage(db.selectFrom("teachers").selectAll(), unitPath, page, Rows.teacher)),
  search: (unitPath, filter, page) =>
    query("teachers.search", (db) =>
      subtreePage(filtered(db.selectFrom("teachers").selectAll("teachers"), filter), unitPath, page, Rows.teacher)
    ),
  activeInSubtree: (unitPath, page) =>
    query("teachers.activeInSubtree", (db) =>
      subtreePage(
        db.selectFrom("teachers").select(["id", "unit_id", "path", "name", "status_history"]).where("active", "=", 1),
        unitPath,
        page,
        Rows.activeTeacher
      )
    ),
  countCreated: (unitPath, from, before) =>
    query("teachers.countCreated", async (db) => {
      const row = await db
        .selectFrom("teachers")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("path", ">=", unitPath)
        .where("path", "<", prefixEnd(unitPath))
        .where("created_at", ">=", from)
        .where("created_at", "<", before)
        .executeTakeFirst()
      return Number(row?.n ?? 0)
    }),
  everOfStatus: (unitPath, statuses, page) =>
    query("teachers.everOfStatus", (db) =>
      subtreePage(
        // The history is JSON.stringify's text (Rows.teacher): a record's status is written `"status":"…"`, and a
        // quote inside a string value is escaped, so the pattern matches a record's status and nothing else. The
        // leaving statuses are named as literals, as the partial index `teachers_ever_leaving` names them.
        db
          .selectFrom("teachers")
          .selectAll()
          .where((eb) =>
            statuses.length === leavingStatuses.length && statuses.every((s, i) => s === leavingStatuses[i])
              ? sql<boolean>`${sql.raw(everOf(leavingStatuses))}`
              : eb.or(statuses.map((s) => eb("status_history", "like", `%"status":"${s}"%`)))
          ),
        unitPath,
        page,
        Rows.teacher
      )
    ),
  duplicates: (page) =>
    query("teachers.duplicates", async (db) => {
      const [afterNumber, afterType] = splitCursor(page.after)
      const keys = await pageOf(
        page,
        (limit) =>
          db
            .selectFrom("teachers")
            .select(["id_number", "id_type"])
            .where((eb) =>
              eb.or([
                eb("id_number", ">", afterNumber),
                eb.and([eb("id_number", "=", afterNumber), eb("id_type", ">", afterType)])
              ])
            )
            .groupBy(["id_number", "id_type"])
            .having((eb) => eb.fn.countAll(), ">", 1)
            .orderBy("id_number")
            .orderBy("id_type")
            .limit(limit)
            .execute(),
        (key) => ({ idType: key.id_type, idNumber: key.id_number }),
        (last) => `${last.idNumber}:${last.idType}`
      )
      const items: Array<Storage.Duplicate> = []
      for (const key of keys.items) {
        const ids = await db
          .selectFrom("teachers")
          .select("id")
          .where("id_number", "=", key.idNumber)
          .where("id_type", "=", key.idType)
          .orderBy("id")
          .execute()
        items.push({ ...key, teachers: ids.map((r) => Rows.teacherId(r.id)) })
      }
      return { items, next: keys.next }
    })
})
