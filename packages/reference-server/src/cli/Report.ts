/**
 * The `tmis` command line: `report`.
 *
 * @since 0.1.0
 */
import { parseArgs } from "node:util"
import { Analytics, Reports } from "@tmis/core"
import { Effect } from "effect"
import * as ReportRender from "../ReportRender.js"
import { asAccount, type Command, type Io, integer, openFile, run, Usage } from "./Command.js"

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

/**
 * `tmis report`: the workforce report of a unit's subtree for a period, as HTML, XLSX, PDF or JSON (M29.1).
 *
 * @since 0.1.0
 */
export const report: Command = {
  name: "report",
  summary: "the workforce report of a unit's subtree for a period, as HTML, XLSX, PDF or JSON (M29.1)",
  help: `tmis report --unit unitId --as accountId --from YYYY-MM-DD --to YYYY-MM-DD [--years N] --out file.(html|xlsx|pdf|json)
  The periodic workforce report of the unit's subtree for the period (M29.1), as the account (its password in
  TMIS_PASSWORD; it must be allowed the subtree's statistics, M13.3): the statistics as of the period's last day,
  the period's changes and the supply forecast for N years (default 5, O8.1). The format follows the file's
  extension; the PDF needs Chromium (TMIS_CHROMIUM or /usr/bin/chromium).`,
  run: (io, args) => reportCommand(io, args)
}
