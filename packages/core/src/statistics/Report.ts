/**
 * The periodic workforce report (教师队伍建设报告, M29.1): what a bureau publishes of its subtree for a period — the
 * figures of the standard statistics queries as of the period's last day (M28.1), the period's changes
 * (onboardings, leavers, transfers in and out, rotations) and the supply forecast (O8.1).
 *
 * A report records the queries it ran and the period, and nothing in it depends on when or where it was made but
 * `generatedAt`: the same data and period give the same report, and the renderings (HTML, XLSX, PDF) are functions
 * of it, so they are byte for byte the same but for the timestamp.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Forecast from "./Forecast.js"
import * as Profile from "./Profile.js"
import * as Query from "./Query.js"

/**
 * One section of the report: a heading, the query and how its figures are drawn.
 *
 * @since 0.1.0
 */
export interface Section {
  readonly key: string
  readonly title: string
  readonly rows?: Query.Dimension
  readonly columns?: Query.Dimension
  readonly chart: "bar" | "pie" | "stacked" | "none"
}

/**
 * The standard sections, in the order printed: the structure of the workforce by the dimensions of M28.1 and one
 * cross-tabulation.
 *
 * @since 0.1.0
 */
export const sections: ReadonlyArray<Section> = [
  { key: "stage", title: "按学段分布", rows: "stage", chart: "bar" },
  { key: "gender", title: "按性别分布", rows: "gender", chart: "pie" },
  { key: "ageBand", title: "按年龄段分布", rows: "ageBand", chart: "bar" },
  { key: "education", title: "按最高学历分布", rows: "education", chart: "bar" },
  { key: "title", title: "按专业技术职务分布", rows: "title", chart: "bar" },
  { key: "subject", title: "按任教学科分布", rows: "subject", chart: "bar" },
  { key: "urbanRural", title: "按城乡分布", rows: "urbanRural", chart: "pie" },
  { key: "region", title: "按行政区划分布", rows: "region", chart: "bar" },
  { key: "stageGender", title: "学段与性别交叉分析", rows: "stage", columns: "gender", chart: "stacked" }
]

/**
 * The queries of a report on `unitId` for `period`: one per section, counts and shares as of the period's last day.
 *
 * @since 0.1.0
 */
export const queries = (unitId: string, period: Query.Period): ReadonlyArray<Query.Query> =>
  sections.map((s) => ({
    unitId,
    ...(s.rows === undefined ? {} : { rows: s.rows }),
    ...(s.columns === undefined ? {} : { columns: s.columns }),
    measures: ["count", "share"],
    asOf: period.to
  }))

/**
 * The changes of a period within the subtree (M29.1): e-files created (onboardings), leavers by their new status,
 * completed transfers (by effective day) and rotations (by the first day of their period) into, out of and within
 * the subtree.
 *
 * @since 0.1.0
 */
export const Changes = Schema.Struct({
  onboardings: Schema.Number,
  leavers: Schema.Struct({
    resigned: Schema.Number,
    retired: Schema.Number,
    deceased: Schema.Number,
    transferredOut: Schema.Number
  }),
  transfers: Schema.Struct({ in: Schema.Number, out: Schema.Number, within: Schema.Number }),
  rotations: Schema.Struct({ in: Schema.Number, out: Schema.Number, within: Schema.Number })
})

/**
 * @since 0.1.0
 */
export type Changes = typeof Changes.Type

/**
 * The report (M29.1).
 *
 * @since 0.1.0
 */
export const Report = Schema.Struct({
  title: Schema.String,
  unit: Schema.Struct({ id: Schema.String, name: Schema.String, path: Schema.String }),
  period: Query.Period,
  generatedAt: Schema.String,
  queries: Schema.Array(Query.Query),
  tables: Schema.Array(Query.Result),
  changes: Changes,
  forecast: Forecast.Forecast
})

/**
 * @since 0.1.0
 */
export type Report = typeof Report.Type

/**
 * A dated move of an e-file by a completed process, as the changes count it: its day (a transfer's effective day, a
 * rotation's first day), the paths it went from and to, and whether it moved the e-file (a rotation without a change
 * of personnel relation leaves it where it was).
 *
 * @since 0.1.0
 */
