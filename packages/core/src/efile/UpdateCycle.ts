/**
 * Update cycles (信息更新周期), M18.1: the full update of the previous year is due by 31 March, the update of the
 * current year's first half by 30 September. Pure values and decisions; the `UpdateCycles` service persists the
 * completions and reads the report.
 *
 * A cycle is named by its year and kind: `2026-annual` is the full update of 2026, due 2027-03-31; `2027-h1` is the
 * update of the first half of 2027, due 2027-09-30. Every day is a day in Asia/Shanghai (UTC+8, no daylight saving
 * since 1991): an instant is turned into its Shanghai day ({@link dayOf}) before it is compared with a deadline, so
 * a completion recorded at 23:30 on 31 March in Beijing (15:30 UTC) is on time, and one at 00:30 on 1 April
 * (16:30 UTC on 31 March) is late.
 *
 * Decisions where the regulation is silent:
 * - What "completed" means: the system records it, it does not guess it. A unit's info admin records the unit's
 *   completion of a cycle once the cycle's period has ended ({@link decideComplete}); the record is dated by the
 *   server's clock and never changed (one per unit and cycle, the store's invariant). A bureau records its own
 *   completion only when every unit directly below it that owes the cycle has recorded its own: the update rolls up
 *   level by level, as reporting does (M13.3), so a province's completion means its whole subtree's.
 * - Who owes a cycle: every school and administrative unit (a secondary department's e-files are its school's),
 *   existing on the deadline (its first version dated on or before it) and not closed or merged on or before it.
 *   Article 18 names provincial bureaus and central-ministry universities; it also has the province set the pace of
 *   the units below, and this is the default pace.
 * - A completion after the deadline is recorded and reported as late (`completedLate`), not refused.
 * - The deadlines are deployment configuration ({@link Config}, default `03-31` and `09-30`), validated at start.
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import * as Authorization from "../accounts/Authorization.js"
import * as Unit from "../hierarchy/Unit.js"
import * as Day from "../kernel/Day.js"
import * as Refusal from "../kernel/Refusal.js"

/**
 * The two kinds of cycle: the full update of a year (`annual`) and the update of a year's first half (`h1`).
 *
 * @since 0.1.0
 */
export const Kind = Schema.Literal("annual", "h1")

/**
 * @since 0.1.0
 */
export type Kind = typeof Kind.Type

/**
 * A cycle: its id, kind and year, the last day of the period it updates, and its deadline (both Shanghai days).
 *
 * @since 0.1.0
 */
export interface Cycle {
  readonly id: string
  readonly kind: Kind
  readonly year: number
  /** The last day of the period updated: 31 December of the year, or 30 June for the first half. */
  readonly periodEnd: string
  /** The last day on which a completion is on time. */
  readonly deadline: string
}

/**
 * The deadlines of a deployment, as month-day (`MM-DD`): the annual one falls in the following year, the
 * first-half one in the same year, after 30 June.
 *
 * @since 0.1.0
 */
export interface Config {
  readonly annualDeadline: string
  readonly firstHalfDeadline: string
}

/**
 * The deadlines of article 18: 31 March and 30 September.
 *
 * @since 0.1.0
 */
export const defaultConfig: Config = { annualDeadline: "03-31", firstHalfDeadline: "09-30" }

const monthDay = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/
const isDay = Schema.is(Unit.Day)

/**
 * Validate a deployment's deadlines (at start): each a real month-day (29 February is refused: it is not every
 * year's), the first-half one after 30 June. The refusal names M18.1.
 *
 * @since 0.1.0
 */
export const validateConfig = (config: Config): Either.Either<Config, Refusal.Refusal> => {
  for (const field of ["annualDeadline", "firstHalfDeadline"] as const) {
    const value = config[field]
    if (typeof value !== "string" || !monthDay.test(value) || value === "02-29" || !isDay(`2001-${value}`)) {
      return Either.left(
        Refusal.invalid("M18.1", "更新截止日期应为MM-DD格式的有效日期", "an update deadline is a real day, MM-DD", {
          field,
          value
        })
      )
    }
  }
  if (config.firstHalfDeadline <= "06-30") {
    return Either.left(
      Refusal.invalid(
        "M18.1",
        "上半年信息更新的截止日期须在6月30日之后",
        "the first half's update is due after 30 June",
        { field: "firstHalfDeadline", value: config.firstHalfDeadline }
      )
    )
  }
  return Either.right(config)
}

/**
 * The Shanghai offset: UTC+8 all year ({@link Day.shanghaiOffsetMs}).
 *
 * @since 0.1.0
 */
export const shanghaiOffsetMs = Day.shanghaiOffsetMs

