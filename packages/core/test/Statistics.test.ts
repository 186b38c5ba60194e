import { Inequality, StatisticsAggregate, StatisticsProfile, StatisticsTable, Suppression } from "@tmis/core"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

/** A table with its margins from inner counts. */
const withMargins = (inner: ReadonlyArray<ReadonlyArray<number>>): Array<Array<number>> => {
  const rowSums = inner.map((r) => r.reduce((s, v) => s + v, 0))
  const colSums = inner[0]!.map((_, c) => inner.reduce((s, r) => s + r[c]!, 0))
  return [...inner.map((r, i) => [...r, rowSums[i]!]), [...colSums, rowSums.reduce((s, v) => s + v, 0)]]
}

const inner = fc
  .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
  .chain(([r, c]) => fc.array(fc.array(fc.nat(12), { minLength: c, maxLength: c }), { minLength: r, maxLength: r }))

describe("Suppression", () => {
  it("M28.1 property: no figure of 1 to k − 1 is shown, and no line (row or column, totals included) has exactly one withheld figure", () => {
    fc.assert(
      fc.property(inner, (cells) => {
        const table = withMargins(cells)
        const { hidden } = Suppression.suppress(table)
        for (const [r, row] of table.entries()) {
          for (const [c, v] of row.entries()) {
            if (v >= 1 && v < Suppression.threshold) expect(hidden[r]![c]).toBe(true)
          }
        }
        const lines = [
          ...table.map((row, r) => row.map((_, c) => hidden[r]![c]!)),
          ...table[0]!.map((_, c) => table.map((_, r) => hidden[r]![c]!))
        ]
        for (const line of lines) expect(line.filter(Boolean).length).not.toBe(1)
      })
    )
  })

  it("M28.1 property: a withheld figure cannot be recovered from its row or column: the line's shown figures leave at least two unknowns", () => {
    fc.assert(
      fc.property(inner, (cells) => {
        const table = withMargins(cells)
        const { hidden } = Suppression.suppress(table)
        const R = table.length - 1
        const C = table[0]!.length - 1
        // Row r: Σ inner = total. Knowing every shown figure, the unknowns' sum is fixed; with ≥ 2 unknowns each
        // unknown stays undetermined unless all but one are 0 — which zeros-shown rules out (withheld figures are > 0).
        for (let r = 0; r <= R; r++) {
          const unknown = table[r]!.filter((_, c) => hidden[r]![c]).length
          if (unknown > 0) expect(unknown).toBeGreaterThanOrEqual(2)
          for (let c = 0; c <= C; c++) if (hidden[r]![c]) expect(table[r]![c]).toBeGreaterThan(0)
        }
      })
    )
  })

  it("M28.1 a single small cell takes the smallest other figure of each of its lines with it, until every line is closed", () => {
    // [[2, 10], [6, 7]] with margins: 2 is withheld; in its row 10 (not the total 12); in its column 6 (not 8);
    // then 10's column and 6's row each have one withheld figure: 7 closes both.
    const { complementary, hidden, primary } = Suppression.suppress(
      withMargins([
        [2, 10],
        [6, 7]
      ])
    )
    expect([primary, complementary]).toEqual([1, 3])
    expect(hidden).toEqual([
      [true, true, false],
      [true, true, false],
      [false, false, false]
    ])
  })

  it("M28.1 a one-way table: values and their total; zeros are shown", () => {
    const { hidden } = Suppression.suppress([[0], [3], [9], [12]])
    expect(hidden.map((r) => r[0])).toEqual([false, true, true, false])
  })
})

