/**
 * The `tmis` command line: serve, migrate, seed-demo, bootstrap, import, export, audit verify, password change and
 * reset. Every command that acts on teachers' data acts as an account (`--as`, its password in `TMIS_PASSWORD`),
 * through the same application services, authorization and audit as the HTTP API. The password commands read the
 * passwords from stdin (hidden on a terminal, one a line when piped), never from the command line.
 *
 * Exit codes: 0 done; 1 a check failed (the audit chain is broken); 2 the command line is wrong (an unknown option, a
 * file to read that is not there); 3 a rule refused (the rule id is printed) or an object named does not exist; 4 the
 * store, the configuration or a file to write failed.
 *
 * @since 0.1.0
 */
import { randomBytes, X509Certificate } from "node:crypto"
import { createWriteStream, readFileSync, statSync, type WriteStream } from "node:fs"
import { createInterface } from "node:readline"
import { Writable } from "node:stream"
import { parseArgs } from "node:util"
import {
  Account,
  Accounts,
  Analytics,
  Audit,
  Auth,
  type Authorization,
  Deployment,
  EFiles,
  type Indicator,
  Refusal,
  Reports,
  type SchoolType,
  Settings,
  StatisticsQuery,
  Storage,
  Unit,
  Units,
  Workflows
} from "@tmis/core"
import { Export, ImportFile } from "@tmis/import"
import { stringify } from "csv-stringify/sync"
import { Cause, Effect, Either, Exit, Fiber, Layer, Option, ParseResult, Schema } from "effect"
import * as Database from "./Database.js"
import * as Demo from "./Demo.js"
import * as ReportRender from "./ReportRender.js"
import * as Server from "./Server.js"

/**
 * Where a command writes, and its environment.
 *
 * @since 0.1.0
 */
export interface Io {
  readonly out: NodeJS.WritableStream
  readonly err: NodeJS.WritableStream & { readonly isTTY?: boolean }
  readonly env: Readonly<Record<string, string | undefined>>
  /** Where the password commands read passwords from (default: the process's stdin). */
  readonly in?: NodeJS.ReadableStream & { readonly isTTY?: boolean }
}

/** A refusal of the command line itself (exit 2). */
class Usage extends Error {}

const usage = `tmis — the National Teacher Management Information System reference server and tools

Usage: tmis <command> [options]

Commands:
  serve         serve the HTTP API (with --seed-demo: seed the demo province into an empty store first)
  migrate       create or update the database schema
  seed-demo     seed the demo province into an empty store and print its accounts
  bootstrap     create the deployment's root unit and its system admin, once (M15.1)
  import        import a CSV or XLSX file of teachers' basic information (M16.2)
  export        export the e-files of a unit's subtree as CSV (masked as the account may see them)
  list          list units, accounts, e-files, the inbox, processes, the audit or duplicates as JSON lines
  report        the workforce report of a unit's subtree for a period, as HTML, XLSX, PDF or JSON (M29.1)
  statistics    count a unit's subtree's teachers by one or two dimensions, small cells suppressed (M28.1)
  audit verify  verify the hash chain of the audit log (M37.1)
  password      change one's own password, or reset an account's as its system admin (M37.2), without a server

The store: TMIS_DATABASE_URL (postgres://… or a SQLite file path; default ./data/tmis.sqlite).
The deployment: TMIS_DEPLOYMENT ("national" or "province:<2-digit code>"; default province:42).
Certificates (M14.2): TMIS_REQUIRE_CERTIFICATE_FOR="systemAdmin,infoAdmin" makes those roles present their bound
CA certificate (serve with --tls-*) on every request.
Run "tmis <command> --help" for a command's options.
Exit codes: 0 done, 1 check failed, 2 bad command line (or no such input file), 3 refused by a rule,
4 store, configuration or output file failure.
`

