/**
 * Test support for the server: real stores (a SQLite file in a temp dir, a fresh Postgres database), a running
 * server on a free port over one of them, and a small JSON client.
 */
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { IdentityNumber, Settings, type Storage } from "@tmis/core"
import { Effect, Exit, Layer, Scope } from "effect"
import mysql from "mysql2/promise"
import pg from "pg"
import * as Database from "../src/Database.js"
import * as Demo from "../src/Demo.js"
import * as Server from "../src/Server.js"

export const adminUrl = process.env.TMIS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"

export const withAdmin = async <A>(f: (client: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    return await f(client)
  } finally {
    await client.end()
  }
}

/** Whether Postgres answers; in CI (CI=true) an unreachable Postgres fails the run. */
export const postgresReachable: boolean = await withAdmin((c) => c.query("select 1")).then(
  () => true,
  (error) => {
    if (process.env.CI === "true") throw error
    console.warn(`postgres not reachable: skipping the postgres server tests (${String(error)})`)
    return false
  }
)

/** A store to run against: its `TMIS_DATABASE_URL` form, and how to drop it. */
export interface Backend {
  readonly name: "sqlite" | "postgres" | "mariadb"
  readonly url: string
  readonly drop: () => Promise<void>
}

export const sqlite = async (): Promise<Backend> => {
  const directory = await mkdtemp(join(tmpdir(), "tmis-server-"))
  return {
    name: "sqlite",
    url: join(directory, "tmis.sqlite"),
    drop: () => rm(directory, { recursive: true, force: true })
  }
}

export const postgres = async (): Promise<Backend> => {
  const name = `tmis_server_${randomBytes(6).toString("hex")}`
  await withAdmin((c) => c.query(`create database ${name}`))
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    name: "postgres",
    url: url.toString(),
    drop: () =>
      withAdmin(async (c) => {
        await c.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [name])
        await c.query(`drop database if exists ${name}`)
      })
  }
}

/** The admin connection that creates and drops the MariaDB (MySQL-family) test databases. */
export const mysqlAdminUrl = process.env.TMIS_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test"

const withMysqlAdmin = async <A>(f: (connection: mysql.Connection) => Promise<A>): Promise<A> => {
  const connection = await mysql.createConnection({ uri: mysqlAdminUrl, connectTimeout: 5_000 })
  try {
    return await f(connection)
  } finally {
    await connection.end()
  }
}

/** Whether MariaDB answers; in CI (CI=true) an unreachable MariaDB fails the run. */
export const mariadbReachable: boolean = await withMysqlAdmin((c) => c.query("select 1")).then(
  () => true,
  (error) => {
    if (process.env.CI === "true") throw error
    console.warn(`mariadb not reachable: skipping the mariadb server tests (${String(error)})`)
    return false
  }
)

export const mariadb = async (): Promise<Backend> => {
  const name = `tmis_server_${randomBytes(6).toString("hex")}`
  await withMysqlAdmin((c) => c.query(`create database ${name}`))
  const url = new URL(mysqlAdminUrl)
  url.pathname = `/${name}`
  return {
    name: "mariadb",
    url: url.toString(),
    drop: () => withMysqlAdmin((c) => c.query(`drop database if exists ${name}`)).then(() => undefined)
  }
}

/** The backends to run a suite on: SQLite always, Postgres and MariaDB when they answer. */
export const backends: ReadonlyArray<{
  readonly name: "sqlite" | "postgres" | "mariadb"
  readonly make: () => Promise<Backend>
}> = [
  { name: "sqlite", make: sqlite },
  ...(postgresReachable ? [{ name: "postgres" as const, make: postgres }] : []),
  ...(mariadbReachable ? [{ name: "mariadb" as const, make: mariadb }] : [])
]

/**
 * The demo deployment's settings with a cheap scrypt (N = 2^10): suites that log many accounts in would take minutes
 * at the default cost (about 0.7 s a hash on a small machine), and the hash cost is not what they test. The policies
 * (password, lockout, sessions) stay the defaults.
 */
export const cheapSettings: Layer.Layer<Settings.Settings> = Settings.layer(
  Demo.demoDeployment,
  undefined,
  undefined,
  undefined,
  { N: 2 ** 10, r: 8, p: 1 }
)

/** A running server over a store, and a way to run core effects against the same store. */
export interface Running {
  readonly url: string
  readonly run: <A, E>(effect: Effect.Effect<A, E, Storage.Storage | Settings.Settings>) => Promise<A>
  readonly close: () => Promise<void>
}

