/**
 * The workforce statistics service (统计分析, M28.1) and the comparison of resource allocation (资源配置, O10.1).
 *
 * `run(actor, query)` answers a {@link Query.Query} over the subtree of its unit: the actor must hold
 * `ReadStatistics` there (an info queryer or admin of the unit or above it, M13.3 — a county sees its county only).
 * Today's figures of the active teachers by at most two teacher dimensions (rows, columns and filters together) are
 * read from the aggregates kept current in the transaction of every change (`Aggregates`): a few rows of one unit,
 * whatever the size of the subtree. Anything else — a past day, leavers counted (`population: "all"`), three
 * dimensions or more, `mobility` — is a recount over the subtree's e-files: the slow path, for bureaus' occasional
 * questions, not for dashboards. A past day counts each e-file where it was that day (its completed transfers and
 * rotations) in the status it had (its dated history); its other data are as recorded now (entries are not dated).
 * Every table is protected by small-cell suppression ({@link Suppression}).
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import type * as Authorization from "../accounts/Authorization.js"
import * as EFile from "../efile/EFile.js"
import * as EmploymentStatus from "../efile/EmploymentStatus.js"
import type * as Unit from "../hierarchy/Unit.js"
import * as Day from "../kernel/Day.js"
import * as Refusal from "../kernel/Refusal.js"
import * as Rotation from "../processes/Rotation.js"
import * as Aggregate from "../statistics/Aggregate.js"
import * as Inequality from "../statistics/Inequality.js"
import * as Profile from "../statistics/Profile.js"
import type * as Query from "../statistics/Query.js"
import * as Table from "../statistics/Table.js"
import * as Storage from "./Storage.js"
import * as Units from "./Units.js"

const today = Effect.map(Units.authorizationContext, (c) => Day.of(c.now))

/** The teacher dimensions a query reads (rows, columns, filters), each once. */
const teacherDimsOf = (query: Query.Query): ReadonlyArray<Profile.TeacherDimension> => {
  const all = [
    query.rows,
    query.rows === undefined ? undefined : query.columns,
    ...(query.filters ?? []).map((f) => f.dimension)
  ]
  return [...new Set(all.filter((d): d is Profile.TeacherDimension => d !== undefined && d !== "mobility"))]
}

const usesMobility = (query: Query.Query) =>
  query.rows === "mobility" ||
  query.columns === "mobility" ||
  (query.filters ?? []).some((f) => f.dimension === "mobility")

/** Whether a profile, with values as on `day`, passes the filters (on teacher dimensions). */
const admits = (query: Query.Query, valueOf: (d: Profile.TeacherDimension) => string): boolean =>
  (query.filters ?? []).every((f) => f.dimension === "mobility" || f.values.includes(valueOf(f.dimension)))

const invalid = (en: string, zh: string, details: Record<string, unknown>) =>
  Effect.fail(Refusal.invalid("M28.1", zh, en, details))

/**
 * Answer a statistics query (M28.1) for `actor`: refused outside the actor's scope; small cells suppressed.
 *
 * @since 0.1.0
 */
export const run = (actor: Authorization.Actor, query: Query.Query) =>
  Effect.gen(function* () {
    const unit = (yield* Units.load(query.unitId)).value
    yield* Units.authorize(actor, { _tag: "ReadStatistics", unit: Units.ref(unit) })
    if (query.columns !== undefined && query.rows === undefined) {
      return yield* invalid("columns need rows", "交叉分析须先指定行维度", { field: "columns" })
    }
    if (query.columns !== undefined && query.columns === query.rows) {
      return yield* invalid("rows and columns differ", "行维度与列维度不能相同", { field: "columns" })
    }
    const now = yield* today
    const asOf = query.asOf ?? now
    if (asOf > now)
      return yield* invalid("the day is not after today", "统计日期不能晚于今天", { field: "asOf", value: asOf })
    const dims = teacherDimsOf(query)
    const fromAggregates =
      asOf === now && (query.population ?? "active") === "active" && !usesMobility(query) && dims.length <= 2
    // Reads only: no transaction (a write transaction would wait for the writers and, on SQLite, for the disk).
    const counts = fromAggregates ? yield* fromCounters(unit, query, dims, asOf) : yield* byRecount(unit, query, asOf)
    const table = Table.tabulate(counts, { rows: query.rows, columns: query.columns, measures: query.measures })
    return {
      query,
      unit: { id: unit.id, name: unit.name, path: unit.path },
      asOf,
      ...table,
      source: fromAggregates ? ("aggregates" as const) : ("recount" as const)
    } satisfies Query.Result
  })

