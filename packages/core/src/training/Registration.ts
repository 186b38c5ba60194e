/**
 * Teacher qualification periodic registration (教师资格定期注册), M26.1: for a teacher and a registration cycle, the
 * decision qualified (合格) / deferred (暂缓注册) / not qualified (注册不合格), with every reason and its rule, as a
 * pure function of what the e-file records (annual assessments, ethics records, employment status) and the cycle's
 * training hours and credits from the credit bank (O9.1), which the caller reads and passes in.
 *
 * The checks, each a reason of every result (met or not), after the interim measures of 2013:
 * - training: at least `minHours` hours in the cycle (360), or the province's equivalent in credits (`minCredits`,
 *   when the province counts in credits) — else deferred;
 * - annual assessments: none 不合格 in the cycle — else deferred; two or more consecutive years 不合格 — not
 *   qualified; a year of the cycle without an assessment recorded — deferred (the system cannot show the year met);
 * - ethics: a disciplinary action of the deployment's serious kinds (`seriousDisciplinaryActions`: 撤职, 开除) in the
 *   cycle — not qualified; any other disciplinary action, or a 师德考核 result of 不合格, in the cycle — deferred;
 * - time away from teaching: not in post (暂未在本单位任职) for a semester or more in the cycle (`semesterDays`, 140
 *   days: twenty weeks) for a reason not accepted (`acceptedAwayReasons`: further study, long sick leave, secondment
 *   to an institution) — deferred;
 * - the qualification itself: revoked or lost — not qualified (the core indicators record no revocation: the caller
 *   says so, from a province's extension or the qualification authority).
 *
 * Decisions where the regulation is silent: 基本合格 (basically competent) is not 不合格 and does not defer (the 2013
 * measures defer on 不合格 only); fitness to teach (身体状况) is not recorded by the core indicators and is not
 * checked. The outcome is the worst of the reasons not met; monotone: more hours or credits never make it worse, one
 * more 不合格 never makes it better.
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import type * as EmploymentStatus from "../efile/EmploymentStatus.js"
import * as Refusal from "../kernel/Refusal.js"

/**
 * The outcomes, best first.
 *
 * @since 0.1.0
 */
export const Outcome = Schema.Literal("qualified", "deferred", "notQualified")

/**
 * @since 0.1.0
 */
export type Outcome = typeof Outcome.Type

/**
 * The Chinese name of each outcome.
 *
 * @since 0.1.0
 */
export const outcomeName: Record<Outcome, string> = {
  qualified: "注册合格",
  deferred: "暂缓注册",
  notQualified: "注册不合格"
}

const rank: Record<Outcome, number> = { qualified: 0, deferred: 1, notQualified: 2 }

/**
 * Compare outcomes: negative when `a` is better than `b`.
 *
 * @since 0.1.0
 */
export const compare = (a: Outcome, b: Outcome): number => rank[a] - rank[b]

/**
 * The thresholds of a deployment (configuration; {@link defaultConfig} holds domain practice).
 *
 * @since 0.1.0
 */
export const Config = Schema.Struct({
  /** Years of a registration cycle (5). */
  cycleYears: Schema.Int.pipe(Schema.between(1, 10)),
  /** Training hours required in a cycle (360). */
  minHours: Schema.Number.pipe(Schema.finite(), Schema.positive()),
  /** Credits that count instead of hours, where the province counts in credits; none: hours only. */
  minCredits: Schema.optional(Schema.Number.pipe(Schema.finite(), Schema.positive())),
  /** Days not in post, without an accepted reason, that defer (a semester: 140). */
  semesterDays: Schema.Int.pipe(Schema.positive()),
  /** Reasons for not being in post that are accepted. */
  acceptedAwayReasons: Schema.Array(Schema.String),
  /** Disciplinary actions (处分类别) that make a registration not qualified. */
  seriousDisciplinaryActions: Schema.Array(Schema.String.pipe(Schema.minLength(1)))
})

/**
 * @since 0.1.0
 */
