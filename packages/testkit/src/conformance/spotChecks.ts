/**
 * The spot-checks area of the storage conformance suite (M17.2): a seeded sample of a bureau's subtree, recorded
 * with its population so that anyone redraws it, findings per sampled e-file at the version seen, a discrepancy
 * corrected by the school's change request (M19.2), and the published result.
 *
 * @since 0.1.0
 */
import { SpotCheck, SpotChecks } from "@tmis/core"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import {
  actor,
  auditRecords,
  basicInfo,
  createAccounts,
  createUnits,
  hire,
  hubei,
  jianghan,
  makeEffective,
  onboard,
  setup,
  units,
  withDatabase,
  woman
} from "./fixtures.js"
import { type AreaConformance, area, expectIntact, expectRaceOutcomes, refusal, type Suite } from "./support.js"

const otherSchool = {
  id: "s3",
  kind: "school",
  name: "江汉区第一小学",
  code: "2142000003",
  validFrom: units.school1.validFrom,
  school: { schoolType: "211", sponsor: "21" }
} as const

const drawAndPublish = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M17.2 a bureau draws a seeded sample of its subtree only, anyone redraws it, findings per sampled e-file, a discrepancy opens a change request, the result is published",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await createUnits(h, [
          [jianghan, "wuhan"],
          [otherSchool, "jianghan"]
        ])
        // Two teachers at s1, one at s2, one at 江汉区's school: outside the county's subtree.
        const hires = [
          ["t1", "s1", "ia-s1"],
          ["t2", "s1", "ia-s1"],
          ["t3", "s2", "ia-s2"],
          ["t4", "s3", "ia-s3"]
        ] as const
        await createAccounts(h, [
          ["sa-wuhan", "sa-jianghan", "systemAdmin", "jianghan"],
          ["sa-jianghan", "sa-s3", "systemAdmin", "s3"],
          ["sa-s3", "ia-s3", "infoAdmin", "s3"]
        ])
        for (const [i, [id, unitId, by]] of hires.entries()) {
          await onboard(h, by, hire(id, unitId, basicInfo({ idNumber: woman(i) })))
        }
        const bureau = await actor(h, "ia-jiangan")
        const school = await actor(h, "ia-s1")
        // A school does not draw.
        expect(
          refusal(
            await h.result(SpotChecks.draw(school, { id: "sc0", unitId: "s1", schools: 1, teachers: 1, seed: "x" }))
          )
        ).toEqual(["forbidden", "M17.2"])
        const drawn = await h.run(
          SpotChecks.draw(bureau, { id: "sc1", unitId: "jiangan", schools: 1, teachers: 10, seed: "2027-jiangan-1" })
        )
        const check = drawn.value
        // The subtree only: 江汉区's school and teacher are not in the population.
        expect(check.population.schools).toEqual(["s1", "s2"])
        expect(check.population.teachers).toEqual(["t1", "t2", "t3"])
        expect(check.sample.teachers).toEqual(["t1", "t2", "t3"])
        expect(check.sample.schools).toHaveLength(1)
        // Anyone redraws it from the recorded seed and population.
        expect(SpotCheck.draw(check.population, check.sizes, "2027-jiangan-1")).toEqual(check.sample)
        expect((await h.run(SpotChecks.read(bureau, "sc1"))).redrawn).toBe(true)
        // The same seed over the same population again: the same sample.
        const again = await h.run(
          SpotChecks.draw(bureau, { id: "sc2", unitId: "jiangan", schools: 1, teachers: 2, seed: "2027-jiangan-1" })
        )
        expect(again.value.sample.schools).toEqual(check.sample.schools)
        expect(again.value.sample.teachers).toEqual(SpotCheck.sample(["t1", "t2", "t3"], 2, "2027-jiangan-1/teachers"))
        // A used id is refused by the store.
        expect(
          refusal(await h.result(SpotChecks.draw(bureau, { id: "sc1", unitId: "jiangan", schools: 1, teachers: 1 })))
        ).toEqual(["conflict", "M17.2"])

        let version = drawn.version
        for (const [teacherId, result, note] of [
          ["t1", "discrepancy", "最高学历与证书不符"],
          ["t2", "accurate", ""],
          ["t3", "accurate", ""]
        ] as const) {
          version = (await h.run(SpotChecks.recordFinding(bureau, "sc1", { teacherId, result, note }, version))).version
        }
        // At a stale version: Conflict, nothing written.
        expect(
          refusal(
            await h.result(
              SpotChecks.recordFinding(bureau, "sc1", { teacherId: "t2", result: "accurate", note: "" }, 1)
            )
          )
        ).toEqual(["Conflict", undefined])
        // The discrepancy: the school requests the change (M19.2), citing the finding; the bureau could not.
        const entryVersion = await makeEffective(h, "t1-basic", "ia-s1", "ia-jiangan")
        expect(entryVersion).toBe(4)
        const change = { requestId: "cr-sc1", entryId: "t1-basic", change: { staffNumber: "A001" }, reason: "抽查发现" }
        expect(refusal(await h.result(SpotChecks.openChange(bureau, "sc1", "t1", change)))).toEqual([
          "forbidden",
          "M19.2"
        ])
        expect(
          refusal(await h.result(SpotChecks.openChange(school, "sc1", "t2", { ...change, entryId: "t2-basic" })))
        ).toEqual(["invalid", "M17.2"])
        const opened = await h.run(SpotChecks.openChange(school, "sc1", "t1", change))
        expect(opened.changeRequest.value).toMatchObject({ status: "requested", entryId: "t1-basic" })
        expect(opened.check.value.findings.find((f) => f.teacherId === "t1")?.changeRequestId).toBe("cr-sc1")
        // Before publication the school does not read it; after, it does.
        expect(refusal(await h.result(SpotChecks.read(school, "sc1")))).toEqual(["forbidden", "M14.3"])
        const published = await h.run(
          SpotChecks.publish(bureau, "sc1", "抽查3人，1人信息有误，已提出变更", opened.check.version)
        )
        expect(SpotCheck.tally(published.value)).toEqual({ sampled: 3, checked: 3, accurate: 2, discrepancy: 1 })
        expect((await h.run(SpotChecks.read(school, "sc1"))).check.state).toBe("published")
        expect(refusal(await h.result(SpotChecks.publish(bureau, "sc1", "again", published.version)))).toEqual([
          "invalid",
          "M17.2"
        ])
        const actions = (await h.run(auditRecords)).filter((r) => r.object === "spotCheck:sc1").map((r) => r.action)
        expect(actions).toEqual([
          "spotCheck.draw",
          "spotCheck.finding",
          "spotCheck.finding",
          "spotCheck.finding",
          "spotCheck.changeRequest",
          "spotCheck.publish"
        ])
        await expectIntact(h)
      })
  )
}

