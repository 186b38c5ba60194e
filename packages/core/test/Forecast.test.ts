import { Forecast } from "@tmis/core"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const day = (from: number, to: number) =>
  fc
    .integer({ min: Date.UTC(from, 0, 1) / 86_400_000, max: Date.UTC(to, 11, 31) / 86_400_000 })
    .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10))

const group = fc.constantFrom(...Forecast.Group.literals)

const person: fc.Arbitrary<Forecast.Person> = fc.record({
  region: fc.constantFrom("110101", "110102", "110105"),
  level: fc.constantFrom("primary", "juniorSecondary", "seniorSecondary"),
  subject: fc.constantFrom("语文", "数学", "英语"),
  birthDate: day(1955, 2000),
  sex: fc.constantFrom("male" as const, "female" as const),
  category: fc.constantFrom("cadre" as const, "worker" as const)
})

const months = (ym: string) => Number(ym.slice(0, 4)) * 12 + Number(ym.slice(5, 7)) - 1

describe("Forecast", () => {
  it("O8.1 the retirement month is monotone in the birth date, for every group", () => {
    fc.assert(
      fc.property(group, day(1950, 2005), day(1950, 2005), (g, a, b) => {
        const [early, late] = a <= b ? [a, b] : [b, a]
        expect(
          Forecast.retirementMonth(Forecast.statutory, g, early) <=
            Forecast.retirementMonth(Forecast.statutory, g, late)
        ).toBe(true)
      })
    )
  })

  it("O8.1 the statutory schedules start in January 2025 and end at 63, 58 and 55", () => {
    const age = (g: Forecast.Group, birth: string) => Forecast.retirementAgeMonths(Forecast.statutory[g], birth)
    // Men: 60 until the former retirement month reaches 2025-01; then +1 month every 4 months; 63 from births of 1976-09.
    expect(age("male", "1964-12-31")).toBe(60 * 12)
    expect(Forecast.retirementMonth(Forecast.statutory, "male", "1964-12-15")).toBe("2024-12")
    expect(age("male", "1965-01-01")).toBe(60 * 12 + 1)
    expect(Forecast.retirementMonth(Forecast.statutory, "male", "1965-01-15")).toBe("2025-02")
    expect(age("male", "1965-04-30")).toBe(60 * 12 + 1)
    expect(age("male", "1965-05-01")).toBe(60 * 12 + 2)
    expect(age("male", "1976-08-31")).toBe(63 * 12 - 1)
    expect(age("male", "1976-09-01")).toBe(63 * 12)
    expect(age("male", "1990-01-01")).toBe(63 * 12)
    // Women cadres: 55 → 58, +1 month every 4 months from births of 1970-01; 58 from births of 1981-09.
    expect(age("femaleCadre", "1969-12-31")).toBe(55 * 12)
    expect(age("femaleCadre", "1970-01-01")).toBe(55 * 12 + 1)
    expect(age("femaleCadre", "1981-08-31")).toBe(58 * 12 - 1)
    expect(age("femaleCadre", "1981-09-01")).toBe(58 * 12)
    // Women workers: 50 → 55, +1 month every 2 months from births of 1975-01; 55 from births of 1984-11.
    expect(age("femaleWorker", "1974-12-31")).toBe(50 * 12)
    expect(age("femaleWorker", "1975-01-01")).toBe(50 * 12 + 1)
    expect(age("femaleWorker", "1975-03-01")).toBe(50 * 12 + 2)
    expect(age("femaleWorker", "1984-10-31")).toBe(55 * 12 - 1)
    expect(age("femaleWorker", "1984-11-01")).toBe(55 * 12)
  })

  it("O8.1 women in 工勤技能 posts retire as workers, other women as cadres, men alike", () => {
    expect(Forecast.groupOf({ sex: "female", category: "worker" })).toBe("femaleWorker")
    expect(Forecast.groupOf({ sex: "female", category: "cadre" })).toBe("femaleCadre")
    expect(Forecast.groupOf({ sex: "male", category: "worker" })).toBe("male")
  })

  it("O8.1 the sum over the years is the number of teachers retiring within N years, by row and in total", () => {
    fc.assert(
      fc.property(
        fc.array(person, { maxLength: 60 }),
        day(2024, 2030),
        fc.integer({ min: 1, max: 12 }),
        (people, asOf, n) => {
          const f = Forecast.forecast({ asOf, years: n, people })
          const end = months(asOf) + 12 * n
          const within = people.filter(
            (p) => months(Forecast.retirementMonth(Forecast.statutory, Forecast.groupOf(p), p.birthDate)) < end
          ).length
          expect(f.totalByYear.reduce((a, b) => a + b, 0)).toBe(within)
          expect(f.retirements.reduce((a, r) => a + r.total, 0)).toBe(within)
          expect(f.retirements.reduce((a, r) => a + r.teachers, 0)).toBe(people.length)
          expect(f.years).toHaveLength(n)
          for (const r of f.retirements) expect(r.byYear.reduce((a, b) => a + b, 0)).toBe(r.total)
        }
      )
    )
  })

  it("O8.1 replacement needs: the shortfall grows with the retirements against ⌈students ÷ ratio⌉", () => {
    fc.assert(
      fc.property(fc.array(person, { maxLength: 60 }), fc.integer({ min: 0, max: 2000 }), (people, students) => {
        const f = Forecast.forecast({
          asOf: "2026-09-01",
          years: 10,
          people,
          enrolment: [{ region: "110101", level: "primary", students }]
        })
        const need = f.needs[0]!
        expect(need.required).toBe(Math.ceil(students / 19))
        expect(need.serving).toBe(people.filter((p) => p.region === "110101" && p.level === "primary").length)
        for (let i = 1; i < need.shortfall.length; i++)
          expect(need.shortfall[i]!).toBeGreaterThanOrEqual(need.shortfall[i - 1]!)
        expect(need.remaining.at(-1)).toBeGreaterThanOrEqual(0)
      })
    )
  })

  it("O8.1 an example: the method and its assumptions are printed with the result", () => {
    const f = Forecast.forecast({
      asOf: "2026-09-01",
      years: 3,
      people: [
        {
          region: "110101",
          level: "primary",
          subject: "语文",
          birthDate: "1966-03-10",
          sex: "male",
          category: "cadre"
        },
        {
          region: "110101",
          level: "primary",
          subject: "语文",
          birthDate: "1972-02-01",
          sex: "female",
          category: "cadre"
        },
        {
          region: "110101",
          level: "primary",
          subject: "数学",
          birthDate: "1990-05-05",
          sex: "female",
          category: "cadre"
        },
        { region: "110101", level: "primary", subject: "数学", birthDate: "1960-01-01", sex: "male", category: "cadre" }
      ],
      enrolment: [{ region: "110101", level: "primary", students: 95 }]
    })
    // 1966-03 man: former month 2026-03, k = 14 → +4 months → 2026-07, before 2026-09: overdue, first year.
    // 1972-02 woman cadre: former 2027-02, k = 25 → +7 → 2027-09: the second year (2027-09 … 2028-09).
    expect(f.overdue).toBe(2)
    expect(f.totalByYear).toEqual([2, 1, 0])
    expect(f.needs[0]).toMatchObject({ required: 5, serving: 4, remaining: [2, 1, 1], shortfall: [3, 4, 4] })
    expect(f.method.zh.join("")).toContain("每4个月延迟1个月")
    expect(f.method.zh.join("")).toContain("渐进式延迟法定退休年龄")
    expect(f.method.en).toHaveLength(5)
  })
})
