/**
 * The compliance kit's checks of accounts and scope: M13.2, M14.3, M14.4, M15.1.
 *
 * @since 0.1.0
 */
import fc from "fast-check"
import { type Check, entryOf, expect, property, refusedCleanly, show } from "./Check.js"
import type * as Driver from "./Driver.js"
import { must } from "./Fixture.js"

const accountCreation = (rule: "M13.2" | "M15.1"): Check => ({
  rule,
  title:
    rule === "M13.2"
      ? "a system admin creates info admin and query-er accounts of its own unit only, and edits no teacher data"
      : "a unit's system admin is created only by the system admin of the unit directly above",
  run: (ctx) => {
    const f = ctx.fixture
    const a = f.accounts
    const actors = [a.saH, a.saC, a.saS1, a.saS10, a.saT1, a.iaH, a.iaS1]
    const targets = ["H", "C", "s1", "s10", "t1", "fresh"] as const
    const roles: ReadonlyArray<Driver.Role> = rule === "M13.2" ? ["infoAdmin", "infoQueryer"] : ["systemAdmin"]
    const isSystemAdmin = (account: string) => [a.saH, a.saC, a.saS1, a.saS10, a.saT1].includes(account)
    return property(
      ctx,
      fc.record({
        actor: fc.constantFrom(...actors),
        target: fc.constantFrom(...targets),
        role: fc.constantFrom(...roles)
      }),
      12,
      async ({ actor, target, role }) => {
        const unit = target === "fresh" ? await f.school(a.iaH, f.H) : f[target]
        const allowed =
          isSystemAdmin(actor) &&
          (role === "systemAdmin" ? f.parentOf(unit.id) === f.unitOf(actor) : unit.id === f.unitOf(actor))
        const p = f.person()
        const created = await ctx.driver.createAccount(actor, unit.id, {
          id: f.id("p"),
          role,
          name: "测试人员",
          identityNumber: p.idNumber
        })
        if (!allowed) {
          expect(
            refusedCleanly(created),
            `${actor} (of ${f.unitOf(actor)}) created a ${role} at ${unit.id}: ${show(created)}`
          )
        } else if (!created.ok) {
          // One system admin per unit (M14.4) and the quotas (M14.5) may refuse what this rule allows.
          expect(
            created.rule === "M14.4" || created.rule === "M14.5",
            `${actor} may create a ${role} at ${unit.id} (${rule}), but was ${show(created)}`
          )
        }
      },
      async () => {
        // What the rule allows is allowed (a system refusing every creation passes nothing), then what it forbids.
        const [actor, unit, role] =
          rule === "M13.2"
            ? [a.saS1, f.s1, "infoQueryer" as const]
            : [a.saH, await f.school(a.iaH, f.H), "systemAdmin" as const]
        const created = await ctx.driver.createAccount(actor, unit.id, {
          id: f.id("p"),
          role,
          name: "测试人员",
          identityNumber: f.person().idNumber
        })
        expect(
          created.ok || created.rule === "M14.5",
          `${actor} may create a ${role} at ${unit.id}, but was ${show(created)}`
        )
        if (rule === "M13.2") {
          const refused = await ctx.driver.onboard(a.saS1, {
            unitId: f.s1.id,
            basicInfo: f.basicInfo(f.person()),
            employment: { onEstablishment: true, postCategory: "1" }
          })
          expect(refusedCleanly(refused), `the system admin ${a.saS1} entered a teacher's e-file: ${show(refused)}`)
        }
      }
    )
  }
})

