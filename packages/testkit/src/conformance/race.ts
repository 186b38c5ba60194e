/**
 * Run the attempts of a race really concurrently against one database: in child processes when the database
 * offers a worker (drivers that block their process while they wait for a lock, like better-sqlite3), else in
 * this process through several separate storages (connection pools). Everyone waits for one start signal, so
 * that the attempts overlap.
 *
 * The children are started once per suite and serve every race of it (each race opens its own database), so
 * that their start-up is paid once.
 *
 * @since 0.1.0
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { Effect, ManagedRuntime } from "effect"
import * as Attempts from "./attempts.js"
import { execArgv } from "./children.js"
import type { ConformanceOptions, TestDatabase, WorkerSpec } from "./types.js"

interface Dealt<A> {
  readonly index: number
  readonly item: A
}

/** Deal the attempts round-robin into at most `n` hands, remembering where each came from. */
const deal = <A>(items: ReadonlyArray<A>, n: number): Array<Array<Dealt<A>>> => {
  const hands = Array.from({ length: Math.max(1, Math.min(n, items.length)) }, (): Array<Dealt<A>> => [])
  items.forEach((item, index) => {
    hands[index % hands.length]!.push({ index, item })
  })
  return hands
}

const gather = (
  hands: ReadonlyArray<ReadonlyArray<Dealt<unknown>>>,
  results: ReadonlyArray<ReadonlyArray<Attempts.Outcome>>,
  total: number
): Array<Attempts.Outcome> => {
  const outcomes = new Array<Attempts.Outcome>(total)
  hands.forEach((hand, h) => {
    hand.forEach(({ index }, i) => {
      const outcome = results[h]?.[i]
      if (outcome === undefined) throw new Error(`race: no outcome for attempt ${index}`)
      outcomes[index] = outcome
    })
  })
  return outcomes
}

const inProcess = async (
  database: TestDatabase,
  race: Attempts.Race,
  clients: number
): Promise<Array<Attempts.Outcome>> => {
  const hands = deal(race.attempts, clients)
  const runtimes = hands.map(() => ManagedRuntime.make(Attempts.withSettings(database.layer(), race.deployment)))
  try {
    // Open every storage first, so that the attempts start together.
    await Promise.all(runtimes.map((runtime) => runtime.runPromise(Effect.void)))
    const results = await Promise.all(
      hands.map((hand, h) => Promise.all(hand.map(({ item }) => runtimes[h]!.runPromise(Attempts.run(item)))))
    )
    return gather(hands, results, race.attempts.length)
  } finally {
    await Promise.all(runtimes.map((runtime) => runtime.dispose()))
  }
}

/** The worker script next to this module: TypeScript in the sources, JavaScript once built. */
const workerFile = (): string => {
  for (const candidate of ["./worker.ts", "./worker.js", "./conformance/worker.js"]) {
    const path = fileURLToPath(new URL(candidate, import.meta.url))
    if (existsSync(path)) return path
  }
  throw new Error("storage conformance: cannot find the worker script next to race.ts")
}

type Message =
  | { readonly _tag: "Ready" }
  | { readonly _tag: "Done"; readonly outcomes: ReadonlyArray<Attempts.Outcome> }

/** A child process and the protocol messages it sent, in order. */
class Child {
  private readonly process: ChildProcessWithoutNullStreams
  private readonly received: Array<Message> = []
  private readonly waiting: Array<{ resolve: (m: Message) => void; reject: (e: Error) => void }> = []
  private stderr = ""
  private exited: Error | undefined

