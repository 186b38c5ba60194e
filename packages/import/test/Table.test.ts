import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Table } from "@tmis/import"
import ExcelJS from "exceljs"
import iconv from "iconv-lite"
import { afterAll, describe, expect, it } from "vitest"

const dir = fs.mkdtempSync(`${os.tmpdir()}/tmis-`)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

let files = 0
const write = (name: string, content: string | Uint8Array): string => {
  const file = path.join(dir, `${files++}-${name}`)
  fs.writeFileSync(file, content)
  return file
}

const readAll = async (table: Table.Table) => {
  const rows: Array<{ line: number; cells: Array<string> }> = []
  for await (const row of table.rows()) rows.push({ line: row.line, cells: [...row.cells] })
  return rows
}

const refusal = async (p: Promise<unknown>): Promise<Table.TableError> => {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(Table.TableError)
    const error = e as Table.TableError
    expect(error.rule).toBe("M16.2")
    expect(error.zh.length).toBeGreaterThan(0)
    expect(error.en.length).toBeGreaterThan(0)
    return error
  }
  throw new Error("expected a TableError")
}

const bom = "\uFEFF"
const teachers = [
  " 姓名 ,性别,身份证件号,出生日期",
  "张三,1,110101199003070016,1990-03-07",
  "",
  '李四,"2","11010119900307002X",1990/3/7',
  ",,,",
  "王五,1",
  '"欧阳, 娜娜","2","备注含""引号""",2001-01-01'
]
const expected = [
  { line: 2, cells: ["张三", "1", "110101199003070016", "1990-03-07"] },
  { line: 4, cells: ["李四", "2", "11010119900307002X", "1990/3/7"] },
  { line: 6, cells: ["王五", "1", "", ""] },
  { line: 7, cells: ["欧阳, 娜娜", "2", '备注含"引号"', "2001-01-01"] }
]

