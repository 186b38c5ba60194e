/**
 * The transfers area of the storage conformance suite (调动, M23) through the `Workflows` service: who initiates and
 * confirms in which order (M23.1), rejection and withdrawal, no step skipped or taken twice, also under real
 * concurrency (M23.2), a rotation in disguise (M23.3), and the e-file moved by the process itself (O4.1). Every test
 * reads back what the store holds through the port, and verifies the audit log.
 *
 * @since 0.1.0
 */
import { Accounts, EFiles, type Transfer } from "@tmis/core"
import { Effect } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import { efilesIn, getEFile, hubei, root, s1Path, verify, withDatabase } from "./fixtures.js"
import {
  act,
  actionOf,
  auditCount,
  auditSince,
  confirm,
  confirmAll,
  everyone,
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
  s2Path,
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

/** The unit of each account of `everyone`. */
const unitOf: Record<string, string> = {
  "ia-s1": "s1",
  "iq-s1": "s1",
  "sa-s1": "s1",
  "ia-s2": "s2",
  "ia-s3": "s3",
  "ia-jiangan": "jiangan",
  "ia-hanyang": "hanyang",
  "sa-hanyang": "hanyang",
  "ia-root": "hubei"
}

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

const transferInOrder = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M23.1 O4.1 a transfer: the receiving school initiates, the receiving bureau, the sending school and the sending bureau confirm in order; then the e-file is at the receiving school with its 工作经历 record, visible in the receiving school's subtree and not in the sending one's",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const before = await setupWorkflows(h)
        // Only the receiving school initiates: neither the sending school nor the receiving bureau.
        for (const by of ["ia-s1", "ia-hanyang"]) {
          expect([by, refusal(await initiateTransfer(h, by, transferRequest("tr0", "s3")))]).toEqual([
            by,
            ["forbidden", "M23.1"]
          ])
        }
        expect(await getWorkflow(h, "tr0")).toBeUndefined()

        const initiated = await initiateTransfer(h, "ia-s3", transferRequest("tr1", "s3"))
        expect(initiated.ok && [initiated.value.value.state, initiated.value.version]).toEqual([
          "awaitingReceivingBureau",
          1
        ])
        expect(await stateOf(h, "tr1")).toEqual(["awaitingReceivingBureau", 1, true])
        // The four parties are four accounts of four units; until the last confirmation nothing moves.
        let version = 1
        for (const [by, next] of [
          ["ia-hanyang", "awaitingSendingSchool"],
          ["ia-s1", "awaitingSendingBureau"]
        ] as const) {
          version = await confirmAll(h, "tr1", [by], version)
          expect(await stateOf(h, "tr1")).toEqual([next, version, true])
          expect(await whereIs(h, "t1")).toEqual(["s1", `${s1Path}t1`, 1])
        }
        await confirmAll(h, "tr1", ["ia-jiangan"], version)

        const done = await getWorkflow(h, "tr1")
        expect([done?.value.state, done?.version, done?.value.open]).toEqual(["completed", 4, false])
        expect(historyOf(done)).toEqual([
          ["initiate", "ia-s3", "awaitingReceivingBureau"],
          ["confirm", "ia-hanyang", "awaitingSendingSchool"],
          ["confirm", "ia-s1", "awaitingSendingBureau"],
          ["confirm", "ia-jiangan", "completed"]
        ])
        // O4.1: the e-file moved in the last confirmation's transaction, with its 工作经历, effective at once.
        const efile = await getEFile(h, "t1")
        expect([efile?.value.unitId, efile?.value.path, efile?.value.stage, efile?.version]).toEqual([
          "s3",
          `${s3Path}t1`,
          "primary",
          2
        ])
        expect(await processEntries(h, "t1")).toEqual([
          ["tr1-workHistory", "workHistory", "effective", { employer: school3.name, startMonth: "2026-09" }]
        ])
        expect((await efilesIn(h, s3Path)).map((e) => e.id)).toEqual(["t1"])
        expect((await efilesIn(h, "/hubei/wuhan/hanyang/")).map((e) => e.id)).toEqual(["t1"])
        expect((await efilesIn(h, s1Path)).map((e) => e.id)).toEqual([])
        expect((await efilesIn(h, "/hubei/wuhan/jiangan/")).map((e) => e.id)).toEqual([])
        expect(await auditSince(h, before)).toEqual([
          ["transfer.initiate", "workflow:tr1", "ia-s3"],
          ["transfer.confirm", "workflow:tr1", "ia-hanyang"],
          ["transfer.confirm", "workflow:tr1", "ia-s1"],
          ["transfer.confirm", "workflow:tr1", "ia-jiangan"]
        ])
        // A completed transfer takes nothing more: not even the initiator's withdrawal.
        expect(refusal(await act(h, "ia-s3", "tr1", { type: "withdraw", reason: "撤回" }, 4))).toEqual([
          "invalid",
          "M23.2"
        ])
        // Scope follows the e-file: the receiving school reads it, the sending school no longer does.
        const read = (by: string) => h.result(Effect.flatMap(Accounts.actorOf(by), (a) => EFiles.read(a, "t1")))
        expect(refusal(await read("ia-s3"))).toBe("ok")
        expect(refusal(await read("ia-s1"))).toEqual(["forbidden", "M14.3"])
        await expectIntact(h)
      })
  )
}

