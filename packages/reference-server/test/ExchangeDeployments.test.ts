/**
 * Two real deployments exchanging packages through files (M32.1, M17.4): the provincial system of Hubei on SQLite
 * and the national system on Postgres, each a running server over its own store.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Audit, Deployment, Exchange, ExchangePackage, Settings, Storage } from "@tmis/core"
import { Effect, Either, Layer, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Database from "../src/Database.js"
import {
  type Backend,
  cheapSettings,
  postgres,
  postgresReachable,
  type Running,
  runKilled,
  seedDemo,
  sqlite,
  start
} from "./support.js"

const hubei = ExchangePackage.generateKeys()
const nationalKeys = ExchangePackage.generateKeys()
const registry: Exchange.KeyRegistry = { "42": hubei.publicKey }

/** Write a package's files into a new directory, as a province hands them over. */
const writePackage = async (root: string, pkg: ExchangePackage.Package): Promise<string> => {
  const dir = join(root, `${pkg.manifest.issuer}-${pkg.manifest.kind}-${pkg.manifest.sequence}`)
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  for (const [name, text] of Object.entries(ExchangePackage.toFiles(pkg))) await writeFile(join(dir, name), text)
  return dir
}

/** Read a package back from its directory. */
const readPackage = async (dir: string): Promise<ExchangePackage.Package> => {
  const files: Record<string, string> = {}
  for (const name of await readdir(dir)) files[name] = await readFile(join(dir, name), "utf8")
  return Either.getOrThrow(ExchangePackage.fromFiles(files))
}

