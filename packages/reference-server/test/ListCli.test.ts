import { Accounts, EFiles, Storage } from "@tmis/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "./cli.js"
import { type Backend, changedPassword, cheapSettings, login, seedDemo, sqlite, start } from "./support.js"

const lines = (out: string) =>
  out
    .trim()
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>)

describe("tmis list efiles and change-requests", () => {
  let backend: Backend
  let requestId: string
  const tmis = (argv: ReadonlyArray<string>) =>
    runCli(argv, { TMIS_DATABASE_URL: backend.url, TMIS_PASSWORD: changedPassword })

  beforeAll(async () => {
    backend = await sqlite()
    const running = await start(backend, {}, cheapSettings)
    await seedDemo(running, 20)
    for (const id of ["ia-jiangan", "iq-jiangan"]) await login(running.url, id)
    // One change request on a teacher of 江岸区实验小学: its basic information made effective, then a change asked.
    requestId = await running.run(
      Effect.gen(function* () {
        const storage = yield* Storage.Storage
        const school = yield* Accounts.actorOf("ia-jaxx")
        const bureau = yield* Accounts.actorOf("ia-jiangan")
        const [teacher] = (yield* storage.teachers.subtree("/hubei/wuhan/jiangan/jaxx/", { limit: 1 })).items
        const entry = (yield* storage.entries.byTeacher(teacher!.id)).find((e) => e.value.group === "basicInfo")!
        let version = entry.version
        if (entry.value.review.state === "submitted") {
          const approval = {
            type: "approveBySchool",
            collectiveReview: "2026-校务会-01",
            principal: "张校长",
            signedOn: "2026-11-01"
          } as const
          version = (yield* EFiles.review(school, entry.value.id, approval, version)).version
        }
        yield* EFiles.review(bureau, entry.value.id, { type: "approveByBureau" }, version)
        const request = yield* EFiles.requestChange(school, {
          id: "cr-cli",
          entryId: entry.value.id,
          change: { staffNumber: "A-0001" },
          reason: "补录工号"
        })
        return request.value.id
      })
    )
    await running.close()
  }, 120_000)

  afterAll(async () => {
    await backend?.drop()
  })

  it("M13.3 tmis list efiles --name/--status/--pending-review gives the unfiltered listing filtered; --id-number finds one", async () => {
    const everyone = lines((await tmis(["list", "efiles", "--unit", "jiangan", "--as", "ia-jiangan"])).out)
    expect(everyone.length).toBeGreaterThan(3)
    const first = everyone[0] as { id: string; name: string; idNumber: string; status: string }
    const surname = first.name.slice(0, 1)
    const named = await tmis(["list", "efiles", "--unit", "jiangan", "--as", "ia-jiangan", "--name", surname])
    expect(named.code).toBe(0)
    expect(lines(named.out).map((e) => e.id)).toEqual(
      everyone.filter((e) => String(e.name).startsWith(surname)).map((e) => e.id)
    )
    const serving = await tmis(["list", "efiles", "--unit", "jiangan", "--as", "ia-jiangan", "--status", "serving"])
    expect(lines(serving.out).map((e) => e.id)).toEqual(everyone.filter((e) => e.status === "serving").map((e) => e.id))
    const pending = lines(
      (await tmis(["list", "efiles", "--unit", "jiangan", "--as", "ia-jiangan", "--pending-review"])).out
    ).map((e) => e.id)
    const settled = lines(
      (await tmis(["list", "efiles", "--unit", "jiangan", "--as", "ia-jiangan", "--no-pending-review"])).out
    ).map((e) => e.id)
    expect([...pending, ...settled].sort()).toEqual(everyone.map((e) => e.id).sort())
    expect(pending.filter((id) => settled.includes(id))).toEqual([])
    const one = await tmis([
      "list",
      "efiles",
      "--unit",
      "jiangan",
      "--as",
      "ia-jiangan",
      "--id-number",
      first.idNumber.toLowerCase()
    ])
    expect(lines(one.out).map((e) => e.id)).toEqual([first.id])
  }, 60_000)

  it("M37.2 a query-er's --id-number is refused (exit 3, the rule printed); a wrong filter exits 2", async () => {
    const everyone = lines((await tmis(["list", "efiles", "--unit", "jiangan", "--as", "ia-jiangan"])).out)
    const refused = await tmis([
      "list",
      "efiles",
      "--unit",
      "jiangan",
      "--as",
      "iq-jiangan",
      "--id-number",
      String(everyone[0]!.idNumber)
    ])
    expect([refused.code, refused.out]).toEqual([3, ""])
    expect(refused.err).toContain("M37.2")
    for (const wrong of [
      ["--status", "working"],
      ["--stage", "college"],
      ["--name", "  "],
      ["--state", "requested"]
    ]) {
      const ran = await tmis(["list", "efiles", "--unit", "jiangan", "--as", "ia-jiangan", ...wrong])
      expect([wrong, ran.code]).toEqual([wrong, 2])
    }
    expect((await tmis(["list", "units", "--unit", "jiangan", "--as", "ia-jiangan", "--name", "王"])).code).toBe(2)
  }, 60_000)

  it("M19.2 tmis list change-requests gives a unit's change requests by state, without identity numbers; a query-er is refused", async () => {
    const all = await tmis(["list", "change-requests", "--unit", "jiangan", "--as", "ia-jiangan"])
    expect([all.code, all.err]).toEqual([0, "listed 1 change-requests\n"])
    expect(lines(all.out)).toEqual([
      expect.objectContaining({
        id: requestId,
        status: "requested",
        unitId: "jaxx",
        change: { staffNumber: "A-0001" },
        reason: "补录工号",
        version: 1
      })
    ])
    expect(all.out).not.toMatch(/\d{17}[\dX]/)
    const requested = ["list", "change-requests", "--unit", "jiangan", "--as", "ia-jiangan", "--state", "requested"]
    expect(lines((await tmis(requested)).out).map((r) => r.id)).toEqual([requestId])
    const refusedOnes = ["list", "change-requests", "--unit", "jiangan", "--as", "ia-jiangan", "--state", "refused"]
    expect((await tmis(refusedOnes)).out).toBe("")
    expect(
      (await tmis(["list", "change-requests", "--unit", "jiangan", "--as", "ia-jiangan", "--state", "open"])).code
    ).toBe(2)
    expect((await tmis(["list", "change-requests", "--as", "ia-jiangan"])).code).toBe(2)
    const queryer = await tmis(["list", "change-requests", "--unit", "jiangan", "--as", "iq-jiangan"])
    expect([queryer.code, queryer.err]).toEqual([3, expect.stringContaining("M13.4")])
  }, 60_000)
})
