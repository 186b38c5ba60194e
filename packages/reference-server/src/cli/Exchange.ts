/**
 * The `tmis` command line: `exchange` — the province → national exchange by files (M32.1). The same services and the
 * same rule as the HTTP endpoints (`Exchange.decideOperator`: an info admin of the deployment's top unit, `--as`),
 * the keys from the same configuration (`ExchangeKeys.fromEnv`). A package is a directory of its files, as
 * `ExchangePackage.toFiles` writes them.
 *
 * @since 0.1.0
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { Exchange, ExchangePackage, Refusal, type Settings, type Storage, TransfersAcross } from "@tmis/core"
import { Effect, Either, Option } from "effect"
import * as ExchangeKeys from "../ExchangeKeys.js"
import { asAccount, type Command, type Io, integer, run, Usage } from "./Command.js"

const keyOf = (value: string | undefined, variable: string) =>
  value === undefined
    ? Effect.fail(
        Refusal.invalid(
          "M32.1",
          "本系统未配置交换密钥",
          `this deployment has no exchange key configured (${variable})`,
          {
            field: variable
          }
        )
      )
    : Effect.succeed(value)

/** Write a package as a new directory under `out`, whole or not at all (written aside, then renamed). */
const writePackage = (out: string, pkg: ExchangePackage.Package) =>
  Effect.promise(async () => {
    // A transfer package names its recipient too: a province numbers its packages to each other province apart.
    const kind = pkg.manifest.kind === "transfer" ? `transfer-${pkg.manifest.province}` : pkg.manifest.kind
    const name = `${pkg.manifest.issuer}-${kind}-${String(pkg.manifest.sequence).padStart(6, "0")}`
    const dir = join(out, name)
    const partial = `${dir}.partial`
    await rm(partial, { recursive: true, force: true })
    await mkdir(partial, { recursive: true })
    for (const [file, text] of Object.entries(ExchangePackage.toFiles(pkg))) await writeFile(join(partial, file), text)
    await rm(dir, { recursive: true, force: true })
    await rename(partial, dir)
    return dir
  })

const readPackage = (dir: string) =>
  Effect.flatMap(
    Effect.tryPromise({
      try: async () => {
        const files: Record<string, string> = {}
        for (const name of await readdir(dir)) files[name] = await readFile(join(dir, name), "utf8")
        return files
      },
      catch: (e) => new Error(`cannot read the package ${dir}: ${(e as Error).message}`)
    }),
    (files) => Either.match(ExchangePackage.fromFiles(files), { onLeft: Effect.fail, onRight: Effect.succeed })
  )

const printOutcome = (io: Io, dir: string, o: Exchange.Outcome) =>
  io.out.write(`${dir}: ${o.outcome} — ${o.issuer} package ${o.sequence}, ${o.rows} rows, digest ${o.digest}\n`)

const operator = <A, E, R>(io: Io, as: string | undefined, f: Effect.Effect<A, E, R>) =>
  asAccount(io, as, (actor) => Effect.zipRight(Exchange.authorizeOperator(actor), f))

/**
 * Sign the next package (`next`, given this deployment's private key) and write it under `out`; `nothing` is printed
 * when there is none.
 */
const exportTo = <E, R extends Storage.Storage | Settings.Settings>(
  io: Io,
  as: string | undefined,
  out: string,
  next: (privateKey: string) => Effect.Effect<Option.Option<ExchangePackage.Package>, E, R>,
  nothing: string
) => {
  const keys = ExchangeKeys.fromEnv(io.env)
  return run(
    io,
    operator(
      io,
      as,
      Effect.gen(function* () {
        const pkg = yield* next(yield* keyOf(keys.privateKey, "TMIS_EXCHANGE_PRIVATE_KEY"))
        return Option.isNone(pkg) ? undefined : yield* writePackage(out, pkg.value)
      })
    ),
    (dir) => {
      io.out.write(dir === undefined ? `${nothing}\n` : `${dir}\n`)
      return 0
    }
  )
}

const exportRun = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...args],
    options: { as: { type: "string" }, out: { type: "string" }, "max-events": { type: "string" } },
    strict: true
  })
  const out = values.out
  if (out === undefined) throw new Usage("--out DIR is required: where the package's directory is written")
  const maxEvents = integer("max-events", values["max-events"], 100_000, 1, 100_000)
  return exportTo(
    io,
    values.as,
    out,
    (privateKey) => Exchange.exportNext({ privateKey, maxEvents }),
    "nothing changed since the last package: nothing exported"
  )
}

/** Ingest the package directories named, in the order given, printing each outcome. */
const ingestDirs = <E, R extends Storage.Storage | Settings.Settings>(
  io: Io,
  args: ReadonlyArray<string>,
  what: string,
  ingest: (pkg: ExchangePackage.Package, keys: Exchange.KeyRegistry) => Effect.Effect<Exchange.Outcome, E, R>
) => {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { as: { type: "string" } },
    allowPositionals: true,
    strict: true
  })
  if (positionals.length === 0) throw new Usage(`name the ${what} directories to ingest, in sequence order`)
  const keys = ExchangeKeys.fromEnv(io.env)
  return run(
    io,
    operator(
      io,
      values.as,
      Effect.forEach(positionals, (dir) =>
        Effect.flatMap(readPackage(dir), (pkg) =>
          Effect.tap(ingest(pkg, keys.provinces), (o) => Effect.sync(() => printOutcome(io, dir, o)))
        )
      )
    ),
    () => 0
  )
}