  constructor(file: string, execArgv: ReadonlyArray<string>) {
    this.process = spawn(process.execPath, [...execArgv, file], {
      cwd: process.cwd(),
      env: process.env,
      stdio: ["pipe", "pipe", "pipe"]
    })
    this.process.stderr.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-8000)
    })
    createInterface({ input: this.process.stdout }).on("line", (line) => {
      let message: Message
      try {
        message = JSON.parse(line) as Message
      } catch {
        return // not a protocol line (a stray log): ignore
      }
      const waiter = this.waiting.shift()
      if (waiter === undefined) this.received.push(message)
      else waiter.resolve(message)
    })
    const fail = (error: Error) => {
      this.exited = error
      for (const waiter of this.waiting.splice(0)) waiter.reject(error)
    }
    this.process.on("error", fail)
    this.process.on("exit", (code, signal) =>
      fail(new Error(`conformance worker exited (${signal ?? code}):\n${this.stderr}`))
    )
    // A write to a child that died is reported by `next`, with its stderr.
    this.process.stdin.on("error", () => undefined)
  }

  send(line: string): void {
    this.process.stdin.write(`${line}\n`)
  }

  /** The next message, which must have this tag. */
  async next<T extends Message["_tag"]>(tag: T): Promise<Extract<Message, { readonly _tag: T }>> {
    const message =
      this.received.shift() ??
      (await new Promise<Message>((resolve, reject) => {
        if (this.exited !== undefined) reject(this.exited)
        else this.waiting.push({ resolve, reject })
      }))
    if (message._tag !== tag) throw new Error(`conformance worker: expected ${tag}, got ${JSON.stringify(message)}`)
    return message as Extract<Message, { readonly _tag: T }>
  }

  async close(): Promise<void> {
    if (this.exited !== undefined) return
    const exited = new Promise<void>((resolve) => this.process.once("exit", () => resolve()))
    this.process.stdin.end()
    const timer = setTimeout(() => this.process.kill(), 5_000)
    await exited
    clearTimeout(timer)
  }
}

/**
 * Child processes serving the races of one suite, started at the first race.
 *
 * @since 0.1.0
 */
export interface Pool {
  readonly run: (database: TestDatabase, race: Attempts.Race) => Promise<Array<Attempts.Outcome>>
  readonly close: () => Promise<void>
}

/**
 * A pool for the suite's options: `processes` children (default 4) when a database offers a worker, else
 * `clients` storages in this process (default 4).
 *
 * @since 0.1.0
 */
export const pool = (options: ConformanceOptions = {}): Pool => {
  let children: Array<Child> | undefined
  let queue: Promise<unknown> = Promise.resolve()

  const started = (worker: WorkerSpec): Array<Child> => {
    if (children === undefined) {
      const file = workerFile()
      const argv = execArgv(options, file, worker)
      children = Array.from({ length: Math.max(1, options.processes ?? 4) }, () => new Child(file, argv))
    }
    return children
  }

  const inProcesses = async (worker: WorkerSpec, race: Attempts.Race) => {
    const all = started(worker)
    const hands = deal(race.attempts, all.length)
    const busy = all.slice(0, hands.length)
    try {
      busy.forEach((child, h) => {
        const attempts = hands[h]!.map((d) => d.item)
        child.send(JSON.stringify({ _tag: "Race", worker, race: { deployment: race.deployment, attempts } }))
      })
      await Promise.all(busy.map((child) => child.next("Ready")))
      // The shared start signal: every child has its storage open and now starts at once.
      for (const child of busy) child.send("go")
      const results = await Promise.all(busy.map((child) => child.next("Done").then((m) => m.outcomes)))
      return gather(hands, results, race.attempts.length)
    } catch (error) {
      // A child that failed leaves the pool unusable: start afresh at the next race.
      children = undefined
      await Promise.all(all.map((child) => child.close()))
      throw error
    }
  }

  return {
    run: (database, race) => {
      const result = queue.then(() =>
        database.worker === undefined
          ? inProcess(database, race, options.clients ?? 4)
          : inProcesses(database.worker, race)
      )
      queue = result.catch(() => undefined)
      return result
    },
    close: async () => {
      await queue
      const open = children ?? []
      children = undefined
      await Promise.all(open.map((child) => child.close()))
    }
  }
}
