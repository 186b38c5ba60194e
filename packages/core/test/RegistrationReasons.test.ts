import { Registration } from "@tmis/core"
import { Either, Schema } from "effect"
import { describe, expect, it } from "vitest"

// The registration decision's reasons, word for word, and the edges of each check (M26.1): what a teacher and the
// school are told. Registration.test.ts checks the outcomes and their order; these pin the texts, the details and
// the boundaries (issue 17: mutants that changed them survived).

const cycle = Registration.cycleFrom("2022-01-01")
const years = [2022, 2023, 2024, 2025, 2026]
const serving = { status: "serving", effective: "2010-09-01", reason: undefined } as const

const good: Registration.Input = {
  cycle,
  assessments: years.map((year) => ({ year, result: "2" })),
  ethics: [],
  statusHistory: [serving],
  training: { hours: 400, credits: 40 }
}

const reasonOf = (input: Registration.Input, check: Registration.Check, config?: Registration.Config) => {
  const found = Registration.decide(input, config).reasons.find((r) => r.check === check)
  if (found === undefined) throw new Error(`no reason for ${check}`)
  const { outcome, met, rule, zh, en, details } = found
  return { outcome, met, rule, zh, en, details }
}
const met = (zh: string, en: string, details: Readonly<Record<string, unknown>>) => ({
  outcome: "qualified",
  met: true,
  rule: "M26.1",
  zh,
  en,
  details
})
const notMet = (outcome: Registration.Outcome, zh: string, en: string, details: Readonly<Record<string, unknown>>) => ({
  outcome,
  met: false,
  rule: "M26.1",
  zh,
  en,
  details
})

