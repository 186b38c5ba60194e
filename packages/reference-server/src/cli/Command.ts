/**
 * What every verb of the `tmis` command line shares: where it writes, its environment (the store and the
 * deployment), acting as an account, and how an outcome becomes an exit code.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { createWriteStream, type WriteStream } from "node:fs"
import { Account, Auth, type Authorization, Deployment, Refusal, Settings, Storage } from "@tmis/core"
import { Cause, Effect, Exit, Layer, Option } from "effect"
import * as Database from "../Database.js"

/**
 * A verb of the command line: its name, its line in the usage, its help and what it does.
 *
 * @since 0.1.0
 */
export interface Command {
  readonly name: string
  /** How the usage names it, when the verb takes a sub-verb ("audit verify"); else the name. */
  readonly synopsis?: string
  readonly summary: string
  readonly help: string
  /** Run with the arguments after the verb; resolves to the exit code. Throws {@link Usage} for a bad command line. */
  readonly run: (io: Io, args: ReadonlyArray<string>) => Promise<number>
}

/** A refusal of the command line itself (exit 2). */
export class Usage extends Error {}

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

export const deploymentOf = (env: Io["env"]): Deployment.Deployment => {
  const value = env.TMIS_DEPLOYMENT ?? "province:42"
  if (value === "national") return Deployment.national
  const province = /^province:(\d{2})$/.exec(value)
  if (province !== null) return Deployment.provincial(province[1]!)
  throw new Usage(`TMIS_DEPLOYMENT must be "national" or "province:<2-digit code>", not ${JSON.stringify(value)}`)
}

/** The roles that must present their bound CA certificate (M14.2): TMIS_REQUIRE_CERTIFICATE_FOR="systemAdmin,infoAdmin". */
export const policyOf = (env: Io["env"]): Account.Policy => {
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
export const environment = (env: Io["env"]) =>
  Layer.merge(Database.storageLayer(Database.fromEnv(env)), Settings.layer(deploymentOf(env), policyOf(env)))

/** What refused a command, for its message: a rule, or an object that does not exist (both exit 3). */
export const ruleOf = (error: unknown): string | undefined => {
  if (error instanceof Storage.NotFound) return `there is no ${error.entity} ${error.id}`
  return typeof error === "object" && error !== null && "rule" in error && "en" in error && "zh" in error
    ? `${String(error.rule)}: ${String(error.en)} (${String(error.zh)})`
    : undefined
}

/** Run a program against the store and map its outcome to an exit code. */
export const run = async <A>(
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
export const loggedIn = <A, E, R>(
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
export const asAccount = <A, E, R>(
  io: Io,
  accountId: string | undefined,
  use: (actor: Authorization.Actor) => Effect.Effect<A, E, R>
) => {
  if (accountId === undefined) throw new Usage("--as accountId is required: the command acts as that account")
  const password = io.env.TMIS_PASSWORD
  if (password === undefined) throw new Usage("TMIS_PASSWORD must hold the password of the --as account")
  return loggedIn(accountId, password, use)
}

export const integer = (name: string, value: string | undefined, fallback: number, min: number, max: number) => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Usage(`--${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`)
  }
  return n
}

/** A file to write, opened (or the reason it cannot be, as a failure: exit 4). */
export const openFile = (path: string) =>
  Effect.async<WriteStream, Error>((resume) => {
    const stream = createWriteStream(path)
    stream.once("open", () => resume(Effect.succeed(stream)))
    stream.once("error", (error) => resume(Effect.fail(new Error(`cannot write ${path}: ${error.message}`))))
  })

export const write = (out: NodeJS.WritableStream, text: string) =>
  Effect.async<void>((resume) => {
    if (out.write(text)) resume(Effect.void)
    else out.once("drain", () => resume(Effect.void))
  })

export const close = (stream: WriteStream) =>
  Effect.async<void, Error>((resume) => {
    stream.once("error", (error) => resume(Effect.fail(error)))
    stream.end(() => resume(Effect.void))
  })

/**
 * Print `value` as indented JSON on stdout; exit 0.
 *
 * @since 0.1.0
 */
export const json =
  (io: Io) =>
  (value: unknown): number => {
    io.out.write(`${JSON.stringify(value, null, 2)}\n`)
    return 0
  }
