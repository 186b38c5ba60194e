/**
 * The hierarchy area of the storage conformance suite: units and their dated versions (M12.2), moves that re-path a
 * whole subtree in one transaction, subtree pages and their cursors (M14.3), the invariants the store enforces itself
 * (one root and unique ids M2.1, path consistency M2.2, unique school codes M12.1), and optimistic versions under
 * real concurrency.
 *
 * @since 0.1.0
 */
import { Accounts, Unit, Units } from "@tmis/core"
import { Effect, Option } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import {
  addDays,
  basicInfo,
  bootstrap,
  byPath,
  createAccounts,
  createUnits,
  efilesIn,
  hire,
  hubei,
  onboard,
  setup,
  storage,
  units,
  unitValue,
  verify,
  withDatabase,
  woman
} from "./fixtures.js"
import { type AreaConformance, area, expectRaceOutcomes, refusal, type Suite } from "./support.js"

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

const datedVersions = ({ makeDatabase, timeout }: Suite): void => {
  it("M12.2 a unit's versions are kept and answer as of any date", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await bootstrap(h)
      await createUnits(h, [
        [units.wuhan, "hubei"],
        [units.jiangan, "wuhan"],
        [units.school1, "jiangan"]
      ])
      const ia = await h.run(Accounts.actorOf("ia-root"))
      await h.run(Units.change(ia, "s1", { _tag: "Rename", name: "江岸区实验小学" }, "2018-09-01", 1))
      await h.run(Units.change(ia, "s1", { _tag: "ChangeSponsor", sponsor: "22" }, "2020-09-01", 2))
      await h.run(Units.change(ia, "s1", { _tag: "Rename", name: "江岸区实验学校" }, "2021-03-01", 3))

      const history = await h.run(Effect.flatMap(storage, (s) => s.units.history("s1" as Unit.UnitId)))
      expect(history.map((u) => [u.validFrom, u.name, u.school?.sponsor])).toEqual([
        ["2017-03-31", "江岸区第一小学", "21"],
        ["2018-09-01", "江岸区实验小学", "21"],
        ["2020-09-01", "江岸区实验小学", "22"],
        ["2021-03-01", "江岸区实验学校", "22"]
      ])
      const current = await h.run(Effect.flatMap(storage, (s) => s.units.get("s1" as Unit.UnitId)))
      expect(Option.map(current, (c) => [c.version, c.value])).toEqual(Option.some([4, history[3]]))

      // Any day answers with the version in force then, and nothing before the unit existed.
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: -400, max: 2_000 }).map((d) => addDays("2017-03-31", d)),
          async (day) => {
            const answer = await h.run(Units.asOf(ia, "s1", day))
            expect(answer).toEqual(Unit.asOf(history, day))
            const inForce = history.filter((v) => v.validFrom <= day).at(-1)
            expect(Option.getOrUndefined(answer)).toEqual(inForce)
          }
        ),
        { numRuns: 30, examples: [["2017-03-30"], ["2017-03-31"], ["2018-08-31"], ["2018-09-01"], ["2021-03-01"]] }
      )
    })
  )
}

