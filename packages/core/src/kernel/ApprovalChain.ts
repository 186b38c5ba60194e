/**
 * The approval-chain kernel (审批链): a process in which one party initiates and others confirm in a fixed order —
 * a transfer (M23), a rotation (M24), and later credit confirmation, registration review, sharing approval — is
 * defined as data: its parties (relative to the process's subject), its routes (the order of confirmations, one
 * route per kind of process), who withdraws. From a definition the kernel derives the XState machine, the one
 * decision of each event, the history, and what the documents and the conformance properties read.
 *
 * The same for every chain: whoever may confirm a step may reject it there, with a reason, and the process ends
 * (`rejected`); the withdrawing party may withdraw, with a reason, before the last confirmation (`withdrawn`); the
 * last confirmation of the route completes it (`completed`). An event is decided once, by {@link decide}: the state
 * must accept it, and the definition's `decideParty` (which asks `Authorization`) must find the actor acting for
 * the step's party. The machine's guards only choose the route, so the decision is never taken twice, and an
 * event the state does not accept is an error, never silently ignored.
 *
 * @since 0.1.0
 */
import { assign, initialTransition, setup } from "xstate"
import * as DecidedMachine from "./DecidedMachine.js"
import * as Refusal from "./Refusal.js"

/**
 * The events of every chain: a confirmation, a rejection and a withdrawal (both with a reason).
 *
 * @since 0.1.0
 */
export type EventType = "confirm" | "reject" | "withdraw"

/**
 * What the kernel needs of an acting account (the accounts layer's `Authorization.Actor` has it).
 *
 * @since 0.1.0
 */
export interface ActorLike {
  readonly accountId: string
  readonly role: string
  readonly unit: { readonly id: string }
}

/**
 * An event sent to a chain: its type, the acting account and the instant (ISO 8601) it acts.
 *
 * @since 0.1.0
 */
export type Event<A extends ActorLike = ActorLike> =
  | { readonly type: "confirm"; readonly actor: A; readonly at: string }
  | { readonly type: "reject"; readonly reason: string; readonly actor: A; readonly at: string }
  | { readonly type: "withdraw"; readonly reason: string; readonly actor: A; readonly at: string }

/**
 * The final states of every chain.
 *
 * @since 0.1.0
 */
export type FinalState = "completed" | "rejected" | "withdrawn"

/**
 * Who did an accepted step, and when.
 *
 * @since 0.1.0
 */
export interface Actor {
  readonly actor: string
  readonly role: string
  readonly actorUnit: string
  readonly at: string
}

/**
 * One accepted step, as kept in the history: the initiation (from no state) and every accepted event.
 *
 * @since 0.1.0
 */
export interface HistoryItem<S extends string> extends Actor {
  readonly type: "initiate" | EventType
  readonly from: S | FinalState | undefined
  readonly to: S | FinalState
  /** The reason of an initiation, a rejection or a withdrawal. */
  readonly detail: string | undefined
}

/**
 * How a chain ended early: who rejected or withdrew it, in which state, and why.
 *
 * @since 0.1.0
 */
export interface Ending<S extends string> extends Actor {
  readonly state: S
  readonly reason: string
}

/**
 * What every chain's context holds besides its own subject: the initiator, the history and how it ended early.
 *
 * @since 0.1.0
 */
export interface Trail<S extends string> {
  readonly initiator: Actor
  readonly history: ReadonlyArray<HistoryItem<S>>
  readonly rejection: Ending<S> | undefined
  readonly withdrawal: Ending<S> | undefined
}

/**
 * A party's name, for messages and documents.
 *
 * @since 0.1.0
 */
export interface Name {
  readonly zh: string
  readonly en: string
}

/**
 * One confirmation: the state in which it is awaited and the party that takes it.
 *
 * @since 0.1.0
 */
export interface Step<S extends string, P extends string> {
  readonly state: S
  readonly party: P
}

/**
 * A route: the rule that fixes it and its confirmations in order.
 *
 * @since 0.1.0
 */
export interface Route<S extends string, P extends string> {
  /** The rule that fixes who confirms in which order. */
  readonly rule: Refusal.RuleId
  /** The rule a refused event names (a step skipped, repeated or taken by anyone else), when not `rule`. */
  readonly events?: Refusal.RuleId
  readonly steps: ReadonlyArray<Step<S, P>>
}

/**
 * A chain as data. `S` are its open states, `P` its parties, `R` its routes (kinds), `C` its context, `A` its actor.
 *
 * @since 0.1.0
 */
