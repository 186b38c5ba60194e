/**
 * A provider's file of training results over HTTP on every backend (M25.2): CSV and XLSX, one row per teacher by id
 * or identity number, each row submitted as the one-by-one endpoint submits it, the refused rows reported with row,
 * column, value, reason and rule, the same file uploaded again skipping what went in.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { exampleBasicInfo } from "@tmis/testkit/arbitraries"
import ExcelJS from "exceljs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  actingAs,
  type Backend,
  backends,
  cheapSettings,
  identityNumber,
  type Running,
  seedDemo,
  start
} from "./support.js"

const project = (id: string, providerId: string) => ({
  id,
  name: `培训项目${id}`,
  kind: "county",
  hours: 60,
  form: "course",
  providerId,
  from: "2025-03-01",
  to: "2025-06-30",
  capacity: 30
})

// Sequence codes 7xx: far from the demo's teachers, its account holders and the other tests' hires.
const hireNumber = identityNumber("420102", "1990-05-01", "702")

interface Reply {
  readonly status: number
  // biome-ignore lint/suspicious/noExplicitAny: a JSON reply read by the test
  readonly body: any
}

for (const backend of backends) {
  describe(`training results as a file over HTTP on ${backend.name}`, () => {
    let opened: Backend
    let running: Running
    let importDir: string
    let teachers: ReadonlyArray<string>
    let hired: string
    const as = actingAs(() => running)
    let key: string
    let otherKey: string

    const upload = async (providerId: string, secret: string, body: Uint8Array, query: string): Promise<Reply> => {
      const response = await fetch(`${running.url}/provider/results/file?${query}`, {
        method: "POST",
        headers: {
          "x-provider-id": providerId,
          "x-provider-key": secret,
          "content-type": "application/octet-stream"
        },
        body
      })
      return { status: response.status, body: await response.json() }
    }
    const csv = (text: string) => new TextEncoder().encode(text)
    const xlsx = async (...rows: ReadonlyArray<ReadonlyArray<unknown>>) => {
      const book = new ExcelJS.Workbook()
      const sheet = book.addWorksheet("结果")
      for (const row of rows) sheet.addRow([...row])
      // biome-ignore lint/suspicious/noExplicitAny: exceljs's Buffer type predates Node 20's generic Buffer
      return new Uint8Array((await book.xlsx.writeBuffer()) as any)
    }

    beforeAll(async () => {
      opened = await backend.make()
      importDir = await mkdtemp(join(tmpdir(), "tmis-results-"))
      running = await start(opened, { importDir }, cheapSettings)
      await seedDemo(running, 20)
      const school = await as("ia-jaxx")
      teachers = (await school.get("/units/jaxx/efiles?limit=3")).body.items.map((e: { readonly id: string }) => e.id)
      const onboarded = await school.post("/efiles", {
        unitId: "jaxx",
        basicInfo: exampleBasicInfo({ name: "李文华", idNumber: hireNumber, birthDate: "1990-05-01", sex: "1" }),
        employment: { onEstablishment: true, postCategory: "1" }
      })
      if (onboarded.status !== 201) throw new Error(JSON.stringify(onboarded.body))
      hired = onboarded.body.efile.id
      const county = await as("ia-jiangan")
      key = (await county.post("/training/providers", { id: "pv-file", name: "江岸区教师进修学校" })).body.key
      otherKey = (await county.post("/training/providers", { id: "pv-file-other", name: "机构乙" })).body.key
      await county.post("/training/projects", project("f1", "pv-file"))
      await county.post("/training/projects", project("f2", "pv-file-other"))
      // Enrolled in f1: the first two teachers and the new hire; the third is not.
      for (const teacherId of [teachers[0], teachers[1], hired]) {
        const enrolled = await school.post("/training/projects/f1/enrolments", { teacherId })
        if (enrolled.status !== 201) throw new Error(JSON.stringify(enrolled.body))
      }
      await school.post("/training/projects/f2/enrolments", { teacherId: teachers[2] })
    }, 120_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
      if (importDir !== undefined) await rm(importDir, { recursive: true, force: true })
    })

    it("M25.2 a provider uploads a CSV of results: enrolled teachers of its own projects go in, by id or identity number; every other row is reported with row, column, value, reason and rule; the same file again skips them", async () => {
      const file = csv(
        [
          "教师ID,身份证号,项目编号,学时,结业日期",
          `${teachers[0]},,f1,36,2025-06-30`,
          `,${hireNumber},f1,24,2025/6/1`,
          `${teachers[2]},,f1,36,2025-06-30`,
          `${teachers[1]},,f1,61,2025-06-30`,
          `${teachers[1]},,f1,30,2025-07-31`,
          `${teachers[2]},,f2,30,2025-06-30`,
          `,110105194912310000,f1,10,2025-06-30`
        ].join("\n")
      )
      const first = await upload("pv-file", key, file, "format=csv&filename=%E7%BB%93%E4%B8%9A.csv")
      expect(first.status).toBe(200)
      expect(first.body).toMatchObject({ filename: "结业.csv", rowsRead: 7, accepted: 2, rejected: 5, skipped: 0 })
      expect(first.body.rejections.map((r: Record<string, unknown>) => [r.row, r.column, r.value, r.rule])).toEqual([
        [4, "教师ID", teachers[2], "M25.2"],
        [5, "学时", "61", "M25.2"],
        [6, "结业日期", "2025-07-31", "M25.2"],
        [7, "项目编号", "f2", "M25.2"],
        [8, "身份证号", "110105194912310000", "M25.2"]
      ])
      expect(first.body.rejections[0].reason).toContain("enrolled")
      // The results went in as the one-by-one endpoint puts them: awaiting the owning bureau (M25.3).
      const awaiting = await (await as("ia-jiangan")).get("/training/results/awaiting")
      const mine = awaiting.body.items.filter((r: { readonly projectId: string }) => r.projectId === "f1")
      expect(mine.map((r: Record<string, unknown>) => [r.teacherId, r.hours, r.completedOn, r.providerId])).toEqual([
        [teachers[0], 36, "2025-06-30", "pv-file"],
        [hired, 24, "2025-06-01", "pv-file"]
      ])

      // The same file again, by the same provider: nothing submitted twice, the same rows refused.
      const again = await upload("pv-file", key, file, "format=csv")
      expect(again.body).toMatchObject({
        batchId: first.body.batchId,
        rowsRead: 7,
        accepted: 0,
        rejected: 5,
        skipped: 2
      })
      // The corrected rows, in a new file, go in; the rows already submitted are refused as duplicates (M25.2).
      const corrected = await upload(
        "pv-file",
        key,
        csv(`teacherId,projectId,hours,completedOn\n${teachers[1]},f1,30,2025-06-30\n${teachers[0]},f1,36,2025-06-30`),
        "format=csv"
      )
      expect(corrected.body).toMatchObject({ rowsRead: 2, accepted: 1, rejected: 1, skipped: 0 })
      expect(corrected.body.rejections.map((r: Record<string, unknown>) => [r.row, r.rule])).toEqual([[3, "M25.2"]])
      // The server keeps no copy of an upload once it is read.
      expect(await readdir(importDir)).toEqual([])
    })

    it("M25.2 the same file uploaded three times at once: each row is submitted once, the others count it skipped", async () => {
      const county = await as("ia-jiangan")
      await county.post("/training/projects", project("f3", "pv-file"))
      for (const teacherId of [teachers[0], teachers[1]]) {
        await (await as("ia-jaxx")).post("/training/projects/f3/enrolments", { teacherId })
      }
      const file = csv(
        `教师ID,项目编号,学时,结业日期\n${teachers[0]},f3,10,2025-05-01\n${teachers[1]},f3,12,2025-05-02`
      )
      const replies = await Promise.all([1, 2, 3].map(() => upload("pv-file", key, file, "format=csv")))
      expect(
        replies.map((r) => [r.status, r.body.rowsRead, r.body.accepted + r.body.skipped, r.body.rejected])
      ).toEqual([
        [200, 2, 2, 0],
        [200, 2, 2, 0],
        [200, 2, 2, 0]
      ])
      expect(replies.reduce((sum, r) => sum + r.body.accepted, 0)).toBe(2)
      const awaiting = await county.get("/training/results/awaiting")
      const f3 = awaiting.body.items.filter((r: { readonly projectId: string }) => r.projectId === "f3")
      expect(f3).toHaveLength(2)
    })

    it("M25.2 an XLSX file of results; a file without the needed columns is refused whole; a wrong key gets 401", async () => {
      const row = [hireNumber, "f2", 20, new Date(Date.UTC(2025, 5, 30))]
      // The hire is not enrolled in f2: refused as any teacher not enrolled, naming the cell it was given by.
      const refused = await upload(
        "pv-file-other",
        otherKey,
        await xlsx(["身份证号", "项目编号", "学时", "结业日期"], row),
        "format=xlsx"
      )
      expect(refused.status).toBe(200)
      expect(refused.body).toMatchObject({ rowsRead: 1, accepted: 0, rejected: 1 })
      expect(refused.body.rejections[0]).toMatchObject({ row: 2, column: "身份证号", value: hireNumber, rule: "M25.2" })
      await (await as("ia-jaxx")).post("/training/projects/f2/enrolments", { teacherId: hired })
      const accepted = await upload(
        "pv-file-other",
        otherKey,
        await xlsx(["idNumber", "projectId", "hours", "completedOn"], row),
        "format=xlsx"
      )
      expect(accepted.body).toMatchObject({ rowsRead: 1, accepted: 1, rejected: 0 })

      const noHours = await upload(
        "pv-file",
        key,
        csv("teacherId,projectId,completedOn\nx,f1,2025-06-30"),
        "format=csv"
      )
      expect([noHours.status, noHours.body.rule]).toEqual([422, "M25.2"])
      const wrongKey = await upload("pv-file", "not-the-key", csv("teacherId,projectId,hours,completedOn\n"), "")
      expect([wrongKey.status, wrongKey.body.rule]).toEqual([401, "M25.2"])
    })
  })
}
