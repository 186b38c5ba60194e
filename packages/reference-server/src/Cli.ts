/**
 * The `tmis` command line: serve, migrate, seed-demo, bootstrap, import, export, list, report, statistics, training,
 * registration, audit verify, password change and reset, exchange. Every command that acts on teachers' data acts as
 * an account (`--as`, its password in `TMIS_PASSWORD`), through the same application services, authorization and
 * audit as the HTTP API. The password commands read the passwords from stdin (hidden on a terminal, one a line when
 * piped), never from the command line.
 *
 * Exit codes: 0 done; 1 a check failed (the audit chain is broken); 2 the command line is wrong (an unknown option, a
 * file to read that is not there); 3 a rule refused (the rule id is printed) or an object named does not exist; 4 the
 * store, the configuration or a file to write failed.
 *
 * @since 0.1.0
 */
import { audit } from "./cli/Audit.js"
import { bootstrap } from "./cli/Bootstrap.js"
import { type Command, type Io, Usage } from "./cli/Command.js"
import { exchange } from "./cli/Exchange.js"
import { exportCommand } from "./cli/Export.js"
import { importCommand } from "./cli/Import.js"
import { list } from "./cli/List.js"
import { password } from "./cli/Password.js"
import { registration } from "./cli/Registration.js"
import { report } from "./cli/Report.js"
import { migrate, seedDemo, serve } from "./cli/Serve.js"
import { statistics } from "./cli/Statistics.js"
import { training } from "./cli/Training.js"

export type { Command, Io } from "./cli/Command.js"

/** The verbs, in the order the usage lists them: each in its own module under `cli/`. */
const commands: ReadonlyArray<Command> = [
  serve,
  migrate,
  seedDemo,
  bootstrap,
  importCommand,
  exportCommand,
  list,
  report,
  statistics,
  training,
  registration,
  audit,
  password,
  exchange
]

const usage = `tmis — the National Teacher Management Information System reference server and tools

Usage: tmis <command> [options]

Commands:
${commands.map((c) => `  ${(c.synopsis ?? c.name).padEnd(13)} ${c.summary}`).join("\n")}

The store: --database URL (any command) or TMIS_DATABASE_URL: postgres://…, mysql://… (MySQL or MariaDB) or a
SQLite file path; default ./data/tmis.sqlite.
The deployment: TMIS_DEPLOYMENT ("national" or "province:<2-digit code>"; default province:42).
Certificates (M14.2): TMIS_REQUIRE_CERTIFICATE_FOR="systemAdmin,infoAdmin" makes those roles present their bound
CA certificate (serve with --tls-*) on every request.
Run "tmis <command> --help" for a command's options.
Exit codes: 0 done, 1 check failed, 2 bad command line (or no such input file), 3 refused by a rule,
4 store, configuration or output file failure.
`

/**
 * `--database URL` (or `--database=URL`), anywhere on the line, for every command: the store of this run, over
 * TMIS_DATABASE_URL. Taken out before the command reads its own options.
 */
const databaseOption = (
  argv: ReadonlyArray<string>,
  io: Io
): { readonly argv: ReadonlyArray<string>; readonly io: Io } => {
  const rest: Array<string> = []
  let url: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--database") {
      url = argv[++i]
      if (url === undefined || url.startsWith("--")) throw new Usage("--database needs a URL or a SQLite file path")
    } else if (arg.startsWith("--database=")) url = arg.slice("--database=".length)
    else rest.push(arg)
  }
  return url === undefined ? { argv, io } : { argv: rest, io: { ...io, env: { ...io.env, TMIS_DATABASE_URL: url } } }
}

/**
 * Run the command line; resolves to the exit code.
 *
 * @since 0.1.0
 */
export const main = async (
  argv: ReadonlyArray<string>,
  given: Io = { out: process.stdout, err: process.stderr, env: process.env }
): Promise<number> => {
  let io = given
  try {
    const database = databaseOption(argv, given)
    io = database.io
    const [command, ...rest] = database.argv
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      io.out.write(usage)
      return command === undefined ? 2 : 0
    }
    const verb = commands.find((c) => c.name === command)
    if (verb === undefined) throw new Usage(`unknown command ${JSON.stringify(command)}`)
    if (rest.includes("--help") || rest.includes("-h")) {
      io.out.write(`${verb.help}\n`)
      return 0
    }
    return await verb.run(io, rest)
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