export interface Definition<
  S extends string,
  P extends string,
  R extends string,
  C extends Trail<S>,
  A extends ActorLike,
  Q
> {
  /** The machine's id and the prefix of its audit actions: `"transfer"`. */
  readonly id: string
  /** The process's name, for messages: 调动 / transfer. */
  readonly name: Name
  readonly parties: { readonly [K in P]: Name }
  /** The party that initiates (and whose rule the initiation names). */
  readonly initiator: P
  /** The party that may withdraw, in any open state. */
  readonly withdrawer: P
  /** The routes; every route starts in the same state. */
  readonly routes: { readonly [K in R]: Route<S, P> }
  /** The route a process takes, fixed at initiation. */
  readonly routeOf: (context: C) => R
  /**
   * Does `actor` act for `party` of this process, at `at` under the deployment's `policy`? Undefined when it does;
   * else the refusal (the instance asks Authorization).
   */
  readonly decideParty: (
    actor: A,
    party: P,
    context: C,
    policy: Q,
    at: string,
    rule: Refusal.RuleId,
    doing: Name
  ) => Refusal.Refusal | undefined
  /** The policy when none is given. */
  readonly defaultPolicy: Q
}

/**
 * A chain's state and context, as XState's snapshot has them.
 *
 * @since 0.1.0
 */
export type Snapshot<S extends string, C> = DecidedMachine.Snapshot<S | FinalState, C>

/**
 * The persisted form of a snapshot: the state and the context, plain data.
 *
 * @since 0.1.0
 */
export type Persisted<S extends string, C> = DecidedMachine.Persisted<S | FinalState, C>

const finals: ReadonlyArray<FinalState> = ["completed", "rejected", "withdrawn"]

const isBlank = (s: string) => s.trim().length === 0

const actorOf = (event: { readonly actor: ActorLike; readonly at: string }): Actor => ({
  actor: event.actor.accountId,
  role: event.actor.role,
  actorUnit: event.actor.unit.id,
  at: event.at
})

/**
 * The chain made from a definition: its machine and everything derived from it.
 *
 * @since 0.1.0
 */
