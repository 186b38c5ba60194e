/**
 * The storage port: one repository per aggregate and a `transaction` combinator. Adapters (`@tmis/adapter-kysely`
 * over SQLite or Postgres, or a vendor's own) implement every method; the storage conformance suite of
 * `@tmis/testkit` proves them. Invariants that concurrency could break are the store's to enforce: one active
 * system admin per unit (M14.4), unique school codes (M12.1), one root, optimistic versions on every aggregate, an
 * append-only hash-chained audit log (M37.1).
 *
 * @since 0.1.0
 */
import { Context, type Effect } from "effect"
import type { AccountRepository, CredentialRepository, SessionRepository } from "./storage/Accounts.js"
import type { AuditRepository, OutboxRepository } from "./storage/Audit.js"
import type { StorageError } from "./storage/Common.js"
import type {
  ChangeRequestRepository,
  EntryRepository,
  ImportRepository,
  SpotCheckRepository,
  TeacherRepository,
  UpdateCycleRepository
} from "./storage/EFiles.js"
import type { ExchangeRepository } from "./storage/Exchange.js"
import type { UnitRepository } from "./storage/Hierarchy.js"
import type { SharingRepository } from "./storage/Sharing.js"
import type { StatisticsRepository } from "./storage/Statistics.js"
import type { SubscriptionRepository } from "./storage/Subscriptions.js"
import type { TokenNonceRepository } from "./storage/TokenNonces.js"
import type { CreditRepository, RegistrationRepository, TrainingRepository } from "./storage/Training.js"
import type { TransferAcrossRepository } from "./storage/TransfersAcross.js"
import type { IdempotencyRepository, WorkflowRepository } from "./storage/Workflows.js"

export type * from "./storage/Accounts.js"
export type * from "./storage/Audit.js"
export * from "./storage/Common.js"
export type * from "./storage/EFiles.js"
export type * from "./storage/Exchange.js"
export type * from "./storage/Hierarchy.js"
export type * from "./storage/Sharing.js"
export type * from "./storage/Statistics.js"
export type * from "./storage/Subscriptions.js"
export type * from "./storage/TokenNonces.js"
export type * from "./storage/Training.js"
export type * from "./storage/TransfersAcross.js"
export type * from "./storage/Workflows.js"

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
    readonly tokenNonces: TokenNonceRepository
    /** The stored cursors of the outbox's subscribers, local modules among them (M27.1). */
    readonly subscriptions: SubscriptionRepository
    /** The receiving side of transfers between provinces (M23.1 across provincial deployments). */
    readonly transfersAcross: TransferAcrossRepository
    /**
     * Run `effect` in one transaction: committed if it succeeds, rolled back if it fails (nothing half-written).
     * Nested calls join the outer transaction. An adapter may re-run the effect when the database reports a
     * serialization failure, so the effect must not have side effects outside the store.
     */
    readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageError, R>
  }
>() {}
