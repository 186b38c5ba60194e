/**
 * The tmis storage port over any Kysely dialect. The dialect-specific parts (how a transaction begins, which
 * errors are retried, how unique violations are reported) come in a {@link Flavor}.
 *
 * @since 0.1.0
 */
import {
  type Account,
  Audit,
  type ChangeRequest,
  type Constraint,
  type Credential,
  EFile,
  Storage,
  type Unit
} from "@tmis/core"
import { Cause, Effect, Exit, FiberRef, Layer, Option, Runtime } from "effect"
import { type Kysely, Migrator, sql } from "kysely"
import type {
  AccountsTable,
  AuditLogTable,
  CredentialsTable,
  Database,
  EntriesTable,
  SessionsTable,
  TeachersTable,
  UnitsTable,
  WorkflowsTable
} from "./Database.js"
import type { Flavor } from "./Flavor.js"
import { provider } from "./Migrations.js"

/**
 * Options of {@link make}.
 *
 * @since 0.1.0
 */
export interface Options {
  /** How many times a transaction is re-run after a serialization failure or a busy database; default 20. */
  readonly maxRetries?: number
}

/**
 * Run the migrations up to the latest. A failed migration is an error, never a result to inspect.
 *
 * @since 0.1.0
 */
export const migrateToLatest = (db: Kysely<Database>, flavor: Flavor): Effect.Effect<void, Storage.StorageError> =>
  Effect.tryPromise({
    try: async () => {
      const { error, results } = await new Migrator({ db, provider: provider(flavor) }).migrateToLatest()
      if (error !== undefined) {
        const failed = results?.find((r) => r.status === "Error")
        throw new Error(`migration ${failed?.migrationName ?? "(unknown)"} failed: ${String(error)}`, { cause: error })
      }
    },
    catch: (cause) => new Storage.StorageError({ operation: "migrateToLatest", cause })
  })

// ── rows ⇄ values ─────────────────────────────────────────────────────────────────────────────────────────────────

const codeKey = (unit: Unit.Unit) => (unit.kind === "department" ? `${unit.parentId}:${unit.code}` : unit.code)

const unitRow = (unit: Unit.Unit, version: number): UnitsTable => ({
  id: unit.id,
  kind: unit.kind,
  parent_id: unit.parentId ?? null,
  path: unit.path,
  name: unit.name,
  code: unit.code,
  code_key: codeKey(unit),
  school_type: unit.school?.schoolType ?? null,
  sponsor: unit.school?.sponsor ?? null,
  central_ministry: unit.school?.centralMinistry === true ? 1 : 0,
  affiliated_to: unit.school?.affiliatedTo ?? null,
  status: unit.status,
  merged_into: unit.mergedInto ?? null,
  valid_from: unit.validFrom,
  version
})

const unitOf = (row: UnitsTable): Unit.Unit => ({
  id: row.id as Unit.UnitId,
  kind: row.kind as Unit.Kind,
  parentId: (row.parent_id ?? undefined) as Unit.UnitId | undefined,
  path: row.path,
  name: row.name,
  code: row.code,
  school:
    row.kind === "school"
      ? {
          schoolType: row.school_type ?? "",
          sponsor: row.sponsor ?? "",
          centralMinistry: Number(row.central_ministry) === 1,
          affiliatedTo: (row.affiliated_to ?? undefined) as Unit.UnitId | undefined
        }
      : undefined,
  status: row.status as Unit.Status,
  mergedInto: (row.merged_into ?? undefined) as Unit.UnitId | undefined,
  validFrom: row.valid_from
})

/** A version snapshot keeps `undefined` fields out of JSON and restores them on the way back. */
const snapshotOf = (unit: Unit.Unit): string => JSON.stringify(unitRow(unit, 0))
const unitOfSnapshot = (snapshot: string): Unit.Unit => unitOf(JSON.parse(snapshot) as UnitsTable)

const accountRow = (account: Account.Account, version: number): AccountsTable => ({
  id: account.id,
  role: account.role,
  unit_id: account.unitId,
  person_name: account.person.name,
  identity_number: account.person.identityNumber,
  status: account.status,
  cert_fingerprint: account.certificate?.fingerprint ?? null,
  cert_not_before: account.certificate?.notBefore ?? null,
  cert_not_after: account.certificate?.notAfter ?? null,
  created_by: account.createdBy ?? null,
  version
})

