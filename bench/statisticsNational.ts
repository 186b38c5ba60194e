/**
 * Workforce statistics at the country's scale (M28.1, M2.3): `npm run bench -- statistics-national [teachers]`
 * (default 20,000,000; run by name only, never by `npm run bench` alone) on Postgres. It builds the two national
 * layouts tmis has and times the national distribution on each:
 *
 * - **The single all-country deployment** (`Deployment.national`, storage.md): the national unit, the 31 provinces
 *   of the division table with their prefectures and counties, and two schools a county (a primary and a junior
 *   school), created by `Accounts.bootstrap` and `Units.create` as the national info admin. Its statistics counters
 *   are those `teachers` e-files keep, made by tmis's own code without storing 20 M e-files: the teachers come in
 *   **classes** of identical teachers (four a school, a province's teachers spread over its classes), each class's
 *   representative decided as the province bench decides a teacher (`teacherOf`: `EFile.decideNew`,
 *   `Review.submitNew`), its contribution made by `Aggregates.contributionOf` and its deltas by
 *   `StatisticsAggregate.deltas`, multiplied by the class's size, and written through the port
 *   (`statistics.apply`). No e-file, entry or contribution row is stored. Timed: `Analytics.run` as the national
 *   info admin — the country by province (`region` at the province level, the headline `queryP50Ms`) and a province
 *   × age band cross-tabulation.
 * - **The federation's national copy** (`national_core`, exchange.md): one row per teacher, `teachers` rows made in
 *   Postgres from the same classes (`generate_series`, one statement a province). The bench replaces the empty
 *   `national_core` of the migrations by a table of the same columns and keys, list-partitioned by province (one
 *   partition a province; the production schema is not partitioned), and builds its indexes after the load. Timed:
 *   the distribution by province through the port (`exchange.coreCount` of every province) and, in the bench's own
 *   SQL (no tmis code reads `national_core` for statistics), active teachers by province, stage and status.
 *
 * Checked: the country's total from the counters, the rows of `national_core` and the sum of `coreCount` all equal
 * `teachers`; a province's distribution by sex from the counters (`Analytics.run`) equals a direct count of its
 * partition's rows; the counters of one county equal `StatisticsAggregate.recount` of its classes expanded teacher
 * by teacher. One JSON line: teachers, queryP50Ms, queryP99Ms, crossTabP50Ms, crossTabP99Ms, coreByProvinceP50Ms,
 * coreByProvinceP99Ms, coreScanP50Ms, coreScanP99Ms; the set-up, sizes and CPU times to stderr. Target: the national
 * distribution < 2 s. `TMIS_BENCH_SCAN_ROUNDS` (default 10) sets the rounds of the two `national_core` queries.
 */
import * as Pg from "@tmis/adapter-postgres"
import {
  Accounts,
  Aggregates,
  Analytics,
  type Authorization,
  Deployment,
  Division,
  EFile,
  Settings,
  StatisticsAggregate,
  Storage,
  type Unit,
  Units
} from "@tmis/core"
import { Effect, Layer, Option } from "effect"
import pg from "pg"
import { report } from "./measure.js"
import { draw, quantile, recordsOf, type School, schoolTypes, teacherOf } from "./statistics.js"
import { withPostgresDatabase } from "./synthetic.js"

const validFrom = "2017-03-31"
const person = { name: "王建国", identityNumber: "11010519491231002X" }

/** Rough full-time teacher counts by province (ten thousands), weights only: not official figures. */
// biome-ignore format: a table
const weights: Record<string, number> = {
  "11": 30, "12": 16, "13": 95, "14": 48, "15": 30, "21": 40, "22": 26, "23": 30, "31": 25, "32": 100, "33": 80,
  "34": 73, "35": 57, "36": 60, "37": 122, "41": 140, "42": 70, "43": 85, "44": 160, "45": 70, "46": 14, "50": 38,
  "51": 95, "52": 52, "53": 58, "54": 6, "61": 50, "62": 33, "63": 8, "64": 10, "65": 40
}

