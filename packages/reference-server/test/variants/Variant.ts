/**
 * Deliberately broken variants of the reference server (issue 17: "the kit proves it catches violations"). A variant
 * is the reference server with ONE fault, built in test code by composing the real components — never a switch in
 * `packages/*\/src` ("no test flags in production code"):
 *
 * - `dropIndexes`: unique indexes dropped from the migrated SQLite file, so that the store no longer refuses what
 *   they refuse;
 * - `storage`: a wrapper of the storage port, replacing one repository method;
 * - `around`: a step around the API's app, inside the real guard (so its answers are audited and carry the headers
 *   as the reference server's do).
 *
 * {@link start} serves a variant on a fresh SQLite file with a bootstrapped root unit and system admin: the
 * `accounts` the compliance kit starts from.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  HttpApiBuilder,
  HttpApiScalar,
  type HttpApp,
  HttpServer,
  type HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Accounts, Auth, type Authorization, Day, type Settings, Storage } from "@tmis/core"
import Database from "better-sqlite3"
import { Effect, Exit, Layer, Option, Scope } from "effect"
import * as Api from "../../src/Api.js"
import * as Authentication from "../../src/Authentication.js"
import * as ServerDatabase from "../../src/Database.js"
import * as Demo from "../../src/Demo.js"
import * as Server from "../../src/Server.js"
import { changedPassword, cheapSettings, client, identityNumber } from "../support.js"

/** The storage port's service. */
export type StorageService = Storage.Storage["Type"]

/** A step around the API's app: it may answer a request itself, or change the API's answer. */
export type Around = <R>(
  app: HttpApp.Default<never, R>
) => HttpApp.Default<never, R | Storage.Storage | Settings.Settings | HttpServerRequest.HttpServerRequest>

/**
 * A broken variant: what is broken, the rule it violates (the one the compliance kit must name), and how it is built.
 */
export interface Variant {
  readonly name: string
  /** The rule the variant violates. */
  readonly rule: string
  readonly broken: string
  /** Unique indexes to drop from the migrated database. */
  readonly dropIndexes?: ReadonlyArray<string>
  readonly storage?: (storage: StorageService) => StorageService
  readonly around?: Around
}

/** The reference server itself: nothing broken. */
export const reference: Variant = { name: "reference", rule: "", broken: "nothing" }

/** The top-level system admin a kit starts from (the `accounts.json` of the compliance kit). */
export interface RootAccount {
  readonly id: string
  readonly password: string
  readonly unit: string
}

/** A running variant. */
export interface Running {
  readonly url: string
  readonly accounts: ReadonlyArray<RootAccount>
  /** Run a core effect against the variant's (wrapped) store. */
  readonly run: <A, E>(effect: Effect.Effect<A, E, Storage.Storage | Settings.Settings>) => Promise<A>
  readonly close: () => Promise<void>
}

/** The root the variants are bootstrapped with: the demo deployment's province (湖北, 42). */
export const root = { id: "hubei", name: "湖北省教育厅", code: "420000" } as const

/** The root's system admin. */
export const rootAdmin = { id: "sa-root", name: "省系统管理员" } as const

/**
 * The reference server's layer (`Server.layer`) with `around` between the guard and the API's app. The same
 * composition as `Server.layer`: the guard, the API with its handlers, the OpenAPI document and the reference page.
 */
const serverLayer = (options: Server.Options, around: Around | undefined) =>
  HttpApiBuilder.httpApp.pipe(
    Effect.map((app) => HttpServer.serve(Server.guard(options)(around === undefined ? app : around(app)))),
    Layer.unwrapEffect,
    Layer.provide([HttpApiBuilder.Router.Live, HttpApiBuilder.Middleware.layer]),
    Layer.provide(HttpApiScalar.layer({ path: "/docs", scalar: { withDefaultFonts: false } })),
    Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
    Layer.provide(Server.apiLayer(options)),
    Layer.provideMerge(
      NodeHttpServer.layer(() => Server.nodeServer(options), { port: options.port ?? 0, host: "127.0.0.1" })
    )
  )

/**
 * Migrate a fresh SQLite file (the adapter migrates when it opens), seed the demo province into it when asked (through
 * the reference store: a variant's fault plays no part in the seed), then drop `indexes` from it.
 */
