/**
 * The province → national exchange (M32.1). Under concurrency the store records a package sent or received once per
 * peer, kind and sequence (the primary keys of `exchange_sent` and `exchange_received`: `exchangeSequence`), so two
 * ingests of one package racing apply it once and two exports racing number their packages without a gap or a twin.
 *
 * @since 0.1.0
 */
import type { EFile, ExchangePackage, Storage } from "@tmis/core"
import { Effect, Option } from "effect"
import { type Connection, chunks } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

const sentOf = (row: {
  recipient: string
  kind: string
  sequence: number
  from_seq: number | string
  to_seq: number | string
  digest: string
  package: string
}) => ({
  peer: row.recipient,
  kind: row.kind as ExchangePackage.Manifest["kind"],
  sequence: Number(row.sequence),
  from: Number(row.from_seq),
  to: Number(row.to_seq),
  digest: row.digest,
  pkg: JSON.parse(row.package) as ExchangePackage.Package
})

const changeOf = (row: {
  teacher_id: string
  id_type: string
  id_number: string
  name: string
  unit_id: string
  stage: string
  status: string
  active: number
  records: string
  seq: number | string
}): ExchangePackage.Change => ({
  seq: Number(row.seq),
  teacherId: row.teacher_id,
  unitId: row.unit_id,
  idType: row.id_type,
  idNumber: row.id_number,
  name: row.name,
  stage: row.stage,
  status: row.status,
  active: Number(row.active) === 1,
  records: JSON.parse(row.records)
})

