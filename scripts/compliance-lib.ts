/**
 * The compliance matrix (rule → tests → result), built from a vitest JSON report and the regulation registry.
 * Pure: `scripts/compliance.ts` runs the tests and does the I/O.
 *
 * @since 0.1.0
 */
import { Either, ParseResult, Schema } from "effect"
import * as Regulation from "../packages/core/src/kernel/Regulation.js"

/**
 * The part of vitest 3.2's JSON report that the matrix reads.
 *
 * @since 0.1.0
 */
export const Report = Schema.Struct({
  testResults: Schema.Array(
    Schema.Struct({
      name: Schema.String,
      status: Schema.optional(Schema.String),
      assertionResults: Schema.Array(
        Schema.Struct({
          ancestorTitles: Schema.Array(Schema.String),
          fullName: Schema.optional(Schema.String),
          title: Schema.String,
          status: Schema.String
        })
      )
    })
  )
})

/**
 * @since 0.1.0
 */
export type Report = typeof Report.Type

/**
 * Decode a parsed vitest JSON report; the error is a readable message.
 *
 * @since 0.1.0
 */
export const decodeReport = (json: unknown): Either.Either<Report, string> =>
  Schema.decodeUnknownEither(Report)(json).pipe(
    Either.mapLeft((error) => ParseResult.TreeFormatter.formatErrorSync(error))
  )

/**
 * A test's result; everything that did not pass (skipped, todo, pending) is `skipped` or `failed`.
 *
 * @since 0.1.0
 */
export type Outcome = "passed" | "failed" | "skipped"

/**
 * One test of the run.
 *
 * @since 0.1.0
 */
export interface TestCase {
  /** The test file, relative to the repository, with forward slashes. */
  readonly file: string
  /** The describe titles and the test title, joined with ` › `. */
  readonly name: string
  /** The rule ids at the start of the test's own title (not its describe's). */
  readonly ids: ReadonlyArray<string>
  readonly outcome: Outcome
}

const leadingId = /^([MO]\d+\.\d+)\b[\s,]*/

/**
 * The rule ids a test title starts with: `"M13.2 M15.1 a system admin …"` → `["M13.2", "M15.1"]`.
 *
 * @since 0.1.0
 */
export const leadingIds = (title: string): Array<string> => {
  const ids: Array<string> = []
  let rest = title.trimStart()
  for (let match = leadingId.exec(rest); match !== null; match = leadingId.exec(rest)) {
    if (!ids.includes(match[1]!)) ids.push(match[1]!)
    rest = rest.slice(match[0].length)
  }
  return ids
}

const outcomeOf = (status: string): Outcome =>
  status === "passed" ? "passed" : status === "failed" ? "failed" : "skipped"

const slashes = (path: string): string => path.replace(/\\/g, "/")

/**
 * A report's file path relative to the repository root, with forward slashes, so the matrix is the same on
 * every machine.
 *
 * @since 0.1.0
 */
