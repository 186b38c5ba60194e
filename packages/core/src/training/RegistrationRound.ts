/**
 * A registration round (定期注册) of a school, M26.1: the school's info admin starts it for a cycle, with the decision
 * of each of its active teachers ({@link Registration.decide}); the school's competent bureau reviews it — confirms
 * (the results are recorded in the e-files and the qualified teachers' credits of the cycle applied in the credit
 * bank, O9.1) or rejects it with a reason. The school may withdraw it, with a reason, before the bureau decides.
 *
 * An instance of the approval-chain kernel (`ApprovalChain`), not a `DecidedMachine` of its own as entry review is:
 * a round is not corrected in place and resubmitted — its results are computed from the e-files when it starts, so
 * after a rejection the school corrects the e-files (M19.2) and starts a new round, which the kernel's
 * reject/withdraw endings and one-open-round-per-unit-and-cycle (the store's) express exactly.
 *
 * Decisions where the regulation is silent (domain practice has teacher → school → county, which decides and
 * publishes, → city → province, varying by province): the school applies for all its active teachers at once and the
 * competent bureau decides; the city and province steps are a province's routes to add.
 *
 * @since 0.1.0
 */
import { Either, ParseResult, Schema } from "effect"
import * as Authorization from "../accounts/Authorization.js"
import * as Unit from "../hierarchy/Unit.js"
import * as ApprovalChain from "../kernel/ApprovalChain.js"
import * as Refusal from "../kernel/Refusal.js"
import * as Registration from "./Registration.js"

/**
 * The states of a round; the last three are final.
 *
 * @since 0.1.0
 */
export const State = Schema.Literal("awaitingBureau", "completed", "rejected", "withdrawn")

/**
 * @since 0.1.0
 */
export type State = typeof State.Type

/**
 * The parties: the school (initiates, withdraws) and its competent bureau (reviews).
 *
 * @since 0.1.0
 */
export type Party = "school" | "bureau"

/**
 * Each party relative to the round's unit (both ends are the school).
 *
 * @since 0.1.0
 */
export const parties: Record<Party, Authorization.Party> = {
  school: { side: "from", level: "school", action: "WriteTeacher", zh: "学校", en: "the school" },
  bureau: {
    side: "from",
    level: "bureau",
    action: "ReviewTeacher",
    zh: "学校主管教育行政部门",
    en: "the school's competent bureau"
  }
}

/**
 * One teacher's result in the round.
 *
 * @since 0.1.0
 */
export interface Result {
  readonly teacherId: string
  readonly name: string
  readonly outcome: Registration.Outcome
  readonly reasons: ReadonlyArray<Registration.Reason>
  readonly hours: number
  readonly credits: number
}

/**
 * The machine's context: the round as started, its results, and the kernel's trail.
 *
 * @since 0.1.0
 */
export interface Context extends ApprovalChain.Trail<"awaitingBureau"> {
  readonly id: string
  readonly from: Authorization.UnitRef
  readonly to: Authorization.UnitRef
  readonly cycle: Registration.Cycle
  readonly results: ReadonlyArray<Result>
}

/**
 * The round as an approval chain: one route, the competent bureau's review.
 *
 * @since 0.1.0
 */
export const chain = ApprovalChain.make({
  id: "registration",
  name: { zh: "定期注册", en: "registration round" },
  parties: { school: parties.school, bureau: parties.bureau },
  initiator: "school",
  withdrawer: "school",
  routes: { "M26.1": { rule: "M26.1", steps: [{ state: "awaitingBureau" as const, party: "bureau" as const }] } },
  routeOf: () => "M26.1" as const,
  decideParty: (
    actor: Authorization.Actor,
    party: Party,
    context: Context,
    policy: Authorization.Policy,
    at,
    rule,
    doing
  ) => Authorization.decideParty(actor, parties[party], context, Authorization.contextAt(policy, at), rule, doing),
  defaultPolicy: Authorization.noCertificates
})

/**
 * The chain's operations: `send` decides an event once and takes it; `persist` and `restore`; `isOpen`.
 *
 * @since 0.1.0
 */
export const { send, persist, restore, isOpen, decideEvent } = chain

/**
 * The events of a round: the bureau's confirmation or rejection, the school's withdrawal.
 *
 * @since 0.1.0
 */
export type Event = ApprovalChain.Event<Authorization.Actor>

