/**
 * The indicators of the teacher e-file (电子档案信息采集指标): the national core (M11.1) as data, a province's
 * extension as data (M11.2), who may fill each record group (M16.1), and the schemas built from them — an
 * `effect/Schema` for decoding records and a JSON Schema (2020-12) for documents and the API.
 *
 * A record is a plain object keyed by the fields' stable English keys; dates are "YYYY-MM-DD", year-months
 * "YYYY-MM", 是/否 fields booleans, codes the national code strings. An absent field is a missing key (an importer
 * maps empty cells to absent ones).
 *
 * @since 0.1.0
 */
import { Either, Option, ParseResult, Schema } from "effect"
import * as Division from "../codes/Division.js"
import * as IdentityNumber from "../codes/IdentityNumber.js"
import { Stage } from "../codes/SchoolType.js"
import * as RuleError from "../kernel/RuleError.js"
import * as Data from "./internal/coreIndicators.js"

// ── The model ────────────────────────────────────────────────────────────────────────────────────────────────────

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
 * A refusal: of an extension (M11.2), of a record (M11.1 / M11.2 / M17.3; `details.issues` lists every problem),
 * of a filler (M16.1), or of a request for a group that does not exist.
 *
 * @since 0.1.0
 */
export class IndicatorError extends Schema.TaggedError<IndicatorError>()("IndicatorError", RuleError.fields) {
  override get message() {
    return RuleError.format(this)
  }
}

// ── The core ─────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * The national core indicators (M11.1): the 17 record groups and their code tables, with the default codes of the
 * configurable tables.
 *
 * @since 0.1.0
 */
export const core: IndicatorSchema = { provinces: [], groups: Data.groups, codeTables: Data.codeTables }

/**
 * The keys of the 17 core groups, in the national order.
 *
 * @since 0.1.0
 */
export const coreGroupKeys: ReadonlyArray<string> = Data.groups.map((g) => g.key)

/**
 * The stages of 中小学校 (primary and secondary schools, as `SchoolType` counts them): the only ones with 交流轮岗.
 *
 * @since 0.1.0
 */
export const primarySecondaryStages: ReadonlyArray<Stage> = Data.primarySecondaryStages

/**
 * The groups that a teacher never fills (M16.1): post and title appointments, pay, annual assessment, ethics.
 *
 * @since 0.1.0
 */
export const institutionOnlyGroups: ReadonlyArray<string> = Data.groups
  .filter((g) => !g.fillers.includes("teacher"))
  .map((g) => g.key)

/**
 * Configuration of the core: replacement codes for the configurable tables (those with unconfirmed codes, and the
 * country table, of which only a subset is shipped).
 *
 * @since 0.1.0
 */
export interface Config {
  readonly codeTables?: Readonly<Record<string, ReadonlyArray<{ readonly code: string; readonly zh: string }>>>
}

const fail = (
  rule: RuleError.RuleId,
  zh: string,
  en: string,
  details: Readonly<Record<string, unknown>>
): Either.Either<never, IndicatorError> => Either.left(new IndicatorError(RuleError.violation(rule, zh, en, details)))

/** The values a condition compares a code field with must be codes of its table. */
const checkConditionCodes = (schema: IndicatorSchema): Either.Either<void, IndicatorError> => {
  for (const group of schema.groups) {
    for (const field of group.fields) {
      for (const cond of [field.requiredOnlyWhen, field.absentWhen]) {
        if (cond === undefined) continue
        const target = group.fields.find((f) => f.key === cond.field)
        const value = "equals" in cond ? cond.equals : cond.notEquals
        if (target?.type === "code" && !codesOf(schema, target).has(String(value))) {
          return fail(
            "M11.1",
            `代码表${target.table}缺少规则所需的代码${String(value)}`,
            `code table ${target.table} lacks code ${String(value)}, which the rule on ${group.key}.${field.key} needs`,
            { field: `${group.key}.${field.key}`, value, table: target.table }
          )
        }
      }
    }
  }
  return Either.void
}

/**
 * The core with configured code tables (M11.1). Only configurable tables may be replaced — the fully shipped
 * national standards (性别, 民族, 政治面貌, 学历, 婚姻状况, 证件类型, …) are fixed; a table needs at least one code,
 * codes are unique, and the codes the cross-field rules name (国籍 156) must stay.
 *
 * @since 0.1.0
 */