const concurrentFindings = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(
    `M17.2 ${attempts} concurrent findings on one spot check at the version seen: exactly one commits, the others conflict; no finding is lost or written twice`,
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        for (const [i, id] of ["t1", "t2", "t3"].entries()) {
          await onboard(h, "ia-s1", hire(id, "s1", basicInfo({ idNumber: woman(i) })))
        }
        const bureau = await actor(h, "ia-jiangan")
        const drawn = await h.run(
          SpotChecks.draw(bureau, { id: "sc1", unitId: "jiangan", schools: 1, teachers: 3, seed: "race" })
        )
        // Each racer records another decision (another teacher, or another result) on what it read: version 1.
        const findings = Array.from({ length: attempts }, (_, i) => ({
          teacherId: `t${(i % 3) + 1}`,
          result: i % 2 === 0 ? ("accurate" as const) : ("discrepancy" as const),
          note: `racer ${i}`
        }))
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: findings.map((finding) => ({
            _tag: "RecordFinding" as const,
            actorId: "ia-jiangan",
            spotCheckId: "sc1",
            finding,
            expectedVersion: drawn.version
          }))
        }
        const outcomes = await races.run(h.database, race)
        const successes = expectRaceOutcomes(outcomes, (o) => expect(o.error).toBe("Conflict"))
        expect(successes).toBe(1)
        const winner = findings[outcomes.findIndex((o) => o._tag === "Success")]!
        const stored = await h.run(SpotChecks.read(bureau, "sc1"))
        expect(stored.check.findings.map((f) => [f.teacherId, f.result, f.note])).toEqual([
          [winner.teacherId, winner.result, winner.note]
        ])
        const audited = (await h.run(auditRecords)).filter((r) => r.action === "spotCheck.finding")
        expect(audited).toHaveLength(1)
        await expectIntact(h)
      })
  )
}

/**
 * The spot-checks area (M17.2).
 *
 * @since 0.1.0
 */
export const spotChecksConformance: AreaConformance = area("spotChecks", [drawAndPublish, concurrentFindings])
