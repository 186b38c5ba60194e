/**
 * The TypeScript types of the core indicators' records (M11.1), generated from the core's own indicator data so that
 * they cannot drift from what the validator checks: one interface per record group (`BasicInfo`, `StudyHistory`, …),
 * each field typed by its kind — a code as the union of its table's codes (open with `string & {}` where the table is
 * incomplete or a deployment may configure it), a date or year-month as a string, 是/否 as a boolean, an integer as a
 * number — required where the core requires it at every stage, its Chinese name as its doc comment. Type aliases, not
 * interfaces: an object type is assignable to `Record<string, unknown>`, which the services take.
 */
import { fileURLToPath } from "node:url"
import { Indicator } from "../packages/core/src/index.js"

/**
 * @since 0.1.0
 */
export const outputPath = fileURLToPath(
  new URL("../packages/core/src/efile/indicator/Records.generated.ts", import.meta.url)
)

const pascal = (key: string) => key[0]!.toUpperCase() + key.slice(1)

const codeType = (tableKey: string): string => {
  const table = Indicator.core.codeTables.find((t) => t.key === tableKey)
  if (table === undefined) return "string"
  const codes = table.codes.map((c) => JSON.stringify(c.code))
  const open = !table.complete || table.configurable ? ["(string & {})"] : []
  // A national table of hundreds of codes (nationalities, subjects) reads better as its name than as a union.
  return codes.length > 60 ? "string" : [...codes, ...open].join(" | ")
}

const fieldType = (field: Indicator.Field): string => {
  switch (field.type) {
    case "code":
      return codeType(field.table)
    case "boolean":
      return "boolean"
    case "integer":
      return "number"
    default:
      return "string"
  }
}

const comment = (field: Indicator.Field): string => {
  const parts = [field.zh]
  if (field.type === "code") parts.push(`code table \`${field.table}\``)
  if (field.type === "date") parts.push("YYYY-MM-DD")
  if (field.type === "yearMonth") parts.push("YYYY-MM")
  if (field.type === "text") parts.push(`at most ${field.maxLength} characters`)
  if (field.type === "integer") parts.push(`${field.min}–${field.max}`)
  if (field.stages !== undefined) parts.push(`stages ${field.stages.join(", ")} only`)
  if (field.requiredOnlyWhen !== undefined) parts.push("required only under a condition")
  return parts.join("; ")
}

/**
 * The generated module's text.
 *
 * @since 0.1.0
 */
export const generate = (): string => {
  const lines = [
    "// Generated from the core indicators (packages/core/src/efile/internal/coreIndicators.ts) by scripts/generate.ts.",
    "// Do not edit; run `npm run generate`.",
    "/**",
    " * The records of the national core indicators (M11.1) as TypeScript types, one interface per record group. A",
    " * province's extension (M11.2) adds fields these types do not know: the core validator, not these types, decides",
    " * what a deployment accepts.",
    " *",
    " * @since 0.1.0",
    " */",
    ""
  ]
  for (const group of Indicator.core.groups) {
    lines.push(
      "/**",
      ` * ${group.zh} (group ${group.number ?? "?"}, \`${group.key}\`).`,
      " *",
      " * @since 0.1.0",
      " */"
    )
    lines.push(`export type ${pascal(group.key)} = {`)
    for (const field of group.fields) {
      const required = field.required && field.requiredOnlyWhen === undefined && field.stages === undefined
      lines.push(`  /** ${comment(field)} */`)
      lines.push(`  readonly ${field.key}${required ? "" : "?"}: ${fieldType(field)}`)
    }
    lines.push("}", "")
  }
  lines.push(
    "/**",
    " * The record type of each core group, by its key.",
    " *",
    " * @since 0.1.0",
    " */",
    "export type CoreRecords = {",
    ...Indicator.core.groups.map((g) => `  readonly ${g.key}: ${pascal(g.key)}`),
    "}",
    ""
  )
  return lines.join("\n")
}
