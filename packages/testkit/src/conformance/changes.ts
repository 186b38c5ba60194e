/**
 * The change requests & status area of the storage conformance suite: a change request applied atomically at its
 * base version and not at all once the entry moved on (M19.2), also under real concurrency, and status changes kept
 * with their dates, counted by status as of any date (M22.1).
 *
 * @since 0.1.0
 */
import { Accounts, EFiles, Statistics, Workflows } from "@tmis/core"
import { Effect } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import {
  actor,
  addDays,
  auditRecords,
  basicInfo,
  getEFile,
  getEntry,
  getRequest,
  hire,
  hubei,
  makeEffective,
  onboard,
  review,
  setup,
  verify,
  withDatabase,
  woman
} from "./fixtures.js"
import { numRunsOf } from "./processes.js"
import { type AreaConformance, area, expectIntact, expectRaceOutcomes, refusal, type Suite } from "./support.js"

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

const changeAtBaseVersion = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M19.2 a change request applies atomically at its base version, and not at all when the entry moved on",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        const version = await makeEffective(h, "t1-basic", "ia-s1", "ia-jiangan")
        expect(version).toBe(4)
        const school = await actor(h, "ia-s1")
        const bureau = await actor(h, "ia-jiangan")
        // An effective entry is not edited in review.
        expect(refusal(await review(h, "ia-s1", "t1-basic", { type: "edit", data: basicInfo() }, 4))).toEqual([
          "invalid",
          "M19.2"
        ])
        for (const [id, staffNumber] of [
          ["cr1", "A001"],
          ["cr2", "B002"]
        ] as const) {
          await h.run(
            EFiles.requestChange(school, { id, entryId: "t1-basic", change: { staffNumber }, reason: "补录工号" })
          )
        }
        for (const id of ["cr1", "cr2"]) {
          expect((await getRequest(h, id))?.value).toMatchObject({ status: "requested", baseVersion: 4 })
        }
        // Only the competent bureau approves.
        expect(refusal(await h.result(EFiles.approveChange(school, "cr1", 1)))).toEqual(["forbidden", "M19.2"])
        const applied = await h.run(EFiles.approveChange(bureau, "cr1", 1))
        expect([applied.version, applied.value.status, applied.value.appliedVersion]).toEqual([2, "applied", 5])
        const changed = await getEntry(h, "t1-basic")
        expect([changed?.version, changed?.value.data.staffNumber, changed?.value.review.state]).toEqual([
          5,
          "A001",
          "effective"
        ])
        const audited = (await h.run(auditRecords)).length

        // The second request was made against version 4: the entry moved on, so nothing of it applies.
        const stale = await h.result(EFiles.approveChange(bureau, "cr2", 1))
        expect(refusal(stale)).toEqual(["invalid", "M19.2"])
        const after = await getEntry(h, "t1-basic")
        expect([after?.version, after?.value.data.staffNumber]).toEqual([5, "A001"])
        expect(after?.value).toEqual(changed?.value)
        const second = await getRequest(h, "cr2")
        expect([second?.version, second?.value.status, second?.value.decidedBy]).toEqual([1, "requested", undefined])
        expect((await getRequest(h, "cr1"))?.value).toMatchObject({ status: "applied", decidedBy: "ia-jiangan" })
        expect((await h.run(auditRecords)).length).toBe(audited)
        const actions = (await h.run(auditRecords)).map((r) => r.action)
        expect(actions.filter((a) => a.startsWith("changeRequest."))).toEqual([
          "changeRequest.create",
          "changeRequest.create",
          "changeRequest.apply"
        ])
        await expectIntact(h)
      })
  )
}