export type Config = typeof Config.Type

/**
 * The defaults of domain practice: five years, 360 hours, a semester of 140 days, further study, long sick leave
 * and secondment to an institution accepted, 撤职 and 开除 serious.
 *
 * @since 0.1.0
 */
export const defaultConfig: Config = {
  cycleYears: 5,
  minHours: 360,
  semesterDays: 140,
  acceptedAwayReasons: ["furtherStudy", "longSickLeave", "secondedToInstitution"],
  seriousDisciplinaryActions: ["撤职", "开除"]
}

/**
 * Validate a deployment's thresholds (at start): refused, naming M26.1, when one is not a positive number or the
 * cycle not 1–10 years.
 *
 * @since 0.1.0
 */
export const validateConfig = (raw: unknown): Either.Either<Config, Refusal.Refusal> =>
  Either.mapLeft(Schema.decodeUnknownEither(Config)(raw), (error) =>
    Refusal.invalid(
      "M26.1",
      "教师资格定期注册的阈值配置无效",
      "the registration thresholds are invalid: positive hours, credits and days, a cycle of 1 to 10 years",
      { field: "registration", problem: error.message.slice(0, 500) }
    )
  )

/**
 * A registration cycle: its first day and the day after its last (`to` exclusive), "YYYY-MM-DD".
 *
 * @since 0.1.0
 */
export interface Cycle {
  readonly from: string
  readonly to: string
}

/**
 * The cycle of `years` years starting on `from`.
 *
 * @since 0.1.0
 */
export const cycleFrom = (from: string, years: number = defaultConfig.cycleYears): Cycle => ({
  from,
  to: `${String(Number(from.slice(0, 4)) + years).padStart(4, "0")}${from.slice(4)}`
})

let lastYears: Cycle & { readonly years: ReadonlyArray<number> } = { from: "", to: "", years: [] }

/**
 * The assessment years of a cycle: the years whose 31 December falls in it (an annual assessment is made at the
 * year's end), five for a five-year cycle whatever day it starts.
 *
 * @since 0.1.0
 */
export const yearsOf = (cycle: Cycle): ReadonlyArray<number> => {
  // A pass decides a province's teachers for one cycle: its years are worked out once.
  if (lastYears.from === cycle.from && lastYears.to === cycle.to) return lastYears.years
  const first = Number(cycle.from.slice(0, 4))
  const last = Number(cycle.to.slice(0, 4))
  const years: Array<number> = []
  for (let y = first; y <= last; y++) {
    const end = `${String(y).padStart(4, "0")}-12-31`
    if (cycle.from <= end && end < cycle.to) years.push(y)
  }
  lastYears = { from: cycle.from, to: cycle.to, years: Object.freeze(years) }
  return years
}

/**
 * One annual assessment (年度考核) as recorded: its year and the result code (1 优秀, 2 合格, 3 基本合格, 4 不合格).
 *
 * @since 0.1.0
 */
export interface Assessment {
  readonly year: number
  readonly result: string
}

/**
 * The code of 不合格.
 *
 * @since 0.1.0
 */
export const failedCode = "4"

/**
 * One ethics record (师德信息) as recorded.
 *
 * @since 0.1.0
 */
export interface EthicsRecord {
  readonly year: number
  readonly assessmentResult?: string | undefined
  readonly disciplinaryAction?: string | undefined
  readonly disciplinaryDate?: string | undefined
}

/**
 * What the decision reads: the e-file's records, the cycle's training from the credit bank, and whether the
 * qualification was revoked or lost.
 *
 * @since 0.1.0
 */
export interface Input {
  readonly cycle: Cycle
  readonly assessments: ReadonlyArray<Assessment>
  readonly ethics: ReadonlyArray<EthicsRecord>
  readonly statusHistory: ReadonlyArray<Pick<EmploymentStatus.Recorded, "status" | "effective" | "reason">>
  readonly training: { readonly hours: number; readonly credits: number }
  readonly qualificationLost?: boolean | undefined
}

