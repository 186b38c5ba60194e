import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { ruleIds } from "../src/kernel/internal/ruleIds.js"
import * as Regulation from "../src/kernel/Regulation.js"

// The spec sits beside the repository (shared/spec), not in it; a clone on its own has only ruleIds.ts.
const repoRoot = new URL("../../../", import.meta.url)
const specUrl = new URL("../shared/spec/regulation.md", repoRoot)
const specPath = fileURLToPath(specUrl)
const specPresent = existsSync(specPath)

const difference = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): Array<string> => {
  const other = new Set(b)
  return a.filter((x) => !other.has(x))
}

const registryIds = Regulation.rules.map((rule) => rule.id)

const organisationalIds = ["M8.1", "M9.1", "M10.1", "M33.1", "M34.1", "M35.1", "M38.1", "M39.1"]

// Enforceable by software, but no code enforces them yet (M27.1, the last, is enforced by the local-module API).
const notBuiltIds: ReadonlyArray<string> = []

describe("Regulation registry", () => {
  it("lists exactly the ids of ruleIds.ts, in the same order", () => {
    expect(registryIds).toEqual([...ruleIds])
    expect(new Set(registryIds).size).toBe(registryIds.length)
  })

  it(
    specPresent
      ? "lists exactly the ids of the spec (shared/spec/regulation.md)"
      : "the spec (shared/spec/regulation.md) is not beside this checkout: the in-repo id list stands in for it",
    () => {
      const reference = specPresent ? Regulation.parseIds(readFileSync(specPath, "utf8")) : [...ruleIds]
      const missing = difference(reference, registryIds)
      const extra = difference(registryIds, reference)
      expect({ missing, extra }).toEqual({ missing: [], extra: [] })
      expect(reference).toHaveLength(69)
    }
  )

  it.runIf(specPresent)("ruleIds.ts keeps the spec's order", () => {
    expect(Regulation.parseIds(readFileSync(specPath, "utf8"))).toEqual([...ruleIds])
  })

  it("has 69 rules, split into enforced, not built yet and organisational", () => {
    expect(Regulation.rules).toHaveLength(69)
    expect(Regulation.organisational.map((rule) => rule.id)).toEqual(organisationalIds)
    expect(Regulation.notBuilt.map((rule) => rule.id)).toEqual(notBuiltIds)
    expect(Regulation.enforced).toHaveLength(69 - organisationalIds.length - notBuiltIds.length)
    expect(
      [...Regulation.enforced, ...Regulation.notBuilt, ...Regulation.organisational].map((rule) => rule.id).sort()
    ).toEqual([...registryIds].sort())
  })

  it("organisational and not-built rules carry a reason and are not enforced; enforced rules carry none", () => {
    for (const rule of Regulation.rules) {
      if (rule.status._tag === "enforced") {
        expect(rule.status, rule.id).toEqual({ _tag: "enforced" })
        expect(Regulation.isEnforced(rule.id), rule.id).toBe(true)
      } else {
        expect(rule.status.reason.trim(), rule.id).not.toBe("")
        expect(Regulation.isEnforced(rule.id), rule.id).toBe(false)
      }
    }
  })

  it("every notBuilt rule names what is missing", () => {
    expect(Regulation.notBuilt.map((rule) => rule.id)).toEqual(notBuiltIds)
    for (const rule of Regulation.notBuilt) {
      expect(rule.status._tag, rule.id).toBe("notBuilt")
      const reason = rule.status._tag === "notBuilt" ? rule.status.reason : ""
      // A short sentence that says what is not built yet, not a restatement of the rule.
      expect(reason, rule.id).toMatch(/\S.* not built yet/)
      expect(reason.length, rule.id).toBeLessThanOrEqual(120)
    }
  })

  it("every rule has a non-empty article, Chinese and English statement", () => {
    for (const rule of Regulation.rules) {
      expect(rule.article.trim(), rule.id).not.toBe("")
      expect(rule.zh.trim(), rule.id).not.toBe("")
      expect(rule.en.trim(), rule.id).not.toBe("")
      // The Chinese statement is Chinese: it contains CJK ideographs.
      expect(rule.zh, rule.id).toMatch(/\p{Script=Han}/u)
    }
  })

  it("the article names the Measures' article or the Opinions' item of the id", () => {
    for (const rule of Regulation.rules) {
      const [, kind, number] = /^([MO])(\d+)\./.exec(rule.id)!
      const expected =
        kind === "M"
          ? new RegExp(`^暂行办法第[一二三四五六七八九十]+条 / Measures art\\. ${number}$`)
          : new RegExp(`^意见第${number}条 / Opinions item ${number}$`)
      expect(rule.article, rule.id).toMatch(expected)
    }
    expect(Regulation.get("M23.1").article).toBe("暂行办法第二十三条 / Measures art. 23")
    expect(Regulation.get("M12.2").article).toBe("暂行办法第十二条 / Measures art. 12")
    expect(Regulation.get("M2.1").article).toBe("暂行办法第二条 / Measures art. 2")
    expect(Regulation.get("O4.1").article).toBe("意见第4条 / Opinions item 4")
  })

  it("get returns the rule with that id", () => {
    for (const id of ruleIds) {
      expect(Regulation.get(id).id).toBe(id)
    }
  })

  it("isRuleId accepts the registry's ids only", () => {
    expect(ruleIds.every(Regulation.isRuleId)).toBe(true)
    expect(Regulation.isRuleId("M99.1")).toBe(false)
    expect(Regulation.isRuleId("m2.1")).toBe(false)
    expect(Regulation.isRuleId("M2")).toBe(false)
  })

  it("parseIds takes the backticked ids in order of first appearance, each once", () => {
    const markdown = [
      "Ids look like `M<article>.<n>`; see M32.1 (not backticked).",
      "| id | rule |",
      "|---|---|",
      "| `M2.2` | a rule |",
      "| `M9.1`, `M10.1` | **org** two rules |",
      "| `O4.1` | cites `M2.2` again |"
    ].join("\n")
    expect(Regulation.parseIds(markdown)).toEqual(["M2.2", "M9.1", "M10.1", "O4.1"])
    expect(Regulation.parseIds("no ids here")).toEqual([])
  })
})