const transferWithinOneBureau = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M23.1 O4.1 a transfer between two schools of one bureau: both bureau steps are still taken, in their places",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const before = await setupWorkflows(h)
        expect(refusal(await initiateTransfer(h, "ia-s2", transferRequest("tr1", "s2")))).toBe("ok")
        expect(refusal(await act(h, "ia-jiangan", "tr1", confirm, 1))).toBe("ok")
        expect(await stateOf(h, "tr1")).toEqual(["awaitingSendingSchool", 2, true])
        // The bureau confirmed as the receiving side; its sending-side step comes after the sending school's.
        expect(refusal(await act(h, "ia-jiangan", "tr1", confirm, 2))).toEqual(["forbidden", "M23.2"])
        expect(await stateOf(h, "tr1")).toEqual(["awaitingSendingSchool", 2, true])
        expect(await whereIs(h, "t1")).toEqual(["s1", `${s1Path}t1`, 1])
        await confirmAll(h, "tr1", ["ia-s1", "ia-jiangan"], 2)

        const done = await getWorkflow(h, "tr1")
        expect(historyOf(done)).toEqual([
          ["initiate", "ia-s2", "awaitingReceivingBureau"],
          ["confirm", "ia-jiangan", "awaitingSendingSchool"],
          ["confirm", "ia-s1", "awaitingSendingBureau"],
          ["confirm", "ia-jiangan", "completed"]
        ])
        // The e-file takes the receiving school's stage (s2 is a junior secondary school).
        const efile = await getEFile(h, "t1")
        expect([efile?.value.unitId, efile?.value.path, efile?.value.stage]).toEqual([
          "s2",
          `${s2Path}t1`,
          "juniorSecondary"
        ])
        expect(await processEntries(h, "t1")).toEqual([
          ["tr1-workHistory", "workHistory", "effective", { employer: names.s2, startMonth: "2026-09" }]
        ])
        expect((await efilesIn(h, s2Path)).map((e) => e.id)).toEqual(["t1"])
        expect((await efilesIn(h, s1Path)).map((e) => e.id)).toEqual([])
        expect((await auditSince(h, before)).map((r) => [r[0], r[2]])).toEqual([
          ["transfer.initiate", "ia-s2"],
          ["transfer.confirm", "ia-jiangan"],
          ["transfer.confirm", "ia-s1"],
          ["transfer.confirm", "ia-jiangan"]
        ])
        await expectIntact(h)
      })
  )
}

