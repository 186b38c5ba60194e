/**
 * fast-check arbitraries for schools' code tables: school types (办学类型), sponsors (学校办别) and school
 * identification codes (学校标识码).
 *
 * @since 0.1.0
 */
import { Division, SchoolCode, SchoolType, Sponsor } from "@tmis/core"
import { Either, Option } from "effect"
import * as fc from "fast-check"

const codesWhere = <A>(rows: ReadonlyArray<A>, keep: (row: A) => boolean, code: (row: A) => string) =>
  rows.filter(keep).map(code)

/**
 * A school type the system covers (M4.1).
 *
 * @since 0.1.0
 */
export const schoolType = (): fc.Arbitrary<SchoolType.SchoolType> =>
  fc.constantFrom(
    ...(codesWhere(
      SchoolType.schoolTypes,
      (t) => t.covered,
      (t) => t.code
    ) as Array<SchoolType.SchoolType>)
  )

/**
 * A school type the system does not cover (91, 92, 93: other institutions; M4.1).
 *
 * @since 0.1.0
 */
export const uncoveredSchoolType = (): fc.Arbitrary<SchoolType.SchoolType> =>
  fc.constantFrom(
    ...(codesWhere(
      SchoolType.schoolTypes,
      (t) => !t.covered,
      (t) => t.code
    ) as Array<SchoolType.SchoolType>)
  )

/**
 * A current sponsor code (21, 22, 23, 29), the kind a school records now.
 *
 * @since 0.1.0
 */
export const sponsor = (): fc.Arbitrary<Sponsor.Sponsor> =>
  fc.constantFrom(
    ...(codesWhere(
      Sponsor.sponsors,
      (s) => !s.legacy,
      (s) => s.code
    ) as Array<Sponsor.Sponsor>)
  )

/**
 * A legacy sponsor code (11, 12, 19): readable, refused for a school registered now.
 *
 * @since 0.1.0
 */
export const legacySponsor = (): fc.Arbitrary<Sponsor.Sponsor> =>
  fc.constantFrom(
    ...(codesWhere(
      Sponsor.sponsors,
      (s) => s.legacy,
      (s) => s.code
    ) as Array<Sponsor.Sponsor>)
  )

/**
 * A province's 2-digit code from the division table.
 *
 * @since 0.1.0
 */
export const provinceCode = (): fc.Arbitrary<string> =>
  fc.constantFrom(...Division.provinces().map((p) => p.provinceCode))

/**
 * A valid school identification code for this school type and province (2 digits); each defaults to any covered
 * type and any province.
 *
 * @since 0.1.0
 */
export const schoolCode = (
  options: { readonly schoolType?: string; readonly provinceCode?: string } = {}
): fc.Arbitrary<SchoolCode.SchoolCode> => {
  const type = options.schoolType === undefined ? schoolType() : fc.constant(options.schoolType)
  const province = options.provinceCode === undefined ? provinceCode() : fc.constant(options.provinceCode)
  return fc
    .tuple(
      type,
      province,
      fc.integer({ min: 0, max: 999_999 }).map((n) => String(n).padStart(6, "0"))
    )
    .map(([t, p, sequence]) => {
      const category = Option.getOrThrowWith(
        SchoolType.category(t),
        () => new Error(`schoolCode: unknown school type ${t}`)
      )
      return Either.getOrThrowWith(
        SchoolCode.decide(`${category}${p}${sequence}`, { schoolType: t, provinceCode: p }),
        (e) => new Error(`schoolCode: ${e.message}`)
      ).code
    })
}
