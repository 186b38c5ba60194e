/**
 * Support for the suites that attack the server (Robustness, ObjectAuthorization): a seeded demo server whose store
 * is also read straight from its tables, snapshots of its business state to show that a refused request changed
 * nothing, and a raw HTTP client.
 */
import * as Http from "node:http"
import Database from "better-sqlite3"
import mysql from "mysql2/promise"
import pg from "pg"
import { type Backend, cheapSettings, type Running, seedDemo, start } from "./support.js"

// ── The store, read directly ─────────────────────────────────────────────────────────────────────────────────────

/** Every table of business state: all but audit_log, outbox and sessions (which any request may grow). */
export const businessTables = [
  "units",
  "unit_versions",
  "accounts",
  "teachers",
  "entries",
  "change_requests",
  "import_rows",
  "workflows",
  "idempotency",
  "credentials"
] as const

/** A read-only view of the server's store, beside the server's own connection. */
export interface StoreReader {
  readonly rows: (table: string) => Promise<ReadonlyArray<Record<string, unknown>>>
  /** The audit records of a request. */
  readonly auditOf: (requestId: string) => Promise<ReadonlyArray<{ readonly outcome: string; readonly action: string }>>
  readonly close: () => Promise<void>
}

export const openReader = async (backend: Backend): Promise<StoreReader> => {
  if (backend.name === "sqlite") {
    const db = new Database(backend.url, { readonly: true, fileMustExist: true })
    return {
      rows: async (table) => db.prepare(`select * from ${table}`).all() as Array<Record<string, unknown>>,
      auditOf: async (requestId) =>
        db.prepare("select outcome, action from audit_log where request_id = ?").all(requestId) as Array<{
          outcome: string
          action: string
        }>,
      close: async () => {
        db.close()
      }
    }
  }
  if (backend.name === "mariadb") {
    const connection = await mysql.createConnection({ uri: backend.url, dateStrings: true })
    const select = async (statement: string, values: Array<unknown> = []) =>
      (await connection.query(statement, values))[0] as Array<Record<string, unknown>>
    return {
      rows: (table) => select(`select * from ${table}`),
      auditOf: async (requestId) =>
        (await select("select outcome, action from audit_log where request_id = ?", [requestId])) as Array<{
          outcome: string
          action: string
        }>,
      close: () => connection.end()
    }
  }
  const client = new pg.Client({ connectionString: backend.url })
  await client.connect()
  return {
    rows: async (table) => (await client.query(`select * from ${table}`)).rows,
    auditOf: async (requestId) =>
      (await client.query("select outcome, action from audit_log where request_id = $1", [requestId])).rows,
    close: () => client.end()
  }
}

/** The business tables, each as its rows in JSON, sorted. */
export type Snapshot = Readonly<Record<string, ReadonlyArray<string>>>

export const snapshotOf = async (reader: StoreReader): Promise<Snapshot> => {
  const result: Record<string, ReadonlyArray<string>> = {}
  for (const table of businessTables) {
    result[table] = (await reader.rows(table)).map((row) => JSON.stringify(row)).sort()
  }
  return result
}

/** The first difference between two snapshots, in words; undefined when they agree outside `ignore`. */
export const differenceOf = (
  before: Snapshot,
  after: Snapshot,
  ignore: ReadonlySet<string> = new Set()
): string | undefined => {
  for (const table of businessTables) {
    if (ignore.has(table)) continue
    const a = before[table] ?? []
    const b = after[table] ?? []
    const gone = a.filter((row) => !b.includes(row))
    const added = b.filter((row) => !a.includes(row))
    if (gone.length > 0 || added.length > 0) {
      return `${table}: ${gone.length} row(s) changed or gone, ${added.length} new or changed: ${JSON.stringify({
        before: gone.slice(0, 2).map((r) => r.slice(0, 400)),
        after: added.slice(0, 2).map((r) => r.slice(0, 400))
      })}`
    }
  }
  return undefined
}

// ── A raw HTTP client: no URL normalisation (fetch would resolve ".."), any method, any header, chunked bodies ──

/** What the server answered: the body as text, and parsed when it is JSON (undefined otherwise). */
export interface Answer {
  readonly status: number
  readonly headers: Http.IncomingHttpHeaders
  readonly text: string
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies field by field
  readonly body: any
}

export const send = (
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
  options: { readonly chunked?: boolean } = {}
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const url = new URL(base)
    const all: Record<string, string | number> = { ...headers }
    if (body !== undefined && options.chunked !== true) all["content-length"] = body.length
    if (body !== undefined && options.chunked === true) all["transfer-encoding"] = "chunked"
    let answered = false
    const request = Http.request(
      { host: url.hostname, port: url.port, method, path, headers: all, agent: false },
      (response) => {
        const parts: Array<Buffer> = []
        response.on("data", (chunk: Buffer) => parts.push(chunk))
        response.on("error", reject)
        response.on("end", () => {
          answered = true
          const text = Buffer.concat(parts).toString("utf8")
          let parsed: unknown
          try {
            parsed = text === "" ? undefined : JSON.parse(text)
          } catch {
            parsed = undefined
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body: parsed })
        })
      }
    )
    // The server may answer (413) and close before the whole body is written: the answer is what counts.
    request.on("error", (error) => {
      if (!answered) setTimeout(() => (answered ? undefined : reject(error)), 500)
    })
    if (body === undefined) {
      request.end()
    } else if (options.chunked === true) {
      const size = 64 * 1024
      for (let at = 0; at < body.length; at += size) request.write(body.subarray(at, at + size))
      request.end()
    } else {
      request.end(body)
    }
  })

// ── The server under attack ──────────────────────────────────────────────────────────────────────────────────────

/** A server over a fresh store seeded with the demo province, and a reader of that store. */
export interface Attacked {
  readonly backend: Backend
  readonly running: Running
  readonly reader: StoreReader
  /** Close the reader and the server, and drop the store. */
  readonly close: () => Promise<void>
}

/**
 * Start the server on a store from `make`, with the demo's settings at a cheap hash cost (these suites log many
 * accounts in), seed the demo province with 30 teachers, and open a reader of the store.
 */
export const startAttacked = async (make: () => Promise<Backend>): Promise<Attacked> => {
  const backend = await make()
  let running: Running | undefined
  try {
    running = await start(backend, {}, cheapSettings)
    await seedDemo(running, 30)
    const reader = await openReader(backend)
    const server = running
    return {
      backend,
      running: server,
      reader,
      close: async () => {
        await reader.close()
        await server.close()
        await backend.drop()
      }
    }
  } catch (error) {
    await running?.close()
    await backend.drop()
    throw error
  }
}
