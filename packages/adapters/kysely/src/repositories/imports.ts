/**
 * The rows of batch imports already in (M16.2): a row is keyed by its batch, its line and the hash of its content,
 * so an interrupted import run again skips what went in; keyed in line order, so that recording a chunk writes
 * neighbouring entries of the key, not one random page per row. The rows are recorded in the caller's transaction with their
 * e-files, so under concurrency a row counts as imported exactly when its e-file committed.
 *
 * @since 0.1.0
 */
import type { Storage } from "@tmis/core"
import { Effect } from "effect"
import { sql } from "kysely"
import { type Connection, chunks } from "../internal/Connection.js"

/** The tables a batch import grows. */
const loaded = ["teachers", "entries", "import_rows"] as const

/**
 * @since 0.1.0
 */
export const make = ({ query, flavor }: Connection): Storage.ImportRepository => ({
  // The rows of a chunk are a range of lines: one range scan of the key, in the order rows were recorded.
  imported: (batchId, rows) =>
    query("imports.imported", async (db) => {
      if (rows.length === 0) return new Set<number>()
      const first = rows.reduce((min, r) => Math.min(min, r.line), Number.POSITIVE_INFINITY)
      const last = rows.reduce((max, r) => Math.max(max, r.line), Number.NEGATIVE_INFINITY)
      const recorded = await db
        .selectFrom("import_rows")
        .select(["line", "row_hash"])
        .where("batch_id", "=", batchId)
        .where("line", ">=", first)
        .where("line", "<=", last)
        .execute()
      const keys = new Set(recorded.map((r) => `${r.line} ${r.row_hash}`))
      return new Set(rows.filter((r) => keys.has(`${r.line} ${r.hash}`)).map((r) => r.line))
    }),
  record: (batchId, rows) =>
    query("imports.record", async (db) => {
      for (const chunk of chunks(rows, 5000)) {
        await db
          .insertInto("import_rows")
          .values(chunk.map((r) => ({ batch_id: batchId, row_hash: r.hash, line: r.line, teacher_id: r.teacherId })))
          .execute()
      }
    }),
  // SQLite samples at most a few hundred rows per index (analysis_limit), so that this stays fast at a million rows.
  refreshStatistics: query("imports.refreshStatistics", async (db) => {
    if (flavor.name === "sqlite") {
      await sql`pragma analysis_limit = 400`.execute(db)
      for (const table of loaded) await sql`analyze ${sql.table(table)}`.execute(db)
    } else if (flavor.name === "mysql") {
      await sql`analyze table ${sql.join(loaded.map((t) => sql.table(t)))}`.execute(db)
    } else await sql`analyze ${sql.join(loaded.map((t) => sql.table(t)))}`.execute(db)
  }).pipe(Effect.asVoid)
})
