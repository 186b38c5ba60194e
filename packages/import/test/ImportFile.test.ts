import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Accounts, Audit, Deployment, EFiles, Indicator, Settings, Storage, Units } from "@tmis/core"
import { ImportFile, Table, Template } from "@tmis/import"
import { exampleImportHeaders, exampleImportRow } from "@tmis/testkit/arbitraries"
import { exampleBasicInfo } from "@tmis/testkit/arbitraries/efile"
import { Cause, Effect, Exit, Layer, ManagedRuntime, Option } from "effect"
import ExcelJS from "exceljs"
import iconv from "iconv-lite"
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tmis-import-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const person = { name: "王建国", identityNumber: "11010519491231002X" }
const validFrom = "2017-03-31"

/** A store with Hubei › Wuhan › Jiang'an › one primary school, and the school's info admin. */
const store = async () => {
  const filename = path.join(fs.mkdtempSync(path.join(dir, "db-")), "tmis.db")
  const runtime = ManagedRuntime.make(
    Layer.merge(Sqlite.layer({ filename }), Settings.layer(Deployment.provincial("42")))
  )
  await runtime.runPromise(
    Effect.gen(function* () {
      yield* Accounts.bootstrap(
        { id: "hubei", kind: "province", name: "湖北省", code: "420000", validFrom },
        {
          id: "sa-hubei",
          person
        }
      )
      const sa = yield* Accounts.actorOf("sa-hubei")
      yield* Accounts.create(sa, { id: "ia-hubei", role: "infoAdmin", person }, "hubei")
      const ia = yield* Accounts.actorOf("ia-hubei")
      yield* Units.create(ia, { id: "wuhan", kind: "city", name: "武汉市", code: "420100", validFrom }, "hubei")
      yield* Units.create(ia, { id: "jiangan", kind: "county", name: "江岸区", code: "420102", validFrom }, "wuhan")
      yield* Units.create(
        ia,
        {
          id: "s1",
          kind: "school",
          name: "江岸区第一小学",
          code: "2142000001",
          validFrom,
          school: { schoolType: "211", sponsor: "21" }
        },
        "jiangan"
      )
      yield* Accounts.create(sa, { id: "sa-wuhan", role: "systemAdmin", person }, "wuhan")
      yield* Accounts.create(
        yield* Accounts.actorOf("sa-wuhan"),
        { id: "sa-jiangan", role: "systemAdmin", person },
        "jiangan"
      )
      yield* Accounts.create(yield* Accounts.actorOf("sa-jiangan"), { id: "sa-s1", role: "systemAdmin", person }, "s1")
      yield* Accounts.create(yield* Accounts.actorOf("sa-s1"), { id: "ia-s1", role: "infoAdmin", person }, "s1")
      yield* Accounts.create(yield* Accounts.actorOf("sa-s1"), { id: "ia2-s1", role: "infoAdmin", person }, "s1")
      yield* Units.create(
        ia,
        {
          id: "s2",
          kind: "school",
          name: "江岸区第二小学",
          code: "2142000002",
          validFrom,
          school: { schoolType: "211", sponsor: "21" }
        },
        "jiangan"
      )
      yield* Accounts.create(yield* Accounts.actorOf("sa-jiangan"), { id: "sa-s2", role: "systemAdmin", person }, "s2")
      yield* Accounts.create(yield* Accounts.actorOf("sa-s2"), { id: "ia-s2", role: "infoAdmin", person }, "s2")
    })
  )
  const teachers = () =>
    runtime.runPromise(
      Effect.flatMap(Storage.Storage, (s) => s.teachers.subtree("/hubei/", { limit: 1000 })).pipe(
        // Ids are derived from the batch (the file's hash), so the path order varies between files: sort by name.
        Effect.map((page) => page.items.map((t) => [t.name, t.idNumber]).sort(([a], [b]) => (a! < b! ? -1 : 1)))
      )
    )
  const importFile = async (file: string, options: Partial<ImportFile.Options> & { as?: string } = {}) => {
    const { as = "ia-s1", ...rest } = options
    const exit = await runtime.runPromiseExit(
      Effect.flatMap(Accounts.actorOf(as), (actor) => ImportFile.run(file, { actor, unitId: "s1", ...rest }))
    )
    if (Exit.isSuccess(exit)) return { ok: true as const, summary: exit.value }
    const failure = Cause.failureOption(exit.cause)
    if (Option.isNone(failure)) throw Cause.squash(exit.cause)
    return {
      ok: false as const,
      error: failure.value as { _tag: string; rule?: string; details?: { reason?: string } }
    }
  }
  const verify = () => runtime.runPromise(Audit.verifyAuditLog)
  /** The open problems of the basic-information entry of the e-file that holds `idNumber`. */
  const problemsOf = (idNumber: string) =>
    runtime.runPromise(
      Effect.gen(function* () {
        const storage = yield* Storage.Storage
        const [efile] = yield* storage.teachers.byIdentity("1", idNumber)
        if (efile === undefined) return undefined
        const entry = yield* storage.entries.get(`${efile.value.id}-basicInfo`)
        return Option.isSome(entry) ? entry.value.value.review.context.problems : undefined
      })
    )
  return { runtime, teachers, importFile, verify, problemsOf }
}