/** Today's counts from the counters of the query's unit. */
const fromCounters = (
  unit: Unit.Unit,
  query: Query.Query,
  dims: ReadonlyArray<Profile.TeacherDimension>,
  asOf: string
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const [a, b] = dims.length === 0 ? (["status"] as const) : [dims[0]!, dims[1]]
    const key = Aggregate.dimsKey(a, b)
    const order = key.split("|") as ReadonlyArray<Profile.TeacherDimension>
    const rows = yield* storage.statistics.counts(unit.path, key)
    const counts: Array<Table.Count> = []
    for (const { count, values } of rows) {
      const parts = values.split("|")
      const valueOf = (d: Profile.TeacherDimension) =>
        Profile.valueOn(d, parts[order.indexOf(d)] ?? Profile.unknown, asOf, query.regionLevel)
      if (!admits(query, valueOf)) continue
      counts.push({
        row: query.rows === undefined ? "" : valueOf(query.rows as Profile.TeacherDimension),
        column: query.columns === undefined ? "" : valueOf(query.columns as Profile.TeacherDimension),
        count
      })
    }
    return counts
  })

/** A dated move of an e-file: a completed transfer (its effective day) or rotation (its period's start). */
interface Move {
  readonly day: string
  readonly createdAt: string
  readonly kind: "transfer" | "rotation"
  readonly movesEFile: boolean
  readonly from: string
  readonly to: string
}

const moveOf = (workflow: Storage.Workflow): Move | undefined => {
  if (workflow.state !== "completed") return undefined
  const base = { createdAt: workflow.createdAt, from: workflow.context.from.path, to: workflow.context.to.path }
  if (workflow.kind === "transfer")
    return { ...base, kind: "transfer", movesEFile: true, day: workflow.context.effective }
  return {
    ...base,
    kind: "rotation",
    movesEFile: Rotation.movesEFile(workflow.context),
    day: workflow.context.period.start
  }
}

/** The unit path of an e-file on `day`: where its last move on or before it took it, else where its first came from. */
const pathAsOf = (moves: ReadonlyArray<Move>, current: string, day: string): string => {
  const sorted = moves
    .filter((m) => m.movesEFile)
    .sort((x, y) =>
      x.day !== y.day ? (x.day < y.day ? -1 : 1) : x.createdAt < y.createdAt ? -1 : x.createdAt > y.createdAt ? 1 : 0
    )
  if (sorted.length === 0) return current
  const last = sorted.filter((m) => m.day <= day).at(-1)
  return last !== undefined ? last.to : sorted[0]!.from
}

const unitPathOf = (path: string) => path.slice(0, path.lastIndexOf("/") + 1)

/** The counts of a query by reading the subtree's e-files (and the moves touching it). */
const byRecount = (unit: Unit.Unit, query: Query.Query, asOf: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const efiles = new Map<string, EFile.EFile>()
    let after: string | undefined
    do {
      const page = yield* storage.teachers.subtree(unit.path, { after, limit: 1000 })
      for (const efile of page.items) efiles.set(efile.id, efile)
      after = page.next
    } while (after !== undefined)
    const moves = new Map<string, Array<Move>>()
    let cursor: string | undefined
    do {
      const page = yield* storage.workflows.completedIn(unit.path, { after: cursor, limit: 1000 })
      for (const { efile, workflow } of page.items) {
        const move = moveOf(workflow)
        if (move === undefined) continue
        if (!efiles.has(efile.id)) efiles.set(efile.id, efile)
        const list = moves.get(efile.id)
        if (list === undefined) moves.set(efile.id, [move])
        else list.push(move)
      }
      cursor = page.next
    } while (cursor !== undefined)
    const units = new Map<string, Unit.Unit | undefined>()
    const chainOf = (path: string) =>
      Effect.gen(function* () {
        const chain: Array<Unit.Unit> = []
        for (const id of path.split("/").filter((s) => s !== "")) {
          if (!units.has(id)) {
            units.set(
              id,
              Option.getOrUndefined(Option.map(yield* storage.units.get(id as Unit.UnitId), (v) => v.value))
            )
          }
          const u = units.get(id)
          if (u !== undefined) chain.push(u)
        }
        return chain
      })
    const population = query.population ?? "active"
    const mobility = usesMobility(query)
    const period = query.period ?? { from: `${asOf.slice(0, 4)}-01-01`, to: asOf }
    const counts: Array<Table.Count> = []
    for (const efile of efiles.values()) {
      const own = moves.get(efile.id) ?? []
      const place = mobility ? unitPathOf(efile.path) : pathAsOf(own, unitPathOf(efile.path), asOf)
      const status = Option.getOrUndefined(EmploymentStatus.statusAsOf(efile.statusHistory, asOf))?.status
      if (!mobility) {
        if (!place.startsWith(unit.path) || status === undefined) continue
        if (population === "active" && !EFile.isActive({ status })) continue
      }
      const entries = (yield* storage.entries.byTeacher(efile.id)).map((e) => e.value)
      const profile = Profile.of({ stage: efile.stage, status: status ?? efile.status }, entries, yield* chainOf(place))
      const valueOf = (d: Profile.TeacherDimension) => Profile.valueOn(d, profile[d], asOf, query.regionLevel)
      if (!admits(query, valueOf)) continue
      // Mobility counts moves of the period: in, out of or within the subtree.
      const values: ReadonlyArray<string> = mobility
        ? own
            .filter((m) => m.day >= period.from && m.day <= period.to)
            .map((m) => {
              const fromIn = m.from.startsWith(unit.path)
              const toIn = m.to.startsWith(unit.path)
              return `${m.kind}${fromIn && toIn ? "Within" : toIn ? "In" : "Out"}`
            })
            .filter((v) => {
              const f = (query.filters ?? []).find((x) => x.dimension === "mobility")
              return f === undefined || f.values.includes(v)
            })
        : [""]
      for (const v of values) {
        const value = (d: Query.Dimension | undefined) =>
          d === undefined ? "" : d === "mobility" ? v : valueOf(d as Profile.TeacherDimension)
        counts.push({ row: value(query.rows), column: value(query.columns), count: 1 })
      }
    }
    return counts
  })