const ingestRun = (io: Io, args: ReadonlyArray<string>) => ingestDirs(io, args, "package", Exchange.ingest)

const feedbackRun = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...args],
    options: { as: { type: "string" }, out: { type: "string" }, province: { type: "string" } },
    strict: true
  })
  const { out, province } = values
  if (out === undefined) throw new Usage("--out DIR is required: where the feedback's directory is written")
  if (province === undefined || !/^\d{2}$/.test(province)) {
    throw new Usage("--province CODE is required: the province's two GB/T 2260 digits")
  }
  const keys = ExchangeKeys.fromEnv(io.env)
  return run(
    io,
    operator(
      io,
      values.as,
      Effect.gen(function* () {
        const privateKey = yield* keyOf(keys.privateKey, "TMIS_EXCHANGE_PRIVATE_KEY")
        return yield* writePackage(out, yield* Exchange.feedback(province, { privateKey }))
      })
    ),
    (dir) => {
      io.out.write(`${dir}\n`)
      return 0
    }
  )
}

const importFeedbackRun = (io: Io, args: ReadonlyArray<string>) => {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { as: { type: "string" } },
    allowPositionals: true,
    strict: true
  })
  const [dir] = positionals
  if (dir === undefined || positionals.length > 1) throw new Usage("name the one feedback directory to import")
  const keys = ExchangeKeys.fromEnv(io.env)
  return run(
    io,
    operator(
      io,
      values.as,
      Effect.gen(function* () {
        const nationalKey = yield* keyOf(keys.nationalPublicKey, "TMIS_EXCHANGE_NATIONAL_KEY")
        return yield* Exchange.importFeedback(yield* readPackage(dir), nationalKey)
      })
    ),
    (o) => {
      printOutcome(io, dir, o)
      return 0
    }
  )
}

const transfersExportRun = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      as: { type: "string" },
      out: { type: "string" },
      province: { type: "string" },
      "max-messages": { type: "string" }
    },
    strict: true
  })
  const { out, province } = values
  if (out === undefined) throw new Usage("--out DIR is required: where the package's directory is written")
  if (province === undefined || !/^\d{2}$/.test(province)) {
    throw new Usage("--province CODE is required: the receiving province's two GB/T 2260 digits")
  }
  const maxMessages = integer("max-messages", values["max-messages"], 1000, 1, 100_000)
  return exportTo(
    io,
    values.as,
    out,
    (privateKey) => TransfersAcross.exportMessages(province, { privateKey, maxMessages }),
    `no transfer message waits for ${province}: nothing exported`
  )
}

const transfersIngestRun = (io: Io, args: ReadonlyArray<string>) =>
  ingestDirs(io, args, "transfer package", TransfersAcross.ingestMessages)

const verbs: Record<string, (io: Io, args: ReadonlyArray<string>) => Promise<number>> = {
  export: exportRun,
  ingest: ingestRun,
  feedback: feedbackRun,
  "import-feedback": importFeedbackRun,
  "transfers-export": transfersExportRun,
  "transfers-ingest": transfersIngestRun
}

/**
 * `tmis exchange`: the province → national exchange by files (M32.1).
 *
 * @since 0.1.0
 */
export const exchange: Command = {
  name: "exchange",
  synopsis: "exchange …",
  summary: "the province → national exchange by files (M32.1)",
  help: `tmis exchange export --as ACCOUNT --out DIR [--max-events N]
  Province: write the next change package as DIR/<province>-changes-<sequence>/ (nothing when nothing changed).
tmis exchange ingest --as ACCOUNT PACKAGE_DIR…
  National: ingest provinces' change packages, in sequence order (the same package again changes nothing).
tmis exchange feedback --as ACCOUNT --province CODE --out DIR
  National: write the province's feedback package as DIR/national-feedback-<sequence>/.
tmis exchange import-feedback --as ACCOUNT FEEDBACK_DIR
  Province: import the national feedback into the duplicate report (M17.4).
tmis exchange transfers-export --as ACCOUNT --province CODE --out DIR [--max-messages N]
  Province: write the transfer messages waiting for province CODE (M23.1) as DIR/<province>-transfer-<CODE>-<sequence>/.
tmis exchange transfers-ingest --as ACCOUNT PACKAGE_DIR…
  Province: ingest another province's transfer packages, in sequence order (the same package again changes nothing).
ACCOUNT is an info admin of the deployment's top unit (M32.1), its password in TMIS_PASSWORD. The keys:
TMIS_EXCHANGE_PRIVATE_KEY (this deployment's PEM private key), TMIS_EXCHANGE_NATIONAL_KEY (province: the national
public key), TMIS_EXCHANGE_PROVINCE_KEYS (national, or a province for transfers: a directory of <code>.pem public
keys). Exit 3 when refused.`,
  run: (io, args) => {
    const [verb, ...rest] = args
    const go = verb !== undefined && Object.hasOwn(verbs, verb) ? verbs[verb] : undefined
    if (go === undefined) {
      throw new Usage(
        'the exchange command is "tmis exchange export|ingest|feedback|import-feedback|transfers-export|transfers-ingest"'
      )
    }
    return go(io, rest)
  }
}
