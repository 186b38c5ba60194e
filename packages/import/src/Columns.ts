/**
 * A school's columns onto the indicators (M16.2): the headers of its file matched with the fields of a record group,
 * and each row's cells turned into the typed values the validator checks — dates "YYYY-MM-DD", year-months
 * "YYYY-MM", 是/否 as booleans, codes as the national code strings, integers as numbers. A cell that cannot be
 * converted is a problem of its row, reported with the column's header; so is an identity number that Excel turned
 * into a number, whose last digits are lost.
 *
 * @since 0.1.0
 */
import { IdentityNumber, Indicator, type SchoolType } from "@tmis/core"
import { Either } from "effect"
import { TableError } from "./Table.js"

/**
 * The file's columns that map onto fields (`index` is the column's position in the row's cells), and the headers
 * ignored (with `ignoreUnknown`).
 *
 * @since 0.1.0
 */
export interface Mapping {
  readonly columns: ReadonlyArray<{ readonly header: string; readonly index: number; readonly field: Indicator.Field }>
  readonly ignored: ReadonlyArray<string>
}

/**
 * A cell that could not be converted, shaped as a line of the error report (without the row).
 *
 * @since 0.1.0
 */
export interface Problem {
  readonly column: string
  readonly value: string
  readonly reason: string
  readonly rule: string
}

/**
 * Default aliases a school uses, header → field key (of 基本信息 and 联系方式): the common short or older names of
 * an indicator. Headers are compared after normalization (spaces, bracket widths, a required-mark), so one spelling
 * each is enough.
 *
 * @since 0.1.0
 */
export const defaultAliases: Readonly<Record<string, string>> = {
  身份证号: "idNumber",
  身份证号码: "idNumber",
  身份证件号码: "idNumber",
  证件号: "idNumber",
  证件号码: "idNumber",
  证件类型: "idType",
  国籍: "nationality",
  "国籍（地区）": "nationality",
  工号: "staffNumber",
  参加工作时间: "workStartMonth",
  进本校时间: "schoolEntryMonth",
  手机: "mobile",
  手机号: "mobile",
  邮箱: "email"
}

// ── Headers ──────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A header as compared: NFKC (full-width brackets, slashes, letters and digits become half-width), no spaces or
 * quotes, no required-mark ("*" before or after, "(必填)" after), lower case.
 */
