/**
 * The plumbing every repository shares: which connection a statement runs on (the current transaction's, else the
 * pool), how a failed statement becomes a port error (an index the store enforces becomes the invariant it names),
 * optimistic versions and keyset pages.
 *
 * @since 0.1.0
 */
import { type Constraint, Storage } from "@tmis/core"
import { Effect, FiberRef, Option } from "effect"
import { type Kysely, type SelectQueryBuilder, sql, type UpdateQueryBuilder, type UpdateResult } from "kysely"
import type { Database } from "../Database.js"
import type { Flavor } from "../Flavor.js"

/**
 * A database as the repositories use it.
 *
 * @since 0.1.0
 */
export interface Connection {
  readonly db: Kysely<Database>
  readonly flavor: Flavor
  /** The connection of the transaction this fiber runs in, if any. */
  readonly current: FiberRef.FiberRef<Kysely<Database> | undefined>
  /** Run `f` on the current connection; any failure, a row that does not decode included, is a `StorageError`. */
  readonly query: <A>(
    operation: string,
    f: (db: Kysely<Database>) => Promise<A>
  ) => Effect.Effect<A, Storage.StorageError>
  /** A write that may break an invariant the store enforces: the broken one is a `ConstraintError` with `values`. */
  readonly write: <A>(
    operation: string,
    f: (db: Kysely<Database>) => Promise<A>,
    values: Record<string, unknown>
  ) => Effect.Effect<A, Storage.ConstraintError | Storage.StorageError>
  /** Run `f` on the current connection, turning its failure into an error of the caller's choice. */
  readonly attempt: <A, E>(
    f: (db: Kysely<Database>) => Promise<A>,
    onError: (cause: unknown) => E
  ) => Effect.Effect<A, E>
}

/**
 * @since 0.1.0
 */
export const make = (db: Kysely<Database>, flavor: Flavor): Connection => {
  const current = FiberRef.unsafeMake<Kysely<Database> | undefined>(undefined)
  const attempt = <A, E>(f: (db: Kysely<Database>) => Promise<A>, onError: (cause: unknown) => E) =>
    Effect.flatMap(FiberRef.get(current), (conn) => Effect.tryPromise({ try: () => f(conn ?? db), catch: onError }))
  return {
    db,
    flavor,
    current,
    attempt,
    query: (operation, f) => attempt(f, (cause) => new Storage.StorageError({ operation, cause })),
    write: (operation, f, values) =>
      attempt(f, (cause): Storage.ConstraintError | Storage.StorageError => {
        const index = flavor.uniqueViolation(cause)
        const refusal = index === undefined ? pathRefusal(cause, values) : constraintRefusal(index, values)
        return refusal ?? new Storage.StorageError({ operation, cause })
      })
  }
}

/** The path trigger of the schema says which invariant it guards in its message. */
const pathRefusal = (cause: unknown, values: Record<string, unknown>): Storage.ConstraintError | undefined =>
  cause instanceof Error && cause.message.includes("must extend the parent's path")
    ? new Storage.ConstraintError({ constraint: "unitPath", values })
    : undefined

/** The invariant each unique index of the schema enforces (SQLite names the columns, Postgres the index). */
const constraintOf = (index: string): Constraint.Name | undefined => {
  if (index.includes("one_active_system_admin") || index === "accounts.unit_id") return "oneActiveSystemAdmin"
  if (index.includes("code_key")) return "unitCode"
  if (index.includes("one_root")) return "oneRoot"
  if (["units.id", "units_pkey", "units.path", "units_path_key"].includes(index)) return "unitId"
  if (index.includes("one_active_identity") || index === "teachers.id_type") return "oneActiveEFilePerIdentity"
  if (["teachers.id", "teachers_pkey", "teachers.path", "teachers_path_key"].includes(index)) return "efileId"
  if (index === "entries.id" || index === "entries_pkey") return "entryId"
  if (index === "change_requests.id" || index === "change_requests_pkey") return "changeRequestId"
  if (index.includes("workflows_one_open") || index === "workflows.teacher_id") return "oneOpenProcessPerTeacher"
  if (index === "workflows.id" || index === "workflows_pkey") return "processId"
  if (index === "exchange_transfers.id" || index === "exchange_transfers_pkey") return "processId"
  if (index === "idempotency.key" || index === "idempotency_pkey") return "idempotencyKey"
  if (index === "sessions.id" || index === "sessions_pkey") return "sessionId"
  if (index === "accounts.id" || index === "accounts_pkey") return "accountId"
  if (index.startsWith("update_completions")) return "updateCompletion"
  if (index === "spot_checks.id" || index === "spot_checks_pkey") return "spotCheckId"
  if (index.startsWith("registration_rounds")) return "oneOpenRegistrationRound"
  if (index.startsWith("registration_results")) return "registrationResult"
  if (index.startsWith("exchange_sent") || index.startsWith("exchange_received")) return "exchangeSequence"
  if (index.includes("credit_entries_key") || index === "credit_entries.entry_key") return "creditKey"
  if (index === "credit_entries.id" || index === "credit_entries_pkey") return "creditKey"
  if (index.includes("credit_entries_settled_once") || index === "credit_entries.settles_id") return "creditSettledOnce"
  if (index.includes("training_enrolments") || index.startsWith("training_enrolments.")) return "trainingEnrolment"
  if (index.includes("training_results_one_per_teacher") || index === "training_results.project_id") {
    return "trainingResult"
  }
  if (/^training_(providers|projects|results)(\.id|_pkey)$/.test(index)) return "trainingId"
  if (index.includes("sharing_grants_request") || index === "sharing_grants.request_id") return "sharingGrantOfRequest"
  if (/^sharing_(requests|grants|clients)(\.id|_pkey)$/.test(index)) return "sharingId"
  if (index.startsWith("token_nonces")) return "tokenNonce"
  return undefined
}

