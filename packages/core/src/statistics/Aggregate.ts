/**
 * The incrementally kept aggregates of the workforce statistics (M28.1): for every unit, the number of active
 * e-files of its subtree by each teacher dimension and by each pair of them — a counter per (unit, dimensions,
 * values), rolled up along the path. An e-file contributes its profile ({@link Profile.of}) to the counters of every
 * unit above it (its own unit included); a change of the e-file takes its old contribution out and puts its new one
 * in, in the same transaction. A query of one dimension or of two (with filters on them) reads the counters of one
 * unit: a handful of rows, whatever the size of the subtree.
 *
 * Pure: the deltas of a change. The store keeps each e-file's contribution and the counters
 * (`Storage.StatisticsRepository`), the `Aggregates` service computes and applies the deltas.
 *
 * @since 0.1.0
 */
import type * as Profile from "./Profile.js"
import * as Query from "./Query.js"

/**
 * What an active e-file contributes: where it is kept (its path), its profile and the key of its forecast cohort
 * (`statistics/Cohort`; absent in a contribution stored before cohorts were kept, which then adds to no cohort
 * counter until `Aggregates.trackSubtree` replaces it). An e-file that left the system (not active) contributes
 * nothing.
 *
 * @since 0.1.0
 */
export interface Contribution {
  readonly path: string
  readonly profile: Profile.Profile
  readonly cohort?: string | undefined
}

/**
 * The dimension of the forecast's cohorts (O8.1): not a query dimension, its counters are read by the forecast.
 *
 * @since 0.1.0
 */
export const cohortDims = "cohort"

/**
 * A counter: at the unit of path `node`, the e-files whose values of `dims` (one dimension, or two joined by `|` in
 * the order of {@link Query.dimensions}) are `values` (joined by `|` likewise).
 *
 * @since 0.1.0
 */
export interface Counter {
  readonly node: string
  readonly dims: string
  readonly values: string
}

/**
 * A change of a counter.
 *
 * @since 0.1.0
 */
export interface Delta extends Counter {
  readonly delta: number
}

/**
 * The key of one dimension or a pair, in the canonical order: `gender`, `education|gender`.
 *
 * @since 0.1.0
 */
export const dimsKey = (a: Profile.TeacherDimension, b?: Profile.TeacherDimension): string => {
  if (b === undefined || a === b) return a
  return Query.dimensions.indexOf(a) < Query.dimensions.indexOf(b) ? `${a}|${b}` : `${b}|${a}`
}

/**
 * The units above an e-file of this path, root first, its own unit last: `/n/p/s/t1` → `/n/`, `/n/p/`, `/n/p/s/`.
 *
 * @since 0.1.0
 */
export const nodesOf = (path: string): ReadonlyArray<string> => {
  const parts = path.split("/").slice(1, -1)
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}/`)
}

/**
 * The counters an e-file's contribution adds one to: at every unit above it, one per dimension, one per pair and
 * one for its cohort.
 *
 * @since 0.1.0
 */
export const countersOf = (contribution: Contribution): ReadonlyArray<Counter> => {
  const dims = Query.teacherDimensions
  const cells: Array<{ dims: string; values: string }> = []
  if (contribution.cohort !== undefined) cells.push({ dims: cohortDims, values: contribution.cohort })
  for (let i = 0; i < dims.length; i++) {
    const a = dims[i]!
    cells.push({ dims: a, values: contribution.profile[a] })
    for (let j = i + 1; j < dims.length; j++) {
      const b = dims[j]!
      cells.push({ dims: `${a}|${b}`, values: `${contribution.profile[a]}|${contribution.profile[b]}` })
    }
  }
  return nodesOf(contribution.path).flatMap((node) => cells.map((c) => ({ node, ...c })))
}

/**
 * The deltas of changes from old contributions to new ones (undefined: none), merged by counter, zeros left out.
 *
 * @since 0.1.0
 */
export const deltas = (
  changes: Iterable<{ readonly before: Contribution | undefined; readonly after: Contribution | undefined }>
): ReadonlyArray<Delta> => {
  // Summed at each e-file's own unit first, then rolled up to the units above: an e-file costs its 78 cells once,
  // not once per level (a county's import of ten thousand teachers has a few thousand distinct cells per school).
  const byUnit = new Map<string, Map<string, number>>()
  const add = (c: Contribution, w: number) => {
    const unit = unitOf(c.path)
    const cells = byUnit.get(unit) ?? new Map<string, number>()
    byUnit.set(unit, cells)
    if (c.cohort !== undefined) {
      const key = `${cohortDims}\u0000${c.cohort}`
      cells.set(key, (cells.get(key) ?? 0) + w)
    }
    const dims = Query.teacherDimensions
    for (let i = 0; i < dims.length; i++) {
      const a = c.profile[dims[i]!]
      const key = `${dims[i]}\u0000${a}`
      cells.set(key, (cells.get(key) ?? 0) + w)
      for (let j = i + 1; j < dims.length; j++) {
        const pair = `${dims[i]}|${dims[j]}\u0000${a}|${c.profile[dims[j]!]}`
        cells.set(pair, (cells.get(pair) ?? 0) + w)
      }
    }
  }
  for (const { after, before } of changes) {
    if (before !== undefined && after !== undefined && same(before, after)) continue
    if (before !== undefined) add(before, -1)
    if (after !== undefined) add(after, 1)
  }
  const byNode = new Map<string, Map<string, number>>()
  for (const [unit, cells] of byUnit) {
    for (const node of nodesOf(`${unit}-`)) {
      const sum = byNode.get(node) ?? new Map<string, number>()
      byNode.set(node, sum)
      for (const [key, w] of cells) sum.set(key, (sum.get(key) ?? 0) + w)
    }
  }
  const out: Array<Delta> = []
  for (const [node, cells] of byNode) {
    for (const [key, delta] of cells) {
      if (delta === 0) continue
      const at = key.indexOf("\u0000")
      out.push({ node, dims: key.slice(0, at), values: key.slice(at + 1), delta })
    }
  }
  return out
}

/** The unit path of an e-file's path: all but the e-file's own id. */
const unitOf = (path: string) => path.slice(0, path.lastIndexOf("/") + 1)

/**
 * Whether two contributions are the same (nothing to change).
 *
 * @since 0.1.0
 */
export const same = (a: Contribution, b: Contribution): boolean =>
  a.path === b.path && a.cohort === b.cohort && Query.teacherDimensions.every((d) => a.profile[d] === b.profile[d])

/**
 * The counters of a set of contributions counted from scratch: what the kept counters must equal (the recount the
 * conformance property compares them with).
 *
 * @since 0.1.0
 */
export const recount = (contributions: Iterable<Contribution>): ReadonlyMap<string, number> => {
  const counts = new Map<string, number>()
  for (const c of contributions) {
    for (const counter of countersOf(c)) {
      const key = `${counter.node}\u0000${counter.dims}\u0000${counter.values}`
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
  }
  return counts
}
