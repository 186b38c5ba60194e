/**
 * The crash-safety part of the storage conformance suite (M23.1, O4.1): a child process running whole transfers
 * (see `crashWorker.ts`) is killed with SIGKILL at random moments, then resumed by a new child that re-sends every
 * step with the same idempotency keys. Between rounds and at the end, what the store holds must agree with what was
 * acknowledged: no acknowledged step lost, none doubled, no e-file half-moved, one open process per teacher at most,
 * an intact audit log with one record per state change. And within one process: transactions that run at the same
 * time (which a store may commit together, as a group) commit or roll back each on its own.
 *
 * @since 0.1.0
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { Accounts, Audit, type EFile, EFiles, Indicator, Storage, type Transfer, Units } from "@tmis/core"
import { Effect, Option } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"
import { execArgv } from "./children.js"
import type { Job, Run } from "./crashWorker.js"
import {
  auditRecords,
  basicInfo,
  bootstrap,
  createUnits,
  type Harness,
  hubei,
  jianghan,
  person,
  units,
  verify,
  withDatabase,
  woman
} from "./fixtures.js"
import { type AreaConformance, area, expectIntact, type Suite } from "./support.js"
import type { WorkerSpec } from "./types.js"

// ── Fixtures ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** How many teachers are transferred, and how many times the child is killed before the last, unkilled run. */
const teachers = 30
const kills = 5
/** The earliest kill after the child has its storage open. */
const earliestKillMs = 20

/** Sending school s1 (under 江岸区) and receiving school s2 (under 江汉区). */
const from = units.school1
const to = units.school2

/** The accounts, each with its creator: system admins handed down level by level, and the four info admins. */
const accountChain: ReadonlyArray<
  readonly [creator: string, id: string, role: "systemAdmin" | "infoAdmin", unit: string]
> = [
  ["sa-root", "sa-wuhan", "systemAdmin", "wuhan"],
  ["sa-wuhan", "sa-jiangan", "systemAdmin", "jiangan"],
  ["sa-wuhan", "sa-jianghan", "systemAdmin", "jianghan"],
  ["sa-jiangan", "ia-jiangan", "infoAdmin", "jiangan"],
  ["sa-jianghan", "ia-jianghan", "infoAdmin", "jianghan"],
  ["sa-jiangan", "sa-s1", "systemAdmin", "s1"],
  ["sa-s1", "ia-s1", "infoAdmin", "s1"],
  ["sa-jianghan", "sa-s2", "systemAdmin", "s2"],
  ["sa-s2", "ia-s2", "infoAdmin", "s2"]
]

/** The steps of a transfer in their order (M23.1), who takes each, and the state it leaves. */
const steps = [
  { step: "init", actorId: "ia-s2", from: undefined, type: "initiate" },
  { step: "c1", actorId: "ia-jianghan", from: "awaitingReceivingBureau", type: "confirm" },
  { step: "c2", actorId: "ia-s1", from: "awaitingSendingSchool", type: "confirm" },
  { step: "c3", actorId: "ia-jiangan", from: "awaitingSendingBureau", type: "confirm" }
] as const

/** The state of a transfer at each version: version n is the state after the n-th step. */
const stateAt = ["awaitingReceivingBureau", "awaitingSendingSchool", "awaitingSendingBureau", "completed"] as const

const teacherId = (n: number) => `t${String(n).padStart(2, "0")}`
const workflowId = (teacher: string) => `tr-${teacher}`
const workHistoryId = (teacher: string) => `${workflowId(teacher)}-workHistory`

/** A new hire of the sending school on the establishment, with valid basic information. */
const hire = (n: number): EFiles.NewHire => ({
  id: teacherId(n),
  entryId: `${teacherId(n)}-basic`,
  unitId: from.id,
  basicInfo: Indicator.unchecked(basicInfo({ idNumber: woman(n) })),
  employment: { onEstablishment: true, contractMonths: undefined, postCategory: "1" }
})

