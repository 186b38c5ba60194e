import { type Authorization, Rotation, Transfer, type Unit } from "@tmis/core"
import { actorAt, followsItsRoute } from "@tmis/testkit/arbitraries"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as ApprovalChain from "../src/kernel/ApprovalChain.js"
import * as Refusal from "../src/kernel/Refusal.js"

// A synthetic chain, independent of any regulation: four parties, one of which initiates and withdraws; two routes
// that share their first step and part after it. Each party is a unit; an actor acts for a party when it belongs to
// the party's unit. The oracle below is written from the kernel's contract, not from its code.

type Party = "a" | "b" | "c" | "d"
type Open = "atB" | "atC" | "atD"
type Route = "short" | "long"
interface Context extends ApprovalChain.Trail<Open> {
  readonly long: boolean
}
interface Actor {
  readonly accountId: string
  readonly role: string
  readonly unit: { readonly id: string }
}

const routes: Record<Route, ReadonlyArray<ApprovalChain.Step<Open, Party>>> = {
  short: [{ state: "atB", party: "b" }],
  long: [
    { state: "atB", party: "b" },
    { state: "atC", party: "c" },
    { state: "atD", party: "d" }
  ]
}

const chain = ApprovalChain.make({
  id: "synthetic",
  name: { zh: "示例", en: "synthetic process" },
  parties: {
    a: { zh: "甲", en: "A" },
    b: { zh: "乙", en: "B" },
    c: { zh: "丙", en: "C" },
    d: { zh: "丁", en: "D" }
  },
  initiator: "a",
  withdrawer: "a",
  routes: {
    short: { rule: "M24.1", steps: routes.short },
    long: { rule: "M24.2", events: "M23.2", steps: routes.long }
  },
  routeOf: (context: Context): Route => (context.long ? "long" : "short"),
  decideParty: (actor: Actor, party: Party, _context: Context, _policy: null, _at, rule, doing) =>
    actor.unit.id === party
      ? undefined
      : Refusal.forbidden(rule, doing.zh, doing.en, { party, actor: actor.accountId }),
  defaultPolicy: null
})

const actorOf = (unit: string): Actor => ({ accountId: `admin-${unit}`, role: "infoAdmin", unit: { id: unit } })
const initiator: ApprovalChain.Actor = {
  actor: "admin-a",
  role: "infoAdmin",
  actorUnit: "a",
  at: "2024-01-01T00:00:00Z"
}
const initial = (long: boolean) =>
  chain.initial({
    long,
    initiator,
    history: [chain.initiated(initiator, "because")],
    rejection: undefined,
    withdrawal: undefined
  })

type Step = { readonly type: ApprovalChain.EventType; readonly by: string; readonly reason: string }
const step: fc.Arbitrary<Step> = fc.record({
  type: fc.constantFrom<ApprovalChain.EventType>("confirm", "reject", "withdraw"),
  by: fc.constantFrom("a", "b", "c", "d", "outsider"),
  reason: fc.constantFrom("", "  ", "a reason")
})

/** The oracle: where an event leads, or undefined when it must be refused. */
const oracle = (state: string, long: boolean, s: Step): string | undefined => {
  const route = routes[long ? "long" : "short"]
  const at = route.findIndex((r) => r.state === state)
  if (at < 0) return undefined
  const hasReason = s.reason.trim() !== ""
  switch (s.type) {
    case "confirm":
      return s.by === route[at]!.party ? (route[at + 1]?.state ?? "completed") : undefined
    case "reject":
      return s.by === route[at]!.party && hasReason ? "rejected" : undefined
    case "withdraw":
      return s.by === "a" && hasReason ? "withdrawn" : undefined
  }
}

