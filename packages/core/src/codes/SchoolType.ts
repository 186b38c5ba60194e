/**
 * School type (办学类型) and school category (学校类别).
 *
 * The 3-digit 办学类型 codes of the Ministry of Education's statistics (学校（机构）办学类型代码) refine the 2-digit
 * school categories that open a school identification code (学校标识码, see `SchoolCode`): a type's category is its
 * first two digits (312 九年一贯制学校 → 31 普通初中, 345 十二年一贯制学校 → 34 普通高中).
 *
 * Coverage (M4.1, 第四条: 幼儿园、中小学校、中等职业学校、特殊教育学校和高等学校等) is decided per category:
 * - covered: 11 kindergartens; 21, 31, 32, 34 primary and secondary schools; 22, 33, 35 adult primary and secondary
 *   schools and 37 reform schools (工读学校), which teach at primary or secondary level and so count as 中小学校;
 *   36 secondary vocational schools; 51 special education; 41 regular and 42 adult higher-education institutions
 *   (the Higher Education Law counts 成人高等学校 among 高等学校);
 * - not covered: 91 research institutes training postgraduates, 92 other private higher-education institutions,
 *   93 vocational training institutions — they are not schools of the kinds 第四条 lists.
 *
 * Codes seen only in older editions or in a single deployed system are kept (so records carrying them can be read)
 * with `confirmed: false`.
 *
 * @since 0.1.0
 */
import { Either, Option, Schema } from "effect"
import * as Refusal from "../kernel/Refusal.js"

/**
 * The education stage of a category, for the choices that depend on it (which e-file version, which rules):
 * - `kindergarten` 学前 (11), `primary` 小学 (21), `juniorSecondary` 初中 (31 普通初中 incl. 九年一贯制, 32 职业初中),
 *   `seniorSecondary` 高中 (34 incl. 完全中学 and 十二年一贯制), `secondaryVocational` 中职 (36),
 *   `specialEducation` 特教 (51), `higherEducation` 高等教育 (41, 42),
 * - `adult` adult primary and secondary education (22, 33, 35), `reform` 工读学校 (37),
 * - `other` the institutions of 91, 92, 93.
 *
 * A school spanning stages (九年一贯制, 十二年一贯制, 完全中学) has the stage of its category, its highest.
 *
 * @since 0.1.0
 */
export const Stage = Schema.Literal(
  "kindergarten",
  "primary",
  "juniorSecondary",
  "seniorSecondary",
  "secondaryVocational",
  "specialEducation",
  "higherEducation",
  "adult",
  "reform",
  "other"
)

/**
 * @since 0.1.0
 */
export type Stage = typeof Stage.Type

const categoryTable = {
  "11": { zh: "幼儿园", stage: "kindergarten", covered: true },
  "21": { zh: "普通小学", stage: "primary", covered: true },
  "22": { zh: "成人小学", stage: "adult", covered: true },
  "31": { zh: "普通初中", stage: "juniorSecondary", covered: true },
  "32": { zh: "职业初中", stage: "juniorSecondary", covered: true },
  "33": { zh: "成人初中", stage: "adult", covered: true },
  "34": { zh: "普通高中", stage: "seniorSecondary", covered: true },
  "35": { zh: "成人高中", stage: "adult", covered: true },
  "36": { zh: "中等职业学校", stage: "secondaryVocational", covered: true },
  "37": { zh: "工读学校", stage: "reform", covered: true },
  "41": { zh: "普通高等学校", stage: "higherEducation", covered: true },
  "42": { zh: "成人高等学校", stage: "higherEducation", covered: true },
  "51": { zh: "特殊教育学校", stage: "specialEducation", covered: true },
  "91": { zh: "培养研究生的科研机构", stage: "other", covered: false },
  "92": { zh: "民办的其他高等教育机构", stage: "other", covered: false },
  "93": { zh: "中等职业培训机构", stage: "other", covered: false }
} as const satisfies Record<string, { zh: string; stage: Stage; covered: boolean }>

/**
 * A school category (学校类别): the 2-digit prefix of a school identification code.
 *
 * @since 0.1.0
 */
export type CategoryCode = keyof typeof categoryTable

const categoryCodes = Object.keys(categoryTable) as [CategoryCode, ...Array<CategoryCode>]

/**
 * @since 0.1.0
 */
export const CategoryCode = Schema.Literal(...categoryCodes)

/**
 * A school category with its name, stage and coverage (M4.1).
 *
 * @since 0.1.0
 */
export interface Category {
  readonly code: CategoryCode
  readonly zh: string
  readonly stage: Stage
  readonly covered: boolean
}

/**
 * The school categories (学校类别), by code. M4.1.
 *
 * @since 0.1.0
 */
export const categories: ReadonlyArray<Category> = categoryCodes.map((code) => ({ code, ...categoryTable[code] }))

const categoryByCode: ReadonlyMap<string, Category> = new Map(categories.map((c) => [c.code, c]))

