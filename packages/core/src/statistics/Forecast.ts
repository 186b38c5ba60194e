/**
 * The supply forecast (补充需求预测, O8.1): projected retirements by region, level and subject over the next N years,
 * from each serving teacher's birth date, sex and whether the person retires under the rules of cadres (干部) or of
 * workers (工人); and the replacement needs against configured student–teacher ratio norms.
 *
 * Pure: the caller gathers the people (from the e-files it may see) and the configuration; this module decides.
 * Every result carries the method and its assumptions as text, in Chinese and English, so that what is printed is
 * what was computed.
 *
 * Retirement ages are deployment configuration (`RetirementRules`). The default, `statutory`, is the law in force:
 * the former ages (men 60; women cadres 55; women workers 50) raised gradually from 1 January 2025 by the decision
 * of the Standing Committee of the National People's Congress of 13 September 2024 (全国人民代表大会常务委员会关于
 * 实施渐进式延迟法定退休年龄的决定, with the State Council's 国务院关于渐进式延迟法定退休年龄的办法): men and the
 * women whose former age was 55 by one month every four months up to 63 and 58; the women whose former age was 50 by
 * one month every two months up to 55.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * Whom a schedule applies to: men; women who retire under the cadres' rules (former age 55: teachers in professional
 * and management posts); women who retire under the workers' rules (former age 50: 工勤技能岗位).
 *
 * @since 0.1.0
 */
export const Group = Schema.Literal("male", "femaleCadre", "femaleWorker")

/**
 * @since 0.1.0
 */
export type Group = typeof Group.Type

/** A month as `YYYY-MM`. */
const YearMonth = Schema.String.pipe(Schema.pattern(/^[0-9]{4}-(0[1-9]|1[0-2])$/))

/**
 * One gradual schedule: the former age `fromYears`; from `startMonth` on, a person whose former retirement month
 * falls `k` months after `startMonth` retires `floor(k / everyMonths) + 1` months later, never later than at
 * `toYears`. A schedule with `toYears` equal to `fromYears` is a fixed age.
 *
 * @since 0.1.0
 */
export const Schedule = Schema.Struct({
  fromYears: Schema.Int.pipe(Schema.between(40, 75)),
  toYears: Schema.Int.pipe(Schema.between(40, 75)),
  startMonth: YearMonth,
  everyMonths: Schema.Int.pipe(Schema.between(1, 24))
}).pipe(Schema.filter((s) => s.toYears >= s.fromYears || "toYears is before fromYears"))

/**
 * @since 0.1.0
 */
export type Schedule = typeof Schedule.Type

/**
 * The retirement ages of a deployment: one schedule per group, and the citation printed with every forecast.
 *
 * @since 0.1.0
 */
export const RetirementRules = Schema.Struct({
  male: Schedule,
  femaleCadre: Schedule,
  femaleWorker: Schedule,
  source: Schema.String
})

/**
 * @since 0.1.0
 */
export type RetirementRules = typeof RetirementRules.Type

/**
 * The statutory retirement ages in force since 1 January 2025 (O8.1): men 60 → 63 and women cadres 55 → 58 by one
 * month every four months, women workers 50 → 55 by one month every two months, each counted from the month the
 * former age was reached.
 *
 * @since 0.1.0
 */
export const statutory: RetirementRules = {
  male: { fromYears: 60, toYears: 63, startMonth: "2025-01", everyMonths: 4 },
  femaleCadre: { fromYears: 55, toYears: 58, startMonth: "2025-01", everyMonths: 4 },
  femaleWorker: { fromYears: 50, toYears: 55, startMonth: "2025-01", everyMonths: 2 },
  source:
    "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定（2024年9月13日）及国务院关于渐进式延迟法定退休年龄的办法：自2025年1月1日起，男职工和原法定退休年龄为五十五周岁的女职工每四个月延迟一个月，分别逐步延迟至六十三周岁和五十八周岁；原法定退休年龄为五十周岁的女职工每二个月延迟一个月，逐步延迟至五十五周岁。"
}

/** Months since year 0 of a `YYYY-MM` or `YYYY-MM-DD`. */
const monthIndex = (day: string): number => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1