export const make = (config: Config = {}): Either.Either<IndicatorSchema, IndicatorError> => {
  const replacements = config.codeTables ?? {}
  for (const [key, rows] of Object.entries(replacements)) {
    const existing = Data.codeTables.find((t) => t.key === key)
    if (existing === undefined) {
      return fail("M11.1", `没有代码表${key}`, `there is no code table ${JSON.stringify(key)}`, {
        field: "codeTables",
        value: key
      })
    }
    if (!existing.configurable) {
      return fail(
        "M11.1",
        `${existing.zh}代码表是国家标准（${existing.standard ?? "国家代码"}），不可配置`,
        `the ${key} table (${existing.zh}) is the national standard ${existing.standard ?? ""}, not configuration`.trim(),
        { field: "codeTables", value: key }
      )
    }
    const seen = new Set<string>()
    for (const row of rows) {
      if (row.code.length === 0 || seen.has(row.code)) {
        return fail(
          "M11.1",
          `代码表${key}的代码为空或重复：${JSON.stringify(row.code)}`,
          `code table ${key} has an empty or repeated code ${JSON.stringify(row.code)}`,
          { field: "codeTables", value: row.code, table: key }
        )
      }
      seen.add(row.code)
    }
    if (rows.length === 0) {
      return fail("M11.1", `代码表${key}不能为空`, `code table ${key} needs at least one code`, {
        field: "codeTables",
        value: key
      })
    }
  }
  const schema: IndicatorSchema = {
    ...core,
    codeTables: Data.codeTables.map((t) => {
      const rows = replacements[t.key]
      return rows === undefined
        ? t
        : {
            ...t,
            complete: true,
            note: "configured by the deployment",
            codes: rows.map((r) => ({ code: r.code, zh: r.zh, confirmed: false }))
          }
    })
  }
  return Either.map(checkConditionCodes(schema), () => schema)
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

const inStage = (stages: ReadonlyArray<Stage> | undefined, stage: Stage): boolean =>
  stages === undefined || stages.includes(stage)

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

const fillerZh: Record<Filler, string> = { teacher: "教师本人", school: "学校", bureau: "教育行政部门" }

/**
 * Decide whether a filler may enter records of a group (M16.1): annual assessment, pay, ethics, post and title
 * appointments are entered only by the school or a bureau, never by the teacher. For a province's own groups, the
 * fillers its extension declares (refused under M11.2).
 *
 * @since 0.1.0
 */
export const mayFill = (
  group: string,
  filler: Filler,
  schema: IndicatorSchema = core
): Either.Either<void, IndicatorError> => {
  const g = getGroup(schema, group)
  if (g === undefined) {
    return fail("M11.1", `没有指标类别${group}`, `there is no record group ${JSON.stringify(group)}`, {
      field: "group",
      value: group
    })
  }
  if (g.fillers.includes(filler)) return Either.void
  return fail(
    g.origin === "core" ? "M16.1" : "M11.2",
    `${g.zh}信息不能由${fillerZh[filler]}填报，只能由${g.fillers.map((f) => fillerZh[f]).join("或")}填报`,
    `${g.key} (${g.zh}) is filled only by ${g.fillers.join(" or ")}, not by the ${filler}`,
    { field: "group", value: group, filler, fillers: g.fillers }
  )
}

// ── Extensions (M11.2) ───────────────────────────────────────────────────────────────────────────────────────────

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

/**
 * What a refused extension attempted (`details.attempted`).
 *
 * @since 0.1.0
 */
export type Attempt = "remove" | "rename" | "retype" | "loosen" | "redefine" | "invalid"

const attemptZh: Record<Attempt, string> = {
  remove: "删除核心指标",
  rename: "更名核心指标",
  retype: "更改核心指标类型",
  loosen: "放宽核心指标校验",
  redefine: "重新定义已有指标",
  invalid: "无效的扩展"
}

const refuseExtension = (
  province: unknown,
  attempted: Attempt,
  zh: string,
  en: string,
  where: { readonly group?: string; readonly field?: string; readonly value?: unknown } = {}
): Either.Either<never, IndicatorError> =>
  fail("M11.2", `${attemptZh[attempted]}：${zh}`, `${attempted}: ${en}`, {
    field: where.field === undefined ? (where.group ?? "extension") : `${where.group}.${where.field}`,
    value: where.value,
    province,
    ...(where.group === undefined ? {} : { group: where.group }),
    attempted
  })

/** What an unexpected property of an extension or a tightening tries to do. */
const intentOf = (property: string): Attempt => {
  const p = property.toLowerCase()
  if (/^(remove|delete|drop|omit|exclude|hide|hidden|disable)/.test(p)) return "remove"
  if (/^(rename|key|zh|name|label|title)$/.test(p)) return "rename"
  if (/^(type|retype|table|format|kind)$/.test(p)) return "retype"
  if (/^(optional|nullable|loosen|relax|minlength|allowextra)/.test(p)) return "loosen"
  if (/^(replace|override|redefine|set)/.test(p)) return "redefine"
  return "invalid"
}

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const extensionKeys = ["province", "groups", "fields", "tighten", "codeTables"]
const tightenKeys = ["required", "maxLength", "pattern", "allowedCodes"]

const compiles = (pattern: string): boolean => {
  try {
    new RegExp(pattern, "u")
    return true
  } catch {
    return false
  }
}

/** Refuse the unexpected properties an extension carries, naming what each attempts. */
const checkShape = (input: unknown): Either.Either<void, IndicatorError> => {
  if (!isPlainObject(input)) {
    return refuseExtension(undefined, "invalid", "扩展应为对象", "an extension is an object", { value: input })
  }
  const province = input.province
  for (const key of Object.keys(input)) {
    if (!extensionKeys.includes(key)) {
      return refuseExtension(
        province,
        intentOf(key),
        `扩展不能包含"${key}"，只能新增类别和指标、收紧校验`,
        `an extension has no "${key}": it only adds groups, fields and code tables and tightens validation`,
        { value: input[key] }
      )
    }
  }
  if (isPlainObject(input.tighten)) {
    for (const [group, byField] of Object.entries(input.tighten)) {
      if (!isPlainObject(byField)) continue
      for (const [field, tighten] of Object.entries(byField)) {
        if (!isPlainObject(tighten)) continue
        for (const key of Object.keys(tighten)) {
          if (!tightenKeys.includes(key)) {
            return refuseExtension(
              province,
              intentOf(key),
              `收紧${group}.${field}时不能设置"${key}"，只能设置required、maxLength、pattern、allowedCodes`,
              `tightening ${group}.${field} cannot set "${key}"; only required, maxLength, pattern and allowedCodes`,
              { group, field, value: tighten[key] }
            )
          }
        }
      }
    }
  }
  return Either.void
}

const toField = (spec: NewField, origin: string): Field => {
  const common = {
    key: spec.key,
    zh: spec.zh,
    required: spec.required ?? false,
    confirmed: false,
    origin,
    ...(spec.stages === undefined ? {} : { stages: spec.stages }),
    ...(spec.note === undefined ? {} : { note: spec.note })
  }
  switch (spec.type) {
    case "text":
      return {
        ...common,
        type: "text",
        maxLength: spec.maxLength,
        ...(spec.pattern === undefined ? {} : { pattern: spec.pattern })
      }
    case "code":
      return { ...common, type: "code", table: spec.table }
    case "integer":
      return { ...common, type: "integer", min: spec.min, max: spec.max }
    default:
      return { ...common, type: spec.type }
  }
}

/** A new field on its own: a known code table, a compiling pattern, a range with min ≤ max. */
const checkNewField = (
  province: string,
  group: string,
  spec: NewField,
  tables: ReadonlyArray<{ readonly key: string }>
): Either.Either<void, IndicatorError> => {
  const where = { group, field: spec.key, value: spec }
  if (spec.type === "code" && !tables.some((t) => t.key === spec.table)) {
    return refuseExtension(
      province,
      "invalid",
      `新指标${group}.${spec.key}引用了不存在的代码表${spec.table}`,
      `new field ${group}.${spec.key} names no known code table (${spec.table})`,
      where
    )
  }
  if (spec.type === "text" && spec.pattern !== undefined && !compiles(spec.pattern)) {
    return refuseExtension(
      province,
      "invalid",
      `新指标${group}.${spec.key}的pattern不是有效的正则表达式`,
      `the pattern of new field ${group}.${spec.key} is not a valid regular expression`,
      where
    )
  }
  if (spec.type === "integer" && spec.min > spec.max) {
    return refuseExtension(
      province,
      "invalid",
      `新指标${group}.${spec.key}的最小值大于最大值`,
      `new field ${group}.${spec.key} has min ${spec.min} above max ${spec.max}`,
      where
    )
  }
  return Either.void
}

/** How a new field with the key of an existing one would change it. */
const collision = (existing: Field, spec: NewField): { readonly attempted: Attempt; readonly en: string } => {
  if (existing.type !== spec.type) {
    return { attempted: "retype", en: `from ${existing.type} to ${spec.type}` }
  }
  if (existing.zh !== spec.zh) return { attempted: "rename", en: `from ${existing.zh} to ${spec.zh}` }
  if (isRequired(existing) && spec.required !== true) return { attempted: "loosen", en: "from required to optional" }
  if (spec.type === "text" && spec.maxLength > (maxLengthOf(existing) ?? 0)) {
    return { attempted: "loosen", en: `maxLength from ${maxLengthOf(existing)} to ${spec.maxLength}` }
  }
  if (spec.type === "code" && existing.type === "code" && spec.table !== existing.table) {
    return { attempted: "retype", en: `code table from ${existing.table} to ${spec.table}` }
  }
  return { attempted: "redefine", en: "by declaring it again" }
}

const checkAddedFields = (
  province: string,
  group: Group,
  specs: ReadonlyArray<NewField>,
  tables: ReadonlyArray<{ readonly key: string }>
): Either.Either<void, IndicatorError> => {
  const seen = new Set<string>()
  for (const spec of specs) {
    const where = { group: group.key, field: spec.key, value: spec }
    const existing = group.fields.find((f) => f.key === spec.key)
    if (existing !== undefined) {
      const { attempted, en } = collision(existing, spec)
      return refuseExtension(
        province,
        attempted,
        `${group.zh}已有指标${existing.zh}（${existing.key}），扩展不能重新定义它`,
        `${group.key}.${spec.key} (${existing.zh}) is an existing indicator; the extension would change it ${en}`,
        where
      )
    }
    const sameName = group.fields.find((f) => f.zh === spec.zh)
    if (sameName !== undefined) {
      return refuseExtension(
        province,
        "rename",
        `新指标${spec.key}与已有指标${sameName.key}同名（${spec.zh}），扩展不能更名已有指标`,
        `new field ${group.key}.${spec.key} has the Chinese name of ${group.key}.${sameName.key} (${spec.zh}): renaming an indicator is not allowed`,
        where
      )
    }
    if (seen.has(spec.key)) {
      return refuseExtension(
        province,
        "invalid",
        `新指标${group.key}.${spec.key}重复`,
        `new field ${group.key}.${spec.key} is declared twice`,
        where
      )
    }
    seen.add(spec.key)
    const checked = checkNewField(province, group.key, spec, tables)
    if (Either.isLeft(checked)) return Either.left(checked.left)
  }
  return Either.void
}

const tightenField = (
  province: string,
  schema: IndicatorSchema,
  group: Group,
  field: Field,
  t: Tighten
): Either.Either<Field, IndicatorError> => {
  const where = (value: unknown) => ({ group: group.key, field: field.key, value })
  const label = `${group.key}.${field.key} (${field.zh})`
  if (t.required === false && isRequired(field)) {
    return refuseExtension(
      province,
      "loosen",
      `${group.zh}·${field.zh}是必填项，扩展不能改为选填`,
      `${label} is required; an extension cannot make it optional`,
      where(false)
    )
  }
  const prior = field.tightened
  let maxLength = prior?.maxLength
  if (t.maxLength !== undefined) {
    const current = maxLengthOf(field)
    if (current === undefined) {
      return refuseExtension(
        province,
        "invalid",
        `${group.zh}·${field.zh}是${field.type}类型，不能设置最大长度`,
        `${label} is a ${field.type} field; maxLength applies to text fields only`,
        where(t.maxLength)
      )
    }
    if (t.maxLength > current) {
      return refuseExtension(
        province,
        "loosen",
        `${group.zh}·${field.zh}最大长度为${current}，扩展不能放宽到${t.maxLength}`,
        `${label} has at most ${current} characters; an extension cannot raise that to ${t.maxLength}`,
        where(t.maxLength)
      )
    }
    maxLength = t.maxLength
  }
  let patterns = prior?.patterns ?? []
  if (t.pattern !== undefined) {
    if (field.type !== "text") {
      return refuseExtension(
        province,
        "invalid",
        `${group.zh}·${field.zh}是${field.type}类型，不能设置pattern`,
        `${label} is a ${field.type} field; a pattern applies to text fields only`,
        where(t.pattern)
      )
    }
    if (!compiles(t.pattern)) {
      return refuseExtension(
        province,
        "invalid",
        `${group.zh}·${field.zh}的pattern不是有效的正则表达式`,
        `the pattern for ${label} is not a valid regular expression`,
        where(t.pattern)
      )
    }
    patterns = [...patterns, t.pattern]
  }
  let allowedCodes = prior?.allowedCodes
  if (t.allowedCodes !== undefined) {
    if (field.type !== "code") {
      return refuseExtension(
        province,
        "invalid",
        `${group.zh}·${field.zh}是${field.type}类型，不能限定代码`,
        `${label} is a ${field.type} field; allowedCodes apply to code fields only`,
        where(t.allowedCodes)
      )
    }
    const current = codesOf(schema, field)
    const outside = t.allowedCodes.filter((c) => !current.has(c))
    if (outside.length > 0) {
      return refuseExtension(
        province,
        "loosen",
        `${group.zh}·${field.zh}的代码表${field.table}中没有代码${outside.join("、")}，扩展只能收窄代码`,
        `${label}: codes ${outside.join(", ")} are not in its code table ${field.table} (as narrowed so far); an extension can only narrow codes`,
        where(outside)
      )
    }
    if (t.allowedCodes.length === 0) {
      return refuseExtension(
        province,
        "invalid",
        `${group.zh}·${field.zh}的可选代码不能为空`,
        `${label}: allowedCodes needs at least one code`,
        where(t.allowedCodes)
      )
    }
    allowedCodes = [...current].filter((c) => t.allowedCodes!.includes(c))
  }
  const tightened: Tightening = {
    by: prior?.by.includes(province) === true ? prior.by : [...(prior?.by ?? []), province],
    ...(t.required === true || prior?.required === true ? { required: true as const } : {}),
    ...(maxLength === undefined ? {} : { maxLength }),
    ...(patterns.length === 0 ? {} : { patterns }),
    ...(allowedCodes === undefined ? {} : { allowedCodes })
  }
  return Either.right({ ...field, tightened })
}

/**
 * Build the schema of a province: `base` (the core, or an already extended schema) with the extension's new code
 * tables, groups and fields, and tightened fields (M11.2). Refused — with the group, the field and what was
 * attempted (`details.attempted`: remove, rename, retype, loosen, redefine, invalid) — is anything that would remove,
 * rename, retype or loosen an existing indicator: a property other than those of `Extension`; a new group or code
 * table with an existing key; a new field with the key or the Chinese name of an existing one; `required: false` on
 * a required field; a longer `maxLength`; codes outside the field's table; a tightening that does not fit the type.
 * Extensions are data, so the input is checked whatever its static type.
 *
 * @since 0.1.0
 */
export const extend = (base: IndicatorSchema, extension: Extension): Either.Either<IndicatorSchema, IndicatorError> => {
  const shape = checkShape(extension)
  if (Either.isLeft(shape)) return Either.left(shape.left)
  const decoded = Schema.decodeUnknownEither(Extension, { onExcessProperty: "error", errors: "all" })(extension)
  if (Either.isLeft(decoded)) {
    const problem = ParseResult.TreeFormatter.formatErrorSync(decoded.left)
    return refuseExtension(
      (extension as { province?: unknown }).province,
      "invalid",
      `扩展格式不正确：${problem}`,
      `the extension is malformed: ${problem}`,
      { value: problem }
    )
  }
  const ext = decoded.right
  const province = ext.province
  const isProvince =
    /^[0-9]{2}$/.test(province) && Option.exists(Division.lookup(`${province}0000`), (d) => d.level === "province")
  if (!isProvince) {
    return refuseExtension(
      province,
      "invalid",
      `${province}不是省级行政区划代码`,
      `${JSON.stringify(province)} is not a province code (GB/T 2260, 2 digits)`,
      { field: "province", value: province }
    )
  }

  // Code tables.
  const newTables: Array<CodeTable> = []
  for (const t of ext.codeTables ?? []) {
    if (getCodeTable(base, t.key) !== undefined || newTables.some((n) => n.key === t.key)) {
      return refuseExtension(
        province,
        "redefine",
        `代码表${t.key}已存在，扩展不能重新定义它`,
        `code table ${t.key} exists; an extension cannot redefine it (narrow a field's codes with allowedCodes)`,
        { group: "codeTables", field: t.key, value: t.key }
      )
    }
    const codes = t.codes.map((c) => c.code)
    const repeated = codes.find((c, i) => codes.indexOf(c) !== i)
    if (repeated !== undefined) {
      return refuseExtension(
        province,
        "invalid",
        `代码表${t.key}的代码${repeated}重复`,
        `code table ${t.key} repeats code ${repeated}`,
        { group: "codeTables", field: t.key, value: repeated }
      )
    }
    newTables.push({
      key: t.key,
      zh: t.zh,
      confirmed: false,
      complete: true,
      configurable: false,
      origin: province,
      codes: t.codes.map((c) => ({ code: c.code, zh: c.zh, confirmed: false }))
    })
  }
  const tables = [...base.codeTables, ...newTables]

  // New groups.
  const newGroups: Array<Group> = []
  for (const g of ext.groups ?? []) {
    const existing = getGroup(base, g.key)
    if (existing !== undefined) {
      const missing = existing.fields.find((f) => !g.fields.some((n) => n.key === f.key))
      return missing === undefined
        ? refuseExtension(
            province,
            "redefine",
            `指标类别${existing.zh}（${g.key}）已存在，扩展不能重新定义它；新增指标请写在fields中`,
            `group ${g.key} (${existing.zh}) exists; an extension cannot redefine it (add fields under "fields")`,
            { group: g.key, value: g.key }
          )
        : refuseExtension(
            province,
            "remove",
            `重新定义指标类别${existing.zh}会删除其指标${missing.zh}（${missing.key}）`,
            `redefining group ${g.key} (${existing.zh}) would remove its indicator ${missing.key} (${missing.zh})`,
            { group: g.key, field: missing.key, value: g.key }
          )
    }
    if (newGroups.some((n) => n.key === g.key)) {
      return refuseExtension(province, "invalid", `新类别${g.key}重复`, `new group ${g.key} is declared twice`, {
        group: g.key,
        value: g.key
      })
    }
    const shell: Group = {
      key: g.key,
      zh: g.zh,
      cardinality: g.cardinality,
      fillers: g.fillers,
      fields: [],
      rules: [],
      origin: province,
      ...(g.stages === undefined ? {} : { stages: g.stages })
    }
    const checked = checkAddedFields(province, shell, g.fields, tables)
    if (Either.isLeft(checked)) return Either.left(checked.left)
    newGroups.push({ ...shell, fields: g.fields.map((f) => toField(f, province)) })
  }

  // New fields of existing groups.
  const added = new Map<string, ReadonlyArray<Field>>()
  for (const [groupKey, specs] of Object.entries(ext.fields ?? {})) {
    const group = getGroup(base, groupKey)
    if (group === undefined) {
      return refuseExtension(
        province,
        "invalid",
        `没有指标类别${groupKey}${newGroups.some((g) => g.key === groupKey) ? "（新类别的指标写在其fields中）" : ""}`,
        `there is no group ${groupKey} to add fields to` +
          (newGroups.some((g) => g.key === groupKey) ? " (declare a new group's fields in the group)" : ""),
        { group: groupKey, value: groupKey }
      )
    }
    const checked = checkAddedFields(province, group, specs, tables)
    if (Either.isLeft(checked)) return Either.left(checked.left)
    added.set(
      groupKey,
      specs.map((f) => toField(f, province))
    )
  }

  // Tightenings.
  const tightenedByGroup = new Map<string, Map<string, Field>>()
  for (const [groupKey, byField] of Object.entries(ext.tighten ?? {})) {
    const group = getGroup(base, groupKey)
    if (group === undefined) {
      return refuseExtension(
        province,
        "invalid",
        `没有指标类别${groupKey}可收紧`,
        `there is no group ${groupKey} to tighten (an extension's own groups are declared as wanted)`,
        { group: groupKey, value: groupKey }
      )
    }
    const fields = new Map<string, Field>()
    for (const [fieldKey, t] of Object.entries(byField)) {
      const field = group.fields.find((f) => f.key === fieldKey)
      if (field === undefined) {
        return refuseExtension(
          province,
          "invalid",
          `${group.zh}中没有指标${fieldKey}（已有指标不能更名）`,
          `group ${groupKey} has no field ${fieldKey} to tighten (indicators keep their keys)`,
          { group: groupKey, field: fieldKey, value: fieldKey }
        )
      }
      const tightened = tightenField(province, { ...base, codeTables: tables }, group, field, t)
      if (Either.isLeft(tightened)) return Either.left(tightened.left)
      fields.set(fieldKey, tightened.right)
    }
    tightenedByGroup.set(groupKey, fields)
  }

  const groups = base.groups.map((g) => {
    const tightened = tightenedByGroup.get(g.key)
    const extra = added.get(g.key) ?? []
    if (tightened === undefined && extra.length === 0) return g
    return { ...g, fields: [...g.fields.map((f) => tightened?.get(f.key) ?? f), ...extra] }
  })
  return Either.right({
    provinces: [...base.provinces, province],
    groups: [...groups, ...newGroups],
    codeTables: tables
  })
}

/**
 * The part of a record that a schema knows for a group: the properties that are fields of that group in `onto`
 * (for instance the core part of a record of an extended schema).
 *
 * @since 0.1.0
 */
export const project = (onto: IndicatorSchema, group: string, record: IndicatorRecord): IndicatorRecord => {
  const keys = new Set(getGroup(onto, group)?.fields.map((f) => f.key) ?? [])
  return Object.fromEntries(Object.entries(record).filter(([k]) => keys.has(k)))
}

// ── Validation ───────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Options of `validator`, `validate`, `decoder`.
 *
 * - `today` ("YYYY-MM-DD"): the day a birth date in an identity number may not be after. Passed in because rules
 *   never read the clock; without it no birth date is in the future.
 * - `residencePermitCodes`, `allowZeroSequence`: as for `IdentityNumber.parse`.
 *
 * @since 0.1.0
 */
export interface ValidateOptions {
  readonly today?: string | undefined
  readonly residencePermitCodes?: ReadonlyArray<string> | undefined
  readonly allowZeroSequence?: boolean | undefined
}

interface Compiled {
  readonly schema: IndicatorSchema
  readonly group: Group
  readonly stage: Stage
  readonly fields: ReadonlyArray<Field>
  readonly byKey: ReadonlyMap<string, Field>
  readonly codes: ReadonlyMap<string, { readonly table: ReadonlySet<string>; readonly allowed: ReadonlySet<string> }>
  readonly regexps: ReadonlyMap<
    string,
    { readonly core: RegExp | undefined; readonly tightened: ReadonlyArray<RegExp> }
  >
  readonly options: ValidateOptions
  readonly alwaysRequired: ReadonlySet<string>
  /** The fields with a presence condition. */
  readonly conditional: ReadonlyArray<Field>
}

const stageZh: Record<Stage, string> = {
  kindergarten: "幼儿园",
  primary: "小学",
  juniorSecondary: "初中",
  seniorSecondary: "高中",
  secondaryVocational: "中等职业学校",
  specialEducation: "特殊教育学校",
  higherEducation: "高等学校",
  adult: "成人中小学",
  reform: "工读学校",
  other: "其他机构"
}

const compile = (
  schema: IndicatorSchema,
  groupKey: string,
  stage: Stage,
  options: ValidateOptions
): Either.Either<Compiled, IndicatorError> => {
  const rule = schema.provinces.length === 0 ? "M11.1" : "M11.2"
  const group = getGroup(schema, groupKey)
  if (group === undefined) {
    return fail(rule, `没有指标类别${groupKey}`, `there is no record group ${JSON.stringify(groupKey)}`, {
      field: "group",
      value: groupKey
    })
  }
  if (!inStage(group.stages, stage)) {
    return fail(
      group.origin === "core" ? "M11.1" : "M11.2",
      `${stageZh[stage]}教师的电子档案没有${group.zh}`,
      `the e-file of a ${stage} school has no ${group.key} (${group.zh})`,
      { field: "group", value: groupKey, stage }
    )
  }
  const fields = fieldsFor(group, stage)
  const codes = new Map<string, { table: ReadonlySet<string>; allowed: ReadonlySet<string> }>()
  const regexps = new Map<string, { core: RegExp | undefined; tightened: ReadonlyArray<RegExp> }>()
  for (const f of fields) {
    if (f.type === "code") {
      codes.set(f.key, {
        table: new Set((getCodeTable(schema, f.table)?.codes ?? []).map((c) => c.code)),
        allowed: codesOf(schema, f)
      })
    }
    if (f.type === "text") {
      regexps.set(f.key, {
        core: f.pattern === undefined ? undefined : new RegExp(f.pattern, "u"),
        tightened: (f.tightened?.patterns ?? []).map((p) => new RegExp(p, "u"))
      })
    }
  }
  return Either.right({
    schema,
    group,
    stage,
    fields,
    byKey: new Map(fields.map((f) => [f.key, f])),
    codes,
    regexps,
    options,
    alwaysRequired: new Set(fields.filter(alwaysRequired).map((f) => f.key)),
    conditional: fields.filter((f) => f.requiredOnlyWhen !== undefined || f.absentWhen !== undefined)
  })
}

const issue = (
  rule: RuleError.RuleId,
  c: Compiled,
  field: Field | string,
  value: unknown,
  zh: string,
  en: string,
  extra: Readonly<Record<string, unknown>> = {}
): RuleError.Violation => {
  const key = typeof field === "string" ? field : field.key
  const zhName = typeof field === "string" ? field : field.zh
  return RuleError.violation(rule, `${c.group.zh}·${zhName}：${zh}`, `${c.group.key}.${key} (${zhName}): ${en}`, {
    group: c.group.key,
    field: key,
    value,
    ...extra
  })
}

const ruleOf = (field: Field): RuleError.RuleId => (field.origin === "core" ? "M11.1" : "M11.2")

const characters = (s: string): number => {
  let n = 0
  for (const _ of s) n++
  return n
}

const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const isDate = (s: string): boolean => {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s)
  if (m === null) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const days = mo === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31
  return y >= 1900 && mo >= 1 && mo <= 12 && d >= 1 && d <= days
}
const isYearMonth = (s: string): boolean => /^[0-9]{4}-(0[1-9]|1[0-2])$/.test(s) && Number(s.slice(0, 4)) >= 1900
const documentNumberPattern = /^[0-9A-Za-z()-]+$/