const classesPerSchool = 4
const types = schoolTypes.filter((t) => t[0] === "211" || t[0] === "311")

interface Class {
  readonly province: string
  readonly school: School
  readonly k: number // the class's index within its county
  readonly size: number
}

/** The national unit, the provinces, their prefectures and counties, two schools a county (M15.1). */
const buildUnits = Effect.gen(function* () {
  yield* Accounts.bootstrap(
    { id: "cn", kind: "national", name: "教育部", code: "000000", validFrom },
    { id: "sa-cn", person }
  )
  const sa = yield* Accounts.actorOf("sa-cn")
  yield* Accounts.create(sa, { id: "ia-cn", role: "infoAdmin", person }, "cn")
  const ia = yield* Accounts.actorOf("ia-cn")
  const schools: Array<School & { readonly province: string }> = []
  // TMIS_BENCH_PROVINCES=42,11 narrows the country (a quick run); the weights of the others are then left out.
  const only = process.env.TMIS_BENCH_PROVINCES?.split(",")
  const provinces = Division.provinces().filter(
    (p) => p.code.slice(0, 2) in weights && (only === undefined || only.includes(p.code.slice(0, 2)))
  )
  for (const p of provinces) {
    const pp = p.code.slice(0, 2)
    yield* Units.create(ia, { id: `p${pp}`, kind: "province", name: p.name, code: p.code, validFrom }, "cn")
    const counties = Division.countiesOf(p.code).map((d) => ({ division: d, parent: `p${pp}` }))
    for (const c of Division.prefecturesOf(p.code)) {
      yield* Units.create(ia, { id: `c${c.code}`, kind: "city", name: c.name, code: c.code, validFrom }, `p${pp}`)
      counties.push(...Division.countiesOf(c.code).map((d) => ({ division: d, parent: `c${c.code}` })))
    }
    for (const { division, parent } of counties) {
      const county = `x${division.code}`
      yield* Units.create(
        ia,
        { id: county, kind: "county", name: division.name, code: division.code, validFrom },
        parent
      )
      for (const type of types) {
        const id = `s${division.code}${type[0]}`
        const code = `${type[0].slice(0, 2)}${pp}${String(schools.length).padStart(6, "0")}`
        yield* Units.create(
          ia,
          {
            id,
            kind: "school",
            name: `${division.name}${type[1]}`,
            code,
            validFrom,
            school: { schoolType: type[0], sponsor: "21" }
          },
          county
        )
        schools.push({ id, parent: county, county: division.code, type, teachers: 0, province: pp })
      }
    }
  }
  return { ia, schools }
})

/** Each province's teachers (its weight's share of `teachers`) spread over its schools' classes, sizes varied. */
const classesOf = (schools: ReadonlyArray<School & { readonly province: string }>, teachers: number) => {
  const out: Array<Class> = []
  const provinces = [...new Set(schools.map((s) => s.province))]
  const total = provinces.reduce((s, pp) => s + weights[pp]!, 0)
  let given = 0
  for (const [n, pp] of provinces.entries()) {
    const own = schools.filter((s) => s.province === pp)
    const share = n === provinces.length - 1 ? teachers - given : Math.floor((teachers * weights[pp]!) / total)
    given += share
    const cells = own.flatMap((school, j) =>
      Array.from({ length: classesPerSchool }, (_, c) => ({
        school,
        k: (j % types.length) * classesPerSchool + c,
        w: (school.type[0] === "311" ? 0.7 : 1) * (0.5 + draw(out.length + j * 7 + c, 21))
      }))
    )
    const sum = cells.reduce((s, c) => s + c.w, 0)
    let left = share
    for (const [i, c] of cells.entries()) {
      const size = i === cells.length - 1 ? left : Math.floor((share * c.w) / sum)
      left -= size
      out.push({ province: pp, school: c.school, k: c.k, size })
    }
  }
  return out
}

