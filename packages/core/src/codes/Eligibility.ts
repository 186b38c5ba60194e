/**
 * Eligibility (覆盖人员范围): who gets an e-file (电子档案) at all. M5.1.
 *
 * Covered are staff on the establishment (在编教职工), whatever their post, and staff outside it who signed a
 * contract of one year or longer (签订一年以上合同) in a teacher post, another professional-technical post or a
 * management post. Reading of 第五条: the post categories qualify only the contract staff; the establishment staff
 * are covered as such.
 *
 * "一年以上" includes exactly one year: in Chinese legal usage 以上 includes the number itself (民法典 第一千二百五十九条:
 * "以上"、"以下"、"以内"、"届满"，包括本数). A contract of 12 months is covered, one of 11 is not.
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import * as Refusal from "../kernel/Refusal.js"

/**
 * Post category (岗位类别): 1 教师岗位, 2 其他专业技术岗位, 3 管理岗位, 4 工勤技能岗位.
 *
 * @since 0.1.0
 */
export const PostCategory = Schema.Literal("1", "2", "3", "4")

/**
 * @since 0.1.0
 */
export type PostCategory = typeof PostCategory.Type

/**
 * The Chinese name of each post category.
 *
 * @since 0.1.0
 */
export const postCategoryName: Record<PostCategory, string> = {
  "1": "教师岗位",
  "2": "其他专业技术岗位",
  "3": "管理岗位",
  "4": "工勤技能岗位"
}

/**
 * The shortest contract, in months, that brings staff outside the establishment into the system (M5.1): one year,
 * inclusive.
 *
 * @since 0.1.0
 */
export const minimumContractMonths = 12

/**
 * What eligibility looks at: on the establishment or not (是否在编), the contract's length in whole months
 * (undefined when no contract was signed), and the post category.
 *
 * @since 0.1.0
 */
export interface Input {
  readonly onEstablishment: boolean
  readonly contractMonths: number | undefined
  readonly postCategory: PostCategory
}

/**
 * A condition that keeps a person outside the system.
 *
 * @since 0.1.0
 */
export type Failure = "noContract" | "invalidContractLength" | "contractUnderOneYear" | "workerPost"

const failureText: Record<Failure, { zh: string; en: string; field: keyof Input }> = {
  noContract: {
    zh: "非在编且未签订合同",
    en: "not on the establishment and no contract signed",
    field: "contractMonths"
  },
  invalidContractLength: {
    zh: "合同期限应为非负整数月",
    en: "a contract's length is a whole, non-negative number of months",
    field: "contractMonths"
  },
  contractUnderOneYear: {
    zh: "非在编且合同期限不满一年",
    en: "not on the establishment and the contract is shorter than one year",
    field: "contractMonths"
  },
  workerPost: {
    zh: "非在编的工勤技能岗位人员不在覆盖范围内",
    en: "staff outside the establishment in a worker post (工勤技能岗位) are not covered",
    field: "postCategory"
  }
}

/**
 * The conditions that keep this person outside the system; empty when covered.
 *
 * @since 0.1.0
 */
export const failures = (input: Input): ReadonlyArray<Failure> => {
  if (input.onEstablishment) return []
  const found: Array<Failure> = []
  const months = input.contractMonths
  if (months === undefined) found.push("noContract")
  else if (!Number.isInteger(months) || months < 0) found.push("invalidContractLength")
  else if (months < minimumContractMonths) found.push("contractUnderOneYear")
  if (input.postCategory === "4") found.push("workerPost")
  return found
}

/**
 * Decide whether a person is covered and gets an e-file (M5.1). The refusal names every failed condition.
 *
 * @since 0.1.0
 */
export const decide = (input: Input): Either.Either<void, Refusal.Refusal> => {
  const found = failures(input)
  if (found.length === 0) return Either.void
  const texts = found.map((f) => failureText[f])
  const first = texts[0]!
  return Either.left(
    Refusal.invalid(
      "M5.1",
      `不属于教师系统覆盖人员范围：${texts.map((t) => t.zh).join("；")}`,
      `not a person the system covers: ${texts.map((t) => t.en).join("; ")}`,
      {
        field: first.field,
        value: input[first.field],
        failed: found,
        onEstablishment: input.onEstablishment,
        contractMonths: input.contractMonths,
        postCategory: input.postCategory
      }
    )
  )
}

/**
 * `decide` as a yes/no.
 *
 * @since 0.1.0
 */
export const isCovered = (input: Input): boolean => failures(input).length === 0
