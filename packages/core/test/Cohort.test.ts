import {
  EFile,
  EmploymentStatus,
  Forecast,
  Review,
  SchoolType,
  StatisticsAggregate,
  StatisticsCohort,
  StatisticsProfile,
  type Unit
} from "@tmis/core"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

type Chain = ReadonlyArray<Pick<Unit.Unit, "kind" | "code" | "school">>

const division = (kind: "province" | "city" | "county", code: string) => ({ kind, code, school: undefined })

const school = (code: string, schoolType: string) => ({
  kind: "school" as const,
  code,
  school: { schoolType, sponsor: "1", centralMinistry: false, affiliatedTo: undefined }
})

/** The units above three schools: two counties of a city and one school directly under the province. */
const chains: Readonly<Record<string, Chain>> = {
  "/hubei/wuhan/jiangan/s1/": [
    division("province", "420000"),
    division("city", "420100"),
    division("county", "420102"),
    school("s1", "211")
  ],
  "/hubei/wuhan/hanyang/s2/": [
    division("province", "420000"),
    division("city", "420100"),
    division("county", "420105"),
    school("s2", "311")
  ],
  "/hubei/s3/": [division("province", "420000"), school("s3", "342")]
}

const month = (from: number, to: number) =>
  fc
    .tuple(fc.integer({ min: from, max: to }), fc.integer({ min: 1, max: 12 }))
    .map(([y, m]) => `${y}-${String(m).padStart(2, "0")}`)

const day = (from: number, to: number) =>
  fc.tuple(month(from, to), fc.integer({ min: 1, max: 28 })).map(([m, d]) => `${m}-${String(d).padStart(2, "0")}`)

const state = fc.constantFrom(...Review.State.literals)

/** An entry as the profile and the forecast read it: group, data and review state. */
const entry = (group: string, data: fc.Arbitrary<Record<string, string>>) =>
  fc.record({ group: fc.constant(group), data, review: fc.record({ state }) })

const basicInfo = entry(
  "basicInfo",
  fc.record(
    {
      birthDate: fc.oneof(day(1955, 2004), fc.constantFrom("", "1980", "1980-13-01", "unknown")),
      sex: fc.constantFrom("1", "2", "", "9"),
      staffCategory: fc.constantFrom("11", "14")
    },
    { requiredKeys: [] }
  )
)

const postAppointment = entry(
  "postAppointment",
  fc.record(
    { postCategory: fc.constantFrom("1", "2", "4"), startMonth: month(2000, 2024), endMonth: month(2010, 2024) },
    { requiredKeys: ["postCategory"] }
  )
)

const teaching = entry(
  "teaching",
  fc.record({
    subject: fc.constantFrom("01", "02", "03", "12"),
    schoolYear: fc.constantFrom("2023", "2024"),
    term: fc.constantFrom("1", "2")
  })
)

const teacher = fc.record({
  unit: fc.constantFrom(...Object.keys(chains)),
  stage: fc.constantFrom(...SchoolType.Stage.literals),
  status: fc.constantFrom(...EmploymentStatus.Status.literals),
  entries: fc
    .tuple(
      fc.array(basicInfo, { maxLength: 2 }),
      fc.array(postAppointment, { maxLength: 3 }),
      fc.array(teaching, { maxLength: 2 })
    )
    .map(([b, p, t]) => [...b, ...p, ...t])
})

const schedule = fc
  .record({
    fromYears: fc.integer({ min: 45, max: 65 }),
    extra: fc.integer({ min: 0, max: 5 }),
    startMonth: month(2020, 2030),
    everyMonths: fc.integer({ min: 1, max: 6 })
  })
  .map(({ extra, ...s }) => ({ ...s, toYears: s.fromYears + extra }))

const rules = fc.oneof(
  fc.constant(Forecast.statutory),
  fc.record({ male: schedule, femaleCadre: schedule, femaleWorker: schedule, source: fc.constant("rules") })
)

