import { type Authorization, type Refusal, Review } from "@tmis/core"
import { actorAt, type ReviewScenario, reviewActor, reviewEvents, reviewScenario } from "@tmis/testkit/arbitraries"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

// An independent oracle of M17.1, M17.3, M17.4, M19.1, M20.1, written from the regulation, not from Review.ts.

const segments = (path: string) => path.split("/").filter((s) => s.length > 0)
const schoolOf = (unit: Authorization.UnitRef) => {
  const s = segments(unit.path)
  return unit.kind === "department" ? s[s.length - 2] : s[s.length - 1]
}
const bureauOf = (unit: Authorization.UnitRef) => {
  const s = segments(unit.path)
  return unit.kind === "department" ? s[s.length - 3] : s[s.length - 2]
}
const schoolPathOf = (unit: Authorization.UnitRef) =>
  unit.kind === "department" ? `/${segments(unit.path).slice(0, -1).join("/")}/` : unit.path

const activeAdmin = (a: Authorization.Actor) => a.status === "active" && a.role === "infoAdmin"
const isSchoolAdmin = (a: Authorization.Actor, unit: Authorization.UnitRef) =>
  activeAdmin(a) && (a.unit.id === schoolOf(unit) || (unit.kind === "department" && a.unit.id === unit.id))
const isBureauAdmin = (a: Authorization.Actor, unit: Authorization.UnitRef) =>
  activeAdmin(a) && a.unit.id === bureauOf(unit)
const inScope = (a: Authorization.Actor, unit: Authorization.UnitRef) =>
  activeAdmin(a) && unit.path.startsWith(a.unit.path)
const mayEnter = (a: Authorization.Actor, s: ReviewScenario) =>
  inScope(a, s.unit) ||
  (a.status === "active" &&
    a.role === "teacher" &&
    s.entry.teacherMayEnter &&
    a.identityNumber === s.entry.teacher &&
    s.unit.path.startsWith(schoolPathOf(a.unit)))
const blank = (s: string) => s.trim() === ""

interface Model {
  readonly state: Review.State
  readonly problems: ReadonlySet<string>
}

/** The next model, or undefined when the event must be refused. */
const oracle = (m: Model, e: Review.Event, s: ReviewScenario): Model | undefined => {
  const open = m.problems.size > 0
  const editable = m.state === "draft" || m.state === "returned"
  const live = m.state !== "effective"
  switch (e.type) {
    case "edit":
      return editable && mayEnter(e.actor, s) ? m : undefined
    case "submit":
      return editable && mayEnter(e.actor, s) ? { ...m, state: "submitted" } : undefined
    case "approveBySchool":
      return m.state === "submitted" &&
        isSchoolAdmin(e.actor, e.unit) &&
        !blank(e.collectiveReview) &&
        !blank(e.principal) &&
        e.signedOn !== "2024-02-30" &&
        !open
        ? { ...m, state: "schoolApproved" }
        : undefined
    case "approveByBureau":
      return m.state === "schoolApproved" && isBureauAdmin(e.actor, e.unit) && !open
        ? { ...m, state: "effective" }
        : undefined
    case "reject": {
      const right =
        (m.state === "submitted" && isSchoolAdmin(e.actor, e.unit)) ||
        (m.state === "schoolApproved" && isBureauAdmin(e.actor, e.unit))
      return right && !blank(e.reason) ? { ...m, state: "returned" } : undefined
    }
    case "flagProblem":
      return live && inScope(e.actor, e.unit) && !blank(e.problem.detail) && !m.problems.has(e.problem.check)
        ? { ...m, problems: new Set([...m.problems, e.problem.check]) }
        : undefined
    case "resolveProblem":
      return live && isSchoolAdmin(e.actor, e.unit) && m.problems.has(e.check) && !blank(e.resolution)
        ? { ...m, problems: new Set([...m.problems].filter((c) => c !== e.check)) }
        : undefined
  }
}

interface Step {
  readonly event: Review.Event
  readonly before: Review.Snapshot
  readonly result: Either.Either<Review.Snapshot, Refusal.Refusal>
}