const versionsListed = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M12.2 a unit's versions list every change, oldest first, with its version and validFrom, page by page, for whoever may read the unit",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        const ia = await h.run(Accounts.actorOf("ia-jiangan"))
        // s1: created, renamed, merged into s2; s2: created, then closed (it stays where s1 merged).
        await h.run(Units.change(ia, "s1", { _tag: "Rename", name: "江岸区实验小学" }, "2018-09-01", 1))
        await h.run(Units.change(ia, "s1", { _tag: "Merge", intoId: "s2" }, "2021-03-01", 2))
        await h.run(Units.change(ia, "s2", { _tag: "Close" }, "2022-07-01", 1))

        const listed = async (by: string, unitId: string, limit: number) => {
          const actor = await h.run(Accounts.actorOf(by))
          const items: Array<readonly [number, string, string, string, string | undefined]> = []
          let after: string | undefined
          do {
            const page = await h.run(Units.versions(actor, unitId, { limit, after }))
            expect(page.items.length).toBeLessThanOrEqual(limit)
            items.push(
              ...page.items.map(
                (v) => [v.version, v.value.validFrom, v.value.name, v.value.status, v.value.mergedInto] as const
              )
            )
            after = page.next
          } while (after !== undefined)
          return items
        }
        const s1 = [
          [1, "2017-03-31", "江岸区第一小学", "open", undefined],
          [2, "2018-09-01", "江岸区实验小学", "open", undefined],
          [3, "2021-03-01", "江岸区实验小学", "merged", "s2"]
        ]
        for (const limit of [1, 2, 1000]) expect(await listed("ia-jiangan", "s1", limit)).toEqual(s1)
        // The last version listed is the current one.
        const current = await h.run(Effect.flatMap(storage, (s) => s.units.get("s1" as Unit.UnitId)))
        expect(Option.map(current, (c) => c.version)).toEqual(Option.some(3))
        expect(await listed("ia-s2", "s2", 1)).toEqual([
          [1, "2017-03-31", "江岸区第一中学", "open", undefined],
          [2, "2022-07-01", "江岸区第一中学", "closed", undefined]
        ])
        // Whoever may read the unit: its own accounts and those above it; a sibling school's is refused (M14.3).
        for (const reader of ["ia-s1", "iq-s1", "sa-s1", "sa-jiangan", "ia-root"]) {
          expect([reader, await listed(reader, "s1", 1000)]).toEqual([reader, s1])
        }
        const sibling = await h.run(Accounts.actorOf("ia-s2"))
        expect(refusal(await h.result(Units.versions(sibling, "s1", { limit: 10 })))).toEqual(["forbidden", "M14.3"])
        // A cursor that is no version number is refused, not read as the first page.
        const cursor = await h.result(Units.versions(ia, "s1", { limit: 10, after: "abc" }))
        expect(refusal(cursor)).toEqual(["invalid", "M12.2"])
        const missing = await h.result(Units.versions(ia, "nowhere", { limit: 10 }))
        expect(missing.ok ? "ok" : missing.tag).toBe("NotFound")
      })
  )
}

const moveRepathsSubtree = ({ makeDatabase, timeout }: Suite): void => {
  it("M12.2 a move re-paths the whole subtree in one transaction", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await bootstrap(h)
      await createUnits(h, [
        [units.wuhan, "hubei"],
        [units.jiangan, "wuhan"],
        [units.school1, "jiangan"],
        [units.school2, "jiangan"],
        [units.department, "s1"]
      ])
      const read = (id: string) =>
        h.run(Effect.flatMap(storage, (s) => s.units.get(id as Unit.UnitId)).pipe(Effect.map(Option.getOrUndefined)))
      const moved = ["jiangan", "s1", "s1-d1", "s2"]
      const pathsBefore = await Promise.all(moved.map(async (id) => (await read(id))?.value.path))
      expect(pathsBefore).toEqual([
        "/hubei/wuhan/jiangan/",
        "/hubei/wuhan/jiangan/s1/",
        "/hubei/wuhan/jiangan/s1/s1-d1/",
        "/hubei/wuhan/jiangan/s2/"
      ])

      // A move whose transaction fails after the update leaves every path as it was.
      const county = (await read("jiangan"))!.value
      const aborted = await h.result(
        Effect.flatMap(storage, (s) =>
          s.transaction(
            Effect.zipRight(
              s.units.update(
                { ...county, parentId: "hubei" as Unit.UnitId, path: "/hubei/jiangan/", validFrom: "2019-01-01" },
                1
              ),
              Effect.fail("abort" as const)
            )
          )
        )
      )
      expect(aborted.ok).toBe(false)
      expect(await Promise.all(moved.map(async (id) => (await read(id))?.value.path))).toEqual(pathsBefore)

      // 省直管县: the county moves directly under the province, with its schools and their departments.
      const ia = await h.run(Accounts.actorOf("ia-root"))
      const result = await h.run(Units.change(ia, "jiangan", { _tag: "Move", parentId: "hubei" }, "2019-01-01", 1))
      expect(result.version).toBe(2)
      expect(result.value).toMatchObject({ parentId: "hubei", path: "/hubei/jiangan/" })
      const after = await Promise.all(moved.map(read))
      expect(after.map((u) => u?.value.path)).toEqual([
        "/hubei/jiangan/",
        "/hubei/jiangan/s1/",
        "/hubei/jiangan/s1/s1-d1/",
        "/hubei/jiangan/s2/"
      ])
      expect(after.map((u) => [u?.value.parentId, u?.version])).toEqual([
        ["hubei", 2],
        ["jiangan", 1],
        ["s1", 1],
        ["jiangan", 1]
      ])
      const subtree = (path: string) =>
        h.run(Effect.flatMap(storage, (s) => s.units.subtree(path, { limit: 100 }))).then((p) => p.items)
      expect((await subtree("/hubei/wuhan/")).map((u) => u.id)).toEqual(["wuhan"])
      expect((await subtree("/hubei/jiangan/")).map((u) => u.id)).toEqual(moved)
      const all = await subtree("/hubei/")
      expect(all.map((u) => u.id)).toEqual(["hubei", "jiangan", "s1", "s1-d1", "s2", "wuhan"])
      expect([...all].sort(byPath)).toEqual(all)
    })
  )
}

