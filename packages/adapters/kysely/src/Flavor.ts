/**
 * What differs between the SQL databases the Kysely adapter runs on: how a transaction begins, which errors mean
 * "try again", how a unique violation names its index, and the DDL that only one of them speaks.
 *
 * @since 0.1.0
 */
import type { Kysely, RawBuilder } from "kysely"

/**
 * @since 0.1.0
 */
export interface Flavor {
  readonly name: "sqlite" | "postgres" | (string & {})
  /** The statement that opens a read-write transaction (`begin immediate`, `begin isolation level serializable`). */
  readonly begin: string
  /** Transactions that wait for the one writer share the next commit: one disk sync for many. */
  readonly groupCommit: boolean
  /** Taken before `begin`, released after the end: writers queue rather than fail on the one audit chain. */
  readonly writersLock?: { readonly take: string; readonly release: string }
  /** A failure after which the whole transaction may be re-run (SQLITE_BUSY, SQLSTATE 40001/40P01). */
  readonly isRetryable: (error: unknown) => boolean
  /** The unique index or constraint a unique violation names, or undefined when the error is not one. */
  readonly uniqueViolation: (error: unknown) => string | undefined
  /** Column type for text compared byte-wise (paths): Postgres needs `collate "C"` for range scans. */
  readonly pathType: string
  /** Create the trigger that refuses a unit whose path does not extend its parent's (M2.2). */
  readonly pathTrigger: (db: Kysely<unknown>) => Promise<void>
  /** Create the triggers that make the audit log append-only (M37.1). */
  readonly appendOnlyTriggers: (db: Kysely<unknown>) => Promise<void>
  /** Column type of text in a key, an index or a foreign key; default `text` (MySQL indexes bounded text only). */
  readonly keyType?: string
  /**
   * Create a unique index over the rows where `where` holds; default a partial unique index. A database without
   * partial indexes (the MySQL family) builds it another way, for example over a generated column that is NULL where
   * the row does not count.
   */
  readonly partialUniqueIndex?: (db: Kysely<unknown>, index: PartialUniqueIndex) => Promise<void>
  /** String concatenation of SQL expressions; default `a || b` (the MySQL family's `||` is a logical or: `concat(…)`). */
  readonly concat?: (parts: ReadonlyArray<RawBuilder<unknown>>) => RawBuilder<string>
  /**
   * A text field of a JSON text column (`path` is constant, never input); default Postgres's `#>>` or SQLite's
   * `json_extract`. The MySQL family's `json_extract` returns JSON (a quoted string): `json_value`.
   */
  readonly jsonText?: (column: string, path: ReadonlyArray<string>) => RawBuilder<string>
  /** Whether inserts can skip conflicting rows and return the inserted ones (`on conflict … returning`); default true. */
  readonly returning?: boolean
}

/**
 * A unique index over some rows of a table: `where` is a boolean SQL expression over its columns.
 *
 * @since 0.1.0
 */
export interface PartialUniqueIndex {
  readonly name: string
  readonly table: string
  readonly columns: ReadonlyArray<string>
  readonly where: string
}
