/**
 * fast-check arbitraries of resident identity numbers (公民身份号码, GB 11643-1999): valid ones with the facts
 * they encode, legacy 15-digit ones, and invalid ones wrong in exactly one named part (M17.3).
 *
 * @since 0.1.0
 */
import { IdentityNumber } from "@tmis/core"
import * as fc from "fast-check"

const dayMs = 86_400_000

const toDay = (iso: string): number => {
  const ms = Date.parse(`${iso}T00:00:00Z`)
  if (Number.isNaN(ms)) throw new RangeError(`expected a "YYYY-MM-DD" date, got ${JSON.stringify(iso)}`)
  return Math.floor(ms / dayMs)
}

const fromDay = (day: number): string => new Date(day * dayMs).toISOString().slice(0, 10)

/** Days between two inclusive "YYYY-MM-DD" bounds, as "YYYY-MM-DD". */
const dateBetween = (min: string, max: string): fc.Arbitrary<string> =>
  fc.integer({ min: toDay(min), max: toDay(max) }).map(fromDay)

const pad = (n: number, width: number): string => String(n).padStart(width, "0")

const withCheck = (first17: string): string => first17 + IdentityNumber.checkCharacter(first17)

// Real numbers are issued in the 31 mainland provinces; 71, 81 and 82 pass `parse` but carry no numbers in
// practice (residents there hold residence permits, generated separately).
const mainlandProvinces = IdentityNumber.provinceCodes.filter((p) => !["71", "81", "82"].includes(p))

/** A county-like address code: a mainland province and four digits (the county itself is not checked). */
const mainlandAddressCode: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...mainlandProvinces), fc.integer({ min: 0, max: 9999 }))
  .map(([province, rest]) => province + pad(rest, 4))

/**
 * A sequence code (顺序码) of the given sex: odd for "1" (male), even for "2" (female), never 000.
 */
const sequenceOf = (sex: "1" | "2"): fc.Arbitrary<string> =>
  fc.integer({ min: sex === "1" ? 0 : 1, max: 499 }).map((k) => pad(sex === "1" ? 2 * k + 1 : 2 * k, 3))

/**
 * Options of `identityNumberWithFacts` and `identityNumber`.
 *
 * - `minBirthDate` / `maxBirthDate`: inclusive bounds, "YYYY-MM-DD"; default 1940-01-01 and 2005-12-31.
 * - `sex`: only numbers of this sex (GB/T 2261.1 "1" male, "2" female); default either.
 * - `residencePermits`: also generate Hong Kong / Macau / Taiwan residence permits (about one in ten);
 *   default false. `residencePermitCodes` are their address codes; default those of `@tmis/core`.
 *
 * @since 0.1.0
 */
export interface IdentityNumberOptions {
  readonly minBirthDate?: string | undefined
  readonly maxBirthDate?: string | undefined
  readonly sex?: "1" | "2" | undefined
  readonly residencePermits?: boolean | undefined
  readonly residencePermitCodes?: ReadonlyArray<string> | undefined
}

/**
 * A valid identity number with what it encodes.
 *
 * @since 0.1.0
 */
export interface IdentityNumberFacts {
  readonly id: IdentityNumber.IdentityNumber
  readonly addressCode: string
  /** "YYYY-MM-DD" */
  readonly birthDate: string
  readonly sequence: string
  /** GB/T 2261.1: "1" male, "2" female. */
  readonly sex: "1" | "2"
  readonly residencePermit: boolean
}

/**
 * Valid 18-character identity numbers with the address code, birth date, sequence and sex they were built
 * from. They parse with any `today` on or after `maxBirthDate`.
 *
 * @since 0.1.0
 */