/** Start the server on a free port over `backend`, with the demo deployment's settings. */
export const start = async (
  backend: Backend,
  options: Server.Options = {},
  settings: Layer.Layer<Settings.Settings> = Demo.settingsLayer
): Promise<Running> => {
  const scope = Effect.runSync(Scope.make())
  const deps = Layer.merge(Database.storageLayer({ url: backend.url }), settings)
  const context = await Effect.runPromise(
    Layer.buildWithScope(Server.layer({ port: 0, ...options }).pipe(Layer.provideMerge(deps)), scope)
  )
  const url = Effect.runSync(Effect.provide(Server.url, context))
  return {
    url: options.tls === undefined ? url : url.replace(/^http:/, "https:"),
    run: (effect) => Effect.runPromise(Effect.provide(effect, context)),
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

/** What a JSON request gave back. */
export interface Reply {
  readonly status: number
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies field by field
  readonly body: any
  readonly headers: Headers
}

/** A JSON client of one server, optionally with a session token. */
export const client = (url: string, token?: string) => {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {}
  ): Promise<Reply> => {
    const response = await fetch(url + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...headers
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
    })
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = text === "" ? undefined : JSON.parse(text)
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers }
  }
  return {
    get: (path: string, headers?: Record<string, string>) => call("GET", path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => call("POST", path, body ?? {}, headers),
    put: (path: string, body?: unknown, headers?: Record<string, string>) => call("PUT", path, body ?? {}, headers),
    call
  }
}

/** A password that meets the default policy, different from the demo's. */
export const changedPassword = "Changed#2026-tmis"

/**
 * Log in as a demo account: the demo's passwords are initial, so change it first (once), then log in; returns the
 * session token.
 */
export const login = async (url: string, accountId: string): Promise<string> => {
  const api = client(url)
  let reply = await api.post("/auth/login", { accountId, password: changedPassword })
  if (reply.status === 401) {
    const changed = await api.post("/auth/password", { accountId, current: Demo.demoPassword, next: changedPassword })
    if (changed.status !== 200) throw new Error(`password change of ${accountId}: ${JSON.stringify(changed.body)}`)
    reply = await api.post("/auth/login", { accountId, password: changedPassword })
  }
  if (reply.status !== 200 || reply.body.token === undefined) {
    throw new Error(`login of ${accountId}: ${reply.status} ${JSON.stringify(reply.body)}`)
  }
  return reply.body.token as string
}

/**
 * Clients acting as demo accounts of one server (`server()` is read at each call, so a suite may start its server in
 * `beforeAll`): each account is logged in once (see `login`) and its session token kept. `as.token(accountId)` gives
 * the token itself, for requests the JSON client does not make (an upload).
 */
export const actingAs = (server: () => { readonly url: string }) => {
  const tokens = new Map<string, string>()
  const token = async (accountId: string): Promise<string> => {
    let known = tokens.get(accountId)
    if (known === undefined) {
      known = await login(server().url, accountId)
      tokens.set(accountId, known)
    }
    return known
  }
  const as = async (accountId: string) => client(server().url, await token(accountId))
  return Object.assign(as, { token })
}

/** Log each of `accountIds` in (see `login`), one after the other: their session tokens by account id. */
export const loginAll = async (url: string, accountIds: Iterable<string>): Promise<Map<string, string>> => {
  const tokens = new Map<string, string>()
  for (const id of accountIds) tokens.set(id, await login(url, id))
  return tokens
}

/**
 * A valid identity number (GB 11643) of a person born on `birthDate` (YYYY-MM-DD or YYYYMMDD; not checked, so that a
 * test may build an impossible date) in `county`, with a sequence code (padded to 3 digits).
 */
export const identityNumber = (county: string, birthDate: string, sequence: number | string): string => {
  const first17 = `${county}${birthDate.replaceAll("-", "")}${String(sequence).padStart(3, "0")}`
  return first17 + IdentityNumber.checkCharacter(first17)
}

/** Seed the demo province into a running server's store. */
export const seedDemo = (running: Running, teachers = 40) =>
  running.run(Demo.seed({ teachers })).then((result) => {
    if (result === undefined) throw new Error("the store was not empty")
    return result
  })

/**
 * Run a crash test's child process (`worker`, a TypeScript file, with one JSON job as its argument) and collect the
 * lines it prints: `READY`, then `ACK …` after each step it committed, `DONE` at the end. Killed with SIGKILL
 * `kill` milliseconds after it is ready, or `delayMs` after its `afterAcks`-th step (the next one in flight); never
 * when undefined.
 */
export const runKilled = (
  worker: string,
  job: object,
  kill: number | { readonly afterAcks: number; readonly delayMs: number } | undefined
) =>
  new Promise<{ readonly acks: ReadonlyArray<string>; readonly done: boolean; readonly signal: string | null }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", worker, JSON.stringify(job)], {
        cwd: process.cwd(),
        env: process.env,
        stdio: ["ignore", "pipe", "pipe"]
      })
      const acks: Array<string> = []
      let done = false
      let stderr = ""
      let buffer = ""
      child.stderr.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000)
      })
      child.stdout.on("data", (chunk: Buffer) => {
        buffer += chunk.toString()
        const lines = buffer.split("\n")
        buffer = lines.pop() ?? ""
        for (const line of lines) {
          if (line === "READY" && typeof kill === "number") setTimeout(() => child.kill("SIGKILL"), kill)
          if (line.startsWith("ACK ")) acks.push(line.slice(4))
          if (typeof kill === "object" && line.startsWith("ACK ") && acks.length === kill.afterAcks) {
            setTimeout(() => child.kill("SIGKILL"), kill.delayMs)
          }
          if (line === "DONE") done = true
        }
      })
      child.on("error", reject)
      child.on("exit", (code, signal) => {
        if (signal === null && code !== 0) reject(new Error(`worker exited ${code}: ${stderr}`))
        else resolve({ acks, done, signal })
      })
    }
  )
