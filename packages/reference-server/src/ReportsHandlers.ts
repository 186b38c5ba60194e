/**
 * The handlers of the workforce report (M29.1) and the supply forecast (O8.1): decode, call the `Reports` service
 * over the statistics query service (`Analytics.run`), render, encode.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, type HttpApiGroup } from "@effect/platform"
import { Analytics, Reports, type Settings, type Storage } from "@tmis/core"
import { Effect, type Layer } from "effect"
import * as Api from "./Api.js"
import { refusals } from "./ApiError.js"
import * as ReportRender from "./ReportRender.js"

const generate = (unitId: string, params: { readonly from: string; readonly to: string; readonly years?: number }) =>
  Effect.flatMap(Api.CurrentActor, (actor) =>
    Reports.generate(
      actor,
      { unitId, period: { from: params.from, to: params.to }, years: params.years },
      Analytics.run
    )
  ).pipe(refusals)

/**
 * @since 0.1.0
 */
export const reports: Layer.Layer<
  HttpApiGroup.ApiGroup<"tmis", "reports">,
  never,
  Storage.Storage | Settings.Settings | Api.Authentication
> = HttpApiBuilder.group(Api.Api, "reports", (handlers) =>
  handlers
    .handle("generate", ({ path, payload: { from, to, ...rest } }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        Reports.generate(actor, { unitId: path.unitId, period: { from, to }, ...rest }, Analytics.run)
      ).pipe(refusals)
    )
    .handle("html", ({ path, urlParams }) => Effect.map(generate(path.unitId, urlParams), ReportRender.html))
    .handle("xlsx", ({ path, urlParams }) =>
      Effect.flatMap(generate(path.unitId, urlParams), (report) =>
        Effect.promise(async () => new Uint8Array(await ReportRender.xlsx(report)))
      )
    )
    .handle("pdf", ({ path, urlParams }) =>
      Effect.flatMap(generate(path.unitId, urlParams), (report) =>
        Effect.promise(async () => new Uint8Array(await ReportRender.pdf(ReportRender.html(report))))
      )
    )
    .handle("forecast", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Reports.forecast(actor, { unitId: path.unitId, ...payload })).pipe(
        refusals
      )
    )
)
