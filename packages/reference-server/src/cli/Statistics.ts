/**
 * The `tmis` command line: `statistics`.
 *
 * @since 0.1.0
 */
import { parseArgs } from "node:util"
import { Analytics, StatisticsQuery } from "@tmis/core"
import { Either, ParseResult, Schema } from "effect"
import { asAccount, type Command, type Io, json, run, Usage } from "./Command.js"

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
    json(io)
  )
}

/**
 * `tmis statistics`: count a unit's subtree's teachers by one or two dimensions, small cells suppressed (M28.1).
 *
 * @since 0.1.0
 */
export const statistics: Command = {
  name: "statistics",
  summary: "count a unit's subtree's teachers by one or two dimensions, small cells suppressed (M28.1)",
  help: `tmis statistics --unit unitId --as accountId [--rows dimension] [--columns dimension]
           [--filter dimension=value,value …] [--as-of YYYY-MM-DD] [--population active|all]
  The teachers of the unit's subtree counted by --rows (crossed with --columns), as the account (its password in
  TMIS_PASSWORD; it must be allowed the subtree's statistics, M13.3), as JSON on stdout (M28.1): level, region,
  urbanRural, schoolType, stage, education, title, subject, gender, ageBand, payBand, status or mobility; labels in
  Chinese; cells of 1 to 4 teachers suppressed with their complementary cells.`,
  run: (io, args) => statisticsCommand(io, args)
}
