/**
 * Workforce statistics at a province's scale (M28.1, M29.1): `npm run bench -- statistics [teachers]` (default
 * 1,500,000) builds a synthetic Hubei — its 13 prefectures and 105 counties of the division table, about 30 schools
 * a county (kindergartens, primary, junior, senior and vocational schools; a few under the cities and the province)
 * — fills it with teachers whose basic information, highest education, title, subject and pay vary as a province's
 * do, then times, as the province's info admin, `Analytics.run` (a one-dimension query of the province and a
 * cross-tabulation, 200 rounds each after a warm-up) and the periodic report of the province (`Reports.generate`
 * and its HTML and XLSX renderings; the PDF needs Chromium and is left out). One JSON line per database (SQLite,
 * Postgres): teachers, provinceQueryP99Ms, crossTabP99Ms, reportSeconds. Targets: p99 < 50 ms and < 100 ms, the
 * report < 10 s. `TMIS_BENCH_DB=sqlite` (or `postgres`) runs one database only; the set-up's size, the report's parts
 * (its queries, its forecast) and the medians go to stderr. Up to 300,000 teachers (`TMIS_BENCH_EFILES=1` forces it,
 * `0` skips it) the bench also times the report's changes and forecast read from every e-file, as they were read
 * before the cohort counters, and checks that they equal the report's.
 *
 * The set-up is the bench's own fast path, not an import: a county's e-files and entries are decided by
 * `EFile.decideNew` and `Review.submitNew` as an import decides them, then written through the storage port
 * (`teachers.insertMany`, `entries.insertMany`) with `Aggregates.trackWritten` in one transaction per county. It
 * bypasses the indicator validation (the records of the groups other than basic information hold only the fields the
 * statistics and the forecast read, so they would not all pass it), the per-school info admins
 * (the province's info admin is the creator), the import's bookkeeping (`import_rows`) and its audit records. The
 * aggregates are kept by the same code every writer uses; the bench then checks them against a full recount
 * (`Aggregates.recount`) of one county and against the number of e-files at the province.
 *
 * The country's scale: `npm run bench -- statistics-national` (bench/statisticsNational.ts).
 */
import * as Pg from "@tmis/adapter-postgres"
import * as Sqlite from "@tmis/adapter-sqlite"
import {
  Accounts,
  Aggregates,
  Analytics,
  type Authorization,
  Day,
  Deployment,
  Division,
  EFile,
  Forecast,
  IdentityNumber,
  Report,
  Reports,
  Review,
  Settings,
  Storage,
  Units
} from "@tmis/core"
import { Effect, Either, Layer, Option } from "effect"
import * as ReportRender from "../packages/reference-server/src/ReportRender.js"
import { report } from "./measure.js"
import { withPostgresDatabase, withSqliteFile } from "./synthetic.js"

export const quantile = (times: Array<number>, q: number) => {
  times.sort((a, b) => a - b)
  return Number(times[Math.min(times.length - 1, Math.floor(times.length * q))]!.toFixed(2))
}

