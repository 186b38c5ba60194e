import { schoolType as coveredSchoolType, uncoveredSchoolType } from "@tmis/testkit/arbitraries/school"
import { Either, Option, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as SchoolType from "../src/codes/SchoolType.js"

const codes = SchoolType.schoolTypes.map((t) => t.code)

describe("the school type table", () => {
  it("holds the national codes with their names", () => {
    const names: Record<string, string> = {
      "111": "幼儿园",
      "211": "小学",
      "218": "小学教学点",
      "311": "初级中学",
      "312": "九年一贯制学校",
      "341": "完全中学",
      "342": "高级中学",
      "345": "十二年一贯制学校",
      "365": "职业高中学校",
      "366": "技工学校",
      "511": "盲人学校",
      "512": "聋人学校",
      "513": "培智学校",
      "514": "其他特殊教育学校"
    }
    for (const [code, zh] of Object.entries(names)) {
      expect(Option.getOrThrow(SchoolType.get(code)).zh).toBe(zh)
    }
    for (let c = 361; c <= 369; c++) {
      if (c !== 367) expect(Option.getOrThrow(SchoolType.get(String(c))).stage).toBe("secondaryVocational")
    }
    expect(SchoolType.schoolTypes.filter((t) => t.category === "41").length).toBeGreaterThan(0)
    expect(SchoolType.schoolTypes.filter((t) => t.category === "42").length).toBeGreaterThan(0)
  })

  it("has unique 3-digit codes, in order", () => {
    expect(new Set(codes).size).toBe(codes.length)
    expect(codes.every((c) => /^\d{3}$/.test(c))).toBe(true)
    expect([...codes].sort()).toEqual(codes)
  })

  it("gives every type the category of its first two digits, and the category's stage and coverage", () => {
    expect(Option.getOrThrow(SchoolType.category("312"))).toBe("31")
    expect(Option.getOrThrow(SchoolType.category("345"))).toBe("34")
    expect(Option.getOrThrow(SchoolType.category("111"))).toBe("11")
    for (const t of SchoolType.schoolTypes) {
      const category = Option.getOrThrow(SchoolType.getCategory(t.code.slice(0, 2)))
      expect(t.category).toBe(category.code)
      expect(t.stage).toBe(category.stage)
      expect(t.covered).toBe(category.covered)
      expect(Option.getOrThrow(SchoolType.category(t.code))).toBe(category.code)
    }
    expect(Option.isNone(SchoolType.category("999"))).toBe(true)
  })

  it("lists the school categories of the identification code with their names", () => {
    expect(SchoolType.categories.map((c) => c.code)).toEqual([
      "11",
      "21",
      "22",
      "31",
      "32",
      "33",
      "34",
      "35",
      "36",
      "37",
      "41",
      "42",
      "51",
      "91",
      "92",
      "93"
    ])
    expect(Option.getOrThrow(SchoolType.getCategory("36")).zh).toBe("中等职业学校")
    // Every category has at least one type.
    for (const c of SchoolType.categories) expect(SchoolType.schoolTypes.some((t) => t.category === c.code)).toBe(true)
  })

  it("decodes its codes with the schema and refuses others", () => {
    fc.assert(fc.property(fc.constantFrom(...codes), (code) => Schema.is(SchoolType.SchoolType)(code)))
    fc.assert(
      fc.property(
        fc.string().filter((s) => !(codes as ReadonlyArray<string>).includes(s)),
        (s) => !Schema.is(SchoolType.SchoolType)(s)
      )
    )
  })
})

describe("coverage", () => {
  it("M4.1 kindergartens, primary and secondary, secondary vocational, special-education and higher-education schools are covered", () => {
    for (const category of ["11", "21", "31", "32", "34", "36", "41", "51"]) {
      expect(Option.getOrThrow(SchoolType.getCategory(category)).covered).toBe(true)
    }
    fc.assert(
      fc.property(coveredSchoolType(), (code) => {
        expect(SchoolType.isCovered(code)).toBe(true)
        expect(Either.getOrThrow(SchoolType.decideCovered(code)).code).toBe(code)
      })
    )
  })

  it("M4.1 adult primary and secondary schools and reform schools count as 中小学校, adult higher education as 高等学校", () => {
    for (const code of ["221", "331", "351", "371", "421", "424", "426"]) {
      expect(Either.isRight(SchoolType.decideCovered(code))).toBe(true)
    }
    expect(Option.getOrThrow(SchoolType.get("424")).stage).toBe("higherEducation")
  })

  it("M4.1 other institutions (91, 92, 93) are refused", () => {
    expect(SchoolType.schoolTypes.filter((t) => !t.covered).map((t) => t.category)).toEqual([
      "91",
      "92",
      "93",
      "93",
      "93"
    ])
    fc.assert(
      fc.property(uncoveredSchoolType(), (code) => {
        expect(SchoolType.isCovered(code)).toBe(false)
        const error = Either.getLeft(SchoolType.decideCovered(code)).pipe(Option.getOrThrow)
        expect([error._tag, error.kind]).toEqual(["Refusal", "invalid"])
        expect(error.rule).toBe("M4.1")
        expect(error.details).toMatchObject({ field: "schoolType", value: code })
        expect(error.zh).toContain("覆盖")
      })
    )
  })

  it("M4.1 a string that is not a 办学类型 code is refused", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer({ min: 0, max: 9999 }).map(String)), (code) => {
        fc.pre(Option.isNone(SchoolType.get(code)))
        expect(SchoolType.isCovered(code)).toBe(false)
        const error = Either.getLeft(SchoolType.decideCovered(code)).pipe(Option.getOrThrow)
        expect(error.rule).toBe("M4.1")
        expect(error.details).toEqual({ field: "schoolType", value: code })
        expect(error.message).toContain("M4.1")
      })
    )
    for (const code of ["", "11", "31", "110", "367", "3121", " 312"]) {
      expect(Either.isLeft(SchoolType.decideCovered(code))).toBe(true)
    }
  })
})
