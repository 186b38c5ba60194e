import { IdentityNumber } from "@tmis/core"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  identityNumber,
  identityNumberWithFacts,
  invalidIdentityNumber,
  legacyIdentityNumber,
  parts
} from "../src/arbitraries/identityNumber.js"

const today = "2026-11-28"

describe("identity number arbitraries", () => {
  it("identityNumberWithFacts gives numbers that parse and encode the facts given", () => {
    fc.assert(
      fc.property(identityNumberWithFacts({ residencePermits: true }), (facts) => {
        const id = Either.getOrThrow(IdentityNumber.parse(facts.id, { today }))
        expect(id).toBe(facts.id)
        expect(IdentityNumber.birthDate(id)).toBe(facts.birthDate)
        expect(IdentityNumber.sex(id)).toBe(facts.sex)
        expect(IdentityNumber.addressCode(id)).toBe(facts.addressCode)
        expect(id.slice(14, 17)).toBe(facts.sequence)
        expect(IdentityNumber.isResidencePermit(id)).toBe(facts.residencePermit)
        expect(facts.birthDate >= "1940-01-01" && facts.birthDate <= "2005-12-31").toBe(true)
      })
    )
  })

  it("identityNumberWithFacts honours the birth date bounds, the sex, and the residence-permit switch", () => {
    fc.assert(
      fc.property(
        identityNumberWithFacts({ minBirthDate: "2000-02-28", maxBirthDate: "2000-03-01", sex: "2" }),
        (facts) => {
          expect(["2000-02-28", "2000-02-29", "2000-03-01"]).toContain(facts.birthDate)
          expect(facts.sex).toBe("2")
          expect(facts.residencePermit).toBe(false)
        }
      )
    )
    const withPermits = fc.sample(identityNumberWithFacts({ residencePermits: true }), { numRuns: 500, seed: 42 })
    expect(withPermits.some((f) => f.residencePermit)).toBe(true)
    expect(withPermits.some((f) => !f.residencePermit)).toBe(true)
  })

  it("identityNumber gives the number alone, which parses", () => {
    fc.assert(
      fc.property(identityNumber(), (id) => {
        expect(Either.getOrThrow(IdentityNumber.parse(id, { today }))).toBe(id)
      })
    )
  })

  it("legacyIdentityNumber gives 15 digits that fromLegacy converts", () => {
    fc.assert(
      fc.property(legacyIdentityNumber(), (legacy) => {
        expect(legacy).toMatch(/^\d{15}$/)
        const id = Either.getOrThrow(IdentityNumber.fromLegacy(legacy, { today }))
        expect(IdentityNumber.birthDate(id).slice(0, 2)).toBe("19")
        expect(IdentityNumber.birthDate(id) >= "1940-01-01").toBe(true)
      })
    )
  })

  it("invalidIdentityNumber gives inputs that parse refuses in the claimed part", () => {
    fc.assert(
      fc.property(invalidIdentityNumber(), ({ input, part }) => {
        const result = IdentityNumber.parse(input, { today })
        expect(Either.isLeft(result), input).toBe(true)
        if (Either.isLeft(result)) expect(result.left.details.part, input).toBe(part)
      }),
      { numRuns: 1000 }
    )
  })

  it("invalidIdentityNumber reaches every part, each alone and together", () => {
    for (const part of parts) {
      fc.assert(
        fc.property(invalidIdentityNumber({ parts: [part], today }), (invalid) => {
          expect(invalid.part).toBe(part)
          const result = IdentityNumber.parse(invalid.input, { today })
          expect(Either.isLeft(result) && result.left.details.part, invalid.input).toBe(part)
        })
      )
    }
    const seen = new Set(fc.sample(invalidIdentityNumber(), { numRuns: 600, seed: 7 }).map((i) => i.part))
    expect([...seen].sort()).toEqual([...parts].sort())
  })
})
