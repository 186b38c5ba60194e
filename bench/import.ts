/**
 * Batch import at scale (M16.2): `npm run bench -- import [rows]` writes a UTF-8 CSV of N synthetic basic-information
 * rows (default 1,000,000; valid, unique identity numbers and codes, the Chinese headers a school uses), then, each
 * database in a child process of its own (so that its peak RSS is its own):
 *
 * - imports the file through the public import API (`Import.file` of `@tmis/import`: streaming reader, column
 *   mapping, validation, review snapshot, e-file + entry + row key + audit record, one transaction per 1000 rows);
 * - as the floor, reads the same file with the same streaming reader and inserts each row as JSON by a plain driver
 *   loop: a prepared statement in one transaction on SQLite, multi-row inserts of 1000 rows in one transaction on
 *   Postgres.
 *
 * One JSON line per database on stdout: rows, rowsPerSec, the raw floor's rows/s, ratioToRaw, peakRssMB (the child's
 * maximum resident set). Targets on a 2-core machine: SQLite ≥ 50,000 rows/s and ≥ 0.4 of the floor; Postgres ≥
 * 20,000 rows/s; peak RSS < 512 MB whatever the file size.
 */
import { execFileSync } from "node:child_process"
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Mysql from "@tmis/adapter-mysql"
import * as Pg from "@tmis/adapter-postgres"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Deployment, Indicator, Settings, type Storage } from "@tmis/core"
import * as Import from "@tmis/import"
import BetterSqlite3 from "better-sqlite3"
import { Effect, Layer } from "effect"
import pg from "pg"
import { rawMariadb, withMariadbDatabase } from "./mariadb.js"
import { profileFlags, report } from "./measure.js"
import { basicInfo, setup, withPostgresDatabase, withSqliteFile } from "./synthetic.js"

const headerKeys = [
  "name",
  "sex",
  "nationality",
  "idType",
  "idNumber",
  "birthDate",
  "ethnicity",
  "politicalStatus",
  "workStartMonth",
  "schoolEntryMonth",
  "staffSource",
  "staffCategory",
  "onEstablishment",
  "contractStatus",
  "normalMajorGraduate",
  "specialEducationTrained",
  "specialEducationCertificate",
  "itApplicationAbility",
  "publicFundedNormalStudent",
  "grassrootsService",
  "specialGradeTeacher",
  "backboneTeacher",
  "mentalHealthTeacher",
  "personnelStatus"
] as const

const group = Indicator.getGroup(Indicator.core, "basicInfo")!
const headers = headerKeys.map((key) => group.fields.find((f) => f.key === key)!.zh)

/** The i-th row as a school's file has it: booleans as 是/否. */
const rowOf = (i: number): ReadonlyArray<string> => {
  const record: Record<string, unknown> = basicInfo(i)
  return headerKeys.map((key) => {
    const value = record[key]
    return value === true ? "是" : value === false ? "否" : String(value)
  })
}

/** Write the CSV, streaming, honouring back-pressure. */
const writeCsv = async (path: string, rows: number): Promise<void> => {
  const out = createWriteStream(path)
  const write = (line: string) =>
    out.write(line) ? Promise.resolve() : new Promise<void>((resolve) => out.once("drain", () => resolve()))
  await write(`\uFEFF${headers.join(",")}\r\n`)
  let buffer = ""
  for (let i = 0; i < rows; i++) {
    buffer += `${rowOf(i).join(",")}\r\n`
    if (buffer.length > 1 << 20) {
      await write(buffer)
      buffer = ""
    }
  }
  await write(buffer)
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
}

const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024)

/** Import the file into a fresh store through the public API; rows/s. */
const importInto = async (storage: Layer.Layer<Storage.Storage, Storage.StorageError>, csv: string, rows: number) => {
  const layer = Layer.merge(storage, Settings.layer(Deployment.provincial("42")))
  const program = Effect.gen(function* () {
    const actor = (yield* setup).sending
    const start = performance.now()
    const summary = yield* Import.ImportFile.run(csv, {
      actor,
      unitId: "s1",
      ...(process.stderr.isTTY ? { progressStream: process.stderr } : {})
    })
    const seconds = (performance.now() - start) / 1000
    if (summary.accepted !== rows)
      throw new Error(`imported ${summary.accepted} of ${rows} rows: ${JSON.stringify(summary)}`)
    return rows / seconds
  })
  return Effect.runPromise(Effect.provide(program, layer).pipe(Effect.orDie))
}

/** The floor: the same reader, a plain driver loop inserting each row as JSON. */
const rawRows = async function* (csv: string) {
  const table = await Import.Table.open(csv)
  for await (const row of table.rows()) yield row.cells
}

