/**
 * What an adapter hands the storage conformance suite: a way to make a fresh database, and the capabilities it
 * offers (raw SQL for the tampering tests, a worker for concurrency across processes).
 *
 * @since 0.1.0
 */
import type { Storage } from "@tmis/core"
import type { Layer } from "effect"

/**
 * How a child process opens the same database: it imports `module` and calls its export `exportName` with
 * `args` (JSON), which must return a `Layer<Storage>`. For drivers that block their process while they wait
 * for a lock (better-sqlite3), concurrency is only real across processes.
 *
 * @since 0.1.0
 */
export interface WorkerSpec {
  /** An absolute path or a specifier of a module the child process imports. */
  readonly module: string
  readonly exportName: string
  /** JSON-serialisable arguments of the export. */
  readonly args: unknown
}

/**
 * A fresh, empty database made for one test.
 *
 * @since 0.1.0
 */
export interface TestDatabase {
  /** A new storage over THIS database, with its own connection(s); every call builds a new one. */
  readonly layer: () => Layer.Layer<Storage.Storage, Storage.StorageError>
  /** Remove the database and everything it holds. */
  readonly drop: () => Promise<void>
  /** Run concurrency tests in child processes opening this database (see {@link WorkerSpec}). */
  readonly worker?: WorkerSpec
  /**
   * Run one SQL statement on the database directly, bypassing the port: the suite uses it as an attacker with
   * database access would (M37.1). Tests that need it are skipped without it.
   */
  readonly raw?: (sql: string) => Promise<unknown>
  /**
   * The statements an attacker with database access runs to lift the audit log's append-only protection. When
   * absent, the suite tries those of the SQLite and Postgres adapters.
   */
  readonly unprotectAuditLog?: ReadonlyArray<string>
}

/**
 * An area of the storage conformance suite, each a `describe` block of that name (see `storageConformance`):
 *
 * - `model`: random command sequences against an in-memory model (M2.2, M12.1, M12.2, M14.4);
 * - `hierarchy`: units, paths, subtree pages, dated versions, the store's constraints (M2.1, M2.2, M12.1, M12.2, M14.3);
 * - `accounts`: one active system admin per unit, under concurrency too (M14.4);
 * - `audit`: one audit record and outbox event per change, an append-only, tamper-evident log (M37.1);
 * - `efiles`: one active e-file per identity number, duplicates, audited and masked reads, moves (M17.4, M37.2);
 * - `review`: onboarding and review, problem data, who fills what, departments (M21.1, M17.1, M17.3, M16.1, M20.1);
 * - `changes`: change requests at their base version and employment status history (M19.2, M22.1);
 * - `batchImport`: batch import of e-files (M16.2);
 * - `transfers`: transfers (M23.1, M23.2, M23.3, O4.1);
 * - `rotations`: rotations and one open process per teacher (M24.1, M24.2, M24.3, O4.1);
 * - `inbox`: the processes waiting for a unit and those it is party to (M23.1, M24.1, M24.2);
 * - `idempotency`: retried commands and idempotency keys;
 * - `crash`: a workflow process killed at random points (needs `TestDatabase.worker`);
 * - `credentials`: passwords, lockout, sessions (M37.2);
 * - `credits`: the credit bank's ledger, random sequences and races (O9.1);
 * - `training`: projects, providers, results and their confirmation (M25.1–M25.5).
 * - `updateCycles`: completions of update cycles, once per unit, and the late-unit report (M18.1).
 * - `spotChecks`: seeded, reproducible samples of a subtree, findings, change requests, published results (M17.2).
 * - `registrations`: registration rounds reviewed by the competent bureau, results recorded, credits applied (M26.1).
 * - `exchange`: the province → national exchange, in sequence and once, and cross-province feedback (M32.1, M17.4).
 * - `subscriptions`: the outbox's subscribers, their stored cursors, at-least-once delivery, compare-and-set (M27.1).
 * - `search`: e-files searched within one's scope, paged in the store, and a unit's change requests (M13.3, M13.4,
 *   M37.2, M19.2).
 *
 * @since 0.1.0
 */
export type Area =
  | "model"
  | "hierarchy"
  | "accounts"
  | "audit"
  | "efiles"
  | "review"
  | "changes"
  | "batchImport"
  | "transfers"
  | "rotations"
  | "inbox"
  | "idempotency"
  | "crash"
  | "credentials"
  | "credits"
  | "training"
  | "updateCycles"
  | "spotChecks"
  | "registrations"
  | "sharing"
  | "tokenNonces"
  | "subscriptions"
  | "exchange"
  | "transfersAcross"
  | "statistics"
  | "search"

/**
 * Options of the storage conformance suite.
 *
 * @since 0.1.0
 */
export interface ConformanceOptions {
  /** Skip the whole suite (e.g. the database is not reachable); it still shows, skipped. */
  readonly skip?: boolean
  /** Run only these areas (in the suite's order); default all. Read by `storageConformance` only. */
  readonly areas?: ReadonlyArray<Area>
  /**
   * Runs of the property tests over the store: the model-based test and the search and credit properties default
   * to 20, the slower ones (processes M23/M24, batch import M16.2, change requests, statistics) to 5 or 6.
   */
  readonly numRuns?: number
  /** Concurrent attempts in each concurrency test; default 20. */
  readonly attempts?: number
  /** With a worker: how many child processes share the attempts; default 4. */
  readonly processes?: number
  /** Without a worker: how many separate storages (connection pools) of one process share them; default 4. */
  readonly clients?: number
  /** Node options of the child processes; default `--import tsx` when the worker or the module is TypeScript. */
  readonly workerExecArgv?: ReadonlyArray<string>
  /** Timeout of each test, in ms; default 120 000. */
  readonly timeoutMs?: number
}