const transferRun = (teacher: string): Run => {
  const [initiation, ...confirmations] = steps.map((s) => ({
    step: s.step,
    actorId: s.actorId,
    idempotencyKey: `${s.step}-${teacher}`
  }))
  return {
    teacher,
    request: {
      id: workflowId(teacher),
      teacherId: teacher,
      toUnitId: to.id,
      kind: "transfer",
      effective: "2026-12-01",
      reason: "工作需要"
    },
    initiation: initiation!,
    confirmations
  }
}

/**
 * Hubei with 武汉市 › 江岸区 › s1 and 武汉市 › 江汉区 › s2, the accounts, and the teachers onboarded at s1. Returns
 * the audit records written and how long an onboarding took (a measure of one transaction here).
 */
const setup = async (h: Harness): Promise<{ readonly records: number; readonly msPerTransaction: number }> => {
  await bootstrap(h)
  await createUnits(h, [
    [units.wuhan, "hubei"],
    [units.jiangan, "wuhan"],
    [jianghan, "wuhan"],
    [from, "jiangan"],
    [to, "jianghan"]
  ])
  await h.run(
    Effect.gen(function* () {
      for (const [creator, id, role, unitId] of accountChain) {
        yield* Accounts.create(yield* Accounts.actorOf(creator), { id, role, person }, unitId)
      }
    })
  )
  const started = performance.now()
  await h.run(
    Effect.gen(function* () {
      const school = yield* Accounts.actorOf("ia-s1")
      for (let n = 0; n < teachers; n++) yield* EFiles.onboard(school, hire(n))
    })
  )
  const msPerTransaction = (performance.now() - started) / teachers
  return { records: (await h.run(auditRecords)).length, msPerTransaction }
}

// ── The child ────────────────────────────────────────────────────────────────────────────────────────────────────

/** The crash worker next to this module: TypeScript in the sources, JavaScript once built. */
const workerFile = (): string => {
  for (const candidate of ["./crashWorker.ts", "./crashWorker.js", "./conformance/crashWorker.js"]) {
    const path = fileURLToPath(new URL(candidate, import.meta.url))
    if (existsSync(path)) return path
  }
  throw new Error("storage conformance: cannot find the crash worker next to crash.ts")
}

/** An acknowledged step, as a child wrote it. */
interface Ack {
  readonly teacher: string
  readonly step: string
  readonly version: number
}

/** How a child ended: the steps it acknowledged, whether it finished, and how it exited. */
interface Ending {
  readonly acks: ReadonlyArray<Ack>
  readonly done: boolean
  /** When it was killed by plan, in ms after READY. */
  readonly killedAtMs: number | undefined
  /** Killed because it ran past its time limit. */
  readonly timedOut: boolean
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stderr: string
}

/**
 * Where to kill a child: `position` steps into its run, a real number (2.4: 40 % into the third step, counting the
 * steps it re-sends). The kill is timed from the ACK before that point, with the pace of the child's ACKs so far
 * (`stepMs` until it has acknowledged two steps), and never before {@link earliestKillMs}.
 */
interface KillPlan {
  readonly position: number
  readonly stepMs: number
}

const ackLine = /^ACK (\S+) (\S+) (\d+)$/

/**
 * A child process, started ahead of its round so that its start-up (loading the services) overlaps the round before.
 */
interface Child {
  /**
   * Send the job, and kill the child with SIGKILL as `plan` says (never, when undefined). A child still running
   * after `limitMs` is killed too, and reported as timed out.
   */
  readonly run: (job: Job, plan: KillPlan | undefined, limitMs: number) => Promise<Ending>
  /** Kill the child if it still runs (a test that failed leaves no process behind). */
  readonly kill: () => void
}

