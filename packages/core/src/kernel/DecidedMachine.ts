/**
 * An XState machine whose events are decided once, by a pure decision, before the machine takes them: the wrapper
 * every process of tmis shares (the approval chains of `ApprovalChain`, the review of an entry). `send` refuses an
 * event the state does not accept or the decision refuses, naming the rule, and never lets the machine ignore an
 * event silently; `persist` and `restore` turn a snapshot into plain data and back.
 *
 * @since 0.1.0
 */
import { Either } from "effect"
import { type ActorScope, type AnyStateMachine, createActor } from "xstate"
import type * as Refusal from "./Refusal.js"

/**
 * A machine's state and context, as XState's snapshot has them.
 *
 * @since 0.1.0
 */
export interface Snapshot<S extends string, C> {
  readonly value: S
  readonly context: C
  /** `done` in a final state. */
  readonly status: "active" | "done" | "error" | "stopped"
}

/**
 * The persisted form of a snapshot: the state and the context, plain data.
 *
 * @since 0.1.0
 */
export interface Persisted<S extends string, C> {
  readonly state: S
  readonly context: C
}

/**
 * The machine's operations, from the machine, the decision of an event in a state that accepts it, and the
 * refusal of an event a state does not accept.
 *
 * @since 0.1.0
 */
export const make = <S extends string, C, E extends { readonly type: string }, Q>(options: {
  readonly id: string
  readonly machine: AnyStateMachine
  readonly decideEvent: (state: S, context: C, event: E, policy: Q) => Refusal.Refusal | undefined
  readonly notAccepted: (state: S, context: C, event: E) => Refusal.Refusal
  readonly defaultPolicy: Q
}) => {
  const { machine } = options

  /** Does the state accept events of this type? Read from the machine. */
  const accepts = (state: S, type: E["type"]): boolean => {
    const node = machine.states[state]
    return node !== undefined && Object.hasOwn(node.on, type)
  }

  /** Decide an event in the snapshot's state: undefined when it is accepted and allowed, else the refusal. */
  const decide = (
    snapshot: Snapshot<S, C>,
    event: E,
    policy: Q = options.defaultPolicy
  ): Refusal.Refusal | undefined =>
    accepts(snapshot.value, event.type)
      ? options.decideEvent(snapshot.value, snapshot.context, event, policy)
      : options.notAccepted(snapshot.value, snapshot.context, event)

  // XState's `transition` makes an actor for each call, to serve as the transition's inert scope: most of the cost
  // of a transition. These machines only assign — they spawn, schedule and emit nothing, and `send` ignores the
  // actions left to execute — so one inert scope, made at the first transition, serves every transition.
  let inert: ActorScope<never, never> | undefined
  const scope = () => {
    if (inert !== undefined) return inert
    const self = createActor(machine)
    inert = {
      self,
      id: "",
      sessionId: "",
      system: self.system,
      logger: () => {},
      defer: () => {},
      emit: () => {},
      stopChild: () => {},
      actionExecutor: () => {}
    } as unknown as ActorScope<never, never>
    return inert
  }

  const restore = (persisted: Persisted<S, C>): Snapshot<S, C> =>
    machine.resolveState({ value: persisted.state, context: persisted.context }) as unknown as Snapshot<S, C>

  return {
    accepts,
    decide,
    /** Send an event: the next snapshot, or the refusal naming the rule. Decided once; never ignores an event. */
    send: (
      snapshot: Snapshot<S, C>,
      event: E,
      policy: Q = options.defaultPolicy
    ): Either.Either<Snapshot<S, C>, Refusal.Refusal> => {
      const refusal = decide(snapshot, event, policy)
      if (refusal !== undefined) return Either.left(refusal)
      const current = restore({ state: snapshot.value, context: snapshot.context })
      const next = machine.transition(current as never, event as never, scope() as never) as unknown as Snapshot<S, C>
      // An allowed event that moved nothing is a bug of the machine.
      if (next.value === snapshot.value && next.context === snapshot.context) {
        throw new Error(`${options.id}: ${event.type} allowed in ${snapshot.value} but not taken`)
      }
      return Either.right(next)
    },
    persist: (snapshot: Snapshot<S, C>): Persisted<S, C> => ({ state: snapshot.value, context: snapshot.context }),
    restore
  }
}
