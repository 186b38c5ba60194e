/**
 * The e-files area of the storage conformance suite: the store's one active e-file per identity document (M17.4),
 * also under real concurrency, the duplicate report (M17.4), audited and masked reads (M37.1, M37.2), and e-files
 * re-pathed with their school's move (M12.2). Every test reads back what the store holds through the port, and
 * verifies the audit log.
 *
 * @since 0.1.0
 */
import { Accounts, CreditBank, type EFile, EFiles, IdentityNumber, type Unit, Units } from "@tmis/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import {
  actor,
  auditRecords,
  basicInfo,
  createUnits,
  efilesIn,
  entriesOf,
  getEFile,
  getEntry,
  hire,
  hubei,
  jianghan,
  makeEffective,
  onboard,
  root,
  s1Path,
  setup,
  storage,
  verify,
  withDatabase,
  woman
} from "./fixtures.js"
import { type AreaConformance, area, expectIntact, expectRaceOutcomes, refusal, type Suite } from "./support.js"

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

const oneActiveEFile = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M17.4 the store refuses a second active e-file of an identity number, from any school; a retired teacher's number can be onboarded again",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        // A number whose check character is X, typed lower-case: the e-file keeps it upper-case, as the check compares.
        const x = woman(8)
        expect(x).toBe("42010219900307138X")
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        await onboard(h, "ia-s1", hire("tx", "s1", basicInfo({ idNumber: x.toLowerCase() })))
        expect((await getEFile(h, "tx"))?.value.idNumber).toBe(x)
        const audited = (await h.run(auditRecords)).length

        for (const [by, id, unitId, number] of [
          ["ia-s2", "t2", "s2", woman(0)],
          ["ia-s1", "t3", "s1", woman(0)],
          ["ia-s1", "t4", "s1-d1", woman(0)],
          ["ia-s2", "t5", "s2", x]
        ] as const) {
          const result = await h.result(
            Effect.flatMap(Accounts.actorOf(by), (a) =>
              EFiles.onboard(a, hire(id, unitId, basicInfo({ idNumber: number })))
            )
          )
          expect(refusal(result)).toEqual(["conflict", "M17.4"])
          expect(await getEFile(h, id)).toBeUndefined()
          expect(await getEntry(h, `${id}-basic`)).toBeUndefined()
        }
        // Past the services, straight to the store: refused by the store itself.
        const t1 = (await getEFile(h, "t1"))!.value
        const direct = await h.result(
          Effect.flatMap(storage, (s) =>
            s.teachers.insert({
              ...t1,
              id: "t6" as EFile.TeacherId,
              unitId: "s2" as Unit.UnitId,
              path: "/hubei/wuhan/jiangan/s2/t6"
            })
          )
        )
        expect(refusal(direct)).toEqual(["conflict", "M17.4"])
        const sameAsTx = await h.result(
          Effect.flatMap(storage, (s) =>
            s.teachers.insert({ ...t1, id: "t7" as EFile.TeacherId, path: `${s1Path}t7`, idNumber: x })
          )
        )
        expect(refusal(sameAsTx)).toEqual(["conflict", "M17.4"])
        expect((await efilesIn(h, root)).map((e) => e.id)).toEqual(["t1", "tx"])
        expect((await h.run(auditRecords)).length).toBe(audited)

        // Once the teacher retired, the e-file is no longer active: the number may be onboarded again, elsewhere.
        await h.run(
          Effect.flatMap(Accounts.actorOf("ia-s1"), (a) =>
            EFiles.recordStatus(a, "t1", { status: "retired", effective: "2026-01-01" }, 1)
          )
        )
        await onboard(h, "ia-s2", hire("t2", "s2", basicInfo()))
        const held = await h.run(Effect.flatMap(storage, (s) => s.teachers.byIdentity("1", woman(0))))
        expect(held.map((e) => [e.value.id, e.value.status, e.value.unitId, e.version])).toEqual([
          ["t1", "retired", "s1", 2],
          ["t2", "serving", "s2", 1]
        ])
        // …but not a third time while the second is active.
        const third = await h.result(
          Effect.flatMap(Accounts.actorOf("ia-s1"), (a) => EFiles.onboard(a, hire("t3", "s1", basicInfo())))
        )
        expect(refusal(third)).toEqual(["conflict", "M17.4"])
        expect((await efilesIn(h, root)).map((e) => e.id).sort()).toEqual(["t1", "t2", "tx"])
        await expectIntact(h)
      })
  )
}