describe("Table", () => {
  it("M16.2 a UTF-8 CSV with BOM and CRLF: headers trimmed, BOM removed, Excel's row numbers, empty rows skipped, short rows padded", async () => {
    const file = write("teachers.csv", `${bom}${teachers.join("\r\n")}\r\n`)
    const table = await Table.open(file)
    expect(table.format).toBe("csv")
    expect(table.encoding).toBe("utf8")
    expect(table.headers).toEqual(["姓名", "性别", "身份证件号", "出生日期"])
    expect(table.size).toBe(fs.statSync(file).size)
    expect(await readAll(table)).toEqual(expected)
    expect(table.bytesRead()).toBe(table.size)
  })

  it("M16.2 a UTF-8 CSV without BOM, with LF line ends and a quoted cell spanning lines", async () => {
    const file = write("teachers.csv", `${teachers.join("\n")}\n"赵六","1","多行\n备注",\n孙七,2`)
    const table = await Table.open(file)
    expect(table.encoding).toBe("utf8")
    expect(table.headers).toEqual(["姓名", "性别", "身份证件号", "出生日期"])
    expect(await readAll(table)).toEqual([
      ...expected,
      { line: 8, cells: ["赵六", "1", "多行\n备注", ""] },
      { line: 9, cells: ["孙七", "2", "", ""] }
    ])
  })

  it("M16.2 a GB18030 file (Excel's CSV on Chinese Windows) is detected and read, and read when chosen explicitly", async () => {
    const content = `${teachers.join("\r\n")}\r\n`
    const file = write("gbk.csv", iconv.encode(content, "gb18030"))
    const auto = await Table.open(file)
    expect(auto.encoding).toBe("gb18030")
    expect(auto.headers).toEqual(["姓名", "性别", "身份证件号", "出生日期"])
    expect(await readAll(auto)).toEqual(expected)
    const chosen = await Table.open(file, { encoding: "gb18030" })
    expect(chosen.encoding).toBe("gb18030")
    expect(await readAll(chosen)).toEqual(expected)
  })

  it("M16.2 multi-byte characters across read chunks decode the same in UTF-8 and GB18030 (a 4-byte GB18030 name too)", async () => {
    const names = ["张三", "𬌗明", "欧阳娜娜", "李"]
    const lines = ["姓名,序号"]
    for (let i = 0; i < 30_000; i++) lines.push(`${names[i % names.length]}${i},${i}`)
    const content = `${lines.join("\r\n")}\r\n`
    for (const [encoding, bytes] of [
      ["utf8", Buffer.from(content, "utf8")],
      ["gb18030", iconv.encode(content, "gb18030")]
    ] as const) {
      const table = await Table.open(write(`big-${encoding}.csv`, bytes))
      expect(table.encoding).toBe(encoding)
      expect(await readAll(table)).toEqual(
        Array.from({ length: 30_000 }, (_, i) => ({
          line: i + 2,
          cells: [`${names[i % names.length]}${i}`, String(i)]
        }))
      )
      expect(table.bytesRead()).toBe(bytes.length)
    }
  })

  it("M16.2 a GBK file read with encoding utf8 is refused naming the row and the byte offset", async () => {
    const head = "name,sex\r\na,1\r\n"
    const file = write("forced.csv", Buffer.concat([Buffer.from(head), iconv.encode("张三,1\r\n", "gbk")]))
    const table = await Table.open(file, { encoding: "utf8" })
    const error = await refusal(readAll(table))
    // The file by its name, not the path it was read from.
    expect(error.details).toMatchObject({
      file: path.basename(file),
      reason: "encoding",
      line: 3,
      offset: Buffer.byteLength(head)
    })
    expect(error.zh).toContain("第3行")
    expect(error.zh).toContain("UTF-8")
    expect(error.en).toContain("gb18030")
  })

  it("M16.2 auto-detection reads the first 64 KiB: GBK bytes after them are refused naming their row", async () => {
    const lines = ["name,no"]
    for (let i = 0; i < 5000; i++) lines.push(`teacher${i},${i}`)
    const head = `${lines.join("\r\n")}\r\n`
    expect(Buffer.byteLength(head)).toBeGreaterThan(64 * 1024)
    const file = write("late-gbk.csv", Buffer.concat([Buffer.from(head), iconv.encode("王五,1\r\n", "gbk")]))
    const table = await Table.open(file)
    expect(table.encoding).toBe("utf8")
    const error = await refusal(readAll(table))
    expect(error.details).toMatchObject({ reason: "encoding", line: 5002, offset: Buffer.byteLength(head) })
  })

  it("M16.2 a truncated CSV (a quote never closed at the end of the file) is refused naming the row", async () => {
    const file = write("truncated.csv", '姓名,备注\r\n张三,好\r\n李四,"说明到一半')
    const table = await Table.open(file)
    const error = await refusal(readAll(table))
    expect(error.details).toMatchObject({ reason: "unclosedQuote", line: 3 })
    expect(error.zh).toContain("第3行")
  })

  it("M16.2 a row with more cells than headers is refused naming the row; trailing empty cells are no extra cells", async () => {
    const ok = await Table.open(write("trailing.csv", "姓名,性别,,\r\n张三,1,,\r\n"))
    expect(ok.headers).toEqual(["姓名", "性别"])
    expect(await readAll(ok)).toEqual([{ line: 2, cells: ["张三", "1"] }])
    const table = await Table.open(write("wide.csv", "姓名,性别\r\n张三,1\r\n李四,2,多余\r\n"))
    const error = await refusal(readAll(table))
    expect(error.details).toMatchObject({ reason: "tooManyCells", line: 3, cells: 3, columns: 2 })
    expect(error.zh).toContain("第3行")
  })

  it("M16.2 an empty file, a file of only a BOM and a file of only empty rows are refused", async () => {
    expect((await refusal(Table.open(write("empty.csv", "")))).details).toMatchObject({ reason: "empty" })
    expect((await refusal(Table.open(write("bom.csv", bom)))).details).toMatchObject({ reason: "empty" })
    expect((await refusal(Table.open(write("blank.csv", "\r\n\r\n")))).details).toMatchObject({ reason: "empty" })
    expect((await refusal(Table.open(write("commas.csv", ",,\r\n,,\r\n")))).details).toMatchObject({
      reason: "noHeader"
    })
  })

  it("M16.2 a duplicate header and a header cell without a name are refused", async () => {
    const dup = await refusal(Table.open(write("dup.csv", "姓名,性别, 姓名\r\n张三,1,张三\r\n")))
    expect(dup.details).toMatchObject({ reason: "duplicateHeader", header: "姓名", columns: [1, 3] })
    const blank = await refusal(Table.open(write("blank-header.csv", "姓名,,性别\r\n张三,,1\r\n")))
    expect(blank.details).toMatchObject({ reason: "blankHeader", column: 2 })
  })

  it("M16.2 an old .xls workbook is refused with what to do, by name and by content", async () => {
    const byName = await refusal(Table.open(write("old.xls", "whatever")))
    expect(byName.details).toMatchObject({ reason: "xls" })
    expect(byName.zh).toContain(".xlsx")
    expect(byName.en).toContain("Save As")
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0])
    expect((await refusal(Table.open(write("renamed.xlsx", ole)))).details).toMatchObject({ reason: "xls" })
    expect((await refusal(Table.open(write("renamed.csv", ole)))).details).toMatchObject({ reason: "xls" })
  })

  it("M16.2 the format comes from the option, else the extension; an unknown extension is refused", async () => {
    expect((await refusal(Table.open(write("teachers.pdf", "姓名\r\n张三\r\n")))).details).toMatchObject({
      reason: "format"
    })
    const table = await Table.open(write("teachers.dat", "姓名\r\n张三\r\n"), { format: "csv" })
    expect(await readAll(table)).toEqual([{ line: 2, cells: ["张三"] }])
    const txt = await Table.open(write("teachers.txt", "姓名\r\n张三\r\n"))
    expect(txt.format).toBe("csv")
    expect((await refusal(Table.open(path.join(dir, "missing.csv")))).details).toMatchObject({ reason: "unreadable" })
  })

  it("M16.2 an XLSX written by Excel's rules is read: text identity numbers, dates, numbers, booleans, rich text, formulas", async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet("教师")
    sheet.addRow([" 姓名 ", "身份证件号", "出生日期", "年度", "比例", "是否在编", "备注", "合计", "数字证件号"])
    sheet.addRow([
      "张三",
      "110101199003070016",
      new Date(Date.UTC(1990, 2, 7)),
      2020,
      3.5,
      true,
      { richText: [{ text: "富" }, { text: "文本" }] },
      { formula: "1+1", result: 2 },
      // An identity number typed into a number cell: a double keeps 17 significant digits.
      Number("110101199003070016")
    ])
    sheet.addRow([])
    sheet.addRow(["李四", "11010119900307002X", null, 1e21, 1e-7, false, "", { formula: "A1", result: "姓名" }, 12.0])
    workbook.addWorksheet("说明").addRow(["只读第一个工作表"])
    const file = path.join(dir, "teachers.xlsx")
    fs.writeFileSync(file, Buffer.from(await workbook.xlsx.writeBuffer()))

    const table = await Table.open(file)
    expect(table.format).toBe("xlsx")
    expect(table.encoding).toBeUndefined()
    expect(table.headers).toEqual([
      "姓名",
      "身份证件号",
      "出生日期",
      "年度",
      "比例",
      "是否在编",
      "备注",
      "合计",
      "数字证件号"
    ])
    const rows = await readAll(table)
    expect(rows).toEqual([
      {
        line: 2,
        cells: [
          "张三",
          "110101199003070016",
          "1990-03-07",
          "2020",
          "3.5",
          "是",
          "富文本",
          "2",
          // The number cell has lost the last digits already; it is left as it is, without an exponent.
          "110101199003070020"
        ]
      },
      {
        line: 4,
        cells: ["李四", "11010119900307002X", "", "1000000000000000000000", "0.0000001", "否", "", "姓名", "12"]
      }
    ])
    expect(rows[0]!.cells[8]).not.toBe("110101199003070016")
    expect(table.bytesRead()).toBe(table.size)
  })

  it("M16.2 a truncated XLSX, a file that is no zip, and a workbook without worksheets are refused", async () => {
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet("教师").addRow(["姓名"])
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer())
    const truncated = await refusal(Table.open(write("half.xlsx", bytes.subarray(0, bytes.length >> 1))))
    expect(truncated.details).toMatchObject({ reason: "truncated" })
    const notZip = await refusal(Table.open(write("text.xlsx", "姓名,性别\r\n")))
    expect(notZip.details).toMatchObject({ reason: "corrupt" })
    const none = Buffer.from(await new ExcelJS.Workbook().xlsx.writeBuffer())
    expect((await refusal(Table.open(write("none.xlsx", none)))).details).toMatchObject({ reason: "noWorksheet" })
    expect((await refusal(Table.open(write("zero.xlsx", "")))).details).toMatchObject({ reason: "empty" })
    const zipAsCsv = await refusal(Table.open(write("workbook.csv", bytes)))
    expect(zipAsCsv.details).toMatchObject({ reason: "format" })
  })

  it("M16.2 rows() is one pass; close() releases an XLSX that is not read", async () => {
    const table = await Table.open(write("once.csv", "姓名\r\n张三\r\n"))
    expect(await readAll(table)).toEqual([{ line: 2, cells: ["张三"] }])
    expect(() => table.rows()).toThrow(/once/)
    await table.close()
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet("教师").addRow(["姓名"])
    const file = path.join(dir, "unread.xlsx")
    fs.writeFileSync(file, Buffer.from(await workbook.xlsx.writeBuffer()))
    const xlsx = await Table.open(file)
    expect(xlsx.headers).toEqual(["姓名"])
    await xlsx.close()
    await xlsx.close()
  })

  it("M16.2 refusals name the file by the name given (an upload kept under another name), in messages and details, never by its path", async () => {
    const file = write("3f9a0c.csv", Buffer.from('name,sex\r\na,1\r\n"b,1'))
    const table = await Table.open(file, { name: "教师名单.csv" })
    const truncated = await refusal(readAll(table))
    const missing = await Table.open(path.join(path.dirname(file), "gone.csv"), { name: "教师名单.csv" }).then(
      () => undefined,
      (e: Table.TableError) => e
    )
    for (const error of [truncated, missing]) {
      expect(error?.details.file).toBe("教师名单.csv")
      expect(error?.zh).toContain("教师名单.csv")
      expect(error?.en).toContain("教师名单.csv")
      expect(JSON.stringify(error)).not.toContain(path.dirname(file))
      expect(JSON.stringify(error)).not.toContain("3f9a0c")
    }
  })
})
