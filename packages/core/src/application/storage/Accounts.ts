/**
 * The storage port: accounts, their credentials and sessions (M13–M15, M37.2).
 *
 * @since 0.1.0
 */
import type { Effect, Option } from "effect"
import type * as Account from "../../accounts/Account.js"
import type * as Unit from "../../hierarchy/Unit.js"
import type * as Credential from "../../security/Credential.js"
import type { Conflict, ConstraintError, StorageError, Versioned } from "./Common.js"

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
