/**
 * exceljs, loaded on first use (Spreadsheet.ts says why). Internal: its types name exceljs, which the public
 * declarations must not (a vendor without exceljs type-checks them too).
 */
import type ExcelJS from "exceljs"
import { SpreadsheetReaderMissing } from "../Spreadsheet.js"

const notFound = (e: unknown, specifier: string): boolean => {
  const code = (e as { readonly code?: unknown } | null)?.code
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    String((e as { readonly message?: unknown }).message).includes(`'${specifier}'`)
  )
}

/** Import `specifier` as exceljs; the seam {@link load} goes through (a test names a package that is not there). */
export const importFrom = async (specifier: string): Promise<typeof ExcelJS> => {
  try {
    const module = (await import(specifier)) as { readonly default?: typeof ExcelJS } & typeof ExcelJS
    return module.default ?? module
  } catch (e) {
    // Only exceljs itself missing; a broken install of it (one of its own dependencies missing) is its own error.
    throw notFound(e, specifier) ? new SpreadsheetReaderMissing(e) : e
  }
}

let loaded: Promise<typeof ExcelJS> | undefined

/**
 * exceljs, loaded once; rejects with {@link SpreadsheetReaderMissing} when it is not installed. A failed load is not
 * kept: the next call tries again.
 *
 * @since 0.1.0
 */
export const load = (): Promise<typeof ExcelJS> => {
  loaded ??= importFrom("exceljs").catch((e: unknown) => {
    loaded = undefined
    throw e
  })
  return loaded
}