const startChild = (file: string, execArgv: ReadonlyArray<string>): Child => {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [...execArgv, file], {
    cwd: process.cwd(),
    env: process.env,
    stdio: ["pipe", "pipe", "pipe"]
  })
  const acks: Array<Ack> = []
  const times: Array<number> = []
  const timers: Array<NodeJS.Timeout> = []
  let done = false
  let timedOut = false
  let stderr = ""
  let readyAt = 0
  let plan: KillPlan | undefined
  let killedAtMs: number | undefined
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  }
  /** At READY (no ACK yet) and at each ACK: arm the kill when the planned point is in the next step. */
  const arm = () => {
    if (plan === undefined || acks.length !== Math.floor(plan.position)) return
    const now = performance.now() - readyAt
    // The pace of the last few steps: re-sent steps go faster than new ones.
    const recent = times.slice(-6)
    const stepMs = recent.length >= 2 ? (recent.at(-1)! - recent[0]!) / (recent.length - 1) : plan.stepMs
    const delay = Math.max(earliestKillMs - now, (plan.position - acks.length) * stepMs)
    timers.push(
      setTimeout(() => {
        if (child.exitCode !== null || child.signalCode !== null) return
        killedAtMs = performance.now() - readyAt
        kill()
      }, delay)
    )
  }
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000)
  })
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line === "READY") {
      readyAt = performance.now()
      arm()
      return
    }
    if (line === "DONE") {
      done = true
      return
    }
    const ack = ackLine.exec(line)
    // Anything else is not protocol (a stray log): ignore it.
    if (ack === null) return
    times.push(performance.now() - readyAt)
    acks.push({ teacher: ack[1]!, step: ack[2]!, version: Number(ack[3]) })
    arm()
  })
  child.stdin.on("error", () => undefined)
  const ended = new Promise<Ending>((resolve, reject) => {
    child.on("error", reject)
    // `close` comes after stdout has ended: every line the child wrote has been read.
    child.on("close", (code, signal) => resolve({ acks, done, killedAtMs, timedOut, code, signal, stderr }))
  }).finally(() => {
    for (const timer of timers) clearTimeout(timer)
  })
  // Until it runs, a failed start-up is reported by `run`.
  ended.catch(() => undefined)
  return {
    run: (job, killPlan, limitMs) => {
      plan = killPlan
      timers.push(
        setTimeout(() => {
          timedOut = true
          kill()
        }, limitMs)
      )
      child.stdin.end(`${JSON.stringify(job)}\n`)
      return ended
    },
    kill
  }
}

// ── What the store must hold ─────────────────────────────────────────────────────────────────────────────────────

/** Everything the checks read, through the port. */
const readStore = Effect.gen(function* () {
  const storage = yield* Storage.Storage
  const perTeacher = yield* Effect.forEach(
    Array.from({ length: teachers }, (_, n) => teacherId(n)),
    (teacher) =>
      Effect.all({
        teacher: Effect.succeed(teacher),
        workflows: storage.workflows.byTeacher(teacher as EFile.TeacherId),
        efile: storage.teachers.get(teacher as EFile.TeacherId),
        entries: storage.entries.byTeacher(teacher as EFile.TeacherId)
      })
  )
  const records = yield* auditRecords
  const outbox: Array<{ readonly type: string; readonly aggregateId: string }> = []
  let after: string | undefined
  do {
    const page = yield* storage.outbox.list({ after, limit: 1000 })
    outbox.push(...page.items)
    after = page.next
  } while (after !== undefined)
  const verification = yield* verify
  return { perTeacher, records, outbox, verification }
})

/**
 * Every problem of the store against the acknowledged steps (empty when none): acknowledged steps present exactly
 * once, histories without doubles, e-files moved with their transfer and only then, one open process per teacher,
 * an intact audit log with one record and one outbox event per state change.
 */
