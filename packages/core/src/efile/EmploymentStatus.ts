/**
 * Employment status (人员状态 / 在职情况) of a teacher at the school, with its dated history. M22.1.
 *
 * Statuses (domain-facts): in post at the school (在本单位任职); temporarily not in post (暂未在本单位任职), with a
 * reason such as secondment (借出), long sick leave (长病假) or further study (进修); resigned (离职); retired (退休);
 * deceased (死亡); transferred out (调出).
 *
 * Only an info admin of the teacher's school records a change (for a teacher of a secondary department also the
 * department's info admin, M20.1, as in {@link Review}). Each change is dated; the history is appended to, never
 * rewritten, and counts as of a day follow it.
 *
 * Where the regulation is silent: a change is dated strictly after the last one (one status per day, no
 * back-dating before the recorded history); nothing follows death; a "change" to the status already in force is
 * refused; any status may follow retirement, resignation or a transfer out (re-employment, a transfer cancelled).
 *
 * The national codes are unconfirmed: {@link defaultCodes} are configuration, to be replaced by a deployment.
 *
 * @since 0.1.0
 */
import { Either, Option, Schema } from "effect"
import type * as Account from "../accounts/Account.js"
import * as Authorization from "../accounts/Authorization.js"
import * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"

/**
 * The statuses.
 *
 * @since 0.1.0
 */
export const Status = Schema.Literal("serving", "notServing", "resigned", "retired", "deceased", "transferredOut")

/**
 * @since 0.1.0
 */
export type Status = typeof Status.Type

/**
 * The Chinese name of each status.
 *
 * @since 0.1.0
 */
export const statusName: Record<Status, string> = {
  serving: "在本单位任职",
  notServing: "暂未在本单位任职",
  resigned: "离职",
  retired: "退休",
  deceased: "死亡",
  transferredOut: "调出"
}

/**
 * Why a teacher is temporarily not in post. The three of domain-facts (借出, 长病假, 进修) and the further reasons
 * seen in deployed systems; secondment is split as those systems split it (to a government body, to an institution).
 *
 * @since 0.1.0
 */
export const Reason = Schema.Literal(
  "secondedToGovernment",
  "secondedToInstitution",
  "longSickLeave",
  "furtherStudy",
  "rotation",
  "enterprisePractice",
  "abroadOnDuty",
  "startup",
  "awaitingRetirement",
  "awaitingPost",
  "missing",
  "other"
)

/**
 * @since 0.1.0
 */
export type Reason = typeof Reason.Type

/**
 * The Chinese name of each reason.
 *
 * @since 0.1.0
 */
export const reasonName: Record<Reason, string> = {
  secondedToGovernment: "借出到机关",
  secondedToInstitution: "借出到事业单位",
  longSickLeave: "长病假",
  furtherStudy: "进修",
  rotation: "交流轮岗",
  enterprisePractice: "企业实践",
  abroadOnDuty: "因公出国",
  startup: "离岗创业",
  awaitingRetirement: "待退休",
  awaitingPost: "待岗",
  missing: "下落不明",
  other: "其他"
}

/**
 * The codes of the statuses, and of each reason of "not in post", as a deployment exchanges them.
 *
 * @since 0.1.0
 */
export interface CodeTable {
  readonly status: Record<Exclude<Status, "notServing">, string>
  readonly notServing: Record<Reason, string>
}

/**
 * Default codes — UNCONFIRMED, configuration. 100 and 201–211, 299 are the 人员状态 codes seen in more than one
 * deployed e-file system (100 在本单位任职, 2xx 暂未在本单位任职-reason); 301 退休, 303 死亡, 305 调出, 307 离职 follow
 * one deployed system's "300 + 教师状态" convention. Replace them with the national table once confirmed.
 *
 * @since 0.1.0
 */
export const defaultCodes: CodeTable = {
  status: { serving: "100", retired: "301", deceased: "303", transferredOut: "305", resigned: "307" },
  notServing: {
    secondedToGovernment: "201",
    secondedToInstitution: "202",
    longSickLeave: "203",
    furtherStudy: "204",
    rotation: "205",
    enterprisePractice: "206",
    abroadOnDuty: "207",
    startup: "208",
    awaitingRetirement: "209",
    awaitingPost: "210",
    missing: "211",
    other: "299"
  }
}

/**
 * The code of a status (and reason, when not in post).
 *
 * @since 0.1.0
 */
export const toCode = (
  value: { readonly status: Status; readonly reason?: Reason | undefined },
  codes: CodeTable = defaultCodes
): string => (value.status === "notServing" ? codes.notServing[value.reason ?? "other"] : codes.status[value.status])

/**
 * The status (and reason) of a code; none for an unknown code.
 *
 * @since 0.1.0
 */
export const fromCode = (
  code: string,
  codes: CodeTable = defaultCodes
): Option.Option<{ readonly status: Status; readonly reason: Reason | undefined }> => {
  for (const [status, c] of Object.entries(codes.status)) {
    if (c === code) return Option.some({ status: status as Status, reason: undefined })
  }
  for (const [reason, c] of Object.entries(codes.notServing)) {
    if (c === code) return Option.some({ status: "notServing", reason: reason as Reason })
  }
  return Option.none()
}