export interface Move {
  readonly id: string
  readonly teacherId: string
  readonly kind: "transfer" | "rotation"
  readonly day: string
  readonly createdAt: string
  readonly from: string
  readonly to: string
  readonly movesEFile: boolean
}

/**
 * An e-file as the changes count it.
 *
 * @since 0.1.0
 */
export interface EFileFacts {
  readonly id: string
  readonly path: string
  readonly createdAt: string
  readonly statusHistory: ReadonlyArray<{ readonly status: string; readonly effective: string }>
}

const byDay = (a: Move, b: Move) =>
  a.day !== b.day ? (a.day < b.day ? -1 : 1) : a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? -1 : 1) : 0

/**
 * Where an e-file was on `day`: where its last move on or before that day took it, else where its first move took it
 * from, else where it is now.
 */
const pathAsOf = (moves: ReadonlyArray<Move>, current: string, day: string): string => {
  const moving = moves.filter((m) => m.movesEFile).sort(byDay)
  if (moving.length === 0) return current
  const last = moving.filter((m) => m.day <= day).at(-1)
  return last !== undefined ? last.to : moving[0]!.from
}

/**
 * The statuses by which a teacher leaves (离职, 退休, 死亡, 调出): the leavers the changes count.
 *
 * @since 0.1.0
 */
export const leavingStatuses = ["resigned", "retired", "deceased", "transferredOut"] as const

const leaving = new Set<string>(leavingStatuses)

/**
 * The changes of `period` in subtree(`path`) (M29.1), from the e-files in or ever moved through the subtree and the
 * completed processes touching it.
 *
 * @since 0.1.0
 */
export const changesOf = (
  path: string,
  period: Query.Period,
  efiles: ReadonlyArray<EFileFacts>,
  moves: ReadonlyArray<Move>
): Changes => {
  const inPeriod = (day: string) => day >= period.from && day <= period.to
  const movesOf = new Map<string, Array<Move>>()
  for (const m of moves) {
    const list = movesOf.get(m.teacherId)
    if (list === undefined) movesOf.set(m.teacherId, [m])
    else list.push(m)
  }
  const inside = (efile: EFileFacts, day: string) =>
    pathAsOf(movesOf.get(efile.id) ?? [], efile.path, day).startsWith(path)
  let onboardings = 0
  const leavers = { resigned: 0, retired: 0, deceased: 0, transferredOut: 0 }
  for (const efile of efiles) {
    const created = efile.createdAt.slice(0, 10)
    if (inPeriod(created) && inside(efile, created)) onboardings += 1
    for (const r of efile.statusHistory) {
      if (leaving.has(r.status) && inPeriod(r.effective) && inside(efile, r.effective)) {
        leavers[r.status as keyof typeof leavers] += 1
      }
    }
  }
  const transfers = { in: 0, out: 0, within: 0 }
  const rotations = { in: 0, out: 0, within: 0 }
  const seen = new Set<string>()
  for (const m of moves) {
    if (seen.has(m.id) || !inPeriod(m.day)) continue
    seen.add(m.id)
    const from = m.from.startsWith(path)
    const to = m.to.startsWith(path)
    const counts = m.kind === "transfer" ? transfers : rotations
    if (from && to) counts.within += 1
    else if (from) counts.out += 1
    else if (to) counts.in += 1
  }
  return { onboardings, leavers, transfers, rotations }
}

/**
 * The Chinese names of the changes, in the order printed.
 *
 * @since 0.1.0
 */
export const changeRows = (c: Changes): ReadonlyArray<readonly [string, number]> => [
  ["新入职（新建档案）", c.onboardings],
  ["调入", c.transfers.in],
  ["调出", c.transfers.out],
  ["辖区内调动", c.transfers.within],
  ["交流轮岗（交流出）", c.rotations.out],
  ["交流轮岗（交流入）", c.rotations.in],
  ["交流轮岗（辖区内）", c.rotations.within],
  ["离职", c.leavers.resigned],
  ["退休", c.leavers.retired],
  ["死亡", c.leavers.deceased],
  ["调出系统", c.leavers.transferredOut]
]

/**
 * The Chinese label of a forecast row's region (a GB/T 2260 code), level (a stage) or subject (a 任教学科 code).
 *
 * @since 0.1.0
 */
export const label = (what: "region" | "stage" | "subject", value: string): string => Profile.label(what, value)
