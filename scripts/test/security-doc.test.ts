/**
 * M36.1: the MLPS level-3 controls are documented with where each is implemented and tested. docs/security.md is
 * that document; these tests keep it true — every control has its row, every file it cites exists, every test it
 * names by name exists.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { basename, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../", import.meta.url))
const doc = readFileSync(join(root, "docs", "security.md"), "utf8")

/** Every file of the repository's packages, scripts, bench and examples (no node_modules, no dist). */
const files = (() => {
  const found: Array<string> = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else found.push(path.slice(root.length))
    }
  }
  for (const top of ["packages", "scripts", "bench", "examples", "docs"]) walk(join(root, top))
  return found
})()

/** The first cell of every table row: the controls. */
const rows = doc
  .split("\n")
  .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"))
  .map((line) => line.split("|")[1]!.trim())

describe("docs/security.md", () => {
  it("M36.1 has a row for every application control of MLPS 2.0 level 3 the spec names", () => {
    // The anchors of domain-facts.md ("Security anchors"), each with the row that answers it.
    const controls: ReadonlyArray<readonly [string, RegExp]> = [
      ["unique identities", /^Unique, real-name identities$/],
      ["password complexity", /^Password complexity$/],
      ["password change", /^Periodic change/],
      ["failed-login handling", /^Failed-login handling$/],
      ["session timeout", /^Session end and timeout$/],
      ["two factors, one cryptographic", /^Two factors, one cryptographic$/],
      ["least privilege", /^Least privilege/],
      ["separated admin duties", /^Separated admin duties$/],
      ["audit of every user and important action", /^Every user, every important action/],
      ["audit protected against deletion and change", /^Protected against deletion, change/],
      ["logs kept six months", /^Retention ≥ 6 months$/],
      ["input validation", /^Schemas refuse what they do not declare$/],
      ["integrity and confidentiality in transit", /^In transit$/],
      ["confidentiality at rest", /^Passwords at rest$/],
      ["masking of identity numbers", /^Identity numbers masked$/],
      ["minimum necessary", /^Minimum necessary$/]
    ]
    const missing = controls.filter(([, row]) => !rows.some((r) => row.test(r))).map(([control]) => control)
    expect(missing).toEqual([])
    expect(doc).toMatch(/^## \d+\. Backup and restore/m)
  })

  it("M36.1 every source and test file it cites exists", () => {
    const cited = [...doc.matchAll(/`([\w./-]+\.(?:ts|md|json))`/g)].map((m) => m[1]!)
    expect(cited.length).toBeGreaterThan(30)
    const absent = cited.filter((path) =>
      path.includes("/")
        ? !files.some((file) => file === path || file.endsWith(`/${path}`))
        : !files.some((file) => basename(file) === path)
    )
    expect(absent).toEqual([])
  })

  it("M36.1 every test it names by name exists", () => {
    const tests = files
      .filter((f) => /\.test\.ts$|conformance\/\w+\.ts$/.test(f))
      .map((f) => readFileSync(join(root, f), "utf8"))
    // Quoted test names start with a rule id; "…" stands for what is left out (or built at run time), so the parts
    // around it must appear in that order in one test file.
    const named = [...doc.matchAll(/"((?:M|O)\d+\.\d+ [^"]+?)"/g)].map((m) => m[1]!.replace(/\s+/g, " "))
    expect(named.length).toBeGreaterThan(30)
    const appearsIn = (text: string, name: string) => {
      let from = 0
      for (const part of name
        .split("…")
        .map((p) => p.trim())
        .filter((p) => p !== "")) {
        const at = text.indexOf(part, from)
        if (at < 0) return false
        from = at + part.length
      }
      return true
    }
    const unknown = named.filter((name) => !tests.some((text) => appearsIn(text.replace(/\s+/g, " "), name)))
    expect(unknown).toEqual([])
  })
})
