/**
 * The storage port: training projects, results, credits and the credit bank (M25, O9) and qualification registration
 * (M26).
 *
 * @since 0.1.0
 */
import type { Effect, Option } from "effect"
import type * as CreditBank from "../../training/CreditBank.js"
import type * as CreditConfirmation from "../../training/CreditConfirmation.js"
import type * as TrainingProject from "../../training/Project.js"
import type * as TrainingProvider from "../../training/Provider.js"
import type * as Registration from "../../training/Registration.js"
import type * as RegistrationRound from "../../training/RegistrationRound.js"
import type { Conflict, ConstraintError, Page, PageRequest, StorageError, Versioned } from "./Common.js"
import type { ActiveEFile, EffectiveRecord } from "./EFiles.js"

/**
 * The credit bank's ledger (O9.1): entries appended, never changed or deleted (the port has no update). Under
 * concurrency the store holds two invariants: an entry's idempotency key is used once (`creditKey`: a retried
 * confirmation cannot book twice), and a holding is settled — reversed, applied to a registration or converted — at
 * most once (`creditSettledOnce`: applied credits cannot be applied twice, nor applied and reversed).
 *
 * @since 0.1.0
 */
export interface CreditRepository {
  /**
   * Append entries, all or none (in the caller's transaction). Marking credits applied is appending their `apply`
   * entries. A used key or id is refused (`creditKey`); a holding settled a second time is refused
   * (`creditSettledOnce`).
   */
  readonly append: (entries: ReadonlyArray<CreditBank.Entry>) => Effect.Effect<void, ConstraintError | StorageError>
  /** A teacher's entries, oldest first (by instant, then id). */
  readonly byTeacher: (teacherId: string) => Effect.Effect<ReadonlyArray<CreditBank.Entry>, StorageError>
  /** The entries of many teachers at once, each teacher's as {@link byTeacher} gives them; one with none is absent. */
  readonly byTeachers: (
    teacherIds: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyMap<string, ReadonlyArray<CreditBank.Entry>>, StorageError>
  /** The entry of an idempotency key. */
  readonly byKey: (key: string) => Effect.Effect<Option.Option<CreditBank.Entry>, StorageError>
  /** The entries of many idempotency keys at once, by key, each as {@link byKey} gives it; a key unused is absent. */
  readonly byKeys: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, CreditBank.Entry>, StorageError>
}

/**
 * A training result as stored (M25.2–M25.5): the snapshot of its confirmation machine.
 *
 * @since 0.1.0
 */
export interface TrainingResult {
  readonly id: string
  readonly projectId: string
  readonly teacherId: string
  readonly state: CreditConfirmation.State
  readonly context: CreditConfirmation.Context
}

/**
 * Training providers, projects, enrolments and results (M25). Under concurrency the store holds unique ids, one
 * enrolment of a teacher in a project (`trainingEnrolment`), one result of a teacher in a project
 * (`trainingResult`), and an optimistic version on providers, projects (capacity: the count of enrolments is
 * written at the project's version) and results (a result is confirmed or rejected once).
 *
 * @since 0.1.0
 */
export interface TrainingRepository {
  readonly insertProvider: (
    provider: TrainingProvider.Provider
  ) => Effect.Effect<Versioned<TrainingProvider.Provider>, ConstraintError | StorageError>
  readonly getProvider: (id: string) => Effect.Effect<Option.Option<Versioned<TrainingProvider.Provider>>, StorageError>
  readonly updateProvider: (
    next: TrainingProvider.Provider,
    expectedVersion: number
  ) => Effect.Effect<Versioned<TrainingProvider.Provider>, Conflict | StorageError>
  readonly insertProject: (
    project: TrainingProject.Project
  ) => Effect.Effect<Versioned<TrainingProject.Project>, ConstraintError | StorageError>
  readonly getProject: (id: string) => Effect.Effect<Option.Option<Versioned<TrainingProject.Project>>, StorageError>
  readonly updateProject: (
    next: TrainingProject.Project,
    expectedVersion: number
  ) => Effect.Effect<Versioned<TrainingProject.Project>, Conflict | StorageError>
  /** The projects a unit owns, by id. */
  readonly projectsOf: (ownerUnitId: string) => Effect.Effect<ReadonlyArray<TrainingProject.Project>, StorageError>
  /** Enrol a teacher; a second enrolment in the same project is refused (`trainingEnrolment`). */
  readonly enrol: (enrolment: {
    readonly projectId: string
    readonly teacherId: string
    readonly by: string
    readonly at: string
  }) => Effect.Effect<void, ConstraintError | StorageError>
  readonly isEnrolled: (projectId: string, teacherId: string) => Effect.Effect<boolean, StorageError>
  /** Insert a result; a second result of a teacher in a project is refused (`trainingResult`). */
  readonly insertResult: (
    result: TrainingResult
  ) => Effect.Effect<Versioned<TrainingResult>, ConstraintError | StorageError>
  readonly getResult: (id: string) => Effect.Effect<Option.Option<Versioned<TrainingResult>>, StorageError>
  /** Many results at once, by id, each as {@link getResult} gives it; an id of no result is absent. */
  readonly getResults: (
    ids: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyMap<string, Versioned<TrainingResult>>, StorageError>
  readonly updateResult: (
    next: TrainingResult,
    expectedVersion: number
  ) => Effect.Effect<Versioned<TrainingResult>, Conflict | StorageError>
  /**
   * Update many results at once, each at its expected version, as that many {@link updateResult}s would (each result
   * at most once): when a result's version moved, a `Conflict` naming it, and the caller's transaction rolls back
   * what was written. The stored results in the order given.
   */
  readonly updateResults: (
    updates: ReadonlyArray<{ readonly next: TrainingResult; readonly expectedVersion: number }>
  ) => Effect.Effect<ReadonlyArray<Versioned<TrainingResult>>, Conflict | StorageError>
  /** The results awaiting `unitId`'s confirmation, by id. */
  readonly awaiting: (unitId: string) => Effect.Effect<ReadonlyArray<Versioned<TrainingResult>>, StorageError>
}

/**
 * A teacher's registration result as recorded in the e-file (M26.1): the cycle, the round, the outcome with its
 * reasons, and when the bureau confirmed it.
 *
 * @since 0.1.0
 */
export interface RegistrationResult {
  readonly teacherId: string
  readonly cycleFrom: string
  readonly cycleTo: string
  readonly roundId: string
  readonly outcome: Registration.Outcome
  readonly reasons: ReadonlyArray<Registration.Reason>
  readonly decidedAt: string
}

/**
 * Registration rounds (M26.1) and the results they record. Under concurrency the store holds one open round per
 * unit and cycle (`oneOpenRegistrationRound`), an optimistic version on every round (a confirmation commits once),
 * and one recorded result per teacher and cycle (`registrationResult`).
 *
 * @since 0.1.0
 */
export interface RegistrationRepository {
  /** Insert a round; a second open round of the unit and cycle, or a used id, is refused. */
  readonly insert: (
    round: RegistrationRound.Round
  ) => Effect.Effect<Versioned<RegistrationRound.Round>, ConstraintError | StorageError>
  readonly get: (id: string) => Effect.Effect<Option.Option<Versioned<RegistrationRound.Round>>, StorageError>
  /** Of `ids`, those of the rounds stored (a pass over many schools resumes with one read). */
  readonly existing: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlySet<string>, StorageError>
  readonly update: (
    next: RegistrationRound.Round,
    expectedVersion: number
  ) => Effect.Effect<Versioned<RegistrationRound.Round>, Conflict | StorageError>
  /** Record results in the e-files; a second result of a teacher for a cycle is refused (`registrationResult`). */
  readonly record: (results: ReadonlyArray<RegistrationResult>) => Effect.Effect<void, ConstraintError | StorageError>
  /** A teacher's recorded results, oldest cycle first. */
  readonly resultsOf: (teacherId: string) => Effect.Effect<ReadonlyArray<RegistrationResult>, StorageError>
  /**
   * What the decisions of a page of teachers read, in one read (a pass over a province reads a page after another):
   * the page of `teachers.activeInSubtree(unitPath, page)`, each e-file with its effective records of `groups`
   * (`entries.effectiveRecords`) and its credit-bank entries (`credits.byTeachers`). Invariant: the pages are those
   * of `activeInSubtree`, and each e-file's records and entries are those the reads by id give in the same
   * transaction.
   */
  readonly decisionInputs: (
    unitPath: string,
    groups: ReadonlyArray<string>,
    page: PageRequest
  ) => Effect.Effect<Page<DecisionInput>, StorageError>
}

/**
 * An active e-file with what its registration decision reads (`RegistrationRepository.decisionInputs`).
 *
 * @since 0.1.0
 */
export interface DecisionInput {
  readonly efile: ActiveEFile
  readonly records: ReadonlyArray<EffectiveRecord>
  readonly ledger: ReadonlyArray<CreditBank.Entry>
}
