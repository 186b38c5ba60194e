/**
 * The storage port: one repository per aggregate and a `transaction` combinator. Adapters (`@tmis/adapter-kysely`
 * over SQLite or Postgres, or a vendor's own) implement every method; the storage conformance suite of
 * `@tmis/testkit` proves them. Invariants that concurrency could break are the store's to enforce: one active
 * system admin per unit (M14.4), unique school codes (M12.1), one root, optimistic versions on every aggregate, an
 * append-only hash-chained audit log (M37.1).
 *
 * @since 0.1.0
 */
import { Context, type Effect, type Option, Schema } from "effect"
import type * as Account from "../accounts/Account.js"
import type * as ChangeRequest from "../efile/ChangeRequest.js"
import type * as EFile from "../efile/EFile.js"
import type * as SpotCheck from "../efile/SpotCheck.js"
import type * as UpdateCycle from "../efile/UpdateCycle.js"
import type * as ExchangePackage from "../exchange/Package.js"
import type * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"
import type * as Rotation from "../processes/Rotation.js"
import type * as Transfer from "../processes/Transfer.js"
import type * as Audit from "../security/AuditChain.js"
import type * as Credential from "../security/Credential.js"
import type * as Grant from "../sharing/Grant.js"
import type * as MachineClient from "../sharing/MachineClient.js"
import type * as SharingRequest from "../sharing/SharingRequest.js"
import type * as StatisticsAggregate from "../statistics/Aggregate.js"
import type * as CreditBank from "../training/CreditBank.js"
import type * as CreditConfirmation from "../training/CreditConfirmation.js"
import type * as TrainingProject from "../training/Project.js"
import type * as TrainingProvider from "../training/Provider.js"
import type * as Registration from "../training/Registration.js"
import type * as RegistrationRound from "../training/RegistrationRound.js"
import * as Constraint from "./Constraint.js"

/**
 * An unexpected failure of the store (connection lost, disk full, a constraint the port does not know). Not a
 * refusal of the regulation: callers usually let it fail the request.
 *
 * @since 0.1.0
 */
