/**
 * The business-process part of the storage conformance suite: transfers (调动, M23) and rotations (交流轮岗, M24)
 * through the `Workflows` service — who initiates and confirms in which order (M23.1, M24.1, M24.2), rejection and
 * withdrawal (M23.2), a rotation in disguise (M23.3), one open process per teacher under real concurrency (M24.3),
 * a step committed once (M23.2), idempotent retries, and the e-file updated by the process itself (O4.1). Every
 * test reads back what the store holds through the port, and verifies the audit log.
 *
 * @since 0.1.0
 */
import { Accounts, EFile, EFiles, type Rotation, Storage, type Transfer, Workflows } from "@tmis/core"
import { Effect, Option } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import {
  basicInfo,
  createAccounts,
  efilesIn,
  entriesOf,
  expectIntact,
  expectRaceOutcomes,
  getEFile,
  hire,
  onboard,
  refusal,
  setup,
  woman
} from "./efiles.js"
import { auditRecords, createUnits, type Harness, hubei, validFrom, verify, withDatabase } from "./fixtures.js"
import type * as Race from "./race.js"
import type { ConformanceOptions, TestDatabase } from "./types.js"

const storage = Storage.Storage

// ── Fixtures ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** A second county of 武汉市, with its own bureau, so that the four parties of a transfer are four units. */
const hanyang = { id: "hanyang", kind: "county", name: "汉阳区", code: "420105", validFrom } as const
const school3 = {
  id: "s3",
  kind: "school",
  name: "汉阳区第一小学",
  code: "2142000003",
  validFrom,
  school: { schoolType: "211", sponsor: "21" }
} as const

/** The accounts of 汉阳区 and its school, handed down from 武汉市's system admin. */
const hanyangAccounts = [
  ["sa-wuhan", "sa-hanyang", "systemAdmin", "hanyang"],
  ["sa-hanyang", "ia-hanyang", "infoAdmin", "hanyang"],
  ["sa-hanyang", "sa-s3", "systemAdmin", "s3"],
  ["sa-s3", "ia-s3", "infoAdmin", "s3"]
] as const

const root = "/hubei/"
const s1Path = "/hubei/wuhan/jiangan/s1/"
const s2Path = "/hubei/wuhan/jiangan/s2/"
const s3Path = "/hubei/wuhan/hanyang/s3/"
const paths: Record<string, string> = { s1: s1Path, s2: s2Path, s3: s3Path }
const names: Record<string, string> = { s1: "江岸区第一小学", s2: "江岸区第一中学", s3: school3.name }

/**
 * Hubei with 武汉市 › 江岸区 › s1, s2 and 武汉市 › 汉阳区 › s3, the e-file accounts (`ia-s1`, `iq-s1`, `ia-s2`,
 * `ia-jiangan`, `ia-root`) and `ia-hanyang`, `ia-s3`; the teacher `t1` kept by s1. Returns the number of audit
 * records written.
 */
const setupWorkflows = async (h: Harness): Promise<number> => {
  await setup(h)
  await createUnits(h, [
    [hanyang, "wuhan"],
    [school3, "hanyang"]
  ])
  await createAccounts(h, hanyangAccounts)
  await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
  return (await h.run(auditRecords)).length
}

const transferRequest = (id: string, toUnitId: string, more: Partial<Workflows.TransferRequest> = {}) => ({
  id,
  teacherId: "t1",
  toUnitId,
  kind: "transfer" as const,
  effective: "2026-09-01",
  reason: "工作需要",
  ...more
})

const period = { start: "2026-09-01", end: "2027-08-31" }

const rotationRequest = (id: string, toUnitId: string, personnelRelationChanges: boolean) => ({
  id,
  teacherId: "t1",
  toUnitId,
  personnelRelationChanges,
  period,
  reason: "城乡教师交流"
})

const initiateTransfer = (
  h: Harness,
  by: string,
  request: Workflows.TransferRequest,
  options: Workflows.CommandOptions = {}
) => h.result(Effect.flatMap(Accounts.actorOf(by), (a) => Workflows.initiateTransfer(a, request, options)))

