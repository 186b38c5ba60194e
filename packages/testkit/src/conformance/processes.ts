/**
 * What the business-process areas of the storage conformance suite share (transfers, rotations, idempotency): a
 * hierarchy with two bureaus and three schools and the teacher `t1`, commands through the `Workflows` service, what
 * the store holds of a process, and the model of the property tests (who confirms in which order, with no machine).
 *
 * @since 0.1.0
 */
import { Accounts, type EFile, type Rotation, type Storage, type Transfer, Workflows } from "@tmis/core"
import { Effect, Option } from "effect"
import * as fc from "fast-check"
import {
  auditRecords,
  basicInfo,
  createAccounts,
  createUnits,
  entriesOf,
  getEFile,
  type Harness,
  hire,
  onboard,
  s1Path,
  setup,
  storage,
  validFrom
} from "./fixtures.js"
import type { ConformanceOptions } from "./types.js"

// ── Fixtures ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** A second county of 武汉市, with its own bureau, so that the four parties of a transfer are four units. */
const hanyang = { id: "hanyang", kind: "county", name: "汉阳区", code: "420105", validFrom } as const

/**
 * The school of 汉阳区, s3.
 *
 * @since 0.1.0
 */
export const school3 = {
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

/**
 * The path of the second school (s2, under 武汉市 › 江岸区).
 *
 * @since 0.1.0
 */
export const s2Path = "/hubei/wuhan/jiangan/s2/"

/**
 * The path of the third school (s3, under 武汉市 › 汉阳区).
 *
 * @since 0.1.0
 */
export const s3Path = "/hubei/wuhan/hanyang/s3/"

/**
 * The path of each school.
 *
 * @since 0.1.0
 */
export const paths: Record<string, string> = { s1: s1Path, s2: s2Path, s3: s3Path }

/**
 * The name of each school.
 *
 * @since 0.1.0
 */
export const names: Record<string, string> = { s1: "江岸区第一小学", s2: "江岸区第一中学", s3: school3.name }

/**
 * Hubei with 武汉市 › 江岸区 › s1, s2 and 武汉市 › 汉阳区 › s3, the e-file accounts (`ia-s1`, `iq-s1`, `ia-s2`,
 * `ia-jiangan`, `ia-root`) and `ia-hanyang`, `ia-s3`; the teacher `t1` kept by s1. Returns the number of audit
 * records written.
 *
 * @since 0.1.0
 */
export const setupWorkflows = async (h: Harness): Promise<number> => {
  await setup(h)
  await createUnits(h, [
    [hanyang, "wuhan"],
    [school3, "hanyang"]
  ])
  await createAccounts(h, hanyangAccounts)
  await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
  return (await h.run(auditRecords)).length
}

/**
 * A transfer of `t1` to `toUnitId`, effective 2026-09-01.
 *
 * @since 0.1.0
 */
export const transferRequest = (id: string, toUnitId: string, more: Partial<Workflows.TransferRequest> = {}) => ({
  id,
  teacherId: "t1",
  toUnitId,
  kind: "transfer" as const,
  effective: "2026-09-01",
  reason: "工作需要",
  ...more
})

const period = { start: "2026-09-01", end: "2027-08-31" }

/**
 * A rotation of `t1` to `toUnitId` for the school year 2026/27, with or without change of personnel relation.
 *
 * @since 0.1.0
 */
export const rotationRequest = (id: string, toUnitId: string, personnelRelationChanges: boolean) => ({
  id,
  teacherId: "t1",
  toUnitId,
  personnelRelationChanges,
  period,
  reason: "城乡教师交流"
})

/**
 * Initiate a transfer as the account `by`, and describe how it ended.
 *
 * @since 0.1.0
 */
export const initiateTransfer = (
  h: Harness,
  by: string,
  request: Workflows.TransferRequest,
  options: Workflows.CommandOptions = {}
) => h.result(Effect.flatMap(Accounts.actorOf(by), (a) => Workflows.initiateTransfer(a, request, options)))

/**
 * Initiate a rotation as the account `by`, and describe how it ended.
 *
 * @since 0.1.0
 */
export const initiateRotation = (h: Harness, by: string, request: Workflows.RotationRequest) =>
  h.result(Effect.flatMap(Accounts.actorOf(by), (a) => Workflows.initiateRotation(a, request)))

/**
 * The confirmation of a step.
 *
 * @since 0.1.0
 */
export const confirm = { type: "confirm" } as const

/**
 * Take `action` on the process `workflowId` at `version` as the account `by`, and describe how it ended.
 *
 * @since 0.1.0
 */
export const act = (
  h: Harness,
  by: string,
  workflowId: string,
  action: Workflows.Action,
  version: number,
  options: Workflows.CommandOptions = {}
) => h.result(Effect.flatMap(Accounts.actorOf(by), (a) => Workflows.act(a, workflowId, action, version, options)))

/**
 * Take the steps, each of which must be accepted; returns the last version.
 *
 * @since 0.1.0
 */
export const confirmAll = async (h: Harness, workflowId: string, by: ReadonlyArray<string>, from: number) => {
  let version = from
  for (const who of by) {
    const result = await act(h, who, workflowId, confirm, version)
    if (!result.ok) throw new Error(`confirm by ${who} failed: ${String(result.error)}`)
    version = result.value.version
  }
  return version
}

/**
 * The process `id` as stored, or undefined.
 *
 * @since 0.1.0
 */
export const getWorkflow = (h: Harness, id: string) =>
  h.run(Effect.flatMap(storage, (s) => s.workflows.get(id))).then(Option.getOrUndefined)

/**
 * The processes of a teacher, as stored.
 *
 * @since 0.1.0
 */
export const workflowsOf = (h: Harness, teacherId: string) =>
  h.run(Effect.flatMap(storage, (s) => s.workflows.byTeacher(teacherId as EFile.TeacherId)))

/**
 * What the store holds of a process: state, version, open.
 *
 * @since 0.1.0
 */
export const stateOf = async (h: Harness, id: string) => {
  const w = await getWorkflow(h, id)
  return w === undefined ? undefined : [w.value.state, w.version, w.value.open]
}

/**
 * The accepted steps of a stored process, as [type, actor, to].
 *
 * @since 0.1.0
 */
export const historyOf = (w: Storage.Versioned<Storage.Workflow> | undefined) =>
  (w?.value.context as Transfer.Context | Rotation.Context | undefined)?.history.map((i) => [i.type, i.actor, i.to])

/**
 * Where the e-file is kept, as [unitId, path, version].
 *
 * @since 0.1.0
 */
export const whereIs = async (h: Harness, teacherId: string) => {
  const efile = await getEFile(h, teacherId)
  return [efile?.value.unitId, efile?.value.path, efile?.version]
}

/**
 * The entries a process wrote into the e-file, as [id, group, state, data].
 *
 * @since 0.1.0
 */
export const processEntries = async (h: Harness, teacherId: string): Promise<ReadonlyArray<ReadonlyArray<unknown>>> =>
  (await entriesOf(h, teacherId))
    .filter((e) => e.value.group !== "basicInfo")
    .map((e) => [e.value.id, e.value.group, e.value.review.state, e.value.data])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])))