/** The counters of every class: its representative's deltas times its size, through the port, a province a time. */
const countClasses = (classes: ReadonlyArray<Class>, actor: Authorization.Actor) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { policy } = yield* Settings.Settings
    const at = new Date().toISOString()
    const chains = new Map<string, ReadonlyArray<Unit.Unit>>()
    const chainOf = (schoolId: string) =>
      Effect.gen(function* () {
        const known = chains.get(schoolId)
        if (known !== undefined) return known
        const school = (yield* Units.load(schoolId)).value
        const chain: Array<Unit.Unit> = [school]
        for (let parent = school.parentId; parent !== undefined; ) {
          const unit = (yield* Units.load(parent)).value
          chain.unshift(unit)
          parent = unit.parentId
        }
        chains.set(schoolId, chain)
        return chain
      })
    const records = new Map<Class, ReturnType<typeof recordsOf>>()
    const contributions = new Map<Class, StatisticsAggregate.Contribution>()
    let deltaRows = 0
    for (const pp of new Set(classes.map((c) => c.province))) {
      const sums = new Map<string, StatisticsAggregate.Delta>()
      for (const [i, c] of classes.entries()) {
        if (c.province !== pp || c.size === 0) continue
        const chain = yield* chainOf(c.school.id)
        const school = chain[chain.length - 1]!
        const creator = {
          unit: Units.ref(school),
          stage: Option.getOrElse(EFile.stageOf(school), () => "other" as const),
          actor
        }
        const made = recordsOf(i, c.k, c.school)
        const { efile, own } = yield* teacherOf(EFile.TeacherId(`t${c.school.id}-${c.k}`), made, creator, at, policy)
        const contribution = Aggregates.contributionOf(efile, own, chain)
        if (contribution === undefined) return yield* Effect.die(new Error("a class's teacher is not active"))
        records.set(c, made)
        contributions.set(c, contribution)
        for (const d of StatisticsAggregate.deltas([{ before: undefined, after: contribution }])) {
          const key = `${d.node}\u0000${d.dims}\u0000${d.values}`
          const held = sums.get(key)
          sums.set(key, { ...d, delta: (held?.delta ?? 0) + d.delta * c.size })
        }
      }
      deltaRows += sums.size
      yield* storage.transaction(storage.statistics.apply([], [...sums.values()]))
    }
    return { records, contributions, deltaRows }
  })

/** `national_core` in place of the migrations' one: the same columns and keys, one partition a province. */
const partition = async (db: pg.Client, provinces: ReadonlyArray<string>) => {
  await db.query(`drop table national_core`)
  await db.query(`create table national_core (province varchar(255) not null, teacher_id varchar(255) not null,
    id_type varchar(255) not null, id_number varchar(255) not null, name text not null, unit_id text not null,
    stage text not null, status text not null, active integer not null, records text not null, seq bigint not null,
    sequence integer not null) partition by list (province)`)
  for (const pp of provinces) {
    await db.query(`create table national_core_p${pp} partition of national_core for values in ('${pp}')`)
  }
}

