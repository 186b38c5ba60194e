/**
 * Transfers at speed (M23): `npm run bench -- workflows [transfers]` onboards N teachers (default 2,000) at one
 * school by batch import, then runs N whole transfers to a school under another bureau through the public service
 * (`Workflows.initiateTransfer` and three `Workflows.act` confirmations, each its own transaction with its audit
 * record and outbox event, the last one moving the e-file and adding its 工作经历 record): one transfer at a time
 * (`inFlight: 1`), then with 32 transfers in flight at once, as a server's concurrent requests would run them —
 * each transfer's own steps still one after the other. On SQLite (a temp file, `synchronous=FULL` — and again with
 * `NORMAL`, as `sqlite-normal`) and on Postgres (a fresh database, dropped afterwards).
 *
 * The floor, in the same run on the same schema and data: the rows of each step written by hand-written prepared
 * statements on the driver, one transaction per step, one transfer at a time — the teacher and unit reads and the
 * process insert of the initiation, the process read and versioned update of each confirmation, the e-file move
 * and the 工作经历 entry of the last, and in every step the audit head read, the hash-chained audit insert and the
 * outbox insert. One JSON line per database and in-flight count:
 * `{"bench":"transfers","db":…,"inFlight":…,"completedPerSec":…,"floorPerSec":…,"ratioToFloor":…,"stepMedianMs":…}`.
 * Target: ≥ 500 completed transfers/s on SQLite, ≥ 200/s on Postgres.
 */
import * as Mysql from "@tmis/adapter-mysql"
import * as Pg from "@tmis/adapter-postgres"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Audit, BatchImport, Deployment, Settings, type Storage, Workflows } from "@tmis/core"
import BetterSqlite3 from "better-sqlite3"
import { Effect, Layer } from "effect"
import pg from "pg"
import { rawMariadb, withMariadbDatabase } from "./mariadb.js"
import { report } from "./measure.js"
import { basicInfo, setup, withPostgresDatabase, withSqliteFile } from "./synthetic.js"

const inFlights = [1, 32] as const

/** Onboard `n` teachers at s1 under batch `batch`; their ids. */
const onboard = (
  actor: Awaited<Effect.Effect.Success<typeof setup>>["sending"],
  batch: string,
  from: number,
  n: number
) =>
  Effect.gen(function* () {
    const rows = Array.from({ length: n }, (_, i) => ({ line: i + 2, record: basicInfo(from + i) }))
    yield* BatchImport.run(actor, rows, { batchId: batch, unitId: "s1" })
    return rows.map((row) => BatchImport.teacherIdOf(batch, row.line, BatchImport.rowHash(row.record)))
  })

const measure = (transfers: number) =>
  Effect.gen(function* () {
    const actors = yield* setup
    const figures: Array<{ inFlight: number; completedPerSec: number; stepMedianMs: number }> = []
    for (const [round, inFlight] of inFlights.entries()) {
      const teachers = yield* onboard(actors.sending, `bench${round}`, round * transfers, transfers)
      const steps: Array<number> = []
      const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.gen(function* () {
          const start = performance.now()
          const result = yield* effect
          steps.push(performance.now() - start)
          return result
        })
      const transfer = (teacherId: string, i: number) =>
        Effect.gen(function* () {
          let w = yield* timed(
            Workflows.initiateTransfer(actors.receiving, {
              id: `tr${round}-${i}`,
              teacherId,
              toUnitId: "s2",
              kind: "transfer",
              effective: "2026-12-01",
              reason: "工作需要"
            })
          )
          for (const actor of [actors.receivingBureau, actors.sending, actors.sendingBureau]) {
            w = yield* timed(Workflows.act(actor, w.value.id, { type: "confirm" }, w.version))
          }
          if (w.value.state !== "completed") throw new Error(`transfer ${w.value.id} ended ${w.value.state}`)
        })
      const start = performance.now()
      yield* Effect.forEach(teachers, transfer, { concurrency: inFlight, discard: true })
      const seconds = (performance.now() - start) / 1000
      steps.sort((a, b) => a - b)
      figures.push({
        inFlight,
        completedPerSec: transfers / seconds,
        stepMedianMs: steps[Math.floor(steps.length / 2)]!
      })
    }
    return { figures, teachers: yield* onboard(actors.sending, "floor", 2 * transfers, transfers) }
  })