/**
 * The day in Asia/Shanghai of an instant (ISO 8601 or a Date): what deadlines are compared with ({@link Day.of}).
 *
 * @since 0.1.0
 */
export const dayOf = Day.of

/**
 * The cycle of a year and kind, with its deadline under `config`.
 *
 * @since 0.1.0
 */
export const make = (year: number, kind: Kind, config: Config = defaultConfig): Cycle => {
  const y = String(year).padStart(4, "0")
  return kind === "annual"
    ? {
        id: `${y}-annual`,
        kind,
        year,
        periodEnd: `${y}-12-31`,
        deadline: `${String(year + 1).padStart(4, "0")}-${config.annualDeadline}`
      }
    : { id: `${y}-h1`, kind, year, periodEnd: `${y}-06-30`, deadline: `${y}-${config.firstHalfDeadline}` }
}

/**
 * The cycle named by `id` (`2026-annual`, `2027-h1`), or the refusal.
 *
 * @since 0.1.0
 */
export const parse = (id: string, config: Config = defaultConfig): Either.Either<Cycle, Refusal.Refusal> => {
  const match = /^(\d{4})-(annual|h1)$/.exec(id)
  const year = match === null ? Number.NaN : Number(match[1])
  if (match === null || year < 2000 || year > 2999) {
    return Either.left(
      Refusal.invalid(
        "M18.1",
        "更新周期应写作“年份-annual”（上一年度全面更新）或“年份-h1”（本年度上半年更新）",
        "an update cycle is written YEAR-annual (the full update of a year) or YEAR-h1 (its first half)",
        { field: "cycle", value: id }
      )
    )
  }
  return Either.right(make(year, match[2] as Kind, config))
}

/**
 * The cycles whose deadline falls in a year, in order: the previous year's full update, then this year's first half.
 *
 * @since 0.1.0
 */
export const dueIn = (year: number, config: Config = defaultConfig): readonly [Cycle, Cycle] => [
  make(year - 1, "annual", config),
  make(year, "h1", config)
]

/**
 * The cycle a unit works on, on `day`: the one with the nearest deadline on or after the day whose period has ended.
 *
 * @since 0.1.0
 */
export const current = (day: string, config: Config = defaultConfig): Cycle => {
  const year = Number(day.slice(0, 4))
  const candidates = [...dueIn(year, config), ...dueIn(year + 1, config)]
  return candidates.find((c) => c.periodEnd < day && day <= c.deadline) ?? candidates.find((c) => day <= c.deadline)!
}

/**
 * The latest cycle whose deadline has passed on `day` (the one a late-unit report is usually asked for).
 *
 * @since 0.1.0
 */
export const lastDue = (day: string, config: Config = defaultConfig): Cycle => {
  const year = Number(day.slice(0, 4))
  const candidates = [...dueIn(year - 1, config), ...dueIn(year, config)]
  return candidates.filter((c) => c.deadline < day).at(-1)!
}

/**
 * A unit's recorded completion of a cycle: when (the instant, and its Shanghai day) and by whom.
 *
 * @since 0.1.0
 */
export interface Completion {
  readonly cycle: string
  readonly unitId: Unit.UnitId
  readonly at: string
  readonly day: string
  readonly by: string
}

/**
 * A unit of a subtree as the report reads it: the unit now, the day of its first version, its completion if any.
 *
 * @since 0.1.0
 */
export interface Standing {
  readonly unit: Unit.Unit
  readonly createdOn: string
  readonly completion: Completion | undefined
}

/**
 * Does the unit owe the cycle? A school or administrative unit that existed on the deadline and was not closed or
 * merged on or before it (a closed unit's current version is dated by its closure).
 *
 * @since 0.1.0
 */
export const owes = (standing: Pick<Standing, "unit" | "createdOn">, cycle: Cycle): boolean => {
  const { unit } = standing
  if (unit.kind === "department") return false
  if (standing.createdOn > cycle.deadline) return false
  return unit.status === "open" || unit.validFrom > cycle.deadline
}

/**
 * Where a unit stands in a cycle as of a day: completed on time, completed late, not due yet (`pending`), or late
 * (due, and no completion recorded by the day).
 *
 * @since 0.1.0
 */
export const Status = Schema.Literal("completed", "completedLate", "pending", "late")

/**
 * @since 0.1.0
 */
export type Status = typeof Status.Type

/**
 * The status of a unit owing `cycle`, as of `day` (a Shanghai day): a completion recorded after the day does not
 * count yet, so a report of any past day reads as it would have read on that day.
 *
 * @since 0.1.0
 */
export const statusOf = (completion: Completion | undefined, cycle: Cycle, day: string): Status => {
  if (completion !== undefined && completion.day <= day) {
    return completion.day <= cycle.deadline ? "completed" : "completedLate"
  }
  return day <= cycle.deadline ? "pending" : "late"
}

