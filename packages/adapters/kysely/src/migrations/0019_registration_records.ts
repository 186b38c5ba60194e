/**
 * The records a registration pass reads (M26.1), in an index of their own on SQLite: the effective annual
 * assessments and ethics records of each teacher, with their data (`entries_registration_records`, a partial index
 * by teacher and id). A pass over a province reads them teacher after teacher from this index alone, a few pages a
 * thousand teachers, instead of each entry's row in the table (an entry's row carries its review, a kilobyte: about
 * three table pages a teacher). Postgres and the MySQL family read the rows by `entries_teacher`: their indexes bound
 * the size of an entry, a record's data is not bounded, and a query must name the groups as literals for the planner
 * to use a partial index (`Registration.recordGroups`; see the entries repository).
 *
 * @since 0.1.0
 */
import { type Kysely, type Migration, sql } from "kysely"
import type { Flavor } from "../Flavor.js"

/**
 * The groups of the index, as the entries repository names them in its queries.
 *
 * @since 0.1.0
 */
export const recordGroups: ReadonlyArray<string> = ["annualAssessment", "ethics"]

/**
 * @since 0.1.0
 */
export const registrationRecords = (flavor: Flavor): Migration => ({
  up: async (db: Kysely<unknown>) => {
    if (flavor.name !== "sqlite") return
    await sql
      .raw(
        "create index entries_registration_records on entries (teacher_id, id, group_key, data) " +
          `where state = 'effective' and group_key in (${recordGroups.map((g) => `'${g}'`).join(", ")})`
      )
      .execute(db)
  },
  down: async (db: Kysely<unknown>) => {
    if (flavor.name === "sqlite") await sql`drop index if exists entries_registration_records`.execute(db)
  }
})
