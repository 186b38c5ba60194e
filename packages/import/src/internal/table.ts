/**
 * What the CSV and XLSX readers of {@link Table} share: the refusal of a file (`TableError`), reading a file's first and
 * last bytes, counting the bytes read, and shaping the header and the rows as a school clerk sees them in Excel.
 */
import * as fs from "node:fs"
import { Transform } from "node:stream"
import { Refusal } from "@tmis/core"
import { Schema } from "effect"
import type { Row } from "../Table.js"

/**
 * A file that cannot be read as a table (M16.2): `details` has `file` (the file's name as the school knows it, never
 * the path it was read from), `reason` (a code: "empty", "noHeader",
 * "duplicateHeader", "blankHeader", "unclosedQuote", "tooManyCells", "encoding", "format", "xls", "corrupt",
 * "truncated", "noWorksheet", "unreadable", "rowTooLong") and, for a problem in a row, `line`.
 *
 * @since 0.1.0
 */
export class TableError extends Schema.TaggedError<TableError>()("TableError", Refusal.fields) {
  override get message() {
    return Refusal.format(this)
  }
}

/** A record as parsed: every line counts (empty ones too), so that `line` is Excel's row number. */
export interface Parsed {
  line: number
  cells: Array<string>
}

export const refuse = (
  file: string,
  reason: string,
  zh: string,
  en: string,
  extra: Readonly<Record<string, unknown>> = {}
): TableError => new TableError({ kind: "invalid", rule: "M16.2", zh, en, details: { file, reason, ...extra } })

export const oldExcel = (name: string): TableError =>
  refuse(
    name,
    "xls",
    `${name}是旧版Excel（.xls）文件，无法导入。请在Excel中“另存为”Excel工作簿（.xlsx）或CSV文件后再导入`,
    `${name} is an old Excel (.xls) workbook, which cannot be imported: in Excel, "Save As" an Excel workbook (.xlsx) or CSV and import that`
  )

export const sampleSize = 64 * 1024
export const chunkSize = 256 * 1024
export const startsWith = (bytes: Uint8Array, prefix: ReadonlyArray<number>): boolean =>
  bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b)

export const utf8Bom = [0xef, 0xbb, 0xbf]
export const gb18030Bom = [0x84, 0x31, 0x95, 0x33]
export const zipSignature = [0x50, 0x4b, 0x03, 0x04]
export const oleSignature = [0xd0, 0xcf, 0x11, 0xe0]

export const readHead = async (file: string, length: number): Promise<Buffer> => {
  const handle = await fs.promises.open(file, "r")
  try {
    const buffer = Buffer.alloc(length)
    const { bytesRead } = await handle.read(buffer, 0, length, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

export const readTail = async (file: string, size: number, length: number): Promise<Buffer> => {
  const handle = await fs.promises.open(file, "r")
  try {
    const start = Math.max(0, size - length)
    const buffer = Buffer.alloc(size - start)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

export type Counter = { n: number }

/** Counts the bytes read from the file (for `bytesRead`) and passes them on. */
export const counting = (counter: Counter): Transform =>
  new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counter.n += chunk.length
      callback(null, chunk)
    }
  })

export const unreadable = (file: string, name: string, e: unknown): TableError =>
  refuse(
    name,
    "unreadable",
    `无法读取文件${name}：${causeOf(e, file, name)}`,
    `cannot read ${name}: ${causeOf(e, file, name)}`
  )

/** What went wrong, naming the file as the school knows it: a system error's message names the path read. */
export const causeOf = (e: unknown, file: string, name: string): string => {
  const message = e instanceof Error ? e.message : String(e)
  return file === name ? message : message.replaceAll(file, name)
}

export const isBlank = (cells: ReadonlyArray<string>): boolean => {
  for (const c of cells) if (c.length > 0 && c.trim().length > 0) return false
  return true
}

const columnName = (index: number): string => {
  let n = index + 1
  let s = ""
  while (n > 0) {
    const r = (n - 1) % 26
    s = String.fromCharCode(65 + r) + s
    n = Math.floor((n - 1) / 26)
  }
  return s
}

export const headerOf = (name: string, record: Parsed): ReadonlyArray<string> => {
  const cells = record.cells.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, "") : c).trim())
  // Excel leaves empty cells right of the table in a CSV export: they are no columns.
  let width = cells.length
  while (width > 0 && cells[width - 1] === "") width--
  const headers = cells.slice(0, width)
  const blank = headers.indexOf("")
  if (blank >= 0) {
    throw refuse(
      name,
      "blankHeader",
      `${name}表头（第${record.line}行）第${blank + 1}列（${columnName(blank)}列）没有列名，请填写列名或删除该列`,
      `column ${blank + 1} (${columnName(blank)}) of the header of ${name} (row ${record.line}) has no name: name it or delete the column`,
      { line: record.line, column: blank + 1 }
    )
  }
  const seen = new Map<string, number>()
  for (const [i, h] of headers.entries()) {
    const before = seen.get(h)
    if (before !== undefined) {
      throw refuse(
        name,
        "duplicateHeader",
        `${name}表头中列名“${h}”出现了两次（第${before + 1}列和第${i + 1}列），请删除或改名其中一列`,
        `the header of ${name} has the column "${h}" twice (columns ${before + 1} and ${i + 1}): delete or rename one`,
        { line: record.line, header: h, columns: [before + 1, i + 1] }
      )
    }
    seen.set(h, i)
  }
  return headers
}

/** The row with exactly `width` cells; undefined for an empty row. */
export const shape = (name: string, record: Parsed, width: number): Row | undefined => {
  const cells = record.cells
  if (isBlank(cells)) return undefined
  if (cells.length < width) {
    for (let k = cells.length; k < width; k++) cells.push("")
  } else if (cells.length > width) {
    for (let k = width; k < cells.length; k++) {
      if (cells[k]!.trim().length > 0) {
        throw refuse(
          name,
          "tooManyCells",
          `${name}第${record.line}行在第${k + 1}列（${columnName(k)}列）还有内容，但表头只有${width}列。请检查该行是否多了逗号或错位`,
          `row ${record.line} of ${name} has a value in column ${k + 1} (${columnName(k)}), but the header has only ${width} columns: check the row for an extra comma or shifted cells`,
          { line: record.line, cells: cells.length, columns: width }
        )
      }
    }
    cells.length = width
  }
  return record
}

export const noHeader = (name: string): TableError =>
  refuse(
    name,
    "noHeader",
    `${name}没有表头行：第一行应为列名（如“姓名”“身份证件号”）`,
    `${name} has no header row: the first row names the columns (such as 姓名, 身份证件号)`
  )

export const onePass = (): never => {
  throw new Error("Table.rows() reads the file once; open the file again to read it again")
}
