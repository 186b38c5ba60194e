/**
 * Workforce statistics (M28.1) and resource allocation (O10.1) through real HTTP on the demo province: a county's
 * query-er reads its own subtree only; small cells are suppressed with their complementary cells; the province
 * crosses two dimensions; the allocation comparison gives inequality measures over schools.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { actingAs, type Backend, backends, cheapSettings, type Running, seedDemo, start } from "./support.js"

interface Cell {
  readonly row: string
  readonly column: string
  readonly count: number | null
  readonly suppressed: boolean
}

for (const backend of backends.filter((b) => b.name !== "mariadb")) {
  describe(`statistics over HTTP on ${backend.name}`, () => {
    let opened: Backend
    let running: Running
    const as = actingAs(() => running)

    beforeAll(async () => {
      opened = await backend.make()
      running = await start(opened, {}, cheapSettings)
      await seedDemo(running, 30)
    }, 120_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
    })

    it("M28.1 a county reads its own subtree only, from the aggregates, labelled in Chinese", async () => {
      const county = await as("iq-jiangan")
      const own = await county.post("/statistics/query", { unitId: "jiangan", rows: "stage" })
      expect(own.status).toBe(200)
      expect(own.body.unit.id).toBe("jiangan")
      expect(own.body.source).toBe("aggregates")
      expect(own.body.rows.label).toBe("学段")
      expect(own.body.total.count).toBeGreaterThan(0)
      for (const path of ["hubei", "wuhan", "xiling"]) {
        const refused = await county.post("/statistics/query", { unitId: path, rows: "gender" })
        expect([path, refused.status]).toEqual([path, 403])
      }
      const province = await (await as("iq-hubei")).post("/statistics/query", { unitId: "hubei" })
      expect(province.body.total.count).toBeGreaterThanOrEqual(own.body.total.count)
      // A system admin reads no statistics (M13.2).
      expect((await (await as("sa-jiangan")).post("/statistics/query", { unitId: "jiangan" })).status).toBe(403)
    })

    it("M28.1 a cross-tabulation: no figure of 1–4 is shown, and no row or column has a single suppressed figure", async () => {
      const reply = await (await as("iq-hubei")).post("/statistics/query", {
        unitId: "hubei",
        rows: "gender",
        columns: "ageBand",
        measures: ["count", "share"]
      })
      expect(reply.status).toBe(200)
      const { cells, columnTotals, rowTotals, suppression, total } = reply.body as {
        cells: ReadonlyArray<Cell>
        rowTotals: ReadonlyArray<Cell>
        columnTotals: ReadonlyArray<Cell>
        total: Cell
        suppression: { threshold: number; primary: number; complementary: number }
      }
      expect(suppression.threshold).toBe(5)
      const all = [...cells, ...rowTotals, ...columnTotals, total]
      for (const c of all) {
        if (c.suppressed) expect(c.count).toBeNull()
        else expect(c.count === 0 || (c.count ?? 0) >= 5).toBe(true)
      }
      const lines = new Map<string, number>()
      for (const c of all) {
        if (!c.suppressed) continue
        lines.set(`r:${c.row}`, (lines.get(`r:${c.row}`) ?? 0) + 1)
        lines.set(`c:${c.column}`, (lines.get(`c:${c.column}`) ?? 0) + 1)
      }
      for (const [line, n] of lines) expect([line, n >= 2]).toEqual([line, true])
      // A malformed query is refused before anything is counted.
      const bad = await (await as("iq-hubei")).post("/statistics/query", { unitId: "hubei", rows: "shoeSize" })
      expect(bad.status).toBe(400)
    })

    it("O10.1 the allocation of teachers over schools, by urban and rural, with Gini and Theil indices", async () => {
      const reply = await (await as("iq-hubei")).get(
        "/units/hubei/statistics/allocation?groupBy=urbanRural&minTeachers=3"
      )
      expect(reply.status).toBe(200)
      const { all, groups, theilTeachers } = reply.body
      expect(all.schools).toBeGreaterThan(0)
      expect(all.teachers).toBeGreaterThan(0)
      expect(groups.reduce((s: number, g: { schools: number }) => s + g.schools, 0)).toBe(all.schools)
      expect(all.indicators.teachers.gini).toBeGreaterThanOrEqual(0)
      expect(all.indicators.teachers.gini).toBeLessThan(1)
      expect(theilTeachers.within + theilTeachers.between).toBeCloseTo(theilTeachers.total, 9)
      expect((await (await as("iq-jiangan")).get("/units/hubei/statistics/allocation")).status).toBe(403)
    })
  })
}
