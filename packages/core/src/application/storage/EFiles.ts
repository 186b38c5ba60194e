/**
 * The storage port: e-files, their entries, change requests, import batches, update cycles and spot checks (M16–M22,
 * M17.2, M18.1).
 *
 * @since 0.1.0
 */
import type { Effect, Option } from "effect"
import type * as ChangeRequest from "../../efile/ChangeRequest.js"
import type * as EFile from "../../efile/EFile.js"
import type * as EmploymentStatus from "../../efile/EmploymentStatus.js"
import type * as SpotCheck from "../../efile/SpotCheck.js"
import type * as UpdateCycle from "../../efile/UpdateCycle.js"
import type * as EFileFilter from "../EFileFilter.js"
import type { Conflict, ConstraintError, Page, PageRequest, StorageError, Versioned } from "./Common.js"

/**
 * Teachers' e-files (M21.1, M22.1). The store refuses a second active e-file with the same identity document
 * (M17.4), whatever the interleaving of writers.
 *
 * @since 0.1.0
 */
export interface TeacherRepository {
  /** Insert an e-file; a second active e-file of the same identity document is refused (M17.4). */
  readonly insert: (efile: EFile.EFile) => Effect.Effect<Versioned<EFile.EFile>, ConstraintError | StorageError>
  /**
   * Insert many e-files at once (batch import): those whose id is used or whose identity document already has an
   * active e-file (M17.4) are left out, not refused. Returns the ids of the e-files inserted.
   */
  readonly insertMany: (efiles: ReadonlyArray<EFile.EFile>) => Effect.Effect<ReadonlySet<EFile.TeacherId>, StorageError>
  readonly get: (id: EFile.TeacherId) => Effect.Effect<Option.Option<Versioned<EFile.EFile>>, StorageError>
  /**
   * The keeping unit of many e-files at once, by e-file id, without reading the e-files (a batch of confirmations
   * needs only where each teacher is kept, M25.4); an id of no e-file is absent.
   */
  readonly unitIdsOf: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, string>, StorageError>
  readonly update: (
    next: EFile.EFile,
    expectedVersion: number
  ) => Effect.Effect<Versioned<EFile.EFile>, Conflict | ConstraintError | StorageError>
  /** Every e-file, active or not, of an identity document. */
  readonly byIdentity: (
    idType: string,
    idNumber: string
  ) => Effect.Effect<ReadonlyArray<Versioned<EFile.EFile>>, StorageError>
  /** The e-files kept in subtree(U), by path, one page at a time (the cursor is the last path). */
  readonly subtree: (unitPath: string, page: PageRequest) => Effect.Effect<Page<EFile.EFile>, StorageError>
  /**
   * The e-files kept in subtree(U) that pass `filter` (see `EFileFilter.matches`), by path, one page at a time (the
   * cursor is the last path). Filtered by the store's query: every page but the last is full. Invariant: across the
   * pages every e-file that passes comes exactly once, in the order of `subtree`.
   */
  readonly search: (
    unitPath: string,
    filter: EFileFilter.Filter,
    page: PageRequest
  ) => Effect.Effect<Page<EFile.EFile>, StorageError>
  /**
   * The active e-files kept in subtree(U), by path, one page at a time (the cursor is the last path), each as a pass
   * over a whole province reads it ({@link ActiveEFile}: no identity, stage or creation). Invariant: across the pages
   * every active e-file of the subtree comes exactly once, in the order of `subtree`; every page but the last is
   * full.
   */
  readonly activeInSubtree: (unitPath: string, page: PageRequest) => Effect.Effect<Page<ActiveEFile>, StorageError>
  /**
   * The number of e-files kept in subtree(U) now whose `createdAt` is at or after `from` and before `before`
   * (compared as text): the onboardings of a report's period (M29.1), counted by the store instead of read.
   */
  readonly countCreated: (unitPath: string, from: string, before: string) => Effect.Effect<number, StorageError>
  /**
   * The e-files kept in subtree(U) now whose status history holds a record of one of `statuses`, at any date, by
   * path, one page at a time (the cursor is the last path): the e-files a report's leavers are among (M29.1).
   */
  readonly everOfStatus: (
    unitPath: string,
    statuses: ReadonlyArray<EmploymentStatus.Status>,
    page: PageRequest
  ) => Effect.Effect<Page<EFile.EFile>, StorageError>
  /**
   * Identity documents held by more than one e-file, active or not (M17.4's report, for data that predates the
   * check or came from elsewhere), one page at a time by identity number.
   */
  readonly duplicates: (page: PageRequest) => Effect.Effect<Page<Duplicate>, StorageError>
}

/**
 * An active e-file as a pass over a province reads it (registration rounds, M26.1): who, where it is kept, and its
 * status history.
 *
 * @since 0.1.0
 */
export type ActiveEFile = Pick<EFile.EFile, "id" | "unitId" | "path" | "name" | "statusHistory">

/**
 * An identity document held by more than one e-file.
 *
 * @since 0.1.0
 */
export interface Duplicate {
  readonly idType: string
  readonly idNumber: string
  readonly teachers: ReadonlyArray<EFile.TeacherId>
  /** The other provinces where the national system found the identity active too (its feedback, M17.4, M32.1). */
  readonly provinces?: ReadonlyArray<string>
}

/**
 * The entries of e-files, each with its review (M17.1, M19.1).
 *
 * @since 0.1.0
 */
