/**
 * The province → national exchange (M32.1): `npm run bench -- exchange [rows]` onboards N teachers (default 20,000)
 * in a provincial store on SQLite (a temp file) by batch import, exports them as one package through the public
 * service (`Exchange.exportNext`: the outbox read, each teacher's e-file and entries read, projected on the core
 * indicators, encoded, digested, signed and recorded), then ingests the package into a national store
 * (`Exchange.ingest`: verified, recorded, the core rows written) on each database of TMIS_BENCH_DB (default
 * `sqlite,postgres`). One JSON line per national database:
 * `{"bench":"exchange","db":…,"rows":…,"exportRowsPerSec":…,"ingestRowsPerSec":…,"packageMB":…}`.
 * Target (issue): ≥ 50,000 rows/s each way at 1.5 million e-files.
 */
import * as Pg from "@tmis/adapter-postgres"
import * as Sqlite from "@tmis/adapter-sqlite"
import { BatchImport, Deployment, Exchange, ExchangePackage, Settings, type Storage } from "@tmis/core"
import { Effect, Layer, Option } from "effect"
import { report } from "./measure.js"
import { basicInfo, setup, withPostgresDatabase, withSqliteFile } from "./synthetic.js"

const keys = ExchangePackage.generateKeys()

const exportOn = (filename: string, rows: number) =>
  Effect.gen(function* () {
    const actors = yield* setup
    for (let from = 0; from < rows; from += 10_000) {
      const n = Math.min(10_000, rows - from)
      const lines = Array.from({ length: n }, (_, i) => ({ line: i + 2, record: basicInfo(from + i) }))
      yield* BatchImport.run(actors.sending, lines, { batchId: `bench-${from}`, unitId: "s1" })
    }
    const started = performance.now()
    const pkg = Option.getOrThrow(yield* Exchange.exportNext({ privateKey: keys.privateKey }))
    const seconds = (performance.now() - started) / 1000
    return { pkg, seconds }
  }).pipe(
    Effect.provide(Layer.merge(Sqlite.layer({ filename }), Settings.layer(Deployment.provincial("42")))),
    Effect.runPromise
  )

const ingestOn = (storage: Layer.Layer<Storage.Storage, Storage.StorageError>, pkg: ExchangePackage.Package) =>
  Effect.gen(function* () {
    const started = performance.now()
    const outcome = yield* Exchange.ingest(pkg, { "42": keys.publicKey })
    return { outcome, seconds: (performance.now() - started) / 1000 }
  }).pipe(Effect.provide(Layer.merge(storage, Settings.layer(Deployment.national))), Effect.runPromise)

/**
 * @since 0.1.0
 */
export const run = async (args: ReadonlyArray<string> = []): Promise<void> => {
  const rows = Number(args.find((a) => /^[0-9]+$/.test(a)) ?? 20_000)
  const { pkg, seconds: exportSeconds } = await withSqliteFile((filename) => exportOn(filename, rows))
  const exported = pkg.manifest.files[0]!.rows
  const packageMB = Number(
    (Object.values(ExchangePackage.toFiles(pkg)).reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6).toFixed(2)
  )
  for (const db of (process.env.TMIS_BENCH_DB ?? "sqlite,postgres").split(",")) {
    const { seconds } =
      db === "postgres"
        ? await withPostgresDatabase((connectionString) => ingestOn(Pg.layer({ connectionString }), pkg))
        : await withSqliteFile((filename) => ingestOn(Sqlite.layer({ filename }), pkg))
    report({
      bench: "exchange",
      db,
      rows: exported,
      exportRowsPerSec: Math.round(exported / exportSeconds),
      ingestRowsPerSec: Math.round(exported / seconds),
      packageMB
    })
  }
}
