/**
 * The JSON Schema (draft 2020-12) of e-file records (M11.1, M11.2, M17.3), for documents and the API: `jsonSchema`.
 * The document is built in `internal/jsonSchemaDocument.ts`, which `decoder` shares.
 *
 * @since 0.1.0
 */

import { Either } from "effect"
import type { Stage } from "../../codes/SchoolType.js"
import type * as Refusal from "../../kernel/Refusal.js"
import { compile } from "./internal/compiled.js"
import { document, type JsonSchema } from "./internal/jsonSchemaDocument.js"
import type { IndicatorSchema } from "./Model.js"

/**
 * A JSON Schema document (draft 2020-12), as plain JSON (declared with the document builder).
 *
 * @since 0.1.0
 */
export type { JsonSchema } from "./internal/jsonSchemaDocument.js"

/**
 * The JSON Schema (draft 2020-12) of records of a group in the e-file of a school of this stage: the fields with
 * their types, lengths, patterns and codes, `required`, `additionalProperties: false`, the conditional presence
 * rules as `if`/`then`; the order and identity rules, which JSON Schema cannot express, are listed under
 * `x-tmis-rules`.
 *
 * @since 0.1.0
 */
export const jsonSchema = (
  schema: IndicatorSchema,
  group: string,
  stage: Stage
): Either.Either<JsonSchema, Refusal.Refusal> => Either.map(compile(schema, group, stage, {}), document)
