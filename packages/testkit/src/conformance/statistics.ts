/**
 * The statistics area of the storage conformance suite (M28.1, O10.1): the aggregates kept in the transaction of
 * every change equal a full recount after any sequence of onboardings, reviews, status changes, transfers,
 * rotations and imports, the forecast's cohorts included, and the forecast from the cohort counters equals the one
 * from the e-files (O8.1); a query reads only the actor's subtree, crosses two dimensions and suppresses small cells;
 * today's figures from the aggregates equal the recount's.
 *
 * @since 0.1.0
 */
import {
  Accounts,
  Aggregates,
  Analytics,
  type Authorization,
  BatchImport,
  Day,
  EFiles,
  Forecast,
  IdentityNumber,
  Report,
  Reports,
  type Settings,
  type StatisticsQuery,
  type Storage,
  Units
} from "@tmis/core"
import { Effect } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import { addDays, basicInfo, getEFile, type Harness, hire, hubei, storage, withDatabase } from "./fixtures.js"
import {
  act,
  confirm,
  initiateRotation,
  initiateTransfer,
  numRunsOf,
  rotationRequest,
  setupWorkflows,
  transferRequest
} from "./processes.js"
import { type AreaConformance, area, expectIntact, refusal, type Suite } from "./support.js"

const admins: Record<string, string> = { s1: "ia-s1", s2: "ia-s2", s3: "ia-s3" }

/** The basic information of the i-th teacher: a valid identity number agreeing with the birth year and sex. */
const person = (i: number, year: number, male: boolean) => {
  const sequence = String(100 + 2 * i + (male ? 1 : 0)).padStart(3, "0")
  const first17 = `420102${year}0307${sequence}`
  return basicInfo({
    idNumber: first17 + IdentityNumber.checkCharacter(first17),
    birthDate: `${year}-03-07`,
    sex: male ? "1" : "2"
  })
}

const asActor = <A, E>(
  h: Harness,
  by: string,
  f: (a: Authorization.Actor) => Effect.Effect<A, E, Storage.Storage | Settings.Settings>
) => h.result(Effect.flatMap(Accounts.actorOf(by), f))

/** Confirm a process through its parties in order, from version 1. */
const confirmThrough = async (h: Harness, id: string, parties: ReadonlyArray<string>) => {
  for (const [i, by] of parties.entries()) {
    if (refusal(await act(h, by, id, confirm, i + 1)) !== "ok") return
  }
}

/** The province's forecast from its cohort counters and from its e-files (O8.1), with the teachers left out. */
const forecastsOf = (h: Harness) =>
  h.run(
    Effect.gen(function* () {
      const unit = (yield* Units.load("hubei")).value
      const of = ({ people, missing }: { people: ReadonlyArray<Forecast.Person>; missing: number }) => ({
        missing,
        forecast: Forecast.forecast({ asOf: "2026-09-01", years: 8, people })
      })
      return [of(yield* Reports.people(unit)), of(yield* Reports.peopleFromEFiles(unit))]
    })
  )

/** Periods a report may ask for: this year to today, and one that ends with the retirements of the steps. */
const periods = () => {
  const today = Day.of(new Date())
  return [
    { from: `${today.slice(0, 4)}-01-01`, to: today },
    { from: "2025-06-01", to: "2026-01-01" },
    { from: today, to: today }
  ]
}

/** Each period's changes of the province and of a county (M29.1), as the report reads them and from every e-file. */
const changesOf = (h: Harness) =>
  h.run(
    Effect.gen(function* () {
      const read = []
      for (const id of ["hubei", "jiangan"]) {
        const unit = (yield* Units.load(id)).value
        for (const period of periods()) {
          read.push([yield* Reports.changes(unit, period), yield* Reports.changesFromEFiles(unit, period)])
        }
      }
      return read
    })
  )

/** The kept counters of the province and its recount. */
const keptAndRecounted = async (h: Harness) => {
  const kept = await h.run(Effect.flatMap(storage, (s) => s.statistics.all("/hubei/")))
  const recounted = await h.run(Aggregates.recount("/hubei/"))
  return [Object.fromEntries([...kept].sort()), Object.fromEntries([...recounted].sort())]
}

