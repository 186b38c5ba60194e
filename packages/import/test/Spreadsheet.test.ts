/**
 * exceljs is an optional peer: the XLSX paths load it on first use, and where it is not installed they say which
 * package to install instead of failing on an import at start-up. (Its absence from a real install is checked by
 * scripts/install-check.sh, which installs @tmis/import without it and reads a CSV.)
 */
import { describe, expect, it } from "vitest"
import * as Exceljs from "../src/internal/exceljs.js"
import { requirement, SpreadsheetReaderMissing } from "../src/Spreadsheet.js"

describe("Spreadsheet: exceljs loaded on demand", () => {
  it("M16.2 a missing spreadsheet reader is an error naming the package and the range to install", async () => {
    const missing = await Exceljs.importFrom("tmis-no-such-spreadsheet-reader").then(
      () => undefined,
      (e: unknown) => e
    )
    expect(missing).toBeInstanceOf(SpreadsheetReaderMissing)
    expect((missing as Error).message).toContain(`npm install ${requirement}`)
    expect((missing as Error).message).toContain("exceljs")
    expect(requirement).toBe("exceljs@^4.4.0")
  })

  it("M16.2 the range named is the one the package states as its optional peer", async () => {
    const { default: pkg } = await import("../package.json", { with: { type: "json" } })
    expect(`exceljs@${pkg.peerDependencies.exceljs}`).toBe(requirement)
    expect(pkg.peerDependenciesMeta.exceljs.optional).toBe(true)
    expect(Object.keys(pkg.dependencies)).not.toContain("exceljs")
  })

  it("M16.2 where exceljs is installed it loads once, with its workbook classes", async () => {
    const first = await Exceljs.load()
    expect(typeof first.Workbook).toBe("function")
    expect(typeof first.stream.xlsx.WorkbookReader).toBe("function")
    expect(await Exceljs.load()).toBe(first)
  })
})
