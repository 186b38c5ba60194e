import { Report } from "@tmis/core"
import { describe, expect, it } from "vitest"

const period = { from: "2026-01-01", to: "2026-06-30" }
const inside = "/n/p/city/"

const efile = (id: string, path: string, createdAt: string, history: ReadonlyArray<[string, string]> = []) => ({
  id,
  path,
  createdAt,
  statusHistory: history.map(([status, effective]) => ({ status, effective }))
})

const move = (
  id: string,
  teacherId: string,
  kind: "transfer" | "rotation",
  day: string,
  from: string,
  to: string,
  movesEFile = true
): Report.Move => ({ id, teacherId, kind, day, createdAt: `${day}T00:00:00Z`, from, to, movesEFile })

describe("Report", () => {
  it("M29.1 the period's changes: onboardings, leavers where they were, transfers and rotations in, out and within", () => {
    const changes = Report.changesOf(
      inside,
      period,
      [
        efile("a", `${inside}s1/`, "2026-02-01T08:00:00Z"), // onboarded in the period
        efile("b", `${inside}s1/`, "2025-12-31T23:00:00Z"), // before the period
        efile("c", "/n/p/other/s9/", "2026-03-01T08:00:00Z", [["resigned", "2026-05-01"]]), // moved out before leaving
        efile("d", `${inside}s2/`, "2020-01-01T00:00:00Z", [["retired", "2026-04-01"]]),
        efile("e", `${inside}s2/`, "2020-01-01T00:00:00Z", [["retired", "2026-07-01"]]) // after the period
      ],
      [
        move("t1", "c", "transfer", "2026-04-01", `${inside}s1/`, "/n/p/other/s9/"),
        move("t2", "x", "transfer", "2026-02-10", "/n/p/other/s9/", `${inside}s2/`),
        move("t3", "y", "transfer", "2026-03-10", `${inside}s1/`, `${inside}s2/`),
        move("t4", "z", "transfer", "2026-08-10", `${inside}s1/`, "/n/p/other/s9/"),
        move("r1", "d", "rotation", "2026-03-01", `${inside}s2/`, "/n/p/other/s8/", false),
        move("r2", "w", "rotation", "2026-03-01", "/n/p/other/s8/", `${inside}s2/`, false)
      ]
    )
    expect(changes).toEqual({
      onboardings: 2, // a, and c (created inside, moved out on 2026-04-01)
      leavers: { resigned: 0, retired: 1, deceased: 0, transferredOut: 0 },
      transfers: { in: 1, out: 1, within: 1 },
      rotations: { in: 1, out: 1, within: 0 }
    })
  })

  it("M29.1 a report's queries are one per section, as of the period's last day, with counts and shares", () => {
    const queries = Report.queries("u1", period)
    expect(queries).toHaveLength(Report.sections.length)
    for (const q of queries) expect(q).toMatchObject({ unitId: "u1", asOf: "2026-06-30", measures: ["count", "share"] })
    expect(queries.at(-1)).toMatchObject({ rows: "stage", columns: "gender" })
  })
})
