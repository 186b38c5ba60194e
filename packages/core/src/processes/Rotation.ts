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
 * One machine serves both kinds: the dispatching bureau's confirmation leads to `completed` or to
 * `awaitingReceivingSchool` by a guard on `personnelRelationChanges`, fixed at initiation.
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
import { Either, Option, Schema } from "effect"
import { assign, initialTransition, type SnapshotFrom, setup, transition } from "xstate"
import type * as Account from "../accounts/Account.js"
import type * as Authorization from "../accounts/Authorization.js"
import * as Review from "../efile/Review.js"
import * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"

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
 * What every event carries: the acting account and the instant (ISO 8601) it acts.
 *
 * @since 0.1.0
 */
export interface EventBase {
  readonly actor: Authorization.Actor
  readonly at: string
}

/**
 * The events of a rotation: a confirmation, a rejection and a withdrawal (both with a reason).
 *
 * @since 0.1.0
 */
export type Event =
  | (EventBase & { readonly type: "confirm" })
  | (EventBase & { readonly type: "reject"; readonly reason: string })
  | (EventBase & { readonly type: "withdraw"; readonly reason: string })

/**
 * @since 0.1.0
 */
export type EventType = Event["type"]

/**
 * The sides that act in a rotation; each acts through an info admin.
 *
 * @since 0.1.0
 */
export type Party = "dispatchingSchool" | "dispatchingBureau" | "receivingSchool" | "receivingBureau"

/**
 * The name of each party, for messages and documents.
 *
 * @since 0.1.0
 */