/** The problem with one field's value, if any: the core's (or the adding province's) constraints, then tightenings. */
// Out of line so that checking a valid value allocates nothing.
const bad = (
  c: Compiled,
  field: Field,
  value: unknown,
  zh: string,
  en: string,
  extra: Readonly<Record<string, unknown>> = {}
): RuleError.Violation => issue(ruleOf(field), c, field, value, zh, en, { constraint: "type", ...extra })

const tight = (
  c: Compiled,
  field: Field,
  value: unknown,
  zh: string,
  en: string,
  constraint: string,
  extra: Readonly<Record<string, unknown>> = {}
): RuleError.Violation => issue("M11.2", c, field, value, zh, en, { constraint, by: field.tightened?.by, ...extra })

const checkValue = (c: Compiled, field: Field, value: unknown): RuleError.Violation | undefined => {
  switch (field.type) {
    case "text":
    case "identityNumber": {
      if (typeof value !== "string") return bad(c, field, value, "应为文本", "must be text")
      if (value.trim().length === 0)
        return bad(c, field, value, "不能为空白，无内容时不填该项", "must not be blank (leave it out instead)")
      const length = characters(value)
      if (length > field.maxLength) {
        return bad(
          c,
          field,
          value,
          `最多${field.maxLength}个字符，实为${length}个`,
          `has at most ${field.maxLength} characters, found ${length}`,
          {
            constraint: "maxLength",
            expected: field.maxLength
          }
        )
      }
      if (field.type === "identityNumber") {
        if (!documentNumberPattern.test(value)) {
          return bad(
            c,
            field,
            value,
            "证件号只能包含字母、数字、括号和连字符",
            "a document number has letters, digits, ( ) and - only",
            {
              constraint: "pattern"
            }
          )
        }
      } else {
        const re = c.regexps.get(field.key)!
        if (re.core !== undefined && !re.core.test(value)) {
          return bad(c, field, value, `格式不符合${field.pattern}`, `does not match ${field.pattern}`, {
            constraint: "pattern",
            expected: field.pattern
          })
        }
      }
      const max = field.tightened?.maxLength
      if (max !== undefined && length > max) {
        return tight(
          c,
          field,
          value,
          `本省规定最多${max}个字符，实为${length}个`,
          `has at most ${max} characters in this province, found ${length}`,
          "maxLength",
          {
            expected: max
          }
        )
      }
      for (const [i, re] of (c.regexps.get(field.key)?.tightened ?? []).entries()) {
        if (!re.test(value)) {
          const pattern = field.tightened?.patterns?.[i]
          return tight(
            c,
            field,
            value,
            `格式不符合本省规定${pattern}`,
            `does not match this province's pattern ${pattern}`,
            "pattern",
            {
              expected: pattern
            }
          )
        }
      }
      return undefined
    }
    case "code": {
      const sets = c.codes.get(field.key)!
      if (typeof value !== "string" || !sets.table.has(value)) {
        return bad(
          c,
          field,
          value,
          `${JSON.stringify(value)}不是代码表${field.table}中的代码`,
          `${JSON.stringify(value)} is not a code of table ${field.table}`,
          { constraint: "code", table: field.table }
        )
      }
      if (!sets.allowed.has(value)) {
        return tight(
          c,
          field,
          value,
          `代码${value}不在本省允许的代码中（${[...sets.allowed].join("、")}）`,
          `code ${value} is not among this province's allowed codes (${[...sets.allowed].join(", ")})`,
          "allowedCodes",
          { expected: [...sets.allowed] }
        )
      }
      return undefined
    }
    case "date":
      return typeof value === "string" && isDate(value)
        ? undefined
        : bad(c, field, value, "应为1900年以后的日期YYYY-MM-DD", "must be a calendar date YYYY-MM-DD from 1900")
    case "yearMonth":
      return typeof value === "string" && isYearMonth(value)
        ? undefined
        : bad(c, field, value, "应为1900年以后的年月YYYY-MM", "must be a year-month YYYY-MM from 1900")
    case "boolean":
      return typeof value === "boolean"
        ? undefined
        : bad(c, field, value, "应为是或否（true/false）", "must be 是/否 (true or false)")
    case "integer":
      return typeof value === "number" && Number.isInteger(value) && value >= field.min && value <= field.max
        ? undefined
        : bad(
            c,
            field,
            value,
            `应为${field.min}至${field.max}的整数`,
            `must be an integer from ${field.min} to ${field.max}`,
            {
              constraint: "range",
              expected: [field.min, field.max]
            }
          )
  }
}