/**
 * The checks, each a reason of every result.
 *
 * @since 0.1.0
 */
export const Check = Schema.Literal("training", "assessments", "ethics", "awayFromTeaching", "qualification")

/**
 * @since 0.1.0
 */
export type Check = typeof Check.Type

/**
 * One reason: the check, whether it is met, the outcome it leads to (`qualified` when met), its rule and texts.
 *
 * @since 0.1.0
 */
export interface Reason {
  readonly check: Check
  readonly met: boolean
  readonly outcome: Outcome
  readonly rule: Refusal.RuleId
  readonly zh: string
  readonly en: string
  readonly details: Readonly<Record<string, unknown>>
}

/**
 * A decision: the outcome and every reason (one per check, in the order of {@link Check}).
 *
 * @since 0.1.0
 */
export interface Decision {
  readonly outcome: Outcome
  readonly reasons: ReadonlyArray<Reason>
}

/**
 * A reason as stored: the check, the outcome it leads to and its details — what its texts are rendered from
 * ({@link reasonOf}), so that a round of many teachers stores a few bytes a reason, not its two texts.
 *
 * @since 0.1.0
 */
export interface StoredReason {
  readonly check: Check
  readonly outcome: Outcome
  readonly details: Readonly<Record<string, unknown>>
}

const list = (v: unknown): ReadonlyArray<unknown> => (Array.isArray(v) ? v : [])

/** The texts of each check and outcome, from the details where they carry figures. */
const texts = (
  check: Check,
  outcome: Outcome,
  details: Readonly<Record<string, unknown>>
): readonly [string, string] => {
  switch (check) {
    case "training": {
      if (outcome === "qualified") return ["周期内培训学时（学分）达到要求", "the cycle's training requirement is met"]
      const { minHours, minCredits } = details
      return [
        `周期内培训不足${minHours}学时${minCredits === undefined ? "" : `（或${minCredits}学分）`}，暂缓注册`,
        `fewer than ${minHours} training hours${minCredits === undefined ? "" : ` (or ${minCredits} credits)`} in the cycle: deferred`
      ]
    }
    case "assessments":
      return outcome === "notQualified"
        ? ["连续两年以上年度考核不合格，注册不合格", "two or more consecutive years' assessments 不合格: not qualified"]
        : outcome === "qualified"
          ? ["注册周期内年度考核均为合格以上", "every annual assessment of the cycle is 合格 or better"]
          : list(details.failed).length > 0
            ? ["注册周期内有年度考核不合格，暂缓注册", "an annual assessment 不合格 in the cycle: deferred"]
            : [
                "注册周期内有年度的考核结果未记录，暂缓注册",
                "a year of the cycle has no annual assessment recorded: deferred"
              ]
    case "ethics":
      return outcome === "notQualified"
        ? ["有严重违反师德的处分，注册不合格", "a serious ethics violation: not qualified"]
        : outcome === "deferred"
          ? [
              "注册周期内师德考核不合格或受到处分，暂缓注册",
              "an ethics failure or disciplinary action in the cycle: deferred"
            ]
          : ["师德表现符合要求", "ethics meets the standard"]
    case "awayFromTeaching":
      return outcome === "qualified"
        ? ["未无故脱离教育教学岗位一学期以上", "not away from teaching a semester without an accepted reason"]
        : [
            "无正当理由脱离教育教学岗位一学期以上，暂缓注册",
            "away from teaching a semester or more without an accepted reason: deferred"
          ]
    case "qualification":
      return outcome === "qualified"
        ? ["教师资格有效", "the qualification stands"]
        : ["教师资格已被撤销或丧失，注册不合格", "the qualification was revoked or lost: not qualified"]
  }
}

/**
 * A reason whole, its texts rendered from its check, outcome and details (M26.1): what {@link decide} gives, and
 * what a stored reason reads back as.
 *
 * @since 0.1.0
 */
