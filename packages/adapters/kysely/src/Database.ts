/**
 * The tables of the tmis store, as Kysely sees them.
 *
 * @since 0.1.0
 */
import type { Generated } from "kysely"

/**
 * @since 0.1.0
 */
export interface UnitsTable {
  id: string
  kind: string
  parent_id: string | null
  /** Materialised path of ids; subtree queries are range scans on it. */
  path: string
  name: string
  code: string
  /** Unique across the deployment: the code, or `parent:code` for departments (unique within their school). */
  code_key: string
  school_type: string | null
  sponsor: string | null
  central_ministry: number
  affiliated_to: string | null
  status: string
  merged_into: string | null
  valid_from: string
  version: number
}

/**
 * @since 0.1.0
 */
export interface UnitVersionsTable {
  unit_id: string
  version: number
  valid_from: string
  /** The whole version as JSON. */
  snapshot: string
}

/**
 * @since 0.1.0
 */
export interface AccountsTable {
  id: string
  role: string
  unit_id: string
  person_name: string
  identity_number: string
  status: string
  cert_fingerprint: string | null
  cert_not_before: string | null
  cert_not_after: string | null
  created_by: string | null
  version: number
}

/**
 * @since 0.1.0
 */
export interface AuditLogTable {
  seq: number
  at: string
  actor: string
  unit_id: string | null
  action: string
  object: string
  outcome: string
  request_id: string | null
  details: string
  prev_hash: string
  hash: string
}

/**
 * @since 0.1.0
 */
export interface OutboxTable {
  seq: Generated<number>
  type: string
  at: string
  aggregate_id: string
  payload: string
}

/**
 * @since 0.1.0
 */
export interface TeachersTable {
  id: string
  unit_id: string
  /** The keeping unit's path followed by the id: subtree queries are range scans on it. */
  path: string
  stage: string
  id_type: string
  id_number: string
  name: string
  status: string
  /** 1 while the e-file is active; one active e-file per identity document (M17.4). */
  active: number
  status_history: string
  created_at: string
  created_by: string
  version: number
}

/**
 * @since 0.1.0
 */
export interface EntriesTable {
  id: string
  teacher_id: string
  group_key: string
  state: string
  data: string
  review: string
  version: number
}

/**
 * @since 0.1.0
 */
export interface ChangeRequestsTable {
  id: string
  entry_id: string
  status: string
  /** The whole request as JSON. */
  request: string
  version: number
}

/**
 * @since 0.1.0
 */
export interface ImportRowsTable {
  batch_id: string
  row_hash: string
  line: number
  teacher_id: string
}

/**
 * @since 0.1.0
 */
export interface WorkflowsTable {
  id: string
  kind: string
  teacher_id: string
  state: string
  context: string
  /** 1 while the process is open; one open process per teacher (M24.3). */
  open: number
  created_at: string
  version: number
}

/**
 * @since 0.1.0
 */
export interface IdempotencyTable {
  key: string
  command: string
  result: string
}

/**
 * @since 0.1.0
 */
export interface CredentialsTable {
  account_id: string
  /** The scrypt hash string of the current password; never the password. */
  hash: string
  /** The hashes of the previous passwords, newest first, as a JSON array. */
  history: string
  /** The login state (failed attempts, lock, change date, must change) as JSON. */
  login: string
  version: number
}

/**
 * @since 0.1.0
 */
export interface SessionsTable {
  id: string
  account_id: string
  created_at: string
  last_seen_at: string
  /** 1 once the session was ended by its account being disabled or its password changed. */
  revoked: number
}

/**
 * @since 0.1.0
 */
export interface Database {
  units: UnitsTable
  unit_versions: UnitVersionsTable
  accounts: AccountsTable
  audit_log: AuditLogTable
  outbox: OutboxTable
  teachers: TeachersTable
  entries: EntriesTable
  change_requests: ChangeRequestsTable
  import_rows: ImportRowsTable
  workflows: WorkflowsTable
  idempotency: IdempotencyTable
  credentials: CredentialsTable
  sessions: SessionsTable
}
