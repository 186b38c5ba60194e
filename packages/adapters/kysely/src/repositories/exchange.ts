/**
 * The province → national exchange (M32.1). Under concurrency the store records a package sent or received once per
 * peer, kind and sequence (the primary keys of `exchange_sent` and `exchange_received`: `exchangeSequence`), so two
 * ingests of one package racing apply it once and two exports racing number their packages without a gap or a twin.
 *
 * @since 0.1.0
 */
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants } from "node:zlib"
import type { EFile, ExchangePackage, Storage } from "@tmis/core"
import { Effect, Option } from "effect"
import { CompiledQuery, type Kysely } from "kysely"
import type { Database } from "../Database.js"
import { type Connection, chunks } from "../internal/Connection.js"

const recordOfSent = (row: {
  recipient: string
  kind: string
  sequence: number
  from_seq: number | string
  to_seq: number | string
  digest: string
}): Storage.ExchangeRecord => ({
  peer: row.recipient,
  kind: row.kind as ExchangePackage.Manifest["kind"],
  sequence: Number(row.sequence),
  from: Number(row.from_seq),
  to: Number(row.to_seq),
  digest: row.digest
})

// A package as `exchange_sent` keeps it, for a retry to send the same bytes: its manifest and signature, and each
// file compressed (Brotli at its fastest quality, base64) — a change package of 100,000 teachers is 21 MB of NDJSON,
// 1.8 MB so, which the export writes in a fraction of the time. A row stored before holds the package's JSON.
const brotliFastest = { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1 } }

const packed = (pkg: ExchangePackage.Package): string =>
  JSON.stringify({
    manifest: pkg.manifest,
    signature: pkg.signature,
    brotli: Object.fromEntries(
      Object.entries(pkg.files).map(([name, text]) => [
        name,
        brotliCompressSync(text, brotliFastest).toString("base64")
      ])
    )
  })

const unpacked = (text: string): ExchangePackage.Package => {
  const stored = JSON.parse(text) as ExchangePackage.Package & { readonly brotli?: Record<string, string> }
  if (stored.brotli === undefined) return stored
  const files = Object.entries(stored.brotli).map(([name, b]) => [
    name,
    brotliDecompressSync(Buffer.from(b, "base64")).toString("utf8")
  ])
  return { manifest: stored.manifest, signature: stored.signature, files: Object.fromEntries(files) }
}

const sentColumns = ["recipient", "kind", "sequence", "from_seq", "to_seq", "digest"] as const

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

/** An entry's stored data: a JSON object of indicator values (the codec wrote it), checked so. */
const recordOf = (text: string, entryId: string): EFile.Entry["data"] => {
  const data: unknown = JSON.parse(text)
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new Error(`entry ${entryId}: its data is not an object`)
  }
  return data as EFile.Entry["data"]
}

interface ExportedTeacherRow {
  readonly id: string
  readonly unit_id: string
  readonly id_type: string
  readonly id_number: string
  readonly name: string
  readonly stage: string
  readonly status: string
}

interface ExportedEntryRow {
  readonly id: string
  readonly teacher_id: string
  readonly group_key: string
  readonly data: string
}

const coreColumns =
  "province, teacher_id, id_type, id_number, name, unit_id, stage, status, active, records, seq, sequence"

/** What a row held is set to when a package names its teacher again (`on conflict … do update`). */
const replaceHeld = `on conflict (province, teacher_id) do update set id_type = excluded.id_type,
    id_number = excluded.id_number, name = excluded.name, unit_id = excluded.unit_id, stage = excluded.stage,
    status = excluded.status, active = excluded.active, records = excluded.records, seq = excluded.seq,
    sequence = excluded.sequence`

/**
 * SQLite: the statement that puts `n` change rows in place of a province's held rows, one multi-row upsert whose text
 * is made once per size and whose values are bound positionally (no query tree per value).
 */
const upsertText = (n: number): string =>
  `insert into national_core (${coreColumns}) values ${Array.from({ length: n }, () => "(?,?,?,?,?,?,?,?,?,?,?,?)").join(",")}
    ${replaceHeld}`

/**
 * Postgres: one upsert a chunk that binds each column as one array (`unnest`) — one statement of 12 parameters for
 * the server to parse rather than 12 parameters a row: about a third less of the server's time a row than multi-row
 * upserts. (A delete of the held rows by `teacher_id = any(…)` then a plain insert was no faster, and each delete
 * took about a second at 1.4 M rows held: a whole scan, it seems, on a table the ingest fills before any statistics.)
 */
const upsertOnPostgres = `insert into national_core (province, sequence, teacher_id, id_type, id_number, name, unit_id,
    stage, status, active, records, seq) select $1, $2, * from unnest($3::text[], $4::text[], $5::text[], $6::text[],
    $7::text[], $8::text[], $9::text[], $10::integer[], $11::text[], $12::bigint[])
    ${replaceHeld}`