const holds = (cond: Condition, record: Readonly<Record<string, unknown>>): boolean => {
  const value = record[cond.field]
  return "equals" in cond ? value === cond.equals : value !== undefined && value !== cond.notEquals
}

const conditionText = (c: Compiled, cond: Condition): { readonly zh: string; readonly en: string } => {
  const target = c.byKey.get(cond.field)
  const name = target?.zh ?? cond.field
  const show = (v: string | boolean) => (typeof v === "boolean" ? (v ? "是" : "否") : v)
  return "equals" in cond
    ? { zh: `${name}为${show(cond.equals)}`, en: `${cond.field} is ${String(cond.equals)}` }
    : { zh: `${name}不是${show(cond.notEquals)}`, en: `${cond.field} is not ${String(cond.notEquals)}` }
}

const hasOwn = (o: object, key: string): boolean => Object.hasOwn(o, key)

const missing = (c: Compiled, field: Field, because?: Condition): RuleError.Violation => {
  const rule = field.required ? ruleOf(field) : "M11.2"
  const when = because === undefined ? undefined : conditionText(c, because)
  return issue(
    rule,
    c,
    field,
    undefined,
    when === undefined ? "必填" : `${when.zh}时必填`,
    when === undefined ? "is required" : `is required when ${when.en}`,
    { constraint: "required" }
  )
}

