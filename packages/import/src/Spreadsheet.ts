/**
 * The spreadsheet reader and writer, exceljs, is an optional peer of this package: it is what makes an install
 * heavy, and a vendor that imports CSV only does not install it. The XLSX paths (`Table.open` of an .xlsx,
 * `Report.write` to an .xlsx, `Template.basicInfo`) load it on first use (`internal/exceljs.ts`); without it they reject with
 * {@link SpreadsheetReaderMissing}, which names the package to install.
 *
 * @since 0.1.0
 */
/**
 * The package the XLSX paths need, at the range this package states as its optional peer.
 *
 * @since 0.1.0
 */
export const requirement = "exceljs@^4.4.0"

/**
 * An XLSX path was used where exceljs is not installed. A deployment error, not a refusal of the regulation: the
 * file is not at fault; the message says what to install.
 *
 * @since 0.1.0
 */
export class SpreadsheetReaderMissing extends Error {
  readonly package = "exceljs"
  constructor(cause: unknown) {
    super(
      `XLSX needs the package exceljs, which is not installed: npm install ${requirement} (CSV works without it) / ` +
        `读写XLSX需要安装exceljs：npm install ${requirement}（CSV无需安装）`,
      { cause }
    )
    this.name = "SpreadsheetReaderMissing"
  }
}
