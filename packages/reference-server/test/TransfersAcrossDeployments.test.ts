/**
 * Transfers between two real provincial deployments (M23.1 across deployments, M32.1, O4.1): Hubei (42) on SQLite
 * keeps the teachers, Guangdong (44) on Postgres receives them; the handshake travels as transfer packages through
 * files, and each side's process is killed with SIGKILL in the middle of its work — of an exchange and of the
 * transfer's own steps — then run again until it finishes.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Audit, Deployment, type EFile, type Exchange, ExchangePackage, Settings, Storage } from "@tmis/core"
import { Effect, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import * as Database from "../src/Database.js"
import { freeTeachers, seedGuangdong } from "./exchangeSupport.js"
import {
  type Backend,
  cheapSettings,
  postgres,
  postgresReachable,
  runKilled,
  seedDemo,
  sqlite,
  start
} from "./support.js"

const hubeiKeys = ExchangePackage.generateKeys()
const guangdongKeys = ExchangePackage.generateKeys()
const guangdong = Deployment.provincial("44")
const worker = fileURLToPath(new URL("./transferAcrossWorker.ts", import.meta.url))
describe.skipIf(!postgresReachable)("transfers between two provincial deployments killed mid-transfer", () => {
  let hubeiStore: Backend
  let guangdongStore: Backend
  let dir: string

  afterAll(async () => {
    await hubeiStore?.drop()
    await guangdongStore?.drop()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it("M23.1 M32.1 O4.1 SIGKILL of either province in the middle of an exchange and of a transfer's steps: every transfer completes once, nothing lost, nothing applied twice, both audit chains verify", async () => {
    hubeiStore = await sqlite()
    guangdongStore = await postgres()
    dir = await mkdtemp(join(tmpdir(), "tmis-transfers-across-"))
    const seeding = await start(hubeiStore, {}, cheapSettings)
    await seedDemo(seeding, 60)
    await seeding.close()
    const onHubei = <A, E>(e: Effect.Effect<A, E, Storage.Storage | Settings.Settings>) =>
      Effect.runPromise(
        Effect.provide(
          e,
          Layer.merge(Database.storageLayer({ url: hubeiStore.url }), Settings.layer(Deployment.provincial("42")))
        )
      )
    const onGuangdong = <A, E>(e: Effect.Effect<A, E, Storage.Storage | Settings.Settings>) =>
      Effect.runPromise(
        Effect.provide(e, Layer.merge(Database.storageLayer({ url: guangdongStore.url }), Settings.layer(guangdong)))
      )
    await onGuangdong(seedGuangdong)

    // Six teachers of 江岸区实验小学 in no open process.
    const candidates = await onHubei(freeTeachers("/hubei/wuhan/jiangan/jaxx/", 6))
    expect(candidates.length).toBeGreaterThanOrEqual(6)
    const transfers = candidates.slice(0, 6).map((e, i) => ({ id: `x${i + 1}`, idNumber: e.idNumber, teacher: e.id }))

    const registryOf: Record<string, Exchange.KeyRegistry> = {
      "42": { "44": guangdongKeys.publicKey },
      "44": { "42": hubeiKeys.publicKey }
    }
    const receiver = {
      role: "receive",
      url: guangdongStore.url,
      deployment: guangdong,
      province: "44",
      other: "42",
      dir,
      privateKey: guangdongKeys.privateKey,
      registry: registryOf["44"],
      transfers,
      school: "ia-lwsx",
      bureau: "ia-liwan",
      toUnitId: "lwsx"
    }
    const sender = {
      ...receiver,
      role: "send",
      url: hubeiStore.url,
      deployment: Deployment.provincial("42"),
      province: "42",
      other: "44",
      privateKey: hubeiKeys.privateKey,
      registry: registryOf["42"],
      school: "ia-jaxx",
      bureau: "ia-jiangan",
      toUnitId: "jaxx"
    }
    // Per round, the runs that were killed; a run that found its work ended before its kill came must say DONE.
    const killed: Array<number> = []
    /**
     * Each side killed twice in the middle of its work — a few milliseconds after a step committed, the next in
     * flight — then run to its end: the last run takes only the steps left, the ones committed are found done.
     */
    const round = async (job: object) => {
      const acks: Array<string> = []
      let kills = 0
      for (const afterAcks of [2, 3]) {
        const killedRun = await runKilled(worker, job, { afterAcks, delayMs: 5 + Math.floor(Math.random() * 40) })
        if (killedRun.signal === "SIGKILL") kills++
        else expect(killedRun.done).toBe(true)
        acks.push(...killedRun.acks)
      }
      killed.push(kills)
      const last = await runKilled(worker, job, undefined)
      expect(last.done).toBe(true)
      return [...acks, ...last.acks]
    }
    // A step is reported once at most (a kill between its commit and its report leaves it unreported, and the
    // re-run finds it done); the stores' audit logs below count what was done.
    const once = (acks: ReadonlyArray<string>) =>
      expect(acks.filter((a) => !a.startsWith("ingest ")).length).toBe(
        new Set(acks.filter((a) => !a.startsWith("ingest "))).size
      )
    // Guangdong: initiations, its bureau's confirmations, the requests exported.
    once(await round(receiver))
    // Hubei: the requests ingested, its school's and bureau's confirmations, the releases exported.
    once(await round(sender))
    // Guangdong: the releases ingested, the e-files created.
    once(await round(receiver))
    // Kills landed in the middle of each side's work: the second kill of a round may come after the little work left
    // was done (the run then said DONE), never both kills of a side.
    expect([killed[0]! + killed[2]! > 0, killed[1]! > 0]).toEqual([true, true])

    // Every transfer completed on both sides, each step once.
    const received = await onGuangdong(
      Effect.flatMap(Storage.Storage, (s) => Effect.forEach(transfers, (t) => s.transfersAcross.get(t.id)))
    )
    expect(received.map((t) => t._tag === "Some" && [t.value.value.state, t.value.value.open])).toEqual(
      transfers.map(() => ["completed", false])
    )
    const created = await onGuangdong(
      Effect.flatMap(Storage.Storage, (s) => s.teachers.subtree("/guangdong/guangzhou/liwan/lwsx/", { limit: 100 }))
    )
    expect(created.items.map((e) => [e.idNumber, e.status]).sort()).toEqual(
      transfers.map((t) => [t.idNumber, "serving"]).sort()
    )
    const released = await onHubei(
      Effect.flatMap(Storage.Storage, (s) =>
        Effect.forEach(transfers, (t) => s.teachers.get(t.teacher as EFile.TeacherId))
      )
    )
    expect(released.map((e) => e._tag === "Some" && e.value.value.status)).toEqual(
      transfers.map(() => "transferredOut")
    )

    // The records of an action; of a transfer's step, only those of these transfers (the demo has one of its own).
    const ours = new Set(transfers.flatMap((t) => [`workflow:${t.id}`, `transfer:${t.id}`]))
    const actions = async (on: typeof onHubei, action: string) =>
      (
        await on(
          Effect.flatMap(Storage.Storage, (s) => s.audit.list({ limit: 10_000 })).pipe(Effect.map((p) => p.items))
        )
      ).filter((r) => r.action === action && (!action.startsWith("transfer.") || ours.has(r.object))).length
    expect(await actions(onHubei, "transfer.request")).toBe(transfers.length)
    expect(await actions(onGuangdong, "transfer.complete")).toBe(transfers.length)
    expect(await actions(onGuangdong, "transfer.initiate")).toBe(transfers.length)
    expect(await actions(onGuangdong, "transfer.confirm")).toBe(transfers.length)
    expect(await actions(onHubei, "transfer.confirm")).toBe(2 * transfers.length)
    // Each package written is applied once on the other side, in sequence.
    const written = await readdir(dir)
    const toHubei = written.filter((n) => n.startsWith("44-transfer-42-")).length
    const toGuangdong = written.filter((n) => n.startsWith("42-transfer-44-")).length
    expect(toHubei).toBeGreaterThan(0)
    expect(toGuangdong).toBeGreaterThan(0)
    expect(await actions(onHubei, "exchange.transfer.ingest")).toBe(toHubei)
    expect(await actions(onGuangdong, "exchange.transfer.ingest")).toBe(toGuangdong)
    expect(await actions(onHubei, "exchange.transfer.export")).toBe(toGuangdong)
    expect(await actions(onGuangdong, "exchange.transfer.export")).toBe(toHubei)
    expect(await onHubei(Audit.verifyAuditLog)).toMatchObject({ _tag: "Intact" })
    expect(await onGuangdong(Audit.verifyAuditLog)).toMatchObject({ _tag: "Intact" })
  }, 300_000)
})
