/**
 * The aggregates of the workforce statistics (M28.1). Under concurrency every counter equals the number of
 * contributions adding to it: a counter changes only by `count = count + delta` in the writer's transaction (never
 * a value read earlier written back; on SQLite and Postgres one upsert, `on conflict … count = count +
 * excluded.count`), and two writers creating the same counter at once are serialised by its primary key (node,
 * dims, vals) — on Postgres (serializable) the later one fails with a serialization failure and the transaction is
 * re-run; SQLite and the MySQL family serialise writers.
 *
 * @since 0.1.0
 */
import type { StatisticsAggregate, Storage } from "@tmis/core"
import { sql } from "kysely"
import { type Connection, chunks, prefixEnd } from "../internal/Connection.js"

const keyOf = (node: string, dims: string, values: string) => `${node}\u0000${dims}\u0000${values}`

/** The keys of counters as a list of row values, for `(node, dims, vals) in (…)`. */
const tuples = (counters: ReadonlyArray<StatisticsAggregate.Counter>) =>
  sql.join(counters.map((c) => sql`(${c.node}, ${c.dims}, ${c.values})`))

/**
 * @since 0.1.0
 */
export const make = ({ query, flavor }: Connection): Storage.StatisticsRepository => ({
  contributions: (teacherIds) =>
    query("statistics.contributions", async (db) => {
      const out = new Map<string, StatisticsAggregate.Contribution>()
      for (const chunk of chunks([...new Set(teacherIds)], 500)) {
        const rows = await db
          .selectFrom("statistics_contributions")
          .selectAll()
          .where("teacher_id", "in", chunk)
          .execute()
        for (const row of rows) {
          out.set(row.teacher_id, {
            path: row.path,
            profile: JSON.parse(row.profile) as StatisticsAggregate.Contribution["profile"],
            ...(row.cohort === null ? {} : { cohort: row.cohort })
          })
        }
      }
      return out as ReadonlyMap<string, StatisticsAggregate.Contribution>
    }),
  apply: (contributions, deltas) =>
    query("statistics.apply", async (db) => {
      for (const chunk of chunks(
        contributions.map((c) => c.teacherId),
        500
      )) {
        await db.deleteFrom("statistics_contributions").where("teacher_id", "in", chunk).execute()
      }
      const rows = contributions.flatMap(({ contribution, teacherId }) =>
        contribution === undefined
          ? []
          : [
              {
                teacher_id: teacherId,
                path: contribution.path,
                profile: JSON.stringify(contribution.profile),
                cohort: contribution.cohort ?? null
              }
            ]
      )
      for (const chunk of chunks(rows, 500)) await db.insertInto("statistics_contributions").values(chunk).execute()
      if (flavor.name === "sqlite" || flavor.name === "postgres") {
        // One upsert per chunk: the store adds the delta where the counter exists. A list of (node, dims, vals)
        // tuples in a where clause is read by SQLite as node in (…) and dims in (…): every counter of those units
        // and dimensions scanned, a province's thousands per statement.
        for (const chunk of chunks(deltas, 1000)) {
          await db
            .insertInto("statistics_counters")
            .values(chunk.map((d) => ({ node: d.node, dims: d.dims, vals: d.values, count: d.delta })))
            .onConflict((oc) =>
              oc
                .columns(["node", "dims", "vals"])
                .doUpdateSet({ count: sql<number>`statistics_counters.count + excluded.count` })
            )
            .execute()
        }
        return
      }
      // Which counters exist (one read per chunk), then one update per chunk and delta value, one insert per chunk
      // of the new ones: a handful of statements per change, not one per counter.
      const existing = new Set<string>()
      for (const chunk of chunks(deltas, 300)) {
        const rows = await db
          .selectFrom("statistics_counters")
          .select(["node", "dims", "vals"])
          .where(sql<boolean>`(node, dims, vals) in (${tuples(chunk)})`)
          .execute()
        for (const r of rows) existing.add(keyOf(r.node, r.dims, r.vals))
      }
      const byDelta = new Map<number, Array<StatisticsAggregate.Delta>>()
      const missing: Array<{ node: string; dims: string; vals: string; count: number }> = []
      for (const d of deltas) {
        if (existing.has(keyOf(d.node, d.dims, d.values))) byDelta.set(d.delta, [...(byDelta.get(d.delta) ?? []), d])
        else missing.push({ node: d.node, dims: d.dims, vals: d.values, count: d.delta })
      }
      for (const [delta, list] of byDelta) {
        for (const chunk of chunks(list, 300)) {
          await db
            .updateTable("statistics_counters")
            .set({ count: sql<number>`count + ${delta}` })
            .where(sql<boolean>`(node, dims, vals) in (${tuples(chunk)})`)
            .execute()
        }
      }
      for (const chunk of chunks(missing, 1000)) await db.insertInto("statistics_counters").values(chunk).execute()
    }),
  counts: (node, dims) =>
    query("statistics.counts", async (db) => {
      const rows = await db
        .selectFrom("statistics_counters")
        .select(["vals", "count"])
        .where("node", "=", node)
        .where("dims", "=", dims)
        .where("count", "<>", 0)
        .execute()
      return rows.map((r) => ({ values: r.vals, count: Number(r.count) }))
    }),
  countsUnder: (rootPath, dims) =>
    query("statistics.countsUnder", async (db) => {
      const rows = await db
        .selectFrom("statistics_counters")
        .select(["node", "vals", "count"])
        .where("dims", "=", dims)
        .where("node", ">=", rootPath)
        .where("node", "<", prefixEnd(rootPath))
        .where("count", "<>", 0)
        .execute()
      return rows.map((r) => ({ node: r.node, values: r.vals, count: Number(r.count) }))
    }),
  all: (rootPath) =>
    query("statistics.all", async (db) => {
      const rows = await db
        .selectFrom("statistics_counters")
        .select(["node", "dims", "vals", "count"])
        .where("node", ">=", rootPath)
        .where("node", "<", prefixEnd(rootPath))
        .where("count", "<>", 0)
        .execute()
      return new Map(rows.map((r) => [keyOf(r.node, r.dims, r.vals), Number(r.count)]))
    })
})
