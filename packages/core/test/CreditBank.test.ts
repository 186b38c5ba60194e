import { Authorization, CreditBank, CreditConfirmation, Deployment, Settings, TrainingProject } from "@tmis/core"
import { Effect, Either, Exit, Layer } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const made = (n: number) => ({ id: `e${n}`, key: `k${n}`, unitId: "u", actor: "a", at: "2025-01-01T00:00:00.000Z" })

const rule = fc.record({
  id: fc.constant("r"),
  version: fc.integer({ min: 1, max: 9 }),
  province: fc.constantFrom("*", "beijing", "hubei"),
  hoursPerCredit: fc.record({
    course: fc.integer({ min: 1, max: 4000 }).map((n) => n / 100),
    practice: fc.integer({ min: 1, max: 4000 }).map((n) => n / 100)
  })
})

const hours = fc.integer({ min: 1, max: 100000 }).map((n) => n / 100)

describe("CreditBank", () => {
  it("O9.1 a valid rule never converts hours to negative credits, and more hours never to fewer credits", () => {
    fc.assert(
      fc.property(rule, hours, hours, fc.constantFrom<CreditBank.Form>("course", "practice"), (r, a, b, form) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]
        expect(CreditBank.convert(r, lo, form)).toBeGreaterThanOrEqual(0)
        expect(CreditBank.convert(r, hi, form)).toBeGreaterThanOrEqual(CreditBank.convert(r, lo, form))
      })
    )
  })

  it("O9.1 rules converting to negative or infinite credits are refused at start, and one rule a province", async () => {
    for (const bad of [0, -10, Number.POSITIVE_INFINITY, Number.NaN]) {
      const refused = CreditBank.validateRules([
        { ...CreditBank.defaultRule, hoursPerCredit: { course: bad, practice: 20 } }
      ])
      expect(Either.isLeft(refused) && [refused.left.kind, refused.left.rule]).toEqual(["invalid", "O9.1"])
    }
    const twice = CreditBank.validateRules([CreditBank.defaultRule, { ...CreditBank.defaultRule, id: "other" }])
    expect(Either.isLeft(twice)).toBe(true)
    expect(Either.isRight(CreditBank.validateRules([CreditBank.defaultRule]))).toBe(true)
    // The settings layer with such a rule fails to build: the deployment does not start.
    const settings = Settings.layer(Deployment.provincial("42")).pipe(
      Settings.withCreditRules([{ ...CreditBank.defaultRule, hoursPerCredit: { course: -1, practice: 20 } }])
    )
    const exit = await Effect.runPromiseExit(Layer.build(settings).pipe(Effect.scoped))
    expect(Exit.isFailure(exit)).toBe(true)
    const good = Settings.layer(Deployment.provincial("42")).pipe(Settings.withCreditRules([CreditBank.defaultRule]))
    const rules = await Effect.runPromise(
      Effect.provide(
        Effect.map(Settings.Settings, (s) => s.creditRules),
        good
      )
    )
    expect(rules).toEqual([CreditBank.defaultRule])
  })

  it("O9.1 the rule of a province: its own, else the deployment's default, else 10/20 hours a credit", () => {
    const hubei = { ...CreditBank.defaultRule, id: "hb", province: "hubei" }
    expect(CreditBank.ruleFor([hubei], "hubei").id).toBe("hb")
    expect(CreditBank.ruleFor([hubei], "beijing")).toEqual(CreditBank.defaultRule)
    expect(CreditBank.convert(CreditBank.defaultRule, 36, "course")).toBe(3.6)
    expect(CreditBank.convert(CreditBank.defaultRule, 36, "practice")).toBe(1.8)
  })

  it("O9.1 for random sequences of pure ledger commands every balance is the sum of its entries and nothing is settled twice", () => {
    const command = fc.oneof(
      fc.record({
        op: fc.constant("confirm" as const),
        hours,
        form: fc.constantFrom<CreditBank.Form>("course", "practice")
      }),
      fc.record({ op: fc.constant("reverse" as const), pick: fc.nat(20) }),
      fc.record({ op: fc.constant("apply" as const), pick: fc.nat(20) }),
      fc.record({ op: fc.constant("transfer" as const), rule })
    )
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        let entries: ReadonlyArray<CreditBank.Entry> = []
        let current: CreditBank.CreditRule = CreditBank.defaultRule
        commands.forEach((c, n) => {
          const holdings = entries.filter(CreditBank.isHolding)
          switch (c.op) {
            case "confirm":
              entries = [
                ...entries,
                CreditBank.confirmation(made(n), {
                  teacherId: "t",
                  projectId: "p",
                  form: c.form,
                  hours: c.hours,
                  day: "2024-01-01",
                  rule: current
                })
              ]
              break
            case "reverse":
            case "apply": {
              const target = holdings[c.pick % Math.max(1, holdings.length)]
              if (target === undefined) break
              const wasLive = CreditBank.live(entries).some((e) => e.id === target.id)
              const next =
                c.op === "reverse"
                  ? Either.map(CreditBank.reversal(entries, target.id, made(n), "更正"), (e) => [e])
                  : CreditBank.application(entries, [target.id], made(n), "reg")
              expect(Either.isRight(next)).toBe(wasLive)
              if (Either.isRight(next)) entries = [...entries, ...next.right]
              break
            }
            case "transfer":
              current = c.rule
              entries = [...entries, ...CreditBank.conversion(entries, c.rule, made(n), "调动")]
              break
          }
        })
        const settled = entries.flatMap((e) => (e.settles ? [e.settles.id] : []))
        expect(new Set(settled).size).toBe(settled.length)
        const balance = CreditBank.balance(entries)
        const live = CreditBank.live(entries)
        expect(Math.round(balance.available.credits * 100)).toBe(
          live.reduce((s, e) => s + Math.round(e.credits * 100), 0)
        )
        expect(Math.round(balance.available.hours * 100)).toBe(live.reduce((s, e) => s + Math.round(e.hours * 100), 0))
        // Every conversion keeps its original: the settled holding is still in the ledger as it was.
        for (const e of entries.filter((e) => e.kind === "convert")) {
          expect(entries.find((o) => o.id === e.settles?.id)?.credits).toBe(e.settles?.credits)
        }
      })
    )
  })

  it("O9.1 balances per registration cycle count the entries of the cycle's days only", () => {
    const a = CreditBank.confirmation(made(1), {
      teacherId: "t",
      projectId: "p",
      form: "course",
      hours: 100,
      day: "2020-06-01",
      rule: CreditBank.defaultRule
    })
    const b = CreditBank.confirmation(made(2), {
      ...a,
      form: "course",
      hours: 50,
      day: "2025-06-01",
      rule: CreditBank.defaultRule
    })
    const cycle = { from: "2021-01-01", to: "2026-01-01" }
    expect(CreditBank.balance([a, b], cycle).available).toEqual({ hours: 50, credits: 5 })
    expect(CreditBank.balance([a, b]).available).toEqual({ hours: 150, credits: 15 })
  })
})

