/**
 * Statistics (统计) of the workforce in a subtree (M22.1, M28.1): today the counts by employment status as of any
 * day, each e-file counted where it was on that day.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type * as Authorization from "../accounts/Authorization.js"
import * as EmploymentStatus from "../efile/EmploymentStatus.js"
import * as Rotation from "../processes/Rotation.js"
import * as Storage from "./Storage.js"
import * as Units from "./Units.js"

/** A dated move of an e-file: a completed transfer (its effective day) or rotation changing the personnel relation. */
interface Move {
  readonly day: string
  readonly createdAt: string
  readonly id: string
  readonly from: string
  readonly to: string
}

/** The move a completed process made, if it moved the e-file (O4.1): dated by its effective day or period start. */
const moveOf = (workflow: Storage.Workflow): Move | undefined => {
  if (workflow.state !== "completed") return undefined
  const { from, to } = workflow.context
  const base = { createdAt: workflow.createdAt, id: workflow.id, from: from.path, to: to.path }
  if (workflow.kind === "transfer") return { ...base, day: workflow.context.effective }
  return Rotation.movesEFile(workflow.context) ? { ...base, day: workflow.context.period.start } : undefined
}

/**
 * The path of the unit an e-file was in on `day`: where its last move on or before that day took it, else where its
 * first move took it from, else where it is now. `moves` need only be those touching the subtree asked about: a move
 * that leaves the subtree out of view starts and ends outside it, so whether the e-file was inside is unchanged.
 */
const pathAsOf = (moves: ReadonlyArray<Move>, current: string, day: string): string => {
  if (moves.length === 0) return current
  const sorted = [...moves].sort((a, b) =>
    a.day !== b.day ? (a.day < b.day ? -1 : 1) : a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? -1 : 1) : 0
  )
  const last = sorted.filter((m) => m.day <= day).at(-1)
  return last !== undefined ? last.to : sorted[0]!.from
}

/**
 * The number of teachers by employment status in subtree(unit) as of `day` (M22.1, M28.1): each e-file counted where
 * it was on that day — its dated moves are the completed transfers (effective day) and rotations with a change of
 * personnel relation (period start) — so a teacher who arrived after the day is not counted, and one who left after
 * it is. Two paged reads (the subtree's e-files, the completed processes touching it), none per teacher.
 *
 * @since 0.1.0
 */
export const countByStatus = (actor: Authorization.Actor, unitId: string, day: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const unit = (yield* Units.load(unitId)).value
    yield* Units.authorize(actor, { _tag: "ReadStatistics", unit: Units.ref(unit) })
    const efiles = new Map<string, { readonly history: EmploymentStatus.History; readonly path: string }>()
    let after: string | undefined
    do {
      const page = yield* storage.teachers.subtree(unit.path, { after, limit: 1000 })
      for (const efile of page.items) efiles.set(efile.id, { history: efile.statusHistory, path: efile.path })
      after = page.next
    } while (after !== undefined)
    const moves = new Map<string, Array<Move>>()
    let cursor: string | undefined
    do {
      const page = yield* storage.workflows.completedIn(unit.path, { after: cursor, limit: 1000 })
      for (const { workflow, efile } of page.items) {
        const move = moveOf(workflow)
        if (move === undefined) continue
        if (!efiles.has(efile.id)) efiles.set(efile.id, { history: efile.statusHistory, path: efile.path })
        const list = moves.get(efile.id)
        if (list === undefined) moves.set(efile.id, [move])
        else list.push(move)
      }
      cursor = page.next
    } while (cursor !== undefined)
    const histories: Array<EmploymentStatus.History> = []
    for (const [id, { history, path }] of efiles) {
      if (pathAsOf(moves.get(id) ?? [], path, day).startsWith(unit.path)) histories.push(history)
    }
    return EmploymentStatus.countByStatus(histories, day)
  })
