import { Hierarchy, type Unit } from "@tmis/core"
import { Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  actorAt,
  anyReviewEvent,
  plausibleReviewEvent,
  reviewEvents,
  reviewScenario
} from "../src/arbitraries/review.js"

const eventTypes = ["edit", "submit", "approveBySchool", "approveByBureau", "reject", "flagProblem", "resolveProblem"]

describe("review arbitraries", () => {
  it("reviewScenario places the entry in a school or department, with its school's and its competent bureau's admins", () => {
    fc.assert(
      fc.property(reviewScenario(), (s) => {
        const unit = Option.getOrThrow(Hierarchy.get(s.hierarchy, s.unit.id))
        expect(["school", "department"]).toContain(unit.kind)
        expect(s.unit.path).toBe(unit.path)
        const school = unit.kind === "department" ? unit.parentId : unit.id
        expect(s.schoolAdmins[0]!.unit.id).toBe(school)
        expect(s.schoolAdmins.every((a) => a.role === "infoAdmin" && a.status === "active")).toBe(true)
        if (unit.kind === "department") expect(s.schoolAdmins[1]!.unit.id).toBe(unit.id)
        expect(s.bureauAdmin.unit.id).toBe(Option.getOrThrow(Hierarchy.competentBureau(s.hierarchy, unit.id)).id)
        expect(s.teacher).toMatchObject({ role: "teacher", identityNumber: s.entry.teacher, unit: s.unit })
        expect(s.bystanders.map((b) => b.accountId)).not.toContain(s.bureauAdmin.accountId)
      }),
      { numRuns: 100 }
    )
  })

  it("reviewScenario honours the unit kind, problems and teacherMayEnter asked for", () => {
    for (const s of fc.sample(reviewScenario({ unit: "department", problems: "some", teacherMayEnter: false }), 40)) {
      expect(s.unit.kind).toBe("department")
      expect(s.entry.problems?.length).toBeGreaterThan(0)
      expect(new Set(s.entry.problems?.map((p) => p.check)).size).toBe(s.entry.problems?.length)
      expect(s.entry.teacherMayEnter).toBe(false)
    }
    for (const s of fc.sample(reviewScenario({ unit: "school", problems: "none" }), 40)) {
      expect(s.unit.kind).toBe("school")
      expect(s.entry.problems).toBeUndefined()
    }
  })

  it("reviewEvents are dated in order, on the scenario's unit, and cover every event type", () => {
    const seen = new Set<string>()
    const lengths = new Set<number>()
    fc.assert(
      fc.property(
        reviewScenario().chain((s) => reviewEvents(s, { maxLength: 20 }).map((events) => ({ s, events }))),
        ({ s, events }) => {
          lengths.add(events.length)
          for (let i = 0; i < events.length; i++) {
            seen.add(events[i]!.type)
            expect(events[i]!.unit).toEqual(s.unit)
            if (i > 0) expect(Date.parse(events[i]!.at)).toBeGreaterThan(Date.parse(events[i - 1]!.at))
          }
          expect(events.length).toBeLessThanOrEqual(20)
        }
      ),
      { numRuns: 100 }
    )
    expect([...seen].sort()).toEqual([...eventTypes].sort())
    expect(Math.max(...lengths)).toBeGreaterThan(10)
  })

  it("plausible events come from the actors entitled to them; any event from a given actor uses that actor", () => {
    fc.assert(
      fc.property(
        reviewScenario().chain((s) =>
          fc.record({
            s: fc.constant(s),
            plausible: plausibleReviewEvent(s),
            pinned: anyReviewEvent(s, fc.constant(s.teacher))
          })
        ),
        ({ s, plausible, pinned }) => {
          const schoolIds = s.schoolAdmins.map((a) => a.accountId)
          if (plausible.type === "approveBySchool" || plausible.type === "resolveProblem") {
            expect(schoolIds).toContain(plausible.actor.accountId)
          }
          if (plausible.type === "approveByBureau") expect(plausible.actor).toEqual(s.bureauAdmin)
          if (plausible.type === "reject") expect(plausible.reason.trim()).not.toBe("")
          expect(pinned.actor).toBe(s.teacher)
        }
      ),
      { numRuns: 100 }
    )
  })

  it("actorAt builds an active actor of the role at the unit", () => {
    const unit = { id: "s1" as Unit.UnitId, kind: "school" as const, path: "/n/p11/s1/" }
    expect(actorAt(unit, "infoAdmin")).toMatchObject({ role: "infoAdmin", status: "active", unit })
  })
})
