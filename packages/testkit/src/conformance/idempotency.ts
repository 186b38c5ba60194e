/**
 * The idempotency area of the storage conformance suite: a retried command returns its first result and changes
 * nothing twice, sequentially and under real concurrency; the same key with another command is refused.
 *
 * @since 0.1.0
 */
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import { auditRecords, basicInfo, hire, hubei, onboard, withDatabase, woman } from "./fixtures.js"
import {
  act,
  auditCount,
  confirm,
  getWorkflow,
  historyOf,
  initiateTransfer,
  setupWorkflows,
  stateOf,
  transferRequest,
  workflowsOf
} from "./processes.js"
import { type AreaConformance, area, expectIntact, expectRaceOutcomes, refusal, type Suite } from "./support.js"

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

const idempotentRetries = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(
    "idempotency: a retried command returns the same result and changes nothing twice; the same key with another command is refused",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupWorkflows(h)
        const audited = await auditCount(h)
        const request = transferRequest("tr1", "s3")
        const first = await initiateTransfer(h, "ia-s3", request, { idempotencyKey: "k-initiate" })
        expect(refusal(first)).toBe("ok")
        const again = await initiateTransfer(h, "ia-s3", request, { idempotencyKey: "k-initiate" })
        expect(again.ok && first.ok && again.value).toEqual(first.ok && first.value)
        expect(await workflowsOf(h, "t1")).toHaveLength(1)
        expect(await auditCount(h)).toBe(audited + 1)

        // The same key with another command: refused, nothing written.
        for (const [label, other] of [
          [
            "another request",
            () => initiateTransfer(h, "ia-s3", { ...request, reason: "另一理由" }, { idempotencyKey: "k-initiate" })
          ],
          [
            "another actor",
            () => initiateTransfer(h, "ia-s2", transferRequest("tr1", "s2"), { idempotencyKey: "k-initiate" })
          ],
          ["another command", () => act(h, "ia-hanyang", "tr1", confirm, 1, { idempotencyKey: "k-initiate" })]
        ] as const) {
          expect([label, refusal(await other())]).toEqual([label, ["IdempotencyKeyReused", undefined]])
        }
        expect(await stateOf(h, "tr1")).toEqual(["awaitingReceivingBureau", 1, true])
        expect(await auditCount(h)).toBe(audited + 1)

        // A retried confirmation gets its first result, though the process moved on meanwhile (no Conflict).
        const confirmed = await act(h, "ia-hanyang", "tr1", confirm, 1, { idempotencyKey: "k-confirm" })
        expect(confirmed.ok && [confirmed.value.value.state, confirmed.value.version]).toEqual([
          "awaitingSendingSchool",
          2
        ])
        const retried = await act(h, "ia-hanyang", "tr1", confirm, 1, { idempotencyKey: "k-confirm" })
        expect(retried.ok && confirmed.ok && retried.value).toEqual(confirmed.ok && confirmed.value)
        // Without the key, the same retry is a stale confirmation.
        expect(refusal(await act(h, "ia-hanyang", "tr1", confirm, 1))).toEqual(["Conflict", undefined])
        expect(await stateOf(h, "tr1")).toEqual(["awaitingSendingSchool", 2, true])
        expect(await auditCount(h)).toBe(audited + 2)

        // N identical commands with one key, at once: all get the one result, and it happened once.
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: Array.from({ length: attempts }, () => ({
            _tag: "ActWorkflow" as const,
            actorId: "ia-s1",
            workflowId: "tr1",
            action: confirm,
            expectedVersion: 2,
            idempotencyKey: "k-race"
          }))
        }
        const outcomes = await races.run(h.database, race)
        expect(expectRaceOutcomes(outcomes, () => expect.fail("every retry gets the stored result"))).toBe(attempts)
        const results = new Set(outcomes.map((o) => JSON.stringify(o)))
        expect([...results]).toEqual([
          JSON.stringify({ _tag: "Success", value: { id: "tr1", state: "awaitingSendingBureau", version: 3 } })
        ])
        const stored = await getWorkflow(h, "tr1")
        expect([stored?.value.state, stored?.version]).toEqual(["awaitingSendingBureau", 3])
        expect(historyOf(stored)?.filter((i) => i[1] === "ia-s1")).toEqual([
          ["confirm", "ia-s1", "awaitingSendingBureau"]
        ])
        const records = (await h.run(auditRecords)).slice(audited)
        expect(records.map((r) => [r.action, r.actor])).toEqual([
          ["transfer.initiate", "ia-s3"],
          ["transfer.confirm", "ia-hanyang"],
          ["transfer.confirm", "ia-s1"]
        ])

        // N identical initiations with one key, at once, for another teacher: one process, one result for all.
        await onboard(h, "ia-s1", hire("t2", "s1", basicInfo({ idNumber: woman(1), name: "王老师" })))
        const initiations: Attempts.Race = {
          deployment: hubei,
          attempts: Array.from({ length: attempts }, () => ({
            _tag: "InitiateTransfer" as const,
            actorId: "ia-s2",
            request: transferRequest("tr2", "s2", { teacherId: "t2" }),
            idempotencyKey: "k-race-initiate"
          }))
        }
        const initiated = await races.run(h.database, initiations)
        expect(expectRaceOutcomes(initiated, () => expect.fail("every retry gets the stored result"))).toBe(attempts)
        expect([...new Set(initiated.map((o) => JSON.stringify(o)))]).toEqual([
          JSON.stringify({ _tag: "Success", value: { id: "tr2", state: "awaitingReceivingBureau", version: 1 } })
        ])
        expect((await workflowsOf(h, "t2")).map((w) => [w.value.id, w.version])).toEqual([["tr2", 1]])
        expect((await h.run(auditRecords)).filter((r) => r.object === "workflow:tr2").length).toBe(1)
        await expectIntact(h)
      })
  )
}

/**
 * The idempotency area: retried commands, one key per command.
 *
 * @since 0.1.0
 */
export const idempotencyConformance: AreaConformance = area("idempotency", [idempotentRetries])