/** A number in [0, 1) fixed by the teacher and a salt (a 32-bit integer hash): reproducible variety. */
export const draw = (i: number, salt: number): number => {
  let h = Math.imul(i ^ Math.imul(salt, 0x9e3779b1), 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return (h >>> 0) / 4_294_967_296
}

/** The value whose cumulative weight first exceeds `u`. */
const pick = <A>(u: number, choices: ReadonlyArray<readonly [A, number]>): A => {
  const total = choices.reduce((s, [, w]) => s + w, 0)
  let acc = 0
  for (const [value, weight] of choices) {
    acc += weight / total
    if (u < acc) return value
  }
  return choices[choices.length - 1]![0]
}

const validFrom = "2017-03-31"
const person = { name: "王建国", identityNumber: "11010519491231002X" }

/** School types (GB/T 2260-coded school type, relative size, weight among schools). */
export const schoolTypes = [
  ["111", "幼儿园", 0.4, 18],
  ["211", "小学", 1, 46],
  ["311", "初级中学", 1.8, 22],
  ["342", "高级中学", 3, 9],
  ["365", "职业高中", 2, 5]
] as const

export interface School {
  readonly id: string
  readonly parent: string
  readonly county: string // the division code the teachers' identity numbers are from
  readonly type: (typeof schoolTypes)[number]
  readonly teachers: number
}

/** The synthetic province: its cities and counties from the division table, ~30 schools a county, sizes summing to n. */
const provinceOf = (n: number) => {
  const cities = Division.prefecturesOf("420000")
  const counties = [
    ...cities.flatMap((c) => Division.countiesOf(c.code).map((d) => ({ division: d, parent: `c${c.code}` }))),
    ...Division.countiesOf("420000").map((d) => ({ division: d, parent: "hubei" }))
  ]
  const places: Array<{ parent: string; county: string }> = []
  for (const { division } of counties)
    for (let k = 0; k < 30; k++) places.push({ parent: `x${division.code}`, county: division.code })
  for (const c of cities)
    for (let k = 0; k < 4; k++) places.push({ parent: `c${c.code}`, county: `${c.code.slice(0, 4)}02` })
  for (let k = 0; k < 6; k++) places.push({ parent: "hubei", county: "420102" })
  const weights = places.map((_, i) => {
    const type = pick(
      draw(i, 1),
      schoolTypes.map((t) => [t, t[3]] as const)
    )
    return { type, weight: type[2] * (0.4 + 1.2 * draw(i, 2)) }
  })
  const sum = weights.reduce((s, w) => s + w.weight, 0)
  let given = 0
  const schools: Array<School> = places.map((p, i) => {
    const teachers = i === places.length - 1 ? n - given : Math.floor((n * weights[i]!.weight) / sum)
    given += teachers
    return { id: `s${String(i).padStart(5, "0")}`, ...p, type: weights[i]!.type, teachers }
  })
  return { cities, counties, schools }
}

// A county's k-th teacher: a birth day in 1966–2003 and a sequence, from a permutation of k (unique per county).
const span = 499 * 13_870
const identityOf = (county: string, k: number, female: boolean) => {
  const p = (k * 104_729) % span
  const birth = new Date(Date.UTC(1966, 0, 1) + Math.floor(p / 499) * 86_400_000).toISOString().slice(0, 10)
  const sequence = (p % 499) * 2 + (female ? 2 : 1)
  const first17 = `${county}${birth.replaceAll("-", "")}${String(sequence).padStart(3, "0")}`
  return { number: first17 + IdentityNumber.checkCharacter(first17), birth }
}

const nameOf = (i: number): string => `教师${[...String(i)].map((d) => "零一二三四五六七八九"[Number(d)]).join("")}`

const subjectsByStage: Record<string, ReadonlyArray<readonly [string, number]>> = {
  "211": [
    ["13", 35],
    ["14", 30],
    ["41", 10],
    ["22", 8],
    ["24", 6],
    ["25", 6],
    ["61", 5]
  ],
  "311": [
    ["13", 17],
    ["14", 17],
    ["41", 15],
    ["16", 8],
    ["17", 6],
    ["18", 7],
    ["20", 6],
    ["21", 7],
    ["22", 7],
    ["24", 3],
    ["25", 3],
    ["61", 4]
  ]
}
subjectsByStage["342"] = subjectsByStage["311"]!
subjectsByStage["365"] = [...subjectsByStage["311"]!.slice(0, 3), ["61", 30]]

/** The records of the i-th teacher (the county's k-th) at a school: basic information and four other groups. */
export const recordsOf = (i: number, k: number, school: School) => {
  const female = draw(i, 3) < (school.type[0] === "111" ? 0.97 : 0.7)
  const id = identityOf(school.county, k, female)
  const year = Number(id.birth.slice(0, 4))
  const status = pick(draw(i, 4), [
    ["11", 960],
    ["21", 10],
    ["22", 15],
    ["23", 15]
  ])
  const basicInfo = {
    name: nameOf(i),
    sex: female ? "2" : "1",
    nationality: "156",
    idType: "1",
    idNumber: id.number,
    birthDate: id.birth,
    ethnicity: draw(i, 5) < 0.95 ? "01" : "03",
    politicalStatus: draw(i, 6) < 0.4 ? "01" : "13",
    workStartMonth: `${year + 22}-09`,
    schoolEntryMonth: `${Math.min(2026, year + 23 + Math.floor(draw(i, 7) * 10))}-09`,
    staffSource: "11",
    staffCategory: "11",
    onEstablishment: draw(i, 8) < 0.9,
    contractStatus: "1",
    normalMajorGraduate: draw(i, 9) < 0.6,
    specialEducationTrained: false,
    specialEducationCertificate: false,
    itApplicationAbility: "1",
    publicFundedNormalStudent: "0",
    grassrootsService: "0",
    specialGradeTeacher: draw(i, 10) < 0.002,
    backboneTeacher: draw(i, 11) < 0.1,
    mentalHealthTeacher: false,
    personnelStatus: status
  }
  const senior = school.type[0] === "342" || school.type[0] === "365"
  const education = pick(draw(i, 12), [
    ["14", senior ? 18 : 5],
    ["21", senior ? 78 : 62],
    ["31", senior ? 4 : 27],
    ["41", school.type[0] === "111" ? 10 : 3],
    ["61", 1]
  ])
  const records: Array<{ group: string; data: Record<string, unknown> }> = [
    { group: "studyHistory", data: { educationObtained: education, graduationMonth: `${year + 22}-07` } }
  ]
  const age = 2026 - year
  const title = pick(draw(i, 13), [
    ["正高级教师", age > 45 ? 1 : 0],
    ["高级教师", age > 40 ? 25 : 3],
    ["一级教师", age > 32 ? 45 : 20],
    ["二级教师", age > 32 ? 15 : 50],
    ["三级教师", 3],
    ["", 12]
  ])
  if (title !== "")
    records.push({ group: "titleAppointment", data: { title, startMonth: `${Math.max(year + 25, 2005)}-09` } })
  const subjects = subjectsByStage[school.type[0]]
  if (subjects !== undefined && draw(i, 14) < 0.93)
    records.push({
      group: "teaching",
      data: { schoolYear: "2026-2027", term: "1", subject: pick(draw(i, 15), subjects) }
    })
  if (draw(i, 16) < 0.75) {
    const urban = school.county.slice(4) <= "20"
    const income = Math.round((urban ? 70_000 : 52_000) * (0.8 + age / 60 + draw(i, 17) * 0.6))
    records.push({ group: "basicPay", data: { year: 2025, annualIncome: income } })
  }
  return { basicInfo, records }
}

/** The hierarchy, as the province's info admin creates it unit by unit (M15.1). */
const buildUnits = (province: ReturnType<typeof provinceOf>) =>
  Effect.gen(function* () {
    yield* Accounts.bootstrap(
      { id: "hubei", kind: "province", name: "湖北省", code: "420000", validFrom },
      { id: "sa-hubei", person }
    )
    const saHubei = yield* Accounts.actorOf("sa-hubei")
    yield* Accounts.create(saHubei, { id: "ia-hubei", role: "infoAdmin", person }, "hubei")
    const ia = yield* Accounts.actorOf("ia-hubei")
    for (const c of province.cities)
      yield* Units.create(ia, { id: `c${c.code}`, kind: "city", name: c.name, code: c.code, validFrom }, "hubei")
    for (const { division, parent } of province.counties)
      yield* Units.create(
        ia,
        { id: `x${division.code}`, kind: "county", name: division.name, code: division.code, validFrom },
        parent
      )
    for (const [n, s] of province.schools.entries()) {
      const name = `${s.id}${s.type[1]}`
      const code = `${s.type[0].slice(0, 2)}42${String(n).padStart(6, "0")}`
      yield* Units.create(
        ia,
        { id: s.id, kind: "school", name, code, validFrom, school: { schoolType: s.type[0], sponsor: "21" } },
        s.parent
      )
    }
    return ia
  })

/**
 * A teacher's e-file and entries as an import decides them (`EFile.decideNew`, `Review.submitNew`), the indicator
 * validation bypassed (see above); nothing written.
 */
export const teacherOf = (
  id: EFile.TeacherId,
  { basicInfo, records }: ReturnType<typeof recordsOf>,
  creator: Parameters<typeof EFile.decideNew>[0],
  at: string,
  policy: Parameters<typeof Review.submitNew>[2]
) =>
  Effect.gen(function* () {
    const made = EFile.decideNew(creator, {
      id,
      entryId: `${id}-basicInfo`,
      basicInfo,
      checked: Either.right(basicInfo),
      employment: undefined,
      at
    })
    if (Either.isLeft(made)) return yield* Effect.die(made.left)
    const refs = [
      made.right.entry.review.context.entry,
      ...records.map((r) => ({ id: `${id}-${r.group}`, group: r.group, teacher: id, teacherMayEnter: false }))
    ]
    const reviews = yield* Review.submitNew(refs, { actor: creator.actor, unit: creator.unit, at }, policy)
    const own: Array<EFile.Entry> = [{ ...made.right.entry, review: reviews[0]! }]
    for (const [j, r] of records.entries()) {
      const review = reviews[j + 1]!
      own.push({ id: refs[j + 1]!.id, teacherId: id, group: r.group, data: r.data as never, review })
    }
    return { efile: made.right.efile, own }
  })

/** The bench's fast set-up: one transaction per county (its schools' e-files, entries and aggregates). */
const load = (province: ReturnType<typeof provinceOf>, actor: Authorization.Actor) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { policy } = yield* Settings.Settings
    const at = new Date().toISOString()
    const byCounty = new Map<string, Array<School>>()
    for (const s of province.schools) byCounty.set(s.county, [...(byCounty.get(s.county) ?? []), s])
    let i = 0
    let written = 0
    for (const schools of byCounty.values()) {
      const efiles: Array<EFile.EFile> = []
      const entries: Array<EFile.Entry> = []
      const perTeacher: Array<Array<EFile.Entry>> = []
      let k = 0
      for (const school of schools) {
        const found = (yield* Units.load(school.id)).value
        const unit = Units.ref(found)
        const creator = { unit, stage: Option.getOrElse(EFile.stageOf(found), () => "other" as const), actor }
        for (let t = 0; t < school.teachers; t++, i++, k++) {
          const id = EFile.TeacherId(`t${school.id}${String(t).padStart(5, "0")}`)
          const { efile, own } = yield* teacherOf(id, recordsOf(i, k, school), creator, at, policy)
          efiles.push(efile)
          entries.push(...own)
          perTeacher.push(own)
        }
      }
      yield* storage.transaction(
        Effect.gen(function* () {
          const inserted = yield* storage.teachers.insertMany(efiles)
          if (inserted.size !== efiles.length) return yield* Effect.die(new Error("duplicate identity numbers"))
          yield* storage.entries.insertMany(entries)
          yield* Aggregates.trackWritten(efiles.map((efile, j) => ({ efile, entries: perTeacher[j]! })))
        })
      )
      written += efiles.length
      if (process.stderr.isTTY) process.stderr.write(`\r  ${written} e-files`)
      else if (Math.floor(written / 100_000) > Math.floor((written - efiles.length) / 100_000)) {
        // A log (not a terminal) gets a line a 100,000: a set-up of 1.5 M runs for half an hour.
        console.error(`  ${written} e-files, ${((Date.now() - Date.parse(at)) / 1000).toFixed(0)} s`)
      }
    }
    yield* storage.imports.refreshStatistics
    return i
  })

