/**
 * The rotations area of the storage conformance suite (交流轮岗, M24) through the `Workflows` service: with and
 * without change of personnel relation, who confirms in which order (M24.1, M24.2), one open process per teacher,
 * also under real concurrency, and none for an inactive teacher (M24.3), and the e-file updated by the process itself
 * (O4.1). Every test reads back what the store holds through the port, and verifies the audit log.
 *
 * @since 0.1.0
 */
import { Accounts, EFile, EFiles } from "@tmis/core"
import { Effect } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import {
  basicInfo,
  efilesIn,
  getEFile,
  type Harness,
  hire,
  hubei,
  onboard,
  s1Path,
  storage,
  verify,
  withDatabase,
  woman
} from "./fixtures.js"
import {
  act,
  actionOf,
  auditCount,
  auditSince,
  confirm,
  confirmAll,
  expectedActor,
  getWorkflow,
  historyOf,
  initiateRotation,
  initiateTransfer,
  type Model,
  modelAct,
  names,
  notInfoAdmins,
  numRunsOf,
  paths,
  processEntries,
  rotationRequest,
  type Step,
  s3Path,
  school3,
  setupWorkflows,
  stateOf,
  stepArbitrary,
  transferRequest,
  whereIs,
  workflowsOf
} from "./processes.js"
import { type AreaConformance, area, expectIntact, expectRaceOutcomes, refusal, type Suite } from "./support.js"

/** Record that `t1`'s colleague `teacherId` retired on 2026-01-01, as s1's info admin. */
const retire = (h: Harness, teacherId: string, version: number) =>
  h.run(
    Effect.flatMap(Accounts.actorOf("ia-s1"), (a) =>
      EFiles.recordStatus(a, teacherId, { status: "retired", effective: "2026-01-01" }, version)
    )
  )

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

const rotationWithoutRelation = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M24.1 O4.1 a rotation without change of personnel relation: the dispatching school initiates, its bureau confirms; the teacher stays on the dispatching school's roster, the e-file records 交流轮岗 with the receiving school and the period",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const before = await setupWorkflows(h)
        // The receiving school does not initiate a rotation.
        expect(refusal(await initiateRotation(h, "ia-s3", rotationRequest("ro0", "s3", false)))).toEqual([
          "forbidden",
          "M24.1"
        ])
        expect(refusal(await initiateRotation(h, "ia-s1", rotationRequest("ro1", "s3", false)))).toBe("ok")
        expect(await stateOf(h, "ro1")).toEqual(["awaitingDispatchingBureau", 1, true])
        // Only the dispatching school's bureau confirms: not the receiving side, not the initiator.
        for (const by of ["ia-hanyang", "ia-s3", "ia-s1", "ia-root"]) {
          expect([by, refusal(await act(h, by, "ro1", confirm, 1))]).toEqual([by, ["forbidden", "M24.1"]])
        }
        expect(refusal(await act(h, "ia-jiangan", "ro1", confirm, 1))).toBe("ok")
        const done = await getWorkflow(h, "ro1")
        expect([done?.value.state, done?.version, done?.value.open]).toEqual(["completed", 2, false])
        expect(historyOf(done)).toEqual([
          ["initiate", "ia-s1", "awaitingDispatchingBureau"],
          ["confirm", "ia-jiangan", "completed"]
        ])
        // The e-file is not moved, nor changed; it records the exchange, effective at once (O4.1).
        expect(await whereIs(h, "t1")).toEqual(["s1", `${s1Path}t1`, 1])
        expect((await efilesIn(h, s1Path)).map((e) => e.id)).toEqual(["t1"])
        expect((await efilesIn(h, s3Path)).map((e) => e.id)).toEqual([])
        expect(await processEntries(h, "t1")).toEqual([
          [
            "ro1-exchangeRotation",
            "exchangeRotation",
            "effective",
            {
              kind: "交流轮岗（不转人事关系）",
              startMonth: "2026-09",
              endMonth: "2027-08",
              fromUnit: names.s1,
              toUnit: school3.name
            }
          ]
        ])
        expect(await auditSince(h, before)).toEqual([
          ["rotation.initiate", "workflow:ro1", "ia-s1"],
          ["rotation.confirm", "workflow:ro1", "ia-jiangan"]
        ])
        await expectIntact(h)
      })
  )
}

