/**
 * The tables of a local module (地方特色模块, M27.1): a province's module keeps its own data in tables of its own
 * namespace, beside the tmis store, and reads and writes everything else through the application services (which
 * authorize, mask and audit). This module gives it the two things it needs from the database and nothing more:
 *
 * - {@link migrate}: its own Kysely migrations, run with their own migration table
 *   (`tmis_module_<namespace>_migration`) so they never mix with the core's. Every table they create or drop must
 *   start with `<namespace>_`, and every other table must come out unchanged; each migration is checked by
 *   introspection in its own transaction (rolled back where the database has transactional DDL: SQLite, Postgres)
 *   and a breach fails with a {@link LocalModuleError} naming the table and M27.1.
 * - {@link database}: a Kysely handle over the same database that refuses, before it reaches the database, every
 *   query naming a table outside the namespace (query builders and `sql` templates alike).
 *
 * The namespace of a module named `title-evaluation` is `title_evaluation` ({@link namespaceOf}).
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import type { Kysely } from "kysely"
import {
  type KyselyPlugin,
  type Migration,
  Migrator,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type TableMetadata,
  type UnknownRow
} from "kysely"

/**
 * A local module broke its namespace (M27.1): a migration or a query touched `table`, which is not the module's.
 *
 * @since 0.1.0
 */
export class LocalModuleError extends Schema.TaggedError<LocalModuleError>()("LocalModuleError", {
  module: Schema.String,
  /** The migration that did it, or undefined for a query. */
  migration: Schema.optional(Schema.String),
  table: Schema.String,
  reason: Schema.String
}) {
  get rule(): "M27.1" {
    return "M27.1"
  }
  override get message() {
    return `M27.1 local module ${this.module}${this.migration === undefined ? "" : ` (migration ${this.migration})`}: ${this.reason} — table ${this.table}; a module's tables start with ${namespaceOf(this.module)}_ and it never changes another's (地方模块只能使用自己命名空间内的表)`
  }
}

const namePattern = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/

/**
 * The namespace of a module's tables: its name with `-` as `_` (`title-evaluation` → `title_evaluation`). A module
 * name is lower-case words of letters and digits joined by `-`, at most 40 characters.
 *
 * @since 0.1.0
 */
export const namespaceOf = (name: string): string => {
  if (!namePattern.test(name) || name.length > 40) {
    throw new Error(`M27.1 ${JSON.stringify(name)} is not a local module name (lower-case words joined by "-")`)
  }
  return name.replaceAll("-", "_")
}

/**
 * The migration table of a module (`tmis_module_<namespace>_migration`); its lock table adds `_lock`.
 *
 * @since 0.1.0
 */
export const migrationTableOf = (name: string): string => `tmis_module_${namespaceOf(name)}_migration`

/**
 * A local module's schema: its name and its Kysely migrations (named `0001_…`, run in name order).
 *
 * @since 0.1.0
 */
export interface ModuleSchema {
  readonly name: string
  readonly migrations: Readonly<Record<string, Migration>>
}

/** Every table, by its qualified name, with its bare name and its columns as text to compare. */
type Shape = ReadonlyMap<string, { readonly table: string; readonly columns: string }>

/** Every table with its columns: what a migration may not change outside its namespace. */
const shapeOf = async (db: Kysely<unknown>): Promise<Shape> => {
  const tables: ReadonlyArray<TableMetadata> = await db.introspection.getTables({ withInternalKyselyTables: true })
  return new Map(
    tables.map((t) => [
      `${t.schema ?? ""}.${t.name}`,
      {
        table: t.name,
        columns: JSON.stringify(
          t.columns
            .map((c) => [c.name, c.dataType, c.isNullable, c.hasDefaultValue, c.isAutoIncrementing])
            .sort((a, b) => String(a[0]).localeCompare(String(b[0])))
        )
      }
    ])
  )
}

/** The first table outside the namespace that `after` added, dropped or changed, and how. */
const breach = (ns: string, before: Shape, after: Shape): { table: string; reason: string } | undefined => {
  const ours = (table: string) => table.startsWith(`${ns}_`)
  for (const [key, { table, columns }] of after) {
    if (ours(table)) continue
    const was = before.get(key)
    if (was === undefined) return { table, reason: "created a table outside its namespace" }
    if (was.columns !== columns) return { table, reason: "changed a table that is not its own" }
  }
  for (const [key, { table }] of before) {
    if (!ours(table) && !after.has(key)) return { table, reason: "dropped a table that is not its own" }
  }
  return undefined
}

/**
 * Run `step` of a migration checked against the namespace, in a transaction (Kysely's migrator opens one only where
 * it counts on transactional DDL, Postgres; SQLite has it too): a breach throws, which rolls the step back.
 */
