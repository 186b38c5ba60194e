/**
 * The update cycles over HTTP on every backend, on the demo province (M18.1): the cycles and deadlines, a unit's
 * completion recorded once, and the late-unit report as of any day — who may call each. Spot checks (M17.2): a
 * seeded sample anyone redraws, findings, the published result.
 */
import { SpotCheck } from "@tmis/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { actingAs, type Backend, backends, cheapSettings, type Running, seedDemo, start } from "./support.js"

for (const backend of backends) {
  describe(`update cycles, spot checks and registration over HTTP on ${backend.name}`, () => {
    let opened: Backend
    let running: Running
    const as = actingAs(() => running)

    beforeAll(async () => {
      opened = await backend.make()
      running = await start(opened, {}, cheapSettings)
      await seedDemo(running, 20)
    }, 60_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
    })

    it("M18.1 GET /update-cycles gives the cycles due in a year with their deadlines (31 March, 30 September)", async () => {
      const reply = await (await as("iq-jaxx")).get("/update-cycles?day=2027-02-01")
      expect(reply.status).toBe(200)
      expect(reply.body.current).toMatchObject({ id: "2026-annual", deadline: "2027-03-31" })
      expect(reply.body.dueThisYear.map((c: { readonly deadline: string }) => c.deadline)).toEqual([
        "2027-03-31",
        "2027-09-30"
      ])
      expect((await (await as("iq-jaxx")).get("/update-cycles?day=2027-13-01")).status).toBe(422)
    })

    it("M18.1 a school records its completion once; its bureau waits for the others; the report reads as of any day", async () => {
      const school = await as("ia-jaxx")
      const done = await school.post("/units/jaxx/update-cycles/2026-h1/completion", {})
      expect(done.status).toBe(201)
      expect(done.body).toMatchObject({ cycle: "2026-h1", unitId: "jaxx", by: "ia-jaxx" })
      const again = await school.post("/units/jaxx/update-cycles/2026-h1/completion", {})
      expect([again.status, again.body.rule]).toEqual([409, "M18.1"])
      // 武汉市第二中学 has not completed: 江岸区 cannot.
      const county = await (await as("ia-jiangan")).post("/units/jiangan/update-cycles/2026-h1/completion", {})
      expect([county.status, county.body.rule]).toEqual([422, "M18.1"])
      // A school's admin does not record its bureau's completion.
      const other = await school.post("/units/jiangan/update-cycles/2026-h1/completion", {})
      expect([other.status, other.body.rule]).toEqual([403, "M14.3"])

      const reader = await as("iq-jiangan")
      const before = await reader.get("/units/jiangan/update-cycles/2026-h1/report?day=2026-09-30")
      expect(before.status).toBe(200)
      expect(
        before.body.lines.map((l: { readonly unitId: string; readonly status: string }) => [l.unitId, l.status])
      ).toEqual([
        ["jiangan", "pending"],
        ["jaxx", "pending"],
        ["whez", "pending"]
      ])
      const now = await reader.get("/units/jiangan/update-cycles/2026-h1/report")
      expect(now.body.counts).toEqual({ completed: 0, completedLate: 1, pending: 0, late: 2 })
      expect(now.body.lines.find((l: { readonly unitId: string }) => l.unitId === "jaxx")).toMatchObject({
        status: "completedLate",
        completedOn: done.body.day
      })
      // A school reads no bureau's report; a bad cycle is refused before the core.
      expect((await school.get("/units/jiangan/update-cycles/2026-h1/report")).status).toBe(403)
      expect((await reader.get("/units/jiangan/update-cycles/2026-h2/report")).status).toBe(400)
    })

    it("M17.2 a bureau draws a seeded sample of its subtree, records findings, publishes; the subtree reads the result", async () => {
      const bureau = await as("ia-jiangan")
      expect(
        (await (await as("ia-jaxx")).post("/spot-checks", { id: "sc-x", unitId: "jaxx", schools: 1, teachers: 1 }))
          .status
      ).toBe(403)
      const drawn = await bureau.post("/spot-checks", {
        id: "sc-1",
        unitId: "jiangan",
        schools: 1,
        teachers: 2,
        seed: "2026-jiangan"
      })
      expect(drawn.status).toBe(201)
      const check = drawn.body
      expect(check.population.schools).toEqual(["jaxx", "whez"])
      expect(check.sample.teachers).toHaveLength(2)
      expect(check.redrawn).toBe(true)
      expect(SpotCheck.draw(check.population, check.sizes, "2026-jiangan")).toEqual(check.sample)
      // Another unit's subtree holds none of the sample.
      for (const id of check.population.teachers) expect(typeof id).toBe("string")
      let version = check.version
      for (const teacherId of check.sample.teachers) {
        const reply = await bureau.post(`/spot-checks/sc-1/findings`, {
          teacherId,
          result: "accurate",
          note: "",
          expectedVersion: version
        })
        expect(reply.status).toBe(200)
        version = reply.body.version
      }
      const stale = await bureau.post(`/spot-checks/sc-1/findings`, {
        teacherId: check.sample.teachers[0],
        result: "accurate",
        note: "",
        expectedVersion: 1
      })
      expect(stale.status).toBe(409)
      expect((await (await as("iq-jaxx")).get("/spot-checks/sc-1")).status).toBe(403)
      const published = await bureau.post("/spot-checks/sc-1/publish", {
        summary: "抽查2人，信息准确",
        expectedVersion: version
      })
      expect([published.status, published.body.state]).toEqual([200, "published"])
      const read = await (await as("iq-jaxx")).get("/spot-checks/sc-1")
      expect([read.status, read.body.published.summary]).toEqual([200, "抽查2人，信息准确"])
    })

    it("M26.1 a county bureau starts every school's round of its subtree in one pass; again, it resumes; a school may not", async () => {
      const pass = { idPrefix: "r2017", cycleFrom: "2017-01-01" }
      const school = await (await as("ia-jaxx")).post("/units/jiangan/registrations", pass)
      expect([school.status, school.body.rule]).toEqual([403, "M14.3"])
      const bureau = await as("ia-jiangan")
      const bad = await bureau.post("/units/jiangan/registrations", { ...pass, idPrefix: "r 2017" })
      expect(bad.status).toBe(400)

      const started = await bureau.post("/units/jiangan/registrations", pass)
      expect(started.status).toBe(200)
      expect(started.body).toMatchObject({ rounds: 2, resumed: [], transactions: 1 })
      const rounds = await Promise.all(["jaxx", "whez"].map((s) => bureau.get(`/registrations/r2017-${s}`)))
      for (const round of rounds) {
        expect([round.status, round.body.state, round.body.history[0].actor]).toEqual([
          200,
          "awaitingBureau",
          "ia-jiangan"
        ])
      }
      expect(started.body.teachers).toBe(rounds.reduce((n, r) => n + r.body.results.length, 0))
      const outcomes = Object.values(started.body.outcomes as Record<string, number>)
      expect(outcomes.reduce((a, b) => a + b, 0)).toBe(started.body.teachers)

      const again = await bureau.post("/units/jiangan/registrations", pass)
      expect(again.body).toMatchObject({ rounds: 0, teachers: 0, resumed: ["jaxx", "whez"] })
      // 江岸区实验小学 has the demo's open round of the 2022 cycle: the transaction holding it starts no school's round.
      const open = await bureau.post("/units/jiangan/registrations", { idPrefix: "r2022", cycleFrom: "2022-01-01" })
      expect([open.status, open.body.rule]).toEqual([409, "M26.1"])
      expect((await bureau.get("/registrations/r2022-whez")).status).toBe(404)
    })

    it("M26.1 the demo's registration round: every teacher's outcome with each reason and its rule; the bureau confirms, the school cannot", async () => {
      const reader = await as("iq-jiangan")
      const round = await reader.get("/registrations/reg-demo-jaxx")
      expect([round.status, round.body.state]).toEqual([200, "awaitingBureau"])
      expect(round.body.results.length).toBeGreaterThan(0)
      for (const r of round.body.results) {
        expect(r.reasons.map((x: { readonly check: string }) => x.check)).toEqual([
          "training",
          "assessments",
          "ethics",
          "awayFromTeaching",
          "qualification"
        ])
        for (const x of r.reasons) expect(x.rule).toBe("M26.1")
      }
      const school = await as("ia-jaxx")
      const own = await school.post("/registrations/reg-demo-jaxx/actions", {
        type: "confirm",
        expectedVersion: round.body.version
      })
      expect([own.status, own.body.rule]).toEqual([403, "M26.1"])
      const again = await school.post("/registrations", { id: "reg-2", unitId: "jaxx", cycleFrom: "2022-01-01" })
      expect([again.status, again.body.rule]).toEqual([409, "M26.1"])
      const confirmed = await (await as("ia-jiangan")).post("/registrations/reg-demo-jaxx/actions", {
        type: "confirm",
        expectedVersion: round.body.version
      })
      expect([confirmed.status, confirmed.body.state]).toEqual([200, "completed"])
    })
  })
}
