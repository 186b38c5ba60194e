/**
 * The `tmis` command line: `training` — a unit's projects, the results awaiting the unit and their confirmation in
 * batches, a teacher's ledger, and a provider's file of results (M25, O9.1).
 *
 * @since 0.1.0
 */
import { existsSync } from "node:fs"
import { basename } from "node:path"
import { parseArgs } from "node:util"
import { CreditConfirmations, Refusal, Training } from "@tmis/core"
import { TrainingResults } from "@tmis/import"
import { Effect } from "effect"
import { asAccount, type Command, type Io, json, run, Usage } from "./Command.js"

const day = (name: string, value: string | undefined) => {
  if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new Usage(`--${name} is a day, YYYY-MM-DD, not ${JSON.stringify(value)}`)
  }
  return value
}

const projects = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({ args: [...args], options: { unit: { type: "string" }, as: { type: "string" } } })
  if (values.unit === undefined) throw new Usage("--unit is required")
  const unitId = values.unit
  return run(
    io,
    asAccount(io, values.as, (actor) => Training.projectsOf(actor, unitId)),
    json(io)
  )
}

const awaiting = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({ args: [...args], options: { as: { type: "string" } } })
  return run(
    io,
    asAccount(io, values.as, (actor) => Training.awaiting(actor)),
    (results) =>
      json(io)(
        results.map(({ value, version }) => ({
          id: value.id,
          projectId: value.projectId,
          teacherId: value.teacherId,
          providerId: value.context.result.providerId,
          hours: value.context.result.hours,
          completedOn: value.context.result.completedOn,
          rule: value.context.rule,
          version
        }))
      )
  )
}

/** `resultId:version`, as `awaiting` lists them. */
const item = (arg: string): CreditConfirmations.Item => {
  const match = /^([A-Za-z0-9_-]{1,64}):(\d{1,9})$/.exec(arg)
  if (match === null) throw new Usage(`a result to confirm is resultId:version, not ${JSON.stringify(arg)}`)
  return { resultId: match[1]!, version: Number(match[2]) }
}

const confirm = (io: Io, args: ReadonlyArray<string>) => {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { as: { type: "string" }, awaiting: { type: "boolean" } },
    allowPositionals: true
  })
  const named = positionals.map(item)
  if ((named.length === 0) === (values.awaiting !== true)) {
    throw new Usage("name the results to confirm (resultId:version …), or --awaiting for all awaiting the unit")
  }
  return run(
    io,
    asAccount(io, values.as, (actor) =>
      Effect.gen(function* () {
        const items =
          values.awaiting === true
            ? (yield* Training.awaiting(actor)).map((r) => ({ resultId: r.value.id, version: r.version }))
            : named
        const outcomes: Array<CreditConfirmations.Outcome> = []
        // One transaction a batch: a page of the inbox at a time.
        for (let i = 0; i < items.length; i += CreditConfirmations.maxBatch) {
          outcomes.push(
            ...(yield* CreditConfirmations.confirmBatch(actor, items.slice(i, i + CreditConfirmations.maxBatch)))
          )
        }
        return outcomes
      })
    ),
    (outcomes) => {
      json(io)(
        outcomes.map((o) =>
          o._tag === "Confirmed"
            ? { resultId: o.resultId, outcome: "confirmed", entryId: o.entry.id, credits: o.entry.credits }
            : {
                resultId: o.resultId,
                outcome: "refused",
                reason: Refusal.is(o.error) ? `${o.error.rule}: ${o.error.en}` : o.error._tag
              }
        )
      )
      return outcomes.every((o) => o._tag === "Confirmed") ? 0 : 1
    }
  )
}

const ledger = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...args],
    options: { teacher: { type: "string" }, as: { type: "string" }, from: { type: "string" }, to: { type: "string" } }
  })
  if (values.teacher === undefined) throw new Usage("--teacher is required")
  const teacherId = values.teacher
  const from = day("from", values.from)
  const to = day("to", values.to)
  const cycle =
    from === undefined && to === undefined ? undefined : { from: from ?? "0000-01-01", to: to ?? "9999-12-31" }
  return run(
    io,
    asAccount(io, values.as, (actor) => Training.ledger(actor, teacherId, cycle)),
    json(io)
  )
}