export const reasonOf = (check: Check, outcome: Outcome, details: Readonly<Record<string, unknown>>): Reason => {
  const [zh, en] = texts(check, outcome, details)
  return { check, met: outcome === "qualified", outcome, rule: "M26.1", zh, en, details }
}

/**
 * A reason as stored: its texts left out (they are rendered again when read).
 *
 * @since 0.1.0
 */
export const storedReason = (reason: Reason): StoredReason => ({
  check: reason.check,
  outcome: reason.outcome,
  details: reason.details
})

const Details = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * A reason as a store keeps it ({@link StoredReason}), read back whole: its texts rendered by {@link reasonOf}. A
 * reason stored whole (with its texts, as rounds were stored before) reads back the same: the texts are ignored
 * and rendered again.
 *
 * @since 0.1.0
 */
export const PersistedReason = Schema.transform(
  Schema.Struct({ check: Check, outcome: Outcome, details: Details }),
  Schema.typeSchema(
    Schema.Struct({
      check: Check,
      met: Schema.Boolean,
      outcome: Outcome,
      rule: Refusal.RuleId,
      zh: Schema.String,
      en: Schema.String,
      details: Details
    })
  ),
  { strict: true, decode: (s) => reasonOf(s.check, s.outcome, s.details), encode: storedReason }
)

const dayMs = 86_400_000

/**
 * Days in the cycle not in post for a reason not accepted, from the status history (oldest first or not).
 *
 * @since 0.1.0
 */
export const awayDays = (
  history: Input["statusHistory"],
  cycle: Cycle,
  accepted: ReadonlyArray<string> = defaultConfig.acceptedAwayReasons
): number => {
  // Most teachers were never out of post: no day counts, nothing to sort or date.
  if (!history.some((r) => r.status === "notServing")) return 0
  const sorted = [...history].sort((a, b) => (a.effective < b.effective ? -1 : a.effective > b.effective ? 1 : 0))
  const start = Date.parse(`${cycle.from}T00:00:00Z`)
  const end = Date.parse(`${cycle.to}T00:00:00Z`)
  let days = 0
  for (const [i, record] of sorted.entries()) {
    if (record.status !== "notServing" || (record.reason !== undefined && accepted.includes(record.reason))) continue
    const from = Math.max(start, Date.parse(`${record.effective}T00:00:00Z`))
    const next = sorted[i + 1]
    const to = Math.min(end, next === undefined ? end : Date.parse(`${next.effective}T00:00:00Z`))
    if (to > from) days += Math.round((to - from) / dayMs)
  }
  return days
}

/**
 * The reasons most teachers share — a check met with nothing to report — made once (frozen), not once a teacher: a
 * pass decides a province's teachers.
 */
const met = {
  assessments: Object.freeze(
    reasonOf("assessments", "qualified", Object.freeze({ failed: Object.freeze([]), missing: Object.freeze([]) }))
  ),
  ethics: Object.freeze(reasonOf("ethics", "qualified", Object.freeze({}))),
  qualification: Object.freeze(reasonOf("qualification", "qualified", Object.freeze({})))
}

/** The met reason of time away, of no day away, for each deployment's thresholds (its semester). */
const metAway = new WeakMap<Config, Reason>()
const metAwayOf = (config: Config): Reason => {
  let reason = metAway.get(config)
  if (reason === undefined) {
    reason = Object.freeze(
      reasonOf("awayFromTeaching", "qualified", Object.freeze({ days: 0, semesterDays: config.semesterDays }))
    )
    metAway.set(config, reason)
  }
  return reason
}

const inCycle = (cycle: Cycle, day: string | undefined, year: number) =>
  day !== undefined && day.length >= 10 ? cycle.from <= day && day < cycle.to : yearsOf(cycle).includes(year)

/**
 * Decide a teacher's registration for a cycle (M26.1): every check a reason, met or not; the outcome the worst.
 *
 * @since 0.1.0
 */
