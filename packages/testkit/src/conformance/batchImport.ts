/**
 * The batch import area of the storage conformance suite (M16.2): good rows become submitted e-files, bad rows are
 * reported with row, column and rule and leave nothing behind, a second run adds nothing; and, for random batches,
 * accepted + rejected = rows read with exactly the accepted rows stored.
 *
 * @since 0.1.0
 */
import { BatchImport, type EFile, EFiles, Indicator } from "@tmis/core"
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
  getEFile,
  hire,
  hubei,
  onboard,
  root,
  s1Path,
  setup,
  storage,
  withDatabase,
  woman
} from "./fixtures.js"
import { numRunsOf } from "./processes.js"
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

        const ids = [rows[0]!, rows[5]!].map((r) =>
          BatchImport.teacherIdOf("b1", r.line, BatchImport.rowHash(r.record))
        )
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
                rows.map((r) => ({ line: r.line, hash: BatchImport.rowHash(r.record) }))
              )
            )
          )
        ).toEqual(new Set([rows[0]!, rows[5]!].map((r) => r.line)))
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
          const expected = good.map((r) => BatchImport.teacherIdOf("p", r.line, BatchImport.rowHash(r.record))).sort()
          expect((await efilesIn(h, root)).map((e) => e.id).sort()).toEqual(expected)
          await expectIntact(h)
        })
      ),
      { numRuns: numRunsOf(options) }
    )
  })
}

const importAsOnboarding = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M16.2 M21.1 M5.1 M11.1 M17.4 M17.3 a batch import refuses each row onboarding refuses, with the rule onboarding names; an imported e-file equals an onboarded one of the same data but for ids and times",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        const school = await actor(h, "ia-s1")
        const covered = { onEstablishment: true, contractMonths: undefined, postCategory: "1" } as const
        // A wrong check character: kept as problem data (M17.3), by onboarding and import alike.
        const wrongCheck = `${woman(6).slice(0, 17)}${woman(6).endsWith("0") ? "1" : "0"}`
        await onboard(h, "ia-s1", hire("t0", "s1", basicInfo()))
        const rows: ReadonlyArray<BatchImport.Row> = [
          { line: 2, record: basicInfo({ name: "张一", idNumber: woman(1) }), employment: covered },
          {
            line: 3,
            record: basicInfo({ name: "张二", idNumber: woman(2), onEstablishment: false }),
            employment: { onEstablishment: false, contractMonths: 6, postCategory: "1" }
          },
          {
            line: 4,
            record: basicInfo({ name: "张三", idNumber: woman(3), onEstablishment: false }),
            employment: { onEstablishment: false, contractMonths: 24, postCategory: "4" }
          },
          { line: 5, record: basicInfo({ name: "张四", idNumber: woman(4), sex: "x" }), employment: covered },
          { line: 6, record: basicInfo({ name: "张五" }), employment: covered },
          { line: 7, record: basicInfo({ name: "张六", idNumber: wrongCheck }), employment: covered }
        ]
        const onboardRow = (row: BatchImport.Row, id: string, by = school, unitId = "s1") =>
          h.result(
            EFiles.onboard(by, {
              id,
              entryId: `${id}-basic`,
              unitId,
              basicInfo: Indicator.unchecked(row.record),
              employment: row.employment ?? covered
            })
          )

        // What onboarding says of each row: the refused ones change nothing.
        const onboarding = new Map<number, ReturnType<typeof refusal>>()
        for (const row of rows) onboarding.set(row.line, refusal(await onboardRow(row, `o${row.line}`)))
        expect([...onboarding]).toEqual([
          [2, "ok"],
          [3, ["invalid", "M5.1"]],
          [4, ["invalid", "M5.1"]],
          [5, ["invalid", "M11.1"]],
          [6, ["conflict", "M17.4"]],
          [7, "ok"]
        ])
        // The onboarded e-files of the accepted rows, as created; retired, so that the import may hold the numbers.
        const onboarded: Array<{ efile: EFile.EFile; entry: EFile.Entry }> = []
        for (const id of ["o2", "o7"]) {
          const efile = (await getEFile(h, id))!.value
          onboarded.push({ efile, entry: (await entriesOf(h, id))[0]!.value })
          await h.run(EFiles.recordStatus(school, id, { status: "retired", effective: "2026-01-01" }, 1))
        }

        const rejections: Array<BatchImport.Rejection> = []
        const progress = await h.run(
          BatchImport.run(school, rows, { batchId: "same", unitId: "s1", onRejections: (r) => rejections.push(...r) })
        )
        expect(progress).toEqual({ rowsRead: 6, accepted: 2, rejected: 4, skipped: 0 })
        // Each refused row with the rule onboarding names, and only that rule.
        const rulesOf = (line: number) => [...new Set(rejections.filter((r) => r.row === line).map((r) => r.rule))]
        for (const row of rows) {
          const said = onboarding.get(row.line)!
          expect([row.line, rulesOf(row.line)]).toEqual([row.line, said === "ok" ? [] : [said[1]]])
        }

        // The same data, imported and onboarded: equal but for the ids and the times.
        const imported = [rows[0]!, rows[5]!].map((r) =>
          BatchImport.teacherIdOf("same", r.line, BatchImport.rowHash(r.record))
        )
        const apart = (efile: EFile.EFile) => {
          const { id: _id, path: _path, createdAt: _at, ...rest } = efile
          return rest
        }
        for (const [i, id] of imported.entries()) {
          const efile = (await getEFile(h, id))!.value
          const entry = (await entriesOf(h, id))[0]!.value
          const before = onboarded[i]!
          expect(apart(efile)).toEqual(apart(before.efile))
          expect(efile.path).toBe(`${s1Path}${id}`)
          expect([entry.group, entry.data]).toEqual([before.entry.group, before.entry.data])
          expect(entry.review.context.problems).toEqual(before.entry.review.context.problems)
          // Onboarding leaves a draft to its enterer; the importer submits what it imports (M16.2).
          expect([before.entry.review.state, entry.review.state]).toEqual(["draft", "submitted"])
        }
        expect(onboarded[1]!.entry.review.context.problems.map((p) => p.check)).toEqual(["identity"])

        // Per batch, as per hire: a unit that keeps no e-files (M21.1), an actor who may not create them there.
        const county = await actor(h, "ia-jiangan")
        for (const [by, unitId] of [
          [county, "jiangan"],
          [school, "jiangan"],
          [county, "s1"],
          [await actor(h, "ia-s2"), "s1"]
        ] as const) {
          const batch = refusal(await h.result(BatchImport.run(by, rows, { batchId: "refused", unitId })))
          expect([by.accountId, unitId, batch]).toEqual([
            by.accountId,
            unitId,
            refusal(await onboardRow(rows[0]!, "refused", by, unitId))
          ])
          expect(batch).not.toBe("ok")
        }
        expect(
          refusal(await h.result(BatchImport.run(county, rows, { batchId: "refused", unitId: "jiangan" })))
        ).toEqual(["invalid", "M21.1"])
        expect((await efilesIn(h, root)).map((e) => e.id).sort()).toEqual([...imported, "o2", "o7", "t0"].sort())
        await expectIntact(h)
      })
  )
}

/**
 * The batch import area (M16.2).
 *
 * @since 0.1.0
 */
export const batchImportConformance: AreaConformance = area("batchImport", [
  importBatch,
  importProperty,
  importAsOnboarding
])