export const parties: Record<Party, { readonly zh: string; readonly en: string }> = {
  dispatchingSchool: { zh: "派出学校", en: "the dispatching school" },
  dispatchingBureau: { zh: "派出学校主管教育行政部门", en: "the dispatching school's competent bureau" },
  receivingSchool: { zh: "接收学校", en: "the receiving school" },
  receivingBureau: { zh: "接收学校主管教育行政部门", en: "the receiving school's competent bureau" }
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
 * The confirmation a state waits for in a rotation of this kind: which role of which party acts next. Undefined
 * in a final state, or in a state the kind never visits.
 *
 * @since 0.1.0
 */
export const nextStep = (state: State, personnelRelationChanges: boolean): Step | undefined =>
  steps[ruleOf(personnelRelationChanges)].find((step) => step.state === state)

/**
 * Which party may send an event of `type` in `state` (the same for both kinds); undefined when the state does not
 * accept it. The decisions and the generated documents both read this.
 *
 * @since 0.1.0
 */
export const whoActs = (state: State, type: EventType): Party | undefined => {
  const step = nextStep(state, true)
  if (step === undefined) return undefined
  // Guards against event types from outside the type system (a stored or posted event).
  if (type !== "confirm" && type !== "reject" && type !== "withdraw") return undefined
  return type === "withdraw" ? withdrawal.party : step.party
}

/**
 * Who did an accepted step, and when.
 *
 * @since 0.1.0
 */
export interface Actor {
  readonly actor: Account.AccountId
  readonly role: Account.Role
  readonly actorUnit: Unit.UnitId
  readonly at: string
}

/**
 * One accepted step, as kept in the history: the initiation (from no state) and every accepted event.
 *
 * @since 0.1.0
 */
export interface HistoryItem extends Actor {
  readonly type: "initiate" | EventType
  readonly from: State | undefined
  readonly to: State
  /** The reason of an initiation, a rejection or a withdrawal. */
  readonly detail: string | undefined
}

/**
 * How a rotation ended early: who rejected or withdrew it, in which state, and why.
 *
 * @since 0.1.0
 */
export interface Ending extends Actor {
  readonly state: OpenState
  readonly reason: string
}

/**
 * The machine's context: the rotation as initiated, the initiator, every accepted step, and how it ended early.
 *
 * @since 0.1.0
 */
export interface Context {
  readonly id: string
  readonly teacher: Teacher
  readonly from: Authorization.UnitRef
  readonly to: Authorization.UnitRef
  readonly personnelRelationChanges: boolean
  readonly period: Period
  readonly reason: string
  readonly initiator: Actor
  readonly history: ReadonlyArray<HistoryItem>
  readonly rejection: Ending | undefined
  readonly withdrawal: Ending | undefined
}

/**
 * The deployment's certificate policy (M14.2), applied to every actor.
 *
 * @since 0.1.0
 */
export type Policy = Review.Policy

/** The machine's input: the checked initiation. */
interface Initiation {
  readonly input: Input
  readonly initiator: Actor
}

/** The machine's events: the public event with the policy the guards apply. */
type MachineEvent = Event & { readonly policy: Policy }

const isBlank = (s: string) => s.trim().length === 0
const isDay = Schema.is(Unit.Day)
const isInstant = (at: string) => !Number.isNaN(Date.parse(at))

const actorDetails = (actor: Authorization.Actor) => ({
  actor: actor.accountId,
  role: actor.role,
  actorUnit: actor.unit.id
})

const details = (event: Pick<Event, "type" | "actor">, more: Record<string, unknown>) => ({
  event: event.type,
  ...actorDetails(event.actor),
  ...more
})

const isSchoolSide = (unit: Authorization.UnitRef) => unit.kind === "school" || unit.kind === "department"

/** The unit a party acts for, and the ids of the units whose info admins act for it. */
const partyUnits = (
  party: Party,
  units: { readonly from: Authorization.UnitRef; readonly to: Authorization.UnitRef }
): { readonly unit: Authorization.UnitRef; readonly bureau: boolean; readonly ids: ReadonlyArray<string> } => {
  const unit = party === "dispatchingSchool" || party === "dispatchingBureau" ? units.from : units.to
  const bureau = party === "dispatchingBureau" || party === "receivingBureau"
  const ids = bureau
    ? Option.toArray(Unit.competentBureauId(unit))
    : [...Option.toArray(Unit.schoolId(unit)), ...(unit.kind === "department" ? [unit.id] : [])]
  return { unit, bureau, ids }
}

/**
 * Does `actor` act for `party` of the rotation between `from` and `to`? Undefined when it does, else the violation:
 * `rule` when the actor belongs to another unit (a step skipped or taken by anyone else), else whatever
 * authorization refuses (a disabled account, a missing certificate, a role that does not review).
 */
const decideParty = (
  actor: Authorization.Actor,
  party: Party,
  units: { readonly from: Authorization.UnitRef; readonly to: Authorization.UnitRef },
  auth: Authorization.Context,
  rule: Refusal.RuleId,
  doing: { readonly zh: string; readonly en: string }
): Refusal.Refusal | undefined => {
  const { unit, bureau, ids } = partyUnits(party, units)
  const wrongParty = () =>
    Refusal.forbidden(
      rule,
      `须由${parties[party].zh}的信息管理员${doing.zh}`,
      `only an info admin of ${parties[party].en} ${doing.en}`,
      { ...actorDetails(actor), field: "actor", value: actor.accountId, party, expected: ids, unit: unit.id }
    )
  if (!ids.includes(actor.unit.id)) return wrongParty()
  const refusal = bureau
    ? Review.decideBureauAdmin(actor, unit, auth, rule)
    : Review.decideSchoolAdmin(
        actor,
        unit,
        auth,
        rule,
        party === "dispatchingSchool" ? "WriteTeacher" : "ReviewTeacher"
      )
  // Say which party was expected, rather than the review's generic wording.
  return refusal !== undefined && refusal.rule === rule ? wrongParty() : refusal
}

const authorizationContext = (policy: Policy, at: string): Authorization.Context => ({
  requireCertificateFor: policy.requireCertificateFor,
  now: new Date(at)
})

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
  const refuse = (refused: Refusal.RuleId, zh: string, en: string, more: Record<string, unknown>) =>
    Either.left(Refusal.invalid(refused, zh, en, { ...actorDetails(actor), ...more }))
  for (const field of ["from", "to"] as const) {
    if (!isSchoolSide(input[field])) {
      return refuse(
        rule,
        "交流轮岗的派出、接收单位须为学校或其二级部门",
        "a rotation sends a teacher from a school (or department) to another school (or department)",
        { field, value: input[field].id, kind: input[field].kind }
      )
    }
  }
  if (Number.isNaN(context.now.getTime())) {
    return refuse(rule, "发起时间无效", "the initiation's time is not a valid instant", { field: "now" })
  }
  const notDispatching = decideParty(actor, initiation.party, input, context, rule, {
    zh: "发起交流轮岗",
    en: "initiates a rotation"
  })
  if (notDispatching !== undefined) return Either.left(notDispatching)
  if (!input.teacher.active) {
    return refuse("M24.3", "不在岗的教师不能交流轮岗", "a teacher who is not active cannot be rotated", {
      field: "teacher.active",
      value: false,
      teacher: input.teacher.id
    })
  }
  const fromSchool = Option.getOrUndefined(Unit.schoolId(input.from))
  const toSchool = Option.getOrUndefined(Unit.schoolId(input.to))
  if (fromSchool === toSchool) {
    return refuse(
      rule,
      "交流轮岗须到另一所学校",
      "a rotation sends the teacher to another school, not within its own",
      { field: "to", value: input.to.id, from: input.from.id, school: toSchool }
    )
  }
  for (const field of ["start", "end"] as const) {
    if (!isDay(input.period[field])) {
      return refuse(rule, "交流期限日期格式应为YYYY-MM-DD", "the period's days are real days written YYYY-MM-DD", {
        field: `period.${field}`,
        value: input.period[field]
      })
    }
  }
  if (input.period.end <= input.period.start) {
    return refuse(rule, "交流期限的结束日期须晚于开始日期", "the period ends after it starts", {
      field: "period.end",
      value: input.period.end,
      start: input.period.start
    })
  }
  if (isBlank(input.id) || isBlank(input.teacher.id)) {
    return refuse(rule, "交流轮岗申请须有标识和教师", "a rotation names itself and its teacher", {
      field: isBlank(input.id) ? "id" : "teacher.id",
      value: isBlank(input.id) ? input.id : input.teacher.id
    })
  }
  if (isBlank(input.reason)) {
    return refuse(rule, "交流轮岗申请须说明理由", "a rotation application gives its reason", {
      field: "reason",
      value: input.reason
    })
  }
  const initiator: Actor = {
    actor: actor.accountId,
    role: actor.role,
    actorUnit: actor.unit.id,
    at: context.now.toISOString()
  }
  return Either.right(initialTransition(machine, { input, initiator })[0])
}