const constraintRefusal = (index: string, values: Record<string, unknown>): Storage.ConstraintError | undefined => {
  const constraint = constraintOf(index)
  return constraint === undefined
    ? undefined
    : new Storage.ConstraintError({ constraint, values: { ...values, index } })
}

/**
 * A row fetched by its key, decoded, or none.
 *
 * @since 0.1.0
 */
export const maybe = <Row, A>(row: Row | undefined, decode: (row: Row) => A): Option.Option<A> =>
  row === undefined ? Option.none() : Option.some(decode(row))

/**
 * An aggregate just inserted: its first version.
 *
 * @since 0.1.0
 */
export const first = <A>(value: A): Storage.Versioned<A> => ({ value, version: 1 })

/**
 * An optimistic update (`… WHERE id = ? AND version = ?`): zero rows means someone changed it meanwhile.
 *
 * @since 0.1.0
 */
export const versioned =
  <A>(entity: string, id: string, expectedVersion: number, value: A) =>
  <E, R>(
    updated: Effect.Effect<{ readonly numUpdatedRows: bigint }, E, R>
  ): Effect.Effect<Storage.Versioned<A>, E | Storage.Conflict, R> =>
    Effect.flatMap(updated, (result) =>
      Number(result.numUpdatedRows) === 1
        ? Effect.succeed({ value, version: expectedVersion + 1 })
        : Effect.fail(new Storage.Conflict({ entity, id, expectedVersion }))
    )

/**
 * Split a list for multi-row statements, which stay under SQLite's 32,766 bound parameters.
 *
 * @since 0.1.0
 */