const help: Record<string, string> = {
  serve: `tmis serve [--host 127.0.0.1] [--port 8080] [--seed-demo] [--teachers 300]
           [--tls-key file --tls-cert file --tls-ca file] [--import-dir dir]
  Serve the API; /docs is the interactive reference, /openapi.json the OpenAPI 3.1 document. With --tls-*, HTTPS
  that asks for client certificates signed by the CA (M14.2). Stops on SIGINT/SIGTERM.`,
  migrate: `tmis migrate
  Create or update the schema of the store (TMIS_DATABASE_URL) and exit.`,
  "seed-demo": `tmis seed-demo [--teachers 300]
  Seed the demo province (Hubei) into an empty store and print the demo accounts; does nothing on a store that
  already has a root unit.`,
  bootstrap: `tmis bootstrap --unit-id id --unit-name name --unit-code code [--unit-kind national|province]
               --admin-id id --admin-name name --admin-identity-number number [--valid-from YYYY-MM-DD]
               [--admin-certificate cert.pem]
  Create the root unit and its system admin once (M15.1); the admin's first password comes from
  TMIS_BOOTSTRAP_PASSWORD and must be changed at the first login. Where the deployment requires certificates for
  system admins (M14.2), bind the admin's CA certificate here: nobody above the root can bind it later.`,
  import: `tmis import <file> --unit unitId --as accountId [--format csv|xlsx] [--encoding auto|utf8|gb18030]
              [--report errors.csv] [--batch id] [--ignore-unknown]
  Import teachers' basic information into a school (M16.2), as the account (its password in TMIS_PASSWORD). Bad
  rows are written to the report with the rule that refused them, and rows kept as problem data (M17.3) as
  warnings; the good rows enter review. The batch is the file for the unit by the account, as an upload to the
  server names it: running the same import again skips the rows already in.`,
  export: `tmis export --unit unitId --as accountId [--out file.csv] [--basic-info]
  Export the e-files of the unit's subtree as CSV (UTF-8 with BOM), as the account (its password in TMIS_PASSWORD);
  masked as that account may see them, and audited (M37.1). With --basic-info: a school's basic information (基本信息)
  with Chinese headers and codes with their names, a file "tmis import" takes back (M16.2).`,
  report: `tmis report --unit unitId --as accountId --from YYYY-MM-DD --to YYYY-MM-DD [--years N] --out file.(html|xlsx|pdf|json)
  The periodic workforce report of the unit's subtree for the period (M29.1), as the account (its password in
  TMIS_PASSWORD; it must be allowed the subtree's statistics, M13.3): the statistics as of the period's last day,
  the period's changes and the supply forecast for N years (default 5, O8.1). The format follows the file's
  extension; the PDF needs Chromium (TMIS_CHROMIUM or /usr/bin/chromium).`,
  statistics: `tmis statistics --unit unitId --as accountId [--rows dimension] [--columns dimension]
           [--filter dimension=value,value …] [--as-of YYYY-MM-DD] [--population active|all]
  The teachers of the unit's subtree counted by --rows (crossed with --columns), as the account (its password in
  TMIS_PASSWORD; it must be allowed the subtree's statistics, M13.3), as JSON on stdout (M28.1): level, region,
  urbanRural, schoolType, stage, education, title, subject, gender, ageBand, payBand, status or mobility; labels in
  Chinese; cells of 1 to 4 teachers suppressed with their complementary cells.`,
  list: `tmis list units|accounts|efiles|inbox|workflows|audit|duplicates --as accountId [--unit unitId]
  Every page of a listing as the account may see it (its password in TMIS_PASSWORD), one JSON object per line on
  stdout: a unit's subtree (M12.2), its accounts (M13.2), its e-files (masked for a query-er, M13.4), the processes
  waiting for the account's unit and those it is party to (M23.1), the audit log (M37.1), the duplicate report
  (M17.4). --unit is required for units, accounts and e-files. Reads are audited as on the server.`,
  audit: `tmis audit verify
  Verify the audit log's hash chain (M37.1). Exit 0 when intact, 1 when broken (the first bad record is printed).`,
  password: `tmis password change --account accountId
tmis password reset --by systemAdminAccountId --account accountId
  change: the account changes its own password (M37.2); asks for the current password, then the new one. A wrong
  current password counts as a failed login (and can lock the account); refusals are audited.
  reset: the account's manager — its unit's system admin (M13.2), the system admin above for a system admin (M15.1),
  a school's system admin for teachers (M13.5) — resets the password without its version, which also unlocks it
  (M37.2); asks for the --by account's own password (it logs in as that account), then the new initial password,
  which the account must change at its next login.
  Passwords are read from stdin: hidden prompts on a terminal, else one a line (current or --by password first),
  never from the command line.`
}

const deploymentOf = (env: Io["env"]): Deployment.Deployment => {
  const value = env.TMIS_DEPLOYMENT ?? "province:42"
  if (value === "national") return Deployment.national
  const province = /^province:(\d{2})$/.exec(value)
  if (province !== null) return Deployment.provincial(province[1]!)
  throw new Usage(`TMIS_DEPLOYMENT must be "national" or "province:<2-digit code>", not ${JSON.stringify(value)}`)
}

