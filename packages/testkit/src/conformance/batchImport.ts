/**
 * The batch import area of the storage conformance suite (M16.2): good rows become submitted e-files, bad rows are
 * reported with row, column and rule and leave nothing behind, a second run adds nothing; and, for random batches,
 * accepted + rejected = rows read with exactly the accepted rows stored.
 *
 * @since 0.1.0
 */
import { BatchImport, type Indicator } from "@tmis/core"
import { Effect } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"
import { coreBasicInfo } from "../arbitraries/efile.js"
import {
  actor,
  auditRecords,
  basicInfo,
  efilesIn,
  entriesOf,
  hubei,
  root,
  s1Path,
  setup,
  storage,
  withDatabase,
  woman
} from "./fixtures.js"
import { type AreaConformance, area, expectIntact, refusal, type Suite } from "./support.js"

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

const importBatch = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M16.2 a batch import turns good rows into submitted e-files and reports bad rows with row, column and rule; nothing of a bad row is written; running it again adds nothing",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        const school = await actor(h, "ia-s1")
        const { name: _name, ...nameless } = basicInfo({ idNumber: woman(3) })
        const rows: ReadonlyArray<BatchImport.Row> = [
          { line: 2, record: basicInfo({ name: "张一" }) },
          { line: 3, record: basicInfo({ name: "张二", idNumber: woman(2), sex: "x" }) },
          { line: 4, record: nameless },
          { line: 5, record: basicInfo({ name: "张四" }) },
          {
            line: 6,
            record: basicInfo({ name: "张五", idNumber: woman(5) }),
            problems: [{ column: "出生日期", value: "1990/13/07", reason: "不是日期", rule: "M16.2" }]
          },
          { line: 7, record: basicInfo({ name: "张六", idNumber: woman(6) }) }
        ]
        const headers: Record<string, string> = { name: "姓名", sex: "性别", idNumber: "身份证件号" }
        const run = async () => {
          const rejections: Array<BatchImport.Rejection> = []
          const progress = await h.run(
            BatchImport.run(school, rows, {
              batchId: "b1",
              unitId: "s1",
              chunkSize: 4,
              columnOf: (field) => headers[field] ?? field,
              onRejections: (r) => rejections.push(...r)
            })
          )
          return { progress, rejections }
        }

        const first = await run()
        expect(first.progress).toEqual({ rowsRead: 6, accepted: 2, rejected: 4, skipped: 0 })
        expect(first.rejections.map((r) => [r.row, r.column, r.value, r.rule])).toEqual([
          [3, "性别", "x", "M11.1"],
          [4, "姓名", "", "M11.1"],
          [5, "身份证件号", woman(0), "M17.4"],
          [6, "出生日期", "1990/13/07", "M16.2"]
        ])
        expect(first.rejections.every((r) => r.reason.length > 0)).toBe(true)

        const ids = [rows[0]!, rows[5]!].map((r) => BatchImport.teacherIdOf("b1", BatchImport.rowHash(r.record)))
        const stored = await efilesIn(h, s1Path)
        expect(stored.map((e) => [e.id, e.name, e.unitId]).sort()).toEqual(
          [
            [ids[0], "张一", "s1"],
            [ids[1], "张六", "s1"]
          ].sort()
        )
        for (const id of ids) {
          const entries = await entriesOf(h, id)
          expect(entries.map((e) => [e.value.group, e.value.review.state, e.version])).toEqual([
            ["basicInfo", "submitted", 1]
          ])
          expect(entries[0]?.value.review.context.history.map((i) => [i.type, i.actor])).toEqual([["submit", "ia-s1"]])
        }
        // Nothing of a bad row: no e-file holds its number.
        for (const n of [2, 3, 5]) {
          expect(await h.run(Effect.flatMap(storage, (s) => s.teachers.byIdentity("1", woman(n))))).toEqual([])
        }
        expect((await h.run(Effect.flatMap(storage, (s) => s.teachers.byIdentity("1", woman(0))))).length).toBe(1)
        const imports = (await h.run(auditRecords)).filter((r) => r.action === "efile.import")
        expect(imports.map((r) => [r.details.accepted, r.details.rejected, r.details.skipped])).toEqual([
          [1, 3, 0],
          [1, 1, 0]
        ])

        // Run again: the good rows are skipped, the bad ones reported again, nothing added.
        const again = await run()
        expect(again.progress).toEqual({ rowsRead: 6, accepted: 0, rejected: 4, skipped: 2 })
        expect(again.rejections.map((r) => [r.row, r.rule])).toEqual(first.rejections.map((r) => [r.row, r.rule]))
        expect((await efilesIn(h, root)).map((e) => e.id).sort()).toEqual([...ids].sort())
        expect(
          await h.run(
            Effect.flatMap(storage, (s) =>
              s.imports.imported(
                "b1",
                rows.map((r) => BatchImport.rowHash(r.record))
              )
            )
          )
        ).toEqual(new Set([rows[0]!, rows[5]!].map((r) => BatchImport.rowHash(r.record))))
        // Another school's info admin cannot import into this school.
        expect(
          refusal(await h.result(BatchImport.run(await actor(h, "ia-s2"), rows, { batchId: "b2", unitId: "s1" })))
        ).toEqual(["forbidden", "M14.3"])
        await expectIntact(h)
      })
  )
}