export class StorageError extends Schema.TaggedError<StorageError>()("StorageError", {
  operation: Schema.String,
  cause: Schema.Unknown
}) {
  override get message() {
    return `storage failed during ${this.operation}: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

/**
 * A write that expected a version of an aggregate that is no longer current: someone changed it meanwhile.
 * Nothing was written.
 *
 * @since 0.1.0
 */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", {
  entity: Schema.String,
  id: Schema.String,
  expectedVersion: Schema.Number
}) {
  override get message() {
    return `${this.entity} ${this.id} is no longer at version ${this.expectedVersion}: it changed meanwhile (数据已被他人修改)`
  }
}

/**
 * The aggregate asked for does not exist (or lies outside what the caller may see: the two look the same).
 *
 * @since 0.1.0
 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  entity: Schema.String,
  id: Schema.String
}) {
  override get message() {
    return `${this.entity} ${this.id} not found (未找到)`
  }
}

/**
 * A write the store refused because it would break an invariant it enforces (M14.4 one system admin, M17.4 one
 * active e-file per identity document, M24.3 one open process per teacher …). The adapter names the invariant
 * ({@link Constraint.Name}) and the offending values; the rule, the messages and the kind (`conflict`) come from
 * core, so that this is a refusal like every other ({@link Refusal.Shape}).
 *
 * @since 0.1.0
 */
export class ConstraintError extends Schema.TaggedError<ConstraintError>()("ConstraintError", {
  constraint: Constraint.Name,
  /**
   * The offending values as the adapter saw them (an identity number unmasked: `details` masks it), with the
   * adapter's `index` for logs and debugging: `details` names the constraint instead.
   */
  values: Schema.Record({ key: Schema.String, value: Schema.Unknown })
}) {
  /** The refusal this broken invariant is, with its rule and messages. */
  get refusal(): Refusal.Refusal {
    return Constraint.refusal(this.constraint, this.values)
  }
  get details(): Readonly<Record<string, unknown>> {
    return this.refusal.details
  }
  get kind(): Refusal.Kind {
    return "conflict"
  }
  get rule(): Refusal.RuleId {
    return this.refusal.rule
  }
  get zh(): string {
    return this.refusal.zh
  }
  get en(): string {
    return this.refusal.en
  }
  override get message() {
    return Refusal.format(this.refusal)
  }
}

/**
 * An aggregate as stored: its value and its version (1 when first written, +1 on every change).
 *
 * @since 0.1.0
 */
export interface Versioned<A> {
  readonly value: A
  readonly version: number
}

/**
 * A page of a keyset-paginated listing: `next` is the cursor of the following page, undefined on the last.
 *
 * @since 0.1.0
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly next: string | undefined
}

/**
 * Where a page starts and how long it is (at most 1000).
 *
 * @since 0.1.0
 */
export interface PageRequest {
  readonly after?: string | undefined
  readonly limit: number
}

/**
 * Units with their dated versions (M12.2).
 *
 * @since 0.1.0
 */
export interface UnitRepository {
  /** Insert a new unit and its first version. Refuses a second root, a used id or a used code. */
  readonly insert: (unit: Unit.Unit) => Effect.Effect<Versioned<Unit.Unit>, ConstraintError | StorageError>
  readonly get: (id: Unit.UnitId) => Effect.Effect<Option.Option<Versioned<Unit.Unit>>, StorageError>
  /**
   * Replace the current state by its next version if the stored version is `expectedVersion`, append the version
   * to the history, and, when the path changed (a move), re-path the whole subtree. Else `Conflict`, nothing written.
   */
  readonly update: (
    next: Unit.Unit,
    expectedVersion: number
  ) => Effect.Effect<Versioned<Unit.Unit>, Conflict | ConstraintError | StorageError>
  /**
   * Every version of a unit, oldest first: version n at position n - 1, from the first (inserted) to the current
   * one (`get`). `Units.versions` pages it and numbers it so.
   */
  readonly history: (id: Unit.UnitId) => Effect.Effect<ReadonlyArray<Unit.Unit>, StorageError>
  /** The root of the deployment, if created. */
  readonly root: () => Effect.Effect<Option.Option<Unit.Unit>, StorageError>
  /** subtree(U) by path prefix, in path order, one page at a time (the cursor is the last path). */
  readonly subtree: (rootPath: string, page: PageRequest) => Effect.Effect<Page<Unit.Unit>, StorageError>
}

/**
 * Accounts (M13–M15).
 *
 * @since 0.1.0
 */
export interface AccountRepository {
  /** Insert an account. A second active system admin of a unit is refused by the store itself (M14.4). */
  readonly insert: (
    account: Account.Account
  ) => Effect.Effect<Versioned<Account.Account>, ConstraintError | StorageError>
  readonly get: (id: Account.AccountId) => Effect.Effect<Option.Option<Versioned<Account.Account>>, StorageError>
  readonly update: (
    next: Account.Account,
    expectedVersion: number
  ) => Effect.Effect<Versioned<Account.Account>, Conflict | ConstraintError | StorageError>
  /** Every account of a unit, active and disabled, by id. */
  readonly byUnit: (unitId: Unit.UnitId) => Effect.Effect<ReadonlyArray<Account.Account>, StorageError>
  /** Has the unit ever had a system admin, active or not? (bootstrap happens once, M15.1) */
  readonly everHadSystemAdmin: (unitId: Unit.UnitId) => Effect.Effect<boolean, StorageError>
}

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
   * Identity documents held by more than one e-file, active or not (M17.4's report, for data that predates the
   * check or came from elsewhere), one page at a time by identity number.
   */
  readonly duplicates: (page: PageRequest) => Effect.Effect<Page<Duplicate>, StorageError>
}

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
}

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

/**
 * The password of an account as stored (M37.2): its scrypt hash, the hashes of its previous passwords (newest
 * first, the current one first) and what the login decision remembers. Never the password itself.
 *
 * @since 0.1.0
 */
export interface StoredCredential {
  readonly accountId: Account.AccountId
  readonly hash: string
  readonly history: ReadonlyArray<string>
  readonly login: Credential.LoginState
}

/**
 * Credentials, one per account (M37.2).
 *
 * @since 0.1.0
 */
export interface CredentialRepository {
  readonly get: (
    accountId: Account.AccountId
  ) => Effect.Effect<Option.Option<Versioned<StoredCredential>>, StorageError>
  /**
   * Insert the account's first credential when `expectedVersion` is undefined, else replace it if it is still at
   * `expectedVersion`. `Conflict` when the account already has one (insert) or it changed meanwhile (update);
   * nothing written.
   */
  readonly put: (
    credential: StoredCredential,
    expectedVersion: number | undefined
  ) => Effect.Effect<Versioned<StoredCredential>, Conflict | StorageError>
}

/**
 * A login session as stored: revoked sessions stay until deleted, so that a revoked id is never mistaken for an
 * unknown one in the audit log.
 *
 * @since 0.1.0
 */
export interface StoredSession extends Credential.Session {
  readonly revoked: boolean
}

/**
 * Login sessions (MLPS session timeout). Ids come from the caller (random, unguessable).
 *
 * @since 0.1.0
 */
export interface SessionRepository {
  /** Insert a session; a used id is refused. */
  readonly insert: (session: Credential.Session) => Effect.Effect<void, ConstraintError | StorageError>
  readonly get: (id: string) => Effect.Effect<Option.Option<StoredSession>, StorageError>
  /** Record a request of the session at `lastSeenAt` (ISO 8601); nothing when unknown or revoked. */
  readonly touch: (id: string, lastSeenAt: string) => Effect.Effect<void, StorageError>
  /** Revoke every session of an account that is not revoked yet; returns how many. */
  readonly revokeAllOf: (accountId: Account.AccountId) => Effect.Effect<number, StorageError>
  readonly delete: (id: string) => Effect.Effect<void, StorageError>
}

/**
 * The append-only, hash-chained audit log (M37.1).
 *
 * @since 0.1.0
 */
export interface AuditRepository {
  /** Append an entry after the current last one; appends are serialised so the chain never forks. */
  readonly append: (entry: Audit.Entry) => Effect.Effect<Audit.Record, StorageError>
  /** Records in order, one page at a time (the cursor is the last sequence number). */
  readonly list: (page: PageRequest) => Effect.Effect<Page<Audit.Record>, StorageError>
  /**
   * The records matching every filter of `query`, in order, one page at a time (the cursor is the last sequence
   * number). Invariant: across the pages every matching record comes exactly once, and no other.
   */
  readonly search: (query: AuditQuery, page: PageRequest) => Effect.Effect<Page<Audit.Record>, StorageError>
}

/**
 * A search of the audit log (M37.1): every filter given must hold.
 *
 * @since 0.1.0
 */
export interface AuditQuery {
  /**
   * Only records of actors acting from a unit of subtree(`unitPath`), by the unit's path now. Undefined: every
   * record, those with no unit too (bootstrap, requests refused before authentication).
   */
  readonly unitPath?: string | undefined
  /** Only records of this actor (an account id, `system` or `anonymous`). */
  readonly actor?: string | undefined
  /** Only records of this object (`workflow:…`, `unit:…`, `GET /…`), exactly. */
  readonly object?: string | undefined
  /** Only records whose `details.rule` is this rule id (refusals name their rule there). */
  readonly rule?: string | undefined
  /** Only records at or after this instant (ISO 8601, UTC, compared as text). */
  readonly from?: string | undefined
  /** Only records before this instant (ISO 8601, UTC, compared as text). */
  readonly to?: string | undefined
}

/**
 * Domain events of committed changes, for other systems to pick up (M30.1).
 *
 * @since 0.1.0
 */
export interface OutboxRepository {
  readonly append: (event: Audit.Event) => Effect.Effect<void, StorageError>
  readonly list: (page: PageRequest) => Effect.Effect<Page<Audit.Event & { readonly seq: number }>, StorageError>
}

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
  /** The entry of an idempotency key. */
  readonly byKey: (key: string) => Effect.Effect<Option.Option<CreditBank.Entry>, StorageError>
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
  readonly updateResult: (
    next: TrainingResult,
    expectedVersion: number
  ) => Effect.Effect<Versioned<TrainingResult>, Conflict | StorageError>
  /** The results awaiting `unitId`'s confirmation, by id. */
  readonly awaiting: (unitId: string) => Effect.Effect<ReadonlyArray<Versioned<TrainingResult>>, StorageError>
}

/**
 * A package as a deployment sent or received it (M32.1): the recipient (the national system's name or a province
 * code), the kind, the sequence, the cursors and the manifest digest.
 *
 * @since 0.1.0
 */
export interface ExchangeRecord {
  readonly peer: string
  readonly kind: ExchangePackage.Manifest["kind"]
  readonly sequence: number
  readonly from: number
  readonly to: number
  readonly digest: string
}

/**
 * The province → national exchange (M32.1). Under concurrency the store records a package sent or received once per
 * peer, kind and sequence number (`exchangeSequence`): two exports racing for the next number, or two ingests of one
 * package, get one record and one refusal — so a package is applied once, whatever the interleaving.
 *
 * @since 0.1.0
 */
export interface ExchangeRepository {
  /** The last package sent to `recipient` of `kind`, with the package itself. */
  readonly lastSent: (
    recipient: string,
    kind: ExchangePackage.Manifest["kind"]
  ) => Effect.Effect<Option.Option<ExchangeRecord & { readonly pkg: ExchangePackage.Package }>, StorageError>
  /** A package sent, by its sequence. */
  readonly sentAt: (
    recipient: string,
    kind: ExchangePackage.Manifest["kind"],
    sequence: number
  ) => Effect.Effect<Option.Option<ExchangeRecord & { readonly pkg: ExchangePackage.Package }>, StorageError>
  /** Record a package sent; a used sequence is refused (`exchangeSequence`). */
  readonly recordSent: (
    record: ExchangeRecord & { readonly pkg: ExchangePackage.Package; readonly at: string }
  ) => Effect.Effect<void, ConstraintError | StorageError>
  /** What was received from `issuer` of `kind`: the last sequence and its `to`, and the digest under `sequence`. */
  readonly received: (
    issuer: string,
    kind: ExchangePackage.Manifest["kind"],
    sequence: number
  ) => Effect.Effect<ExchangePackage.Received, StorageError>
  /** Record a package received; a used sequence is refused (`exchangeSequence`). */
  readonly recordReceived: (
    record: ExchangeRecord & { readonly rows: number; readonly at: string }
  ) => Effect.Effect<void, ConstraintError | StorageError>
  /** Province side: the e-files of these ids that exist, each with its entries (by entry id), for an export. */
  readonly efilesOf: (
    ids: ReadonlyArray<string>
  ) => Effect.Effect<
    ReadonlyArray<{ readonly efile: EFile.EFile; readonly entries: ReadonlyArray<EFile.Entry> }>,
    StorageError
  >
  /** National side: put a province's changed teachers' core indicators in place of what was held. */
  readonly putCore: (
    province: string,
    sequence: number,
    rows: ReadonlyArray<ExchangePackage.Change>
  ) => Effect.Effect<void, StorageError>
  /** National side: a province's teacher's core indicators as held. */
  readonly coreOf: (
    province: string,
    teacherId: string
  ) => Effect.Effect<Option.Option<ExchangePackage.Change>, StorageError>
  /** National side: how many teachers of a province are held. */
  readonly coreCount: (province: string) => Effect.Effect<number, StorageError>
  /** National side: the identities active in `province` and active in another province too (M17.4). */
  readonly crossDuplicates: (
    province: string
  ) => Effect.Effect<ReadonlyArray<ExchangePackage.CrossDuplicate>, StorageError>
  /** Province side: replace the cross-province duplicates fed back with those of feedback `sequence`. */
  readonly putDuplicates: (
    sequence: number,
    rows: ReadonlyArray<ExchangePackage.CrossDuplicate>
  ) => Effect.Effect<void, StorageError>
  /**
   * Province side: the duplicates fed back, grouped by identity document, one page at a time in identity order (the
   * cursor is "number:type" of the last one, as the teachers' duplicate report's).
   */
  readonly duplicates: (
    page: PageRequest
  ) => Effect.Effect<Page<Duplicate & { readonly provinces: ReadonlyArray<string> }>, StorageError>
}

/**
 * The aggregates of the workforce statistics (M28.1), kept in the transaction of every change of an e-file: each
 * active e-file's contribution (its path and profile) and the counters per (unit, dimensions, values) its
 * contribution adds one to at every unit above it (`statistics/Aggregate`). Under concurrency the store holds that
 * every counter equals the number of contributions that add to it: a counter is changed only by adding a delta in
 * the writer's transaction (`count = count + delta`, never a value read earlier and written back), and two writers
 * creating the same counter at once are serialised by its primary key (node, dims, values) — the loser is rolled
 * back and re-run.
 *
 * @since 0.1.0
 */
export interface StatisticsRepository {
  /** The stored contributions of these e-files; an e-file that contributes nothing is absent. */
  readonly contributions: (
    teacherIds: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyMap<string, StatisticsAggregate.Contribution>, StorageError>
  /**
   * Replace the contributions of these e-files (undefined: remove) and add the deltas to the counters (a counter
   * not yet stored starts at 0; one that reaches 0 may be removed), in the caller's transaction.
   */
  readonly apply: (
    contributions: ReadonlyArray<{
      readonly teacherId: string
      readonly contribution: StatisticsAggregate.Contribution | undefined
    }>,
    deltas: ReadonlyArray<StatisticsAggregate.Delta>
  ) => Effect.Effect<void, StorageError>
  /** The non-zero counters of the unit of path `node` for `dims` (a dimension or a pair, `Aggregate.dimsKey`). */
  readonly counts: (
    node: string,
    dims: string
  ) => Effect.Effect<ReadonlyArray<{ readonly values: string; readonly count: number }>, StorageError>
  /** The non-zero counters for `dims` of every unit of subtree(`rootPath`), its root included. */
  readonly countsUnder: (
    rootPath: string,
    dims: string
  ) => Effect.Effect<
    ReadonlyArray<{ readonly node: string; readonly values: string; readonly count: number }>,
    StorageError
  >
  /** Every non-zero counter of subtree(`rootPath`) by key (`node`, `dims`, `values` joined by NUL), for checks. */
  readonly all: (rootPath: string) => Effect.Effect<ReadonlyMap<string, number>, StorageError>
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

/**
 * A sharing request (M31.1) as stored: the persisted snapshot of `SharingRequest`'s machine.
 *
 * @since 0.1.0
 */
export interface StoredSharingRequest {
  readonly id: string
  readonly state: SharingRequest.State
  readonly context: SharingRequest.Context
  readonly createdAt: string
}

/**
 * Sharing requests, their grants and the machine clients bound to them (M30.1, M31.1, O11.1). Under concurrency the
 * store holds: one grant per request (`sharingGrantOfRequest`: two approvals racing yield one grant), unique
 * request, grant and client ids (`sharingId`), and optimistic versions on requests, grants and clients (a revocation
 * racing another change of the grant gets `Conflict`).
 *
 * @since 0.1.0
 */
export interface SharingRepository {
  /** Insert a request; a used id is refused (`sharingId`). */
  readonly insertRequest: (
    request: StoredSharingRequest
  ) => Effect.Effect<Versioned<StoredSharingRequest>, ConstraintError | StorageError>
  readonly getRequest: (id: string) => Effect.Effect<Option.Option<Versioned<StoredSharingRequest>>, StorageError>
  readonly updateRequest: (
    next: StoredSharingRequest,
    expectedVersion: number
  ) => Effect.Effect<Versioned<StoredSharingRequest>, Conflict | StorageError>
  /**
   * The requests whose owning bureau lies in subtree(`ownerPath`), by id, one page at a time (the cursor is the
   * last id), only those in `state` when given. Invariant: across the pages every such request comes exactly once.
   */
  readonly requestsIn: (
    ownerPath: string,
    state: SharingRequest.State | undefined,
    page: PageRequest
  ) => Effect.Effect<Page<Versioned<StoredSharingRequest>>, StorageError>
  /** Insert a grant; a second grant of one request (`sharingGrantOfRequest`) or a used id (`sharingId`) is refused. */
  readonly insertGrant: (grant: Grant.Grant) => Effect.Effect<Versioned<Grant.Grant>, ConstraintError | StorageError>
  readonly getGrant: (id: string) => Effect.Effect<Option.Option<Versioned<Grant.Grant>>, StorageError>
  readonly updateGrant: (
    next: Grant.Grant,
    expectedVersion: number
  ) => Effect.Effect<Versioned<Grant.Grant>, Conflict | StorageError>
  /**
   * The grants whose owning bureau lies in subtree(`ownerPath`), by id, one page at a time (the cursor is the last
   * id). Invariant: across the pages every such grant comes exactly once.
   */
  readonly grantsIn: (ownerPath: string, page: PageRequest) => Effect.Effect<Page<Versioned<Grant.Grant>>, StorageError>
  /** Insert a machine client; a used id is refused (`sharingId`). */
  readonly insertClient: (
    client: MachineClient.Client
  ) => Effect.Effect<Versioned<MachineClient.Client>, ConstraintError | StorageError>
  readonly getClient: (id: string) => Effect.Effect<Option.Option<Versioned<MachineClient.Client>>, StorageError>
  readonly updateClient: (
    next: MachineClient.Client,
    expectedVersion: number
  ) => Effect.Effect<Versioned<MachineClient.Client>, Conflict | StorageError>
  /** The clients bound to a grant, by id. */
  readonly clientsOf: (grantId: string) => Effect.Effect<ReadonlyArray<MachineClient.Client>, StorageError>
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
  readonly update: (
    next: RegistrationRound.Round,
    expectedVersion: number
  ) => Effect.Effect<Versioned<RegistrationRound.Round>, Conflict | StorageError>
  /** Record results in the e-files; a second result of a teacher for a cycle is refused (`registrationResult`). */
  readonly record: (results: ReadonlyArray<RegistrationResult>) => Effect.Effect<void, ConstraintError | StorageError>
  /** A teacher's recorded results, oldest cycle first. */
  readonly resultsOf: (teacherId: string) => Effect.Effect<ReadonlyArray<RegistrationResult>, StorageError>
}

/**
 * The storage port.
 *
 * @since 0.1.0
 */
export class Storage extends Context.Tag("@tmis/core/Storage")<
  Storage,
  {
    readonly units: UnitRepository
    readonly accounts: AccountRepository
    readonly teachers: TeacherRepository
    readonly entries: EntryRepository
    readonly changeRequests: ChangeRequestRepository
    readonly imports: ImportRepository
    readonly workflows: WorkflowRepository
    readonly idempotency: IdempotencyRepository
    readonly credentials: CredentialRepository
    readonly sessions: SessionRepository
    readonly audit: AuditRepository
    readonly outbox: OutboxRepository
    readonly credits: CreditRepository
    readonly training: TrainingRepository
    readonly updateCycles: UpdateCycleRepository
    readonly spotChecks: SpotCheckRepository
    readonly registrations: RegistrationRepository
    readonly exchange: ExchangeRepository
    readonly statistics: StatisticsRepository
    readonly sharing: SharingRepository
    /**
     * Run `effect` in one transaction: committed if it succeeds, rolled back if it fails (nothing half-written).
     * Nested calls join the outer transaction. An adapter may re-run the effect when the database reports a
     * serialization failure, so the effect must not have side effects outside the store.
     */
    readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageError, R>
  }
>() {}