/** Run a sequence through `send`, checking every step against the oracle; returns the steps. */
const runChecked = (s: ReviewScenario, events: ReadonlyArray<Review.Event>): ReadonlyArray<Step> => {
  let snapshot = Review.initial(s.entry)
  let model: Model = { state: "draft", problems: new Set((s.entry.problems ?? []).map((p) => p.check)) }
  const steps: Array<Step> = []
  for (const event of events) {
    const result = Review.send(snapshot, event)
    const expected = oracle(model, event, s)
    steps.push({ event, before: snapshot, result })
    if (expected === undefined) {
      expect(
        Either.isLeft(result),
        `${event.type} by ${event.actor.role}@${event.actor.unit.id} in ${model.state}`
      ).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left.rule).toMatch(/^[MO]\d+\.\d+$/)
      }
    } else {
      expect(
        Either.isRight(result),
        `${event.type} by ${event.actor.role}@${event.actor.unit.id} in ${model.state}`
      ).toBe(true)
      if (Either.isRight(result)) {
        snapshot = result.right
        model = expected
        expect(snapshot.value).toBe(model.state)
        expect(new Set(snapshot.context.problems.map((p) => p.check))).toEqual(model.problems)
      }
    }
  }
  return steps
}

const accepted = (steps: ReadonlyArray<Step>) =>
  steps.flatMap((s) => (Either.isRight(s.result) ? [{ event: s.event, after: s.result.right }] : []))

const scenarioWithEvents = (options: Parameters<typeof reviewScenario>[0] = {}, maxLength = 30) =>
  reviewScenario(options).chain((scenario) =>
    reviewEvents(scenario, { maxLength }).map((events) => ({ scenario, events }))
  )

const at = "2024-03-01T02:00:00.000Z"

const happyPath = (s: ReviewScenario): ReadonlyArray<Review.Event> => {
  const school = s.schoolAdmins[0]!
  return [
    { type: "submit", actor: school, unit: s.unit, at },
    {
      type: "approveBySchool",
      actor: school,
      unit: s.unit,
      at,
      collectiveReview: "2024年第3次集体审核会议纪要",
      principal: "王校长",
      signedOn: "2024-03-01"
    },
    { type: "approveByBureau", actor: s.bureauAdmin, unit: s.unit, at }
  ]
}

const sendAll = (snapshot: Review.Snapshot, events: ReadonlyArray<Review.Event>) =>
  events.reduce((s, e) => Either.getOrThrow(Review.send(s, e)), snapshot)

const refusalOf = (snapshot: Review.Snapshot, event: Review.Event) =>
  Either.match(Review.send(snapshot, event), { onLeft: (e) => e, onRight: () => undefined })

const oneScenario = (options: Parameters<typeof reviewScenario>[0] = {}) =>
  fc.sample(reviewScenario({ problems: "none", teacherMayEnter: true, ...options }), { numRuns: 1, seed: 42 })[0]!

