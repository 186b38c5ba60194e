/**
 * The XLSX reader of {@link Table}: the first worksheet read by exceljs's streaming reader, each cell as the school
 * typed it.
 */
import * as fs from "node:fs"
import type ExcelJS from "exceljs"
import type { Table } from "../Table.js"
import * as Exceljs from "./exceljs.js"
import {
  type Counter,
  causeOf,
  chunkSize,
  counting,
  headerOf,
  isBlank,
  noHeader,
  oldExcel,
  oleSignature,
  onePass,
  type Parsed,
  readHead,
  readTail,
  refuse,
  shape,
  startsWith,
  TableError,
  zipSignature
} from "./table.js"

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

// The end-of-central-directory record: the last thing in a zip, so a truncated file lacks it.
const eocdSignature = Buffer.from([0x50, 0x4b, 0x05, 0x06])

export const openXlsx = async (file: string, name: string, size: number): Promise<Table> => {
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
