import { Authorization, CreditConfirmation, type Refusal, TrainingProject } from "@tmis/core"
import { Either } from "effect"
import { describe, expect, it } from "vitest"

// The confirmation of a training result's credits (M25.2–M25.5): what each refusal says and carries, and what
// the context and history keep of each accepted event. CreditBank.test.ts checks who confirms by route; these pin
// the refusals' texts and details, the reason trimmed, the corrected result and the history (issue 17).

const unit = (id: string, kind: Authorization.UnitRef["kind"], path: string): Authorization.UnitRef => ({
  id: id as Authorization.UnitRef["id"],
  kind,
  path
})
const actor = (id: string, u: Authorization.UnitRef) =>
  Authorization.actor(
    { id: id as never, role: "infoAdmin", status: "active", person: { identityNumber: "x" }, certificate: undefined },
    u
  )
const county = unit("jiangan", "county", "/cn/hubei/wuhan/jiangan/")
const owner = actor("a", county)
const provider = { providerId: "pv", status: "active" as const }
const submittedAt = "2025-07-01T00:00:00.000Z"
const at = "2025-07-02T08:00:00.000Z"
const result = { id: "r", projectId: "p", teacherId: "t", providerId: "pv", hours: 10, completedOn: "2025-06-01" }
// Made in each test (functions, not constants), so that each test covers them (per-test coverage of mutation runs).
const submitted = () => CreditConfirmation.initial(result, TrainingProject.routeOf("county"), county, submittedAt)
const reject = (reason: string) => ({ type: "reject" as const, actor: owner, at, reason })
const resubmit = (more: Partial<{ hours: number; at: string }> = {}) => ({
  type: "resubmit" as const,
  provider,
  at,
  hours: 8,
  completedOn: "2025-06-02",
  note: "学时更正",
  ...more
})
const plain = (e: Refusal.Refusal | undefined) =>
  e === undefined ? undefined : { kind: e.kind, rule: e.rule, zh: e.zh, en: e.en, details: e.details }
const returned = () => Either.getOrThrow(CreditConfirmation.send(submitted(), reject(" 学时与证明不符 ")))