/**
 * What an allocation comparison asks (O10.1): the schools of subtree(`unitId`), compared across the groups of
 * `groupBy` (region, urban/rural, school type, stage, level — attributes of a school), with a norm of teachers per
 * school below which a school counts as short (default 0: none).
 *
 * @since 0.1.0
 */
export interface AllocationQuery {
  readonly unitId: string
  readonly groupBy?: "region" | "urbanRural" | "schoolType" | "stage" | "level" | undefined
  readonly regionLevel?: Query.RegionLevel | undefined
  readonly minTeachers?: number | undefined
}

/**
 * An indicator of a school compared across schools: the number of teachers, or the share of its teachers with a
 * value — a degree (本科 or higher), a senior title (副高级 or 正高级), women, under 35, 55 or over, an annual pay of
 * 80,000 yuan or more.
 *
 * @since 0.1.0
 */
export const indicators = {
  teachers: { zh: "专任教师数" },
  degreeShare: { zh: "本科及以上学历占比", dimension: "education", values: ["10", "20"] },
  seniorTitleShare: { zh: "高级职称占比", dimension: "title", values: ["seniorFull", "senior"] },
  femaleShare: { zh: "女教师占比", dimension: "gender", values: ["2"] },
  under35Share: { zh: "35岁以下占比", dimension: "ageBand", values: ["u25", "25", "30"] },
  over55Share: { zh: "55岁及以上占比", dimension: "ageBand", values: ["55", "60"] },
  highPayShare: { zh: "年收入8万元及以上占比", dimension: "payBand", values: ["80k", "120k", "200k"] }
} as const

/**
 * @since 0.1.0
 */
export type Indicator = keyof typeof indicators

/**
 * The spread of an indicator over a set of schools: its mean, Gini and Theil indices, and the share of schools
 * below the norm (for `teachers` only).
 *
 * @since 0.1.0
 */
export interface Spread {
  readonly mean: number
  readonly gini: number
  readonly theil: number
  readonly shareBelowNorm?: number | undefined
}

/**
 * The comparison of one group of schools (or of all, `value: ""`): schools, teachers, and each indicator's spread.
 *
 * @since 0.1.0
 */
export interface AllocationGroup {
  readonly value: string
  readonly label: string
  readonly schools: number
  readonly teachers: number
  readonly indicators: Readonly<Record<Indicator, Spread>>
}

/**
 * The answer of an allocation comparison: every school's group, all schools together, and the Theil index of the
 * number of teachers split into within and between the groups.
 *
 * @since 0.1.0
 */
export interface Allocation {
  readonly unit: { readonly id: string; readonly name: string; readonly path: string }
  readonly asOf: string
  readonly groupBy: string | null
  readonly all: AllocationGroup
  readonly groups: ReadonlyArray<AllocationGroup>
  readonly theilTeachers: { readonly total: number; readonly within: number; readonly between: number }
}

/**
 * Compare the allocation of teachers over the schools of a subtree (O10.1), from today's aggregates: one read of
 * the counters of every unit below per dimension, none of an e-file. Same scope rule as {@link run}. Figures are
 * of schools, never of fewer than k teachers singled out: an indicator is a share, and a group of fewer than 5
 * schools gives no spread (all 0).
 *
 * @since 0.1.0
 */