const scope: Check = {
  rule: "M14.3",
  title: "no account reads or writes outside its unit's subtree (sibling ids that are prefixes of each other: s1, s10)",
  run: (ctx) => {
    const f = ctx.fixture
    const a = f.accounts
    const d = ctx.driver
    const schools = ["s1", "s10", "t1"] as const
    const ops = [
      "readEFile",
      "review",
      "listEFiles",
      "readUnit",
      "onboard",
      "createAccount",
      ...(d.ledger === undefined ? [] : ["ledger"])
    ] as const
    const readers = new Set([a.iaH, a.iaC, a.iaS1, a.iqS1, a.iaS10, a.iaT1])
    const probe = async (actor: string, school: (typeof schools)[number], op: string) => {
      const unit = f[school]
      const inScope = f.within(unit.id, f.unitOf(actor))
      const teacher = f.residents[school].teacherId
      // A review command only from outside: inside, it would move the resident's entry on (nothing to check there).
      if (op === "review" && inScope) return
      const admins = { s1: a.iaS1, s10: a.iaS10, t1: a.iaT1 } as const
      const r: Driver.Result<unknown> =
        op === "review"
          ? await d.review(
              actor,
              f.residents[school].entryId,
              { type: "submit" },
              (await entryOf(ctx, admins[school], teacher, f.residents[school].entryId)).version
            )
          : op === "readEFile"
            ? await d.readEFile(actor, teacher)
            : op === "listEFiles"
              ? await d.listEFiles(actor, unit.id)
              : op === "readUnit"
                ? await d.unit(actor, unit.id)
                : op === "ledger"
                  ? await d.ledger!(actor, teacher)
                  : op === "onboard"
                    ? await d.onboard(actor, {
                        unitId: unit.id,
                        basicInfo: f.basicInfo(f.person()),
                        employment: { onEstablishment: true, postCategory: "1" }
                      })
                    : await d.createAccount(actor, unit.id, {
                        id: f.id("q"),
                        role: "infoQueryer",
                        name: "测试人员",
                        identityNumber: f.person().idNumber
                      })
      const what = `${actor} (of ${f.unitOf(actor)}) ${op} at ${unit.id}`
      if (!inScope) expect(refusedCleanly(r), `${what}, outside its subtree: ${show(r)}`)
      else if (readers.has(actor) && ["readEFile", "listEFiles", "readUnit"].includes(op)) {
        // Inside its subtree the same reader reads: the refusals are about scope, not a broken session.
        expect(r.ok, `${what}, inside its subtree: ${show(r)}`)
      }
    }
    return property(
      ctx,
      fc.record({
        actor: fc.constantFrom(a.iaH, a.iaC, a.iaS1, a.iqS1, a.iaS10, a.iaT1, a.saS1, a.saS10),
        school: fc.constantFrom(...schools),
        op: fc.constantFrom(...ops)
      }),
      30,
      ({ actor, school, op }) => probe(actor, school, op),
      async () => {
        // The prefix pair first, every operation each way.
        for (const op of ops) {
          await probe(a.iaS1, "s10", op)
          await probe(a.iqS1, "s10", op)
          await probe(a.iaS10, "s1", op)
          await probe(a.saS1, "s10", op)
        }
      }
    )
  }
}

const oneSystemAdmin: Check = {
  rule: "M14.4",
  title: "at most one active system admin per unit, under concurrent creations too",
  run: (ctx) => {
    const f = ctx.fixture
    const a = f.accounts
    return property(ctx, fc.integer({ min: 2, max: 8 }), 4, async (n) => {
      const unit = await f.school(a.iaH, f.H)
      const ids = Array.from({ length: n }, () => f.id("sa"))
      const answers = await Promise.all(
        ids.map((accountId) =>
          ctx.driver.createAccount(a.saH, unit.id, {
            id: accountId,
            role: "systemAdmin",
            name: "测试管理员",
            identityNumber: f.person().idNumber
          })
        )
      )
      const accepted = answers.filter((r) => r.ok).length
      const listed = must(`list the accounts of ${unit.id}`, await ctx.driver.listAccounts(a.saH, unit.id))
      const active = listed.filter((x) => x.role === "systemAdmin" && x.status === "active").length
      expect(accepted <= 1, `${accepted} of ${n} concurrent creations of a system admin of ${unit.id} were accepted`)
      expect(active <= 1, `${unit.id} has ${active} active system admins after ${n} concurrent creations`)
      const again = await ctx.driver.createAccount(a.saH, unit.id, {
        id: f.id("sa"),
        role: "systemAdmin",
        name: "测试管理员",
        identityNumber: f.person().idNumber
      })
      if (active === 1) expect(refusedCleanly(again), `a second system admin of ${unit.id} was ${show(again)}`)
    })
  }
}

/**
 * The checks of accounts and scope.
 *
 * @since 0.1.0
 */
export const checks = {
  m13_2: accountCreation("M13.2"),
  m14_3: scope,
  m14_4: oneSystemAdmin,
  m15_1: accountCreation("M15.1")
}
