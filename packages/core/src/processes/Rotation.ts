/**
 * Exchange and rotation (交流轮岗) of a teacher to another school for a period. M24.1, M24.2, M24.3.
 *
 * The DISPATCHING school (派出学校, the teacher's school) initiates, in both kinds:
 * - without a change of personnel relation (不变更人事关系, M24.1): the dispatching school's competent bureau
 *   confirms, and the rotation is completed. The teacher stays on the dispatching school's roster; the e-file
 *   records the exchange (receiving school, period);
 * - with a change of personnel relation (变更人事关系, M24.2): the dispatching school's competent bureau, the
 *   receiving school (接收学校) and the receiving school's competent bureau confirm, in this order; then the
 *   rotation is completed and the e-file moves to the receiving school ({@link movesEFile}).
 *
 * One approval chain (the `ApprovalChain` kernel) with two routes, one per kind: the dispatching bureau's
 * confirmation leads to `completed` or to `awaitingReceivingSchool` by the route, fixed at initiation by
 * `personnelRelationChanges`.
 *
 * Decisions where the regulation is silent:
 * - Rejection and withdrawal: article 24 names no way out, but a confirmation that cannot be refused is no
 *   confirmation. As for a transfer (M23.2), whoever may confirm a step may reject it there, with a reason, and an
 *   info admin of the dispatching school (or the teacher's department) may withdraw, with a reason, before the last
 *   confirmation. Refusals of events name the rotation's own rule (M24.1 or M24.2), which fixes the order and who
 *   acts, since M23.2 speaks of transfers.
 * - Both schools under one competent bureau (M24.2): both bureau steps are still taken, possibly by the same
 *   account; no step is skipped.
 * - A teacher of a secondary department (二级部门, M20.1): the dispatching school's part (initiation, withdrawal) may
 *   be taken by the department's info admin or the school's; a rotation into a department is confirmed by that
 *   department's info admin or the receiving school's. A rotation within one school is refused.
 * - Cross-province rotations: the machine is the same; in a provincial deployment the other province's steps arrive
 *   through the national exchange.
 * - The period ends after it starts; neither day is checked against the clock. A teacher who is not active cannot
 *   be rotated (M24.3); at most one open transfer or rotation per teacher is the store's to enforce, with
 *   {@link isOpen}.
 *
 * The machine is evaluated with XState's pure `transition`; the guards and {@link send} share one decision, so a
 * refusal names the rule it enforces, and an event the state does not accept is an error, never silently ignored.
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import * as Authorization from "../accounts/Authorization.js"
import * as Unit from "../hierarchy/Unit.js"
import * as ApprovalChain from "../kernel/ApprovalChain.js"
import type * as Refusal from "../kernel/Refusal.js"
import * as Initiation from "./internal/initiation.js"

/**
 * The states of a rotation, in the order of the process; the last three are final. A rotation without a change of
 * personnel relation never visits `awaitingReceivingSchool` and `awaitingReceivingBureau`.
 *
 * @since 0.1.0
 */
export const State = Schema.Literal(
  "awaitingDispatchingBureau",
  "awaitingReceivingSchool",
  "awaitingReceivingBureau",
  "completed",
  "rejected",
  "withdrawn"
)

/**
 * @since 0.1.0
 */
export type State = typeof State.Type

/**
 * The states in which a rotation waits for a confirmation.
 *
 * @since 0.1.0
 */
export type OpenState = "awaitingDispatchingBureau" | "awaitingReceivingSchool" | "awaitingReceivingBureau"

/**
 * The rule of each kind of rotation: M24.1 without, M24.2 with a change of personnel relation.
 *
 * @since 0.1.0
 */
export type Kind = "M24.1" | "M24.2"

/**
 * The teacher being rotated: e-file id, identity number, and whether the teacher is active (在岗).
 *
 * @since 0.1.0
 */
export interface Teacher {
  readonly id: string
  readonly identityNumber: string
  readonly active: boolean
}

/**
 * The period of the rotation: its first and last day, "YYYY-MM-DD".
 *
 * @since 0.1.0
 */
export interface Period {
  readonly start: string
  readonly end: string
}

/**
 * What the dispatching school asks for. `from` is the dispatching school (the teacher's unit: a school or one of
 * its departments), `to` the receiving school or one of its departments.
 *
 * @since 0.1.0
 */
export interface Input {
  readonly id: string
  readonly teacher: Teacher
  readonly from: Authorization.UnitRef
  readonly to: Authorization.UnitRef
  readonly personnelRelationChanges: boolean
  readonly period: Period
  readonly reason: string
}

/**
 * The events of a rotation: a confirmation, a rejection and a withdrawal (both with a reason).
 *
 * @since 0.1.0
 */
export type Event = ApprovalChain.Event<Authorization.Actor>

/**
 * @since 0.1.0
 */
export type EventType = ApprovalChain.EventType