/** A duplicates cursor is "number:type" of the last duplicate of the previous page (identity numbers hold no colon). */
const splitCursor = (cursor: string | undefined): readonly [string, string] => {
  if (cursor === undefined) return ["", ""]
  const at = cursor.lastIndexOf(":")
  return at < 0 ? [cursor, ""] : [cursor.slice(0, at), cursor.slice(at + 1)]
}

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.ExchangeRepository => ({
  lastSent: (recipient, kind) =>
    query("exchange.lastSent", async (db) => {
      const row = await db
        .selectFrom("exchange_sent")
        .selectAll()
        .where("recipient", "=", recipient)
        .where("kind", "=", kind)
        .orderBy("sequence", "desc")
        .limit(1)
        .executeTakeFirst()
      return row === undefined ? Option.none() : Option.some(sentOf(row))
    }),
  sentAt: (recipient, kind, sequence) =>
    query("exchange.sentAt", async (db) => {
      const row = await db
        .selectFrom("exchange_sent")
        .selectAll()
        .where("recipient", "=", recipient)
        .where("kind", "=", kind)
        .where("sequence", "=", sequence)
        .executeTakeFirst()
      return row === undefined ? Option.none() : Option.some(sentOf(row))
    }),
  recordSent: (record) =>
    write(
      "exchange.recordSent",
      (db) =>
        db
          .insertInto("exchange_sent")
          .values({
            recipient: record.peer,
            kind: record.kind,
            sequence: record.sequence,
            from_seq: record.from,
            to_seq: record.to,
            digest: record.digest,
            package: JSON.stringify(record.pkg),
            sent_at: record.at
          })
          .execute(),
      { peer: record.peer, kind: record.kind, sequence: record.sequence }
    ).pipe(Effect.asVoid),
  received: (issuer, kind, sequence) =>
    query("exchange.received", async (db) => {
      const last = await db
        .selectFrom("exchange_received")
        .select(["sequence", "to_seq"])
        .where("issuer", "=", issuer)
        .where("kind", "=", kind)
        .orderBy("sequence", "desc")
        .limit(1)
        .executeTakeFirst()
      const at = await db
        .selectFrom("exchange_received")
        .select("digest")
        .where("issuer", "=", issuer)
        .where("kind", "=", kind)
        .where("sequence", "=", sequence)
        .executeTakeFirst()
      return {
        lastSequence: last === undefined ? 0 : Number(last.sequence),
        lastTo: last === undefined ? 0 : Number(last.to_seq),
        digestAtSequence: at?.digest
      }
    }),
  recordReceived: (record) =>
    write(
      "exchange.recordReceived",
      (db) =>
        db
          .insertInto("exchange_received")
          .values({
            issuer: record.peer,
            kind: record.kind,
            sequence: record.sequence,
            from_seq: record.from,
            to_seq: record.to,
            digest: record.digest,
            rows: record.rows,
            received_at: record.at
          })
          .execute(),
      { peer: record.peer, kind: record.kind, sequence: record.sequence }
    ).pipe(Effect.asVoid),
  efilesOf: (ids) =>
    query("exchange.efilesOf", async (db) => {
      const out: Array<{ efile: EFile.EFile; entries: Array<EFile.Entry> }> = []
      for (const chunk of chunks(ids, 500)) {
        const teachers = await db.selectFrom("teachers").selectAll().where("id", "in", chunk).execute()
        const entries = await db
          .selectFrom("entries")
          .selectAll()
          .where("teacher_id", "in", chunk)
          .orderBy("teacher_id")
          .orderBy("id")
          .execute()
        const byTeacher = new Map<string, Array<EFile.Entry>>()
        for (const row of entries) {
          const held = byTeacher.get(row.teacher_id)
          if (held === undefined) byTeacher.set(row.teacher_id, [Rows.entry(row)])
          else held.push(Rows.entry(row))
        }
        for (const row of teachers) out.push({ efile: Rows.teacher(row), entries: byTeacher.get(row.id) ?? [] })
      }
      return out
    }),
  putCore: (province, sequence, rows) =>
    query("exchange.putCore", async (db) => {
      // The rows of one package name each teacher once (its state after the package); delete and insert in chunks.
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500)
        await db
          .deleteFrom("national_core")
          .where("province", "=", province)
          .where(
            "teacher_id",
            "in",
            chunk.map((r) => r.teacherId)
          )
          .execute()
        await db
          .insertInto("national_core")
          .values(
            chunk.map((r) => ({
              province,
              teacher_id: r.teacherId,
              id_type: r.idType,
              id_number: r.idNumber,
              name: r.name,
              unit_id: r.unitId,
              stage: r.stage,
              status: r.status,
              active: r.active ? 1 : 0,
              records: JSON.stringify(r.records),
              seq: r.seq,
              sequence
            }))
          )
          .execute()
      }
    }),
  coreOf: (province, teacherId) =>
    query("exchange.coreOf", async (db) => {
      const row = await db
        .selectFrom("national_core")
        .selectAll()
        .where("province", "=", province)
        .where("teacher_id", "=", teacherId)
        .executeTakeFirst()
      return row === undefined ? Option.none() : Option.some(changeOf(row))
    }),
  coreCount: (province) =>
    query("exchange.coreCount", async (db) => {
      const row = await db
        .selectFrom("national_core")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("province", "=", province)
        .executeTakeFirstOrThrow()
      return Number(row.n)
    }),
  crossDuplicates: (province) =>
    query("exchange.crossDuplicates", async (db) => {
      const rows = await db
        .selectFrom("national_core as a")
        .innerJoin("national_core as b", (join) =>
          join
            .onRef("b.id_number", "=", "a.id_number")
            .onRef("b.id_type", "=", "a.id_type")
            .onRef("b.province", "<>", "a.province")
        )
        .select(["a.id_type", "a.id_number", "a.teacher_id", "b.province"])
        .where("a.province", "=", province)
        .where("a.active", "=", 1)
        .where("b.active", "=", 1)
        .orderBy("a.id_number")
        .orderBy("a.id_type")
        .orderBy("a.teacher_id")
        .orderBy("b.province")
        .execute()
      const out: Array<{ idType: string; idNumber: string; teacherId: string; provinces: Array<string> }> = []
      for (const row of rows) {
        const last = out[out.length - 1]
        if (last !== undefined && last.teacherId === row.teacher_id && last.idNumber === row.id_number) {
          if (!last.provinces.includes(row.province)) last.provinces.push(row.province)
        } else {
          out.push({
            idType: row.id_type,
            idNumber: row.id_number,
            teacherId: row.teacher_id,
            provinces: [row.province]
          })
        }
      }
      return out
    }),
  putDuplicates: (sequence, rows) =>
    query("exchange.putDuplicates", async (db) => {
      await db.deleteFrom("exchange_duplicates").execute()
      for (let i = 0; i < rows.length; i += 500) {
        await db
          .insertInto("exchange_duplicates")
          .values(
            rows.slice(i, i + 500).map((r) => ({
              id_number: r.idNumber,
              id_type: r.idType,
              teacher_id: r.teacherId,
              provinces: JSON.stringify(r.provinces),
              sequence
            }))
          )
          .execute()
      }
    }),
  duplicates: (page) =>
    query("exchange.duplicates", async (db) => {
      const [afterNumber, afterType] = splitCursor(page.after)
      const limit = Math.max(1, Math.min(1000, page.limit))
      const rows = await db
        .selectFrom("exchange_duplicates")
        .selectAll()
        .where((eb) =>
          eb.or([
            eb("id_number", ">", afterNumber),
            eb.and([eb("id_number", "=", afterNumber), eb("id_type", ">", afterType)])
          ])
        )
        .orderBy("id_number")
        .orderBy("id_type")
        .orderBy("teacher_id")
        .execute()
      const groups: Array<Storage.Duplicate & { teachers: Array<EFile.TeacherId>; provinces: Array<string> }> = []
      for (const row of rows) {
        const last = groups[groups.length - 1]
        const provinces = JSON.parse(row.provinces) as Array<string>
        if (last !== undefined && last.idNumber === row.id_number && last.idType === row.id_type) {
          last.teachers.push(row.teacher_id as EFile.TeacherId)
          for (const p of provinces) if (!last.provinces.includes(p)) last.provinces.push(p)
        } else {
          if (groups.length === limit) {
            return {
              items: groups.map((g) => ({ ...g, provinces: g.provinces.sort() })),
              next: `${last!.idNumber}:${last!.idType}`
            }
          }
          groups.push({
            idType: row.id_type,
            idNumber: row.id_number,
            teachers: [row.teacher_id as EFile.TeacherId],
            provinces: [...provinces]
          })
        }
      }
      return { items: groups.map((g) => ({ ...g, provinces: g.provinces.sort() })), next: undefined }
    })
})