/** The classes as rows of a work table, then each province's teachers made from them in one statement. */
const loadCore = async (
  db: pg.Client,
  classes: ReadonlyArray<Class>,
  records: Map<Class, ReturnType<typeof recordsOf>>
) => {
  await db.query(`create temporary table bench_classes (province text, school text, county text, k integer,
    size integer, first_seq bigint, stage text, status text, birth text, records text)`)
  let seq = 0
  const rows = classes
    .filter((c) => c.size > 0)
    .map((c) => {
      const { basicInfo, records: groups } = records.get(c)!
      const core: Record<string, Array<Record<string, unknown>>> = {
        basicInfo: [{ sex: basicInfo.sex, birthDate: basicInfo.birthDate, ethnicity: basicInfo.ethnicity }]
      }
      for (const g of groups) core[g.group] = [g.data]
      const stage = c.school.type[0] === "211" ? "primary" : "junior"
      const row = [
        c.province,
        c.school.id,
        c.school.county,
        c.k,
        c.size,
        seq,
        stage,
        basicInfo.personnelStatus,
        basicInfo.birthDate.replaceAll("-", ""),
        JSON.stringify(core)
      ]
      seq += c.size
      return row
    })
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000)
    const marks = chunk.map((_, r) => `(${Array.from({ length: 10 }, (_, j) => `$${r * 10 + j + 1}`).join(",")})`)
    await db.query(`insert into bench_classes values ${marks.join(",")}`, chunk.flat())
  }
  const seconds: Record<string, number> = {}
  for (const pp of new Set(classes.map((c) => c.province))) {
    const start = Date.now()
    await db.query(
      `insert into national_core_p${pp}
       select c.province, c.school || '-' || c.k || '-' || g, '1',
         c.county || c.birth || lpad((g % 1000)::text, 3, '0') || 'X', '教师' || (c.first_seq + g), c.school,
         c.stage, c.status, 1, c.records, c.first_seq + g, 1
       from bench_classes c, generate_series(1, c.size) g where c.province = $1`,
      [pp]
    )
    seconds[pp] = (Date.now() - start) / 1000
  }
  const start = Date.now()
  await db.query(`alter table national_core add constraint national_core_pk primary key (province, teacher_id)`)
  await db.query(`create index national_core_identity on national_core (id_number, id_type, active)`)
  const indexSeconds = (Date.now() - start) / 1000
  await db.query(`vacuum analyze national_core`)
  const size = await db.query(`select pg_total_relation_size(c.oid)::bigint as bytes from pg_class c
    join pg_inherits i on i.inhrelid = c.oid where i.inhparent = 'national_core'::regclass`)
  const bytes = size.rows.reduce((s: number, r: { bytes: string }) => s + Number(r.bytes), 0)
  return { seconds, indexSeconds, bytes }
}

/** `rounds` timings (ms) and CPU time of this process (ms a round) of `work`, after a warm-up round. */
const timed = <A, E, R>(rounds: number, work: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    yield* work
    const times: Array<number> = []
    const cpu = process.cpuUsage()
    for (let i = 0; i < rounds; i++) {
      const start = process.hrtime.bigint()
      yield* work
      times.push(Number(process.hrtime.bigint() - start) / 1e6)
    }
    const used = process.cpuUsage(cpu)
    const cpuMs = Math.round((used.user + used.system) / rounds / 10) / 100
    return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), cpuMs }
  })

