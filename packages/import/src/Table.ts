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

import { isUtf8 } from "node:buffer"
import * as fs from "node:fs"
import * as path from "node:path"
import { pipeline, Transform } from "node:stream"
import { Refusal } from "@tmis/core"
import { type Parser, parse } from "csv-parse"
import { Schema } from "effect"
import type ExcelJS from "exceljs"
import iconv from "iconv-lite"
import * as Exceljs from "./internal/exceljs.js"
import { SpreadsheetReaderMissing } from "./Spreadsheet.js"

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
interface Parsed {
  line: number
  cells: Array<string>
}

const refuse = (
  file: string,
  reason: string,
  zh: string,
  en: string,
  extra: Readonly<Record<string, unknown>> = {}
): TableError => new TableError({ kind: "invalid", rule: "M16.2", zh, en, details: { file, reason, ...extra } })

// ── Options ──────────────────────────────────────────────────────────────────────────────────────────────────────

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

const oldExcel = (name: string): TableError =>
  refuse(
    name,
    "xls",
    `${name}是旧版Excel（.xls）文件，无法导入。请在Excel中“另存为”Excel工作簿（.xlsx）或CSV文件后再导入`,
    `${name} is an old Excel (.xls) workbook, which cannot be imported: in Excel, "Save As" an Excel workbook (.xlsx) or CSV and import that`
  )

// ── Bytes and encodings ──────────────────────────────────────────────────────────────────────────────────────────

const sampleSize = 64 * 1024
const chunkSize = 256 * 1024
// A row this long is not a teacher's record: most likely a quote that never closes swallowed the rest of the file.
const maxRecordBytes = 1024 * 1024

const startsWith = (bytes: Uint8Array, prefix: ReadonlyArray<number>): boolean =>
  bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b)

const utf8Bom = [0xef, 0xbb, 0xbf]
const gb18030Bom = [0x84, 0x31, 0x95, 0x33]
const zipSignature = [0x50, 0x4b, 0x03, 0x04]
const oleSignature = [0xd0, 0xcf, 0x11, 0xe0]

/** The end of the last complete UTF-8 sequence: an incomplete one at the very end waits for the next chunk. */
const completeEnd = (bytes: Uint8Array): number => {
  const n = bytes.length
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = bytes[n - k]!
    if ((b & 0xc0) === 0x80) continue
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    return need > k ? n - k : n
  }
  return n
}

/** Where the first invalid UTF-8 sequence starts (the WHATWG decoder's rules), or -1. Only on the error path. */
const firstInvalidUtf8 = (bytes: Uint8Array): number => {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let lower = 0x80
    let upper = 0xbf
    if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      if (b === 0xe0) lower = 0xa0
      if (b === 0xed) upper = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      if (b === 0xf0) lower = 0x90
      if (b === 0xf4) upper = 0x8f
    } else return i
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if (c === undefined || c < (k === 1 ? lower : 0x80) || c > (k === 1 ? upper : 0xbf)) return i
    }
    i += need + 1
  }
  return -1
}