const rotationWithRelation = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M24.2 O4.1 a rotation with change of personnel relation: dispatching bureau, receiving school, receiving bureau confirm in order; then the e-file moves",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const before = await setupWorkflows(h)
        expect(refusal(await initiateRotation(h, "ia-s1", rotationRequest("ro1", "s3", true)))).toBe("ok")
        const order = [
          ["awaitingDispatchingBureau", "ia-jiangan"],
          ["awaitingReceivingSchool", "ia-s3"],
          ["awaitingReceivingBureau", "ia-hanyang"]
        ] as const
        for (const [index, [state, party]] of order.entries()) {
          const version = index + 1
          // Every other party of the rotation, earlier or later in the order, is refused here.
          for (const by of ["ia-s1", "ia-jiangan", "ia-s3", "ia-hanyang"].filter((a) => a !== party)) {
            expect([state, by, refusal(await act(h, by, "ro1", confirm, version))]).toEqual([
              state,
              by,
              ["forbidden", "M24.2"]
            ])
          }
          expect(await stateOf(h, "ro1")).toEqual([state, version, true])
          expect(await whereIs(h, "t1")).toEqual(["s1", `${s1Path}t1`, 1])
          expect(refusal(await act(h, party, "ro1", confirm, version))).toBe("ok")
        }
        const done = await getWorkflow(h, "ro1")
        expect([done?.value.state, done?.version, done?.value.open]).toEqual(["completed", 4, false])
        expect(historyOf(done)?.map((i) => i[1])).toEqual(["ia-s1", "ia-jiangan", "ia-s3", "ia-hanyang"])
        expect(await whereIs(h, "t1")).toEqual(["s3", `${s3Path}t1`, 2])
        expect((await efilesIn(h, s3Path)).map((e) => e.id)).toEqual(["t1"])
        expect((await efilesIn(h, s1Path)).map((e) => e.id)).toEqual([])
        expect(await processEntries(h, "t1")).toEqual([
          [
            "ro1-exchangeRotation",
            "exchangeRotation",
            "effective",
            {
              kind: "交流轮岗（转人事关系）",
              startMonth: "2026-09",
              endMonth: "2027-08",
              fromUnit: names.s1,
              toUnit: school3.name
            }
          ],
          ["ro1-workHistory", "workHistory", "effective", { employer: school3.name, startMonth: "2026-09" }]
        ])
        expect((await auditSince(h, before)).map((r) => [r[0], r[2]])).toEqual([
          ["rotation.initiate", "ia-s1"],
          ["rotation.confirm", "ia-jiangan"],
          ["rotation.confirm", "ia-s3"],
          ["rotation.confirm", "ia-hanyang"]
        ])
        await expectIntact(h)
      })
  )
}

const oneOpenProcess = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M24.3 a teacher in an open transfer cannot be put into a second one, nor a rotation; a retired (inactive) teacher cannot be transferred or rotated",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupWorkflows(h)
        expect(refusal(await initiateTransfer(h, "ia-s3", transferRequest("tr1", "s3")))).toBe("ok")
        await confirmAll(h, "tr1", ["ia-hanyang"], 1)
        const audited = await auditCount(h)
        // The machines accept these; the store refuses them (M24.3).
        expect(refusal(await initiateTransfer(h, "ia-s2", transferRequest("tr2", "s2")))).toEqual(["conflict", "M24.3"])
        expect(refusal(await initiateRotation(h, "ia-s1", rotationRequest("ro1", "s2", false)))).toEqual([
          "conflict",
          "M24.3"
        ])
        // Straight to the store, past the service: refused by the store itself.
        const open = (await getWorkflow(h, "tr1"))!.value
        const direct = await h.result(
          Effect.flatMap(storage, (s) => s.workflows.insert({ ...open, id: "tr3", state: "awaitingReceivingBureau" }))
        )
        expect(refusal(direct)).toEqual(["conflict", "M24.3"])
        for (const id of ["tr2", "ro1", "tr3"]) expect(await getWorkflow(h, id)).toBeUndefined()
        expect((await workflowsOf(h, "t1")).map((w) => [w.value.id, w.value.state])).toEqual([
          ["tr1", "awaitingSendingSchool"]
        ])
        expect(await auditCount(h)).toBe(audited)

        // A retired teacher: the machines refuse, nothing is stored.
        await onboard(h, "ia-s1", hire("t2", "s1", basicInfo({ idNumber: woman(1), name: "王老师" })))
        await retire(h, "t2", 1)
        expect(EFile.isActive((await getEFile(h, "t2"))!.value)).toBe(false)
        const retiredAudited = await auditCount(h)
        expect(refusal(await initiateTransfer(h, "ia-s3", transferRequest("tr4", "s3", { teacherId: "t2" })))).toEqual([
          "invalid",
          "M24.3"
        ])
        expect(
          refusal(await initiateRotation(h, "ia-s1", { ...rotationRequest("ro2", "s3", false), teacherId: "t2" }))
        ).toEqual(["invalid", "M24.3"])
        expect(
          refusal(await initiateRotation(h, "ia-s1", { ...rotationRequest("ro3", "s3", true), teacherId: "t2" }))
        ).toEqual(["invalid", "M24.3"])
        expect(await workflowsOf(h, "t2")).toEqual([])
        expect(await whereIs(h, "t2")).toEqual(["s1", `${s1Path}t2`, 2])
        expect(await auditCount(h)).toBe(retiredAudited)
        await expectIntact(h)
      })
  )
}