/**
 * A change as the school's info admin enters it: the new status, the day it takes effect, and the reason when
 * the teacher is temporarily not in post.
 *
 * @since 0.1.0
 */
export interface Change {
  readonly status: Status
  readonly effective: string
  readonly reason?: Reason
}

/**
 * A recorded change.
 *
 * @since 0.1.0
 */
export interface Recorded {
  readonly status: Status
  readonly effective: string
  readonly reason: Reason | undefined
  readonly recordedBy: Account.AccountId
  /** The teacher's unit (school or department) when the change was recorded. */
  readonly unit: Unit.UnitId
}

/**
 * A teacher's status history, oldest first.
 *
 * @since 0.1.0
 */
export type History = ReadonlyArray<Recorded>

const fail = (zh: string, en: string, details: Record<string, unknown>) =>
  Either.left(Refusal.invalid("M22.1", zh, en, details))

const isDay = Schema.is(Unit.Day)

/** Certificates are the deployment's choice; without them the instant is not consulted. */
const noCertificates: Authorization.Context = { requireCertificateFor: [], now: new Date(0) }

const latest = (history: History): Recorded | undefined => {
  let last: Recorded | undefined
  for (const r of history) if (last === undefined || r.effective > last.effective) last = r
  return last
}

/**
 * Record a change of employment status (M22.1): only by an info admin of the teacher's school, dated strictly
 * after the last change, never after death, with a reason exactly when the teacher is temporarily not in post.
 * Returns the history with the change appended. `context` carries the certificate policy (M14.2) and the current
 * instant; without it no certificate is required.
 *
 * @since 0.1.0
 */
export const recordChange = (
  history: History,
  change: Change,
  actor: Authorization.Actor,
  unit: Authorization.UnitRef,
  context: Authorization.Context = noCertificates
): Either.Either<History, Refusal.Refusal> => {
  const refusal = Authorization.decideSchoolAdmin(actor, unit, context, "M22.1", "WriteTeacher")
  if (refusal !== undefined) return Either.left(refusal)
  if (!isDay(change.effective)) {
    return fail("变动日期格式应为YYYY-MM-DD", "a status change is dated YYYY-MM-DD", {
      field: "effective",
      value: change.effective
    })
  }
  if (!Schema.is(Status)(change.status)) {
    return fail("人员状态不在代码表中", "the status is not one of the code table", {
      field: "status",
      value: change.status
    })
  }
  const reason = change.reason
  if (change.status === "notServing" && (reason === undefined || !Schema.is(Reason)(reason))) {
    return fail(
      "暂未在本单位任职须注明原因（借出、长病假、进修等）",
      "a teacher temporarily not in post has a reason (secondment, long sick leave, further study, …)",
      { field: "reason", value: reason }
    )
  }
  if (change.status !== "notServing" && reason !== undefined) {
    return fail("只有暂未在本单位任职需要注明原因", "only a teacher temporarily not in post has a reason", {
      field: "reason",
      value: reason,
      status: change.status
    })
  }
  const last = latest(history)
  if (last !== undefined) {
    if (last.status === "deceased") {
      return fail("教师已故，不能再变更人员状态", "no status follows death", {
        field: "status",
        value: change.status,
        deceasedOn: last.effective
      })
    }
    if (change.effective <= last.effective) {
      return fail(
        `变动日期须晚于上一次变动日期${last.effective}`,
        `a status change is dated after the last one (${last.effective})`,
        { field: "effective", value: change.effective, lastEffective: last.effective }
      )
    }
    if (last.status === change.status && last.reason === reason) {
      return fail(`人员状态已是${statusName[change.status]}`, `the status already is ${change.status}`, {
        field: "status",
        value: change.status,
        since: last.effective
      })
    }
  }
  return Either.right([
    ...history,
    { status: change.status, effective: change.effective, reason, recordedBy: actor.accountId, unit: unit.id }
  ])
}

/**
 * The change in force on `day`: the latest dated on or before it; none before the first.
 *
 * @since 0.1.0
 */
export const statusAsOf = (history: History, day: string): Option.Option<Recorded> =>
  Option.fromNullable(latest(history.filter((r) => r.effective <= day)))

/**
 * How many teachers are in each status on `day`, for statistics (M22.1: totals follow the history). Teachers
 * with no status yet on that day are not counted.
 *
 * @since 0.1.0
 */
export const countByStatus = (histories: Iterable<History>, day: string): Record<Status, number> => {
  const counts: Record<Status, number> = {
    serving: 0,
    notServing: 0,
    resigned: 0,
    retired: 0,
    deceased: 0,
    transferredOut: 0
  }
  for (const history of histories) {
    const current = statusAsOf(history, day)
    if (Option.isSome(current)) counts[current.value.status]++
  }
  return counts
}
