/**
 * The forecast's cohort in each e-file's statistics contribution (O8.1, M28.1): the key its counters under the
 * dimension `cohort` are kept by. Null in the contributions stored before: those add to no cohort counter, and the
 * report's forecast reads the e-files (the counters' total falls short) until `Aggregates.trackSubtree` of the root
 * has replaced them — SQL cannot compute a cohort, which needs the entries' review states and the units above.
 *
 * @since 0.1.0
 */
import type { Kysely, Migration } from "kysely"

/**
 * @since 0.1.0
 */
export const statisticsCohort = (): Migration => ({
  up: async (db: Kysely<unknown>) => {
    await db.schema.alterTable("statistics_contributions").addColumn("cohort", "text").execute()
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema.alterTable("statistics_contributions").dropColumn("cohort").execute()
  }
})