export const make = <S extends string, P extends string, R extends string, C extends Trail<S>, A extends ActorLike, Q>(
  definition: Definition<S, P, R, C, A, Q>
) => {
  type State = S | FinalState
  type Ev = Event<A>
  const routes = Object.entries(definition.routes) as unknown as ReadonlyArray<[R, Route<S, P>]>
  const first = routes[0]?.[1].steps[0]?.state
  if (first === undefined || routes.some(([, route]) => route.steps[0]?.state !== first)) {
    throw new Error(`ApprovalChain ${definition.id}: every route starts in one state`)
  }
  const openStates = [...new Set(routes.flatMap(([, route]) => route.steps.map((step) => step.state)))]

  /** The confirmation a state waits for on the process's route; undefined in a final state or off the route. */
  const nextStep = (state: State, route: R): Step<S, P> | undefined =>
    definition.routes[route].steps.find((step) => step.state === state)

  /** Where a confirmation in `state` leads on `route`. */
  const after = (state: S, route: R): State => {
    const steps = definition.routes[route].steps
    const at = steps.findIndex((step) => step.state === state)
    return steps[at + 1]?.state ?? "completed"
  }

  /** Which party may send an event of `type` in `state` on `route`; undefined when the state does not accept it. */
  const whoActs = (state: State, type: EventType, route: R): P | undefined => {
    const step = nextStep(state, route)
    if (step === undefined) return undefined
    // Guards against event types from outside the type system (a stored or posted event).
    if (type !== "confirm" && type !== "reject" && type !== "withdraw") return undefined
    return type === "withdraw" ? definition.withdrawer : step.party
  }

  const eventRule = (route: R): Refusal.RuleId => definition.routes[route].events ?? definition.routes[route].rule

  const isOpen = (state: State): state is S => !(finals as ReadonlyArray<string>).includes(state)

  const details = (event: Ev, more: Record<string, unknown>) => ({
    event: event.type,
    actor: event.actor.accountId,
    role: event.actor.role,
    actorUnit: event.actor.unit.id,
    ...more
  })

  const notAccepted = (state: State, rule: Refusal.RuleId, event: Ev): Refusal.Refusal =>
    isOpen(state)
      ? Refusal.invalid(
          rule,
          `当前状态（${state}）不接受此操作`,
          `a ${definition.name.en} in state ${state} does not accept ${event.type}`,
          details(event, { field: "type", value: event.type, state })
        )
      : Refusal.invalid(
          rule,
          `${definition.name.zh}已结束（${state}），不再接受任何操作`,
          `a ${state} ${definition.name.en} accepts nothing more`,
          details(event, { field: "type", value: event.type, state })
        )

  /**
   * Decide an event in `state`: undefined when the state accepts it and the actor acts for the step's party, else
   * the refusal naming the route's rule.
   */
  const decideEvent = (
    state: State,
    context: C,
    event: Ev,
    policy: Q = definition.defaultPolicy
  ): Refusal.Refusal | undefined => {
    const route = definition.routeOf(context)
    const rule = eventRule(route)
    if (Number.isNaN(Date.parse(event.at))) {
      return Refusal.invalid(
        rule,
        "事件时间应为ISO 8601时刻",
        "an event's time is an ISO 8601 instant",
        details(event, { field: "at", value: event.at })
      )
    }
    const party = whoActs(state, event.type, route)
    if (party === undefined) return notAccepted(state, rule, event)
    const doing: Name = {
      confirm: { zh: "确认此环节", en: `confirms in state ${state}` },
      reject: { zh: "退回此环节", en: `rejects in state ${state}` },
      withdraw: { zh: `撤回${definition.name.zh}`, en: `withdraws the ${definition.name.en}` }
    }[event.type]
    const refusal = definition.decideParty(event.actor, party, context, policy, event.at, rule, doing)
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

  /** The context after an accepted event from `from` to `to`: one more history item, and the ending it records. */
  const apply = (context: C, event: Ev, from: S, to: State): C => {
    const by = actorOf(event)
    const reason = event.type === "confirm" ? undefined : event.reason.trim()
    const next: C = { ...context, history: [...context.history, { ...by, type: event.type, from, to, detail: reason }] }
    const ending: Ending<S> = { ...by, state: from, reason: reason ?? "" }
    if (event.type === "reject") return { ...next, rejection: ending }
    if (event.type === "withdraw") return { ...next, withdrawal: ending }
    return next
  }

  // The machine: every open state accepts confirm (to the next state of each route through it, guarded by the route
  // where routes part), reject and withdraw. Derived from the routes, so the documents read the same definition.
  const onRoute = (route: R) => ({ type: "onRoute" as const, params: { route } })
  const applied = (from: S, to: State) => ({ type: "apply" as const, params: { from, to } })
  const confirmations = (state: S) => {
    const targets = routes
      .filter(([, route]) => route.steps.some((step) => step.state === state))
      .map(([key]) => ({ key, to: after(state, key) }))
    const distinct = new Set(targets.map((t) => t.to))
    return distinct.size === 1
      ? { target: targets[0]!.to, actions: applied(state, targets[0]!.to) }
      : targets.map((t) => ({ target: t.to, guard: onRoute(t.key), actions: applied(state, t.to) }))
  }
  const machine = setup({
    types: { context: {} as C, events: {} as Ev, input: {} as C },
    guards: {
      onRoute: ({ context }, params: { readonly route: R }) => definition.routeOf(context) === params.route
    },
    actions: {
      apply: assign(({ context, event }, params: { readonly from: S; readonly to: State }) =>
        apply(context, event, params.from, params.to)
      )
    }
  }).createMachine({
    id: definition.id,
    initial: first,
    context: ({ input }) => input,
    states: Object.fromEntries([
      ...openStates.map((state) => [
        state,
        {
          on: {
            confirm: confirmations(state),
            reject: { target: "rejected", actions: applied(state, "rejected") },
            withdraw: { target: "withdrawn", actions: applied(state, "withdrawn") }
          }
        }
      ]),
      ...finals.map((state) => [state, { type: "final" as const }])
    ])
  })

  const decided = DecidedMachine.make<State, C, Ev, Q>({
    id: definition.id,
    machine,
    decideEvent,
    notAccepted: (state, context, event) => notAccepted(state, eventRule(definition.routeOf(context)), event),
    defaultPolicy: definition.defaultPolicy
  })

  return {
    definition,
    machine,
    states: [...openStates, ...finals] as ReadonlyArray<State>,
    nextStep,
    whoActs,
    decideEvent,
    apply,
    isOpen,
    isFinal: (state: State): boolean => !isOpen(state),
    /** The first snapshot of an initiated process; `context` carries the initiation in its history. */
    initial: (context: C): Snapshot<S, C> => initialTransition(machine, context)[0] as unknown as Snapshot<S, C>,
    /** The history item of an initiation by `actor` at `at`, with its reason. */
    initiated: (by: Actor, reason: string): HistoryItem<S> => ({
      ...by,
      type: "initiate",
      from: undefined,
      to: first,
      detail: reason
    }),
    ...decided
  }
}
