/**
 * `tmis registration` on the demo province in a SQLite file (M26.1): a county bureau starts the rounds of its schools
 * in one pass, a line of progress a transaction; the pass run again resumes; a round is read back; a school's
 * account is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "./cli.js"
import { type Backend, changedPassword, cheapSettings, login, seedDemo, sqlite, start } from "./support.js"

describe("tmis registration", () => {
  let backend: Backend
  const tmis = (argv: ReadonlyArray<string>) =>
    runCli(argv, { TMIS_DATABASE_URL: backend.url, TMIS_PASSWORD: changedPassword })
  const pass = ["registration", "start", "--unit", "jiangan", "--cycle-from", "2017-01-01", "--id-prefix", "c2017"]

  beforeAll(async () => {
    backend = await sqlite()
    const running = await start(backend, {}, cheapSettings)
    await seedDemo(running, 20)
    for (const id of ["ia-jiangan", "ia-jaxx"]) await login(running.url, id)
    await running.close()
  }, 120_000)

  afterAll(async () => {
    await backend?.drop()
  })

  it("M26.1 a county bureau starts its schools' rounds, one transaction a school here, progress on stderr; again, it resumes", async () => {
    const ran = await tmis([...pass, "--per-transaction", "1", "--as", "ia-jiangan"])
    expect(ran.code).toBe(0)
    const done = JSON.parse(ran.out)
    expect(done).toMatchObject({ rounds: 2, resumed: [], transactions: 2 })
    const lines = ran.err.trim().split("\n")
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(
      new RegExp(`^registration c2017: ${done.teachers} teachers decided, 2 rounds started, 2 transactions`)
    )

    const shown = await tmis(["registration", "show", "--round", "c2017-whez", "--as", "ia-jiangan"])
    expect(shown.code).toBe(0)
    const round = JSON.parse(shown.out)
    expect(round).toMatchObject({ id: "c2017-whez", state: "awaitingBureau", cycle: { from: "2017-01-01" } })
    expect(round.results.length).toBeGreaterThan(0)

    const again = await tmis([...pass, "--as", "ia-jiangan"])
    expect([again.code, JSON.parse(again.out)]).toEqual([
      0,
      { rounds: 0, teachers: 0, resumed: ["jaxx", "whez"], outcomes: {}, transactions: 1 }
    ])
  })

  it("M26.1 M14.3 a school's account starts no pass over its bureau; a bad prefix or day is a usage error", async () => {
    const school = await tmis([...pass.slice(0, -1), "c-school", "--as", "ia-jaxx"])
    expect(school.code).toBe(3)
    expect(school.err).toContain("M14.3")
    expect((await tmis(["registration", "show", "--round", "c-school-jaxx", "--as", "ia-jiangan"])).code).toBe(3)
    expect((await tmis([...pass.slice(0, -1), "c 2017", "--as", "ia-jiangan"])).code).toBe(2)
    const day = await tmis(["registration", "start", "--unit", "jiangan", "--cycle-from", "2017", "--id-prefix", "x"])
    expect([day.code, day.err]).toEqual([2, expect.stringContaining("--cycle-from")])
  })
})
