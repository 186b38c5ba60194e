/**
 * A teacher's profile for statistics (M28.1): the value of every teacher dimension, read from the e-file, its
 * entries and the units above it, and the Chinese labels of the values from the code tables.
 *
 * What is read: the basic information (性别, 出生日期), the study history (获得学历: the highest), the title
 * appointments (the current one: no end month, latest start), the teaching records (任教学科 of the latest school
 * year and term) and the basic pay (年工资收入 of the latest year) — the data as recorded, whatever the entry's review
 * state: the basic information of an onboarding is a draft until the school submits it, and a teacher is counted
 * from the day the school records them. Two values are kept coarse so that they stay
 * true as days pass: the age as the birth year (the band is taken on the day asked, {@link valueOn}) and the region
 * as the county's GB/T 2260 code (rolled up to the prefecture or province when asked).
 *
 * @since 0.1.0
 */
import * as Division from "../codes/Division.js"
import * as SchoolType from "../codes/SchoolType.js"
import type * as EFile from "../efile/EFile.js"
import * as EmploymentStatus from "../efile/EmploymentStatus.js"
import * as Indicator from "../efile/Indicator.js"
import type * as Unit from "../hierarchy/Unit.js"
import type * as Query from "./Query.js"

/**
 * A teacher dimension: every dimension but `mobility`.
 *
 * @since 0.1.0
 */
export type TeacherDimension = Exclude<Query.Dimension, "mobility">

/**
 * The stored value of every teacher dimension (`ageBand`: the birth year; `region`: the county's code).
 *
 * @since 0.1.0
 */
export type Profile = Readonly<Record<TeacherDimension, string>>

/**
 * The value of a dimension that was not recorded (未填报).
 *
 * @since 0.1.0
 */
export const unknown = "unknown"

/**
 * The value of `title` for a teacher with no current appointment, and of `subject` for one with no teaching record.
 *
 * @since 0.1.0
 */
export const none = "none"

const latestBy = <A>(items: ReadonlyArray<A>, key: (a: A) => string): A | undefined =>
  items.reduce<A | undefined>((best, a) => (best === undefined || key(a) > key(best) ? a : best), undefined)

const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined)

/** GB/T 4658's categories: the first digit of a code and 0. */
const educationCategory: Readonly<Record<string, string>> = {
  "10": "研究生",
  "20": "大学本科",
  "30": "大学专科",
  "40": "中等职业教育",
  "60": "普通高中",
  "70": "初中",
  "80": "小学",
  "90": "其他"
}

/** The highest education: the smallest category of GB/T 4658 (其他 counts last). */
const highestEducation = (codes: ReadonlyArray<string>): string => {
  const categories = codes
    .map((c) => `${c.slice(0, 1)}0`)
    .filter((c) => c in educationCategory)
    .sort((a, b) => (a === "90" ? 1 : b === "90" ? -1 : a < b ? -1 : a > b ? 1 : 0))
  return categories[0] ?? unknown
}

/**
 * The grade of a title appointment's text (GB/T 8561 kept as text): 正高级, 副高级 (高级教师), 中级 (一级教师),
 * 助理级 (二级教师), 员级 (三级教师), or other.
 *
 * @since 0.1.0
 */
export const titleGrade = (title: string): string => {
  if (/正高/.test(title)) return "seniorFull"
  if (/副高|高级/.test(title)) return "senior"
  if (/中级|一级/.test(title)) return "intermediate"
  if (/助理|二级|初级/.test(title)) return "assistant"
  if (/员级|三级/.test(title)) return "junior"
  return "other"
}

const titleNames: Readonly<Record<string, string>> = {
  seniorFull: "正高级",
  senior: "副高级",
  intermediate: "中级",
  assistant: "助理级",
  junior: "员级",
  other: "其他",
  [none]: "未聘"
}

/**
 * The pay bands (年工资收入, yuan), lower bound included: [code, lower bound, label].
 *
 * @since 0.1.0
 */
export const payBands: ReadonlyArray<readonly [string, number, string]> = [
  ["u50k", 0, "5万元以下"],
  ["50k", 50_000, "5万—8万元"],
  ["80k", 80_000, "8万—12万元"],
  ["120k", 120_000, "12万—20万元"],
  ["200k", 200_000, "20万元及以上"]
]

/**
 * The pay band of an annual income.
 *
 * @since 0.1.0
 */
export const payBand = (income: number): string => {
  let band = payBands[0]![0]
  for (const [code, lower] of payBands) if (income >= lower) band = code
  return band
}

