/**
 * `tmis report` (M29.1): the report of a unit's subtree written as HTML, XLSX or JSON, as an account; refused
 * outside the account's scope (M13.3); a wrong command line exits 2.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "./cli.js"
import { type Backend, changedPassword, cheapSettings, login, seedDemo, sqlite, start } from "./support.js"

const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)

describe("tmis report", () => {
  let backend: Backend
  let directory: string
  const tmis = (argv: ReadonlyArray<string>) =>
    runCli(argv, { TMIS_DATABASE_URL: backend.url, TMIS_PASSWORD: changedPassword })

  beforeAll(async () => {
    backend = await sqlite()
    directory = mkdtempSync(join(tmpdir(), "tmis-report-"))
    const running = await start(backend, {}, cheapSettings)
    await seedDemo(running, 20)
    for (const id of ["iq-wuhan", "iq-jaxx"]) await login(running.url, id)
    await running.close()
  }, 120_000)

  afterAll(async () => {
    await backend?.drop()
    rmSync(directory, { recursive: true, force: true })
  })

  it("M29.1 writes the report of a subtree as HTML, XLSX and JSON, the format by the file's extension", async () => {
    const common = ["report", "--unit", "wuhan", "--as", "iq-wuhan", "--from", `${day.slice(0, 4)}-01-01`, "--to", day]
    const html = await tmis([...common, "--out", join(directory, "r.html")])
    expect(html.err).toContain("written to")
    expect(html.code).toBe(0)
    const page = readFileSync(join(directory, "r.html"), "utf8")
    expect(page).toContain("武汉市教育局教师队伍建设报告")
    expect(page).toContain("<svg")
    expect((await tmis([...common, "--out", join(directory, "r.xlsx")])).code).toBe(0)
    expect(readFileSync(join(directory, "r.xlsx")).subarray(0, 2).toString("latin1")).toBe("PK")
    expect((await tmis([...common, "--years", "3", "--out", join(directory, "r.json")])).code).toBe(0)
    const report = JSON.parse(readFileSync(join(directory, "r.json"), "utf8"))
    expect(report.forecast.years).toHaveLength(3)
    expect(report.queries[0]).toMatchObject({ unitId: "wuhan", asOf: day })
  }, 60_000)

  it("M13.3 M29.1 a school's account is refused its bureau's report (exit 3), a bad command line exits 2", async () => {
    const refused = await tmis([
      "report",
      "--unit",
      "wuhan",
      "--as",
      "iq-jaxx",
      "--from",
      "2026-01-01",
      "--to",
      day,
      "--out",
      join(directory, "x.html")
    ])
    expect(refused.code).toBe(3)
    expect(refused.err).toContain("refused")
    expect(
      (
        await tmis([
          "report",
          "--unit",
          "wuhan",
          "--as",
          "iq-wuhan",
          "--from",
          "2026-01-01",
          "--to",
          day,
          "--out",
          "x.doc"
        ])
      ).code
    ).toBe(2)
    expect((await tmis(["report", "--unit", "wuhan", "--as", "iq-wuhan", "--out", "x.html"])).code).toBe(2)
  }, 60_000)
})