const putCoreOnPostgres = async (
  db: Kysely<Database>,
  province: string,
  sequence: number,
  rows: ReadonlyArray<ExchangePackage.Change>
): Promise<void> => {
  for (const chunk of chunks(rows, 10_000)) {
    const ids: Array<string> = []
    const idTypes: Array<string> = []
    const idNumbers: Array<string> = []
    const names: Array<string> = []
    const units: Array<string> = []
    const stages: Array<string> = []
    const statuses: Array<string> = []
    const active: Array<number> = []
    const records: Array<string> = []
    const seqs: Array<number> = []
    for (const r of chunk) {
      ids.push(r.teacherId)
      idTypes.push(r.idType)
      idNumbers.push(r.idNumber)
      names.push(r.name)
      units.push(r.unitId)
      stages.push(r.stage)
      statuses.push(r.status)
      active.push(r.active ? 1 : 0)
      records.push(JSON.stringify(r.records))
      seqs.push(r.seq)
    }
    await db.executeQuery(
      CompiledQuery.raw(upsertOnPostgres, [
        province,
        sequence,
        ids,
        idTypes,
        idNumbers,
        names,
        units,
        stages,
        statuses,
        active,
        records,
        seqs
      ])
    )
  }
}

/** A duplicates cursor is "number:type" of the last duplicate of the previous page (identity numbers hold no colon). */
const splitCursor = (cursor: string | undefined): readonly [string, string] => {
  if (cursor === undefined) return ["", ""]
  const at = cursor.lastIndexOf(":")
  return at < 0 ? [cursor, ""] : [cursor.slice(0, at), cursor.slice(at + 1)]
}

/**
 * @since 0.1.0
 */
export const make = ({ query, write, flavor }: Connection): Storage.ExchangeRepository => ({
  lastSent: (recipient, kind) =>
    query("exchange.lastSent", async (db) => {
      const row = await db
        .selectFrom("exchange_sent")
        .select(sentColumns)
        .where("recipient", "=", recipient)
        .where("kind", "=", kind)
        .orderBy("sequence", "desc")
        .limit(1)
        .executeTakeFirst()
      return row === undefined ? Option.none() : Option.some(recordOfSent(row))
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
      return row === undefined ? Option.none() : Option.some({ ...recordOfSent(row), pkg: unpacked(row.package) })
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
            package: packed(record.pkg),
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
      // Only the columns a change row holds and the effective entries; checked as they are read, not Schema-decoded
      // (the store wrote them through the codec; an export reads every teacher of the province). The statements'
      // text is written here, with one placeholder a value, rather than built value by value.
      const marks = (n: number) =>
        Array.from({ length: n }, (_, i) => (flavor.name === "postgres" ? `$${i + 1}` : "?")).join(",")
      const out: Array<Storage.ExportedEFile> = []
      for (const chunk of chunks(ids, 1000)) {
        const teachers = await db.executeQuery<ExportedTeacherRow>(
          CompiledQuery.raw(
            `select id, unit_id, id_type, id_number, name, stage, status from teachers where id in (${marks(chunk.length)})`,
            [...chunk]
          )
        )
        const entries = await db.executeQuery<ExportedEntryRow>(
          CompiledQuery.raw(
            `select id, teacher_id, group_key, data from entries where teacher_id in (${marks(chunk.length)})
             and state = 'effective' order by teacher_id, id`,
            [...chunk]
          )
        )
        const byTeacher = new Map<string, Array<Storage.ExportedEFile["entries"][number]>>()
        for (const row of entries.rows) {
          const entry = { id: row.id as EFile.Entry["id"], group: row.group_key, data: recordOf(row.data, row.id) }
          const held = byTeacher.get(row.teacher_id)
          if (held === undefined) byTeacher.set(row.teacher_id, [entry])
          else held.push(entry)
        }
        const byId = new Map(teachers.rows.map((t) => [t.id, t]))
        for (const id of chunk) {
          const row = byId.get(id)
          if (row === undefined) continue
          out.push({
            efile: {
              id: row.id as EFile.TeacherId,
              unitId: row.unit_id as EFile.EFile["unitId"],
              idType: row.id_type as EFile.EFile["idType"],
              idNumber: row.id_number,
              name: row.name,
              stage: row.stage as EFile.EFile["stage"],
              status: row.status as EFile.EFile["status"]
            },
            entries: byTeacher.get(row.id) ?? []
          })
        }
      }
      return out
    }),
  putCore: (province, sequence, rows) =>
    query("exchange.putCore", async (db) => {
      // The rows of one package name each teacher once (its state after the package): each chunk is put in place of
      // the rows held, by statements written once (SQLite, Postgres) or built (MariaDB: a delete and an insert).
      if (flavor.name === "postgres") return putCoreOnPostgres(db, province, sequence, rows)
      const upsert = flavor.name === "sqlite" ? new Map<number, string>() : undefined
      for (const chunk of chunks(rows, 1000)) {
        if (upsert !== undefined) {
          const text = upsert.get(chunk.length) ?? upsertText(chunk.length)
          upsert.set(chunk.length, text)
          const values: Array<unknown> = []
          for (const r of chunk) {
            values.push(province, r.teacherId, r.idType, r.idNumber, r.name, r.unitId, r.stage, r.status)
            values.push(r.active ? 1 : 0, JSON.stringify(r.records), r.seq, sequence)
          }
          await db.executeQuery(CompiledQuery.raw(text, values))
          continue
        }
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