const importProperty = ({ makeDatabase, options, timeout }: Suite): void => {
  it("M16.2 property: for random batches of valid and invalid rows, accepted + rejected rows = rows read, and the store holds exactly the accepted ones", {
    timeout
  }, async () => {
    type Breakage = "none" | "code" | "missing" | "type" | "problems"
    const row = fc.record({
      record: coreBasicInfo({ stage: "primary" }),
      breakage: fc.constantFrom<Breakage>("none", "none", "code", "missing", "type", "problems")
    })
    const batch = fc.uniqueArray(row, {
      minLength: 1,
      maxLength: 12,
      selector: (r) => `${String(r.record.idType).trim()}:${String(r.record.idNumber).trim().toUpperCase()}`
    })
    const broken = (record: Indicator.IndicatorRecord, breakage: Breakage): BatchImport.Row["record"] => {
      switch (breakage) {
        case "code":
          return { ...record, nationality: "ZZZ" }
        case "missing": {
          const { name: _name, ...rest } = record
          return rest
        }
        case "type":
          return { ...record, workStartMonth: "2012-13" }
        default:
          return record
      }
    }
    await fc.assert(
      fc.asyncProperty(batch, fc.integer({ min: 1, max: 5 }), (generated, chunkSize) =>
        withDatabase(makeDatabase, hubei, async (h) => {
          await setup(h)
          const rows: ReadonlyArray<BatchImport.Row> = generated.map((g, i) => ({
            line: i + 2,
            record: broken(g.record, g.breakage),
            ...(g.breakage === "problems"
              ? { problems: [{ column: "姓名", value: "", reason: "映射失败", rule: "M16.2" }] }
              : {})
          }))
          const rejected = new Set<number>()
          const progress = await h.run(
            BatchImport.run(await actor(h, "ia-s1"), rows, {
              batchId: "p",
              unitId: "s1",
              chunkSize,
              onRejections: (r) => {
                for (const x of r) rejected.add(x.row)
              }
            })
          )
          const good = rows.filter((_, i) => generated[i]!.breakage === "none")
          expect(progress.accepted + progress.rejected).toBe(progress.rowsRead)
          expect(progress).toEqual({
            rowsRead: rows.length,
            accepted: good.length,
            rejected: rows.length - good.length,
            skipped: 0
          })
          expect([...rejected].sort((a, b) => a - b)).toEqual(
            rows.filter((_, i) => generated[i]!.breakage !== "none").map((r) => r.line)
          )
          const expected = good.map((r) => BatchImport.teacherIdOf("p", BatchImport.rowHash(r.record))).sort()
          expect((await efilesIn(h, root)).map((e) => e.id).sort()).toEqual(expected)
          await expectIntact(h)
        })
      ),
      { numRuns: options.numRuns === undefined ? 5 : Math.min(5, options.numRuns) }
    )
  })
}

/**
 * The batch import area (M16.2).
 *
 * @since 0.1.0
 */
export const batchImportConformance: AreaConformance = area("batchImport", [importBatch, importProperty])