const concurrentOnboardings = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(
    `M17.4 ${attempts} concurrent onboardings of one identity number at two schools: exactly one succeeds, the others fail with M17.4`,
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const before = await setup(h)
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: Array.from({ length: attempts }, (_, i) => {
            const school = i % 2 === 0 ? "s1" : "s2"
            return {
              _tag: "Onboard" as const,
              actorId: `ia-${school}`,
              hire: hire(
                `race${i}`,
                school,
                basicInfo({ name: `李老师${String(i).replace(/[0-9]/g, (d) => "〇一二三四五六七八九"[Number(d)]!)}` })
              )
            }
          })
        }
        const outcomes = await races.run(h.database, race)
        const successes = expectRaceOutcomes(outcomes, (o) => {
          expect(o.error).toBe("conflict")
          expect(o.rule).toBe("M17.4")
        })
        expect(successes).toBe(1)
        const winner = race.attempts[outcomes.findIndex((o) => o._tag === "Success")]
        const winnerId = winner?._tag === "Onboard" ? winner.hire.id : ""
        const held = await h.run(Effect.flatMap(storage, (s) => s.teachers.byIdentity("1", woman(0))))
        expect(held.map((e) => [e.value.id, e.value.status])).toEqual([[winnerId, "serving"]])
        expect((await efilesIn(h, root)).map((e) => e.id)).toEqual([winnerId])
        for (const attempt of race.attempts) {
          if (attempt._tag !== "Onboard" || attempt.hire.id === winnerId) continue
          expect(await getEntry(h, attempt.hire.entryId)).toBeUndefined()
        }
        expect((await entriesOf(h, winnerId)).map((e) => e.value.id)).toEqual([`${winnerId}-basic`])
        // Only the winner's record: nothing of the refused attempts.
        expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: before + 1 })
      })
  )
}

const duplicateReport = ({ makeDatabase, timeout }: Suite): void => {
  it("M17.4 the duplicate report lists every identity number held by more than one e-file", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await setup(h)
      const school1 = await actor(h, "ia-s1")
      // Two numbers, each onboarded, retired, and onboarded again at the other school; a third held once.
      for (const [n, first, second] of [
        [1, "a1", "a2"],
        [0, "b1", "b2"]
      ] as const) {
        await onboard(h, "ia-s1", hire(first, "s1", basicInfo({ idNumber: woman(n) })))
        await h.run(EFiles.recordStatus(school1, first, { status: "retired", effective: "2026-01-01" }, 1))
        await onboard(h, "ia-s2", hire(second, "s2", basicInfo({ idNumber: woman(n) })))
      }
      await onboard(h, "ia-s1", hire("c1", "s1", basicInfo({ idNumber: woman(2) })))
      const before = (await h.run(auditRecords)).length

      const rootAdmin = await actor(h, "ia-root")
      const all = await h.run(EFiles.duplicates(rootAdmin, { limit: 10 }))
      expect(all.next).toBeUndefined()
      expect(all.items.map((d) => [d.idType, d.teachers])).toEqual([
        ["1", ["b1", "b2"]],
        ["1", ["a1", "a2"]]
      ])
      // Page by page, every duplicate once.
      const first = await h.run(EFiles.duplicates(rootAdmin, { limit: 1 }))
      expect(first.items.map((d) => d.teachers)).toEqual([["b1", "b2"]])
      expect(first.next).toBeDefined()
      const second = await h.run(EFiles.duplicates(rootAdmin, { after: first.next, limit: 1 }))
      expect(second.items.map((d) => d.teachers)).toEqual([["a1", "a2"]])
      expect(second.next).toBeUndefined()
      // What the store holds behind the report.
      const stored = await h.run(Effect.flatMap(storage, (s) => s.teachers.duplicates({ limit: 10 })))
      expect(stored.items).toEqual([
        { idType: "1", idNumber: woman(0), teachers: ["b1", "b2"] },
        { idType: "1", idNumber: woman(1), teachers: ["a1", "a2"] }
      ])

      // Only the root's info admin reads it.
      for (const [by, rule] of [
        ["ia-jiangan", "M17.4"],
        ["ia-s1", "M17.4"],
        ["sa-root", "M13.2"]
      ] as const) {
        expect([by, refusal(await h.result(EFiles.duplicates(await actor(h, by), { limit: 10 })))]).toEqual([
          by,
          ["forbidden", rule]
        ])
      }
      const records = (await h.run(auditRecords)).slice(before)
      // Every reading and every refusal is audited (M37.1).
      expect(records.map((r) => [r.action, r.actor, r.outcome, r.details.count ?? r.details.rule])).toEqual([
        ["efile.duplicates", "ia-root", "ok", 2],
        ["efile.duplicates", "ia-root", "ok", 1],
        ["efile.duplicates", "ia-root", "ok", 1],
        ["efile.duplicates", "ia-jiangan", "refused", "M17.4"],
        ["efile.duplicates", "ia-s1", "refused", "M17.4"],
        ["efile.duplicates", "sa-root", "refused", "M13.2"]
      ])
      await expectIntact(h)
    })
  )
}