const concurrentChangeApprovals = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(
    `M19.2 ${attempts} concurrent approvals of change requests made on one entry version: exactly one applies, the others fail with M19.2`,
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        await makeEffective(h, "t1-basic", "ia-s1", "ia-jiangan")
        const school = await actor(h, "ia-s1")
        const ids = Array.from({ length: attempts }, (_, i) => `cr${i}`)
        for (const [i, id] of ids.entries()) {
          await h.run(
            EFiles.requestChange(school, {
              id,
              entryId: "t1-basic",
              change: { staffNumber: `A${i}` },
              reason: "补录工号"
            })
          )
        }
        const before = (await h.run(auditRecords)).length
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: ids.map((requestId) => ({
            _tag: "ApproveChange" as const,
            actorId: "ia-jiangan",
            requestId,
            expectedVersion: 1
          }))
        }
        const outcomes = await races.run(h.database, race)
        const successes = expectRaceOutcomes(outcomes, (o) => {
          expect(o.error).toBe("invalid")
          expect(o.rule).toBe("M19.2")
        })
        expect(successes).toBe(1)
        const winner = ids[outcomes.findIndex((o) => o._tag === "Success")]!
        const entry = await getEntry(h, "t1-basic")
        expect([entry?.version, entry?.value.data.staffNumber]).toEqual([5, `A${ids.indexOf(winner)}`])
        for (const id of ids) {
          const request = await getRequest(h, id)
          expect([id, request?.version, request?.value.status]).toEqual(
            id === winner ? [id, 2, "applied"] : [id, 1, "requested"]
          )
        }
        expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: before + 1 })
      })
  )
}

const statusHistory = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M22.1 status changes are kept with their dates and the counts by status follow them as of any date",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        await onboard(h, "ia-s1", hire("t2", "s1", basicInfo({ idNumber: woman(1), schoolEntryMonth: "2018-09" })))
        await onboard(h, "ia-s2", hire("t3", "s2", basicInfo({ idNumber: woman(2) })))
        const school = await actor(h, "ia-s1")
        const record = (teacherId: string, change: Parameters<typeof EFiles.recordStatus>[2], version: number) =>
          h.result(EFiles.recordStatus(school, teacherId, change, version))

        expect(
          refusal(await record("t1", { status: "notServing", reason: "longSickLeave", effective: "2020-03-01" }, 1))
        ).toBe("ok")
        expect(refusal(await record("t1", { status: "serving", effective: "2021-01-01" }, 2))).toBe("ok")
        expect(refusal(await record("t2", { status: "retired", effective: "2024-07-01" }, 1))).toBe("ok")
        // Refused, and nothing written: back-dated, by another school, or by a query-er.
        expect(refusal(await record("t1", { status: "resigned", effective: "2020-12-31" }, 3))).toEqual([
          "invalid",
          "M22.1"
        ])
        expect(
          refusal(
            await h.result(
              EFiles.recordStatus(await actor(h, "ia-s2"), "t1", { status: "resigned", effective: "2025-01-01" }, 3)
            )
          )
        ).toEqual(["forbidden", "M14.3"])
        expect(
          refusal(
            await h.result(
              EFiles.recordStatus(await actor(h, "iq-s1"), "t1", { status: "resigned", effective: "2025-01-01" }, 3)
            )
          )
        ).toEqual(["forbidden", "M13.4"])

        const t1 = await getEFile(h, "t1")
        expect(t1?.version).toBe(3)
        expect(t1?.value.status).toBe("serving")
        expect(t1?.value.statusHistory.map((r) => [r.status, r.effective, r.reason ?? null, r.recordedBy])).toEqual([
          ["serving", "2015-09-01", null, "ia-s1"],
          ["notServing", "2020-03-01", "longSickLeave", "ia-s1"],
          ["serving", "2021-01-01", null, "ia-s1"]
        ])
        const t2 = await getEFile(h, "t2")
        expect([t2?.version, t2?.value.status, t2?.value.statusHistory.map((r) => r.effective)]).toEqual([
          2,
          "retired",
          ["2018-09-01", "2024-07-01"]
        ])

        const zero = { serving: 0, notServing: 0, resigned: 0, retired: 0, deceased: 0, transferredOut: 0 }
        const count = async (by: string, unitId: string, day: string) =>
          h.run(Effect.flatMap(Accounts.actorOf(by), (a) => Statistics.countByStatus(a, unitId, day)))
        for (const [day, s1, all] of [
          ["2015-08-31", {}, {}],
          ["2015-09-01", { serving: 1 }, { serving: 2 }],
          ["2018-08-31", { serving: 1 }, { serving: 2 }],
          ["2018-09-01", { serving: 2 }, { serving: 3 }],
          ["2020-02-29", { serving: 2 }, { serving: 3 }],
          ["2020-03-01", { serving: 1, notServing: 1 }, { serving: 2, notServing: 1 }],
          ["2020-12-31", { serving: 1, notServing: 1 }, { serving: 2, notServing: 1 }],
          ["2021-01-01", { serving: 2 }, { serving: 3 }],
          ["2024-06-30", { serving: 2 }, { serving: 3 }],
          ["2024-07-01", { serving: 1, retired: 1 }, { serving: 2, retired: 1 }],
          ["2030-01-01", { serving: 1, retired: 1 }, { serving: 2, retired: 1 }]
        ] as const) {
          expect([day, await count("iq-s1", "s1", day)]).toEqual([day, { ...zero, ...s1 }])
          expect([day, await count("ia-jiangan", "jiangan", day)]).toEqual([day, { ...zero, ...all }])
        }
        // Statistics outside the actor's subtree are refused.
        expect(
          refusal(
            await h.result(
              Effect.flatMap(Accounts.actorOf("iq-s1"), (a) => Statistics.countByStatus(a, "s2", "2025-01-01"))
            )
          )
        ).toEqual(["forbidden", "M14.3"])
        await expectIntact(h)
      })
  )
}