/** The roles that must present their bound CA certificate (M14.2): TMIS_REQUIRE_CERTIFICATE_FOR="systemAdmin,infoAdmin". */
const policyOf = (env: Io["env"]): Account.Policy => {
  const roles = (env.TMIS_REQUIRE_CERTIFICATE_FOR ?? "")
    .split(",")
    .map((r) => r.trim())
    .filter((r) => r !== "")
  const unknown = roles.filter((r) => !Account.Role.literals.includes(r as Account.Role))
  if (unknown.length > 0) {
    throw new Usage(
      `TMIS_REQUIRE_CERTIFICATE_FOR names no role ${unknown.join(", ")}: use ${Account.Role.literals.join(", ")}`
    )
  }
  return { ...Account.defaultPolicy, requireCertificateFor: roles as Array<Account.Role> }
}

/** The store and the deployment's settings, from the environment. */
const environment = (env: Io["env"]) =>
  Layer.merge(Database.storageLayer(Database.fromEnv(env)), Settings.layer(deploymentOf(env), policyOf(env)))

/** What refused a command, for its message: a rule, or an object that does not exist (both exit 3). */
const ruleOf = (error: unknown): string | undefined => {
  if (error instanceof Storage.NotFound) return `there is no ${error.entity} ${error.id}`
  return typeof error === "object" && error !== null && "rule" in error && "en" in error && "zh" in error
    ? `${String(error.rule)}: ${String(error.en)} (${String(error.zh)})`
    : undefined
}

/** Run a program against the store and map its outcome to an exit code. */
const run = async <A>(
  io: Io,
  program: Effect.Effect<A, unknown, Storage.Storage | Settings.Settings>,
  onSuccess: (a: A) => number
): Promise<number> => {
  const exit = await Effect.runPromiseExit(Effect.provide(program, environment(io.env)))
  if (Exit.isSuccess(exit)) return onSuccess(exit.value)
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) {
    const rule = ruleOf(failure.value)
    if (rule !== undefined) {
      io.err.write(`refused — ${rule}\n`)
      return 3
    }
    const error = failure.value
    io.err.write(`failed — ${error instanceof Error ? error.message : JSON.stringify(error)}\n`)
    return 4
  }
  io.err.write(`failed — ${Cause.pretty(exit.cause)}\n`)
  return 4
}

/**
 * Log in as the account with its password (the core's login: a wrong password counts as a failed login and is
 * audited) for the length of `use`, then log out.
 */
const loggedIn = <A, E, R>(
  accountId: string,
  password: string,
  use: (actor: Authorization.Actor) => Effect.Effect<A, E, R>
) => {
  const sessionId = randomBytes(32).toString("hex")
  return Effect.gen(function* () {
    const login = yield* Auth.login(accountId, password, sessionId)
    if (login.outcome !== "ok") {
      return yield* Effect.fail(
        Refusal.invalid(
          "M37.2",
          "须先修改初始口令",
          `${accountId} must change its initial password first (tmis password change --account ${accountId}, or POST /auth/password on the server)`,
          { field: "accountId", value: accountId }
        )
      )
    }
    const actor = yield* Auth.session(sessionId)
    return yield* Effect.ensuring(use(actor), Effect.orDie(Auth.logout(sessionId)))
  })
}

/** Log in as `--as` with TMIS_PASSWORD for the length of `use`, then log out. */
const asAccount = <A, E, R>(
  io: Io,
  accountId: string | undefined,
  use: (actor: Authorization.Actor) => Effect.Effect<A, E, R>
) => {
  if (accountId === undefined) throw new Usage("--as accountId is required: the command acts as that account")
  const password = io.env.TMIS_PASSWORD
  if (password === undefined) throw new Usage("TMIS_PASSWORD must hold the password of the --as account")
  return loggedIn(accountId, password, use)
}

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
}

const seedDemo = (io: Io, teachers: number) =>
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

const integer = (name: string, value: string | undefined, fallback: number, min: number, max: number) => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Usage(`--${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`)
  }
  return n
}