const checkedStep =
  (name: string, ns: string, migrationName: string, step: (db: Kysely<unknown>) => Promise<void>) =>
  (db: Kysely<unknown>): Promise<void> => {
    const run = async (trx: Kysely<unknown>) => {
      const before = await shapeOf(trx)
      await step(trx)
      const found = breach(ns, before, await shapeOf(trx))
      if (found !== undefined) throw new LocalModuleError({ module: name, migration: migrationName, ...found })
    }
    return db.isTransaction ? run(db) : db.transaction().execute(run)
  }

/** A migration checked against the namespace, up and down. */
const checked = (name: string, ns: string, migrationName: string, migration: Migration): Migration => {
  const down = migration.down
  return {
    up: checkedStep(name, ns, migrationName, (db) => migration.up(db)),
    ...(down === undefined ? {} : { down: checkedStep(name, ns, migrationName, (db) => down(db)) })
  }
}

/**
 * Run a local module's migrations to the latest (M27.1), with the module's own migration table, each checked
 * against its namespace. Fails with the {@link LocalModuleError} of the first breach, or with the migration's own
 * error.
 *
 * @since 0.1.0
 */
export const migrate = <DB>(db: Kysely<DB>, schema: ModuleSchema): Effect.Effect<void, LocalModuleError | Error> =>
  Effect.tryPromise({
    try: async () => {
      const ns = namespaceOf(schema.name)
      const migrations = Object.fromEntries(
        Object.entries(schema.migrations).map(([n, m]) => [n, checked(schema.name, ns, n, m)])
      )
      const { error, results } = await new Migrator({
        db: db as Kysely<unknown>,
        provider: { getMigrations: async () => migrations },
        migrationTableName: migrationTableOf(schema.name),
        migrationLockTableName: `${migrationTableOf(schema.name)}_lock`
      }).migrateToLatest()
      if (error !== undefined) {
        if (error instanceof LocalModuleError) throw error
        const failed = results?.find((r) => r.status === "Error")
        throw new Error(
          `local module ${schema.name}: migration ${failed?.migrationName ?? "(unknown)"} failed: ${String(error)}`,
          {
            cause: error
          }
        )
      }
    },
    catch: (cause) => (cause instanceof LocalModuleError || cause instanceof Error ? cause : new Error(String(cause)))
  })

/** Every node of a query's tree, depth first. */
const visit = (node: unknown, f: (node: OperationNode) => void): void => {
  if (Array.isArray(node)) {
    for (const n of node) visit(n, f)
    return
  }
  if (typeof node !== "object" || node === null) return
  if ("kind" in node && typeof (node as { kind: unknown }).kind === "string") f(node as OperationNode)
  for (const value of Object.values(node)) visit(value, f)
}

/**
 * The plugin that keeps a module's queries in its namespace: a table node outside it, or `sql` text naming one of
 * `others` (the tables of the store that are not the module's), is refused before the query runs.
 */
class NamespaceGuard implements KyselyPlugin {
  constructor(
    private readonly name: string,
    private readonly ns: string,
    private readonly others: ReadonlyArray<string>
  ) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    visit(args.node, (node) => {
      if (node.kind === "TableNode") {
        const table = (node as unknown as { table: { identifier: { name: string } } }).table.identifier.name
        if (!table.startsWith(`${this.ns}_`)) {
          throw new LocalModuleError({ module: this.name, table, reason: "queried a table that is not its own" })
        }
      } else if (node.kind === "RawNode") {
        const text = (node as unknown as { sqlFragments: ReadonlyArray<string> }).sqlFragments.join(" ").toLowerCase()
        const named = this.others.find((t) => new RegExp(`(^|[^a-z0-9_])${t}([^a-z0-9_]|$)`).test(text))
        if (named !== undefined) {
          throw new LocalModuleError({
            module: this.name,
            table: named,
            reason: "named a table that is not its own in SQL"
          })
        }
      }
    })
    return args.node
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result)
  }
}

/**
 * A Kysely handle of the module `name` over the database of `db` (the same connection pool), typed by the
 * module's own tables `T`, that refuses every query naming a table outside the module's namespace (M27.1) with a
 * {@link LocalModuleError}. The tables of the store are read when the handle is made, to recognise them in `sql`
 * text too.
 *
 * @since 0.1.0
 */
export const database = async <T, DB = unknown>(db: Kysely<DB>, name: string): Promise<Kysely<T>> => {
  const ns = namespaceOf(name)
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true })
  const others = tables.map((t) => t.name.toLowerCase()).filter((t) => !t.startsWith(`${ns}_`))
  return (db as unknown as Kysely<T>).withPlugin(new NamespaceGuard(name, ns, others))
}
