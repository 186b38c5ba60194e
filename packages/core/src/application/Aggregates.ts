/**
 * Keeping the statistics aggregates current (M28.1): every service that changes what is counted — onboarding, a new
 * entry, a review, an approved change, a status change, a completed transfer or rotation, a batch import — calls
 * {@link track} with the e-files it changed, in its own transaction. `track` computes each e-file's contribution
 * now (`statistics/Profile`), compares it with the stored one and adds the difference to the counters
 * (`statistics/Aggregate`), so the counters always equal a recount ({@link recount}).
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import * as EFile from "../efile/EFile.js"
import type * as Unit from "../hierarchy/Unit.js"
import * as Aggregate from "../statistics/Aggregate.js"
import * as Cohort from "../statistics/Cohort.js"
import * as Profile from "../statistics/Profile.js"
import * as Storage from "./Storage.js"

/**
 * The units of a path, root first (`/n/p/s/` → n, p, s), loaded once per call.
 */
const chainLoader = () => {
  const cache = new Map<string, Unit.Unit | undefined>()
  return (path: string) =>
    Effect.gen(function* () {
      const storage = yield* Storage.Storage
      const ids = path.split("/").filter((s) => s !== "")
      const chain: Array<Unit.Unit> = []
      for (const id of ids) {
        if (!cache.has(id))
          cache.set(id, Option.getOrUndefined(Option.map(yield* storage.units.get(id as Unit.UnitId), (v) => v.value)))
        const unit = cache.get(id)
        if (unit !== undefined) chain.push(unit)
      }
      return chain
    })
}

/** The unit path of an e-file's path: all but the e-file's own id. */
const unitPathOf = (path: string) => path.slice(0, path.lastIndexOf("/") + 1)

/**
 * The contribution of an e-file now: its profile and its forecast cohort (O8.1); undefined when it is not active
 * (it left the system, M17.4).
 *
 * @since 0.1.0
 */
export const contributionOf = (
  efile: EFile.EFile,
  entries: ReadonlyArray<EFile.Entry>,
  chain: ReadonlyArray<Unit.Unit>
): Aggregate.Contribution | undefined => {
  if (!EFile.isActive(efile)) return undefined
  const profile = Profile.of(efile, entries, chain)
  return { path: efile.path, profile, cohort: Cohort.keyOf(Cohort.personOf(profile, entries)) }
}

/**
 * Bring the aggregates of these e-files up to date, in the caller's transaction: their contributions now against
 * the stored ones, the difference added to the counters. Idempotent: a second call changes nothing.
 *
 * @since 0.1.0
 */
export const track = (teacherIds: Iterable<string>) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const ids = [...new Set(teacherIds)]
    if (ids.length === 0) return
    const stored = yield* storage.statistics.contributions(ids)
    const chainOf = chainLoader()
    const changes: Array<{ before: Aggregate.Contribution | undefined; after: Aggregate.Contribution | undefined }> = []
    const replaced: Array<{ teacherId: string; contribution: Aggregate.Contribution | undefined }> = []
    for (const id of ids) {
      const efile = yield* storage.teachers.get(id as EFile.TeacherId)
      let after: Aggregate.Contribution | undefined
      if (Option.isSome(efile)) {
        const entries = (yield* storage.entries.byTeacher(id as EFile.TeacherId)).map((e) => e.value)
        const chain = yield* chainOf(unitPathOf(efile.value.value.path))
        after = contributionOf(efile.value.value, entries, chain)
      }
      const before = stored.get(id)
      if (before === undefined && after === undefined) continue
      if (before !== undefined && after !== undefined && Aggregate.same(before, after)) continue
      changes.push({ before, after })
      replaced.push({ teacherId: id, contribution: after })
    }
    if (replaced.length === 0) return
    yield* storage.statistics.apply(replaced, Aggregate.deltas(changes))
  })

/**
 * Bring the aggregates of every e-file of subtree(`path`) up to date, a page at a time: after a unit changed (a
 * move re-paths its subtree; a new school type or code changes the profiles below it), and once over the root after
 * migration 0018 on a store that already held e-files, to give their contributions the forecast's cohort (O8.1).
 *
 * @since 0.1.0
 */
export const trackSubtree = (path: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    let after: string | undefined
    do {
      const page = yield* storage.teachers.subtree(path, { after, limit: 1000 })
      yield* track(page.items.map((e) => e.id))
      after = page.next
    } while (after !== undefined)
  })

/**
 * Bring the aggregates up to date for e-files the caller has just written with their entries (a batch import): no
 * reads of the e-files or entries, one of the stored contributions.
 *
 * @since 0.1.0
 */
export const trackWritten = (
  written: ReadonlyArray<{ readonly efile: EFile.EFile; readonly entries: ReadonlyArray<EFile.Entry> }>
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    if (written.length === 0) return
    const stored = yield* storage.statistics.contributions(written.map((w) => w.efile.id))
    const chainOf = chainLoader()
    const changes: Array<{ before: Aggregate.Contribution | undefined; after: Aggregate.Contribution | undefined }> = []
    const replaced: Array<{ teacherId: string; contribution: Aggregate.Contribution | undefined }> = []
    for (const { efile, entries } of written) {
      const chain = yield* chainOf(unitPathOf(efile.path))
      const after = contributionOf(efile, entries, chain)
      const before = stored.get(efile.id)
      if (before === undefined && after === undefined) continue
      if (before !== undefined && after !== undefined && Aggregate.same(before, after)) continue
      changes.push({ before, after })
      replaced.push({ teacherId: efile.id, contribution: after })
    }
    if (replaced.length === 0) return
    yield* storage.statistics.apply(replaced, Aggregate.deltas(changes))
  })

/**
 * The counters of subtree(`rootPath`) recounted from the e-files, their entries and units — every e-file read —
 * keyed as `StatisticsRepository.all` keys them: what the kept counters must equal. For checks, not for requests.
 *
 * @since 0.1.0
 */
export const recount = (rootPath: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const chainOf = chainLoader()
    const contributions: Array<Aggregate.Contribution> = []
    let after: string | undefined
    do {
      const page = yield* storage.teachers.subtree(rootPath, { after, limit: 1000 })
      const entriesOf = yield* storage.entries.byTeachers(page.items.map((e) => e.id))
      for (const efile of page.items) {
        const entries = (entriesOf.get(efile.id) ?? []).map((e) => e.value)
        const c = contributionOf(efile, entries, yield* chainOf(unitPathOf(efile.path)))
        if (c !== undefined) contributions.push(c)
      }
      after = page.next
    } while (after !== undefined)
    const counts = Aggregate.recount(contributions)
    // Only the counters at units of the subtree (an e-file also adds to the units above it).
    return new Map([...counts].filter(([key]) => key.startsWith(rootPath))) as ReadonlyMap<string, number>
  })
