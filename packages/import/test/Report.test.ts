import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Report, Table } from "@tmis/import"
import ExcelJS from "exceljs"
import { afterAll, describe, expect, it } from "vitest"

const dir = fs.mkdtempSync(`${os.tmpdir()}/tmis-`)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const lines: ReadonlyArray<Report.ReportLine> = [
  {
    row: 2,
    column: "身份证件号",
    value: "110101199003070017",
    reason: "校验码不正确 (wrong check character)",
    rule: "M17.3"
  },
  { row: 3, column: "出生日期", value: "1990-02-30", reason: "日期不存在 (no such date)", rule: "M16.2" },
  { row: 5, column: "备注", value: '含逗号, "引号"\n和换行', reason: "过长 (too long)", rule: "M11.1" }
]

async function* slowly(): AsyncGenerator<Report.ReportLine> {
  for (const line of lines) {
    await new Promise((resolve) => setTimeout(resolve, 1))
    yield line
  }
}

describe("Report", () => {
  it("M16.2 the CSV report is UTF-8 with a BOM and CRLF, has the header 行,列,值,原因,规则 and reads back as written", async () => {
    const file = path.join(dir, "errors.csv")
    expect(await Report.write(file, lines)).toBe(3)
    const bytes = fs.readFileSync(file)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = bytes.toString("utf8")
    expect(text.startsWith("\uFEFF行,列,值,原因,规则\r\n")).toBe(true)
    expect(text).toContain("身份证件号")
    expect(text.endsWith("\r\n")).toBe(true)
    expect(Report.headers.zh).toEqual(["行", "列", "值", "原因", "规则"])
    expect(Report.headers.en).toEqual(["row", "column", "value", "reason", "rule"])

    // Read back with the import's own reader.
    const table = await Table.open(file)
    expect(table.headers).toEqual([...Report.headers.zh])
    const rows: Array<ReadonlyArray<string>> = []
    for await (const row of table.rows()) rows.push(row.cells)
    expect(rows).toEqual(lines.map((l) => [String(l.row), l.column, l.value, l.reason, l.rule]))
  })

  it("M16.2 the XLSX report has one bold-headed sheet 错误报告, the value column as text, and reads back with exceljs", async () => {
    const file = path.join(dir, "errors.xlsx")
    expect(await Report.write(file, slowly())).toBe(3)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.readFile(file)
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["错误报告"])
    const sheet = workbook.getWorksheet("错误报告")!
    expect(sheet.getRow(1).values).toEqual([undefined, "行", "列", "值", "原因", "规则"])
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true)
    expect(sheet.getRow(2).values).toEqual([
      undefined,
      2,
      "身份证件号",
      "110101199003070017",
      lines[0]!.reason,
      "M17.3"
    ])
    // An identity number is a string cell formatted as text: Excel shows all 18 digits.
    expect(sheet.getRow(2).getCell(3).type).toBe(ExcelJS.ValueType.String)
    expect(sheet.getRow(2).getCell(3).numFmt).toBe("@")
    expect(sheet.getRow(4).getCell(3).value).toBe(lines[2]!.value)
    expect(sheet.rowCount).toBe(4)
  })

  it("M16.2 the format comes from the option over the extension; an empty report has the header only", async () => {
    const file = path.join(dir, "errors.report")
    expect(await Report.write(file, [], { format: "csv" })).toBe(0)
    expect(fs.readFileSync(file, "utf8")).toBe("\uFEFF行,列,值,原因,规则\r\n")
    await expect(Report.write(path.join(dir, "errors.pdf"), lines)).rejects.toThrow(/\.csv or \.xlsx/)
  })
})