const accountOf = (row: AccountsTable): Account.Account => ({
  id: row.id as Account.AccountId,
  role: row.role as Account.Role,
  unitId: row.unit_id as Unit.UnitId,
  person: { name: row.person_name, identityNumber: row.identity_number as Account.Person["identityNumber"] },
  status: row.status as Account.Account["status"],
  certificate:
    row.cert_fingerprint === null
      ? undefined
      : { fingerprint: row.cert_fingerprint, notBefore: row.cert_not_before ?? "", notAfter: row.cert_not_after ?? "" },
  createdBy: (row.created_by ?? undefined) as Account.AccountId | undefined
})

const teacherRow = (efile: EFile.EFile, version: number): TeachersTable => ({
  id: efile.id,
  unit_id: efile.unitId,
  path: efile.path,
  stage: efile.stage,
  id_type: efile.idType,
  id_number: efile.idNumber,
  name: efile.name,
  status: efile.status,
  active: EFile.isActive(efile) ? 1 : 0,
  status_history: JSON.stringify(efile.statusHistory),
  created_at: efile.createdAt,
  created_by: efile.createdBy,
  version
})

const teacherOf = (row: TeachersTable): EFile.EFile => ({
  id: row.id as EFile.TeacherId,
  unitId: row.unit_id as Unit.UnitId,
  path: row.path,
  stage: row.stage as EFile.EFile["stage"],
  idType: row.id_type,
  idNumber: row.id_number,
  name: row.name,
  status: row.status as EFile.EFile["status"],
  statusHistory: JSON.parse(row.status_history) as EFile.EFile["statusHistory"],
  createdAt: row.created_at,
  createdBy: row.created_by as Account.AccountId
})

const entryRow = (entry: EFile.Entry, version: number): EntriesTable => ({
  id: entry.id,
  teacher_id: entry.teacherId,
  group_key: entry.group,
  state: entry.review.state,
  data: JSON.stringify(entry.data),
  review: JSON.stringify(entry.review.context),
  version
})

const entryOf = (row: EntriesTable): EFile.Entry => ({
  id: row.id,
  teacherId: row.teacher_id as EFile.TeacherId,
  group: row.group_key,
  data: JSON.parse(row.data) as EFile.Entry["data"],
  review: { state: row.state as EFile.Entry["review"]["state"], context: JSON.parse(row.review) }
})

const credentialRow = (credential: Storage.StoredCredential, version: number): CredentialsTable => ({
  account_id: credential.accountId,
  hash: credential.hash,
  history: JSON.stringify(credential.history),
  login: JSON.stringify(credential.login),
  version
})

const credentialOf = (row: CredentialsTable): Storage.Versioned<Storage.StoredCredential> => {
  // JSON drops an undefined `lockedUntil`: restore it, so that what comes back equals what went in.
  const login = JSON.parse(row.login) as Partial<Credential.LoginState>
  return {
    value: {
      accountId: row.account_id as Account.AccountId,
      hash: row.hash,
      history: JSON.parse(row.history) as ReadonlyArray<string>,
      login: {
        failedAttempts: Number(login.failedAttempts ?? 0),
        lockedUntil: login.lockedUntil ?? undefined,
        passwordChangedAt: String(login.passwordChangedAt ?? ""),
        mustChange: login.mustChange === true
      }
    },
    version: Number(row.version)
  }
}

const sessionOf = (row: SessionsTable): Storage.StoredSession => ({
  id: row.id,
  accountId: row.account_id,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  revoked: Number(row.revoked) === 1
})

const auditOf = (row: AuditLogTable): Audit.Record => ({
  seq: Number(row.seq),
  at: row.at,
  actor: row.actor,
  unitId: row.unit_id ?? undefined,
  action: row.action,
  object: row.object,
  outcome: row.outcome as Audit.Entry["outcome"],
  requestId: row.request_id ?? undefined,
  details: JSON.parse(row.details) as Record<string, unknown>,
  prevHash: row.prev_hash,
  hash: row.hash
})

/** Upper bound of a path prefix range: ids and paths use only [A-Za-z0-9_/-], all below "~". */
const prefixEnd = (prefix: string) => `${prefix}~`

const maxPage = 1000

/** Keyset pagination by sequence number: fetch one row more than the page to know whether another follows. */
const bySeq = async <Row extends { readonly seq: number }>(
  page: Storage.PageRequest,
  fetch: (after: number, limit: number) => Promise<ReadonlyArray<Row>>
): Promise<{ readonly rows: ReadonlyArray<Row>; readonly next: string | undefined }> => {
  const limit = Math.max(1, Math.min(maxPage, page.limit))
  const fetched = await fetch(page.after === undefined ? 0 : Number(page.after), limit + 1)
  const rows = fetched.slice(0, limit)
  const last = rows[rows.length - 1]
  return { rows, next: fetched.length > limit && last !== undefined ? String(last.seq) : undefined }
}

