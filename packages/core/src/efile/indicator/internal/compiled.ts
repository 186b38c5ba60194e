/**
 * A record group compiled for a school stage — its fields, code sets and regular expressions, computed once — which
 * both the validation (M11.1, M11.2, M17.3) and the JSON Schema document of the group are built from.
 */

import { Either } from "effect"
import type { Stage } from "../../../codes/SchoolType.js"
import type * as Refusal from "../../../kernel/Refusal.js"
import {
  type Condition,
  codesOf,
  type Field,
  fieldsFor,
  type Group,
  getCodeTable,
  getGroup,
  type IndicatorSchema,
  isRequired
} from "../Model.js"
import { fail } from "./common.js"
import { inStage, stageZh } from "./stage.js"

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

export interface Compiled {
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

export const compile = (
  schema: IndicatorSchema,
  groupKey: string,
  stage: Stage,
  options: ValidateOptions
): Either.Either<Compiled, Refusal.Refusal> => {
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

/** Whether a field must be present whatever the other fields say. */
export const alwaysRequired = (field: Field): boolean =>
  isRequired(field) && field.requiredOnlyWhen === undefined && field.absentWhen === undefined

export const negate = (cond: Condition): Condition =>
  "equals" in cond ? { field: cond.field, notEquals: cond.equals } : { field: cond.field, equals: cond.notEquals }
