import { Either } from "effect"
import { describe, expect, it } from "vitest"
import * as ApprovalChain from "../src/kernel/ApprovalChain.js"
import * as Refusal from "../src/kernel/Refusal.js"

// What the approval-chain kernel tells a refused actor (M23.2 and M24.1 on a synthetic chain, as in
// ApprovalChain.test.ts): the rule of the route, both texts and the details of each refusal the kernel itself
// decides. ApprovalChain.test.ts checks where events lead; these pin the refusals (issue 17: their texts survived).

type Party = "a" | "b" | "c"
type Open = "atB" | "atC"
interface Context extends ApprovalChain.Trail<Open> {
  readonly long: boolean
}
interface Actor {
  readonly accountId: string
  readonly role: string
  readonly unit: { readonly id: string }
}

const definition = {
  id: "synthetic",
  name: { zh: "示例", en: "synthetic process" },
  parties: { a: { zh: "甲", en: "A" }, b: { zh: "乙", en: "B" }, c: { zh: "丙", en: "C" } },
  initiator: "a",
  withdrawer: "a",
  routes: {
    short: { rule: "M24.1", steps: [{ state: "atB", party: "b" }] },
    long: {
      rule: "M24.2",
      events: "M23.2",
      steps: [
        { state: "atB", party: "b" },
        { state: "atC", party: "c" }
      ]
    }
  },
  routeOf: (context: Context): "short" | "long" => (context.long ? "long" : "short"),
  // The party's texts are what the kernel says it is doing: the refusal carries them as they came.
  decideParty: (
    actor: Actor,
    party: Party,
    _context: Context,
    _policy: null,
    _at: string,
    rule: Refusal.RuleId,
    doing: ApprovalChain.Name
  ) => (actor.unit.id === party ? undefined : Refusal.forbidden(rule, doing.zh, doing.en, { party })),
  defaultPolicy: null
} satisfies ApprovalChain.Definition<Open, Party, "short" | "long", Context, Actor, null>
const chain = ApprovalChain.make(definition)

const by = (unit: string): Actor => ({ accountId: `admin-${unit}`, role: "infoAdmin", unit: { id: unit } })
const at = "2024-01-02T00:00:00Z"
const context = (long: boolean): Context => ({
  long,
  initiator: { actor: "admin-a", role: "infoAdmin", actorUnit: "a", at: "2024-01-01T00:00:00Z" },
  history: [],
  rejection: undefined,
  withdrawal: undefined
})
const said = (refusal: Refusal.Refusal | undefined) => {
  if (refusal === undefined) throw new Error("expected a refusal, the event was accepted")
  const { kind, rule, zh, en, details } = refusal
  return { kind, rule, zh, en, details }
}
const who = (unit: string) => ({ actor: `admin-${unit}`, role: "infoAdmin", actorUnit: unit })