describe("CreditConfirmation", () => {
  const unit = (id: string, kind: Authorization.UnitRef["kind"], path: string): Authorization.UnitRef => ({
    id: id as Authorization.UnitRef["id"],
    kind,
    path
  })
  const actor = (id: string, u: Authorization.UnitRef, role: "infoAdmin" | "infoQueryer" = "infoAdmin") =>
    Authorization.actor(
      { id: id as never, role, status: "active", person: { identityNumber: "x" }, certificate: undefined },
      u
    )
  const province = unit("hubei", "province", "/cn/hubei/")
  const county = unit("jiangan", "county", "/cn/hubei/wuhan/jiangan/")
  const at = "2025-07-01T00:00:00.000Z"
  const submitted = (kind: TrainingProject.Kind, confirmer: Authorization.UnitRef) =>
    CreditConfirmation.initial(
      { id: "r", projectId: "p", teacherId: "t", providerId: "pv", hours: 10, completedOn: "2025-06-01" },
      TrainingProject.routeOf(kind),
      confirmer,
      at
    )

  it("M25.4 a national project's result is confirmed by the teacher's provincial bureau only", () => {
    const s = submitted("national", province)
    expect(TrainingProject.routeOf("national")).toEqual({ route: "province", rule: "M25.4" })
    expect(CreditConfirmation.decide(s, { type: "confirm", actor: actor("a", county), at })?.rule).toBe("M25.4")
    expect(
      CreditConfirmation.decide(s, { type: "confirm", actor: actor("q", province, "infoQueryer"), at })?.kind
    ).toBe("forbidden")
    expect(CreditConfirmation.decide(s, { type: "confirm", actor: actor("b", province), at })).toBeUndefined()
  })

  it("M25.3 rejection needs a reason and returns the result; only its provider resubmits; confirmed is final", () => {
    const s = submitted("county", county)
    const owner = actor("a", county)
    expect(CreditConfirmation.decide(s, { type: "reject", actor: owner, at, reason: "  " })?.rule).toBe("M25.3")
    const returned = CreditConfirmation.send(s, { type: "reject", actor: owner, at, reason: "不符" })
    expect(Either.isRight(returned) && returned.right.value).toBe("returned")
    if (Either.isLeft(returned)) return
    const resubmit = { type: "resubmit" as const, at, hours: 8, completedOn: "2025-06-01", note: "更正" }
    expect(
      CreditConfirmation.decide(returned.right, { ...resubmit, provider: { providerId: "other", status: "active" } })
        ?.rule
    ).toBe("M25.2")
    const again = CreditConfirmation.send(returned.right, {
      ...resubmit,
      provider: { providerId: "pv", status: "active" }
    })
    expect(
      Either.isRight(again) && [again.right.value, again.right.context.result.hours, again.right.context.submission]
    ).toEqual(["submitted", 8, 2])
    if (Either.isLeft(again)) return
    const confirmed = CreditConfirmation.send(again.right, { type: "confirm", actor: owner, at })
    expect(Either.isRight(confirmed) && confirmed.right.value).toBe("confirmed")
    if (Either.isRight(confirmed)) {
      expect(CreditConfirmation.decide(confirmed.right, { type: "reject", actor: owner, at, reason: "x" })?.kind).toBe(
        "invalid"
      )
    }
  })

  it("M25.5 school-based and self-study results go to the competent bureau; their plans need its approval", () => {
    for (const kind of ["schoolBased", "selfStudy"] as const) {
      expect(TrainingProject.routeOf(kind)).toEqual({ route: "competent", rule: "M25.5" })
      expect(TrainingProject.needsPlanApproval(kind)).toBe(true)
    }
    expect(TrainingProject.routeOf("provincial")).toEqual({ route: "owner", rule: "M25.3" })
    expect(TrainingProject.needsPlanApproval("county")).toBe(false)
  })

  it("M25.1 a project is entered by a unit of its own level", () => {
    const input = {
      id: "p",
      name: "项目",
      kind: "provincial" as const,
      hours: 10,
      form: "course" as const,
      providerId: "pv",
      from: "2025-01-01",
      to: "2025-02-01",
      capacity: 1
    }
    expect(Either.isRight(TrainingProject.decideNew(input, province, province, "a", at))).toBe(true)
    const wrong = TrainingProject.decideNew(input, county, county, "a", at)
    expect(Either.isLeft(wrong) && wrong.left.rule).toBe("M25.1")
    expect(
      Authorization.decideUnitAdmin(
        actor("a", county),
        province,
        { requireCertificateFor: [], now: new Date(at) },
        "M25.1"
      )?.rule
    ).toBe("M25.1")
    expect(
      Authorization.decideUnitAdmin(
        actor("a", province),
        province,
        { requireCertificateFor: [], now: new Date(at) },
        "M25.1"
      )
    ).toBeUndefined()
  })
})