const problemsOf = async (
  h: Harness,
  acks: ReadonlyArray<Ack>,
  setupRecords: number,
  receivingPath: string
): Promise<Array<string>> => {
  const { perTeacher, records, outbox, verification } = await h.run(readStore)
  const problems: Array<string> = []
  let stateChanges = 0
  for (const { teacher, workflows, efile, entries } of perTeacher) {
    const open = workflows.filter((w) => w.value.open)
    if (open.length > 1) problems.push(`${teacher}: ${open.length} open workflows`)
    // The child only ever initiates one transfer, under one id: a second process is a doubled initiation.
    if (workflows.length > 1) problems.push(`${teacher}: ${workflows.length} workflows`)
    const workflow = workflows.find((w) => w.value.id === workflowId(teacher))
    const context = workflow?.value.context as Transfer.Context | undefined
    const history = context?.history ?? []
    if (workflow !== undefined) {
      stateChanges += workflow.version
      // One version per state change: the initiation is version 1, each confirmation one more.
      if (history.length !== workflow.version) {
        problems.push(`${teacher}: version ${workflow.version} but ${history.length} steps in the history`)
      }
      const expected = stateAt[workflow.version - 1]
      if (workflow.value.state !== expected) {
        problems.push(`${teacher}: state ${workflow.value.state} at version ${workflow.version}, expected ${expected}`)
      }
      if (workflow.value.open !== (workflow.value.state !== "completed")) {
        problems.push(`${teacher}: open=${workflow.value.open} in state ${workflow.value.state}`)
      }
    }
    for (const [index, step] of steps.entries()) {
      const taken = history.filter((item) => item.type === step.type && item.from === step.from).length
      if (taken > 1) problems.push(`${teacher}: step ${step.step} ${taken} times in the history`)
      const acked = acks.filter((a) => a.teacher === teacher && a.step === step.step)
      for (const ack of acked) {
        // A retried step returns the stored result: its version is always that of the step's position.
        if (ack.version !== index + 1) problems.push(`${teacher}: ${step.step} acknowledged at version ${ack.version}`)
        if (workflow === undefined) problems.push(`${teacher}: ${step.step} acknowledged, no workflow stored`)
        else if (workflow.version < ack.version) {
          problems.push(`${teacher}: ${step.step} acknowledged at ${ack.version}, stored version ${workflow.version}`)
        }
      }
      if (acked.length > 0 && taken !== 1) problems.push(`${teacher}: acknowledged ${step.step} is not in the history`)
    }

    // The e-file moves with the completion, in its transaction, and only then (O4.1).
    const completed = workflow?.value.state === "completed"
    const file = Option.getOrUndefined(efile)
    if (file === undefined) {
      problems.push(`${teacher}: no e-file`)
      continue
    }
    const atReceiving = file.value.unitId === to.id && file.value.path === `${receivingPath}${teacher}`
    const atSending = file.value.unitId === from.id
    if (completed ? !atReceiving : !atSending) {
      problems.push(
        `${teacher}: e-file at ${file.value.unitId} (${file.value.path}), transfer ${workflow?.value.state}`
      )
    }
    // Onboarded at version 1; the move is the one update.
    if (file.version !== (completed ? 2 : 1)) {
      problems.push(`${teacher}: e-file at version ${file.version}, transfer ${workflow?.value.state}`)
    }
    const workHistory = entries.filter((e) => e.value.group === "workHistory")
    if (workHistory.length !== (completed ? 1 : 0)) {
      problems.push(`${teacher}: ${workHistory.length} 工作经历 entries, transfer ${workflow?.value.state}`)
    }
    for (const entry of workHistory) {
      if (entry.value.id !== workHistoryId(teacher) || entry.value.review.state !== "effective") {
        problems.push(`${teacher}: 工作经历 ${entry.value.id} in review state ${entry.value.review.state}`)
      }
    }
  }

  if (verification._tag !== "Intact") problems.push(`audit log: ${JSON.stringify(verification)}`)
  // One audit record and one outbox event per state change: none lost with a rolled-back step, none doubled.
  const workflowRecords = records.filter((r) => r.object.startsWith("workflow:"))
  if (workflowRecords.length !== stateChanges) {
    problems.push(`audit: ${workflowRecords.length} workflow records for ${stateChanges} state changes`)
  }
  if (records.length !== setupRecords + stateChanges) {
    problems.push(`audit: ${records.length} records, expected ${setupRecords} + ${stateChanges}`)
  }
  const seen = new Set<string>()
  for (const r of workflowRecords) {
    const key = `${r.object}@${String(r.details.version)}`
    if (seen.has(key)) problems.push(`audit: ${key} recorded twice`)
    seen.add(key)
  }
  const workflowEvents = outbox.filter((e) => e.type.startsWith("transfer."))
  if (workflowEvents.length !== stateChanges) {
    problems.push(`outbox: ${workflowEvents.length} workflow events for ${stateChanges} state changes`)
  }
  return problems
}