/** The kept counters against a full recount of one county's subtree, and the province's total. */
const check = (countyPath: string, teachers: number) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const kept = yield* storage.statistics.all(countyPath)
    const recounted = yield* Aggregates.recount(countyPath)
    const differ = [...new Set([...kept.keys(), ...recounted.keys()])].filter((k) => kept.get(k) !== recounted.get(k))
    if (kept.size === 0 || differ.length > 0)
      throw new Error(`the kept counters of ${countyPath} differ from a recount at ${differ.length} of ${kept.size}`)
    const atProvince = (yield* storage.statistics.counts("/hubei/", "status")).reduce((s, r) => s + r.count, 0)
    if (atProvince !== teachers) throw new Error(`the province counts ${atProvince} e-files of ${teachers}`)
    return kept.size
  })

const measure = (teachers: number) =>
  Effect.gen(function* () {
    const province = provinceOf(teachers)
    const started = Date.now()
    const ia = yield* buildUnits(province)
    const unitsSeconds = Math.round((Date.now() - started) / 100) / 10
    const loaded = yield* load(province, ia)
    const setupSeconds = Math.round((Date.now() - started) / 100) / 10
    const county = (yield* Units.load(`x${province.schools[0]!.county}`)).value
    const checkedCounters = yield* check(county.path, loaded)
    const time = (query: Parameters<typeof Analytics.run>[1]) =>
      Effect.gen(function* () {
        yield* Analytics.run(ia, query)
        const times: Array<number> = []
        for (let i = 0; i < 200; i++) {
          const start = process.hrtime.bigint()
          const result = yield* Analytics.run(ia, query)
          times.push(Number(process.hrtime.bigint() - start) / 1e6)
          if (result.source !== "aggregates") throw new Error("the query did not read the aggregates")
        }
        return [quantile(times, 0.99), quantile(times, 0.5)] as const
      })
    const [provinceQueryP99Ms, provinceQueryMedianMs] = yield* time({ unitId: "hubei", rows: "gender" })
    const [crossTabP99Ms, crossTabMedianMs] = yield* time({ unitId: "hubei", rows: "region", columns: "ageBand" })
    // The report's last day is today in Asia/Shanghai, as the queries count it: the aggregates answer for today only.
    const today = Day.of(new Date())
    const start = Date.now()
    const cpuStart = process.cpuUsage()
    const made = yield* Reports.generate(
      ia,
      { unitId: "hubei", period: { from: `${today.slice(0, 4)}-01-01`, to: today } },
      Analytics.run
    )
    const generatedSeconds = (Date.now() - start) / 1000
    const cpu = process.cpuUsage(cpuStart)
    const generateCpuSeconds = Math.round((cpu.user + cpu.system) / 10_000) / 100
    const renderStart = Date.now()
    const html = ReportRender.html(made)
    const xlsx = yield* Effect.promise(() => ReportRender.xlsx(made))
    const renderSeconds = (Date.now() - renderStart) / 1000
    // Where the report's time goes: its queries alone, and its forecast alone (the rest is the period's changes);
    // TMIS_BENCH_PARTS=0 skips it (the forecast alone takes nearly as long as the report).
    const parts = process.env.TMIS_BENCH_PARTS !== "0"
    const queriesStart = Date.now()
    if (parts) for (const query of Report.queries("hubei", made.period)) yield* Analytics.run(ia, query)
    const queriesSeconds = parts ? (Date.now() - queriesStart) / 1000 : null
    const forecastStart = Date.now()
    if (parts) yield* Reports.forecast(ia, { unitId: "hubei", asOf: today })
    const forecastSeconds = parts ? (Date.now() - forecastStart) / 1000 : null
    const reportSeconds = Math.round((generatedSeconds + renderSeconds) * 100) / 100
    // The report's changes and the forecast's people as read before (every e-file, every serving one with its entries:
    // M29.1, O8.1): timed, and compared with the report's. TMIS_BENCH_EFILES=0 skips it, 1 forces it past 300,000 teachers
    // (it is linear in them: minutes at 1.5 M).
    const fromEFiles =
      process.env.TMIS_BENCH_EFILES === "1" || (process.env.TMIS_BENCH_EFILES !== "0" && loaded <= 300_000)
    let forecastFromEFilesSeconds: number | null = null
    let changesFromEFilesSeconds: number | null = null
    if (fromEFiles) {
      console.error(`  report: ${reportSeconds} s (generate ${generatedSeconds} s, ${generateCpuSeconds} s CPU)`)
      const unit = (yield* Units.load("hubei")).value
      const changesStart = Date.now()
      const changes = yield* Reports.changesFromEFiles(unit, made.period)
      changesFromEFilesSeconds = (Date.now() - changesStart) / 1000
      if (JSON.stringify(changes) !== JSON.stringify(made.changes))
        throw new Error("the report's changes differ from those counted over every e-file")
      const forecastOf = (read: typeof Reports.people) =>
        Effect.map(read(unit), ({ people, missing }) => ({
          missing,
          forecast: Forecast.forecast({ asOf: today, years: 5, people })
        }))
      const efilesStart = Date.now()
      const before = yield* forecastOf(Reports.peopleFromEFiles)
      forecastFromEFilesSeconds = (Date.now() - efilesStart) / 1000
      const after = yield* forecastOf(Reports.people)
      if (JSON.stringify(before) !== JSON.stringify(after))
        throw new Error("the forecast from the cohort counters differs from the one from the e-files")
    }
    return {
      teachers: loaded,
      provinceQueryP99Ms,
      crossTabP99Ms,
      reportSeconds,
      detail: {
        schools: province.schools.length,
        counties: province.counties.length,
        provinceQueryMedianMs,
        crossTabMedianMs,
        unitsSeconds,
        setupSeconds,
        checkedCounters,
        reportGenerateSeconds: Math.round(generatedSeconds * 100) / 100,
        generateCpuSeconds,
        forecastFromEFilesSeconds,
        changesFromEFilesSeconds,
        reportQueriesSeconds: queriesSeconds,
        forecastSeconds,
        reportTablesRecounted: made.tables.filter((t) => t.source !== "aggregates").length,
        htmlBytes: html.length,
        xlsxBytes: xlsx.length
      }
    }
  })

