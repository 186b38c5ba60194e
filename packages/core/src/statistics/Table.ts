/**
 * A statistics table from counts (M28.1): the values of the row and column dimensions in their order with their
 * Chinese labels, every inner cell (zeros too), the row and column totals and the grand total, small cells
 * suppressed ({@link Suppression.suppress}). Pure: the service hands it the counts, from the aggregates or a
 * recount.
 *
 * @since 0.1.0
 */
import * as Profile from "./Profile.js"
import * as Query from "./Query.js"
import * as Suppression from "./Suppression.js"

/**
 * A count of one combination of a row value and a column value (`""` where the query has no such dimension).
 *
 * @since 0.1.0
 */
export interface Count {
  readonly row: string
  readonly column: string
  readonly count: number
}

/**
 * The table of a result (everything but the query, the unit, the day and the source).
 *
 * @since 0.1.0
 */
export type Table = Pick<
  Query.Result,
  "rows" | "columns" | "cells" | "rowTotals" | "columnTotals" | "total" | "suppression"
>

const axis = (dimension: Query.Dimension | undefined, values: Iterable<string>) => ({
  dimension: dimension ?? null,
  label: dimension === undefined ? "" : Query.dimensionName[dimension],
  values:
    dimension === undefined
      ? []
      : [...new Set(values)]
          .sort((a, b) => Profile.compareValues(dimension, a, b))
          .map((value) => ({ value, label: Profile.label(dimension, value) }))
})

/**
 * Tabulate counts: `rows` and `columns` are the query's dimensions (either may be absent), `measures` whether
 * shares are given, `k` the suppression threshold.
 *
 * @since 0.1.0
 */
export const tabulate = (
  counts: ReadonlyArray<Count>,
  options: {
    readonly rows?: Query.Dimension | undefined
    readonly columns?: Query.Dimension | undefined
    readonly measures?: ReadonlyArray<Query.Measure> | undefined
    readonly k?: number | undefined
  }
): Table => {
  const rowAxis = axis(
    options.rows,
    counts.map((c) => c.row)
  )
  const colAxis = axis(
    options.rows === undefined ? undefined : options.columns,
    counts.map((c) => c.column)
  )
  const rowKeys = rowAxis.values.length === 0 ? [""] : rowAxis.values.map((v) => v.value)
  const colKeys = colAxis.values.length === 0 ? [""] : colAxis.values.map((v) => v.value)
  const at = new Map<string, number>()
  for (const c of counts) {
    const key = `${options.rows === undefined ? "" : c.row}\u0000${colAxis.values.length === 0 ? "" : c.column}`
    at.set(key, (at.get(key) ?? 0) + c.count)
  }
  const inner = rowKeys.map((r) => colKeys.map((c) => at.get(`${r}\u0000${c}`) ?? 0))
  const twoWay = colAxis.values.length > 0
  const oneWay = rowAxis.values.length > 0
  // The table with its margins: a two-way table has row totals, column totals and the corner; a one-way table its
  // values and their total; no dimension, the total only.
  const rowSums = inner.map((row) => row.reduce((s, v) => s + v, 0))
  const colSums = colKeys.map((_, c) => inner.reduce((s, row) => s + row[c]!, 0))
  const grand = rowSums.reduce((s, v) => s + v, 0)
  const full: Array<Array<number>> = twoWay
    ? [...inner.map((row, r) => [...row, rowSums[r]!]), [...colSums, grand]]
    : oneWay
      ? [...inner.map((row) => [row[0]!]), [grand]]
      : [[grand]]
  const { complementary, hidden, primary } = Suppression.suppress(full, options.k ?? Suppression.threshold)
  const withShare = options.measures?.includes("share") === true
  const grandHidden = hidden[full.length - 1]![full[0]!.length - 1]!
  const cell = (row: string, column: string, r: number, c: number): Query.Cell => {
    const count = full[r]![c]!
    const suppressed = hidden[r]![c]!
    return {
      row,
      column,
      count: suppressed ? null : count,
      ...(withShare ? { share: suppressed || grandHidden || grand === 0 ? null : count / grand } : {}),
      suppressed
    }
  }
  const R = rowKeys.length
  const C = colKeys.length
  return {
    rows: rowAxis,
    columns: colAxis,
    cells: oneWay ? rowKeys.flatMap((r, i) => colKeys.map((c, j) => cell(r, c, i, j))) : [],
    rowTotals: twoWay ? rowKeys.map((r, i) => cell(r, "", i, C)) : [],
    columnTotals: twoWay ? colKeys.map((c, j) => cell("", c, R, j)) : [],
    total: twoWay ? cell("", "", R, C) : oneWay ? cell("", "", R, 0) : cell("", "", 0, 0),
    suppression: { threshold: options.k ?? Suppression.threshold, primary, complementary }
  }
}
