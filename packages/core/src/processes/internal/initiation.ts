/**
 * What every move of a teacher between two schools checks at initiation, in this order: both units are schools or
 * departments; the instant is valid; the actor acts for the initiating party; the teacher is active (M24.3); the
 * schools differ; then the process's own checks (`specific`); the ids and the reason are given. The wording of each
 * process is data (`Wording`), the checks are written once.
 */
import { Option } from "effect"
import * as Authorization from "../../accounts/Authorization.js"
import * as Unit from "../../hierarchy/Unit.js"
import type * as ApprovalChain from "../../kernel/ApprovalChain.js"
import * as Refusal from "../../kernel/Refusal.js"

/** The texts of one process's initiation refusals. */
export interface Wording {
  readonly name: ApprovalChain.Name
  /** Both units must be on the school side. */
  readonly schoolSide: ApprovalChain.Name
  /** The two units are in one school. */
  readonly sameSchool: ApprovalChain.Name
  /** An inactive teacher (M24.3). */
  readonly inactive: ApprovalChain.Name
}

/** The input every such process has. */
export interface Input {
  readonly id: string
  readonly teacher: { readonly id: string; readonly active: boolean }
  readonly from: Authorization.UnitRef
  readonly to: Authorization.UnitRef
  readonly reason: string
}

const isBlank = (s: string) => s.trim().length === 0
const isSchoolSide = (unit: Authorization.UnitRef) => unit.kind === "school" || unit.kind === "department"

/** A refusal of the initiation, with the actor in its details. */
export const refusal =
  (actor: Authorization.Actor) =>
  (rule: Refusal.RuleId, zh: string, en: string, more: Record<string, unknown>): Refusal.Refusal =>
    Refusal.invalid(rule, zh, en, { actor: actor.accountId, role: actor.role, actorUnit: actor.unit.id, ...more })

/** The first refusal of the initiation, or undefined when it may start. */
export const decide = (
  input: Input,
  actor: Authorization.Actor,
  context: Authorization.Context,
  process: { readonly rule: Refusal.RuleId; readonly initiator: Authorization.Party; readonly wording: Wording },
  specific: () => Refusal.Refusal | undefined
): Refusal.Refusal | undefined => {
  const { rule, wording } = process
  const refuse = refusal(actor)
  for (const field of ["from", "to"] as const) {
    if (!isSchoolSide(input[field])) {
      return refuse(rule, wording.schoolSide.zh, wording.schoolSide.en, {
        field,
        value: input[field].id,
        kind: input[field].kind
      })
    }
  }
  if (Number.isNaN(context.now.getTime())) {
    return refuse(rule, "发起时间无效", "the initiation's time is not a valid instant", { field: "now" })
  }
  const notInitiator = Authorization.decideParty(actor, process.initiator, input, context, rule, {
    zh: `发起${wording.name.zh}`,
    en: `initiates a ${wording.name.en}`
  })
  if (notInitiator !== undefined) return notInitiator
  if (!input.teacher.active) {
    return refuse("M24.3", wording.inactive.zh, wording.inactive.en, {
      field: "teacher.active",
      value: false,
      teacher: input.teacher.id
    })
  }
  const fromSchool = Option.getOrUndefined(Unit.schoolId(input.from))
  const toSchool = Option.getOrUndefined(Unit.schoolId(input.to))
  if (fromSchool === toSchool) {
    return refuse(rule, wording.sameSchool.zh, wording.sameSchool.en, {
      field: "to",
      value: input.to.id,
      from: input.from.id,
      school: toSchool
    })
  }
  const refused = specific()
  if (refused !== undefined) return refused
  if (isBlank(input.id) || isBlank(input.teacher.id)) {
    return refuse(rule, `${wording.name.zh}申请须有标识和教师`, `a ${wording.name.en} names itself and its teacher`, {
      field: isBlank(input.id) ? "id" : "teacher.id",
      value: isBlank(input.id) ? input.id : input.teacher.id
    })
  }
  if (isBlank(input.reason)) {
    return refuse(rule, `${wording.name.zh}申请须说明理由`, `a ${wording.name.en} application gives its reason`, {
      field: "reason",
      value: input.reason
    })
  }
  return undefined
}
