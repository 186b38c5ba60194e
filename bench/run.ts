/**
 * `npm run bench [-- name ...]`: runs the benchmarks of bench/ (all but those `byNameOnly` lists, or those named) and
 * prints, for each, one JSON line per figure and a short human summary. Figures are medians of several rounds
 * measured in one run: compare ratios, not absolute numbers, on these shared machines.
 */
import { benchmarks, byNameOnly } from "./benchmarks.js"

// Names select benchmarks; the other arguments (e.g. a row count) go to each of them.
const args = process.argv.slice(2)
const wanted = args.filter((a) => !/^[0-9]+$/.test(a))
const unknown = wanted.filter((name) => !(name in benchmarks))
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${Object.keys(benchmarks).join(", ")}`)
  process.exit(2)
}
for (const [name, run] of Object.entries(benchmarks)) {
  if (wanted.length > 0 ? !wanted.includes(name) : byNameOnly.has(name)) continue
  console.error(`\n# ${name}`)
  await run(args.filter((a) => !wanted.includes(a)))
}
