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
 * The process is an instance of the approval-chain kernel (`ApprovalChain`): the parties and their order below are
 * data, and the machine, the decision of each event and the history come from the kernel.
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
 * The events of a transfer: a confirmation, a rejection and a withdrawal (both with a reason), each with the
 * acting account and the instant (ISO 8601) it acts.
 *
 * @since 0.1.0
 */
export type Event = ApprovalChain.Event<Authorization.Actor>

/**
 * @since 0.1.0
 */
export type EventType = ApprovalChain.EventType

/**
 * The sides that act in a transfer; each acts through an info admin.
 *
 * @since 0.1.0
 */
export type Party = "receivingSchool" | "receivingBureau" | "sendingSchool" | "sendingBureau"

/**
 * Each party, relative to the transfer's two units: the receiving side is `to`, the sending side `from`.
 *
 * @since 0.1.0
 */
export const parties: Record<Party, Authorization.Party> = {
  receivingSchool: { side: "to", level: "school", action: "WriteTeacher", zh: "调入学校", en: "the receiving school" },
  receivingBureau: {
    side: "to",
    level: "bureau",
    action: "ReviewTeacher",
    zh: "调入学校主管教育行政部门",
    en: "the receiving school's competent bureau"
  },
  sendingSchool: { side: "from", level: "school", action: "ReviewTeacher", zh: "调出学校", en: "the sending school" },
  sendingBureau: {
    side: "from",
    level: "bureau",
    action: "ReviewTeacher",
    zh: "调出学校主管教育行政部门",
    en: "the sending school's competent bureau"
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
 * How a transfer ended early: who rejected or withdrew it, in which state, and why.
 *
 * @since 0.1.0
 */
export type Ending = ApprovalChain.Ending<OpenState>

/**
 * The machine's context: the transfer as initiated, the initiator, every accepted step, and how it ended early.
 *
 * @since 0.1.0
 */
export interface Context extends ApprovalChain.Trail<OpenState> {
  readonly id: string
  readonly teacher: Teacher
  readonly from: Authorization.UnitRef
  readonly to: Authorization.UnitRef
  readonly effective: string
  readonly reason: string
  /**
   * A transfer between two provincial deployments (`TransferAcross`): the other province, and what this side keeps
   * of the handshake. Undefined for a transfer within one store.
   */
  readonly across?: Across | undefined
}

/**
 * What a side of a transfer between provinces keeps besides the chain (`TransferAcross`): the other province's
 * code, the identity document's type (the chain keeps the number), a withdrawal the receiving school asked for
 * after the request left (the sending side decides it, M23.2), and, on the receiving side, a release it could not
 * turn into an e-file (`held`).
 *
 * @since 0.1.0
 */
export interface Across {
  readonly province: string
  readonly idType: string
  readonly withdrawal?: { readonly by: Actor; readonly reason: string } | undefined
  readonly held?: Held | undefined
}

/**
 * A release the receiving side could not turn into an e-file (an active e-file of the identity here, the e-file id
 * taken, M17.4): the transfer is completed — the sending side released — and the released e-file is kept here as it
 * came, for an operator to resolve, with the rule and reason that held it.
 *
 * @since 0.1.0
 */
export interface Held {
  readonly rule: string
  readonly reason: string
  readonly at: string
  readonly name: string
  readonly records: Readonly<Record<string, ReadonlyArray<Readonly<Record<string, unknown>>>>>
  /** The credit bank's holdings that came with it (`CreditBank.Entry`s: the training layer, above this one). */
  readonly credits: ReadonlyArray<unknown>
}

/**
 * The deployment's certificate policy (M14.2), applied to every actor.
 *
 * @since 0.1.0
 */
export type Policy = Authorization.Policy

/**
 * The transfer as an approval chain: one route, M23.1's order; a refused event names M23.2.
 *
 * @since 0.1.0
 */
export const chain = ApprovalChain.make({
  id: "transfer",
  name: { zh: "调动", en: "transfer" },
  parties,
  initiator: initiation.party,
  withdrawer: withdrawal.party,
  routes: { "M23.1": { rule: "M23.1", events: "M23.2", steps } },
  routeOf: (_: Context) => "M23.1" as const,
  decideParty: (actor: Authorization.Actor, party: Party, context: Context, policy: Policy, at, rule, doing) =>
    Authorization.decideParty(actor, parties[party], context, Authorization.contextAt(policy, at), rule, doing),
  defaultPolicy: Authorization.noCertificates
})

/**
 * The transfer machine (XState v5), derived by the kernel from the steps above: `docs/workflows.md` is generated
 * from it.
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
 * The confirmation a state waits for: which role of which party acts next. Undefined in a final state.
 *
 * @since 0.1.0
 */
export const nextStep = (state: State): Step | undefined => steps.find((step) => step.state === state)

/**
 * Which party may send an event of `type` in `state`; undefined when the state does not accept it.
 *
 * @since 0.1.0
 */
export const whoActs = (state: State, type: EventType): Party | undefined => chain.whoActs(state, type, "M23.1")

const isDay = Schema.is(Unit.Day)

const wording: Initiation.Wording = {
  name: { zh: "调动", en: "transfer" },
  schoolSide: {
    zh: "调动的调出、调入单位须为学校或其二级部门",
    en: "a transfer moves a teacher between schools (or their departments)"
  },
  sameSchool: {
    zh: "同一学校内部门之间的调整不是调动",
    en: "a move within one school (between its departments) is not a transfer"
  },
  inactive: { zh: "不在岗的教师不能调动", en: "a teacher who is not active cannot be transferred" }
}

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
  const refuse = Initiation.refusal(actor)
  if (input.kind !== "transfer") {
    return Either.left(
      refuse(
        "M23.3",
        "属于交流轮岗的调动按交流轮岗办理（第二十四条），由派出学校发起",
        "a transfer that is really a rotation goes through the rotation process (M24), initiated by the dispatching school",
        { field: "kind", value: input.kind, use: "Rotation" }
      )
    )
  }
  const refused = Initiation.decide(
    input,
    actor,
    context,
    { rule: initiation.rule, initiator: parties[initiation.party], wording },
    () =>
      isDay(input.effective)
        ? undefined
        : refuse("M23.1", "调入日期格式应为YYYY-MM-DD", "the effective day is a real day written YYYY-MM-DD", {
            field: "effective",
            value: input.effective
          })
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
      effective: input.effective,
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