const normalizeHeader = (header: string): string =>
  header
    .normalize("NFKC")
    .replace(/[\s"'“”‘’]/g, "")
    .replace(/^\*+/, "")
    .replace(/(?:\*|\(必填\))+$/, "")
    .toLowerCase()

const quoted = (names: ReadonlyArray<string>): string => names.map((n) => `“${n}”`).join("、")

const refuse = (zh: string, en: string, details: Readonly<Record<string, unknown>>) =>
  Either.left(new TableError({ kind: "invalid", rule: "M16.2", zh, en, details }))

/**
 * Map the file's headers onto the fields of `group` for `stage`: a header matches a field's zh name (exactly, after
 * trimming, removing spaces, full-width/half-width brackets and a trailing "*" or "（必填）"), its key, or an alias
 * from `aliases` (default: `defaultAliases`; pass `{ ...defaultAliases, ...more }` to add some). Unknown headers are
 * refused (TableError M16.2 naming them and listing the expected headers), unless options.ignoreUnknown; duplicate
 * mapping onto one field is refused; a missing required field's column is refused (naming it). Required here means
 * required whatever the other fields say: a field required only under a condition (用人形式, or 民族 when 国籍 is
 * China) may lack a column, and the rows are then checked one by one.
 *
 * @since 0.1.0
 */
export const map = (
  schema: Indicator.IndicatorSchema,
  group: string,
  stage: SchoolType.Stage,
  headers: ReadonlyArray<string>,
  options: { readonly aliases?: Readonly<Record<string, string>>; readonly ignoreUnknown?: boolean } = {}
): Either.Either<Mapping, TableError> => {
  const g = Indicator.getGroup(schema, group)
  if (g === undefined || !Indicator.groupsFor(schema, stage).includes(g)) {
    return refuse(
      `没有可导入的信息类别${group}（学段${stage}）`,
      `there is no record group ${JSON.stringify(group)} to import for a ${stage} school`,
      { reason: "unknownGroup", group, stage }
    )
  }
  const fields = Indicator.fieldsFor(g, stage)
  const byName = new Map<string, Indicator.Field>()
  for (const f of fields) {
    byName.set(normalizeHeader(f.key), f)
    byName.set(normalizeHeader(f.zh), f)
  }
  const byAlias = new Map<string, Indicator.Field>()
  for (const [alias, key] of Object.entries(options.aliases ?? defaultAliases)) {
    const f = fields.find((x) => x.key === key)
    if (f !== undefined) byAlias.set(normalizeHeader(alias), f)
  }

  const columns: Array<Mapping["columns"][number]> = []
  const ignored: Array<string> = []
  const unknown: Array<string> = []
  const duplicates: Array<{ readonly headers: ReadonlyArray<string>; readonly field: string; readonly zh: string }> = []
  const taken = new Map<string, string>()
  headers.forEach((header, index) => {
    const n = normalizeHeader(header)
    const field = byName.get(n) ?? byAlias.get(n)
    if (field === undefined) {
      ;(options.ignoreUnknown === true ? ignored : unknown).push(header)
      return
    }
    const before = taken.get(field.key)
    if (before !== undefined) {
      duplicates.push({ headers: [before, header], field: field.key, zh: field.zh })
      return
    }
    taken.set(field.key, header)
    columns.push({ header, index, field })
  })
  const missing = fields.filter(
    (f) =>
      Indicator.isRequired(f) && f.requiredOnlyWhen === undefined && f.absentWhen === undefined && !taken.has(f.key)
  )

  if (unknown.length > 0 || duplicates.length > 0 || missing.length > 0) {
    const expected = fields.map((f) => (Indicator.isRequired(f) ? `${f.zh}*` : f.zh))
    const zh: Array<string> = []
    const en: Array<string> = []
    if (unknown.length > 0) {
      zh.push(`无法识别的列${quoted(unknown)}`)
      en.push(`unknown columns ${unknown.map((h) => JSON.stringify(h)).join(", ")}`)
    }
    for (const d of duplicates) {
      zh.push(`列${quoted(d.headers)}都对应指标“${d.zh}”，请只保留一列`)
      en.push(
        `columns ${d.headers.map((h) => JSON.stringify(h)).join(" and ")} both map onto ${d.field} (${d.zh}): keep one`
      )
    }
    if (missing.length > 0) {
      zh.push(`缺少必填列${quoted(missing.map((f) => f.zh))}`)
      en.push(`required columns missing: ${missing.map((f) => `${f.zh} (${f.key})`).join(", ")}`)
    }
    return refuse(
      `${g.zh}的表头有问题：${zh.join("；")}。可用的列名为：${expected.join("、")}（带*的必填）`,
      `the header does not fit ${g.key} (${g.zh}): ${en.join("; ")}. The columns are: ${expected.join(", ")} (* required)`,
      {
        reason: unknown.length > 0 ? "unknownColumns" : duplicates.length > 0 ? "duplicateColumns" : "missingColumns",
        group,
        stage,
        unknown,
        duplicates,
        missing: missing.map((f) => f.key),
        expected: fields.map((f) => f.zh)
      }
    )
  }
  const mapping: Mapping = { columns, ignored }
  compiled.set(mapping, compile(schema, mapping))
  return Either.right(mapping)
}

// ── Cells ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** A conversion that failed: allocated only then, so converting a good cell allocates nothing but its value. */
class Failure {
  constructor(readonly reason: string) {}
}

const failure = (zh: string, en: string): Failure => new Failure(`${zh} (${en})`)

type Value = string | number | boolean
type Converter = (cell: string) => Value | Failure

interface Column {
  readonly key: string
  readonly header: string
  readonly index: number
  readonly convert: Converter
}

/** A document type and number mapped onto columns, from an identity rule of the schema (M17.3). */
interface Identity {
  readonly documentType: string
  readonly number: Column
}

interface Compiled {
  readonly columns: ReadonlyArray<Column>
  readonly identities: ReadonlyArray<Identity>
}

// The converters of a mapping, compiled by `map` (or on first use, for a mapping built by hand).
const compiled = new WeakMap<Mapping, Compiled>()

const nonAscii = /[\u0080-\uffff]/
/** Full-width digits and punctuation as half-width; most cells are ASCII and skip the normalization. */
const halfWidth = (s: string): string => (nonAscii.test(s) ? s.normalize("NFKC") : s)

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n))

