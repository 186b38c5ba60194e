import { describe, expect, it } from "vitest"
import { numRunsOf } from "../src/conformance/processes.js"

describe("conformance options", () => {
  it("the slow store properties (transfers, rotations, batch import) run 5 times by default, and options.numRuns raises or lowers that", () => {
    expect(numRunsOf({})).toBe(5)
    expect(numRunsOf({}, 6)).toBe(6)
    expect(numRunsOf({ numRuns: 50 })).toBe(50)
    expect(numRunsOf({ numRuns: 50 }, 6)).toBe(50)
    expect(numRunsOf({ numRuns: 2 })).toBe(2)
  })
})
