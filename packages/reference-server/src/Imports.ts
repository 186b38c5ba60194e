/**
 * Batch imports over HTTP (M16.2, M17): an upload is written to a file under the server's import directory and
 * imported in the background with `@tmis/import`; its progress is kept in memory while the server runs, and its
 * error report is a file beside the upload. The data itself is safe either way: every chunk commits on its own and a
 * re-upload of the same file, for the same unit by the same account, is the same batch (`ImportFile.batchIdOf`, as
 * `tmis import` names it), so an import cut short by a restart is finished by uploading the file again. Progress and
 * refusals name the file by the upload's name (`filename`), never by the server's copy of it.
 *
 * @since 0.1.0
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { type Authorization, EFiles, type Settings, type Storage, Units } from "@tmis/core"
import { ImportFile } from "@tmis/import"
import { Context, Effect, Layer } from "effect"
import * as ApiError from "./ApiError.js"
import * as RequestContext from "./RequestContext.js"

/**
 * An import as the API shows it.
 *
 * @since 0.1.0
 */
export interface Job {
  readonly batchId: string
  readonly unitId: string
  readonly startedBy: string
  /** The upload's name. */
  readonly filename: string
  state: "running" | "done" | "failed"
  rowsRead: number
  accepted: number
  rejected: number
  skipped: number
  flagged: number
  failure: unknown
  report: string | undefined
}

const view = (job: Job) => ({
  batchId: job.batchId,
  unitId: job.unitId,
  filename: job.filename,
  state: job.state,
  rowsRead: job.rowsRead,
  accepted: job.accepted,
  rejected: job.rejected,
  skipped: job.skipped,
  flagged: job.flagged,
  ...(job.failure === undefined ? {} : { failure: job.failure })
})

/**
 * The name an upload goes by: the one it was given, without any folder (a name, not a path), else a neutral one.
 *
 * @since 0.1.0
 */
export const uploadName = (filename: string | undefined, format: "csv" | "xlsx"): string => {
  const name = filename
    ?.split(/[/\\]/)
    .pop()
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a name shown in messages holds no control characters.
    ?.replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
  return name === undefined || name === "" || name === "." || name === ".." ? `upload.${format}` : name
}

const notFound = (batchId: string) =>
  new ApiError.NotFound({
    zh: `${ApiError.entityNames.import!.zh} ${batchId} 不存在`,
    en: `there is no ${ApiError.entityNames.import!.en} ${batchId}`,
    details: { field: "batchId", value: batchId }
  })

/**
 * The imports of this server.
 *
 * @since 0.1.0
 */
export class Imports extends Context.Tag("@tmis/server/Imports")<
  Imports,
  {
    readonly start: (
      actor: Authorization.Actor,
      unitId: string,
      file: Uint8Array,
      format: "csv" | "xlsx",
      filename?: string
    ) => Effect.Effect<ReturnType<typeof view>, ApiError.ApiError>
    readonly progress: (
      actor: Authorization.Actor,
      batchId: string
    ) => Effect.Effect<ReturnType<typeof view>, ApiError.ApiError>
    readonly report: (actor: Authorization.Actor, batchId: string) => Effect.Effect<string, ApiError.ApiError>
  }
>() {}

/**
 * The imports over the store; files under `ServerConfig.importDir`.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<Imports, never, Storage.Storage | Settings.Settings | RequestContext.ServerConfig> =
  Layer.effect(
    Imports,
    Effect.gen(function* () {
      const context = yield* Effect.context<Storage.Storage | Settings.Settings>()
      const { importDir } = yield* RequestContext.ServerConfig
      mkdirSync(importDir, { recursive: true })
      const jobs = new Map<string, Job>()
      // Whoever may write teachers at the unit may follow its imports (the core decides); of those, only the account
      // that uploaded a file sees it: the report quotes the rows.
      const own = (actor: Authorization.Actor, batchId: string) =>
        Effect.gen(function* () {
          const job = jobs.get(batchId)
          if (job === undefined) return yield* Effect.fail(notFound(batchId))
          const unit = (yield* Units.load(job.unitId)).value
          yield* Units.authorize(actor, { _tag: "WriteTeacher", unit: Units.ref(unit) })
          if (job.startedBy !== actor.accountId) return yield* Effect.fail(notFound(batchId))
          return job
        }).pipe(ApiError.refusals, Effect.provide(context))
      return Imports.of({
        start: (actor, unitId, file, format, filename) =>
          Effect.gen(function* () {
            const unit = (yield* Units.load(unitId)).value
            yield* Units.authorize(actor, { _tag: "WriteTeacher", unit: Units.ref(unit) })
            // Before the upload is accepted: whoever may not create e-files there (a bureau's account, a unit that
            // keeps none) is refused now, as the import itself would refuse it (M21.1), not after a 202.
            yield* EFiles.creatorOf(actor, unitId)
            const batchId = ImportFile.batchIdOf({
              unitId,
              accountId: actor.accountId,
              fileHash: ImportFile.bytesHash(file)
            })
            const running = jobs.get(batchId)
            if (running !== undefined && running.state === "running") return view(running)
            const name = uploadName(filename, format)
            const path = join(importDir, `${batchId}.${format}`)
            writeFileSync(path, file)
            const job: Job = {
              batchId,
              unitId,
              startedBy: actor.accountId,
              filename: name,
              state: "running",
              rowsRead: 0,
              accepted: 0,
              rejected: 0,
              skipped: 0,
              flagged: 0,
              failure: undefined,
              report: undefined
            }
            jobs.set(batchId, job)
            const run = ImportFile.run(path, {
              actor,
              unitId,
              batchId,
              name,
              format,
              report: join(importDir, `${batchId}.report.csv`),
              onProgress: (p) => {
                job.rowsRead = p.rowsRead
                job.accepted = p.accepted
                job.rejected = p.rejected
                job.skipped = p.skipped
                job.flagged = p.flagged ?? 0
              }
            }).pipe(
              Effect.tap((summary) =>
                Effect.sync(() => {
                  Object.assign(job, {
                    state: "done",
                    rowsRead: summary.rowsRead,
                    accepted: summary.accepted,
                    rejected: summary.rejected,
                    skipped: summary.skipped,
                    flagged: summary.flagged,
                    report: summary.report
                  })
                })
              ),
              Effect.catchAll((error) =>
                Effect.sync(() => {
                  job.state = "failed"
                  job.failure = ApiError.fromCore(error) ?? {
                    en: `the import of ${name} failed`,
                    zh: `导入${name}失败`
                  }
                })
              ),
              Effect.catchAllDefect((defect) =>
                Effect.sync(() => {
                  job.state = "failed"
                  // The server's copy of the file is its business: the message names the upload.
                  const said = String(defect).replaceAll(path, name).replaceAll(importDir, "")
                  job.failure = { en: `the import of ${name} failed: ${said}`, zh: `导入${name}失败` }
                })
              ),
              Effect.provide(context)
            )
            // The import outlives the request that started it.
            yield* Effect.forkDaemon(run)
            return view(job)
          }).pipe(ApiError.refusals, Effect.provide(context)),
        progress: (actor, batchId) => Effect.map(own(actor, batchId), view),
        report: (actor, batchId) =>
          Effect.flatMap(own(actor, batchId), (job) =>
            job.report === undefined
              ? Effect.succeed("\uFEFF行,列,值,原因,规则\n")
              : Effect.promise(() => readFile(job.report as string, "utf8"))
          )
      })
    })
  )