// [zh, confirmed]. Confirmed: the current statistical table, as two independent deployed code tables agree on it.
// Unconfirmed: 独立设置的少数民族… and split 附设 codes of an older edition, seen in one deployed system only.
const typeTable = {
  "111": ["幼儿园", true],
  "112": ["独立设置的少数民族幼儿园", false],
  "119": ["附设幼儿班", true],
  "211": ["小学", true],
  "212": ["独立设置的少数民族小学", false],
  "213": ["一贯制学校小学部", false],
  "218": ["小学教学点", true],
  "219": ["附设小学班", true],
  "221": ["职工小学", true],
  "222": ["农民小学", true],
  "228": ["小学班", true],
  "229": ["扫盲班", true],
  "311": ["初级中学", true],
  "312": ["九年一贯制学校", true],
  "313": ["独立设置的少数民族初级中学", false],
  "314": ["独立设置的少数民族九年一贯制学校", false],
  "319": ["附设普通初中班", true],
  "321": ["职业初中", true],
  "322": ["独立设置的少数民族职业初中", false],
  "328": ["普通中学附设职教班", false],
  "329": ["附设职业初中班", true],
  "331": ["成人职工初中", true],
  "332": ["成人农民初中", true],
  "341": ["完全中学", true],
  "342": ["高级中学", true],
  "343": ["独立设置的少数民族完全中学", false],
  "344": ["独立设置的少数民族高级中学", false],
  "345": ["十二年一贯制学校", true],
  "349": ["附设普通高中班", true],
  "351": ["成人职工高中", true],
  "352": ["成人农民高中", true],
  "361": ["调整后中等职业学校", true],
  "362": ["中等技术学校", true],
  "363": ["中等师范学校", true],
  "364": ["成人中等专业学校", true],
  "365": ["职业高中学校", true],
  "366": ["技工学校", true],
  "368": ["附设中职班", true],
  "369": ["其他中职机构", true],
  "371": ["工读学校", true],
  "411": ["大学", true],
  "412": ["学院", true],
  "413": ["独立学院", true],
  "414": ["高等专科学校", true],
  "415": ["高等职业学校", true],
  "419": ["分校、大专班", true],
  "421": ["职工高校", true],
  "422": ["农民高校", true],
  "423": ["管理干部学院", true],
  "424": ["教育学院", true],
  "425": ["独立函授学院", true],
  "426": ["广播电视大学", true],
  "429": ["其他成人高等教育机构", true],
  "511": ["盲人学校", true],
  "512": ["聋人学校", true],
  // Older tables name it 弱智学校.
  "513": ["培智学校", true],
  "514": ["其他特殊教育学校", true],
  "518": ["小学附设特教班", false],
  "519": ["附设特教班", true],
  "911": ["培养研究生的科研机构", true],
  "921": ["民办的其他高等教育机构", true],
  "931": ["职工技术培训学校（机构）", true],
  "932": ["农村成人文化技术培训学校（机构）", true],
  "933": ["其他培训机构（含社会培训机构）", true]
} as const satisfies Record<string, readonly [string, boolean]>

/**
 * A school type (办学类型) code, e.g. "312" 九年一贯制学校.
 *
 * @since 0.1.0
 */
export type SchoolType = keyof typeof typeTable

const typeCodes = Object.keys(typeTable) as [SchoolType, ...Array<SchoolType>]

/**
 * The school type codes as a schema. M4.1.
 *
 * @since 0.1.0
 */
export const SchoolType = Schema.Literal(...typeCodes)

/**
 * A school type with its name, category, stage and coverage (M4.1). `confirmed` is false for codes that could not be
 * confirmed in the current national table.
 *
 * @since 0.1.0
 */
export interface SchoolTypeEntry {
  readonly code: SchoolType
  readonly zh: string
  readonly category: CategoryCode
  readonly stage: Stage
  readonly covered: boolean
  readonly confirmed: boolean
}

/**
 * The school types (办学类型), by code.
 *
 * @since 0.1.0
 */
export const schoolTypes: ReadonlyArray<SchoolTypeEntry> = typeCodes.map((code) => {
  const [zh, confirmed] = typeTable[code]
  const category = categoryByCode.get(code.slice(0, 2))!
  return { code, zh, category: category.code, stage: category.stage, covered: category.covered, confirmed }
})

const typeByCode: ReadonlyMap<string, SchoolTypeEntry> = new Map(schoolTypes.map((t) => [t.code, t]))

/**
 * The school type with this code.
 *
 * @since 0.1.0
 */
export const get = (code: string): Option.Option<SchoolTypeEntry> => Option.fromNullable(typeByCode.get(code))

/**
 * The school category of a school type: its first two digits (312 → "31"); none for an unknown code.
 *
 * @since 0.1.0
 */
export const category = (code: string): Option.Option<CategoryCode> => Option.map(get(code), (t) => t.category)

/**
 * The school category with this 2-digit code.
 *
 * @since 0.1.0
 */
export const getCategory = (code: string): Option.Option<Category> => Option.fromNullable(categoryByCode.get(code))

/**
 * Whether a school of this type is covered by the system (M4.1); false for unknown codes.
 *
 * @since 0.1.0
 */
export const isCovered = (code: string): boolean => Option.exists(get(code), (t) => t.covered)

/**
 * Decide a school's type: a code of the 办学类型 table whose category the system covers. M4.1.
 *
 * @since 0.1.0
 */
export const decideCovered = (code: string): Either.Either<SchoolTypeEntry, Refusal.Refusal> =>
  Option.match(get(code), {
    onNone: () =>
      Either.left(
        Refusal.invalid(
          "M4.1",
          `${code}不是办学类型代码`,
          `${JSON.stringify(code)} is not a school type (办学类型) code`,
          { field: "schoolType", value: code }
        )
      ),
    onSome: (type) =>
      type.covered
        ? Either.right(type)
        : Either.left(
            Refusal.invalid(
              "M4.1",
              `${type.zh}（${categoryByCode.get(type.category)!.zh}）不在教师系统覆盖的学校范围内`,
              `a ${type.code} ${type.zh} (category ${type.category}) is not a school the system covers`,
              { field: "schoolType", value: code, category: type.category }
            )
          )
  })
