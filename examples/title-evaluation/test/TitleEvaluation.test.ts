/**
 * The title-evaluation module (M27.1) in the reference server over a real SQLite file, with the demo province: its
 * candidate list and nominations go through the services as the request's actor, so the scope (M14.3) and the audit
 * of reads and refusals (M37.1) hold for it; it follows the outbox with a stored cursor, at-least-once; its
 * migrations and its Kysely handle stay in its namespace.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { KyselyStorage, ModuleStore } from "@tmis/adapter-kysely"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Accounts, Settings, Storage, Subscriptions, Training, Units } from "@tmis/core"
import { Database, Demo, Server } from "@tmis/server"
import { Effect, Exit, Layer, Scope } from "effect"
import { Kysely, SqliteDialect, sql } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as TitleEvaluation from "../src/TitleEvaluation.js"

// The demo deployment with a cheap password hash: the demo's passwords cost a scrypt run each.
const settings = Settings.layer(Demo.demoDeployment, undefined, undefined, undefined, { N: 2 ** 10, r: 8, p: 1 })

/** A Kysely handle over the SQLite file, as a host opens one for the module (a connection of its own). */
const openKysely = async (filename: string) =>
  // biome-ignore lint/suspicious/noExplicitAny: the host's raw handle, before the module's guard types it
  new Kysely<any>({ dialect: new SqliteDialect({ database: await Sqlite.open({ filename }) }) })

interface Running {
  readonly url: string
  readonly run: <A, E>(effect: Effect.Effect<A, E, Storage.Storage | Settings.Settings>) => Promise<A>
  readonly close: () => Promise<void>
}

const start = async (filename: string, modules: ReadonlyArray<ReturnType<typeof TitleEvaluation.make>>) => {
  const scope = Effect.runSync(Scope.make())
  const deps = Layer.merge(Database.storageLayer({ url: filename }), settings)
  const context = await Effect.runPromise(
    Layer.buildWithScope(Server.layer({ port: 0, modules }).pipe(Layer.provideMerge(deps)), scope)
  )
  return {
    url: Effect.runSync(Effect.provide(Server.url, context)),
    run: (effect) => Effect.runPromise(Effect.provide(effect, context)),
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  } satisfies Running
}

const password = "Changed#2026-tmis"

// biome-ignore lint/suspicious/noExplicitAny: the test reads JSON bodies field by field
type Json = any

