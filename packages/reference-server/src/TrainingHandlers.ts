/**
 * The handlers of training credits and the credit bank (M25, O9.1): decode, call the `Training` service, encode.
 * Provider requests authenticate by the provider's key (`x-provider-id`, `x-provider-key`) before the service runs.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { HttpApiBuilder, type HttpApiGroup } from "@effect/platform"
import { CreditConfirmations, type Settings, type Storage, Training, type TrainingProvider } from "@tmis/core"
import { ImportFile, TrainingResults } from "@tmis/import"
import { Effect, Layer } from "effect"
import * as Api from "./Api.js"
import { fromCore, refusals } from "./ApiError.js"
import { uploadName } from "./Imports.js"
import * as RequestContext from "./RequestContext.js"

const providerView = ({ value, version }: Storage.Versioned<TrainingProvider.Provider>) => ({
  id: value.id,
  name: value.name,
  ownerUnitId: value.ownerUnitId,
  status: value.status,
  createdAt: value.createdAt,
  version
})

const projectView = <A>({ value, version }: Storage.Versioned<A>) => ({ ...value, version })

const resultView = ({ value, version }: Storage.Versioned<Storage.TrainingResult>) => {
  const c = value.context
  return {
    id: value.id,
    projectId: value.projectId,
    teacherId: value.teacherId,
    providerId: c.result.providerId,
    state: value.state,
    hours: c.result.hours,
    completedOn: c.result.completedOn,
    route: c.route,
    rule: c.rule,
    confirmerUnitId: c.confirmer.id,
    submission: c.submission,
    ...(c.rejection === undefined ? {} : { rejection: c.rejection }),
    history: c.history.map((h) => ({
      type: h.type,
      ...(h.from === undefined ? {} : { from: h.from }),
      to: h.to,
      actor: h.actor,
      at: h.at,
      ...(h.detail === undefined ? {} : { detail: h.detail })
    })),
    version
  }
}

/** The status each kind of refusal answers with, as the API's error classes declare it. */
const statusOf: { readonly [kind: string]: number } = {
  invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409
}

/** One outcome of a batch confirmation, as the API shows it: a refusal as its confirmation alone would answer. */
const batchItemView = (outcome: CreditConfirmations.Outcome) => {
  if (outcome._tag === "Confirmed") {
    return {
      resultId: outcome.resultId,
      outcome: "confirmed" as const,
      result: resultView(outcome.result),
      entryId: outcome.entry.id
    }
  }
  const error = fromCore(outcome.error)
  if (error === undefined) throw new Error(`not a refusal: ${String(outcome.error)}`)
  return {
    resultId: outcome.resultId,
    outcome: "refused" as const,
    status: statusOf[error.kind] ?? 422,
    kind: error.kind,
    ...(error.rule === undefined ? {} : { rule: error.rule }),
    zh: error.zh,
    en: error.en
  }
}

const asProvider = (headers: { readonly "x-provider-id": string; readonly "x-provider-key": string }) =>
  Training.authenticateProvider(headers["x-provider-id"], headers["x-provider-key"])