describe("StatisticsTable", () => {
  it("M28.1 a cross-tabulation with Chinese labels, totals and suppression", () => {
    const table = StatisticsTable.tabulate(
      [
        { row: "2", column: "35", count: 7 },
        { row: "1", column: "35", count: 6 },
        { row: "2", column: "u25", count: 2 }
      ],
      { rows: "gender", columns: "ageBand", measures: ["count", "share"] }
    )
    expect(table.rows.label).toBe("性别")
    expect(table.rows.values).toEqual([
      { value: "1", label: "男" },
      { value: "2", label: "女" }
    ])
    expect(table.columns.values.map((v) => v.label)).toEqual(["25岁以下", "35—39岁"])
    expect(table.cells.map((c) => [c.row, c.column, c.count])).toEqual([
      ["1", "u25", 0],
      ["1", "35", 6],
      ["2", "u25", null],
      ["2", "35", null]
    ])
    expect(table.total).toEqual({ row: "", column: "", count: 15, share: 1, suppressed: false })
    // The column total of u25 is 2 too: withheld.
    expect(table.columnTotals.find((c) => c.column === "u25")?.suppressed).toBe(true)
  })
})

describe("StatisticsProfile", () => {
  const chain = [
    { kind: "province", code: "420000", school: undefined },
    { kind: "city", code: "420100", school: undefined },
    { kind: "county", code: "420102", school: undefined },
    {
      kind: "school",
      code: "2142000001",
      school: { schoolType: "211", sponsor: "21", centralMinistry: false, affiliatedTo: undefined }
    }
  ] as const
  const entry = (group: string, data: Record<string, string | number | boolean>) => ({ group, data })

  it("M28.1 a profile reads the basic information, the highest education, the current title, the latest subject and pay", () => {
    const profile = StatisticsProfile.of(
      { stage: "primary", status: "serving" },
      [
        entry("basicInfo", { sex: "2", birthDate: "1990-03-07" }),
        entry("studyHistory", { educationObtained: "31" }),
        entry("studyHistory", { educationObtained: "21" }),
        entry("titleAppointment", { title: "一级教师", startMonth: "2015-09", endMonth: "2020-08" }),
        entry("titleAppointment", { title: "高级教师", startMonth: "2020-09" }),
        entry("teaching", { schoolYear: "2024-2025", term: "1", subject: "14" }),
        entry("teaching", { schoolYear: "2025-2026", term: "1", subject: "13" }),
        entry("basicPay", { year: 2025, annualIncome: 96_000 })
      ],
      chain
    )
    expect(profile).toEqual({
      level: "county",
      region: "420102",
      urbanRural: "urban",
      schoolType: "211",
      stage: "primary",
      education: "20",
      title: "senior",
      subject: "13",
      gender: "2",
      ageBand: "1990",
      payBand: "80k",
      status: "serving"
    })
    expect(StatisticsProfile.valueOn("ageBand", "1990", "2026-12-06")).toBe("35")
    expect(StatisticsProfile.valueOn("region", "420102", "2026-12-06", "prefecture")).toBe("420100")
    expect(StatisticsProfile.label("region", "420100")).toBe("武汉市")
    expect(StatisticsProfile.label("education", "20")).toBe("大学本科")
    expect(StatisticsProfile.label("subject", "13")).toBe("语文")
    expect(StatisticsProfile.label("schoolType", "211")).toMatch(/小学/)
  })

  it("M28.1 urban or rural from the county's GB/T 2260 code", () => {
    expect(["420102", "420222", "420281", "420100"].map(StatisticsProfile.urbanRural)).toEqual([
      "urban",
      "rural",
      "town",
      "unknown"
    ])
  })
})

