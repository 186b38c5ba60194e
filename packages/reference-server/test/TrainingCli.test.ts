/**
 * `tmis training` on the demo province in a SQLite file (M25, O9.1): a county's projects, the results awaiting it, a
 * teacher's ledger, and a provider's file of results submitted from the command line (M25.2).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Accounts, Storage, Training } from "@tmis/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "./cli.js"
import { type Backend, changedPassword, cheapSettings, login, seedDemo, sqlite, start } from "./support.js"

describe("tmis training", () => {
  let backend: Backend
  let directory: string
  let key: string
  let teachers: ReadonlyArray<string>
  const tmis = (argv: ReadonlyArray<string>, env: Record<string, string> = {}) =>
    runCli(argv, { TMIS_DATABASE_URL: backend.url, TMIS_PASSWORD: changedPassword, ...env })

  beforeAll(async () => {
    backend = await sqlite()
    directory = await mkdtemp(join(tmpdir(), "tmis-training-cli-"))
    const running = await start(backend, {}, cheapSettings)
    await seedDemo(running, 20)
    for (const id of ["ia-jiangan", "ia-jaxx"]) await login(running.url, id)
    // A provider of 江岸区 with a project of its own, two of 江岸区实验小学's teachers enrolled.
    const setUp = await running.run(
      Effect.gen(function* () {
        const storage = yield* Storage.Storage
        const county = yield* Accounts.actorOf("ia-jiangan")
        const school = yield* Accounts.actorOf("ia-jaxx")
        const { key } = yield* Training.registerProvider(county, { id: "pv-cli", name: "江岸区教师进修学校" })
        yield* Training.createProject(county, {
          id: "cli1",
          name: "命令行提交项目",
          kind: "county",
          hours: 40,
          form: "course",
          providerId: "pv-cli",
          from: "2025-03-01",
          to: "2025-06-30",
          capacity: 10
        })
        const found = (yield* storage.teachers.subtree("/hubei/wuhan/jiangan/jaxx/", { limit: 2 })).items
        for (const t of found) yield* Training.enrol(school, "cli1", t.id)
        return { key, teachers: found.map((t) => t.id) }
      })
    )
    key = setUp.key
    teachers = setUp.teachers
    await running.close()
  }, 120_000)

  afterAll(async () => {
    await backend?.drop()
    if (directory !== undefined) await rm(directory, { recursive: true, force: true })
  })

  it("M25.1 M25.3 lists a county's projects and the results awaiting it, as JSON", async () => {
    const projects = await tmis(["training", "projects", "--unit", "jiangan", "--as", "ia-jiangan"])
    expect(projects.code).toBe(0)
    expect(JSON.parse(projects.out).map((p: { readonly id: string }) => p.id)).toEqual(["cli1", "tp-demo-jiangan"])
    const awaiting = await tmis(["training", "awaiting", "--as", "ia-jiangan"])
    expect(awaiting.code).toBe(0)
    expect(JSON.parse(awaiting.out).map((r: { readonly id: string }) => r.id)).toEqual(["tr-demo-2", "tr-demo-3"])
    // Not the school's: refused by the rule (exit 3).
    const school = await tmis(["training", "projects", "--unit", "jiangan", "--as", "ia-jaxx"])
    expect(school.code).toBe(3)
  })

  it("M25.2 O9.1 a provider submits a file of results from the command line; the same file again skips; the teacher's ledger reads as JSON", async () => {
    const file = join(directory, "结业名单.csv")
    await writeFile(
      file,
      `教师ID,项目编号,学时,结业日期\n${teachers[0]},cli1,40,2025-06-30\n${teachers[1]},cli1,41,2025-06-30\n`
    )
    const report = join(directory, "errors.csv")
    const first = await tmis(["training", "submit", "--provider", "pv-cli", "--file", file, "--report", report], {
      TMIS_PROVIDER_KEY: key
    })
    expect([first.code, first.out.split("\n")[0]]).toEqual([
      1,
      "结业名单.csv: 2 rows read, 1 submitted, 1 refused, 0 already in"
    ])
    expect(first.err).toContain("row 3 学时: 41 — M25.2")
    const again = await tmis(["training", "submit", "--provider", "pv-cli", "--file", file], {
      TMIS_PROVIDER_KEY: key
    })
    expect(again.out).toContain("2 rows read, 0 submitted, 1 refused, 1 already in")
    const wrongKey = await tmis(["training", "submit", "--provider", "pv-cli", "--file", file], {
      TMIS_PROVIDER_KEY: "not-the-key"
    })
    expect([wrongKey.code, wrongKey.err]).toEqual([3, expect.stringContaining("M25.2")])
    const noKey = await tmis(["training", "submit", "--provider", "pv-cli", "--file", file])
    expect(noKey.code).toBe(2)

    const ledger = await tmis(["training", "ledger", "--teacher", teachers[0]!, "--as", "ia-jaxx"])
    expect(ledger.code).toBe(0)
    expect(JSON.parse(ledger.out)).toMatchObject({ entries: expect.any(Array), balance: expect.any(Object) })
    const bad = await tmis(["training", "ledger", "--teacher", teachers[0]!, "--as", "ia-jaxx", "--from", "2025"])
    expect(bad.code).toBe(2)
  })

  it("M25.3 O9.1 confirms the results awaiting a county at once; named again, each is refused as already confirmed (exit 1)", async () => {
    const bySchool = await tmis(["training", "confirm", "--as", "ia-jaxx", "tr-demo-2:1"])
    expect(bySchool.code).toBe(1)
    expect(JSON.parse(bySchool.out)).toEqual([
      { resultId: "tr-demo-2", outcome: "refused", reason: expect.stringMatching(/^M25\.3: /) }
    ])
    const awaiting = JSON.parse((await tmis(["training", "awaiting", "--as", "ia-jiangan"])).out)
    const confirmed = await tmis(["training", "confirm", "--as", "ia-jiangan", "--awaiting"])
    expect(confirmed.code).toBe(0)
    const outcomes = JSON.parse(confirmed.out)
    expect(
      outcomes.map((o: { readonly resultId: string; readonly outcome: string }) => [o.resultId, o.outcome])
    ).toEqual(awaiting.map((r: { readonly id: string }) => [r.id, "confirmed"]))
    expect(JSON.parse((await tmis(["training", "awaiting", "--as", "ia-jiangan"])).out)).toEqual([])
    const again = await tmis(["training", "confirm", "--as", "ia-jiangan", "tr-demo-2:2", "tr-demo-3:2"])
    expect(again.code).toBe(1)
    expect(JSON.parse(again.out).map((o: { readonly outcome: string }) => o.outcome)).toEqual(["refused", "refused"])
    const ledger = JSON.parse((await tmis(["training", "ledger", "--teacher", teachers[0]!, "--as", "ia-jaxx"])).out)
    // Booked once: every key of the teacher's ledger is used once, and each confirmation's entry is there.
    const keys = ledger.entries.map((e: { readonly key: string }) => e.key)
    expect(new Set(keys).size).toBe(keys.length)
    const ids = new Set(ledger.entries.map((e: { readonly id: string }) => e.id))
    expect(outcomes.filter((o: { readonly entryId: string }) => ids.has(o.entryId))).toHaveLength(1)
    expect((await tmis(["training", "confirm", "--as", "ia-jiangan"])).code).toBe(2)
    expect((await tmis(["training", "confirm", "--as", "ia-jiangan", "tr-demo-2"])).code).toBe(2)
  })

  it("refuses an unknown sub-verb with the usage (exit 2)", async () => {
    const unknown = await tmis(["training", "delete"])
    expect([unknown.code, unknown.err]).toEqual([2, expect.stringContaining("tmis training projects|awaiting")])
  })
})
