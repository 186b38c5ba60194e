/**
 * The national core indicators (M11.1) — the 17 record groups and their code tables, configurable by a deployment
 * (`make`) — and who may fill a record group (M16.1, `mayFill`).
 *
 * @since 0.1.0
 */

import { Either } from "effect"
import type { Stage } from "../../codes/SchoolType.js"
import type * as Refusal from "../../kernel/Refusal.js"
import * as Data from "../internal/coreIndicators.js"
import { fail } from "./internal/common.js"
import { codesOf, type Filler, getGroup, type IndicatorSchema } from "./Model.js"

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

/** The values a condition compares a code field with must be codes of its table. */
const checkConditionCodes = (schema: IndicatorSchema): Either.Either<void, Refusal.Refusal> => {
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
export const make = (config: Config = {}): Either.Either<IndicatorSchema, Refusal.Refusal> => {
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
): Either.Either<void, Refusal.Refusal> => {
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
