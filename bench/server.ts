/**
 * The reference server under load: `npm run bench -- server [seconds]` serves the demo province (300 teachers) from
 * a SQLite file — as the server opens it (`synchronous=FULL`, `db: "sqlite"`), then with `synchronous=NORMAL`
 * (`db: "sqlite-normal"`; `TMIS_BENCH_DB` picks) — and measures an authenticated `GET /efiles/{teacherId}`
 * as ia-jaxx (the session lookup and its touch, the authorization, the masking and the audit record of the read:
 * everything a real read does) with autocannon in a second process (`serverLoad.ts`) over 127.0.0.1, cycling
 * through the school's e-files.
 *
 * Beside it, a bare `node:http` handler in the same process over the same store makes the same core calls
 * (`Auth.session` then `EFiles.read`) and writes the JSON: no HttpApi, no guard. The ratio of the two is what the
 * HTTP framework and the guard cost. Bare and server runs alternate (bare, server, bare, server, …), so that the
 * noise of this shared machine falls on both alike; one JSON line per run, then the medians:
 * `{"bench":"server","reqPerSec":…,"p99Ms":…,"ratioToBare":…}`, with the CPU milliseconds this process spent per
 * request (steadier than req/s on a shared machine) and the load average.
 *
 * The raw floor, a third target in the same rounds: a bare `node:http` handler over a second better-sqlite3
 * connection to the same file, with hand-written prepared statements — the session and its account, the e-file and
 * its entries, and one transaction per request holding the audit head read and the hash-chained audit insert (the
 * same durability: `synchronous` as the server's). No authorization, no masking, no Effect: what the driver costs.
 * The summary's `ratioToFloor` is the server's req/s over the floor's. Target: ≥ 2,000 req/s and ≥ 0.5 of the floor.
 */

import { spawn } from "node:child_process"
import { randomUUID } from "node:crypto"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { cpus, loadavg } from "node:os"
import { fileURLToPath } from "node:url"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Audit, Auth, EFiles, type Settings, type Storage } from "@tmis/core"
import BetterSqlite3 from "better-sqlite3"
import { Effect, Exit, Layer, Runtime, Scope } from "effect"
import { sessionIdOf } from "../packages/reference-server/src/Authentication.js"
import * as Database from "../packages/reference-server/src/Database.js"
import * as Demo from "../packages/reference-server/src/Demo.js"
import * as Server from "../packages/reference-server/src/Server.js"
import { report } from "./measure.js"
import type { LoadConfig, LoadResult } from "./serverLoad.js"
import { withSqliteFile } from "./synthetic.js"

const rounds = 3
const connections = Number(process.env.TMIS_BENCH_CONNECTIONS ?? 20)
const teachers = 300
const account = "ia-jaxx"
const password = "Changed#2026-tmis"
const root = fileURLToPath(new URL("..", import.meta.url))
const loadScript = fileURLToPath(new URL("./serverLoad.ts", import.meta.url))

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

const round2 = (n: number) => Math.round(n * 100) / 100

const post = async (url: string, body: unknown) => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body)
  })
  return { status: response.status, body: (await response.json()) as { token?: string } }
}

/** Log in as a demo account: its password is initial, so change it first (as test/support.ts does). */
const login = async (url: string, accountId: string): Promise<string> => {
  const changed = await post(`${url}/auth/password`, { accountId, current: Demo.demoPassword, next: password })
  if (changed.status !== 200) throw new Error(`password change of ${accountId}: ${JSON.stringify(changed.body)}`)
  const reply = await post(`${url}/auth/login`, { accountId, password })
  if (reply.status !== 200 || reply.body.token === undefined) {
    throw new Error(`login of ${accountId}: ${reply.status} ${JSON.stringify(reply.body)}`)
  }
  return reply.body.token
}

/**
 * The bare handler: `GET /efiles/{teacherId}` with a bearer token, the same core calls the API's handler and its
 * authentication make (the audit record carries a request id, as the server's does), the result as JSON.
 */
const bareServer = (runtime: Runtime.Runtime<Storage.Storage | Settings.Settings>): Http.Server => {
  const run = Runtime.runPromise(runtime)
  const statusOf: Record<string, number> = { AuthenticationError: 401, NotFound: 404, AuthorizationError: 403 }
  return Http.createServer({ keepAliveTimeout: 5_000 }, (request, response) => {
    const teacherId = /^\/efiles\/([^/?]+)$/.exec(request.url ?? "")?.[1]
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1]
    if (request.method !== "GET" || teacherId === undefined || token === undefined) {
      response.writeHead(404).end()
      return
    }
    const read = Effect.gen(function* () {
      const actor = yield* Auth.session(sessionIdOf(token))
      return yield* EFiles.read(actor, decodeURIComponent(teacherId))
    }).pipe(Effect.locally(Audit.currentRequestId, randomUUID()), Effect.either)
    run(read).then(
      (result) => {
        if (result._tag === "Right") {
          response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result.right))
        } else {
          const tag = (result.left as { readonly _tag?: string })._tag ?? ""
          response.writeHead(statusOf[tag] ?? 500, { "content-type": "application/json" }).end(`{"_tag":"${tag}"}`)
        }
      },
      () => response.writeHead(500).end()
    )
  })
}

