import { legacySponsor, sponsor } from "@tmis/testkit/arbitraries/school"
import { Either, Option, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Sponsor from "../src/codes/Sponsor.js"

describe("the sponsor table", () => {
  it("holds the current and the legacy codes", () => {
    expect(Sponsor.sponsors.map((s) => [s.code, s.zh, s.legacy])).toEqual([
      ["21", "公办", false],
      ["22", "民办", false],
      ["23", "民办公助", false],
      ["29", "其他", false],
      ["11", "教育部门和集体办", true],
      ["12", "社会力量办", true],
      ["19", "其他部门办", true]
    ])
    for (const s of Sponsor.sponsors) {
      expect(Schema.is(Sponsor.Sponsor)(s.code)).toBe(true)
      if (s.replacedBy !== undefined) expect(Option.getOrThrow(Sponsor.get(s.replacedBy)).legacy).toBe(false)
    }
  })
})

describe("decide", () => {
  it("M4.1 a current sponsor code is accepted", () => {
    fc.assert(
      fc.property(sponsor(), (code) => {
        expect(Either.getOrThrow(Sponsor.decide(code)).code).toBe(code)
        expect(Either.getOrThrow(Sponsor.read(code)).code).toBe(code)
      })
    )
  })

  it("M4.1 a legacy code is read but refused for a school recorded now, pointing to the current code", () => {
    fc.assert(
      fc.property(legacySponsor(), (code) => {
        expect(Either.getOrThrow(Sponsor.read(code)).legacy).toBe(true)
        const error = Either.getLeft(Sponsor.decide(code)).pipe(Option.getOrThrow)
        expect([error._tag, error.kind]).toEqual(["Refusal", "invalid"])
        expect(error.rule).toBe("M4.1")
        expect(error.details).toMatchObject({ field: "sponsor", value: code })
      })
    )
    const error = Either.getLeft(Sponsor.decide("11")).pipe(Option.getOrThrow)
    expect(error.zh).toContain("21 公办")
    expect(error.en).toContain("use 21 公办")
    expect(error.details).toMatchObject({ replacedBy: "21" })
    // 19 has no single successor: the message lists the current codes.
    expect(Either.getLeft(Sponsor.decide("19")).pipe(Option.getOrThrow).en).toContain("29 其他")
  })

  it("M4.1 an unknown code is refused, naming the field and the value", () => {
    fc.assert(
      fc.property(fc.string(), (code) => {
        fc.pre(Option.isNone(Sponsor.get(code)))
        for (const result of [Sponsor.decide(code), Sponsor.read(code)]) {
          const error = Either.getLeft(result).pipe(Option.getOrThrow)
          expect(error.rule).toBe("M4.1")
          expect(error.details).toEqual({ field: "sponsor", value: code })
        }
      })
    )
  })
})