const runOn = (storage: Layer.Layer<Storage.Storage, Storage.StorageError>, transfers: number) =>
  Effect.runPromise(
    Effect.provide(measure(transfers), Layer.merge(storage, Settings.layer(Deployment.provincial("42")))).pipe(
      Effect.orDie
    )
  )

/** A driver as the floor uses it: one statement, one row or none, a transaction around a step. */
interface Raw {
  readonly run: (sql: string, params: ReadonlyArray<unknown>) => Promise<void>
  readonly get: (sql: string, params: ReadonlyArray<unknown>) => Promise<Record<string, unknown> | undefined>
  readonly step: (f: () => Promise<void>) => Promise<void>
}

const rawSqlite = (filename: string): Raw & { close: () => void } => {
  const db = new BetterSqlite3(filename)
  db.pragma("synchronous = FULL")
  const statements = new Map<string, BetterSqlite3.Statement>()
  const prepared = (sql: string) => {
    const found = statements.get(sql)
    if (found !== undefined) return found
    const statement = db.prepare(sql)
    statements.set(sql, statement)
    return statement
  }
  return {
    run: async (sql, params) => void prepared(sql).run(...params),
    get: async (sql, params) => prepared(sql).get(...params) as Record<string, unknown> | undefined,
    step: async (f) => {
      db.exec("begin immediate")
      await f()
      db.exec("commit")
    },
    close: () => db.close()
  }
}

const rawPostgres = async (url: string): Promise<Raw & { close: () => Promise<void> }> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const names = new Map<string, string>()
  // Named statements: parsed and planned once per connection.
  const query = (sql: string, params: ReadonlyArray<unknown>) => {
    const name = names.get(sql) ?? `floor${names.size}`
    names.set(sql, name)
    let n = 0
    return client.query({ name, text: sql.replace(/\?/g, () => `$${++n}`), values: [...params] })
  }
  return {
    run: async (sql, params) => void (await query(sql, params)),
    get: async (sql, params) => (await query(sql, params)).rows[0],
    step: async (f) => {
      await client.query("begin isolation level serializable")
      await f()
      await client.query("commit")
    },
    close: () => client.end()
  }
}

