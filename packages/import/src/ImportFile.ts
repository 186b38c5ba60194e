/**
 * Import a school's file of basic information (M16.2): read it (CSV in UTF-8 or GB18030, XLSX), map its columns onto
 * the indicators, hand the rows to `BatchImport.run` of `@tmis/core`, write the bad rows to an error report, and
 * show progress. A batch is one file imported for one unit by one account (`batchIdOf`): importing the same file again
 * skips the rows already in; the same file imported for another unit, or by another account, is another batch.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { rm } from "node:fs/promises"
import { basename } from "node:path"
import { type Authorization, BatchImport, EFiles, type Refusal, Settings, type Storage } from "@tmis/core"
import { Effect } from "effect"
import * as Columns from "./Columns.js"
import * as Progress from "./Progress.js"
import * as Report from "./Report.js"
import * as Table from "./Table.js"

/**
 * Options of {@link run}.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly actor: Authorization.Actor
  /** The school or department the file is for. */
  readonly unitId: string
  /** The batch; default: `batchIdOf` the unit, the actor's account and the file's hash. */
  readonly batchId?: string
  /** The file's name as the school knows it, for messages and the summary; default: the base name of `path`. */
  readonly name?: string
  readonly format?: Table.Format
  readonly encoding?: Table.Encoding | "auto"
  /** Extra header aliases, header → indicator key. */
  readonly aliases?: Readonly<Record<string, string>>
  /** Ignore columns that map onto no indicator instead of refusing the file. */
  readonly ignoreUnknown?: boolean
  /** Where to write the error report (.csv or .xlsx); none when there is nothing to report. */
  readonly report?: string
  /** Show a progress bar on this stream when it is a terminal. */
  readonly progressStream?: NodeJS.WriteStream
  /** Progress events for an embedding program, after each committed chunk. */
  readonly onProgress?: (progress: Progress.Progress) => void
  /** Rows per transaction; default 1000. */
  readonly chunkSize?: number
}

/**
 * What an import did.
 *
 * @since 0.1.0
 */
export interface Summary extends BatchImport.Progress {
  readonly batchId: string
  /** The file's name as the school knows it. */
  readonly name: string
  /** Of the accepted rows, those kept as problem data (M17.3): the report warns of each. */
  readonly flagged: number
  readonly format: Table.Format
  readonly encoding: Table.Encoding | undefined
  /** The error report's path, when one was written. */
  readonly report: string | undefined
}

/**
 * The SHA-256 of a file, streamed, in hex.
 *
 * @since 0.1.0
 */
export const fileHash = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash("sha256")
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")))
  })

/**
 * The SHA-256 of bytes in hex: what `fileHash` gives for a file that holds them (an upload kept in memory).
 *
 * @since 0.1.0
 */
export const bytesHash = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

/**
 * The batch of a file imported for a unit by an account (M16.2): derived from all three, so the same file uploaded
 * to two schools, or by two accounts, is two batches, each its uploader's. `tmis import` and the server's uploads
 * name a batch with this, so the same import is the same batch either way.
 *
 * @since 0.1.0
 */
export const batchIdOf = (batch: {
  readonly unitId: string
  readonly accountId: string
  /** The file's SHA-256 (`fileHash`, `bytesHash`). */
  readonly fileHash: string
}): string =>
  createHash("sha256")
    .update(JSON.stringify([batch.unitId, batch.accountId, batch.fileHash]))
    .digest("hex")
    .slice(0, 32)

/** A queue the import pushes rejections into and the report writer reads from, so none is held longer than needed. */
const channel = <A>() => {
  const buffer: Array<A> = []
  let closed = false
  let wake: (() => void) | undefined
  const notify = () => {
    wake?.()
    wake = undefined
  }
  return {
    push: (items: ReadonlyArray<A>) => {
      buffer.push(...items)
      notify()
    },
    close: () => {
      closed = true
      notify()
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (buffer.length > 0) yield buffer.shift() as A
        if (closed) return
        await new Promise<void>((resolve) => {
          wake = resolve
        })
      }
    }
  }
}

/**
 * Import a file of basic information for a school (M16.2), as an info admin of it.
 *
 * @since 0.1.0
 */