const initiateRotation = (h: Harness, by: string, request: Workflows.RotationRequest) =>
  h.result(Effect.flatMap(Accounts.actorOf(by), (a) => Workflows.initiateRotation(a, request)))

const confirm = { type: "confirm" } as const

const act = (
  h: Harness,
  by: string,
  workflowId: string,
  action: Workflows.Action,
  version: number,
  options: Workflows.CommandOptions = {}
) => h.result(Effect.flatMap(Accounts.actorOf(by), (a) => Workflows.act(a, workflowId, action, version, options)))

/** Take the steps, each of which must be accepted; returns the last version. */
const confirmAll = async (h: Harness, workflowId: string, by: ReadonlyArray<string>, from: number) => {
  let version = from
  for (const who of by) {
    const result = await act(h, who, workflowId, confirm, version)
    if (!result.ok) throw new Error(`confirm by ${who} failed: ${String(result.error)}`)
    version = result.value.version
  }
  return version
}

const getWorkflow = (h: Harness, id: string) =>
  h.run(Effect.flatMap(storage, (s) => s.workflows.get(id))).then(Option.getOrUndefined)

const workflowsOf = (h: Harness, teacherId: string) =>
  h.run(Effect.flatMap(storage, (s) => s.workflows.byTeacher(teacherId as EFile.TeacherId)))

/** What the store holds of a process: state, version, open. */
const stateOf = async (h: Harness, id: string) => {
  const w = await getWorkflow(h, id)
  return w === undefined ? undefined : [w.value.state, w.version, w.value.open]
}

/** The accepted steps of a stored process, as [type, actor, to]. */
const historyOf = (w: Storage.Versioned<Storage.Workflow> | undefined) =>
  (w?.value.context as Transfer.Context | Rotation.Context | undefined)?.history.map((i) => [i.type, i.actor, i.to])

/** Where the e-file is kept, as [unitId, path, version]. */
const whereIs = async (h: Harness, teacherId: string) => {
  const efile = await getEFile(h, teacherId)
  return [efile?.value.unitId, efile?.value.path, efile?.version]
}

/** The entries a process wrote into the e-file, as [id, group, state, data]. */
const processEntries = async (h: Harness, teacherId: string) =>
  (await entriesOf(h, teacherId))
    .filter((e) => e.value.group !== "basicInfo")
    .map((e) => [e.value.id, e.value.group, e.value.review.state, e.value.data])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])))

const auditSince = async (h: Harness, before: number) =>
  (await h.run(auditRecords)).slice(before).map((r) => [r.action, r.object, r.actor])

const auditCount = async (h: Harness) => (await h.run(auditRecords)).length

const retire = (h: Harness, teacherId: string, version: number) =>
  h.run(
    Effect.flatMap(Accounts.actorOf("ia-s1"), (a) =>
      EFiles.recordStatus(a, teacherId, { status: "retired", effective: "2026-01-01" }, version)
    )
  )

/** Every account of the fixtures that might try to act. */
const everyone = [
  "ia-s1",
  "iq-s1",
  "sa-s1",
  "ia-s2",
  "ia-s3",
  "ia-jiangan",
  "ia-hanyang",
  "sa-hanyang",
  "ia-root"
] as const

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

/** The accounts of `everyone` that are no info admins: authorization may refuse them before the process does. */
const notInfoAdmins: ReadonlyArray<string> = ["iq-s1", "sa-s1", "sa-hanyang"]

// ── Models of the property tests ─────────────────────────────────────────────────────────────────────────────────

type Verb = Workflows.Action["type"]

/** A step of a generated run: an action by an account, or by whoever the model says acts next ("expected"). */
interface Step {
  readonly verb: Verb
  readonly by: (typeof everyone)[number] | "expected"
}

