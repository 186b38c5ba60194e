import { provinceCode, schoolCode, schoolType } from "@tmis/testkit/arbitraries/school"
import { Either, Option, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Division from "../src/codes/Division.js"
import * as SchoolCode from "../src/codes/SchoolCode.js"
import * as SchoolType from "../src/codes/SchoolType.js"
import type * as Refusal from "../src/kernel/Refusal.js"

const provinces = Division.provinces().map((p) => p.provinceCode)
const categories = SchoolType.categories.map((c) => c.code as string)

const refusal = (result: Either.Either<SchoolCode.Parts, Refusal.Refusal>) =>
  Either.getLeft(result).pipe(Option.getOrThrow)

/** Any type (covered or not) with a code for it in a province. */
const typeAndCode = fc
  .tuple(fc.constantFrom(...SchoolType.schoolTypes.map((t) => t.code)), provinceCode())
  .chain(([type, province]) =>
    schoolCode({ schoolType: type, provinceCode: province }).map((code) => ({ type, province, code }))
  )

describe("parse", () => {
  it("splits a code into category, province and sequence", () => {
    expect(Either.getOrThrow(SchoolCode.parse("3111001234"))).toEqual({
      code: "3111001234",
      category: "31",
      provinceCode: "11",
      sequence: "001234"
    })
    expect(Either.getOrThrow(SchoolCode.parse("4111010001"))).toMatchObject({ category: "41", provinceCode: "11" })
  })

  it("M12.1 every code with a known category and a province's digits parses", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...categories),
        fc.constantFrom(...provinces),
        fc.integer({ min: 0, max: 999_999 }),
        (category, province, n) => {
          const input = `${category}${province}${String(n).padStart(6, "0")}`
          expect(Either.getOrThrow(SchoolCode.parse(input)).code).toBe(input)
          expect(Schema.is(SchoolCode.SchoolCode)(input)).toBe(true)
        }
      )
    )
  })

  it("M12.1 any string that is not 10 digits is refused", () => {
    const notTenDigits = fc.oneof(
      fc.string().filter((s) => !/^\d{10}$/.test(s)),
      fc.integer({ min: 0, max: 999_999_999 }).map(String),
      fc.stringMatching(/^\d{11,14}$/),
      fc.tuple(fc.stringMatching(/^\d{9}$/), fc.constantFrom("a", " ", "-", "０", "X")).map(([d, c]) => d + c)
    )
    fc.assert(
      fc.property(notTenDigits, (input) => {
        const error = refusal(SchoolCode.parse(input))
        expect([error._tag, error.kind]).toEqual(["Refusal", "invalid"])
        expect(error.rule).toBe("M12.1")
        expect(error.details).toEqual({ field: "schoolCode", value: input, part: "length" })
        expect(Schema.is(SchoolCode.SchoolCode)(input)).toBe(false)
      })
    )
  })

  it("M12.1 a code with an unknown category is refused", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, "0")),
        fc.constantFrom(...provinces),
        (category, province) => {
          fc.pre(!categories.includes(category))
          const input = `${category}${province}000001`
          expect(refusal(SchoolCode.parse(input)).details).toMatchObject({
            field: "schoolCode",
            value: input,
            part: "category",
            category
          })
        }
      )
    )
  })

  it("M12.1 a code whose digits 3–4 are not a province is refused", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...categories),
        fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, "0")),
        (category, province) => {
          fc.pre(!provinces.includes(province))
          const input = `${category}${province}000001`
          expect(refusal(SchoolCode.parse(input)).details).toMatchObject({ part: "province", provinceCode: province })
        }
      )
    )
    // Hong Kong, Macau and Taiwan are not provinces of the table.
    for (const p of ["71", "81", "82", "00", "90"]) {
      expect(refusal(SchoolCode.parse(`31${p}000001`)).details).toMatchObject({ part: "province" })
    }
  })

  it("M12.1 the schema decodes a valid code and refuses an invalid one with the reason", () => {
    const decode = Schema.decodeUnknownEither(SchoolCode.SchoolCode)
    expect(Either.isRight(decode("2144000001"))).toBe(true)
    const left = decode("2199000001")
    expect(Either.isLeft(left) && left.left.message.includes("province")).toBe(true)
    expect(Either.isLeft(decode(2144000001))).toBe(true)
  })
})

describe("decide", () => {
  it("M12.1 every code generated for a school type and province is accepted for them", () => {
    fc.assert(
      fc.property(typeAndCode, ({ type, province, code }) => {
        const parts = Either.getOrThrow(SchoolCode.decide(code, { schoolType: type, provinceCode: province }))
        expect(parts.category).toBe(Option.getOrThrow(SchoolType.category(type)))
        expect(parts.provinceCode).toBe(province)
      })
    )
  })

  it("M12.1 a code whose category prefix disagrees with the school type is refused", () => {
    fc.assert(
      fc.property(typeAndCode, schoolType(), ({ code, province }, other) => {
        fc.pre(Option.getOrThrow(SchoolType.category(other)) !== code.slice(0, 2))
        const error = refusal(SchoolCode.decide(code, { schoolType: other, provinceCode: province }))
        expect(error.rule).toBe("M12.1")
        expect(error.details).toMatchObject({
          field: "schoolCode",
          value: code,
          part: "categoryAgreement",
          schoolType: other
        })
      })
    )
    // 九年一贯制 (312) is category 31: a 21 (primary) code does not fit it.
    expect(refusal(SchoolCode.decide("2111000001", { schoolType: "312", provinceCode: "11" })).zh).toContain("312")
    expect(Either.isRight(SchoolCode.decide("3111000001", { schoolType: "312", provinceCode: "11" }))).toBe(true)
    expect(Either.isRight(SchoolCode.decide("3411000001", { schoolType: "345", provinceCode: "11" }))).toBe(true)
  })

  it("M12.1 a code cannot agree with an unknown school type", () => {
    expect(refusal(SchoolCode.decide("3111000001", { schoolType: "999", provinceCode: "11" })).details).toMatchObject({
      part: "categoryAgreement",
      expectedCategory: undefined
    })
  })

  it("M12.1 a code whose province digits disagree with the province above is refused", () => {
    fc.assert(
      fc.property(typeAndCode, provinceCode(), ({ type, code }, other) => {
        fc.pre(other !== code.slice(2, 4))
        const error = refusal(SchoolCode.decide(code, { schoolType: type, provinceCode: other }))
        expect(error.rule).toBe("M12.1")
        expect(error.details).toMatchObject({
          field: "schoolCode",
          value: code,
          part: "provinceAgreement",
          expectedProvinceCode: other
        })
      })
    )
  })

  it("M12.1 decide refuses what parse refuses, before any agreement", () => {
    fc.assert(
      fc.property(fc.string(), schoolType(), provinceCode(), (input, type, province) => {
        fc.pre(Either.isLeft(SchoolCode.parse(input)))
        expect(refusal(SchoolCode.decide(input, { schoolType: type, provinceCode: province }))).toEqual(
          refusal(SchoolCode.parse(input))
        )
      })
    )
  })
})
