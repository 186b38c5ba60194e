/**
 * Change request (变更申请) for an effective entry of a teacher's e-file. M19.2.
 *
 * An effective entry is changed only on a request by an info admin of the teacher's school (for a teacher of a
 * secondary department also the department's info admin, M20.1, as in {@link Review}), approved by an info admin
 * of the school's competent bureau. The request is made against one version of the entry; it applies only if the
 * entry is still at that version, so a change never overwrites a newer one (the store applies it atomically with
 * the same version check).
 *
 * requested → approved | refused; approved → applied. Refused and applied are final.
 *
 * Where the regulation is silent: a request states its reason (the bureau reviews it), and a refusal states its
 * reason, as a rejection in review does (M17.1).
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import type * as Account from "../accounts/Account.js"
import * as Authorization from "../accounts/Authorization.js"
import * as Refusal from "../kernel/Refusal.js"
import type * as Review from "./Review.js"

/**
 * The states of a change request.
 *
 * @since 0.1.0
 */
export const Status = Schema.Literal("requested", "approved", "refused", "applied")

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
  requested: "提出",
  approved: "审核通过",
  refused: "审核不通过",
  applied: "变更"
}

/**
 * A change request.
 *
 * @since 0.1.0
 */
export interface ChangeRequest {
  readonly id: string
  readonly entryId: string
  /** The identity number of the teacher whose entry it is. */
  readonly teacher: string
  /** The unit of the teacher when the request was made; its school requests, its competent bureau approves. */
  readonly unit: Authorization.UnitRef
  /** The version of the effective entry the change was made against. */
  readonly baseVersion: number
  /** The new values, by indicator key. */
  readonly change: Readonly<Record<string, unknown>>
  readonly reason: string
  readonly status: Status
  readonly requestedBy: Account.AccountId
  readonly requestedAt: string
  readonly decidedBy: Account.AccountId | undefined
  readonly decidedAt: string | undefined
  readonly refusal: string | undefined
  /** The entry's version once the change applied: `baseVersion + 1`. */
  readonly appliedVersion: number | undefined
}

const fail = (zh: string, en: string, details: Record<string, unknown>) =>
  Either.left(Refusal.invalid("M19.2", zh, en, details))

const refuseWith = (v: Refusal.Refusal) => Either.left(v)

const isBlank = (s: string) => s.trim().length === 0

/**
 * What a school's info admin submits: the entry as it stands (id, teacher, version, review state) and the change.
 *
 * @since 0.1.0
 */
export interface NewRequest {
  readonly id: string
  readonly entry: {
    readonly id: string
    readonly teacher: string
    readonly version: number
    readonly state: Review.State
  }
  readonly unit: Authorization.UnitRef
  readonly change: Readonly<Record<string, unknown>>
  readonly reason: string
}

/**
 * Request a change of an effective entry (M19.2): only by an info admin of the teacher's school (or department),
 * only for an effective entry, with a change and a reason.
 *
 * @since 0.1.0
 */
export const request = (
  input: NewRequest,
  actor: Authorization.Actor,
  context: Authorization.Context
): Either.Either<ChangeRequest, Refusal.Refusal> => {
  const refusal = Authorization.decideSchoolAdmin(actor, input.unit, context, "M19.2", "WriteTeacher")
  if (refusal !== undefined) return refuseWith(refusal)
  if (input.entry.state !== "effective") {
    return fail(
      "未生效的信息在审核流程中修改，无须变更申请",
      "an entry not yet effective is changed within its review, not by a change request",
      { field: "entry.state", value: input.entry.state, entry: input.entry.id }
    )
  }
  if (!Number.isInteger(input.entry.version) || input.entry.version < 0) {
    return fail("信息版本号应为非负整数", "an entry's version is a non-negative integer", {
      field: "entry.version",
      value: input.entry.version
    })
  }
  if (Object.keys(input.change).length === 0) {
    return fail("变更申请须包含变更内容", "a change request changes something", {
      field: "change",
      value: input.change
    })
  }
  if (isBlank(input.reason)) {
    return fail("变更申请须说明理由", "a change request states its reason", { field: "reason", value: input.reason })
  }
  return Either.right({
    id: input.id,
    entryId: input.entry.id,
    teacher: input.entry.teacher,
    unit: input.unit,
    baseVersion: input.entry.version,
    change: input.change,
    reason: input.reason.trim(),
    status: "requested",
    requestedBy: actor.accountId,
    requestedAt: context.now.toISOString(),
    decidedBy: undefined,
    decidedAt: undefined,
    refusal: undefined,
    appliedVersion: undefined
  })
}

const decideBureau = (req: ChangeRequest, actor: Authorization.Actor, context: Authorization.Context) => {
  if (req.status !== "requested") {
    return fail(
      `变更申请已${statusName[req.status]}，不能再审核`,
      `a ${req.status} change request is not reviewed again`,
      {
        field: "status",
        value: req.status,
        request: req.id
      }
    )
  }
  const refusal = Authorization.decideBureauAdmin(actor, req.unit, context, "M19.2")
  return refusal === undefined ? Either.void : refuseWith(refusal)
}

/**
 * Approve a request (M19.2): only an info admin of the competent bureau of the teacher's school.
 *
 * @since 0.1.0
 */
export const approve = (
  req: ChangeRequest,
  actor: Authorization.Actor,
  context: Authorization.Context
): Either.Either<ChangeRequest, Refusal.Refusal> =>
  Either.map(decideBureau(req, actor, context), () => ({
    ...req,
    status: "approved" as const,
    decidedBy: actor.accountId,
    decidedAt: context.now.toISOString()
  }))

/**
 * Refuse a request with a reason (M19.2): only an info admin of the competent bureau.
 *
 * @since 0.1.0
 */
export const refuse = (
  req: ChangeRequest,
  actor: Authorization.Actor,
  reason: string,
  context: Authorization.Context
): Either.Either<ChangeRequest, Refusal.Refusal> =>
  Either.flatMap(decideBureau(req, actor, context), () =>
    isBlank(reason)
      ? fail("审核不通过须说明理由", "a refusal states its reason", { field: "reason", value: reason, request: req.id })
      : Either.right({
          ...req,
          status: "refused" as const,
          decidedBy: actor.accountId,
          decidedAt: context.now.toISOString(),
          refusal: reason.trim()
        })
  )

/**
 * Decide whether an approved request applies to the entry now at `currentEntryVersion` (M19.2): only if the entry
 * has not moved on since the request was made. Returns the applied request, whose `appliedVersion` is the entry's
 * next version; the store writes both with the same version check (`WHERE version = baseVersion`).
 *
 * @since 0.1.0
 */
export const decideApply = (
  req: ChangeRequest,
  currentEntryVersion: number
): Either.Either<ChangeRequest, Refusal.Refusal> => {
  if (req.status !== "approved") {
    return fail(
      "变更须经主管教育行政部门审核通过后才能生效",
      `only an approved change request applies; this one is ${req.status}`,
      { field: "status", value: req.status, request: req.id }
    )
  }
  if (currentEntryVersion !== req.baseVersion) {
    return fail(
      "申请提出后该信息已被变更，本次变更不予执行，请基于最新信息重新申请",
      `the entry moved on since the request (version ${req.baseVersion} → ${currentEntryVersion}); the change does not apply`,
      { field: "baseVersion", value: req.baseVersion, currentVersion: currentEntryVersion, request: req.id }
    )
  }
  return Either.right({ ...req, status: "applied", appliedVersion: req.baseVersion + 1 })
}