const daysIn = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
      ? 29
      : 28
    : month === 4 || month === 6 || month === 9 || month === 11
      ? 30
      : 31

const dateForms = [
  // 1990-03-07, 1990/3/7, 1990.3.7, with a time of day (as some systems export dates) dropped
  /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/,
  // 1990年3月7日
  /^(\d{4})(年)(\d{1,2})月(\d{1,2})日$/,
  // 19900307
  /^(\d{4})()(\d{2})(\d{2})$/
]

/** The parts of a date in one of the accepted forms, or undefined. */
const parseDate = (s: string): { readonly year: string; readonly month: number; readonly day: number } | undefined => {
  for (const form of dateForms) {
    const m = form.exec(s)
    // The year stays as written: four digits.
    if (m !== null) return { year: m[1]!, month: Number(m[3]), day: Number(m[4]) }
  }
  return undefined
}

const badDate = failure(
  "无法识别的日期，应写作YYYY-MM-DD（如1990-03-07）",
  "not a date: write it as YYYY-MM-DD, such as 1990-03-07"
)
const noSuchDate = failure("日期不存在（月或日超出范围）", "no such date: the month or day is out of range")

const convertDate: Converter = (cell) => {
  const d = parseDate(halfWidth(cell))
  if (d === undefined) return badDate
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > daysIn(Number(d.year), d.month)) return noSuchDate
  return `${d.year}-${pad2(d.month)}-${pad2(d.day)}`
}

/**
 * A date cell as "YYYY-MM-DD" (the forms `convert` accepts: YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYYMMDD, YYYY年M月D日),
 * or the cell trimmed as it is when it is none of them (the caller's rule refuses it, naming the cell).
 *
 * @since 0.1.0
 */
export const day = (cell: string): string => {
  const converted = convertDate(cell.trim())
  return typeof converted === "string" ? converted : cell.trim()
}

const yearMonthForms = [
  // 2012-09, 2012/9, 2012.9
  /^(\d{4})[-/.](\d{1,2})$/,
  // 2012年9月
  /^(\d{4})年(\d{1,2})月?$/,
  // 201209
  /^(\d{4})(\d{2})$/
]

const badYearMonth = failure(
  "无法识别的年月，应写作YYYY-MM（如2012-09）",
  "not a year and month: write it as YYYY-MM, such as 2012-09"
)
const noSuchMonth = failure("月份应为1至12", "the month is from 1 to 12")

const convertYearMonth: Converter = (cell) => {
  const s = halfWidth(cell)
  let year: string | undefined
  let month: number | undefined
  for (const form of yearMonthForms) {
    const m = form.exec(s)
    if (m !== null) {
      year = m[1]!
      month = Number(m[2])
      break
    }
  }
  if (year === undefined || month === undefined) {
    // A full date names its month.
    const d = parseDate(s)
    if (d === undefined) return badYearMonth
    if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > daysIn(Number(d.year), d.month)) return noSuchDate
    year = d.year
    month = d.month
  }
  if (month < 1 || month > 12) return noSuchMonth
  return `${year}-${pad2(month)}`
}

const booleans = new Map<string, boolean>([
  ["是", true],
  ["否", false],
  ["y", true],
  ["n", false],
  ["yes", true],
  ["no", false],
  ["1", true],
  ["0", false],
  ["true", true],
  ["false", false]
])
const badBoolean = failure("应填“是”或“否”", "must be 是 or 否 (yes or no)")

const convertBoolean: Converter = (cell) =>
  booleans.get(cell) ?? booleans.get(halfWidth(cell).toLowerCase()) ?? badBoolean

const badInteger = failure("应为整数", "must be a whole number")

const convertInteger: Converter = (cell) => {
  const s = halfWidth(cell)
  // 12, 1,200 (thousands separated), 12.0 (as some programs write whole numbers)
  if (/^[+-]?\d+$/.test(s)) return Number(s)
  if (/^[+-]?\d{1,3}(?:,\d{3})+$/.test(s)) return Number(s.replace(/,/g, ""))
  if (/^[+-]?\d+\.0+$/.test(s)) return Number(s.slice(0, s.indexOf(".")))
  return badInteger
}

