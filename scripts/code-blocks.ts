/**
 * The runnable code blocks of the documentation: every block of README.md and docs/*.md fenced as ```ts runnable is
 * a complete TypeScript module that must compile against the packages (scripts/test/codeBlocks.test.ts). The blocks
 * are type-checked in memory, as ES modules at the repository's root, with the root tsconfig.json (its `paths` point
 * the @tmis/* packages at their sources, so no build is needed). A block states what it assumes and does not show
 * with `declare const x: T`.
 *
 * `tsx scripts/code-blocks.ts` checks the documentation; `tsx scripts/code-blocks.ts --markdown docs/x.md < text`
 * checks a Markdown text given on stdin under that name. Prints `{ blocks, problems }` as JSON; exits 1 on a problem.
 * (A process of its own: the compiler blocks its thread for tens of seconds.)
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import ts from "typescript"

/** The opening fence of a runnable block. */
export const fence = "```ts runnable"

export interface Block {
  /** The Markdown file, relative to the root. */
  readonly file: string
  /** The line of the opening fence (1-based). */
  readonly line: number
  readonly code: string
}

/** The runnable blocks of one Markdown text. An unclosed block is an error, not a block silently skipped. */
export const extract = (file: string, markdown: string): ReadonlyArray<Block> => {
  const lines = markdown.split("\n")
  const blocks: Array<Block> = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trimEnd() !== fence) continue
    const end = lines.findIndex((l, j) => j > i && l.trimEnd() === "```")
    if (end < 0) throw new Error(`${file}:${i + 1}: a runnable block that is never closed`)
    blocks.push({ file, line: i + 1, code: lines.slice(i + 1, end).join("\n") })
    i = end
  }
  return blocks
}

/** The runnable blocks of README.md and docs/*.md. */
export const documented = (root: string): ReadonlyArray<Block> =>
  ["README.md", ...readdirSync(join(root, "docs")).flatMap((f) => (f.endsWith(".md") ? [`docs/${f}`] : []))].flatMap(
    (file) => extract(file, readFileSync(join(root, file), "utf8"))
  )

/** Type-check the blocks together; one message per problem, as `file:line: message` (the line in the Markdown). */
export const check = (root: string, blocks: ReadonlyArray<Block>): ReadonlyArray<string> => {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"))
      }
    }
  )!
  const options: ts.CompilerOptions = { ...config.options, noEmit: true }
  // Each block a module of its own (.mts: an ES module, top-level await allowed) in a folder that does not exist.
  const virtual = new Map(
    blocks.map((b) => [join(root, ".code-blocks", `${b.file.replaceAll("/", "-")}-${b.line}.mts`), b] as const)
  )
  const host = ts.createCompilerHost(options)
  const { fileExists, readFile, getSourceFile } = host
  host.fileExists = (f) => virtual.has(f) || fileExists(f)
  host.readFile = (f) => virtual.get(f)?.code ?? readFile(f)
  host.getSourceFile = (f, language, ...rest) => {
    const block = virtual.get(f)
    return block === undefined ? getSourceFile(f, language, ...rest) : ts.createSourceFile(f, block.code, language)
  }
  const program = ts.createProgram([...virtual.keys()], options, host)
  return [...virtual].flatMap(([path, block]) => {
    const source = program.getSourceFile(path)!
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
      const at = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1
      return `${block.file}:${block.line + at}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
    })
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = fileURLToPath(new URL("..", import.meta.url))
  const at = process.argv.indexOf("--markdown")
  const blocks = at < 0 ? documented(root) : extract(process.argv[at + 1]!, readFileSync(0, "utf8"))
  const problems = check(root, blocks)
  console.log(JSON.stringify({ blocks: blocks.map((b) => `${b.file}:${b.line}`), problems }))
  process.exitCode = problems.length === 0 ? 0 : 1
}
