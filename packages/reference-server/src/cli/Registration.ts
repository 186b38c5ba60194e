/**
 * The `tmis` command line: `registration` — start the registration rounds of every school of a bureau's subtree in
 * one resumable pass, with its progress, and read a round (M26.1).
 *
 * @since 0.1.0
 */
import { parseArgs } from "node:util"
import { Registrations } from "@tmis/core"
import { asAccount, type Command, type Io, integer, json, run, Usage } from "./Command.js"

const start = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      unit: { type: "string" },
      "cycle-from": { type: "string" },
      "id-prefix": { type: "string" },
      "per-transaction": { type: "string" },
      as: { type: "string" }
    }
  })
  if (values.unit === undefined) throw new Usage("--unit is required: the bureau whose schools register")
  const cycleFrom = values["cycle-from"]
  if (cycleFrom === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(cycleFrom)) {
    throw new Usage(`--cycle-from is the cycle's first day, YYYY-MM-DD, not ${JSON.stringify(cycleFrom)}`)
  }
  const idPrefix = values["id-prefix"]
  if (idPrefix === undefined || !/^[A-Za-z0-9_-]{1,24}$/.test(idPrefix)) {
    throw new Usage(`--id-prefix is 1 to 24 letters, digits, - or _, not ${JSON.stringify(idPrefix)}`)
  }
  const teachersPerTransaction = integer("per-transaction", values["per-transaction"], 20_000, 1, 1_000_000)
  const unitId = values.unit
  const began = performance.now()
  // One line a committed transaction: a province's pass runs for a minute, and a log shows where it stopped.
  const onProgress = (done: Registrations.SubtreePass) =>
    io.err.write(
      `registration ${idPrefix}: ${done.teachers} teachers decided, ${done.rounds} rounds started` +
        `${done.resumed.length > 0 ? `, ${done.resumed.length} already started` : ""}, ` +
        `${done.transactions} transactions, ${((performance.now() - began) / 1000).toFixed(1)} s\n`
    )
  return run(
    io,
    asAccount(io, values.as, (actor) =>
      Registrations.startSubtree(actor, { idPrefix, unitId, cycleFrom, teachersPerTransaction, onProgress })
    ),
    json(io)
  )
}

const show = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({ args: [...args], options: { round: { type: "string" }, as: { type: "string" } } })
  if (values.round === undefined) throw new Usage("--round is required")
  const id = values.round
  return run(
    io,
    asAccount(io, values.as, (actor) => Registrations.read(actor, id)),
    ({ value, version }) => json(io)({ state: value.state, ...value.context, version })
  )
}

const verbs: Readonly<Record<string, (io: Io, args: ReadonlyArray<string>) => Promise<number>>> = { start, show }

/**
 * `tmis registration`: start the rounds of a subtree's schools, or read a round (M26.1).
 *
 * @since 0.1.0
 */
export const registration: Command = {
  name: "registration",
  synopsis: "registration …",
  summary: "start the registration rounds of a bureau's schools in one resumable pass; read a round (M26.1)",
  help: `tmis registration start --unit unitId --cycle-from YYYY-MM-DD --id-prefix prefix --as accountId
                       [--per-transaction 20000]
  Start the qualification periodic registration (定期注册, M26.1) of every school of the unit's subtree with active
  teachers, for the cycle starting --cycle-from: each teacher decided from the e-file and the credit bank (O9.1),
  each school's round stored as prefix-schoolId for its competent bureau to confirm. One transaction per about
  --per-transaction teachers, cut between schools; a line on stderr after each. Run it again with the same prefix
  after an interruption: the schools already started are skipped. The account is an info admin of an education
  bureau at or above the schools' competent bureaus. What the pass did, as JSON.
tmis registration show --round roundId --as accountId
  A round: its state, cycle, each teacher's outcome with every reason and its rule, its steps, as JSON.
The account's password is in TMIS_PASSWORD.`,
  run: (io, args) => {
    const verb = args[0] === undefined ? undefined : verbs[args[0]]
    if (verb === undefined) {
      throw new Usage(`the registration command is "tmis registration ${Object.keys(verbs).join("|")}"`)
    }
    return verb(io, args.slice(1))
  }
}