/**
 * The rules of an event the state accepts: who may send it and what it must carry. Undefined when allowed. The
 * machine's guards call this, and {@link send} reports what it returns.
 *
 * @since 0.1.0
 */
export const decideEvent = (
  state: State,
  context: Context,
  event: Event,
  policy: Policy = Review.noCertificates
): Refusal.Refusal | undefined => {
  const rule = ruleOf(context.personnelRelationChanges)
  if (!isInstant(event.at)) {
    return Refusal.invalid(
      rule,
      "事件时间应为ISO 8601时刻",
      "an event's time is an ISO 8601 instant",
      details(event, { field: "at", value: event.at })
    )
  }
  const party = nextStep(state, context.personnelRelationChanges) === undefined ? undefined : whoActs(state, event.type)
  if (party === undefined) return notAccepted(state, context, event)
  const auth = authorizationContext(policy, event.at)
  const doing = {
    confirm: { zh: "确认此环节", en: `confirms in state ${state}` },
    reject: { zh: "退回此环节", en: `rejects in state ${state}` },
    withdraw: { zh: "撤回交流轮岗", en: "withdraws the rotation" }
  }[event.type]
  const refusal = decideParty(event.actor, party, context, auth, rule, doing)
  if (refusal !== undefined || event.type === "confirm") return refusal
  return isBlank(event.reason)
    ? Refusal.invalid(
        rule,
        event.type === "reject" ? "退回须说明理由" : "撤回须说明理由",
        `a ${event.type === "reject" ? "rejection" : "withdrawal"} gives its reason`,
        details(event, { field: "reason", value: event.reason })
      )
    : undefined
}

