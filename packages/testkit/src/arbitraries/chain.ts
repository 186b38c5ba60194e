/**
 * The property every approval chain must have, derived from its definition (`ApprovalChain`): for random events
 * by random parties and outsiders, the process follows its route — a confirmation moves on only when the step's
 * party sends it, a rejection ends it only from that party and with a reason, a withdrawal only from the
 * withdrawing party and with a reason, nothing is accepted once it ended — every refusal names the route's rule, and
 * the history holds exactly the accepted events. A new chain (credit confirmation, registration review, sharing
 * approval) gets this property by naming one actor per party.
 *
 * @since 0.1.0
 */
import type { ApprovalChain } from "@tmis/core"
import { Either } from "effect"
import * as fc from "fast-check"

/**
 * What the property needs of a chain's instance (`Transfer.chain`, `Rotation.chain`, …).
 *
 * @since 0.1.0
 */
export interface Chain<S extends string, P extends string, C extends ApprovalChain.Trail<S>, A> {
  readonly definition: {
    readonly withdrawer: P
    readonly routes: Readonly<
      Record<
        string,
        {
          readonly rule: string
          readonly events?: string
          readonly steps: ReadonlyArray<{ readonly state: S; readonly party: P }>
        }
      >
    >
  }
  readonly send: (
    snapshot: ApprovalChain.Snapshot<S, C>,
    event: ApprovalChain.Event<A & ApprovalChain.ActorLike>
  ) => Either.Either<ApprovalChain.Snapshot<S, C>, { readonly rule: string }>
}

/**
 * One process to drive: the chain, the route it takes, its first snapshot, the one actor acting for each party,
 * and actors acting for none (a query-er, an admin elsewhere).
 *
 * @since 0.1.0
 */
export interface Subject<S extends string, P extends string, C extends ApprovalChain.Trail<S>, A> {
  readonly chain: Chain<S, P, C, A>
  readonly route: string
  readonly initial: ApprovalChain.Snapshot<S, C>
  readonly actors: Readonly<Record<P, A & ApprovalChain.ActorLike>>
  readonly outsiders: ReadonlyArray<A & ApprovalChain.ActorLike>
  /** The rules an outsider may be refused with besides the route's: its own role or scope (M13.2, M13.4, M14.3). */
  readonly outsiderRules?: ReadonlyArray<string>
}

interface Step {
  readonly type: ApprovalChain.EventType
  readonly by: number
  readonly reason: string
}

const fail = (message: string): never => {
  throw new Error(message)
}

/**
 * The property: drive the subject with up to `maxEvents` random events and compare with the route.
 *
 * @since 0.1.0
 */
export const followsItsRoute = <S extends string, P extends string, C extends ApprovalChain.Trail<S>, A>(
  subject: Subject<S, P, C, A>,
  maxEvents = 12
): fc.IPropertyWithHooks<[ReadonlyArray<Step>]> => {
  const parties = Object.keys(subject.actors) as unknown as ReadonlyArray<P>
  const everyone = [...parties.map((p) => subject.actors[p]), ...subject.outsiders]
  const route = subject.chain.definition.routes[subject.route] ?? fail(`no route ${subject.route}`)
  const rule = route.events ?? route.rule
  const step: fc.Arbitrary<Step> = fc.record({
    type: fc.constantFrom<ApprovalChain.EventType>("confirm", "reject", "withdraw"),
    by: fc.nat({ max: everyone.length - 1 }),
    reason: fc.constantFrom("", "  ", "理由 a reason")
  })
  /** Where the route says an event leads, or undefined when it must be refused. */
  const expected = (state: string, s: Step): string | undefined => {
    const at = route.steps.findIndex((r) => r.state === state)
    if (at < 0) return undefined
    const by = everyone[s.by]
    const hasReason = s.reason.trim() !== ""
    switch (s.type) {
      case "confirm":
        return by === subject.actors[route.steps[at]!.party] ? (route.steps[at + 1]?.state ?? "completed") : undefined
      case "reject":
        return by === subject.actors[route.steps[at]!.party] && hasReason ? "rejected" : undefined
      case "withdraw":
        return by === subject.actors[subject.chain.definition.withdrawer] && hasReason ? "withdrawn" : undefined
    }
  }
  return fc.property(fc.array(step, { maxLength: maxEvents }), (steps) => {
    let snapshot = subject.initial
    let accepted = 0
    const start = Date.parse("2024-03-01T02:00:00.000Z")
    steps.forEach((s, i) => {
      const actor = everyone[s.by]!
      const at = new Date(start + i * 60_000).toISOString()
      const event: ApprovalChain.Event<A & ApprovalChain.ActorLike> =
        s.type === "confirm" ? { type: "confirm", actor, at } : { type: s.type, reason: s.reason, actor, at }
      const next = expected(snapshot.value, s)
      const result = subject.chain.send(snapshot, event)
      if (next === undefined) {
        if (Either.isRight(result)) fail(`${s.type} by ${actor.accountId} in ${snapshot.value} was taken`)
        else if (
          result.left.rule !== rule &&
          !(s.by >= parties.length && (subject.outsiderRules ?? []).includes(result.left.rule))
        ) {
          fail(`refusal of ${actor.accountId} names ${result.left.rule}, not ${rule}`)
        }
      } else if (Either.isLeft(result)) {
        fail(`${s.type} by ${actor.accountId} in ${snapshot.value} was refused (${result.left.rule})`)
      } else {
        snapshot = result.right
        accepted += 1
        if (snapshot.value !== next) fail(`${s.type} led to ${snapshot.value}, not ${next}`)
      }
    })
    if (snapshot.context.history.length !== accepted + 1) fail("the history is not the accepted events")
  })
}
