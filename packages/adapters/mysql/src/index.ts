/**
 * @tmis/adapter-mysql — tmis storage on the MySQL family (MySQL 8, MariaDB ≥ 10.6; proven on MariaDB 10.11) through a
 * mysql2 pool: writers queue on a named lock of the database, transactions are serializable and re-run on deadlocks
 * and lock-wait timeouts (errors 1213, 1205); the indexes over some rows the family lacks are unique indexes over
 * generated columns.
 *
 * @since 0.1.0
 */
import { type Database, type Flavor, KyselyStorage } from "@tmis/adapter-kysely"
import type { Storage } from "@tmis/core"
import type { Layer } from "effect"
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  Kysely,
  MysqlAdapter,
  MysqlDialect,
  type MysqlPool,
  sql
} from "kysely"

/**
 * Options of {@link layer}.
 *
 * @since 0.1.0
 */
export interface Options {
  /** `mysql://user:password@host:port/database` */
  readonly connectionString: string
  /** Pool size; default 10. */
  readonly max?: number
  readonly maxRetries?: number
}

const errno = (error: unknown): number =>
  typeof error === "object" && error !== null && "errno" in error ? Number((error as { errno: unknown }).errno) : 0

/**
 * A deadlock rolls back the whole transaction, savepoints included: in a group commit the next `rollback to
 * savepoint` then fails with "SAVEPOINT … does not exist" (1305), and the whole group is re-run.
 */
const savepointLost = (error: unknown): boolean =>
  errno(error) === 1305 && error instanceof Error && /savepoint/i.test(error.message)

/** ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME. */
const duplicateErrors = [1062, 1586]

/**
 * The index a duplicate-key error names, as the other flavors name it: `<table>_pkey` for a primary key,
 * `<table>_<column>_key` for a one-column unique constraint (named after its column), else the index's own name.
 * MariaDB says `for key 'name'`, MySQL 8 `for key 'table.name'`; the table is read from the statement.
 */
const indexOf = (error: unknown): string | undefined => {
  if (!duplicateErrors.includes(errno(error))) return undefined
  const message = error instanceof Error ? error.message : String(error)
  const named = /for key '([^']*)'/.exec(message)?.[1] ?? "unknown"
  const key = named.includes(".") ? named.slice(named.lastIndexOf(".") + 1) : named
  const statement = String((error as { sql?: unknown }).sql ?? "")
  const table = /^\s*(?:insert(?:\s+ignore)?\s+into|update)\s+`?(\w+)`?/i.exec(statement)?.[1]
  if (key === "PRIMARY") return table === undefined ? "unknown_pkey" : `${table}_pkey`
  if (table !== undefined && !key.startsWith(`${table}_`)) return `${table}_${key}_key`
  return key
}

/** Text compared byte-wise: keys, paths and the ordering of keyset pages are in byte order, as on the others. */
const binaryText = (length: number) => `varchar(${length}) character set utf8mb4 collate utf8mb4_bin`

/** Separates the columns of a generated unique key (U+001F, which no key holds). */
const separator = "char(31)"

/**
 * The MySQL flavor of the Kysely adapter.
 *
 * @since 0.1.0
 */