const auditedMaskedReads = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M37.1 M37.2 every read is audited; a query-er sees the identity number masked and no pay or ethics entries; a read outside the actor's subtree is refused and the refusal audited",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        const school = await actor(h, "ia-s1")
        for (const [entryId, group, data] of [
          ["t1-pay", "basicPay", { year: 2025, annualIncome: 120_000 }],
          ["t1-ethics", "ethics", { year: 2025, honor: "师德标兵" }],
          ["t1-study", "studyHistory", { educationObtained: "21" }]
        ] as const) {
          await h.run(EFiles.addEntry(school, { teacherId: "t1", entryId, group, data }))
        }
        const before = (await h.run(auditRecords)).length
        const read = async (by: string) => h.result(Effect.flatMap(Accounts.actorOf(by), (a) => EFiles.read(a, "t1")))

        const full = await read("ia-s1")
        if (!full.ok) throw new Error(String(full.error))
        expect(full.value.masked).toBe(false)
        expect(full.value.efile.idNumber).toBe(woman(0))
        expect(full.value.entries.map((e) => e.id).sort()).toEqual(["t1-basic", "t1-ethics", "t1-pay", "t1-study"])

        const masked = await read("iq-s1")
        if (!masked.ok) throw new Error(String(masked.error))
        const shown = IdentityNumber.mask(woman(0))
        expect(shown).toBe("420***********1224")
        expect(masked.value.masked).toBe(true)
        expect(masked.value.efile.idNumber).toBe(shown)
        expect(masked.value.entries.map((e) => e.id).sort()).toEqual(["t1-basic", "t1-study"])
        expect(masked.value.entries.find((e) => e.id === "t1-basic")?.data.idNumber).toBe(shown)
        // Nowhere else in the view either, the entries' review records apart (a known leak, see EFile.test.ts).
        const withoutReviews = { ...masked.value, entries: masked.value.entries.map(({ review: _r, ...e }) => e) }
        expect(JSON.stringify(withoutReviews)).not.toContain(woman(0))

        // The bureau above reads everything too; another school reads nothing.
        const bureau = await read("ia-jiangan")
        expect(bureau.ok && bureau.value.masked).toBe(false)
        expect(refusal(await read("ia-s2"))).toEqual(["forbidden", "M14.3"])

        // The listing is masked in the same way.
        const listed = await h.run(
          Effect.flatMap(Accounts.actorOf("iq-s1"), (a) => EFiles.list(a, "s1", { limit: 10 }))
        )
        expect(listed.items.map((e) => [e.id, e.idNumber])).toEqual([["t1", shown]])

        // The store keeps the number unmasked; masking is a matter of the view.
        expect((await getEFile(h, "t1"))?.value.idNumber).toBe(woman(0))
        expect((await entriesOf(h, "t1")).map((e) => e.value.id)).toEqual([
          "t1-basic",
          "t1-ethics",
          "t1-pay",
          "t1-study"
        ])

        const records = (await h.run(auditRecords)).slice(before)
        expect(records.map((r) => [r.action, r.object, r.actor, r.outcome, r.details.masked ?? null])).toEqual([
          ["efile.read", "teacher:t1", "ia-s1", "ok", false],
          ["efile.read", "teacher:t1", "iq-s1", "ok", true],
          ["efile.read", "teacher:t1", "ia-jiangan", "ok", false],
          ["efile.read", "teacher:t1", "ia-s2", "refused", null],
          ["efile.list", "unit:s1", "iq-s1", "ok", true]
        ])
        expect(records[3]?.details.rule).toBe("M14.3")
        expect(records.map((r) => r.unitId)).toEqual(["s1", "s1", "jiangan", "s2", "s1"])
        await expectIntact(h)
      })
  )
}

