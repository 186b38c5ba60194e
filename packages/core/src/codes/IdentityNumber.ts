/** Resident identity number (公民身份号码), GB 11643-1999; M14.1, M17.3. */
import { Either, ParseResult, Schema } from "effect"
import * as Refusal from "../kernel/Refusal.js"

/**
 * A resident identity number in its normalised 18-character form (upper-case `X`, no surrounding space).
 * Only `parse`, `fromLegacy` and `FromString` produce one.
 *
 * @since 0.1.0
 */
export const IdentityNumber = Schema.String.pipe(Schema.brand("IdentityNumber"))

/**
 * @since 0.1.0
 */
export type IdentityNumber = typeof IdentityNumber.Type

/**
 * The part of an identity number that a refusal is about.
 *
 * @since 0.1.0
 */
export type Part = "length" | "characters" | "addressCode" | "birthDate" | "sequence" | "checkCharacter"

/**
 * The province-level codes of GB/T 2260 (the first two digits of an address code), Hong Kong (81) and Macau
 * (82) included. Only the province is checked: a number keeps the county code of the place where it was first
 * issued, which may since have been abolished, so the full 6-digit code cannot be checked against today's table.
 *
 * @since 0.1.0
 */
export const provinceCodes: ReadonlyArray<string> = [
  "11",
  "12",
  "13",
  "14",
  "15",
  "21",
  "22",
  "23",
  "31",
  "32",
  "33",
  "34",
  "35",
  "36",
  "37",
  "41",
  "42",
  "43",
  "44",
  "45",
  "46",
  "50",
  "51",
  "52",
  "53",
  "54",
  "61",
  "62",
  "63",
  "64",
  "65",
  "71",
  "81",
  "82"
]

/**
 * The address codes of the Hong Kong, Macau and Taiwan residents' residence permits (港澳台居民居住证).
 * 820000 (Macau) is unconfirmed, hence configurable through `residencePermitCodes`.
 *
 * @since 0.1.0
 */
export const defaultResidencePermitCodes: ReadonlyArray<string> = ["810000", "820000", "830000"]

/**
 * Options of `parse`.
 *
 * - `today`: the day against which "not in the future" is checked; a `Date` is read as a calendar day in China
 *   Standard Time (UTC+8), a string as "YYYY-MM-DD". Passed in, because rules never read the clock.
 * - `residencePermitCodes`: the residence-permit address codes; default `defaultResidencePermitCodes`.
 * - `allowZeroSequence`: accept the sequence code 000. Sequence numbers are understood to start at 001, so 000
 *   is refused by default; this is unconfirmed, hence the switch.
 *
 * @since 0.1.0
 */
export interface ParseOptions {
  readonly today: Date | string
  readonly residencePermitCodes?: ReadonlyArray<string> | undefined
  readonly allowZeroSequence?: boolean | undefined
}

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
const checkCharacters = "10X98765432"
const firstDay = "19000101"

const isDigits = (s: string): boolean => /^[0-9]*$/.test(s)

/**
 * The check character (校验码) of the first 17 digits, ISO 7064 MOD 11-2. Throws a `RangeError` when the
 * argument is not 17 digits: that is a bug of the caller, not a refusal of data.
 *
 * @since 0.1.0
 */
export const checkCharacter = (first17: string): string => {
  if (first17.length !== 17 || !isDigits(first17)) {
    throw new RangeError(`checkCharacter expects 17 digits, got ${JSON.stringify(first17)}`)
  }
  let sum = 0
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * weights[i]!
  return checkCharacters[sum % 11]!
}

const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

const daysInMonth = (y: number, m: number): number =>
  m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31

/** Whether 8 digits YYYYMMDD name a day of the Gregorian calendar. */
const isCalendarDate = (yyyymmdd: string): boolean => {
  if (yyyymmdd.length !== 8 || !isDigits(yyyymmdd)) return false
  const y = Number(yyyymmdd.slice(0, 4))
  const m = Number(yyyymmdd.slice(4, 6))
  const d = Number(yyyymmdd.slice(6, 8))
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)
}

