/**
 * Streaming readers for the files a school uploads for batch import (M16.2): CSV in UTF-8 or GB18030/GBK (what
 * Excel on Chinese Windows writes as "CSV"), and XLSX (the first worksheet). A file is opened once for its header
 * and read once, row by row; memory does not grow with the file. A broken file is refused with a `TableError` that a
 * school clerk can act on.
 *
 * CSV is parsed here rather than with csv-parse: csv-parse reads about 65,000 rows/s of 35 columns, this reader
 * several times that, and batch import has to reach 50,000 rows/s end to end.
 *
 * @since 0.1.0
 */

import { isUtf8 } from "node:buffer"
import * as fs from "node:fs"
import * as path from "node:path"
import { Transform } from "node:stream"
import { RuleError } from "@tmis/core"
import { Schema } from "effect"
import ExcelJS from "exceljs"
import iconv from "iconv-lite"

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
 * A file that cannot be read as a table (M16.2): `details` has `file`, `reason` (a code: "empty", "noHeader",
 * "duplicateHeader", "blankHeader", "unclosedQuote", "tooManyCells", "encoding", "format", "xls", "corrupt",
 * "truncated", "noWorksheet", "unreadable", "rowTooLong") and, for a problem in a row, `line`.
 *
 * @since 0.1.0
 */
export class TableError extends Schema.TaggedError<TableError>()("TableError", RuleError.fields) {
  override get message() {
    return RuleError.format(this)
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
): TableError => new TableError(RuleError.violation("M16.2", zh, en, { file, reason, ...extra }))

// ── Options ──────────────────────────────────────────────────────────────────────────────────────────────────────

const formatOf = (file: string, name: string, format: Format | undefined): Format => {
  if (format !== undefined) return format
  const ext = path.extname(file).toLowerCase()
  if (ext === ".csv" || ext === ".txt") return "csv"
  if (ext === ".xlsx") return "xlsx"
  if (ext === ".xls") throw oldExcel(file, name)
  throw refuse(
    file,
    "format",
    `无法识别文件${name}的格式，请导入.csv或.xlsx文件`,
    `cannot tell the format of ${name}: import a .csv or an .xlsx file`
  )
}

const oldExcel = (file: string, name: string): TableError =>
  refuse(
    file,
    "xls",
    `${name}是旧版Excel（.xls）文件，无法导入。请在Excel中“另存为”Excel工作簿（.xlsx）或CSV文件后再导入`,
    `${name} is an old Excel (.xls) workbook, which cannot be imported: in Excel, "Save As" an Excel workbook (.xlsx) or CSV and import that`
  )

// ── Bytes and encodings ──────────────────────────────────────────────────────────────────────────────────────────

const sampleSize = 64 * 1024
const chunkSize = 256 * 1024
// A row this long is not a teacher's record: most likely a quote that never closes swallowed the rest of the file.
const maxRecordChars = 1024 * 1024

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

const QUOTE = 34
const COMMA = 44
const LF = 10
const CR = 13

class CsvFailure {
  constructor(
    readonly kind: "unclosedQuote" | "rowTooLong",
    readonly line: number
  ) {}
}

/**
 * An RFC 4180 parser fed with text in pieces: comma separated, double-quoted cells with "" for a quote, CRLF, LF or
 * CR line ends. Lenient where Excel is: a quote inside an unquoted cell is kept, text after a closing quote is
 * appended. The text of an unfinished record waits for the next piece.
 */
class CsvParser {
  private rest = ""
  /** Records completed so far, empty lines included: Excel's row number of the last one. */
  line = 0
  private quoteOpen = false

  feed(text: string, final: boolean, out: Array<Parsed>): void {
    const s = this.rest.length === 0 ? text : this.rest + text
    const n = s.length
    let i = 0
    // The next quote and CR at or after i (n: none), looked up again only once passed.
    let nextQuote = -1
    let nextCr = -1
    this.quoteOpen = false
    while (i < n) {
      let e = s.indexOf("\n", i)
      if (e === -1) {
        if (!final) break
        e = n
      }
      if (nextQuote < i) {
        nextQuote = s.indexOf('"', i)
        if (nextQuote === -1) nextQuote = n
      }
      if (nextCr < i) {
        nextCr = s.indexOf("\r", i)
        if (nextCr === -1) nextCr = n
      }
      if (nextQuote >= e && nextCr >= e - 1) {
        // The common line: no quote, LF or CRLF at its end; the engine's split is the fastest way to cut it.
        out.push({ line: ++this.line, cells: s.slice(i, nextCr === e - 1 ? e - 1 : e).split(",") })
        i = e + 1
        continue
      }
      const next = this.record(s, i, final, out)
      if (next < 0) break
      i = next
    }
    if (i >= n) {
      this.rest = ""
      return
    }
    if (final) {
      // A final piece completes its last record unless a quote is open.
      this.rest = ""
      throw new CsvFailure("unclosedQuote", this.line + 1)
    }
    this.rest = i === 0 ? s : s.slice(i)
    if (this.rest.length > maxRecordChars) {
      throw new CsvFailure(this.quoteOpen ? "unclosedQuote" : "rowTooLong", this.line + 1)
    }
  }