const submit = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      provider: { type: "string" },
      file: { type: "string" },
      format: { type: "string" },
      report: { type: "string" }
    }
  })
  if (values.provider === undefined) throw new Usage("--provider is required")
  if (values.file === undefined) throw new Usage("--file is required")
  const key = io.env.TMIS_PROVIDER_KEY
  if (key === undefined) throw new Usage("TMIS_PROVIDER_KEY must hold the provider's key")
  if (values.format !== undefined && values.format !== "csv" && values.format !== "xlsx") {
    throw new Usage(`--format is csv or xlsx, not ${JSON.stringify(values.format)}`)
  }
  if (!existsSync(values.file)) throw new Usage(`no such file: ${values.file}`)
  const { provider: providerId, file, format, report } = values
  return run(
    io,
    Effect.flatMap(Training.authenticateProvider(providerId, key), (provider) =>
      TrainingResults.run(file, {
        provider,
        name: basename(file),
        ...(format === undefined ? {} : { format: format as "csv" | "xlsx" }),
        ...(report === undefined ? {} : { report })
      })
    ),
    (summary) => {
      io.out.write(
        `${summary.name}: ${summary.rowsRead} rows read, ${summary.accepted} submitted, ${summary.rejected} refused, ${summary.skipped} already in\n`
      )
      for (const r of summary.rejections) {
        io.err.write(`row ${r.row} ${r.column}: ${r.value} — ${r.rule}: ${r.reason}\n`)
      }
      if (summary.report !== undefined) io.out.write(`report: ${summary.report}\n`)
      return summary.rejected === 0 ? 0 : 1
    }
  )
}

const verbs: Readonly<Record<string, (io: Io, args: ReadonlyArray<string>) => Promise<number>>> = {
  projects,
  awaiting,
  confirm,
  ledger,
  submit
}

/**
 * `tmis training`: read the training plan, the results awaiting a unit and a teacher's credits, or submit a
 * provider's file of results (M25.1–M25.5, O9.1).
 *
 * @since 0.1.0
 */
export const training: Command = {
  name: "training",
  synopsis: "training …",
  summary:
    "a unit's training projects, results awaiting it and their confirmation, a teacher's credits; a provider's results file (M25)",
  help: `tmis training projects --unit unitId --as accountId
  The projects the unit owns (M25.1), as JSON.
tmis training awaiting --as accountId
  The results awaiting the account's unit for confirmation (M25.3–M25.5), as JSON.
tmis training confirm --as accountId (resultId:version … | --awaiting)
  Confirm the results named (as awaiting lists them), or all awaiting the account's unit, in batches of up to
  ${CreditConfirmations.maxBatch}, one transaction each; their credits booked once in the ledger (M25.3–M25.5, O9.1).
  Each result's outcome as JSON; exit 1 when one was refused.
tmis training ledger --teacher teacherId --as accountId [--from YYYY-MM-DD] [--to YYYY-MM-DD]
  The teacher's credit ledger and balance, of the cycle [from, to) or all (O9.1), as JSON.
tmis training submit --provider providerId --file results.csv|.xlsx [--format csv|xlsx] [--report errors.csv]
  Submit a provider's file of results, one row per teacher (M25.2): columns 教师ID or 身份证号, 项目编号, 学时,
  结业日期. The provider's key in TMIS_PROVIDER_KEY. The same file again skips the rows already in. Exit 1 when a
  row was refused (each is printed, and written to --report).
The account's password is in TMIS_PASSWORD.`,
  run: (io, args) => {
    const verb = args[0] === undefined ? undefined : verbs[args[0]]
    if (verb === undefined) {
      throw new Usage(`the training command is "tmis training ${Object.keys(verbs).join("|")}"`)
    }
    return verb(io, args.slice(1))
  }
}
