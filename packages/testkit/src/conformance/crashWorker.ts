/**
 * The child process of the crash-safety test (M23, O4.1), killed with SIGKILL at any moment by its parent. It opens
 * the database of a {@link WorkerSpec} and runs whole transfers, one step after the other, each step its own service
 * call (its own transaction) with its idempotency key. Protocol: stdin, one JSON {@link Job} line → stdout `READY`
 * once the storage is open, `ACK <teacher> <step> <version>` after each step returns (flushed before the next step
 * starts: an acknowledged step is one the service said it committed), and `DONE` at the end. A resumed child gets
 * the same job and re-sends every step from the start: a retried step returns the stored result. Run as
 * `node --import tsx crashWorker.ts` for TypeScript sources.
 *
 * @since 0.1.0
 */
import { createInterface } from "node:readline"
import { Accounts, type Deployment, type Storage, Workflows } from "@tmis/core"
import { Effect, type Layer, ManagedRuntime } from "effect"
import { withSettings } from "./attempts.js"
import { importWorkerModule } from "./children.js"
import type { WorkerSpec } from "./types.js"

/**
 * One step of a transfer: its name in the ACK lines, the account taking it and its idempotency key.
 *
 * @since 0.1.0
 */
export interface Step {
  readonly step: string
  readonly actorId: string
  readonly idempotencyKey: string
}

/**
 * A whole transfer: the initiation by the receiving school, then the confirmations in their order (M23.1).
 *
 * @since 0.1.0
 */
export interface Run {
  readonly teacher: string
  readonly request: Workflows.TransferRequest
  readonly initiation: Step
  readonly confirmations: ReadonlyArray<Step>
}

/**
 * What the parent sends: the database, the deployment and the transfers, run one after the other.
 *
 * @since 0.1.0
 */
export interface Job {
  readonly worker: WorkerSpec
  readonly deployment: Deployment.Deployment
  readonly runs: ReadonlyArray<Run>
}

/** Write one line and wait until it is handed to the pipe: a line written is one the parent can read. */
const say = (line: string) => new Promise<void>((resolve) => process.stdout.write(`${line}\n`, () => resolve()))

const storageOf = async (worker: WorkerSpec): Promise<Layer.Layer<Storage.Storage, Storage.StorageError>> => {
  const module = await importWorkerModule(worker.module)
  const make = module[worker.exportName]
  if (typeof make !== "function") throw new Error(`crash worker: ${worker.module} has no function ${worker.exportName}`)
  return make(worker.args) as Layer.Layer<Storage.Storage, Storage.StorageError>
}

const main = async () => {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
  const first = await lines.next()
  if (first.done === true) throw new Error("crash worker: no job on stdin")
  const job = JSON.parse(first.value) as Job
  const runtime = ManagedRuntime.make(withSettings(await storageOf(job.worker), job.deployment))
  await runtime.runPromise(Effect.void)
  await say("READY")
  for (const run of job.runs) {
    const initiated = await runtime.runPromise(
      Effect.flatMap(Accounts.actorOf(run.initiation.actorId), (actor) =>
        Workflows.initiateTransfer(actor, run.request, { idempotencyKey: run.initiation.idempotencyKey })
      )
    )
    await say(`ACK ${run.teacher} ${run.initiation.step} ${initiated.version}`)
    // Each confirmation is sent at the version the previous step returned; a retry returns the same, stored one.
    let version = initiated.version
    for (const step of run.confirmations) {
      const confirmed = await runtime.runPromise(
        Effect.flatMap(Accounts.actorOf(step.actorId), (actor) =>
          Workflows.act(actor, run.request.id, { type: "confirm" }, version, { idempotencyKey: step.idempotencyKey })
        )
      )
      version = confirmed.version
      await say(`ACK ${run.teacher} ${step.step} ${version}`)
    }
  }
  await runtime.dispose()
  await say("DONE")
  process.exit(0)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