describe("Cohort", () => {
  it("O8.1 property: the forecast from the cohort counters of a unit equals the forecast from its serving teachers' e-files, and so does the count of those without a birth date or sex", () => {
    fc.assert(
      fc.property(
        fc.array(teacher, { maxLength: 40 }),
        fc.constantFrom("/hubei/", "/hubei/wuhan/", "/hubei/wuhan/jiangan/", "/hubei/s3/"),
        day(2023, 2040),
        fc.integer({ min: 0, max: 10 }),
        rules,
        (teachers, node, asOf, years, rules) => {
          const enrolment = [
            { region: "420102", level: "primary", students: 400 },
            { region: "420000", level: "seniorSecondary", students: 900 }
          ]
          const profileOf = (t: (typeof teachers)[number]) => StatisticsProfile.of(t, t.entries, chains[t.unit]!)
          // As the forecast read them before the counters: every serving e-file of the subtree, one person each.
          const serving = teachers.filter((t) => EFile.isActive(t) && t.unit.startsWith(node))
          const persons = serving.map((t) => StatisticsCohort.personOf(profileOf(t), t.entries))
          const fromEFiles = Forecast.forecast({
            asOf,
            years,
            rules,
            enrolment,
            people: persons.filter((p) => p !== undefined)
          })
          // As it reads them now: each active e-file's contribution counted at every unit above it, the unit's
          // cohort counters read back.
          const contributions = teachers.filter(EFile.isActive).map((t, i) => {
            const profile = profileOf(t)
            const cohort = StatisticsCohort.keyOf(StatisticsCohort.personOf(profile, t.entries))
            return { path: `${t.unit}t${i}`, profile, cohort }
          })
          const counters = [...StatisticsAggregate.recount(contributions)]
            .map(([key, count]) => ({ key: key.split("\u0000"), count }))
            .filter(({ key }) => key[0] === node && key[1] === StatisticsAggregate.cohortDims)
          const cohorts = counters.map(({ key, count }) => StatisticsCohort.fromKey(key[2]!, count))
          const fromCounters = Forecast.forecast({
            asOf,
            years,
            rules,
            enrolment,
            people: cohorts.filter((c) => c !== undefined)
          })
          expect(fromCounters).toEqual(fromEFiles)
          const missing = counters.filter((_, i) => cohorts[i] === undefined).reduce((n, c) => n + c.count, 0)
          expect(missing).toBe(persons.filter((p) => p === undefined).length)
          // Every serving teacher of the subtree is in exactly one of the unit's cohort counters.
          expect(counters.reduce((n, c) => n + c.count, 0)).toBe(serving.length)
        }
      ),
      { numRuns: 300 }
    )
  })

  it("O8.1 a cohort's key keeps the birth month, sex, category, region, stage and subject; a teacher without a birth date or sex is unknown", () => {
    const person: Forecast.Person = {
      region: "420102",
      level: "primary",
      subject: "01",
      birthDate: "1966-07-15",
      sex: "female",
      category: "worker"
    }
    const key = StatisticsCohort.keyOf(person)
    expect(key).toBe("1966-07|female|worker|420102|primary|01")
    expect(StatisticsCohort.fromKey(key, 3)).toEqual({ ...person, birthDate: "1966-07", count: 3 })
    expect(StatisticsCohort.keyOf(undefined)).toBe(StatisticsProfile.unknown)
    expect(StatisticsCohort.fromKey(StatisticsProfile.unknown, 2)).toBeUndefined()
    // A free-text subject may hold the separator: it is the rest of the key.
    const barred = { ...person, subject: "语文|阅读" }
    expect(StatisticsCohort.fromKey(StatisticsCohort.keyOf(barred), 1)).toEqual({
      ...barred,
      birthDate: "1966-07",
      count: 1
    })
    // A key keyOf never writes is no cohort.
    expect(StatisticsCohort.fromKey("1966-07|female|worker|420102", 1)).toBeUndefined()
    // The same retirement month from the birth month as from the birth date (the gradual raise: 2025-01 on).
    for (const group of Forecast.Group.literals) {
      expect(Forecast.retirementMonth(Forecast.statutory, group, "1966-07")).toBe(
        Forecast.retirementMonth(Forecast.statutory, group, person.birthDate)
      )
    }
  })
})