describe("CreditConfirmation", () => {
  it("M25.3 a submitted result awaits its confirming unit, and its history starts with the provider's submission", () => {
    expect(submitted().value).toBe("submitted")
    expect(submitted().context).toEqual({
      result,
      route: "owner",
      rule: "M25.3",
      confirmer: county,
      submission: 1,
      rejection: undefined,
      confirmation: undefined,
      history: [
        {
          type: "submit",
          from: undefined,
          to: "submitted",
          actor: "provider:pv",
          actorUnit: undefined,
          at: submittedAt,
          detail: undefined
        }
      ]
    })
    expect(CreditConfirmation.awaiting("submitted", submitted().context)).toBe("jiangan")
    expect(CreditConfirmation.awaiting("returned", submitted().context)).toBeUndefined()
    expect(CreditConfirmation.awaiting("confirmed", submitted().context)).toBeUndefined()
  })

  it("M25.3 an event's time is an ISO 8601 instant: the refusal names the event, its actor and the time", () => {
    expect(plain(CreditConfirmation.decide(submitted(), { type: "confirm", actor: owner, at: "yesterday" }))).toEqual({
      kind: "invalid",
      rule: "M25.3",
      zh: "事件时间应为ISO 8601时刻",
      en: "an event's time is an ISO 8601 instant",
      details: { event: "confirm", actor: "a", actorUnit: "jiangan", field: "at", value: "yesterday" }
    })
    expect(plain(CreditConfirmation.decide(returned(), resubmit({ at: "" })))?.details).toEqual({
      event: "resubmit",
      actor: "provider:pv",
      actorUnit: undefined,
      field: "at",
      value: ""
    })
  })

  it("M25.3 a rejection gives its reason; the reason is kept trimmed, with who rejected and when", () => {
    expect(plain(CreditConfirmation.decide(submitted(), reject(" \n ")))).toEqual({
      kind: "invalid",
      rule: "M25.3",
      zh: "退回须说明理由",
      en: "a rejection gives its reason",
      details: { event: "reject", actor: "a", actorUnit: "jiangan", field: "reason", value: " \n " }
    })
    expect(returned().value).toBe("returned")
    expect(returned().context.rejection).toEqual({ reason: "学时与证明不符", by: "a", at })
    expect(returned().context.history.at(-1)).toEqual({
      type: "reject",
      from: "submitted",
      to: "returned",
      actor: "a",
      actorUnit: "jiangan",
      at,
      detail: "学时与证明不符"
    })
    // Someone else may not reject: the confirming unit's rule refuses.
    const other = actor("b", unit("jianghan", "county", "/cn/hubei/wuhan/jianghan/"))
    expect(CreditConfirmation.decide(submitted(), { ...reject("不符"), actor: other })?.rule).toBe("M25.3")
  })

  it("M25.2 a resubmission carries positive, finite hours; the corrected result is submitted again, counted", () => {
    for (const hours of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(plain(CreditConfirmation.decide(returned(), resubmit({ hours })))).toEqual({
        kind: "invalid",
        rule: "M25.2",
        zh: "学时须为正数",
        en: "hours are positive",
        details: { event: "resubmit", actor: "provider:pv", actorUnit: undefined, field: "hours", value: hours }
      })
    }
    const again = Either.getOrThrow(CreditConfirmation.send(returned(), resubmit({ hours: 0.5 })))
    expect(again.value).toBe("submitted")
    expect(again.context.result).toEqual({ ...result, hours: 0.5, completedOn: "2025-06-02" })
    expect(again.context.submission).toBe(2)
    expect(again.context.history.at(-1)).toEqual({
      type: "resubmit",
      from: "returned",
      to: "submitted",
      actor: "provider:pv",
      actorUnit: undefined,
      at,
      detail: "学时更正"
    })
    // A disabled provider may not resubmit.
    expect(
      CreditConfirmation.decide(returned(), { ...resubmit(), provider: { providerId: "pv", status: "disabled" } })?.rule
    ).toBe("M25.2")
  })

  it("M25.3 a confirmation keeps who confirmed, for which unit, and when; then the credits are final", () => {
    const confirmed = Either.getOrThrow(CreditConfirmation.send(submitted(), { type: "confirm", actor: owner, at }))
    expect(confirmed.value).toBe("confirmed")
    expect(confirmed.context.confirmation).toEqual({ by: "a", unit: "jiangan", at })
    expect(confirmed.context.history.at(-1)).toEqual({
      type: "confirm",
      from: "submitted",
      to: "confirmed",
      actor: "a",
      actorUnit: "jiangan",
      at,
      detail: undefined
    })
    expect(plain(CreditConfirmation.decide(confirmed, reject("晚了")))).toEqual({
      kind: "invalid",
      rule: "M25.3",
      zh: "学分已确认，更正须冲正",
      en: "confirmed credits are corrected by a reversing entry, never by the result",
      details: { event: "reject", actor: "a", actorUnit: "jiangan", field: "type", value: "reject", state: "confirmed" }
    })
  })

  it("M25.3 an event the state does not accept is refused, naming the state", () => {
    expect(plain(CreditConfirmation.decide(submitted(), resubmit()))).toEqual({
      kind: "invalid",
      rule: "M25.3",
      zh: "当前状态（submitted）不接受此操作",
      en: "a result in state submitted does not accept resubmit",
      details: {
        event: "resubmit",
        actor: "provider:pv",
        actorUnit: undefined,
        field: "type",
        value: "resubmit",
        state: "submitted"
      }
    })
    expect(CreditConfirmation.decide(returned(), { type: "confirm", actor: owner, at })?.zh).toBe(
      "当前状态（returned）不接受此操作"
    )
  })

  it("M25.3 a persisted confirmation restores to the same state and context", () => {
    const restored = CreditConfirmation.restore(CreditConfirmation.persist(returned()))
    expect(restored.value).toBe("returned")
    expect(restored.context).toEqual(returned().context)
  })
})