/** The floor: the rows of every step of `teachers`' transfers, by hand; transfers/s. */
const floor = async (raw: Raw, teachers: ReadonlyArray<string>) => {
  const append = async (action: string, object: string) => {
    const head = await raw.get(`select seq, hash from audit_log order by seq desc limit 1`, [])
    const at = new Date().toISOString()
    const record = Audit.chain(head === undefined ? undefined : { seq: Number(head.seq), hash: String(head.hash) }, {
      at,
      actor: "ia-s2",
      unitId: "s2",
      action,
      object,
      outcome: "ok",
      requestId: undefined,
      details: { state: action }
    })
    await raw.run(
      `insert into audit_log (seq, at, actor, unit_id, action, object, outcome, request_id, details, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        record.seq,
        at,
        record.actor,
        "s2",
        action,
        object,
        "ok",
        null,
        JSON.stringify(record.details),
        record.prevHash,
        record.hash
      ]
    )
    await raw.run(`insert into outbox (type, at, aggregate_id, payload) values (?, ?, ?, ?)`, [
      action,
      at,
      object,
      "{}"
    ])
  }
  const s2 = await raw.get(`select path from units where id = ?`, ["s2"])
  const start = performance.now()
  for (const [i, teacherId] of teachers.entries()) {
    const id = `floor-${i}`
    const context = (step: number) =>
      JSON.stringify({ teacherId, from: "s1", to: "s2", effective: "2026-12-01", steps: step })
    await raw.step(async () => {
      await raw.get(`select * from teachers where id = ?`, [teacherId])
      await raw.get(`select * from units where id = ?`, ["s1"])
      await raw.get(`select * from units where id = ?`, ["s2"])
      await raw.run(
        `insert into workflows (id, kind, teacher_id, state, context, open, created_at, version) values (?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, "transfer", teacherId, "step0", context(0), 1, new Date().toISOString(), 1]
      )
      await append("transfer.initiate", id)
    })
    for (let step = 1; step <= 3; step++) {
      await raw.step(async () => {
        const w = await raw.get(`select * from workflows where id = ?`, [id])
        await raw.run(
          `update workflows set state = ?, context = ?, open = ?, version = ? where id = ? and version = ?`,
          [`step${step}`, context(step), step === 3 ? 0 : 1, Number(w!.version) + 1, id, w!.version]
        )
        if (step === 3) {
          const t = await raw.get(`select * from teachers where id = ?`, [teacherId])
          await raw.run(`update teachers set unit_id = ?, path = ?, version = ? where id = ? and version = ?`, [
            "s2",
            `${s2!.path}${teacherId}/`,
            Number(t!.version) + 1,
            teacherId,
            t!.version
          ])
          await raw.run(
            `insert into entries (id, teacher_id, group_key, state, data, review, version) values (?, ?, ?, ?, ?, ?, ?)`,
            [`${teacherId}-work-${id}`, teacherId, "workHistory", "approved", context(step), "{}", 1]
          )
        }
        await append("transfer.confirm", id)
      })
    }
  }
  return teachers.length / ((performance.now() - start) / 1000)
}

export const run = async (args: ReadonlyArray<string> = []): Promise<void> => {
  const transfers = Number(args.find((a) => /^[0-9]+$/.test(a)) ?? 2_000)
  for (const db of (process.env.TMIS_BENCH_DB ?? "sqlite,sqlite-normal,postgres,mariadb").split(",")) {
    // `sqlite` is the adapter's default, synchronous=FULL: every commit waits for the disk. `sqlite-normal`
    // (synchronous=NORMAL in WAL) survives a crash of the process but may lose the last commits to a power cut.
    const { figures, floorPerSec } = db.startsWith("sqlite")
      ? await withSqliteFile(async (filename) => {
          const synchronous = db === "sqlite-normal" ? "NORMAL" : "FULL"
          const measured = await runOn(Sqlite.layer({ filename, synchronous }), transfers)
          const raw = rawSqlite(filename)
          raw.run(`pragma synchronous = ${synchronous}`, [])
          const floorPerSec = await floor(raw, measured.teachers)
          raw.close()
          return { figures: measured.figures, floorPerSec }
        })
      : db === "mariadb"
        ? await withMariadbDatabase(async (connectionString) => {
            const measured = await runOn(Mysql.layer({ connectionString }), transfers)
            const raw = await rawMariadb(connectionString)
            const floorPerSec = await floor(raw, measured.teachers)
            await raw.close()
            return { figures: measured.figures, floorPerSec }
          })
        : await withPostgresDatabase(async (connectionString) => {
            const measured = await runOn(Pg.layer({ connectionString }), transfers)
            const raw = await rawPostgres(connectionString)
            const floorPerSec = await floor(raw, measured.teachers)
            await raw.close()
            return { figures: measured.figures, floorPerSec }
          })
    for (const figure of figures) {
      report({
        bench: "transfers",
        db,
        transfers,
        inFlight: figure.inFlight,
        completedPerSec: Math.round(figure.completedPerSec),
        floorPerSec: Math.round(floorPerSec),
        ratioToFloor: Number((figure.completedPerSec / floorPerSec).toFixed(3)),
        stepMedianMs: Number(figure.stepMedianMs.toFixed(2))
      })
    }
  }
}
