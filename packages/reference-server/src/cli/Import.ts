/**
 * The `tmis` command line: `import`.
 *
 * @since 0.1.0
 */
import { statSync } from "node:fs"
import { parseArgs } from "node:util"
import { Units } from "@tmis/core"
import { ImportFile } from "@tmis/import"
import { Effect } from "effect"
import { asAccount, type Command, type Io, run, Usage } from "./Command.js"

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

/**
 * `tmis import`: import a CSV or XLSX file of teachers' basic information (M16.2).
 *
 * @since 0.1.0
 */
export const importCommand: Command = {
  name: "import",
  summary: "import a CSV or XLSX file of teachers' basic information (M16.2)",
  help: `tmis import <file> --unit unitId --as accountId [--format csv|xlsx] [--encoding auto|utf8|gb18030]
              [--report errors.csv] [--batch id] [--ignore-unknown]
  Import teachers' basic information into a school (M16.2), as the account (its password in TMIS_PASSWORD). Bad
  rows are written to the report with the rule that refused them, and rows kept as problem data (M17.3) as
  warnings; the good rows enter review. The batch is the file for the unit by the account, as an upload to the
  server names it: running the same import again skips the rows already in.`,
  run: (io, args) => importFile(io, args)
}