  /** Parse the record starting at `i`: the index after it, or -1 when the piece ends first. */
  private record(s: string, i: number, final: boolean, out: Array<Parsed>): number {
    const n = s.length
    const cells: Array<string> = []
    for (;;) {
      if (i < n && s.charCodeAt(i) === QUOTE) {
        let value = ""
        let j = i + 1
        for (;;) {
          const q = s.indexOf('"', j)
          // Unfinished, or a quote at the end of the piece that may be the first half of "".
          if (q === -1 || (q + 1 === n && !final)) {
            this.quoteOpen = true
            return -1
          }
          if (s.charCodeAt(q + 1) === QUOTE) {
            value += s.slice(j, q + 1)
            j = q + 2
            continue
          }
          value += s.slice(j, q)
          i = q + 1
          break
        }
        let k = i
        while (k < n) {
          const c = s.charCodeAt(k)
          if (c === COMMA || c === LF || c === CR) break
          k++
        }
        cells.push(k === i ? value : value + s.slice(i, k))
        i = k
      } else {
        let k = i
        while (k < n) {
          const c = s.charCodeAt(k)
          if (c === COMMA || c === LF || c === CR) break
          k++
        }
        cells.push(k === i ? "" : s.slice(i, k))
        i = k
      }
      if (i >= n) {
        if (!final) return -1
        out.push({ line: ++this.line, cells })
        return n
      }
      const c = s.charCodeAt(i)
      if (c === COMMA) {
        i++
        continue
      }
      if (c === CR) {
        if (i + 1 === n && !final) return -1
        i += s.charCodeAt(i + 1) === LF ? 2 : 1
      } else i++
      out.push({ line: ++this.line, cells })
      return i
    }
  }
}

type Counter = { n: number }

/** The records of a CSV file, in batches (one per chunk read), decoded and parsed. */
async function* csvRecords(
  file: string,
  name: string,
  encoding: Encoding,
  counter: Counter
): AsyncGenerator<Array<Parsed>> {
  const stream = fs.createReadStream(file, { highWaterMark: chunkSize })
  const parser = new CsvParser()
  // Validated with isUtf8 first (much faster than a fatal TextDecoder), so this decoder never meets a bad byte.
  const utf8 = new TextDecoder("utf-8", { ignoreBOM: true })
  const gb = encoding === "gb18030" ? iconv.getDecoder("gb18030") : undefined
  let carry: Buffer | undefined
  let first = true
  let offset = 0
  const fail = (failure: CsvFailure): TableError =>
    failure.kind === "unclosedQuote"
      ? refuse(
          file,
          "unclosedQuote",
          `${name}第${failure.line}行的引号没有闭合，文件可能不完整（被截断）或有多余的引号。请检查该行，或重新导出文件`,
          `row ${failure.line} of ${name} opens a quote that is never closed: the file may be truncated or the row has a stray quote; check that row or export the file again`,
          { line: failure.line }
        )
      : refuse(
          file,
          "rowTooLong",
          `${name}第${failure.line}行超过${maxRecordChars}个字符，不是有效的数据行`,
          `row ${failure.line} of ${name} is longer than ${maxRecordChars} characters and cannot be a data row`,
          { line: failure.line }
        )
  const notUtf8 = (line: number, at: number): TableError =>
    refuse(
      file,
      "encoding",
      `${name}第${line}行（第${at}字节处）不是有效的UTF-8编码。请在Excel中将文件另存为“CSV UTF-8（逗号分隔）”，或导入时选择GB18030编码`,
      `row ${line} of ${name} (byte ${at}) is not valid UTF-8: save the file as "CSV UTF-8 (comma delimited)" in Excel, or import it with encoding gb18030`,
      { line, offset: at }
    )
  // A problem is raised only after the rows before it are handed out: the header comes out of a file broken further
  // down, and an import takes the rows before the break.
  const parse = (text: string, final: boolean, out: Array<Parsed>): TableError | undefined => {
    try {
      parser.feed(text, final, out)
      return undefined
    } catch (e) {
      if (e instanceof CsvFailure) return fail(e)
      throw e
    }
  }
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      counter.n += chunk.length
      let bytes = chunk
      const chunkStart = offset
      offset += chunk.length
      // The BOM's bytes, skipped at the start of the file (offsets still count them).
      let skipped = 0
      if (first) {
        first = false
        if (encoding === "utf8" && startsWith(bytes, utf8Bom)) {
          skipped = 3
          bytes = bytes.subarray(3)
        }
      }
      const out: Array<Parsed> = []
      let problem: TableError | undefined
      if (gb !== undefined) {
        problem = parse(gb.write(bytes), false, out)
      } else {
        const carried = carry === undefined ? 0 : carry.length
        if (carry !== undefined) bytes = Buffer.concat([carry, bytes])
        const end = completeEnd(bytes)
        const valid = bytes.subarray(0, end)
        if (!isUtf8(valid)) {
          // Parse the valid part first, so that the row the bad bytes are in is known.
          const bad = Math.max(0, firstInvalidUtf8(valid))
          problem =
            parse(utf8.decode(bytes.subarray(0, bad)), false, out) ??
            notUtf8(parser.line + 1, chunkStart - carried + skipped + bad)
        } else {
          carry = end === bytes.length ? undefined : Buffer.from(bytes.subarray(end))
          problem = parse(utf8.decode(valid), false, out)
        }
      }
      if (out.length > 0) yield out
      if (problem !== undefined) throw problem
    }
    if (carry !== undefined) throw notUtf8(parser.line + 1, offset - carry.length)
    const out: Array<Parsed> = []
    const problem = parse(gb?.end() ?? "", true, out)
    if (out.length > 0) yield out
    if (problem !== undefined) throw problem
  } catch (e) {
    throw e instanceof TableError ? e : unreadable(file, name, e)
  } finally {
    stream.destroy()
  }
}

