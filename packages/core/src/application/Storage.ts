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
import type * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"
import type * as Rotation from "../processes/Rotation.js"
import type * as Transfer from "../processes/Transfer.js"
import type * as Audit from "../security/AuditChain.js"
import type * as Credential from "../security/Credential.js"
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
    /**
     * Run `effect` in one transaction: committed if it succeeds, rolled back if it fails (nothing half-written).
     * Nested calls join the outer transaction. An adapter may re-run the effect when the database reports a
     * serialization failure, so the effect must not have side effects outside the store.
     */
    readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageError, R>
  }
>() {}