const subtreePages = ({ makeDatabase, timeout }: Suite): void => {
  it("subtree(U) reads page by page in path order, every unit of the subtree once", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await bootstrap(h)
      await createUnits(h, [
        [units.wuhan, "hubei"],
        [units.huangshi, "hubei"],
        [units.jiangan, "wuhan"],
        [units.school1, "jiangan"],
        [units.school2, "jiangan"],
        [units.department, "s1"]
      ])
      const all = await h.run(Effect.flatMap(storage, (s) => s.units.subtree("/hubei/", { limit: 1000 })))
      expect(all.next).toBeUndefined()
      expect(all.items.map((u) => u.path)).toEqual([
        "/hubei/",
        "/hubei/huangshi/",
        "/hubei/wuhan/",
        "/hubei/wuhan/jiangan/",
        "/hubei/wuhan/jiangan/s1/",
        "/hubei/wuhan/jiangan/s1/s1-d1/",
        "/hubei/wuhan/jiangan/s2/"
      ])
      for (const [root, limit] of [
        ["/hubei/", 1],
        ["/hubei/", 2],
        ["/hubei/", 3],
        ["/hubei/wuhan/", 2],
        ["/hubei/wuhan/jiangan/s1/", 1]
      ] as const) {
        const pages: Array<ReadonlyArray<Unit.Unit>> = []
        let after: string | undefined
        do {
          const page = await h.run(Effect.flatMap(storage, (s) => s.units.subtree(root, { after, limit })))
          pages.push(page.items)
          after = page.next
        } while (after !== undefined && pages.length <= all.items.length)
        expect(after).toBeUndefined()
        expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true)
        expect(pages.flat()).toEqual(all.items.filter((u) => u.path.startsWith(root)))
      }
    })
  )
}

const subtreeCursor = ({ makeDatabase, timeout }: Suite): void => {
  it("M14.3 a subtree cursor never reaches outside the subtree", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      const province = unitValue("hubei", "province", undefined, "420000")
      const wuhan = unitValue("wuhan", "city", province, "420100")
      const huangshi = unitValue("huangshi", "city", province, "420200")
      await h.run(
        Effect.flatMap(storage, (s) =>
          Effect.all([s.units.insert(province), s.units.insert(wuhan), s.units.insert(huangshi)])
        )
      )
      // A forged cursor before, inside and after the subtree of 黄石: only 黄石's own units ever come back.
      for (const after of ["/", "/hubei/", "/hubei/a", "/hubei/huangshi/", "/zzz/"]) {
        const page = await h.run(Effect.flatMap(storage, (s) => s.units.subtree(huangshi.path, { after, limit: 10 })))
        for (const unit of page.items) expect(unit.path.startsWith(huangshi.path)).toBe(true)
      }
    })
  )
}