const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  verb: fc.constantFrom<Verb>("confirm", "confirm", "confirm", "reject", "withdraw"),
  by: fc.oneof(
    { arbitrary: fc.constant("expected" as const), weight: 2 },
    { arbitrary: fc.constantFrom(...everyone), weight: 1 }
  )
})

/**
 * A process as a list of confirmers in order, and the account that may withdraw: what the regulation says, with no
 * machine. `step` confirmations happened; `ended` when it is over.
 */
interface Model {
  readonly confirmers: ReadonlyArray<string>
  readonly withdrawer: string
  step: number
  ended: "completed" | "rejected" | "withdrawn" | undefined
  version: number
}

/** Apply an action to the model; false when the regulation refuses it (nothing changes then). */
const modelAct = (model: Model, verb: Verb, by: string): boolean => {
  if (model.ended !== undefined) return false
  const confirmer = model.confirmers[model.step]
  if (verb === "withdraw") {
    if (by !== model.withdrawer) return false
    model.ended = "withdrawn"
  } else {
    if (by !== confirmer) return false
    model.step += 1
    if (verb === "reject") model.ended = "rejected"
    else if (model.step === model.confirmers.length) model.ended = "completed"
  }
  model.version += 1
  return true
}

const expectedActor = (model: Model, verb: Verb) =>
  verb === "withdraw" ? model.withdrawer : (model.confirmers[model.step] ?? model.withdrawer)

const actionOf = (verb: Verb): Workflows.Action => (verb === "confirm" ? confirm : { type: verb, reason: "理由" })

const numRunsOf = (options: ConformanceOptions) => Math.min(5, options.numRuns ?? 5)

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Register the transfer and rotation tests of the storage conformance suite (inside its `describe`): `races` runs
 * the concurrency tests as the suite's other races do, with `attempts` concurrent writers each.
 *
 * @since 0.1.0
 */