/**
 * The sides that act in a rotation; each acts through an info admin.
 *
 * @since 0.1.0
 */
export type Party = "dispatchingSchool" | "dispatchingBureau" | "receivingSchool" | "receivingBureau"

/**
 * Each party, relative to the rotation's two units: the dispatching side is `from`, the receiving side `to`.
 *
 * @since 0.1.0
 */
export const parties: Record<Party, Authorization.Party> = {
  dispatchingSchool: {
    side: "from",
    level: "school",
    action: "WriteTeacher",
    zh: "派出学校",
    en: "the dispatching school"
  },
  dispatchingBureau: {
    side: "from",
    level: "bureau",
    action: "ReviewTeacher",
    zh: "派出学校主管教育行政部门",
    en: "the dispatching school's competent bureau"
  },
  receivingSchool: { side: "to", level: "school", action: "ReviewTeacher", zh: "接收学校", en: "the receiving school" },
  receivingBureau: {
    side: "to",
    level: "bureau",
    action: "ReviewTeacher",
    zh: "接收学校主管教育行政部门",
    en: "the receiving school's competent bureau"
  }
}

/**
 * One step of the process: in which state it is awaited, which party's info admin takes it, and the rule.
 *
 * @since 0.1.0
 */
export interface Step {
  readonly state: OpenState
  readonly party: Party
  readonly role: "infoAdmin"
  readonly rule: Kind
}

/**
 * The kind of a rotation, by its rule.
 *
 * @since 0.1.0
 */
export const ruleOf = (personnelRelationChanges: boolean): Kind => (personnelRelationChanges ? "M24.2" : "M24.1")

/**
 * Who initiates: an info admin of the dispatching school, in both kinds (M24.1, M24.2).
 *
 * @since 0.1.0
 */
export const initiation = { party: "dispatchingSchool", role: "infoAdmin" } as const

/**
 * Who may withdraw, in any open state: an info admin of the dispatching school.
 *
 * @since 0.1.0
 */
export const withdrawal = { party: "dispatchingSchool", role: "infoAdmin" } as const

/**
 * The confirmations of each kind, in their order.
 *
 * @since 0.1.0
 */
export const steps: Readonly<Record<Kind, ReadonlyArray<Step>>> = {
  "M24.1": [{ state: "awaitingDispatchingBureau", party: "dispatchingBureau", role: "infoAdmin", rule: "M24.1" }],
  "M24.2": [
    { state: "awaitingDispatchingBureau", party: "dispatchingBureau", role: "infoAdmin", rule: "M24.2" },
    { state: "awaitingReceivingSchool", party: "receivingSchool", role: "infoAdmin", rule: "M24.2" },
    { state: "awaitingReceivingBureau", party: "receivingBureau", role: "infoAdmin", rule: "M24.2" }
  ]
}

/**
 * Who did an accepted step, and when.
 *
 * @since 0.1.0
 */
export type Actor = ApprovalChain.Actor

/**
 * One accepted step, as kept in the history: the initiation (from no state) and every accepted event.
 *
 * @since 0.1.0
 */
export type HistoryItem = ApprovalChain.HistoryItem<OpenState>

/**
 * How a rotation ended early: who rejected or withdrew it, in which state, and why.
 *
 * @since 0.1.0
 */
export type Ending = ApprovalChain.Ending<OpenState>

/**
 * The machine's context: the rotation as initiated, the initiator, every accepted step, and how it ended early.
 *
 * @since 0.1.0
 */
export interface Context extends ApprovalChain.Trail<OpenState> {
  readonly id: string
  readonly teacher: Teacher
  readonly from: Authorization.UnitRef
  readonly to: Authorization.UnitRef
  readonly personnelRelationChanges: boolean
  readonly period: Period
  readonly reason: string
}

/**
 * The deployment's certificate policy (M14.2), applied to every actor.
 *
 * @since 0.1.0
 */
export type Policy = Authorization.Policy

/**
 * The rotation as an approval chain: two routes, one per kind; a refused event names the kind's rule, since M23.2
 * speaks of transfers.
 *
 * @since 0.1.0
 */
export const chain = ApprovalChain.make({
  id: "rotation",
  name: { zh: "交流轮岗", en: "rotation" },
  parties,
  initiator: initiation.party,
  withdrawer: withdrawal.party,
  routes: { "M24.1": { rule: "M24.1", steps: steps["M24.1"] }, "M24.2": { rule: "M24.2", steps: steps["M24.2"] } },
  routeOf: (context: Context) => ruleOf(context.personnelRelationChanges),
  decideParty: (actor: Authorization.Actor, party: Party, context: Context, policy: Policy, at, rule, doing) =>
    Authorization.decideParty(actor, parties[party], context, Authorization.contextAt(policy, at), rule, doing),
  defaultPolicy: Authorization.noCertificates
})

