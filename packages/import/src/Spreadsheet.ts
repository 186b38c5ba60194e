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

/** The DOS date and time of 1980-01-01 00:00 (the zip format's epoch), written into every entry. */
const dosDate = (1 << 5) | 1
const dosTime = 0

/**
 * The zip archive `zip` (an XLSX workbook) with the time of every entry, in the local headers and the central
 * directory, set to the zip epoch. exceljs stamps each entry with the moment it was packed (to two seconds), so the
 * same workbook packed twice differs when a two-second boundary falls between; with the times fixed, the same
 * content is the same bytes (a template, a report: reproducible, M29.1).
 *
 * @since 0.1.0
 */
export const fixedTimes = (zip: Uint8Array): Buffer => {
  const out = Buffer.from(zip)
  let end = out.length - 22
  while (end >= 0 && out.readUInt32LE(end) !== 0x06054b50) end--
  if (end < 0) return out
  const entries = out.readUInt16LE(end + 10)
  let at = out.readUInt32LE(end + 16)
  for (let i = 0; i < entries && out.readUInt32LE(at) === 0x02014b50; i++) {
    out.writeUInt16LE(dosTime, at + 12)
    out.writeUInt16LE(dosDate, at + 14)
    const local = out.readUInt32LE(at + 42)
    if (out.readUInt32LE(local) === 0x04034b50) {
      out.writeUInt16LE(dosTime, local + 10)
      out.writeUInt16LE(dosDate, local + 12)
    }
    at += 46 + out.readUInt16LE(at + 28) + out.readUInt16LE(at + 30) + out.readUInt16LE(at + 32)
  }
  return out
}