export const chunks = <A>(items: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** The length of a page: what was asked, between 1 and 1000. */
const limitOf = (page: Storage.PageRequest): number => Math.max(1, Math.min(1000, page.limit))

/**
 * A page of what `fetch` returns for one row more than the page, to know whether another follows.
 *
 * @since 0.1.0
 */
export const pageOf = async <Row, A>(
  page: Storage.PageRequest,
  fetch: (limit: number) => Promise<ReadonlyArray<Row>>,
  decode: (row: Row) => A,
  cursor: (last: A) => string
): Promise<Storage.Page<A>> => {
  const limit = limitOf(page)
  const rows = await fetch(limit + 1)
  const items = rows.slice(0, limit).map(decode)
  const last = items[items.length - 1]
  return { items, next: rows.length > limit && last !== undefined ? cursor(last) : undefined }
}

/**
 * A page of subtree(`rootPath`) of the rows of `rows`, by path (the cursor is the last path). One lower bound, chosen
 * here: a cursor before the subtree starts at its root, so no cursor reaches outside it; and a single bound lets
 * SQLite seek straight to the page. The upper bound ends the prefix range.
 *
 * @since 0.1.0
 */
export const subtreePage = <TB extends keyof Database, Row extends { readonly path: string }, A>(
  rows: SelectQueryBuilder<Database, TB, Row>,
  rootPath: string,
  page: Storage.PageRequest,
  decode: (row: Row) => A
): Promise<Storage.Page<A>> => {
  const path = sql.ref("path")
  const after = page.after !== undefined && page.after >= rootPath ? page.after : undefined
  const from = after === undefined ? sql<boolean>`${path} >= ${rootPath}` : sql<boolean>`${path} > ${after}`
  // The cursor is the last row's path, whatever the row decodes to.
  return pageOf(
    page,
    (limit) => rows.where(from).where(path, "<", prefixEnd(rootPath)).orderBy(path).limit(limit).execute(),
    (row: Row) => row,
    (last) => last.path
  ).then(({ items, next }) => ({ items: items.map(decode), next }))
}

/**
 * A page of `teachers.activeInSubtree` as a range: the active e-files kept in subtree(`unitPath`) whose path is after
 * `after` (when given; the page's cursor) and at most `through` (the path of the page's last e-file).
 *
 * @since 0.1.0
 */
export interface ActiveRange {
  readonly unitPath: string
  readonly after?: string | undefined
  readonly through: string
}

/**
 * The active e-files of a range (a page of `teachers.activeInSubtree`, {@link ActiveRange}) among the rows of
 * `rows`, which join `teachers`: the page's bounds on the path, so that the store reads the page by its index range
 * as the page was read, not by a list of ids.
 *
 * @since 0.1.0
 */
export const inActiveRange = <TB extends keyof Database, Row>(
  rows: SelectQueryBuilder<Database, TB, Row>,
  range: ActiveRange
): SelectQueryBuilder<Database, TB, Row> => {
  const path = sql.ref("teachers.path")
  // As subtreePage: a cursor before the subtree starts at its root.
  const after = range.after !== undefined && range.after >= range.unitPath ? range.after : undefined
  const from = after === undefined ? sql<boolean>`${path} >= ${range.unitPath}` : sql<boolean>`${path} > ${after}`
  // One upper bound, the nearer: with two, SQLite may end the index range at the subtree's end and filter the rest,
  // reading the whole rest of the subtree for every page.
  const end = prefixEnd(range.unitPath)
  const to = range.through < end ? sql<boolean>`${path} <= ${range.through}` : sql<boolean>`${path} < ${end}`
  return rows.where(sql.ref("teachers.active"), "=", 1).where(from).where(to)
}

/**
 * The upper bound of the paths that start with `prefix`: ids and paths use only [A-Za-z0-9_/-], all below "~".
 *
 * @since 0.1.0
 */
export const prefixEnd = (prefix: string): string => `${prefix}~`

/**
 * The row of `rows` whose `key` column holds `value`, decoded, or none.
 *
 * @since 0.1.0
 */
export const findOne = async <TB extends keyof Database, Row, A>(
  rows: SelectQueryBuilder<Database, TB, Row>,
  key: keyof Database[TB] & string,
  value: string,
  decode: (row: Row) => A
): Promise<Option.Option<A>> => maybe(await rows.where(sql.ref(key), "=", value).executeTakeFirst(), decode)

/**
 * Run an update of the row whose `key` column holds `id` if it is still at `expectedVersion` (`… WHERE id = ? AND
 * version = ?`); {@link versioned} turns zero rows into a `Conflict`.
 *
 * @since 0.1.0
 */
export const updateAt = <UT extends keyof Database>(
  update: UpdateQueryBuilder<Database, UT, UT, UpdateResult>,
  key: keyof Database[UT] & string,
  id: string,
  expectedVersion: number
): Promise<UpdateResult> =>
  update.where(sql.ref(key), "=", id).where(sql.ref("version"), "=", expectedVersion).executeTakeFirst()

/**
 * A page of a log by sequence number (the cursor is the last one): `fetch` the rows after `after`, at most `limit`.
 *
 * @since 0.1.0
 */
export const seqPage = <Row, A extends { readonly seq: number }>(
  page: Storage.PageRequest,
  fetch: (after: number, limit: number) => Promise<ReadonlyArray<Row>>,
  decode: (row: Row) => A
): Promise<Storage.Page<A>> =>
  pageOf(
    page,
    (limit) => fetch(page.after === undefined ? 0 : Number(page.after), limit),
    decode,
    (last) => String(last.seq)
  )

/**
 * A JSON text column as Postgres's `json`, for reading fields of it in a query (constants only, no input). A string in
 * it may hold U+0000 (a reason), written `\u0000` in the text, and Postgres extracts nothing from a document holding
 * one ("unsupported Unicode escape sequence"): a single such row would break every query reading the column. The
 * escape is read as `\ufffd` — the same length and shape, so an escaped backslash followed by `u0000` stays valid
 * JSON — and the fields queries read (paths, kinds, rule ids) hold none. The stored text is unchanged.
 *
 * @since 0.1.0
 */
export const pgJson = (column: string): string => `replace(${column}, '\\u0000', '\\ufffd')::json`
