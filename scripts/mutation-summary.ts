/**
 * `npm run mutation` ends here: read StrykerJS's report (reports/stryker-incremental.json, which keeps the results of
 * every module run so far) and write reports/mutation-summary.json, the small summary committed next to it, and print
 * the per-file table that docs/mutation.md shows. `--survivors`: also list the surviving and uncovered mutants.
 * `--from <file>`: read another Stryker JSON report (reports/mutation/mutation.json, the last run only).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const args = process.argv.slice(2)
const fromAt = args.indexOf("--from")
const source = fromAt === -1 ? join(root, "reports", "stryker-incremental.json") : args[fromAt + 1]
if (source === undefined || !existsSync(source)) {
  console.error(`mutation-summary: no Stryker report at ${source ?? "(missing --from argument)"}; run npm run mutation`)
  process.exit(1)
}

interface Mutant {
  readonly mutatorName: string
  readonly replacement?: string
  readonly status: string
  readonly location: { readonly start: { readonly line: number; readonly column: number } }
}
interface Report {
  readonly files: Readonly<Record<string, { readonly mutants: ReadonlyArray<Mutant> }>>
}

const report = JSON.parse(readFileSync(source, "utf8")) as Report
const statuses = ["Killed", "Timeout", "Survived", "NoCoverage", "Ignored", "RuntimeError", "CompileError"] as const
type Counts = Record<(typeof statuses)[number], number> & { readonly score: number | null }

const count = (mutants: ReadonlyArray<Mutant>): Counts => {
  const c = Object.fromEntries(statuses.map((s) => [s, mutants.filter((m) => m.status === s).length])) as Record<
    (typeof statuses)[number],
    number
  >
  const detected = c.Killed + c.Timeout
  const valid = detected + c.Survived + c.NoCoverage
  // Stryker's mutation score: detected / (detected + undetected); ignored and erroneous mutants do not count.
  return { ...c, score: valid === 0 ? null : Math.round((1000 * detected) / valid) / 10 }
}

const files = Object.entries(report.files)
  .map(([name, file]) => [relative(root, join(root, name)).replaceAll("\\", "/"), file.mutants] as const)
  .sort(([a], [b]) => a.localeCompare(b))
const perFile = Object.fromEntries(files.map(([name, mutants]) => [name, count(mutants)]))
const total = count(files.flatMap(([, mutants]) => mutants))

const summary = { generatedAt: new Date().toISOString(), source: relative(root, source), total, files: perFile }
if (fromAt === -1)
  writeFileSync(join(root, "reports", "mutation-summary.json"), `${JSON.stringify(summary, null, 2)}\n`)

const pct = (score: number | null) => (score === null ? "–" : `${score.toFixed(1)} %`)
const row = (name: string, c: Counts) =>
  `| ${name} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.Ignored} | ${pct(c.score)} |`
console.log("| File | Killed | Timeout | Survived | No coverage | Ignored (static) | Score |")
console.log("|---|---:|---:|---:|---:|---:|---:|")
for (const [name, c] of Object.entries(perFile)) console.log(row(`\`${name}\``, c))
console.log(row("**Total**", total))

if (args.includes("--survivors")) {
  for (const [name, mutants] of files) {
    for (const m of mutants.filter((m) => m.status === "Survived" || m.status === "NoCoverage")) {
      const replacement = (m.replacement ?? "").replaceAll(/\s+/g, " ").slice(0, 100)
      console.log(
        `${m.status}\t${name}:${m.location.start.line}:${m.location.start.column}\t${m.mutatorName}\t${replacement}`
      )
    }
  }
}