/** Whether a field must be present whatever the other fields say. */
const alwaysRequired = (field: Field): boolean =>
  isRequired(field) && field.requiredOnlyWhen === undefined && field.absentWhen === undefined

const yearMonthOf = (c: Compiled, key: string): boolean => c.byKey.get(key)?.type === "yearMonth"

const noFields: ReadonlySet<string> = new Set()

/**
 * The cross-field rules. A rule involving a field in `bad` (one already refused) is skipped, so that a report names
 * every problem of a record without consequential ones.
 */
const crossCheck = (
  c: Compiled,
  record: Readonly<Record<string, unknown>>,
  bad: ReadonlySet<string> = noFields
): Array<RuleError.Violation> => {
  const out: Array<RuleError.Violation> = []
  for (const field of c.conditional) {
    if (
      bad.has(field.key) ||
      (field.absentWhen !== undefined && bad.has(field.absentWhen.field)) ||
      (field.requiredOnlyWhen !== undefined && bad.has(field.requiredOnlyWhen.field))
    ) {
      continue
    }
    const present = hasOwn(record, field.key)
    const cleared = field.absentWhen !== undefined && holds(field.absentWhen, record)
    if (cleared && present) {
      const when = conditionText(c, field.absentWhen!)
      out.push(
        issue(ruleOf(field), c, field, record[field.key], `${when.zh}时应为空`, `must be left empty when ${when.en}`, {
          constraint: "absent"
        })
      )
    } else if (
      !cleared &&
      !present &&
      isRequired(field) &&
      (field.requiredOnlyWhen === undefined || holds(field.requiredOnlyWhen, record))
    ) {
      out.push(missing(c, field, field.requiredOnlyWhen ?? (field.absentWhen && negate(field.absentWhen))))
    }
  }
  for (const rule of c.group.rules) {
    if (rule.type === "order") {
      const earlier = record[rule.earlier]
      const later = record[rule.later]
      if (typeof earlier !== "string" || typeof later !== "string" || bad.has(rule.earlier) || bad.has(rule.later)) {
        continue
      }
      const byMonth = yearMonthOf(c, rule.earlier) || yearMonthOf(c, rule.later)
      const [a, b] = byMonth ? [earlier.slice(0, 7), later.slice(0, 7)] : [earlier, later]
      if (rule.strict ? b > a : b >= a) continue
      const earlierField = c.byKey.get(rule.earlier)
      out.push(
        issue(
          "M11.1",
          c,
          c.byKey.get(rule.later) ?? rule.later,
          later,
          `${rule.zh}（${earlierField?.zh ?? rule.earlier}为${earlier}）`,
          `${rule.en} (${rule.earlier} is ${earlier})`,
          { constraint: rule.id, other: { field: rule.earlier, value: earlier } }
        )
      )
    } else {
      const number = record[rule.number]
      if (record[rule.documentType] !== "1" || typeof number !== "string") continue
      if ([rule.documentType, rule.number, rule.birthDate, rule.sex].some((k) => bad.has(k))) continue
      const parsed = IdentityNumber.parse(number, {
        today: c.options.today ?? "9999-12-31",
        residencePermitCodes: c.options.residencePermitCodes,
        allowZeroSequence: c.options.allowZeroSequence
      })
      const checked = Either.isLeft(parsed)
        ? parsed
        : IdentityNumber.checkConsistency(parsed.right, {
            birthDate: record[rule.birthDate] as string | undefined,
            sex: record[rule.sex] as IdentityNumber.Recorded["sex"]
          })
      if (Either.isLeft(checked)) {
        const e = checked.left
        const { field: _, value: __, ...rest } = e.details
        out.push(
          issue("M17.3", c, c.byKey.get(rule.number) ?? rule.number, number, e.zh, e.en, {
            constraint: rule.id,
            ...rest
          })
        )
      }
    }
  }
  return out
}