// ── As-of counts over moves (M22.1, M28.1) ──────────────────────────────────────────────────────────────────────

type School = "s1" | "s2"
type Counted = "serving" | "notServing" | "resigned" | "retired"

/** What happens to a teacher after onboarding, `gap` days after the previous event. */
type Event =
  | { readonly _tag: "status"; readonly gap: number; readonly status: Counted }
  | { readonly _tag: "move"; readonly gap: number; readonly by: "transfer" | "rotation" }

interface TeacherPlan {
  readonly school: School
  readonly entryYear: number
  readonly events: ReadonlyArray<Event>
}

/** A teacher's history as the test keeps it, independently of the store: dated statuses and dated moves. */
interface Kept {
  readonly id: string
  readonly start: School
  readonly statuses: Array<readonly [day: string, status: Counted]>
  readonly moves: Array<readonly [day: string, to: School]>
}

const eventArbitrary: fc.Arbitrary<Event> = fc.oneof(
  fc.record({
    _tag: fc.constant("status" as const),
    gap: fc.integer({ min: 1, max: 900 }),
    status: fc.constantFrom<Counted>("serving", "notServing", "resigned", "retired")
  }),
  fc.record({
    _tag: fc.constant("move" as const),
    gap: fc.integer({ min: 1, max: 900 }),
    by: fc.constantFrom("transfer" as const, "rotation" as const)
  })
)

const planArbitrary: fc.Arbitrary<ReadonlyArray<TeacherPlan>> = fc
  .array(
    fc.record({
      school: fc.constantFrom<School>("s1", "s2"),
      entryYear: fc.integer({ min: 2013, max: 2020 }),
      events: fc.array(eventArbitrary, { maxLength: 4 })
    }),
    { minLength: 1, maxLength: 3 }
  )
  // The first teacher moves at least once: a day before the move must count it where it was then.
  .map(([head, ...tail]) => [
    { ...head!, events: [{ _tag: "move" as const, gap: 200, by: "transfer" as const }, ...head!.events] },
    ...tail
  ])

const other = (school: School): School => (school === "s1" ? "s2" : "s1")

/** Where a kept teacher was on `day`, and in which status; undefined before its first status. */
const recount = (teachers: ReadonlyArray<Kept>, unit: "s1" | "s2" | "jiangan", day: string) => {
  const counts = { serving: 0, notServing: 0, resigned: 0, retired: 0, deceased: 0, transferredOut: 0 }
  for (const t of teachers) {
    const status = t.statuses.filter(([d]) => d <= day).at(-1)
    if (status === undefined) continue
    const at = t.moves.filter(([d]) => d <= day).at(-1)?.[1] ?? t.start
    if (unit === "jiangan" || unit === at) counts[status[1]]++
  }
  return counts
}