const monthOf = (index: number): string =>
  `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`

/**
 * The retirement age, in months, of a person born in `birthMonth` under `schedule` (O8.1).
 *
 * @since 0.1.0
 */
export const retirementAgeMonths = (schedule: Schedule, birthMonth: string): number => {
  const base = schedule.fromYears * 12
  const former = monthIndex(birthMonth) + base
  const k = former - monthIndex(schedule.startMonth)
  if (k < 0) return base
  return Math.min(base + Math.floor(k / schedule.everyMonths) + 1, schedule.toYears * 12)
}

/**
 * The month (`YYYY-MM`) a person born on `birthDate` reaches the retirement age of `group` under `rules` (O8.1):
 * the birth month plus the age. Monotone in the birth date.
 *
 * @since 0.1.0
 */
export const retirementMonth = (rules: RetirementRules, group: Group, birthDate: string): string =>
  monthOf(monthIndex(birthDate) + retirementAgeMonths(rules[group], birthDate))

/**
 * One serving teacher as the forecast sees them: where (region, a GB/T 2260 code or name), the level (学段) and
 * subject (学科) they teach, and what decides their retirement.
 *
 * @since 0.1.0
 */
export interface Person {
  readonly region: string
  readonly level: string
  readonly subject: string
  readonly birthDate: string
  readonly sex: "male" | "female"
  /** `worker` for a 工勤技能岗位 post; a woman there retires under the workers' rules. */
  readonly category: "cadre" | "worker"
}

/**
 * `count` people alike (a cohort of the statistics aggregates): the forecast counts them as `count` persons. The
 * birth date may be the birth month alone (`YYYY-MM`), all a retirement month depends on.
 *
 * @since 0.1.0
 */
export interface Cohort extends Person {
  readonly count: number
}

/**
 * The group whose schedule applies to a person.
 *
 * @since 0.1.0
 */
export const groupOf = (person: Pick<Person, "sex" | "category">): Group =>
  person.sex === "male" ? "male" : person.category === "worker" ? "femaleWorker" : "femaleCadre"

/**
 * A student–teacher ratio norm: students per teacher at a level (e.g. 19 for 小学 under the 2014 national staffing
 * norms).
 *
 * @since 0.1.0
 */
export const Norms = Schema.Struct({
  ratios: Schema.Record({ key: Schema.String, value: Schema.Number.pipe(Schema.positive()) }),
  source: Schema.String
})

/**
 * @since 0.1.0
 */
export type Norms = typeof Norms.Type

/**
 * The national staffing norms for primary and secondary schools unified across town and country (中央编办、教育部、
 * 财政部《关于统一城乡中小学教职工编制标准的通知》, 中央编办发〔2014〕72号): 高中 1:12.5, 初中 1:13.5, 小学 1:19
 * students per member of staff. A deployment configures its own.
 *
 * @since 0.1.0
 */
export const nationalNorms: Norms = {
  ratios: { seniorSecondary: 12.5, juniorSecondary: 13.5, primary: 19 },
  source:
    "中央编办、教育部、财政部《关于统一城乡中小学教职工编制标准的通知》（中央编办发〔2014〕72号）：高中1:12.5，初中1:13.5，小学1:19（教职工与学生比）。"
}

/**
 * The number of students at a region and level: input, since the system records no students.
 *
 * @since 0.1.0
 */
export const Enrolment = Schema.Struct({
  region: Schema.String,
  level: Schema.String,
  students: Schema.Int.pipe(Schema.nonNegative())
})

/**
 * @since 0.1.0
 */
export type Enrolment = typeof Enrolment.Type

/**
 * What to forecast: from `asOf` for `years` years.
 *
 * @since 0.1.0
 */
export interface Input {
  readonly asOf: string
  readonly years: number
  readonly people: ReadonlyArray<Person | Cohort>
  readonly rules?: RetirementRules | undefined
  readonly norms?: Norms | undefined
  readonly enrolment?: ReadonlyArray<Enrolment> | undefined
}

/**
 * The retirements of one region × level × subject, by forecast year.
 *
 * @since 0.1.0
 */
