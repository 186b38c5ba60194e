/**
 * Credit confirmations at speed (M25.3, O9.1): `npm run bench -- credits [results]` onboards N teachers (default
 * 1,000) at one school by batch import, enrols them in a county project of a provider, has the provider submit
 * their results, then measures the county bureau confirming them through the public service (`Training.confirm`:
 * the result's versioned update, its ledger entry under the result's key, the audit records and outbox events, one
 * transaction each), 32 in flight at once as a batch of a server's concurrent requests would. On SQLite (a temp
 * file) and Postgres (a fresh database, dropped afterwards). One JSON line per database:
 * `{"bench":"credits","db":…,"results":…,"confirmationsPerSec":…}`. Target: ≥ 1,000 confirmations/s on SQLite.
 */
import * as Pg from "@tmis/adapter-postgres"
import * as Sqlite from "@tmis/adapter-sqlite"
import { BatchImport, Deployment, Settings, type Storage, Training } from "@tmis/core"
import { Effect, Layer } from "effect"
import { report } from "./measure.js"
import { basicInfo, setup, withPostgresDatabase, withSqliteFile } from "./synthetic.js"

const measure = (n: number) =>
  Effect.gen(function* () {
    const actors = yield* setup
    const rows = Array.from({ length: n }, (_, i) => ({ line: i + 2, record: basicInfo(i) }))
    yield* BatchImport.run(actors.sending, rows, { batchId: "credits", unitId: "s1" })
    const teachers = rows.map((row) => BatchImport.teacherIdOf("credits", row.line, BatchImport.rowHash(row.record)))
    const { provider, key } = yield* Training.registerProvider(actors.sendingBureau, { id: "pv", name: "进修学校" })
    yield* Training.createProject(actors.sendingBureau, {
      id: "p1",
      name: "县级培训",
      kind: "county",
      hours: 60,
      form: "course",
      providerId: provider.value.id,
      from: "2025-03-01",
      to: "2025-06-30",
      capacity: n
    })
    const as = yield* Training.authenticateProvider("pv", key)
    for (const teacherId of teachers) yield* Training.enrol(actors.sending, "p1", teacherId)
    const results = yield* Effect.forEach(
      teachers,
      (teacherId, i) =>
        Training.submitResult(as, { id: `r${i}`, projectId: "p1", teacherId, hours: 36, completedOn: "2025-06-30" }),
      { concurrency: 32 }
    )
    const start = performance.now()
    yield* Effect.forEach(results, (r) => Training.confirm(actors.sendingBureau, r.value.id, r.version), {
      concurrency: 32,
      discard: true
    })
    return n / ((performance.now() - start) / 1000)
  })

const runOn = (storage: Layer.Layer<Storage.Storage, Storage.StorageError>, n: number) =>
  Effect.runPromise(
    Effect.provide(measure(n), Layer.merge(storage, Settings.layer(Deployment.provincial("42")))).pipe(Effect.orDie)
  )

export const run = async (args: ReadonlyArray<string> = []): Promise<void> => {
  const n = Number(args.find((a) => /^[0-9]+$/.test(a)) ?? 1_000)
  for (const db of (process.env.TMIS_BENCH_DB ?? "sqlite,postgres").split(",")) {
    const perSec =
      db === "sqlite"
        ? await withSqliteFile((filename) => runOn(Sqlite.layer({ filename }), n))
        : await withPostgresDatabase((connectionString) => runOn(Pg.layer({ connectionString }), n))
    report({ bench: "credits", db, results: n, confirmationsPerSec: Math.round(perSec) })
    console.error(`credits on ${db}: ${Math.round(perSec)} confirmations/s of ${n} results`)
  }
}