/**
 * The age bands, lower bound included: [code, lower bound, label].
 *
 * @since 0.1.0
 */
export const ageBands: ReadonlyArray<readonly [string, number, string]> = [
  ["u25", 0, "25岁以下"],
  ["25", 25, "25—29岁"],
  ["30", 30, "30—34岁"],
  ["35", 35, "35—39岁"],
  ["40", 40, "40—44岁"],
  ["45", 45, "45—49岁"],
  ["50", 50, "50—54岁"],
  ["55", 55, "55—59岁"],
  ["60", 60, "60岁及以上"]
]

/**
 * The age band of a birth year on a day: the age is the year of the day minus the birth year (the age reached in
 * that year, as yearly statistics count it).
 *
 * @since 0.1.0
 */
export const ageBand = (birthYear: string, day: string): string => {
  if (!/^\d{4}$/.test(birthYear)) return unknown
  const age = Number(day.slice(0, 4)) - Number(birthYear)
  let band = ageBands[0]![0]
  for (const [code, lower] of ageBands) if (age >= lower) band = code
  return band
}

/**
 * Urban or rural (城乡) from a county's GB/T 2260 code: its last two digits 01–20 or 51–70 are a 市辖区 (城区),
 * 81–99 a 县级市 (镇区), 21–50 a 县 (乡村). A coarse reading of the division code: the statistical urban–rural
 * classification (统计用区划代码's 城乡分类) is finer and is not part of the hierarchy.
 *
 * @since 0.1.0
 */
export const urbanRural = (countyCode: string): string => {
  if (!/^\d{6}$/.test(countyCode) || countyCode.endsWith("00")) return unknown
  const n = Number(countyCode.slice(4))
  if ((n >= 1 && n <= 20) || (n >= 51 && n <= 70)) return "urban"
  if (n >= 81) return "town"
  if (n >= 21 && n <= 50) return "rural"
  return unknown
}

const urbanRuralNames: Readonly<Record<string, string>> = { urban: "城区", town: "镇区", rural: "乡村" }

const levelNames: Readonly<Record<string, string>> = {
  national: "部属",
  province: "省属",
  city: "市属",
  county: "县属"
}

/**
 * The Chinese name of each school stage.
 *
 * @since 0.1.0
 */
export const stageName: Record<SchoolType.Stage, string> = {
  kindergarten: "学前教育",
  primary: "小学",
  juniorSecondary: "初中",
  seniorSecondary: "普通高中",
  secondaryVocational: "中等职业教育",
  specialEducation: "特殊教育",
  higherEducation: "高等教育",
  adult: "成人教育",
  reform: "工读教育",
  other: "其他"
}

/**
 * The profile of a teacher: the e-file, its entries (in any review state) and the units from
 * the root down to the e-file's unit (`chain`, root first). `status` is the current one.
 *
 * @since 0.1.0
 */
export const of = (
  efile: Pick<EFile.EFile, "stage" | "status">,
  entries: ReadonlyArray<Pick<EFile.Entry, "group" | "data">>,
  chain: ReadonlyArray<Pick<Unit.Unit, "kind" | "code" | "school">>
): Profile => {
  const kept = entries
  const of = (group: string) => kept.filter((e) => e.group === group).map((e) => e.data)
  const basic = latestBy(of("basicInfo"), () => "")
  const educations = of("studyHistory")
    .map((d) => str(d.educationObtained))
    .filter((c): c is string => c !== undefined)
  const title = latestBy(
    of("titleAppointment").filter((d) => str(d.endMonth) === undefined),
    (d) => str(d.startMonth) ?? ""
  )
  const teaching = latestBy(of("teaching"), (d) => `${str(d.schoolYear) ?? ""}/${str(d.term) ?? ""}`)
  const pay = latestBy(
    of("basicPay").filter((d) => typeof d.annualIncome === "number"),
    (d) => String(d.year).padStart(4, "0")
  )
  const schoolIndex = chain.findLastIndex((u) => u.kind === "school")
  const school = schoolIndex >= 0 ? chain[schoolIndex] : undefined
  const above = schoolIndex > 0 ? chain[schoolIndex - 1] : undefined
  const division = chain.findLast((u) => u.kind === "county" || u.kind === "city" || u.kind === "province")
  const region = division === undefined ? unknown : division.code
  const birth = str(basic?.birthDate)?.slice(0, 4)
  return {
    level: above === undefined ? unknown : above.kind,
    region,
    urbanRural: division?.kind === "county" ? urbanRural(division.code) : unknown,
    schoolType: school?.school?.schoolType ?? unknown,
    stage: efile.stage,
    education: highestEducation(educations),
    title: title === undefined ? none : titleGrade(str(title.title) ?? ""),
    subject: teaching === undefined ? none : (str(teaching.subject) ?? unknown),
    gender: str(basic?.sex) ?? unknown,
    ageBand: birth !== undefined && /^\d{4}$/.test(birth) ? birth : unknown,
    payBand: pay === undefined ? unknown : payBand(pay.annualIncome as number),
    status: efile.status
  }
}

