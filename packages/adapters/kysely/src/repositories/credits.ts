/**
 * The credit bank's ledger (O9.1): entries inserted, never updated or deleted (this module has no update). Under
 * concurrency the store holds unique entry keys (a retried confirmation cannot book twice, `creditKey`) and a
 * unique settled holding (a holding is reversed, applied or converted at most once, `creditSettledOnce`): of two
 * concurrent applications of one holding, or an application racing its reversal, exactly one commits.
 *
 * @since 0.1.0
 */
import { CreditBank, type Storage } from "@tmis/core"
import { Effect, Schema } from "effect"
import { type Kysely, type RawBuilder, sql } from "kysely"
import type { Database } from "../Database.js"
import { type ActiveRange, type Connection, chunks, inActiveRange, maybe } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

const decode = Schema.decodeUnknownSync(Schema.parseJson(CreditBank.Entry))
const encode = Schema.encodeSync(Schema.parseJson(CreditBank.Entry))

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.CreditRepository => ({
  append: (entries) =>
    entries.length === 0
      ? Effect.void
      : write(
          "credits.append",
          async (db) => {
            for (const chunk of chunks(entries, 500)) {
              await db
                .insertInto("credit_entries")
                .values(
                  chunk.map((e) => ({
                    id: e.id,
                    entry_key: e.key,
                    teacher_id: e.teacherId,
                    kind: e.kind,
                    settles_id: e.settles?.id ?? null,
                    at: e.at,
                    data: encode(e)
                  }))
                )
                .execute()
            }
          },
          { keys: entries.map((e) => e.key), settles: entries.flatMap((e) => (e.settles ? [e.settles.id] : [])) }
        ),
  byTeacher: (teacherId) =>
    query("credits.byTeacher", async (db) =>
      (
        await db
          .selectFrom("credit_entries")
          .select("data")
          .where("teacher_id", "=", teacherId)
          .orderBy("at")
          .orderBy("id")
          .execute()
      ).map((row) => decode(row.data))
    ),
  byTeachers: (teacherIds) =>
    query("credits.byTeachers", async (db) => {
      const found = new Map<string, Array<CreditBank.Entry>>()
      for (const chunk of chunks([...new Set(teacherIds)], 500)) {
        const rows = await db
          .selectFrom("credit_entries")
          .select(["teacher_id", "data"])
          .where("teacher_id", "in", chunk)
          .orderBy("at")
          .orderBy("id")
          .execute()
        collect(found, rows)
      }
      return found
    }),
  byKeys: (keys) =>
    query("credits.byKeys", async (db) => {
      const found = new Map<string, CreditBank.Entry>()
      for (const chunk of chunks([...new Set(keys)], 500)) {
        const rows = await db.selectFrom("credit_entries").select("data").where("entry_key", "in", chunk).execute()
        for (const row of rows) {
          const entry = decode(row.data)
          found.set(entry.key, entry)
        }
      }
      return found
    }),
  byKey: (key) =>
    query("credits.byKey", async (db) =>
      maybe(
        await db.selectFrom("credit_entries").select("data").where("entry_key", "=", key).executeTakeFirst(),
        (row) => decode(row.data)
      )
    )
})

/**
 * SQLite: a teacher's credit-bank entries as one column of a query over `teachers`, a JSON array in the ledger's
 * order (null for none), by the index (teacher_id, at, id).
 *
 * @since 0.1.0
 */
export const ledgerColumn: RawBuilder<string | null> = sql<string | null>`(select '[' || group_concat(
    ${sql.ref("credit_entries.data")}, ',' order by ${sql.ref("credit_entries.at")}, ${sql.ref("credit_entries.id")}
  ) || ']' from credit_entries where ${sql.ref("credit_entries.teacher_id")} = ${sql.ref("teachers.id")})`

/**
 * The entries of a {@link ledgerColumn}, each checked by hand (`Rows.creditEntryOf`).
 *
 * @since 0.1.0
 */
export const ledgerOfColumn = (column: string | null): Array<CreditBank.Entry> => {
  if (column === null) return []
  const entries: unknown = JSON.parse(column)
  if (!Array.isArray(entries)) throw new Error("a teacher's ledger is an array of credit entries")
  return entries.map(Rows.creditEntryOf)
}

/**
 * The credit-bank entries of the active e-files of a range, by e-file, a row per entry (Postgres and the MySQL
 * family; see {@link ledgerColumn} for SQLite).
 *
 * @since 0.1.0
 */
export const ledgersInRange = async (
  db: Kysely<Database>,
  range: ActiveRange
): Promise<Map<string, Array<CreditBank.Entry>>> =>
  collect(
    new Map(),
    await inActiveRange(
      db.selectFrom("teachers").innerJoin("credit_entries", "credit_entries.teacher_id", "teachers.id"),
      range
    )
      .select(["credit_entries.teacher_id", "credit_entries.data"])
      // The page's e-files by the path index, each one's entries by the index (teacher_id, at, id): no sort.
      .orderBy("teachers.path")
      .orderBy("credit_entries.at")
      .orderBy("credit_entries.id")
      .execute()
  )

/** Add the entries of `rows` to their teachers' ledgers in `found`, in order; each checked by hand (`Rows`). */
const collect = (
  found: Map<string, Array<CreditBank.Entry>>,
  rows: ReadonlyArray<{ readonly teacher_id: string; readonly data: string }>
): Map<string, Array<CreditBank.Entry>> => {
  for (const row of rows) {
    const entry = Rows.creditEntry(row.data)
    const held = found.get(row.teacher_id)
    if (held === undefined) found.set(row.teacher_id, [entry])
    else held.push(entry)
  }
  return found
}