/**
 * The rotation machine (XState v5), both kinds in one, derived by the kernel from the steps above:
 * `docs/workflows.md` is generated from it.
 *
 * @since 0.1.0
 */
export const machine = chain.machine

/**
 * A snapshot of the machine: the state (`value`) and the context.
 *
 * @since 0.1.0
 */
export type Snapshot = ApprovalChain.Snapshot<OpenState, Context>

/**
 * The persisted form of a snapshot: the state and the context, plain data.
 *
 * @since 0.1.0
 */
export type Persisted = ApprovalChain.Persisted<OpenState, Context>

/**
 * The confirmation a state waits for in a rotation of this kind: which role of which party acts next. Undefined
 * in a final state, or in a state the kind never visits.
 *
 * @since 0.1.0
 */
export const nextStep = (state: State, personnelRelationChanges: boolean): Step | undefined =>
  steps[ruleOf(personnelRelationChanges)].find((step) => step.state === state)

/**
 * Which party may send an event of `type` in `state` (the same for both kinds); undefined when the state does not
 * accept it.
 *
 * @since 0.1.0
 */
export const whoActs = (state: State, type: EventType): Party | undefined => chain.whoActs(state, type, "M24.2")

const isDay = Schema.is(Unit.Day)

const wording: Initiation.Wording = {
  name: { zh: "交流轮岗", en: "rotation" },
  schoolSide: {
    zh: "交流轮岗的派出、接收单位须为学校或其二级部门",
    en: "a rotation sends a teacher from a school (or department) to another school (or department)"
  },
  sameSchool: {
    zh: "交流轮岗须到另一所学校",
    en: "a rotation sends the teacher to another school, not within its own"
  },
  inactive: { zh: "不在岗的教师不能交流轮岗", en: "a teacher who is not active cannot be rotated" }
}

/**
 * Decide an initiation by `actor`: the first snapshot (awaiting the dispatching bureau), or the refusal naming the
 * rule. Only an info admin of the dispatching school (or the teacher's department) initiates (M24.1, M24.2); the
 * teacher is active (M24.3); the two units are in different schools; the period ends after it starts. The
 * initiation is dated `context.now`.
 *
 * @since 0.1.0
 */
export const decideInitiate = (
  input: Input,
  actor: Authorization.Actor,
  context: Authorization.Context
): Either.Either<Snapshot, Refusal.Refusal> => {
  const rule = ruleOf(input.personnelRelationChanges)
  const refuse = Initiation.refusal(actor)
  const period = () => {
    for (const field of ["start", "end"] as const) {
      if (!isDay(input.period[field])) {
        return refuse(rule, "交流期限日期格式应为YYYY-MM-DD", "the period's days are real days written YYYY-MM-DD", {
          field: `period.${field}`,
          value: input.period[field]
        })
      }
    }
    return input.period.end <= input.period.start
      ? refuse(rule, "交流期限的结束日期须晚于开始日期", "the period ends after it starts", {
          field: "period.end",
          value: input.period.end,
          start: input.period.start
        })
      : undefined
  }
  const refused = Initiation.decide(
    input,
    actor,
    context,
    { rule, initiator: parties[initiation.party], wording },
    period
  )
  if (refused !== undefined) return Either.left(refused)
  const initiator: Actor = {
    actor: actor.accountId,
    role: actor.role,
    actorUnit: actor.unit.id,
    at: context.now.toISOString()
  }
  return Either.right(
    chain.initial({
      id: input.id,
      teacher: { id: input.teacher.id, identityNumber: input.teacher.identityNumber, active: input.teacher.active },
      from: { id: input.from.id, kind: input.from.kind, path: input.from.path },
      to: { id: input.to.id, kind: input.to.kind, path: input.to.path },
      personnelRelationChanges: input.personnelRelationChanges,
      period: { start: input.period.start, end: input.period.end },
      reason: input.reason.trim(),
      initiator,
      history: [chain.initiated(initiator, input.reason.trim())],
      rejection: undefined,
      withdrawal: undefined
    })
  )
}

/**
 * The chain's operations (`ApprovalChain`): `decideEvent(state, context, event, policy?)` and `decide(snapshot,
 * event, policy?)` give the refusal of an event or undefined; `send` decides it once and takes it; `apply` is the
 * context after an accepted event; `accepts` reads the machine; `persist` and `restore` convert to plain data;
 * `isOpen` (M24.3 counts the open ones) and `isFinal` (completed, rejected or withdrawn).
 *
 * @since 0.1.0
 */
export const { decideEvent, decide, send, apply, accepts, persist, restore, isOpen, isFinal } = chain

/**
 * Does this rotation, once completed, move the e-file to the receiving school? Only with a change of personnel
 * relation (M24.2); without one (M24.1) the e-file stays and records the exchange (O4.1).
 *
 * @since 0.1.0
 */
export const movesEFile = (context: Pick<Context, "personnelRelationChanges">): boolean =>
  context.personnelRelationChanges