describe.skipIf(!postgresReachable)("the province → national exchange between two deployments", () => {
  let provincialStore: Backend
  let nationalStore: Backend
  let province: Running
  let national: Running
  let dir: string

  beforeAll(async () => {
    provincialStore = await sqlite()
    nationalStore = await postgres()
    province = await start(provincialStore, {}, cheapSettings)
    national = await start(nationalStore, {}, Settings.layer(Deployment.national))
    dir = await mkdtemp(join(tmpdir(), "tmis-exchange-"))
    await seedDemo(province, 12)
  }, 180_000)

  afterAll(async () => {
    await province?.close()
    await national?.close()
    await provincialStore?.drop()
    await nationalStore?.drop()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it("M32.1 M17.4 a provincial SQLite deployment and the national Postgres deployment exchange packages through files: nothing lost, nothing applied twice, both audit chains verify", async () => {
    const exported = await province.run(Exchange.exportNext({ privateKey: hubei.privateKey }))
    expect(Option.isSome(exported)).toBe(true)
    const first = await readPackage(await writePackage(dir, Option.getOrThrow(exported)))
    const teachers = first.manifest.files[0]!.rows
    expect(teachers).toBeGreaterThanOrEqual(12)

    // Delivered twice (a retry after a lost answer): applied once.
    expect(await national.run(Exchange.ingest(first, registry))).toMatchObject({ outcome: "applied", rows: teachers })
    expect(await national.run(Exchange.ingest(first, registry))).toMatchObject({ outcome: "already" })
    const held = await national.run(Effect.flatMap(Storage.Storage, (s) => s.exchange.coreCount("42")))
    expect(held).toBe(teachers)

    // Nothing changed in the province: nothing to send; the package can be fetched again, byte for byte.
    expect(Option.isNone(await province.run(Exchange.exportNext({ privateKey: hubei.privateKey })))).toBe(true)
    const resent = await province.run(Exchange.sentPackage(Exchange.national, "changes", 1))
    expect(ExchangePackage.toFiles(resent)).toEqual(ExchangePackage.toFiles(first))

    // The feedback goes back as files; the province imports it once.
    const feedback = await readPackage(
      await writePackage(dir, await national.run(Exchange.feedback("42", { privateKey: nationalKeys.privateKey })))
    )
    expect(feedback.manifest).toMatchObject({ kind: "feedback", province: "42", to: 1 })
    expect(await province.run(Exchange.importFeedback(feedback, nationalKeys.publicKey))).toMatchObject({
      outcome: "applied"
    })
    expect(await province.run(Exchange.importFeedback(feedback, nationalKeys.publicKey))).toMatchObject({
      outcome: "already"
    })

    // A tampered file on the way is refused and changes nothing.
    const tamperedDir = await writePackage(dir, first)
    const changes = join(tamperedDir, "changes.ndjson")
    await writeFile(changes, (await readFile(changes, "utf8")).replace(/"name":"[^"]*"/, '"name":"冒名"'))
    const refused = await national.run(Effect.either(Exchange.ingest(await readPackage(tamperedDir), registry)))
    expect(Either.isLeft(refused) && refused.left).toMatchObject({ rule: "M32.1", details: { field: "sha256" } })

    for (const side of [province, national]) {
      expect(await side.run(Audit.verifyAuditLog)).toMatchObject({ _tag: "Intact" })
    }
  }, 120_000)
})

const worker = fileURLToPath(new URL("./exchangeWorker.ts", import.meta.url))

/** Run the worker on `job`; kill it with SIGKILL `killAfterMs` after it is ready (never when undefined). */
const runWorker = (job: object, killAfterMs: number | undefined) => runKilled(worker, job, killAfterMs)

describe.skipIf(!postgresReachable)("the exchange when either side is killed", () => {
  let provincialStore: Backend
  let nationalStore: Backend
  let dir: string

  afterAll(async () => {
    await provincialStore?.drop()
    await nationalStore?.drop()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it("M32.1 SIGKILL of the exporting province or of the ingesting national system mid-exchange: nothing lost, nothing applied twice, both audit chains verify", async () => {
    provincialStore = await sqlite()
    nationalStore = await postgres()
    dir = await mkdtemp(join(tmpdir(), "tmis-exchange-crash-"))
    const seeding = await start(provincialStore, {}, cheapSettings)
    await seedDemo(seeding, 12)
    await seeding.close()
    const base = { dir, privateKey: hubei.privateKey, registry }
    const exporter = { ...base, role: "export", url: provincialStore.url, deployment: Deployment.provincial("42") }
    const ingester = { ...base, role: "ingest", url: nationalStore.url, deployment: Deployment.national }
    const killed: Array<string | null> = []
    for (const delay of [60, 300]) killed.push((await runWorker(exporter, delay)).signal)
    expect((await runWorker(exporter, undefined)).done).toBe(true)
    const names = (await readdir(dir)).sort()
    expect(names.every((n) => /^42-changes-\d{6}$/.test(n))).toBe(true)
    const sequences = names.map((n) => Number(n.slice(-6)))
    expect(sequences).toEqual(sequences.map((_, i) => i + 1))
    expect(sequences.length).toBeGreaterThan(3)

    for (const delay of [60, 300]) killed.push((await runWorker(ingester, delay)).signal)
    const last = await runWorker(ingester, undefined)
    expect(last.done).toBe(true)
    expect(last.acks).toHaveLength(sequences.length)

    // What the province sent and what the nation holds agree: every teacher, each package applied once.
    const teachers = new Set<string>()
    for (const name of names) {
      const text = await readFile(join(dir, name, "changes.ndjson"), "utf8")
      for (const line of text.split("\n").filter((l) => l !== "")) teachers.add(JSON.parse(line).teacherId)
    }
    const provinceSide = Layer.merge(Database.storageLayer({ url: provincialStore.url }), cheapSettings)
    const nationSide = Layer.merge(
      Database.storageLayer({ url: nationalStore.url }),
      Settings.layer(Deployment.national)
    )
    const onNation = <A, E>(e: Effect.Effect<A, E, Storage.Storage | Settings.Settings>) =>
      Effect.runPromise(Effect.provide(e, nationSide))
    const onProvince = <A, E>(e: Effect.Effect<A, E, Storage.Storage | Settings.Settings>) =>
      Effect.runPromise(Effect.provide(e, provinceSide))
    expect(teachers.size).toBeGreaterThanOrEqual(12)
    expect(await onNation(Effect.flatMap(Storage.Storage, (s) => s.exchange.coreCount("42")))).toBe(teachers.size)
    const received = await onNation(Effect.flatMap(Storage.Storage, (s) => s.exchange.received("42", "changes", 1)))
    expect(received.lastSequence).toBe(sequences.length)
    const actions = async (on: typeof onNation, action: string) =>
      (
        await on(Effect.flatMap(Storage.Storage, (s) => s.audit.list({ limit: 1000 })).pipe(Effect.map((p) => p.items)))
      ).filter((r) => r.action === action).length
    expect(await actions(onNation, "exchange.ingest")).toBe(sequences.length)
    expect(await actions(onProvince, "exchange.export")).toBe(sequences.length)
    // The kills landed in the middle of the work (a child that finished first would have printed DONE).
    expect(killed.filter((signal) => signal === "SIGKILL").length).toBeGreaterThan(0)
    expect(await onProvince(Audit.verifyAuditLog)).toMatchObject({ _tag: "Intact" })
    expect(await onNation(Audit.verifyAuditLog)).toMatchObject({ _tag: "Intact" })
  }, 300_000)
})
