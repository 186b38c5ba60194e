/**
 * Records of a group as a school's spreadsheet writes them (M16.2, M30.1): the fields' Chinese names as headers, codes
 * as "code name" ("2 女"), 是/否 for booleans, dates and year-months as written. What is exported this way imports back
 * through {@link Columns} unchanged: an export of e-files is a file the import takes.
 *
 * @since 0.1.0
 */
import { Indicator, type SchoolType } from "@tmis/core"
import { stringify } from "csv-stringify/sync"

/**
 * The cell of a field's value: a code with its name, so that a reader sees what it means and the import finds the code.
 *
 * @since 0.1.0
 */
export const cell = (schema: Indicator.IndicatorSchema, field: Indicator.Field, value: unknown): string => {
  if (value === undefined) return ""
  if (field.type === "boolean") return value === true ? "是" : "否"
  if (field.type === "code") {
    const code = Indicator.getCodeTable(schema, field.table)?.codes.find((c) => c.code === String(value))
    return code === undefined ? String(value) : `${code.code} ${code.zh}`
  }
  return String(value)
}

/**
 * The fields of a group for a school stage, in the schema's order: the columns of an export.
 *
 * @since 0.1.0
 */
export const fields = (
  schema: Indicator.IndicatorSchema,
  group: string,
  stage: SchoolType.Stage
): ReadonlyArray<Indicator.Field> => {
  const g = Indicator.getGroup(schema, group)
  if (g === undefined) throw new RangeError(`the indicator schema has no group ${group}`)
  return Indicator.fieldsFor(g, stage)
}

/**
 * Records of a group as CSV text (UTF-8; the caller writes the BOM Excel wants): a header row of the fields' Chinese
 * names, then one row per record.
 *
 * @since 0.1.0
 */
export const csv = (
  schema: Indicator.IndicatorSchema,
  group: string,
  stage: SchoolType.Stage,
  records: Iterable<Readonly<Record<string, unknown>>>
): string => {
  const columns = fields(schema, group, stage)
  const rows = [columns.map((f) => f.zh)]
  for (const record of records) rows.push(columns.map((f) => cell(schema, f, record[f.key])))
  return stringify(rows, { record_delimiter: "\r\n" })
}
