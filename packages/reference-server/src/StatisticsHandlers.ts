/**
 * The handlers of the statistics group: decode, `Analytics.run` / `Analytics.allocation`, encode.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, type HttpApiGroup } from "@effect/platform"
import { Analytics, type Settings, type Storage } from "@tmis/core"
import { Effect, type Layer } from "effect"
import * as Api from "./Api.js"
import { refusals } from "./ApiError.js"

/**
 * @since 0.1.0
 */
export const statistics: Layer.Layer<
  HttpApiGroup.ApiGroup<"tmis", "statistics">,
  never,
  Storage.Storage | Settings.Settings | Api.Authentication
> = HttpApiBuilder.group(Api.Api, "statistics", (handlers) =>
  handlers
    .handle("query", ({ payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Analytics.run(actor, payload)).pipe(refusals)
    )
    .handle("allocation", ({ path, urlParams }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        Analytics.allocation(actor, { unitId: path.unitId, ...urlParams })
      ).pipe(refusals)
    )
)
