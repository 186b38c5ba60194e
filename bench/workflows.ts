/**
 * Transfers at speed (M23): `npm run bench -- workflows [transfers]` onboards N teachers (default 2,000) at one
 * school by batch import, then runs N whole transfers to a school under another bureau through the public service
 * (`Workflows.initiateTransfer` and three `Workflows.act` confirmations, each its own transaction with its audit
 * record and outbox event, the last one moving the e-file and adding its 工作经历 record), one after the other, on
 * SQLite (a temp file, `synchronous=FULL` — and again with `NORMAL`, as `sqlite-normal`) and on Postgres (a fresh database, dropped afterwards). One JSON line per
 * database: `{"bench":"transfers","db":…,"completedPerSec":…}`, plus the median milliseconds of one step. Target:
 * ≥ 500 completed transfers/s on SQLite.
 */
import * as Pg from "@tmis/adapter-postgres"
import * as Sqlite from "@tmis/adapter-sqlite"
import { BatchImport, Deployment, Settings, type Storage, Workflows } from "@tmis/core"
import { Effect, Layer } from "effect"
import { report } from "./measure.js"
import { basicInfo, setup, withPostgresDatabase, withSqliteFile } from "./synthetic.js"

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
    // `sqlite` is the adapter's default, synchronous=FULL: every commit waits for the disk. `sqlite-normal`
    // (synchronous=NORMAL in WAL) survives a crash of the process but may lose the last commits to a power cut.
    const figure = db.startsWith("sqlite")
      ? await withSqliteFile((filename) =>
          runOn(Sqlite.layer({ filename, synchronous: db === "sqlite-normal" ? "NORMAL" : "FULL" }), transfers)
        )
      : await withPostgresDatabase((connectionString) => runOn(Pg.layer({ connectionString }), transfers))
    report({
      bench: "transfers",
      db,
      transfers,
      completedPerSec: Math.round(figure.completedPerSec),
      stepMedianMs: Number(figure.stepMedianMs.toFixed(2))
    })
  }
}