export const flavor: Flavor = {
  name: "mysql",
  groupCommit: true,
  // A named lock of this database, taken before `start transaction`: the serializable snapshot is taken after the
  // previous writer committed, and writers of many processes queue instead of deadlocking on the audit chain.
  writersLock: {
    // A day: MariaDB reads a negative timeout (MySQL's "forever") as no lock at all.
    take: "do get_lock(concat('tmis_writers:', database()), 86400)",
    release: "do release_lock(concat('tmis_writers:', database()))"
  },
  // The isolation level is the session's (set on every new connection, see `pool`).
  begin: "start transaction",
  isRetryable: (error) => [1213, 1205].includes(errno(error)) || savepointLost(error),
  uniqueViolation: indexOf,
  // 760 characters of utf8mb4 is 3,040 bytes: under InnoDB's 3,072-byte bound of an index key.
  pathType: binaryText(760),
  // Three keys fit in one index (3 × 1,020 bytes).
  keyType: binaryText(255),
  // MySQL has no partial index: a stored, invisible generated column that holds the key where the row counts and
  // NULL elsewhere (a unique index admits many NULLs), and a unique index over it, named as the other flavors name it.
  partialUniqueIndex: async (db, index) => {
    const key = `concat_ws(${separator}, ${index.columns.join(", ")})`
    await sql
      .raw(
        `alter table ${index.table} add column ${index.name} ${binaryText(760)}
          generated always as (case when ${index.where} then ${key} end) stored invisible`
      )
      .execute(db)
    await sql.raw(`create unique index ${index.name} on ${index.table} (${index.name})`).execute(db)
  },
  concat: (parts) => sql<string>`concat(${sql.join(parts)})`,
  jsonText: (column, path) => sql.raw<string>(`json_value(${column}, '$.${path.join(".")}')`),
  returning: false,
  pathTrigger: async (db) => {
    await sql`create trigger units_path_consistent before insert on units for each row
      if new.parent_id is not null
        and not (new.path <=> (select concat(p.path, new.id, '/') from units p where p.id = new.parent_id)) then
        signal sqlstate '45000' set message_text = 'units.path must extend the parent''s path (M2.2)';
      end if`.execute(db)
  },
  // The family has no statement trigger on truncate: TRUNCATE needs the DROP privilege, which the application's
  // account must not hold (revoke UPDATE, DELETE and DROP on audit_log as a second layer; see docs/storage.md).
  appendOnlyTriggers: async (db) => {
    for (const event of ["update", "delete"]) {
      await sql
        .raw(
          `create trigger audit_log_no_${event} before ${event} on audit_log for each row
            signal sqlstate '45000' set message_text = 'audit_log is append-only (M37.1)'`
        )
        .execute(db)
    }
  }
}

/**
 * A mysql2 pool for the connection string (mysql2 is a peer dependency): utf8mb4 in byte order, affected rows
 * counted as matched rows (an optimistic update that changes nothing still counts as done), serializable sessions.
 *
 * @since 0.1.0
 */
export const pool = async (options: Options): Promise<MysqlPool> => {
  const mysql = await import("mysql2")
  const createPool = mysql.default?.createPool ?? (mysql as unknown as typeof mysql.default).createPool
  const created = createPool({
    uri: options.connectionString,
    connectionLimit: options.max ?? 10,
    charset: "UTF8MB4_BIN",
    flags: ["FOUND_ROWS"],
    // Large integers (outbox sequence numbers past 2^53) would be exact strings; tmis keeps them below.
    supportBigNumbers: false
  })
  // An idle connection the server ends is dropped by the pool; without a listener Node would crash the process.
  created.on("error" as never, () => {})
  return created as unknown as MysqlPool
}

const onCreateConnection = async (connection: DatabaseConnection) => {
  await connection.executeQuery(CompiledQuery.raw("set session transaction isolation level serializable"))
  // Strict: a value that does not fit is an error, never a truncated row.
  await connection.executeQuery(
    CompiledQuery.raw("set session sql_mode = concat(@@sql_mode, ',STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION')")
  )
}

/**
 * Kysely's MySQL adapter takes one migration lock for the whole server: migrating one database would hold up the
 * opening of every other (each open runs the migrator). The lock here is the database's own.
 */
class DatabaseMigrationLock extends MysqlAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`select get_lock(concat('tmis_migrations:', database()), 3600)`.execute(db)
  }
  override async releaseMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`select release_lock(concat('tmis_migrations:', database()))`.execute(db)
  }
}

class Dialect extends MysqlDialect {
  override createAdapter(): DialectAdapter {
    return new DatabaseMigrationLock()
  }
}

/**
 * A fresh database takes utf8mb4 in byte order as its default, so that the text columns of the schema that are not
 * keys (names, JSON documents) hold any Chinese text and compare as on the other flavors. A database that already
 * holds tables is left as it is.
 */
const prepare = async (db: Kysely<Database.Database>): Promise<void> => {
  const tables = await sql<{ n: number }>`select count(*) as n from information_schema.tables
    where table_schema = database()`.execute(db)
  if (Number(tables.rows[0]?.n ?? 0) === 0) {
    await sql`alter database character set utf8mb4 collate utf8mb4_bin`.execute(db)
  }
}

/**
 * The storage on a MySQL-family database: connects, migrates to the latest schema, and ends the pool with the
 * layer's scope.
 *
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<Storage.Storage, Storage.StorageError> =>
  KyselyStorage.layer(
    async () => {
      const db = new Kysely<Database.Database>({
        dialect: new Dialect({ pool: () => pool(options), onCreateConnection })
      })
      try {
        await prepare(db)
      } catch (error) {
        await db.destroy()
        throw error
      }
      return db
    },
    flavor,
    {
      description: options.connectionString.replace(/:[^:@/]*@/, ":***@"),
      ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries })
    }
  )
