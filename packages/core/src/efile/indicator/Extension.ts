/**
 * Provincial extensions (M11.2) applied: `extend` builds a province's schema from a base and an extension, refusing
 * anything that would remove, rename, retype or loosen an existing indicator; `project` takes the part of a record a
 * schema knows. The extension's format is in `ExtensionFormat.ts`.
 *
 * @since 0.1.0
 */

import { Either, Option, ParseResult, Schema } from "effect"
import * as Division from "../../codes/Division.js"
import type * as Refusal from "../../kernel/Refusal.js"
import { Extension, type NewField, type Tighten } from "./ExtensionFormat.js"
import { fail, isPlainObject } from "./internal/common.js"
import {
  type CodeTable,
  codesOf,
  type Field,
  type Group,
  getCodeTable,
  getGroup,
  type IndicatorRecord,
  type IndicatorSchema,
  isRequired,
  maxLengthOf,
  type Tightening
} from "./Model.js"

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
): Either.Either<never, Refusal.Refusal> =>
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
const checkShape = (input: unknown): Either.Either<void, Refusal.Refusal> => {
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
): Either.Either<void, Refusal.Refusal> => {
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
): Either.Either<void, Refusal.Refusal> => {
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
): Either.Either<Field, Refusal.Refusal> => {
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
export const extend = (
  base: IndicatorSchema,
  extension: Extension
): Either.Either<IndicatorSchema, Refusal.Refusal> => {
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