const negate = (cond: Condition): Condition =>
  "equals" in cond ? { field: cond.field, notEquals: cond.equals } : { field: cond.field, equals: cond.notEquals }

const checkRecord = (c: Compiled, input: unknown): Array<RuleError.Violation> => {
  if (!isPlainObject(input)) {
    return [
      issue(
        c.schema.provinces.length === 0 ? "M11.1" : "M11.2",
        c,
        "(record)",
        input,
        "记录应为对象",
        "a record is an object"
      )
    ]
  }
  const out: Array<RuleError.Violation> = []
  // One pass over the record's own properties; the required fields not met are looked for only when some are missing.
  let required = 0
  for (const key of Object.keys(input)) {
    const field = c.byKey.get(key)
    if (field === undefined) {
      out.push(
        issue(
          c.schema.provinces.length === 0 ? "M11.1" : "M11.2",
          c,
          key,
          input[key],
          `不是${stageZh[c.stage]}教师${c.group.zh}的指标`,
          `is not a field of ${c.group.key} for a ${c.stage} school`,
          { constraint: "unknown" }
        )
      )
      continue
    }
    if (c.alwaysRequired.has(key)) required++
    const problem = checkValue(c, field, input[key])
    if (problem !== undefined) out.push(problem)
  }
  if (required < c.alwaysRequired.size) {
    for (const field of c.fields) {
      if (c.alwaysRequired.has(field.key) && !hasOwn(input, field.key)) out.push(missing(c, field))
    }
  }
  if (out.length === 0) return crossCheck(c, input)
  return [...out, ...crossCheck(c, input, new Set(out.map((v) => String(v.details.field))))]
}