const dashed = (yyyymmdd: string): string => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`

const chinaOffsetMs = 8 * 60 * 60 * 1000

/** `today` as YYYYMMDD; a malformed `today` is a bug of the caller and throws. */
const todayDigits = (today: Date | string): string => {
  if (typeof today === "string") {
    const digits = /^\d{4}-\d{2}-\d{2}$/.test(today) ? today.replaceAll("-", "") : ""
    if (!isCalendarDate(digits)) throw new RangeError(`today must be "YYYY-MM-DD", got ${JSON.stringify(today)}`)
    return digits
  }
  const t = today.getTime()
  if (Number.isNaN(t)) throw new RangeError("today is an invalid Date")
  // China has one time zone without daylight saving: the calendar day there is UTC+8.
  return new Date(t + chinaOffsetMs).toISOString().slice(0, 10).replaceAll("-", "")
}

const refuse = (
  value: string,
  part: Part,
  zh: string,
  en: string,
  extra: { readonly expected?: string; readonly actual?: string; readonly position?: number } = {}
): Refusal.Refusal => Refusal.invalid("M17.3", zh, en, { field: "identityNumber", value, part, ...extra })

const isValidAddressCode = (code: string, permitCodes: ReadonlyArray<string>): boolean =>
  provinceCodes.includes(code.slice(0, 2)) || permitCodes.includes(code)

/**
 * Checks the parts of an 18-character candidate in order: address code, birth date, sequence, check
 * character. Length and characters are checked by the callers. `value` is what the error reports.
 */
const checkParts = (
  candidate: string,
  value: string,
  today: string,
  permitCodes: ReadonlyArray<string>,
  allowZeroSequence: boolean
): Either.Either<IdentityNumber, Refusal.Refusal> => {
  const address = candidate.slice(0, 6)
  if (!isValidAddressCode(address, permitCodes)) {
    return Either.left(
      refuse(
        value,
        "addressCode",
        `地址码${address}无效：${address.slice(0, 2)}不是GB/T 2260的省级代码`,
        `address code ${address} is invalid: ${address.slice(0, 2)} is not a province code of GB/T 2260`,
        { actual: address }
      )
    )
  }
  const date = candidate.slice(6, 14)
  if (!isCalendarDate(date)) {
    return Either.left(
      refuse(value, "birthDate", `出生日期码${date}不是有效的日期`, `birth date ${date} is not a calendar date`, {
        actual: date
      })
    )
  }
  if (date < firstDay) {
    return Either.left(
      refuse(
        value,
        "birthDate",
        `出生日期${dashed(date)}早于1900-01-01`,
        `birth date ${dashed(date)} is before 1900-01-01`,
        { actual: dashed(date) }
      )
    )
  }
  if (date > today) {
    return Either.left(
      refuse(
        value,
        "birthDate",
        `出生日期${dashed(date)}晚于今天${dashed(today)}`,
        `birth date ${dashed(date)} is after today, ${dashed(today)}`,
        { actual: dashed(date), expected: `not after ${dashed(today)}` }
      )
    )
  }
  const sequence = candidate.slice(14, 17)
  if (sequence === "000" && !allowZeroSequence) {
    return Either.left(
      refuse(value, "sequence", "顺序码000不分配", "sequence code 000 is not assigned", { actual: sequence })
    )
  }
  const expected = checkCharacter(candidate.slice(0, 17))
  const actual = candidate.slice(17)
  if (actual !== expected) {
    return Either.left(
      refuse(
        value,
        "checkCharacter",
        `校验码应为"${expected}"，实为"${actual}"`,
        `check character: expected "${expected}", found "${actual}"`,
        { expected, actual }
      )
    )
  }
  return Either.right(candidate as IdentityNumber)
}

/** The first character of `s` that is not a digit (positions 1-based), if any. */
const firstNonDigit = (s: string): { readonly position: number; readonly char: string } | undefined => {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c < "0" || c > "9") return { position: i + 1, char: c }
  }
  return undefined
}

/**
 * Parse and check an 18-character identity number (including the residence permits of Hong Kong, Macau and
 * Taiwan residents): length, characters, address code (province part), birth date (a calendar date from
 * 1900-01-01 to `today`), sequence and check character, M17.3. Surrounding whitespace is trimmed and a final
 * lower-case `x` becomes `X`. A 15-digit legacy number is refused (it carries no check character): convert it
 * with `fromLegacy`.
 *
 * @since 0.1.0
 */
export const parse = (input: string, options: ParseOptions): Either.Either<IdentityNumber, Refusal.Refusal> => {
  const today = todayDigits(options.today)
  const trimmed = input.trim()
  const value = trimmed.endsWith("x") ? `${trimmed.slice(0, -1)}X` : trimmed
  if (value.length !== 18) {
    const legacy = value.length === 15 && isDigits(value)
    return Either.left(
      refuse(
        input,
        "length",
        `公民身份号码应为18位，实为${value.length}位` + (legacy ? "；15位旧号码须先升位（fromLegacy）" : ""),
        `an identity number has 18 characters, found ${value.length}` +
          (legacy ? "; convert a 15-digit legacy number first (fromLegacy)" : ""),
        { expected: "18", actual: String(value.length) }
      )
    )
  }
  const bad = firstNonDigit(value.slice(0, 17))
  if (bad !== undefined) {
    return Either.left(
      refuse(
        input,
        "characters",
        `公民身份号码第${bad.position}位应为数字，实为"${bad.char}"`,
        `character ${bad.position} of an identity number must be a digit, found "${bad.char}"`,
        { position: bad.position, actual: bad.char }
      )
    )
  }
  const last = value.slice(17)
  if (!/^[0-9X]$/.test(last)) {
    return Either.left(
      refuse(
        input,
        "characters",
        `校验码应为数字或X，实为"${last}"`,
        `the check character must be a digit or X, found "${last}"`,
        { position: 18, actual: last }
      )
    )
  }
  return checkParts(
    value,
    input,
    today,
    options.residencePermitCodes ?? defaultResidencePermitCodes,
    options.allowZeroSequence ?? false
  )
}

/**
 * Options of `fromLegacy`: as `parse`, except that `today` is optional (a legacy date is in the 1900s, so
 * before any plausible today) and residence permits do not apply (they postdate the 15-digit numbers).
 *
 * @since 0.1.0
 */
export interface LegacyOptions {
  readonly today?: Date | string | undefined
  readonly allowZeroSequence?: boolean | undefined
}

/**
 * Convert a 15-digit number of GB 11643-1989 (address, YYMMDD, sequence) to the 18-character form: "19" is
 * inserted before the date and the check character computed; the result is checked as by `parse`, M17.3.
 *
 * @since 0.1.0
 */
export const fromLegacy = (
  input: string,
  options: LegacyOptions = {}
): Either.Either<IdentityNumber, Refusal.Refusal> => {
  const value = input.trim()
  if (value.length !== 15) {
    return Either.left(
      refuse(
        input,
        "length",
        `15位旧公民身份号码应为15位，实为${value.length}位`,
        `a legacy identity number has 15 digits, found ${value.length}`,
        { expected: "15", actual: String(value.length) }
      )
    )
  }
  const bad = firstNonDigit(value)
  if (bad !== undefined) {
    return Either.left(
      refuse(
        input,
        "characters",
        `15位旧公民身份号码第${bad.position}位应为数字，实为"${bad.char}"`,
        `character ${bad.position} of a legacy identity number must be a digit, found "${bad.char}"`,
        { position: bad.position, actual: bad.char }
      )
    )
  }
  const first17 = `${value.slice(0, 6)}19${value.slice(6)}`
  return checkParts(
    first17 + checkCharacter(first17),
    input,
    options.today === undefined ? "19991231" : todayDigits(options.today),
    [],
    options.allowZeroSequence ?? false
  )
}

/**
 * A Schema decoding a string into an `IdentityNumber` through `parse` (encoding gives the normalised form back).
 *
 * @since 0.1.0
 */
export const FromString = (options: ParseOptions): Schema.Schema<IdentityNumber, string> =>
  Schema.transformOrFail(Schema.String, IdentityNumber, {
    strict: true,
    decode: (input, _, ast) =>
      Either.mapLeft(parse(input, options), (e) => new ParseResult.Type(ast, input, e.message)),
    encode: ParseResult.succeed
  })

/**
 * The 6-digit address code (地址码).
 *
 * @since 0.1.0
 */
export const addressCode = (id: IdentityNumber): string => id.slice(0, 6)

/**
 * The birth date (出生日期码) as "YYYY-MM-DD".
 *
 * @since 0.1.0
 */
export const birthDate = (id: IdentityNumber): string => dashed(id.slice(6, 14))

/**
 * The sex given by the parity of the sequence code, as a GB/T 2261.1 code: odd "1" (male), even "2" (female).
 *
 * @since 0.1.0
 */
export const sex = (id: IdentityNumber): "1" | "2" => ((id.charCodeAt(16) - 48) % 2 === 1 ? "1" : "2")

/**
 * Whether the number is that of a Hong Kong, Macau or Taiwan residents' residence permit.
 *
 * @since 0.1.0
 */
export const isResidencePermit = (
  id: IdentityNumber,
  residencePermitCodes: ReadonlyArray<string> = defaultResidencePermitCodes
): boolean => residencePermitCodes.includes(addressCode(id))

/**
 * What a record states next to the identity number: the birth date ("YYYY-MM-DD") and the sex (GB/T 2261.1).
 *
 * @since 0.1.0
 */
export interface Recorded {
  readonly birthDate?: string | undefined
  readonly sex?: "0" | "1" | "2" | "9" | undefined
}

const sexNames = { "1": ["男", "male"], "2": ["女", "female"] } as const

/**
 * Check the number against the recorded birth date and sex, M17.3. An absent birth date is not compared, nor
 * is sex "0" (unknown) or "9" (not stated). A birth date mismatch is reported on part "birthDate", a sex
 * mismatch on part "sequence" (whose parity gives the sex).
 *
 * @since 0.1.0
 */
export const checkConsistency = (id: IdentityNumber, recorded: Recorded): Either.Either<void, Refusal.Refusal> => {
  const born = birthDate(id)
  if (recorded.birthDate !== undefined && recorded.birthDate !== born) {
    return Either.left(
      refuse(
        id,
        "birthDate",
        `身份证件号中的出生日期${born}与登记的出生日期${recorded.birthDate}不一致`,
        `the birth date in the identity number, ${born}, differs from the recorded birth date ${recorded.birthDate}`,
        { expected: recorded.birthDate, actual: born }
      )
    )
  }
  const s = sex(id)
  if ((recorded.sex === "1" || recorded.sex === "2") && recorded.sex !== s) {
    const [zhId, enId] = sexNames[s]
    const [zhRec, enRec] = sexNames[recorded.sex]
    return Either.left(
      refuse(
        id,
        "sequence",
        `身份证件号的顺序码表示${zhId}性，与登记的性别${zhRec}不一致`,
        `the sequence code of the identity number says ${enId}, the recorded sex is ${enRec}`,
        { expected: recorded.sex, actual: s }
      )
    )
  }
  return Either.void
}

/**
 * Mask a number for display to those who may not see it (M37.2): the first 3 and the last 4 characters stay,
 * the others become "*" ("110***********002X"). Three leading characters name at most the province and a
 * prefecture digit, so neither the county nor the birth date shows; the last four (sequence and check
 * character) are what people compare to recognise their own number. Any string is accepted so that unchecked
 * data can be masked too; one of 7 characters or fewer is masked entirely.
 *
 * @since 0.1.0
 */
export const mask = (id: string): string =>
  id.length <= 7 ? "*".repeat(id.length) : id.slice(0, 3) + "*".repeat(id.length - 7) + id.slice(-4)
