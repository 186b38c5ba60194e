import { Either, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as IdentityNumber from "../src/codes/IdentityNumber.js"
import type * as Refusal from "../src/kernel/Refusal.js"

const today = "2026-11-28"
const options = { today }

const parsed = (input: string, opts: IdentityNumber.ParseOptions = options): IdentityNumber.IdentityNumber =>
  Either.getOrThrow(IdentityNumber.parse(input, opts))

const refusal = (result: Either.Either<unknown, Refusal.Refusal>): Refusal.Refusal => {
  if (Either.isRight(result)) throw new Error(`expected a refusal, got ${JSON.stringify(result.right)}`)
  return result.left
}

// A local generator (the test kit imports core, so core's tests do not import the test kit).
const pad = (n: number, width: number) => String(n).padStart(width, "0")
const mainlandProvinces = IdentityNumber.provinceCodes.filter((p) => !["71", "81", "82"].includes(p))
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const dateArb = (from: string, to: string) =>
  fc.integer({ min: Date.parse(from) / 86_400_000, max: Date.parse(to) / 86_400_000 }).map((d) => day(d * 86_400_000))

const validArb = fc
  .record({
    address: fc.oneof(
      { arbitrary: fc.tuple(fc.constantFrom(...mainlandProvinces), fc.integer({ min: 0, max: 9999 })), weight: 9 },
      { arbitrary: fc.tuple(fc.constantFrom("81", "82", "83"), fc.constant(0)), weight: 1 }
    ),
    birthDate: dateArb("1900-01-01", today),
    sequence: fc.integer({ min: 1, max: 999 })
  })
  .map(({ address: [province, rest], birthDate, sequence }) => {
    const first17 = `${province}${pad(rest, 4)}${birthDate.replaceAll("-", "")}${pad(sequence, 3)}`
    return {
      id: first17 + IdentityNumber.checkCharacter(first17),
      addressCode: `${province}${pad(rest, 4)}`,
      birthDate,
      sex: sequence % 2 === 1 ? ("1" as const) : ("2" as const)
    }
  })

const legacyArb = fc
  .record({
    province: fc.constantFrom(...mainlandProvinces),
    rest: fc.integer({ min: 0, max: 9999 }),
    birthDate: dateArb("1900-01-01", "1999-12-31"),
    sequence: fc.integer({ min: 1, max: 999 })
  })
  .map(({ province, rest, birthDate, sequence }) => ({
    legacy: `${province}${pad(rest, 4)}${birthDate.slice(2).replaceAll("-", "")}${pad(sequence, 3)}`,
    birthDate
  }))

const alphabet = [..."0123456789X"]

describe("IdentityNumber", () => {
  describe("check character", () => {
    it("M17.3 the standard example 11010519491231002X has check character X", () => {
      expect(IdentityNumber.checkCharacter("11010519491231002")).toBe("X")
      // Worked by hand: Σ = 167, 167 mod 11 = 2 → "X".
      const id = parsed("11010519491231002X")
      expect(id).toBe("11010519491231002X")
      expect(IdentityNumber.birthDate(id)).toBe("1949-12-31")
      expect(IdentityNumber.sex(id)).toBe("2")
      expect(IdentityNumber.addressCode(id)).toBe("110105")
      expect(IdentityNumber.isResidencePermit(id)).toBe(false)
    })

    it("M17.3 known numbers parse, with each check character value", () => {
      // Each computed by the algorithm; together they cover remainders with digit and X check characters.
      expect(IdentityNumber.checkCharacter("44030419900101001")).toBe("1")
      expect(IdentityNumber.checkCharacter("32010219800229123")).toBe("5")
      expect(parsed("440304199001010011")).toBe("440304199001010011")
      expect(parsed("320102198002291235")).toBe("320102198002291235")
      const seen = new Set<string>()
      for (let s = 1; s < 200; s++) {
        const first17 = `51010720001015${pad(s, 3)}`
        const c = IdentityNumber.checkCharacter(first17)
        seen.add(c)
        expect(Either.isRight(IdentityNumber.parse(first17 + c, options))).toBe(true)
      }
      expect([...seen].sort()).toEqual([...alphabet].sort())
    })

    // Published vectors (GB 11643-1999 and its common worked example) and vectors computed by hand from the weights
    // 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 and the map 1 0 X 9 8 7 6 5 4 3 2 (remainder 0…10): one per check
    // character, so a swapped weight or a swapped map entry fails here without trusting `checkCharacter`.
    const vectors: ReadonlyArray<readonly [id: string, sum: number]> = [
      ["11010519491231002X", 167], // 167 mod 11 = 2 → X
      ["440524188001010014", 195], // 195 mod 11 = 8 → 4
      ["420102198503150020", 199], // 1 → 0
      ["420102198503150071", 209], // 0 → 1
      ["420102198503150012", 197], // 10 → 2
      ["420102198503150063", 207], // 9 → 3
      ["420102198503150004", 195], // 8 → 4
      ["420102198503150055", 205], // 7 → 5
      ["420102198503150186", 215], // 6 → 6
      ["420102198503150047", 203], // 5 → 7
      ["420102198503150098", 213], // 4 → 8
      ["420102198503150039", 201], // 3 → 9
      ["42010219850315008X", 211] //  2 → X
    ]

    /**
     * An oracle written apart from the implementation: ISO 7064 MOD 11-2 as the standard states it. The digit at
     * position i (counted from the right, the check character being position 1) weighs 2^(i-1) mod 11, and the check
     * value a makes the weighted sum plus a ≡ 1 (mod 11); a = 10 is written X.
     */
    const iso7064 = (first17: string): string => {
      let sum = 0
      for (let k = 0; k < 17; k++) {
        let weight = 1
        for (let e = 0; e < 17 - k; e++) weight = (weight * 2) % 11
        sum += Number(first17[k]) * weight
      }
      const a = (12 - (sum % 11)) % 11
      return a === 10 ? "X" : String(a)
    }

    it("M17.3 published and hand-computed vectors: one per check character, each accepted, each altered last character refused", () => {
      const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
      expect(new Set(vectors.map(([id]) => id[17])).size).toBe(11)
      for (const [id, sum] of vectors) {
        // The sums written above are the weights applied by hand; recomputed here so a typo in a vector shows.
        expect([id, [...id.slice(0, 17)].reduce((s, d, i) => s + Number(d) * weights[i]!, 0)]).toEqual([id, sum])
        expect([id, IdentityNumber.checkCharacter(id.slice(0, 17))]).toEqual([id, id[17]])
        expect([id, iso7064(id.slice(0, 17))]).toEqual([id, id[17]])
        // 440524188001010014 (born 1880) is a vector of the algorithm only: parse refuses births before 1900.
        if (id.slice(6, 10) < "1900") continue
        expect(parsed(id, { ...options, allowZeroSequence: true })).toBe(id)
        for (const other of alphabet.filter((c) => c !== id[17])) {
          const e = refusal(IdentityNumber.parse(id.slice(0, 17) + other, { ...options, allowZeroSequence: true }))
          expect(e.details.part).toBe("checkCharacter")
        }
      }
    })

    it("M17.3 the check character of any 17 digits is the ISO 7064 MOD 11-2 value", () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[0-9]{17}$/), (first17) => {
          expect(IdentityNumber.checkCharacter(first17)).toBe(iso7064(first17))
        }),
        { numRuns: 2000 }
      )
    })

    it("checkCharacter throws on anything but 17 digits (a caller's bug, not data)", () => {
      expect(() => IdentityNumber.checkCharacter("1101051949123100")).toThrow(RangeError)
      expect(() => IdentityNumber.checkCharacter("1101051949123100A")).toThrow(RangeError)
    })
  })

  describe("parse", () => {
    it("M17.3 trims whitespace and normalises a final lower-case x", () => {
      expect(parsed("  11010519491231002x\t")).toBe("11010519491231002X")
    })

    it("M17.3 a wrong check character is refused naming the expected and the found character", () => {
      const e = refusal(IdentityNumber.parse("110105194912310025", options))
      expect(e.rule).toBe("M17.3")
      expect(e.details.part).toBe("checkCharacter")
      expect(e.details).toMatchObject({
        field: "identityNumber",
        value: "110105194912310025",
        part: "checkCharacter",
        expected: "X",
        actual: "5"
      })
      expect(e.en).toBe('check character: expected "X", found "5"')
      expect(e.zh).toContain("校验码")
    })

    it("M17.3 a wrong length is refused, and a 15-digit number is pointed to fromLegacy", () => {
      const short = refusal(IdentityNumber.parse("1101051949123100", options))
      expect(short.details).toMatchObject({ part: "length", expected: "18", actual: "16" })
      const legacy = refusal(IdentityNumber.parse("110105491231002", options))
      expect(legacy.details.part).toBe("length")
      expect(legacy.en).toContain("fromLegacy")
      expect(refusal(IdentityNumber.parse("", options)).details.part).toBe("length")
    })

    it("M17.3 a non-digit among the first 17, or a bad 18th character, is refused as characters", () => {
      const letter = refusal(IdentityNumber.parse("1101051949A231002X", options))
      expect(letter.details).toMatchObject({ part: "characters", position: 11, actual: "A" })
      const x = refusal(IdentityNumber.parse("1101051949123100XX", options))
      expect(x.details.part).toBe("characters")
      const last = refusal(IdentityNumber.parse("11010519491231002Y", options))
      expect(last.details).toMatchObject({ part: "characters", position: 18, actual: "Y" })
      // Full-width digits are not digits.
      expect(refusal(IdentityNumber.parse("１1010519491231002X", options)).details.part).toBe("characters")
    })

    it("M17.3 an address code outside the province codes of GB/T 2260 is refused", () => {
      for (const province of ["00", "10", "20", "39", "55", "66", "72", "83", "99"]) {
        const first17 = `${province}010519491231002`
        const e = refusal(IdentityNumber.parse(first17 + IdentityNumber.checkCharacter(first17), options))
        expect(e.details).toMatchObject({ part: "addressCode", actual: `${province}0105` })
      }
    })

    it("M17.3 an abolished county's code is accepted (only the province is checked)", () => {
      // 110102 was Xicheng before 2010 and 110103 (Chongwen) was abolished in 2010; numbers keep their code.
      const first17 = "11010319700101001"
      expect(Either.isRight(IdentityNumber.parse(first17 + IdentityNumber.checkCharacter(first17), options))).toBe(true)
    })

    it("M17.3 impossible, too early and future birth dates are refused as birthDate", () => {
      for (const date of ["19490230", "19491301", "19490001", "19490100", "19000229", "18991231", "20261129"]) {
        const first17 = `110105${date}002`
        const e = refusal(IdentityNumber.parse(first17 + IdentityNumber.checkCharacter(first17), options))
        expect(e.details.part).toBe("birthDate")
      }
      // 2000 is a leap year; today itself is allowed.
      for (const date of ["20000229", "19000101", "20261128"]) {
        const first17 = `110105${date}002`
        expect(parsed(first17 + IdentityNumber.checkCharacter(first17))).toBe(
          first17 + IdentityNumber.checkCharacter(first17)
        )
      }
    })

    it("M17.3 a future birth date is refused for any today", () => {
      fc.assert(
        fc.property(validArb, ({ id, birthDate }) => {
          const dayBefore = day(Date.parse(birthDate) - 86_400_000)
          expect(refusal(IdentityNumber.parse(id, { today: dayBefore })).details.part).toBe("birthDate")
          expect(Either.isRight(IdentityNumber.parse(id, { today: birthDate }))).toBe(true)
        })
      )
    })

    it("M17.3 a Date today is read as the calendar day in China (UTC+8)", () => {
      const first17 = "11010520261129002"
      const id = first17 + IdentityNumber.checkCharacter(first17)
      // 2026-11-28T16:00Z is 2026-11-29 00:00 in Beijing.
      expect(Either.isRight(IdentityNumber.parse(id, { today: new Date("2026-11-28T16:00:00Z") }))).toBe(true)
      expect(Either.isLeft(IdentityNumber.parse(id, { today: new Date("2026-11-28T15:59:59Z") }))).toBe(true)
      expect(() => IdentityNumber.parse(id, { today: "28/11/2026" })).toThrow(RangeError)
    })

    it("M17.3 sequence code 000 is refused unless allowed", () => {
      const first17 = "11010519491231000"
      const id = first17 + IdentityNumber.checkCharacter(first17)
      expect(refusal(IdentityNumber.parse(id, options)).details.part).toBe("sequence")
      expect(parsed(id, { today, allowZeroSequence: true })).toBe(id)
    })

    it("M17.3 every single-character substitution of a valid number is detected", () => {
      fc.assert(
        fc.property(validArb, ({ id }) => {
          for (let i = 0; i < 18; i++) {
            for (const c of alphabet) {
              if (c === id[i]) continue
              const changed = id.slice(0, i) + c + id.slice(i + 1)
              expect(Either.isLeft(IdentityNumber.parse(changed, options)), changed).toBe(true)
            }
          }
        })
      )
    })

    it("M17.3 every adjacent transposition of two different characters is detected", () => {
      fc.assert(
        fc.property(validArb, ({ id }) => {
          for (let i = 0; i < 17; i++) {
            if (id[i] === id[i + 1]) continue
            const swapped = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2)
            expect(Either.isLeft(IdentityNumber.parse(swapped, options)), swapped).toBe(true)
          }
        })
      )
    })

    it("M17.3 birth date, sex and address code extracted agree with what made the number", () => {
      fc.assert(
        fc.property(validArb, (facts) => {
          const id = parsed(facts.id)
          expect(IdentityNumber.birthDate(id)).toBe(facts.birthDate)
          expect(IdentityNumber.sex(id)).toBe(facts.sex)
          expect(IdentityNumber.addressCode(id)).toBe(facts.addressCode)
        })
      )
    })
  })

  describe("residence permits", () => {
    it("M17.3 Hong Kong, Macau and Taiwan residence permits parse with the same algorithm", () => {
      for (const code of ["810000", "820000", "830000"]) {
        const first17 = `${code}19850615003`
        const id = parsed(first17 + IdentityNumber.checkCharacter(first17))
        expect(IdentityNumber.isResidencePermit(id)).toBe(true)
        expect(IdentityNumber.sex(id)).toBe("1")
      }
    })

    it("M17.3 the residence-permit codes are a parameter (820000 is unconfirmed)", () => {
      const first17 = "83000019850615003"
      const id = first17 + IdentityNumber.checkCharacter(first17)
      const e = refusal(IdentityNumber.parse(id, { today, residencePermitCodes: ["810000", "820000"] }))
      expect(e.details.part).toBe("addressCode")
      // 830001 is not a permit code: 83 is no province of GB/T 2260.
      const other = "83000119850615003"
      expect(refusal(IdentityNumber.parse(other + IdentityNumber.checkCharacter(other), options)).details.part).toBe(
        "addressCode"
      )
      expect(IdentityNumber.isResidencePermit(parsed(id), ["810000"])).toBe(false)
    })
  })

  describe("legacy 15-digit numbers", () => {
    it("M17.3 110105491231002 converts to 11010519491231002X", () => {
      expect(Either.getOrThrow(IdentityNumber.fromLegacy("110105491231002"))).toBe("11010519491231002X")
      expect(Either.getOrThrow(IdentityNumber.fromLegacy(" 110105491231002 ", { today }))).toBe("11010519491231002X")
    })

    it("M17.3 legacy conversion round-trips: dropping '19' and the check character gives the original", () => {
      fc.assert(
        fc.property(legacyArb, ({ legacy, birthDate }) => {
          const id = Either.getOrThrow(IdentityNumber.fromLegacy(legacy))
          expect(id.slice(0, 6) + id.slice(8, 17)).toBe(legacy)
          expect(IdentityNumber.birthDate(id)).toBe(birthDate)
          expect(parsed(id)).toBe(id)
        })
      )
    })

    it("M17.3 a legacy number wrong in length, characters, address or date is refused naming the part", () => {
      expect(refusal(IdentityNumber.fromLegacy("11010549123100")).details.part).toBe("length")
      expect(refusal(IdentityNumber.fromLegacy("11010519491231002X")).details.part).toBe("length")
      expect(refusal(IdentityNumber.fromLegacy("11010549123100X")).details.part).toBe("characters")
      expect(refusal(IdentityNumber.fromLegacy("990105491231002")).details.part).toBe("addressCode")
      expect(refusal(IdentityNumber.fromLegacy("110105490230002")).details.part).toBe("birthDate")
      expect(refusal(IdentityNumber.fromLegacy("110105491231000")).details.part).toBe("sequence")
    })
  })

  describe("consistency with the record", () => {
    it("M17.3 the number agrees with its own birth date and sex, and unknown sex is not compared", () => {
      fc.assert(
        fc.property(validArb, fc.constantFrom("0" as const, "9" as const), (facts, unknown) => {
          const id = parsed(facts.id)
          expect(
            Either.isRight(IdentityNumber.checkConsistency(id, { birthDate: facts.birthDate, sex: facts.sex }))
          ).toBe(true)
          expect(Either.isRight(IdentityNumber.checkConsistency(id, { sex: unknown }))).toBe(true)
          expect(Either.isRight(IdentityNumber.checkConsistency(id, {}))).toBe(true)
        })
      )
    })

    it("M17.3 a mismatched sex is refused on the sequence part", () => {
      fc.assert(
        fc.property(validArb, (facts) => {
          const other = facts.sex === "1" ? "2" : "1"
          const e = refusal(IdentityNumber.checkConsistency(parsed(facts.id), { sex: other }))
          expect(e.rule).toBe("M17.3")
          expect(e.details).toMatchObject({ part: "sequence", expected: other, actual: facts.sex })
        })
      )
    })

    it("M17.3 a mismatched birth date is refused on the birthDate part", () => {
      fc.assert(
        fc.property(validArb, fc.integer({ min: 1, max: 5000 }), (facts, shift) => {
          const recorded = day(Date.parse(facts.birthDate) + shift * 86_400_000)
          const e = refusal(IdentityNumber.checkConsistency(parsed(facts.id), { birthDate: recorded, sex: facts.sex }))
          expect(e.details).toMatchObject({ part: "birthDate", expected: recorded, actual: facts.birthDate })
        })
      )
    })
  })

  describe("real-name accounts", () => {
    it("M14.1 an account can be bound only to a number that parses: every invalid candidate is refused", () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 20 }), (s) => {
          const result = IdentityNumber.parse(s, options)
          // Whatever parse accepts is an 18-character number whose check character is right.
          if (Either.isRight(result)) {
            expect(result.right).toHaveLength(18)
            expect(IdentityNumber.checkCharacter(result.right.slice(0, 17))).toBe(result.right[17])
          } else {
            expect(result.left.rule).toBe("M17.3")
          }
        })
      )
    })

    it("M14.1 the FromString schema used to decode an account's identity number refuses an invalid one", () => {
      const schema = IdentityNumber.FromString(options)
      expect(Schema.decodeUnknownSync(schema)(" 11010519491231002x ")).toBe("11010519491231002X")
      expect(() => Schema.decodeUnknownSync(schema)("110105194912310025")).toThrow(/expected "X", found "5"/)
    })
  })

  describe("mask", () => {
    it("M37.2 a number is masked keeping the first 3 and the last 4 characters", () => {
      expect(IdentityNumber.mask("11010519491231002X")).toBe("110***********002X")
      expect(IdentityNumber.mask("1234567")).toBe("*******")
      fc.assert(
        fc.property(validArb, ({ id }) => {
          const masked = IdentityNumber.mask(id)
          expect(masked).toHaveLength(18)
          expect(masked).not.toContain(id.slice(6, 14))
        })
      )
    })
  })
})
