/**
 * The idempotency area of the storage conformance suite: a retried command returns its first result and changes
 * nothing twice, sequentially and under real concurrency; the same key with another command is refused.
 *
 * @since 0.1.0
 */
import { Accounts, Workflows } from "@tmis/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import {
  auditRecords,
  basicInfo,
  type Harness,
  hire,
  hubei,
  onboard,
  type Result,
  withDatabase,
  woman
} from "./fixtures.js"
import {
  act,
  auditCount,
  confirm,
  getWorkflow,
  historyOf,
  initiateTransfer,
  rotationRequest,
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

        // The same key with another command: refused (a conflict, M23.2), nothing written.
        for (const [label, other] of [
          [
            "another request",
            () => initiateTransfer(h, "ia-s3", { ...request, reason: "另一理由" }, { idempotencyKey: "k-initiate" })
          ],
          ["another command", () => act(h, "ia-s3", "tr1", confirm, 1, { idempotencyKey: "k-initiate" })]
        ] as const) {
          const refused = await other()
          expect([label, refusal(refused)]).toEqual([label, ["conflict", "M23.2"]])
          expect([label, !refused.ok && refused.error]).toEqual([label, expect.any(Workflows.IdempotencyKeyReused)])
        }
        // Another account's key is its own: not refused for the key, but by the store (tr1 exists, t1 is in it).
        const another = await initiateTransfer(h, "ia-s2", transferRequest("tr1", "s2"), {
          idempotencyKey: "k-initiate"
        })
        expect(refusal(another)).not.toBe("ok")
        expect(!another.ok && another.error).not.toBeInstanceOf(Workflows.IdempotencyKeyReused)
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

/** Initiate a rotation as the account `by`, with command options. */
const initiateRotation = (
  h: Harness,
  by: string,
  request: Workflows.RotationRequest,
  options: Workflows.CommandOptions = {}
) => h.result(Effect.flatMap(Accounts.actorOf(by), (a) => Workflows.initiateRotation(a, request, options)))

/** The refusal's details, if it is one. */
const detailsOf = (result: Result<unknown>) =>
  result.ok ? undefined : (result.error as { readonly details?: Readonly<Record<string, unknown>> }).details

const retriedInitiations = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M23.2 M24.1 idempotency: the same key and the same command by the same account return the stored result, whatever id the caller generated for the retry",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupWorkflows(h)
        await onboard(h, "ia-s1", hire("t2", "s1", basicInfo({ idNumber: woman(1), name: "王老师" })))
        const audited = await auditCount(h)
        // A server generates the process id per request: the retry carries another one.
        const first = await initiateTransfer(h, "ia-s3", transferRequest("tr1", "s3"), { idempotencyKey: "k1" })
        expect(refusal(first)).toBe("ok")
        const again = await initiateTransfer(h, "ia-s3", transferRequest("tr1-retry", "s3"), { idempotencyKey: "k1" })
        expect(refusal(again)).toBe("ok")
        expect(again.ok && first.ok && again.value).toEqual(first.ok && first.value)
        expect((await workflowsOf(h, "t1")).map((w) => w.value.id)).toEqual(["tr1"])

        const rotation = { ...rotationRequest("ro1", "s2", false), teacherId: "t2" }
        const rotated = await initiateRotation(h, "ia-s1", rotation, { idempotencyKey: "k1" })
        expect(refusal(rotated)).toBe("ok")
        const rotatedAgain = await initiateRotation(
          h,
          "ia-s1",
          { ...rotation, id: "ro1-retry" },
          { idempotencyKey: "k1" }
        )
        expect(rotatedAgain.ok && rotated.ok && rotatedAgain.value).toEqual(rotated.ok && rotated.value)
        expect((await workflowsOf(h, "t2")).map((w) => w.value.id)).toEqual(["ro1"])

        const records = (await h.run(auditRecords)).slice(audited)
        expect(records.map((r) => [r.action, r.object])).toEqual([
          ["transfer.initiate", "workflow:tr1"],
          ["rotation.initiate", "workflow:ro1"]
        ])
        await expectIntact(h)
      })
  )

  it("M23.2 idempotency: a key is the account's own: two accounts use one key independently", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await setupWorkflows(h)
      await onboard(h, "ia-s1", hire("t2", "s1", basicInfo({ idNumber: woman(1), name: "王老师" })))
      const mine = await initiateTransfer(h, "ia-s3", transferRequest("tr1", "s3"), { idempotencyKey: "shared" })
      const theirs = await initiateTransfer(h, "ia-s2", transferRequest("tr2", "s2", { teacherId: "t2" }), {
        idempotencyKey: "shared"
      })
      expect([refusal(mine), refusal(theirs)]).toEqual(["ok", "ok"])
      expect(theirs.ok && theirs.value.value.id).toBe("tr2")
      // Each account's retry finds its own result.
      const theirRetry = await initiateTransfer(h, "ia-s2", transferRequest("tr3", "s2", { teacherId: "t2" }), {
        idempotencyKey: "shared"
      })
      expect(theirRetry.ok && theirs.ok && theirRetry.value).toEqual(theirs.ok && theirs.value)
      const myRetry = await initiateTransfer(h, "ia-s3", transferRequest("tr4", "s3"), { idempotencyKey: "shared" })
      expect(myRetry.ok && mine.ok && myRetry.value).toEqual(mine.ok && mine.value)
      expect((await workflowsOf(h, "t1")).map((w) => w.value.id)).toEqual(["tr1"])
      expect((await workflowsOf(h, "t2")).map((w) => w.value.id)).toEqual(["tr2"])
      await expectIntact(h)
    })
  )

  it(
    "M23.2 idempotency: the same key with another command is refused as a conflict naming M23.2 and the key, nothing written",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupWorkflows(h)
        const request = transferRequest("tr1", "s3")
        expect(refusal(await initiateTransfer(h, "ia-s3", request, { idempotencyKey: "k1" }))).toBe("ok")
        const audited = await auditCount(h)
        for (const other of [
          () => initiateTransfer(h, "ia-s3", { ...request, id: "tr9", reason: "另一理由" }, { idempotencyKey: "k1" }),
          () => act(h, "ia-s3", "tr1", { type: "withdraw", reason: "撤回" }, 1, { idempotencyKey: "k1" })
        ]) {
          const refused = await other()
          expect(refusal(refused)).toEqual(["conflict", "M23.2"])
          expect(!refused.ok && refused.error).toBeInstanceOf(Workflows.IdempotencyKeyReused)
          expect(detailsOf(refused)).toMatchObject({ idempotencyKey: "k1" })
        }
        expect(await stateOf(h, "tr1")).toEqual(["awaitingReceivingBureau", 1, true])
        expect(await auditCount(h)).toBe(audited)
      })
  )

  it(
    "M24.3 the refusal of a second open process names the teacher's open one, its id and kind, not the refused request's",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupWorkflows(h)
        expect(refusal(await initiateTransfer(h, "ia-s3", transferRequest("tr1", "s3")))).toBe("ok")
        const transfer = await initiateTransfer(h, "ia-s2", transferRequest("tr2", "s2"))
        expect(refusal(transfer)).toEqual(["conflict", "M24.3"])
        expect(detailsOf(transfer)).toMatchObject({ id: "tr1", kind: "transfer", teacher: "t1" })
        const rotation = await initiateRotation(h, "ia-s1", rotationRequest("ro1", "s2", false), {
          idempotencyKey: "k-ro1"
        })
        expect(refusal(rotation)).toEqual(["conflict", "M24.3"])
        expect(detailsOf(rotation)).toMatchObject({ id: "tr1", kind: "transfer", teacher: "t1" })
        expect((await workflowsOf(h, "t1")).map((w) => w.value.id)).toEqual(["tr1"])
      })
  )
}

/**
 * The idempotency area: retried commands, one key per command and account.
 *
 * @since 0.1.0
 */
export const idempotencyConformance: AreaConformance = area("idempotency", [idempotentRetries, retriedInitiations])
