/**
 * A training provider's file of results (M25.2): one row per teacher — the teacher by id or identity number, the
 * project, the hours and the completion day — read like a file of new hires (CSV in UTF-8 or GB18030, XLSX) and
 * handed row by row to `Training.submitResults` of `@tmis/core`, which submits each as the one-by-one endpoint
 * does. The refused rows come back with row, column, value, reason and rule. A batch is one file uploaded by one
 * provider (`batchIdOf`): uploading the same file again skips the rows already in.
 *
 * @since 0.1.0
 */
import { basename } from "node:path"
import {
  type BatchImport,
  type Refusal,
  type Settings,
  type Storage,
  Training,
  type TrainingProvider
} from "@tmis/core"
import { Effect } from "effect"
import * as Columns from "./Columns.js"
import * as ImportFile from "./ImportFile.js"
import type * as Progress from "./Progress.js"
import * as Report from "./Report.js"
import * as Table from "./Table.js"

/**
 * The columns of a file of results and the headers each is known by (Chinese or English, case ignored).
 *
 * @since 0.1.0
 */
export const headers = {
  teacherId: ["teacherId", "教师ID", "教师编号", "档案编号"],
  identityNumber: ["identityNumber", "idNumber", "身份证号", "身份证件号", "身份证件号码", "证件号码"],
  projectId: ["projectId", "项目编号", "培训项目编号", "项目ID"],
  hours: ["hours", "学时", "培训学时"],
  completedOn: ["completedOn", "结业日期", "完成日期"]
} as const

type Field = keyof typeof headers

/**
 * Options of {@link run}.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly provider: TrainingProvider.Actor
  /** The file's name as the provider knows it, for messages; default: the base name of the path. */
  readonly name?: string
  readonly format?: Table.Format
  /** The batch; default: `batchIdOf` the provider and the file's hash. */
  readonly batchId?: string
  /** Where to write the error report (.csv or .xlsx); none when there is nothing to report. */
  readonly report?: string
  /** Progress after each row. */
  readonly onProgress?: (progress: Progress.Progress) => void
}

/**
 * What an upload of results did: the counts (`accepted + rejected + skipped = rowsRead`) and the refused rows.
 *
 * @since 0.1.0
 */
export interface Summary extends BatchImport.Progress {
  readonly batchId: string
  readonly name: string
  readonly rejections: ReadonlyArray<BatchImport.Rejection>
  /** The error report's path, when one was written. */
  readonly report: string | undefined
}

/**
 * The batch of a file of results uploaded by a provider: the same file by the same provider is the same batch.
 *
 * @since 0.1.0
 */
export const batchIdOf = (providerId: string, fileHash: string): string =>
  ImportFile.batchIdOf({ unitId: "training-provider", accountId: providerId, fileHash })

const headerRefusal = (name: string, zh: string, en: string, details: Readonly<Record<string, unknown>>) =>
  new Table.TableError({ kind: "invalid", rule: "M25.2", zh, en, details: { file: name, ...details } })

/** Which column holds which field; a file without the project, the hours, the day or a teacher column is refused. */
const columnsOf = (name: string, found: ReadonlyArray<string>): Effect.Effect<Map<Field, number>, Table.TableError> => {
  const index = new Map<Field, number>()
  const known = new Map(
    Object.entries(headers).flatMap(([field, names]) => names.map((n) => [n.toLowerCase(), field as Field] as const))
  )
  for (const [i, header] of found.entries()) {
    const field = known.get(header.trim().toLowerCase())
    if (field === undefined) continue
    if (index.has(field)) {
      return Effect.fail(
        headerRefusal(name, `列“${header}”重复`, `the column "${header}" appears twice`, {
          reason: "duplicateHeader",
          column: header
        })
      )
    }
    index.set(field, i)
  }
  const missing = (["projectId", "hours", "completedOn"] as const).filter((f) => !index.has(f))
  if (!index.has("teacherId") && !index.has("identityNumber")) missing.push("teacherId" as never)
  return missing.length === 0
    ? Effect.succeed(index)
    : Effect.fail(
        headerRefusal(
          name,
          `缺少列：${missing.map((f) => headers[f][2] ?? headers[f][1]).join("、")}`,
          `missing columns: ${missing.join(", ")}`,
          { reason: "missingColumns", columns: missing }
        )
      )
}

/**
 * Submit a provider's file of results (M25.2), as that provider.
 *
 * @since 0.1.0
 */
export const run = (
  path: string,
  options: Options
): Effect.Effect<
  Summary,
  Table.TableError | BatchImport.SourceError | Refusal.Refusal | Storage.StorageError,
  Storage.Storage | Settings.Settings
> =>
  Effect.gen(function* () {
    const name = options.name ?? basename(path)
    const table = yield* Effect.tryPromise({
      try: () => Table.open(path, { name, ...(options.format === undefined ? {} : { format: options.format }) }),
      catch: (error) => error as Table.TableError
    })
    const index = yield* columnsOf(name, table.headers).pipe(Effect.tapError(() => Effect.promise(() => table.close())))
    const headerOf = (field: string) => {
      const i = index.get(field as Field)
      return i === undefined ? field : (table.headers[i] ?? field)
    }
    const batchId =
      options.batchId ?? batchIdOf(options.provider.providerId, yield* Effect.promise(() => ImportFile.fileHash(path)))
    const cell = (cells: ReadonlyArray<string>, field: Field) => {
      const i = index.get(field)
      return i === undefined ? "" : (cells[i] ?? "").trim()
    }
    async function* rows(): AsyncGenerator<Training.ResultRow> {
      for await (const row of table.rows()) {
        const hours = cell(row.cells, "hours")
        yield {
          line: row.line,
          projectId: cell(row.cells, "projectId"),
          teacherId: cell(row.cells, "teacherId"),
          identityNumber: cell(row.cells, "identityNumber"),
          // An empty or non-numeric cell is no number: refused as hours (M25.2), naming the cell.
          hours: hours === "" ? Number.NaN : Number(hours),
          completedOn: Columns.day(cell(row.cells, "completedOn"))
        }
      }
    }
    const rejections: Array<BatchImport.Rejection> = []
    const result = yield* Training.submitResults(options.provider, rows(), {
      batchId,
      columnOf: headerOf,
      onRejections: (lines) => {
        rejections.push(...lines)
      },
      onProgress: (p) => options.onProgress?.({ ...p, bytesRead: table.bytesRead(), totalBytes: table.size })
    }).pipe(
      // A file that breaks mid-way is the reader's refusal, with its reason and line.
      Effect.catchTag("SourceError", (error) =>
        Effect.fail(error.cause instanceof Table.TableError ? error.cause : error)
      )
    )
    const written =
      options.report === undefined || rejections.length === 0
        ? 0
        : yield* Effect.promise(() => Report.write(options.report as string, rejections))
    return {
      ...result,
      batchId,
      name,
      rejections,
      report: written > 0 ? options.report : undefined
    } satisfies Summary
  })
