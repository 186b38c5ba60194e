import { type Account, Authorization, Hierarchy, type Refusal, Unit } from "@tmis/core"
import { actionIn, actorIn, hierarchy, unitRef } from "@tmis/testkit/arbitraries"
import { Either, Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const context: Authorization.Context = { requireCertificateFor: [], now: new Date("2026-11-28T00:00:00Z") }

const ruleOf = (result: Either.Either<void, Refusal.Refusal>) =>
  Either.match(result, { onLeft: (e) => e.rule, onRight: () => "allowed" })

const targetOf = (action: Authorization.Action): Authorization.UnitRef =>
  action._tag === "ManageAccount" ? action.account.unit : action._tag === "CreateUnit" ? action.parent : action.unit

/** The school a school or department unit belongs to. */
const schoolPath = (unit: Authorization.UnitRef) =>
  unit.kind === "department" ? unit.path.slice(0, unit.path.slice(0, -1).lastIndexOf("/") + 1) : unit.path

/** A hierarchy and many attempts in it: building the hierarchy costs more than deciding an attempt. */
const scenarios = hierarchy({ deployment: "any", maxSchools: 3 }).chain(({ hierarchy: h }) =>
  fc.record({
    h: fc.constant(h),
    attempts: fc.array(fc.record({ actor: actorIn(h), action: actionIn(h) }), { minLength: 50, maxLength: 50 })
  })
)

const actorAt = (unit: Unit.Unit, role: Account.Role, identityNumber = "11010519491231002X"): Authorization.Actor => ({
  accountId: `${role}-${unit.id}` as Account.AccountId,
  role,
  status: "active",
  unit: unitRef(unit),
  identityNumber,
  certificate: undefined,
  presentedCertificate: undefined
})

describe("Authorization", () => {
  it("M14.3 no actor is ever allowed outside its subtree or beyond its role", () => {
    fc.assert(
      fc.property(scenarios, ({ attempts }) => {
        for (const { actor, action } of attempts) {
          if (Authorization.isAllowed(actor, action, context)) {
            expect(actor.status).toBe("active")
            expect(Authorization.capabilities[actor.role]).toContain(action._tag)
            const target = targetOf(action)
            const scope = actor.role === "teacher" ? schoolPath(actor.unit) : actor.unit.path
            expect(target.path.startsWith(scope)).toBe(true)
          }
        }
      }),
      { numRuns: 100 }
    )
  })

  it("M14.3 subtree membership follows the parent links, never a bare prefix of ids (s1 does not cover s10)", () => {
    // The oracle walks parentId links, not paths: a sibling whose id extends another's is not below it.
    const ancestorsOf = (h: Hierarchy.Hierarchy, unit: Unit.Unit): ReadonlyArray<string> => {
      const ids: Array<string> = []
      for (let u: Unit.Unit | undefined = unit; u !== undefined; u = u.parentId && h.units.get(u.parentId)) {
        ids.push(u.id)
      }
      return ids
    }
    let prefixSiblings = 0
    fc.assert(
      fc.property(hierarchy({ deployment: "any", maxSchools: 3, maxDepartments: 3 }), ({ hierarchy: h }) => {
        const all = [...h.units.values()]
        for (const root of all) {
          const readerAt = actorAt(root, "infoQueryer")
          for (const unit of all) {
            const expected = ancestorsOf(h, unit).includes(root.id)
            if (!expected && unit.parentId === root.parentId && unit.id.startsWith(root.id)) prefixSiblings++
            expect({
              root: root.id,
              unit: unit.id,
              within: Authorization.within(unitRef(unit), unitRef(root))
            }).toEqual({ root: root.id, unit: unit.id, within: expected })
            expect(Unit.isWithin(unit, root)).toBe(expected)
            const read = { _tag: "ReadTeacher", unit: unitRef(unit), detail: "basic" } as const
            expect(Authorization.isAllowed(readerAt, read, context)).toBe(expected)
          }
          expect(
            Hierarchy.subtree(h, root.id)
              .map((u) => u.id)
              .sort()
          ).toEqual(
            all
              .filter((u) => ancestorsOf(h, u).includes(root.id))
              .map((u) => u.id)
              .sort()
          )
        }
      }),
      { numRuns: 40 }
    )
    // The property means something only if siblings with prefix ids were generated.
    expect(prefixSiblings).toBeGreaterThan(0)
  })

  it("M14.3 a disabled account holds no permission", () => {
    fc.assert(
      fc.property(
        hierarchy().chain(({ hierarchy: h }) =>
          fc.record({ actor: actorIn(h, { active: false }), action: actionIn(h) })
        ),
        ({ actor, action }) => {
          expect(ruleOf(Authorization.authorize(actor, action, context))).toBe("M14.3")
        }
      )
    )
  })

  it("M13.2 M13.5 M15.1 the account-creation matrix holds for every pair of units and every role", () => {
    fc.assert(
      fc.property(hierarchy({ deployment: "any", maxSchools: 3 }), ({ hierarchy: h }) => {
        for (const creatorUnit of h.units.values()) {
          for (const creatorRole of ["systemAdmin", "infoAdmin", "infoQueryer", "teacher"] as const) {
            const creator = actorAt(creatorUnit, creatorRole)
            for (const target of h.units.values()) {
              for (const role of ["systemAdmin", "infoAdmin", "infoQueryer", "teacher"] as const) {
                const expected =
                  creatorRole === "systemAdmin" &&
                  (role === "systemAdmin"
                    ? target.parentId === creatorUnit.id
                    : role === "teacher"
                      ? creatorUnit.kind === "school" &&
                        (target.id === creatorUnit.id || target.parentId === creatorUnit.id)
                      : target.id === creatorUnit.id)
                const allowed = Authorization.isAllowed(
                  creator,
                  { _tag: "CreateAccount", role, unit: unitRef(target) },
                  context
                )
                expect({ creatorUnit: creatorUnit.id, creatorRole, target: target.id, role, allowed }).toEqual({
                  creatorUnit: creatorUnit.id,
                  creatorRole,
                  target: target.id,
                  role,
                  allowed: expected
                })
              }
            }
          }
        }
      }),
      { numRuns: 25 }
    )
  })

  it("M14.3 no account can grant a permission beyond its creator's scope", () => {
    fc.assert(
      fc.property(
        hierarchy({ deployment: "any", maxSchools: 3 }).chain(({ hierarchy: h }) =>
          fc.record({ h: fc.constant(h), actions: fc.array(actionIn(h), { minLength: 30, maxLength: 30 }) })
        ),
        ({ h, actions }) => {
          // Every account any system admin may create, and everything that account may then do.
          for (const creatorUnit of h.units.values()) {
            const creator = actorAt(creatorUnit, "systemAdmin")
            for (const target of h.units.values()) {
              for (const role of ["systemAdmin", "infoAdmin", "infoQueryer", "teacher"] as const) {
                const create = { _tag: "CreateAccount", role, unit: unitRef(target) } as const
                if (!Authorization.isAllowed(creator, create, context)) continue
                const created = actorAt(target, role)
                for (const action of actions) {
                  if (Authorization.isAllowed(created, action, context)) {
                    expect(targetOf(action).path.startsWith(creator.unit.path)).toBe(true)
                  }
                }
              }
            }
          }
        }
      ),
      { numRuns: 50 }
    )
  })

  it("M13.2 a system admin does not read, enter or review teacher data", () => {
    fc.assert(
      fc.property(scenarios, ({ attempts }) => {
        for (const { actor, action } of attempts) {
          if (!["ReadTeacher", "WriteTeacher", "ReviewTeacher", "ReadStatistics"].includes(action._tag)) continue
          const admin = { ...actor, role: "systemAdmin" as const, status: "active" as const }
          expect(ruleOf(Authorization.authorize(admin, action, context))).toBe("M13.2")
        }
      })
    )
  })

  it("M13.3 an info admin enters, reviews and reads teacher information anywhere in its subtree", () => {
    fc.assert(
      fc.property(hierarchy(), ({ hierarchy: h }) => {
        for (const unit of h.units.values()) {
          const admin = actorAt(unit, "infoAdmin")
          for (const target of Hierarchy.subtree(h, unit.id)) {
            const ref = unitRef(target)
            for (const action of [
              { _tag: "WriteTeacher", unit: ref },
              { _tag: "ReviewTeacher", unit: ref },
              { _tag: "ReadTeacher", unit: ref, detail: "sensitive" },
              { _tag: "ReadStatistics", unit: ref }
            ] as const) {
              expect(ruleOf(Authorization.authorize(admin, action, context))).toBe("allowed")
            }
          }
        }
      }),
      { numRuns: 30 }
    )
  })

  it("M13.4 an info query-er reads basic information and statistics in its subtree, and changes nothing", () => {
    fc.assert(
      fc.property(hierarchy(), ({ hierarchy: h }) => {
        for (const unit of h.units.values()) {
          const queryer = actorAt(unit, "infoQueryer")
          for (const target of Hierarchy.subtree(h, unit.id)) {
            const ref = unitRef(target)
            expect(
              ruleOf(Authorization.authorize(queryer, { _tag: "ReadTeacher", unit: ref, detail: "basic" }, context))
            ).toBe("allowed")
            expect(ruleOf(Authorization.authorize(queryer, { _tag: "ReadStatistics", unit: ref }, context))).toBe(
              "allowed"
            )
            expect(
              ruleOf(Authorization.authorize(queryer, { _tag: "ReadTeacher", unit: ref, detail: "sensitive" }, context))
            ).toBe("M13.4")
            for (const action of [
              { _tag: "WriteTeacher", unit: ref },
              { _tag: "ReviewTeacher", unit: ref },
              { _tag: "ChangeUnit", unit: ref },
              { _tag: "CreateAccount", role: "infoQueryer", unit: ref }
            ] as const) {
              expect(ruleOf(Authorization.authorize(queryer, action, context))).toBe("M13.4")
            }
          }
        }
      }),
      { numRuns: 30 }
    )
  })

  it("M13.5 only a school's system admin creates teacher accounts, for its own school", () => {
    fc.assert(
      fc.property(hierarchy({ deployment: "any", maxSchools: 3 }), ({ hierarchy: h }) => {
        for (const unit of h.units.values()) {
          const admin = actorAt(unit, "systemAdmin")
          for (const target of h.units.values()) {
            const create = { _tag: "CreateAccount", role: "teacher", unit: unitRef(target) } as const
            const result = Authorization.authorize(admin, create, context)
            const ownSchool = admin.unit.kind === "school" && target.path.startsWith(admin.unit.path)
            expect(Either.isRight(result)).toBe(ownSchool)
            if (!ownSchool && target.path.startsWith(admin.unit.path)) expect(ruleOf(result)).toBe("M13.5")
            for (const role of ["infoAdmin", "infoQueryer", "teacher"] as const) {
              expect(ruleOf(Authorization.authorize({ ...admin, role }, create, context))).toBe("M13.5")
            }
          }
        }
      }),
      { numRuns: 30 }
    )
  })

  it("M14.3 a teacher account reads and enters its own e-file only", () => {
    fc.assert(
      fc.property(
        hierarchy({ maxSchools: 3 }),
        fc.constantFrom("11010519491231002X", "420111198807150023"),
        ({ hierarchy: h }, other) => {
          const schools = [...h.units.values()].filter((u) => u.kind === "school")
          fc.pre(schools.length > 0)
          for (const school of schools) {
            const teacher = actorAt(school, "teacher", "110105194912310021")
            const own = { identityNumber: "110105194912310021" }
            const ref = unitRef(school)
            expect(
              ruleOf(Authorization.authorize(teacher, { _tag: "WriteTeacher", unit: ref, teacher: own }, context))
            ).toBe("allowed")
            expect(
              ruleOf(
                Authorization.authorize(
                  teacher,
                  { _tag: "ReadTeacher", unit: ref, detail: "sensitive", teacher: { identityNumber: other } },
                  context
                )
              )
            ).toBe("M14.3")
            expect(ruleOf(Authorization.authorize(teacher, { _tag: "ReviewTeacher", unit: ref }, context))).toBe(
              "M14.3"
            )
          }
        }
      ),
      { numRuns: 30 }
    )
  })

  it("M20.1 a department's info admin manages its own department's teachers only", () => {
    fc.assert(
      fc.property(hierarchy({ maxSchools: 3, maxDepartments: 3 }), ({ hierarchy: h }) => {
        const departments = [...h.units.values()].filter((u) => u.kind === "department")
        for (const department of departments) {
          const admin = actorAt(department, "infoAdmin")
          for (const target of h.units.values()) {
            const result = Authorization.authorize(admin, { _tag: "WriteTeacher", unit: unitRef(target) }, context)
            expect(ruleOf(result)).toBe(target.id === department.id ? "allowed" : "M20.1")
          }
        }
      }),
      { numRuns: 30 }
    )
  })

  it("M14.2 where the policy requires a certificate, an admin without a valid bound certificate cannot act", () => {
    const h = fc.sample(hierarchy(), { numRuns: 1, seed: 7 })[0]!.hierarchy
    const root = Option.getOrThrow(Hierarchy.get(h, "n"))
    const fingerprint = "ab".repeat(32)
    const certificate = { fingerprint, notBefore: "2026-01-01T00:00:00.000Z", notAfter: "2027-01-01T00:00:00.000Z" }
    const strict = { ...context, requireCertificateFor: ["systemAdmin", "infoAdmin", "infoQueryer"] as const }
    const action = { _tag: "ReadStatistics", unit: unitRef(root) } as const
    const admin = actorAt(root, "infoAdmin")
    expect(ruleOf(Authorization.authorize(admin, action, context))).toBe("allowed")
    expect(ruleOf(Authorization.authorize(admin, action, strict))).toBe("M14.2")
    const bound = { ...admin, certificate }
    expect(ruleOf(Authorization.authorize(bound, action, strict))).toBe("M14.2")
    expect(ruleOf(Authorization.authorize({ ...bound, presentedCertificate: fingerprint }, action, strict))).toBe(
      "allowed"
    )
    const colons = fingerprint.toUpperCase().match(/../g)!.join(":")
    expect(ruleOf(Authorization.authorize({ ...bound, presentedCertificate: colons }, action, strict))).toBe("allowed")
    expect(ruleOf(Authorization.authorize({ ...bound, presentedCertificate: "cd".repeat(32) }, action, strict))).toBe(
      "M14.2"
    )
    const expired = { ...strict, now: new Date("2027-06-01T00:00:00Z") }
    expect(ruleOf(Authorization.authorize({ ...bound, presentedCertificate: fingerprint }, action, expired))).toBe(
      "M14.2"
    )
  })

  it("M13.2 M15.1 M37.1 a unit's accounts and its accounts' audit records are read by its system admin and those of the units above it, by no one else", () => {
    fc.assert(
      fc.property(hierarchy({ deployment: "any", maxSchools: 3 }), ({ hierarchy: h }) => {
        for (const actorUnit of h.units.values()) {
          for (const role of ["systemAdmin", "infoAdmin", "infoQueryer", "teacher"] as const) {
            const actor = actorAt(actorUnit, role)
            for (const target of h.units.values()) {
              for (const _tag of ["ReadAccounts", "ReadAudit"] as const) {
                const allowed = Authorization.isAllowed(actor, { _tag, unit: unitRef(target) }, context)
                expect([role, actorUnit.id, target.id, _tag, allowed]).toEqual([
                  role,
                  actorUnit.id,
                  target.id,
                  _tag,
                  role === "systemAdmin" && target.path.startsWith(actorUnit.path)
                ])
              }
            }
          }
        }
      }),
      { numRuns: 30 }
    )
  })

  it("M23.1 M24.1 M24.2 a unit acts for a party of a process exactly when the party's end lies at one of its partyPlaces", () => {
    const depth = (path: string) => path.split("/").length
    fc.assert(
      fc.property(hierarchy({ deployment: "any", maxSchools: 4 }), ({ hierarchy: h }) => {
        for (const unit of h.units.values()) {
          const places = Authorization.partyPlaces(unit)
          for (const end of h.units.values()) {
            if (end.kind !== "school" && end.kind !== "department") continue
            for (const level of ["school", "bureau"] as const) {
              const acts = Authorization.partyUnits(
                { side: "from", level },
                { from: unitRef(end), to: unitRef(end) }
              ).ids.includes(unit.id)
              const placed =
                end.path.startsWith(unit.path) &&
                places.some(
                  (p) => p.level === level && p.kind === end.kind && p.depth === depth(end.path) - depth(unit.path)
                )
              expect([unit.id, end.id, level, placed]).toEqual([unit.id, end.id, level, acts])
            }
          }
        }
      }),
      { numRuns: 50 }
    )
  })
})