/**
 * The machine, for the generated documents.
 *
 * @since 0.1.0
 */
export const machine = chain.machine

/**
 * A snapshot of a round.
 *
 * @since 0.1.0
 */
export type Snapshot = ApprovalChain.Snapshot<"awaitingBureau", Context>

/**
 * Decide the start of a round (M26.1): only by an info admin of the school (a school, not a department: the school
 * applies for all its teachers), for a cycle of real days, with the results of its teachers.
 *
 * @since 0.1.0
 */
export const decideStart = (
  input: { readonly id: string; readonly unit: Authorization.UnitRef; readonly cycle: Registration.Cycle },
  results: ReadonlyArray<Result>,
  actor: Authorization.Actor,
  context: Authorization.Context
): Either.Either<Snapshot, Refusal.Refusal> =>
  started(input, results, actor, context, () =>
    Authorization.decideParty(actor, parties.school, { from: input.unit, to: input.unit }, context, "M26.1", {
      zh: "申请定期注册",
      en: "starts a registration round"
    })
  )

/**
 * Decide the start of a school's round by an education bureau that organises the registration of its subtree
 * (M26.1; domain practice: the county organises it): an info admin of an administrative unit at or above the
 * school's competent bureau, in one pass for many schools. The round is the school's all the same — reviewed by its
 * competent bureau, withdrawn by the school — and its history names who started it.
 *
 * @since 0.1.0
 */
export const decideOrganizedStart = (
  input: { readonly id: string; readonly unit: Authorization.UnitRef; readonly cycle: Registration.Cycle },
  results: ReadonlyArray<Result>,
  actor: Authorization.Actor,
  context: Authorization.Context
): Either.Either<Snapshot, Refusal.Refusal> =>
  started(input, results, actor, context, () =>
    Unit.isAdministrative(actor.unit.kind)
      ? Authorization.decide(actor, { _tag: "ReviewTeacher", unit: input.unit }, context)
      : Refusal.forbidden(
          "M26.1",
          "由教育行政部门的信息管理员组织辖区学校的定期注册",
          "an info admin of an education bureau organises the registration of the schools below it",
          { field: "actor", value: actor.accountId, role: actor.role, actorUnit: actor.unit.id }
        )
  )

const started = (
  input: { readonly id: string; readonly unit: Authorization.UnitRef; readonly cycle: Registration.Cycle },
  results: ReadonlyArray<Result>,
  actor: Authorization.Actor,
  context: Authorization.Context,
  authorize: () => Refusal.Refusal | undefined
): Either.Either<Snapshot, Refusal.Refusal> => {
  if (input.unit.kind !== "school") {
    return Either.left(
      Refusal.invalid(
        "M26.1",
        "定期注册由学校为本校教师申请",
        "a school applies for the registration of its teachers",
        {
          field: "unitId",
          value: input.unit.id,
          kind: input.unit.kind
        }
      )
    )
  }
  const isDay = Schema.is(Unit.Day)
  if (!isDay(input.cycle.from) || !isDay(input.cycle.to) || input.cycle.to <= input.cycle.from) {
    return Either.left(
      Refusal.invalid("M26.1", "注册周期的起止日期无效", "the registration cycle's days are real days, in order", {
        field: "cycle",
        value: input.cycle
      })
    )
  }
  const refused = authorize()
  if (refused !== undefined) return Either.left(refused)
  const initiator: ApprovalChain.Actor = {
    actor: actor.accountId,
    role: actor.role,
    actorUnit: actor.unit.id,
    at: context.now.toISOString()
  }
  return Either.right(
    chain.initial({
      id: input.id,
      from: input.unit,
      to: input.unit,
      cycle: input.cycle,
      results,
      initiator,
      history: [chain.initiated(initiator, `${input.cycle.from}–${input.cycle.to}`)],
      rejection: undefined,
      withdrawal: undefined
    })
  )
}

const actorFields = { actor: Schema.String, role: Schema.String, actorUnit: Schema.String, at: Schema.String }
const Open = Schema.Literal("awaitingBureau")
const Final = Schema.Literal("completed", "rejected", "withdrawn")
const ending = Schema.UndefinedOr(Schema.Struct({ ...actorFields, state: Open, reason: Schema.String }))
const UnitRef = Schema.Struct({ id: Unit.UnitId, kind: Unit.Kind, path: Schema.String })

