/**
 * The CSV reader of {@link Table}: the encoding detection (UTF-8 or GB18030), the UTF-8 check that names the row and
 * byte of a bad sequence, and csv-parse set to read what Excel writes.
 */
import { isUtf8 } from "node:buffer"
import * as fs from "node:fs"
import { pipeline, Transform } from "node:stream"
import { type Parser, parse } from "csv-parse"
import iconv from "iconv-lite"
import type { Encoding, Table } from "../Table.js"
import {
  type Counter,
  chunkSize,
  counting,
  gb18030Bom,
  headerOf,
  isBlank,
  noHeader,
  onePass,
  type Parsed,
  readHead,
  refuse,
  sampleSize,
  shape,
  startsWith,
  TableError,
  unreadable,
  utf8Bom,
  zipSignature
} from "./table.js"

// A row this long is not a teacher's record: most likely a quote that never closes swallowed the rest of the file.
const maxRecordBytes = 1024 * 1024

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

/** "auto": a UTF-8 BOM, or a first 64 KiB that is valid UTF-8, means UTF-8; anything else is read as GB18030. */
const detectEncoding = (sample: Buffer, wholeFile: boolean): Encoding => {
  if (startsWith(sample, utf8Bom)) return "utf8"
  if (startsWith(sample, gb18030Bom)) return "gb18030"
  return isUtf8(wholeFile ? sample : sample.subarray(0, completeEnd(sample))) ? "utf8" : "gb18030"
}

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

export const openCsv = async (
  file: string,
  name: string,
  size: number,
  requested: Encoding | "auto"
): Promise<Table> => {
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