type Store = Awaited<ReturnType<typeof store>>
let s: Store
beforeEach(async () => {
  await s?.runtime.dispose()
  s = await store()
})
afterAll(() => s?.runtime.dispose())

// Valid numbers of women born 1990-03-07 in 420102.
const good = ["420102199003071224", "420102199003071240", "420102199003071267"]
const rows = [
  exampleImportRow("李一", good[0]!),
  exampleImportRow("李二", good[1]!, { 民族: "不存在的民族" }),
  exampleImportRow("李三", good[2]!),
  exampleImportRow("李四", good[0]!) // the same person again
]
const csv = (records: ReadonlyArray<ReadonlyArray<string>>) =>
  `${[exampleImportHeaders, ...records].map((r) => r.join(",")).join("\r\n")}\r\n`

describe("ImportFile", () => {
  it("M16.2 a UTF-8 CSV: good rows become e-files, bad rows go to the report with row, column, value, reason and rule; a re-run adds nothing", async () => {
    const file = path.join(dir, "utf8.csv")
    fs.writeFileSync(file, `\uFEFF${csv(rows)}`)
    const report = path.join(dir, "utf8-errors.csv")
    const first = await s.importFile(file, { report })
    expect(first.ok && first.summary).toMatchObject({
      rowsRead: 4,
      accepted: 2,
      rejected: 2,
      skipped: 0,
      encoding: "utf8"
    })
    expect(await s.teachers()).toEqual([
      ["李一", good[0]],
      ["李三", good[2]]
    ])
    const lines = fs.readFileSync(report, "utf8").split("\r\n")
    expect(lines[0]).toBe("\uFEFF行,列,值,原因,规则")
    expect(lines.some((l) => l.startsWith("3,民族,不存在的民族,") && l.endsWith(",M16.2"))).toBe(true)
    expect(lines.some((l) => l.startsWith(`5,身份证件号,${good[0]},`) && l.endsWith(",M17.4"))).toBe(true)
    const again = await s.importFile(file, { report })
    expect(again.ok && again.summary).toMatchObject({ rowsRead: 4, accepted: 0, skipped: 2, rejected: 2 })
    expect(await s.teachers()).toHaveLength(2)
    expect(await s.verify()).toMatchObject({ _tag: "Intact" })
  })

  it("M16.2 a GB18030 CSV as Excel on Chinese Windows writes it is detected and imported the same", async () => {
    const file = path.join(dir, "gbk.csv")
    fs.writeFileSync(file, iconv.encode(csv(rows.slice(0, 1)), "gb18030"))
    const result = await s.importFile(file)
    expect(result.ok && result.summary).toMatchObject({
      accepted: 1,
      rejected: 0,
      encoding: "gb18030",
      report: undefined
    })
    expect(await s.teachers()).toEqual([["李一", good[0]]])
  })

  it("M16.2 an XLSX file is imported, its identity numbers kept as text", async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet("教师")
    sheet.addRow(exampleImportHeaders)
    for (const r of [rows[0]!, rows[2]!]) sheet.addRow(r)
    const file = path.join(dir, "teachers.xlsx")
    fs.writeFileSync(file, Buffer.from(await workbook.xlsx.writeBuffer()))
    const report = path.join(dir, "xlsx-errors.xlsx")
    const result = await s.importFile(file, { report })
    // The whole result, so that a refusal shows its reason.
    expect(result).toMatchObject({
      ok: true,
      summary: { accepted: 2, rejected: 0, format: "xlsx", report: undefined }
    })
    expect(fs.existsSync(report)).toBe(false)
    expect(await s.teachers()).toEqual([
      ["李一", good[0]],
      ["李三", good[2]]
    ])
  })

  it("M16.2 broken files are refused with a clear reason and leave the store unchanged", async () => {
    const wrongHeader = path.join(dir, "wrong-header.csv")
    fs.writeFileSync(wrongHeader, csv(rows).replace("姓名", "名字呀"))
    const truncated = path.join(dir, "truncated.csv")
    fs.writeFileSync(truncated, `${csv(rows.slice(0, 1))}"李五,`)
    const wrongEncoding = path.join(dir, "wrong-encoding.csv")
    fs.writeFileSync(wrongEncoding, iconv.encode(csv(rows.slice(0, 1)), "gb18030"))
    const truncatedXlsx = path.join(dir, "truncated.xlsx")
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet("教师").addRow(exampleImportHeaders)
    fs.writeFileSync(truncatedXlsx, Buffer.from(await workbook.xlsx.writeBuffer()))
    const bytes = fs.readFileSync(truncatedXlsx)
    fs.writeFileSync(truncatedXlsx, bytes.subarray(0, Math.floor(bytes.length / 2)))

    const header = await s.importFile(wrongHeader)
    expect(header.ok ? "imported" : [header.error._tag, header.error.rule]).toEqual(["TableError", "M16.2"])
    const forced = await s.importFile(wrongEncoding, { encoding: "utf8" })
    expect(forced.ok ? "imported" : [forced.error._tag, forced.error.details?.reason]).toEqual([
      "TableError",
      "encoding"
    ])
    const xlsx = await s.importFile(truncatedXlsx)
    expect(xlsx.ok ? "imported" : xlsx.error._tag).toBe("TableError")
    expect(await s.teachers()).toEqual([])
    // A file broken after a good row: the chunk in flight (here the whole file) is not committed.
    const broken = await s.importFile(truncated)
    expect(broken.ok ? "imported" : [broken.error._tag, broken.error.details?.reason]).toEqual([
      "TableError",
      "unclosedQuote"
    ])
    expect(await s.teachers()).toEqual([])
    expect(await s.verify()).toMatchObject({ _tag: "Intact" })
  })

  it("M16.2 Table.open names an unknown column's header", async () => {
    const file = path.join(dir, "unknown.csv")
    fs.writeFileSync(file, csv(rows).replace("姓名", "名字呀"))
    const table = await Table.open(file)
    expect(table.headers[0]).toBe("名字呀")
    await table.close()
  })

  it("M21.1 M16.2 a unit that keeps no e-files is refused before the file is read, as onboarding refuses it: no stage is assumed", async () => {
    // No such file: were it read, the refusal would be the reader's.
    const file = path.join(dir, "never-read.csv")
    const imported = await s.importFile(file, { unitId: "jiangan" })
    const onboarded = await s.runtime.runPromiseExit(
      Effect.flatMap(Accounts.actorOf("ia-s1"), (actor) =>
        EFiles.onboard(actor, {
          id: "t1",
          entryId: "t1-basic",
          unitId: "jiangan",
          basicInfo: Indicator.unchecked(exampleBasicInfo()),
          employment: { onEstablishment: true, contractMonths: undefined, postCategory: "1" }
        })
      )
    )
    const onboarding = Exit.isFailure(onboarded)
      ? Option.getOrUndefined(Cause.failureOption(onboarded.cause))
      : undefined
    const shape = (e: unknown) => {
      const { _tag, kind, rule, zh, en } = e as Record<string, unknown>
      return { _tag, kind, rule, zh, en }
    }
    expect(imported.ok ? "imported" : shape(imported.error)).toEqual({
      _tag: "Refusal",
      kind: "invalid",
      rule: "M21.1",
      zh: "电子档案建立在学校或其二级部门",
      en: "an e-file is kept by a school or one of its departments"
    })
    expect(imported.ok ? "imported" : shape(imported.error)).toEqual(shape(onboarding))
    expect(await s.teachers()).toEqual([])
    // Where the unit does keep e-files, the same missing file is the reader's refusal.
    const atSchool = await s.importFile(file)
    expect(atSchool.ok ? "imported" : atSchool.error._tag).toBe("TableError")
  })

  it("M16.2 a batch is one file imported for one unit by one account: the same file for another school, or by another account, is another batch, and every row read is accepted, rejected or skipped", async () => {
    const file = path.join(dir, "shared.csv")
    fs.writeFileSync(file, `\uFEFF${csv(rows)}`)
    const hash = await ImportFile.fileHash(file)
    expect(ImportFile.bytesHash(fs.readFileSync(file))).toBe(hash)
    const first = await s.importFile(file)
    expect(first.ok && first.summary.batchId).toBe(
      ImportFile.batchIdOf({ unitId: "s1", accountId: "ia-s1", fileHash: hash })
    )
    // The same file for the second school: its own batch, whose rows are checked, not skipped as the first school's.
    const other = await s.importFile(file, { unitId: "s2", as: "ia-s2" })
    expect(other.ok && other.summary.batchId).toBe(
      ImportFile.batchIdOf({ unitId: "s2", accountId: "ia-s2", fileHash: hash })
    )
    expect(other.ok && other.summary).toMatchObject({ rowsRead: 4, accepted: 0, rejected: 4, skipped: 0 })
    // Another info admin of the first school: another batch too.
    const colleague = await s.importFile(file, { as: "ia2-s1" })
    expect(colleague.ok && colleague.summary.batchId).not.toBe(first.ok && first.summary.batchId)
    expect(colleague.ok && colleague.summary).toMatchObject({ rowsRead: 4, accepted: 0, rejected: 4, skipped: 0 })
    // The first uploader's batch is still its own: run again, it skips what went in.
    const again = await s.importFile(file)
    expect(again.ok && again.summary).toMatchObject({ batchId: first.ok && first.summary.batchId, skipped: 2 })
    for (const r of [first, other, colleague, again]) {
      if (!r.ok) throw new Error("refused")
      expect(r.summary.accepted + r.summary.rejected + r.summary.skipped).toBe(r.summary.rowsRead)
    }
    expect(await s.teachers()).toHaveLength(2)
  })

  it("M17.3 a row whose identity number fails the check is imported as problem data and warned of in the report with row, column, value, reason (Chinese, then English) and rule", async () => {
    const wrongCheck = `${good[0]!.slice(0, 17)}5`
    const file = path.join(dir, "check-digit.csv")
    fs.writeFileSync(file, `\uFEFF${csv([exampleImportRow("李一", wrongCheck), exampleImportRow("李三", good[2]!)])}`)
    const report = path.join(dir, "check-digit-errors.csv")
    const result = await s.importFile(file, { report })
    expect(result.ok && result.summary).toMatchObject({ rowsRead: 2, accepted: 2, rejected: 0, skipped: 0, flagged: 1 })
    expect(result.ok && result.summary.report).toBe(report)
    const lines = fs.readFileSync(report, "utf8").split("\r\n")
    const warning = lines.find((l) => l.startsWith(`2,身份证件号,${wrongCheck},`))
    expect(warning).toBeDefined()
    expect(warning).toMatch(/,M17\.3$/)
    expect(warning).toContain("警告")
    expect(warning).toContain("校验码应为")
    expect(warning).toContain("check character")
    expect(warning!.indexOf("校验码")).toBeLessThan(warning!.indexOf("check character"))
    // The problem kept for review says it in Chinese too, Chinese first.
    const problems = await s.problemsOf(wrongCheck)
    expect(problems).toHaveLength(1)
    expect(problems![0]).toMatchObject({ check: "identity" })
    expect(problems![0]!.detail).toMatch(/^[^a-z]*校验码应为.*；.*check character/)
  })

  it("M16.2 an identity number that Excel stored as a number (scientific notation, or cut to 15 digits and ending in 000) is rejected, saying so, in CSV and XLSX", async () => {
    const cut = `${good[0]!.slice(0, 15)}000`
    const file = path.join(dir, "excel-numbers.csv")
    fs.writeFileSync(
      file,
      `\uFEFF${csv([
        exampleImportRow("李一", "4.20102E+17"),
        exampleImportRow("李二", cut),
        exampleImportRow("李三", good[2]!)
      ])}`
    )
    const report = path.join(dir, "excel-numbers-errors.csv")
    const result = await s.importFile(file, { report })
    expect(result.ok && result.summary).toMatchObject({ rowsRead: 3, accepted: 1, rejected: 2, skipped: 0 })
    const lines = fs.readFileSync(report, "utf8").split("\r\n")
    for (const [row, value] of [
      [2, "4.20102E+17"],
      [3, cut]
    ] as const) {
      const line = lines.find((l) => l.startsWith(`${row},身份证件号,${value},`))
      expect(line, String(row)).toBeDefined()
      expect(line).toMatch(/,M16\.2$/)
      expect(line).toContain("Excel 把身份证")
      expect(line).toContain("Excel stored the identity number as a number")
      expect(line!.indexOf("Excel 把")).toBeLessThan(line!.indexOf("Excel stored"))
    }
    expect(await s.teachers()).toEqual([["李三", good[2]]])

    // An XLSX whose identity number cell is a number: Excel keeps 15 significant digits.
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet("教师")
    sheet.addRow(exampleImportHeaders)
    const row = exampleImportRow("李四", "") as Array<string | number>
    row[exampleImportHeaders.indexOf("身份证件号")] = Number(good[1]!.slice(0, 15)) * 1000
    sheet.addRow(row)
    const xlsx = path.join(dir, "excel-number.xlsx")
    fs.writeFileSync(xlsx, Buffer.from(await workbook.xlsx.writeBuffer()))
    const xlsxReport = path.join(dir, "excel-number-errors.csv")
    const fromXlsx = await s.importFile(xlsx, { report: xlsxReport })
    expect(fromXlsx.ok && fromXlsx.summary).toMatchObject({ rowsRead: 1, accepted: 0, rejected: 1 })
    expect(fs.readFileSync(xlsxReport, "utf8")).toContain("Excel 把身份证号存成了数字")
  })

  it("M16.2 a refusal names the file by the name given, never by the path it was read from", async () => {
    const kept = path.join(dir, "0123456789abcdef.csv")
    fs.writeFileSync(kept, `${csv(rows.slice(0, 1))}"李五,`)
    const result = await s.importFile(kept, { name: "教师名单.csv" })
    if (result.ok) throw new Error("imported")
    const text = JSON.stringify(result.error)
    expect(text).toContain("教师名单.csv")
    expect(text).not.toContain(dir)
    expect(text).not.toContain("0123456789abcdef")
    const missing = await s.importFile(path.join(dir, "no-such-upload.csv"), { name: "教师名单.csv" })
    if (missing.ok) throw new Error("imported")
    expect(JSON.stringify(missing.error)).not.toContain("no-such-upload")
  })

  it("M16.2 M17.4 a row repeated word for word in the file is reported as the same person again, not a failed import: accepted + rejected + skipped = rows read", async () => {
    const file = path.join(dir, "repeated.csv")
    fs.writeFileSync(file, csv([rows[0]!, rows[2]!, rows[0]!, rows[0]!]))
    const report = path.join(dir, "repeated-errors.csv")
    const result = await s.importFile(file, { report })
    expect(result.ok ? result.summary : result.error).toMatchObject({
      rowsRead: 4,
      accepted: 2,
      rejected: 2,
      skipped: 0
    })
    const lines = fs.readFileSync(report, "utf8").split("\r\n")
    for (const row of [4, 5]) {
      const line = lines.find((l) => l.startsWith(`${row},身份证件号,${good[0]},`))
      expect(line, String(row)).toMatch(/与第2行重复.*,M17\.4$/)
    }
    expect(await s.teachers()).toEqual([
      ["李一", good[0]],
      ["李三", good[2]]
    ])
  })
  it("M16.2 M11.1 the XLSX template imports as it is: headers of the stage's fields, drop-down lists of codes, identity numbers kept as text, its sample row accepted", async () => {
    const sample = exampleBasicInfo({ name: "模板样例", idNumber: good[1], birthDate: "1990-03-07" })
    const bytes = await Template.basicInfo(Indicator.core, "primary", { sample, rows: 50 })
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
    const [sheet, codes] = workbook.worksheets
    const fields = Indicator.fieldsFor(Indicator.getGroup(Indicator.core, "basicInfo")!, "primary")
    const headers = (sheet!.getRow(1).values as Array<unknown>).slice(1)
    expect(headers).toEqual(fields.map((f) => (Indicator.isRequired(f) ? `*${f.zh}` : f.zh)))
    expect(codes!.state).toBe("hidden")
    const column = (key: string) => fields.findIndex((f) => f.key === key) + 1
    const sex = sheet!.getCell(2, column("sex"))
    expect(sex.value).toBe("2 女")
    expect(sheet!.getCell(3, column("sex")).dataValidation).toMatchObject({ type: "list" })
    expect(sheet!.getColumn(column("idNumber")).numFmt).toBe("@")
    // The same schema gives the same bytes, also when packed at another moment (the zip stamps each entry's time).
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2030-06-01T10:00:07Z") })
    try {
      expect(Buffer.compare(bytes, await Template.basicInfo(Indicator.core, "primary", { sample, rows: 50 }))).toBe(0)
    } finally {
      vi.useRealTimers()
    }

    const file = path.join(dir, "template.xlsx")
    fs.writeFileSync(file, bytes)
    const imported = await s.importFile(file)
    expect(imported.ok && imported.summary).toMatchObject({ rowsRead: 1, accepted: 1, rejected: 0 })
    expect(await s.teachers()).toEqual([["模板样例", good[1]]])
  })
})
