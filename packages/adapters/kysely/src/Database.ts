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
export interface TrainingProvidersTable {
  id: string
  owner_unit_id: string
  status: string
  /** The provider as JSON (its key's hash, never the key). */
  data: string
  version: number
}

/**
 * @since 0.1.0
 */
export interface TrainingProjectsTable {
  id: string
  owner_unit_id: string
  provider_id: string
  /** The project as JSON. */
  data: string
  version: number
}

/**
 * @since 0.1.0
 */
export interface TrainingEnrolmentsTable {
  project_id: string
  teacher_id: string
  data: string
}

/**
 * @since 0.1.0
 */
export interface TrainingResultsTable {
  id: string
  project_id: string
  teacher_id: string
  state: string
  awaiting_unit_id: string | null
  /** The result and its confirmation's snapshot as JSON. */
  data: string
  version: number
}

/**
 * @since 0.1.0
 */
export interface CreditEntriesTable {
  id: string
  entry_key: string
  teacher_id: string
  kind: string
  /** The holding this entry settles: unique, so a holding is settled once (O9.1). */
  settles_id: string | null
  at: string
  /** The whole entry as JSON. */
  data: string
}

/**
 * A unit's completion of an update cycle (M18.1): one per unit and cycle.
 *
 * @since 0.1.0
 */
/**
 * An active e-file's contribution to the statistics counters (M28.1): its path, profile (JSON) and forecast cohort
 * (O8.1; null when stored before cohorts were kept).
 *
 * @since 0.1.0
 */
export interface StatisticsContributionsTable {
  teacher_id: string
  path: string
  profile: string
  cohort: string | null
}

/**
 * A statistics counter (M28.1): at the unit of path `node`, the e-files whose `dims` have the values `vals`.
 *
 * @since 0.1.0
 */
export interface StatisticsCountersTable {
  node: string
  dims: string
  vals: string
  count: number
}

export interface UpdateCompletionsTable {
  cycle: string
  unit_id: string
  completed_at: string
  /** The Shanghai day of `completed_at`. */
  completed_day: string
  recorded_by: string
}

/**
 * A package a deployment sent (M32.1): the whole package as canonical JSON, so a retry sends the same bytes.
 *
 * @since 0.1.0
 */
export interface ExchangeSentTable {
  recipient: string
  kind: string
  sequence: number
  from_seq: number | string
  to_seq: number | string
  digest: string
  package: string
  sent_at: string
}

/**
 * The receiving side of a transfer from another province (M23.1 across provincial deployments).
 *
 * @since 0.1.0
 */
export interface ExchangeTransfersTable {
  id: string
  province: string
  state: string
  context: string
  open: number
  created_at: string
  version: number
}

/**
 * A package a deployment received and applied (M32.1), once per issuer, kind and sequence.
 *
 * @since 0.1.0
 */
export interface ExchangeReceivedTable {
  issuer: string
  kind: string
  sequence: number
  from_seq: number | string
  to_seq: number | string
  digest: string
  rows: number
  received_at: string
}

/**
 * The national copy of a province's teacher's core indicators (M32.1).
 *
 * @since 0.1.0
 */
export interface NationalCoreTable {
  province: string
  teacher_id: string
  id_type: string
  id_number: string
  name: string
  unit_id: string
  stage: string
  status: string
  active: number
  /** JSON: the core records by group. */
  records: string
  seq: number | string
  sequence: number
}

/**
 * A cross-province duplicate the national system fed back to this province (M17.4).
 *
 * @since 0.1.0
 */
export interface ExchangeDuplicatesTable {
  id_number: string
  id_type: string
  teacher_id: string
  /** JSON: the other provinces' codes. */
  provinces: string
  sequence: number
}

/**
 * A registration round (M26.1): its snapshot as JSON; `open` 1 until it ends.
 *
 * @since 0.1.0
 */
export interface RegistrationRoundsTable {
  id: string
  unit_id: string
  cycle_from: string
  state: string
  open: number
  data: string
  version: number
}

/**
 * A teacher's registration result for a cycle (M26.1), recorded in the e-file.
 *
 * @since 0.1.0
 */
export interface RegistrationResultsTable {
  teacher_id: string
  cycle_from: string
  round_id: string
  outcome: string
  data: string
}

/**
 * A spot check (M17.2): the whole check as JSON.
 *
 * @since 0.1.0
 */
export interface SpotChecksTable {
  id: string
  unit_id: string
  state: string
  data: string
  version: number
}

/**
 * Sharing requests (M31.1): the persisted snapshot as JSON in `data`.
 *
 * @since 0.1.0
 */
export interface SharingRequestsTable {
  id: string
  owner_path: string
  state: string
  created_at: string
  data: string
  version: number
}

/**
 * Sharing grants (M31.1): the grant as JSON in `data`; one per request.
 *
 * @since 0.1.0
 */
export interface SharingGrantsTable {
  id: string
  request_id: string
  owner_path: string
  data: string
  version: number
}

/**
 * Machine clients bound to a grant (M30.1): the client, with its public key, as JSON in `data`.
 *
 * @since 0.1.0
 */
export interface SharingClientsTable {
  id: string
  grant_id: string
  data: string
  version: number
}

/**
 * The nonces of machine clients' tokens used (M30.1), each until its token expires; primary key (client, nonce).
 *
 * @since 0.1.0
 */
export interface TokenNoncesTable {
  client_id: string
  nonce: string
  expires_at: string
}

/**
 * The stored cursors of the outbox's subscribers (M27.1): the last sequence number each handled.
 *
 * @since 0.1.0
 */
export interface SubscriptionsTable {
  name: string
  /** A bigint: Postgres returns it as text, hence the reads through `Number`. */
  last_seq: number | string
  updated_at: string
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
  training_providers: TrainingProvidersTable
  training_projects: TrainingProjectsTable
  training_enrolments: TrainingEnrolmentsTable
  training_results: TrainingResultsTable
  credit_entries: CreditEntriesTable
  update_completions: UpdateCompletionsTable
  spot_checks: SpotChecksTable
  registration_rounds: RegistrationRoundsTable
  registration_results: RegistrationResultsTable
  exchange_sent: ExchangeSentTable
  exchange_received: ExchangeReceivedTable
  national_core: NationalCoreTable
  exchange_duplicates: ExchangeDuplicatesTable
  statistics_contributions: StatisticsContributionsTable
  statistics_counters: StatisticsCountersTable
  sharing_requests: SharingRequestsTable
  sharing_grants: SharingGrantsTable
  sharing_clients: SharingClientsTable
  token_nonces: TokenNoncesTable
  subscriptions: SubscriptionsTable
  exchange_transfers: ExchangeTransfersTable
}