type Figures = Effect.Effect.Success<ReturnType<typeof measure>>

const runOn = (storage: Layer.Layer<Storage.Storage, Storage.StorageError>, teachers: number) =>
  Effect.runPromise(
    Effect.provide(measure(teachers), Layer.merge(storage, Settings.layer(Deployment.provincial("42")))).pipe(
      Effect.scoped
    ) as Effect.Effect<Figures>
  )

/**
 * @since 0.1.0
 */
export const run = async (args: ReadonlyArray<string>): Promise<void> => {
  const teachers = Number(args[0] ?? 1_500_000)
  // TMIS_BENCH_DB=sqlite or postgres runs one of them only.
  const only = process.env.TMIS_BENCH_DB
  for (const db of ["sqlite", "postgres"] as const) {
    if (only !== undefined && only !== db) continue
    const go = (layer: Layer.Layer<Storage.Storage, Storage.StorageError>) => runOn(layer, teachers)
    const { detail, ...figures } =
      db === "sqlite"
        ? await withSqliteFile((filename) => go(Sqlite.layer({ filename })))
        : await withPostgresDatabase((connectionString) => go(Pg.layer({ connectionString })))
    console.error(`  ${db}: ${JSON.stringify(detail)}`)
    report({ bench: "statistics", db, ...figures })
  }
}
