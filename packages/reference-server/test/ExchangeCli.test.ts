/**
 * `tmis exchange` (M32.1, M17.4): a provincial and a national store, each a SQLite file, exchanging packages as
 * directories of files through the command line, with the keys from the environment; refused commands exit 3, a
 * wrong command line exits 2.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ExchangePackage } from "@tmis/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "./cli.js"
import { bootstrapNational, nationalSettings } from "./exchangeSupport.js"
import { type Backend, changedPassword, cheapSettings, login, seedDemo, sqlite, start } from "./support.js"

describe("tmis exchange", () => {
  let provincialStore: Backend
  let nationalStore: Backend
  let dir: string
  let provinceEnv: Record<string, string>
  let nationalEnv: Record<string, string>

  const tmis = (env: Record<string, string>, argv: ReadonlyArray<string>) => runCli(argv, env)

  beforeAll(async () => {
    provincialStore = await sqlite()
    nationalStore = await sqlite()
    dir = await mkdtemp(join(tmpdir(), "tmis-exchange-cli-"))
    const hubei = ExchangePackage.generateKeys()
    const national = ExchangePackage.generateKeys()
    await mkdir(join(dir, "keys", "provinces"), { recursive: true })
    await writeFile(join(dir, "keys", "hubei.key"), hubei.privateKey)
    await writeFile(join(dir, "keys", "national.key"), national.privateKey)
    await writeFile(join(dir, "keys", "national.pem"), national.publicKey)
    await writeFile(join(dir, "keys", "provinces", "42.pem"), hubei.publicKey)
    provinceEnv = {
      TMIS_DATABASE_URL: provincialStore.url,
      TMIS_DEPLOYMENT: "province:42",
      TMIS_PASSWORD: changedPassword,
      TMIS_EXCHANGE_PRIVATE_KEY: join(dir, "keys", "hubei.key"),
      TMIS_EXCHANGE_NATIONAL_KEY: join(dir, "keys", "national.pem")
    }
    nationalEnv = {
      TMIS_DATABASE_URL: nationalStore.url,
      TMIS_DEPLOYMENT: "national",
      TMIS_PASSWORD: changedPassword,
      TMIS_EXCHANGE_PRIVATE_KEY: join(dir, "keys", "national.key"),
      TMIS_EXCHANGE_PROVINCE_KEYS: join(dir, "keys", "provinces")
    }
    const province = await start(provincialStore, {}, cheapSettings)
    await seedDemo(province, 8)
    for (const id of ["ia-hubei", "sa-hubei"]) await login(province.url, id)
    await province.close()
    const nation = await start(nationalStore, {}, nationalSettings)
    await nation.run(bootstrapNational)
    await login(nation.url, "ia-moe")
    await nation.close()
  }, 180_000)

  afterAll(async () => {
    await provincialStore?.drop()
    await nationalStore?.drop()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it("M32.1 M17.4 export → ingest (twice: applied once) → feedback → import-feedback, by files", async () => {
    const out = join(dir, "out")
    const exported = await tmis(provinceEnv, ["exchange", "export", "--as", "ia-hubei", "--out", out])
    expect([exported.code, exported.err]).toEqual([0, ""])
    const packageDir = exported.out.trim()
    expect(packageDir).toBe(join(out, "42-changes-000001"))
    expect((await readdir(packageDir)).sort()).toEqual(["changes.ndjson", "manifest.json"])
    const nothing = await tmis(provinceEnv, ["exchange", "export", "--as", "ia-hubei", "--out", out])
    expect([nothing.code, nothing.out]).toEqual([0, "nothing changed since the last package: nothing exported\n"])

    const ingested = await tmis(nationalEnv, ["exchange", "ingest", "--as", "ia-moe", packageDir, packageDir])
    expect(ingested.code).toBe(0)
    expect(ingested.out.split("\n").map((l) => l.split(" — ")[0])).toEqual([
      `${packageDir}: applied`,
      `${packageDir}: already`,
      ""
    ])

    const feedback = await tmis(nationalEnv, [
      "exchange",
      "feedback",
      "--as",
      "ia-moe",
      "--province",
      "42",
      "--out",
      out
    ])
    expect(feedback.code).toBe(0)
    const feedbackDir = feedback.out.trim()
    expect(feedbackDir).toBe(join(out, "national-feedback-000001"))
    const imported = await tmis(provinceEnv, ["exchange", "import-feedback", "--as", "ia-hubei", feedbackDir])
    expect([imported.code, imported.out.split(" — ")[0]]).toEqual([0, `${feedbackDir}: applied`])
  }, 120_000)

  it("M32.1 M13.2 a system admin, a changed file and the wrong side are refused (exit 3); a wrong command line exits 2", async () => {
    const out = join(dir, "refused")
    const admin = await tmis(provinceEnv, ["exchange", "export", "--as", "sa-hubei", "--out", out])
    expect([admin.code, admin.err]).toEqual([3, expect.stringContaining("refused — M13.2")])
    const [first] = (await readdir(join(dir, "out"))).filter((n) => n.startsWith("42-changes"))
    const tampered = join(dir, "tampered")
    await mkdir(tampered, { recursive: true })
    for (const name of await readdir(join(dir, "out", first!))) {
      const text = await readFile(join(dir, "out", first!, name), "utf8")
      await writeFile(
        join(tampered, name),
        name === "changes.ndjson" ? text.replace(/"name":"[^"]*"/, '"name":"冒名"') : text
      )
    }
    const changed = await tmis(nationalEnv, ["exchange", "ingest", "--as", "ia-moe", tampered])
    expect([changed.code, changed.err]).toEqual([3, expect.stringContaining("refused — M32.1")])
    const wrongSide = await tmis(provinceEnv, ["exchange", "ingest", "--as", "ia-hubei", tampered])
    expect([wrongSide.code, wrongSide.err]).toEqual([3, expect.stringContaining("refused — M32.1")])
    expect((await tmis(provinceEnv, ["exchange", "constructor"])).code).toBe(2)
    expect((await tmis(provinceEnv, ["exchange", "export", "--as", "ia-hubei"])).code).toBe(2)
    expect((await tmis(nationalEnv, ["exchange", "feedback", "--as", "ia-moe", "--out", out])).code).toBe(2)
  }, 120_000)
})