type Step =
  | { readonly _tag: "onboard"; readonly school: string; readonly year: number; readonly male: boolean }
  | { readonly _tag: "import"; readonly count: number; readonly year: number; readonly male: boolean }
  | { readonly _tag: "education"; readonly teacher: number; readonly code: string }
  | { readonly _tag: "submitBasic"; readonly teacher: number }
  | { readonly _tag: "worker"; readonly teacher: number }
  | { readonly _tag: "retire"; readonly teacher: number }
  | { readonly _tag: "transfer"; readonly teacher: number }
  | { readonly _tag: "rotation"; readonly teacher: number; readonly relation: boolean }

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    _tag: fc.constant("onboard" as const),
    school: fc.constantFrom("s1", "s2", "s3"),
    year: fc.integer({ min: 1960, max: 1994 }),
    male: fc.boolean()
  }),
  fc.record({
    _tag: fc.constant("import" as const),
    count: fc.integer({ min: 1, max: 3 }),
    year: fc.integer({ min: 1960, max: 1994 }),
    male: fc.boolean()
  }),
  fc.record({
    _tag: fc.constant("education" as const),
    teacher: fc.nat(20),
    code: fc.constantFrom("14", "21", "31", "61")
  }),
  fc.record({ _tag: fc.constant("submitBasic" as const), teacher: fc.nat(20) }),
  fc.record({ _tag: fc.constant("worker" as const), teacher: fc.nat(20) }),
  fc.record({ _tag: fc.constant("retire" as const), teacher: fc.nat(20) }),
  fc.record({ _tag: fc.constant("transfer" as const), teacher: fc.nat(20) }),
  fc.record({ _tag: fc.constant("rotation" as const), teacher: fc.nat(20), relation: fc.boolean() })
)

/** Run a step; refusals (a teacher who left, one already moving) are part of the sequence, not failures. */
const runStep = async (h: Harness, step: Step, state: { n: number; teachers: Array<string>; seq: number }) => {
  const teacher = async (i: number) => {
    const id = state.teachers[i % Math.max(1, state.teachers.length)]
    if (id === undefined) return undefined
    const efile = await getEFile(h, id)
    return efile === undefined ? undefined : { id, efile }
  }
  const seq = ++state.seq
  switch (step._tag) {
    case "onboard": {
      const id = `t${state.n}`
      const result = await asActor(h, admins[step.school]!, (a) =>
        EFiles.onboard(a, hire(id, step.school, person(state.n++, step.year, step.male)))
      )
      if (result.ok) state.teachers.push(id)
      return
    }
    case "import": {
      const rows = Array.from({ length: step.count }, (_, k) => ({
        line: k + 2,
        record: person(state.n + k, step.year, step.male)
      }))
      state.n += step.count
      const result = await asActor(h, "ia-s1", (a) =>
        BatchImport.run(a, rows, { batchId: `b${seq}`, unitId: "s1", chunkSize: 2 })
      )
      if (result.ok) {
        // The ids the import gave: read them back from the store.
        const all = await h.run(Effect.flatMap(storage, (s) => s.teachers.subtree("/hubei/", { limit: 1000 })))
        state.teachers = [...new Set([...state.teachers, ...all.items.map((e) => e.id)])]
      }
      return
    }
    case "education": {
      const t = await teacher(step.teacher)
      if (t === undefined) return
      const by = admins[t.efile.value.unitId] ?? "ia-s1"
      const entryId = `${t.id}-study-${seq}`
      const added = await asActor(h, by, (a) =>
        EFiles.addEntry(a, { teacherId: t.id, entryId, group: "studyHistory", data: { educationObtained: step.code } })
      )
      if (added.ok) await asActor(h, by, (a) => EFiles.review(a, entryId, { type: "submit" }, 1))
      return
    }
    case "submitBasic": {
      // The basic information of an onboarding is a draft: submitted, its birth date and sex reach the forecast.
      const t = await teacher(step.teacher)
      if (t === undefined) return
      await asActor(h, admins[t.efile.value.unitId] ?? "ia-s1", (a) =>
        EFiles.review(a, `${t.id}-basic`, { type: "submit" }, 1)
      )
      return
    }
    case "worker": {
      // A 工勤技能岗位 appointment: a woman there retires under the workers' rules.
      const t = await teacher(step.teacher)
      if (t === undefined) return
      const by = admins[t.efile.value.unitId] ?? "ia-s1"
      const entryId = `${t.id}-post-${seq}`
      const added = await asActor(h, by, (a) =>
        EFiles.addEntry(a, {
          teacherId: t.id,
          entryId,
          group: "postAppointment",
          data: { postCategory: "4", startMonth: "2020-01" }
        })
      )
      if (added.ok) await asActor(h, by, (a) => EFiles.review(a, entryId, { type: "submit" }, 1))
      return
    }
    case "retire": {
      const t = await teacher(step.teacher)
      if (t === undefined) return
      await asActor(h, admins[t.efile.value.unitId] ?? "ia-s1", (a) =>
        EFiles.recordStatus(a, t.id, { status: "retired", effective: "2026-01-01" }, t.efile.version)
      )
      return
    }
    case "transfer": {
      const t = await teacher(step.teacher)
      if (t === undefined || t.efile.value.unitId !== "s1") return
      const id = `tr${seq}`
      if (refusal(await initiateTransfer(h, "ia-s3", transferRequest(id, "s3", { teacherId: t.id }))) !== "ok") return
      await confirmThrough(h, id, ["ia-hanyang", "ia-s1", "ia-jiangan"])
      return
    }
    case "rotation": {
      const t = await teacher(step.teacher)
      if (t === undefined || t.efile.value.unitId !== "s1") return
      const id = `ro${seq}`
      const request = { ...rotationRequest(id, "s3", step.relation), teacherId: t.id }
      if (refusal(await initiateRotation(h, "ia-s1", request)) !== "ok") return
      await confirmThrough(h, id, step.relation ? ["ia-jiangan", "ia-s3", "ia-hanyang"] : ["ia-jiangan"])
      return
    }
  }
}

