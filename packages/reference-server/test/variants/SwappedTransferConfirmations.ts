/**
 * Broken: a transfer's first two confirmations are taken in swapped order — the sending school confirms before the
 * receiving school's competent bureau — violating M23.1 (the receiving bureau, then the sending school, then the
 * sending bureau).
 *
 * The store relabels an open transfer's state when the application reads it back, so that the transfer machine
 * awaits the sending school where the receiving bureau is due, and the receiving bureau after it:
 * stored `awaitingReceivingBureau` reads as `awaitingSendingSchool`, stored `awaitingSendingBureau` (written after
 * the sending school confirmed) as `awaitingReceivingBureau`, stored `awaitingSendingSchool` (written after the
 * bureau confirmed) as `awaitingSendingBureau`. Writes are stored as they are; queries by state (the inbox) ask for
 * the stored label. The result is a transfer whose order is sending school → receiving bureau → sending bureau.
 */
import type { Storage, Transfer } from "@tmis/core"
import { Effect, Option } from "effect"
import type { StorageService, Variant } from "./Variant.js"

/** The state the application sees for a stored state of a transfer. */
const view: Partial<Record<Transfer.State, Transfer.State>> = {
  awaitingReceivingBureau: "awaitingSendingSchool",
  awaitingSendingBureau: "awaitingReceivingBureau",
  awaitingSendingSchool: "awaitingSendingBureau"
}

/** The stored state of a state the application asks for. */
const stored = Object.fromEntries(Object.entries(view).map(([from, to]) => [to, from])) as Partial<
  Record<string, Transfer.State>
>

const relabel = <W extends Storage.Workflow>(workflow: W): W =>
  workflow.kind === "transfer" ? { ...workflow, state: view[workflow.state] ?? workflow.state } : workflow

const relabelVersioned = <W extends Storage.Versioned<Storage.Workflow>>(versioned: W): W => ({
  ...versioned,
  value: relabel(versioned.value)
})

const relabelQuery = (query: Storage.WorkflowQuery): Storage.WorkflowQuery => ({
  ...query,
  ...(query.awaited === undefined
    ? {}
    : {
        awaited: query.awaited.map((a) => (a.kind === "transfer" ? { ...a, state: stored[a.state] ?? a.state } : a))
      }),
  ...(query.state === undefined || query.kind === "rotation" ? {} : { state: stored[query.state] ?? query.state })
})

export const swappedTransferConfirmations: Variant = {
  name: "swapped-transfer-confirmations",
  rule: "M23.1",
  broken: "the sending school confirms a transfer before the receiving school's competent bureau",
  storage: (storage): StorageService => ({
    ...storage,
    workflows: {
      ...storage.workflows,
      get: (id) => Effect.map(storage.workflows.get(id), Option.map(relabelVersioned)),
      byTeacher: (teacherId) => Effect.map(storage.workflows.byTeacher(teacherId), (all) => all.map(relabelVersioned)),
      find: (query, page) =>
        Effect.map(storage.workflows.find(relabelQuery(query), page), (found) => ({
          ...found,
          items: found.items.map(relabelVersioned)
        }))
    }
  })
}
