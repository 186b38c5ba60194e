/**
 * School sponsor (学校办别).
 *
 * The current codes are 21 公办, 22 民办, 23 民办公助, 29 其他. Older statistics used 11 教育部门和集体办, 12 社会力量办,
 * 19 其他部门办; records carrying them stay readable (`read`), but a school registered or changed now records a
 * current code (`decide` refuses a legacy one and names the current code to use).
 *
 * @since 0.1.0
 */
import { Either, Option, Schema } from "effect"
import * as Refusal from "../kernel/Refusal.js"

const table = {
  "21": { zh: "公办", legacy: false, replacedBy: undefined },
  "22": { zh: "民办", legacy: false, replacedBy: undefined },
  "23": { zh: "民办公助", legacy: false, replacedBy: undefined },
  "29": { zh: "其他", legacy: false, replacedBy: undefined },
  "11": { zh: "教育部门和集体办", legacy: true, replacedBy: "21" },
  "12": { zh: "社会力量办", legacy: true, replacedBy: "22" },
  // Run by another government department or an enterprise: public or "other" depending on the school.
  "19": { zh: "其他部门办", legacy: true, replacedBy: undefined }
} as const satisfies Record<string, { zh: string; legacy: boolean; replacedBy: string | undefined }>

/**
 * A sponsor code, current or legacy.
 *
 * @since 0.1.0
 */
export type Sponsor = keyof typeof table

const codes = Object.keys(table) as [Sponsor, ...Array<Sponsor>]

/**
 * The sponsor codes as a schema (current and legacy: a stored record may carry either).
 *
 * @since 0.1.0
 */
export const Sponsor = Schema.Literal(...codes)

/**
 * A sponsor with its name; `legacy` codes name the current code that usually replaces them, when there is one.
 *
 * @since 0.1.0
 */
export interface SponsorEntry {
  readonly code: Sponsor
  readonly zh: string
  readonly legacy: boolean
  readonly replacedBy: Sponsor | undefined
}

/**
 * The sponsors (学校办别): the current codes first, then the legacy ones.
 *
 * @since 0.1.0
 */
export const sponsors: ReadonlyArray<SponsorEntry> = [
  ...codes.filter((code) => !table[code].legacy),
  ...codes.filter((code) => table[code].legacy)
].map((code) => ({ code, ...table[code] }))

const byCode: ReadonlyMap<string, SponsorEntry> = new Map(sponsors.map((s) => [s.code, s]))

/**
 * The sponsor with this code, current or legacy.
 *
 * @since 0.1.0
 */
export const get = (code: string): Option.Option<SponsorEntry> => Option.fromNullable(byCode.get(code))

const current = sponsors.filter((s) => !s.legacy)
const currentList = current.map((s) => `${s.code} ${s.zh}`).join(", ")

const unknown = (code: string) =>
  Refusal.invalid(
    "M4.1",
    `${code}不是学校办别代码（应为${currentList}）`,
    `${JSON.stringify(code)} is not a sponsor (学校办别) code; use one of ${currentList}`,
    { field: "sponsor", value: code }
  )

/**
 * Read a stored sponsor code: current and legacy codes are accepted, unknown ones refused. M4.1.
 *
 * @since 0.1.0
 */
export const read = (code: string): Either.Either<SponsorEntry, Refusal.Refusal> =>
  Option.match(get(code), { onNone: () => Either.left(unknown(code)), onSome: Either.right })

/**
 * Decide the sponsor a school records now: a current code. A legacy code is refused with the current code to use
 * instead. M4.1.
 *
 * @since 0.1.0
 */
export const decide = (code: string): Either.Either<SponsorEntry, Refusal.Refusal> =>
  Either.flatMap(read(code), (sponsor) => {
    if (!sponsor.legacy) return Either.right(sponsor)
    const replacement = sponsor.replacedBy === undefined ? undefined : byCode.get(sponsor.replacedBy)
    const use = replacement === undefined ? currentList : `${replacement.code} ${replacement.zh}`
    return Either.left(
      Refusal.invalid(
        "M4.1",
        `学校办别${code}（${sponsor.zh}）为旧代码，请改用${use}`,
        `sponsor ${code} (${sponsor.zh}) is a legacy code; use ${use}`,
        { field: "sponsor", value: code, replacedBy: replacement?.code }
      )
    )
  })
