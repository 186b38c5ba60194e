/**
 * The province → national exchange (M32.1): `npm run bench -- exchange [rows]` onboards N teachers (default 20,000)
 * in a provincial store on SQLite (a temp file) by batch import, exports them through the public service
 * (`Exchange.exportNext`, called until it has nothing more: a run of packages of at most 100,000 teachers — the
 * outbox read, each teacher's e-file and effective entries read, projected on the core indicators, encoded, digested,
 * signed and recorded) and writes each package's files to a temp directory as a deployment would; then ingests them
 * in sequence into a national store (`Exchange.ingest`: each package read back from its files, verified, recorded,
 * the core rows written) on each database of TMIS_BENCH_DB (default `sqlite,postgres`). One JSON line per national
 * database: `{"bench":"exchange","db":…,"rows":…,"exportRowsPerSec":…,"ingestRowsPerSec":…,"packageMB":…,
 * "exportRowsPerCpuSec":…,"ingestRowsPerCpuSec":…,"packages":…,"exportPeakRssMB":…,"ingestPeakRssMB":…}` — the CPU
 * time is this process's over the phase (writing or reading the files included; on Postgres the server's is not in
 * it), the peak RSS of each phase is sampled every 20 ms (the onboarding before the export is not in it). Target (issue): ≥ 50,000 rows/s each way at 1.5 million e-files.
 */

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Pg from "@tmis/adapter-postgres"
import * as Sqlite from "@tmis/adapter-sqlite"
import { BatchImport, Deployment, Exchange, ExchangePackage, Settings, type Storage } from "@tmis/core"
import { Effect, Either, Layer, Option } from "effect"
import { report } from "./measure.js"
import { basicInfo, setup, withPostgresDatabase, withSqliteFile } from "./synthetic.js"

const keys = ExchangePackage.generateKeys()

/**
 * The highest RSS sampled while `work` runs (every 20 ms, and at its start and end), in MB, and the CPU time this
 * process spent meanwhile (on a shared machine, rows per CPU-second vary less than rows per second).
 */
const peakRss = async <A>(
  work: () => Promise<A>
): Promise<{ readonly result: A; readonly peakMB: number; readonly cpuSeconds: number }> => {
  const cpu = process.cpuUsage()
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 20)
  try {
    const result = await work()
    peak = Math.max(peak, process.memoryUsage.rss())
    const used = process.cpuUsage(cpu)
    return { result, peakMB: Math.round(peak / 1e6), cpuSeconds: (used.user + used.system) / 1e6 }
  } finally {
    clearInterval(timer)
  }
}

const onboard = (rows: number) =>
  Effect.gen(function* () {
    const actors = yield* setup
    for (let from = 0; from < rows; from += 10_000) {
      const n = Math.min(10_000, rows - from)
      const lines = Array.from({ length: n }, (_, i) => ({ line: i + 2, record: basicInfo(from + i) }))
      yield* BatchImport.run(actors.sending, lines, { batchId: `bench-${from}`, unitId: "s1" })
    }
  })

/** Export every package, writing each one's files under `dir/<sequence>/`; the time of the exports alone. */
const exportAll = (dir: string) =>
  Effect.gen(function* () {
    let seconds = 0
    let packages = 0
    let rows = 0
    let bytes = 0
    for (;;) {
      const started = performance.now()
      const next = yield* Exchange.exportNext({ privateKey: keys.privateKey })
      seconds += (performance.now() - started) / 1000
      if (Option.isNone(next)) break
      packages += 1
      rows += next.value.manifest.files[0]!.rows
      const at = join(dir, String(next.value.manifest.sequence))
      mkdirSync(at)
      for (const [name, text] of Object.entries(ExchangePackage.toFiles(next.value))) {
        writeFileSync(join(at, name), text)
        bytes += Buffer.byteLength(text)
      }
    }
    return { seconds, packages, rows, bytes }
  })

const provincial = (filename: string) =>
  Layer.merge(Sqlite.layer({ filename }), Settings.layer(Deployment.provincial("42")))

const exportOn = async (filename: string, rows: number, dir: string) => {
  await Effect.runPromise(onboard(rows).pipe(Effect.provide(provincial(filename))))
  return peakRss(() => Effect.runPromise(exportAll(dir).pipe(Effect.provide(provincial(filename)))))
}

/** Ingest the packages of `dir` in sequence, each read back from its files; the time of the ingests alone. */
const ingestOn = (storage: Layer.Layer<Storage.Storage, Storage.StorageError>, dir: string, packages: number) =>
  Effect.gen(function* () {
    let seconds = 0
    for (let sequence = 1; sequence <= packages; sequence++) {
      const at = join(dir, String(sequence))
      const files = Object.fromEntries(readdirSync(at).map((name) => [name, readFileSync(join(at, name), "utf8")]))
      const pkg = Either.getOrThrow(ExchangePackage.fromFiles(files))
      const started = performance.now()
      const outcome = yield* Exchange.ingest(pkg, { "42": keys.publicKey })
      seconds += (performance.now() - started) / 1000
      if (outcome.outcome !== "applied") throw new Error(`package ${sequence}: ${outcome.outcome}`)
    }
    return seconds
  }).pipe(Effect.provide(Layer.merge(storage, Settings.layer(Deployment.national))), Effect.runPromise)

/**
 * @since 0.1.0
 */
export const run = async (args: ReadonlyArray<string> = []): Promise<void> => {
  const rows = Number(args.find((a) => /^[0-9]+$/.test(a)) ?? 20_000)
  const dir = mkdtempSync(join(tmpdir(), "tmis-exchange-"))
  try {
    const {
      result: exported,
      peakMB: exportPeakRssMB,
      cpuSeconds: exportCpu
    } = await withSqliteFile((filename) => exportOn(filename, rows, dir))
    for (const db of (process.env.TMIS_BENCH_DB ?? "sqlite,postgres").split(",")) {
      const {
        result: seconds,
        peakMB: ingestPeakRssMB,
        cpuSeconds: ingestCpu
      } = await peakRss(() =>
        db === "postgres"
          ? withPostgresDatabase((connectionString) => ingestOn(Pg.layer({ connectionString }), dir, exported.packages))
          : withSqliteFile((filename) => ingestOn(Sqlite.layer({ filename }), dir, exported.packages))
      )
      report({
        bench: "exchange",
        db,
        rows: exported.rows,
        exportRowsPerSec: Math.round(exported.rows / exported.seconds),
        ingestRowsPerSec: Math.round(exported.rows / seconds),
        packageMB: Number((exported.bytes / 1e6).toFixed(2)),
        exportRowsPerCpuSec: Math.round(exported.rows / exportCpu),
        ingestRowsPerCpuSec: Math.round(exported.rows / ingestCpu),
        packages: exported.packages,
        exportPeakRssMB,
        ingestPeakRssMB
      })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
