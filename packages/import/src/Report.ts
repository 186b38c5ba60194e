/**
 * The error report of a batch import (M16.2): one line per problem, with the row as Excel numbers it, the column's
 * header, the value, the reason and the rule id. Written as CSV (UTF-8 with BOM and CRLF, so that Excel on Chinese
 * Windows opens it right) or as XLSX, streamed.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { stringify } from "csv-stringify"
import * as Exceljs from "./internal/exceljs.js"

/**
 * One problem of one row: `row` as Excel numbers it (the header is row 1), `column` the file's header, `value` the
 * cell as read, `reason` in Chinese and English, `rule` the rule id (M16.2, M11.1, M17.3, …). A warning (`severity`
 * "warning") is about a row that was imported as problem data (M17.3); its reason starts with 警告 (warning) and says
 * so, as the report has no column of its own for it.
 *
 * @since 0.1.0
 */
export interface ReportLine {
  readonly row: number
  readonly column: string
  readonly value: string
  readonly reason: string
  readonly rule: string
  readonly severity?: "error" | "warning"
}

/**
 * The formats of a report.
 *
 * @since 0.1.0
 */
export type ReportFormat = "csv" | "xlsx"

/**
 * The report's header row: 行 列 值 原因 规则 (written), and the same in English.
 *
 * @since 0.1.0
 */
export const headers: { readonly zh: ReadonlyArray<string>; readonly en: ReadonlyArray<string> } = {
  zh: ["行", "列", "值", "原因", "规则"],
  en: ["row", "column", "value", "reason", "rule"]
}

const formatOf = (file: string, format: ReportFormat | undefined): ReportFormat => {
  if (format !== undefined) return format
  const ext = path.extname(file).toLowerCase()
  if (ext === ".xlsx") return "xlsx"
  if (ext === ".csv" || ext === ".txt") return "csv"
  throw new Error(`cannot tell the report format from ${JSON.stringify(file)}: name it .csv or .xlsx, or pass format`)
}

const writeCsv = async (file: string, lines: Iterable<ReportLine> | AsyncIterable<ReportLine>): Promise<number> => {
  let count = 0
  async function* records() {
    yield headers.zh
    for await (const line of lines) {
      count++
      yield [String(line.row), line.column, line.value, line.reason, line.rule]
    }
  }
  await pipeline(
    Readable.from(records()),
    stringify({ bom: true, record_delimiter: "windows" }),
    fs.createWriteStream(file)
  )
  return count
}

// Characters XML 1.0 cannot hold; a value read from a broken file may carry them, and they would corrupt the sheet.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the control characters XML 1.0 forbids.
const notXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/
const notXmlAll = new RegExp(notXml.source, "g")
const xmlSafe = (s: string): string => (notXml.test(s) ? s.replace(notXmlAll, "") : s)

const writeXlsx = async (file: string, lines: Iterable<ReportLine> | AsyncIterable<ReportLine>): Promise<number> => {
  const exceljs = await Exceljs.load()
  const workbook = new exceljs.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false })
  const sheet = workbook.addWorksheet("错误报告", { views: [{ state: "frozen", ySplit: 1 }] })
  // The value column is text, so that an 18-digit identity number keeps its digits when edited in Excel.
  sheet.columns = [{ width: 8 }, { width: 24 }, { width: 24, style: { numFmt: "@" } }, { width: 72 }, { width: 8 }]
  const header = sheet.addRow([...headers.zh])
  header.font = { bold: true }
  header.commit()
  let count = 0
  for await (const line of lines) {
    count++
    const row = sheet.addRow([line.row, xmlSafe(line.column), xmlSafe(line.value), xmlSafe(line.reason), line.rule])
    row.getCell(3).numFmt = "@"
    row.commit()
  }
  sheet.commit()
  await workbook.commit()
  return count
}

/**
 * Write the lines to `path` (format from the option or the extension: .csv or .xlsx); returns how many lines were
 * written. Streams: the lines are read once, as they come.
 *
 * @since 0.1.0
 */
export const write = (
  file: string,
  lines: Iterable<ReportLine> | AsyncIterable<ReportLine>,
  options: { readonly format?: ReportFormat } = {}
): Promise<number> => {
  try {
    return formatOf(file, options.format) === "xlsx" ? writeXlsx(file, lines) : writeCsv(file, lines)
  } catch (e) {
    return Promise.reject(e)
  }
}
