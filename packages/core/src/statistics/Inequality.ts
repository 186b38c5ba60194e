/**
 * Inequality measures over schools for the comparison of resource allocation (资源配置, O10.1): how evenly a
 * quantity — the number of teachers, the share of teachers with a degree, of senior titles … — is spread over the
 * schools of a region. Pure functions of non-negative numbers.
 *
 * - The Gini index: the mean absolute difference of all pairs over twice the mean, G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² μ).
 *   0 when every school has the same; at most (n − 1)/n < 1 when one school has everything. Unchanged when every
 *   value is scaled by the same factor.
 * - The Theil index T = (1/n) Σᵢ (xᵢ/μ) ln(xᵢ/μ), with 0 · ln 0 = 0: 0 when equal, at most ln n; it splits into a
 *   within-group and a between-group part (urban and rural, regions), which {@link theilDecomposition} gives.
 * - The share of schools below a norm: the schools whose value is under it, over all schools.
 *
 * With no values, or all zero (nothing to distribute), the indices are 0.
 *
 * @since 0.1.0
 */

const mean = (xs: ReadonlyArray<number>): number => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length)

/**
 * The Gini index of non-negative values, in [0, 1).
 *
 * @since 0.1.0
 */
export const gini = (xs: ReadonlyArray<number>): number => {
  const n = xs.length
  const mu = mean(xs)
  if (n === 0 || mu <= 0) return 0
  // Sorted ascending, Σᵢ Σⱼ |xᵢ − xⱼ| = 2 Σᵢ (2i − n + 1) x₍ᵢ₎ (i from 0): O(n log n).
  const sorted = [...xs].sort((a, b) => a - b)
  let sum = 0
  for (let i = 0; i < n; i++) sum += (2 * i - n + 1) * sorted[i]!
  return Math.max(0, (2 * sum) / (2 * n * n * mu))
}

/**
 * The Theil index (T) of non-negative values, ≥ 0.
 *
 * @since 0.1.0
 */
export const theil = (xs: ReadonlyArray<number>): number => {
  const n = xs.length
  const mu = mean(xs)
  if (n === 0 || mu <= 0) return 0
  let t = 0
  for (const x of xs) if (x > 0) t += (x / mu) * Math.log(x / mu)
  return Math.max(0, t / n)
}

/**
 * The Theil index of groups of values split into the part within the groups (each group's index weighted by its
 * share of the total) and the part between them (the index of the group means, each school counted): total =
 * within + between.
 *
 * @since 0.1.0
 */
export const theilDecomposition = (
  groups: ReadonlyArray<ReadonlyArray<number>>
): { readonly total: number; readonly within: number; readonly between: number } => {
  const all = groups.flat()
  const total = theil(all)
  const sum = all.reduce((s, x) => s + x, 0)
  if (sum <= 0) return { total: 0, within: 0, between: 0 }
  let within = 0
  for (const g of groups) {
    const gs = g.reduce((s, x) => s + x, 0)
    if (gs > 0) within += (gs / sum) * theil(g)
  }
  return { total, within, between: Math.max(0, total - within) }
}

/**
 * The share of values below `norm` (0 with no values).
 *
 * @since 0.1.0
 */
export const shareBelow = (xs: ReadonlyArray<number>, norm: number): number =>
  xs.length === 0 ? 0 : xs.filter((x) => x < norm).length / xs.length
