/**
 * @tmis/import — batch import of teacher e-files (M16.2): streaming CSV (UTF-8, GB18030/GBK) and XLSX readers,
 * the mapping of a school's columns onto the indicators, error reports and a progress bar on the terminal.
 *
 * @since 0.1.0
 */

export * as Columns from "./Columns.js"
export * as Export from "./Export.js"
export * as ImportFile from "./ImportFile.js"
export * as Progress from "./Progress.js"
export * as Report from "./Report.js"
export * as Spreadsheet from "./Spreadsheet.js"
export * as Table from "./Table.js"
export * as Template from "./Template.js"
export * as TrainingResults from "./TrainingResults.js"
