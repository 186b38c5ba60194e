/**
 * `tsx ../../scripts/cjs-types.ts` (run by each package's `build`, in the package's directory): beside every
 * declaration file `dist/**\/*.d.ts` that `tsc --emitDeclarationOnly` wrote, write a `.d.cts` twin whose relative
 * imports name `.cjs` files, so that the `require` condition of the package's `exports` has CommonJS types.
 *
 * The packages are `"type": "module"`, so TypeScript reads a `.d.ts` there as an ES module: a CommonJS consumer
 * (`module: node16`/`nodenext`) resolving `require` to it gets TS1479. A `.d.cts` is read as CommonJS, and the
 * relative specifiers rewritten to `.cjs` make it resolve its siblings' `.d.cts` twins, never the ESM ones.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"

/** Relative specifiers ending in `.js`, after `from`, `import(` or a bare `import`. */
const relativeJs = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']*?)\.js\2/g

/** The text of a declaration file with its relative `.js` specifiers turned into `.cjs`. */
export const toCommonJs = (declaration: string): string =>
  declaration.replace(
    relativeJs,
    (_match, lead: string, quote: string, path: string) => `${lead}${quote}${path}.cjs${quote}`
  )

const walk = (directory: string): ReadonlyArray<string> =>
  readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name)
    if (entry.isDirectory()) return walk(path)
    return entry.name.endsWith(".d.ts") ? [path] : []
  })

const main = () => {
  const dist = join(process.cwd(), "dist")
  const files = walk(dist)
  for (const file of files) writeFileSync(file.replace(/\.d\.ts$/, ".d.cts"), toCommonJs(readFileSync(file, "utf8")))
  console.log(`cjs-types: ${files.length} .d.cts beside the .d.ts in ${dist}`)
}

if (process.argv[1]?.endsWith("cjs-types.ts")) main()
