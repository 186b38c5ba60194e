/**
 * School identification code (学校标识码), M12.1.
 *
 * Ten digits: the 2-digit school category (学校类别, see `SchoolType.categories`), the 2-digit code of the province
 * where the school stands (GB/T 2260, see `Division`), and a 6-digit sequence. `parse` checks the format;
 * `decide` also checks that the code agrees with the school's type and with the province above it.
 *
 * Only mainland provinces are accepted: the division table has no 71/81/82, and the system covers no school there.
 * Uniqueness (M12.1) is a storage invariant, not checked here.
 *
 * @since 0.1.0
 */
import { Either, Option, Schema } from "effect"
import * as Refusal from "../kernel/Refusal.js"
import * as Division from "./Division.js"
import * as SchoolType from "./SchoolType.js"

/**
 * Which part of the code a refusal is about.
 *
 * @since 0.1.0
 */
export type Part = "length" | "category" | "province" | "categoryAgreement" | "provinceAgreement"

const refuse = (
  part: Part,
  zh: string,
  en: string,
  value: string,
  more: Readonly<Record<string, unknown>> = {}
): Either.Either<never, Refusal.Refusal> =>
  Either.left(Refusal.invalid("M12.1", zh, en, { field: "schoolCode", value, part, ...more }))

const tenDigits = /^\d{10}$/

const check = (input: string): Either.Either<void, Refusal.Refusal> => {
  if (!tenDigits.test(input)) {
    return refuse("length", "学校标识码应为10位数字", "a school identification code has 10 digits", input)
  }
  const category = input.slice(0, 2)
  if (Option.isNone(SchoolType.getCategory(category))) {
    return refuse(
      "category",
      `学校标识码的学校类别${category}不存在`,
      `a school identification code opens with a known school category; ${category} is not one`,
      input,
      { category }
    )
  }
  const provinceCode = input.slice(2, 4)
  if (!Option.exists(Division.lookup(`${provinceCode}0000`), (d) => d.level === "province")) {
    return refuse(
      "province",
      `学校标识码的第3-4位${provinceCode}不是省级行政区划代码`,
      `digits 3–4 of a school identification code are a province's GB/T 2260 code; ${provinceCode} is not one`,
      input,
      { provinceCode }
    )
  }
  return Either.void
}

/**
 * A school identification code: 10 digits with a known category and a province's code. M12.1.
 *
 * @since 0.1.0
 */
export const SchoolCode = Schema.String.pipe(
  Schema.filter((s) => Either.match(check(s), { onLeft: (e) => e.en, onRight: () => true }), {
    identifier: "SchoolCode",
    description: "a school identification code (学校标识码): category(2) + province(2) + sequence(6)"
  }),
  Schema.brand("SchoolCode")
)

/**
 * @since 0.1.0
 */
export type SchoolCode = typeof SchoolCode.Type

/**
 * The parts of a school identification code.
 *
 * @since 0.1.0
 */
export interface Parts {
  readonly code: SchoolCode
  readonly category: string
  /** 2 digits */
  readonly provinceCode: string
  readonly sequence: string
}

/**
 * Parse a school identification code: 10 digits, a known school category, a GB/T 2260 province. M12.1.
 *
 * @since 0.1.0
 */
export const parse = (input: string): Either.Either<Parts, Refusal.Refusal> =>
  Either.map(check(input), () => ({
    code: input as SchoolCode,
    category: input.slice(0, 2),
    provinceCode: input.slice(2, 4),
    sequence: input.slice(4)
  }))

/**
 * Decide a school's identification code: `parse`, then the category agrees with the school type's (312 → 31…) and
 * the province digits agree with the province above the school (its 2 digits, "11"). M12.1.
 *
 * @since 0.1.0
 */
export const decide = (
  input: string,
  context: { readonly schoolType: string; readonly provinceCode: string }
): Either.Either<Parts, Refusal.Refusal> =>
  Either.flatMap(parse(input), (parts) => {
    const expected = SchoolType.category(context.schoolType)
    if (!Option.exists(expected, (c) => c === parts.category)) {
      return refuse(
        "categoryAgreement",
        Option.isSome(expected)
          ? `学校标识码的学校类别${parts.category}与办学类型${context.schoolType}（类别${expected.value}）不符`
          : `办学类型${context.schoolType}不存在，无法核对学校标识码的学校类别`,
        Option.isSome(expected)
          ? `the code's school category ${parts.category} disagrees with school type ${context.schoolType} (category ${expected.value})`
          : `school type ${JSON.stringify(context.schoolType)} is unknown, so the code's category cannot agree with it`,
        input,
        { category: parts.category, schoolType: context.schoolType, expectedCategory: Option.getOrUndefined(expected) }
      )
    }
    if (parts.provinceCode !== context.provinceCode) {
      return refuse(
        "provinceAgreement",
        `学校标识码的省级代码${parts.provinceCode}与上级所在省${context.provinceCode}不符`,
        `the code's province digits ${parts.provinceCode} disagree with the province above the school (${context.provinceCode})`,
        input,
        { provinceCode: parts.provinceCode, expectedProvinceCode: context.provinceCode }
      )
    }
    return Either.right(parts)
  })