export const workflowConformance = (
  makeDatabase: () => Promise<TestDatabase>,
  options: ConformanceOptions,
  races: Race.Pool,
  timeout: number,
  attempts: number
): void => {
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
            ["TransferError", "M23.1"]
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
          "TransferError",
          "M23.2"
        ])
        // Scope follows the e-file: the receiving school reads it, the sending school no longer does.
        const read = (by: string) => h.result(Effect.flatMap(Accounts.actorOf(by), (a) => EFiles.read(a, "t1")))
        expect(refusal(await read("ia-s3"))).toBe("ok")
        expect(refusal(await read("ia-s1"))).toEqual(["AuthorizationError", "M14.3"])
        await expectIntact(h)
      })
  )

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
        expect(refusal(await act(h, "ia-jiangan", "tr1", confirm, 2))).toEqual(["TransferError", "M23.2"])
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

  it(
    "M23.2 any confirmer may reject with a reason; the initiator may withdraw before the last confirmation; after either nothing moves and the teacher can be transferred again",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const before = await setupWorkflows(h)
        // Rejected by the sending school, at its step.
        expect(refusal(await initiateTransfer(h, "ia-s3", transferRequest("tr1", "s3")))).toBe("ok")
        await confirmAll(h, "tr1", ["ia-hanyang"], 1)
        for (const [by, reason] of [
          ["ia-s1", "  "], // a rejection gives its reason
          ["ia-hanyang", "人员紧缺"], // the receiving bureau's step is behind it
          ["ia-jiangan", "人员紧缺"] // the sending bureau's is not yet
        ] as const) {
          expect([by, refusal(await act(h, by, "tr1", { type: "reject", reason }, 2))]).toEqual([
            by,
            ["TransferError", "M23.2"]
          ])
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
          expect(refusal(await act(h, by, "tr1", action, 3))).toEqual(["TransferError", "M23.2"])
        }

        // The open index released the teacher: another school asks, and withdraws before the last confirmation.
        expect(refusal(await initiateTransfer(h, "ia-s2", transferRequest("tr2", "s2")))).toBe("ok")
        await confirmAll(h, "tr2", ["ia-jiangan", "ia-s1"], 1)
        for (const [by, reason] of [
          ["ia-s1", "岗位已满"], // only the receiving school withdraws
          ["ia-jiangan", "岗位已满"],
          ["ia-s2", ""] // with a reason
        ] as const) {
          expect([by, refusal(await act(h, by, "tr2", { type: "withdraw", reason }, 3))]).toEqual([
            by,
            ["TransferError", "M23.2"]
          ])
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
          expect([state, by, refusal(refused)]).toEqual([state, by, ["TransferError", rule]])
          expect(await stateOf(h, "tr1")).toEqual([state, version, true])
        }
        // A step is not repeated: the one who just confirmed cannot confirm again.
        if (index > 0) {
          const previous = parties[index - 1]![1]
          if (previous !== party) {
            expect(refusal(await act(h, previous, "tr1", confirm, version))).toEqual(["TransferError", "M23.2"])
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

  it("M23.3 a transfer that is really a rotation is refused, pointing to M24", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      const before = await setupWorkflows(h)
      const refused = await initiateTransfer(h, "ia-s3", transferRequest("tr1", "s3", { kind: "rotation" }))
      expect(refusal(refused)).toEqual(["TransferError", "M23.3"])
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

  it(
    "M24.1 O4.1 a rotation without change of personnel relation: the dispatching school initiates, its bureau confirms; the teacher stays on the dispatching school's roster, the e-file records 交流轮岗 with the receiving school and the period",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const before = await setupWorkflows(h)
        // The receiving school does not initiate a rotation.
        expect(refusal(await initiateRotation(h, "ia-s3", rotationRequest("ro0", "s3", false)))).toEqual([
          "RotationError",
          "M24.1"
        ])
        expect(refusal(await initiateRotation(h, "ia-s1", rotationRequest("ro1", "s3", false)))).toBe("ok")
        expect(await stateOf(h, "ro1")).toEqual(["awaitingDispatchingBureau", 1, true])
        // Only the dispatching school's bureau confirms: not the receiving side, not the initiator.
        for (const by of ["ia-hanyang", "ia-s3", "ia-s1", "ia-root"]) {
          expect([by, refusal(await act(h, by, "ro1", confirm, 1))]).toEqual([by, ["RotationError", "M24.1"]])
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
              ["RotationError", "M24.2"]
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
        expect(refusal(await initiateTransfer(h, "ia-s2", transferRequest("tr2", "s2")))).toEqual([
          "ConstraintError",
          "M24.3"
        ])
        expect(refusal(await initiateRotation(h, "ia-s1", rotationRequest("ro1", "s2", false)))).toEqual([
          "ConstraintError",
          "M24.3"
        ])
        // Straight to the store, past the service: refused by the store itself.
        const open = (await getWorkflow(h, "tr1"))!.value
        const direct = await h.result(
          Effect.flatMap(storage, (s) => s.workflows.insert({ ...open, id: "tr3", state: "awaitingReceivingBureau" }))
        )
        expect(refusal(direct)).toEqual(["ConstraintError", "M24.3"])
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
          "TransferError",
          "M24.3"
        ])
        expect(
          refusal(await initiateRotation(h, "ia-s1", { ...rotationRequest("ro2", "s3", false), teacherId: "t2" }))
        ).toEqual(["RotationError", "M24.3"])
        expect(
          refusal(await initiateRotation(h, "ia-s1", { ...rotationRequest("ro3", "s3", true), teacherId: "t2" }))
        ).toEqual(["RotationError", "M24.3"])
        expect(await workflowsOf(h, "t2")).toEqual([])
        expect(await whereIs(h, "t2")).toEqual(["s1", `${s1Path}t2`, 2])
        expect(await auditCount(h)).toBe(retiredAudited)
        await expectIntact(h)
      })
  )

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
          expect(o.error).toBe("ConstraintError")
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
              if (!result.ok) expect(result.tag).toBe("TransferError")
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
              if (!result.ok) expect(result.tag).toBe("RotationError")
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