const convertText: Converter = (cell) => cell

// Excel shows a number of more than 11 digits in scientific notation (one digit, the point, "E+"), and a CSV it saves
// keeps only what it showed; no identity document number is written so.
const scientific = /^\d(?:\.\d+)?e\+\d+$/i
const excelScientific = failure(
  "Excel 把身份证件号存成了数字，显示成科学计数法（如4.20102E+17），号码已不完整。请在Excel中把该列设为“文本”格式，重新填入完整的号码后再导入",
  "Excel stored the identity number as a number and shows it in scientific notation (like 4.20102E+17): the number is incomplete. In Excel, format the column as Text, enter the full number again and import the file again"
)
// Excel keeps 15 significant digits of a number: an 18-digit identity number stored as one ends in 000.
const excelZeros = failure(
  "Excel 把身份证号存成了数字，只保留了前15位，末三位变成了000（校验码也因此不符），原号码已丢失。请在Excel中把该列设为“文本”格式，重新填入完整的18位号码后再导入",
  "Excel stored the identity number as a number, which keeps 15 digits: the last three became 000 (so the check character fails) and the original digits are lost. In Excel, format the column as Text, enter the full 18-character number again and import the file again"
)

// Full-width digits and letters in an identity number (typed with a Chinese input method) become half-width.
const convertIdentityNumber: Converter = (cell) => {
  const s = halfWidth(cell)
  return scientific.test(s) ? excelScientific : s
}

/**
 * A resident identity number (document type 1) that Excel cut to 15 significant digits: 18 digits ending in 000
 * whose check character is not 0. A real number ending in 000 has the check character 0, and is left alone.
 */
const excelCut = (s: string): boolean =>
  s.length === 18 && /^\d{15}000$/.test(s) && IdentityNumber.checkCharacter(s.slice(0, 17)) !== "0"