const aggregatesEqualRecount = ({ makeDatabase, options, timeout }: Suite): void => {
  it("M28.1 O8.1 property: after any sequence of onboardings, imports, reviews, status changes, transfers and rotations, the aggregates kept in each change's transaction (the forecast's cohorts included) equal a full recount, the forecast from the cohort counters equals the one from the e-files, and the report's changes read without every e-file equal those from every e-file", {
    timeout: timeout * 3
  }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 14 }), (steps) =>
        withDatabase(makeDatabase, hubei, async (h) => {
          await setupWorkflows(h)
          const state = { n: 1, teachers: ["t1"], seq: 0 }
          for (const step of steps) await runStep(h, step, state)
          const [kept, recounted] = await keptAndRecounted(h)
          expect(kept).toEqual(recounted)
          const [fromCounters, fromEFiles] = await forecastsOf(h)
          expect(fromCounters).toEqual(fromEFiles)
          for (const [read, fromEFiles] of await changesOf(h)) expect(read).toEqual(fromEFiles)
        })
      ),
      { numRuns: numRunsOf(options, 6) }
    )
  })
}

const query = (h: Harness, by: string, q: StatisticsQuery.Query) =>
  h.result(Effect.flatMap(Accounts.actorOf(by), (a) => Analytics.run(a, q)))

const scopeAndSuppression = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M28.1 a county reads its subtree only, crosses two dimensions, and small cells are suppressed with a complementary cell; the aggregates and the recount agree",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupWorkflows(h)
        // s1: t1 and 6 more women, 2 men; s3 (another county): 3 men.
        for (let i = 1; i <= 6; i++)
          await h.run(
            Effect.flatMap(Accounts.actorOf("ia-s1"), (a) =>
              EFiles.onboard(a, hire(`w${i}`, "s1", person(i, 1980, false)))
            )
          )
        for (let i = 7; i <= 8; i++)
          await h.run(
            Effect.flatMap(Accounts.actorOf("ia-s1"), (a) =>
              EFiles.onboard(a, hire(`m${i}`, "s1", person(i, 1985, true)))
            )
          )
        for (let i = 9; i <= 11; i++)
          await h.run(
            Effect.flatMap(Accounts.actorOf("ia-s3"), (a) =>
              EFiles.onboard(a, hire(`m${i}`, "s3", person(i, 1970, true)))
            )
          )
        const county = await query(h, "ia-jiangan", { unitId: "jiangan", rows: "gender" })
        expect(county.ok).toBe(true)
        if (!county.ok) return
        expect(county.value.source).toBe("aggregates")
        expect(county.value.rows.values).toEqual([
          { value: "1", label: "男" },
          { value: "2", label: "女" }
        ])
        // 2 men are suppressed; the 7 women too (complementary), or 9 − shown would give the men back.
        expect(county.value.cells.map((c) => [c.row, c.count, c.suppressed])).toEqual([
          ["1", null, true],
          ["2", null, true]
        ])
        expect(county.value.total).toMatchObject({ count: 9, suppressed: false })
        expect(county.value.suppression).toEqual({ threshold: 5, primary: 1, complementary: 1 })
        // The county does not read the province, nor another county; the province reads both.
        expect(refusal(await query(h, "ia-jiangan", { unitId: "hubei" }))[0]).toBe("forbidden")
        expect(refusal(await query(h, "ia-jiangan", { unitId: "hanyang" }))[0]).toBe("forbidden")
        const province = await query(h, "ia-root", { unitId: "hubei", rows: "gender", columns: "ageBand" })
        expect(province.ok && province.value.total.count).toBe(12)
        // Today's figures from the aggregates equal the recount's (leavers counted: none left).
        const recount = await query(h, "ia-root", {
          unitId: "hubei",
          rows: "gender",
          columns: "ageBand",
          population: "all"
        })
        expect(recount.ok && recount.value.source).toBe("recount")
        if (province.ok && recount.ok) {
          expect(recount.value.cells).toEqual(province.value.cells)
          expect(recount.value.rowTotals).toEqual(province.value.rowTotals)
        }
        // A filter: the women of the county, by age band — one cell of 7 shown.
        const women = await query(h, "ia-jiangan", {
          unitId: "jiangan",
          rows: "ageBand",
          filters: [{ dimension: "gender", values: ["2"] }]
        })
        expect(women.ok && women.value.total.count).toBe(7)
        await expectIntact(h)
      })
  )
}

