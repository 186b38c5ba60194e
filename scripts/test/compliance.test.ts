import { Either } from "effect"
import { describe, expect, it } from "vitest"
import * as Regulation from "../../packages/core/src/kernel/Regulation.js"
import * as Compliance from "../compliance-lib.js"

const root = "/home/ci/tmis"

/** How many rules of the registry have a status: the counts follow the registry as rules get built. */
const statusCount = (tag: Regulation.Status["_tag"]): number =>
  Regulation.rules.filter((rule) => rule.status._tag === tag).length

const test = (title: string, status: string, ancestorTitles: Array<string> = ["Suite"]) => ({
  ancestorTitles,
  fullName: [...ancestorTitles, title].join(" "),
  title,
  status,
  duration: 1.5,
  failureMessages: []
})

// The shape vitest 3.2's JSON reporter writes, trimmed to a few tests.
const fakeReport = {
  numTotalTests: 10,
  success: false,
  startTime: 1795861651186,
  testResults: [
    {
      name: `${root}/packages/core/test/Hierarchy.test.ts`,
      status: "failed",
      message: "",
      startTime: 1,
      endTime: 2,
      assertionResults: [
        test("M2.1 every unit has one kind", "passed"),
        test("M2.1 the national unit is the root", "failed"),
        test("M2.2 no cycles", "failed"),
        test("M2.3 a provincial system holds one province", "skipped"),
        test("a helper that cites no rule", "passed"),
        test("without an id in its own title", "passed", ["M4.1 describe titles do not count"])
      ]
    },
    {
      name: `${root}/packages/core/test/Accounts.test.ts`,
      status: "passed",
      message: "",
      assertionResults: [
        test("M13.2 M15.1 a system admin creates the system admin of the unit below", "passed"),
        test("M13.2, M14.3 no permission beyond the creator's", "todo"),
        test("M8.1 an organisational rule may be cited", "passed")
      ]
    },
    {
      name: `${root}/packages/reference-server/test/Server.test.ts`,
      status: "passed",
      message: "",
      assertionResults: [test("M14.1 the API creates real-name accounts only", "passed")]
    },
    {
      name: `${root}/packages/core/test/Broken.test.ts`,
      status: "failed",
      message: "SyntaxError: Unexpected token",
      assertionResults: []
    }
  ]
}

const decoded = () => Either.getOrThrow(Compliance.decodeReport(fakeReport))

const rowOf = (m: Compliance.Matrix, id: string) => m.rows.find((row) => row.rule.id === id)!