/**
 * The region code at a level: the province (`11` + `0000`), the prefecture (4 digits + `00`) or the code itself.
 *
 * @since 0.1.0
 */
export const regionAt = (code: string, level: Query.RegionLevel): string => {
  if (!/^\d{6}$/.test(code) || level === "county") return code
  if (level === "province") return `${code.slice(0, 2)}0000`
  const division = Division.lookup(code)
  if (division._tag === "Some" && division.value.level === "county" && division.value.prefectureCode === undefined) {
    return code // a county directly under its province has no prefecture: it stands for itself
  }
  return `${code.slice(0, 4)}00`
}

/**
 * The value a stored profile value stands for on `day`: the age band of a birth year, the region at the level
 * asked; any other value is itself.
 *
 * @since 0.1.0
 */
export const valueOn = (
  dimension: TeacherDimension,
  stored: string,
  day: string,
  regionLevel: Query.RegionLevel = "county"
): string =>
  dimension === "ageBand"
    ? stored === unknown
      ? unknown
      : ageBand(stored, day)
    : dimension === "region"
      ? regionAt(stored, regionLevel)
      : stored

const codeLabel = (table: string, code: string): string | undefined =>
  Indicator.getCodeTable(Indicator.core, table)?.codes.find((c) => c.code === code)?.zh

const mobilityNames: Readonly<Record<string, string>> = {
  transferIn: "调入",
  transferOut: "调出",
  transferWithin: "内部调动",
  rotationIn: "交流轮岗轮入",
  rotationOut: "交流轮岗轮出",
  rotationWithin: "内部交流轮岗"
}

/**
 * The Chinese label of a value of a dimension (as {@link valueOn} gives it), from the code tables; the code itself
 * when no table names it.
 *
 * @since 0.1.0
 */
export const label = (dimension: Query.Dimension, value: string): string => {
  if (value === unknown) return "未填报"
  const named = (() => {
    switch (dimension) {
      case "level":
        return levelNames[value]
      case "region":
        return Division.lookup(value).pipe((o) => (o._tag === "Some" ? o.value.name : undefined))
      case "urbanRural":
        return urbanRuralNames[value]
      case "schoolType":
        return SchoolType.get(value).pipe((o) => (o._tag === "Some" ? o.value.zh : undefined))
      case "stage":
        return stageName[value as SchoolType.Stage]
      case "education":
        return educationCategory[value]
      case "title":
        return titleNames[value]
      case "subject":
        return value === none ? "未任课" : codeLabel("subject", value)
      case "gender":
        return codeLabel("sex", value)
      case "ageBand":
        return ageBands.find(([c]) => c === value)?.[2]
      case "payBand":
        return payBands.find(([c]) => c === value)?.[2]
      case "status":
        return EmploymentStatus.statusName[value as EmploymentStatus.Status]
      case "mobility":
        return mobilityNames[value]
    }
  })()
  return named ?? value
}

/**
 * The order values of a dimension are shown in: bands and grades in their natural order, others by code.
 *
 * @since 0.1.0
 */
export const compareValues = (dimension: Query.Dimension, a: string, b: string): number => {
  const order: ReadonlyArray<string> | undefined =
    dimension === "ageBand"
      ? ageBands.map(([c]) => c)
      : dimension === "payBand"
        ? payBands.map(([c]) => c)
        : dimension === "title"
          ? Object.keys(titleNames)
          : dimension === "status"
            ? EmploymentStatus.Status.literals
            : dimension === "stage"
              ? SchoolType.Stage.literals
              : dimension === "mobility"
                ? Object.keys(mobilityNames)
                : undefined
  const rank = (v: string) => (v === unknown ? 1e9 : order === undefined ? 0 : order.indexOf(v))
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  return a < b ? -1 : a > b ? 1 : 0
}
