/**
 * The storage port: transfers and rotations (M23, M24) and the idempotency keys of their commands.
 *
 * @since 0.1.0
 */
import type { Effect, Option } from "effect"
import type * as EFile from "../../efile/EFile.js"
import type * as Unit from "../../hierarchy/Unit.js"
import type * as Rotation from "../../processes/Rotation.js"
import type * as Transfer from "../../processes/Transfer.js"
import type { Conflict, ConstraintError, Page, PageRequest, StorageError, Versioned } from "./Common.js"

/**
 * A business process of one teacher as stored: a transfer (M23) or a rotation (M24), the persisted snapshot of its
 * machine (state and context), and whether it is still open.
 *
 * @since 0.1.0
 */
export type Workflow = TransferWorkflow | RotationWorkflow

/**
 * What every stored process has, whatever its kind.
 *
 * @since 0.1.0
 */
export interface WorkflowBase {
  readonly id: string
  readonly teacherId: EFile.TeacherId
  readonly open: boolean
  readonly createdAt: string
}

/**
 * A transfer (调动, M23) as stored: the snapshot of {@link Transfer}'s machine.
 *
 * @since 0.1.0
 */
export interface TransferWorkflow extends WorkflowBase {
  readonly kind: "transfer"
  readonly state: Transfer.State
  readonly context: Transfer.Context
}

/**
 * A rotation (交流轮岗, M24) as stored: the snapshot of {@link Rotation}'s machine.
 *
 * @since 0.1.0
 */
export interface RotationWorkflow extends WorkflowBase {
  readonly kind: "rotation"
  readonly state: Rotation.State
  readonly context: Rotation.Context
}

/**
 * Transfers and rotations (M23, M24). The store refuses a second open process of a teacher (M24.3), whatever the
 * interleaving of writers.
 *
 * @since 0.1.0
 */
export interface WorkflowRepository {
  /** Insert a process; a second open one of the same teacher is refused (M24.3). */
  readonly insert: (workflow: Workflow) => Effect.Effect<Versioned<Workflow>, ConstraintError | StorageError>
  readonly get: (id: string) => Effect.Effect<Option.Option<Versioned<Workflow>>, StorageError>
  readonly update: (
    next: Workflow,
    expectedVersion: number
  ) => Effect.Effect<Versioned<Workflow>, Conflict | StorageError>
  /** The processes of a teacher, oldest first. */
  readonly byTeacher: (teacherId: EFile.TeacherId) => Effect.Effect<ReadonlyArray<Versioned<Workflow>>, StorageError>
  /**
   * The completed processes whose sending or receiving unit lies in subtree(`unitPath`) — `context.from.path` or
   * `context.to.path` starts with `unitPath` — each with the e-file it concerns as stored now; keyset-paginated by
   * process id. Invariant: across the pages every such process comes exactly once, and no other. The as-of
   * statistics read the dated moves of e-files from them (M22.1, M28.1): one query per page, not per teacher.
   */
  readonly completedIn: (
    unitPath: string,
    page: PageRequest
  ) => Effect.Effect<Page<{ readonly workflow: Workflow; readonly efile: EFile.EFile }>, StorageError>
  /**
   * The processes matching `query` — an end (`context.from` or `context.to`) at one of `query.places` relative to
   * `query.unitPath`: of the place's kind, in subtree(`unitPath`), exactly `depth` levels below it (counting `/`) —
   * oldest first, keyset-paginated by creation instant and id. Invariant: across the pages every such process comes
   * exactly once, and no other. Serves the inbox and the processes a unit is party to (M23.1, M24.1, M24.2).
   */
  readonly find: (query: WorkflowQuery, page: PageRequest) => Effect.Effect<Page<Versioned<Workflow>>, StorageError>
}

/**
 * Where an end of a process lies relative to a unit: its kind and how many levels below the unit.
 *
 * @since 0.1.0
 */
export interface WorkflowPlace {
  readonly kind: Unit.Kind
  readonly depth: number
}

/**
 * An end awaited in a state: in `state`, a process of `kind` waits for a party at its `end`.
 *
 * @since 0.1.0
 */
export interface AwaitedEnd {
  readonly kind: Workflow["kind"]
  readonly state: string
  readonly end: "from" | "to"
}

/**
 * What {@link WorkflowRepository.find} looks for. Data only: core derives the places and the awaited ends from
 * the regulation (`Authorization.partyPlaces`, the chains' steps); the store compares paths, kinds and states.
 *
 * @since 0.1.0
 */
export interface WorkflowQuery {
  /** The unit the places are relative to, by its path. */
  readonly unitPath: string
  /** The places an end must lie at (none: no process matches). */
  readonly places: ReadonlyArray<WorkflowPlace>
  /**
   * Which end must lie there. Undefined: either end (the processes the unit is party to). Else, only a process in
   * one of these (kind, state) pairs, by the end awaited in that state (the processes waiting for the unit).
   */
  readonly awaited?: ReadonlyArray<AwaitedEnd> | undefined
  /** Only processes of this kind. */
  readonly kind?: Workflow["kind"] | undefined
  /** Only processes in this state. */
  readonly state?: string | undefined
}

/**
 * The results of commands by idempotency key: a retried command returns the stored result and changes nothing twice.
 *
 * @since 0.1.0
 */
export interface IdempotencyRepository {
  readonly get: (
    key: string
  ) => Effect.Effect<Option.Option<{ readonly command: string; readonly result: unknown }>, StorageError>
  /** Store a result under a key, in the command's transaction; a used key is refused. */
  readonly put: (key: string, command: string, result: unknown) => Effect.Effect<void, ConstraintError | StorageError>
}