/**
 * The audit records after the first `before`, as [action, object, actor].
 *
 * @since 0.1.0
 */
export const auditSince = async (h: Harness, before: number) =>
  (await h.run(auditRecords)).slice(before).map((r) => [r.action, r.object, r.actor])

/**
 * How many audit records there are.
 *
 * @since 0.1.0
 */
export const auditCount = async (h: Harness) => (await h.run(auditRecords)).length

/**
 * Every account of the fixtures that might try to act.
 *
 * @since 0.1.0
 */
export const everyone = [
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

/**
 * The accounts of `everyone` that are no info admins: authorization may refuse them before the process does.
 *
 * @since 0.1.0
 */
export const notInfoAdmins: ReadonlyArray<string> = ["iq-s1", "sa-s1", "sa-hanyang"]

// ── Models of the property tests ─────────────────────────────────────────────────────────────────────────────────

type Verb = Workflows.Action["type"]

/**
 * A step of a generated run: an action by an account, or by whoever the model says acts next ("expected").
 *
 * @since 0.1.0
 */
export interface Step {
  readonly verb: Verb
  readonly by: (typeof everyone)[number] | "expected"
}

/**
 * A random step, most often a confirmation by whoever is expected.
 *
 * @since 0.1.0
 */
export const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  verb: fc.constantFrom<Verb>("confirm", "confirm", "confirm", "reject", "withdraw"),
  by: fc.oneof(
    { arbitrary: fc.constant("expected" as const), weight: 2 },
    { arbitrary: fc.constantFrom(...everyone), weight: 1 }
  )
})

/**
 * A process as a list of confirmers in order, and the account that may withdraw: what the regulation says, with no
 * machine. `step` confirmations happened; `ended` when it is over.
 *
 * @since 0.1.0
 */
export interface Model {
  readonly confirmers: ReadonlyArray<string>
  readonly withdrawer: string
  step: number
  ended: "completed" | "rejected" | "withdrawn" | undefined
  version: number
}

/**
 * Apply an action to the model; false when the regulation refuses it (nothing changes then).
 *
 * @since 0.1.0
 */
export const modelAct = (model: Model, verb: Verb, by: string): boolean => {
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

/**
 * Who the model says takes `verb` next.
 *
 * @since 0.1.0
 */
export const expectedActor = (model: Model, verb: Verb) =>
  verb === "withdraw" ? model.withdrawer : (model.confirmers[model.step] ?? model.withdrawer)

/**
 * The action of a verb, with a reason where one is needed.
 *
 * @since 0.1.0
 */
export const actionOf = (verb: Verb): Workflows.Action =>
  verb === "confirm" ? confirm : { type: verb, reason: "理由" }

/**
 * Runs of a property test over a real store that is slow per run (a process, a batch import): `options.numRuns`
 * when given, raised or lowered by the vendor; otherwise `fallback` (5), so the default suite stays fast.
 *
 * @since 0.1.0
 */
export const numRunsOf = (options: ConformanceOptions, fallback = 5): number => options.numRuns ?? fallback
