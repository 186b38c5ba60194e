/**
 * The append-only, hash-chained audit log (M37.1). Under concurrency appends are serialised so the chain never
 * forks: a record's sequence number is unique, and the database refuses to change or delete one.
 *
 * @since 0.1.0
 */
import { Audit, type Storage } from "@tmis/core"
import { sql } from "kysely"
import { type Connection, chunks, pgJson, seqPage } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

/** `details.rule` of a record (constants only, no input); on Postgres past any U+0000 in the details (`pgJson`). */
const ruleOf = (flavor: Connection["flavor"]) =>
  flavor.jsonText !== undefined
    ? flavor.jsonText("audit_log.details", ["rule"])
    : flavor.name === "postgres"
      ? sql.raw<string>(`(${pgJson("audit_log.details")} ->> 'rule')`)
      : sql.raw<string>(`json_extract(audit_log.details, '$.rule')`)

/**
 * The records matching a search ({@link Storage.AuditQuery}), by sequence number. The scope joins the actor's unit
 * and compares its path by prefix with substr (byte-wise on both databases, paths are ASCII).
 */
const search =
  ({ query, flavor }: Pick<Connection, "query" | "flavor">): Storage.AuditRepository["search"] =>
  (q, page) =>
    query("audit.search", (db) =>
      seqPage(
        page,
        (after, limit) =>
          db
            .selectFrom("audit_log")
            .$if(q.unitPath !== undefined, (qb) =>
              qb
                .innerJoin("units", "units.id", "audit_log.unit_id")
                .where(sql<boolean>`substr(units.path, 1, ${sql.lit((q.unitPath ?? "").length)}) = ${q.unitPath ?? ""}`)
            )
            .selectAll("audit_log")
            .$if(q.actor !== undefined, (qb) => qb.where("audit_log.actor", "=", q.actor ?? ""))
            .$if(q.object !== undefined, (qb) => qb.where("audit_log.object", "=", q.object ?? ""))
            .$if(q.rule !== undefined, (qb) => qb.where(sql<boolean>`${ruleOf(flavor)} = ${q.rule ?? ""}`))
            .$if(q.from !== undefined, (qb) => qb.where("audit_log.at", ">=", q.from ?? ""))
            .$if(q.to !== undefined, (qb) => qb.where("audit_log.at", "<", q.to ?? ""))
            .where("audit_log.seq", ">", after)
            .orderBy("audit_log.seq")
            .limit(limit)
            .execute(),
        Rows.auditRecord
      )
    )

/** The last record of the log: the one the next appended record chains to. */
const head = async (db: Parameters<Parameters<Connection["query"]>[1]>[0]) => {
  const last = await db
    .selectFrom("audit_log")
    .select(["seq", "hash"])
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst()
  return last === undefined ? undefined : { seq: Number(last.seq), hash: last.hash }
}

/**
 * @since 0.1.0
 */
export const make = ({ query, flavor }: Connection): Storage.AuditRepository => ({
  append: (entry) =>
    query("audit.append", async (db) => {
      const record = Audit.chain(await head(db), entry)
      await db.insertInto("audit_log").values(Rows.auditRow(record)).execute()
      return record
    }),
  appendAll: (entries) =>
    query("audit.appendAll", async (db) => {
      if (entries.length === 0) return []
      const records: Array<Audit.Record> = []
      let previous: Pick<Audit.Record, "seq" | "hash"> | undefined = await head(db)
      for (const entry of entries) {
        const record = Audit.chain(previous, entry)
        records.push(record)
        previous = record
      }
      // 11 columns a row: 500 rows stay under every driver's bound on parameters.
      for (const chunk of chunks(records, 500)) {
        await db
          .insertInto("audit_log")
          .values(chunk.map((r) => Rows.auditRow(r)))
          .execute()
      }
      return records
    }),
  list: (page) =>
    query("audit.list", (db) =>
      seqPage(
        page,
        (after, limit) =>
          db.selectFrom("audit_log").selectAll().where("seq", ">", after).orderBy("seq").limit(limit).execute(),
        Rows.auditRecord
      )
    ),
  search: search({ query, flavor })
})
