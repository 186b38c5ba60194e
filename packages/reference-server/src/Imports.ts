/**
 * Batch imports over HTTP (M16.2, M17): an upload is written to a file under the server's import directory and
 * imported in the background with `@tmis/import`; its progress is kept in memory while the server runs, and its
 * error report is a file beside the upload. The data itself is safe either way: every chunk commits on its own and a
 * re-upload of the same file is the same batch (the file's hash), so an import cut short by a restart is finished
 * by uploading the file again.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { mkdirSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { type Authorization, type Settings, type Storage, Units } from "@tmis/core"
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
  state: "running" | "done" | "failed"
  rowsRead: number
  accepted: number
  rejected: number
  failure: unknown
  report: string | undefined
}

const view = (job: Job) => ({
  batchId: job.batchId,
  unitId: job.unitId,
  state: job.state,
  rowsRead: job.rowsRead,
  accepted: job.accepted,
  rejected: job.rejected,
  ...(job.failure === undefined ? {} : { failure: job.failure })
})

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
      format: "csv" | "xlsx"
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
        start: (actor, unitId, file, format) =>
          Effect.gen(function* () {
            const unit = (yield* Units.load(unitId)).value
            yield* Units.authorize(actor, { _tag: "WriteTeacher", unit: Units.ref(unit) })
            const batchId = createHash("sha256").update(file).digest("hex").slice(0, 32)
            const running = jobs.get(batchId)
            if (running !== undefined && running.state === "running") return view(running)
            const path = join(importDir, `${batchId}.${format}`)
            writeFileSync(path, file)
            const job: Job = {
              batchId,
              unitId,
              startedBy: actor.accountId,
              state: "running",
              rowsRead: 0,
              accepted: 0,
              rejected: 0,
              failure: undefined,
              report: undefined
            }
            jobs.set(batchId, job)
            const run = ImportFile.run(path, {
              actor,
              unitId,
              batchId,
              format,
              report: join(importDir, `${batchId}.report.csv`),
              onProgress: (p) => {
                job.rowsRead = p.rowsRead
                job.accepted = p.accepted
                job.rejected = p.rejected
              }
            }).pipe(
              Effect.tap((summary) =>
                Effect.sync(() => {
                  Object.assign(job, {
                    state: "done",
                    rowsRead: summary.rowsRead,
                    accepted: summary.accepted,
                    rejected: summary.rejected,
                    report: summary.report
                  })
                })
              ),
              Effect.catchAll((error) =>
                Effect.sync(() => {
                  job.state = "failed"
                  job.failure = ApiError.fromCore(error) ?? { en: "the import failed", zh: "导入失败" }
                })
              ),
              Effect.catchAllDefect((defect) =>
                Effect.sync(() => {
                  job.state = "failed"
                  job.failure = { en: `the import failed: ${String(defect)}`, zh: "导入失败" }
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