const rejectOrWithdraw = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M23.2 any confirmer may reject with a reason; the initiator may withdraw before the last confirmation; after either nothing moves and the teacher can be transferred again",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const before = await setupWorkflows(h)
        // Rejected by the sending school, at its step.
        expect(refusal(await initiateTransfer(h, "ia-s3", transferRequest("tr1", "s3")))).toBe("ok")
        await confirmAll(h, "tr1", ["ia-hanyang"], 1)
        for (const [by, reason, kind] of [
          ["ia-s1", "  ", "invalid"], // a rejection gives its reason
          ["ia-hanyang", "人员紧缺", "forbidden"], // the receiving bureau's step is behind it
          ["ia-jiangan", "人员紧缺", "forbidden"] // the sending bureau's is not yet
        ] as const) {
          expect([by, refusal(await act(h, by, "tr1", { type: "reject", reason }, 2))]).toEqual([by, [kind, "M23.2"]])
        }
        expect(await stateOf(h, "tr1")).toEqual(["awaitingSendingSchool", 2, true])
        expect(refusal(await act(h, "ia-s1", "tr1", { type: "reject", reason: "人员紧缺" }, 2))).toBe("ok")
        const rejected = await getWorkflow(h, "tr1")
        expect([rejected?.value.state, rejected?.version, rejected?.value.open]).toEqual(["rejected", 3, false])
        expect((rejected?.value.context as Transfer.Context | undefined)?.rejection).toMatchObject({
          actor: "ia-s1",
          state: "awaitingSendingSchool",
          reason: "人员紧缺"
        })
        expect(await whereIs(h, "t1")).toEqual(["s1", `${s1Path}t1`, 1])
        expect(await processEntries(h, "t1")).toEqual([])
        // Ended: nothing more is taken.
        for (const [by, action] of [
          ["ia-jiangan", confirm],
          ["ia-s3", { type: "withdraw", reason: "撤回" }]
        ] as const) {
          expect(refusal(await act(h, by, "tr1", action, 3))).toEqual(["invalid", "M23.2"])
        }

        // The open index released the teacher: another school asks, and withdraws before the last confirmation.
        expect(refusal(await initiateTransfer(h, "ia-s2", transferRequest("tr2", "s2")))).toBe("ok")
        await confirmAll(h, "tr2", ["ia-jiangan", "ia-s1"], 1)
        for (const [by, reason, kind] of [
          ["ia-s1", "岗位已满", "forbidden"], // only the receiving school withdraws
          ["ia-jiangan", "岗位已满", "forbidden"],
          ["ia-s2", "", "invalid"] // with a reason
        ] as const) {
          expect([by, refusal(await act(h, by, "tr2", { type: "withdraw", reason }, 3))]).toEqual([by, [kind, "M23.2"]])
        }
        expect(refusal(await act(h, "ia-s2", "tr2", { type: "withdraw", reason: "岗位已满" }, 3))).toBe("ok")
        const withdrawn = await getWorkflow(h, "tr2")
        expect([withdrawn?.value.state, withdrawn?.version, withdrawn?.value.open]).toEqual(["withdrawn", 4, false])
        expect((withdrawn?.value.context as Transfer.Context | undefined)?.withdrawal).toMatchObject({
          actor: "ia-s2",
          state: "awaitingSendingBureau",
          reason: "岗位已满"
        })
        expect(await whereIs(h, "t1")).toEqual(["s1", `${s1Path}t1`, 1])
        expect(await processEntries(h, "t1")).toEqual([])
        expect((await efilesIn(h, s1Path)).map((e) => e.id)).toEqual(["t1"])

        // And again: accepted.
        expect(refusal(await initiateTransfer(h, "ia-s3", transferRequest("tr3", "s3")))).toBe("ok")
        expect((await workflowsOf(h, "t1")).map((w) => [w.value.id, w.value.state, w.value.open])).toEqual([
          ["tr1", "rejected", false],
          ["tr2", "withdrawn", false],
          ["tr3", "awaitingReceivingBureau", true]
        ])
        expect((await auditSince(h, before)).map((r) => [r[0], r[1], r[2]])).toEqual([
          ["transfer.initiate", "workflow:tr1", "ia-s3"],
          ["transfer.confirm", "workflow:tr1", "ia-hanyang"],
          ["transfer.reject", "workflow:tr1", "ia-s1"],
          ["transfer.initiate", "workflow:tr2", "ia-s2"],
          ["transfer.confirm", "workflow:tr2", "ia-jiangan"],
          ["transfer.confirm", "workflow:tr2", "ia-s1"],
          ["transfer.withdraw", "workflow:tr2", "ia-s2"],
          ["transfer.initiate", "workflow:tr3", "ia-s3"]
        ])
        await expectIntact(h)
      })
  )
}