const request = async (url: string, method: string, path: string, token?: string) => {
  const response = await fetch(url + path, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` })
    },
    ...(method === "GET" ? {} : { body: "{}" })
  })
  const text = await response.text()
  return {
    status: response.status,
    body: (text === "" ? undefined : JSON.parse(text)) as Json,
    headers: response.headers
  }
}

/** Log a demo account in, changing its initial password first. */
const login = async (url: string, accountId: string): Promise<string> => {
  const post = (path: string, body: unknown) =>
    fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
  await post("/auth/password", { accountId, current: Demo.demoPassword, next: password })
  const reply = await post("/auth/login", { accountId, password })
  const body = (await reply.json()) as { token?: string }
  if (body.token === undefined) throw new Error(`login of ${accountId} failed: ${JSON.stringify(body)}`)
  return body.token
}

describe("the title-evaluation module", () => {
  let directory: string
  let filename: string
  // biome-ignore lint/suspicious/noExplicitAny: the host's raw handle
  let raw: Kysely<any>
  let db: Kysely<TitleEvaluation.TitleEvaluationTables>
  let running: Running
  const tokens = new Map<string, string>()
  const as = async (accountId: string) => {
    if (!tokens.has(accountId)) tokens.set(accountId, await login(running.url, accountId))
    const token = tokens.get(accountId)!
    return {
      get: (path: string) => request(running.url, "GET", path, token),
      post: (path: string) => request(running.url, "POST", path, token)
    }
  }
  const auditOf = (query: Storage.AuditQuery) =>
    running.run(Effect.flatMap(Storage.Storage, (s) => s.audit.search(query, { limit: 1000 }))).then((p) => p.items)
  /** The teachers of 江岸区实验小学 in the demo's training: the first one's result is confirmed (3.6 credits). */
  let confirmed: string
  let pending: string
  let xlzxTeacher: string

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "tmis-title-evaluation-"))
    filename = join(directory, "tmis.sqlite")
    // The host: the core's schema, then the module's, then the module's guarded handle.
    raw = await openKysely(filename)
    await Effect.runPromise(KyselyStorage.migrateToLatest(raw, Sqlite.flavor))
    await Effect.runPromise(ModuleStore.migrate(raw, TitleEvaluation.schema))
    db = await ModuleStore.database<TitleEvaluation.TitleEvaluationTables>(raw, TitleEvaluation.name)
    running = await start(filename, [TitleEvaluation.make(db)])
    await running.run(Demo.seed({ teachers: 12 }))
    await running.run(TitleEvaluation.sync(db))
    const teachersOf = (unitId: string) =>
      running.run(
        Effect.gen(function* () {
          const storage = yield* Storage.Storage
          const unit = yield* Units.load(unitId)
          return (yield* storage.teachers.subtree(unit.value.path, { limit: 10 })).items
        })
      )
    const jaxx = await teachersOf("jaxx")
    confirmed = jaxx[0]!.id
    pending = jaxx[1]!.id
    xlzxTeacher = (await teachersOf("xlzx"))[0]!.id
  }, 180_000)

  afterAll(async () => {
    await running?.close()
    await raw?.destroy()
    await rm(directory, { recursive: true, force: true })
  })

  it("M27.1 lists the candidates of the actor's subtree: the teachers whose confirmed credits reach the threshold", async () => {
    const reply = await (await as("ia-jaxx")).get("/modules/title-evaluation/candidates?unit=jaxx")
    expect(reply.status).toBe(200)
    expect(reply.body.items).toEqual([
      { teacherId: confirmed, name: expect.any(String), unitId: "jaxx", credits: 3.6, nominated: false }
    ])
    // A higher threshold leaves nobody; the county above the school sees the same candidate.
    expect(
      (await (await as("ia-jaxx")).get("/modules/title-evaluation/candidates?unit=jaxx&minCredits=4")).body.items
    ).toEqual([])
    const county = await (await as("ia-jiangan")).get("/modules/title-evaluation/candidates?unit=jiangan")
    expect(county.body.items.map((c: { teacherId: string }) => c.teacherId)).toEqual([confirmed])
  })

  it("M27.1 M14.3 the module cannot read outside its actor's scope: another school's info admin is refused, and sees nothing of the school", async () => {
    const other = await as("ia-xlzx")
    const refused = await other.get("/modules/title-evaluation/candidates?unit=jaxx")
    expect(refused.status).toBe(403)
    expect(refused.body.rule).toBe("M14.3")
    expect(JSON.stringify(refused.body)).not.toContain(confirmed)
    // Up the tree is outside too: the school's admin cannot list its county.
    const up = await (await as("ia-jaxx")).get("/modules/title-evaluation/candidates?unit=jiangan")
    expect(up.status).toBe(403)
    expect(up.body.rule).toBe("M14.3")
    // Its own school answers, without anything of 江岸区实验小学.
    const own = await other.get("/modules/title-evaluation/candidates?unit=xlzx")
    expect(own.status).toBe(200)
    expect(JSON.stringify(own.body)).not.toContain(confirmed)
    expect(own.body.items.every((c: { unitId: string }) => c.unitId === "xlzx")).toBe(true)
    // Nor can it nominate the school's teacher: refused, and nothing written to the module's table.
    const nominated = await other.post(`/modules/title-evaluation/candidates/${confirmed}/nominate`)
    expect(nominated.status).toBe(403)
    expect(nominated.body.rule).toBe("M14.3")
    expect(await db.selectFrom("title_evaluation_nominations").selectAll().execute()).toEqual([])
  })

  it("M27.1 M37.1 the module cannot skip the audit: its reads are audited naming the actor and the object, its refusals too", async () => {
    const reply = await (await as("ia-jaxx")).get("/modules/title-evaluation/candidates?unit=jaxx")
    const requestId = reply.headers.get("x-request-id")
    expect(requestId).toBeTruthy()
    const ofRequest = (await auditOf({ actor: "ia-jaxx" })).filter((r) => r.requestId === requestId)
    expect(ofRequest.map((r) => [r.action, r.object, r.outcome])).toEqual(
      expect.arrayContaining([
        ["efile.list", "unit:jaxx", "ok"],
        ["credits.read", `credits:${confirmed}`, "ok"]
      ])
    )
    const refused = await (await as("ia-xlzx")).get("/modules/title-evaluation/candidates?unit=jaxx")
    const ofRefusal = (await auditOf({ actor: "ia-xlzx", object: "unit:jaxx" })).filter(
      (r) => r.requestId === refused.headers.get("x-request-id")
    )
    expect(ofRefusal.map((r) => [r.action, r.outcome, r.details.rule])).toEqual([["efile.list", "refused", "M14.3"]])
  })

  it("M27.1 a nomination writes the module's own table and is audited and published in the outbox", async () => {
    const school = await as("ia-jaxx")
    const refused = await school.post(`/modules/title-evaluation/candidates/${pending}/nominate`)
    expect(refused.status).toBe(422)
    expect(refused.body.rule).toBe("M27.1")
    const reply = await school.post(`/modules/title-evaluation/candidates/${confirmed}/nominate`)
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ teacherId: confirmed, nominatedBy: "ia-jaxx" })
    expect(await db.selectFrom("title_evaluation_nominations").select(["teacher_id", "credits"]).execute()).toEqual([
      { teacher_id: confirmed, credits: 3.6 }
    ])
    const records = await auditOf({ object: `teacher:${confirmed}`, actor: "ia-jaxx" })
    expect(records.some((r) => r.action === "title-evaluation.nominate" && r.outcome === "ok")).toBe(true)
    const listed = await school.get("/modules/title-evaluation/candidates?unit=jaxx")
    expect(listed.body.items).toEqual([expect.objectContaining({ teacherId: confirmed, nominated: true })])
    // A query-er reads but does not nominate.
    const queryer = await (await as("iq-jaxx")).post(`/modules/title-evaluation/candidates/${confirmed}/nominate`)
    expect(queryer.status).toBe(403)
  })

  it("M27.1 the module follows the outbox at-least-once from its stored cursor: a failed run leaves it, a restart continues from it", async () => {
    const cursor = await running.run(Subscriptions.cursor(TitleEvaluation.name))
    expect(cursor).toBeGreaterThan(0)
    const activity = () => db.selectFrom("title_evaluation_credit_activity").selectAll().orderBy("teacher_id").execute()
    expect((await activity()).map((r) => [r.teacher_id, r.events])).toEqual([[confirmed, 1]])
    // The county confirms the second result: a credit event after the cursor.
    await running.run(
      Effect.gen(function* () {
        const county = yield* Accounts.actorOf("ia-jiangan")
        const result = yield* Training.readResult(county, "tr-demo-2")
        yield* Training.confirm(county, "tr-demo-2", result.version)
      })
    )
    // A run whose handler fails leaves the cursor where it was.
    const failed = await running.run(
      Effect.exit(Subscriptions.deliver(TitleEvaluation.name, () => Effect.fail("down" as const)))
    )
    expect(Exit.isFailure(failed)).toBe(true)
    expect(await running.run(Subscriptions.cursor(TitleEvaluation.name))).toBe(cursor)
    // A restart: a new handle of the module over the file, a new storage; it continues from the stored cursor.
    const restartedRaw = await openKysely(filename)
    try {
      const restarted = await ModuleStore.database<TitleEvaluation.TitleEvaluationTables>(
        restartedRaw,
        TitleEvaluation.name
      )
      const handled = await Effect.runPromise(
        TitleEvaluation.sync(restarted).pipe(Effect.provide(Layer.merge(Sqlite.layer({ filename }), settings)))
      )
      expect(handled).toBeGreaterThan(0)
      // Delivered again (at-least-once), an event is still counted once.
      const events = await running.run(
        Effect.flatMap(Storage.Storage, (s) => s.outbox.list({ after: String(cursor), limit: 1000 }))
      )
      for (const event of events.items) await Effect.runPromise(TitleEvaluation.onEvent(restarted)(event))
    } finally {
      await restartedRaw.destroy()
    }
    expect((await activity()).map((r) => [r.teacher_id, r.events])).toEqual(
      [
        [confirmed, 1],
        [pending, 1]
      ].sort()
    )
    expect(await running.run(Subscriptions.cursor(TitleEvaluation.name))).toBeGreaterThan(cursor)
    // The newly confirmed teacher is a candidate now.
    const listed = await (await as("ia-jaxx")).get("/modules/title-evaluation/candidates?unit=jaxx")
    expect(listed.body.items.map((c: { teacherId: string }) => c.teacherId).sort()).toEqual([confirmed, pending].sort())
    expect(xlzxTeacher).not.toBe(pending)
  })

  it("M27.1 a module migration that creates a table without the module's prefix is refused, naming the table, and rolled back", async () => {
    const outside = ModuleStore.migrate(raw, {
      name: "awards",
      migrations: {
        "0001_awards": {
          up: async (db) => {
            await db.schema
              .createTable("awards_given")
              .addColumn("id", "text", (c) => c.primaryKey())
              .execute()
            await db.schema
              .createTable("honours")
              .addColumn("id", "text", (c) => c.primaryKey())
              .execute()
          }
        }
      }
    })
    const error = await Effect.runPromise(Effect.flip(outside))
    expect(error).toBeInstanceOf(ModuleStore.LocalModuleError)
    expect(error.message).toMatch(/M27\.1/)
    expect(error.message).toMatch(/honours/)
    const tables = (await raw.introspection.getTables()).map((t) => t.name)
    expect(tables).not.toContain("honours")
    expect(tables).not.toContain("awards_given")
  })

  it("M27.1 a module migration may not change a core table, and the module's handle refuses every table but its own", async () => {
    const alter = ModuleStore.migrate(raw, {
      name: "appraisal",
      migrations: {
        "0001_appraisal": {
          up: async (db) => {
            await db.schema.alterTable("teachers").addColumn("appraisal_grade", "text").execute()
          }
        }
      }
    })
    const error = await Effect.runPromise(Effect.flip(alter))
    expect(error).toBeInstanceOf(ModuleStore.LocalModuleError)
    expect(error.message).toMatch(/teachers/)
    const columns = (await raw.introspection.getTables()).find((t) => t.name === "teachers")!.columns.map((c) => c.name)
    expect(columns).not.toContain("appraisal_grade")
    // biome-ignore lint/suspicious/noExplicitAny: a module trying a table its types do not know
    const loose = db as unknown as Kysely<any>
    await expect(loose.selectFrom("teachers").selectAll().execute()).rejects.toThrow(/M27\.1.*teachers/)
    await expect(sql`select id_number from teachers`.execute(loose)).rejects.toThrow(/M27\.1.*teachers/)
    await expect(loose.deleteFrom("audit_log").execute()).rejects.toThrow(/M27\.1.*audit_log/)
    // Its own tables answer.
    expect(await db.selectFrom("title_evaluation_nominations").select("teacher_id").execute()).toHaveLength(1)
  })
})
