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
import * as Pg from "@tmis/adapter-postgres"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Accounts, Deployment, Indicator, Settings, type Storage, Units } from "@tmis/core"
import * as Import from "@tmis/import"
import BetterSqlite3 from "better-sqlite3"
import { Effect, Layer } from "effect"
import pg from "pg"
import { report } from "./measure.js"

const adminUrl = process.env.TMIS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const checks = "10X98765432"
const counties = ["420102", "420103", "420104", "420105", "420106", "420107", "420111", "420112", "420113", "420114"]

/** The i-th synthetic identity number: a county, a birth day between 1960 and 2000, a sequence; unique for i < 14.6 M. */
const identity = (i: number): { readonly number: string; readonly birth: string; readonly sex: string } => {
  const sequence = (i % 999) + 1
  const day = Math.floor(i / 999) % 14_600
  const county = counties[Math.floor(i / (999 * 14_600)) % counties.length]!
  const birth = new Date(Date.UTC(1960, 0, 1) + day * 86_400_000).toISOString().slice(0, 10)
  const body = `${county}${birth.replaceAll("-", "")}${String(sequence).padStart(3, "0")}`
  let sum = 0
  for (let k = 0; k < 17; k++) sum += Number(body[k]) * weights[k]!
  return { number: body + checks[sum % 11], birth, sex: sequence % 2 === 1 ? "1" : "2" }
}

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

const basicInfo = Indicator.getGroup(Indicator.core, "basicInfo")!
const headers = headerKeys.map((key) => basicInfo.fields.find((f) => f.key === key)!.zh)

const rowOf = (i: number): ReadonlyArray<string> => {
  const id = identity(i)
  const year = Number(id.birth.slice(0, 4))
  const values: Record<(typeof headerKeys)[number], string> = {
    name: `教师${i}`,
    sex: id.sex,
    nationality: "156",
    idType: "1",
    idNumber: id.number,
    birthDate: id.birth,
    ethnicity: "01",
    politicalStatus: "13",
    workStartMonth: `${year + 22}-09`,
    schoolEntryMonth: `${year + 23}-09`,
    staffSource: "11",
    staffCategory: "11",
    onEstablishment: "是",
    contractStatus: "1",
    normalMajorGraduate: i % 3 === 0 ? "是" : "否",
    specialEducationTrained: "否",
    specialEducationCertificate: "否",
    itApplicationAbility: "1",
    publicFundedNormalStudent: "0",
    grassrootsService: "0",
    specialGradeTeacher: "否",
    backboneTeacher: i % 10 === 0 ? "是" : "否",
    mentalHealthTeacher: "否",
    personnelStatus: "11"
  }
  return headerKeys.map((k) => values[k])
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

const person = { name: "王建国", identityNumber: "11010519491231002X" }
const validFrom = "2017-03-31"

/** Hubei → Wuhan → Jiang'an → one primary school, and the accounts down to the school's info admin. */
const setup = Effect.gen(function* () {
  yield* Accounts.bootstrap(
    { id: "hubei", kind: "province", name: "湖北省", code: "420000", validFrom },
    { id: "sa-hubei", person }
  )
  const saHubei = yield* Accounts.actorOf("sa-hubei")
  yield* Accounts.create(saHubei, { id: "ia-hubei", role: "infoAdmin", person }, "hubei")
  const ia = yield* Accounts.actorOf("ia-hubei")
  yield* Units.create(ia, { id: "wuhan", kind: "city", name: "武汉市", code: "420100", validFrom }, "hubei")
  yield* Units.create(ia, { id: "jiangan", kind: "county", name: "江岸区", code: "420102", validFrom }, "wuhan")
  yield* Units.create(
    ia,
    {
      id: "s1",
      kind: "school",
      name: "江岸区第一小学",
      code: "2142000001",
      validFrom,
      school: { schoolType: "211", sponsor: "21" }
    },
    "jiangan"
  )
  yield* Accounts.create(saHubei, { id: "sa-wuhan", role: "systemAdmin", person }, "wuhan")
  yield* Accounts.create(
    yield* Accounts.actorOf("sa-wuhan"),
    { id: "sa-jiangan", role: "systemAdmin", person },
    "jiangan"
  )
  yield* Accounts.create(yield* Accounts.actorOf("sa-jiangan"), { id: "sa-s1", role: "systemAdmin", person }, "s1")
  yield* Accounts.create(yield* Accounts.actorOf("sa-s1"), { id: "ia-s1", role: "infoAdmin", person }, "s1")
  return yield* Accounts.actorOf("ia-s1")
})

const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024)

/** Import the file into a fresh store through the public API; rows/s. */
const importInto = async (storage: Layer.Layer<Storage.Storage, Storage.StorageError>, csv: string, rows: number) => {
  const layer = Layer.merge(storage, Settings.layer(Deployment.provincial("42")))
  const program = Effect.gen(function* () {
    const actor = yield* setup
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

/** The child: one database, both measurements, one JSON line. */
const child = async (db: string, csv: string, rows: number) => {
  if (db === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "tmis-bench-import-"))
    try {
      const rowsPerSec = await importInto(Sqlite.layer({ filename: join(dir, "tmis.db") }), csv, rows)
      const raw = await rawSqlite(join(dir, "raw.db"), csv, rows)
      return { rowsPerSec, raw }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const name = `tmis_bench_import_${process.pid}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  try {
    const rowsPerSec = await importInto(Pg.layer({ connectionString: url.toString() }), csv, rows)
    const raw = await rawPostgres(url.toString(), csv, rows)
    return { rowsPerSec, raw }
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

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
    for (const db of (process.env.TMIS_BENCH_DB ?? "sqlite,postgres").split(",")) {
      const out = execFileSync(
        process.execPath,
        ["--import", "tsx", fileURLToPath(import.meta.url), "--child", db, csv, String(rows)],
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