const serve = async (io: Io, args: ReadonlyArray<string>): Promise<number> => {
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
    if (values["seed-demo"]) yield* seedDemo(io, teachers)
    return yield* Layer.launch(
      Layer.effectDiscard(
        Effect.gen(function* () {
          const url = (yield* Server.url).replace(/^http:/, tls === undefined ? "http:" : "https:")
          io.out.write(`listening on ${url}\nAPI reference: ${url}/docs   OpenAPI: ${url}/openapi.json\n`)
          if (values["seed-demo"]) {
            const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)
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

/** The binding of a PEM certificate file: its SHA-256 fingerprint and validity (M14.2). */
const certificateOf = (path: string) => {
  const certificate = new X509Certificate(readFileSync(path))
  return {
    fingerprint: certificate.fingerprint256.replaceAll(":", "").toLowerCase(),
    notBefore: new Date(certificate.validFrom).toISOString(),
    notAfter: new Date(certificate.validTo).toISOString()
  }
}

const bootstrap = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      "unit-id": { type: "string" },
      "unit-name": { type: "string" },
      "unit-code": { type: "string" },
      "unit-kind": { type: "string" },
      "valid-from": { type: "string" },
      "admin-id": { type: "string" },
      "admin-name": { type: "string" },
      "admin-identity-number": { type: "string" },
      "admin-certificate": { type: "string" }
    },
    strict: true
  })
  const required = ["unit-id", "unit-name", "unit-code", "admin-id", "admin-name", "admin-identity-number"] as const
  const missing = required.filter((name) => values[name] === undefined)
  if (missing.length > 0) throw new Usage(`missing ${missing.map((m) => `--${m}`).join(", ")}`)
  const password = io.env.TMIS_BOOTSTRAP_PASSWORD
  if (password === undefined)
    throw new Usage("TMIS_BOOTSTRAP_PASSWORD must hold the root system admin's first password")
  const certificate = values["admin-certificate"] === undefined ? undefined : certificateOf(values["admin-certificate"])
  const deployment = deploymentOf(io.env)
  const kind = values["unit-kind"] ?? (deployment._tag === "National" ? "national" : "province")
  if (!Unit.Kind.literals.includes(kind as Unit.Kind))
    throw new Usage(`--unit-kind ${JSON.stringify(kind)} is not a unit kind`)
  return run(
    io,
    Effect.gen(function* () {
      const stored = yield* Accounts.bootstrap(
        {
          id: values["unit-id"] as string,
          kind: kind as Unit.Kind,
          name: values["unit-name"] as string,
          code: values["unit-code"] as string,
          validFrom: values["valid-from"] ?? new Date().toISOString().slice(0, 10)
        },
        {
          id: values["admin-id"] as string,
          person: { name: values["admin-name"] as string, identityNumber: values["admin-identity-number"] as string },
          ...(certificate === undefined ? {} : { certificate })
        }
      )
      yield* Auth.bootstrapPassword(stored.value.id, password)
      return stored.value
    }),
    (account) => {
      io.out.write(
        `bootstrapped: ${account.id} is the system admin of ${account.unitId}; change the password at the first login\n`
      )
      return 0
    }
  )
}

const importFile = (io: Io, args: ReadonlyArray<string>) => {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      unit: { type: "string" },
      as: { type: "string" },
      format: { type: "string" },
      encoding: { type: "string" },
      report: { type: "string" },
      batch: { type: "string" },
      "ignore-unknown": { type: "boolean", default: false }
    },
    strict: true
  })
  const path = positionals[0]
  if (path === undefined || positionals.length > 1) throw new Usage("give exactly one file to import")
  // The file named on the command line must be there: that is the command line's fault (2), not a rule's (3). A file
  // that is there but cannot be read (permissions) is left to the importer, which names why.
  const found = (() => {
    try {
      return statSync(path, { throwIfNoEntry: false }) ?? "missing"
    } catch {
      return undefined
    }
  })()
  if (found === "missing") throw new Usage(`there is no file ${path} to import`)
  if (found !== undefined && !found.isFile())
    throw new Usage(`${path} is not a file: give the CSV or XLSX file to import`)
  if (values.unit === undefined) throw new Usage("--unit unitId is required: the school the file is for")
  if (values.format !== undefined && values.format !== "csv" && values.format !== "xlsx") {
    throw new Usage(`--format must be csv or xlsx, not ${JSON.stringify(values.format)}`)
  }
  const encodings = ["auto", "utf8", "gb18030"]
  if (values.encoding !== undefined && !encodings.includes(values.encoding)) {
    throw new Usage(`--encoding must be one of ${encodings.join(", ")}, not ${JSON.stringify(values.encoding)}`)
  }
  const unitId = values.unit
  return run(
    io,
    asAccount(io, values.as, (actor) =>
      Effect.gen(function* () {
        // Refuse an account that may not write there before reading its file (M14.3 first, not M16.2).
        const unit = (yield* Units.load(unitId)).value
        yield* Units.authorize(actor, { _tag: "WriteTeacher", unit: Units.ref(unit) })
        return unit
      }).pipe(
        Effect.zipRight(
          ImportFile.run(path, {
            actor,
            unitId,
            report: values.report ?? `${path}.errors.csv`,
            ignoreUnknown: values["ignore-unknown"],
            progressStream: io.err as NodeJS.WriteStream,
            ...(values.batch === undefined ? {} : { batchId: values.batch }),
            ...(values.format === undefined ? {} : { format: values.format as "csv" | "xlsx" }),
            ...(values.encoding === undefined ? {} : { encoding: values.encoding as "auto" | "utf8" | "gb18030" })
          })
        )
      )
    ),
    (summary) => {
      // The progress bar printed the counts when it stopped.
      // Every row read is counted once: accepted + rejected + skipped = rows read.
      const flagged = summary.flagged > 0 ? ` (${summary.flagged} as problem data: see the report)` : ""
      io.out.write(
        `batch ${summary.batchId}: ${summary.accepted} accepted${flagged}, ${summary.rejected} rejected, ${summary.skipped} skipped (already imported) of ${summary.rowsRead} rows read\n`
      )
      if (summary.report !== undefined) io.out.write(`error report: ${summary.report}\n`)
      return 0
    }
  )
}

