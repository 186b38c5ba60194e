import { Registration } from "@tmis/core"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const cycle = Registration.cycleFrom("2022-01-01")
const years = [2022, 2023, 2024, 2025, 2026]

const good: Registration.Input = {
  cycle,
  assessments: years.map((year) => ({ year, result: "2" })),
  ethics: [{ year: 2023, assessmentResult: "合格" }],
  statusHistory: [{ status: "serving", effective: "2010-09-01", reason: undefined }],
  training: { hours: 400, credits: 40 }
}

const outcomeOf = (input: Registration.Input, config?: Registration.Config) =>
  Registration.decide(input, config).outcome

const input: fc.Arbitrary<Registration.Input> = fc.record({
  cycle: fc.constant(cycle),
  assessments: fc.array(
    fc.record({ year: fc.integer({ min: 2020, max: 2028 }), result: fc.constantFrom("1", "2", "3", "4") }),
    { maxLength: 10 }
  ),
  ethics: fc.array(
    fc.record({
      year: fc.integer({ min: 2020, max: 2028 }),
      assessmentResult: fc.constantFrom(undefined, "合格", "不合格"),
      disciplinaryAction: fc.constantFrom(undefined, "", "警告", "记过", "撤职", "开除")
    }),
    { maxLength: 3 }
  ),
  statusHistory: fc.array(
    fc.record({
      status: fc.constantFrom("serving" as const, "notServing" as const),
      effective: fc
        .integer({ min: Date.parse("2020-01-01"), max: Date.parse("2027-12-31") })
        .map((ms) => new Date(ms).toISOString().slice(0, 10)),
      reason: fc.constantFrom(undefined, "furtherStudy" as const, "other" as const, "missing" as const)
    }),
    { maxLength: 4 }
  ),
  training: fc.record({ hours: fc.integer({ min: 0, max: 600 }), credits: fc.integer({ min: 0, max: 80 }) }),
  qualificationLost: fc.boolean()
})