/** The raw floor (see the module's description) over the store in `filename`. */
const rawServer = (filename: string, synchronous: "FULL" | "NORMAL"): Http.Server => {
  const db = new BetterSqlite3(filename)
  db.pragma(`synchronous = ${synchronous}`)
  db.pragma("busy_timeout = 5000")
  const session = db.prepare("select * from sessions where id = ? and revoked = 0")
  const account = db.prepare("select * from accounts where id = ?")
  const teacher = db.prepare("select * from teachers where id = ?")
  const entries = db.prepare("select * from entries where teacher_id = ? order by id")
  const head = db.prepare("select seq, hash from audit_log order by seq desc limit 1")
  const insert = db.prepare(
    "insert into audit_log (seq, at, actor, unit_id, action, object, outcome, request_id, details, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
  )
  const read = db.transaction((sessionId: string, teacherId: string) => {
    const s = session.get(sessionId) as { account_id: string } | undefined
    const a = s === undefined ? undefined : (account.get(s.account_id) as { id: string; unit_id: string })
    const t = teacher.get(teacherId) as { id: string } | undefined
    if (a === undefined || t === undefined) return undefined
    const last = head.get() as { seq: number; hash: string } | undefined
    const at = new Date().toISOString()
    const requestId = randomUUID()
    const record = Audit.chain(last, {
      at,
      actor: a.id,
      unitId: a.unit_id,
      action: "efile.read",
      object: `efile:${teacherId}`,
      outcome: "ok",
      requestId,
      details: {}
    })
    insert.run(
      record.seq,
      at,
      a.id,
      a.unit_id,
      "efile.read",
      record.object,
      "ok",
      requestId,
      "{}",
      record.prevHash,
      record.hash
    )
    return { efile: t, entries: entries.all(teacherId) }
  })
  const server = Http.createServer({ keepAliveTimeout: 5_000 }, (request, response) => {
    const teacherId = /^\/efiles\/([^/?]+)$/.exec(request.url ?? "")?.[1]
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1]
    const found =
      teacherId === undefined || token === undefined
        ? undefined
        : read.immediate(sessionIdOf(token), decodeURIComponent(teacherId))
    if (found === undefined) response.writeHead(404).end()
    else response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(found))
  })
  server.on("close", () => db.close())
  return server
}

/** Run the load generator in its own process against `url` and read back its figures. */
const load = (config: LoadConfig): Promise<LoadResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", loadScript, JSON.stringify(config)], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"]
    })
    let output = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk
    })
    child.on("error", reject)
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`the load generator exited with ${code}`))
      try {
        resolve(JSON.parse(output.trim().split("\n").at(-1) ?? "") as LoadResult)
      } catch (error) {
        reject(error)
      }
    })
  })