const moveRepathsEFiles = ({ makeDatabase, timeout }: Suite): void => {
  it("M12.2 moving a school re-paths its e-files: they stay in the school's subtree", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await setup(h)
      await createUnits(h, [[jianghan, "wuhan"]])
      await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
      await onboard(h, "ia-s1", hire("t2", "s1-d1", basicInfo({ idNumber: woman(1) })))
      await onboard(h, "ia-s2", hire("t3", "s2", basicInfo({ idNumber: woman(2) })))
      expect((await efilesIn(h, s1Path)).map((e) => e.path)).toEqual([`${s1Path}s1-d1/t2`, `${s1Path}t1`])

      const moved = await h.run(
        Effect.flatMap(Accounts.actorOf("ia-root"), (a) =>
          Units.change(a, "s1", { _tag: "Move", parentId: "jianghan" }, "2020-09-01", 1)
        )
      )
      const newPath = "/hubei/wuhan/jianghan/s1/"
      expect(moved.value.path).toBe(newPath)
      expect((await efilesIn(h, newPath)).map((e) => [e.id, e.path, e.unitId])).toEqual([
        ["t2", `${newPath}s1-d1/t2`, "s1-d1"],
        ["t1", `${newPath}t1`, "s1"]
      ])
      expect((await efilesIn(h, "/hubei/wuhan/jiangan/")).map((e) => e.id)).toEqual(["t3"])
      expect((await efilesIn(h, s1Path)).map((e) => e.id)).toEqual([])
      expect((await efilesIn(h, "/hubei/wuhan/jianghan/")).map((e) => e.id)).toEqual(["t2", "t1"])
      // The e-files keep their versions (a move re-paths, it does not change them).
      expect((await getEFile(h, "t1"))?.version).toBe(1)

      // Scope follows the path: the old county's info admin no longer reads them; the school's still does.
      const read = async (by: string) => h.result(Effect.flatMap(Accounts.actorOf(by), (a) => EFiles.read(a, "t1")))
      expect(refusal(await read("ia-jiangan"))).toEqual(["forbidden", "M14.3"])
      expect(refusal(await read("ia-s1"))).toBe("ok")
      const listed = await h.run(Effect.flatMap(Accounts.actorOf("ia-s1"), (a) => EFiles.list(a, "s1", { limit: 10 })))
      expect(listed.items.map((e) => e.id)).toEqual(["t2", "t1"])
      await expectIntact(h)
    })
  )
}

const entriesReadAtOnce = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M26.1 the entries of many e-files read at once (a page of a registration round) are each e-file's as read alone",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        await onboard(h, "ia-s2", hire("t2", "s2", basicInfo({ idNumber: woman(1) })))
        const school = await actor(h, "ia-s1")
        for (const [entryId, group, data] of [
          ["t1-a2024", "annualAssessment", { year: 2024, result: "2" }],
          ["t1-ethics", "ethics", { year: 2025, honor: "师德标兵" }]
        ] as const) {
          await h.run(EFiles.addEntry(school, { teacherId: "t1", entryId, group, data }))
        }
        const ids = ["t1", "t2", "t-none", "t1"].map((id) => id as EFile.TeacherId)
        const together = await h.run(Effect.flatMap(storage, (s) => s.entries.byTeachers(ids)))
        expect([...together.keys()].sort()).toEqual(["t1", "t2"])
        for (const id of ["t1", "t2"]) expect(together.get(id as EFile.TeacherId)).toEqual(await entriesOf(h, id))
        expect(together.get("t1" as EFile.TeacherId)?.map((e) => e.value.id)).toEqual([
          "t1-a2024",
          "t1-basic",
          "t1-ethics"
        ])
      })
  )
}