describe("compliance matrix", () => {
  it("databaseOf names the store a test ran on: its adapter package or a describe title, never its own title", () => {
    const at = (file: string, name: string): Compliance.TestCase => ({ file, name, ids: [], outcome: "passed" })
    expect(Compliance.databaseOf(at("packages/adapters/mysql/test/conformance.test.ts", "a › b"))).toBe("mariadb")
    expect(Compliance.databaseOf(at("packages/adapters/sqlite/test/x.test.ts", "a › b"))).toBe("sqlite")
    expect(Compliance.databaseOf(at("packages/testkit/x.test.ts", "storage conformance: postgres › M14.4 x"))).toBe(
      "postgres"
    )
    expect(Compliance.databaseOf(at("packages/reference-server/test/x.test.ts", "the demo on sqlite › y"))).toBe(
      "sqlite"
    )
    expect(Compliance.databaseOf(at("packages/core/test/x.test.ts", "Unit › M2.1 not about postgres"))).toBe(undefined)
    expect(Compliance.databaseOf(at("packages/core/test/x.test.ts", "postgresql › y"))).toBe(undefined)
  })

  it("leadingIds takes every id at the start of a title, and only there", () => {
    expect(Compliance.leadingIds("M12.1 a code is refused")).toEqual(["M12.1"])
    expect(Compliance.leadingIds("M13.2 M15.1 handed down")).toEqual(["M13.2", "M15.1"])
    expect(Compliance.leadingIds("M13.2, M14.3 no grant")).toEqual(["M13.2", "M14.3"])
    expect(Compliance.leadingIds("O4.1 O4.1 twice")).toEqual(["O4.1"])
    expect(Compliance.leadingIds("refuses M12.1 later in the name")).toEqual([])
    expect(Compliance.leadingIds("M12 is not an id")).toEqual([])
    expect(Compliance.leadingIds("M12.1x is not an id")).toEqual([])
    expect(Compliance.leadingIds("M24.1")).toEqual(["M24.1"])
  })

  it("decodes a vitest JSON report and refuses another shape", () => {
    expect(Either.isRight(Compliance.decodeReport(fakeReport))).toBe(true)
    expect(Either.isLeft(Compliance.decodeReport({ testResults: [{ name: 1 }] }))).toBe(true)
  })

  it("counts each rule's tests, a test citing several ids counting for each", () => {
    const m = Compliance.matrix(decoded(), root)
    const counts = (id: string) => {
      const row = rowOf(m, id)
      return { passed: row.passed, total: row.tests.length }
    }
    expect(counts("M2.1")).toEqual({ passed: 1, total: 2 })
    expect(counts("M2.2")).toEqual({ passed: 0, total: 1 })
    expect(counts("M2.3")).toEqual({ passed: 0, total: 1 })
    expect(counts("M13.2")).toEqual({ passed: 1, total: 2 })
    expect(counts("M15.1")).toEqual({ passed: 1, total: 1 })
    expect(counts("M14.3")).toEqual({ passed: 0, total: 1 })
    expect(counts("M4.1")).toEqual({ passed: 0, total: 0 })
    expect(counts("M8.1")).toEqual({ passed: 1, total: 1 })
    expect(rowOf(m, "M15.1").tests[0]).toEqual({
      file: "packages/core/test/Accounts.test.ts",
      name: "Suite › M13.2 M15.1 a system admin creates the system admin of the unit below",
      ids: ["M13.2", "M15.1"],
      outcome: "passed"
    })
  })

  it("gaps are the enforced rules without a passing test; skipped and failed tests do not pass", () => {
    const m = Compliance.matrix(decoded(), root)
    const gapIds = m.gaps.map((row) => row.rule.id)
    // Enforced with a passing test: M2.1, M13.2, M14.1, M15.1. M8.1 passes but is organisational.
    expect(gapIds).toEqual(
      Regulation.enforced.map((rule) => rule.id).filter((id) => !["M2.1", "M13.2", "M14.1", "M15.1"].includes(id))
    )
    expect(gapIds).toContain("M2.2")
    expect(gapIds).toContain("M2.3")
    expect(gapIds).toContain("M14.3")
    expect(gapIds).not.toContain("M8.1")
    // A rule not built yet owes no test, so it is no gap (none is today: M27.1, the last, is enforced).
    for (const rule of Regulation.notBuilt) expect(gapIds).not.toContain(rule.id)
    expect(m.summary).toEqual({
      rules: Regulation.rules.length,
      enforced: Regulation.enforced.length,
      notBuilt: statusCount("notBuilt"),
      organisational: statusCount("organisational"),
      enforcedPassing: 4,
      gaps: Regulation.enforced.length - 4,
      inconsistencies: 0
    })
  })

  it("lists the failed tests and the files that failed to run", () => {
    const m = Compliance.matrix(decoded(), root)
    expect(m.failed.map((test) => test.name)).toEqual([
      "Suite › M2.1 the national unit is the root",
      "Suite › M2.2 no cycles"
    ])
    expect(m.brokenFiles).toEqual(["packages/core/test/Broken.test.ts"])
    expect(m.unknownIds).toEqual([])
  })

  it("reports an id the registry does not know", () => {
    const report = Either.getOrThrow(
      Compliance.decodeReport({
        testResults: [{ name: `${root}/a.test.ts`, assertionResults: [test("M2.1 M99.1 not a rule", "passed")] }]
      })
    )
    const m = Compliance.matrix(report, root)
    expect(m.unknownIds.map(({ id, test }) => [id, test.file])).toEqual([["M99.1", "a.test.ts"]])
  })

  it("renders the summary, the gaps first, a row per rule and the tests of each rule", () => {
    const text = Compliance.render(Compliance.matrix(decoded(), root))
    expect(text).toContain("Generated by `npm run compliance`")
    expect(text).toContain(
      `**${Regulation.rules.length} rules: ${Regulation.enforced.length} enforced, ${statusCount("notBuilt")} not ` +
        `built yet, ${statusCount("organisational")} organisational; 4 enforced with passing tests; ` +
        `${Regulation.enforced.length - 4} gaps.**`
    )
    expect(text.indexOf("## Gaps")).toBeLessThan(text.indexOf("## Rules"))
    const gaps = text.slice(text.indexOf("## Gaps"), text.indexOf("## Rules"))
    expect(gaps).toContain("| M2.2 |")
    expect(gaps).toContain("| M4.1 |")
    expect(gaps).not.toContain("| M2.1 |")
    expect(gaps).not.toContain("| M8.1 |")
    expect(gaps).toContain("`packages/core/test/Broken.test.ts`")
    // The last column: the tests through the reference server, among all.
    expect(text).toMatch(/^\| M2\.1 \| enforced \| .+ \| 1\/2 \| — \| — \| — \| — \|$/m)
    expect(text).toMatch(/^\| M14\.1 \| enforced \| .+ \| 1\/1 \| — \| — \| — \| 1\/1 \|$/m)
    expect(text).toMatch(/^\| M8\.1 \| organisational \| .+ \| 1\/1 \| — \| — \| — \| — \|$/m)
    expect(text).toMatch(/^\| M9\.1 \| organisational \| .+ \| — \| — \| — \| — \| — \|$/m)
    expect(text).toContain(
      "- ✅ Suite › M13.2 M15.1 a system admin creates the system admin of the unit below — `packages/core/test/Accounts.test.ts`"
    )
    expect(text).toContain("- ❌ Suite › M2.2 no cycles — `packages/core/test/Hierarchy.test.ts`")
    expect(text).toContain(
      "- ⏭ Suite › M2.3 a provincial system holds one province — `packages/core/test/Hierarchy.test.ts`"
    )
    expect(text).toContain(
      "- ⏭ Suite › M13.2, M14.3 no permission beyond the creator's — `packages/core/test/Accounts.test.ts`"
    )
    // Tests that cite no rule, or cite one only in a describe, are not in the matrix.
    expect(text).not.toContain("a helper that cites no rule")
    expect(text).not.toContain("describe titles do not count")
  })

  describe("rules not built yet", () => {
    const enforced: Regulation.Status = { _tag: "enforced" }
    const notBuilt = (reason: string): Regulation.Status => ({ _tag: "notBuilt", reason })
    const synthetic = (id: Regulation.Rule["id"], status: Regulation.Status): Regulation.Rule => ({
      id,
      article: `article of ${id}`,
      zh: `规则${id}`,
      en: `the rule ${id}`,
      status
    })
    const rules: ReadonlyArray<Regulation.Rule> = [
      synthetic("M2.1", enforced),
      synthetic("M2.2", enforced),
      synthetic("M17.2", notBuilt("spot checks are not built yet")),
      synthetic("M25.1", notBuilt("training credits are not built yet")),
      synthetic("M25.2", notBuilt("providers' results are not built yet")),
      synthetic("M8.1", { _tag: "organisational", reason: "a bureau's own decision" })
    ]
    const reportOf = (tests: ReadonlyArray<ReturnType<typeof test>>) =>
      Either.getOrThrow(
        Compliance.decodeReport({
          testResults: [{ name: `${root}/packages/core/test/A.test.ts`, assertionResults: tests }]
        })
      )
    const consistent = reportOf([
      test("M2.1 passes", "passed"),
      test("M25.1 a placeholder for training credits", "todo"),
      test("M25.2 not yet", "skipped")
    ])
    const inconsistent = reportOf([
      test("M2.1 passes", "passed"),
      test("M2.2 M25.1 credits are confirmed", "passed"),
      test("M25.2 fails", "failed")
    ])

    it("are counted apart from the enforced and the organisational rules, and are no gap", () => {
      const m = Compliance.matrix(consistent, root, rules)
      expect(m.notBuilt.map((row) => row.rule.id)).toEqual(["M17.2", "M25.1", "M25.2"])
      expect(m.gaps.map((row) => row.rule.id)).toEqual(["M2.2"])
      expect(m.inconsistencies).toEqual([])
      expect(m.summary).toEqual({
        rules: 6,
        enforced: 2,
        notBuilt: 3,
        organisational: 1,
        enforcedPassing: 1,
        gaps: 1,
        inconsistencies: 0
      })
      expect(Compliance.summaryLine(m.summary)).toBe(
        "6 rules: 2 enforced, 3 not built yet, 1 organisational; 1 enforced with passing tests; 1 gaps."
      )
    })

    it("a rule marked not built that has a passing test is an inconsistency; a failed or skipped one is not", () => {
      const m = Compliance.matrix(inconsistent, root, rules)
      expect(m.inconsistencies.map((row) => row.rule.id)).toEqual(["M25.1"])
      expect(m.summary.inconsistencies).toBe(1)
      expect(m.gaps).toEqual([])
      expect(Compliance.summaryLine(m.summary)).toBe(
        "6 rules: 2 enforced, 3 not built yet, 1 organisational; 2 enforced with passing tests; 0 gaps; " +
          "1 inconsistencies."
      )
    })

    it("render a section after the gaps with what is missing, and mark the rule in the rules and tests", () => {
      const text = Compliance.render(Compliance.matrix(consistent, root, rules))
      expect(text.indexOf("## Gaps")).toBeLessThan(text.indexOf("## Not built yet"))
      expect(text.indexOf("## Not built yet")).toBeLessThan(text.indexOf("## Rules"))
      const section = text.slice(text.indexOf("## Not built yet"), text.indexOf("## Rules"))
      expect(section).toContain("| id | rule | what is missing |")
      expect(section).toContain("| M25.1 | the rule M25.1 | training credits are not built yet |")
      expect(section).toContain("| M25.2 | the rule M25.2 | providers' results are not built yet |")
      expect(section).not.toContain("| M2.2 |")
      expect(section).not.toContain("| M8.1 |")
      expect(section).not.toContain("Inconsistencies")
      expect(text.slice(text.indexOf("## Gaps"), text.indexOf("## Not built yet"))).not.toContain("| M25.1 |")
      expect(text).toMatch(/^\| M25\.1 \| not built yet \| the rule M25\.1 \| 0\/1 \| — \| — \| — \| — \|$/m)
      expect(text).toMatch(/^\| M17\.2 \| not built yet \| the rule M17\.2 \| — \| — \| — \| — \| — \|$/m)
      expect(text).toMatch(/^\| M2\.1 \| enforced \| /m)
      expect(text).toMatch(/^\| M8\.1 \| organisational \| /m)
      expect(text).toContain(
        "### M17.2\n\narticle of M17.2: the rule M17.2\n\nNot built yet: spot checks are not built yet\n\nNo test yet."
      )
      expect(text).toContain(
        "### M25.1\n\narticle of M25.1: the rule M25.1\n\nNot built yet: training credits are not built yet\n\n- ⏭"
      )
      expect(text).toContain("### M2.2\n\narticle of M2.2: the rule M2.2\n\nNo test.")
      expect(text).toContain("### M8.1\n\narticle of M8.1: the rule M8.1\n\nOrganisational, not enforced by software")
    })

    it("render the inconsistencies first in their section", () => {
      const text = Compliance.render(Compliance.matrix(inconsistent, root, rules))
      expect(text).toContain("; 1 inconsistencies.**")
      const section = text.slice(text.indexOf("## Not built yet"), text.indexOf("## Rules"))
      const [flagged, listed] = section.split("| id | rule | what is missing |")
      expect(flagged).toContain("Inconsistencies: rules marked not built yet that have a passing test")
      expect(flagged).toContain("| M25.1 | the rule M25.1 | 1/1 |")
      expect(flagged).not.toContain("| M25.2 |")
      expect(listed).toContain("| M25.1 | the rule M25.1 | training credits are not built yet |")
    })

    it("render a plain sentence when every enforceable rule is built", () => {
      const built = rules.filter((rule) => rule.status._tag !== "notBuilt")
      const m = Compliance.matrix(consistent, root, built)
      expect(m.summary.notBuilt).toBe(0)
      const text = Compliance.render(m)
      expect(text).toContain("## Not built yet\n\nEvery rule that software can enforce is built.")
    })
  })

  it("is deterministic: no absolute paths, times or durations, and independent of the report's order", () => {
    const report = decoded()
    const text = Compliance.render(Compliance.matrix(report, root))
    expect(text).not.toContain(root)
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}|\d+(\.\d+)?\s?ms\b/)
    const shuffled: Compliance.Report = {
      testResults: [...report.testResults]
        .reverse()
        .map((file) => ({ ...file, assertionResults: [...file.assertionResults].reverse() }))
    }
    expect(Compliance.render(Compliance.matrix(shuffled, root))).toBe(text)
    // A Windows path gives the same relative file.
    expect(Compliance.relativeFile("C:\\work\\tmis\\", "C:\\work\\tmis\\packages\\core\\test\\A.test.ts")).toBe(
      "packages/core/test/A.test.ts"
    )
  })
})