const recordError = (c: Compiled, issues: ReadonlyArray<RuleError.Violation>): IndicatorError => {
  const first = issues[0]!
  const more = issues.length - 1
  return new IndicatorError(
    RuleError.violation(
      first.rule,
      more === 0 ? first.zh : `${first.zh}（另有${more}处问题）`,
      more === 0 ? first.en : `${first.en} (and ${more} more)`,
      { ...first.details, stage: c.stage, issues }
    )
  )
}

/**
 * A validator for records of a group in the e-file of a school of this stage, compiled once: it accepts a record
 * whose every field is valid (type, length, pattern, code; M11.1, or M11.2 for a province's fields and
 * tightenings), with no unknown property (no mass assignment), every required field present, and the cross-field
 * rules kept: 国籍 ≠ 156 leaves 民族 and 政治面貌 empty, 用人形式 required only when 是否在编 is 否, 参加工作年月 after
 * 出生日期, 进本校年月 not before 参加工作年月, and a type-1 identity number valid and agreeing with 出生日期 and 性别
 * (M17.3). A refusal lists every problem in `details.issues`, each with its rule, group, field and value (a cross-field
 * rule is skipped when one of its fields is already refused).
 *
 * @since 0.1.0
 */
export const validator = (
  schema: IndicatorSchema,
  group: string,
  stage: Stage,
  options: ValidateOptions = {}
): Either.Either<(input: unknown) => Either.Either<IndicatorRecord, IndicatorError>, IndicatorError> =>
  Either.map(compile(schema, group, stage, options), (c) => (input) => {
    const issues = checkRecord(c, input)
    return issues.length === 0 ? Either.right(input as IndicatorRecord) : Either.left(recordError(c, issues))
  })

/**
 * Validate one record (see `validator`, which compiles once for many records).
 *
 * @since 0.1.0
 */
export const validate = (
  schema: IndicatorSchema,
  group: string,
  stage: Stage,
  input: unknown,
  options: ValidateOptions = {}
): Either.Either<IndicatorRecord, IndicatorError> =>
  Either.flatMap(validator(schema, group, stage, options), (check) => check(input))

/**
 * An `effect/Schema` for records of a group in the e-file of a school of this stage: a `Schema.Struct` of the
 * fields (unknown properties refused: `onExcessProperty: "error"`) with the cross-field rules as a filter. It
 * accepts exactly what `validator` accepts; each message starts with the rule id (M11.1, M11.2, M17.3). Its JSON
 * Schema annotation is `jsonSchema`'s document.
 *
 * @since 0.1.0
 */