const unreadable = (file: string, name: string, e: unknown): TableError =>
  refuse(
    file,
    "unreadable",
    `无法读取文件${name}：${e instanceof Error ? e.message : String(e)}`,
    `cannot read ${name}: ${e instanceof Error ? e.message : String(e)}`
  )

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
    readonly path: string,
    readonly name: string,
    counter: Counter
  ) {
    this.file = fs.createReadStream(path, { highWaterMark: chunkSize })
    const counting = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        counter.n += chunk.length
        callback(null, chunk)
      }
    })
    this.file.on("error", (e) => counting.destroy(e))
    this.file.pipe(counting)
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(counting, {
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
            throw refuse(this.path, "noWorksheet", `${this.name}中没有工作表`, `${this.name} has no worksheet`)
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
        this.path,
        "corrupt",
        `${this.name}已损坏，无法作为Excel工作簿读取（${e instanceof Error ? e.message : String(e)}）。请在Excel中打开并重新保存为.xlsx`,
        `${this.name} is damaged and cannot be read as an Excel workbook (${e instanceof Error ? e.message : String(e)}): open it in Excel and save it again as .xlsx`
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

const headerOf = (file: string, name: string, record: Parsed): ReadonlyArray<string> => {
  const cells = record.cells.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, "") : c).trim())
  // Excel leaves empty cells right of the table in a CSV export: they are no columns.
  let width = cells.length
  while (width > 0 && cells[width - 1] === "") width--
  const headers = cells.slice(0, width)
  const blank = headers.indexOf("")
  if (blank >= 0) {
    throw refuse(
      file,
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
        file,
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
const shape = (file: string, name: string, record: Parsed, width: number): Row | undefined => {
  const cells = record.cells
  if (isBlank(cells)) return undefined
  if (cells.length < width) {
    for (let k = cells.length; k < width; k++) cells.push("")
  } else if (cells.length > width) {
    for (let k = width; k < cells.length; k++) {
      if (cells[k]!.trim().length > 0) {
        throw refuse(
          file,
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

const noHeader = (file: string, name: string): TableError =>
  refuse(
    file,
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
      file,
      "format",
      `${name}实际上是Excel工作簿，请将文件扩展名改为.xlsx后导入`,
      `${name} is in fact an Excel workbook: name it .xlsx and import it`
    )
  }
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    throw refuse(
      file,
      "encoding",
      `${name}是UTF-16编码的文本（Excel的“Unicode文本”），请另存为“CSV UTF-8（逗号分隔）”后导入`,
      `${name} is UTF-16 text (Excel's "Unicode Text"): save it as "CSV UTF-8 (comma delimited)" and import that`
    )
  }
  const bom = startsWith(head, utf8Bom) ? 3 : startsWith(head, gb18030Bom) ? 4 : 0
  if (size <= bom) throw refuse(file, "empty", `文件${name}是空的`, `${name} is empty`)
  const encoding = requested === "auto" ? detectEncoding(head, head.length === size) : requested

  let header: Parsed | undefined
  for await (const batch of csvRecords(file, name, encoding, { n: 0 })) {
    header = batch.find((r) => !isBlank(r.cells))
    if (header !== undefined) break
  }
  if (header === undefined) {
    // Only line ends and separators: as good as empty.
    throw head.subarray(bom).every((b) => b === LF || b === CR || b === 32 || b === 9) && size === head.length
      ? refuse(file, "empty", `文件${name}是空的`, `${name} is empty`)
      : noHeader(file, name)
  }
  const headerLine = header.line
  const headers = headerOf(file, name, header)
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
        for await (const batch of csvRecords(file, name, encoding, counter)) {
          for (const record of batch) {
            if (record.line <= headerLine) continue
            const row = shape(file, name, record, headers.length)
            if (row !== undefined) yield row
          }
        }
      })()
    }
  }
}

