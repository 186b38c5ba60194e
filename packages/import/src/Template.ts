/**
 * The import template (导入模板) of the basic information for a school stage (M16.2): an XLSX whose first sheet has
 * the fields of the deployment's indicators as Chinese headers — required ones marked with `*` — a drop-down list on
 * every code and 是/否 column, text cells where Excel would otherwise turn a value into a number (identity numbers,
 * dates), and, when given, a sample row. A hidden second sheet holds the code tables the lists read. The import
 * reads the template as it is: headers are the fields' names, codes are given as "code name" ("2 女").
 *
 * @since 0.1.0
 */
import { Indicator, type SchoolType } from "@tmis/core"
import type ExcelJS from "exceljs"
import * as Export from "./Export.js"
import * as Exceljs from "./internal/exceljs.js"
import * as Spreadsheet from "./Spreadsheet.js"

/**
 * Options of {@link basicInfo}.
 *
 * @since 0.1.0
 */
export interface Options {
  /** A record of the group to show as the first row (its codes are written as "code name", booleans as 是/否). */
  readonly sample?: Readonly<Record<string, unknown>>
  /** How many rows the drop-down lists and text formats cover; default 1,000. */
  readonly rows?: number
}

const codeSheet = "代码表"

/** A list validation over a range: exceljs has `dataValidations.add` but its typings leave it out. */
const validate = (sheet: ExcelJS.Worksheet, range: string, validation: ExcelJS.DataValidation): void =>
  (
    sheet as unknown as { dataValidations: { add: (range: string, v: ExcelJS.DataValidation) => void } }
  ).dataValidations.add(range, validation)

/** A column letter (1 → A, 27 → AA). */
const letter = (n: number): string =>
  n <= 26 ? String.fromCharCode(64 + n) : letter(Math.floor((n - 1) / 26)) + letter(((n - 1) % 26) + 1)

/**
 * The template of the basic information (基本信息) of a school of `stage` under `schema` (the core, or the core with a
 * province's extension, M11.1, M11.2), as XLSX bytes.
 *
 * @since 0.1.0
 */
export const basicInfo = async (
  schema: Indicator.IndicatorSchema,
  stage: SchoolType.Stage,
  options: Options = {}
): Promise<Buffer> => {
  const fields = Export.fields(schema, "basicInfo", stage)
  const rows = options.rows ?? 1000
  const exceljs = await Exceljs.load()
  const workbook = new exceljs.Workbook()
  // Fixed dates (here and in the zip): the same schema gives the same bytes.
  workbook.created = workbook.modified = new Date(Date.UTC(2017, 2, 31))
  const sheet = workbook.addWorksheet("基本信息", { views: [{ state: "frozen", ySplit: 1 }] })
  const codes = workbook.addWorksheet(codeSheet, { state: "hidden" })

  const lists = new Map<string, string>()
  const listOf = (key: string, entries: ReadonlyArray<string>): string => {
    let formula = lists.get(key)
    if (formula === undefined) {
      const column = lists.size + 1
      codes.getCell(1, column).value = key
      entries.forEach((entry, i) => {
        codes.getCell(i + 2, column).value = entry
      })
      formula = `'${codeSheet}'!$${letter(column)}$2:$${letter(column)}$${entries.length + 1}`
      lists.set(key, formula)
    }
    return formula
  }

  sheet.addRow(fields.map((f) => (Indicator.isRequired(f) ? `*${f.zh}` : f.zh)))
  sheet.getRow(1).font = { bold: true }
  fields.forEach((field, i) => {
    const column = sheet.getColumn(i + 1)
    column.width = Math.max(10, field.zh.length * 2 + 4)
    const range = `${letter(i + 1)}2:${letter(i + 1)}${rows + 1}`
    if (field.type === "code") {
      const table = Indicator.getCodeTable(schema, field.table)
      if (table !== undefined) {
        const formula = listOf(
          field.table,
          table.codes.map((c) => `${c.code} ${c.zh}`)
        )
        validate(sheet, range, { type: "list", allowBlank: !field.required, formulae: [formula] })
      }
    } else if (field.type === "boolean") {
      validate(sheet, range, { type: "list", allowBlank: !field.required, formulae: ['"是,否"'] })
    }
    // Identity numbers and dates stay text: Excel would cut an 18-digit number to 15 digits (M16.2).
    if (field.type !== "integer" && field.type !== "boolean" && field.type !== "code") column.numFmt = "@"
  })
  if (options.sample !== undefined) {
    const sample = options.sample
    sheet.addRow(fields.map((f) => Export.cell(schema, f, sample[f.key])))
  }
  return Spreadsheet.fixedTimes(Buffer.from(await workbook.xlsx.writeBuffer()))
}
