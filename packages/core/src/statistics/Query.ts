/**
 * The query model of the workforce statistics (统计分析, M28.1): which subtree, which dimensions (one or a
 * cross-tabulation of two), which filters, as of which day — one effect Schema so that the server, the CLI and a
 * vendor's code ask the same way — and the shape of the answer: cells labelled in Chinese from the code tables, small
 * cells suppressed (see `Suppression`).
 *
 * The service that answers a query is `Analytics.run(actor, query)` (application layer): it authorizes the actor
 * for `ReadStatistics` at the query's unit (only the actor's subtree, M13.3) and evaluates the query on the
 * incrementally kept aggregates when it can, by a recount otherwise.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * A calendar day, `YYYY-MM-DD`.
 *
 * @since 0.1.0
 */
export const Day = Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/))

/**
 * What a teacher can be counted by (M28.1):
 *
 * - `level` 隶属层级: the level of the bureau the school hangs under (部属, 省属, 市属, 县属);
 * - `region` 行政区划: the GB/T 2260 division of the school (its county; see {@link RegionLevel});
 * - `urbanRural` 城乡: derived from the county's GB/T 2260 code (市辖区 → 城区, 县级市 → 镇区, 县 → 乡村);
 * - `schoolType` 办学类型 and `stage` 学段 of the school;
 * - `education` 最高学历 (GB/T 4658 categories), `title` 专业技术职务 (the current appointment's grade),
 *   `subject` 任教学科 (the latest teaching record), `gender` 性别 (GB/T 2261.1), `ageBand` 年龄段,
 *   `payBand` 年收入段 (the latest basic-pay year) and `status` 任职状态 of the teacher;
 * - `mobility` 流动: the completed transfers and rotations of the period in, out of and within the subtree (a count
 *   of moves, not of teachers).
 *
 * @since 0.1.0
 */
export const Dimension = Schema.Literal(
  "level",
  "region",
  "urbanRural",
  "schoolType",
  "stage",
  "education",
  "title",
  "subject",
  "gender",
  "ageBand",
  "payBand",
  "status",
  "mobility"
)

/**
 * @since 0.1.0
 */
export type Dimension = typeof Dimension.Type

/**
 * Every dimension, in the order above.
 *
 * @since 0.1.0
 */
export const dimensions: ReadonlyArray<Dimension> = Dimension.literals

/**
 * The dimensions of a teacher (all but `mobility`, which counts moves): the ones the aggregates are kept by.
 *
 * @since 0.1.0
 */
export const teacherDimensions: ReadonlyArray<Exclude<Dimension, "mobility">> = Dimension.literals.filter(
  (d): d is Exclude<Dimension, "mobility"> => d !== "mobility"
)

/**
 * The Chinese name of each dimension.
 *
 * @since 0.1.0
 */
export const dimensionName: Record<Dimension, string> = {
  level: "隶属层级",
  region: "行政区划",
  urbanRural: "城乡",
  schoolType: "办学类型",
  stage: "学段",
  education: "最高学历",
  title: "专业技术职务",
  subject: "任教学科",
  gender: "性别",
  ageBand: "年龄段",
  payBand: "年收入段",
  status: "任职状态",
  mobility: "流动"
}

/**
 * How fine the `region` dimension is: the province, the prefecture or the county (default) of the school.
 *
 * @since 0.1.0
 */
export const RegionLevel = Schema.Literal("province", "prefecture", "county")

/**
 * @since 0.1.0
 */
export type RegionLevel = typeof RegionLevel.Type

/**
 * What is counted in a cell: `count` the number of teachers (of moves, for `mobility`); `share` also the cell's
 * share of the table's total (0–1), withheld with the count when the cell is suppressed.
 *
 * @since 0.1.0
 */
export const Measure = Schema.Literal("count", "share")

/**
 * @since 0.1.0
 */
export type Measure = typeof Measure.Type

/**
 * Keep only teachers whose value of `dimension` is one of `values` (codes, as in a cell's `value`).
 *
 * @since 0.1.0
 */