describe("StatisticsAggregate", () => {
  const profile = (gender: string) =>
    ({
      level: "county",
      region: "420102",
      urbanRural: "urban",
      schoolType: "211",
      stage: "primary",
      education: "20",
      title: "none",
      subject: "none",
      gender,
      ageBand: "1990",
      payBand: "unknown",
      status: "serving"
    }) as const

  it("M28.1 property: applying the deltas of any sequence of changes gives the recount of the final contributions", () => {
    const change = fc.record({
      id: fc.constantFrom("t1", "t2", "t3"),
      after: fc.option(
        fc.record({
          path: fc.constantFrom("/n/a/s1/", "/n/a/s2/", "/n/b/s3/"),
          gender: fc.constantFrom("1", "2")
        }),
        { nil: undefined }
      )
    })
    fc.assert(
      fc.property(fc.array(change, { maxLength: 20 }), (changes) => {
        const current = new Map<string, StatisticsAggregate.Contribution>()
        const counters = new Map<string, number>()
        for (const c of changes) {
          const after =
            c.after === undefined ? undefined : { path: `${c.after.path}${c.id}`, profile: profile(c.after.gender) }
          for (const d of StatisticsAggregate.deltas([{ before: current.get(c.id), after }])) {
            const key = `${d.node}\u0000${d.dims}\u0000${d.values}`
            counters.set(key, (counters.get(key) ?? 0) + d.delta)
          }
          if (after === undefined) current.delete(c.id)
          else current.set(c.id, after)
        }
        const kept = new Map([...counters].filter(([, n]) => n !== 0))
        expect(kept).toEqual(new Map(StatisticsAggregate.recount(current.values())))
      })
    )
  })

  it("M28.1 an e-file adds to every unit above it, one counter per dimension and pair", () => {
    expect(StatisticsAggregate.nodesOf("/n/p/s/t1")).toEqual(["/n/", "/n/p/", "/n/p/s/"])
    const counters = StatisticsAggregate.countersOf({ path: "/n/p/s/t1", profile: profile("2") })
    expect(counters.length).toBe(3 * (12 + 66))
    expect(StatisticsAggregate.dimsKey("gender", "education")).toBe("education|gender")
  })
})

describe("Inequality", () => {
  const positive = fc.array(fc.double({ min: 0.01, max: 1000, noNaN: true }), { minLength: 1, maxLength: 30 })

  it("O10.1 property: the Gini index is in [0, 1), 0 when every school has the same, and unchanged by scaling", () => {
    fc.assert(
      fc.property(positive, fc.double({ min: 0.1, max: 100, noNaN: true }), (xs, k) => {
        const g = Inequality.gini(xs)
        expect(g).toBeGreaterThanOrEqual(0)
        expect(g).toBeLessThan(1)
        expect(Inequality.gini(xs.map((x) => x * k))).toBeCloseTo(g, 9)
        expect(Inequality.gini(xs.map(() => xs[0]!))).toBeCloseTo(0, 12)
      })
    )
  })

  it("O10.1 property: the Theil index is ≥ 0, 0 when equal, and splits into within and between groups", () => {
    fc.assert(
      fc.property(positive, positive, (a, b) => {
        expect(Inequality.theil(a)).toBeGreaterThanOrEqual(0)
        expect(Inequality.theil(a.map(() => 7))).toBeCloseTo(0, 12)
        const { between, total, within } = Inequality.theilDecomposition([a, b])
        expect(within + between).toBeCloseTo(total, 9)
        expect(total).toBeCloseTo(Inequality.theil([...a, ...b]), 12)
      })
    )
  })

  it("O10.1 hand-computed examples", () => {
    // 1, 2, 3: Σ|xi − xj| over ordered pairs = 8; G = 8 / (2 · 9 · 2) = 2/9.
    expect(Inequality.gini([1, 2, 3])).toBeCloseTo(2 / 9, 12)
    // One school has all: G = (n − 1)/n.
    expect(Inequality.gini([0, 0, 0, 10])).toBeCloseTo(3 / 4, 12)
    // 1 and 3, mean 2: T = ½ (½ ln ½ + 3/2 ln 3/2).
    expect(Inequality.theil([1, 3])).toBeCloseTo(0.5 * (0.5 * Math.log(0.5) + 1.5 * Math.log(1.5)), 12)
    expect(Inequality.theil([0, 0, 10])).toBeCloseTo(Math.log(3), 12)
    expect(Inequality.shareBelow([10, 20, 30, 40], 25)).toBe(0.5)
    expect([Inequality.gini([]), Inequality.theil([0, 0])]).toEqual([0, 0])
  })
})
