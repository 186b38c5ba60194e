import { type Authorization, SpotCheck, type Unit } from "@tmis/core"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const ref = (id: string, kind: Unit.Kind, path: string): Authorization.UnitRef => ({
  id: id as Unit.UnitId,
  kind,
  path
})
const actorOf = (unit: Authorization.UnitRef, role: Authorization.Actor["role"] = "infoAdmin"): Authorization.Actor =>
  ({
    accountId: `${role}-${unit.id}`,
    role,
    status: "active",
    unit,
    identityNumber: "11010519491231002X",
    certificate: undefined,
    presentedCertificate: undefined
  }) as Authorization.Actor

const county = ref("jiangan", "county", "/hubei/wuhan/jiangan/")
const school = ref("s1", "school", "/hubei/wuhan/jiangan/s1/")
const context: Authorization.Context = { requireCertificateFor: [], now: new Date("2027-05-10T02:00:00Z") }
const ids = fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), { maxLength: 200 })

describe("SpotCheck", () => {
  it("M17.2 the same seed and the same population give the same sample, whatever order the population comes in", () => {
    fc.assert(
      fc.property(ids, fc.nat(250), fc.string({ minLength: 1 }), (population, size, seed) => {
        const a = SpotCheck.sample(population, size, seed)
        const b = SpotCheck.sample([...population].reverse(), size, seed)
        expect(b).toEqual(a)
      })
    )
  })

  it("M17.2 a sample holds only ids of the population, each once, as many as asked (or all there are)", () => {
    fc.assert(
      fc.property(ids, fc.nat(250), fc.string({ minLength: 1 }), (population, size, seed) => {
        const drawn = SpotCheck.sample(population, size, seed)
        expect(drawn).toHaveLength(Math.min(size, population.length))
        expect(new Set(drawn).size).toBe(drawn.length)
        for (const id of drawn) expect(population).toContain(id)
      })
    )
  })

  it("M17.2 the draw is pinned: a recorded seed redraws the recorded sample on any machine", () => {
    const population = Array.from({ length: 50 }, (_, i) => `t${String(i).padStart(3, "0")}`)
    expect(SpotCheck.sample(population, 5, "2027-jiangan-1")).toEqual(SpotCheck.sample(population, 5, "2027-jiangan-1"))
    expect(SpotCheck.cyrb128("tmis")).toEqual(SpotCheck.cyrb128("tmis"))
    const next = SpotCheck.sfc32([1, 2, 3, 4])
    // The reference sfc32 (bryc) gives 7, 34, 56623200 for the seed words 1, 2, 3, 4.
    expect([next(), next(), next()]).toEqual([7, 34, 56623200])
    // Different seeds give different samples (almost surely, at this size).
    expect(SpotCheck.sample(population, 10, "a")).not.toEqual(SpotCheck.sample(population, 10, "b"))
  })

  it("M17.2 a bureau's info admin draws from its subtree's population; findings on sampled e-files only; published once", () => {
    const population = { schools: ["s2", "s1"], teachers: ["t3", "t1", "t2", "t4"] }
    const input = { id: "sc1", seed: "seed-1", schools: 1, teachers: 2 }
    const rule = (e: Either.Either<unknown, { readonly rule: string; readonly kind: string }>) =>
      Either.match(e, { onLeft: (r) => [r.kind, r.rule], onRight: () => "ok" })
    expect(rule(SpotCheck.decideDraw(actorOf(school), school, input, population, context))).toEqual([
      "forbidden",
      "M17.2"
    ])
    expect(
      rule(SpotCheck.decideDraw(actorOf(county), county, { ...input, teachers: -1 }, population, context))
    ).toEqual(["invalid", "M17.2"])
    const check = Either.getOrThrow(SpotCheck.decideDraw(actorOf(county), county, input, population, context))
    expect(check.population).toEqual({ schools: ["s1", "s2"], teachers: ["t1", "t2", "t3", "t4"] })
    expect(check.sample.schools).toHaveLength(1)
    expect(check.sample.teachers).toHaveLength(2)
    expect(SpotCheck.redraw(check)).toBe(true)
    expect(SpotCheck.redraw({ ...check, sample: { ...check.sample, teachers: ["t1", "t9"] } })).toBe(false)
    const [first, second] = check.sample.teachers as [string, string]
    const outside = ["t1", "t2", "t3", "t4"].find((t) => !check.sample.teachers.includes(t))!
    expect(
      rule(
        SpotCheck.decideFinding(check, actorOf(county), { teacherId: outside, result: "accurate", note: "" }, context)
      )
    ).toEqual(["invalid", "M17.2"])
    expect(
      rule(
        SpotCheck.decideFinding(check, actorOf(county), { teacherId: first, result: "discrepancy", note: " " }, context)
      )
    ).toEqual(["invalid", "M17.2"])
    const one = Either.getOrThrow(
      SpotCheck.decideFinding(
        check,
        actorOf(county),
        { teacherId: first, result: "discrepancy", note: "学历与证书不符" },
        context
      )
    )
    expect(rule(SpotCheck.decidePublish(one, actorOf(county), "抽查2人，1人信息有误", context))).toEqual([
      "invalid",
      "M17.2"
    ])
    const two = Either.getOrThrow(
      SpotCheck.decideFinding(one, actorOf(county), { teacherId: second, result: "accurate", note: "" }, context)
    )
    const linked = Either.getOrThrow(SpotCheck.decideLink(two, first, "cr-1"))
    expect(rule(SpotCheck.decideLink(linked, first, "cr-2"))).toEqual(["conflict", "M17.2"])
    expect(rule(SpotCheck.decideLink(linked, second, "cr-2"))).toEqual(["invalid", "M17.2"])
    const published = Either.getOrThrow(
      SpotCheck.decidePublish(linked, actorOf(county), "抽查2人，1人信息有误", context)
    )
    expect(SpotCheck.tally(published)).toEqual({ sampled: 2, checked: 2, accurate: 1, discrepancy: 1 })
    expect(
      rule(
        SpotCheck.decideFinding(
          published,
          actorOf(county),
          { teacherId: second, result: "accurate", note: "" },
          context
        )
      )
    ).toEqual(["invalid", "M17.2"])
    // Published: the subtree reads it; before, only the bureau and above.
    expect(SpotCheck.decideRead(linked, actorOf(school), context)?.rule).toBe("M14.3")
    expect(SpotCheck.decideRead(published, actorOf(school), context)).toBeUndefined()
    expect(
      SpotCheck.decideRead(published, actorOf(ref("s9", "school", "/hubei/wuhan/other/s9/")), context)
    ).toBeDefined()
  })
})
