import { type Authorization, type Unit, UpdateCycle } from "@tmis/core"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const unitRef = (id: string, kind: Unit.Kind, path: string): Authorization.UnitRef => ({
  id: id as Unit.UnitId,
  kind,
  path
})

const actorOf = (unit: Authorization.UnitRef, role: Authorization.Actor["role"] = "infoAdmin"): Authorization.Actor =>
  ({
    accountId: `ia-${unit.id}`,
    role,
    status: "active",
    unit,
    identityNumber: "11010519491231002X",
    certificate: undefined,
    presentedCertificate: undefined
  }) as Authorization.Actor

const county = unitRef("jiangan", "county", "/hubei/wuhan/jiangan/")
const school = unitRef("s1", "school", "/hubei/wuhan/jiangan/s1/")
const contextAt = (iso: string): Authorization.Context => ({ requireCertificateFor: [], now: new Date(iso) })

const unit = (id: string, kind: Unit.Kind, path: string, status: Unit.Status = "open", validFrom = "2017-03-31") =>
  ({
    id,
    kind,
    parentId: undefined,
    path,
    name: id,
    code: id,
    school: undefined,
    status,
    mergedInto: undefined,
    validFrom
  }) as unknown as Unit.Unit

/** An instant (ms) within ±3 days of a day's Shanghai midnight, in whole minutes. */
const nearMidnight = (day: string) =>
  fc.integer({ min: -3 * 1440, max: 3 * 1440 }).map((minutes) => Date.parse(`${day}T00:00:00+08:00`) + minutes * 60_000)

const years = fc.integer({ min: 2017, max: 2099 })