describe("Registration", () => {
  it("M26.1 a teacher with the hours, every assessment 合格 or better and clean ethics is qualified, with every reason", () => {
    const decision = Registration.decide(good)
    expect(decision.outcome).toBe("qualified")
    expect(decision.reasons.map((r) => [r.check, r.met, r.rule])).toEqual([
      ["training", true, "M26.1"],
      ["assessments", true, "M26.1"],
      ["ethics", true, "M26.1"],
      ["awayFromTeaching", true, "M26.1"],
      ["qualification", true, "M26.1"]
    ])
  })

  it("M26.1 the regulation's cases: too few hours, one 不合格, away a semester defer; two consecutive 不合格, a serious violation, a lost qualification fail", () => {
    expect(outcomeOf({ ...good, training: { hours: 359, credits: 0 } })).toBe("deferred")
    expect(
      outcomeOf({ ...good, training: { hours: 100, credits: 36 } }, { ...Registration.defaultConfig, minCredits: 36 })
    ).toBe("qualified")
    expect(outcomeOf({ ...good, assessments: [...good.assessments, { year: 2024, result: "4" }] })).toBe("deferred")
    expect(outcomeOf({ ...good, assessments: good.assessments.filter((a) => a.year !== 2025) })).toBe("deferred")
    expect(outcomeOf({ ...good, assessments: [...good.assessments, { year: 2024, result: "3" }] })).toBe("qualified")
    expect(
      outcomeOf({
        ...good,
        assessments: [...good.assessments, { year: 2024, result: "4" }, { year: 2025, result: "4" }]
      })
    ).toBe("notQualified")
    expect(
      outcomeOf({
        ...good,
        assessments: [...good.assessments, { year: 2023, result: "4" }, { year: 2025, result: "4" }]
      })
    ).toBe("deferred")
    expect(outcomeOf({ ...good, ethics: [{ year: 2024, disciplinaryAction: "开除" }] })).toBe("notQualified")
    expect(outcomeOf({ ...good, ethics: [{ year: 2024, disciplinaryAction: "警告" }] })).toBe("deferred")
    expect(outcomeOf({ ...good, ethics: [{ year: 2019, disciplinaryAction: "记过" }] })).toBe("qualified")
    expect(outcomeOf({ ...good, qualificationLost: true })).toBe("notQualified")
    const away = (reason: "other" | "furtherStudy", back: string): Registration.Input => ({
      ...good,
      statusHistory: [
        { status: "serving", effective: "2010-09-01", reason: undefined },
        { status: "notServing", effective: "2024-03-01", reason },
        { status: "serving", effective: back, reason: undefined }
      ]
    })
    expect(outcomeOf(away("other", "2024-07-19"))).toBe("deferred")
    expect(outcomeOf(away("other", "2024-07-18"))).toBe("qualified")
    expect(outcomeOf(away("furtherStudy", "2025-03-01"))).toBe("qualified")
    const reasons = Registration.decide({
      ...good,
      training: { hours: 10, credits: 0 },
      qualificationLost: true
    }).reasons
    expect(reasons.filter((r) => !r.met).map((r) => [r.check, r.outcome])).toEqual([
      ["training", "deferred"],
      ["qualification", "notQualified"]
    ])
  })

  it("M26.1 monotone: more hours or credits never make the outcome worse", () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 40 }), (i, h, c) => {
        const config = { ...Registration.defaultConfig, minCredits: 36 }
        const more = { ...i, training: { hours: i.training.hours + h, credits: i.training.credits + c } }
        expect(Registration.compare(outcomeOf(more, config), outcomeOf(i, config))).toBeLessThanOrEqual(0)
      })
    )
  })

  it("M26.1 monotone: one more 不合格 assessment never makes the outcome better", () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 2020, max: 2028 }), (i, year) => {
        const worse = { ...i, assessments: [...i.assessments, { year, result: Registration.failedCode }] }
        expect(Registration.compare(outcomeOf(worse), outcomeOf(i))).toBeGreaterThanOrEqual(0)
      })
    )
  })

  it("M26.1 every result lists each check once with its rule, and the outcome is the worst reason", () => {
    fc.assert(
      fc.property(input, (i) => {
        const { outcome, reasons } = Registration.decide(i)
        expect(reasons.map((r) => r.check)).toEqual([
          "training",
          "assessments",
          "ethics",
          "awayFromTeaching",
          "qualification"
        ])
        for (const r of reasons) {
          expect(r.rule).toBe("M26.1")
          expect(r.met).toBe(r.outcome === "qualified")
          expect(r.zh.length * r.en.length).toBeGreaterThan(0)
        }
        const worst = reasons
          .map((r) => r.outcome)
          .sort(Registration.compare)
          .at(-1)
        expect(outcome).toBe(worst)
      })
    )
  })

  it("M26.1 the thresholds are configuration, validated at start: a negative or zero threshold is refused", () => {
    expect(Either.isRight(Registration.validateConfig(Registration.defaultConfig))).toBe(true)
    for (const bad of [
      { ...Registration.defaultConfig, minHours: -1 },
      { ...Registration.defaultConfig, minCredits: 0 },
      { ...Registration.defaultConfig, cycleYears: 0 },
      { ...Registration.defaultConfig, semesterDays: 1.5 }
    ]) {
      const result = Registration.validateConfig(bad)
      expect(Either.isLeft(result) && result.left.rule).toBe("M26.1")
    }
    expect(Registration.cycleFrom("2022-09-01")).toEqual({ from: "2022-09-01", to: "2027-09-01" })
    expect(Registration.yearsOf(cycle)).toEqual(years)
    expect(Registration.yearsOf(Registration.cycleFrom("2022-09-01"))).toEqual([2022, 2023, 2024, 2025, 2026])
  })
})