export const identityNumberWithFacts = (options: IdentityNumberOptions = {}): fc.Arbitrary<IdentityNumberFacts> => {
  const permitCodes = options.residencePermitCodes ?? IdentityNumber.defaultResidencePermitCodes
  const address: fc.Arbitrary<{ readonly code: string; readonly permit: boolean }> =
    options.residencePermits === true && permitCodes.length > 0
      ? fc.oneof(
          { arbitrary: mainlandAddressCode.map((code) => ({ code, permit: false })), weight: 9 },
          { arbitrary: fc.constantFrom(...permitCodes).map((code) => ({ code, permit: true })), weight: 1 }
        )
      : mainlandAddressCode.map((code) => ({ code, permit: false }))
  const sex: fc.Arbitrary<"1" | "2"> = options.sex === undefined ? fc.constantFrom("1", "2") : fc.constant(options.sex)
  return fc
    .record({
      address,
      birthDate: dateBetween(options.minBirthDate ?? "1940-01-01", options.maxBirthDate ?? "2005-12-31"),
      sexAndSequence: sex.chain((s) => sequenceOf(s).map((sequence) => ({ sex: s, sequence })))
    })
    .map(({ address, birthDate, sexAndSequence: { sex, sequence } }) => ({
      // Built exactly as GB 11643 prescribes; the test kit's own tests check that `parse` agrees.
      id: withCheck(address.code + birthDate.replaceAll("-", "") + sequence) as IdentityNumber.IdentityNumber,
      addressCode: address.code,
      birthDate,
      sequence,
      sex,
      residencePermit: address.permit
    }))
}

/**
 * Valid 18-character identity numbers (see `identityNumberWithFacts` for the options).
 *
 * @since 0.1.0
 */
export const identityNumber = (options: IdentityNumberOptions = {}): fc.Arbitrary<IdentityNumber.IdentityNumber> =>
  identityNumberWithFacts(options).map((facts) => facts.id)

/**
 * Valid legacy 15-digit numbers of GB 11643-1989 (address, YYMMDD, sequence), born in the 1900s; by default
 * 1940-01-01 to 1999-12-31. `fromLegacy` converts each of them.
 *
 * @since 0.1.0
 */
export const legacyIdentityNumber = (
  options: { readonly minBirthDate?: string | undefined; readonly maxBirthDate?: string | undefined } = {}
): fc.Arbitrary<string> =>
  identityNumberWithFacts({
    minBirthDate: options.minBirthDate ?? "1940-01-01",
    maxBirthDate: options.maxBirthDate ?? "1999-12-31"
  }).map((facts) => facts.id.slice(0, 6) + facts.id.slice(8, 17))

/**
 * The parts an invalid number can be wrong in (the `part` of `IdentityNumberError`).
 *
 * @since 0.1.0
 */
export const parts: ReadonlyArray<IdentityNumber.Part> = [
  "length",
  "characters",
  "addressCode",
  "birthDate",
  "sequence",
  "checkCharacter"
]

/**
 * An input that `IdentityNumber.parse` refuses, and the part it is refused for.
 *
 * @since 0.1.0
 */
export interface InvalidIdentityNumber {
  readonly input: string
  readonly part: IdentityNumber.Part
}

/**
 * Options of `invalidIdentityNumber`.
 *
 * - `parts`: which parts to break; default all six, equally often.
 * - `today`: the day the inputs will be checked against ("YYYY-MM-DD"); future birth dates are generated after
 *   it. Default 2099-12-31, so that they are in the future for any realistic today. The other inputs are built
 *   from valid numbers born 1940–2005: check them all with a `today` from 2005-12-31 up to this option's value.
 *
 * @since 0.1.0
 */
export interface InvalidIdentityNumberOptions {
  readonly parts?: ReadonlyArray<IdentityNumber.Part> | undefined
  readonly today?: string | undefined
}

const nonDigits = [..."XxAZaz-*#/.０１Ｏ"]

const replaceAt = (s: string, i: number, c: string): string => s.slice(0, i) + c + s.slice(i + 1)

const daysInMonth = (y: number, m: number): number =>
  m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31

