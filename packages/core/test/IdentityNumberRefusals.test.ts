import { Either } from "effect"
import { describe, expect, it } from "vitest"
import * as IdentityNumber from "../src/codes/IdentityNumber.js"
import type * as Refusal from "../src/kernel/Refusal.js"

// What a refused identity number is told, part by part (GB 11643-1999; M17.3): rule, both texts and details. The
// inputs derive from the standard's own examples, 11010519491231002X (Beijing, Chaoyang, born 1949-12-31) and
// 440524188001010014 (Guangdong, Shantou, Chaoyang county, born 1880-01-01), altered by hand in one part each; the
// parts are checked in order, so a number wrong in its address, date or sequence is refused before its check
// character is looked at. IdentityNumber.test.ts checks which numbers are accepted; these pin what a refusal says.

const today = "2026-11-28"
const options = { today }

const refusal = (result: Either.Either<unknown, Refusal.Refusal>) => {
  if (Either.isRight(result)) throw new Error(`expected a refusal, got ${JSON.stringify(result.right)}`)
  const { kind, rule, zh, en, details } = result.left
  return { kind, rule, zh, en, details }
}
const parse = (input: string, more: Partial<IdentityNumber.ParseOptions> = {}) =>
  refusal(IdentityNumber.parse(input, { ...options, ...more }))
const invalid = (zh: string, en: string, details: Readonly<Record<string, unknown>>) => ({
  kind: "invalid",
  rule: "M17.3",
  zh,
  en,
  details: { field: "identityNumber", ...details }
})