const readHead = async (file: string, length: number): Promise<Buffer> => {
  const handle = await fs.promises.open(file, "r")
  try {
    const buffer = Buffer.alloc(length)
    const { bytesRead } = await handle.read(buffer, 0, length, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

const readTail = async (file: string, size: number, length: number): Promise<Buffer> => {
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

/** "auto": a UTF-8 BOM, or a first 64 KiB that is valid UTF-8, means UTF-8; anything else is read as GB18030. */
const detectEncoding = (sample: Buffer, wholeFile: boolean): Encoding => {
  if (startsWith(sample, utf8Bom)) return "utf8"
  if (startsWith(sample, gb18030Bom)) return "gb18030"
  return isUtf8(wholeFile ? sample : sample.subarray(0, completeEnd(sample))) ? "utf8" : "gb18030"
}

// ── CSV ──────────────────────────────────────────────────────────────────────────────────────────────────────────

type Counter = { n: number }

/** Counts the bytes read from the file (for `bytesRead`) and passes them on. */
const counting = (counter: Counter): Transform =>
  new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counter.n += chunk.length
      callback(null, chunk)
    }
  })

/** The index after the last LF or CR in `bytes[0, end)`, or 0. */
const afterLastLineBreak = (bytes: Uint8Array, end: number): number => {
  for (let k = end - 1; k >= 0; k--) if (bytes[k] === 10 || bytes[k] === 13) return k + 1
  return 0
}

/**
 * Checks that the bytes are UTF-8 (isUtf8 is much faster than a fatal TextDecoder) and passes them on undecoded:
 * csv-parse decodes UTF-8 itself. At the first invalid sequence it passes on the complete lines before it and ends, so
 * that the parser counts the rows before the bad bytes and the error names the row they are in.
 */
class Utf8Check extends Transform {
  /** The file offset of the first invalid sequence, once met. */
  failure: number | undefined
  // What follows the last line break: the row it starts must not reach the parser before its bytes are known good,
  // for the parser would close it as a record at the end of its input.
  private carry: Buffer | undefined
  private offset = 0

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.failure !== undefined) {
      callback()
      return
    }
    const bytes = this.carry === undefined ? chunk : Buffer.concat([this.carry, chunk])
    const start = this.offset - (this.carry?.length ?? 0)
    this.offset += chunk.length
    // An incomplete sequence at the very end waits for the next chunk.
    const end = completeEnd(bytes)
    if (!isUtf8(bytes.subarray(0, end))) {
      const bad = Math.max(0, firstInvalidUtf8(bytes.subarray(0, end)))
      this.fail(bytes, bad, start + bad)
      callback()
      return
    }
    let cut = afterLastLineBreak(bytes, end)
    // A line this long is no row: let the parser refuse it (max_record_size) rather than hold it here.
    if (cut === 0 && end > maxRecordBytes) cut = end
    this.carry = cut === bytes.length ? undefined : bytes.subarray(cut)
    if (cut > 0) this.push(bytes.subarray(0, cut))
    callback()
  }

  override _flush(callback: (error?: Error | null) => void): void {
    const carry = this.carry
    if (this.failure === undefined && carry !== undefined) {
      const end = completeEnd(carry)
      if (end < carry.length) this.fail(carry, end, this.offset - (carry.length - end))
      else this.push(carry)
    }
    callback()
  }

  private fail(bytes: Buffer, bad: number, at: number): void {
    this.failure = at
    this.carry = undefined
    const cut = afterLastLineBreak(bytes, bad)
    if (cut > 0) this.push(bytes.subarray(0, cut))
    this.push(null)
  }
}

/** A parse error, passed down the parser's output in order with the records: the records before it come out first. */
class ParseFailure {
  constructor(
    readonly code: string,
    readonly quoteOpen: boolean
  ) {}
}

/**
 * The records of a CSV file, decoded and parsed, each with its `line` (every record counts, empty ones too, so that
 * `line` is Excel's row number): file → byte count → UTF-8 check or GB18030 decoding → csv-parse.
 */
