/**
 * The kit's own oracles, written from the published standards and the regulation, never from the code under test:
 * the GB 11643-1999 check character (ISO 7064 MOD 11-2) pinned by the standard's published examples, identity
 * numbers built with it, and what a masked identity number may still show (M37.2).
 *
 * @since 0.1.0
 */

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
const characters = "10X98765432"

/**
 * The check character of the first 17 digits of a resident identity number (GB 11643-1999, ISO 7064 MOD 11-2).
 *
 * @since 0.1.0
 */
export const checkCharacter = (first17: string): string => {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]!
  return characters[sum % 11]!
}

/**
 * Identity numbers published as valid examples: GB 11643-1999's own example, and the one its explanatory
 * material uses. The kit checks its {@link checkCharacter} against them before it trusts it.
 *
 * @since 0.1.0
 */
export const publishedValid: ReadonlyArray<string> = ["11010519491231002X", "440524188001010014"]

/**
 * Whether the kit's check character agrees with every published example (a run refuses to start otherwise).
 *
 * @since 0.1.0
 */
export const pinned = (): boolean => publishedValid.every((n) => checkCharacter(n.slice(0, 17)) === n[17])

/**
 * A person behind a generated identity number: birth date (YYYY-MM-DD) and sex (1 male, 2 female: the parity of the
 * 17th digit, GB 11643).
 *
 * @since 0.1.0
 */
export interface Person {
  readonly idNumber: string
  readonly birthDate: string
  readonly sex: "1" | "2"
}

/**
 * A valid identity number of a person registered in `region` (GB/T 2260), born on `birthDate`, with a 3-digit
 * sequence code.
 *
 * @since 0.1.0
 */
export const person = (region: string, birthDate: string, sequence: number): Person => {
  const first17 = `${region}${birthDate.replaceAll("-", "")}${String(sequence % 1000).padStart(3, "0")}`
  return { idNumber: first17 + checkCharacter(first17), birthDate, sex: Number(first17[16]) % 2 === 1 ? "1" : "2" }
}

/**
 * The same person's number with a wrong check character (any of the ten others): what M17.3 must catch.
 *
 * @since 0.1.0
 */
export const withWrongCheck = (p: Person, pick: number): Person => {
  const right = p.idNumber[17]!
  const wrong = [...characters].filter((c) => c !== right)
  return { ...p, idNumber: p.idNumber.slice(0, 17) + wrong[pick % wrong.length]! }
}

/**
 * What a masked identity number may show (M37.2): at most the first three characters (province and a prefecture
 * digit) and the last four (sequence and check character) — never the county, never the birth date. Returns why
 * `shown` reveals too much, or undefined when it is masked enough.
 *
 * @since 0.1.0
 */
export const maskingViolation = (full: string, shown: string): string | undefined => {
  if (shown === full) return "the identity number is shown in full"
  const hidden = full.slice(3, full.length - 4)
  if (shown.length === full.length) {
    for (let i = 3; i < full.length - 4; i++) {
      if (shown[i] === full[i]) return `character ${i + 1} (${full[i]}) of the identity number is shown`
    }
  }
  for (let i = 0; i + 6 <= hidden.length; i++) {
    if (shown.includes(hidden.slice(i, i + 6)))
      return `the digits ${hidden.slice(i, i + 6)} of the hidden part are shown`
  }
  return undefined
}