const prepare = async (filename: string, indexes: ReadonlyArray<string>, demo: number | undefined) => {
  const seed =
    demo === undefined
      ? Effect.void
      : Effect.flatMap(Demo.seed({ teachers: demo }), (seeded) =>
          seeded === undefined ? Effect.dieMessage("the store was not empty") : Effect.void
        )
  await Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(
        Layer.build(Layer.merge(ServerDatabase.storageLayer({ url: filename }), cheapSettings)),
        (context) => Effect.provide(seed, context)
      )
    )
  )
  if (indexes.length === 0) return
  const database = new Database(filename)
  try {
    for (const index of indexes) {
      const found = database.prepare("select name from sqlite_master where type = 'index' and name = ?").get(index)
      if (found === undefined) throw new Error(`variant: no index ${index} to drop`)
      database.exec(`drop index ${index}`)
    }
  } finally {
    database.close()
  }
}

/** Options of {@link start}. */
export interface StartOptions {
  /**
   * Seed the demo province with this many teachers (`Demo.seed`; its root system admin is `sa-hubei`) instead of
   * bootstrapping a bare root.
   */
  readonly demo?: number
}

/**
 * Start `variant` on a fresh SQLite file (cheap password hashing, the demo deployment's policies) with a root and
 * its system admin — bootstrapped, or the demo province's — whose first password is changed over HTTP: the returned
 * `accounts` log in.
 */
export const start = async (variant: Variant, options: StartOptions = {}): Promise<Running> => {
  const directory = await mkdtemp(join(tmpdir(), `tmis-variant-${variant.name}-`))
  const filename = join(directory, "tmis.sqlite")
  await prepare(filename, variant.dropIndexes ?? [], options.demo)
  const wrap = variant.storage
  const store =
    wrap === undefined
      ? ServerDatabase.storageLayer({ url: filename })
      : Layer.effect(Storage.Storage, Effect.map(Storage.Storage, wrap)).pipe(
          Layer.provide(ServerDatabase.storageLayer({ url: filename }))
        )
  const deps = Layer.merge(store, cheapSettings)
  const scope = Effect.runSync(Scope.make())
  const close = async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await rm(directory, { recursive: true, force: true })
  }
  try {
    const context = await Effect.runPromise(
      Layer.buildWithScope(serverLayer({}, variant.around).pipe(Layer.provideMerge(deps)), scope)
    )
    const url = Effect.runSync(Effect.provide(Server.url, context))
    const run: Running["run"] = (effect) => Effect.runPromise(Effect.provide(effect, context))
    const admin = options.demo === undefined ? rootAdmin.id : "sa-hubei"
    const firstPassword = options.demo === undefined ? "Root#2026-first" : Demo.demoPassword
    if (options.demo === undefined) {
      await run(
        Effect.gen(function* () {
          const stored = yield* Accounts.bootstrap(
            { id: root.id, kind: "province", name: root.name, code: root.code, validFrom: yield* Day.today },
            {
              id: rootAdmin.id,
              person: { name: rootAdmin.name, identityNumber: identityNumber("420106", "19800101", 1) }
            }
          )
          yield* Auth.bootstrapPassword(stored.value.id, firstPassword)
        })
      )
    }
    const changed = await client(url).post("/auth/password", {
      accountId: admin,
      current: firstPassword,
      next: changedPassword
    })
    if (changed.status !== 200) throw new Error(`variant ${variant.name}: ${JSON.stringify(changed.body)}`)
    return { url, accounts: [{ id: admin, password: changedPassword, unit: root.id }], run, close }
  } catch (error) {
    await close()
    throw error
  }
}

/**
 * The actor of a request's session (bearer token or session cookie), as the server's authentication finds it; none
 * without a session it may act with. For variants that answer an endpoint themselves.
 */
export const actorOf = (
  request: HttpServerRequest.HttpServerRequest
): Effect.Effect<Option.Option<Authorization.Actor>, never, Storage.Storage | Settings.Settings> => {
  const bearer = /^bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1]
  const token = bearer ?? request.cookies[Api.sessionCookie.key]
  if (token === undefined || token === "") return Effect.succeed(Option.none())
  return Auth.session(Authentication.sessionIdOf(token)).pipe(
    Effect.map(Option.some),
    Effect.orElseSucceed(() => Option.none())
  )
}

/** The path of a request target. */
export const pathOf = (request: HttpServerRequest.HttpServerRequest): string =>
  new URL(request.url, "http://localhost").pathname

/** The JSON body of a response, when it has one. */
export const jsonOf = (response: HttpServerResponse.HttpServerResponse): unknown => {
  if (response.body._tag !== "Uint8Array") return undefined
  try {
    return JSON.parse(new TextDecoder().decode(response.body.body))
  } catch {
    return undefined
  }
}

/** A response with another JSON body, its status and headers kept. */
export const withJson = (response: HttpServerResponse.HttpServerResponse, body: unknown) =>
  HttpServerResponse.unsafeJson(body, { status: response.status, headers: response.headers })