export const decide = (input: Input, config: Config = defaultConfig): Decision => {
  const { cycle } = input
  const years = yearsOf(cycle)

  // Training: hours, or the province's credits.
  const { hours, credits } = input.training
  const trained = hours >= config.minHours || (config.minCredits !== undefined && credits >= config.minCredits)
  const training = reasonOf("training", trained ? "qualified" : "deferred", {
    hours,
    credits,
    minHours: config.minHours,
    minCredits: config.minCredits
  })

  // Annual assessments: the worst result of each year of the cycle.
  const byYear = new Map<number, boolean>()
  for (const a of input.assessments) {
    if (!years.includes(a.year)) continue
    byYear.set(a.year, (byYear.get(a.year) ?? false) || a.result === failedCode)
  }
  const failed = years.filter((y) => byYear.get(y) === true)
  const missing = years.filter((y) => !byYear.has(y))
  const consecutive = failed.some((y) => failed.includes(y + 1))
  const assessments = consecutive
    ? reasonOf("assessments", "notQualified", { failed, missing })
    : failed.length > 0 || missing.length > 0
      ? reasonOf("assessments", "deferred", { failed, missing })
      : met.assessments

  // Ethics.
  const ethics = input.ethics.filter((e) => inCycle(cycle, e.disciplinaryDate, e.year))
  const serious = ethics.filter(
    (e) => e.disciplinaryAction !== undefined && config.seriousDisciplinaryActions.includes(e.disciplinaryAction.trim())
  )
  const lesser = ethics.filter(
    (e) =>
      (e.disciplinaryAction !== undefined && e.disciplinaryAction.trim().length > 0) ||
      e.assessmentResult?.trim() === "不合格"
  )
  const ethicsReason =
    serious.length > 0
      ? reasonOf("ethics", "notQualified", { actions: serious.map((e) => e.disciplinaryAction) })
      : lesser.length > 0
        ? reasonOf("ethics", "deferred", { years: lesser.map((e) => e.year) })
        : met.ethics

  // Time away from teaching without an accepted reason.
  const away = awayDays(input.statusHistory, cycle, config.acceptedAwayReasons)
  const awayReason =
    away === 0
      ? metAwayOf(config)
      : reasonOf("awayFromTeaching", away >= config.semesterDays ? "deferred" : "qualified", {
          days: away,
          semesterDays: config.semesterDays
        })

  // The qualification itself.
  const qualification =
    input.qualificationLost === true ? reasonOf("qualification", "notQualified", {}) : met.qualification

  const reasons = [training, assessments, ethicsReason, awayReason, qualification]
  const outcome = reasons.reduce<Outcome>(
    (worst, r) => (compare(r.outcome, worst) > 0 ? r.outcome : worst),
    "qualified"
  )
  return { outcome, reasons }
}

/**
 * The record groups the decision reads ({@link recordsOf}): a store reads only these.
 *
 * @since 0.1.0
 */
export const recordGroups: ReadonlyArray<string> = ["annualAssessment", "ethics"]

/**
 * What an e-file's entries give the decision: the annual assessments and the ethics records, from the records of
 * the groups `annualAssessment` and `ethics` (effective or not: the caller chooses which entries to pass).
 *
 * @since 0.1.0
 */
export const recordsOf = (
  entries: ReadonlyArray<{ readonly group: string; readonly data: Readonly<Record<string, unknown>> }>
): { readonly assessments: ReadonlyArray<Assessment>; readonly ethics: ReadonlyArray<EthicsRecord> } => {
  const text = (v: unknown) => (typeof v === "string" ? v : undefined)
  return {
    assessments: entries
      .filter((e) => e.group === "annualAssessment")
      .map((e) => ({ year: Number(e.data.year), result: String(e.data.result ?? "") })),
    ethics: entries
      .filter((e) => e.group === "ethics")
      .map((e) => ({
        year: Number(e.data.year),
        assessmentResult: text(e.data.assessmentResult),
        disciplinaryAction: text(e.data.disciplinaryAction),
        disciplinaryDate: text(e.data.disciplinaryDate)
      }))
  }
}