const noStepSkipped = ({ makeDatabase, timeout }: Suite): void => {
  it("M23.2 no step can be skipped, repeated or taken by anyone else", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await setupWorkflows(h)
      expect(refusal(await initiateTransfer(h, "ia-s3", transferRequest("tr1", "s3")))).toBe("ok")
      const parties = [
        ["awaitingReceivingBureau", "ia-hanyang"],
        ["awaitingSendingSchool", "ia-s1"],
        ["awaitingSendingBureau", "ia-jiangan"]
      ] as const
      for (const [index, [state, party]] of parties.entries()) {
        const version = index + 1
        const audited = await auditCount(h)
        for (const by of everyone.filter((a) => a !== party)) {
          const refused = await act(h, by, "tr1", confirm, version)
          // Who belongs to another unit takes no one's step (M23.2); a system admin or a query-er of the party's own
          // unit is no info admin: authorization refuses it first (M13.2, M13.4).
          const rule = unitOf[by] !== unitOf[party] ? "M23.2" : by.startsWith("sa-") ? "M13.2" : "M13.4"
          expect([state, by, refusal(refused)]).toEqual([state, by, ["forbidden", rule]])
          expect(await stateOf(h, "tr1")).toEqual([state, version, true])
        }
        // A step is not repeated: the one who just confirmed cannot confirm again.
        if (index > 0) {
          const previous = parties[index - 1]![1]
          if (previous !== party) {
            expect(refusal(await act(h, previous, "tr1", confirm, version))).toEqual(["forbidden", "M23.2"])
          }
        }
        // A stale version is a conflict, even for the right party.
        if (index > 0)
          expect(refusal(await act(h, party, "tr1", confirm, version - 1))).toEqual(["Conflict", undefined])
        expect(await auditCount(h)).toBe(audited)
        expect(await whereIs(h, "t1")).toEqual(["s1", `${s1Path}t1`, 1])
        expect(refusal(await act(h, party, "tr1", confirm, version))).toBe("ok")
      }
      const done = await getWorkflow(h, "tr1")
      expect([done?.value.state, done?.version]).toEqual(["completed", 4])
      expect(historyOf(done)?.map((i) => i[1])).toEqual(["ia-s3", "ia-hanyang", "ia-s1", "ia-jiangan"])
      expect((await workflowsOf(h, "t1")).length).toBe(1)
      await expectIntact(h)
    })
  )
}

const transferAsRotation = ({ makeDatabase, timeout }: Suite): void => {
  it("M23.3 a transfer that is really a rotation is refused, pointing to M24", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      const before = await setupWorkflows(h)
      const refused = await initiateTransfer(h, "ia-s3", transferRequest("tr1", "s3", { kind: "rotation" }))
      expect(refusal(refused)).toEqual(["invalid", "M23.3"])
      const error = refused.ok ? undefined : (refused.error as { details: Record<string, unknown>; message: string })
      expect(error?.details).toMatchObject({ field: "kind", value: "rotation", use: "Rotation" })
      expect(error?.message).toContain("M24")
      expect(await getWorkflow(h, "tr1")).toBeUndefined()
      expect(await workflowsOf(h, "t1")).toEqual([])
      expect(await auditCount(h)).toBe(before)
      // As a rotation, by the dispatching school, it is accepted.
      const rotation = await initiateRotation(h, "ia-s1", rotationRequest("ro1", "s3", false))
      expect(refusal(rotation)).toBe("ok")
      expect(await stateOf(h, "ro1")).toEqual(["awaitingDispatchingBureau", 1, true])
      expect((await workflowsOf(h, "t1")).map((w) => [w.value.id, w.value.kind])).toEqual([["ro1", "rotation"]])
      await expectIntact(h)
    })
  )
}