const periodReads = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M29.1 the store counts the e-files of a subtree created in a period, and pages through those that ever held a leaving status",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupWorkflows(h)
        for (const [i, school] of ["s1", "s1", "s3"].entries()) {
          await asActor(h, admins[school]!, (a) => EFiles.onboard(a, hire(`p${i}`, school, person(i + 1, 1970, true))))
        }
        for (const id of ["p0", "p1"]) {
          const efile = await getEFile(h, id)
          if (efile === undefined) throw new Error(`${id} was not onboarded`)
          await asActor(h, "ia-s1", (a) =>
            EFiles.recordStatus(a, id, { status: "retired", effective: "2026-01-01" }, efile.version)
          )
        }
        // p1 serves again after retiring: its history still holds the retirement.
        const again = await getEFile(h, "p1")
        await asActor(h, "ia-s1", (a) =>
          EFiles.recordStatus(a, "p1", { status: "serving", effective: "2026-02-01" }, again!.version)
        )
        const today = Day.of(new Date())
        const read = await h.run(
          Effect.gen(function* () {
            const s = yield* storage
            const out = []
            for (const path of ["/hubei/", "/hubei/wuhan/jiangan/", "/hubei/wuhan/hanyang/s3/"]) {
              const all = (yield* s.teachers.subtree(path, { limit: 1000 })).items
              for (const [from, before] of [
                ["2000-01-01", "9999-12-31"],
                [today, addDays(today, 1)],
                [addDays(today, 1), addDays(today, 2)]
              ] as const) {
                const expected = all.filter((e) => e.createdAt >= from && e.createdAt < before).length
                out.push([yield* s.teachers.countCreated(path, from, before), expected])
              }
              // The report's own list last: the stores index the e-files that ever held one of those (M29.1).
              for (const statuses of [
                ["retired"],
                ["resigned", "deceased"],
                ["serving"],
                Report.leavingStatuses
              ] as const) {
                const found: Array<string> = []
                let after: string | undefined
                do {
                  const page = yield* s.teachers.everOfStatus(path, statuses, { after, limit: 1 })
                  found.push(...page.items.map((e) => e.id))
                  after = page.next
                } while (after !== undefined)
                const expected = all.filter((e) =>
                  e.statusHistory.some((r) => (statuses as ReadonlyArray<string>).includes(r.status))
                )
                out.push([found, expected.map((e) => e.id)])
              }
            }
            return out
          })
        )
        for (const [got, expected] of read) expect(got).toEqual(expected)
        // Not vacuous: the province counts today's onboardings, and its retirees are p0 and p1.
        expect(read[1]![0]).toBeGreaterThanOrEqual(3)
        expect(read[3]![0]).toEqual(["p0", "p1"])
        expect(read[6]![0]).toEqual(expect.arrayContaining(["p0", "p1"]))
      })
  )
}

const concurrentOnboardings = ({ makeDatabase, timeout, attempts: asked, races }: Suite): void => {
  // Every onboarding adds to the counters of the province and the city: the writers contend on those rows (on
  // Postgres a loser is re-run), so the race is kept to at most 8 writers.
  const attempts = Math.min(asked, 8)
  it(
    `M28.1 ${attempts} concurrent onboardings at two schools (new counters created at once, shared ones added to): every one commits and the counters equal a full recount`,
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupWorkflows(h)
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: Array.from({ length: attempts }, (_, i) => ({
            _tag: "Onboard" as const,
            actorId: i % 2 === 0 ? "ia-s1" : "ia-s2",
            hire: hire(`c${i}`, i % 2 === 0 ? "s1" : "s2", person(i + 1, 1960 + (i % 30), i % 3 === 0))
          }))
        }
        const outcomes = await races.run(h.database, race)
        expect(outcomes.map((o) => o._tag)).toEqual(Array.from({ length: attempts }, () => "Success"))
        const [kept, recounted] = await keptAndRecounted(h)
        expect(kept).toEqual(recounted)
        const total = await query(h, "ia-jiangan", { unitId: "jiangan" })
        expect(total.ok && total.value.total.count).toBe(attempts + 1)
        await expectIntact(h)
      })
  )
}

/**
 * @since 0.1.0
 */
export const statisticsConformance: AreaConformance = area("statistics", [
  scopeAndSuppression,
  aggregatesEqualRecount,
  periodReads,
  concurrentOnboardings
])
