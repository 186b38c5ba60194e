/**
 * Credit confirmations at speed (M25.3, O9.1): `npm run bench -- credits [results]` onboards N teachers (default
 * 1,000) at one school by batch import, enrols them in two county projects of a provider, has the provider submit
 * their results, then measures the county bureau confirming them through the public services: one project's results
 * in batches of 100 (`CreditConfirmations.confirmBatch`: one transaction a batch — the results read at once, each
 * decided, written at its version, the ledger entries, audit records and outbox events appended together), the
 * other's one by one (`Training.confirm`, one transaction each), 32 in flight at once as a server's concurrent
 * requests would. On SQLite (a temp file) and Postgres (a fresh database, dropped afterwards). One JSON line per
 * database: `{"bench":"credits","db":…,"results":…,"batch":100,"confirmationsPerSec":…,"cpuMsEach":…,
 * "oneByOnePerSec":…,"oneByOneCpuMsEach":…,"load":…}` (the CPU time of the process per confirmation, and the load
 * average as it ended).
 * Target: ≥ 1,000 confirmations/s on SQLite.
 */
import { loadavg } from "node:os"
import * as Pg from "@tmis/adapter-postgres"
import * as Sqlite from "@tmis/adapter-sqlite"
import { BatchImport, CreditConfirmations, Deployment, Settings, type Storage, Training } from "@tmis/core"
import { Effect, Layer } from "effect"
import { report } from "./measure.js"
import { basicInfo, setup, withPostgresDatabase, withSqliteFile } from "./synthetic.js"

/** The CPU time of this process since `from`, in ms per confirmation: what a loaded machine's wall time hides. */
const cpuMsEach = (from: NodeJS.CpuUsage, n: number) => {
  const used = process.cpuUsage(from)
  return Math.round(((used.user + used.system) / 1000 / n) * 100) / 100
}

/** The results a batch confirms: a page of the bureau's inbox. */
const batch = 100

const measure = (n: number) =>
  Effect.gen(function* () {
    const actors = yield* setup
    const rows = Array.from({ length: n }, (_, i) => ({ line: i + 2, record: basicInfo(i) }))
    yield* BatchImport.run(actors.sending, rows, { batchId: "credits", unitId: "s1" })
    const teachers = rows.map((row) => BatchImport.teacherIdOf("credits", row.line, BatchImport.rowHash(row.record)))
    const { provider, key } = yield* Training.registerProvider(actors.sendingBureau, { id: "pv", name: "进修学校" })
    for (const id of ["p1", "p2"]) {
      yield* Training.createProject(actors.sendingBureau, {
        id,
        name: "县级培训",
        kind: "county",
        hours: 60,
        form: "course",
        providerId: provider.value.id,
        from: "2025-03-01",
        to: "2025-06-30",
        capacity: n
      })
    }
    const as = yield* Training.authenticateProvider("pv", key)
    const submitted = (projectId: string) =>
      Effect.gen(function* () {
        for (const teacherId of teachers) yield* Training.enrol(actors.sending, projectId, teacherId)
        return yield* Effect.forEach(
          teachers,
          (teacherId, i) =>
            Training.submitResult(as, {
              id: `${projectId}-r${i}`,
              projectId,
              teacherId,
              hours: 36,
              completedOn: "2025-06-30"
            }),
          { concurrency: 32 }
        )
      })
    const inBatches = yield* submitted("p1")
    const oneByOne = yield* submitted("p2")
    const batchStart = performance.now()
    const batchCpu = process.cpuUsage()
    for (let i = 0; i < inBatches.length; i += batch) {
      const outcomes = yield* CreditConfirmations.confirmBatch(
        actors.sendingBureau,
        inBatches.slice(i, i + batch).map((r) => ({ resultId: r.value.id, version: r.version }))
      )
      const refused = outcomes.find((o) => o._tag === "Refused")
      if (refused !== undefined) return yield* Effect.die(refused)
    }
    const batched = n / ((performance.now() - batchStart) / 1000)
    const batchedCpu = cpuMsEach(batchCpu, n)
    const start = performance.now()
    const oneByOneCpu = process.cpuUsage()
    yield* Effect.forEach(oneByOne, (r) => Training.confirm(actors.sendingBureau, r.value.id, r.version), {
      concurrency: 32,
      discard: true
    })
    return {
      batched,
      batchedCpu,
      oneByOne: n / ((performance.now() - start) / 1000),
      oneByOneCpu: cpuMsEach(oneByOneCpu, n)
    }
  })

const runOn = (storage: Layer.Layer<Storage.Storage, Storage.StorageError>, n: number) =>
  Effect.runPromise(
    Effect.provide(measure(n), Layer.merge(storage, Settings.layer(Deployment.provincial("42")))).pipe(Effect.orDie)
  )

export const run = async (args: ReadonlyArray<string> = []): Promise<void> => {
  const n = Number(args.find((a) => /^[0-9]+$/.test(a)) ?? 1_000)
  for (const db of (process.env.TMIS_BENCH_DB ?? "sqlite,postgres").split(",")) {
    const { batched, batchedCpu, oneByOne, oneByOneCpu } =
      db === "sqlite"
        ? await withSqliteFile((filename) => runOn(Sqlite.layer({ filename }), n))
        : await withPostgresDatabase((connectionString) => runOn(Pg.layer({ connectionString }), n))
    report({
      bench: "credits",
      db,
      results: n,
      batch,
      confirmationsPerSec: Math.round(batched),
      cpuMsEach: batchedCpu,
      oneByOnePerSec: Math.round(oneByOne),
      oneByOneCpuMsEach: oneByOneCpu,
      load: Math.round(loadavg()[0]! * 10) / 10
    })
    console.error(
      `credits on ${db}: ${Math.round(batched)} confirmations/s in batches of ${batch}, ${Math.round(oneByOne)}/s one by one (32 in flight), of ${n} results`
    )
  }
}
