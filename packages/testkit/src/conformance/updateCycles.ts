/**
 * The update-cycles area of the storage conformance suite (M18.1): completions recorded level by level, one per unit
 * and cycle — under real concurrency too — and the late-unit report of a subtree as of any day in Asia/Shanghai.
 *
 * @since 0.1.0
 */
import { Accounts, type UpdateCycle, UpdateCycles } from "@tmis/core"
import { Clock, Effect } from "effect"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import { auditRecords, createAccounts, hubei, setup, withDatabase } from "./fixtures.js"
import { type AreaConformance, area, expectIntact, expectRaceOutcomes, refusal, type Suite } from "./support.js"

const realClock = Clock.make()

/** A clock stopped at the instant `iso`; sleeping (transaction back-off) still takes real time. */
const clockAt = (iso: string): Clock.Clock => {
  const ms = Date.parse(iso)
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => ms,
    currentTimeMillis: Effect.succeed(ms),
    unsafeCurrentTimeNanos: () => BigInt(ms) * 1_000_000n,
    currentTimeNanos: Effect.succeed(BigInt(ms) * 1_000_000n),
    sleep: (duration) => realClock.sleep(duration)
  }
}

const completeAt = (by: string, unitId: string, cycle: string, iso: string) =>
  Effect.flatMap(Accounts.actorOf(by), (actor) => UpdateCycles.complete(actor, unitId, cycle)).pipe(
    Effect.withClock(clockAt(iso))
  )

const statuses = (report: UpdateCycle.Report) => Object.fromEntries(report.lines.map((l) => [l.unitId, l.status]))

const rollUpAndReport = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M18.1 units record their completion level by level, and the late-unit report reads as of any day in Asia/Shanghai",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await createAccounts(h, [["sa-wuhan", "ia-wuhan", "infoAdmin", "wuhan"]])
        const cycle = "2026-annual"
        // 23:30 on 31 March in Beijing: on time.
        const s1 = await h.run(completeAt("ia-s1", "s1", cycle, "2027-03-31T15:30:00Z"))
        expect([s1.day, s1.unitId]).toEqual(["2027-03-31", "s1"])
        // The county cannot complete before its schools; nor can a school record another's completion.
        expect(refusal(await h.result(completeAt("ia-jiangan", "jiangan", cycle, "2027-03-31T15:40:00Z")))).toEqual([
          "invalid",
          "M18.1"
        ])
        expect(refusal(await h.result(completeAt("ia-s1", "s2", cycle, "2027-03-31T15:40:00Z")))).toEqual([
          "forbidden",
          "M14.3"
        ])
        // 00:30 on 1 April in Beijing (still 31 March in UTC): late.
        const s2 = await h.run(completeAt("ia-s2", "s2", cycle, "2027-03-31T16:30:00Z"))
        expect(s2.day).toBe("2027-04-01")
        await h.run(completeAt("ia-jiangan", "jiangan", cycle, "2027-04-02T01:00:00Z"))
        // One completion per unit and cycle: the store refuses a second.
        expect(refusal(await h.result(completeAt("ia-s1", "s1", cycle, "2027-04-03T01:00:00Z")))).toEqual([
          "conflict",
          "M18.1"
        ])
        const reader = await h.run(Accounts.actorOf("ia-root"))
        const reportOn = (day: string) => h.run(UpdateCycles.report(reader, "hubei", cycle, day))
        // The department owes nothing: its school reports for it.
        expect(statuses(await reportOn("2027-03-31"))).toEqual({
          hubei: "pending",
          wuhan: "pending",
          jiangan: "pending",
          s1: "completed",
          s2: "pending"
        })
        const april1 = await reportOn("2027-04-01")
        expect(statuses(april1)).toEqual({
          hubei: "late",
          wuhan: "late",
          jiangan: "late",
          s1: "completed",
          s2: "completedLate"
        })
        expect(april1.counts).toEqual({ completed: 1, completedLate: 1, pending: 0, late: 3 })
        expect(statuses(await reportOn("2027-04-05"))).toMatchObject({ jiangan: "completedLate", wuhan: "late" })
        // The county's report holds its subtree only; a school reads no bureau's report.
        const county = await h.run(
          Effect.flatMap(Accounts.actorOf("ia-jiangan"), (a) => UpdateCycles.report(a, "jiangan", cycle, "2027-04-05"))
        )
        expect(county.lines.map((l) => l.unitId)).toEqual(["jiangan", "s1", "s2"])
        const school = await h.run(Accounts.actorOf("ia-s1"))
        expect(refusal(await h.result(UpdateCycles.report(school, "jiangan", cycle, "2027-04-05")))).toEqual([
          "forbidden",
          "M14.3"
        ])
        const audited = (await h.run(auditRecords)).filter((r) => r.action === "updateCycle.complete")
        expect(audited.map((r) => r.object)).toEqual(["unit:s1", "unit:s2", "unit:jiangan"])
        await expectIntact(h)
      })
  )
}

const concurrentCompletions = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(
    `M18.1 ${attempts} concurrent completions of one unit's cycle: exactly one is recorded, the others fail with M18.1`,
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        // The first half of 2026 ended long before the tests run: its update can be recorded now.
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: Array.from({ length: attempts }, () => ({
            _tag: "CompleteCycle" as const,
            actorId: "ia-s1",
            unitId: "s1",
            cycle: "2026-h1"
          }))
        }
        const outcomes = await races.run(h.database, race)
        const successes = expectRaceOutcomes(outcomes, (o) => {
          expect(o.error).toBe("conflict")
          expect(o.rule).toBe("M18.1")
        })
        expect(successes).toBe(1)
        const reader = await h.run(Accounts.actorOf("ia-jiangan"))
        const report = await h.run(UpdateCycles.report(reader, "jiangan", "2026-h1", "2099-01-01"))
        expect(report.lines.filter((l) => l.completedOn !== undefined).map((l) => l.unitId)).toEqual(["s1"])
        const audited = (await h.run(auditRecords)).filter((r) => r.action === "updateCycle.complete")
        expect(audited).toHaveLength(1)
        await expectIntact(h)
      })
  )
}

/**
 * The update-cycles area: completions per unit and cycle, once, and the late-unit report (M18.1).
 *
 * @since 0.1.0
 */
export const updateCyclesConformance: AreaConformance = area("updateCycles", [rollUpAndReport, concurrentCompletions])
