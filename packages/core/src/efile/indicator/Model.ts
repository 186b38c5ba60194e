/**
 * The model of the e-file's indicators (电子档案信息采集指标): fields, record groups, code tables and who may fill a
 * group (M11.1, M11.2, M16.1), the error every refusal of this namespace carries, and the accessors the other
 * indicator modules and their callers read a schema with.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { Stage } from "../../codes/SchoolType.js"
import { inStage } from "./internal/stage.js"

/**
 * Who enters a record group (M16.1): the teacher, the school's information administrator, or an education bureau.
 *
 * @since 0.1.0
 */
export const Filler = Schema.Literal("teacher", "school", "bureau")

/**
 * @since 0.1.0
 */
export type Filler = typeof Filler.Type

/**
 * Whether a teacher has one record of a group (基本信息, 联系方式) or many (学习经历, …).
 *
 * @since 0.1.0
 */
export const Cardinality = Schema.Literal("one", "many")

/**
 * @since 0.1.0
 */
export type Cardinality = typeof Cardinality.Type

/**
 * A condition on another field of the same record: it holds when that field is present and equals (or differs
 * from) the value.
 *
 * @since 0.1.0
 */
export type Condition =
  | { readonly field: string; readonly equals: string | boolean }
  | { readonly field: string; readonly notEquals: string | boolean }

/**
 * The constraints one or more provincial extensions added to a field (M11.2).
 *
 * @since 0.1.0
 */
export interface Tightening {
  /** The provinces whose extensions tightened the field. */
  readonly by: ReadonlyArray<string>
  readonly required?: true
  readonly maxLength?: number
  readonly patterns?: ReadonlyArray<string>
  readonly allowedCodes?: ReadonlyArray<string>
}

interface FieldBase {
  /** Stable English key, the property name in a record. */
  readonly key: string
  /** The Chinese name of the indicator. */
  readonly zh: string
  /** Required; with `requiredOnlyWhen` / `absentWhen` only under those conditions. */
  readonly required: boolean
  /** The school stages whose e-file has the field; every stage when absent. */
  readonly stages?: ReadonlyArray<Stage>
  /** The field is required only when this holds (用人形式 when 是否在编 = 否). */
  readonly requiredOnlyWhen?: Condition
  /** The field must be left empty when this holds (民族 when 国籍 ≠ 156). */
  readonly absentWhen?: Condition
  /** Whether the field is confirmed by the national sources (domain-facts.md); false for assumed ones. */
  readonly confirmed: boolean
  readonly note?: string
  /** "core", or the province code of the extension that added it. */
  readonly origin: string
  readonly tightened?: Tightening
}

/**
 * A field (indicator) of a record group with its type: text of a maximum length (in characters) and optional
 * pattern, a code of a code table, a date, a year-month, a 是/否 boolean, an integer in a range, or an identity
 * document number (checked as GB 11643 when the document type is 1, M17.3).
 *
 * @since 0.1.0
 */
export type Field =
  | (FieldBase & { readonly type: "text"; readonly maxLength: number; readonly pattern?: string })
  | (FieldBase & { readonly type: "code"; readonly table: string })
  | (FieldBase & { readonly type: "date" })
  | (FieldBase & { readonly type: "yearMonth" })
  | (FieldBase & { readonly type: "boolean" })
  | (FieldBase & { readonly type: "integer"; readonly min: number; readonly max: number })
  | (FieldBase & { readonly type: "identityNumber"; readonly maxLength: number })

/**
 * The type names of fields.
 *
 * @since 0.1.0
 */
export type FieldType = Field["type"]

/**
 * A rule across fields of one record: `order` (the later field is not before — or, when strict, after — the
 * earlier one; a date compared with a year-month by month), or `identity` (a type-1 document number is a valid
 * resident identity number agreeing with the recorded birth date and sex, M17.3).
 *
 * @since 0.1.0
 */
export type CrossRule =
  | {
      readonly type: "order"
      readonly id: string
      readonly earlier: string
      readonly later: string
      readonly strict: boolean
      readonly zh: string
      readonly en: string
    }
  | {
      readonly type: "identity"
      readonly id: string
      readonly documentType: string
      readonly number: string
      readonly birthDate: string
      readonly sex: string
    }

/**
 * A record group (信息采集指标的一类) of the e-file.
 *
 * @since 0.1.0
 */