describe("UpdateCycle", () => {
  it("M18.1 the full update of a year is due on 31 March of the next; the first half on 30 September", () => {
    expect(UpdateCycle.make(2026, "annual")).toEqual({
      id: "2026-annual",
      kind: "annual",
      year: 2026,
      periodEnd: "2026-12-31",
      deadline: "2027-03-31"
    })
    expect(UpdateCycle.make(2027, "h1").deadline).toBe("2027-09-30")
    expect(Either.getOrThrow(UpdateCycle.parse("2027-h1"))).toEqual(UpdateCycle.make(2027, "h1"))
    expect(Either.isLeft(UpdateCycle.parse("2027-h2"))).toBe(true)
    expect(UpdateCycle.dueIn(2027).map((c) => c.id)).toEqual(["2026-annual", "2027-h1"])
  })

  it("M18.1 the deadlines are configuration, validated: a day that is not every year's or a first half due by June is refused", () => {
    expect(Either.isRight(UpdateCycle.validateConfig(UpdateCycle.defaultConfig))).toBe(true)
    for (const bad of [
      { annualDeadline: "02-29", firstHalfDeadline: "09-30" },
      { annualDeadline: "04-31", firstHalfDeadline: "09-30" },
      { annualDeadline: "3-31", firstHalfDeadline: "09-30" },
      { annualDeadline: "03-31", firstHalfDeadline: "06-30" }
    ]) {
      const result = UpdateCycle.validateConfig(bad)
      expect(Either.isLeft(result) && result.left.rule).toBe("M18.1")
    }
    expect(UpdateCycle.make(2026, "annual", { annualDeadline: "04-15", firstHalfDeadline: "10-31" }).deadline).toBe(
      "2027-04-15"
    )
  })

  it("M18.1 a day is the day in Asia/Shanghai: 23:59 on 31 March in Beijing is on time, 00:00 on 1 April is late", () => {
    const cycle = UpdateCycle.make(2026, "annual")
    const completion = (at: string) => ({
      cycle: cycle.id,
      unitId: "s1" as Unit.UnitId,
      at,
      day: UpdateCycle.dayOf(at),
      by: "ia-s1"
    })
    expect(UpdateCycle.dayOf("2027-03-31T15:59:59.999Z")).toBe("2027-03-31")
    expect(UpdateCycle.dayOf("2027-03-31T16:00:00Z")).toBe("2027-04-01")
    expect(UpdateCycle.statusOf(completion("2027-03-31T15:59:00Z"), cycle, "2027-04-02")).toBe("completed")
    expect(UpdateCycle.statusOf(completion("2027-03-31T16:00:00Z"), cycle, "2027-04-02")).toBe("completedLate")
    expect(UpdateCycle.statusOf(undefined, cycle, "2027-03-31")).toBe("pending")
    expect(UpdateCycle.statusOf(undefined, cycle, "2027-04-01")).toBe("late")
  })

  it("M18.1 for any instant near a deadline, a completion is on time exactly when its Beijing wall-clock day is on or before the deadline", () => {
    const arb = fc.tuple(years, fc.constantFrom<UpdateCycle.Kind>("annual", "h1")).chain(([year, kind]) => {
      const cycle = UpdateCycle.make(year, kind)
      return fc.tuple(
        fc.constant(cycle),
        nearMidnight(cycle.deadline),
        nearMidnight(UpdateCycle.make(year, kind).deadline)
      )
    })
    fc.assert(
      fc.property(arb, ([cycle, ms, asOfMs]) => {
        const at = new Date(ms).toISOString()
        const beijing = new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10)
        const day = UpdateCycle.dayOf(at)
        expect(day).toBe(beijing)
        const completion = { cycle: cycle.id, unitId: "s1" as Unit.UnitId, at, day, by: "x" }
        expect(UpdateCycle.statusOf(completion, cycle, "2999-12-31")).toBe(
          beijing <= cycle.deadline ? "completed" : "completedLate"
        )
        // As of a Beijing day before the completion's, it has not happened yet.
        const asOf = UpdateCycle.dayOf(new Date(asOfMs))
        const status = UpdateCycle.statusOf(completion, cycle, asOf)
        if (asOf < day) expect(status).toBe(asOf <= cycle.deadline ? "pending" : "late")
      }),
      { numRuns: 300 }
    )
  })

  it("M18.1 a report as of any day counts a completion only from its day, and nobody is late before the deadline", () => {
    const cycle = UpdateCycle.make(2026, "annual")
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 200 }),
        (offsets, asOfOffset) => {
          const base = Date.parse("2027-01-01T00:00:00+08:00")
          const dayAt = (n: number) => UpdateCycle.dayOf(new Date(base + n * 86_400_000))
          const standings = offsets.map((o, i) => ({
            unit: unit(`u${i}`, "school", `/p/u${i}/`),
            createdOn: "2017-03-31",
            completion:
              o === undefined
                ? undefined
                : {
                    cycle: cycle.id,
                    unitId: `u${i}` as Unit.UnitId,
                    at: new Date(base + o * 86_400_000).toISOString(),
                    day: dayAt(o),
                    by: "x"
                  }
          }))
          const asOf = dayAt(asOfOffset)
          const report = UpdateCycle.report(standings, cycle, asOf)
          expect(report.lines).toHaveLength(standings.length)
          for (const [i, line] of report.lines.entries()) {
            const c = standings[i]!.completion
            const done = c !== undefined && c.day <= asOf
            expect(line.status === "completed" || line.status === "completedLate").toBe(done)
            if (asOf <= cycle.deadline) expect(line.status).not.toBe("late")
            if (line.status === "late") expect(asOf > cycle.deadline && !done).toBe(true)
          }
          const { completed, completedLate, pending, late } = report.counts
          expect(completed + completedLate + pending + late).toBe(standings.length)
        }
      )
    )
  })

  it("M18.1 departments, units created after the deadline and units closed on or before it owe nothing", () => {
    const cycle = UpdateCycle.make(2026, "annual")
    const owes = (u: Unit.Unit, createdOn = "2017-03-31") => UpdateCycle.owes({ unit: u, createdOn }, cycle)
    expect(owes(unit("s1", "school", "/p/s1/"))).toBe(true)
    expect(owes(unit("d1", "department", "/p/s1/d1/"))).toBe(false)
    expect(owes(unit("s2", "school", "/p/s2/"), "2027-04-01")).toBe(false)
    expect(owes(unit("s3", "school", "/p/s3/", "closed", "2027-03-31"))).toBe(false)
    expect(owes(unit("s4", "school", "/p/s4/", "closed", "2027-04-01"))).toBe(true)
    expect(owes(unit("c1", "county", "/p/c1/"))).toBe(true)
  })

  it("M18.1 a unit's own info admin records its completion once the period ended; a bureau's waits for the units below", () => {
    const cycle = UpdateCycle.make(2026, "annual")
    const ok = UpdateCycle.decideComplete(actorOf(school), school, cycle, [], contextAt("2027-02-01T02:00:00Z"))
    expect(Either.getOrThrow(ok)).toMatchObject({ cycle: "2026-annual", unitId: "s1", day: "2027-02-01" })
    const rule = (e: Either.Either<unknown, { readonly rule: string; readonly kind: string }>) =>
      Either.match(e, { onLeft: (r) => [r.kind, r.rule], onRight: () => "ok" })
    // Before the period ended (31 December, Beijing): 2026-12-31T16:30Z is already 2027-01-01 there.
    expect(
      rule(UpdateCycle.decideComplete(actorOf(school), school, cycle, [], contextAt("2026-12-31T15:30:00Z")))
    ).toEqual(["invalid", "M18.1"])
    expect(
      rule(UpdateCycle.decideComplete(actorOf(school), school, cycle, [], contextAt("2026-12-31T16:30:00Z")))
    ).toBe("ok")
    // The bureau records its school's completion: refused (M18.1); a query-er too.
    expect(
      rule(UpdateCycle.decideComplete(actorOf(county), school, cycle, [], contextAt("2027-02-01T02:00:00Z")))
    ).toEqual(["forbidden", "M18.1"])
    expect(
      rule(
        UpdateCycle.decideComplete(actorOf(school, "infoQueryer"), school, cycle, [], contextAt("2027-02-01T02:00:00Z"))
      )
    ).toEqual(["forbidden", "M13.4"])
    expect(
      rule(UpdateCycle.decideComplete(actorOf(county), county, cycle, ["s2"], contextAt("2027-02-01T02:00:00Z")))
    ).toEqual(["invalid", "M18.1"])
    expect(
      rule(UpdateCycle.decideComplete(actorOf(county), county, cycle, [], contextAt("2027-02-01T02:00:00Z")))
    ).toBe("ok")
  })

  it("M18.1 the current cycle is the one with the nearest deadline whose period has ended", () => {
    expect(UpdateCycle.current("2027-02-01").id).toBe("2026-annual")
    expect(UpdateCycle.current("2027-04-01").id).toBe("2027-h1")
    expect(UpdateCycle.current("2027-07-01").id).toBe("2027-h1")
    expect(UpdateCycle.current("2027-10-01").id).toBe("2027-annual")
    expect(UpdateCycle.lastDue("2027-04-01").id).toBe("2026-annual")
    expect(UpdateCycle.lastDue("2027-10-01").id).toBe("2027-h1")
    expect(UpdateCycle.lastDue("2027-03-31").id).toBe("2026-h1")
  })
})
