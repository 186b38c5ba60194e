/**
 * The indicators of the teacher e-file (电子档案信息采集指标): the national core (M11.1) as data, a province's
 * extension as data (M11.2), who may fill each record group (M16.1), and the schemas built from them — an
 * `effect/Schema` for decoding records and a JSON Schema (2020-12) for documents and the API.
 *
 * A record is a plain object keyed by the fields' stable English keys; dates are "YYYY-MM-DD", year-months
 * "YYYY-MM", 是/否 fields booleans, codes the national code strings. An absent field is a missing key (an importer
 * maps empty cells to absent ones).
 *
 * The namespace gathers one module per concern under `indicator/`: the model and its accessors (`Model`), the core
 * and `mayFill` (`Core`), the extension format (`ExtensionFormat`) and `extend` (`Extension`), record validation
 * (`Validation`) and the JSON Schema (`JsonSchema`); the TypeScript types of the core groups' records (`BasicInfo`,
 * `CoreRecords`, …) are generated from the core's data (`Records.generated`).
 *
 * @since 0.1.0
 */
export * from "./indicator/Core.js"
export * from "./indicator/Extension.js"
export * from "./indicator/ExtensionFormat.js"
export * from "./indicator/JsonSchema.js"
export * from "./indicator/Model.js"
export type * from "./indicator/Records.generated.js"
export * from "./indicator/Typed.js"
export * from "./indicator/Validation.js"
