import { Account, Authorization, Hierarchy, type Unit } from "@tmis/core"
import { hierarchy, identityNumber, invalidIdentityNumber, unitRef } from "@tmis/testkit/arbitraries"
import { Either, Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const settings: Account.Settings = { policy: Account.defaultPolicy, now: new Date("2026-11-28T08:00:00Z") }
const today = "2026-11-28"
const person = { name: "张三", identityNumber: "11010519491231002X" }

const ruleOf = <A>(result: Either.Either<A, { readonly rule: string }>) =>
  Either.match(result, { onLeft: (e) => e.rule, onRight: () => "accepted" })

const actorOf = (account: Account.Account, h: Hierarchy.Hierarchy) =>
  Authorization.actor(account, Option.getOrThrow(Hierarchy.get(h, account.unitId)))

/**
 * Hand accounts down level by level as M15.1 demands: bootstrap the root's system admin, then every system admin
 * creates the system admins of the units directly below it, and the info admins and query-ers of its own unit.
 */
const handDown = (h: Hierarchy.Hierarchy) => {
  const root = [...h.units.values()].find((u) => u.parentId === undefined)!
  const accounts: Array<Account.Account> = []
  const bootstrap = Account.decideBootstrap({ id: `sa-${root.id}`, person }, unitRef(root), false, today)
  accounts.push(Either.getOrThrow(bootstrap))
  const queue: Array<Unit.Unit> = [root]
  while (queue.length > 0) {
    const unit = queue.shift()!
    const admin = accounts.find((a) => a.unitId === unit.id && a.role === "systemAdmin")!
    const creator = actorOf(admin, h)
    for (const role of ["infoAdmin", "infoQueryer"] as const) {
      const input = { id: `${role}-${unit.id}`, role, person }
      const inUnit = accounts.filter((a) => a.unitId === unit.id)
      accounts.push(Either.getOrThrow(Account.decideCreate(creator, input, unitRef(unit), inUnit, settings)))
    }
    for (const child of Hierarchy.children(h, unit.id)) {
      const input = { id: `sa-${child.id}`, role: "systemAdmin" as const, person }
      accounts.push(Either.getOrThrow(Account.decideCreate(creator, input, unitRef(child), [], settings)))
      queue.push(child)
    }
  }
  return accounts
}

describe("Account", () => {
  it("M13.1 M15.1 every unit gets its three accounts, handed down level by level from the bootstrap admin", () => {
    fc.assert(
      fc.property(hierarchy({ deployment: "any", maxSchools: 3 }), ({ hierarchy: h }) => {
        const accounts = handDown(h)
        for (const unit of h.units.values()) {
          const roles = accounts.filter((a) => a.unitId === unit.id).map((a) => a.role)
          expect(roles.sort()).toEqual(["infoAdmin", "infoQueryer", "systemAdmin"])
        }
        for (const account of accounts) {
          if (account.createdBy === undefined) continue
          const creator = accounts.find((a) => a.id === account.createdBy)!
          const unit = Option.getOrThrow(Hierarchy.get(h, account.unitId))
          // M15.1: a system admin comes from the unit directly above; the others from their own unit's admin.
          expect(creator.unitId).toBe(account.role === "systemAdmin" ? unit.parentId : unit.id)
        }
        expect(accounts.filter((a) => a.createdBy === undefined)).toHaveLength(1)
      }),
      { numRuns: 40 }
    )
  })

  it("M15.1 the bootstrap admin is created once, for the root only", () => {
    const h = fc.sample(hierarchy(), { numRuns: 1, seed: 3 })[0]!.hierarchy
    const root = Option.getOrThrow(Hierarchy.get(h, "n"))
    expect(ruleOf(Account.decideBootstrap({ id: "sa", person }, unitRef(root), false, today))).toBe("accepted")
    expect(ruleOf(Account.decideBootstrap({ id: "sa", person }, unitRef(root), true, today))).toBe("M15.1")
    const province = Hierarchy.children(h, "n").find((u) => u.kind === "province")!
    expect(ruleOf(Account.decideBootstrap({ id: "sa", person }, unitRef(province), false, today))).toBe("M15.1")
  })

  it("M14.4 a unit never gets a second active system admin; a disabled one makes room for its successor", () => {
    const h = fc.sample(hierarchy(), { numRuns: 1, seed: 5 })[0]!.hierarchy
    const accounts = handDown(h)
    const root = Option.getOrThrow(Hierarchy.get(h, "n"))
    const province = Hierarchy.children(h, "n").find((u) => u.kind === "province")!
    const rootAdmin = actorOf(accounts.find((a) => a.id === "sa-n")!, h)
    const current = accounts.find((a) => a.id === `sa-${province.id}`)!
    const second = { id: "sa2", role: "systemAdmin" as const, person }
    expect(ruleOf(Account.decideCreate(rootAdmin, second, unitRef(province), [current], settings))).toBe("M14.4")
    const disabled = Either.getOrThrow(Account.decideDisable(rootAdmin, current, unitRef(province), settings))
    expect(disabled.status).toBe("disabled")
    expect(ruleOf(Account.decideCreate(rootAdmin, second, unitRef(province), [disabled], settings))).toBe("accepted")
    // A system admin's own account is managed from above, not by itself.
    const self = actorOf(current, h)
    expect(ruleOf(Account.decideDisable(self, current, unitRef(province), settings))).toBe("M15.1")
    expect(root.kind).toBe("national")
  })

  it("M14.4 whatever the unit's accounts, creating a system admin succeeds only when none is active", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            role: fc.constantFrom<Account.Role>("systemAdmin", "infoAdmin", "infoQueryer"),
            status: fc.constantFrom<"active" | "disabled">("active", "disabled")
          }),
          { maxLength: 8 }
        ),
        (existing) => {
          const unitAccounts = existing.map((a) => ({ ...a, unitId: "u" as Unit.UnitId }))
          const active = existing.some((a) => a.role === "systemAdmin" && a.status === "active")
          expect(ruleOf(Account.decideRoom("systemAdmin", unitAccounts, Account.defaultPolicy))).toBe(
            active ? "M14.4" : "accepted"
          )
        }
      )
    )
  })

  it("M14.5 info admins and query-ers per unit are capped by the configured quota", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<"infoAdmin" | "infoQueryer">("infoAdmin", "infoQueryer"),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 4 }),
        (role, quota, active, disabled) => {
          const policy = { ...Account.defaultPolicy, quotas: { infoAdmin: quota, infoQueryer: quota } }
          const unitAccounts = [
            ...Array.from({ length: active }, () => ({ role, status: "active" as const, unitId: "u" as Unit.UnitId })),
            ...Array.from({ length: disabled }, () => ({
              role,
              status: "disabled" as const,
              unitId: "u" as Unit.UnitId
            }))
          ]
          expect(ruleOf(Account.decideRoom(role, unitAccounts, policy))).toBe(active < quota ? "accepted" : "M14.5")
        }
      )
    )
  })

  it("M14.1 an account is bound to a real name and a valid identity number", () => {
    fc.assert(
      fc.property(identityNumber(), (id) => {
        const decided = Account.decidePerson({ name: " 李四 ", identityNumber: id }, today)
        expect(Either.getOrThrow(decided)).toEqual({ name: "李四", identityNumber: id })
      })
    )
    fc.assert(
      fc.property(invalidIdentityNumber({ today }), ({ input }) => {
        const decided = Account.decidePerson({ name: "李四", identityNumber: input }, today)
        expect(ruleOf(decided)).toBe("M14.1")
        expect(Either.flip(decided).pipe(Either.getOrThrow).details.field).toBe("person.identityNumber")
      })
    )
    expect(ruleOf(Account.decidePerson({ name: "  ", identityNumber: person.identityNumber }, today))).toBe("M14.1")
  })

  it("M14.2 a certificate is bound by SHA-256 fingerprint with a validity period, to admin and query-er accounts", () => {
    const certificate = { fingerprint: "AB:".repeat(31) + "AB", notBefore: "2026-01-01", notAfter: "2028-01-01" }
    const bound = Either.getOrThrow(Account.decideCertificate("infoAdmin", certificate))
    expect(bound.fingerprint).toBe("ab".repeat(32))
    expect(ruleOf(Account.decideCertificate("teacher", certificate))).toBe("M14.2")
    expect(ruleOf(Account.decideCertificate("infoAdmin", { ...certificate, fingerprint: "abc" }))).toBe("M14.2")
    expect(ruleOf(Account.decideCertificate("infoAdmin", { ...certificate, notAfter: "2025-01-01" }))).toBe("M14.2")
  })

  it("M13.2 M14.2 only the account's manager binds its certificate", () => {
    const h = fc.sample(hierarchy(), { numRuns: 1, seed: 9 })[0]!.hierarchy
    const accounts = handDown(h)
    const rootAdmin = actorOf(accounts.find((a) => a.id === "sa-n")!, h)
    const infoAdmin = accounts.find((a) => a.id === "infoAdmin-n")!
    const root = unitRef(Option.getOrThrow(Hierarchy.get(h, "n")))
    const certificate = { fingerprint: "cd".repeat(32), notBefore: "2026-01-01", notAfter: "2028-01-01" }
    const bound = Account.decideBindCertificate(rootAdmin, infoAdmin, root, certificate, settings)
    expect(Either.getOrThrow(bound).certificate?.fingerprint).toBe("cd".repeat(32))
    const byInfoAdmin = Account.decideBindCertificate(actorOf(infoAdmin, h), infoAdmin, root, certificate, settings)
    expect(ruleOf(byInfoAdmin)).toBe("M13.3")
  })

  it("M13.5 a school's system admin creates teacher accounts; a bureau's cannot", () => {
    fc.assert(
      fc.property(hierarchy({ maxSchools: 3 }), ({ hierarchy: h }) => {
        const accounts = handDown(h)
        for (const unit of h.units.values()) {
          const admin = actorOf(accounts.find((a) => a.unitId === unit.id && a.role === "systemAdmin")!, h)
          const input = { id: `t-${unit.id}`, role: "teacher" as const, person }
          const result = Account.decideCreate(admin, input, unitRef(unit), [], settings)
          expect(ruleOf(result)).toBe(unit.kind === "school" ? "accepted" : "M13.5")
        }
      }),
      { numRuns: 20 }
    )
  })
})
