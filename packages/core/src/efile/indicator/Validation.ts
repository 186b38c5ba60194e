/**
 * Validation of e-file records (M11.1, M11.2 for a province's fields and tightenings, M17.3 for identity numbers):
 * `validator` and `validate`, which list every problem of a record, and `decoder`, the same checks as an
 * `effect/Schema`.
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import * as IdentityNumber from "../../codes/IdentityNumber.js"
import type { Stage } from "../../codes/SchoolType.js"
import * as Refusal from "../../kernel/Refusal.js"
import { isPlainObject } from "./internal/common.js"
import { alwaysRequired, type Compiled, compile, negate, type ValidateOptions } from "./internal/compiled.js"
import { document, propertySchema } from "./internal/jsonSchemaDocument.js"
import { stageZh } from "./internal/stage.js"
import * as Text from "./internal/text.js"
import { type Condition, type Field, type IndicatorRecord, type IndicatorSchema, isRequired } from "./Model.js"

/**
 * Options of `validator`, `validate`, `decoder` (declared with the compiled group, which keeps them).
 *
 * @since 0.1.0
 */
export type { ValidateOptions } from "./internal/compiled.js"

const issue = (
  rule: Refusal.RuleId,
  c: Compiled,
  field: Field | string,
  value: unknown,
  zh: string,
  en: string,
  extra: Readonly<Record<string, unknown>> = {}
): Refusal.Refusal => {
  // An unknown key is the request's own text: quoted like a value (a prefix, no lone surrogate).
  const key = typeof field === "string" ? String(Refusal.quote(field)) : field.key
  const zhName = typeof field === "string" ? key : field.zh
  return Refusal.invalid(rule, `${c.group.zh}·${zhName}：${zh}`, `${c.group.key}.${key} (${zhName}): ${en}`, {
    group: c.group.key,
    field: key,
    value: Refusal.quote(value),
    ...extra
  })
}

const ruleOf = (field: Field): Refusal.RuleId => (field.origin === "core" ? "M11.1" : "M11.2")

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
): Refusal.Refusal => issue(ruleOf(field), c, field, value, zh, en, { constraint: "type", ...extra })

const tight = (
  c: Compiled,
  field: Field,
  value: unknown,
  zh: string,
  en: string,
  constraint: string,
  extra: Readonly<Record<string, unknown>> = {}
): Refusal.Refusal => issue("M11.2", c, field, value, zh, en, { constraint, by: field.tightened?.by, ...extra })

/**
 * The name rule (姓名, 曾用名): a field whose core pattern is `Text.namePattern` is refused with the reason a name is
 * not one (a look-alike of the middle dot, a character of no name, its shape), not with the pattern.
 *
 * @since 0.1.0
 */
export const personNamePattern: string = Text.namePattern

const checkValue = (c: Compiled, field: Field, value: unknown): Refusal.Refusal | undefined => {
  // Every string of every field, whatever its type: no control, bidi, zero-width character or lone surrogate. The
  // refusal names the code point and its position, never the value (which may be invisible or invalid Unicode).
  if (typeof value === "string") {
    const found = Text.forbiddenCharacter(value)
    if (found !== undefined) {
      return issue(ruleOf(field), c, field, undefined, found.zh, found.en, {
        constraint: "character",
        codePoint: found.codePoint,
        position: found.position,
        length: characters(value)
      })
    }
  }
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
          if (field.pattern === Text.namePattern) {
            const why = Text.nameProblem(value)
            // A character of no name is named by code point, not quoted with the value (it may be markup).
            return bad(c, field, "codePoint" in why ? undefined : value, why.zh, why.en, {
              constraint: "pattern",
              ...("codePoint" in why ? { codePoint: why.codePoint, position: why.position } : {})
            })
          }
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
          `${JSON.stringify(Refusal.quote(value))}不是代码表${field.table}中的代码`,
          `${JSON.stringify(Refusal.quote(value))} is not a code of table ${field.table}`,
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

const missing = (c: Compiled, field: Field, because?: Condition): Refusal.Refusal => {
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
): Array<Refusal.Refusal> => {
  const out: Array<Refusal.Refusal> = []
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

const checkRecord = (c: Compiled, input: unknown): Array<Refusal.Refusal> => {
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
  const out: Array<Refusal.Refusal> = []
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

const recordError = (c: Compiled, issues: ReadonlyArray<Refusal.Refusal>): Refusal.Refusal => {
  const first = issues[0]!
  const more = issues.length - 1
  return Refusal.make(
    first.kind,
    first.rule,
    more === 0 ? first.zh : `${first.zh}（另有${more}处问题）`,
    more === 0 ? first.en : `${first.en} (and ${more} more)`,
    { ...first.details, stage: c.stage, issues }
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
): Either.Either<(input: unknown) => Either.Either<IndicatorRecord, Refusal.Refusal>, Refusal.Refusal> =>
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
): Either.Either<IndicatorRecord, Refusal.Refusal> =>
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
): Either.Either<Schema.Schema<IndicatorRecord>, Refusal.Refusal> =>
  Either.map(compile(schema, group, stage, options), (c) => {
    const props: { [key: string]: Schema.Schema.All | Schema.PropertySignature.All } = {}
    for (const field of c.fields) {
      const value = Schema.Unknown.pipe(
        Schema.filter((v) => {
          const problem = checkValue(c, field, v)
          return problem === undefined || Refusal.format(problem)
        })
      ).annotations({ title: field.zh, jsonSchema: propertySchema(c, field) })
      props[field.key] = alwaysRequired(field)
        ? Schema.propertySignature(value).annotations({
            missingMessage: () => Refusal.format(missing(c, field))
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
          : problems.map((p) => ({ path: [String(p.details.field)], message: Refusal.format(p) }))
      })
    )
    // The struct is built from data, so its static type is the generic record.
    return refined.annotations({
      title: `${c.group.zh} (${c.group.key})`,
      jsonSchema: document(c)
    }) as unknown as Schema.Schema<IndicatorRecord>
  })
