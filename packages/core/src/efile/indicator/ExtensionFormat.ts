/**
 * The format of a provincial extension (省级扩展指标, M11.2) as data: the groups, fields, tightenings and code tables
 * it may declare. Applying one to a schema is `Extension.ts`'s `extend`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Stage } from "../../codes/SchoolType.js"
import { Cardinality, Filler } from "./Model.js"

// A key never names a property of Object.prototype ("constructor", "toString", …): records are plain objects.
const Key = Schema.String.pipe(
  Schema.pattern(/^[a-z][A-Za-z0-9]{0,63}$/, {
    message: () => "a key is camelCase ASCII: a lower-case letter, then letters and digits (at most 64)"
  }),
  Schema.filter((key) => !(key in Object.prototype), {
    message: (issue) => `${JSON.stringify(issue.actual)} is a property of every object and cannot be a key`
  })
)
const Name = Schema.String.pipe(Schema.minLength(1))
const newFieldCommon = {
  key: Key,
  zh: Name,
  required: Schema.optional(Schema.Boolean),
  stages: Schema.optional(Schema.Array(Stage)),
  note: Schema.optional(Schema.String)
}

/**
 * A field an extension adds (to a core group or in a group of its own). Identity-number fields are the core's only.
 *
 * @since 0.1.0
 */
export const NewField = Schema.Union(
  Schema.Struct({
    ...newFieldCommon,
    type: Schema.Literal("text"),
    maxLength: Schema.Int.pipe(Schema.positive()),
    pattern: Schema.optional(Schema.String)
  }),
  Schema.Struct({ ...newFieldCommon, type: Schema.Literal("code"), table: Schema.String }),
  Schema.Struct({ ...newFieldCommon, type: Schema.Literal("date") }),
  Schema.Struct({ ...newFieldCommon, type: Schema.Literal("yearMonth") }),
  Schema.Struct({ ...newFieldCommon, type: Schema.Literal("boolean") }),
  Schema.Struct({ ...newFieldCommon, type: Schema.Literal("integer"), min: Schema.Int, max: Schema.Int })
)

/**
 * @since 0.1.0
 */
export type NewField = typeof NewField.Type

/**
 * A group an extension adds.
 *
 * @since 0.1.0
 */
export const NewGroup = Schema.Struct({
  key: Key,
  zh: Name,
  cardinality: Cardinality,
  stages: Schema.optional(Schema.Array(Stage)),
  fillers: Schema.NonEmptyArray(Filler),
  fields: Schema.Array(NewField)
})

/**
 * @since 0.1.0
 */
export type NewGroup = typeof NewGroup.Type

/**
 * What an extension may do to an existing field: make it required, shorten it, add a pattern, narrow its codes.
 * (`required: false` and a longer `maxLength` are representable so that they can be refused precisely.)
 *
 * @since 0.1.0
 */
export const Tighten = Schema.Struct({
  required: Schema.optional(Schema.Boolean),
  maxLength: Schema.optional(Schema.Int.pipe(Schema.positive())),
  pattern: Schema.optional(Schema.String),
  allowedCodes: Schema.optional(Schema.Array(Schema.String))
})

/**
 * @since 0.1.0
 */
export type Tighten = typeof Tighten.Type

/**
 * A code table an extension adds, for its new code fields.
 *
 * @since 0.1.0
 */
export const NewCodeTable = Schema.Struct({
  key: Key,
  zh: Name,
  codes: Schema.NonEmptyArray(Schema.Struct({ code: Name, zh: Name }))
})

/**
 * @since 0.1.0
 */
export type NewCodeTable = typeof NewCodeTable.Type

/**
 * A provincial extension (省级扩展指标), M11.2: the province's 2-digit code, new groups, new fields by group,
 * tightenings by group and field, and new code tables.
 *
 * @since 0.1.0
 */
export const Extension = Schema.Struct({
  province: Schema.String,
  groups: Schema.optional(Schema.Array(NewGroup)),
  fields: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Array(NewField) })),
  tighten: Schema.optional(
    Schema.Record({ key: Schema.String, value: Schema.Record({ key: Schema.String, value: Tighten }) })
  ),
  codeTables: Schema.optional(Schema.Array(NewCodeTable))
})

/**
 * @since 0.1.0
 */
export type Extension = typeof Extension.Type
