/**
 * The handler of `GET /indicators`: the deployment's indicator schema, from its settings.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, type HttpApiGroup } from "@effect/platform"
import { Indicator, Settings } from "@tmis/core"
import { Template } from "@tmis/import"
import { Effect, type Layer } from "effect"
import * as Api from "./Api.js"
import { refusals } from "./ApiError.js"
import { basicInfoExample } from "./OpenApiDocument.js"

/**
 * @since 0.1.0
 */
export const indicators: Layer.Layer<
  HttpApiGroup.ApiGroup<"tmis", "indicators">,
  never,
  Settings.Settings | Api.Authentication
> = HttpApiBuilder.group(Api.Api, "indicators", (handlers) =>
  handlers
    .handle("schema", ({ urlParams: { stage } }) =>
      Effect.gen(function* () {
        const { indicators } = yield* Settings.Settings
        const groups = yield* Effect.forEach(Indicator.groupsFor(indicators, stage), (group) =>
          Effect.map(Indicator.jsonSchema(indicators, group.key, stage), (jsonSchema) => ({
            key: group.key,
            zh: group.zh,
            number: group.number,
            cardinality: group.cardinality,
            fillers: group.fillers,
            origin: group.origin,
            jsonSchema
          }))
        )
        const codeTables = indicators.codeTables.map(({ key, zh, standard, confirmed, complete, origin, codes }) => ({
          key,
          zh,
          standard,
          confirmed,
          complete,
          origin,
          codes: codes.map(({ code, zh }) => ({ code, zh }))
        }))
        return { provinces: indicators.provinces, stage, groups, codeTables }
      }).pipe(refusals)
    )
    .handle("template", ({ urlParams: { stage } }) =>
      Effect.flatMap(Settings.Settings, ({ indicators }) =>
        Effect.promise(() => Template.basicInfo(indicators, stage, { sample: basicInfoExample }))
      )
    )
)