export const Filter = Schema.Struct({
  dimension: Dimension,
  values: Schema.NonEmptyArray(Schema.String)
})

/**
 * @since 0.1.0
 */
export type Filter = typeof Filter.Type

/**
 * A period, both days included: the `mobility` dimension counts the moves effective in it.
 *
 * @since 0.1.0
 */
export const Period = Schema.Struct({ from: Day, to: Day })

/**
 * @since 0.1.0
 */
export type Period = typeof Period.Type

/**
 * Who is counted: `active` the teachers whose e-file is active on the day (任职 or 暂未任职; the default), `all` also
 * those who left (离职, 退休, 死亡, 调出) — read by a recount, never from the aggregates.
 *
 * @since 0.1.0
 */
export const Population = Schema.Literal("active", "all")

/**
 * @since 0.1.0
 */
export type Population = typeof Population.Type

/**
 * A statistics query (M28.1): the subtree of `unitId`, counted by `rows` (and crossed with `columns`), keeping the
 * teachers every filter admits, as of `asOf` (today when absent). No `rows`: one cell, the total.
 *
 * @since 0.1.0
 */
export const Query = Schema.Struct({
  unitId: Schema.String,
  rows: Schema.optional(Dimension),
  columns: Schema.optional(Dimension),
  filters: Schema.optional(Schema.Array(Filter)),
  measures: Schema.optional(Schema.Array(Measure)),
  asOf: Schema.optional(Day),
  period: Schema.optional(Period),
  regionLevel: Schema.optional(RegionLevel),
  population: Schema.optional(Population)
})

/**
 * @since 0.1.0
 */
export type Query = typeof Query.Type

/**
 * A value of a dimension: its code and its Chinese label.
 *
 * @since 0.1.0
 */
export const Value = Schema.Struct({ value: Schema.String, label: Schema.String })

/**
 * @since 0.1.0
 */
export type Value = typeof Value.Type

/**
 * One cell: the row's and column's values (`""` for a total, and for the column of a one-dimensional table), its
 * count and share — `null` when suppressed — and whether it is.
 *
 * @since 0.1.0
 */
export const Cell = Schema.Struct({
  row: Schema.String,
  column: Schema.String,
  count: Schema.NullOr(Schema.Number),
  share: Schema.optional(Schema.NullOr(Schema.Number)),
  suppressed: Schema.Boolean
})

/**
 * @since 0.1.0
 */
export type Cell = typeof Cell.Type

/**
 * How the table was protected: the threshold `k` (cells of 1 to k − 1 are suppressed), how many cells were
 * suppressed for being small (`primary`) and how many to protect them (`complementary`).
 *
 * @since 0.1.0
 */
export const SuppressionSummary = Schema.Struct({
  threshold: Schema.Number,
  primary: Schema.Number,
  complementary: Schema.Number
})

/**
 * The answer to a query: the unit, the day, the row and column values with their labels, the inner cells, the row
 * totals (`column: ""`), the column totals (`row: ""`) and the grand total (`row: "", column: ""`), and where the
 * figures came from (`aggregates`: the incrementally kept counts; `recount`: the e-files read).
 *
 * @since 0.1.0
 */
export const Result = Schema.Struct({
  query: Query,
  unit: Schema.Struct({ id: Schema.String, name: Schema.String, path: Schema.String }),
  asOf: Day,
  rows: Schema.Struct({ dimension: Schema.NullOr(Dimension), label: Schema.String, values: Schema.Array(Value) }),
  columns: Schema.Struct({ dimension: Schema.NullOr(Dimension), label: Schema.String, values: Schema.Array(Value) }),
  cells: Schema.Array(Cell),
  rowTotals: Schema.Array(Cell),
  columnTotals: Schema.Array(Cell),
  total: Cell,
  suppression: SuppressionSummary,
  source: Schema.Literal("aggregates", "recount")
})

/**
 * @since 0.1.0
 */
export type Result = typeof Result.Type
