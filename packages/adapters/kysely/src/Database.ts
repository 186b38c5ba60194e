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
export interface Database {
  units: UnitsTable
  unit_versions: UnitVersionsTable
  accounts: AccountsTable
  audit_log: AuditLogTable
  outbox: OutboxTable
}