/** A file to write, opened (or the reason it cannot be, as a failure: exit 4). */
const openFile = (path: string) =>
  Effect.async<WriteStream, Error>((resume) => {
    const stream = createWriteStream(path)
    stream.once("open", () => resume(Effect.succeed(stream)))
    stream.once("error", (error) => resume(Effect.fail(new Error(`cannot write ${path}: ${error.message}`))))
  })

const write = (out: NodeJS.WritableStream, text: string) =>
  Effect.async<void>((resume) => {
    if (out.write(text)) resume(Effect.void)
    else out.once("drain", () => resume(Effect.void))
  })

const close = (stream: WriteStream) =>
  Effect.async<void, Error>((resume) => {
    stream.once("error", (error) => resume(Effect.fail(error)))
    stream.end(() => resume(Effect.void))
  })

const exportColumns = ["id", "name", "idType", "idNumber", "status", "stage", "unitId", "createdAt"] as const

const exportFiles = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      unit: { type: "string" },
      as: { type: "string" },
      out: { type: "string" },
      "basic-info": { type: "boolean" }
    },
    strict: true
  })
  const unitId = values.unit
  if (unitId === undefined) throw new Usage("--unit unitId is required: the subtree to export")
  if (values["basic-info"] === true) return exportBasicInfo(io, unitId, values.as, values.out)
  return run(
    io,
    asAccount(io, values.as, (actor) =>
      Effect.gen(function* () {
        // The first page first: a refused export writes nothing, not even the header.
        let page = yield* EFiles.list(actor, unitId, { limit: 1000 })
        const out = values.out === undefined ? io.out : yield* openFile(values.out)
        yield* write(out, `\uFEFF${stringify([[...exportColumns]])}`)
        let rows = 0
        for (;;) {
          yield* write(out, stringify(page.items.map((efile) => exportColumns.map((c) => efile[c]))))
          rows += page.items.length
          if (io.err.isTTY === true) io.err.write(`\rexported ${rows} e-files`)
          if (page.next === undefined) break
          page = yield* EFiles.list(actor, unitId, { after: page.next, limit: 1000 })
        }
        if (out !== io.out) yield* close(out as WriteStream)
        return rows
      })
    ),
    (rows) => {
      io.err.write(`${io.err.isTTY === true ? "\n" : ""}exported ${rows} e-files\n`)
      return 0
    }
  )
}

/**
 * The basic information (基本信息) of a school's e-files, as the school's import file (M16.2): Chinese headers, codes
 * with their names; each e-file read as the account may read it (masked for a query-er, audited, M37.1). One school
 * at a time, since the columns are its stage's.
 */
const exportBasicInfo = (io: Io, unitId: string, as: string | undefined, path: string | undefined) =>
  run(
    io,
    asAccount(io, as, (actor) =>
      Effect.gen(function* () {
        const { indicators } = yield* Settings.Settings
        const records: Array<Indicator.IndicatorRecord> = []
        let stage: SchoolType.Stage | undefined
        let after: string | undefined
        do {
          const page = yield* EFiles.list(actor, unitId, { after, limit: 1000 })
          for (const listed of page.items) {
            if (stage !== undefined && listed.stage !== stage) {
              return yield* Effect.fail(new Error("the basic information is exported one school (one stage) at a time"))
            }
            stage = listed.stage
            const read = yield* EFiles.read(actor, listed.id)
            const basicInfo = read.entries.find((e) => e.group === "basicInfo")
            if (basicInfo !== undefined) records.push(basicInfo.data)
          }
          after = page.next
        } while (after !== undefined)
        const out = path === undefined ? io.out : yield* openFile(path)
        if (stage !== undefined) yield* write(out, `\uFEFF${Export.csv(indicators, "basicInfo", stage, records)}`)
        if (out !== io.out) yield* close(out as WriteStream)
        return records.length
      })
    ),
    (rows) => {
      io.err.write(`exported the basic information of ${rows} e-files\n`)
      return 0
    }
  )

