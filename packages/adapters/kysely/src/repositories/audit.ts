/**
 * The append-only, hash-chained audit log (M37.1). Under concurrency appends are serialised so the chain never
 * forks: a record's sequence number is unique, and the database refuses to change or delete one.
 *
 * @since 0.1.0
 */
import { Audit, type Storage } from "@tmis/core"
import { type Connection, seqPage } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

/**
 * @since 0.1.0
 */
export const make = ({ query }: Connection): Storage.AuditRepository => ({
  append: (entry) =>
    query("audit.append", async (db) => {
      const last = await db
        .selectFrom("audit_log")
        .select(["seq", "hash"])
        .orderBy("seq", "desc")
        .limit(1)
        .executeTakeFirst()
      const record = Audit.chain(last === undefined ? undefined : { seq: Number(last.seq), hash: last.hash }, entry)
      await db.insertInto("audit_log").values(Rows.auditRow(record)).execute()
      return record
    }),
  list: (page) =>
    query("audit.list", (db) =>
      seqPage(
        page,
        (after, limit) =>
          db.selectFrom("audit_log").selectAll().where("seq", ">", after).orderBy("seq").limit(limit).execute(),
        Rows.auditRecord
      )
    )
})
