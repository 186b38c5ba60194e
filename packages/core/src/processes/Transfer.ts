/**
 * Transfer (调动) of a teacher from one school to another, from initiation to the e-file's move. M23.1–M23.3, M24.3.
 *
 * The RECEIVING school initiates; then, in this order, the receiving school's competent bureau, the sending school
 * and the sending school's competent bureau confirm (M23.1); then the transfer is completed and the e-file moves to
 * the receiving school — the completed context carries everything that move needs (O4.1: the process updates the
 * e-file itself, with no second entry). Whoever may confirm a step may reject it there, with a reason, and the
 * transfer ends; an info admin of the receiving school may withdraw it, with a reason, before the last confirmation
 * (M23.2). The software cannot tell a rotation from a transfer, so the initiator says which it is (`kind`): a move
 * initiated as a `"rotation"` is refused with M23.3, pointing to `Rotation` (M24), which the dispatching school
 * initiates. A refused event names M23.2 when the step is not the actor's to take (skipped, repeated, or anyone
 * else's), and the authorization rule when the account itself may not act (disabled, no certificate, wrong role).
 *
 * Decisions where the regulation is silent:
 * - Both schools under one competent bureau: both bureau steps are still taken, in their places in the order (no
 *   step is skipped, M23.2), possibly by the same account. The bureau confirms once as the receiving side and once
 *   as the sending side, which are two different commitments.
 * - A teacher of a secondary department (二级部门, M20.1): the sending school's step may be confirmed (or rejected)
 *   by the department's info admin or by the school's. Likewise a transfer into a department is initiated and
 *   withdrawn by that department's info admin or the receiving school's. A move between departments of one school
 *   is not a transfer and is refused.
 * - Cross-province transfers: the machine is the same. In a national deployment all four steps happen in one store;
 *   in a provincial deployment the other province's steps arrive through the national exchange and are sent to this
 *   machine as the same events.
 * - Any info admin of the receiving school (or of the receiving department) may withdraw, not only the account that
 *   initiated: the school initiated, and staff change. A withdrawal gives its reason like a rejection, since the
 *   sides that already confirmed are owed one.
 * - An initiation gives its reason; the effective day (the day the teacher joins) is recorded, not checked against
 *   the clock: a transfer may be recorded after the teacher has joined.
 * - M24.3's "at most one open transfer or rotation per teacher" spans many processes and is the store's to
 *   enforce, with {@link isOpen}; whether the teacher really belongs to `from` is the application service's to check.
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
 * The states of a transfer, in the order of the process; the last three are final.
 *
 * @since 0.1.0
 */
export const State = Schema.Literal(
  "awaitingReceivingBureau",
  "awaitingSendingSchool",
  "awaitingSendingBureau",
  "completed",
  "rejected",
  "withdrawn"
)

/**
 * @since 0.1.0
 */
export type State = typeof State.Type

/**
 * The states in which a transfer waits for a confirmation.
 *
 * @since 0.1.0
 */
export type OpenState = "awaitingReceivingBureau" | "awaitingSendingSchool" | "awaitingSendingBureau"

/**
 * The teacher being transferred: e-file id, identity number, and whether the teacher is active (在岗).
 *
 * @since 0.1.0
 */
export interface Teacher {
  readonly id: string
  readonly identityNumber: string
  readonly active: boolean
}

/**
 * What the initiator asks for. `from` is the teacher's unit now (a school or department), `to` the receiving
 * school or one of its departments, `effective` the day the teacher joins. `kind` is what the initiator says it
 * is: a `"rotation"` is refused (M23.3).
 *
 * @since 0.1.0
 */