const asOfCounts = ({ makeDatabase, timeout, options }: Suite): void => {
  it("M22.1 M28.1 counts as of a day follow where each e-file was that day: onboardings, status changes, transfers and rotations on random days", {
    timeout: timeout * 4
  }, async () => {
    await fc.assert(
      fc.asyncProperty(planArbitrary, fc.array(fc.integer({ min: 0, max: 7000 }), { maxLength: 4 }), (plan, extra) =>
        withDatabase(makeDatabase, hubei, async (h) => {
          await setup(h)
          const today = new Date().toISOString().slice(0, 10)
          const kept: Array<Kept> = []
          let process = 0
          for (const [i, p] of plan.entries()) {
            const id = `t${i + 1}`
            const entry = `${p.entryYear}-09-01`
            await onboard(
              h,
              `ia-${p.school}`,
              hire(id, p.school, basicInfo({ idNumber: woman(i + 1), schoolEntryMonth: `${p.entryYear}-09` }))
            )
            const t: Kept = { id, start: p.school, statuses: [[entry, "serving"]], moves: [] }
            kept.push(t)
            let day = entry
            let school = p.school
            let status: Counted = "serving"
            for (const event of p.events) {
              day = addDays(day, event.gap)
              // A status change is not recorded ahead of the store's clock (M22.1): histories stay in the past.
              if (day > today) break
              if (event._tag === "status") {
                if (event.status === status) continue
                const version = (await getEFile(h, id))!.version
                const change = {
                  status: event.status,
                  effective: day,
                  ...(event.status === "notServing" ? { reason: "longSickLeave" as const } : {})
                }
                const recorded = await h.result(
                  Effect.flatMap(Accounts.actorOf(`ia-${school}`), (a) => EFiles.recordStatus(a, id, change, version))
                )
                expect(refusal(recorded)).toBe("ok")
                status = event.status
                t.statuses.push([day, status])
                continue
              }
              // Only an active teacher in post moves.
              if (status !== "serving") continue
              const to = other(school)
              const workflowId = `p${++process}`
              const initiated = await h.result(
                event.by === "transfer"
                  ? Effect.flatMap(Accounts.actorOf(`ia-${to}`), (a) =>
                      Workflows.initiateTransfer(a, {
                        id: workflowId,
                        teacherId: id,
                        toUnitId: to,
                        kind: "transfer",
                        effective: day,
                        reason: "工作需要"
                      })
                    )
                  : Effect.flatMap(Accounts.actorOf(`ia-${school}`), (a) =>
                      Workflows.initiateRotation(a, {
                        id: workflowId,
                        teacherId: id,
                        toUnitId: to,
                        personnelRelationChanges: true,
                        period: { start: day, end: addDays(day, 365) },
                        reason: "城乡教师交流"
                      })
                    )
              )
              expect(refusal(initiated)).toBe("ok")
              // Each step is confirmed by whichever party the process waits for.
              let stored = initiated.ok ? (initiated.value as { version: number; value: { open: boolean } }) : undefined
              for (let step = 0; stored?.value.open === true && step < 6; step++) {
                for (const by of ["ia-jiangan", "ia-s1", "ia-s2"]) {
                  const version: number = stored.version
                  const acted = await h.result(
                    Effect.flatMap(Accounts.actorOf(by), (a) =>
                      Workflows.act(a, workflowId, { type: "confirm" }, version)
                    )
                  )
                  if (acted.ok) {
                    stored = acted.value
                    break
                  }
                }
              }
              expect([workflowId, stored?.value.open]).toEqual([workflowId, false])
              school = to
              t.moves.push([day, to])
            }
          }

          // Every day something happened, the day before it, and a few others.
          const days = new Set<string>(extra.map((n) => addDays("2012-01-01", n)))
          for (const t of kept) {
            for (const [d] of [...t.statuses, ...t.moves]) {
              days.add(d)
              days.add(addDays(d, -1))
            }
          }
          const count = (by: string, unitId: string, day: string) =>
            h.run(Effect.flatMap(Accounts.actorOf(by), (a) => Statistics.countByStatus(a, unitId, day)))
          for (const day of [...days].sort()) {
            for (const [by, unit] of [
              ["ia-s1", "s1"],
              ["ia-s2", "s2"],
              ["ia-jiangan", "jiangan"]
            ] as const) {
              expect([day, unit, await count(by, unit, day)]).toEqual([day, unit, recount(kept, unit, day)])
            }
          }
        })
      ),
      { numRuns: numRunsOf(options) }
    )
  })
}

/**
 * The change requests & status area: change requests at their base version (M19.2), status history (M22.1).
 *
 * @since 0.1.0
 */
export const changesConformance: AreaConformance = area("changes", [
  changeAtBaseVersion,
  concurrentChangeApprovals,
  statusHistory,
  asOfCounts
])
