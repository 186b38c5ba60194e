/**
 * Small-cell suppression (小数抑制) of a statistics table (M28.1, M37.2): a figure of 1 to k − 1 teachers could
 * single a person out (the one woman aged 60 or over at a school), so it is withheld — the primary suppression — and
 * so is, in every row and column (totals included) left with one withheld figure, a second figure — the
 * complementary suppression — so that no withheld figure is the difference of a total and the figures shown.
 *
 * The table is taken with its margins: (R + 1) × (C + 1) figures, the last column the row totals, the last row the
 * column totals, the corner the grand total. A line is a row or a column of it. The complementary figure of a line
 * is its smallest positive figure not yet withheld (a total if need be); this repeats until every line has none or
 * at least two withheld figures. Zeros are shown: a zero singles no one out. k is {@link threshold} (5).
 *
 * @since 0.1.0
 */

/**
 * The threshold k: a figure of 1 to k − 1 is withheld.
 *
 * @since 0.1.0
 */
export const threshold = 5

/**
 * Which figures are withheld, as a matrix of the same shape, and how many for each reason.
 *
 * @since 0.1.0
 */
export interface Suppressed {
  readonly hidden: ReadonlyArray<ReadonlyArray<boolean>>
  readonly primary: number
  readonly complementary: number
}

/**
 * The figures to withhold of a table with its margins (`table[r][c]`, the last row and column the totals; a table
 * of one column is its values and their total). A line of one figure has nothing to protect it by: only the
 * primary rule applies there.
 *
 * @since 0.1.0
 */
export const suppress = (table: ReadonlyArray<ReadonlyArray<number>>, k: number = threshold): Suppressed => {
  const hidden = table.map((row) => row.map((v) => v >= 1 && v < k))
  const primary = hidden.flat().filter(Boolean).length
  let complementary = 0
  const rows = table.length
  const cols = rows === 0 ? 0 : table[0]!.length
  const lines: Array<ReadonlyArray<readonly [number, number]>> = []
  for (let r = 0; r < rows; r++) lines.push(Array.from({ length: cols }, (_, c) => [r, c] as const))
  for (let c = 0; c < cols; c++) lines.push(Array.from({ length: rows }, (_, r) => [r, c] as const))
  let changed = true
  while (changed) {
    changed = false
    for (const line of lines) {
      if (line.length < 2) continue
      if (line.filter(([r, c]) => hidden[r]![c]).length !== 1) continue
      let pick: readonly [number, number] | undefined
      for (const [r, c] of line) {
        const v = table[r]![c]!
        if (hidden[r]![c] || v <= 0) continue
        if (pick === undefined || v < table[pick[0]]![pick[1]]!) pick = [r, c]
      }
      if (pick === undefined) continue
      hidden[pick[0]]![pick[1]] = true
      complementary++
      changed = true
    }
  }
  return { hidden, primary, complementary }
}