describe("ApprovalChain", () => {
  it("derives a machine whose transitions are exactly the routes' confirmations, rejections and withdrawals", () => {
    const transitions = Object.entries(chain.machine.states).flatMap(([state, node]) =>
      Object.entries(node.on).flatMap(([type, ts]) =>
        (ts as ReadonlyArray<{ readonly target?: ReadonlyArray<{ readonly key: string }> }>).flatMap((t) =>
          (t.target ?? []).map((target) => `${state} -${type}-> ${target.key}`)
        )
      )
    )
    expect(transitions.sort()).toEqual(
      [
        "atB -confirm-> completed",
        "atB -confirm-> atC",
        "atC -confirm-> atD",
        "atD -confirm-> completed",
        ...["atB", "atC", "atD"].flatMap((s) => [`${s} -reject-> rejected`, `${s} -withdraw-> withdrawn`])
      ].sort()
    )
  })

  it("property: for random events by random parties, the chain follows the oracle; every refusal names the route's rule; the history holds exactly the accepted events", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { maxLength: 12 }), (long, steps) => {
        let snapshot = initial(long)
        let expected: string = snapshot.value
        let accepted = 0
        steps.forEach((s, i) => {
          const at = new Date(Date.parse("2024-01-02T00:00:00Z") + i * 60_000).toISOString()
          const event: ApprovalChain.Event<Actor> =
            s.type === "confirm"
              ? { type: "confirm", actor: actorOf(s.by), at }
              : { type: s.type, reason: s.reason, actor: actorOf(s.by), at }
          const next = oracle(expected, long, s)
          const result = chain.send(snapshot, event)
          if (next === undefined) {
            expect(Either.isLeft(result)).toBe(true)
            if (Either.isLeft(result)) expect(result.left.rule).toBe(long ? "M23.2" : "M24.1")
          } else {
            expect(Either.isRight(result)).toBe(true)
            if (Either.isRight(result)) snapshot = result.right
            expected = next
            accepted += 1
          }
          expect(snapshot.value).toBe(expected)
        })
        expect(snapshot.context.history.length).toBe(accepted + 1)
        expect(chain.isFinal(snapshot.value)).toBe(["completed", "rejected", "withdrawn"].includes(expected))
        if (expected === "rejected")
          expect(snapshot.context.rejection?.actor).toBe(snapshot.context.history.at(-1)?.actor)
        if (expected === "withdrawn") expect(snapshot.context.withdrawal?.actor).toBe("admin-a")
      })
    )
  })

  it("a wrong party is refused as forbidden, a missing reason as invalid, anything after the end as invalid", () => {
    const at = "2024-01-02T00:00:00Z"
    const refused = (snapshot: ApprovalChain.Snapshot<Open, Context>, event: ApprovalChain.Event<Actor>) =>
      Either.match(chain.send(snapshot, event), { onLeft: (r) => r.kind, onRight: () => "accepted" })
    expect(refused(initial(true), { type: "confirm", actor: actorOf("c"), at })).toBe("forbidden")
    expect(refused(initial(true), { type: "reject", reason: " ", actor: actorOf("b"), at })).toBe("invalid")
    const done = Either.getOrThrow(chain.send(initial(false), { type: "confirm", actor: actorOf("b"), at }))
    expect(done.value).toBe("completed")
    expect(refused(done, { type: "withdraw", reason: "late", actor: actorOf("a"), at })).toBe("invalid")
  })

  it("persists as plain data and restores to a snapshot that goes on the same way", () => {
    const at = "2024-01-02T00:00:00Z"
    const first = Either.getOrThrow(chain.send(initial(true), { type: "confirm", actor: actorOf("b"), at }))
    const restored = chain.restore(JSON.parse(JSON.stringify(chain.persist(first))))
    const next = Either.getOrThrow(chain.send(restored, { type: "confirm", actor: actorOf("c"), at }))
    expect(next.value).toBe("atD")
  })

  it("refuses a definition whose routes start in different states", () => {
    expect(() =>
      ApprovalChain.make({
        id: "broken",
        name: { zh: "坏", en: "broken" },
        parties: { a: { zh: "甲", en: "A" }, b: { zh: "乙", en: "B" } },
        initiator: "a",
        withdrawer: "a",
        routes: {
          one: { rule: "M23.1", steps: [{ state: "x", party: "b" }] },
          two: { rule: "M23.1", steps: [{ state: "y", party: "b" }] }
        },
        routeOf: (_: ApprovalChain.Trail<"x" | "y">): "one" | "two" => "one",
        decideParty: () => undefined,
        defaultPolicy: null
      })
    ).toThrow(/every route starts in one state/)
  })

  // The same property, derived from the definitions of the regulation's chains: one actor per party, and outsiders.
  const ref = (path: string, kind: Unit.Kind): Authorization.UnitRef => ({
    id: path
      .split("/")
      .filter((x) => x !== "")
      .at(-1)! as Unit.UnitId,
    kind,
    path
  })
  const jiangan = ref("/n/hubei/wuhan/jiangan/", "county")
  const jianghan = ref("/n/hubei/wuhan/jianghan/", "county")
  const s1 = ref("/n/hubei/wuhan/jiangan/s1/", "school")
  const s2 = ref("/n/hubei/wuhan/jiangan/s2/", "school")
  const s3 = ref("/n/hubei/wuhan/jianghan/s3/", "school")
  const admin = (unit: Authorization.UnitRef) => actorAt(unit, "infoAdmin")
  const outsiders = [
    admin(s2),
    actorAt(s1, "infoQueryer"),
    actorAt(s3, "systemAdmin"),
    admin(ref("/n/hubei/", "province"))
  ]
  const outsiderRules = ["M13.2", "M13.4", "M14.3"]
  const now = { requireCertificateFor: [], now: new Date("2024-03-01T01:00:00.000Z") }
  const teacher = { id: "efile-1", identityNumber: "11010519491231002X", active: true }

  it("M23.1 M23.2 property derived from the transfer's definition: it follows its route whoever sends what", () => {
    const initial = Either.getOrThrow(
      Transfer.decideInitiate(
        { id: "tr", teacher, from: s1, to: s3, kind: "transfer", effective: "2024-09-01", reason: "调动" },
        admin(s3),
        now
      )
    )
    const actors = {
      receivingSchool: admin(s3),
      receivingBureau: admin(jianghan),
      sendingSchool: admin(s1),
      sendingBureau: admin(jiangan)
    }
    fc.assert(followsItsRoute({ chain: Transfer.chain, route: "M23.1", initial, actors, outsiders, outsiderRules }))
  })

  it("M24.1 M24.2 property derived from the rotation's definition: each kind follows its route whoever sends what", () => {
    const actors = {
      dispatchingSchool: admin(s1),
      dispatchingBureau: admin(jiangan),
      receivingSchool: admin(s3),
      receivingBureau: admin(jianghan)
    }
    for (const changes of [false, true]) {
      const initial = Either.getOrThrow(
        Rotation.decideInitiate(
          {
            id: "ro",
            teacher,
            from: s1,
            to: s3,
            personnelRelationChanges: changes,
            period: { start: "2024-09-01", end: "2027-08-31" },
            reason: "交流"
          },
          admin(s1),
          now
        )
      )
      fc.assert(
        followsItsRoute({
          chain: Rotation.chain,
          route: Rotation.ruleOf(changes),
          initial,
          actors,
          outsiders,
          outsiderRules
        })
      )
    }
  })
})
