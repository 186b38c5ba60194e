/**
 * `npm run compliance`: run the tests and write docs/compliance.md (rule → tests → result).
 * `npm run compliance -- --check`: run the tests and fail if the committed docs/compliance.md differs.
 * Exits non-zero when a test failed (after writing), when a rule marked not built yet has a passing test (after
 * writing: the registry is out of date), when a test cites an id the registry does not know, or when the matrix is
 * stale (with --check).
 * `--from <file>`: read the JSON report of a run already made (`TMIS_TEST_REPORT=<file> npm test` writes one) instead
 * of running the suite again: CI runs it once per Node version.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Either } from "effect"
import * as Compliance from "./compliance-lib.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const target = join(root, "docs", "compliance.md")

const args = process.argv.slice(2)
const fromAt = args.indexOf("--from")
const from = fromAt === -1 ? undefined : args[fromAt + 1]
const unknownArgs = args.filter((arg, i) => arg !== "--check" && !(fromAt !== -1 && (i === fromAt || i === fromAt + 1)))
if (unknownArgs.length > 0 || (fromAt !== -1 && from === undefined)) {
  console.error(
    `compliance: unknown argument(s) ${unknownArgs.join(" ")}; usage: tsx scripts/compliance.ts [--check] [--from <vitest.json>]`
  )
  process.exit(2)
}
const check = args.includes("--check")

/** A run already made: its JSON report; the status is the failures it counts. */
const readReport = (file: string): { readonly status: number | null; readonly json: unknown } => {
  if (!existsSync(file)) {
    console.error(`compliance: no JSON report at ${file} (run the suite with TMIS_TEST_REPORT=${file} npm test)`)
    process.exit(1)
  }
  const json = JSON.parse(readFileSync(file, "utf8")) as { numFailedTests?: number; success?: boolean }
  return { status: json.success === true && (json.numFailedTests ?? 0) === 0 ? 0 : 1, json }
}

const runTests = (): { readonly status: number | null; readonly json: unknown } => {
  const dir = mkdtempSync(join(tmpdir(), "tmis-compliance-"))
  const outputFile = join(dir, "vitest.json")
  try {
    const run = spawnSync(
      "npx",
      ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${outputFile}`],
      // npx is npx.cmd on Windows, which only a shell runs.
      { cwd: root, stdio: "inherit", shell: process.platform === "win32" }
    )
    if (run.error !== undefined) {
      console.error(`compliance: could not run vitest: ${run.error.message}`)
      process.exit(1)
    }
    if (!existsSync(outputFile)) {
      console.error(`compliance: vitest wrote no JSON report (exit code ${run.status})`)
      process.exit(1)
    }
    return { status: run.status, json: JSON.parse(readFileSync(outputFile, "utf8")) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const { status, json } = from === undefined ? runTests() : readReport(from)

const report = Compliance.decodeReport(json)
if (Either.isLeft(report)) {
  console.error(`compliance: the vitest JSON report has an unexpected shape:\n${report.left}`)
  process.exit(1)
}

const matrix = Compliance.matrix(report.right, root)

if (matrix.unknownIds.length > 0) {
  console.error(
    "compliance: tests cite rule ids that are not in the registry (packages/core/src/kernel/Regulation.ts):"
  )
  for (const { id, test } of matrix.unknownIds) console.error(`  ${id}: "${test.name}" (${test.file})`)
  process.exit(1)
}

const text = Compliance.render(matrix)
let exitCode = 0

if (check) {
  const committed = existsSync(target) ? readFileSync(target, "utf8").replace(/\r\n/g, "\n") : undefined
  if (committed !== text) {
    console.error(
      committed === undefined
        ? "docs/compliance.md is missing: run npm run compliance and commit it"
        : "docs/compliance.md is stale: run npm run compliance and commit it"
    )
    exitCode = 1
  } else {
    console.log("docs/compliance.md is up to date.")
  }
} else {
  mkdirSync(dirname(target), { recursive: true })
  writeFileSync(target, text)
  console.log("Wrote docs/compliance.md.")
}

console.log(Compliance.summaryLine(matrix.summary))
if (matrix.gaps.length > 0) console.log(`Gaps: ${matrix.gaps.map((row) => row.rule.id).join(" ")}`)
if (matrix.notBuilt.length > 0) console.log(`Not built yet: ${matrix.notBuilt.map((row) => row.rule.id).join(" ")}`)

if (matrix.inconsistencies.length > 0) {
  console.error(
    "compliance: rules marked not built yet have a passing test; mark them enforced in " +
      "packages/core/src/kernel/Regulation.ts, or correct the tests' ids:"
  )
  for (const row of matrix.inconsistencies) {
    const passing = row.tests.filter((test) => test.outcome === "passed")
    for (const test of passing) console.error(`  ${row.rule.id}: "${test.name}" (${test.file})`)
  }
  exitCode = 1
}

if (matrix.failed.length > 0 || matrix.brokenFiles.length > 0) {
  console.error(`compliance: ${matrix.failed.length} test(s) failed:`)
  for (const test of matrix.failed) console.error(`  ${test.file}: ${test.name}`)
  for (const file of matrix.brokenFiles) console.error(`  ${file}: the file failed to run`)
  exitCode = 1
} else if (status !== 0) {
  console.error(`compliance: vitest exited with code ${status}`)
  exitCode = 1
}

// The plain closing line CI reads: every test of the run, not only those that cite a rule.
const outcomes = Compliance.testCases(report.right, root).map((test) => test.outcome)
const count = (outcome: string) => outcomes.filter((o) => o === outcome).length
const skipped = outcomes.length - count("passed") - count("failed")
console.log(`tests: ${count("passed")} passed, ${count("failed")} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`)
process.exit(exitCode)