// The end-of-central-directory record: the last thing in a zip, so a truncated file lacks it.
const eocdSignature = Buffer.from([0x50, 0x4b, 0x05, 0x06])

const openXlsx = async (file: string, name: string, size: number): Promise<Table> => {
  if (size === 0) throw refuse(file, "empty", `文件${name}是空的`, `${name} is empty`)
  const head = await readHead(file, 8)
  if (startsWith(head, oleSignature)) throw oldExcel(file, name)
  if (!startsWith(head, zipSignature)) {
    throw refuse(
      file,
      "corrupt",
      `${name}不是有效的Excel工作簿（.xlsx），可能已损坏或只是改了扩展名。请在Excel中打开并另存为.xlsx`,
      `${name} is not an Excel workbook (.xlsx): it is damaged or merely renamed; open it in Excel and save it as .xlsx`
    )
  }
  const tail = await readTail(file, size, 65_557)
  if (tail.lastIndexOf(eocdSignature) < 0) {
    throw refuse(
      file,
      "truncated",
      `${name}不完整（文件被截断，可能没有上传或下载完），请重新保存或上传完整的文件`,
      `${name} is incomplete (truncated, perhaps not fully uploaded or downloaded): save or upload the whole file again`
    )
  }
  const counter: Counter = { n: 0 }
  const pass = new XlsxPass(file, name, counter)
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
    throw noHeader(file, name)
  }
  let headers: ReadonlyArray<string>
  try {
    headers = headerOf(file, name, header)
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
            const row = shape(file, name, record, headers.length)
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
 * first 64 KiB are valid UTF-8, else GB18030. Rejects with a `TableError` on a file that cannot be read.
 *
 * @since 0.1.0
 */
export const open = async (
  file: string,
  options: { readonly format?: Format; readonly encoding?: Encoding | "auto" } = {}
): Promise<Table> => {
  const name = path.basename(file)
  const format = formatOf(file, name, options.format)
  let size: number
  try {
    const stat = await fs.promises.stat(file)
    if (!stat.isFile()) throw new Error("not a file")
    size = stat.size
  } catch (e) {
    throw (e as NodeJS.ErrnoException).code === "ENOENT"
      ? refuse(file, "unreadable", `找不到文件${name}`, `${name} was not found`)
      : unreadable(file, name, e)
  }
  try {
    if (format === "xlsx") return await openXlsx(file, name, size)
    const head = await readHead(file, 8)
    if (startsWith(head, oleSignature)) throw oldExcel(file, name)
    return await openCsv(file, name, size, options.encoding ?? "auto")
  } catch (e) {
    throw e instanceof TableError ? e : unreadable(file, name, e)
  }
}
