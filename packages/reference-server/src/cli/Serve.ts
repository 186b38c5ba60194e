/**
 * The `tmis` command line: `serve`, `migrate`, `seed-demo`.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { Day } from "@tmis/core"
import { Cause, Effect, Exit, Fiber, Layer, Option } from "effect"
import * as Database from "../Database.js"
import * as Demo from "../Demo.js"
import * as Server from "../Server.js"
import { type Command, environment, type Io, integer, ruleOf, run, Usage } from "./Command.js"

const printDemo = (io: Io, result: Demo.SeedResult, seconds: number) => {
  io.out.write(
    `seeded the demo province in ${seconds.toFixed(1)} s: ${result.teachers} e-files, transfer ${result.transferId} waiting for the sending school\n`
  )
  io.out.write(
    `demo accounts — initial password ${Demo.demoPassword} (change it at the first login: POST /auth/password):\n`
  )
  for (const account of result.accounts) {
    io.out.write(`  ${account.id.padEnd(12)} ${account.role.padEnd(12)} ${account.unitName}\n`)
  }
  io.out.write(
    `demo training provider ${result.provider.id}, key ${result.provider.key} (shown once; results go to POST /provider/results with x-provider-id and x-provider-key)\n`
  )
}

const seedDemoRun = (io: Io, teachers: number) =>
  Effect.gen(function* () {
    const started = Date.now()
    io.err.write(`seeding the demo province (${teachers} e-files)…\n`)
    const result = yield* Demo.seed({ teachers })
    if (result === undefined) {
      io.out.write("the store already has a root unit: no demo seeded\n")
      return
    }
    printDemo(io, result, (Date.now() - started) / 1000)
  })

const serveRun = async (io: Io, args: ReadonlyArray<string>): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string" },
      "seed-demo": { type: "boolean", default: false },
      teachers: { type: "string" },
      "tls-key": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-ca": { type: "string" },
      "import-dir": { type: "string" }
    },
    strict: true
  })
  const port = integer("port", values.port, 8080, 0, 65535)
  const teachers = integer("teachers", values.teachers, 300, 1, Demo.maxTeachers)
  const tlsFiles = [values["tls-key"], values["tls-cert"], values["tls-ca"]]
  if (tlsFiles.some((f) => f !== undefined) && tlsFiles.some((f) => f === undefined)) {
    throw new Usage("--tls-key, --tls-cert and --tls-ca go together")
  }
  const tls =
    values["tls-key"] === undefined
      ? undefined
      : {
          key: readFileSync(values["tls-key"]),
          cert: readFileSync(values["tls-cert"] as string),
          ca: readFileSync(values["tls-ca"] as string)
        }
  io.err.write(`tmis server — store: ${Database.describe(Database.fromEnv(io.env))}\n`)
  const options: Server.Options = {
    host: values.host,
    port,
    ...(tls === undefined ? {} : { tls }),
    ...(values["import-dir"] === undefined ? {} : { importDir: values["import-dir"] })
  }
  const program = Effect.gen(function* () {
    if (values["seed-demo"]) yield* seedDemoRun(io, teachers)
    return yield* Layer.launch(
      Layer.effectDiscard(
        Effect.gen(function* () {
          const url = (yield* Server.url).replace(/^http:/, tls === undefined ? "http:" : "https:")
          io.out.write(`listening on ${url}\nAPI reference: ${url}/docs   OpenAPI: ${url}/openapi.json\n`)
          if (values["seed-demo"]) {
            const today = Day.of(new Date())
            io.out.write(
              `demo province's workforce report (M29.1; log in as iq-hubei first): ${url}/units/hubei/report.html?from=${today.slice(0, 4)}-01-01&to=${today}\n`
            )
          }
        })
      ).pipe(Layer.provideMerge(Server.layer(options)))
    )
  })
  const fiber = Effect.runFork(Effect.provide(program, environment(io.env)))
  const stop = () => Effect.runFork(Fiber.interrupt(fiber))
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
  const exit = await Effect.runPromise(Fiber.await(fiber))
  process.off("SIGINT", stop)
  process.off("SIGTERM", stop)
  if (Exit.isSuccess(exit) || Exit.isInterrupted(exit)) return 0
  io.err.write(`failed — ${Cause.pretty(exit.cause)}\n`)
  return ruleOf(Option.getOrUndefined(Cause.failureOption(exit.cause))) === undefined ? 4 : 3
}

/**
 * `tmis serve`: serve the HTTP API (with --seed-demo: seed the demo province into an empty store first).
 *
 * @since 0.1.0
 */
export const serve: Command = {
  name: "serve",
  summary: "serve the HTTP API (with --seed-demo: seed the demo province into an empty store first)",
  help: `tmis serve [--host 127.0.0.1] [--port 8080] [--seed-demo] [--teachers 300]
           [--tls-key file --tls-cert file --tls-ca file] [--import-dir dir]
  Serve the API; /docs is the interactive reference, /openapi.json the OpenAPI 3.1 document. With --tls-*, HTTPS
  that asks for client certificates signed by the CA (M14.2). Stops on SIGINT/SIGTERM.`,
  run: serveRun
}

/**
 * `tmis migrate`: create or update the database schema.
 *
 * @since 0.1.0
 */
export const migrate: Command = {
  name: "migrate",
  summary: "create or update the database schema",
  help: `tmis migrate
  Create or update the schema of the store (TMIS_DATABASE_URL) and exit.`,
  run: (io, args) => {
    parseArgs({ args: [...args], options: {}, strict: true })
    return run(io, Effect.void, () => {
      io.out.write(`migrated: ${Database.describe(Database.fromEnv(io.env))}\n`)
      return 0
    })
  }
}

/**
 * `tmis seed-demo`: seed the demo province into an empty store and print its accounts.
 *
 * @since 0.1.0
 */
export const seedDemo: Command = {
  name: "seed-demo",
  summary: "seed the demo province into an empty store and print its accounts",
  help: `tmis seed-demo [--teachers 300]
  Seed the demo province (Hubei) into an empty store and print the demo accounts; does nothing on a store that
  already has a root unit.`,
  run: (io, args) => {
    const { values } = parseArgs({ args: [...args], options: { teachers: { type: "string" } }, strict: true })
    return run(io, seedDemoRun(io, integer("teachers", values.teachers, 300, 1, Demo.maxTeachers)), () => 0)
  }
}