const rawSqlite = async (filename: string, csv: string, rows: number) => {
  const db = new BetterSqlite3(filename)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = FULL")
  db.exec("create table raw_basic_info (id_number text primary key, data text not null)")
  const insert = db.prepare("insert into raw_basic_info (id_number, data) values (?, ?)")
  const start = performance.now()
  db.exec("begin immediate")
  let n = 0
  for await (const cells of rawRows(csv)) {
    insert.run(cells[4], JSON.stringify(cells))
    n++
  }
  db.exec("commit")
  const perSec = n / ((performance.now() - start) / 1000)
  db.close()
  if (n !== rows) throw new Error(`raw SQLite inserted ${n} of ${rows}`)
  return perSec
}

const rawPostgres = async (url: string, csv: string, rows: number) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query("create table raw_basic_info (id_number text primary key, data text not null)")
  const start = performance.now()
  await client.query("begin")
  let batch: Array<string> = []
  let n = 0
  const flush = async () => {
    if (batch.length === 0) return
    const placeholders = Array.from({ length: batch.length / 2 }, (_, i) => `($${2 * i + 1}, $${2 * i + 2})`)
    await client.query(`insert into raw_basic_info (id_number, data) values ${placeholders.join(",")}`, batch)
    batch = []
  }
  for await (const cells of rawRows(csv)) {
    batch.push(cells[4]!, JSON.stringify(cells))
    n++
    if (batch.length >= 2000) await flush()
  }
  await flush()
  await client.query("commit")
  const perSec = n / ((performance.now() - start) / 1000)
  await client.end()
  if (n !== rows) throw new Error(`raw Postgres inserted ${n} of ${rows}`)
  return perSec
}

/** The raw floor on MariaDB: the same rows in one transaction, multi-row inserts of 1,000. */
const rawMariadbRows = async (url: string, csv: string, rows: number) => {
  const raw = await rawMariadb(url)
  await raw.query(
    "create table raw_basic_info (id_number varchar(255) character set utf8mb4 collate utf8mb4_bin primary key, data text not null)"
  )
  const start = performance.now()
  let n = 0
  await raw.step(async () => {
    let batch: Array<string> = []
    const flush = async () => {
      if (batch.length === 0) return
      await raw.query(
        `insert into raw_basic_info (id_number, data) values ${"(?, ?),".repeat(batch.length / 2).slice(0, -1)}`,
        batch
      )
      batch = []
    }
    for await (const cells of rawRows(csv)) {
      batch.push(cells[4]!, JSON.stringify(cells))
      n++
      if (batch.length >= 2000) await flush()
    }
    await flush()
  })
  const perSec = n / ((performance.now() - start) / 1000)
  await raw.close()
  if (n !== rows) throw new Error(`raw MariaDB inserted ${n} of ${rows}`)
  return perSec
}

/** The child: one database, both measurements, one JSON line. */
const child = (db: string, csv: string, rows: number) =>
  db === "sqlite"
    ? withSqliteFile(async (filename) => ({
        rowsPerSec: await importInto(Sqlite.layer({ filename }), csv, rows),
        raw: await rawSqlite(`${filename}.raw`, csv, rows)
      }))
    : db === "mariadb"
      ? withMariadbDatabase(async (connectionString) => ({
          rowsPerSec: await importInto(Mysql.layer({ connectionString }), csv, rows),
          raw: await rawMariadbRows(connectionString, csv, rows)
        }))
      : withPostgresDatabase(async (connectionString) => ({
          rowsPerSec: await importInto(Pg.layer({ connectionString }), csv, rows),
          raw: await rawPostgres(connectionString, csv, rows)
        }))

export const run = async (args: ReadonlyArray<string> = []): Promise<void> => {
  const rows = Number(args.find((a) => /^[0-9]+$/.test(a)) ?? 1_000_000)
  const dir = mkdtempSync(join(tmpdir(), "tmis-bench-csv-"))
  const csv = join(dir, "basic-info.csv")
  try {
    const start = performance.now()
    await writeCsv(csv, rows)
    console.error(
      `${rows.toLocaleString("en")} rows written to a ${(statSync(csv).size / 2 ** 20).toFixed(1)} MiB CSV in ${Math.round(performance.now() - start)} ms`
    )
    for (const db of (process.env.TMIS_BENCH_DB ?? "sqlite,postgres,mariadb").split(",")) {
      const out = execFileSync(
        process.execPath,
        [...profileFlags(), "--import", "tsx", fileURLToPath(import.meta.url), "--child", db, csv, String(rows)],
        { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 }
      )
      const figure = JSON.parse(out.trim().split("\n").pop()!) as { rowsPerSec: number; raw: number; peakRssMB: number }
      report({
        bench: "import",
        db,
        rows,
        rowsPerSec: Math.round(figure.rowsPerSec),
        rawRowsPerSec: Math.round(figure.raw),
        ratioToRaw: Number((figure.rowsPerSec / figure.raw).toFixed(3)),
        peakRssMB: figure.peakRssMB
      })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === "--child") {
  const [db, csv, rows] = process.argv.slice(3)
  const figure = await child(db!, csv!, Number(rows))
  console.log(JSON.stringify({ ...figure, peakRssMB: peakRssMB() }))
}
