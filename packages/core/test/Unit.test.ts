import { Deployment, Hierarchy, Unit } from "@tmis/core"
import { hierarchy } from "@tmis/testkit/arbitraries"
import { Either, Option, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const day = "2017-03-31"

/** The Hubei part of a national deployment, with the ministry above it. */
const hubei = () =>
  Hierarchy.addAll(Hierarchy.make(Deployment.national), [
    { parentId: undefined, unit: { id: "moe", kind: "national", name: "教育部", code: "000000", validFrom: day } },
    { parentId: "moe", unit: { id: "hb", kind: "province", name: "湖北省", code: "420000", validFrom: day } },
    { parentId: "hb", unit: { id: "wh", kind: "city", name: "武汉市", code: "420100", validFrom: day } },
    { parentId: "wh", unit: { id: "hs", kind: "county", name: "洪山区", code: "420111", validFrom: day } },
    { parentId: "wh", unit: { id: "ja", kind: "county", name: "江岸区", code: "420102", validFrom: day } }
  ]).pipe(Either.getOrThrow)

const ccnu = {
  id: "ccnu",
  kind: "school",
  name: "华中师范大学",
  code: "4142010511",
  validFrom: day,
  school: { schoolType: "411", sponsor: "21", centralMinistry: true }
} as const

const kindergarten = {
  id: "ccnu-kg",
  kind: "school",
  name: "华中师范大学附属幼儿园",
  code: "1142000001",
  validFrom: day,
  school: { schoolType: "111", sponsor: "21", affiliatedTo: "ccnu" }
} as const

const ruleOf = <A>(result: Either.Either<A, { readonly rule: string }>) =>
  Either.match(result, { onLeft: (e) => e.rule, onRight: () => "accepted" })

const get = (h: Hierarchy.Hierarchy, id: string) => Option.getOrThrow(Hierarchy.get(h, id))

describe("Unit", () => {
  it("M6.1 a central-ministry university hangs directly under the national unit", () => {
    const h = Hierarchy.add(hubei(), ccnu, "moe").pipe(Either.getOrThrow)
    expect(get(h, "ccnu").path).toBe("/moe/ccnu/")
    expect(Option.getOrThrow(Hierarchy.competentBureau(h, "ccnu")).kind).toBe("national")
  })

  it("M6.1 a central-ministry university under a province, or a local school under the ministry, is refused", () => {
    expect(ruleOf(Hierarchy.add(hubei(), ccnu, "hb"))).toBe("M6.1")
    const local = { ...ccnu, school: { schoolType: "411", sponsor: "21" } }
    expect(ruleOf(Hierarchy.add(hubei(), local, "moe"))).toBe("M6.1")
    const kgAsCentral = { ...kindergarten, school: { schoolType: "111", sponsor: "21", centralMinistry: true } }
    expect(ruleOf(Hierarchy.add(hubei(), kgAsCentral, "moe"))).toBe("M6.1")
  })

  it("M7.1 a university-affiliated kindergarten hangs under the local bureau, never under the university", () => {
    const h = Hierarchy.add(hubei(), ccnu, "moe").pipe(Either.getOrThrow)
    const local = Hierarchy.add(h, kindergarten, "hs").pipe(Either.getOrThrow)
    expect(get(local, "ccnu-kg").school?.affiliatedTo).toBe("ccnu")
    expect(Option.getOrThrow(Hierarchy.competentBureau(local, "ccnu-kg")).name).toBe("洪山区")
    expect(ruleOf(Hierarchy.add(h, kindergarten, "ccnu"))).toBe("M7.1")
  })

  it("M2.2 a county directly under a province (省直管县) is accepted", () => {
    const h = Hierarchy.add(
      hubei(),
      { id: "xt", kind: "county", name: "仙桃市", code: "429004", validFrom: day },
      "hb"
    ).pipe(Either.getOrThrow)
    expect(get(h, "xt").path).toBe("/moe/hb/xt/")
  })

  it("M2.2 an administrative unit under a unit that is not strictly higher, or outside its division, is refused", () => {
    const county = { id: "x", kind: "county", name: "县", code: "429004", validFrom: day } as const
    expect(ruleOf(Hierarchy.add(hubei(), county, "moe"))).toBe("M2.2")
    expect(ruleOf(Hierarchy.add(hubei(), county, "hs"))).toBe("M2.2")
    const city = { id: "sz", kind: "city", name: "深圳市", code: "440300", validFrom: day } as const
    expect(ruleOf(Hierarchy.add(hubei(), city, "hb"))).toBe("M2.2")
    expect(ruleOf(Hierarchy.add(hubei(), { ...city, code: "420100" }, "wh"))).toBe("M2.2")
    const notACounty = { id: "y", kind: "county", name: "市", code: "420100", validFrom: day } as const
    expect(ruleOf(Hierarchy.add(hubei(), notACounty, "wh"))).toBe("M2.2")
  })

  it("M20.1 a secondary department hangs under a school, and only there", () => {
    const h = Hierarchy.addAll(hubei(), [
      { parentId: "moe", unit: ccnu },
      { parentId: "ccnu", unit: { id: "ccnu-cs", kind: "department", name: "计算机学院", code: "CS", validFrom: day } }
    ]).pipe(Either.getOrThrow)
    expect(get(h, "ccnu-cs").path).toBe("/moe/ccnu/ccnu-cs/")
    expect(Option.getOrThrow(Hierarchy.competentBureau(h, "ccnu-cs")).id).toBe("moe")
    const dept = { id: "d2", kind: "department", name: "部门", code: "D2", validFrom: day } as const
    expect(ruleOf(Hierarchy.add(h, dept, "hs"))).toBe("M20.1")
    expect(ruleOf(Hierarchy.add(h, dept, "ccnu-cs"))).toBe("M20.1")
    expect(ruleOf(Hierarchy.add(h, { ...dept, code: "CS" }, "ccnu"))).toBe("M20.1")
  })

  it("M4.1 M12.1 a school's code agrees with its type and its province; other institution types are refused", () => {
    const school = {
      id: "s1",
      kind: "school",
      name: "武汉市第一初级中学",
      code: "3142000123",
      validFrom: day,
      school: { schoolType: "311", sponsor: "21" }
    } as const
    expect(ruleOf(Hierarchy.add(hubei(), school, "ja"))).toBe("accepted")
    expect(ruleOf(Hierarchy.add(hubei(), { ...school, code: "3144000123" }, "ja"))).toBe("M12.1")
    expect(ruleOf(Hierarchy.add(hubei(), { ...school, code: "2142000123" }, "ja"))).toBe("M12.1")
    expect(ruleOf(Hierarchy.add(hubei(), { ...school, code: "31420001" }, "ja"))).toBe("M12.1")
    expect(ruleOf(Hierarchy.add(hubei(), { ...school, school: { schoolType: "999", sponsor: "21" } }, "ja"))).toBe(
      "M4.1"
    )
    expect(ruleOf(Hierarchy.add(hubei(), { ...school, school: { schoolType: "311", sponsor: "77" } }, "ja"))).toBe(
      "M4.1"
    )
    const { school: _, ...withoutAttributes } = school
    expect(ruleOf(Hierarchy.add(hubei(), withoutAttributes, "ja"))).toBe("M4.1")
  })

  it("M12.1 two schools never share a school code", () => {
    const school = {
      id: "s1",
      kind: "school",
      name: "甲",
      code: "3142000123",
      validFrom: day,
      school: { schoolType: "311", sponsor: "21" }
    } as const
    const h = Hierarchy.add(hubei(), school, "ja").pipe(Either.getOrThrow)
    expect(ruleOf(Hierarchy.add(h, { ...school, id: "s2", name: "乙" }, "hs"))).toBe("M12.1")
  })

  it("M2.1 the national unit is the single root, with no parent", () => {
    const root = { id: "moe2", kind: "national", name: "教育部", code: "000000", validFrom: day } as const
    expect(ruleOf(Hierarchy.add(hubei(), root, undefined))).toBe("M2.1")
    expect(ruleOf(Hierarchy.add(hubei(), root, "hb"))).toBe("M2.1")
    const province = { id: "p", kind: "province", name: "湖南省", code: "430000", validFrom: day } as const
    expect(ruleOf(Hierarchy.add(Hierarchy.make(Deployment.national), province, undefined))).toBe("M2.1")
  })

  it("M2.3 a provincial system's root is its province, and it refuses another province's units", () => {
    const gd = Deployment.provincial("44")
    const root = { id: "gd", kind: "province", name: "广东省", code: "440000", validFrom: day } as const
    const h = Hierarchy.add(Hierarchy.make(gd), root, undefined).pipe(Either.getOrThrow)
    expect(get(h, "gd").path).toBe("/gd/")
    expect(ruleOf(Hierarchy.add(Hierarchy.make(gd), { ...root, code: "420000" }, undefined))).toBe("M2.3")
    const national = { id: "moe", kind: "national", name: "教育部", code: "000000", validFrom: day } as const
    expect(ruleOf(Hierarchy.add(Hierarchy.make(gd), national, undefined))).toBe("M2.1")
  })

  it("M12.2 a change of a school is a dated version; the history answers as of any date", () => {
    const school = {
      id: "s1",
      kind: "school",
      name: "江岸区实验小学",
      code: "2142000007",
      validFrom: "2010-09-01",
      school: { schoolType: "211", sponsor: "21" }
    } as const
    const h = Hierarchy.add(hubei(), school, "ja").pipe(Either.getOrThrow)
    const v1 = get(h, "s1")
    const v2 = Unit.decideChange(v1, { _tag: "Rename", name: "江岸区第一实验小学" }, "2018-09-01", h.deployment).pipe(
      Either.getOrThrow
    )
    const v3 = Unit.decideChange(v2, { _tag: "Move", parent: get(h, "hs") }, "2020-01-01", h.deployment).pipe(
      Either.getOrThrow
    )
    const v4 = Unit.decideChange(v3, { _tag: "ChangeType", schoolType: "218" }, "2021-01-01", h.deployment).pipe(
      Either.getOrThrow
    )
    const history = [v4, v2, v1, v3]
    expect(Option.isNone(Unit.asOf(history, "2009-12-31"))).toBe(true)
    expect(Option.getOrThrow(Unit.asOf(history, "2015-06-01")).name).toBe("江岸区实验小学")
    expect(Option.getOrThrow(Unit.asOf(history, "2019-06-01")).name).toBe("江岸区第一实验小学")
    expect(Option.getOrThrow(Unit.asOf(history, "2019-06-01")).path).toBe("/moe/hb/wh/ja/s1/")
    expect(Option.getOrThrow(Unit.asOf(history, "2020-01-01")).path).toBe("/moe/hb/wh/hs/s1/")
    expect(Option.getOrThrow(Unit.asOf(history, "2030-01-01")).school?.schoolType).toBe("218")
    // The id never changes, so a teacher's record that points at it keeps pointing at the right school.
    expect(new Set(history.map((v) => v.id))).toEqual(new Set(["s1"]))
  })

  it("M12.2 a change dated on or before the current version, or of a closed school, is refused", () => {
    const school = {
      id: "s1",
      kind: "school",
      name: "甲",
      code: "2142000007",
      validFrom: "2010-09-01",
      school: { schoolType: "211", sponsor: "21" }
    } as const
    const h = Hierarchy.add(hubei(), school, "ja").pipe(Either.getOrThrow)
    const v1 = get(h, "s1")
    expect(ruleOf(Unit.decideChange(v1, { _tag: "Rename", name: "乙" }, "2010-09-01", h.deployment))).toBe("M12.2")
    expect(ruleOf(Unit.decideChange(v1, { _tag: "Rename", name: "乙" }, "2010-13-01", h.deployment))).toBe("M12.2")
    const closed = Unit.decideChange(v1, { _tag: "Close" }, "2019-07-01", h.deployment).pipe(Either.getOrThrow)
    expect(closed.status).toBe("closed")
    expect(ruleOf(Unit.decideChange(closed, { _tag: "Rename", name: "乙" }, "2020-01-01", h.deployment))).toBe("M12.2")
  })

  it("M12.1 M12.2 a change of type across categories needs a new school code that agrees with it", () => {
    const school = {
      id: "s1",
      kind: "school",
      name: "甲",
      code: "2142000007",
      validFrom: "2010-09-01",
      school: { schoolType: "211", sponsor: "21" }
    } as const
    const h = Hierarchy.add(hubei(), school, "ja").pipe(Either.getOrThrow)
    const v1 = get(h, "s1")
    expect(ruleOf(Unit.decideChange(v1, { _tag: "ChangeType", schoolType: "312" }, "2020-09-01", h.deployment))).toBe(
      "M12.1"
    )
    const v2 = Unit.decideChange(
      v1,
      { _tag: "ChangeType", schoolType: "312", code: "3142000007" },
      "2020-09-01",
      h.deployment
    ).pipe(Either.getOrThrow)
    expect(v2.code).toBe("3142000007")
  })

  it("M12.2 a school merges into another open school", () => {
    const a = {
      id: "a",
      kind: "school",
      name: "甲",
      code: "2142000007",
      validFrom: "2010-09-01",
      school: { schoolType: "211", sponsor: "21" }
    } as const
    const h = Hierarchy.addAll(hubei(), [
      { parentId: "ja", unit: a },
      { parentId: "ja", unit: { ...a, id: "b", name: "乙", code: "2142000008" } }
    ]).pipe(Either.getOrThrow)
    const merged = Unit.decideChange(
      get(h, "a"),
      { _tag: "Merge", into: get(h, "b") },
      "2022-09-01",
      h.deployment
    ).pipe(Either.getOrThrow)
    expect([merged.status, merged.mergedInto]).toEqual(["merged", "b"])
    expect(
      ruleOf(Unit.decideChange(get(h, "a"), { _tag: "Merge", into: get(h, "a") }, "2022-09-01", h.deployment))
    ).toBe("M12.2")
  })

  it("M2.2 no cycles: a unit never moves into its own subtree", () => {
    fc.assert(
      fc.property(
        hierarchy().chain(({ hierarchy: h }) =>
          fc
            .constantFrom(...h.units.values())
            .chain((u) => fc.constantFrom(...Hierarchy.subtree(h, u.id)).map((target) => ({ h, u, target })))
        ),
        ({ h, u, target }) => {
          const moved = Unit.decideChange(u, { _tag: "Move", parent: target }, "2030-01-01", h.deployment)
          expect(Either.isLeft(moved)).toBe(true)
        }
      )
    )
  })

  it("M2.2 M6.1 M7.1 M20.1 every unit's parent is of an allowed kind, and its path and competent bureau agree with its parent", () => {
    const allowed: Record<Unit.Kind, ReadonlyArray<Unit.Kind | "none">> = {
      national: ["none"],
      province: ["national", "none"],
      city: ["province"],
      county: ["city", "province"],
      school: ["national", "province", "city", "county"],
      department: ["school"]
    }
    fc.assert(
      fc.property(hierarchy({ deployment: "any", maxSchools: 3 }), ({ hierarchy: h }) => {
        for (const unit of h.units.values()) {
          const parent = unit.parentId === undefined ? undefined : get(h, unit.parentId)
          expect(allowed[unit.kind]).toContain(parent?.kind ?? "none")
          expect(unit.path).toBe(`${parent?.path ?? "/"}${unit.id}/`)
          const bureau = Hierarchy.competentBureau(h, unit.id)
          if (unit.kind === "school") {
            expect(Option.getOrThrow(bureau)).toEqual(parent)
            expect(parent?.kind === "national").toBe(unit.school?.centralMinistry)
          } else if (unit.kind === "department") {
            expect(Option.getOrThrow(bureau).id).toBe(parent?.parentId)
          } else {
            expect(Option.isNone(bureau)).toBe(true)
          }
          for (const child of Hierarchy.children(h, unit.id)) expect(Unit.isWithin(child, unit)).toBe(true)
        }
      }),
      { numRuns: 60 }
    )
  })

  it("M2.2 a unit of any kind under a parent of a kind the regulation does not allow is refused", () => {
    const allowedUnder: Record<Unit.Kind, ReadonlyArray<Unit.Kind>> = {
      national: [],
      province: ["national"],
      city: ["province"],
      county: ["city", "province"],
      school: ["national", "province", "city", "county"],
      department: ["school"]
    }
    fc.assert(
      fc.property(
        hierarchy({ deployment: "any" }).chain(({ hierarchy: h }) =>
          fc.record({
            h: fc.constant(h),
            parent: fc.constantFrom(...h.units.values()),
            kind: fc.constantFrom(...Unit.Kind.literals)
          })
        ),
        ({ h, parent, kind }) => {
          fc.pre(!allowedUnder[kind].includes(parent.kind))
          const result = Unit.decideCreate(
            {
              id: "probe",
              kind,
              name: "试探单位",
              code: "000000",
              validFrom: day,
              school: { schoolType: "211", sponsor: "21" }
            },
            parent,
            h.deployment
          )
          expect(["M2.1", "M2.2", "M6.1", "M7.1", "M20.1"]).toContain(ruleOf(result))
        }
      )
    )
  })

  it("M2.3 a provincial deployment never admits a unit of another province", () => {
    fc.assert(
      fc.property(
        hierarchy({ deployment: "provincial" }).chain(({ hierarchy: h }) =>
          fc.record({
            h: fc.constant(h),
            parent: fc.constantFrom(...[...h.units.values()].filter((u) => Unit.isAdministrative(u.kind))),
            foreign: fc.integer({ min: 11, max: 65 }).map(String)
          })
        ),
        ({ h, parent, foreign }) => {
          const own = h.deployment._tag === "Provincial" ? h.deployment.provinceCode : ""
          fc.pre(foreign !== own)
          const school = Unit.decideCreate(
            {
              id: "probe",
              kind: "school",
              name: "外省学校",
              code: `21${foreign}000001`,
              validFrom: day,
              school: { schoolType: "211", sponsor: "21" }
            },
            parent,
            h.deployment
          )
          expect(Either.isLeft(school)).toBe(true)
          const root = Unit.decideCreate(
            { id: "probe", kind: "province", name: "外省", code: `${foreign}0000`, validFrom: day },
            undefined,
            h.deployment
          )
          expect(["M2.3", "M2.2"]).toContain(ruleOf(root))
        }
      )
    )
  })
})

describe("Unit.isDay", () => {
  /** The calendar's own answer: the text names the day the Date of its midnight falls on. */
  const byDate = (s: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(s) &&
    !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
    new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)
  const pad = (n: number, width: number) => String(n).padStart(width, "0")

  it("M12.2 a day is a real day of the calendar, by arithmetic as by the Date of its midnight", () => {
    for (const s of ["2024-02-29", "2000-02-29", "0000-02-29", "2026-12-31", "1999-04-30"]) {
      expect([s, Unit.isDay(s)]).toEqual([s, true])
    }
    for (const s of ["2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-1-01"]) {
      expect([s, Unit.isDay(s)]).toEqual([s, false])
    }
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        (y, m, d) => {
          const s = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`
          expect(Unit.isDay(s)).toBe(byDate(s))
          expect(Unit.isDay(s)).toBe(Either.isRight(Schema.decodeUnknownEither(Unit.Day)(s)))
        }
      ),
      { numRuns: 5000 }
    )
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(Unit.isDay(s)).toBe(byDate(s))
      })
    )
  })
})