const notAccepted = (state: State, context: Context, event: Event): Refusal.Refusal =>
  isFinal(state)
    ? Refusal.invalid(
        ruleOf(context.personnelRelationChanges),
        `交流轮岗已结束（${state}），不再接受任何操作`,
        `a ${state} rotation accepts nothing more`,
        details(event, { field: "type", value: event.type, state })
      )
    : Refusal.invalid(
        ruleOf(context.personnelRelationChanges),
        `当前状态（${state}）不接受此操作`,
        `a rotation in state ${state} does not accept ${event.type}`,
        details(event, { field: "type", value: event.type, state })
      )

/**
 * The context after an accepted event moving the rotation from `from` to `to`: one more history item, and the
 * rejection or withdrawal it records.
 *
 * @since 0.1.0
 */
export const apply = (context: Context, event: Event, from: State, to: State): Context => {
  const by: Actor = {
    actor: event.actor.accountId,
    role: event.actor.role,
    actorUnit: event.actor.unit.id,
    at: event.at
  }
  const reason = event.type === "confirm" ? undefined : event.reason.trim()
  const next: Context = {
    ...context,
    history: [...context.history, { ...by, type: event.type, from, to, detail: reason }]
  }
  const ending = (): Ending => ({ ...by, state: from as OpenState, reason: reason ?? "" })
  switch (event.type) {
    case "confirm":
      return next
    case "reject":
      return { ...next, rejection: ending() }
    case "withdraw":
      return { ...next, withdrawal: ending() }
  }
}

const guarded = (state: State, kind?: Kind) => ({
  type: "permitted" as const,
  params: kind === undefined ? { state } : { state, kind }
})
const applied = (from: State, to: State) => ({ type: "apply" as const, params: { from, to } })
const move = (from: State, to: State, kind?: Kind) => ({
  target: to,
  guard: guarded(from, kind),
  actions: applied(from, to)
})
const ends = (state: OpenState) => ({ reject: move(state, "rejected"), withdraw: move(state, "withdrawn") })

/**
 * The rotation machine (XState v5), both kinds in one: the dispatching bureau's confirmation goes to `completed`
 * under M24.1 and on to the receiving school under M24.2 (the guards' `kind`). Its definition is data:
 * `docs/workflows.md` is generated from it.
 *
 * @since 0.1.0
 */
export const machine = setup({
  types: {
    context: {} as Context,
    events: {} as MachineEvent,
    input: {} as Initiation
  },
  guards: {
    permitted: ({ context, event }, params: { readonly state: State; readonly kind?: Kind }) =>
      (params.kind === undefined || params.kind === ruleOf(context.personnelRelationChanges)) &&
      decideEvent(params.state, context, event, event.policy) === undefined
  },
  actions: {
    apply: assign(({ context, event }, params: { readonly from: State; readonly to: State }) =>
      apply(context, event, params.from, params.to)
    )
  }
}).createMachine({
  id: "rotation",
  initial: "awaitingDispatchingBureau",
  context: ({ input: { input, initiator } }) => ({
    id: input.id,
    teacher: { id: input.teacher.id, identityNumber: input.teacher.identityNumber, active: input.teacher.active },
    from: { id: input.from.id, kind: input.from.kind, path: input.from.path },
    to: { id: input.to.id, kind: input.to.kind, path: input.to.path },
    personnelRelationChanges: input.personnelRelationChanges,
    period: { start: input.period.start, end: input.period.end },
    reason: input.reason.trim(),
    initiator,
    history: [
      { ...initiator, type: "initiate", from: undefined, to: "awaitingDispatchingBureau", detail: input.reason.trim() }
    ],
    rejection: undefined,
    withdrawal: undefined
  }),
  states: {
    awaitingDispatchingBureau: {
      on: {
        confirm: [
          move("awaitingDispatchingBureau", "completed", "M24.1"),
          move("awaitingDispatchingBureau", "awaitingReceivingSchool", "M24.2")
        ],
        ...ends("awaitingDispatchingBureau")
      }
    },
    awaitingReceivingSchool: {
      on: {
        confirm: move("awaitingReceivingSchool", "awaitingReceivingBureau", "M24.2"),
        ...ends("awaitingReceivingSchool")
      }
    },
    awaitingReceivingBureau: {
      on: { confirm: move("awaitingReceivingBureau", "completed", "M24.2"), ...ends("awaitingReceivingBureau") }
    },
    completed: { type: "final" },
    rejected: { type: "final" },
    withdrawn: { type: "final" }
  }
})

