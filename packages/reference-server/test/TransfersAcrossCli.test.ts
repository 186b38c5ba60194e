/**
 * `tmis exchange transfers-export|transfers-ingest` (M23.1 across deployments, M32.1): Guangdong's operator writes
 * the request of a transfer from Hubei as a package directory, Hubei's operator ingests it (twice: applied once) and
 * the transfer waits for Hubei's school; refused commands exit 3, a wrong command line exits 2.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Accounts, ExchangePackage, TransfersAcross, Workflows } from "@tmis/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "./cli.js"
import { freeTeachers, guangdongSettings, seedGuangdong } from "./exchangeSupport.js"
import {
  type Backend,
  changedPassword,
  cheapSettings,
  login,
  type Running,
  seedDemo,
  sqlite,
  start
} from "./support.js"

describe("tmis exchange transfers-export and transfers-ingest", () => {
  let hubeiStore: Backend
  let guangdongStore: Backend
  let hubei: Running
  let guangdong: Running
  let dir: string
  let hubeiEnv: Record<string, string>
  let guangdongEnv: Record<string, string>
  let transferId: string

  const tmis = (env: Record<string, string>, argv: ReadonlyArray<string>) => runCli(argv, env)

  beforeAll(async () => {
    hubeiStore = await sqlite()
    guangdongStore = await sqlite()
    dir = await mkdtemp(join(tmpdir(), "tmis-transfers-cli-"))
    const hubeiKeys = ExchangePackage.generateKeys()
    const guangdongKeys = ExchangePackage.generateKeys()
    for (const side of ["hubei", "guangdong"]) await mkdir(join(dir, "keys", side), { recursive: true })
    await writeFile(join(dir, "keys", "hubei.key"), hubeiKeys.privateKey)
    await writeFile(join(dir, "keys", "guangdong.key"), guangdongKeys.privateKey)
    // Each province's registry holds the other's public key.
    await writeFile(join(dir, "keys", "hubei", "44.pem"), guangdongKeys.publicKey)
    await writeFile(join(dir, "keys", "guangdong", "42.pem"), hubeiKeys.publicKey)
    hubeiEnv = {
      TMIS_DATABASE_URL: hubeiStore.url,
      TMIS_DEPLOYMENT: "province:42",
      TMIS_PASSWORD: changedPassword,
      TMIS_EXCHANGE_PRIVATE_KEY: join(dir, "keys", "hubei.key"),
      TMIS_EXCHANGE_PROVINCE_KEYS: join(dir, "keys", "hubei")
    }
    guangdongEnv = {
      TMIS_DATABASE_URL: guangdongStore.url,
      TMIS_DEPLOYMENT: "province:44",
      TMIS_PASSWORD: changedPassword,
      TMIS_EXCHANGE_PRIVATE_KEY: join(dir, "keys", "guangdong.key"),
      TMIS_EXCHANGE_PROVINCE_KEYS: join(dir, "keys", "guangdong")
    }
    hubei = await start(hubeiStore, {}, cheapSettings)
    await seedDemo(hubei, 20)
    await login(hubei.url, "ia-hubei")
    guangdong = await start(guangdongStore, {}, guangdongSettings)
    await guangdong.run(seedGuangdong)
    await login(guangdong.url, "ia-guangdong")
    // Guangdong's school initiates and its bureau confirms: the request waits in its outbox.
    const [teacher] = await hubei.run(freeTeachers("/hubei/wuhan/jiangan/jaxx/", 1))
    const initiated = await guangdong.run(
      Effect.flatMap(Accounts.actorOf("ia-lwsx"), (a) =>
        TransfersAcross.initiate(a, {
          id: "x-cli",
          teacherId: "gd-x-cli",
          fromProvince: "42",
          idType: teacher!.idType,
          idNumber: teacher!.idNumber,
          toUnitId: "lwsx",
          effective: "2027-03-01",
          reason: "夫妻团聚"
        })
      )
    )
    transferId = initiated.value.id
    await guangdong.run(
      Effect.flatMap(Accounts.actorOf("ia-liwan"), (a) => TransfersAcross.act(a, transferId, { type: "confirm" }, 1))
    )
    await hubei.close()
    await guangdong.close()
  }, 180_000)

  afterAll(async () => {
    await hubeiStore?.drop()
    await guangdongStore?.drop()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it("M23.1 M32.1 transfers-export → transfers-ingest (twice: applied once), by files; a wrong command line exits 2, the wrong account 3", async () => {
    const out = join(dir, "out")
    const exported = await tmis(guangdongEnv, [
      "exchange",
      "transfers-export",
      "--as",
      "ia-guangdong",
      "--province",
      "42",
      "--out",
      out
    ])
    expect([exported.code, exported.out.trim()]).toEqual([0, join(out, "44-transfer-42-000001")])
    const nothing = await tmis(guangdongEnv, [
      "exchange",
      "transfers-export",
      "--as",
      "ia-guangdong",
      "--province",
      "42",
      "--out",
      out
    ])
    expect([nothing.code, nothing.out]).toEqual([0, "no transfer message waits for 42: nothing exported\n"])
    const packageDir = join(out, "44-transfer-42-000001")
    const ingested = await tmis(hubeiEnv, ["exchange", "transfers-ingest", "--as", "ia-hubei", packageDir, packageDir])
    expect(ingested.code).toBe(0)
    expect(
      ingested.out
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => l.split(": ")[1]?.split(" ")[0])
    ).toEqual(["applied", "already"])
    hubei = await start(hubeiStore, {}, cheapSettings)
    const opened = await hubei.run(Workflows.get(transferId))
    await hubei.close()
    expect(opened.value).toMatchObject({ kind: "transfer", state: "awaitingSendingSchool", open: true })

    // The package ingested by its own issuer: refused (exit 3); no province, no directory: exit 2.
    expect((await tmis(guangdongEnv, ["exchange", "transfers-ingest", "--as", "ia-guangdong", packageDir])).code).toBe(
      3
    )
    expect((await tmis(hubeiEnv, ["exchange", "transfers-export", "--as", "ia-hubei", "--out", out])).code).toBe(2)
    expect((await tmis(hubeiEnv, ["exchange", "transfers-ingest", "--as", "ia-hubei"])).code).toBe(2)
  }, 120_000)
})
