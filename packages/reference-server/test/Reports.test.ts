/**
 * The workforce report (M29.1) and the supply forecast (O8.1) through real HTTP on the demo province: a bureau's
 * query-er generates its subtree's report as data, HTML, XLSX and PDF; the same data and period give the same bytes
 * but for the generation time; accounts outside the subtree are refused.
 */
import { existsSync } from "node:fs"
import ExcelJS from "exceljs"
import { chromium } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as ReportRender from "../src/ReportRender.js"
import { actingAs, type Backend, backends, cheapSettings, type Running, seedDemo, start } from "./support.js"

/** Today in Asia/Shanghai: the demo's teachers start serving on the day they are seeded. */
const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)
const period = { from: `${Number(day.slice(0, 4)) - 1}-01-01`, to: day }
const query = `from=${period.from}&to=${period.to}`
const hasChromium = existsSync(process.env.TMIS_CHROMIUM ?? "/usr/bin/chromium")

const stamp = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g

const raw = async (url: string, token: string) => {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    bytes: Buffer.from(await response.arrayBuffer())
  }
}

const sheets = async (bytes: Buffer) => {
  const book = new ExcelJS.Workbook()
  // biome-ignore lint/suspicious/noExplicitAny: exceljs's Buffer type predates Node 20's generic Buffer
  await book.xlsx.load(bytes as any)
  return book.worksheets.map((s) => ({
    name: s.name,
    rows: s.getSheetValues().map((r) => JSON.stringify(r).replace(stamp, ""))
  }))
}

for (const backend of backends.filter((b) => b.name !== "mariadb")) {
  describe(`the workforce report over HTTP on ${backend.name}`, () => {
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

    it("M29.1 a bureau generates its subtree's report: the query service's tables, the changes, the forecast, its queries", async () => {
      const reply = await (await as("iq-wuhan")).post("/units/wuhan/report", { ...period, years: 5 })
      expect(reply.status).toBe(201)
      const report = reply.body
      expect(report.unit.id).toBe("wuhan")
      expect(report.title).toContain("武汉市教育局")
      expect(report.period).toEqual(period)
      expect(report.queries).toHaveLength(report.tables.length)
      for (const q of report.queries) expect(q).toMatchObject({ unitId: "wuhan", asOf: period.to })
      const total = report.tables[0].total.count
      expect(total).toBeGreaterThan(0)
      // Every one-way table counts the same teachers.
      for (const t of report.tables) expect(t.total.count).toBe(total)
      expect(report.changes.onboardings).toBeGreaterThan(0)
      expect(report.forecast.years).toHaveLength(5)
      expect(report.forecast.method.zh.join("")).toContain("渐进式延迟法定退休年龄")
    }, 60_000)

    it("M29.1 the HTML and XLSX of the same data and period are the same bytes but for the generation time", async () => {
      const token = await as.token("iq-wuhan")
      const [a, b] = [
        await raw(`${running.url}/units/wuhan/report.html?${query}`, token),
        await raw(`${running.url}/units/wuhan/report.html?${query}`, token)
      ]
      expect(a.status).toBe(200)
      expect(a.type).toContain("text/html")
      const html = a.bytes.toString("utf8")
      expect(html).toContain("<svg")
      expect(html).toContain("教师补充需求预测")
      expect(html.replace(stamp, "")).toBe(b.bytes.toString("utf8").replace(stamp, ""))
      const [x, y] = [
        await raw(`${running.url}/units/wuhan/report.xlsx?${query}`, token),
        await raw(`${running.url}/units/wuhan/report.xlsx?${query}`, token)
      ]
      expect(x.status).toBe(200)
      expect(x.type).toContain("spreadsheetml")
      expect(await sheets(x.bytes)).toEqual(await sheets(y.bytes))
    }, 60_000)

    it("M13.3 M29.1 a school's account is refused the report and the forecast of its bureau", async () => {
      const school = await as("iq-jaxx")
      expect((await school.post("/units/wuhan/report", period)).status).toBe(403)
      expect((await school.post("/units/wuhan/forecast", { asOf: period.to })).status).toBe(403)
      // A county's query-er does not see its city.
      expect((await (await as("iq-jiangan")).post("/units/wuhan/report", period)).status).toBe(403)
    }, 60_000)

    it("O8.1 the forecast of a subtree: retirements by region, stage and subject, needs against the norms, the method", async () => {
      const reply = await (await as("iq-hubei")).post("/units/hubei/forecast", {
        asOf: period.to,
        years: 10,
        enrolment: [{ region: "420102", level: "primary", students: 2000 }]
      })
      expect(reply.status).toBe(200)
      const f = reply.body
      expect(f.years).toHaveLength(10)
      const sum = f.totalByYear.reduce((a: number, b: number) => a + b, 0)
      expect(f.retirements.reduce((a: number, r: { total: number }) => a + r.total, 0)).toBe(sum)
      expect(f.retirements.reduce((a: number, r: { teachers: number }) => a + r.teachers, 0)).toBeGreaterThan(0)
      expect(f.needs[0]).toMatchObject({ region: "420102", level: "primary", students: 2000, ratio: 19, required: 106 })
      expect(f.method.en.join(" ")).toContain("constant")
      expect((await (await as("iq-hubei")).post("/units/hubei/forecast", { asOf: period.to, years: 0 })).status).toBe(
        400
      )
    }, 60_000)

    it.skipIf(!hasChromium)(
      "M29.1 the report as a PDF printed by Chromium",
      async () => {
        // The server shares one Chromium per process: launch it first, so that a slow launch on a loaded machine is not
        // counted against the server's read timeout.
        await ReportRender.pdf("<p>预热</p>")
        const pdf = await raw(`${running.url}/units/wuhan/report.pdf?${query}`, await as.token("iq-wuhan"))
        expect(pdf.status).toBe(200)
        expect(pdf.type).toBe("application/pdf")
        expect(pdf.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-")
        // TMIS_REPORT_SCREENSHOT=docs/images/report.png: the screenshot of the demo province's report in docs/reports.md.
        const target = process.env.TMIS_REPORT_SCREENSHOT
        if (target !== undefined && backend.name === "sqlite") {
          const html = await raw(`${running.url}/units/hubei/report.html?${query}`, await as.token("iq-hubei"))
          const browser = await chromium.launch({
            executablePath: process.env.TMIS_CHROMIUM ?? "/usr/bin/chromium",
            args: ["--no-sandbox"]
          })
          try {
            const tab = await browser.newPage({ viewport: { width: 900, height: 1600 } })
            await tab.setContent(html.bytes.toString("utf8"), { waitUntil: "load" })
            await tab.screenshot({ path: target })
          } finally {
            await browser.close()
          }
        }
      },
      90_000
    )
  })
}