const prefixSiblings = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M14.3 subtree(s1) holds neither the sibling s10 nor s100 nor their e-files (ids that extend another's)",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        const school = (id: string, code: string): Unit.NewUnit => ({
          ...units.school1,
          id,
          name: `江岸区${id}小学`,
          code
        })
        const department = (id: string): Unit.NewUnit => ({ ...units.department, id, code: id.replace("-", "") })
        await createUnits(h, [
          [school("s10", "2142000010"), "jiangan"],
          [school("s100", "2142000100"), "jiangan"],
          [department("s1-d10"), "s1"],
          [department("s10-d1"), "s10"]
        ])
        await createAccounts(h, [
          ["sa-jiangan", "sa-s10", "systemAdmin", "s10"],
          ["sa-s10", "ia-s10", "infoAdmin", "s10"],
          ["sa-jiangan", "sa-s100", "systemAdmin", "s100"],
          ["sa-s100", "ia-s100", "infoAdmin", "s100"]
        ])
        const hires = ["s1", "s10", "s100", "s1-d1", "s1-d10", "s10-d1"] as const
        for (const [i, unitId] of hires.entries()) {
          const by = `ia-${unitId.split("-")[0]}`
          await onboard(h, by, hire(`t-${unitId}`, unitId, basicInfo({ idNumber: woman(i + 1) })))
        }
        const all = await h.run(Effect.flatMap(storage, (s) => s.units.subtree("/hubei/", { limit: 1000 })))
        const parentOf = new Map(all.items.map((u) => [u.id as string, u.parentId as string | undefined]))
        // The oracle follows parent links, not paths.
        const below = (id: string, rootId: string): boolean => {
          for (let u: string | undefined = id; u !== undefined; u = parentOf.get(u)) if (u === rootId) return true
          return false
        }
        for (const rootId of ["jiangan", "s1", "s10", "s100", "s1-d1", "s1-d10", "s10-d1"]) {
          const root = all.items.find((u) => u.id === rootId)!
          for (const limit of [1, 1000]) {
            const read: Array<string> = []
            let after: string | undefined
            do {
              const page = await h.run(Effect.flatMap(storage, (s) => s.units.subtree(root.path, { after, limit })))
              read.push(...page.items.map((u) => u.id))
              after = page.next
            } while (after !== undefined && read.length <= all.items.length)
            expect({ rootId, limit, units: read.sort() }).toEqual({
              rootId,
              limit,
              units: all.items
                .filter((u) => below(u.id, rootId))
                .map((u) => u.id as string)
                .sort()
            })
          }
          expect({ rootId, efiles: (await efilesIn(h, root.path)).map((e) => e.id).sort() }).toEqual({
            rootId,
            efiles: hires
              .filter((u) => below(u, rootId))
              .map((u) => `t-${u}`)
              .sort()
          })
        }
      })
  )
}

const uniqueSchoolCode = ({ makeDatabase, timeout }: Suite): void => {
  it("M12.1 the store refuses a second unit with the same school code", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      const province = unitValue("hubei", "province", undefined, "420000")
      const attributes = { schoolType: "211", sponsor: "21" }
      await h.run(
        Effect.flatMap(storage, (s) =>
          s.transaction(
            Effect.zipRight(
              s.units.insert(province),
              s.units.insert(unitValue("s1", "school", province, "2142000001", attributes))
            )
          )
        )
      )
      // Straight to the store, past the pure checks: the store itself refuses, in or out of a transaction.
      const twin = unitValue("s2", "school", province, "2142000001", attributes)
      for (const insert of [
        Effect.flatMap(storage, (s) => s.units.insert(twin)),
        Effect.flatMap(storage, (s) => s.transaction(s.units.insert(twin)))
      ]) {
        const result = await h.result(insert)
        expect(refusal(result)).toEqual(["conflict", "M12.1"])
      }
      const page = await h.run(Effect.flatMap(storage, (s) => s.units.subtree("/hubei/", { limit: 10 })))
      expect(page.items.map((u) => u.id)).toEqual(["hubei", "s1"])
      expect(await h.run(Effect.flatMap(storage, (s) => s.units.history("s2" as Unit.UnitId)))).toEqual([])
    })
  )
}

const singleRoot = ({ makeDatabase, timeout }: Suite): void => {
  it("M2.1 the store refuses a second root", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      const province = unitValue("hubei", "province", undefined, "420000")
      await h.run(Effect.flatMap(storage, (s) => s.units.insert(province)))
      // Another code, so that only the single-root rule stands in the way.
      const result = await h.result(
        Effect.flatMap(storage, (s) => s.units.insert(unitValue("hunan", "province", undefined, "430000")))
      )
      expect(refusal(result)).toEqual(["conflict", "M2.1"])
      const root = await h.run(Effect.flatMap(storage, (s) => s.units.root()))
      expect(Option.map(root, (u) => u.id)).toEqual(Option.some("hubei"))
    })
  )
}

