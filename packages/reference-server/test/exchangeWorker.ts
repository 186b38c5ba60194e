/**
 * The child process of the exchange crash test (M32.1), killed with SIGKILL at any moment by its parent. Argument:
 * one JSON job. `export`: the provincial deployment writes every package it sent (again) and exports the rest, a few
 * outbox events each, into `dir`, each package's directory written beside and renamed into place (a package is
 * there whole or not at all). `ingest`: the national deployment ingests the packages of `dir` in sequence order.
 * Prints `ACK <sequence> <outcome>` after each package and `DONE` at the end.
 */
import { existsSync } from "node:fs"
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { type Deployment, Exchange, ExchangePackage, Settings, Storage } from "@tmis/core"
import { Effect, Either, Layer, ManagedRuntime, Option } from "effect"
import * as Database from "../src/Database.js"

interface Job {
  readonly role: "export" | "ingest"
  readonly url: string
  readonly deployment: Deployment.Deployment
  readonly dir: string
  readonly privateKey: string
  readonly registry: Exchange.KeyRegistry
}

const job = JSON.parse(process.argv[2] ?? "{}") as Job
const say = (line: string) => new Promise<void>((resolve) => process.stdout.write(`${line}\n`, () => resolve()))
const runtime = ManagedRuntime.make(
  Layer.merge(Database.storageLayer({ url: job.url }), Settings.layer(job.deployment))
)
const run = <A, E>(effect: Effect.Effect<A, E, Storage.Storage | Settings.Settings>) => runtime.runPromise(effect)

const nameOf = (sequence: number) => `42-changes-${String(sequence).padStart(6, "0")}`

const write = async (pkg: ExchangePackage.Package) => {
  const final = join(job.dir, nameOf(pkg.manifest.sequence))
  if (existsSync(final)) return
  const partial = `${final}.partial-${process.pid}`
  await mkdir(partial, { recursive: true })
  for (const [name, text] of Object.entries(ExchangePackage.toFiles(pkg))) await writeFile(join(partial, name), text)
  await rename(partial, final)
}

const exportAll = async () => {
  // Packages recorded before a crash but perhaps never written: written again, the same bytes.
  const last = await run(Effect.flatMap(Storage.Storage, (s) => s.exchange.lastSent(Exchange.national, "changes")))
  const sent = Option.match(last, { onNone: () => 0, onSome: (l) => l.sequence })
  for (let sequence = 1; sequence <= sent; sequence++) {
    await write(await run(Exchange.sentPackage(Exchange.national, "changes", sequence)))
  }
  for (;;) {
    const next = await run(Exchange.exportNext({ privateKey: job.privateKey, maxEvents: 4 }))
    if (Option.isNone(next)) break
    await write(next.value)
    await say(`ACK ${next.value.manifest.sequence} exported`)
  }
}

const ingestAll = async () => {
  const names = (await readdir(job.dir)).filter((n) => /^42-changes-\d+$/.test(n)).sort()
  for (const name of names) {
    const files: Record<string, string> = {}
    for (const file of await readdir(join(job.dir, name)))
      files[file] = await readFile(join(job.dir, name, file), "utf8")
    const pkg = Either.getOrThrow(ExchangePackage.fromFiles(files))
    const outcome = await run(Exchange.ingest(pkg, job.registry))
    await say(`ACK ${outcome.sequence} ${outcome.outcome}`)
  }
}

await mkdir(job.dir, { recursive: true })
for (const stale of (await readdir(job.dir)).filter((n) => n.includes(".partial-"))) {
  await rm(join(job.dir, stale), { recursive: true, force: true })
}
await say("READY")
await (job.role === "export" ? exportAll() : ingestAll())
await say("DONE")
await runtime.dispose()
process.exit(0)