/** Eight digits that are not a calendar date: month 00 or over 12, or day 00 or past the month's end. */
const impossibleDate: fc.Arbitrary<string> = fc
  .record({
    year: fc.integer({ min: 1940, max: 2005 }),
    month: fc.integer({ min: 1, max: 12 }),
    badMonth: fc.oneof(fc.constant(0), fc.integer({ min: 13, max: 99 })),
    day: fc.integer({ min: 1, max: 28 }),
    which: fc.constantFrom("month", "dayZero", "dayPastEnd"),
    past: fc.integer({ min: 1, max: 60 })
  })
  .map(({ year, month, badMonth, day, which, past }) => {
    const y = pad(year, 4)
    if (which === "month") return y + pad(badMonth, 2) + pad(day, 2)
    if (which === "dayZero") return `${y}${pad(month, 2)}00`
    return y + pad(month, 2) + pad(Math.min(99, daysInMonth(year, month) + past), 2)
  })

const partArbitrary = (
  part: IdentityNumber.Part,
  valid: fc.Arbitrary<IdentityNumberFacts>,
  today: string
): fc.Arbitrary<string> => {
  switch (part) {
    case "length":
      return fc.oneof(
        fc.tuple(valid, fc.integer({ min: 0, max: 17 })).map(([f, n]) => f.id.slice(0, n)),
        fc
          .tuple(valid, fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 4 }))
          .map(([f, extra]) => f.id + extra)
      )
    case "characters":
      return fc.oneof(
        fc
          .tuple(valid, fc.integer({ min: 0, max: 16 }), fc.constantFrom(...nonDigits))
          .map(([f, i, c]) => replaceAt(f.id, i, c)),
        // A final lower-case x is normalised to X, so it is no bad 18th character.
        fc
          .tuple(valid, fc.constantFrom(...nonDigits.filter((c) => c !== "X" && c !== "x")))
          .map(([f, c]) => replaceAt(f.id, 17, c))
      )
    case "addressCode": {
      // Not a province of GB/T 2260; 83 is left out because 830000 is a residence-permit code.
      const badProvinces = Array.from({ length: 100 }, (_, n) => pad(n, 2)).filter(
        (p) => !IdentityNumber.provinceCodes.includes(p) && p !== "83"
      )
      return fc.tuple(valid, fc.constantFrom(...badProvinces)).map(([f, p]) => withCheck(p + f.id.slice(2, 17)))
    }
    case "birthDate": {
      const before1900 = dateBetween("1000-01-01", "1899-12-31").map((d) => d.replaceAll("-", ""))
      const future = dateBetween(
        fromDay(toDay(today) + 1),
        fromDay(Math.min(toDay(today) + 36_525, toDay("9999-12-31")))
      ).map((d) => d.replaceAll("-", ""))
      return fc
        .tuple(valid, fc.oneof(impossibleDate, before1900, future))
        .map(([f, date]) => withCheck(f.addressCode + date + f.sequence))
    }
    case "sequence":
      return valid.map((f) => withCheck(f.id.slice(0, 14) + "000"))
    case "checkCharacter":
      return fc
        .tuple(valid, fc.constantFrom(..."0123456789X"))
        .filter(([f, c]) => f.id[17] !== c)
        .map(([f, c]) => f.id.slice(0, 17) + c)
  }
}

/**
 * Inputs wrong in exactly one known part, with that part: `IdentityNumber.parse` refuses each with an
 * `IdentityNumberError` whose `part` is the one given (with the default `allowZeroSequence: false` and
 * residence-permit codes). Every part is reachable.
 *
 * @since 0.1.0
 */
export const invalidIdentityNumber = (
  options: InvalidIdentityNumberOptions = {}
): fc.Arbitrary<InvalidIdentityNumber> => {
  const chosen = options.parts ?? parts
  if (chosen.length === 0) throw new RangeError("invalidIdentityNumber needs at least one part")
  const valid = identityNumberWithFacts()
  const today = options.today ?? "2099-12-31"
  return fc.oneof(...chosen.map((part) => partArbitrary(part, valid, today).map((input) => ({ input, part }))))
}
