/**
 * Streaming readers for the files a school uploads for batch import (M16.2): CSV in UTF-8 or GB18030/GBK (what
 * Excel on Chinese Windows writes as "CSV"), and XLSX (the first worksheet). A file is opened once for its header
 * and read once, row by row; memory does not grow with the file. A broken file is refused with a `TableError` that a
 * school clerk can act on.
 *
 * CSV is parsed by csv-parse; what is this module's own is the encoding detection, the UTF-8 check that names the
 * row and byte of a bad sequence, Excel's row numbers and the refusals a clerk can act on.
 *
 * @since 0.1.0
 */

import * as fs from "node:fs"
import * as path from "node:path"
import { openCsv } from "./internal/csv.js"
import { oldExcel, oleSignature, readHead, refuse, startsWith, TableError, unreadable } from "./internal/table.js"
import { openXlsx } from "./internal/xlsx.js"
import { SpreadsheetReaderMissing } from "./Spreadsheet.js"

export { TableError } from "./internal/table.js"

/**
 * The formats read: CSV (comma separated) and XLSX.
 *
 * @since 0.1.0
 */
export type Format = "csv" | "xlsx"

/**
 * The encodings of a CSV file: UTF-8, or GB18030 (which includes GBK and GB2312).
 *
 * @since 0.1.0
 */
export type Encoding = "utf8" | "gb18030"

/**
 * One data row: `line` is the row number as a person sees it in Excel (the header is row 1, first data row 2).
 * `cells` has exactly one cell per header (missing cells are "").
 *
 * @since 0.1.0
 */
export interface Row {
  readonly line: number
  readonly cells: ReadonlyArray<string>
}

/**
 * An opened file: its header and a one-pass stream of its data rows.
 *
 * @since 0.1.0
 */
export interface Table {
  readonly path: string
  readonly format: Format
  /** The encoding read (CSV only). */
  readonly encoding: Encoding | undefined
  /** The header cells, trimmed, BOM removed. */
  readonly headers: ReadonlyArray<string>
  /** Bytes of the file, for progress. */
  readonly size: number
  /** Bytes consumed so far (for a progress bar). */
  readonly bytesRead: () => number
  /** The data rows, streamed, one pass only. Throws TableError mid-way on a broken file. */
  readonly rows: () => AsyncIterable<Row>
  /**
   * Release the file when `rows()` is not read to its end (say, the headers were refused). Reading `rows()` to the
   * end, or leaving its loop early, releases it too. Needed for XLSX, whose reading starts in `open`; a no-op for CSV.
   */
  readonly close: () => Promise<void>
}

const formatOf = (file: string, name: string, format: Format | undefined): Format => {
  if (format !== undefined) return format
  const ext = path.extname(file).toLowerCase()
  if (ext === ".csv" || ext === ".txt") return "csv"
  if (ext === ".xlsx") return "xlsx"
  if (ext === ".xls") throw oldExcel(name)
  throw refuse(
    name,
    "format",
    `无法识别文件${name}的格式，请导入.csv或.xlsx文件`,
    `cannot tell the format of ${name}: import a .csv or an .xlsx file`
  )
}

/**
 * Open a CSV or XLSX file and read its header (M16.2). The format comes from `options.format`, else from the
 * extension (.csv or .txt: CSV; .xlsx: XLSX); an old .xls workbook is refused (save it as .xlsx or CSV). A CSV's
 * encoding is `options.encoding`, or with "auto" (the default) UTF-8 when the file starts with a UTF-8 BOM or its
 * first 64 KiB are valid UTF-8, else GB18030. Rejects with a `TableError` on a file that cannot be read. Refusals
 * name the file by `options.name` (say, the name of an upload kept under another name), default its base name.
 *
 * @since 0.1.0
 */
export const open = async (
  file: string,
  options: { readonly format?: Format; readonly encoding?: Encoding | "auto"; readonly name?: string } = {}
): Promise<Table> => {
  const name = options.name ?? path.basename(file)
  const format = formatOf(file, name, options.format)
  let size: number
  try {
    const stat = await fs.promises.stat(file)
    if (!stat.isFile()) throw new Error("not a file")
    size = stat.size
  } catch (e) {
    throw (e as NodeJS.ErrnoException).code === "ENOENT"
      ? refuse(name, "unreadable", `找不到文件${name}`, `${name} was not found`)
      : unreadable(file, name, e)
  }
  try {
    if (format === "xlsx") return await openXlsx(file, name, size)
    const head = await readHead(file, 8)
    if (startsWith(head, oleSignature)) throw oldExcel(name)
    return await openCsv(file, name, size, options.encoding ?? "auto")
  } catch (e) {
    throw e instanceof TableError || e instanceof SpreadsheetReaderMissing ? e : unreadable(file, name, e)
  }
}
