/**
 * Transfers at speed (M23): `npm run bench -- workflows [transfers]` onboards N teachers (default 2,000) at one
 * school by batch import, then runs N whole transfers to a school under another bureau through the public service
 * (`Workflows.initiateTransfer` and three `Workflows.act` confirmations, each its own transaction with its audit
 * record and outbox event, the last one moving the e-file and adding its 工作经历 record), one after the other, on
 * SQLite (a temp file, `synchronous=FULL` — and again with `NORMAL`, as `sqlite-normal`) and on Postgres (a fresh database, dropped afterwards). One JSON line per
 * database: `{"bench":"transfers","db":…,"completedPerSec":…}`, plus the median milliseconds of one step. Target:
 * ≥ 500 completed transfers/s on SQLite.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Pg from "@tmis/adapter-postgres"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Accounts, BatchImport, Deployment, Settings, type Storage, Units, Workflows } from "@tmis/core"
import { Effect, Layer } from "effect"
import pg from "pg"
import { report } from "./measure.js"

const adminUrl = process.env.TMIS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"
const person = { name: "王建国", identityNumber: "11010519491231002X" }
const validFrom = "2017-03-31"
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const checks = "10X98765432"

const identity = (i: number) => {
  const sequence = (i % 999) + 1
  const day = Math.floor(i / 999)
  const birth = new Date(Date.UTC(1970, 0, 1) + day * 86_400_000).toISOString().slice(0, 10)
  const body = `420102${birth.replaceAll("-", "")}${String(sequence).padStart(3, "0")}`
  let sum = 0
  for (let k = 0; k < 17; k++) sum += Number(body[k]) * weights[k]!
  return { number: body + checks[sum % 11], birth, sex: sequence % 2 === 1 ? "1" : "2" }
}

const basicInfo = (i: number) => {
  const id = identity(i)
  return {
    name: `教师${i}`,
    sex: id.sex,
    nationality: "156",
    idType: "1",
    idNumber: id.number,
    birthDate: id.birth,
    ethnicity: "01",
    politicalStatus: "13",
    workStartMonth: "2000-09",
    schoolEntryMonth: "2005-09",
    staffSource: "11",
    staffCategory: "11",
    onEstablishment: true,
    contractStatus: "1",
    normalMajorGraduate: true,
    specialEducationTrained: false,
    specialEducationCertificate: false,
    itApplicationAbility: "1",
    publicFundedNormalStudent: "0",
    grassrootsService: "0",
    specialGradeTeacher: false,
    backboneTeacher: false,
    mentalHealthTeacher: false,
    personnelStatus: "11"
  }
}

const school = (id: string, name: string, code: string) =>
  ({ id, kind: "school", name, code, validFrom, school: { schoolType: "211", sponsor: "21" } }) as const

/** Hubei › Wuhan › 江岸区 › s1 and 汉阳区 › s2, the info admins of both schools and both bureaus. */
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
  yield* Units.create(ia, { id: "hanyang", kind: "county", name: "汉阳区", code: "420105", validFrom }, "wuhan")
  yield* Units.create(ia, school("s1", "江岸区第一小学", "2142000001"), "jiangan")
  yield* Units.create(ia, school("s2", "汉阳区第一小学", "2142000002"), "hanyang")
  yield* Accounts.create(saHubei, { id: "sa-wuhan", role: "systemAdmin", person }, "wuhan")
  const saWuhan = yield* Accounts.actorOf("sa-wuhan")
  for (const [county, schoolId] of [
    ["jiangan", "s1"],
    ["hanyang", "s2"]
  ] as const) {
    yield* Accounts.create(saWuhan, { id: `sa-${county}`, role: "systemAdmin", person }, county)
    const saCounty = yield* Accounts.actorOf(`sa-${county}`)
    yield* Accounts.create(saCounty, { id: `ia-${county}`, role: "infoAdmin", person }, county)
    yield* Accounts.create(saCounty, { id: `sa-${schoolId}`, role: "systemAdmin", person }, schoolId)
    yield* Accounts.create(
      yield* Accounts.actorOf(`sa-${schoolId}`),
      { id: `ia-${schoolId}`, role: "infoAdmin", person },
      schoolId
    )
  }
  return {
    sending: yield* Accounts.actorOf("ia-s1"),
    receiving: yield* Accounts.actorOf("ia-s2"),
    sendingBureau: yield* Accounts.actorOf("ia-jiangan"),
    receivingBureau: yield* Accounts.actorOf("ia-hanyang")
  }
})