// ── the storage ───────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Build the storage service over `db`. The database must be migrated ({@link migrateToLatest}).
 *
 * @since 0.1.0
 */
export const make = (
  db: Kysely<Database>,
  flavor: Flavor,
  options: Options = {}
): Effect.Effect<Storage.Storage["Type"]> =>
  Effect.sync(() => {
    const maxRetries = options.maxRetries ?? 20
    // The connection of the transaction this fiber runs in, if any.
    const current = FiberRef.unsafeMake<Kysely<Database> | undefined>(undefined)

    const query = <A>(operation: string, f: (db: Kysely<Database>) => Promise<A>) =>
      Effect.flatMap(FiberRef.get(current), (conn) =>
        Effect.tryPromise({
          try: () => f(conn ?? db),
          catch: (cause) => new Storage.StorageError({ operation, cause })
        })
      )

    /** Writes that may break a constraint the store enforces: map the index to the rule it protects. */
    const write = <A>(operation: string, f: (db: Kysely<Database>) => Promise<A>, details: Record<string, unknown>) =>
      Effect.flatMap(FiberRef.get(current), (conn) =>
        Effect.tryPromise({ try: () => f(conn ?? db), catch: (cause) => cause }).pipe(
          Effect.mapError((cause): Storage.ConstraintError | Storage.StorageError => {
            const index = flavor.uniqueViolation(cause)
            const refusal = index === undefined ? pathRefusal(cause, details) : constraintRefusal(index, details)
            return refusal ?? new Storage.StorageError({ operation, cause })
          })
        )
      )

    const units: Storage.UnitRepository = {
      insert: (unit) =>
        write(
          "units.insert",
          async (conn) => {
            await conn.insertInto("units").values(unitRow(unit, 1)).execute()
            await conn
              .insertInto("unit_versions")
              .values({ unit_id: unit.id, version: 1, valid_from: unit.validFrom, snapshot: snapshotOf(unit) })
              .execute()
          },
          { id: unit.id, code: unit.code, kind: unit.kind, root: unit.parentId === undefined }
        ).pipe(Effect.as({ value: unit, version: 1 })),
      get: (id) =>
        query("units.get", (conn) => conn.selectFrom("units").selectAll().where("id", "=", id).executeTakeFirst()).pipe(
          Effect.map((row) =>
            row === undefined ? Option.none() : Option.some({ value: unitOf(row), version: Number(row.version) })
          )
        ),
      update: (next, expectedVersion) =>
        write(
          "units.update",
          async (conn) => {
            const before = await conn.selectFrom("units").select("path").where("id", "=", next.id).executeTakeFirst()
            const result = await conn
              .updateTable("units")
              .set({ ...unitRow(next, expectedVersion + 1) })
              .where("id", "=", next.id)
              .where("version", "=", expectedVersion)
              .executeTakeFirst()
            if (before === undefined || Number(result.numUpdatedRows) === 0) return false
            await conn
              .insertInto("unit_versions")
              .values({
                unit_id: next.id,
                version: expectedVersion + 1,
                valid_from: next.validFrom,
                snapshot: snapshotOf(next)
              })
              .execute()
            if (before.path !== next.path) {
              // A move re-paths the whole subtree in the same transaction.
              await conn
                .updateTable("units")
                .set({ path: sql<string>`${next.path} || substr(path, ${before.path.length + 1})` })
                .where("path", ">", before.path)
                .where("path", "<", prefixEnd(before.path))
                .execute()
              await conn
                .updateTable("teachers")
                .set({ path: sql<string>`${next.path} || substr(path, ${before.path.length + 1})` })
                .where("path", ">", before.path)
                .where("path", "<", prefixEnd(before.path))
                .execute()
            }
            return true
          },
          { id: next.id, code: next.code, kind: next.kind }
        ).pipe(
          Effect.flatMap((updated) =>
            updated
              ? Effect.succeed({ value: next, version: expectedVersion + 1 })
              : Effect.fail(new Storage.Conflict({ entity: "unit", id: next.id, expectedVersion }))
          )
        ),
      history: (id) =>
        query("units.history", (conn) =>
          conn.selectFrom("unit_versions").select("snapshot").where("unit_id", "=", id).orderBy("version").execute()
        ).pipe(Effect.map((rows) => rows.map((r) => unitOfSnapshot(r.snapshot)))),
      root: () =>
        query("units.root", (conn) =>
          conn.selectFrom("units").selectAll().where("parent_id", "is", null).executeTakeFirst()
        ).pipe(Effect.map((row) => Option.map(Option.fromNullable(row), unitOf))),
      subtree: (rootPath, page) =>
        query("units.subtree", (conn) => {
          const limit = Math.max(1, Math.min(maxPage, page.limit))
          // One lower bound, chosen here: a cursor before the subtree starts at its root, so no cursor reaches
          // outside it; and a single bound lets SQLite seek straight to the page.
          const from = page.after !== undefined && page.after >= rootPath ? page.after : undefined
          return conn
            .selectFrom("units")
            .selectAll()
            .where("path", from === undefined ? ">=" : ">", from ?? rootPath)
            .where("path", "<", prefixEnd(rootPath))
            .orderBy("path")
            .limit(limit + 1)
            .execute()
            .then((rows) => {
              const items = rows.slice(0, limit).map(unitOf)
              return { items, next: rows.length > limit ? items[items.length - 1]?.path : undefined }
            })
        })
    }

    const accounts: Storage.AccountRepository = {
      insert: (account) =>
        write("accounts.insert", (conn) => conn.insertInto("accounts").values(accountRow(account, 1)).execute(), {
          id: account.id,
          unitId: account.unitId,
          role: account.role
        }).pipe(Effect.as({ value: account, version: 1 })),
      get: (id) =>
        query("accounts.get", (conn) =>
          conn.selectFrom("accounts").selectAll().where("id", "=", id).executeTakeFirst()
        ).pipe(
          Effect.map((row) =>
            row === undefined ? Option.none() : Option.some({ value: accountOf(row), version: Number(row.version) })
          )
        ),
      update: (next, expectedVersion) =>
        write(
          "accounts.update",
          (conn) =>
            conn
              .updateTable("accounts")
              .set(accountRow(next, expectedVersion + 1))
              .where("id", "=", next.id)
              .where("version", "=", expectedVersion)
              .executeTakeFirst(),
          { id: next.id, unitId: next.unitId, role: next.role }
        ).pipe(
          Effect.flatMap((result) =>
            Number(result.numUpdatedRows) === 1
              ? Effect.succeed({ value: next, version: expectedVersion + 1 })
              : Effect.fail(new Storage.Conflict({ entity: "account", id: next.id, expectedVersion }))
          )
        ),
      byUnit: (unitId) =>
        query("accounts.byUnit", (conn) =>
          conn.selectFrom("accounts").selectAll().where("unit_id", "=", unitId).orderBy("id").execute()
        ).pipe(Effect.map((rows) => rows.map(accountOf))),
      everHadSystemAdmin: (unitId) =>
        query("accounts.everHadSystemAdmin", (conn) =>
          conn
            .selectFrom("accounts")
            .select("id")
            .where("unit_id", "=", unitId)
            .where("role", "=", "systemAdmin")
            .executeTakeFirst()
        ).pipe(Effect.map((row) => row !== undefined))
    }

    /** Optimistic update: zero rows means someone changed it meanwhile. */
    const versioned = <A>(entity: string, id: string, expectedVersion: number, value: A) =>
      Effect.flatMap((result: { readonly numUpdatedRows: bigint }) =>
        Number(result.numUpdatedRows) === 1
          ? Effect.succeed({ value, version: expectedVersion + 1 })
          : Effect.fail(new Storage.Conflict({ entity, id, expectedVersion }))
      )

    // Multi-row inserts stay under SQLite's 32,766 bound parameters.
    const chunks = <A>(items: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> => {
      const out: Array<ReadonlyArray<A>> = []
      for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
      return out
    }

    const teachers: Storage.TeacherRepository = {
      insert: (efile) =>
        write("teachers.insert", (conn) => conn.insertInto("teachers").values(teacherRow(efile, 1)).execute(), {
          id: efile.id,
          idType: efile.idType,
          idNumber: efile.idNumber
        }).pipe(Effect.as({ value: efile, version: 1 })),
      insertMany: (efiles) =>
        query("teachers.insertMany", async (conn) => {
          const inserted = new Set<EFile.TeacherId>()
          for (const chunk of chunks(efiles, 1000)) {
            const rows = await conn
              .insertInto("teachers")
              .values(chunk.map((e) => teacherRow(e, 1)))
              .onConflict((oc) => oc.doNothing())
              .returning("id")
              .execute()
            for (const row of rows) inserted.add(row.id as EFile.TeacherId)
          }
          return inserted
        }),
      get: (id) =>
        query("teachers.get", (conn) =>
          conn.selectFrom("teachers").selectAll().where("id", "=", id).executeTakeFirst()
        ).pipe(
          Effect.map((row) =>
            row === undefined ? Option.none() : Option.some({ value: teacherOf(row), version: Number(row.version) })
          )
        ),
      update: (next, expectedVersion) =>
        write(
          "teachers.update",
          (conn) =>
            conn
              .updateTable("teachers")
              .set(teacherRow(next, expectedVersion + 1))
              .where("id", "=", next.id)
              .where("version", "=", expectedVersion)
              .executeTakeFirst(),
          { id: next.id, idType: next.idType, idNumber: next.idNumber }
        ).pipe(versioned("teacher", next.id, expectedVersion, next)),
      byIdentity: (idType, idNumber) =>
        query("teachers.byIdentity", (conn) =>
          conn
            .selectFrom("teachers")
            .selectAll()
            .where("id_number", "=", idNumber)
            .where("id_type", "=", idType)
            .orderBy("id")
            .execute()
        ).pipe(Effect.map((rows) => rows.map((row) => ({ value: teacherOf(row), version: Number(row.version) })))),
      subtree: (unitPath, page) =>
        query("teachers.subtree", async (conn) => {
          const limit = Math.max(1, Math.min(maxPage, page.limit))
          const from = page.after !== undefined && page.after >= unitPath ? page.after : undefined
          const rows = await conn
            .selectFrom("teachers")
            .selectAll()
            .where("path", from === undefined ? ">=" : ">", from ?? unitPath)
            .where("path", "<", prefixEnd(unitPath))
            .orderBy("path")
            .limit(limit + 1)
            .execute()
          const items = rows.slice(0, limit).map(teacherOf)
          return { items, next: rows.length > limit ? items[items.length - 1]?.path : undefined }
        }),
      duplicates: (page) =>
        query("teachers.duplicates", async (conn) => {
          const limit = Math.max(1, Math.min(maxPage, page.limit))
          // The cursor is "type:number" of the last duplicate of the previous page.
          const [afterNumber, afterType] = page.after === undefined ? ["", ""] : splitCursor(page.after)
          const keys = await conn
            .selectFrom("teachers")
            .select(["id_number", "id_type"])
            .where((eb) =>
              eb.or([
                eb("id_number", ">", afterNumber),
                eb.and([eb("id_number", "=", afterNumber), eb("id_type", ">", afterType)])
              ])
            )
            .groupBy(["id_number", "id_type"])
            .having((eb) => eb.fn.countAll(), ">", 1)
            .orderBy("id_number")
            .orderBy("id_type")
            .limit(limit + 1)
            .execute()
          const items: Array<Storage.Duplicate> = []
          for (const key of keys.slice(0, limit)) {
            const ids = await conn
              .selectFrom("teachers")
              .select("id")
              .where("id_number", "=", key.id_number)
              .where("id_type", "=", key.id_type)
              .orderBy("id")
              .execute()
            items.push({
              idType: key.id_type,
              idNumber: key.id_number,
              teachers: ids.map((r) => r.id as EFile.TeacherId)
            })
          }
          const last = items[items.length - 1]
          return {
            items,
            next: keys.length > limit && last !== undefined ? `${last.idNumber}:${last.idType}` : undefined
          }
        })
    }

    const entries: Storage.EntryRepository = {
      insert: (entry) =>
        write("entries.insert", (conn) => conn.insertInto("entries").values(entryRow(entry, 1)).execute(), {
          id: entry.id,
          teacher: entry.teacherId,
          group: entry.group
        }).pipe(Effect.as({ value: entry, version: 1 })),
      insertMany: (list) =>
        write(
          "entries.insertMany",
          async (conn) => {
            for (const chunk of chunks(list, 2000)) {
              await conn
                .insertInto("entries")
                .values(chunk.map((e) => entryRow(e, 1)))
                .execute()
            }
          },
          { entries: list.length }
        ),
      get: (id) =>
        query("entries.get", (conn) =>
          conn.selectFrom("entries").selectAll().where("id", "=", id).executeTakeFirst()
        ).pipe(
          Effect.map((row) =>
            row === undefined ? Option.none() : Option.some({ value: entryOf(row), version: Number(row.version) })
          )
        ),
      update: (next, expectedVersion) =>
        query("entries.update", (conn) =>
          conn
            .updateTable("entries")
            .set(entryRow(next, expectedVersion + 1))
            .where("id", "=", next.id)
            .where("version", "=", expectedVersion)
            .executeTakeFirst()
        ).pipe(versioned("entry", next.id, expectedVersion, next)),
      byTeacher: (teacherId) =>
        query("entries.byTeacher", (conn) =>
          conn.selectFrom("entries").selectAll().where("teacher_id", "=", teacherId).orderBy("id").execute()
        ).pipe(Effect.map((rows) => rows.map((row) => ({ value: entryOf(row), version: Number(row.version) }))))
    }

    const changeRequests: Storage.ChangeRequestRepository = {
      insert: (request) =>
        write(
          "changeRequests.insert",
          (conn) =>
            conn
              .insertInto("change_requests")
              .values({
                id: request.id,
                entry_id: request.entryId,
                status: request.status,
                request: JSON.stringify(request),
                version: 1
              })
              .execute(),
          { id: request.id, entry: request.entryId }
        ).pipe(Effect.as({ value: request, version: 1 })),
      get: (id) =>
        query("changeRequests.get", (conn) =>
          conn.selectFrom("change_requests").selectAll().where("id", "=", id).executeTakeFirst()
        ).pipe(
          Effect.map((row) =>
            row === undefined
              ? Option.none()
              : Option.some({
                  value: JSON.parse(row.request) as ChangeRequest.ChangeRequest,
                  version: Number(row.version)
                })
          )
        ),
      update: (next, expectedVersion) =>
        query("changeRequests.update", (conn) =>
          conn
            .updateTable("change_requests")
            .set({ status: next.status, request: JSON.stringify(next), version: expectedVersion + 1 })
            .where("id", "=", next.id)
            .where("version", "=", expectedVersion)
            .executeTakeFirst()
        ).pipe(versioned("change request", next.id, expectedVersion, next))
    }

    const imports: Storage.ImportRepository = {
      imported: (batchId, hashes) =>
        query("imports.imported", async (conn) => {
          const seen = new Set<string>()
          for (const chunk of chunks(hashes, 1000)) {
            const rows = await conn
              .selectFrom("import_rows")
              .select("row_hash")
              .where("batch_id", "=", batchId)
              .where("row_hash", "in", chunk)
              .execute()
            for (const row of rows) seen.add(row.row_hash)
          }
          return seen
        }),
      record: (batchId, rows) =>
        query("imports.record", async (conn) => {
          for (const chunk of chunks(rows, 5000)) {
            await conn
              .insertInto("import_rows")
              .values(
                chunk.map((r) => ({ batch_id: batchId, row_hash: r.hash, line: r.line, teacher_id: r.teacherId }))
              )
              .execute()
          }
        })
    }

    const workflowRow = (w: Storage.Workflow, version: number) => ({
      id: w.id,
      kind: w.kind,
      teacher_id: w.teacherId,
      state: w.state,
      context: JSON.stringify(w.context),
      open: w.open ? 1 : 0,
      created_at: w.createdAt,
      version
    })
    const workflowOf = (row: WorkflowsTable): Storage.Versioned<Storage.Workflow> => ({
      value: {
        id: row.id,
        kind: row.kind as Storage.Workflow["kind"],
        teacherId: row.teacher_id as EFile.TeacherId,
        state: row.state,
        context: JSON.parse(row.context) as unknown,
        open: Number(row.open) === 1,
        createdAt: row.created_at
      },
      version: Number(row.version)
    })

    const workflows: Storage.WorkflowRepository = {
      insert: (workflow) =>
        write("workflows.insert", (conn) => conn.insertInto("workflows").values(workflowRow(workflow, 1)).execute(), {
          id: workflow.id,
          teacher: workflow.teacherId,
          kind: workflow.kind
        }).pipe(Effect.as({ value: workflow, version: 1 })),
      get: (id) =>
        query("workflows.get", (conn) =>
          conn.selectFrom("workflows").selectAll().where("id", "=", id).executeTakeFirst()
        ).pipe(Effect.map((row) => Option.map(Option.fromNullable(row), workflowOf))),
      update: (next, expectedVersion) =>
        query("workflows.update", (conn) =>
          conn
            .updateTable("workflows")
            .set(workflowRow(next, expectedVersion + 1))
            .where("id", "=", next.id)
            .where("version", "=", expectedVersion)
            .executeTakeFirst()
        ).pipe(versioned("workflow", next.id, expectedVersion, next)),
      byTeacher: (teacherId) =>
        query("workflows.byTeacher", (conn) =>
          conn
            .selectFrom("workflows")
            .selectAll()
            .where("teacher_id", "=", teacherId)
            .orderBy("created_at")
            .orderBy("id")
            .execute()
        ).pipe(Effect.map((rows) => rows.map(workflowOf)))
    }

    const idempotency: Storage.IdempotencyRepository = {
      get: (key) =>
        query("idempotency.get", (conn) =>
          conn.selectFrom("idempotency").selectAll().where("key", "=", key).executeTakeFirst()
        ).pipe(
          Effect.map((row) =>
            Option.map(Option.fromNullable(row), (r) => ({
              command: r.command,
              result: JSON.parse(r.result) as unknown
            }))
          )
        ),
      put: (key, command, result) =>
        write(
          "idempotency.put",
          (conn) =>
            conn
              .insertInto("idempotency")
              .values({ key, command, result: JSON.stringify(result) })
              .execute(),
          { key }
        ).pipe(Effect.asVoid)
    }

    const credentials: Storage.CredentialRepository = {
      get: (accountId) =>
        query("credentials.get", (conn) =>
          conn.selectFrom("credentials").selectAll().where("account_id", "=", accountId).executeTakeFirst()
        ).pipe(Effect.map((row) => Option.map(Option.fromNullable(row), credentialOf))),
      put: (credential, expectedVersion) =>
        expectedVersion === undefined
          ? Effect.flatMap(FiberRef.get(current), (conn) =>
              Effect.tryPromise({
                try: () => (conn ?? db).insertInto("credentials").values(credentialRow(credential, 1)).execute(),
                catch: (cause) => cause
              })
            ).pipe(
              Effect.mapError((cause): Storage.Conflict | Storage.StorageError =>
                // The account already has a credential: someone set one since the caller looked.
                flavor.uniqueViolation(cause) !== undefined
                  ? new Storage.Conflict({ entity: "credential", id: credential.accountId, expectedVersion: 0 })
                  : new Storage.StorageError({ operation: "credentials.put", cause })
              ),
              Effect.as({ value: credential, version: 1 })
            )
          : query("credentials.put", (conn) =>
              conn
                .updateTable("credentials")
                .set(credentialRow(credential, expectedVersion + 1))
                .where("account_id", "=", credential.accountId)
                .where("version", "=", expectedVersion)
                .executeTakeFirst()
            ).pipe(versioned("credential", credential.accountId, expectedVersion, credential))
    }

    const sessions: Storage.SessionRepository = {
      insert: (session) =>
        write(
          "sessions.insert",
          (conn) =>
            conn
              .insertInto("sessions")
              .values({
                id: session.id,
                account_id: session.accountId,
                created_at: session.createdAt,
                last_seen_at: session.lastSeenAt,
                revoked: 0
              })
              .execute(),
          { id: session.id, accountId: session.accountId }
        ).pipe(Effect.asVoid),
      get: (id) =>
        query("sessions.get", (conn) =>
          conn.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst()
        ).pipe(Effect.map((row) => Option.map(Option.fromNullable(row), sessionOf))),
      touch: (id, lastSeenAt) =>
        query("sessions.touch", (conn) =>
          conn
            .updateTable("sessions")
            .set({ last_seen_at: lastSeenAt })
            .where("id", "=", id)
            .where("revoked", "=", 0)
            .execute()
        ).pipe(Effect.asVoid),
      revokeAllOf: (accountId) =>
        query("sessions.revokeAllOf", (conn) =>
          conn
            .updateTable("sessions")
            .set({ revoked: 1 })
            .where("account_id", "=", accountId)
            .where("revoked", "=", 0)
            .executeTakeFirst()
        ).pipe(Effect.map((result) => Number(result.numUpdatedRows))),
      delete: (id) =>
        query("sessions.delete", (conn) => conn.deleteFrom("sessions").where("id", "=", id).execute()).pipe(
          Effect.asVoid
        )
    }

    const audit: Storage.AuditRepository = {
      append: (entry) =>
        query("audit.append", async (conn) => {
          const last = await conn
            .selectFrom("audit_log")
            .select(["seq", "hash"])
            .orderBy("seq", "desc")
            .limit(1)
            .executeTakeFirst()
          const record = Audit.chain(last === undefined ? undefined : { seq: Number(last.seq), hash: last.hash }, entry)
          await conn
            .insertInto("audit_log")
            .values({
              seq: record.seq,
              at: record.at,
              actor: record.actor,
              unit_id: record.unitId ?? null,
              action: record.action,
              object: record.object,
              outcome: record.outcome,
              request_id: record.requestId ?? null,
              details: JSON.stringify(record.details),
              prev_hash: record.prevHash,
              hash: record.hash
            })
            .execute()
          return record
        }),
      list: (page) =>
        query("audit.list", (conn) =>
          bySeq(page, (after, limit) =>
            conn.selectFrom("audit_log").selectAll().where("seq", ">", after).orderBy("seq").limit(limit).execute()
          ).then(({ rows, next }) => ({ items: rows.map(auditOf), next }))
        )
    }

    const outbox: Storage.OutboxRepository = {
      append: (event) =>
        query("outbox.append", (conn) =>
          conn
            .insertInto("outbox")
            .values({
              type: event.type,
              at: event.at,
              aggregate_id: event.aggregateId,
              payload: JSON.stringify(event.payload)
            })
            .execute()
        ).pipe(Effect.asVoid),
      list: (page) =>
        query("outbox.list", (conn) =>
          bySeq(page, (after, limit) =>
            conn.selectFrom("outbox").selectAll().where("seq", ">", after).orderBy("seq").limit(limit).execute()
          ).then(({ rows, next }) => ({
            items: rows.map((r) => ({
              seq: Number(r.seq),
              type: r.type,
              at: r.at,
              aggregateId: r.aggregate_id,
              payload: JSON.parse(r.payload) as unknown
            })),
            next
          }))
        )
    }

    const isRetryableExit = (exit: Exit.Exit<unknown, unknown>) =>
      Exit.isFailure(exit) &&
      Option.exists(
        Cause.failureOption(exit.cause),
        (e) => e instanceof Storage.StorageError && flavor.isRetryable(e.cause)
      )

    const transaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | Storage.StorageError, R> =>
      Effect.gen(function* () {
        if ((yield* FiberRef.get(current)) !== undefined) return yield* effect
        const runtime = yield* Effect.runtime<R>()
        for (let attempt = 0; ; attempt++) {
          const outcome = yield* Effect.tryPromise({
            try: () =>
              db.connection().execute(async (conn) => {
                await sql.raw(flavor.begin).execute(conn)
                const exit = await Runtime.runPromiseExit(runtime)(Effect.locally(effect, current, conn))
                try {
                  await sql.raw(Exit.isSuccess(exit) ? "commit" : "rollback").execute(conn)
                } catch (error) {
                  await sql
                    .raw("rollback")
                    .execute(conn)
                    .catch(() => undefined)
                  throw error
                }
                return exit
              }),
            catch: (cause) => cause
          }).pipe(Effect.either)
          const retryable = outcome._tag === "Left" ? flavor.isRetryable(outcome.left) : isRetryableExit(outcome.right)
          if (retryable && attempt < maxRetries) {
            // Back off a little, with jitter, so that the writers that collided do not collide again.
            yield* Effect.sleep(Math.floor(Math.random() * (2 + attempt * 3)))
            continue
          }
          if (outcome._tag === "Left") {
            return yield* Effect.fail(new Storage.StorageError({ operation: "transaction", cause: outcome.left }))
          }
          return yield* outcome.right
        }
      })

    return {
      units,
      accounts,
      teachers,
      entries,
      changeRequests,
      imports,
      workflows,
      idempotency,
      credentials,
      sessions,
      audit,
      outbox,
      transaction
    }
  })

/** Split a duplicates cursor "number:type" (identity numbers hold no colon). */
const splitCursor = (cursor: string): [string, string] => {
  const at = cursor.lastIndexOf(":")
  return at < 0 ? [cursor, ""] : [cursor.slice(0, at), cursor.slice(at + 1)]
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
  if (index === "idempotency.key" || index === "idempotency_pkey") return "idempotencyKey"
  if (index === "sessions.id" || index === "sessions_pkey") return "sessionId"
  if (index === "accounts.id" || index === "accounts_pkey") return "accountId"
  return undefined
}

const constraintRefusal = (index: string, values: Record<string, unknown>): Storage.ConstraintError | undefined => {
  const constraint = constraintOf(index)
  return constraint === undefined
    ? undefined
    : new Storage.ConstraintError({ constraint, values: { ...values, index } })
}

/**
 * A layer of the storage: opens the database with `open`, migrates it to the latest schema, and destroys the
 * Kysely instance (closing its connections) when the layer's scope closes.
 *
 * @since 0.1.0
 */
export const layer = (
  open: () => Promise<Kysely<Database>>,
  flavor: Flavor,
  options: Options & { readonly description?: string } = {}
): Layer.Layer<Storage.Storage, Storage.StorageError> =>
  Layer.scoped(
    Storage.Storage,
    Effect.acquireRelease(
      Effect.tryPromise({
        try: open,
        catch: (cause) => new Storage.StorageError({ operation: `open ${options.description ?? flavor.name}`, cause })
      }),
      (db) => Effect.promise(() => db.destroy())
    ).pipe(
      Effect.tap((db) => migrateToLatest(db, flavor)),
      Effect.flatMap((db) => make(db, flavor, options))
    )
  )