export interface Group {
  readonly key: string
  readonly zh: string
  /** The group's number (1–17) in the national list; absent for a province's groups. */
  readonly number?: number
  readonly cardinality: Cardinality
  /** The school stages whose e-file has the group; every stage when absent. */
  readonly stages?: ReadonlyArray<Stage>
  /** Who may fill it (M16.1). */
  readonly fillers: ReadonlyArray<Filler>
  readonly fields: ReadonlyArray<Field>
  readonly rules: ReadonlyArray<CrossRule>
  /** "core", or the province code of the extension that added it. */
  readonly origin: string
}

/**
 * A code of a code table.
 *
 * @since 0.1.0
 */
export interface Code {
  readonly code: string
  readonly zh: string
  /** False where the code (or its name) could not be confirmed. */
  readonly confirmed: boolean
}

/**
 * A code table (代码表). `confirmed`: the codes are the national ones; `complete`: the whole table is shipped;
 * `configurable`: a deployment may replace it (`make`) — the unconfirmed and the incomplete ones.
 *
 * @since 0.1.0
 */
export interface CodeTable {
  readonly key: string
  readonly zh: string
  readonly standard?: string
  readonly confirmed: boolean
  readonly complete: boolean
  readonly configurable: boolean
  readonly note?: string
  readonly origin: string
  readonly codes: ReadonlyArray<Code>
}

/**
 * A set of indicators: the national core, or the core with provincial extensions (`provinces` lists them).
 *
 * @since 0.1.0
 */
export interface IndicatorSchema {
  readonly provinces: ReadonlyArray<string>
  readonly groups: ReadonlyArray<Group>
  readonly codeTables: ReadonlyArray<CodeTable>
}

/**
 * A record of a group, as decoded.
 *
 * @since 0.1.0
 */
export interface IndicatorRecord {
  readonly [key: string]: string | number | boolean
}

/**
 * The group with this key, if the schema has it.
 *
 * @since 0.1.0
 */
export const getGroup = (schema: IndicatorSchema, key: string): Group | undefined =>
  schema.groups.find((g) => g.key === key)

/**
 * The code table with this key, if the schema has it.
 *
 * @since 0.1.0
 */
export const getCodeTable = (schema: IndicatorSchema, key: string): CodeTable | undefined =>
  schema.codeTables.find((t) => t.key === key)

/**
 * The groups of the e-file of a school of this stage (kindergartens have no 教育教学, only 中小学校 have 交流轮岗).
 *
 * @since 0.1.0
 */
export const groupsFor = (schema: IndicatorSchema, stage: Stage): ReadonlyArray<Group> =>
  schema.groups.filter((g) => inStage(g.stages, stage))

/**
 * The fields of a group in the e-file of a school of this stage (the stage variants included).
 *
 * @since 0.1.0
 */
export const fieldsFor = (group: Group, stage: Stage): ReadonlyArray<Field> =>
  group.fields.filter((f) => inStage(f.stages, stage))

/**
 * Whether a record must have the field, counting an extension's tightening (conditions aside).
 *
 * @since 0.1.0
 */
export const isRequired = (field: Field): boolean => field.required || field.tightened?.required === true

/**
 * The maximum length of a text or identity-number field after any tightening.
 *
 * @since 0.1.0
 */
export const maxLengthOf = (field: Field): number | undefined =>
  field.type === "text" || field.type === "identityNumber"
    ? Math.min(field.maxLength, field.tightened?.maxLength ?? Number.POSITIVE_INFINITY)
    : undefined

/**
 * The codes a code field accepts: its table's, narrowed by any extension's `allowedCodes`.
 *
 * @since 0.1.0
 */
export const codesOf = (schema: IndicatorSchema, field: Field): ReadonlySet<string> => {
  if (field.type !== "code") return new Set()
  const all = (getCodeTable(schema, field.table)?.codes ?? []).map((c) => c.code)
  const allowed = field.tightened?.allowedCodes
  return new Set(allowed === undefined ? all : all.filter((c) => allowed.includes(c)))
}

/**
 * The patterns a text field's value must match (each as a JSON Schema `pattern`: ECMAScript, unanchored unless
 * written with `^…$`): the core's and any extension's.
 *
 * @since 0.1.0
 */
export const patternsOf = (field: Field): ReadonlyArray<string> => [
  ...(field.type === "text" && field.pattern !== undefined ? [field.pattern] : []),
  ...(field.tightened?.patterns ?? [])
]
