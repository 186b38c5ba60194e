import { setTimeout as sleep } from "node:timers/promises"
import { Report } from "@tmis/core"
import { Schema } from "effect"
import ExcelJS from "exceljs"
import { describe, expect, it } from "vitest"
import * as ReportRender from "../src/ReportRender.js"
import { fixture } from "./reportFixture.js"

const first = "2026-07-01T08:00:00.000Z"
const second = "2026-07-02T09:30:15.123Z"

const cellsOf = async (bytes: Buffer) => {
  const book = new ExcelJS.Workbook()
  // biome-ignore lint/suspicious/noExplicitAny: exceljs's Buffer type predates Node 20's generic Buffer
  await book.xlsx.load(bytes as any)
  return book.worksheets.map((sheet) => ({
    name: sheet.name,
    rows: sheet.getSheetValues().map((row) => JSON.stringify(row))
  }))
}

describe("the report's renderings", () => {
  it("M29.1 the report is a Schema: it encodes and decodes to itself", () => {
    const report = fixture(first)
    expect(
      Schema.decodeUnknownSync(Report.Report)(JSON.parse(JSON.stringify(Schema.encodeSync(Report.Report)(report))))
    ).toEqual(report)
  })

  it("M29.1 the HTML has the charts as SVG, the tables, the changes, the forecast's method and the queries", () => {
    const page = ReportRender.html(fixture(first))
    expect(page).toContain('<html lang="zh-CN">')
    expect(page).not.toContain("<script")
    // One chart for the changes, one per section, one for the forecast.
    expect(page.match(/<svg /g)).toHaveLength(Report.sections.length + 2)
    for (const s of Report.sections) expect(page).toContain(s.title)
    expect(page).toContain("本期变动")
    expect(page).toContain("调入")
    expect(page).toContain("&lt;5") // a suppressed cell
    expect(page).toContain("每4个月延迟1个月")
    expect(page).toContain("&quot;rows&quot;: &quot;stage&quot;") // the recorded query
    expect(page).toContain("东城区")
  })

  it("M28.1 a suppressed cell is neither drawn nor drawn as 0 in a chart: its category is marked as the table marks it", () => {
    const page = ReportRender.html(fixture(first))
    const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? "")
    const ages = (page.match(/<svg[\s\S]*?<\/svg>/g) ?? []).map(texts).find((t) => t.includes("29岁及以下"))
    expect(ages).toBeDefined()
    const categories = ages!.filter(
      (t) => t.endsWith("岁及以下") || t.endsWith("岁") || t.includes("岁（") || t.includes("岁及以上")
    )
    const marked = categories.filter((t) => t.endsWith("（&lt;5）"))
    // The fixture hides the two oldest bands (one primary, one complementary).
    expect(marked).toEqual(["55～59岁（&lt;5）", "60岁及以上（&lt;5）"])
    // One value label a drawn bar: the axis ticks are the numbers before the first category.
    const values = ages!.slice(ages!.indexOf(categories.at(-1)!) + 1)
    expect(values).toHaveLength(categories.length - marked.length)
    expect(values).not.toContain("0")
  })

  it("M29.1 the same report renders to the same HTML bytes but for its timestamp, in any process state", () => {
    const a = ReportRender.html(fixture(first))
    const again = ReportRender.html(fixture(first)) // ECharts' instance counter has moved on
    expect(again).toBe(a)
    const b = ReportRender.html(fixture(second))
    expect(b).not.toBe(a)
    expect(b.replaceAll(second, "")).toBe(a.replaceAll(first, ""))
  })

  it("M29.1 the same report renders to the same XLSX bytes whenever packed, and differs only in the timestamp", async () => {
    const a = await ReportRender.xlsx(fixture(first))
    await sleep(2_100) // the zip's times count in 2-second steps
    const again = await ReportRender.xlsx(fixture(first))
    expect(Buffer.compare(a, again)).toBe(0)
    const b = await ReportRender.xlsx(fixture(second))
    const [sa, sb] = [await cellsOf(a), await cellsOf(b)]
    const strip = (sheets: typeof sa, stamp: string) =>
      sheets.map((s) => ({ ...s, rows: s.rows.map((r) => r.replaceAll(stamp, "")) }))
    expect(strip(sb, second)).toEqual(strip(sa, first))
    expect(sa.map((s) => s.name)).toContain("补充需求预测")
    expect(sa.find((s) => s.name === "本期变动")!.rows.join("")).toContain('"调入",4')
  })
})