/** `tmis report`: generate the report as the account and write it in the format of the file's extension. */
const reportCommand = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      unit: { type: "string" },
      as: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      years: { type: "string" },
      out: { type: "string" }
    },
    strict: true
  })
  const { unit, from, to, out } = values
  if (unit === undefined || from === undefined || to === undefined || out === undefined) {
    throw new Usage("--unit, --from, --to and --out are required")
  }
  const format = /\.(html|xlsx|pdf|json)$/i.exec(out)?.[1]?.toLowerCase()
  if (format === undefined) throw new Usage("--out must end in .html, .xlsx, .pdf or .json")
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to))
    throw new Usage("--from and --to are days, YYYY-MM-DD")
  const years = integer("years", values.years, 5, 1, 30)
  return run(
    io,
    asAccount(io, values.as, (actor) =>
      Effect.gen(function* () {
        const report = yield* Reports.generate(actor, { unitId: unit, period: { from, to }, years }, Analytics.run)
        const bytes = yield* Effect.tryPromise({
          try: async () =>
            format === "json"
              ? JSON.stringify(report, null, 2)
              : format === "html"
                ? ReportRender.html(report)
                : format === "xlsx"
                  ? await ReportRender.xlsx(report)
                  : await ReportRender.pdf(ReportRender.html(report)),
          catch: (error) => new Error(`cannot render the report: ${String(error)}`)
        })
        const file = yield* openFile(out)
        yield* Effect.async<void, Error>((resume) => {
          file.end(bytes, () => resume(Effect.void))
          file.once("error", (error) => resume(Effect.fail(new Error(`cannot write ${out}: ${error.message}`))))
        })
        return report
      })
    ),
    (report) => {
      io.err.write(`report of ${report.unit.name} for ${from} to ${to} written to ${out}\n`)
      return 0
    }
  )
}

/** `tmis statistics`: answer a statistics query as the account, the result as JSON on stdout. */
const statisticsCommand = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      unit: { type: "string" },
      as: { type: "string" },
      rows: { type: "string" },
      columns: { type: "string" },
      filter: { type: "string", multiple: true },
      "as-of": { type: "string" },
      population: { type: "string" }
    },
    strict: true
  })
  if (values.unit === undefined) throw new Usage("--unit is required")
  const filters = (values.filter ?? []).map((f) => {
    const [dimension, list] = f.split("=")
    if (dimension === undefined || list === undefined || list === "") {
      throw new Usage(`--filter is dimension=value,value: ${JSON.stringify(f)}`)
    }
    return { dimension, values: list.split(",") }
  })
  const query = Schema.decodeUnknownEither(StatisticsQuery.Query)({
    unitId: values.unit,
    ...(values.rows === undefined ? {} : { rows: values.rows }),
    ...(values.columns === undefined ? {} : { columns: values.columns }),
    ...(values["as-of"] === undefined ? {} : { asOf: values["as-of"] }),
    ...(values.population === undefined ? {} : { population: values.population }),
    ...(filters.length === 0 ? {} : { filters })
  })
  if (Either.isLeft(query)) {
    throw new Usage(`not a statistics query: ${ParseResult.TreeFormatter.formatErrorSync(query.left)}`)
  }
  return run(
    io,
    asAccount(io, values.as, (actor) => Analytics.run(actor, query.right)),
    (result) => {
      io.out.write(`${JSON.stringify(result, null, 2)}\n`)
      return 0
    }
  )
}