describe("ApprovalChain refusals", () => {
  it("M23.2 M24.1 an event with no ISO 8601 time is refused on the route's event rule", () => {
    expect(said(chain.decideEvent("atB", context(true), { type: "confirm", actor: by("b"), at: "yesterday" }))).toEqual(
      {
        kind: "invalid",
        rule: "M23.2",
        zh: "事件时间应为ISO 8601时刻",
        en: "an event's time is an ISO 8601 instant",
        details: { event: "confirm", ...who("b"), field: "at", value: "yesterday" }
      }
    )
    // A route without its own event rule refuses on its rule.
    expect(said(chain.decideEvent("atB", context(false), { type: "confirm", actor: by("b"), at: "" })).rule).toBe(
      "M24.1"
    )
  })

  it("M23.2 the party's refusal says what it was to do: confirm, reject or withdraw", () => {
    const doing = (type: ApprovalChain.EventType, unit: string) => {
      const event =
        type === "confirm" ? { type, actor: by(unit), at } : { type, actor: by(unit), at, reason: "a reason" }
      const { zh, en } = said(chain.decideEvent("atC", context(true), event))
      return [zh, en]
    }
    expect(doing("confirm", "b")).toEqual(["确认此环节", "confirms in state atC"])
    expect(doing("reject", "b")).toEqual(["退回此环节", "rejects in state atC"])
    expect(doing("withdraw", "b")).toEqual(["撤回示例", "withdraws the synthetic process"])
  })

  it("M23.2 a rejection and a withdrawal give their reason; a confirmation needs none", () => {
    expect(said(chain.decideEvent("atB", context(true), { type: "reject", actor: by("b"), at, reason: "  " }))).toEqual(
      {
        kind: "invalid",
        rule: "M23.2",
        zh: "退回须说明理由",
        en: "a rejection gives its reason",
        details: { event: "reject", ...who("b"), field: "reason", value: "  " }
      }
    )
    const withdrawal = said(
      chain.decideEvent("atB", context(true), { type: "withdraw", actor: by("a"), at, reason: "" })
    )
    expect([withdrawal.zh, withdrawal.en, withdrawal.details.field]).toEqual([
      "撤回须说明理由",
      "a withdrawal gives its reason",
      "reason"
    ])
    expect(chain.decideEvent("atB", context(true), { type: "reject", actor: by("b"), at, reason: " why " })).toBe(
      undefined
    )
    expect(chain.decideEvent("atB", context(true), { type: "confirm", actor: by("b"), at })).toBe(undefined)
  })

  it("M23.2 M24.1 an event a state does not take, or any event once the process ended, is refused", () => {
    const bogus = { type: "approve", actor: by("b"), at } as unknown as ApprovalChain.Event<Actor>
    expect(said(chain.decideEvent("atB", context(true), bogus))).toEqual({
      kind: "invalid",
      rule: "M23.2",
      zh: "当前状态（atB）不接受此操作",
      en: "a synthetic process in state atB does not accept approve",
      details: { event: "approve", ...who("b"), field: "type", value: "approve", state: "atB" }
    })
    const done = Either.getOrThrow(chain.send(chain.initial(context(false)), { type: "confirm", actor: by("b"), at }))
    expect(done.value).toBe("completed")
    const late = chain.send(done, { type: "withdraw", actor: by("a"), at, reason: "too late" })
    expect(Either.isLeft(late) && said(late.left)).toEqual({
      kind: "invalid",
      rule: "M24.1",
      zh: "示例已结束（completed），不再接受任何操作",
      en: "a completed synthetic process accepts nothing more",
      details: { event: "withdraw", ...who("a"), field: "type", value: "withdraw", state: "completed" }
    })
  })

  it("M23.2 a definition whose routes do not all start in one state is refused when the chain is made", () => {
    // Routes that share their first state make a chain, whose states are read from the routes.
    expect(ApprovalChain.make({ ...definition, id: "again" }).states).toEqual([
      "atB",
      "atC",
      "completed",
      "rejected",
      "withdrawn"
    ])
    const split = {
      ...definition,
      id: "split",
      routes: { short: { rule: "M24.1", steps: [{ state: "atC", party: "c" }] }, long: definition.routes.long }
    } satisfies ApprovalChain.Definition<Open, Party, "short" | "long", Context, Actor, null>
    expect(() => ApprovalChain.make(split)).toThrow("ApprovalChain split: every route starts in one state")
    const empty = {
      ...definition,
      id: "empty",
      routes: { short: { rule: "M24.1", steps: [] }, long: { rule: "M24.2", steps: [] } }
    } satisfies ApprovalChain.Definition<Open, Party, "short" | "long", Context, Actor, null>
    expect(() => ApprovalChain.make(empty)).toThrow("ApprovalChain empty: every route starts in one state")
    const oneEmpty: ApprovalChain.Definition<Open, Party, "short" | "long", Context, Actor, null> = {
      ...definition,
      id: "oneEmpty",
      routes: { short: definition.routes.short, long: { rule: "M24.2", steps: [] } }
    }
    expect(() => ApprovalChain.make(oneEmpty)).toThrow("ApprovalChain oneEmpty: every route starts in one state")
    const noRoutes = { ...definition, id: "none", routes: {} } as unknown as typeof definition
    expect(() => ApprovalChain.make(noRoutes)).toThrow("ApprovalChain none: every route starts in one state")
  })

  it("M23.2 a state the machine does not know accepts nothing (a stored state from elsewhere)", () => {
    expect(chain.accepts("nowhere" as never, "confirm")).toBe(false)
    expect(chain.accepts("atB", "confirm")).toBe(true)
    expect(chain.accepts("completed", "confirm")).toBe(false)
  })

  it("M23.2 M24.1 a chain made from a definition follows its routes: confirmations, rejection, withdrawal", () => {
    const made = ApprovalChain.make({ ...definition, id: "made" })
    const send = (snapshot: ReturnType<typeof made.initial>, event: ApprovalChain.Event<Actor>) =>
      Either.getOrThrow(made.send(snapshot, event))
    const long = made.initial(context(true))
    expect(long.value).toBe("atB")
    const atC = send(long, { type: "confirm", actor: by("b"), at })
    expect([atC.value, atC.context.history]).toEqual([
      "atC",
      [{ ...who("b"), at, type: "confirm", from: "atB", to: "atC", detail: undefined }]
    ])
    const completed = send(atC, { type: "confirm", actor: by("c"), at })
    expect([completed.value, completed.status, completed.context.history.length]).toEqual(["completed", "done", 2])
    expect(send(made.initial(context(false)), { type: "confirm", actor: by("b"), at }).value).toBe("completed")
    const rejected = send(atC, { type: "reject", actor: by("c"), at, reason: " no " })
    expect([rejected.value, rejected.context.rejection, rejected.context.history.at(-1)]).toEqual([
      "rejected",
      { ...who("c"), at, state: "atC", reason: "no" },
      { ...who("c"), at, type: "reject", from: "atC", to: "rejected", detail: "no" }
    ])
    const withdrawn = send(long, { type: "withdraw", actor: by("a"), at, reason: "moved" })
    expect([withdrawn.value, withdrawn.context.withdrawal, withdrawn.context.rejection]).toEqual([
      "withdrawn",
      { ...who("a"), at, state: "atB", reason: "moved" },
      undefined
    ])
    expect(withdrawn.context.history.at(-1)).toEqual({
      ...who("a"),
      at,
      type: "withdraw",
      from: "atB",
      to: "withdrawn",
      detail: "moved"
    })
    // Its refusals name the route's rule and the state, as those of a chain made at start.
    const wrong = made.send(atC, { type: "confirm", actor: by("b"), at })
    expect(Either.isLeft(wrong) && [wrong.left.rule, wrong.left.en]).toEqual(["M23.2", "confirms in state atC"])
    const late = made.send(completed, { type: "confirm", actor: by("c"), at })
    expect(Either.isLeft(late) && said(late.left)).toEqual({
      kind: "invalid",
      rule: "M23.2",
      zh: "示例已结束（completed），不再接受任何操作",
      en: "a completed synthetic process accepts nothing more",
      details: { event: "confirm", ...who("c"), field: "type", value: "confirm", state: "completed" }
    })
    expect(made.nextStep("atC", "long")).toEqual({ state: "atC", party: "c" })
    expect(made.nextStep("atC", "short")).toBeUndefined()
    expect([made.whoActs("atB", "confirm", "long"), made.whoActs("atC", "withdraw", "long")]).toEqual(["b", "a"])
    expect(made.whoActs("completed", "confirm", "long")).toBeUndefined()
    expect([made.isOpen("atC"), made.isFinal("atC"), made.isOpen("rejected"), made.isFinal("rejected")]).toEqual([
      true,
      false,
      false,
      true
    ])
    expect([made.accepts("atC", "reject"), made.accepts("withdrawn", "confirm")]).toEqual([true, false])
    const initiator = { ...who("a"), at: "2024-01-01T00:00:00Z" }
    expect(made.initiated(initiator, "because")).toEqual({
      ...initiator,
      type: "initiate",
      from: undefined,
      to: "atB",
      detail: "because"
    })
    expect(made.persist(atC)).toEqual({ state: "atC", context: atC.context })
    expect(made.restore(made.persist(atC)).value).toBe("atC")
    expect(made.machine.id).toBe("made")
  })
})