// ── The test ─────────────────────────────────────────────────────────────────────────────────────────────────────

const describeEnding = (ending: Ending) =>
  `exit ${ending.signal ?? ending.code}${ending.timedOut ? " (timed out)" : ""}, ${ending.acks.length} ACKs, ${ending.done ? "done" : "not done"}:\n${ending.stderr}`

const crashSafety = ({ makeDatabase, options, timeout }: Suite): void => {
  it(
    "M23.1 O4.1 crash safety: a workflow process killed (SIGKILL) at random points loses no acknowledged step, duplicates none and never half-moves an e-file",
    { timeout },
    (context) =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const worker: WorkerSpec | undefined = h.database.worker
        if (worker === undefined) return context.skip("the database offers no worker: no child process can open it")
        const file = workerFile()
        const argv = execArgv(options, file, worker)
        const { records: setupRecords, msPerTransaction } = await setup(h)
        const receivingPath = (await h.run(Units.load(to.id))).value.path
        const job: Job = {
          worker,
          deployment: hubei,
          runs: Array.from({ length: teachers }, (_, n) => transferRun(teacherId(n)))
        }
        const totalSteps = teachers * steps.length

        // Seeded kill points, anywhere in a child's run of `totalSteps` steps; the seed is reported on failure.
        const seed = Date.now() % 2 ** 31
        const positions = fc
          .sample(fc.noBias(fc.integer({ min: 0, max: totalSteps * 100 - 1 })), { seed, numRuns: kills })
          .map((n) => n / 100)
        const limitMs = Math.max(10_000, timeout / (kills + 2))
        const acks: Array<Ack> = []
        const known = new Set<string>()
        const killed = { duringNewStep: 0, duringResentStep: 0 }
        // Each child is started a round ahead; whatever happens, none outlives the test.
        const children: Array<Child> = []
        const started = () => {
          const child = startChild(file, argv)
          children.push(child)
          return child
        }
        let next = started()
        try {
          for (const [round, position] of positions.entries()) {
            const current = next
            next = started()
            const ending = await current.run(job, { position, stepMs: msPerTransaction }, limitMs)
            const killedAt = ending.killedAtMs === undefined ? "not killed" : `${Math.round(ending.killedAtMs)} ms`
            const where = `seed ${seed}, round ${round}, kill at step ${position} (${killedAt})`
            // Killed by plan, or finished before it: anything else is the child's own failure.
            expect(
              (ending.killedAtMs !== undefined && ending.signal === "SIGKILL" && !ending.timedOut) ||
                (ending.done && ending.code === 0),
              `${where}: ${describeEnding(ending)}`
            ).toBe(true)
            // The step in flight when the kill came: one re-sent, or a new one (every step before it was re-sent).
            if (!ending.done) killed[ending.acks.length < known.size ? "duringResentStep" : "duringNewStep"]++
            acks.push(...ending.acks)
            for (const a of ending.acks) known.add(`${a.teacher} ${a.step}`)
            expect(await problemsOf(h, acks, setupRecords, receivingPath), where).toEqual([])
          }

          // The last child resumes and is left to finish: every transfer completes.
          const last = await next.run(job, undefined, limitMs)
          expect(last.done && last.code === 0, `seed ${seed}, last round: ${describeEnding(last)}`).toBe(true)
          expect(last.acks).toHaveLength(totalSteps)
          acks.push(...last.acks)
          expect(await problemsOf(h, acks, setupRecords, receivingPath), `seed ${seed}, last round`).toEqual([])
          // Every (teacher, step) was acknowledged with one version, whichever child acknowledged it.
          const versions = new Map<string, Set<number>>()
          for (const ack of acks) {
            const key = `${ack.teacher} ${ack.step}`
            versions.set(key, (versions.get(key) ?? new Set()).add(ack.version))
          }
          expect(versions.size).toBe(totalSteps)
          expect([...versions].filter(([, v]) => v.size !== 1)).toEqual([])
          const { perTeacher } = await h.run(readStore)
          expect(perTeacher.map((t) => t.workflows.map((w) => [w.value.state, w.version]))).toEqual(
            perTeacher.map(() => [["completed", 4]])
          )
          // Kills that all hit re-sent steps would prove little: at least one came while a new step was taken.
          expect(killed.duringNewStep, `seed ${seed}`).toBeGreaterThan(0)
        } finally {
          for (const child of children) child.kill()
        }
      })
  )
}

