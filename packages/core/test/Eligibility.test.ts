import { Eligibility } from "@tmis/core"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const input = fc.record({
  onEstablishment: fc.boolean(),
  contractMonths: fc.option(fc.oneof(fc.integer({ min: -3, max: 120 }), fc.double({ min: -1, max: 60 })), {
    nil: undefined
  }),
  postCategory: fc.constantFrom(...Eligibility.PostCategory.literals)
})

const refusal = (i: Eligibility.Input) =>
  Either.match(Eligibility.decide(i), { onLeft: (e) => e, onRight: () => undefined })

describe("Eligibility", () => {
  it("M5.1 covered exactly: on the establishment, or a contract of one year or longer in a post of category 1, 2 or 3", () => {
    fc.assert(
      fc.property(input, (i) => {
        const m = i.contractMonths
        const oracle =
          i.onEstablishment ||
          (m !== undefined && Number.isInteger(m) && m >= 12 && ["1", "2", "3"].includes(i.postCategory))
        expect(Either.isRight(Eligibility.decide(i))).toBe(oracle)
        expect(Eligibility.isCovered(i)).toBe(oracle)
        const e = refusal(i)
        if (e !== undefined) {
          expect(e.rule).toBe("M5.1")
          expect(e.details.failed).toEqual(Eligibility.failures(i))
          expect(Eligibility.failures(i).length).toBeGreaterThan(0)
          expect(["contractMonths", "postCategory"]).toContain(e.details.field)
        }
      }),
      { numRuns: 500 }
    )
  })

  it("M5.1 a contract of exactly one year counts (以上 includes the number), eleven months does not", () => {
    expect(Either.isRight(Eligibility.decide({ onEstablishment: false, contractMonths: 12, postCategory: "1" }))).toBe(
      true
    )
    const e = refusal({ onEstablishment: false, contractMonths: 11, postCategory: "1" })
    expect(e?.rule).toBe("M5.1")
    expect(e?.details).toMatchObject({ field: "contractMonths", value: 11, failed: ["contractUnderOneYear"] })
    expect(e?.zh).toContain("不满一年")
  })

  it("M5.1 teacher, other professional-technical and management posts on a long contract are covered", () => {
    for (const postCategory of ["1", "2", "3"] as const) {
      expect(Eligibility.isCovered({ onEstablishment: false, contractMonths: 36, postCategory })).toBe(true)
    }
  })

  it("M5.1 a worker post outside the establishment is refused, naming the post", () => {
    const e = refusal({ onEstablishment: false, contractMonths: 36, postCategory: "4" })
    expect(e?.rule).toBe("M5.1")
    expect(e?.details).toMatchObject({ field: "postCategory", value: "4", failed: ["workerPost"] })
    expect(e?.en).toContain("worker post")
  })

  it("M5.1 no contract is refused; with a worker post both conditions are named", () => {
    expect(refusal({ onEstablishment: false, contractMonths: undefined, postCategory: "2" })?.details.failed).toEqual([
      "noContract"
    ])
    const both = refusal({ onEstablishment: false, contractMonths: undefined, postCategory: "4" })
    expect(both?.details.failed).toEqual(["noContract", "workerPost"])
    expect(both?.message).toMatch(/^M5\.1: .*no contract.*worker post/)
  })

  it("M5.1 staff on the establishment are covered whatever their post or contract", () => {
    expect(Eligibility.isCovered({ onEstablishment: true, contractMonths: undefined, postCategory: "4" })).toBe(true)
    expect(Eligibility.isCovered({ onEstablishment: true, contractMonths: 3, postCategory: "1" })).toBe(true)
  })

  it("M5.1 a contract length that is not a whole number of months is refused", () => {
    expect(refusal({ onEstablishment: false, contractMonths: 12.5, postCategory: "1" })?.details.failed).toEqual([
      "invalidContractLength"
    ])
  })
})