export const RetirementRow = Schema.Struct({
  region: Schema.String,
  level: Schema.String,
  subject: Schema.String,
  teachers: Schema.Number,
  byYear: Schema.Array(Schema.Number),
  total: Schema.Number
})

/**
 * @since 0.1.0
 */
export type RetirementRow = typeof RetirementRow.Type

/**
 * The replacement need of one region × level: the teachers the norm requires, those serving, and per year those
 * left and the shortfall once the retirements up to that year are gone.
 *
 * @since 0.1.0
 */
export const NeedRow = Schema.Struct({
  region: Schema.String,
  level: Schema.String,
  students: Schema.Number,
  ratio: Schema.Number,
  required: Schema.Number,
  serving: Schema.Number,
  remaining: Schema.Array(Schema.Number),
  shortfall: Schema.Array(Schema.Number)
})

/**
 * @since 0.1.0
 */
export type NeedRow = typeof NeedRow.Type

/**
 * A forecast year: the twelve months from `from` (inclusive) to `to` (exclusive).
 *
 * @since 0.1.0
 */
export const Year = Schema.Struct({ index: Schema.Number, from: Schema.String, to: Schema.String })

/**
 * @since 0.1.0
 */
export type Year = typeof Year.Type

/**
 * The forecast with its method and assumptions; `overdue` counts the serving teachers already past their
 * retirement age on `asOf` (counted in the first year).
 *
 * @since 0.1.0
 */
export const Forecast = Schema.Struct({
  asOf: Schema.String,
  years: Schema.Array(Year),
  retirements: Schema.Array(RetirementRow),
  totalByYear: Schema.Array(Schema.Number),
  overdue: Schema.Number,
  needs: Schema.Array(NeedRow),
  method: Schema.Struct({ zh: Schema.Array(Schema.String), en: Schema.Array(Schema.String) })
})

/**
 * @since 0.1.0
 */
export type Forecast = typeof Forecast.Type

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Forecast retirements and replacement needs (O8.1). The forecast years are the `years` twelve-month windows from
 * the month of `asOf`; a person retires in the window holding their retirement month, and one already past it is
 * counted in the first window. So the sum over the years is exactly the number of people whose retirement month is
 * before the end of the last window.
 *
 * @since 0.1.0
 */
