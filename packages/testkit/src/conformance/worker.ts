/**
 * The child process of the concurrency tests; it serves races one after the other until stdin closes. Protocol,
 * one JSON line each way: stdin `{"_tag":"Race",worker,race}` → stdout `{"_tag":"Ready"}` once the storage is
 * open → stdin `go` (the start signal shared by all children) → stdout `{"_tag":"Done","outcomes":[…]}`, in the
 * order of the attempts, after the storage is closed. Run as `node --import tsx worker.ts` for TypeScript
 * sources.
 *
 * @since 0.1.0
 */
import { createInterface } from "node:readline"
import type { Storage } from "@tmis/core"
import { Effect, type Layer, ManagedRuntime } from "effect"
import * as Attempts from "./attempts.js"
import { importWorkerModule } from "./children.js"
import type { WorkerSpec } from "./types.js"

const say = (message: unknown) =>
  new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(message)}\n`, () => resolve()))

const storageOf = async (worker: WorkerSpec): Promise<Layer.Layer<Storage.Storage, Storage.StorageError>> => {
  const module = await importWorkerModule(worker.module)
  const make = module[worker.exportName]
  if (typeof make !== "function") throw new Error(`worker: ${worker.module} has no function ${worker.exportName}`)
  return make(worker.args) as Layer.Layer<Storage.Storage, Storage.StorageError>
}

const main = async () => {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
  for (;;) {
    const job = await lines.next()
    if (job.done === true) break
    const { worker, race } = JSON.parse(job.value) as {
      readonly _tag: "Race"
      readonly worker: WorkerSpec
      readonly race: Attempts.Race
    }
    const runtime = ManagedRuntime.make(Attempts.withSettings(await storageOf(worker), race.deployment))
    await runtime.runPromise(Effect.void)
    await say({ _tag: "Ready" })
    const go = await lines.next()
    if (go.done === true) break
    const outcomes = await runtime.runPromise(Effect.forEach(race.attempts, Attempts.run, { concurrency: "unbounded" }))
    await runtime.dispose()
    await say({ _tag: "Done", outcomes })
  }
  process.exit(0)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