const measureOn = async (db: string, filename: string, durationS: number) => {
  const scope = Effect.runSync(Scope.make())
  // `sqlite` is the store exactly as the server opens it (synchronous=FULL: every commit — the session's touch, the
  // audit record — waits for the disk); `sqlite-normal` shows the same work without that wait.
  const storage =
    db === "sqlite-normal"
      ? Sqlite.layer({ filename, synchronous: "NORMAL" })
      : Database.storageLayer({ url: filename })
  const deps = Layer.merge(storage, Demo.settingsLayer)
  const bare = await (async () => {
    const context = await Effect.runPromise(
      Layer.buildWithScope(Server.layer({ port: 0 }).pipe(Layer.provideMerge(deps)), scope)
    )
    const runtime = await Effect.runPromise(
      Effect.provide(Effect.runtime<Storage.Storage | Settings.Settings>(), context)
    )
    const serverUrl = Effect.runSync(Effect.provide(Server.url, context))
    const seeded = await Runtime.runPromise(runtime)(Demo.seed({ teachers }))
    if (seeded === undefined) throw new Error("the store was not empty")
    const server = bareServer(runtime)
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const raw = rawServer(filename, db === "sqlite-normal" ? "NORMAL" : "FULL")
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve))
    return { server, raw, serverUrl, runtime }
  })()
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`
  const rawUrl = `http://127.0.0.1:${(bare.raw.address() as AddressInfo).port}`
  try {
    const token = await login(bare.serverUrl, account)
    const headers = { authorization: `Bearer ${token}` }
    const page = await fetch(`${bare.serverUrl}/units/jaxx/efiles?limit=20`, { headers })
    const ids = ((await page.json()) as { items: ReadonlyArray<{ id: string }> }).items.map((e) => e.id)
    if (page.status !== 200 || ids.length === 0) throw new Error(`no e-files at jaxx (${page.status})`)
    const paths = ids.map((id) => `/efiles/${encodeURIComponent(id)}`)
    // All answer the same read the same way before any is timed.
    for (const base of [bare.serverUrl, bareUrl, rawUrl]) {
      const reply = await fetch(base + paths[0]!, { headers })
      const body = (await reply.json()) as { efile?: { id?: string } }
      if (reply.status !== 200 || body.efile?.id !== ids[0]) {
        throw new Error(`${base}${paths[0]}: ${reply.status} ${JSON.stringify(body).slice(0, 300)}`)
      }
    }
    const targets = { raw: rawUrl, bare: bareUrl, server: bare.serverUrl } as const
    const runOnce = async (target: keyof typeof targets, seconds: number) => {
      const result = await load({ url: targets[target], paths, headers, connections, durationS: seconds })
      if (result.non2xx > 0 || result.errors > 0) {
        throw new Error(`${target}: ${result.non2xx} non-2xx, ${result.errors} errors ${JSON.stringify(result)}`)
      }
      return result
    }
    // Warm-up of both (JIT, SQLite's page cache), not reported.
    // TMIS_BENCH_TARGETS=server (say) runs only those: to profile one of them alone.
    const order = (["raw", "bare", "server"] as const).filter(
      (t) => process.env.TMIS_BENCH_TARGETS?.split(",").includes(t) ?? true
    )
    for (const target of order) await runOnce(target, Math.min(2, durationS))
    const figures: Record<keyof typeof targets, Array<{ reqPerSec: number; p99Ms: number; cpuMsPerReq: number }>> = {
      raw: [],
      bare: [],
      server: []
    }
    for (let round = 1; round <= rounds; round++) {
      for (const target of order) {
        // The CPU this process spent serving (the load generator is another process): steadier than req/s when
        // the machine is shared.
        const cpuBefore = process.cpuUsage()
        const result = await runOnce(target, durationS)
        const cpu = process.cpuUsage(cpuBefore)
        const reqPerSec = result.completed / result.elapsedS
        const cpuMsPerReq = (cpu.user + cpu.system) / 1000 / result.completed
        figures[target].push({ reqPerSec, p99Ms: result.p99Ms, cpuMsPerReq })
        report({
          bench: "server",
          target,
          round,
          db,
          reqPerSec: Math.round(reqPerSec),
          p50Ms: result.p50Ms,
          p99Ms: result.p99Ms,
          maxMs: result.maxMs,
          cpuMsPerReq: round2(cpuMsPerReq),
          requests: result.completed,
          connections,
          durationS: round2(result.elapsedS),
          load1: round2(loadavg()[0]!)
        })
      }
    }
    return { figures, efiles: ids.length }
  } finally {
    for (const server of [bare.server, bare.raw]) {
      await new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    }
    await Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

export const run = async (args: ReadonlyArray<string> = []): Promise<void> => {
  const durationS = Number(args.find((a) => /^[0-9]+$/.test(a)) ?? 10)
  for (const db of (process.env.TMIS_BENCH_DB ?? "sqlite,sqlite-normal").split(",")) {
    const { figures, efiles } = await withSqliteFile((filename) => measureOn(db, filename, durationS))
    const reqPerSec = median(figures.server.map((f) => f.reqPerSec))
    const bareReqPerSec = median(figures.bare.map((f) => f.reqPerSec))
    const floorReqPerSec = median(figures.raw.map((f) => f.reqPerSec))
    const [load1, load5, load15] = loadavg()
    report({
      bench: "server",
      db,
      reqPerSec: Math.round(reqPerSec),
      p99Ms: median(figures.server.map((f) => f.p99Ms)),
      ratioToFloor: round2(reqPerSec / floorReqPerSec),
      floorReqPerSec: Math.round(floorReqPerSec),
      ratioToBare: round2(reqPerSec / bareReqPerSec),
      bareReqPerSec: Math.round(bareReqPerSec),
      bareP99Ms: median(figures.bare.map((f) => f.p99Ms)),
      cpuMsPerReq: round2(median(figures.server.map((f) => f.cpuMsPerReq))),
      bareCpuMsPerReq: round2(median(figures.bare.map((f) => f.cpuMsPerReq))),
      floorCpuMsPerReq: round2(median(figures.raw.map((f) => f.cpuMsPerReq))),
      connections,
      durationS,
      rounds,
      efiles,
      cpus: cpus().length,
      load1: round2(load1!),
      load5: round2(load5!),
      load15: round2(load15!)
    })
  }
}