export const allocation = (actor: Authorization.Actor, input: AllocationQuery) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const unit = (yield* Units.load(input.unitId)).value
    yield* Units.authorize(actor, { _tag: "ReadStatistics", unit: Units.ref(unit) })
    const asOf = yield* today
    return yield* storage.transaction(
      Effect.gen(function* () {
        const schools: Array<Unit.Unit> = []
        const byId = new Map<string, Unit.Unit>()
        let after: string | undefined
        do {
          const page = yield* storage.units.subtree(unit.path, { after, limit: 1000 })
          for (const u of page.items) {
            byId.set(u.id, u)
            if (u.kind === "school" && u.status === "open") schools.push(u)
          }
          after = page.next
        } while (after !== undefined)
        const chainOf = (path: string) =>
          Effect.gen(function* () {
            const chain: Array<Unit.Unit> = []
            for (const id of path.split("/").filter((x) => x !== "")) {
              if (!byId.has(id)) {
                const loaded = yield* storage.units.get(id as Unit.UnitId)
                if (Option.isSome(loaded)) byId.set(id, loaded.value.value)
              }
              const u = byId.get(id)
              if (u !== undefined) chain.push(u)
            }
            return chain
          })
        const bySchool = new Map<string, Map<string, Map<string, number>>>() // path → dimension → value → count
        for (const dimension of ["status", "education", "title", "gender", "ageBand", "payBand"] as const) {
          for (const row of yield* storage.statistics.countsUnder(unit.path, dimension)) {
            const value = Profile.valueOn(dimension, row.values, asOf, input.regionLevel)
            const dims = bySchool.get(row.node) ?? new Map<string, Map<string, number>>()
            bySchool.set(row.node, dims)
            const values = dims.get(dimension) ?? new Map<string, number>()
            dims.set(dimension, values)
            values.set(value, (values.get(value) ?? 0) + row.count)
          }
        }
        const facts: Array<{ group: string; values: Record<Indicator, number> }> = []
        for (const school of schools) {
          const dims = bySchool.get(school.path) ?? new Map<string, Map<string, number>>()
          const teachers = [...(dims.get("status")?.values() ?? [])].reduce((s, n) => s + n, 0)
          const share = (dimension: string, values: ReadonlyArray<string>) => {
            if (teachers === 0) return 0
            const counts = dims.get(dimension)
            return values.reduce((s, v) => s + (counts?.get(v) ?? 0), 0) / teachers
          }
          const stage = Option.getOrElse(EFile.stageOf(school), () => "other" as const)
          const profile = Profile.of({ stage, status: "serving" }, [], yield* chainOf(school.path))
          const group =
            input.groupBy === undefined
              ? ""
              : Profile.valueOn(input.groupBy, profile[input.groupBy], asOf, input.regionLevel)
          const values: Record<Indicator, number> = {
            teachers,
            degreeShare: share("education", indicators.degreeShare.values),
            seniorTitleShare: share("title", indicators.seniorTitleShare.values),
            femaleShare: share("gender", indicators.femaleShare.values),
            under35Share: share("ageBand", indicators.under35Share.values),
            over55Share: share("ageBand", indicators.over55Share.values),
            highPayShare: share("payBand", indicators.highPayShare.values)
          }
          facts.push({ group, values })
        }
        const groupOf = (value: string, members: typeof facts): AllocationGroup => {
          const spread = (k: Indicator): Spread => {
            const xs = members.map((m) => m.values[k])
            const enough = xs.length >= 5
            return {
              mean: xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length,
              gini: enough ? Inequality.gini(xs) : 0,
              theil: enough ? Inequality.theil(xs) : 0,
              ...(k === "teachers" ? { shareBelowNorm: Inequality.shareBelow(xs, input.minTeachers ?? 0) } : {})
            }
          }
          return {
            value,
            label: value === "" || input.groupBy === undefined ? "全部" : Profile.label(input.groupBy, value),
            schools: members.length,
            teachers: members.reduce((s, m) => s + m.values.teachers, 0),
            indicators: Object.fromEntries(
              (Object.keys(indicators) as Array<Indicator>).map((k) => [k, spread(k)])
            ) as Record<Indicator, Spread>
          }
        }
        const grouped = new Map<string, typeof facts>()
        for (const f of facts) grouped.set(f.group, [...(grouped.get(f.group) ?? []), f])
        const groups =
          input.groupBy === undefined
            ? []
            : [...grouped.entries()]
                .sort(([x], [y]) => Profile.compareValues(input.groupBy!, x, y))
                .map(([value, members]) => groupOf(value, members))
        return {
          unit: { id: unit.id, name: unit.name, path: unit.path },
          asOf,
          groupBy: input.groupBy ?? null,
          all: groupOf("", facts),
          groups,
          theilTeachers: Inequality.theilDecomposition(
            [...grouped.values()].map((g) => g.map((m) => m.values.teachers))
          )
        } satisfies Allocation
      })
    )
  })
