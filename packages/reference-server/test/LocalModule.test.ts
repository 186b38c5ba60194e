/**
 * A local module mounted in the reference server (M27.1): served under `/modules/<name>/` behind the same guard and
 * authentication as the API, listed in the OpenAPI document, and acting through the core's services, so that the
 * scope (M14.3) and the audit of reads and refusals (M37.1) hold for it as for the API. A module that would take
 * the API's own paths, or serve without a session, is refused when it is made.
 */
import { HttpApiBuilder, HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { LocalModules, Storage } from "@tmis/core"
import { Effect, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Api from "../src/Api.js"
import { refusals } from "../src/ApiError.js"
import * as Demo from "../src/Demo.js"
import * as LocalModule from "../src/LocalModule.js"
import { actingAs, client, type Running, seedDemo, sqlite, start } from "./support.js"

const teacherId = HttpApiSchema.param("teacherId", Schema.String)

/** A small module: who am I, and a teacher's e-file read through the module's services (`efiles.read`) as the caller. */
const Hello = HttpApiGroup.make("hello")
  .add(
    HttpApiEndpoint.get("whoami", "/modules/hello/whoami").addSuccess(
      Schema.Struct({ accountId: Schema.String, unitId: Schema.String })
    )
  )
  .add(
    HttpApiEndpoint.get("teacher")`/modules/hello/teachers/${teacherId}`.addSuccess(
      Schema.Struct({ id: Schema.String, masked: Schema.Boolean })
    )
  )
  .middleware(Api.Authentication)

const hello = LocalModule.make({
  name: "hello",
  group: Hello,
  handlers: HttpApiBuilder.group(Api.Base.add(Hello), "hello", (handlers) =>
    handlers
      .handle("whoami", () =>
        Effect.map(Api.CurrentActor, (actor) => ({ accountId: actor.accountId, unitId: actor.unit.id }))
      )
      .handle("teacher", ({ path }) =>
        Effect.flatMap(Api.CurrentActor, (actor) =>
          LocalModules.provide(
            "hello",
            actor
          )(Effect.flatMap(LocalModules.LocalModuleServices, (services) => services.efiles.read(path.teacherId)))
        ).pipe(
          Effect.map((read) => ({ id: read.efile.id, masked: read.masked })),
          refusals
        )
      )
  )
})

describe("a local module in the reference server", () => {
  let running: Running
  let drop: () => Promise<void>
  const as = actingAs(() => running)
  let transferred: string

  beforeAll(async () => {
    const backend = await sqlite()
    drop = backend.drop
    running = await start(backend, { modules: [hello] })
    await seedDemo(running, 12)
    const workflow = await (await as("ia-jaxx")).get(`/workflows/${Demo.demoTransfer.id}`)
    transferred = workflow.body.teacherId
  }, 120_000)

  afterAll(async () => {
    await running?.close()
    await drop?.()
  })

  const auditOf = (object: string) =>
    running.run(
      Effect.flatMap(Storage.Storage, (storage) => storage.audit.search({ object }, { limit: 50 })).pipe(
        Effect.map((page) => page.items)
      )
    )

  it("M27.1 a module's endpoint answers with the caller's actor", async () => {
    const reply = await (await as("ia-jaxx")).get("/modules/hello/whoami")
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ accountId: "ia-jaxx", unitId: "jaxx" })
  })

  it("M27.1 M37.1 a module's endpoint without a session is refused 401, and the refusal is audited", async () => {
    const reply = await client(running.url).get("/modules/hello/whoami")
    expect(reply.status).toBe(401)
    const records = await auditOf("GET /modules/hello/whoami")
    expect(records.some((r) => r.outcome === "refused" && r.requestId === reply.headers.get("x-request-id"))).toBe(true)
  })

  it("M27.1 M14.3 through a module, another county's info admin cannot read the teacher; the school's own can, audited (M37.1)", async () => {
    const refused = await (await as("ia-xiling")).get(`/modules/hello/teachers/${transferred}`)
    expect(refused.status).toBe(403)
    expect(refused.body.rule).toBe("M14.3")
    const read = await (await as("ia-jaxx")).get(`/modules/hello/teachers/${transferred}`)
    expect(read.status).toBe(200)
    expect(read.body.id).toBe(transferred)
    const records = await auditOf(`teacher:${transferred}`)
    expect(records.some((r) => r.actor === "ia-xiling" && r.outcome === "refused")).toBe(true)
    expect(records.some((r) => r.actor === "ia-jaxx" && r.outcome === "ok" && r.action === "efile.read")).toBe(true)
  })

  it("M27.1 the module's paths are in the OpenAPI document; a wrong method is 405 with Allow", async () => {
    const document = await client(running.url).get("/openapi.json")
    expect(Object.keys(document.body.paths)).toContain("/modules/hello/whoami")
    expect(Object.keys(document.body.paths)).toContain("/units/{unitId}")
    const wrong = await (await as("ia-jaxx")).post("/modules/hello/whoami", {})
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get("allow")).toBe("GET, HEAD")
  })
})

describe("LocalModule.make", () => {
  const handlers = HttpApiBuilder.group(Api.Base.add(Hello), "hello", (h) =>
    h.handle("whoami", () => Effect.die("unused")).handle("teacher", () => Effect.die("unused"))
  )

  it("M27.1 refuses a module whose endpoint takes a path outside /modules/<name>/", () => {
    const Outside = HttpApiGroup.make("outside")
      .add(HttpApiEndpoint.get("units", "/units/:unitId/extra"))
      .middleware(Api.Authentication)
    expect(() => LocalModule.make({ name: "outside", group: Outside, handlers })).toThrow(
      /outside \/modules\/outside\//
    )
    // Another module's prefix is outside too.
    expect(() => LocalModule.make({ name: "hell", group: Hello, handlers })).toThrow(/outside \/modules\/hell\//)
  })

  it("M27.1 refuses a module whose endpoint serves without the API's authentication", () => {
    const Open = HttpApiGroup.make("open").add(HttpApiEndpoint.get("all", "/modules/open/all"))
    expect(() => LocalModule.make({ name: "open", group: Open, handlers })).toThrow(/Api\.Authentication/)
  })

  it("M27.1 a module's handlers cannot ask for the store: they do not type-check, so the module acts through its services", () => {
    const bypass = HttpApiBuilder.group(Api.Base.add(Hello), "hello", (h) =>
      h
        .handle("whoami", () => Effect.die("unused"))
        .handle("teacher", ({ path }) =>
          Effect.flatMap(Storage.Storage, (storage) => storage.audit.list({ limit: 1 })).pipe(
            Effect.as({ id: path.teacherId, masked: false }),
            Effect.orDie
          )
        )
    )
    // @ts-expect-error -- the handlers need `Storage`, which a module is not given (`LocalModule.HandlerContext`)
    const module: LocalModule.LocalModule = { name: "bypass", group: Hello, handlers: bypass }
    expect(module.name).toBe("bypass")
  })

  it("M27.1 refuses a bad name, two modules of one name, and a group name the API has", () => {
    expect(() => LocalModule.make({ name: "Hello World", group: Hello, handlers })).toThrow(/name must match/)
    expect(() => LocalModule.api([hello, hello])).toThrow(/two modules have this name/)
    const Units = HttpApiGroup.make("units")
      .add(HttpApiEndpoint.get("x", "/modules/units/x"))
      .middleware(Api.Authentication)
    expect(() => LocalModule.api([{ name: "units", group: Units, handlers }])).toThrow(/is taken/)
  })
})
