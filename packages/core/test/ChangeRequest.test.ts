import { type Authorization, ChangeRequest, type Refusal, type Review } from "@tmis/core"
import { type ReviewScenario, reviewActor, reviewScenario } from "@tmis/testkit/arbitraries"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const context: Authorization.Context = { requireCertificateFor: [], now: new Date("2024-06-01T02:00:00Z") }

const newRequest = (
  s: ReviewScenario,
  version: number,
  id = "cr-1",
  state: Review.State = "effective"
): ChangeRequest.NewRequest => ({
  id,
  entry: { id: s.entry.id, teacher: s.entry.teacher, version, state },
  unit: s.unit,
  change: { 最高学历: "21" },
  reason: "取得新学历证书"
})

const requested = (s: ReviewScenario, version: number, id?: string) =>
  Either.getOrThrow(ChangeRequest.request(newRequest(s, version, id), s.schoolAdmins[0]!, context))

const approved = (s: ReviewScenario, version: number, id?: string) =>
  Either.getOrThrow(ChangeRequest.approve(requested(s, version, id), s.bureauAdmin, context))

const ruleOf = <A>(e: Either.Either<A, Refusal.Refusal>) =>
  Either.match(e, { onLeft: (e) => e.rule, onRight: () => "ok" })

const segments = (path: string) => path.split("/").filter((x) => x.length > 0)