const measure = (transfers: number) =>
  Effect.gen(function* () {
    const actors = yield* setup
    const rows = Array.from({ length: transfers }, (_, i) => ({ line: i + 2, record: basicInfo(i) }))
    yield* BatchImport.run(actors.sending, rows, { batchId: "bench", unitId: "s1" })
    const teachers = rows.map((row) => BatchImport.teacherIdOf("bench", BatchImport.rowHash(row.record)))
    const steps: Array<number> = []
    const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.gen(function* () {
        const start = performance.now()
        const result = yield* effect
        steps.push(performance.now() - start)
        return result
      })
    const start = performance.now()
    for (const [i, teacherId] of teachers.entries()) {
      let w = yield* timed(
        Workflows.initiateTransfer(actors.receiving, {
          id: `tr${i}`,
          teacherId,
          toUnitId: "s2",
          kind: "transfer",
          effective: "2026-12-01",
          reason: "工作需要"
        })
      )
      for (const actor of [actors.receivingBureau, actors.sending, actors.sendingBureau]) {
        w = yield* timed(Workflows.act(actor, w.value.id, { type: "confirm" }, w.version))
      }
      if (w.value.state !== "completed") throw new Error(`transfer tr${i} ended ${w.value.state}`)
    }
    const seconds = (performance.now() - start) / 1000
    steps.sort((a, b) => a - b)
    return { completedPerSec: transfers / seconds, stepMedianMs: steps[Math.floor(steps.length / 2)]! }
  })

const runOn = (storage: Layer.Layer<Storage.Storage, Storage.StorageError>, transfers: number) =>
  Effect.runPromise(
    Effect.provide(measure(transfers), Layer.merge(storage, Settings.layer(Deployment.provincial("42")))).pipe(
      Effect.orDie
    )
  )

export const run = async (args: ReadonlyArray<string> = []): Promise<void> => {
  const transfers = Number(args.find((a) => /^[0-9]+$/.test(a)) ?? 2_000)
  for (const db of (process.env.TMIS_BENCH_DB ?? "sqlite,sqlite-normal,postgres").split(",")) {
    if (db.startsWith("sqlite")) {
      // `sqlite` is the adapter's default, synchronous=FULL: every commit waits for the disk. `sqlite-normal`
      // (synchronous=NORMAL in WAL) survives a crash of the process but may lose the last commits to a power cut.
      const synchronous = db === "sqlite-normal" ? "NORMAL" : "FULL"
      const dir = mkdtempSync(join(tmpdir(), "tmis-bench-workflows-"))
      try {
        const figure = await runOn(Sqlite.layer({ filename: join(dir, "tmis.db"), synchronous }), transfers)
        report({
          bench: "transfers",
          db,
          transfers,
          completedPerSec: Math.round(figure.completedPerSec),
          stepMedianMs: Number(figure.stepMedianMs.toFixed(2))
        })
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
      continue
    }
    const name = `tmis_bench_workflows_${process.pid}`
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`create database ${name}`)
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    try {
      const figure = await runOn(Pg.layer({ connectionString: url.toString() }), transfers)
      report({
        bench: "transfers",
        db,
        transfers,
        completedPerSec: Math.round(figure.completedPerSec),
        stepMedianMs: Number(figure.stepMedianMs.toFixed(2))
      })
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  }
}