export const decoder = (
  schema: IndicatorSchema,
  group: string,
  stage: Stage,
  options: ValidateOptions = {}
): Either.Either<Schema.Schema<IndicatorRecord>, IndicatorError> =>
  Either.map(compile(schema, group, stage, options), (c) => {
    const props: { [key: string]: Schema.Schema.All | Schema.PropertySignature.All } = {}
    for (const field of c.fields) {
      const value = Schema.Unknown.pipe(
        Schema.filter((v) => {
          const problem = checkValue(c, field, v)
          return problem === undefined || RuleError.format(problem)
        })
      ).annotations({ title: field.zh, jsonSchema: propertySchema(c, field) })
      props[field.key] = alwaysRequired(field)
        ? Schema.propertySignature(value).annotations({
            missingMessage: () => RuleError.format(missing(c, field))
          })
        : Schema.optionalWith(value, { exact: true })
    }
    // An empty Struct accepts any non-null value, so a group with no field for this stage takes only the empty object.
    const struct =
      c.fields.length === 0
        ? Schema.Record({ key: Schema.String, value: Schema.Never })
        : Schema.Struct(props).annotations({ parseOptions: { onExcessProperty: "error", errors: "all" } })
    const refined = (struct as Schema.Schema<object>).pipe(
      Schema.filter((record) => {
        const problems = crossCheck(c, record as Record<string, unknown>)
        return problems.length === 0
          ? true
          : problems.map((p) => ({ path: [String(p.details.field)], message: RuleError.format(p) }))
      })
    )
    // The struct is built from data, so its static type is the generic record.
    return refined.annotations({
      title: `${c.group.zh} (${c.group.key})`,
      jsonSchema: document(c)
    }) as unknown as Schema.Schema<IndicatorRecord>
  })

// ── JSON Schema ──────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A JSON Schema document (draft 2020-12), as plain JSON.
 *
 * @since 0.1.0
 */
export type JsonSchema = { readonly [key: string]: unknown }

const yearMonthPattern = "^[0-9]{4}-(0[1-9]|1[0-2])$"
const datePattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

const propertySchema = (c: Compiled, field: Field): JsonSchema => {
  const common = {
    title: field.zh,
    ...(field.note === undefined ? {} : { description: field.note }),
    "x-tmis-origin": field.origin,
    "x-tmis-confirmed": field.confirmed
  }
  switch (field.type) {
    case "text": {
      // A value is not blank: one non-space character; further patterns go in allOf.
      const [first, ...rest] = ["\\S", ...patternsOf(field)]
      return {
        type: "string",
        maxLength: maxLengthOf(field),
        pattern: first,
        ...(rest.length === 0 ? {} : { allOf: rest.map((pattern) => ({ pattern })) }),
        ...common
      }
    }
    case "identityNumber":
      return {
        type: "string",
        maxLength: maxLengthOf(field),
        pattern: "^[0-9A-Za-z()-]+$",
        ...common
      }
    case "code":
      return { type: "string", enum: [...c.codes.get(field.key)!.allowed], "x-tmis-codeTable": field.table, ...common }
    case "date":
      return { type: "string", format: "date", pattern: datePattern, ...common }
    case "yearMonth":
      return { type: "string", pattern: yearMonthPattern, ...common }
    case "boolean":
      return { type: "boolean", ...common }
    case "integer":
      return { type: "integer", minimum: field.min, maximum: field.max, ...common }
  }
}

const conditionSchema = (cond: Condition): JsonSchema => ({
  properties: { [cond.field]: "equals" in cond ? { const: cond.equals } : { not: { const: cond.notEquals } } },
  required: [cond.field]
})

// biome-ignore lint/suspicious/noThenProperty: "then" is JSON Schema's keyword, the object is plain data.
const ifThen = (condition: JsonSchema, consequence: JsonSchema): JsonSchema => ({ if: condition, then: consequence })

const document = (c: Compiled): JsonSchema => {
  const properties: Record<string, JsonSchema> = {}
  for (const field of c.fields) properties[field.key] = propertySchema(c, field)
  const conditions: Array<JsonSchema> = []
  for (const field of c.fields) {
    if (field.absentWhen !== undefined) {
      conditions.push(ifThen(conditionSchema(field.absentWhen), { not: { required: [field.key] } }))
    }
    if (isRequired(field) && (field.requiredOnlyWhen !== undefined || field.absentWhen !== undefined)) {
      const when = [
        ...(field.requiredOnlyWhen === undefined ? [] : [conditionSchema(field.requiredOnlyWhen)]),
        ...(field.absentWhen === undefined ? [] : [conditionSchema(negate(field.absentWhen))])
      ]
      conditions.push(ifThen(when.length === 1 ? when[0]! : { allOf: when }, { required: [field.key] }))
    }
  }
  const rules = c.group.rules.map((r) =>
    r.type === "order"
      ? { id: r.id, rule: "M11.1", earlier: r.earlier, later: r.later, strict: r.strict, zh: r.zh, en: r.en }
      : {
          id: r.id,
          rule: "M17.3",
          documentType: r.documentType,
          number: r.number,
          birthDate: r.birthDate,
          sex: r.sex,
          zh: "证件类型为居民身份证时，证件号须符合GB 11643且与出生日期、性别一致",
          en: "with document type 1 the number is a valid GB 11643 identity number agreeing with the birth date and sex"
        }
  )
  const scope = c.schema.provinces.length === 0 ? "core" : c.schema.provinces.join("+")
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `urn:tmis:indicator:${scope}:${c.group.key}:${c.stage}`,
    title: `${c.group.zh} (${c.group.key})`,
    description:
      `A ${c.group.key} record (${c.group.cardinality === "one" ? "one per teacher" : "many per teacher"}) ` +
      `of the e-file of a ${c.stage} school; rules beyond JSON Schema are listed in x-tmis-rules.`,
    type: "object",
    properties,
    required: c.fields.filter(alwaysRequired).map((f) => f.key),
    additionalProperties: false,
    ...(conditions.length === 0 ? {} : { allOf: conditions }),
    "x-tmis-group": {
      key: c.group.key,
      zh: c.group.zh,
      cardinality: c.group.cardinality,
      fillers: c.group.fillers,
      origin: c.group.origin
    },
    "x-tmis-rules": rules
  }
}

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
): Either.Either<JsonSchema, IndicatorError> => Either.map(compile(schema, group, stage, {}), document)
