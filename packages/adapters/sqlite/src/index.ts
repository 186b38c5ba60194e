/**
 * @tmis/adapter-sqlite — tmis storage on SQLite through better-sqlite3: WAL, `synchronous=FULL` by default,
 * `busy_timeout`, foreign keys on, one writer at a time (`begin immediate`).
 *
 * @since 0.1.0
 */

import { type Database, type Flavor, KyselyStorage } from "@tmis/adapter-kysely"
import type { Storage } from "@tmis/core"
import type { Layer } from "effect"
import { Kysely, type SqliteDatabase, SqliteDialect, sql } from "kysely"

/**
 * The part of a better-sqlite3 `Database` this adapter uses (typed structurally: better-sqlite3 is a peer).
 *
 * @since 0.1.0
 */
export interface BetterSqlite3Database extends SqliteDatabase {
  pragma(source: string, options?: { simple?: boolean }): unknown
}

/**
 * Options of {@link layer}.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The database file; created if missing. */
  readonly filename: string
  /** `FULL` (default) survives power loss in WAL mode; `NORMAL` is faster and may lose the last commits. */
  readonly synchronous?: "FULL" | "NORMAL"
  /** How long a writer waits for another's lock before SQLITE_BUSY, in ms; default 5000. */
  readonly busyTimeoutMs?: number
  readonly maxRetries?: number
}

const errorCode = (error: unknown): string =>
  typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : ""

/**
 * The SQLite flavor of the Kysely adapter.
 *
 * @since 0.1.0
 */
export const flavor: Flavor = {
  name: "sqlite",
  groupCommit: true,
  begin: "begin immediate",
  isRetryable: (error) => errorCode(error).startsWith("SQLITE_BUSY") || errorCode(error).startsWith("SQLITE_LOCKED"),
  uniqueViolation: (error) => {
    const code = errorCode(error)
    if (code !== "SQLITE_CONSTRAINT_UNIQUE" && code !== "SQLITE_CONSTRAINT_PRIMARYKEY") return undefined
    const message = error instanceof Error ? error.message : ""
    // "UNIQUE constraint failed: accounts.unit_id" or "UNIQUE constraint failed: index 'units_one_root'"
    const named = /index '([^']+)'/.exec(message)
    if (named !== null) return named[1]
    return /failed: ([\w.]+)/.exec(message)?.[1] ?? "unknown"
  },
  pathType: "text",
  pathTrigger: async (db) => {
    await sql`create trigger units_path_consistent before insert on units
      when new.parent_id is not null
        and new.path is not (select path from units where id = new.parent_id) || new.id || '/'
      begin select raise(abort, 'units.path must extend the parent''s path (M2.2)'); end`.execute(db)
  },
  appendOnlyTriggers: async (db) => {
    for (const event of ["update", "delete"]) {
      await sql
        .raw(
          `create trigger audit_log_no_${event} before ${event} on audit_log ` +
            `begin select raise(abort, 'audit_log is append-only (M37.1)'); end`
        )
        .execute(db)
    }
  }
}

/** How many prepared statements a database keeps: the adapter's statements are a few dozen texts. */
const statementCacheSize = 500

/**
 * The database with each SQL text prepared once and kept (least recently used first out): better-sqlite3 would
 * otherwise parse and plan every statement on every run. A kept statement still being iterated is not reused.
 */
const preparingOnce = (database: BetterSqlite3Database): BetterSqlite3Database => {
  const kept = new Map<string, ReturnType<BetterSqlite3Database["prepare"]>>()
  return {
    close: () => database.close(),
    pragma: (source, options) => database.pragma(source, options),
    prepare: (text) => {
      const found = kept.get(text)
      if (found !== undefined && !(found as { busy?: boolean }).busy) {
        kept.delete(text)
        kept.set(text, found)
        return found
      }
      const statement = database.prepare(text)
      kept.set(text, statement)
      if (kept.size > statementCacheSize) kept.delete(kept.keys().next().value!)
      return statement
    }
  }
}

/**
 * Open (or create) the database file with the durability and concurrency settings above.
 *
 * @since 0.1.0
 */
export const open = async (options: Options): Promise<BetterSqlite3Database> => {
  const { default: Database } = await import("better-sqlite3")
  const database = new Database(options.filename) as unknown as BetterSqlite3Database
  database.pragma("journal_mode = WAL")
  database.pragma(`synchronous = ${options.synchronous ?? "FULL"}`)
  database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`)
  database.pragma("foreign_keys = ON")
  return preparingOnce(database)
}

/**
 * The storage on a SQLite file: opens it, migrates it to the latest schema, and closes it with the layer's scope.
 *
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<Storage.Storage, Storage.StorageError> =>
  KyselyStorage.layer(
    async () => new Kysely<Database.Database>({ dialect: new SqliteDialect({ database: await open(options) }) }),
    flavor,
    { description: options.filename, ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }) }
  )
