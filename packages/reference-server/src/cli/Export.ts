/**
 * The `tmis` command line: `export`.
 *
 * @since 0.1.0
 */
import type { WriteStream } from "node:fs"
import { parseArgs } from "node:util"
import { EFiles, type Indicator, type SchoolType, Settings } from "@tmis/core"
import { Export } from "@tmis/import"
import { stringify } from "csv-stringify/sync"
import { Effect } from "effect"
import { asAccount, type Command, close, type Io, openFile, run, Usage, write } from "./Command.js"

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

/**
 * `tmis export`: export the e-files of a unit's subtree as CSV (masked as the account may see them).
 *
 * @since 0.1.0
 */
export const exportCommand: Command = {
  name: "export",
  summary: "export the e-files of a unit's subtree as CSV (masked as the account may see them)",
  help: `tmis export --unit unitId --as accountId [--out file.csv] [--basic-info]
  Export the e-files of the unit's subtree as CSV (UTF-8 with BOM), as the account (its password in TMIS_PASSWORD);
  masked as that account may see them, and audited (M37.1). With --basic-info: a school's basic information (基本信息)
  with Chinese headers and codes with their names, a file "tmis import" takes back (M16.2).`,
  run: (io, args) => exportFiles(io, args)
}