async function* csvRecords(file: string, name: string, encoding: Encoding, counter: Counter): AsyncGenerator<Parsed> {
  const source = fs.createReadStream(file, { highWaterMark: chunkSize })
  const utf8 = encoding === "utf8" ? new Utf8Check() : undefined
  // iconv-lite replaces what is not GB18030 (there is no invalid GB18030 file, only wrong characters) and drops a BOM.
  const decode = utf8 ?? iconv.decodeStream("gb18030")
  const parser: Parser = parse({
    // Excel's CSV: comma separated, "" for a quote in a quoted cell, CRLF (or LF, or CR) line ends, mixed too.
    record_delimiter: ["\r\n", "\n", "\r"],
    bom: true,
    // Rows shorter or longer than the header are shaped (and refused) below, naming the row and the column.
    relax_column_count: true,
    // Lenient where Excel is: a quote inside an unquoted cell, or text after a closing quote, is kept.
    relax_quotes: true,
    // Empty lines are records too: they count for the row numbers, and are skipped below.
    skip_empty_lines: false,
    max_record_size: maxRecordBytes,
    // An error thrown by the parser stream would discard the records it has parsed but not yet handed out, the header
    // of a short file included: errors come out in order with the records instead.
    skip_records_with_error: true,
    on_skip: (error) => {
      // The parser's state is the only place that tells an unclosed quote from a long row.
      const state = (parser as unknown as { readonly state?: { readonly quoting?: boolean } }).state
      parser.push(new ParseFailure(error?.code ?? "CSV_UNKNOWN_ERROR", state?.quoting === true))
      return undefined
    }
  })
  // A failing stage destroys the parser with its error, which the loop below then throws.
  pipeline(source, counting(counter), decode, parser, () => {})
  const notUtf8 = (line: number, at: number): TableError =>
    refuse(
      name,
      "encoding",
      `${name}第${line}行（第${at}字节处）不是有效的UTF-8编码。请在Excel中将文件另存为“CSV UTF-8（逗号分隔）”，或导入时选择GB18030编码`,
      `row ${line} of ${name} (byte ${at}) is not valid UTF-8: save the file as "CSV UTF-8 (comma delimited)" in Excel, or import it with encoding gb18030`,
      { line, offset: at }
    )
  let line = 0
  try {
    for await (const item of parser as AsyncIterable<Array<string> | ParseFailure>) {
      if (!(item instanceof ParseFailure)) {
        yield { line: ++line, cells: item }
        continue
      }
      const at = line + 1
      // The UTF-8 check cut the input short: a quote open at its end is the row the bad bytes are in.
      if (utf8?.failure !== undefined && item.code === "CSV_QUOTE_NOT_CLOSED") throw notUtf8(at, utf8.failure)
      throw item.code === "CSV_QUOTE_NOT_CLOSED" || item.quoteOpen
        ? refuse(
            name,
            "unclosedQuote",
            `${name}第${at}行的引号没有闭合，文件可能不完整（被截断）或有多余的引号。请检查该行，或重新导出文件`,
            `row ${at} of ${name} opens a quote that is never closed: the file may be truncated or the row has a stray quote; check that row or export the file again`,
            { line: at }
          )
        : refuse(
            name,
            "rowTooLong",
            `${name}第${at}行超过${maxRecordBytes}字节，不是有效的数据行`,
            `row ${at} of ${name} is longer than ${maxRecordBytes} bytes and cannot be a data row`,
            { line: at }
          )
    }
    if (utf8?.failure !== undefined) throw notUtf8(line + 1, utf8.failure)
  } catch (e) {
    throw e instanceof TableError ? e : unreadable(file, name, e)
  } finally {
    parser.destroy()
    source.destroy()
  }
}

const unreadable = (file: string, name: string, e: unknown): TableError =>
  refuse(
    name,
    "unreadable",
    `无法读取文件${name}：${causeOf(e, file, name)}`,
    `cannot read ${name}: ${causeOf(e, file, name)}`
  )

/** What went wrong, naming the file as the school knows it: a system error's message names the path read. */
const causeOf = (e: unknown, file: string, name: string): string => {
  const message = e instanceof Error ? e.message : String(e)
  return file === name ? message : message.replaceAll(file, name)
}

// ── XLSX ─────────────────────────────────────────────────────────────────────────────────────────────────────────

/** A number as typed: no exponent, no trailing ".0". */
const numberText = (n: number): string => {
  if (!Number.isFinite(n)) return String(n)
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString()
  const s = String(n)
  return s.includes("e") ? n.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: 20 }) : s
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n))

/** Excel's dates carry no zone: exceljs gives them as UTC. */
const dateText = (d: Date): string =>
  Number.isNaN(d.getTime())
    ? ""
    : `${String(d.getUTCFullYear()).padStart(4, "0")}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`

/** A cell's value as the school typed it. */
const cellText = (value: unknown): string => {
  if (value === null || value === undefined) return ""
  switch (typeof value) {
    case "string":
      return value
    case "number":
      return numberText(value)
    case "boolean":
      return value ? "是" : "否"
    case "object": {
      if (value instanceof Date) return dateText(value)
      const v = value as {
        readonly richText?: ReadonlyArray<{ readonly text?: string | null }>
        readonly result?: unknown
        readonly formula?: unknown
        readonly sharedFormula?: unknown
        readonly error?: unknown
        readonly text?: unknown
      }
      if (Array.isArray(v.richText)) return v.richText.map((r) => r.text ?? "").join("")
      if ("formula" in v || "sharedFormula" in v || "result" in v) return cellText(v.result)
      if (v.error !== undefined) return String(v.error)
      if (v.text !== undefined) return cellText(v.text)
      return ""
    }
    default:
      return String(value)
  }
}

// The parts of exceljs's streaming reader used here (its typings leave them out or type them loosely).
interface SheetRow {
  readonly number: number
  readonly values: ReadonlyArray<unknown>
}
interface SheetReader {
  readonly iterator?: unknown
  [Symbol.asyncIterator](): AsyncIterator<SheetRow>
}