export const run = (
  path: string,
  options: Options
): Effect.Effect<
  Summary,
  | Table.TableError
  | BatchImport.SourceError
  | Refusal.Refusal
  | Refusal.Refusal
  | Storage.NotFound
  | Storage.ConstraintError
  | Storage.StorageError,
  Storage.Storage | Settings.Settings
> =>
  Effect.gen(function* () {
    const { indicators } = yield* Settings.Settings
    // Before the file is read: a unit that keeps no e-files, or an actor who may not create them there, is refused
    // as onboarding refuses it (M21.1); the stage its columns map onto is the school's.
    const { stage } = yield* EFiles.creatorOf(options.actor, options.unitId)
    const name = options.name ?? basename(path)
    const table = yield* Effect.tryPromise({
      try: () =>
        Table.open(path, {
          name,
          ...(options.format === undefined ? {} : { format: options.format }),
          ...(options.encoding === undefined ? {} : { encoding: options.encoding })
        }),
      catch: (error) => error as Table.TableError
    })
    const mapped = Columns.map(indicators, "basicInfo", stage, table.headers, {
      aliases: { ...Columns.defaultAliases, ...options.aliases },
      ignoreUnknown: options.ignoreUnknown ?? false
    })
    // A refused mapping never reads the rows: release what the reader holds (XLSX temporary files).
    if (mapped._tag === "Left") yield* Effect.promise(() => table.close())
    const mapping = yield* mapped
    const headerOf = new Map(mapping.columns.map((c) => [c.field.key, c.header]))
    const batchId =
      options.batchId ??
      batchIdOf({
        unitId: options.unitId,
        accountId: options.actor.accountId,
        fileHash: yield* Effect.promise(() => fileHash(path))
      })

    const rejections = channel<Report.ReportLine>()
    let written = 0
    // The accepted rows the report warns of (kept as problem data); a chunk's warnings come in one call.
    let flagged = 0
    // A chunk's rejections and warnings, merged in row order before they go to the report.
    let pending: Array<Report.ReportLine> = []
    const flush = () => {
      if (pending.length === 0) return
      if (writing !== undefined) rejections.push(pending.sort((a, b) => a.row - b.row))
      pending = []
    }
    const writing =
      options.report === undefined
        ? undefined
        : Report.write(options.report, rejections).then(async (n) => {
            written = n
            // Nothing to report: leave no empty report behind.
            if (n === 0 && options.report !== undefined) await rm(options.report, { force: true })
          })
    const bar = options.progressStream === undefined ? undefined : Progress.bar({ stream: options.progressStream })
    const progressOf = (p: BatchImport.Progress): Progress.Progress => ({
      ...p,
      flagged,
      bytesRead: table.bytesRead(),
      totalBytes: table.size
    })

    async function* rows(): AsyncGenerator<BatchImport.Row> {
      for await (const row of table.rows()) {
        const { record, problems } = Columns.convert(mapping, indicators, row.cells)
        yield { line: row.line, record, problems }
      }
    }

    const result = yield* BatchImport.run(options.actor, rows(), {
      batchId,
      unitId: options.unitId,
      columnOf: (field) => headerOf.get(field) ?? field,
      ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
      onRejections: (lines) => {
        pending.push(...lines)
      },
      onWarnings: (lines) => {
        flagged += new Set(lines.map((l) => l.row)).size
        pending.push(...lines)
      },
      onProgress: (p) => {
        flush()
        const progress = progressOf(p)
        bar?.update(progress)
        options.onProgress?.(progress)
      }
    }).pipe(
      // A file that breaks mid-way is the reader's refusal, with its reason and line.
      Effect.catchTag("SourceError", (error) =>
        Effect.fail(error.cause instanceof Table.TableError ? error.cause : error)
      ),
      Effect.ensuring(
        Effect.promise(async () => {
          flush()
          rejections.close()
          await writing
        })
      )
    )
    bar?.stop(progressOf(result))
    return {
      ...result,
      batchId,
      name,
      flagged,
      format: table.format,
      encoding: table.encoding,
      report: options.report !== undefined && written > 0 ? options.report : undefined
    } satisfies Summary
  })