/**
 * One unit's line of the report.
 *
 * @since 0.1.0
 */
export interface Line {
  readonly unitId: Unit.UnitId
  readonly kind: Unit.Kind
  readonly name: string
  readonly path: string
  readonly status: Status
  readonly completedOn: string | undefined
}

/**
 * The report of a cycle for a subtree as of a day: each unit owing the cycle, in path order, with its status, and
 * the counts by status.
 *
 * @since 0.1.0
 */
export interface Report {
  readonly cycle: Cycle
  readonly asOf: string
  readonly lines: ReadonlyArray<Line>
  readonly counts: Readonly<Record<Status, number>>
}

/**
 * The lines of the units of `standings` owing the cycle, as of `day`.
 *
 * @since 0.1.0
 */
export const lines = (standings: ReadonlyArray<Standing>, cycle: Cycle, day: string): ReadonlyArray<Line> =>
  standings
    .filter((s) => owes(s, cycle))
    .map((s) => {
      const status = statusOf(s.completion, cycle, day)
      return {
        unitId: s.unit.id,
        kind: s.unit.kind,
        name: s.unit.name,
        path: s.unit.path,
        status,
        completedOn: status === "completed" || status === "completedLate" ? s.completion?.day : undefined
      }
    })

/**
 * The report of `cycle` as of `day` (M18.1), from the standings of a subtree's units.
 *
 * @since 0.1.0
 */
export const report = (standings: ReadonlyArray<Standing>, cycle: Cycle, day: string): Report => {
  const ls = lines(standings, cycle, day)
  const counts = { completed: 0, completedLate: 0, pending: 0, late: 0 }
  for (const l of ls) counts[l.status]++
  return { cycle, asOf: day, lines: ls, counts }
}

/**
 * Is `unit` directly below `parent`?
 *
 * @since 0.1.0
 */
export const isChild = (unit: Pick<Unit.Unit, "path" | "id">, parent: Pick<Unit.Unit, "path">): boolean =>
  unit.path === `${parent.path}${unit.id}/`

/**
 * Decide a unit's completion of a cycle at the instant `context.now` (M18.1): only by an info admin of the unit
 * itself (M13.3: reporting is the info admin's), a school or administrative unit (a department's e-files are its
 * school's); only once the cycle's period has ended; and for a bureau, only when none of the units directly below
 * it that owe the cycle lacks its completion (`outstanding`: those units' ids). The one completion per unit and
 * cycle is the store's to enforce.
 *
 * @since 0.1.0
 */
export const decideComplete = (
  actor: Authorization.Actor,
  unit: Authorization.UnitRef,
  cycle: Cycle,
  outstanding: ReadonlyArray<string>,
  context: Authorization.Context
): Either.Either<Completion, Refusal.Refusal> => {
  const who = { actor: actor.accountId, role: actor.role, actorUnit: actor.unit.id, unit: unit.id }
  const refused = Authorization.decide(actor, { _tag: "ReviewTeacher", unit }, context)
  if (refused !== undefined) return Either.left(refused)
  if (actor.role !== "infoAdmin" || actor.unit.id !== unit.id) {
    return Either.left(
      Refusal.forbidden(
        "M18.1",
        "信息更新完成情况由本单位的信息管理员报告",
        "a unit's info admin records the unit's completion of an update",
        { field: "actor", value: actor.accountId, ...who }
      )
    )
  }
  if (unit.kind === "department") {
    return Either.left(
      Refusal.invalid(
        "M18.1",
        "二级部门的教师信息由所在学校报告更新完成",
        "a department's teachers are reported by its school",
        { field: "unitId", value: unit.id, kind: unit.kind }
      )
    )
  }
  const at = context.now.toISOString()
  const day = dayOf(context.now)
  if (day <= cycle.periodEnd) {
    return Either.left(
      Refusal.invalid(
        "M18.1",
        `更新周期${cycle.id}所涵盖的期间尚未结束（${cycle.periodEnd}），不能报告完成`,
        `the period of cycle ${cycle.id} has not ended (${cycle.periodEnd}): its update cannot be complete`,
        { field: "cycle", value: cycle.id, periodEnd: cycle.periodEnd, today: day }
      )
    )
  }
  if (outstanding.length > 0) {
    return Either.left(
      Refusal.invalid(
        "M18.1",
        "下级单位尚未全部完成本周期的信息更新",
        "units directly below have not all completed this cycle's update",
        { field: "outstanding", value: outstanding.slice(0, 20), count: outstanding.length, cycle: cycle.id }
      )
    )
  }
  return Either.right({ cycle: cycle.id, unitId: unit.id, at, day, by: actor.accountId })
}