export interface EntryRepository {
  readonly insert: (entry: EFile.Entry) => Effect.Effect<Versioned<EFile.Entry>, ConstraintError | StorageError>
  /** Insert many entries at once (batch import); an entry whose id is used is refused like `insert`. */
  readonly insertMany: (entries: ReadonlyArray<EFile.Entry>) => Effect.Effect<void, ConstraintError | StorageError>
  readonly get: (id: string) => Effect.Effect<Option.Option<Versioned<EFile.Entry>>, StorageError>
  readonly update: (
    next: EFile.Entry,
    expectedVersion: number
  ) => Effect.Effect<Versioned<EFile.Entry>, Conflict | StorageError>
  /** The entries of an e-file, by id. */
  readonly byTeacher: (teacherId: EFile.TeacherId) => Effect.Effect<ReadonlyArray<Versioned<EFile.Entry>>, StorageError>
  /**
   * The entries of many e-files at once (a page of a registration round): each teacher's as {@link byTeacher} gives
   * them; a teacher with none is absent from the map.
   */
  readonly byTeachers: (
    teacherIds: ReadonlyArray<EFile.TeacherId>
  ) => Effect.Effect<ReadonlyMap<EFile.TeacherId, ReadonlyArray<Versioned<EFile.Entry>>>, StorageError>
  /**
   * The records of the effective entries of `groups` of many e-files at once, each teacher's by entry id, without
   * their reviews (what a registration decision reads: annual assessments and ethics, M26.1); a teacher with none is
   * absent from the map.
   */
  readonly effectiveRecords: (
    teacherIds: ReadonlyArray<EFile.TeacherId>,
    groups: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyMap<EFile.TeacherId, ReadonlyArray<EffectiveRecord>>, StorageError>
}

/**
 * The record of an effective entry: its group and data.
 *
 * @since 0.1.0
 */
export type EffectiveRecord = Pick<EFile.Entry, "id" | "group" | "data">

/**
 * Change requests of effective entries (M19.2).
 *
 * @since 0.1.0
 */
export interface ChangeRequestRepository {
  readonly insert: (
    request: ChangeRequest.ChangeRequest
  ) => Effect.Effect<Versioned<ChangeRequest.ChangeRequest>, ConstraintError | StorageError>
  readonly get: (id: string) => Effect.Effect<Option.Option<Versioned<ChangeRequest.ChangeRequest>>, StorageError>
  readonly update: (
    next: ChangeRequest.ChangeRequest,
    expectedVersion: number
  ) => Effect.Effect<Versioned<ChangeRequest.ChangeRequest>, Conflict | StorageError>
  /**
   * The requests on the entries of the e-files kept in subtree(U) now (by the e-file's path), of one status or any,
   * by request id, one page at a time (the cursor is the last id). Each with the e-file it concerns.
   */
  readonly inSubtree: (
    unitPath: string,
    status: ChangeRequest.Status | undefined,
    page: PageRequest
  ) => Effect.Effect<Page<ListedChangeRequest>, StorageError>
}

/**
 * A change request as a unit's listing shows it: the request, its version, and the e-file of its entry.
 *
 * @since 0.1.0
 */
export interface ListedChangeRequest extends Versioned<ChangeRequest.ChangeRequest> {
  readonly teacherId: EFile.TeacherId
}

/**
 * The rows of batch imports already in (M16.2): a row is keyed by its batch and the hash of its content, so an
 * interrupted import run again skips what went in.
 *
 * @since 0.1.0
 */
export interface ImportRepository {
  /** Of these rows of a batch (line and content hash), the lines already imported with that content. */
  readonly imported: (
    batchId: string,
    rows: ReadonlyArray<{ readonly line: number; readonly hash: string }>
  ) => Effect.Effect<ReadonlySet<number>, StorageError>
  /** Record rows as imported, in the caller's transaction with the rows' e-files. */
  readonly record: (
    batchId: string,
    rows: ReadonlyArray<{ readonly hash: string; readonly line: number; readonly teacherId: EFile.TeacherId }>
  ) => Effect.Effect<void, StorageError>
  /** After a bulk load, outside a transaction: refresh the statistics the query planner chooses indexes by. */
  readonly refreshStatistics: Effect.Effect<void, StorageError>
}

/**
 * Units' completions of update cycles (M18.1). Under concurrency the store holds one completion per unit and cycle
 * (`updateCompletion`): two info admins recording the same completion at once get one record and one refusal.
 *
 * @since 0.1.0
 */
export interface UpdateCycleRepository {
  /** Record a completion; a second one of the same unit and cycle is refused (`updateCompletion`). */
  readonly complete: (completion: UpdateCycle.Completion) => Effect.Effect<void, ConstraintError | StorageError>
  /**
   * The units of subtree(`rootPath`), in path order, one page at a time (the cursor is the last path), each with the
   * day of its first version and its completion of `cycle` if recorded. Invariant: across the pages every unit of
   * the subtree comes exactly once.
   */
  readonly standings: (
    cycle: string,
    rootPath: string,
    page: PageRequest
  ) => Effect.Effect<Page<UpdateCycle.Standing>, StorageError>
}

/**
 * Spot checks (M17.2). Under concurrency the store holds unique check ids and an optimistic version on every check,
 * so that two findings or a finding and the publication never overwrite each other.
 *
 * @since 0.1.0
 */
export interface SpotCheckRepository {
  /** Insert a check; a used id is refused (`spotCheckId`). */
  readonly insert: (
    check: SpotCheck.SpotCheck
  ) => Effect.Effect<Versioned<SpotCheck.SpotCheck>, ConstraintError | StorageError>
  readonly get: (id: string) => Effect.Effect<Option.Option<Versioned<SpotCheck.SpotCheck>>, StorageError>
  /** Replace the check if it is still at `expectedVersion`; else `Conflict`, nothing written. */
  readonly update: (
    next: SpotCheck.SpotCheck,
    expectedVersion: number
  ) => Effect.Effect<Versioned<SpotCheck.SpotCheck>, Conflict | StorageError>
}