describe("ChangeRequest", () => {
  it("M19.2 a change request never applies over a newer version", () => {
    fc.assert(
      fc.property(
        reviewScenario({ problems: "none" }),
        fc.nat({ max: 20 }),
        fc.nat({ max: 20 }),
        fc.constantFrom("requested", "approved", "refused") as fc.Arbitrary<ChangeRequest.Status>,
        (s, base, current, status) => {
          const req =
            status === "requested"
              ? requested(s, base)
              : status === "approved"
                ? approved(s, base)
                : Either.getOrThrow(ChangeRequest.refuse(requested(s, base), s.bureauAdmin, "证明材料不足", context))
          const result = ChangeRequest.decideApply(req, current)
          expect(Either.isRight(result)).toBe(status === "approved" && current === base)
          if (Either.isRight(result)) {
            expect(result.right.status).toBe("applied")
            expect(result.right.appliedVersion).toBe(current + 1)
          } else {
            expect(result.left.rule).toBe("M19.2")
          }
        }
      ),
      { numRuns: 100 }
    )
  })

  it("M19.2 of change requests made against the same entry, applied in any order, each applies only on its own version", () => {
    fc.assert(
      fc.property(
        reviewScenario({ problems: "none" }),
        fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 8 }),
        (s, bases) => {
          // Requests made at various versions, all approved, applied in the generated order against one entry.
          let version = 0
          const applied: Array<number> = []
          bases.forEach((base, i) => {
            const result = ChangeRequest.decideApply(approved(s, base, `cr-${i}`), version)
            if (Either.isRight(result)) {
              expect(base).toBe(version)
              applied.push(base)
              version = result.right.appliedVersion!
            } else {
              expect(base).not.toBe(version)
            }
          })
          // Versions only move forward, one applied change at a time.
          expect(applied).toEqual(applied.map((_, i) => i))
          expect(version).toBe(applied.length)
        }
      ),
      { numRuns: 100 }
    )
  })

  it("M19.2 only the teacher's school requests, and only the competent bureau approves or refuses", () => {
    fc.assert(
      fc.property(
        reviewScenario({ problems: "none" }).chain((s) =>
          fc.record({ s: fc.constant(s), requester: reviewActor(s), reviewer: reviewActor(s) })
        ),
        ({ s, requester, reviewer }) => {
          const ids = segments(s.unit.path)
          const school = s.unit.kind === "department" ? ids[ids.length - 2] : ids[ids.length - 1]
          const bureau = s.unit.kind === "department" ? ids[ids.length - 3] : ids[ids.length - 2]
          const admin = requester.status === "active" && requester.role === "infoAdmin"
          const mayRequest =
            admin && (requester.unit.id === school || (s.unit.kind === "department" && requester.unit.id === s.unit.id))
          const r = ChangeRequest.request(newRequest(s, 3), requester, context)
          expect(Either.isRight(r)).toBe(mayRequest)
          const mayApprove =
            reviewer.status === "active" && reviewer.role === "infoAdmin" && reviewer.unit.id === bureau
          const a = ChangeRequest.approve(requested(s, 3), reviewer, context)
          expect(Either.isRight(a)).toBe(mayApprove)
          if (Either.isRight(a)) {
            expect(a.right).toMatchObject({ status: "approved", decidedBy: reviewer.accountId })
          }
          const f = ChangeRequest.refuse(requested(s, 3), reviewer, "证明材料不足", context)
          expect(Either.isRight(f)).toBe(mayApprove)
        }
      ),
      { numRuns: 150 }
    )
  })

  it("M19.2 a teacher cannot request a change of an effective entry", () => {
    const s = fc.sample(reviewScenario({ problems: "none" }), { numRuns: 1, seed: 3 })[0]!
    expect(ruleOf(ChangeRequest.request(newRequest(s, 1), s.teacher, context))).toBe("M14.3")
  })

  it("M19.2 an entry still in review is changed in its review, not by a request", () => {
    const s = fc.sample(reviewScenario({ problems: "none" }), { numRuns: 1, seed: 3 })[0]!
    for (const state of ["draft", "submitted", "schoolApproved", "returned"] as const) {
      const e = ChangeRequest.request(newRequest(s, 1, "cr", state), s.schoolAdmins[0]!, context)
      expect(ruleOf(e)).toBe("M19.2")
    }
  })

  it("M19.2 a request carries a change and a reason; a refusal carries its reason", () => {
    const s = fc.sample(reviewScenario({ problems: "none" }), { numRuns: 1, seed: 5 })[0]!
    const admin = s.schoolAdmins[0]!
    const base = newRequest(s, 1)
    const field = (e: Either.Either<unknown, Refusal.Refusal>) =>
      Either.match(e, { onLeft: (e) => e.details.field, onRight: () => "ok" })
    expect(field(ChangeRequest.request({ ...base, change: {} }, admin, context))).toBe("change")
    expect(field(ChangeRequest.request({ ...base, reason: " " }, admin, context))).toBe("reason")
    expect(field(ChangeRequest.request({ ...base, entry: { ...base.entry, version: -1 } }, admin, context))).toBe(
      "entry.version"
    )
    expect(field(ChangeRequest.refuse(requested(s, 1), s.bureauAdmin, "", context))).toBe("reason")
    const refused = Either.getOrThrow(ChangeRequest.refuse(requested(s, 1), s.bureauAdmin, " 材料不足 ", context))
    expect(refused).toMatchObject({ status: "refused", refusal: "材料不足", decidedAt: "2024-06-01T02:00:00.000Z" })
  })

  it("M19.2 a decided request is not decided again, and only an approved one applies", () => {
    const s = fc.sample(reviewScenario({ problems: "none" }), { numRuns: 1, seed: 9 })[0]!
    const a = approved(s, 2)
    expect(ruleOf(ChangeRequest.approve(a, s.bureauAdmin, context))).toBe("M19.2")
    expect(ruleOf(ChangeRequest.refuse(a, s.bureauAdmin, "x", context))).toBe("M19.2")
    const applied = Either.getOrThrow(ChangeRequest.decideApply(a, 2))
    expect(ruleOf(ChangeRequest.decideApply(applied, 2))).toBe("M19.2")
    expect(ruleOf(ChangeRequest.decideApply(requested(s, 2), 2))).toBe("M19.2")
    const moved = ChangeRequest.decideApply(a, 3)
    expect(Either.isLeft(moved) && moved.left.details).toMatchObject({ value: 2, currentVersion: 3 })
  })
})