export const relativeFile = (root: string, file: string): string => {
  const base = slashes(root).replace(/\/*$/, "/")
  const path = slashes(file)
  return path.startsWith(base) ? path.slice(base.length) : path
}

// Code-point order, not the locale's, so the output does not depend on the machine.
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const byFileAndName = (a: TestCase, b: TestCase): number => compare(a.file, b.file) || compare(a.name, b.name)

/**
 * Every test of a report, sorted by file and name.
 *
 * @since 0.1.0
 */
export const testCases = (report: Report, root: string): Array<TestCase> =>
  report.testResults
    .flatMap((file) =>
      file.assertionResults.map(
        (test): TestCase => ({
          file: relativeFile(root, file.name),
          name: [...test.ancestorTitles, test.title].join(" › "),
          ids: leadingIds(test.title),
          outcome: outcomeOf(test.status)
        })
      )
    )
    .sort(byFileAndName)

/**
 * A rule with the tests that cite it.
 *
 * @since 0.1.0
 */
export interface RuleRow {
  readonly rule: Regulation.Rule
  readonly tests: ReadonlyArray<TestCase>
  readonly passed: number
}

/**
 * @since 0.1.0
 */
export interface Summary {
  readonly rules: number
  readonly enforced: number
  /** Rules software can enforce but no code enforces yet. */
  readonly notBuilt: number
  readonly organisational: number
  /** Enforced rules with at least one passing test. */
  readonly enforcedPassing: number
  /** Enforced rules with no passing test. */
  readonly gaps: number
  /** Rules marked not built that have a passing test: the registry is out of date. */
  readonly inconsistencies: number
}

/**
 * The compliance matrix of one test run.
 *
 * @since 0.1.0
 */
export interface Matrix {
  /** Every rule of the registry, in registry order. */
  readonly rows: ReadonlyArray<RuleRow>
  /** Enforced rules without a passing test, in registry order. */
  readonly gaps: ReadonlyArray<RuleRow>
  /** Rules not built yet, in registry order. */
  readonly notBuilt: ReadonlyArray<RuleRow>
  /**
   * Rules marked not built that have a passing test, in registry order: an error, since either the rule is built
   * (mark it enforced) or the test cites the wrong id.
   */
  readonly inconsistencies: ReadonlyArray<RuleRow>
  readonly summary: Summary
  /** Ids cited by a test that the registry does not know: an error. */
  readonly unknownIds: ReadonlyArray<{ readonly id: string; readonly test: TestCase }>
  /** Every failed test, whether it cites a rule or not. */
  readonly failed: ReadonlyArray<TestCase>
  /** Test files that failed without a failing test (they did not load or run). */
  readonly brokenFiles: ReadonlyArray<string>
}

/**
 * Build the matrix of a report against the registry.
 *
 * @since 0.1.0
 */
export const matrix = (
  report: Report,
  root: string,
  rules: ReadonlyArray<Regulation.Rule> = Regulation.rules
): Matrix => {
  const tests = testCases(report, root)
  const known = new Set<string>(rules.map((rule) => rule.id))
  const rows = rules.map((rule): RuleRow => {
    const cited = tests.filter((test) => test.ids.includes(rule.id))
    return { rule, tests: cited, passed: cited.filter((test) => test.outcome === "passed").length }
  })
  const enforcedRows = rows.filter((row) => row.rule.status._tag === "enforced")
  const gaps = enforcedRows.filter((row) => row.passed === 0)
  const notBuilt = rows.filter((row) => row.rule.status._tag === "notBuilt")
  const inconsistencies = notBuilt.filter((row) => row.passed > 0)
  const failedFiles = new Set(tests.filter((test) => test.outcome === "failed").map((test) => test.file))
  return {
    rows,
    gaps,
    notBuilt,
    inconsistencies,
    summary: {
      rules: rows.length,
      enforced: enforcedRows.length,
      notBuilt: notBuilt.length,
      organisational: rows.filter((row) => row.rule.status._tag === "organisational").length,
      enforcedPassing: enforcedRows.length - gaps.length,
      gaps: gaps.length,
      inconsistencies: inconsistencies.length
    },
    unknownIds: tests.flatMap((test) => test.ids.filter((id) => !known.has(id)).map((id) => ({ id, test }))),
    failed: tests.filter((test) => test.outcome === "failed"),
    brokenFiles: report.testResults
      .filter((file) => file.status === "failed")
      .map((file) => relativeFile(root, file.name))
      .filter((file) => !failedFiles.has(file))
      .sort(compare)
  }
}

// Markdown would otherwise read these characters in test names and statements as markup.
const escape = (text: string): string => text.replace(/[\\`*_<>[\]|]/g, (c) => `\\${c}`)

const shorten = (text: string, max = 100): string => {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  const space = cut.lastIndexOf(" ")
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, "")}…`
}

const mark: Record<Outcome, string> = { passed: "✅", failed: "❌", skipped: "⏭" }

const count = (row: RuleRow): string => (row.tests.length === 0 ? "—" : `${row.passed}/${row.tests.length}`)

/** Tests that go through the reference server (HTTP or CLI): the rule verified end to end, not only in the core. */
const serverPackage = "packages/reference-server/"

const throughServer = (row: RuleRow): string => {
  const tests = row.tests.filter((test) => test.file.startsWith(serverPackage))
  return tests.length === 0 ? "—" : `${tests.filter((test) => test.outcome === "passed").length}/${tests.length}`
}

/**
 * The databases a test ran on: the adapter package it sits in, or a describe title that names the store (the
 * conformance suite's `storage conformance: postgres`, the server's `… on sqlite`). Pure rules run on none.
 *
 * @since 0.1.0
 */
export const databases = ["sqlite", "postgres", "mariadb"] as const

/**
 * @since 0.1.0
 */
export const databaseOf = (test: TestCase): (typeof databases)[number] | undefined => {
  const ancestors = test.name.split(" › ").slice(0, -1).join(" › ").toLowerCase()
  return databases.find(
    (db) =>
      test.file.startsWith(`packages/adapters/${db === "mariadb" ? "mysql" : db}/`) ||
      new RegExp(`\\b${db}\\b`).test(ancestors)
  )
}

const onDatabase = (row: RuleRow, db: (typeof databases)[number]): string => {
  const tests = row.tests.filter((test) => databaseOf(test) === db)
  return tests.length === 0 ? "—" : `${tests.filter((test) => test.outcome === "passed").length}/${tests.length}`
}

/** How the matrix names a status. */
const statusLabel: Record<Regulation.Status["_tag"], string> = {
  enforced: "enforced",
  notBuilt: "not built yet",
  organisational: "organisational"
}

/**
 * The summary line of the matrix; it names the inconsistencies only when there are some.
 *
 * @since 0.1.0
 */
export const summaryLine = (summary: Summary): string =>
  `${summary.rules} rules: ${summary.enforced} enforced, ${summary.notBuilt} not built yet, ` +
  `${summary.organisational} organisational; ${summary.enforcedPassing} enforced with passing tests; ` +
  `${summary.gaps} gaps${summary.inconsistencies > 0 ? `; ${summary.inconsistencies} inconsistencies` : ""}.`

/**
 * Render the matrix as `docs/compliance.md`: deterministic (no times, durations or absolute paths), so it
 * can be committed and checked.
 *
 * @since 0.1.0
 */
export const render = (m: Matrix): string => {
  const lines: Array<string> = [
    "# Compliance matrix",
    "",
    "<!-- Generated by `npm run compliance` (scripts/compliance.ts) from the test run. Do not edit. -->",
    "",
    "Generated by `npm run compliance` from the test run: do not edit by hand; run `npm run compliance` and commit",
    "the result. Each rule of the regulation (see `packages/core/src/kernel/Regulation.ts`) with the tests whose name",
    "starts with its id. Organisational rules owe no test. A skipped test does not count as passing. A rule not built",
    "yet (software can enforce it, but no code does) owes no test until it is built; a passing test that cites it is",
    "an inconsistency.",
    "",
    `**${summaryLine(m.summary)}**`,
    "",
    "## Gaps",
    ""
  ]
  if (m.gaps.length === 0) {
    lines.push("Every enforced rule has a passing test.")
  } else {
    lines.push("Enforced rules without a passing test:", "")
    lines.push("| id | rule | tests (passed/total) |", "|---|---|---|")
    for (const row of m.gaps) {
      lines.push(`| ${row.rule.id} | ${escape(shorten(row.rule.en))} | ${count(row)} |`)
    }
  }
  if (m.brokenFiles.length > 0) {
    lines.push("", "Test files that failed to run (their tests are missing above):", "")
    for (const file of m.brokenFiles) lines.push(`- \`${file}\``)
  }
  lines.push("", "## Not built yet", "")
  if (m.inconsistencies.length > 0) {
    lines.push(
      "Inconsistencies: rules marked not built yet that have a passing test (mark the rule enforced, or correct the",
      "test's id):",
      "",
      "| id | rule | tests (passed/total) |",
      "|---|---|---|"
    )
    for (const row of m.inconsistencies) {
      lines.push(`| ${row.rule.id} | ${escape(shorten(row.rule.en))} | ${count(row)} |`)
    }
    lines.push("")
  }
  if (m.notBuilt.length === 0) {
    lines.push("Every rule that software can enforce is built.")
  } else {
    lines.push("Rules that software can enforce but no code enforces yet:", "")
    lines.push("| id | rule | what is missing |", "|---|---|---|")
    for (const row of m.notBuilt) {
      const reason = row.rule.status._tag === "notBuilt" ? row.rule.status.reason : ""
      lines.push(`| ${row.rule.id} | ${escape(shorten(row.rule.en))} | ${escape(reason)} |`)
    }
  }
  lines.push(
    "",
    "## Rules",
    "",
    "Among all of a rule's tests: those that ran on each database (in the adapter's conformance suite or a server test",
    "on that store; pure rules run on none), and those that verify the rule through the reference server",
    "(`packages/reference-server`: its HTTP API or its CLI).",
    "",
    "| id | status | rule | tests (passed/total) | SQLite | Postgres | MariaDB | through the server |",
    "|---|---|---|---|---|---|---|---|"
  )
  for (const row of m.rows) {
    lines.push(
      `| ${row.rule.id} | ${statusLabel[row.rule.status._tag]} | ${escape(shorten(row.rule.en))} | ${count(row)} | ${databases.map((db) => onDatabase(row, db)).join(" | ")} | ${throughServer(row)} |`
    )
  }
  lines.push("", "## Tests by rule")
  for (const row of m.rows) {
    lines.push("", `### ${row.rule.id}`, "", `${escape(row.rule.article)}: ${escape(row.rule.en)}`, "")
    const status = row.rule.status
    if (status._tag === "organisational") {
      lines.push(`Organisational, not enforced by software: ${escape(status.reason)}`, "")
    } else if (status._tag === "notBuilt") {
      lines.push(`Not built yet: ${escape(status.reason)}`, "")
    }
    if (row.tests.length === 0) {
      lines.push(
        status._tag === "enforced" ? "No test." : status._tag === "notBuilt" ? "No test yet." : "No test owed."
      )
    } else {
      for (const test of row.tests) lines.push(`- ${mark[test.outcome]} ${escape(test.name)} — \`${test.file}\``)
    }
  }
  lines.push("")
  return lines.join("\n")
}
