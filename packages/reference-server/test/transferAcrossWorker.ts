/**
 * The child process of the transfers-between-provinces crash test (M23.1 across deployments, M32.1), killed with
 * SIGKILL at any moment by its parent. Argument: one JSON job over one deployment's store, every step its own local
 * transaction, each re-run finding what the killed run committed:
 *
 * - `receive` (the receiving province): ingest the other province's transfer packages of `dir` in sequence order;
 *   initiate each transfer not yet there and have its bureau confirm it; write every transfer package sent before
 *   (again) and export the next, each package's directory written aside and renamed (whole or not at all).
 * - `send` (the sending province): ingest the requests of `dir`, have its school and bureau confirm each open
 *   transfer, and export the answers the same way.
 *
 * Prints `ACK <what>` after each step and `DONE` at the end.
 */
import { existsSync } from "node:fs"
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import {
  Accounts,
  type Authorization,
  type Deployment,
  Exchange,
  ExchangePackage,
  Settings,
  Storage,
  TransfersAcross,
  Workflows
} from "@tmis/core"
import { Effect, Either, Layer, ManagedRuntime, Option } from "effect"
import * as Database from "../src/Database.js"

interface Job {
  readonly role: "receive" | "send"
  readonly url: string
  readonly deployment: Deployment.Deployment
  readonly province: string
  readonly other: string
  readonly dir: string
  readonly privateKey: string
  readonly registry: Exchange.KeyRegistry
  /** receive: the transfers to initiate, each with the identity of the teacher. */
  readonly transfers: ReadonlyArray<{ readonly id: string; readonly idNumber: string }>
  /** The info admins who take this side's steps: the school, then its bureau. */
  readonly school: string
  readonly bureau: string
  readonly toUnitId: string
}

const job = JSON.parse(process.argv[2] ?? "{}") as Job
const say = (line: string) => new Promise<void>((resolve) => process.stdout.write(`${line}\n`, () => resolve()))
const runtime = ManagedRuntime.make(
  Layer.merge(Database.storageLayer({ url: job.url }), Settings.layer(job.deployment))
)
const run = <A, E>(effect: Effect.Effect<A, E, Storage.Storage | Settings.Settings>) => runtime.runPromise(effect)
const as = <A, E>(
  account: string,
  f: (a: Authorization.Actor) => Effect.Effect<A, E, Storage.Storage | Settings.Settings>
) => run(Effect.flatMap(Accounts.actorOf(account), f))

const nameOf = (issuer: string, recipient: string, sequence: number) =>
  `${issuer}-transfer-${recipient}-${String(sequence).padStart(6, "0")}`

const write = async (pkg: ExchangePackage.Package) => {
  const final = join(job.dir, nameOf(pkg.manifest.issuer, pkg.manifest.province, pkg.manifest.sequence))
  if (existsSync(final)) return
  const partial = `${final}.partial-${process.pid}`
  await mkdir(partial, { recursive: true })
  for (const [name, text] of Object.entries(ExchangePackage.toFiles(pkg))) await writeFile(join(partial, name), text)
  await rename(partial, final)
}

/** Every package sent before (perhaps never written before a kill), then the next ones. */
const exportAll = async () => {
  const last = await run(Effect.flatMap(Storage.Storage, (s) => s.exchange.lastSent(job.other, "transfer")))
  const sent = Option.match(last, { onNone: () => 0, onSome: (l) => l.sequence })
  for (let sequence = 1; sequence <= sent; sequence++) {
    await write(await run(Exchange.sentPackage(job.other, "transfer", sequence)))
  }
  for (;;) {
    const next = await run(TransfersAcross.exportMessages(job.other, { privateKey: job.privateKey, maxMessages: 2 }))
    if (Option.isNone(next)) break
    await write(next.value)
    await say(`ACK export ${next.value.manifest.sequence}`)
  }
}

const ingestAll = async () => {
  const prefix = `${job.other}-transfer-${job.province}-`
  const names = (await readdir(job.dir)).filter((n) => n.startsWith(prefix) && /-\d{6}$/.test(n)).sort()
  for (const name of names) {
    const files: Record<string, string> = {}
    for (const file of await readdir(join(job.dir, name))) {
      files[file] = await readFile(join(job.dir, name, file), "utf8")
    }
    const pkg = Either.getOrThrow(ExchangePackage.fromFiles(files))
    const outcome = await run(TransfersAcross.ingestMessages(pkg, job.registry))
    await say(`ACK ingest ${outcome.sequence} ${outcome.outcome}`)
  }
}

const confirm = { type: "confirm" } as const

/** Receiving side: initiate each transfer not yet there, then its bureau confirms (each step a transaction). */
const initiateAll = async () => {
  for (const t of job.transfers) {
    const held = await run(Effect.flatMap(Storage.Storage, (s) => s.transfersAcross.get(t.id)))
    if (Option.isNone(held)) {
      await as(job.school, (a) =>
        TransfersAcross.initiate(a, {
          id: t.id,
          teacherId: `gd-${t.id}`,
          fromProvince: job.other,
          idType: "1",
          idNumber: t.idNumber,
          toUnitId: job.toUnitId,
          effective: "2027-03-01",
          reason: "跨省调动"
        })
      )
      await say(`ACK initiate ${t.id}`)
    }
    const now = Option.getOrThrow(await run(Effect.flatMap(Storage.Storage, (s) => s.transfersAcross.get(t.id))))
    if (now.value.state === "awaitingReceivingBureau") {
      await as(job.bureau, (a) => TransfersAcross.act(a, t.id, confirm, now.version))
      await say(`ACK confirm ${t.id}`)
    }
  }
}

/** Sending side: the school, then the bureau confirm every open transfer from the other province. */
const confirmAll = async () => {
  for (const t of job.transfers) {
    for (;;) {
      const w = Option.getOrUndefined(await run(Workflows.get(t.id).pipe(Effect.option)))
      if (w === undefined || !w.value.open) break
      const by = w.value.state === "awaitingSendingSchool" ? job.school : job.bureau
      await as(by, (a) => Workflows.act(a, t.id, confirm, w.version))
      await say(`ACK confirm ${t.id} ${w.value.state}`)
    }
  }
}

await mkdir(job.dir, { recursive: true })
for (const stale of (await readdir(job.dir)).filter((n) => n.includes(".partial-"))) {
  await rm(join(job.dir, stale), { recursive: true, force: true })
}
await say("READY")
await ingestAll()
await (job.role === "receive" ? initiateAll() : confirmAll())
await exportAll()
await say("DONE")
await runtime.dispose()
process.exit(0)
