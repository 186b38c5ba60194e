/**
 * The rows of batch imports already in (M16.2): a row is keyed by its batch and the hash of its content, so an
 * interrupted import run again skips what went in. The rows are recorded in the caller's transaction with their
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
  imported: (batchId, hashes) =>
    query("imports.imported", async (db) => {
      const seen = new Set<string>()
      for (const chunk of chunks(hashes, 1000)) {
        const rows = await db
          .selectFrom("import_rows")
          .select("row_hash")
          .where("batch_id", "=", batchId)
          .where("row_hash", "in", chunk)
          .execute()
        for (const row of rows) seen.add(row.row_hash)
      }
      return seen
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
    } else await sql`analyze ${sql.join(loaded.map((t) => sql.table(t)))}`.execute(db)
  }).pipe(Effect.asVoid)
})