/**
 * The crash area: a workflow process killed at random points (M23.1, O4.1). It needs a database a child process can
 * open (`TestDatabase.worker`) and is skipped without one.
 *
 * @since 0.1.0
 */
/**
 * Transactions begun at the same time in one process, some of which fail after writing: a store may commit them
 * together (a group commit), but each failed one must leave nothing, each other one must be there once, and the
 * audit chain must run through them intact (M37.1).
 */
const concurrentTransactions = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M37.1 concurrent transactions in one process, some failing after they wrote: each failed one leaves nothing, each other one is committed once, the audit chain stays intact",
    { timeout },
    () =>
      fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ fails: fc.boolean(), delayMs: fc.integer({ min: 0, max: 3 }) }), {
            minLength: 2,
            maxLength: 40
          }),
          (plan) =>
            withDatabase(makeDatabase, hubei, async (h) => {
              const write = (i: number, fails: boolean, delayMs: number) =>
                Effect.gen(function* () {
                  const storage = yield* Storage.Storage
                  return yield* storage.transaction(
                    Effect.gen(function* () {
                      yield* Audit.recordChange({
                        actor: "system",
                        action: "test.write",
                        object: `test:${i}`,
                        aggregateId: `w${i}`,
                        details: { i },
                        payload: { i }
                      })
                      yield* Effect.sleep(delayMs)
                      if (fails) return yield* Effect.fail(`w${i} refused`)
                      return i
                    })
                  )
                }).pipe(Effect.either)
              const outcomes = await h.run(
                Effect.all(
                  plan.map((p, i) => write(i, p.fails, p.delayMs)),
                  { concurrency: "unbounded" }
                )
              )
              const committed = plan.flatMap((p, i) => (p.fails ? [] : [i]))
              expect(outcomes.filter((o) => o._tag === "Right").map((o) => o._tag === "Right" && o.right)).toEqual(
                committed
              )
              const written = (await h.run(auditRecords)).filter((r) => r.action === "test.write")
              expect(written.map((r) => r.details.i).sort((a, b) => Number(a) - Number(b))).toEqual(committed)
              const events = await h.run(
                Effect.flatMap(Storage.Storage, (storage) => storage.outbox.list({ limit: 1000 }))
              )
              expect(
                events.items
                  .filter((e) => e.type === "test.write")
                  .map((e) => e.aggregateId)
                  .sort()
              ).toEqual(committed.map((i) => `w${i}`).sort())
              await expectIntact(h)
            })
        ),
        { numRuns: 10 }
      )
  )
}

export const crashConformance: AreaConformance = area("crash", [crashSafety, concurrentTransactions])