const concurrentInitiations = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(
    `M24.3 ${attempts} concurrent initiations for one teacher: exactly one succeeds, the others fail with M24.3`,
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const before = await setupWorkflows(h)
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: Array.from({ length: attempts }, (_, i) => {
            const school = i % 2 === 0 ? "s2" : "s3"
            return {
              _tag: "InitiateTransfer" as const,
              actorId: `ia-${school}`,
              request: transferRequest(`race${i}`, school)
            }
          })
        }
        const outcomes = await races.run(h.database, race)
        const successes = expectRaceOutcomes(outcomes, (o) => {
          expect(o.error).toBe("conflict")
          expect(o.rule).toBe("M24.3")
        })
        expect(successes).toBe(1)
        const winner = race.attempts[outcomes.findIndex((o) => o._tag === "Success")]
        const winnerId = winner?._tag === "InitiateTransfer" ? winner.request.id : ""
        expect(outcomes.find((o) => o._tag === "Success")).toEqual({
          _tag: "Success",
          value: { id: winnerId, state: "awaitingReceivingBureau", version: 1 }
        })
        expect((await workflowsOf(h, "t1")).map((w) => [w.value.id, w.value.open, w.version])).toEqual([
          [winnerId, true, 1]
        ])
        expect(await auditSince(h, before)).toEqual([
          ["transfer.initiate", `workflow:${winnerId}`, winner?._tag === "InitiateTransfer" ? winner.actorId : ""]
        ])
        expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: before + 1 })
      })
  )
}

const rotationProperty = ({ makeDatabase, options, timeout }: Suite): void => {
  it("M24.1 M24.2 property: for random sequences of actions by random actors, a rotation completes iff its confirmations happened in order by the right actors; the e-file moves only on completing a rotation with change of personnel relation; a rejection or withdrawal leaves it where it was", {
    timeout
  }, async () => {
    const run = fc.record({
      receiving: fc.constantFrom("s2", "s3"),
      personnelRelationChanges: fc.boolean(),
      steps: fc.array(stepArbitrary, { minLength: 1, maxLength: 8 })
    })
    const confirms = (n: number) => Array.from({ length: n }, () => ({ verb: "confirm", by: "expected" }) as Step)
    await fc.assert(
      fc.asyncProperty(run, ({ receiving, personnelRelationChanges, steps }) =>
        withDatabase(makeDatabase, hubei, async (h) => {
          const before = await setupWorkflows(h)
          const receivingBureau = receiving === "s3" ? "ia-hanyang" : "ia-jiangan"
          const model: Model = {
            confirmers: personnelRelationChanges ? ["ia-jiangan", `ia-${receiving}`, receivingBureau] : ["ia-jiangan"],
            withdrawer: "ia-s1",
            step: 0,
            ended: undefined,
            version: 1
          }
          const rule = personnelRelationChanges ? "M24.2" : "M24.1"
          const initiated = await initiateRotation(
            h,
            "ia-s1",
            rotationRequest("ro1", receiving, personnelRelationChanges)
          )
          expect(refusal(initiated)).toBe("ok")
          let accepted = 1
          for (const step of steps) {
            const by = step.by === "expected" ? expectedActor(model, step.verb) : step.by
            const version = model.version
            const allowed = modelAct(model, step.verb, by)
            const result = await act(h, by, "ro1", actionOf(step.verb), version)
            if (allowed) {
              expect([step.verb, by, refusal(result)]).toEqual([step.verb, by, "ok"])
              accepted += 1
            } else {
              expect([step.verb, by, result.ok]).toEqual([step.verb, by, false])
              if (!result.ok) expect(["forbidden", "invalid"]).toContain(result.tag)
              // Who belongs to another unit is refused by the rotation's own rule.
              if (!result.ok && !notInfoAdmins.includes(by)) expect(result.rule).toBe(rule)
            }
            const stored = await getWorkflow(h, "ro1")
            expect(stored?.version).toBe(model.version)
            expect(stored?.value.open).toBe(model.ended === undefined)
            if (model.ended !== undefined) expect(stored?.value.state).toBe(model.ended)
            const moved = model.ended === "completed" && personnelRelationChanges
            const at = moved ? receiving : "s1"
            expect(await whereIs(h, "t1")).toEqual([at, `${paths[at]}t1`, moved ? 2 : 1])
          }
          const completed = model.ended === "completed"
          const recorded = completed
            ? personnelRelationChanges
              ? ["ro1-exchangeRotation", "ro1-workHistory"]
              : ["ro1-exchangeRotation"]
            : []
          expect((await processEntries(h, "t1")).map((e) => e[0])).toEqual(recorded)
          expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: before + accepted })
        })
      ),
      {
        numRuns: numRunsOf(options),
        examples: [
          [{ receiving: "s3" as const, personnelRelationChanges: true, steps: confirms(3) }],
          [{ receiving: "s2" as const, personnelRelationChanges: false, steps: confirms(1) }]
        ]
      }
    )
  })
}

/**
 * The rotations area (M24.1, M24.2, M24.3, O4.1).
 *
 * @since 0.1.0
 */
export const rotationsConformance: AreaConformance = area("rotations", [
  rotationWithoutRelation,
  rotationWithRelation,
  oneOpenProcess,
  concurrentInitiations,
  rotationProperty
])