describe("IdentityNumber refusals", () => {
  it("M17.3 the length: 18 characters, a 15-digit legacy number pointed to fromLegacy", () => {
    expect(parse("1101051949123100")).toEqual(
      invalid("公民身份号码应为18位，实为16位", "an identity number has 18 characters, found 16", {
        value: "1101051949123100",
        part: "length",
        expected: "18",
        actual: "16"
      })
    )
    expect(parse("110105491231002")).toEqual(
      invalid(
        "公民身份号码应为18位，实为15位；15位旧号码须先升位（fromLegacy）",
        "an identity number has 18 characters, found 15; convert a 15-digit legacy number first (fromLegacy)",
        { value: "110105491231002", part: "length", expected: "18", actual: "15" }
      )
    )
    // Fifteen characters that are not all digits are no legacy number.
    expect(parse("11010549123100X").en).toBe("an identity number has 18 characters, found 15")
    // The value reported is the input as given; the length counted is that of the trimmed input.
    expect(parse(" 1101051949123100 ").details).toEqual({
      field: "identityNumber",
      value: " 1101051949123100 ",
      part: "length",
      expected: "18",
      actual: "16"
    })
    expect(parse("11010519491231002X0").details.actual).toBe("19")
  })

  it("M17.3 the characters: 17 digits, then a digit or X; a lower-case x only at the end", () => {
    expect(parse("1101051949A231002X")).toEqual(
      invalid('公民身份号码第11位应为数字，实为"A"', 'character 11 of an identity number must be a digit, found "A"', {
        value: "1101051949A231002X",
        part: "characters",
        position: 11,
        actual: "A"
      })
    )
    expect(parse("x1010519491231002X").details).toMatchObject({ position: 1, actual: "x" })
    expect(parse("11010519491231002/").details).toMatchObject({ position: 18, actual: "/" })
    expect(parse("11010519491231002:").details).toMatchObject({ position: 18, actual: ":" })
    expect(parse("1101051949123100/X").details).toMatchObject({ position: 17, actual: "/" })
    expect(parse("1101051949123100:X").details).toMatchObject({ position: 17, actual: ":" })
    expect(parse("11010519491231002Y")).toEqual(
      invalid('校验码应为数字或X，实为"Y"', 'the check character must be a digit or X, found "Y"', {
        value: "11010519491231002Y",
        part: "characters",
        position: 18,
        actual: "Y"
      })
    )
    expect(parse("1101051949123100x2").details).toMatchObject({ part: "characters", position: 17, actual: "x" })
  })

  it("M17.3 the address code: its first two digits a province of GB/T 2260, or a residence-permit code", () => {
    expect(parse("99010519491231002X")).toEqual(
      invalid(
        "地址码990105无效：99不是GB/T 2260的省级代码",
        "address code 990105 is invalid: 99 is not a province code of GB/T 2260",
        { value: "99010519491231002X", part: "addressCode", actual: "990105" }
      )
    )
    // A residence-permit code is accepted as a whole, not by its first two digits.
    expect(parse("83000119491231002X").details).toMatchObject({ part: "addressCode", actual: "830001" })
  })

  it("M17.3 the birth date: a calendar day from 1900-01-01 to today", () => {
    expect(parse("11010519490230002X")).toEqual(
      invalid("出生日期码19490230不是有效的日期", "birth date 19490230 is not a calendar date", {
        value: "11010519490230002X",
        part: "birthDate",
        actual: "19490230"
      })
    )
    expect(parse("11010518991231002X")).toEqual(
      invalid("出生日期1899-12-31早于1900-01-01", "birth date 1899-12-31 is before 1900-01-01", {
        value: "11010518991231002X",
        part: "birthDate",
        actual: "1899-12-31"
      })
    )
    expect(parse("11010520261129002X")).toEqual(
      invalid("出生日期2026-11-29晚于今天2026-11-28", "birth date 2026-11-29 is after today, 2026-11-28", {
        value: "11010520261129002X",
        part: "birthDate",
        actual: "2026-11-29",
        expected: "not after 2026-11-28"
      })
    )
    // The standard's second example, born 1880, is refused for its date before its check character is looked at.
    expect(parse("440524188001010014").en).toBe("birth date 1880-01-01 is before 1900-01-01")
    // Days of the month: 31 in January, 30 in April, 28 in February of a common year, 29 of a leap one.
    // 1984 is a leap year (divisible by 4, not by 100): 110105198402290020, check character worked by hand (Σ = 199).
    expect(IdentityNumber.parse("110105198402290020", options)).toEqual(Either.right("110105198402290020"))
    for (const date of ["19490132", "19490431", "19490229", "19000229", "20000230", "19491232"]) {
      expect(parse(`110105${date}002X`).details).toMatchObject({ part: "birthDate", actual: date })
    }
  })

  it("M17.3 the sequence code 000 is not assigned", () => {
    expect(parse("110105194912310000")).toEqual(
      invalid("顺序码000不分配", "sequence code 000 is not assigned", {
        value: "110105194912310000",
        part: "sequence",
        actual: "000"
      })
    )
  })

  it("M17.3 the check character, GB 11643's examples: 11010519491231002X, and 440524188001010014 as legacy 440524800101001", () => {
    expect(parse("110105194912310021")).toEqual(
      invalid('校验码应为"X"，实为"1"', 'check character: expected "X", found "1"', {
        value: "110105194912310021",
        part: "checkCharacter",
        expected: "X",
        actual: "1"
      })
    )
    // The 1880 example cannot be written in 15 digits (they imply 19xx); its check character 4 is checked by the
    // vectors of IdentityNumber.test.ts. A 15-digit number of 1980 in the same county converts with the right one.
    expect(IdentityNumber.fromLegacy("440524800101001")).toEqual(Either.right("440524198001010013"))
  })

  it("M17.3 a legacy number: its own length and character refusals, then the parts of the converted number", () => {
    expect(refusal(IdentityNumber.fromLegacy("11010549123100"))).toEqual(
      invalid("15位旧公民身份号码应为15位，实为14位", "a legacy identity number has 15 digits, found 14", {
        value: "11010549123100",
        part: "length",
        expected: "15",
        actual: "14"
      })
    )
    expect(refusal(IdentityNumber.fromLegacy("1101054912310X2"))).toEqual(
      invalid(
        '15位旧公民身份号码第14位应为数字，实为"X"',
        'character 14 of a legacy identity number must be a digit, found "X"',
        { value: "1101054912310X2", part: "characters", position: 14, actual: "X" }
      )
    )
    // The value reported is the legacy input, not the converted number.
    expect(refusal(IdentityNumber.fromLegacy("990105491231002")).details).toEqual({
      field: "identityNumber",
      value: "990105491231002",
      part: "addressCode",
      actual: "990105"
    })
    // Residence permits postdate the legacy numbers: 830000 (Taiwan residents) is no legacy address.
    expect(refusal(IdentityNumber.fromLegacy("830000491231002")).details.part).toBe("addressCode")
    // A today given is applied: 1949-12-31 is after 1949-12-30.
    expect(refusal(IdentityNumber.fromLegacy("110105491231002", { today: "1949-12-30" })).details.part).toBe(
      "birthDate"
    )
    expect(IdentityNumber.fromLegacy("110105491231000", { allowZeroSequence: true })).toEqual(
      Either.right("110105194912310003")
    )
  })

  it("M17.3 today: a Date is read in UTC+8; a malformed string or an invalid Date is the caller's bug", () => {
    const id = "11010519491231002X"
    expect(() => IdentityNumber.parse(id, { today: "2026-02-30" })).toThrow(
      'today must be "YYYY-MM-DD", got "2026-02-30"'
    )
    expect(() => IdentityNumber.parse(id, { today: " 2026-11-28" })).toThrow(RangeError)
    expect(() => IdentityNumber.parse(id, { today: "2026-11-28 " })).toThrow(RangeError)
    expect(() => IdentityNumber.parse(id, { today: new Date(Number.NaN) })).toThrow("today is an invalid Date")
    expect(() => IdentityNumber.checkCharacter("1101051949123100")).toThrow(
      'checkCharacter expects 17 digits, got "1101051949123100"'
    )
    expect(() => IdentityNumber.checkCharacter("110105194912310021")).toThrow(RangeError)
  })

  it("M17.3 consistency with the record: both texts and details of a mismatch", () => {
    const id = Either.getOrThrow(IdentityNumber.parse("11010519491231002X", options))
    expect(refusal(IdentityNumber.checkConsistency(id, { birthDate: "1949-12-30" }))).toEqual(
      invalid(
        "身份证件号中的出生日期1949-12-31与登记的出生日期1949-12-30不一致",
        "the birth date in the identity number, 1949-12-31, differs from the recorded birth date 1949-12-30",
        { value: id, part: "birthDate", expected: "1949-12-30", actual: "1949-12-31" }
      )
    )
    expect(refusal(IdentityNumber.checkConsistency(id, { sex: "1" }))).toEqual(
      invalid(
        "身份证件号的顺序码表示女性，与登记的性别男不一致",
        "the sequence code of the identity number says female, the recorded sex is male",
        { value: id, part: "sequence", expected: "1", actual: "2" }
      )
    )
    const male = Either.getOrThrow(IdentityNumber.fromLegacy("440524800101001"))
    expect(refusal(IdentityNumber.checkConsistency(male, { sex: "2" })).en).toBe(
      "the sequence code of the identity number says male, the recorded sex is female"
    )
    expect(IdentityNumber.checkConsistency(male, { birthDate: "1980-01-01", sex: "1" })).toEqual(Either.void)
  })

  it("M37.2 masking: eight characters keep three and four, seven or fewer are masked whole", () => {
    expect(IdentityNumber.mask("12345678")).toBe("123*5678")
    expect(IdentityNumber.mask("")).toBe("")
    expect(IdentityNumber.mask("110105491231002")).toBe("110********1002")
  })
})