const effectiveRecordsAtOnce = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M26.1 the effective records of the groups a registration reads, of many e-files at once: no other group, no entry under review",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        await onboard(h, "ia-s2", hire("t2", "s2", basicInfo({ idNumber: woman(1) })))
        const school = await actor(h, "ia-s1")
        for (const [entryId, group, data] of [
          ["t1-a2024", "annualAssessment", { year: 2024, result: "2" }],
          ["t1-a2025", "annualAssessment", { year: 2025, result: "4" }],
          ["t1-ethics", "ethics", { year: 2025, honor: "师德标兵" }]
        ] as const) {
          await h.run(EFiles.addEntry(school, { teacherId: "t1", entryId, group, data }))
        }
        await makeEffective(h, "t1-a2024", "ia-s1", "ia-jiangan")
        await makeEffective(h, "t1-ethics", "ia-s1", "ia-jiangan")
        await makeEffective(h, "t1-basic", "ia-s1", "ia-jiangan")
        const ids = ["t1", "t2", "t-none", "t1"].map((id) => id as EFile.TeacherId)
        const read = (groups: ReadonlyArray<string>) =>
          h.run(Effect.flatMap(storage, (s) => s.entries.effectiveRecords(ids, groups)))
        const records = await read(["annualAssessment", "ethics"])
        // t1-a2025 is still a draft, t1-basic of another group; t2 has nothing effective of these groups.
        expect([...records.keys()]).toEqual(["t1"])
        expect(records.get("t1" as EFile.TeacherId)).toEqual([
          { id: "t1-a2024", group: "annualAssessment", data: { year: 2024, result: "2" } },
          { id: "t1-ethics", group: "ethics", data: { year: 2025, honor: "师德标兵" } }
        ])
        // Each record is the entry's data as read alone.
        const alone = await entriesOf(h, "t1")
        expect(alone.find((e) => e.value.id === "t1-a2024")?.value.data).toEqual({ year: 2024, result: "2" })
        expect((await read(["ethics"])).get("t1" as EFile.TeacherId)?.map((r) => r.id)).toEqual(["t1-ethics"])
        expect((await read([])).size).toBe(0)
      })
  )
}

const activeInSubtreePages = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M26.1 the active e-files of a subtree, page by page, are subtree's active e-files, each once, in path order",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        for (let i = 0; i < 5; i++) {
          await onboard(h, "ia-s1", hire(`t${i}`, "s1", basicInfo({ idNumber: woman(i) })))
        }
        await onboard(h, "ia-s2", hire("t9", "s2", basicInfo({ idNumber: woman(9) })))
        const school = await actor(h, "ia-s1")
        await h.run(EFiles.recordStatus(school, "t2", { status: "retired", effective: "2026-01-01" }, 1))
        const walk = (path: string, limit: number) =>
          h.run(
            Effect.gen(function* () {
              const s = yield* storage
              const items: Array<{ id: string; unitId: string; path: string; name: string; history: number }> = []
              const sizes: Array<number> = []
              let after: string | undefined
              do {
                const page = yield* s.teachers.activeInSubtree(path, { after, limit })
                sizes.push(page.items.length)
                for (const e of page.items) {
                  items.push({
                    id: e.id,
                    unitId: e.unitId,
                    path: e.path,
                    name: e.name,
                    history: e.statusHistory.length
                  })
                }
                after = page.next
              } while (after !== undefined)
              return { items, sizes }
            })
          )
        for (const path of [root, s1Path]) {
          const expected = (await efilesIn(h, path))
            .filter((e) => e.status !== "retired")
            .map((e) => ({ id: e.id, unitId: e.unitId, path: e.path, name: e.name, history: e.statusHistory.length }))
          const { items, sizes } = await walk(path, 2)
          expect(items).toEqual(expected)
          // Every page but the last is full.
          expect(sizes.slice(0, -1).every((n) => n === 2)).toBe(true)
        }
        expect((await walk(root, 100)).items.map((e) => e.id).sort()).toEqual(["t0", "t1", "t3", "t4", "t9"])
      })
  )
}