/** A code key as compared: half-width, no spaces or quotes, upper case (codes A, B, Z). */
const codeKey = (s: string): string =>
  s
    .normalize("NFKC")
    .replace(/[\s"'“”‘’]/g, "")
    .toUpperCase()

const codeSeparators = ["", "-", "_", ":", ".", "、", "|", "/", "—"]

/**
 * A code field's converter: the code ("1"), the code and the name ("1 男", "1-男", "1男", "男(1)"), or the name
 * alone ("男"); a code that lost its leading zeros in Excel ("1" for 民族 "01") is padded back when the table's
 * codes are digits of one width. A name shared by several codes is refused, naming them.
 */
const codeConverter = (schema: Indicator.IndicatorSchema, field: Indicator.Field & { readonly type: "code" }) => {
  const table = Indicator.getCodeTable(schema, field.table)
  const codes = table?.codes ?? []
  const exact = new Map<string, string>()
  const lookup = new Map<string, string>()
  const ambiguous = new Map<string, Array<string>>()
  for (const c of codes) {
    exact.set(c.code, c.code)
    lookup.set(codeKey(c.code), c.code)
  }
  const byName = new Map<string, Array<string>>()
  for (const c of codes) {
    const k = codeKey(c.zh)
    byName.set(k, [...(byName.get(k) ?? []), c.code])
  }
  for (const [k, list] of byName) {
    if (lookup.has(k)) continue
    if (list.length === 1) lookup.set(k, list[0]!)
    else ambiguous.set(k, list)
  }
  for (const c of codes) {
    if (!exact.has(c.zh) && byName.get(codeKey(c.zh))?.length === 1) exact.set(c.zh, c.code)
    for (const k of [
      ...codeSeparators.map((sep) => codeKey(`${c.code}${sep}${c.zh}`)),
      codeKey(`${c.zh}(${c.code})`)
    ]) {
      if (!lookup.has(k)) lookup.set(k, c.code)
    }
  }
  const widths = new Set(codes.map((c) => c.code.length))
  const width = widths.size === 1 && codes.every((c) => /^\d+$/.test(c.code)) ? [...widths][0]! : undefined
  const name = table?.zh ?? field.table
  const sample = codes[0]
  const unknown = failure(
    `不是${name}的代码或名称${sample === undefined ? "" : `，可填代码（如${sample.code}）或名称（如${sample.zh}）`}`,
    `neither a code nor a name of the ${field.table} table${sample === undefined ? "" : `: write the code (such as ${sample.code}) or the name (such as ${sample.zh})`}`
  )
  return (cell: string): Value | Failure => {
    const hit = exact.get(cell)
    if (hit !== undefined) return hit
    const k = codeKey(cell)
    const code =
      lookup.get(k) ??
      (width !== undefined && k.length < width && /^\d+$/.test(k) ? lookup.get(k.padStart(width, "0")) : undefined)
    if (code !== undefined) return code
    const several = ambiguous.get(k)
    if (several !== undefined) {
      return failure(
        `名称“${cell}”对应${name}的多个代码（${several.join("、")}），请填写代码`,
        `the name ${JSON.stringify(cell)} stands for several codes of the ${field.table} table (${several.join(", ")}): write the code`
      )
    }
    return unknown
  }
}

const converterOf = (schema: Indicator.IndicatorSchema, field: Indicator.Field): Converter => {
  switch (field.type) {
    case "text":
      return convertText
    case "identityNumber":
      return convertIdentityNumber
    case "code":
      return codeConverter(schema, field)
    case "date":
      return convertDate
    case "yearMonth":
      return convertYearMonth
    case "boolean":
      return convertBoolean
    case "integer":
      return convertInteger
  }
}

const compile = (schema: Indicator.IndicatorSchema, mapping: Mapping): Compiled => {
  const columns = mapping.columns.map((c) => ({
    key: c.field.key,
    header: c.header,
    index: c.index,
    convert: converterOf(schema, c.field)
  }))
  const identities: Array<Identity> = []
  for (const g of schema.groups) {
    for (const rule of g.rules) {
      if (rule.type !== "identity") continue
      const number = columns.find((c) => c.key === rule.number)
      if (number !== undefined && !identities.some((i) => i.number === number)) {
        identities.push({ documentType: rule.documentType, number })
      }
    }
  }
  return { columns, identities }
}

const noProblems: ReadonlyArray<Problem> = []

/**
 * Turn one row's cells into a record of typed values for the validator: cells are trimmed and empty ones omitted;
 * booleans from 是/否/Y/N/1/0/true/false; code fields accept the code ("1"), "code name" ("1 男", "1-男") or the
 * name alone ("男") → the code; dates accept YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYYMMDD, YYYY年M月D日 → "YYYY-MM-DD";
 * year-months accept YYYY-MM, YYYY/M, YYYY.M, YYYYMM, YYYY年M月, and a full date → "YYYY-MM"; integers from digits.
 * A cell that cannot be converted yields a problem { column: header, value, reason (zh and en in one string, zh
 * first), rule: "M16.2" } and the field is left out. So does an identity number that Excel turned into a number: shown
 * in scientific notation (4.20102E+17), or a resident identity number cut to 15 digits (ending in 000, its check
 * character wrong), whose problem says so. The values are not validated here (lengths, code tables, ranges): the
 * validator does that.
 *
 * @since 0.1.0
 */
export const convert = (
  mapping: Mapping,
  schema: Indicator.IndicatorSchema,
  cells: ReadonlyArray<string>
): {
  readonly record: Record<string, string | number | boolean>
  readonly problems: ReadonlyArray<Problem>
} => {
  let compiledMapping = compiled.get(mapping)
  if (compiledMapping === undefined) {
    compiledMapping = compile(schema, mapping)
    compiled.set(mapping, compiledMapping)
  }
  const { columns, identities } = compiledMapping
  const record: Record<string, Value> = {}
  let problems: Array<Problem> | undefined
  for (const column of columns) {
    const cell = cells[column.index]
    if (cell === undefined) continue
    const s = cell.trim()
    if (s.length === 0) continue
    const value = column.convert(s)
    if (value instanceof Failure) {
      if (problems === undefined) problems = []
      problems.push({ column: column.header, value: cell, reason: value.reason, rule: "M16.2" })
    } else record[column.key] = value
  }
  for (const { documentType, number } of identities) {
    const value = record[number.key]
    if (record[documentType] !== "1" || typeof value !== "string" || !excelCut(value)) continue
    delete record[number.key]
    if (problems === undefined) problems = []
    problems.push({
      column: number.header,
      value: cells[number.index] ?? value,
      reason: excelZeros.reason,
      rule: "M16.2"
    })
  }
  return { record, problems: problems ?? noProblems }
}