/** What `tmis list` lists, each as the account may see it, one JSON object per line, identity numbers left out. */
const listings = {
  units: (actor: Authorization.Actor, unitId: string, page: Storage.PageRequest) =>
    Effect.map(Units.subtree(actor, unitId, page), (p) => ({
      ...p,
      items: p.items.map(({ id, kind, parentId, path, name, code, status, validFrom }) => ({
        id,
        kind,
        parentId,
        path,
        name,
        code,
        status,
        validFrom
      }))
    })),
  accounts: (actor: Authorization.Actor, unitId: string, page: Storage.PageRequest) =>
    Effect.map(Accounts.list(actor, unitId, page), (p) => ({
      ...p,
      items: p.items.map(({ value, version }) => ({
        id: value.id,
        role: value.role,
        unitId: value.unitId,
        status: value.status,
        name: value.person.name,
        version
      }))
    })),
  efiles: (actor: Authorization.Actor, unitId: string, page: Storage.PageRequest) => EFiles.list(actor, unitId, page),
  inbox: (actor: Authorization.Actor, _unitId: string, page: Storage.PageRequest) =>
    Effect.map(Workflows.inbox(actor, {}, page), (p) => ({ ...p, items: p.items.map(workflowLine) })),
  workflows: (actor: Authorization.Actor, _unitId: string, page: Storage.PageRequest) =>
    Effect.map(Workflows.partyTo(actor, {}, page), (p) => ({ ...p, items: p.items.map(workflowLine) })),
  audit: (actor: Authorization.Actor, _unitId: string, page: Storage.PageRequest) =>
    Effect.map(Audit.search(actor, {}, page), (p) => ({ ...p, items: p.items.map(({ prevHash: _, ...r }) => r) })),
  duplicates: (actor: Authorization.Actor, _unitId: string, page: Storage.PageRequest) => EFiles.duplicates(actor, page)
} as const

/** A process as a listing line: its parties and state, not the teacher's identity number its context holds. */
const workflowLine = ({ value, version }: Storage.Versioned<Storage.Workflow>) => ({
  id: value.id,
  kind: value.kind,
  state: value.state,
  open: value.open,
  teacherId: value.teacherId,
  from: value.context.from.id,
  to: value.context.to.id,
  version
})

/** `tmis list <what>`: every page of a listing, for an operator's scripts. */
const list = (io: Io, args: ReadonlyArray<string>) => {
  const [what, ...rest] = args
  if (what === undefined || !(what in listings)) {
    throw new Usage(`tmis list ${Object.keys(listings).join("|")} --as accountId [--unit unitId]`)
  }
  const { values } = parseArgs({
    args: rest,
    options: { unit: { type: "string" }, as: { type: "string" } },
    strict: true
  })
  const needsUnit = what === "units" || what === "accounts" || what === "efiles"
  if (needsUnit && values.unit === undefined)
    throw new Usage(`--unit unitId is required: the unit whose ${what} to list`)
  const listing = listings[what as keyof typeof listings]
  return run(
    io,
    asAccount(io, values.as, (actor) =>
      Effect.gen(function* () {
        let count = 0
        let after: string | undefined
        do {
          const page = yield* listing(actor, values.unit ?? "", { after, limit: 1000 })
          for (const item of page.items as ReadonlyArray<unknown>) yield* write(io.out, `${JSON.stringify(item)}\n`)
          count += page.items.length
          after = page.next
        } while (after !== undefined)
        return count
      })
    ),
    (count) => {
      io.err.write(`listed ${count} ${what}\n`)
      return 0
    }
  )
}

const auditVerify = (io: Io) =>
  run(io, Audit.verifyAuditLog, (result) => {
    if (result._tag === "Intact") {
      io.out.write(`audit log intact: ${result.records} records, head ${result.head}\n`)
      return 0
    }
    io.out.write(`audit log BROKEN at record ${result.seq} (${result.reason}); ${result.records} records read\n`)
    return 1
  })

/**
 * Read passwords from `io.in`: on a terminal each after a prompt on stderr, without echo; otherwise one a line, with
 * no prompt (so that a script can pipe them). A missing line is a wrong command line (exit 2).
 */
const readPasswords = async (
  io: Io,
  prompts: ReadonlyArray<string>,
  confirm: ReadonlyArray<boolean>
): Promise<Array<string>> => {
  const input = io.in ?? process.stdin
  const tty = input.isTTY === true
  // On a terminal readline echoes what is typed to its output: a sink, so that the password is not shown.
  const muted = new Writable({ write: (_chunk, _encoding, callback) => callback() })
  const lines = createInterface({
    input,
    crlfDelay: Number.POSITIVE_INFINITY,
    ...(tty ? { output: muted, terminal: true } : { terminal: false })
  })
  const iterator = lines[Symbol.asyncIterator]()
  const line = async (prompt: string) => {
    if (tty) io.err.write(`${prompt}: `)
    const next = await iterator.next()
    if (tty) io.err.write("\n")
    if (next.done === true) throw new Usage(`stdin ended before ${prompt.toLowerCase()}: give it one a line`)
    return next.value
  }
  try {
    const passwords: Array<string> = []
    for (const [k, prompt] of prompts.entries()) {
      const password = await line(prompt)
      if (password === "") throw new Usage(`${prompt} is empty`)
      if (tty && confirm[k] === true && (await line(`${prompt} (again)`)) !== password) {
        throw new Usage(`the two entries of ${prompt.toLowerCase()} differ`)
      }
      passwords.push(password)
    }
    return passwords
  } finally {
    lines.close()
  }
}

