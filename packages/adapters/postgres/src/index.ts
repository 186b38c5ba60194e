/**
 * @tmis/adapter-postgres — tmis storage on Postgres through a pg Pool: serializable transactions, re-run on
 * serialization failures and deadlocks (SQLSTATE 40001, 40P01).
 *
 * @since 0.1.0
 */
import { type Database, type Flavor, KyselyStorage } from "@tmis/adapter-kysely"
import type { Storage } from "@tmis/core"
import type { Layer } from "effect"
import { Kysely, PostgresDialect, type PostgresPool, sql } from "kysely"

/**
 * Options of {@link layer}.
 *
 * @since 0.1.0
 */
export interface Options {
  /** `postgres://user@host:port/database` */
  readonly connectionString: string
  /** Pool size; default 10. */
  readonly max?: number
  readonly maxRetries?: number
}

const sqlState = (error: unknown): string =>
  typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : ""

/**
 * The Postgres flavor of the Kysely adapter.
 *
 * @since 0.1.0
 */
export const flavor: Flavor = {
  name: "postgres",
  groupCommit: true,
  // A session lock, so that the serializable snapshot is taken after the previous writer committed.
  writersLock: { take: "select pg_advisory_lock(1953327475)", release: "select pg_advisory_unlock(1953327475)" },
  begin: "begin isolation level serializable",
  isRetryable: (error) => sqlState(error) === "40001" || sqlState(error) === "40P01",
  uniqueViolation: (error) =>
    sqlState(error) === "23505" ? String((error as { constraint?: unknown }).constraint ?? "unknown") : undefined,
  // Paths compare byte-wise so that a prefix range scan finds exactly a subtree.
  pathType: 'text collate "C"',
  pathTrigger: async (db) => {
    await sql`create function tmis_units_path_consistent() returns trigger language plpgsql as $$
      begin
        if new.parent_id is not null
          and new.path is distinct from (select path from units where id = new.parent_id) || new.id || '/' then
          raise exception 'units.path must extend the parent''s path (M2.2)';
        end if;
        return new;
      end $$`.execute(db)
    await sql`create trigger units_path_consistent before insert on units
      for each row execute function tmis_units_path_consistent()`.execute(db)
  },
  appendOnlyTriggers: async (db) => {
    await sql`create function tmis_audit_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only (M37.1)'; end $$`.execute(db)
    await sql`create trigger audit_log_no_change before update or delete on audit_log
      for each row execute function tmis_audit_append_only()`.execute(db)
    await sql`create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function tmis_audit_append_only()`.execute(db)
  }
}

/**
 * A pg Pool for the connection string (pg is a peer dependency).
 *
 * @since 0.1.0
 */
export const pool = async (options: Options): Promise<PostgresPool> => {
  const pg = await import("pg")
  const Pool = pg.default?.Pool ?? (pg as unknown as { Pool: typeof pg.default.Pool }).Pool
  const created = new Pool({ connectionString: options.connectionString, max: options.max ?? 10 })
  // An idle connection the server ends (a restart, an administrator's terminate) is dropped by the pool and the next
  // query opens another; without a listener, Node would turn the pool's "error" event into a crash of the process.
  created.on("error", () => {})
  return created as unknown as PostgresPool
}

/**
 * The storage on a Postgres database: connects, migrates to the latest schema, and ends the pool with the layer's
 * scope.
 *
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<Storage.Storage, Storage.StorageError> =>
  KyselyStorage.layer(
    async () => new Kysely<Database.Database>({ dialect: new PostgresDialect({ pool: await pool(options) }) }),
    flavor,
    {
      description: options.connectionString.replace(/:[^:@/]*@/, ":***@"),
      ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries })
    }
  )