const training = HttpApiBuilder.group(Api.Api, "training", (handlers) =>
  handlers
    .handle("registerProvider", ({ payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Training.registerProvider(actor, payload)).pipe(
        Effect.map(({ provider, key }) => ({ provider: providerView(provider), key })),
        refusals
      )
    )
    .handle("disableProvider", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        Training.disableProvider(actor, path.providerId, payload.version)
      ).pipe(Effect.map(providerView), refusals)
    )
    .handle("createProject", ({ payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Training.createProject(actor, payload)).pipe(
        Effect.map(projectView),
        refusals
      )
    )
    .handle("projectsOf", ({ path }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Training.projectsOf(actor, path.unitId)).pipe(
        Effect.map((items) => ({ items })),
        refusals
      )
    )
    .handle("approvePlan", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Training.approvePlan(actor, path.projectId, payload.version)).pipe(
        Effect.map(projectView),
        refusals
      )
    )
    .handle("enrol", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Training.enrol(actor, path.projectId, payload.teacherId)).pipe(
        Effect.map(projectView),
        refusals
      )
    )
    .handle("awaiting", () =>
      Effect.flatMap(Api.CurrentActor, (actor) => Training.awaiting(actor)).pipe(
        Effect.map((items) => ({ items: items.map(resultView) })),
        refusals
      )
    )
    .handle("result", ({ path }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Training.readResult(actor, path.resultId)).pipe(
        Effect.map(resultView),
        refusals
      )
    )
    .handle("confirm", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Training.confirm(actor, path.resultId, payload.version)).pipe(
        Effect.map(resultView),
        refusals
      )
    )
    .handle("confirmBatch", ({ payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => CreditConfirmations.confirmBatch(actor, payload.items)).pipe(
        Effect.map((outcomes) => ({ items: outcomes.map(batchItemView) })),
        refusals
      )
    )
    .handle("reject", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        Training.reject(actor, path.resultId, payload.reason, payload.version)
      ).pipe(Effect.map(resultView), refusals)
    )
    .handle("ledger", ({ path, urlParams }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        Training.ledger(
          actor,
          path.teacherId,
          urlParams.from === undefined && urlParams.to === undefined
            ? undefined
            : { from: urlParams.from ?? "0000-01-01", to: urlParams.to ?? "9999-12-31" }
        )
      ).pipe(refusals)
    )
    .handle("reverse", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        Training.reverse(actor, path.teacherId, path.entryId, payload.reason, payload.key)
      ).pipe(refusals)
    )
)

const providers = HttpApiBuilder.group(Api.Api, "trainingProviders", (handlers) =>
  handlers
    .handle("submitResult", ({ headers, payload }) =>
      Effect.flatMap(asProvider(headers), (provider) => Training.submitResult(provider, payload)).pipe(
        Effect.map(resultView),
        refusals
      )
    )
    .handle("submitResultFile", ({ headers, payload, urlParams }) =>
      Effect.gen(function* () {
        const provider = yield* asProvider(headers)
        const format = urlParams.format ?? "csv"
        const name = uploadName(urlParams.filename, format)
        const batchId = TrainingResults.batchIdOf(provider.providerId, ImportFile.bytesHash(payload))
        // The upload is read from a file (XLSX needs one) of this request's own, kept only while it is read.
        const file = join((yield* RequestContext.ServerConfig).importDir, `${batchId}.${randomUUID()}.${format}`)
        return yield* Effect.acquireUseRelease(
          Effect.sync(() => writeFileSync(file, payload)),
          () => TrainingResults.run(file, { provider, name, format, batchId }),
          () => Effect.sync(() => rmSync(file, { force: true }))
        )
      }).pipe(
        Effect.map(({ batchId, name, rowsRead, accepted, rejected, skipped, rejections }) => ({
          batchId,
          filename: name,
          rowsRead,
          accepted,
          rejected,
          skipped,
          rejections: rejections.map(({ row, column, value, reason, rule }) => ({ row, column, value, reason, rule }))
        })),
        refusals
      )
    )
    .handle("resubmitResult", ({ headers, path, payload }) =>
      Effect.flatMap(asProvider(headers), (provider) =>
        Training.resubmit(
          provider,
          path.resultId,
          { hours: payload.hours, completedOn: payload.completedOn, note: payload.note },
          payload.version
        )
      ).pipe(Effect.map(resultView), refusals)
    )
)

/**
 * @since 0.1.0
 */
export const trainingHandlers: Layer.Layer<
  HttpApiGroup.ApiGroup<"tmis", "training"> | HttpApiGroup.ApiGroup<"tmis", "trainingProviders">,
  never,
  Storage.Storage | Settings.Settings | Api.Authentication | RequestContext.ServerConfig
> = Layer.merge(training, providers)
