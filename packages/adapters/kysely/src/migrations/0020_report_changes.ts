/**
 * What the periodic report's changes read (M29.1), indexed so that a province's report does not scan its 1.5 million
 * e-files: the e-files by path and creation time (`teachers_path_created`, which covers `teachers.countCreated`), and
 * the e-files whose status history ever held a leaving status, by path (`teachers_ever_leaving`, a partial index for
 * `teachers.everOfStatus`). On SQLite and Postgres only: the MySQL family has no partial index and indexes no
 * unbounded text, so there the e-files are scanned as before. A query uses the partial index only when it states the
 * index's condition itself, the statuses as literals ({@link everOf}; see the teachers repository).
 *
 * @since 0.1.0
 */
import { type Kysely, type Migration, sql } from "kysely"
import type { Flavor } from "../Flavor.js"

/**
 * The leaving statuses of the index, as the teachers repository names them in its queries (`Report.leavingStatuses`).
 *
 * @since 0.1.0
 */
export const leavingStatuses: ReadonlyArray<string> = ["resigned", "retired", "deceased", "transferredOut"]

/**
 * The condition "the history ever held one of `statuses`" as SQL text: the history is JSON.stringify's text, a
 * record's status written `"status":"…"`.
 *
 * @since 0.1.0
 */
export const everOf = (statuses: ReadonlyArray<string>): string =>
  `(${statuses.map((s) => `status_history like '%"status":"${s}"%'`).join(" or ")})`

/** The MySQL family indexes neither a text column without a length (`created_at`) nor a part of a table. */
const indexed = (flavor: Flavor) => flavor.name === "sqlite" || flavor.name === "postgres"

/**
 * @since 0.1.0
 */
export const reportChanges = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    if (!indexed(flavor)) return
    await db.schema.createIndex("teachers_path_created").on("teachers").columns(["path", "created_at"]).execute()
    await sql.raw(`create index teachers_ever_leaving on teachers (path) where ${everOf(leavingStatuses)}`).execute(db)
  },
  down: async (db: Kysely<unknown>) => {
    if (!indexed(flavor)) return
    await sql`drop index if exists teachers_ever_leaving`.execute(db)
    await sql`drop index if exists teachers_path_created`.execute(db)
  }
})
