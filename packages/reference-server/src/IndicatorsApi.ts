/**
 * `GET /indicators`: the deployment's indicator schema — the national core (M11.1) with the province's extension
 * (M11.2) — as one JSON Schema per record group for a school stage, with the code tables, so that an integrator
 * builds forms and imports from what the server validates against.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { SchoolType } from "@tmis/core"
import { Schema } from "effect"
import { Authentication } from "./ApiBase.js"

const IndicatorGroup = Schema.Struct({
  key: Schema.String,
  zh: Schema.String,
  number: Schema.optional(Schema.Number),
  cardinality: Schema.Literal("one", "many"),
  fillers: Schema.Array(Schema.String),
  origin: Schema.String,
  jsonSchema: Schema.Unknown
}).annotations({ identifier: "IndicatorGroup" })

const CodeTable = Schema.Struct({
  key: Schema.String,
  zh: Schema.String,
  standard: Schema.optional(Schema.String),
  confirmed: Schema.Boolean,
  complete: Schema.Boolean,
  origin: Schema.String,
  codes: Schema.Array(Schema.Struct({ code: Schema.String, zh: Schema.String }))
}).annotations({ identifier: "CodeTable" })

/**
 * The indicator schema of a stage as the API shows it.
 *
 * @since 0.1.0
 */
export const IndicatorsView = Schema.Struct({
  provinces: Schema.Array(Schema.String),
  stage: SchoolType.Stage,
  groups: Schema.Array(IndicatorGroup),
  codeTables: Schema.Array(CodeTable)
}).annotations({ identifier: "Indicators" })

/**
 * @since 0.1.0
 */
export class IndicatorsGroup extends HttpApiGroup.make("indicators")
  .add(
    HttpApiEndpoint.get("schema", "/indicators")
      .setUrlParams(Schema.Struct({ stage: SchoolType.Stage }))
      .addSuccess(IndicatorsView)
      .annotateContext(
        OpenApi.annotations({
          summary: "The indicator schema and code tables of a school stage",
          description:
            "The record groups of the e-file of a school of `stage` (M11.1, M11.2), each as a JSON Schema (draft " +
            "2020-12: fields, types, lengths, patterns, codes, conditional presence; the order and identity rules " +
            "under `x-tmis-rules`), who fills it (M16.1), and the code tables with their national codes. The same " +
            "schema the server validates e-files and imports against. Who may call it: any account with a session."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("template", "/indicators/template.xlsx")
      .setUrlParams(Schema.Struct({ stage: SchoolType.Stage }))
      .addSuccess(
        HttpApiSchema.Uint8Array({
          contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        })
      )
      .annotateContext(
        OpenApi.annotations({
          summary: "The XLSX import template of a school stage",
          description:
            "An XLSX to fill and upload with `POST /units/{unitId}/imports` as it is (M16.2): the basic-information " +
            "fields of `stage` under the deployment's indicators (M11.1, M11.2) as Chinese headers, required ones " +
            'marked `*`; a drop-down list of "code name" on every code and 是/否 column; identity numbers and dates ' +
            "as text, so that Excel does not turn them into numbers; a sample row. Who may call it: any account " +
            "with a session."
        })
      )
  )
  .middleware(Authentication) {}