describe("Registration reasons", () => {
  it("M26.1 a qualified teacher is told every check met, in words and figures", () => {
    const decision = Registration.decide(good)
    expect(decision.outcome).toBe("qualified")
    expect(decision.reasons).toEqual([
      {
        check: "training",
        ...met("周期内培训学时（学分）达到要求", "the cycle's training requirement is met", {
          hours: 400,
          credits: 40,
          minHours: 360,
          minCredits: undefined
        })
      },
      {
        check: "assessments",
        ...met("注册周期内年度考核均为合格以上", "every annual assessment of the cycle is 合格 or better", {
          failed: [],
          missing: []
        })
      },
      { check: "ethics", ...met("师德表现符合要求", "ethics meets the standard", {}) },
      {
        check: "awayFromTeaching",
        ...met("未无故脱离教育教学岗位一学期以上", "not away from teaching a semester without an accepted reason", {
          days: 0,
          semesterDays: 140
        })
      },
      { check: "qualification", ...met("教师资格有效", "the qualification stands", {}) }
    ])
  })

  it("M26.1 training: the hours, or the province's credits, at least the threshold", () => {
    const withCredits = { ...Registration.defaultConfig, minCredits: 36 }
    const training = (hours: number, credits: number, config?: Registration.Config) =>
      reasonOf({ ...good, training: { hours, credits } }, "training", config)
    expect(training(360, 0).met).toBe(true)
    expect(training(359, 0)).toEqual(
      notMet("deferred", "周期内培训不足360学时，暂缓注册", "fewer than 360 training hours in the cycle: deferred", {
        hours: 359,
        credits: 0,
        minHours: 360,
        minCredits: undefined
      })
    )
    // Credits count only where the province counts in credits.
    expect(training(0, 1000).met).toBe(false)
    expect(training(0, 36, withCredits).met).toBe(true)
    expect(training(100, 35, withCredits)).toEqual(
      notMet(
        "deferred",
        "周期内培训不足360学时（或36学分），暂缓注册",
        "fewer than 360 training hours (or 36 credits) in the cycle: deferred",
        { hours: 100, credits: 35, minHours: 360, minCredits: 36 }
      )
    )
  })

  it("M26.1 annual assessments: each year of the cycle, its worst result; years outside the cycle do not count", () => {
    const assessments = (extra: ReadonlyArray<Registration.Assessment>, drop?: number) =>
      reasonOf({ ...good, assessments: [...good.assessments.filter((a) => a.year !== drop), ...extra] }, "assessments")
    const one = notMet(
      "deferred",
      "注册周期内有年度考核不合格，暂缓注册",
      "an annual assessment 不合格 in the cycle: deferred",
      { failed: [2024], missing: [] }
    )
    expect(assessments([{ year: 2024, result: "4" }])).toEqual(one)
    // A 不合格 recorded before or after another result of the same year: the year failed.
    expect(assessments([{ year: 2024, result: "4" }], 2024)).toEqual(one)
    expect(
      reasonOf({ ...good, assessments: [{ year: 2024, result: "4" }, ...good.assessments] }, "assessments")
    ).toEqual(one)
    expect(
      assessments([
        { year: 2021, result: "4" },
        { year: 2027, result: "4" }
      ]).met
    ).toBe(true)
    expect(assessments([], 2025)).toEqual(
      notMet(
        "deferred",
        "注册周期内有年度的考核结果未记录，暂缓注册",
        "a year of the cycle has no annual assessment recorded: deferred",
        { failed: [], missing: [2025] }
      )
    )
    expect(
      assessments([
        { year: 2025, result: "4" },
        { year: 2026, result: "4" }
      ])
    ).toEqual(
      notMet(
        "notQualified",
        "连续两年以上年度考核不合格，注册不合格",
        "two or more consecutive years' assessments 不合格: not qualified",
        { failed: [2025, 2026], missing: [] }
      )
    )
    // The last year of the cycle failed and the year after it too: one year of the cycle, deferred only.
    expect(
      assessments([
        { year: 2026, result: "4" },
        { year: 2027, result: "4" }
      ]).outcome
    ).toBe("deferred")
    // 基本合格 (3) is not 不合格.
    expect(assessments([{ year: 2024, result: "3" }], 2024).met).toBe(true)
  })

  it("M26.1 ethics: a serious disciplinary action fails, a lesser one or a failed 师德考核 defers, within the cycle", () => {
    const ethics = (records: ReadonlyArray<Registration.EthicsRecord>) =>
      reasonOf({ ...good, ethics: records }, "ethics")
    expect(ethics([{ year: 2024, disciplinaryAction: " 开除 " }])).toEqual(
      notMet("notQualified", "有严重违反师德的处分，注册不合格", "a serious ethics violation: not qualified", {
        actions: [" 开除 "]
      })
    )
    const lesser = (years: ReadonlyArray<number>) =>
      notMet(
        "deferred",
        "注册周期内师德考核不合格或受到处分，暂缓注册",
        "an ethics failure or disciplinary action in the cycle: deferred",
        { years }
      )
    expect(ethics([{ year: 2023, disciplinaryAction: "记过" }])).toEqual(lesser([2023]))
    expect(ethics([{ year: 2025, assessmentResult: " 不合格 " }])).toEqual(lesser([2025]))
    expect(ethics([{ year: 2025, assessmentResult: "合格", disciplinaryAction: "  " }]).met).toBe(true)
    // The day of the action, when recorded, places it; else its year. The cycle's end is exclusive.
    expect(ethics([{ year: 2023, disciplinaryAction: "记过", disciplinaryDate: "2021-12-31" }]).met).toBe(true)
    expect(ethics([{ year: 2019, disciplinaryAction: "记过", disciplinaryDate: "2022-01-01" }])).toEqual(lesser([2019]))
    expect(ethics([{ year: 2026, disciplinaryAction: "记过", disciplinaryDate: "2027-01-01" }]).met).toBe(true)
    expect(ethics([{ year: 2024, disciplinaryAction: "记过", disciplinaryDate: "2024" }])).toEqual(lesser([2024]))
    // A day recorded only in part is no day: the record's year places it.
    expect(ethics([{ year: 2024, disciplinaryAction: "记过", disciplinaryDate: "2019-05" }])).toEqual(lesser([2024]))
    // Which actions are serious is the deployment's configuration.
    const config = { ...Registration.defaultConfig, seriousDisciplinaryActions: ["记过"] }
    expect(reasonOf({ ...good, ethics: [{ year: 2024, disciplinaryAction: "记过" }] }, "ethics", config).outcome).toBe(
      "notQualified"
    )
  })

  it("M26.1 time away from teaching: days not in post without an accepted reason, within the cycle", () => {
    const history = (...records: Registration.Input["statusHistory"]) => records
    const notServing = (effective: string, reason?: Registration.Input["statusHistory"][number]["reason"]) => ({
      status: "notServing" as const,
      effective,
      reason
    })
    const back = (effective: string) => ({ status: "serving" as const, effective, reason: undefined })
    // Before the cycle's start, clipped to it: 2022-01-01 to 2022-03-01 is 59 days.
    expect(Registration.awayDays(history(notServing("2021-09-01"), back("2022-03-01")), cycle)).toBe(59)
    // Still away at the cycle's end: 2026-09-01 to 2027-01-01 is 122 days.
    expect(Registration.awayDays(history(serving, notServing("2026-09-01")), cycle)).toBe(122)
    // Unordered history, two periods summed; an accepted reason does not count; after the cycle nothing counts.
    const periods = history(
      back("2023-03-01"),
      notServing("2027-02-01"),
      notServing("2023-02-01", "other"),
      notServing("2024-05-01", "furtherStudy"),
      back("2024-09-01"),
      back("2023-04-30"),
      notServing("2023-04-01")
    )
    expect(Registration.awayDays(periods, cycle)).toBe(28 + 29)
    expect(Registration.awayDays(periods, cycle, [])).toBe(28 + 29 + 123)
    expect(reasonOf({ ...good, statusHistory: periods }, "awayFromTeaching")).toEqual(
      met("未无故脱离教育教学岗位一学期以上", "not away from teaching a semester without an accepted reason", {
        days: 57,
        semesterDays: 140
      })
    )
    const config = { ...Registration.defaultConfig, semesterDays: 57 }
    expect(reasonOf({ ...good, statusHistory: periods }, "awayFromTeaching", config)).toEqual(
      notMet(
        "deferred",
        "无正当理由脱离教育教学岗位一学期以上，暂缓注册",
        "away from teaching a semester or more without an accepted reason: deferred",
        { days: 57, semesterDays: 57 }
      )
    )
    // Two records on one day: the history's order decides, the later one stands (a same-day correction).
    expect(Registration.awayDays(history(notServing("2023-01-01"), back("2023-01-01")), cycle)).toBe(0)
    expect(Registration.awayDays(history(back("2023-01-01"), notServing("2023-01-01")), cycle)).toBe(1461)
    // Two records on one day: the period from that day is counted once.
    expect(Registration.awayDays(history(notServing("2023-01-01"), notServing("2023-01-01")), cycle)).toBe(1461)
  })

  it("M26.1 a revoked or lost qualification fails, with its reason", () => {
    expect(reasonOf({ ...good, qualificationLost: true }, "qualification")).toEqual(
      notMet(
        "notQualified",
        "教师资格已被撤销或丧失，注册不合格",
        "the qualification was revoked or lost: not qualified",
        {}
      )
    )
    expect(Registration.decide({ ...good, qualificationLost: false }).outcome).toBe("qualified")
  })

  it("M26.1 the outcome is the worst reason, whatever the order of the checks", () => {
    expect(Registration.compare("qualified", "deferred")).toBeLessThan(0)
    expect(Registration.compare("notQualified", "deferred")).toBeGreaterThan(0)
    expect(Registration.compare("deferred", "deferred")).toBe(0)
    const deferredThenFailed = { ...good, training: { hours: 0, credits: 0 }, qualificationLost: true }
    expect(Registration.decide(deferredThenFailed).outcome).toBe("notQualified")
    const failedThenDeferred = {
      ...good,
      assessments: [...good.assessments, { year: 2023, result: "4" }, { year: 2024, result: "4" }],
      statusHistory: [serving, { status: "notServing" as const, effective: "2025-01-01", reason: undefined }]
    }
    expect(Registration.decide(failedThenDeferred).outcome).toBe("notQualified")
    expect(Registration.decide({ ...good, ethics: [{ year: 2024, disciplinaryAction: "警告" }] }).outcome).toBe(
      "deferred"
    )
  })

  it("M26.1 cycles: a year count from a first day, the assessment years those whose 31 December falls in it", () => {
    expect(Registration.cycleFrom("0995-03-01", 4)).toEqual({ from: "0995-03-01", to: "0999-03-01" })
    expect(Registration.yearsOf(Registration.cycleFrom("0995-03-01", 4))).toEqual([995, 996, 997, 998])
    expect(Registration.yearsOf(Registration.cycleFrom("2022-12-31", 1))).toEqual([2022])
    expect(Registration.yearsOf({ from: "2023-01-01", to: "2023-12-31" })).toEqual([])
    expect(Registration.cycleFrom("2022-01-01")).toEqual({ from: "2022-01-01", to: "2027-01-01" })
  })

  it("M26.1 a refused configuration names the registration thresholds and what is wrong", () => {
    const result = Registration.validateConfig({ ...Registration.defaultConfig, minHours: 0 })
    if (Either.isRight(result)) throw new Error("a zero threshold was accepted")
    const { kind, rule, zh, en, details } = result.left
    expect({ kind, rule, zh, en, field: details.field }).toEqual({
      kind: "invalid",
      rule: "M26.1",
      zh: "教师资格定期注册的阈值配置无效",
      en: "the registration thresholds are invalid: positive hours, credits and days, a cycle of 1 to 10 years",
      field: "registration"
    })
    expect(details.problem).toEqual(expect.stringContaining("minHours"))
    // The problem is cut to 500 characters: a refusal is short, whatever the configuration held.
    const long = Registration.validateConfig({ ...Registration.defaultConfig, acceptedAwayReasons: "x".repeat(2000) })
    expect(Either.isLeft(long) && String(long.left.details.problem).length).toBe(500)
    expect(Either.isRight(Registration.validateConfig({ ...Registration.defaultConfig, cycleYears: 10 }))).toBe(true)
    expect(Either.isLeft(Registration.validateConfig({ ...Registration.defaultConfig, cycleYears: 11 }))).toBe(true)
    expect(
      Either.isLeft(Registration.validateConfig({ ...Registration.defaultConfig, seriousDisciplinaryActions: [""] }))
    ).toBe(true)
  })

  it("M26.1 the records the decision reads are taken from the e-file's annual assessments and ethics entries", () => {
    expect(
      Registration.recordsOf([
        { group: "annualAssessment", data: { year: "2024", result: "4" } },
        { group: "annualAssessment", data: { year: 2025 } },
        { group: "ethics", data: { year: 2023, disciplinaryAction: "记过", disciplinaryDate: "2023-05-01" } },
        { group: "ethics", data: { year: "2024", assessmentResult: "不合格", disciplinaryAction: 7 } },
        { group: "basicInfo", data: { year: 2024, result: "4" } }
      ])
    ).toEqual({
      assessments: [
        { year: 2024, result: "4" },
        { year: 2025, result: "" }
      ],
      ethics: [
        { year: 2023, assessmentResult: undefined, disciplinaryAction: "记过", disciplinaryDate: "2023-05-01" },
        { year: 2024, assessmentResult: "不合格", disciplinaryAction: undefined, disciplinaryDate: undefined }
      ]
    })
  })

  it("M26.1 a reason stored compact (check, outcome, details) reads back whole, texts and all, for every branch; one stored whole reads back the same", () => {
    const decode = Schema.decodeUnknownSync(Schema.parseJson(Registration.PersistedReason))
    const withCredits = { ...Registration.defaultConfig, minCredits: 36 }
    const inputs: ReadonlyArray<readonly [Registration.Input, Registration.Config?]> = [
      [good],
      [{ ...good, training: { hours: 100, credits: 0 } }],
      [{ ...good, training: { hours: 100, credits: 35 } }, withCredits],
      [{ ...good, assessments: [...good.assessments, { year: 2024, result: "4" }] }],
      [{ ...good, assessments: [...good.assessments, { year: 2024, result: "4" }, { year: 2025, result: "4" }] }],
      [{ ...good, assessments: good.assessments.filter((a) => a.year !== 2023) }],
      [{ ...good, ethics: [{ year: 2024, disciplinaryAction: "警告" }] }],
      [{ ...good, ethics: [{ year: 2024, disciplinaryAction: "开除" }] }],
      [
        {
          ...good,
          statusHistory: [
            serving,
            { status: "notServing", effective: "2023-01-01", reason: "other" },
            { ...serving, effective: "2024-01-01" }
          ]
        }
      ],
      [{ ...good, qualificationLost: true }]
    ]
    const seen = new Set<string>()
    for (const [input, config] of inputs) {
      for (const reason of Registration.decide(input, config).reasons) {
        seen.add(`${reason.check}:${reason.outcome}:${reason.zh}`)
        const compact = JSON.stringify(Registration.storedReason(reason))
        expect(compact).not.toContain(reason.en)
        expect(decode(compact)).toEqual(reason)
        expect(decode(JSON.stringify(reason))).toEqual(reason)
      }
    }
    // Every text of every check was rendered back at least once (14 distinct reasons).
    expect(seen.size).toBe(14)
  })
})