const usedUnitId = ({ makeDatabase, timeout }: Suite): void => {
  it("M2.1 the store refuses a used unit id", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      const province = unitValue("hubei", "province", undefined, "420000")
      const huangshi = unitValue("huangshi", "city", province, "420200")
      await h.run(
        Effect.flatMap(storage, (s) =>
          Effect.all([
            s.units.insert(province),
            s.units.insert(unitValue("wuhan", "city", province, "420100")),
            s.units.insert(huangshi)
          ])
        )
      )
      // The used id under another parent, with another code: only the id stands in the way.
      const result = await h.result(
        Effect.flatMap(storage, (s) => s.units.insert(unitValue("wuhan", "county", huangshi, "420202")))
      )
      expect(refusal(result)).toEqual(["conflict", "M2.1"])
      const wuhan = await h.run(Effect.flatMap(storage, (s) => s.units.get("wuhan" as Unit.UnitId)))
      expect(Option.map(wuhan, (u) => u.value.code)).toEqual(Option.some("420100"))
    })
  )
}

const pathExtendsParent = ({ makeDatabase, timeout }: Suite): void => {
  it("M2.2 the store refuses a unit whose path does not extend its parent's", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      const province = unitValue("hubei", "province", undefined, "420000")
      const wuhan = unitValue("wuhan", "city", province, "420100")
      await h.run(Effect.flatMap(storage, (s) => Effect.all([s.units.insert(province), s.units.insert(wuhan)])))
      // Straight to the store with a path that skips its parent: the database itself refuses it.
      const stray = { ...unitValue("jiangan", "county", wuhan, "420102"), path: "/hubei/jiangan/" }
      const result = await h.result(Effect.flatMap(storage, (s) => s.units.insert(stray)))
      expect(refusal(result)).toEqual(["conflict", "M2.2"])
      const page = await h.run(Effect.flatMap(storage, (s) => s.units.subtree("/hubei/", { limit: 10 })))
      expect(page.items.map((u) => u.id)).toEqual(["hubei", "wuhan"])
    })
  )
}

const optimisticVersions = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(
    "optimistic versions: concurrent stale updates of one unit, one wins, the rest get Conflict, nothing lost",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await bootstrap(h)
        await createUnits(h, [
          [units.wuhan, "hubei"],
          [units.jiangan, "wuhan"],
          [units.school1, "jiangan"]
        ])
        const seen = await h.run(
          Effect.flatMap(storage, (s) => s.units.get("s1" as Unit.UnitId)).pipe(Effect.map(Option.getOrThrow))
        )
        expect(seen.version).toBe(1)
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: Array.from({ length: attempts }, (_, i) => ({
            _tag: "UpdateUnit" as const,
            seen: seen.value,
            expectedVersion: seen.version,
            name: `江岸区第一小学（更名${i}）`,
            effective: addDays(seen.value.validFrom, i + 1)
          }))
        }
        const outcomes = await races.run(h.database, race)
        const successes = expectRaceOutcomes(outcomes, (o) => expect(o.error).toBe("Conflict"))
        expect(successes).toBe(1)
        const winner = race.attempts[outcomes.findIndex((o) => o._tag === "Success")]!
        const history = await h.run(Effect.flatMap(storage, (s) => s.units.history("s1" as Unit.UnitId)))
        expect(history.map((u) => u.name)).toEqual([
          units.school1.name,
          winner._tag === "UpdateUnit" ? winner.name : ""
        ])
        const current = await h.run(Effect.flatMap(storage, (s) => s.units.get("s1" as Unit.UnitId)))
        expect(Option.map(current, (c) => [c.version, c.value])).toEqual(Option.some([2, history[1]]))
        // Bootstrap (3), three units, and the winner's record: nothing of the losers.
        expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: 7 })
      })
  )
}

/**
 * The hierarchy area: units, paths, subtree pages, dated versions, the store's own constraints (M2.1, M2.2, M12.1,
 * M12.2, M14.3).
 *
 * @since 0.1.0
 */
export const hierarchyConformance: AreaConformance = area("hierarchy", [
  datedVersions,
  versionsListed,
  moveRepathsSubtree,
  subtreePages,
  subtreeCursor,
  prefixSiblings,
  uniqueSchoolCode,
  singleRoot,
  usedUnitId,
  pathExtendsParent,
  optimisticVersions
])