/**
 * One pass over the first worksheet. exceljs writes a worksheet that comes before the shared strings in the zip
 * (Excel's order) to a temporary file and reads it after the zip; `close` lets it delete those files.
 */
class XlsxPass {
  private readonly file: fs.ReadStream
  private readonly events: AsyncIterator<{ readonly eventType: string; readonly value: unknown }>
  private sheet: SheetReader | undefined
  private rows: AsyncIterator<SheetRow> | undefined
  private closed = false

  constructor(
    exceljs: typeof ExcelJS,
    readonly path: string,
    readonly name: string,
    counter: Counter
  ) {
    this.file = fs.createReadStream(path, { highWaterMark: chunkSize })
    const counted = counting(counter)
    this.file.on("error", (e) => counted.destroy(e))
    this.file.pipe(counted)
    const reader = new exceljs.stream.xlsx.WorkbookReader(counted, {
      sharedStrings: "cache",
      worksheets: "emit",
      hyperlinks: "ignore",
      // Styles are read so that a date-formatted number comes back as a Date: with "ignore" a date cell is its serial
      // number (32939 for 1990-03-07).
      styles: "cache",
      entries: "emit"
    })
    this.events = reader.parse()
  }

  /** The next row of the first worksheet, or undefined at its end. */
  async next(): Promise<Parsed | undefined> {
    try {
      if (this.rows === undefined) {
        for (;;) {
          const r = await this.events.next()
          if (r.done === true) {
            await this.close()
            throw refuse(this.name, "noWorksheet", `${this.name}中没有工作表`, `${this.name} has no worksheet`)
          }
          if (r.value.eventType === "worksheet") {
            this.sheet = r.value.value as SheetReader
            this.rows = this.sheet[Symbol.asyncIterator]()
            break
          }
        }
      }
      const r = await this.rows.next()
      if (r.done === true) return undefined
      const values = r.value.values
      const cells: Array<string> = []
      for (let k = 1; k < values.length; k++) cells.push(cellText(values[k]))
      return { line: r.value.number, cells }
    } catch (e) {
      await this.close()
      if (e instanceof TableError) throw e
      throw refuse(
        this.name,
        "corrupt",
        `${this.name}已损坏，无法作为Excel工作簿读取（${causeOf(e, this.path, this.name)}）。请在Excel中打开并重新保存为.xlsx`,
        `${this.name} is damaged and cannot be read as an Excel workbook (${causeOf(e, this.path, this.name)}): open it in Excel and save it again as .xlsx`
      )
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const buffered = (s: SheetReader | undefined): s is SheetReader & { readonly iterator: fs.ReadStream } =>
      s !== undefined && typeof (s.iterator as { destroy?: unknown } | undefined)?.destroy === "function"
    // A sheet's temporary file is deleted as soon as the pass moves on, maybe before its stream has opened it.
    const discard = (s: SheetReader & { readonly iterator: fs.ReadStream }) =>
      s.iterator.on("error", () => {}).destroy()
    try {
      if (this.sheet === undefined || buffered(this.sheet)) {
        // The zip has been read (or nothing has): let exceljs delete its temporary files, opening no other sheet.
        if (buffered(this.sheet)) discard(this.sheet)
        for (;;) {
          const r = await this.events.next()
          if (r.done === true) break
          const sheet = r.value.value as SheetReader
          if (r.value.eventType === "worksheet" && buffered(sheet)) discard(sheet)
        }
      } else {
        await this.events.return?.()
      }
    } catch {
      // Closing a broken file: nothing more to release than the file itself.
    } finally {
      this.file.destroy()
    }
  }
}

// ── Header and rows ──────────────────────────────────────────────────────────────────────────────────────────────

const isBlank = (cells: ReadonlyArray<string>): boolean => {
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

const headerOf = (name: string, record: Parsed): ReadonlyArray<string> => {
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
const shape = (name: string, record: Parsed, width: number): Row | undefined => {
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

const noHeader = (name: string): TableError =>
  refuse(
    name,
    "noHeader",
    `${name}没有表头行：第一行应为列名（如“姓名”“身份证件号”）`,
    `${name} has no header row: the first row names the columns (such as 姓名, 身份证件号)`
  )

const onePass = (): never => {
  throw new Error("Table.rows() reads the file once; open the file again to read it again")
}

const openCsv = async (file: string, name: string, size: number, requested: Encoding | "auto"): Promise<Table> => {
  const head = await readHead(file, sampleSize)
  if (startsWith(head, zipSignature)) {
    throw refuse(
      name,
      "format",
      `${name}实际上是Excel工作簿，请将文件扩展名改为.xlsx后导入`,
      `${name} is in fact an Excel workbook: name it .xlsx and import it`
    )
  }
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    throw refuse(
      name,
      "encoding",
      `${name}是UTF-16编码的文本（Excel的“Unicode文本”），请另存为“CSV UTF-8（逗号分隔）”后导入`,
      `${name} is UTF-16 text (Excel's "Unicode Text"): save it as "CSV UTF-8 (comma delimited)" and import that`
    )
  }
  const bom = startsWith(head, utf8Bom) ? 3 : startsWith(head, gb18030Bom) ? 4 : 0
  if (size <= bom) throw refuse(name, "empty", `文件${name}是空的`, `${name} is empty`)
  const encoding = requested === "auto" ? detectEncoding(head, head.length === size) : requested

  let header: Parsed | undefined
  for await (const record of csvRecords(file, name, encoding, { n: 0 })) {
    if (isBlank(record.cells)) continue
    header = record
    break
  }
  if (header === undefined) {
    // Only line ends and separators: as good as empty.
    throw head.subarray(bom).every((b) => b === 10 || b === 13 || b === 32 || b === 9) && size === head.length
      ? refuse(name, "empty", `文件${name}是空的`, `${name} is empty`)
      : noHeader(name)
  }
  const headerLine = header.line
  const headers = headerOf(name, header)
  const counter: Counter = { n: 0 }
  let used = false
  return {
    path: file,
    format: "csv",
    encoding,
    headers,
    size,
    bytesRead: () => counter.n,
    close: async () => {},
    rows: () => {
      if (used) onePass()
      used = true
      return (async function* () {
        for await (const record of csvRecords(file, name, encoding, counter)) {
          if (record.line <= headerLine) continue
          const row = shape(name, record, headers.length)
          if (row !== undefined) yield row
        }
      })()
    }
  }
}

// The end-of-central-directory record: the last thing in a zip, so a truncated file lacks it.
const eocdSignature = Buffer.from([0x50, 0x4b, 0x05, 0x06])

const openXlsx = async (file: string, name: string, size: number): Promise<Table> => {
  const exceljs = await Exceljs.load()
  if (size === 0) throw refuse(name, "empty", `文件${name}是空的`, `${name} is empty`)
  const head = await readHead(file, 8)
  if (startsWith(head, oleSignature)) throw oldExcel(name)
  if (!startsWith(head, zipSignature)) {
    throw refuse(
      name,
      "corrupt",
      `${name}不是有效的Excel工作簿（.xlsx），可能已损坏或只是改了扩展名。请在Excel中打开并另存为.xlsx`,
      `${name} is not an Excel workbook (.xlsx): it is damaged or merely renamed; open it in Excel and save it as .xlsx`
    )
  }
  const tail = await readTail(file, size, 65_557)
  if (tail.lastIndexOf(eocdSignature) < 0) {
    throw refuse(
      name,
      "truncated",
      `${name}不完整（文件被截断，可能没有上传或下载完），请重新保存或上传完整的文件`,
      `${name} is incomplete (truncated, perhaps not fully uploaded or downloaded): save or upload the whole file again`
    )
  }
  const counter: Counter = { n: 0 }
  const pass = new XlsxPass(exceljs, file, name, counter)
  let header: Parsed | undefined
  for (;;) {
    const r = await pass.next()
    if (r === undefined) break
    if (!isBlank(r.cells)) {
      header = r
      break
    }
  }
  if (header === undefined) {
    await pass.close()
    throw noHeader(name)
  }
  let headers: ReadonlyArray<string>
  try {
    headers = headerOf(name, header)
  } catch (e) {
    await pass.close()
    throw e
  }
  let used = false
  return {
    path: file,
    format: "xlsx",
    encoding: undefined,
    headers,
    size,
    bytesRead: () => counter.n,
    close: () => pass.close(),
    rows: () => {
      if (used) onePass()
      used = true
      return (async function* () {
        try {
          for (;;) {
            const record = await pass.next()
            if (record === undefined) return
            const row = shape(name, record, headers.length)
            if (row !== undefined) yield row
          }
        } finally {
          await pass.close()
        }
      })()
    }
  }
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