/**
 * A snapshot of the machine: the state (`value`) and the context.
 *
 * @since 0.1.0
 */
export type Snapshot = SnapshotFrom<typeof machine>

/**
 * Does the state accept events of this type (in a rotation of some kind)? Read from the machine.
 *
 * @since 0.1.0
 */
export const accepts = (state: State, type: EventType): boolean => {
  const node = machine.states[state]
  return node !== undefined && Object.hasOwn(node.on, type)
}

/**
 * Decide an event in the snapshot's state: undefined when it is accepted and allowed, else the violation.
 *
 * @since 0.1.0
 */
export const decide = (
  snapshot: Snapshot,
  event: Event,
  policy: Policy = Review.noCertificates
): Refusal.Refusal | undefined => {
  const state = snapshot.value
  if (!accepts(state, event.type)) return notAccepted(state, snapshot.context, event)
  return decideEvent(state, snapshot.context, event, policy)
}

/**
 * Send an event: the next snapshot, or the refusal naming the rule. Never ignores an event.
 *
 * @since 0.1.0
 */
export const send = (
  snapshot: Snapshot,
  event: Event,
  policy: Policy = Review.noCertificates
): Either.Either<Snapshot, Refusal.Refusal> => {
  const refusal = decide(snapshot, event, policy)
  if (refusal !== undefined) return Either.left(refusal)
  const [next] = transition(machine, snapshot, { ...event, policy })
  // The guard and `decide` are one function: an allowed event that moved nothing is a bug.
  if (next === snapshot) throw new Error(`Rotation: ${event.type} allowed in ${snapshot.value} but not taken`)
  return Either.right(next)
}

/**
 * The persisted form of a snapshot: the state and the context, plain data.
 *
 * @since 0.1.0
 */
export interface Persisted {
  readonly state: State
  readonly context: Context
}

/**
 * @since 0.1.0
 */
export const persist = (snapshot: Snapshot): Persisted => ({ state: snapshot.value, context: snapshot.context })

/**
 * Rebuild a snapshot from its persisted form.
 *
 * @since 0.1.0
 */
export const restore = (persisted: Persisted): Snapshot =>
  machine.resolveState({ value: persisted.state, context: persisted.context })

/**
 * Is the rotation still waiting for a confirmation (M24.3 counts these)?
 *
 * @since 0.1.0
 */
export const isOpen = (state: State): state is OpenState =>
  state === "awaitingDispatchingBureau" || state === "awaitingReceivingSchool" || state === "awaitingReceivingBureau"

/**
 * Has the rotation ended: completed, rejected or withdrawn?
 *
 * @since 0.1.0
 */
export const isFinal = (state: State): boolean => !isOpen(state)

/**
 * Does this rotation, once completed, move the e-file to the receiving school? Only with a change of personnel
 * relation (M24.2); without one (M24.1) the e-file stays and records the exchange (O4.1).
 *
 * @since 0.1.0
 */
export const movesEFile = (context: Pick<Context, "personnelRelationChanges">): boolean =>
  context.personnelRelationChanges