const resultFields = {
  teacherId: Schema.String,
  name: Schema.String,
  outcome: Registration.Outcome,
  hours: Schema.Number,
  credits: Schema.Number
}
const contextFields = {
  id: Schema.String,
  from: UnitRef,
  to: UnitRef,
  cycle: Schema.Struct({ from: Schema.String, to: Schema.String }),
  initiator: Schema.Struct(actorFields),
  history: Schema.Array(
    Schema.Struct({
      ...actorFields,
      type: Schema.Literal("initiate", "confirm", "reject", "withdraw"),
      from: Schema.UndefinedOr(Schema.Union(Open, Final)),
      to: Schema.Union(Open, Final),
      detail: Schema.UndefinedOr(Schema.String)
    })
  ),
  rejection: ending,
  withdrawal: ending
}

/** A reason as stored: check, outcome and details; its texts are rendered when read. */
const StoredReason = Schema.encodedSchema(Registration.PersistedReason)

/**
 * A round's context as a store writes it: each distinct reason once (`distinctReasons`), each result's reasons the
 * indexes of its own. Rounds stored before hold each result's reasons themselves, and no `distinctReasons`.
 */
const StoredContext = Schema.Struct({
  ...contextFields,
  results: Schema.Array(
    Schema.Struct({ ...resultFields, reasons: Schema.Array(Schema.Union(Schema.NonNegativeInt, StoredReason)) })
  ),
  distinctReasons: Schema.optional(Schema.Array(StoredReason))
})

/** A round's context whole, checked as it is: a Struct would copy it, and the results' shared reasons with it. */
const WholeContext = Schema.declare(
  Schema.is(
    Schema.Struct({
      ...contextFields,
      results: Schema.Array(
        Schema.Struct({ ...resultFields, reasons: Schema.Array(Schema.typeSchema(Registration.PersistedReason)) })
      )
    })
  ),
  { identifier: "RegistrationRoundContext" }
)

/**
 * A round's context as a store writes it ({@link PersistedContext} encoded), by hand, not by Schema, since a round
 * holds a school's every teacher: each reason without its texts, and each reason object once (`distinctReasons`) —
 * the reasons most teachers share (`Registration.decide` gives them the same object) take an index each, about half
 * of a result's bytes.
 *
 * @since 0.1.0
 */
export const storedContext = (context: Context): typeof StoredContext.Type => {
  const index = new Map<Registration.Reason, number>()
  const distinctReasons: Array<Registration.StoredReason> = []
  const indexOf = (reason: Registration.Reason): number => {
    let i = index.get(reason)
    if (i === undefined) {
      i = distinctReasons.push(Registration.storedReason(reason)) - 1
      index.set(reason, i)
    }
    return i
  }
  return {
    ...context,
    results: context.results.map((r) => ({ ...r, reasons: r.reasons.map(indexOf) })),
    distinctReasons
  }
}

/**
 * A round's context as stored ({@link storedContext}), read back whole, for decoding what the store gives back (no
 * casts): each reason's texts rendered, a distinct reason one object for all the results that share it (so that a
 * round read and written again stays as compact). Reads rounds stored before `distinctReasons` too.
 *
 * @since 0.1.0
 */
export const PersistedContext = Schema.transformOrFail(StoredContext, WholeContext, {
  strict: true,
  decode: ({ distinctReasons = [], ...stored }, _, ast) => {
    const whole = distinctReasons.map((r) => Registration.reasonOf(r.check, r.outcome, r.details))
    const results: Array<Result> = []
    for (const result of stored.results) {
      const reasons: Array<Registration.Reason> = []
      for (const reason of result.reasons) {
        if (typeof reason !== "number")
          reasons.push(Registration.reasonOf(reason.check, reason.outcome, reason.details))
        else if (reason < whole.length) reasons.push(whole[reason]!)
        else return ParseResult.fail(new ParseResult.Type(ast, reason, `no distinct reason ${reason} in the round`))
      }
      results.push({ ...result, reasons })
    }
    return ParseResult.succeed({ ...stored, results })
  },
  encode: (context) => ParseResult.succeed(storedContext(context))
})

/**
 * A round as stored: its snapshot (state and context) and whether it is open.
 *
 * @since 0.1.0
 */
export interface Round {
  readonly id: string
  readonly state: State
  readonly context: Context
}