export const forecast = (input: Input): Forecast => {
  const rules = input.rules ?? statutory
  const norms = input.norms ?? nationalNorms
  const years = Math.max(0, Math.floor(input.years))
  const start = monthIndex(input.asOf)
  const windows: Array<Year> = Array.from({ length: years }, (_, i) => ({
    index: i + 1,
    from: monthOf(start + 12 * i),
    to: monthOf(start + 12 * (i + 1))
  }))
  const rows = new Map<string, { region: string; level: string; subject: string; teachers: number; byYear: number[] }>()
  const servingAt = new Map<string, { region: string; level: string; byYear: number[]; serving: number }>()
  let overdue = 0
  // A province's cohorts are about as many as its teachers (a million and more): a retirement month is worked out
  // once per group and birth month, and a row's key is its texts each after its length (one key, one row).
  const retiresIn = new Map<string, number>()
  for (const person of input.people) {
    const key = `${person.region.length}:${person.region}${person.level.length}:${person.level}${person.subject}`
    let row = rows.get(key)
    if (row === undefined) {
      row = {
        region: person.region,
        level: person.level,
        subject: person.subject,
        teachers: 0,
        byYear: Array(years).fill(0)
      }
      rows.set(key, row)
    }
    const levelKey = `${person.region.length}:${person.region}${person.level}`
    let level = servingAt.get(levelKey)
    if (level === undefined) {
      level = { region: person.region, level: person.level, byYear: Array(years).fill(0), serving: 0 }
      servingAt.set(levelKey, level)
    }
    const n = "count" in person ? person.count : 1
    row.teachers += n
    level.serving += n
    const group = groupOf(person)
    const retiring = `${group}${person.birthDate.slice(0, 7)}`
    let month = retiresIn.get(retiring)
    if (month === undefined) {
      month = monthIndex(retirementMonth(rules, group, person.birthDate))
      retiresIn.set(retiring, month)
    }
    if (month < start) overdue += n
    const year = Math.max(0, Math.floor((month - start) / 12))
    if (year < years) {
      row.byYear[year]! += n
      level.byYear[year]! += n
    }
  }
  const retirements = [...rows.values()]
    .map((r) => ({ ...r, total: r.byYear.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => byteOrder(a.region, b.region) || byteOrder(a.level, b.level) || byteOrder(a.subject, b.subject))
  const totalByYear = windows.map((_, i) => retirements.reduce((sum, r) => sum + r.byYear[i]!, 0))
  const needs: Array<NeedRow> = []
  for (const e of input.enrolment ?? []) {
    const ratio = norms.ratios[e.level]
    if (ratio === undefined) continue
    const level = servingAt.get(`${e.region.length}:${e.region}${e.level}`)
    const serving = level?.serving ?? 0
    const required = Math.ceil(e.students / ratio)
    let left = serving
    const remaining = windows.map((_, i) => {
      left -= level?.byYear[i] ?? 0
      return left
    })
    needs.push({
      region: e.region,
      level: e.level,
      students: e.students,
      ratio,
      required,
      serving,
      remaining,
      shortfall: remaining.map((r) => Math.max(0, required - r))
    })
  }
  needs.sort((a, b) => byteOrder(a.region, b.region) || byteOrder(a.level, b.level))
  return {
    asOf: input.asOf,
    years: windows,
    retirements,
    totalByYear,
    overdue,
    needs,
    method: methodOf(rules, norms, input.asOf, years)
  }
}

const scheduleZh = (s: Schedule) =>
  s.toYears === s.fromYears
    ? `${s.fromYears}周岁`
    : `原${s.fromYears}周岁，自${s.startMonth}起每${s.everyMonths}个月延迟1个月，至${s.toYears}周岁`

const scheduleEn = (s: Schedule) =>
  s.toYears === s.fromYears
    ? `${s.fromYears}`
    : `${s.fromYears}, from ${s.startMonth} one month later every ${s.everyMonths} months, up to ${s.toYears}`

/** The method and assumptions, printed with every forecast. */
const methodOf = (rules: RetirementRules, norms: Norms, asOf: string, years: number) => ({
  zh: [
    `以${asOf.slice(0, 7)}为起点，按12个月为一年，预测今后${years}年在岗教师的退休人数。`,
    `退休年龄：男${scheduleZh(rules.male)}；女干部${scheduleZh(rules.femaleCadre)}；女工人${scheduleZh(rules.femaleWorker)}。依据：${rules.source}`,
    "退休时间为出生年月加退休年龄所得的年月；已超过退休年龄仍在岗者计入第一年。工勤技能岗位的女性按女工人计算，其余按女干部计算。",
    "只计当前在岗（未退休、未离职、未去世、未调出）的教师；不计提前退休、弹性延迟退休、死亡、离职和调动。",
    `补充需求：所需教师数 = ⌈学生数 ÷ 生师比⌉；每年缺口 = 所需教师数 − 扣除截至当年退休人数后的在岗教师数（不小于0）。学生数为配置输入，假定预测期内不变。依据：${norms.source}（编制标准按教职工计，此处近似用于教师）。`
  ],
  en: [
    `Retirements of the serving teachers over the next ${years} twelve-month years from ${asOf.slice(0, 7)}.`,
    `Retirement ages: men ${scheduleEn(rules.male)}; women cadres ${scheduleEn(rules.femaleCadre)}; women workers ${scheduleEn(rules.femaleWorker)}.`,
    "A person retires in the month of their birth month plus the retirement age; one past it and still serving counts in the first year. Women in 工勤技能 posts retire as workers, other women as cadres.",
    "Only teachers serving now are counted; early or flexible retirement, deaths, resignations and transfers are not projected.",
    "Replacement need: required = ⌈students ÷ ratio⌉; a year's shortfall = required − (serving − retirements up to that year), at least 0. Student counts are configured input, assumed constant over the horizon; the staffing norms count all staff and are applied to teachers as an approximation."
  ]
})