const measure = (teachers: number, db: pg.Client) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const started = Date.now()
    const { ia, schools } = yield* buildUnits
    const unitsSeconds = (Date.now() - started) / 1000
    const classes = classesOf(schools, teachers)
    const countStart = Date.now()
    const { records, contributions, deltaRows } = yield* countClasses(classes, ia)
    const countersSeconds = (Date.now() - countStart) / 1000
    const provinces = [...new Set(classes.map((c) => c.province))]
    const coreStart = Date.now()
    const core = yield* Effect.promise(async () => {
      await partition(db, provinces)
      return loadCore(db, classes, records)
    })
    const coreSeconds = (Date.now() - coreStart) / 1000
    yield* Effect.promise(() => db.query(`analyze statistics_counters`))

    // The checks: totals, a province's distribution by sex both ways, one county's counters against a recount.
    const byProvince = { unitId: "cn", rows: "region", regionLevel: "province" } as const
    const national = yield* Analytics.run(ia, byProvince)
    const rows = Number((yield* Effect.promise(() => db.query(`select count(*) as n from national_core`))).rows[0].n)
    let counted = 0
    for (const pp of provinces) counted += yield* storage.exchange.coreCount(pp)
    if (national.total.count !== teachers || rows !== teachers || counted !== teachers)
      throw new Error(`totals: counters ${national.total.count}, rows ${rows}, coreCount ${counted}, of ${teachers}`)
    const hubei = yield* Analytics.run(ia, { unitId: "p42", rows: "gender" })
    const direct = yield* Effect.promise(() =>
      db.query(`select records::jsonb->'basicInfo'->0->>'sex' as sex, count(*)::int as n from national_core
        where province = '42' and active = 1 group by 1`)
    )
    for (const r of direct.rows as Array<{ sex: string; n: number }>) {
      const cell = hubei.cells.find((c) => c.row === r.sex)
      if (cell?.count !== r.n) throw new Error(`Hubei's ${r.sex}: counters ${cell?.count}, rows ${r.n}`)
    }
    const county = (yield* Units.load(schools[0]!.parent)).value
    const expanded = classes
      .filter((c) => c.school.parent === county.id)
      .flatMap((c) => Array.from({ length: c.size }, () => contributions.get(c)!))
    const recounted = StatisticsAggregate.recount(expanded)
    const kept = yield* storage.statistics.all(county.path)
    const under = [...recounted].filter(([key]) => key.startsWith(county.path))
    if (under.length !== kept.size || under.some(([key, n]) => kept.get(key) !== n))
      throw new Error(`the counters of ${county.path} differ from a recount of its classes`)

    const query = yield* timed(100, Analytics.run(ia, byProvince))
    const crossTab = yield* timed(100, Analytics.run(ia, { ...byProvince, columns: "ageBand" }))
    const scanRounds = Number(process.env.TMIS_BENCH_SCAN_ROUNDS ?? 10)
    const coreByProvince = yield* timed(
      scanRounds,
      Effect.forEach(provinces, (pp) => storage.exchange.coreCount(pp))
    )
    yield* Effect.promise(() => db.query(`set enable_partitionwise_aggregate = on`))
    const coreScan = yield* timed(
      scanRounds,
      Effect.promise(() =>
        db.query(`select province, stage, status, count(*) from national_core where active = 1 group by 1, 2, 3`)
      )
    )
    const counters = yield* Effect.promise(() =>
      db.query(`select count(*)::int as n, pg_total_relation_size('statistics_counters')::bigint as bytes,
        (select count(*)::int from statistics_counters where node = '/cn/') as national from statistics_counters`)
    )
    return {
      teachers,
      queryP50Ms: query.p50,
      queryP99Ms: query.p99,
      crossTabP50Ms: crossTab.p50,
      crossTabP99Ms: crossTab.p99,
      coreByProvinceP50Ms: coreByProvince.p50,
      coreByProvinceP99Ms: coreByProvince.p99,
      coreScanP50Ms: coreScan.p50,
      coreScanP99Ms: coreScan.p99,
      detail: {
        provinces: provinces.length,
        schools: schools.length,
        classes: classes.length,
        unitsSeconds,
        countersSeconds,
        deltaRows,
        counterRows: counters.rows[0].n,
        nationalCounterRows: counters.rows[0].national,
        countersMB: Math.round(Number(counters.rows[0].bytes) / 1e6),
        coreSeconds,
        coreIndexSeconds: core.indexSeconds,
        coreMB: Math.round(core.bytes / 1e6),
        queryCpuMs: query.cpuMs,
        crossTabCpuMs: crossTab.cpuMs,
        coreByProvinceCpuMs: coreByProvince.cpuMs,
        scanRounds,
        checkedCountyCounters: kept.size
      }
    }
  })

/**
 * @since 0.1.0
 */
export const run = async (args: ReadonlyArray<string>): Promise<void> => {
  const teachers = Number(args[0] ?? 20_000_000)
  const { detail, ...figures } = await withPostgresDatabase(async (connectionString) => {
    const db = new pg.Client({ connectionString })
    await db.connect()
    try {
      const layer = Layer.merge(Pg.layer({ connectionString }), Settings.layer(Deployment.national))
      return await Effect.runPromise(
        Effect.provide(measure(teachers, db), layer).pipe(Effect.scoped) as Effect.Effect<
          Effect.Effect.Success<ReturnType<typeof measure>>
        >
      )
    } finally {
      await db.end()
    }
  })
  console.error(`  postgres: ${JSON.stringify(detail)}`)
  report({ bench: "statistics-national", db: "postgres", ...figures })
}
