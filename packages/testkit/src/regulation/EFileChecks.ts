/**
 * The compliance kit's checks of e-files: review order (M17.1), identity check (M17.3), duplicate check (M17.4).
 *
 * @since 0.1.0
 */
import fc from "fast-check"
import { approveBySchool, type Check, entryOf, expect, property, refusedCleanly, show } from "./Check.js"
import type * as Driver from "./Driver.js"
import { addDays, must, SetupError } from "./Fixture.js"
import * as Oracles from "./Oracles.js"

const reviewOrder: Check = {
  rule: "M17.1",
  title: "an entry is effective only after the school's review and then its competent bureau's, each by its own party",
  run: (ctx) => {
    const f = ctx.fixture
    const a = f.accounts
    // Teachers of t1: its competent bureau is C; H is above C but no competent bureau of t1.
    const actors = [a.iaT1, a.iaC, a.iaH, a.iaS1] as const
    const commands = ["submit", "approveBySchool", "approveByBureau", "reject"] as const
    const bureau = f.C === f.H ? a.iaH : a.iaC
    return property(
      ctx,
      fc.array(fc.record({ actor: fc.constantFrom(...actors), command: fc.constantFrom(...commands) }), {
        minLength: 1,
        maxLength: 8
      }),
      8,
      async (steps) => {
        const hired = await f.hire(a.iaT1, f.t1.id)
        let state = "draft"
        // Every case ends with the review driven home in order (refused where the state is past a step): effect is
        // proven reachable, not only the refusals.
        const finish = [
          { actor: a.iaT1, command: "submit" as const },
          { actor: a.iaT1, command: "approveBySchool" as const },
          { actor: bureau, command: "approveByBureau" as const }
        ]
        for (const { actor, command } of [...steps, ...finish]) {
          const entry = await entryOf(ctx, a.iaT1, hired.teacherId, hired.entryId)
          expect(entry.state === state, `the entry is ${entry.state}, where the review's order gives ${state}`)
          const body: Driver.ReviewCommand =
            command === "approveBySchool"
              ? approveBySchool(f.today)
              : command === "reject"
                ? { type: "reject", reason: "合规测试退回" }
                : { type: command }
          const r = await ctx.driver.review(actor, hired.entryId, body, entry.version)
          // yes: must be accepted; no: must be refused; maybe: the regulation leaves it to the system.
          const expected: "yes" | "no" | "maybe" =
            command === "submit"
              ? (state === "draft" || state === "returned") && (actor === a.iaT1 || actor === bureau || actor === a.iaH)
                ? actor === a.iaT1
                  ? "yes"
                  : "maybe"
                : "no"
              : command === "approveBySchool"
                ? state === "submitted" && actor === a.iaT1
                  ? "yes"
                  : "no"
                : command === "approveByBureau"
                  ? state === "schoolApproved" && actor === bureau
                    ? "yes"
                    : "no"
                  : (state === "submitted" && actor === a.iaT1) || (state === "schoolApproved" && actor === bureau)
                    ? "yes"
                    : "no"
          const what = `${command} by ${actor} (of ${f.unitOf(actor)}) on an entry ${state} at ${f.t1.id}`
          if (expected === "yes") expect(r.ok, `${what}: ${show(r)}, which the review's order allows`)
          if (expected === "no") expect(refusedCleanly(r), `${what}: ${show(r)}`)
          if (r.ok) {
            state =
              command === "submit"
                ? "submitted"
                : command === "approveBySchool"
                  ? "schoolApproved"
                  : command === "approveByBureau"
                    ? "effective"
                    : "returned"
          }
        }
        const last = await entryOf(ctx, a.iaT1, hired.teacherId, hired.entryId)
        expect(last.state === state, `the entry is ${last.state}, where the review's order gives ${state}`)
        expect(state === "effective", `the entry never became effective through the review in order (${state})`)
      }
    )
  }
}

