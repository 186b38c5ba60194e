/**
 * The documentation's runnable code blocks (```ts runnable in README.md and docs/*.md) compile against the packages
 * as they are: an example that no longer matches the API fails here, not in a vendor's editor. The check runs in a
 * process of its own (scripts/code-blocks.ts): the compiler holds its thread for tens of seconds.
 */
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { extract, fence } from "../code-blocks.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

const run = (args: ReadonlyArray<string>, stdin?: string) =>
  new Promise<{ code: number; blocks: ReadonlyArray<string>; problems: ReadonlyArray<string> }>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", "scripts/code-blocks.ts", ...args],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        try {
          resolve({ code: error === null ? 0 : Number(error.code), ...JSON.parse(stdout) })
        } catch {
          reject(new Error(`scripts/code-blocks.ts failed: ${stderr || error?.message}`))
        }
      }
    )
    child.stdin!.end(stdin ?? "")
  })

describe("runnable code blocks of the documentation", () => {
  it("every runnable block of README.md and docs/*.md type-checks against the packages", async () => {
    const { code, blocks, problems } = await run([])
    expect(problems).toEqual([])
    expect(code).toBe(0)
    // The embedding guide's complete examples and the README's are marked; a marker lost is a check lost.
    expect(blocks.filter((b) => b.startsWith("docs/embedding.md:")).length).toBeGreaterThanOrEqual(6)
    expect(blocks.filter((b) => b.startsWith("README.md:")).length).toBeGreaterThanOrEqual(1)
  }, 300_000)

  it("a broken block fails the check, naming the Markdown file and line", async () => {
    const markdown = [
      "# A guide",
      "",
      fence,
      'import { Deployment, Settings } from "@tmis/core"',
      "",
      "export const settings = Settings.layer(Deployment.provincial(42))",
      "export const typo = Deployment.provinical",
      "```",
      "",
      "```ts",
      "not checked: no marker",
      "```"
    ].join("\n")
    const { code, blocks, problems } = await run(["--markdown", "docs/broken.md"], markdown)
    expect(blocks).toEqual(["docs/broken.md:3"])
    expect(code).toBe(1)
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(/^docs\/broken\.md:6: Argument of type 'number' is not assignable/)
    expect(problems[1]).toMatch(/^docs\/broken\.md:7: Property 'provinical' does not exist/)
  }, 300_000)

  it("an unclosed runnable block is an error", () => {
    expect(() => extract("docs/broken.md", `${fence}\nconst x = 1\n`)).toThrow(/docs\/broken\.md:1: .*never closed/)
  })
})
