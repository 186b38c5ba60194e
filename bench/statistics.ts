/**
 * Workforce statistics at scale (M28.1): `npm run bench -- statistics [teachers]` imports N synthetic teachers
 * (default 20,000) over the two schools of the synthetic province through `BatchImport.run` — which keeps the
 * statistics aggregates in each chunk's transaction — then times `Analytics.run` as the province's info admin: a
 * one-dimension query of the province (teachers by gender) and a cross-tabulation (gender × age band), 200 rounds
 * each after a warm-up. One JSON line per database: teachers, importRowsPerSec (with the aggregates kept),
 * provinceQueryP99Ms, crossTabP99Ms. Targets: province query p99 < 50 ms, cross-tab p99 < 100 ms, whatever N: the
 * queries read one unit's counters, not the e-files.
 */
import * as Pg from "@tmis/adapter-postgres"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Accounts, Analytics, BatchImport, Deployment, Settings, type Storage } from "@tmis/core"
import { Effect, Layer } from "effect"
import { report } from "./measure.js"
import { basicInfo, setup, withPostgresDatabase, withSqliteFile } from "./synthetic.js"

const p99 = (times: Array<number>) => {
  times.sort((a, b) => a - b)
  return Number(times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!.toFixed(2))
}

const measure = (teachers: number) =>
  Effect.gen(function* () {
    yield* setup
    const started = Date.now()
    for (const [school, admin, from, to] of [
      ["s1", "ia-s1", 0, Math.ceil(teachers / 2)],
      ["s2", "ia-s2", Math.ceil(teachers / 2), teachers]
    ] as const) {
      const actor = yield* Accounts.actorOf(admin)
      const rows = Array.from({ length: to - from }, (_, k) => ({ line: k + 2, record: basicInfo(from + k) }))
      yield* BatchImport.run(actor, rows, { batchId: `bench-${school}`, unitId: school })
    }
    const importRowsPerSec = Math.round((teachers / (Date.now() - started)) * 1000)
    const actor = yield* Accounts.actorOf("ia-hubei")
    const time = (query: Parameters<typeof Analytics.run>[1]) =>
      Effect.gen(function* () {
        yield* Analytics.run(actor, query)
        const times: Array<number> = []
        for (let i = 0; i < 200; i++) {
          const start = process.hrtime.bigint()
          const result = yield* Analytics.run(actor, query)
          times.push(Number(process.hrtime.bigint() - start) / 1e6)
          if (result.source !== "aggregates") throw new Error("the query did not read the aggregates")
        }
        return p99(times)
      })
    const provinceQueryP99Ms = yield* time({ unitId: "hubei", rows: "gender" })
    const crossTabP99Ms = yield* time({ unitId: "hubei", rows: "gender", columns: "ageBand" })
    return { importRowsPerSec, provinceQueryP99Ms, crossTabP99Ms }
  })

const runOn = (storage: Layer.Layer<Storage.Storage, Storage.StorageError>, teachers: number) =>
  Effect.runPromise(
    Effect.provide(measure(teachers), Layer.merge(storage, Settings.layer(Deployment.provincial("42")))).pipe(
      Effect.scoped
    ) as Effect.Effect<{ importRowsPerSec: number; provinceQueryP99Ms: number; crossTabP99Ms: number }>
  )

/**
 * @since 0.1.0
 */
export const run = async (args: ReadonlyArray<string>): Promise<void> => {
  const teachers = Number(args[0] ?? 20_000)
  await withSqliteFile(async (filename) => {
    const figures = await runOn(Sqlite.layer({ filename }), teachers)
    report({ bench: "statistics", db: "sqlite", teachers, ...figures })
  })
  await withPostgresDatabase(async (connectionString) => {
    const figures = await runOn(Pg.layer({ connectionString }), teachers)
    report({ bench: "statistics", db: "postgres", teachers, ...figures })
  })
}