const identityCheck: Check = {
  rule: "M17.3",
  title: "an identity number failing GB 11643 (a wrong check character) never becomes effective data",
  run: (ctx) => {
    const f = ctx.fixture
    const a = f.accounts
    return property(
      ctx,
      fc.record({
        day: fc.integer({ min: 0, max: 7000 }),
        sequence: fc.integer({ min: 0, max: 999 }),
        pick: fc.nat(9)
      }),
      6,
      async ({ day, sequence, pick }) => {
        // The run's own persons keep the numbers new against a system a former run left data in.
        const fresh = f.person()
        const right = Oracles.person(
          "420102",
          addDays("1970-01-01", day),
          (sequence + Number(fresh.idNumber.slice(14, 17))) % 1000
        )
        const wrong = Oracles.withWrongCheck(right, pick)
        const hired = await ctx.driver.onboard(a.iaS1, {
          unitId: f.s1.id,
          basicInfo: f.basicInfo(wrong),
          employment: { onEstablishment: true, postCategory: "1" }
        })
        if (!hired.ok) {
          expect(hired.status >= 400 && hired.status < 500, `onboarding ${wrong.idNumber}: ${show(hired)}`)
          return
        }
        // Accepted: then only as problem data, which no review approves until resolved.
        const { teacherId, entryId } = hired.value
        let entry = await entryOf(ctx, a.iaS1, teacherId, entryId)
        const submitted = await ctx.driver.review(a.iaS1, entryId, { type: "submit" }, entry.version)
        entry = await entryOf(ctx, a.iaS1, teacherId, entryId)
        const approved = await ctx.driver.review(a.iaS1, entryId, approveBySchool(f.today), entry.version)
        expect(
          !approved.ok,
          `${wrong.idNumber} (check character ${right.idNumber[17]} per GB 11643) was accepted and approved by the school (submit ${show(submitted)})`
        )
        entry = await entryOf(ctx, a.iaS1, teacherId, entryId)
        expect(
          entry.state !== "schoolApproved" && entry.state !== "effective",
          `${wrong.idNumber} reached ${entry.state}`
        )
      },
      async () => {
        if (!Oracles.pinned())
          throw new SetupError("the kit's GB 11643 check character disagrees with the published examples")
      }
    )
  }
}

const duplicateCheck: Check = {
  rule: "M17.4",
  title: "one person, one active e-file: the same identity number a second time is refused or blocked",
  run: (ctx) => {
    const f = ctx.fixture
    const a = f.accounts
    const admins = { s1: a.iaS1, s10: a.iaS10, t1: a.iaT1 } as const
    return property(
      ctx,
      fc.record({ second: fc.constantFrom("s1", "s10", "t1" as const), effective: fc.boolean() }),
      4,
      async ({ second, effective }) => {
        const first = await f.hire(a.iaS1, f.s1.id)
        if (effective) {
          for (const [actor, command] of [
            [a.iaS1, { type: "submit" }],
            [a.iaS1, approveBySchool(f.today)],
            [a.iaH, { type: "approveByBureau" }]
          ] as const) {
            const entry = await entryOf(ctx, a.iaS1, first.teacherId, first.entryId)
            must(`review ${command.type}`, await ctx.driver.review(actor, first.entryId, command, entry.version))
          }
        }
        const again = await ctx.driver.onboard(admins[second], {
          unitId: f[second].id,
          basicInfo: f.basicInfo(first.person),
          employment: { onEstablishment: true, postCategory: "1" }
        })
        if (!again.ok) {
          expect(again.status >= 400 && again.status < 500, `the duplicate onboarding: ${show(again)}`)
          return
        }
        const { teacherId, entryId } = again.value
        let entry = await entryOf(ctx, admins[second], teacherId, entryId)
        await ctx.driver.review(admins[second], entryId, { type: "submit" }, entry.version)
        entry = await entryOf(ctx, admins[second], teacherId, entryId)
        const approved = await ctx.driver.review(admins[second], entryId, approveBySchool(f.today), entry.version)
        expect(
          !approved.ok,
          `a second e-file of ${first.person.idNumber} at ${f[second].id} was accepted and approved by the school`
        )
      }
    )
  }
}

/**
 * The checks of e-files.
 *
 * @since 0.1.0
 */
export const checks = { m17_1: reviewOrder, m17_3: identityCheck, m17_4: duplicateCheck }
