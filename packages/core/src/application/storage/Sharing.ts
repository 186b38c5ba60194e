/**
 * The storage port: sharing requests, grants and machine clients (M30, M31).
 *
 * @since 0.1.0
 */
import type { Effect, Option } from "effect"
import type * as Grant from "../../sharing/Grant.js"
import type * as MachineClient from "../../sharing/MachineClient.js"
import type * as SharingRequest from "../../sharing/SharingRequest.js"
import type { Conflict, ConstraintError, Page, PageRequest, StorageError, Versioned } from "./Common.js"

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