const passwordChange = async (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({ args: [...args], options: { account: { type: "string" } }, strict: true })
  const accountId = values.account
  if (accountId === undefined) throw new Usage("--account accountId is required: the account whose password changes")
  const [current, next] = await readPasswords(
    io,
    [`Current password of ${accountId}`, `New password of ${accountId}`],
    [false, true]
  )
  return run(io, Auth.changePassword(accountId, current!, next!), (changed) => {
    io.out.write(
      `password changed: ${changed.accountId} (credential version ${changed.version}); its sessions have ended\n`
    )
    return 0
  })
}

const passwordReset = async (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...args],
    options: { by: { type: "string" }, account: { type: "string" } },
    strict: true
  })
  const by = values.by
  const accountId = values.account
  if (by === undefined) throw new Usage("--by accountId is required: the system admin who resets the password")
  if (accountId === undefined) throw new Usage("--account accountId is required: the account whose password is reset")
  const [own, initial] = await readPasswords(
    io,
    [`Password of ${by}`, `New initial password of ${accountId}`],
    [false, true]
  )
  return run(
    io,
    loggedIn(by, own!, (actor) => Auth.resetPassword(actor, accountId, initial!)),
    (reset) => {
      io.out.write(
        `password reset: ${reset.accountId} by ${by} (credential version ${reset.version}); unlocked, its sessions have ended, and the new password must be changed at the first login\n`
      )
      return 0
    }
  )
}

/**
 * Run the command line; resolves to the exit code.
 *
 * @since 0.1.0
 */
export const main = async (
  argv: ReadonlyArray<string>,
  io: Io = { out: process.stdout, err: process.stderr, env: process.env }
): Promise<number> => {
  const [command, ...rest] = argv
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      io.out.write(usage)
      return command === undefined ? 2 : 0
    }
    const topic = command === "audit" ? "audit" : command
    if (rest.includes("--help") || rest.includes("-h")) {
      const text = help[topic]
      if (text === undefined) throw new Usage(`unknown command ${JSON.stringify(command)}`)
      io.out.write(`${text}\n`)
      return 0
    }
    switch (command) {
      case "serve":
        return await serve(io, rest)
      case "migrate":
        parseArgs({ args: rest, options: {}, strict: true })
        return await run(io, Effect.void, () => {
          io.out.write(`migrated: ${Database.describe(Database.fromEnv(io.env))}\n`)
          return 0
        })
      case "seed-demo": {
        const { values } = parseArgs({ args: rest, options: { teachers: { type: "string" } }, strict: true })
        return await run(io, seedDemo(io, integer("teachers", values.teachers, 300, 1, Demo.maxTeachers)), () => 0)
      }
      case "bootstrap":
        return await bootstrap(io, rest)
      case "import":
        return await importFile(io, rest)
      case "export":
        return await exportFiles(io, rest)
      case "list":
        return await list(io, rest)
      case "report":
        return await reportCommand(io, rest)
      case "statistics":
        return await statisticsCommand(io, rest)
      case "audit":
        if (rest[0] !== "verify" || rest.length > 1) throw new Usage('the audit command is "tmis audit verify"')
        return await auditVerify(io)
      case "password": {
        const [action, ...options] = rest
        if (action === "change") return await passwordChange(io, options)
        if (action === "reset") return await passwordReset(io, options)
        throw new Usage('the password command is "tmis password change" or "tmis password reset"')
      }
      default:
        throw new Usage(`unknown command ${JSON.stringify(command)}`)
    }
  } catch (error) {
    // parseArgs throws TypeErrors with codes ERR_PARSE_ARGS_* for unknown or malformed options.
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : ""
    if (error instanceof Usage || code.startsWith("ERR_PARSE_ARGS")) {
      io.err.write(`tmis: ${(error as Error).message}\nRun "tmis --help" for the commands.\n`)
      return 2
    }
    throw error
  }
}
