import { type Authorization, EmploymentStatus, type Refusal } from "@tmis/core"
import { type ReviewScenario, reviewActor, reviewScenario } from "@tmis/testkit/arbitraries"
import { Either, Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const segments = (path: string) => path.split("/").filter((x) => x.length > 0)
const isSchoolAdmin = (a: Authorization.Actor, unit: Authorization.UnitRef) => {
  const ids = segments(unit.path)
  const school = unit.kind === "department" ? ids[ids.length - 2] : ids[ids.length - 1]
  return (
    a.status === "active" &&
    a.role === "infoAdmin" &&
    (a.unit.id === school || (unit.kind === "department" && a.unit.id === unit.id))
  )
}

const day = fc
  .integer({ min: 0, max: 3650 })
  .map((n) => new Date(Date.UTC(2015, 0, 1) + n * 86_400_000).toISOString().slice(0, 10))

const change: fc.Arbitrary<EmploymentStatus.Change> = fc
  .record({
    status: fc.constantFrom(...EmploymentStatus.Status.literals),
    effective: day,
    reason: fc.option(fc.constantFrom(...EmploymentStatus.Reason.literals), { nil: undefined, freq: 3 })
  })
  .map(({ status, effective, reason }) =>
    // Mostly well-formed: a reason exactly when not in post; sometimes not, to see the refusal.
    reason === undefined ? { status, effective } : { status, effective, reason }
  )

const attempts = (s: ReviewScenario) =>
  fc.array(
    fc.record({
      change,
      actor: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...s.schoolAdmins) }, reviewActor(s))
    }),
    { maxLength: 25, size: "max" }
  )

const scenarios = reviewScenario({ problems: "none" }).chain((s) =>
  fc.record({ s: fc.constant(s), attempts: attempts(s) })
)

/** The oracle of M22.1 as this module reads it. */
const mayRecord = (
  history: EmploymentStatus.History,
  c: EmploymentStatus.Change,
  actor: Authorization.Actor,
  s: ReviewScenario
) => {
  const last = history.at(-1)
  return (
    isSchoolAdmin(actor, s.unit) &&
    (c.status === "notServing") === (c.reason !== undefined) &&
    (last === undefined ||
      (last.status !== "deceased" &&
        c.effective > last.effective &&
        !(last.status === c.status && last.reason === c.reason)))
  )
}

const run = (
  s: ReviewScenario,
  tries: ReadonlyArray<{ change: EmploymentStatus.Change; actor: Authorization.Actor }>
) => {
  let history: EmploymentStatus.History = []
  for (const { change, actor } of tries) {
    const result = EmploymentStatus.recordChange(history, change, actor, s.unit)
    expect(Either.isRight(result)).toBe(mayRecord(history, change, actor, s))
    if (Either.isRight(result)) history = result.right
    else expect(["M22.1", "M20.1", "M14.3", "M13.2", "M13.4"]).toContain(result.left.rule)
  }
  return history
}