export interface Input {
  readonly id: string
  readonly teacher: Teacher
  readonly from: Authorization.UnitRef
  readonly to: Authorization.UnitRef
  readonly kind: "transfer" | "rotation"
  readonly effective: string
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
 * The events of a transfer: a confirmation, a rejection and a withdrawal (both with a reason).
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
 * The sides that act in a transfer; each acts through an info admin.
 *
 * @since 0.1.0
 */
export type Party = "receivingSchool" | "receivingBureau" | "sendingSchool" | "sendingBureau"

/**
 * The name of each party, for messages and documents.
 *
 * @since 0.1.0
 */
export const parties: Record<Party, { readonly zh: string; readonly en: string }> = {
  receivingSchool: { zh: "调入学校", en: "the receiving school" },
  receivingBureau: { zh: "调入学校主管教育行政部门", en: "the receiving school's competent bureau" },
  sendingSchool: { zh: "调出学校", en: "the sending school" },
  sendingBureau: { zh: "调出学校主管教育行政部门", en: "the sending school's competent bureau" }
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
  readonly rule: Refusal.RuleId
}

/**
 * Who initiates: an info admin of the receiving school (M23.1).
 *
 * @since 0.1.0
 */
export const initiation = { party: "receivingSchool", role: "infoAdmin", rule: "M23.1" } as const

/**
 * Who may withdraw, in any open state: an info admin of the receiving school (M23.2).
 *
 * @since 0.1.0
 */
export const withdrawal = { party: "receivingSchool", role: "infoAdmin", rule: "M23.2" } as const

/**
 * The confirmations, in their order (M23.1).
 *
 * @since 0.1.0
 */
export const steps: ReadonlyArray<Step> = [
  { state: "awaitingReceivingBureau", party: "receivingBureau", role: "infoAdmin", rule: "M23.1" },
  { state: "awaitingSendingSchool", party: "sendingSchool", role: "infoAdmin", rule: "M23.1" },
  { state: "awaitingSendingBureau", party: "sendingBureau", role: "infoAdmin", rule: "M23.1" }
]

/**
 * The confirmation a state waits for: which role of which party acts next. Undefined in a final state.
 *
 * @since 0.1.0
 */
export const nextStep = (state: State): Step | undefined => steps.find((step) => step.state === state)

/**
 * Which party may send an event of `type` in `state`; undefined when the state does not accept it. The decisions
 * and the generated documents both read this.
 *
 * @since 0.1.0
 */
export const whoActs = (state: State, type: EventType): Party | undefined => {
  const step = nextStep(state)
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
 * How a transfer ended early: who rejected or withdrew it, in which state, and why.
 *
 * @since 0.1.0
 */
export interface Ending extends Actor {
  readonly state: OpenState
  readonly reason: string
}

/**
 * The machine's context: the transfer as initiated, the initiator, every accepted step, and how it ended early.
 *
 * @since 0.1.0
 */
export interface Context {
  readonly id: string
  readonly teacher: Teacher
  readonly from: Authorization.UnitRef
  readonly to: Authorization.UnitRef
  readonly effective: string
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

/** The rule an event's refusal names: skipping, repeating or taking a step by anyone else is M23.2's. */
const eventRule: Refusal.RuleId = "M23.2"

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
  const unit = party === "receivingSchool" || party === "receivingBureau" ? units.to : units.from
  const bureau = party === "receivingBureau" || party === "sendingBureau"
  const ids = bureau
    ? Option.toArray(Unit.competentBureauId(unit))
    : [...Option.toArray(Unit.schoolId(unit)), ...(unit.kind === "department" ? [unit.id] : [])]
  return { unit, bureau, ids }
}

/**
 * Does `actor` act for `party` of the transfer between `from` and `to`? Undefined when it does, else the violation:
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
    : Review.decideSchoolAdmin(actor, unit, auth, rule, party === "receivingSchool" ? "WriteTeacher" : "ReviewTeacher")
  // Say which party was expected, rather than the review's generic wording.
  return refusal !== undefined && refusal.rule === rule ? wrongParty() : refusal
}

const authorizationContext = (policy: Policy, at: string): Authorization.Context => ({
  requireCertificateFor: policy.requireCertificateFor,
  now: new Date(at)
})

/**
 * Decide an initiation by `actor`: the first snapshot (awaiting the receiving bureau), or the refusal naming the
 * rule. Only an info admin of the receiving school (or the receiving department) initiates (M23.1); a rotation is
 * refused (M23.3); the teacher is active (M24.3); the two units are in different schools. The initiation is
 * dated `context.now`.
 *
 * @since 0.1.0
 */
export const decideInitiate = (
  input: Input,
  actor: Authorization.Actor,
  context: Authorization.Context
): Either.Either<Snapshot, Refusal.Refusal> => {
  const refuse = (rule: Refusal.RuleId, zh: string, en: string, more: Record<string, unknown>) =>
    Either.left(Refusal.invalid(rule, zh, en, { ...actorDetails(actor), ...more }))
  if (input.kind !== "transfer") {
    return refuse(
      "M23.3",
      "属于交流轮岗的调动按交流轮岗办理（第二十四条），由派出学校发起",
      "a transfer that is really a rotation goes through the rotation process (M24), initiated by the dispatching school",
      { field: "kind", value: input.kind, use: "Rotation" }
    )
  }
  for (const field of ["from", "to"] as const) {
    if (!isSchoolSide(input[field])) {
      return refuse(
        "M23.1",
        "调动的调出、调入单位须为学校或其二级部门",
        "a transfer moves a teacher between schools (or their departments)",
        { field, value: input[field].id, kind: input[field].kind }
      )
    }
  }
  if (Number.isNaN(context.now.getTime())) {
    return refuse("M23.1", "发起时间无效", "the initiation's time is not a valid instant", { field: "now" })
  }
  const notReceiving = decideParty(actor, initiation.party, input, context, initiation.rule, {
    zh: "发起调动",
    en: "initiates a transfer"
  })
  if (notReceiving !== undefined) return Either.left(notReceiving)
  if (!input.teacher.active) {
    return refuse("M24.3", "不在岗的教师不能调动", "a teacher who is not active cannot be transferred", {
      field: "teacher.active",
      value: false,
      teacher: input.teacher.id
    })
  }
  const fromSchool = Option.getOrUndefined(Unit.schoolId(input.from))
  const toSchool = Option.getOrUndefined(Unit.schoolId(input.to))
  if (fromSchool === toSchool) {
    return refuse(
      "M23.1",
      "同一学校内部门之间的调整不是调动",
      "a move within one school (between its departments) is not a transfer",
      { field: "to", value: input.to.id, from: input.from.id, school: toSchool }
    )
  }
  if (!isDay(input.effective)) {
    return refuse("M23.1", "调入日期格式应为YYYY-MM-DD", "the effective day is a real day written YYYY-MM-DD", {
      field: "effective",
      value: input.effective
    })
  }
  if (isBlank(input.id) || isBlank(input.teacher.id)) {
    return refuse("M23.1", "调动申请须有标识和教师", "a transfer names itself and its teacher", {
      field: isBlank(input.id) ? "id" : "teacher.id",
      value: isBlank(input.id) ? input.id : input.teacher.id
    })
  }
  if (isBlank(input.reason)) {
    return refuse("M23.1", "调动申请须说明理由", "a transfer application gives its reason", {
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
  if (!isInstant(event.at)) {
    return Refusal.invalid(
      eventRule,
      "事件时间应为ISO 8601时刻",
      "an event's time is an ISO 8601 instant",
      details(event, { field: "at", value: event.at })
    )
  }
  const party = whoActs(state, event.type)
  if (party === undefined) return notAccepted(state, event)
  const auth = authorizationContext(policy, event.at)
  const doing = {
    confirm: { zh: "确认此环节", en: `confirms in state ${state}` },
    reject: { zh: "退回此环节", en: `rejects in state ${state}` },
    withdraw: { zh: "撤回调动", en: "withdraws the transfer" }
  }[event.type]
  const refusal = decideParty(event.actor, party, context, auth, eventRule, doing)
  if (refusal !== undefined || event.type === "confirm") return refusal
  return isBlank(event.reason)
    ? Refusal.invalid(
        eventRule,
        event.type === "reject" ? "退回须说明理由" : "撤回须说明理由",
        `a ${event.type === "reject" ? "rejection" : "withdrawal"} gives its reason`,
        details(event, { field: "reason", value: event.reason })
      )
    : undefined
}

const notAccepted = (state: State, event: Event): Refusal.Refusal =>
  isFinal(state)
    ? Refusal.invalid(
        eventRule,
        `调动已结束（${state}），不再接受任何操作`,
        `a ${state} transfer accepts nothing more`,
        details(event, { field: "type", value: event.type, state })
      )
    : Refusal.invalid(
        eventRule,
        `当前状态（${state}）不接受此操作`,
        `a transfer in state ${state} does not accept ${event.type}`,
        details(event, { field: "type", value: event.type, state })
      )

/**
 * The context after an accepted event moving the transfer from `from` to `to`: one more history item, and the
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

const guarded = (state: State) => ({ type: "permitted" as const, params: { state } })
const applied = (from: State, to: State) => ({ type: "apply" as const, params: { from, to } })
const move = (from: State, to: State) => ({ target: to, guard: guarded(from), actions: applied(from, to) })
const open = (state: OpenState, next: State) => ({
  on: { confirm: move(state, next), reject: move(state, "rejected"), withdraw: move(state, "withdrawn") }
})

/**
 * The transfer machine (XState v5). Its definition is data: `docs/workflows.md` is generated from it.
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
    permitted: ({ context, event }, params: { readonly state: State }) =>
      decideEvent(params.state, context, event, event.policy) === undefined
  },
  actions: {
    apply: assign(({ context, event }, params: { readonly from: State; readonly to: State }) =>
      apply(context, event, params.from, params.to)
    )
  }
}).createMachine({
  id: "transfer",
  initial: "awaitingReceivingBureau",
  context: ({ input: { input, initiator } }) => ({
    id: input.id,
    teacher: { id: input.teacher.id, identityNumber: input.teacher.identityNumber, active: input.teacher.active },
    from: { id: input.from.id, kind: input.from.kind, path: input.from.path },
    to: { id: input.to.id, kind: input.to.kind, path: input.to.path },
    effective: input.effective,
    reason: input.reason.trim(),
    initiator,
    history: [
      { ...initiator, type: "initiate", from: undefined, to: "awaitingReceivingBureau", detail: input.reason.trim() }
    ],
    rejection: undefined,
    withdrawal: undefined
  }),
  states: {
    awaitingReceivingBureau: open("awaitingReceivingBureau", "awaitingSendingSchool"),
    awaitingSendingSchool: open("awaitingSendingSchool", "awaitingSendingBureau"),
    awaitingSendingBureau: open("awaitingSendingBureau", "completed"),
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
 * Does the state accept events of this type? Read from the machine.
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
  if (!accepts(state, event.type)) return notAccepted(state, event)
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
  if (next === snapshot) throw new Error(`Transfer: ${event.type} allowed in ${snapshot.value} but not taken`)
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
 * Is the transfer still waiting for a confirmation (M24.3 counts these)?
 *
 * @since 0.1.0
 */
export const isOpen = (state: State): state is OpenState => nextStep(state) !== undefined

/**
 * Has the transfer ended: completed, rejected or withdrawn?
 *
 * @since 0.1.0
 */
export const isFinal = (state: State): boolean => !isOpen(state)
