/**
 * The compliance kit's own oracles (`@tmis/testkit/regulation`), pinned to published data rather than to the code
 * under test: the GB 11643-1999 check character, and what a masked identity number may show (M37.2).
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Oracles from "../src/regulation/Oracles.js"
import * as Report from "../src/regulation/Report.js"

describe("the compliance kit's oracles", () => {
  it("M17.3 the kit's check character reproduces the standard's published examples", () => {
    expect(Oracles.pinned()).toBe(true)
    expect(Oracles.checkCharacter("11010519491231002")).toBe("X")
    expect(Oracles.checkCharacter("44052418800101001")).toBe("4")
  })

  it("M17.3 a number with a wrong check character never has the check character the kit computes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20000 }),
        fc.integer({ min: 0, max: 999 }),
        fc.nat(9),
        (day, sequence, pick) => {
          const birth = new Date(Date.UTC(1960, 0, 1) + day * 86_400_000).toISOString().slice(0, 10)
          const right = Oracles.person("420102", birth, sequence)
          const wrong = Oracles.withWrongCheck(right, pick)
          expect(wrong.idNumber.slice(0, 17)).toBe(right.idNumber.slice(0, 17))
          expect(wrong.idNumber[17]).not.toBe(Oracles.checkCharacter(right.idNumber.slice(0, 17)))
          expect(right.sex).toBe(Number(right.idNumber[16]) % 2 === 1 ? "1" : "2")
        }
      ),
      { seed: 20261206, numRuns: 200 }
    )
  })

  it("M37.2 the masking oracle accepts the first 3 and last 4 and nothing of the county or birth date", () => {
    const full = "11010519491231002X"
    expect(Oracles.maskingViolation(full, "110***********002X")).toBeUndefined()
    expect(Oracles.maskingViolation(full, "******************")).toBeUndefined()
    expect(Oracles.maskingViolation(full, full)).toMatch(/in full/)
    expect(Oracles.maskingViolation(full, "110105********002X")).toMatch(/character 4/)
    expect(Oracles.maskingViolation(full, "110**19491231*002X")).toBeDefined()
    expect(Oracles.maskingViolation(full, "19491231")).toMatch(/hidden part/)
  })

  it("the replay script leaves logins out and reads each account's token from the environment", () => {
    const script = Report.replayScript("http://x", "M14.3", 1, [
      {
        method: "POST",
        url: "http://x/auth/login",
        requestBody: { accountId: "a", password: "«redacted»" },
        status: 200,
        at: ""
      },
      { actor: "k1-ia-s1", method: "GET", url: "http://x/units/k1s10", status: 200, at: "" }
    ])
    expect(script).not.toContain("/auth/login")
    expect(script).toContain('await send("k1-ia-s1", "GET", "/units/k1s10"')
    expect(script).toContain("TOKEN_k1_ia_s1")
  })
})