const concurrentConfirmations = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(
    `M23.2 ${attempts} concurrent confirmations of the same step commit exactly once; the rest get Conflict`,
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupWorkflows(h)
        expect(refusal(await initiateTransfer(h, "ia-s3", transferRequest("tr1", "s3")))).toBe("ok")
        const before = await auditCount(h)
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: Array.from({ length: attempts }, () => ({
            _tag: "ActWorkflow" as const,
            actorId: "ia-hanyang",
            workflowId: "tr1",
            action: confirm,
            expectedVersion: 1
          }))
        }
        const outcomes = await races.run(h.database, race)
        const successes = expectRaceOutcomes(outcomes, (o) => expect(o.error).toBe("Conflict"))
        expect(successes).toBe(1)
        expect(outcomes.find((o) => o._tag === "Success")).toEqual({
          _tag: "Success",
          value: { id: "tr1", state: "awaitingSendingSchool", version: 2 }
        })
        const stored = await getWorkflow(h, "tr1")
        expect([stored?.value.state, stored?.version]).toEqual(["awaitingSendingSchool", 2])
        expect(historyOf(stored)).toEqual([
          ["initiate", "ia-s3", "awaitingReceivingBureau"],
          ["confirm", "ia-hanyang", "awaitingSendingSchool"]
        ])
        expect(await auditSince(h, before)).toEqual([["transfer.confirm", "workflow:tr1", "ia-hanyang"]])
        expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: before + 1 })
      })
  )
}

const transferProperty = ({ makeDatabase, options, timeout }: Suite): void => {
  it("M23.1 M23.2 property: for random sequences of actions by random actors, a transfer completes iff the three confirmations happened in order by the right actors; the e-file never moves before completion; a rejection or withdrawal leaves it where it was", {
    timeout
  }, async () => {
    const run = fc.record({
      receiving: fc.constantFrom("s2", "s3"),
      steps: fc.array(stepArbitrary, { minLength: 1, maxLength: 8 })
    })
    const expectedRun = {
      receiving: "s3" as const,
      steps: [0, 1, 2].map(() => ({ verb: "confirm", by: "expected" }) as Step)
    }
    await fc.assert(
      fc.asyncProperty(run, ({ receiving, steps }) =>
        withDatabase(makeDatabase, hubei, async (h) => {
          const before = await setupWorkflows(h)
          const receivingBureau = receiving === "s3" ? "ia-hanyang" : "ia-jiangan"
          const model: Model = {
            confirmers: [receivingBureau, "ia-s1", "ia-jiangan"],
            withdrawer: `ia-${receiving}`,
            step: 0,
            ended: undefined,
            version: 1
          }
          expect(refusal(await initiateTransfer(h, model.withdrawer, transferRequest("tr1", receiving)))).toBe("ok")
          let accepted = 1
          for (const step of steps) {
            const by = step.by === "expected" ? expectedActor(model, step.verb) : step.by
            const version = model.version
            const allowed = modelAct(model, step.verb, by)
            const result = await act(h, by, "tr1", actionOf(step.verb), version)
            if (allowed) {
              expect([step.verb, by, refusal(result)]).toEqual([step.verb, by, "ok"])
              accepted += 1
            } else {
              expect([step.verb, by, result.ok]).toEqual([step.verb, by, false])
              if (!result.ok) expect(["forbidden", "invalid"]).toContain(result.tag)
              // Who belongs to another unit is refused by M23.2 (system admins and query-ers by authorization).
              if (!result.ok && !notInfoAdmins.includes(by)) expect(result.rule).toBe("M23.2")
            }
            const stored = await getWorkflow(h, "tr1")
            expect(stored?.version).toBe(model.version)
            expect(stored?.value.open).toBe(model.ended === undefined)
            if (model.ended !== undefined) expect(stored?.value.state).toBe(model.ended)
            // The e-file is where the model says: at the receiving school once completed, and only then.
            const at = model.ended === "completed" ? receiving : "s1"
            expect(await whereIs(h, "t1")).toEqual([at, `${paths[at]}t1`, model.ended === "completed" ? 2 : 1])
          }
          const completed = model.ended === "completed"
          expect((await processEntries(h, "t1")).map((e) => e[0])).toEqual(completed ? ["tr1-workHistory"] : [])
          expect((await efilesIn(h, root)).map((e) => e.unitId)).toEqual([completed ? receiving : "s1"])
          expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: before + accepted })
        })
      ),
      { numRuns: numRunsOf(options), examples: [[expectedRun]] }
    )
  })
}

/**
 * The transfers area (M23.1, M23.2, M23.3, O4.1).
 *
 * @since 0.1.0
 */
export const transfersConformance: AreaConformance = area("transfers", [
  transferInOrder,
  transferWithinOneBureau,
  rejectOrWithdraw,
  noStepSkipped,
  transferAsRotation,
  concurrentConfirmations,
  transferProperty
])