describe("EmploymentStatus", () => {
  it("M22.1 only the school's info admin records a change, dated after the last, never after death", () => {
    let recorded = 0
    fc.assert(
      fc.property(scenarios, ({ s, attempts }) => {
        const history = run(s, attempts)
        for (let i = 1; i < history.length; i++) {
          expect(history[i]!.effective > history[i - 1]!.effective).toBe(true)
          expect(history[i - 1]!.status).not.toBe("deceased")
        }
        // Whoever recorded a change is an info admin of the teacher's school (or its department), by role and unit.
        const admins = attempts.filter((a) => isSchoolAdmin(a.actor, s.unit)).map((a) => a.actor.accountId)
        for (const r of history) {
          expect(admins).toContain(r.recordedBy)
          expect(r.reason !== undefined).toBe(r.status === "notServing")
        }
        recorded += history.length
      }),
      { numRuns: 150 }
    )
    // Enough changes are accepted for the property to say something.
    expect(recorded).toBeGreaterThan(150)
  })

  it("M22.1 the status as of a day is the latest change on or before it", () => {
    fc.assert(
      fc.property(scenarios, day, ({ s, attempts }, asOf) => {
        const history = run(s, attempts)
        const naive = [...history].reverse().find((r) => r.effective <= asOf)
        expect(Option.getOrUndefined(EmploymentStatus.statusAsOf(history, asOf))).toEqual(naive)
      }),
      { numRuns: 100 }
    )
  })

  it("M22.1 totals by status follow the histories as of the day", () => {
    fc.assert(
      fc.property(
        reviewScenario({ problems: "none" }).chain((s) =>
          fc.record({ s: fc.constant(s), teachers: fc.array(attempts(s), { maxLength: 8 }) })
        ),
        day,
        ({ s, teachers }, asOf) => {
          const histories = teachers.map((t) => run(s, t))
          const counts = EmploymentStatus.countByStatus(histories, asOf)
          const started = histories.filter((h) => h.some((r) => r.effective <= asOf))
          expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(started.length)
          for (const status of EmploymentStatus.Status.literals) {
            expect(counts[status]).toBe(
              histories.filter((h) => Option.getOrUndefined(EmploymentStatus.statusAsOf(h, asOf))?.status === status)
                .length
            )
          }
        }
      ),
      { numRuns: 60 }
    )
  })

  const s = fc.sample(reviewScenario({ problems: "none", unit: "school" }), { numRuns: 1, seed: 11 })[0]!
  const admin = s.schoolAdmins[0]!
  const record = (history: EmploymentStatus.History, c: EmploymentStatus.Change, actor = admin) =>
    EmploymentStatus.recordChange(history, c, actor, s.unit)
  const refusal = (e: Either.Either<EmploymentStatus.History, Refusal.Refusal>) =>
    Either.match(e, { onLeft: (e) => ({ rule: e.rule, field: e.details.field }), onRight: () => undefined })

  it("M22.1 a long sick leave, a return and a retirement, kept as history", () => {
    const history = [
      { status: "serving", effective: "2018-09-01" },
      { status: "notServing", effective: "2021-03-01", reason: "longSickLeave" },
      { status: "serving", effective: "2021-09-01" },
      { status: "retired", effective: "2024-06-30" }
    ].reduce<EmploymentStatus.History>((h, c) => Either.getOrThrow(record(h, c as EmploymentStatus.Change)), [])
    expect(history.map((r) => EmploymentStatus.toCode(r))).toEqual(["100", "203", "100", "301"])
    expect(Option.getOrThrow(EmploymentStatus.statusAsOf(history, "2021-05-01")).reason).toBe("longSickLeave")
    expect(Option.isNone(EmploymentStatus.statusAsOf(history, "2018-08-31"))).toBe(true)
    expect(EmploymentStatus.countByStatus([history], "2025-01-01").retired).toBe(1)
  })

  it("M22.1 nothing follows death, and a change is not back-dated", () => {
    const dead = Either.getOrThrow(record([], { status: "deceased", effective: "2023-01-05" }))
    expect(refusal(record(dead, { status: "serving", effective: "2024-01-01" }))).toEqual({
      rule: "M22.1",
      field: "status"
    })
    const serving = Either.getOrThrow(record([], { status: "serving", effective: "2023-01-05" }))
    expect(refusal(record(serving, { status: "resigned", effective: "2023-01-05" }))).toEqual({
      rule: "M22.1",
      field: "effective"
    })
    expect(refusal(record(serving, { status: "serving", effective: "2023-02-01" }))?.field).toBe("status")
    expect(refusal(record([], { status: "serving", effective: "2023-02-30" }))?.field).toBe("effective")
  })

  it("M22.1 a reason exactly when the teacher is temporarily not in post", () => {
    expect(refusal(record([], { status: "notServing", effective: "2023-01-05" }))?.field).toBe("reason")
    expect(refusal(record([], { status: "retired", effective: "2023-01-05", reason: "other" }))?.field).toBe("reason")
  })

  it("M22.1 a teacher, a query-er or a bureau does not record a status change", () => {
    for (const actor of [s.teacher, s.bureauAdmin, ...s.bystanders]) {
      expect(Either.isLeft(record([], { status: "serving", effective: "2023-01-05" }, actor))).toBe(true)
    }
    expect(refusal(record([], { status: "serving", effective: "2023-01-05" }, s.bureauAdmin))?.rule).toBe("M22.1")
  })

  it("the default codes round-trip and are all distinct", () => {
    const all = [
      ...Object.values(EmploymentStatus.defaultCodes.status),
      ...Object.values(EmploymentStatus.defaultCodes.notServing)
    ]
    expect(new Set(all).size).toBe(all.length)
    for (const code of all) {
      const value = Option.getOrThrow(EmploymentStatus.fromCode(code))
      expect(EmploymentStatus.toCode(value)).toBe(code)
    }
    expect(Option.isNone(EmploymentStatus.fromCode("999"))).toBe(true)
  })
})