const rangeReads = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M26.1 what the registration decisions of a page of active e-files read, in one read, is the page of activeInSubtree with the records and ledgers read by its ids: no retired e-file, none outside the subtree",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        for (let i = 0; i < 5; i++) {
          await onboard(h, "ia-s1", hire(`t${i}`, "s1", basicInfo({ idNumber: woman(i) })))
        }
        await onboard(h, "ia-s2", hire("t9", "s2", basicInfo({ idNumber: woman(9) })))
        const school = await actor(h, "ia-s1")
        const other = await actor(h, "ia-s2")
        // Records of every group and state, credits of every teacher; t2 retired with both.
        for (const [by, teacherId] of [
          [school, "t0"],
          [school, "t2"],
          [school, "t3"],
          [other, "t9"]
        ] as const) {
          for (const [suffix, group, data] of [
            ["a2024", "annualAssessment", { year: 2024, result: "2" }],
            ["a2025", "annualAssessment", { year: 2025, result: "4" }],
            ["ethics", "ethics", { year: 2025, honor: "师德标兵" }]
          ] as const) {
            await h.run(EFiles.addEntry(by, { teacherId, entryId: `${teacherId}-${suffix}`, group, data }))
          }
          const admin = by === school ? "ia-s1" : "ia-s2"
          for (const suffix of ["a2024", "ethics", "basic"]) {
            await makeEffective(h, `${teacherId}-${suffix}`, admin, "ia-jiangan")
          }
        }
        await h.run(
          Effect.flatMap(storage, (s) =>
            s.credits.append(
              ["t0", "t1", "t2", "t9", "t0"].map((teacherId, i) =>
                CreditBank.confirmation(
                  {
                    id: `c${i}`,
                    key: `c${i}`,
                    unitId: "jiangan",
                    actor: "system",
                    at: `2024-0${i + 1}-01T00:00:00.000Z`
                  },
                  {
                    teacherId,
                    projectId: "p1",
                    form: i % 2 === 0 ? "course" : "practice",
                    hours: 12.5 * (i + 1),
                    day: `2024-0${i + 1}-01`,
                    rule: CreditBank.defaultRule
                  }
                )
              )
            )
          )
        )
        await h.run(EFiles.recordStatus(school, "t2", { status: "retired", effective: "2026-01-01" }, 1))
        const groups = ["annualAssessment", "ethics"]
        for (const [path, limit] of [
          [root, 2],
          [s1Path, 2],
          [s1Path, 1000]
        ] as const) {
          const seen: Array<string> = []
          // From the subtree's start, and from a cursor before it.
          for (const start of [undefined, "/"]) {
            await h.run(
              Effect.gen(function* () {
                const s = yield* storage
                let after: string | undefined = start
                do {
                  const inputs = yield* s.registrations.decisionInputs(path, groups, { after, limit })
                  const page = yield* s.teachers.activeInSubtree(path, { after, limit })
                  expect(inputs.items.map((i) => i.efile)).toEqual(page.items)
                  expect(inputs.next).toBe(page.next)
                  const ids = page.items.map((e) => e.id)
                  if (start === undefined) seen.push(...ids)
                  const records = yield* s.entries.effectiveRecords(ids, groups)
                  const ledgers = yield* s.credits.byTeachers(ids)
                  for (const { efile, records: held, ledger } of inputs.items) {
                    expect(held).toEqual(records.get(efile.id) ?? [])
                    expect(ledger).toEqual(ledgers.get(efile.id) ?? [])
                  }
                  const ethics = yield* s.registrations.decisionInputs(path, ["ethics"], { after, limit })
                  expect(ethics.items.map((i) => i.records)).toEqual(
                    inputs.items.map((i) => i.records.filter((r) => r.group === "ethics"))
                  )
                  const none = yield* s.registrations.decisionInputs(path, [], { after, limit })
                  expect(none.items.every((i) => i.records.length === 0)).toBe(true)
                  after = page.next
                } while (after !== undefined)
              })
            )
          }
          // Every active e-file of the subtree was read, and none other.
          expect(seen.sort()).toEqual(path === root ? ["t0", "t1", "t3", "t4", "t9"] : ["t0", "t1", "t3", "t4"])
        }
        // What a page reads is what the store holds: t0's effective records and its two ledger entries in order.
        const whole = await h.run(
          Effect.flatMap(storage, (s) => s.registrations.decisionInputs(root, groups, { limit: 1000 }))
        )
        const of = (id: string) => whole.items.find((i) => i.efile.id === id)
        expect(of("t0")?.records).toEqual([
          { id: "t0-a2024", group: "annualAssessment", data: { year: 2024, result: "2" } },
          { id: "t0-ethics", group: "ethics", data: { year: 2025, honor: "师德标兵" } }
        ])
        expect(whole.items.filter((i) => i.records.length > 0).map((i) => i.efile.id)).toEqual(["t0", "t3", "t9"])
        expect(of("t0")?.ledger.map((e) => [e.id, e.hours, e.form])).toEqual([
          ["c0", 12.5, "course"],
          ["c4", 62.5, "course"]
        ])
        expect(whole.items.filter((i) => i.ledger.length > 0).map((i) => i.efile.id)).toEqual(["t0", "t1", "t9"])
      })
  )
}

/**
 * The e-files area: one active e-file per identity number (M17.4), duplicates, audited and masked reads, moves.
 *
 * @since 0.1.0
 */
export const efilesConformance: AreaConformance = area("efiles", [
  oneActiveEFile,
  concurrentOnboardings,
  duplicateReport,
  auditedMaskedReads,
  moveRepathsEFiles,
  entriesReadAtOnce,
  effectiveRecordsAtOnce,
  activeInSubtreePages,
  rangeReads
])