describe("Review", () => {
  it("M17.1 an entry becomes effective only after the school review and then the bureau review, each by the right actor", () => {
    let effective = 0
    fc.assert(
      fc.property(scenarioWithEvents(), ({ scenario, events }) => {
        const steps = runChecked(scenario, events)
        for (const { event, after } of accepted(steps)) {
          if (after.value !== "effective") continue
          effective++
          expect(event.type).toBe("approveByBureau")
          expect(isBureauAdmin(event.actor, scenario.unit)).toBe(true)
          // Since the last submission: a school approval by the school, then the bureau's, and no rejection.
          const history = after.context.history
          const lastSubmit = history.map((h) => h.type).lastIndexOf("submit")
          const since = history
            .slice(lastSubmit + 1)
            .filter((h) => h.type !== "flagProblem" && h.type !== "resolveProblem")
          expect(since.map((h) => h.type)).toEqual(["approveBySchool", "approveByBureau"])
          expect(after.context.schoolReview).toBeDefined()
          expect([scenario.unit.id, schoolOf(scenario.unit)]).toContain(after.context.schoolReview?.reviewerUnit)
          expect(after.context.schoolReview?.principal.trim()).not.toBe("")
          expect(after.context.schoolReview?.collectiveReview.trim()).not.toBe("")
          expect(after.context.bureauReview?.reviewerUnit).toBe(bureauOf(scenario.unit))
        }
      }),
      { numRuns: 150 }
    )
    // The generator does reach the end of the review often enough for the property to say something.
    expect(effective).toBeGreaterThan(5)
  })

  it("M17.1 a refused event leaves the snapshot as it was and names a rule", () => {
    fc.assert(
      fc.property(scenarioWithEvents({}, 15), ({ scenario, events }) => {
        for (const step of runChecked(scenario, events)) {
          if (Either.isLeft(step.result)) {
            expect(step.result.left._tag).toBe("Refusal")
            expect(step.result.left.message.startsWith(step.result.left.rule)).toBe(true)
          }
        }
      }),
      { numRuns: 50 }
    )
  })

  it("M17.1 a rejection returns the entry with its reason", () => {
    let rejections = 0
    fc.assert(
      fc.property(scenarioWithEvents(), ({ scenario, events }) => {
        for (const { event, after } of accepted(runChecked(scenario, events))) {
          if (event.type !== "reject") continue
          rejections++
          expect(after.value).toBe("returned")
          expect(Review.isEditable(after.value)).toBe(true)
          expect(after.context.rejection?.reason).toBe(event.reason.trim())
          expect(after.context.rejection?.reason).not.toBe("")
          expect(after.context.rejection?.by).toBe(event.actor.accountId)
          expect(after.context.schoolReview).toBeUndefined()
          const last = after.context.history.at(-1)
          expect(last).toMatchObject({ type: "reject", to: "returned", detail: event.reason })
        }
      }),
      { numRuns: 100 }
    )
    expect(rejections).toBeGreaterThan(5)
  })

  it("M19.1 a teacher's new entry goes through the same review", () => {
    const teacherFirst = reviewScenario({ teacherMayEnter: true }).chain((scenario) =>
      reviewEvents(scenario, { maxLength: 25 }).map((rest) => ({
        scenario,
        events: [
          { type: "submit" as const, actor: scenario.teacher, unit: scenario.unit, at: "2024-03-01T00:00:00.000Z" },
          ...rest
        ]
      }))
    )
    fc.assert(
      fc.property(teacherFirst, ({ scenario, events }) => {
        const steps = runChecked(scenario, events)
        expect(Either.isRight(steps[0]!.result)).toBe(true)
        for (const { event, after } of accepted(steps)) {
          if (event.actor.role === "teacher") {
            expect(["edit", "submit"]).toContain(event.type)
          }
          if (after.value === "effective") {
            const types = after.context.history.map((h) => h.type)
            expect(types).toContain("approveBySchool")
            expect(types.at(-1)).toBe("approveByBureau")
          }
        }
      }),
      { numRuns: 100 }
    )
  })

  it("M19.1 M16.1 a teacher never enters a group reserved to the school or a bureau", () => {
    fc.assert(
      fc.property(reviewScenario({ teacherMayEnter: false }), (s) => {
        const e = refusalOf(Review.initial(s.entry), { type: "submit", actor: s.teacher, unit: s.unit, at })
        expect(e?.rule).toBe("M16.1")
      }),
      { numRuns: 30 }
    )
  })

  it("M20.1 a department's entries are reviewed within its school, then by the school's competent bureau", () => {
    fc.assert(
      fc.property(scenarioWithEvents({ unit: "department" }), ({ scenario, events }) => {
        const school = schoolOf(scenario.unit)
        for (const { event } of accepted(runChecked(scenario, events))) {
          if (event.type === "approveBySchool" || event.type === "resolveProblem") {
            expect([school, scenario.unit.id]).toContain(event.actor.unit.id)
          }
          if (event.type === "approveByBureau") {
            expect(event.actor.unit.id).toBe(bureauOf(scenario.unit))
          }
        }
        // Another department's info admin and the school's parent cannot do the school review.
        const submitted = Either.getOrThrow(
          Review.send(Review.initial({ ...scenario.entry, problems: [] }), {
            type: "submit",
            actor: scenario.schoolAdmins[1]!,
            unit: scenario.unit,
            at
          })
        )
        const approve = (actor: Authorization.Actor) =>
          refusalOf(submitted, {
            type: "approveBySchool",
            actor,
            unit: scenario.unit,
            at,
            collectiveReview: "纪要",
            principal: "王校长",
            signedOn: "2024-03-01"
          })
        for (const other of scenario.bystanders.filter((b) => b.role === "infoAdmin" && b.unit.kind === "department")) {
          expect(approve(other)?.rule).toBe("M20.1")
        }
        expect(approve(scenario.bureauAdmin)?.rule).toBe("M17.1")
        for (const admin of scenario.schoolAdmins) expect(approve(admin)).toBeUndefined()
      }),
      { numRuns: 100 }
    )
  })

  it("M17.3 M17.4 problem data cannot be approved until resolved", () => {
    fc.assert(
      fc.property(scenarioWithEvents({ problems: "some" }), ({ scenario, events }) => {
        for (const step of runChecked(scenario, events)) {
          const { event, before, result } = step
          if (event.type !== "approveBySchool" && event.type !== "approveByBureau") continue
          if (before.context.problems.length > 0) {
            expect(Either.isLeft(result)).toBe(true)
          }
        }
        // Even the right reviewers are refused, naming the check's rule, while a problem is open.
        const [submit, approve] = happyPath(scenario)
        const submitted = Either.getOrThrow(Review.send(Review.initial(scenario.entry), submit!))
        const e = refusalOf(submitted, approve!)
        expect(e?.rule).toBe(Review.checkRule[scenario.entry.problems![0]!.check])
      }),
      { numRuns: 100 }
    )
  })

  it("M17.3 resolving the problem by the school's info admin lets the review go on", () => {
    const s = oneScenario({ problems: "some", unit: "school" })
    const school = s.schoolAdmins[0]!
    let snapshot = Review.initial(s.entry)
    for (const p of s.entry.problems!) {
      expect(
        refusalOf(snapshot, {
          type: "resolveProblem",
          actor: s.bureauAdmin,
          unit: s.unit,
          at,
          check: p.check,
          resolution: "已核实"
        })?.rule
      ).toBe(Review.checkRule[p.check])
      snapshot = Either.getOrThrow(
        Review.send(snapshot, {
          type: "resolveProblem",
          actor: school,
          unit: s.unit,
          at,
          check: p.check,
          resolution: "已核实"
        })
      )
    }
    expect(sendAll(snapshot, happyPath(s)).value).toBe("effective")
  })

  it("M17.1 the school review records the reviewer, the collective review and the principal's sign-off", () => {
    const s = oneScenario()
    const effective = sendAll(Review.initial(s.entry), happyPath(s))
    expect(effective.value).toBe("effective")
    expect(effective.status).toBe("done")
    expect(effective.context.schoolReview).toEqual({
      reviewer: s.schoolAdmins[0]!.accountId,
      reviewerUnit: s.schoolAdmins[0]!.unit.id,
      collectiveReview: "2024年第3次集体审核会议纪要",
      principal: "王校长",
      signedOn: "2024-03-01",
      at
    })
    expect(effective.context.bureauReview?.reviewer).toBe(s.bureauAdmin.accountId)
    expect(effective.context.history.map((h) => [h.type, h.from, h.to])).toEqual([
      ["submit", "draft", "submitted"],
      ["approveBySchool", "submitted", "schoolApproved"],
      ["approveByBureau", "schoolApproved", "effective"]
    ])
  })

  it("M17.1 the school review needs the collective review and the principal's sign-off", () => {
    const s = oneScenario()
    const [submit, approve] = happyPath(s)
    const submitted = sendAll(Review.initial(s.entry), [submit!])
    const base = approve as Extract<Review.Event, { type: "approveBySchool" }>
    expect(refusalOf(submitted, { ...base, collectiveReview: " " })?.details.field).toBe("collectiveReview")
    expect(refusalOf(submitted, { ...base, principal: "" })?.details.field).toBe("principal")
    expect(refusalOf(submitted, { ...base, signedOn: "2024-02-30" })?.details.field).toBe("signedOn")
  })

  it("M17.1 an event the state does not accept is an error, never ignored", () => {
    const s = oneScenario()
    const [, approveSchool, approveBureau] = happyPath(s)
    const draft = Review.initial(s.entry)
    expect(refusalOf(draft, approveSchool!)?.rule).toBe("M17.1")
    expect(refusalOf(draft, approveBureau!)?.rule).toBe("M17.1")
    expect(
      refusalOf(draft, { type: "reject", actor: s.schoolAdmins[0]!, unit: s.unit, at, reason: "x" })?.en
    ).toContain("does not accept")
  })

  it("M19.2 an effective entry is not edited in review: it takes a change request", () => {
    const s = oneScenario()
    const effective = sendAll(Review.initial(s.entry), happyPath(s))
    for (const type of ["edit", "submit"] as const) {
      expect(refusalOf(effective, { type, actor: s.schoolAdmins[0]!, unit: s.unit, at })?.rule).toBe("M19.2")
    }
  })

  it("M17.1 a teacher never reviews, and a bureau above the competent one does not review", () => {
    const s = oneScenario({ unit: "school" })
    const submitted = sendAll(Review.initial(s.entry), [{ type: "submit", actor: s.teacher, unit: s.unit, at }])
    const approve = (actor: Authorization.Actor) =>
      refusalOf(submitted, {
        type: "approveBySchool",
        actor,
        unit: s.unit,
        at,
        collectiveReview: "纪要",
        principal: "王校长",
        signedOn: "2024-03-01"
      })
    expect(approve(s.teacher)?.rule).toBe("M14.3")
    const schoolApproved = Either.getOrThrow(Review.send(submitted, happyPath(s)[1]!))
    for (const other of s.bystanders.filter((b) => b.role === "infoAdmin" && b.unit.kind !== "department")) {
      expect(refusalOf(schoolApproved, { type: "approveByBureau", actor: other, unit: s.unit, at })?.rule).toBe("M17.1")
    }
    expect(refusalOf(schoolApproved, { type: "approveByBureau", actor: s.teacher, unit: s.unit, at })?.rule).toBe(
      "M14.3"
    )
  })

  it("M14.2 a deployment that requires certificates refuses a reviewer without one", () => {
    const s = oneScenario()
    const [submit] = happyPath(s)
    const e = Either.match(Review.send(Review.initial(s.entry), submit!, { requireCertificateFor: ["infoAdmin"] }), {
      onLeft: (e) => e.rule,
      onRight: () => "accepted"
    })
    expect(e).toBe("M14.2")
  })

  it("persists as plain data and restores to the same snapshot", () => {
    fc.assert(
      fc.property(scenarioWithEvents({}, 15), ({ scenario, events }) => {
        const steps = accepted(runChecked(scenario, events))
        const last = steps.at(-1)?.after ?? Review.initial(scenario.entry)
        const persisted = JSON.parse(JSON.stringify(Review.persist(last))) as Review.Persisted
        const restored = Review.restore(persisted)
        expect(restored.value).toBe(last.value)
        expect(Review.persist(restored)).toEqual(persisted)
        // The restored snapshot goes on like the original.
        const next = fc.sample(reviewActor(scenario), { numRuns: 1, seed: 7 })[0]!
        const event: Review.Event = { type: "submit", actor: next, unit: scenario.unit, at }
        expect(Either.isRight(Review.send(restored, event))).toBe(Either.isRight(Review.send(last, event)))
      }),
      { numRuns: 30 }
    )
  })

  it("exports a machine definition whose states are the review's states", () => {
    expect(Object.keys(Review.machine.states).sort()).toEqual([...Review.State.literals].sort())
    expect(Review.accepts("effective", "edit")).toBe(false)
    expect(Review.accepts("returned", "submit")).toBe(true)
    expect(actorAt(oneScenario().unit, "teacher").role).toBe("teacher")
  })
})
