/**
 * The row codec: every table's row ⇄ aggregate mapping. What goes in is laid out by hand; what comes out is decoded
 * by the aggregate's Schema (`Stored` of core), so a row that is not the aggregate it claims to be throws a
 * `ParseError` inside the statement's promise, and the repository reports a `StorageError`: never a value of the
 * wrong type.
 *
 * @since 0.1.0
 */
import { type Account, type Audit, type ChangeRequest, CreditBank, EFile, type Storage, Stored, Unit } from "@tmis/core"
import { Schema } from "effect"
import type {
  AccountsTable,
  AuditLogTable,
  ChangeRequestsTable,
  CredentialsTable,
  EntriesTable,
  ExchangeTransfersTable,
  OutboxTable,
  SessionsTable,
  TeachersTable,
  UnitsTable,
  WorkflowsTable
} from "../Database.js"

/** A JSON column, parsed: what it holds is for a Schema to decide. */
const json = (text: string): unknown => JSON.parse(text)

type Fields = { readonly [key: string]: unknown }

const isObject = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value)
const isText = (value: unknown): value is string => typeof value === "string"

/** 0/1 columns (SQLite has no boolean). */
const flag = (value: boolean): number => (value ? 1 : 0)
const isSet = (column: number): boolean => Number(column) === 1

/**
 * The aggregate of a row with its version.
 *
 * @since 0.1.0
 */
export const versioned =
  <Row extends { readonly version: number }, A>(decode: (row: Row) => A) =>
  (row: Row): Storage.Versioned<A> => ({ value: decode(row), version: Number(row.version) })

// ── units ────────────────────────────────────────────────────────────────────────────────────────────────────────

const codeKey = (unit: Unit.Unit) => (unit.kind === "department" ? `${unit.parentId}:${unit.code}` : unit.code)

/**
 * @since 0.1.0
 */
export const unitRow = (unit: Unit.Unit, version: number): UnitsTable => ({
  id: unit.id,
  kind: unit.kind,
  parent_id: unit.parentId ?? null,
  path: unit.path,
  name: unit.name,
  code: unit.code,
  code_key: codeKey(unit),
  school_type: unit.school?.schoolType ?? null,
  sponsor: unit.school?.sponsor ?? null,
  central_ministry: flag(unit.school?.centralMinistry === true),
  affiliated_to: unit.school?.affiliatedTo ?? null,
  status: unit.status,
  merged_into: unit.mergedInto ?? null,
  valid_from: unit.validFrom,
  version
})

const decodeUnit = Schema.decodeUnknownSync(Stored.Unit)

/**
 * @since 0.1.0
 */
export const unit = (row: UnitsTable): Unit.Unit =>
  decodeUnit({
    id: row.id,
    kind: row.kind,
    parentId: row.parent_id ?? undefined,
    path: row.path,
    name: row.name,
    code: row.code,
    school:
      row.kind === "school"
        ? {
            schoolType: row.school_type ?? "",
            sponsor: row.sponsor ?? "",
            centralMinistry: isSet(row.central_ministry),
            affiliatedTo: row.affiliated_to ?? undefined
          }
        : undefined,
    status: row.status,
    mergedInto: row.merged_into ?? undefined,
    validFrom: row.valid_from
  })

/** A version snapshot is the unit's row as JSON (nulls, not missing keys, for what is not set). */
const UnitSnapshot = Schema.parseJson(
  Schema.Struct({
    id: Schema.String,
    kind: Schema.String,
    parent_id: Schema.NullOr(Schema.String),
    path: Schema.String,
    name: Schema.String,
    code: Schema.String,
    code_key: Schema.String,
    school_type: Schema.NullOr(Schema.String),
    sponsor: Schema.NullOr(Schema.String),
    central_ministry: Schema.Number,
    affiliated_to: Schema.NullOr(Schema.String),
    status: Schema.String,
    merged_into: Schema.NullOr(Schema.String),
    valid_from: Schema.String,
    version: Schema.Number
  })
)

const decodeUnitSnapshot = Schema.decodeUnknownSync(UnitSnapshot)

/**
 * @since 0.1.0
 */
export const unitSnapshot = (value: Unit.Unit): string => JSON.stringify(unitRow(value, 0))

/**
 * @since 0.1.0
 */
export const unitOfSnapshot = (snapshot: string): Unit.Unit => unit(decodeUnitSnapshot(snapshot))

// ── accounts ─────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * @since 0.1.0
 */
export const accountRow = (account: Account.Account, version: number): AccountsTable => ({
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

const decodeAccount = Schema.decodeUnknownSync(Stored.Account)

/**
 * @since 0.1.0
 */
export const account = (row: AccountsTable): Account.Account =>
  decodeAccount({
    id: row.id,
    role: row.role,
    unitId: row.unit_id,
    person: { name: row.person_name, identityNumber: row.identity_number },
    status: row.status,
    certificate:
      row.cert_fingerprint === null
        ? undefined
        : { fingerprint: row.cert_fingerprint, notBefore: row.cert_not_before, notAfter: row.cert_not_after },
    createdBy: row.created_by ?? undefined
  })

// ── teachers and their entries ───────────────────────────────────────────────────────────────────────────────────

/**
 * @since 0.1.0
 */
export const teacherRow = (efile: EFile.EFile, version: number): TeachersTable => ({
  id: efile.id,
  unit_id: efile.unitId,
  path: efile.path,
  stage: efile.stage,
  id_type: efile.idType,
  id_number: efile.idNumber,
  name: efile.name,
  status: efile.status,
  active: flag(EFile.isActive(efile)),
  status_history: JSON.stringify(efile.statusHistory),
  created_at: efile.createdAt,
  created_by: efile.createdBy,
  version
})

const decodeEFile = Schema.decodeUnknownSync(Stored.EFile)

/**
 * @since 0.1.0
 */
export const teacher = (row: TeachersTable): EFile.EFile =>
  decodeEFile({
    id: row.id,
    unitId: row.unit_id,
    path: row.path,
    stage: row.stage,
    idType: row.id_type,
    idNumber: row.id_number,
    name: row.name,
    status: row.status,
    statusHistory: json(row.status_history),
    createdAt: row.created_at,
    createdBy: row.created_by
  })

const decodeHistory = Schema.decodeUnknownSync(Stored.StatusHistory)

/**
 * An active e-file as a pass over a province reads it, its columns checked by hand (a pass reads millions); most
 * have no status change, whose history is not decoded.
 *
 * @since 0.1.0
 */
export const activeTeacher = (row: {
  readonly id: string
  readonly unit_id: string
  readonly path: string
  readonly name: string
  readonly status_history: string
}): Storage.ActiveEFile => {
  if (
    !isText(row.id) ||
    !isText(row.unit_id) ||
    !Unit.isUnitId(row.unit_id) ||
    !isText(row.path) ||
    !isText(row.name)
  ) {
    throw new Error(`e-file ${String(row.id)} is not an e-file`)
  }
  return {
    id: EFile.TeacherId(row.id),
    unitId: row.unit_id,
    path: row.path,
    name: row.name,
    statusHistory: row.status_history === "[]" ? [] : decodeHistory(json(row.status_history))
  }
}

/**
 * An entry's record (its `data` column) read on its own, checked by hand — an object of strings, numbers and
 * booleans, as `Stored.Entry` decodes it — since a pass over a province reads millions.
 *
 * @since 0.1.0
 */
const isRecord = (value: unknown): value is EFile.Entry["data"] => {
  if (!isObject(value)) return false
  for (const key in value) {
    const v = value[key]
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return false
  }
  return true
}

export const record = (text: string): EFile.Entry["data"] => recordOf(json(text))

/**
 * An entry's data already parsed, checked as {@link record} checks it.
 *
 * @since 0.1.0
 */
export const recordOf = (value: unknown): EFile.Entry["data"] => {
  if (!isRecord(value)) throw new Error("an entry's data is an object of strings, numbers and booleans")
  return value
}

const isAmount = (value: unknown): value is number => typeof value === "number" && CreditBank.isAmount(value)
const isOptionalText = (value: unknown): value is string | undefined => value === undefined || isText(value)
const creditKinds: ReadonlySet<unknown> = new Set<CreditBank.Kind>(["confirm", "reverse", "apply", "convert"])
const creditForms: ReadonlySet<unknown> = new Set<CreditBank.Form>(["course", "practice"])

const ruleRef = (value: unknown): CreditBank.RuleRef | undefined =>
  isObject(value) && isText(value.id) && Number.isSafeInteger(value.version) && isText(value.province)
    ? { id: value.id, version: value.version as number, province: value.province }
    : undefined

const settled = (value: unknown): CreditBank.Settled | undefined => {
  if (!isObject(value) || !isText(value.id) || !isAmount(value.hours) || !isAmount(value.credits)) return undefined
  const rule = ruleRef(value.rule)
  return rule === undefined ? undefined : { id: value.id, hours: value.hours, credits: value.credits, rule }
}

/**
 * A credit-bank entry (its `data` column), checked by hand as `CreditBank.Entry` decodes it — each field of its type,
 * amounts of at most two decimals, a real day, unknown fields left out — since a pass over a province reads millions
 * (Schema took about 9 µs an entry). Throws on anything else, as a Schema would.
 *
 * @since 0.1.0
 */
export const creditEntry = (text: string): CreditBank.Entry => creditEntryOf(json(text))

/**
 * A credit-bank entry already parsed, checked as {@link creditEntry} checks it.
 *
 * @since 0.1.0
 */
export const creditEntryOf = (v: unknown): CreditBank.Entry => {
  if (!isObject(v)) throw new Error("a credit entry is an object")
  const rule = ruleRef(v.rule)
  const settles = v.settles === undefined ? undefined : settled(v.settles)
  if (
    !isText(v.id) ||
    !isText(v.key) ||
    !creditKinds.has(v.kind) ||
    !isText(v.teacherId) ||
    !isText(v.projectId) ||
    !creditForms.has(v.form) ||
    !isAmount(v.hours) ||
    !isAmount(v.credits) ||
    rule === undefined ||
    !isText(v.unitId) ||
    !isText(v.actor) ||
    !isText(v.day) ||
    !Unit.isDay(v.day) ||
    !isText(v.at) ||
    (v.settles !== undefined && settles === undefined) ||
    !isOptionalText(v.registration) ||
    !isOptionalText(v.reason)
  ) {
    throw new Error(`credit entry ${String(v.id)} is not a CreditBank.Entry`)
  }
  return {
    id: v.id,
    key: v.key,
    kind: v.kind as CreditBank.Kind,
    teacherId: v.teacherId,
    projectId: v.projectId,
    form: v.form as CreditBank.Form,
    hours: v.hours,
    credits: v.credits,
    rule,
    unitId: v.unitId,
    actor: v.actor,
    day: v.day,
    at: v.at,
    ...(settles === undefined ? {} : { settles }),
    ...(v.registration === undefined ? {} : { registration: v.registration }),
    ...(v.reason === undefined ? {} : { reason: v.reason })
  }
}

/**
 * An e-file's id as a column holds it: any text (`Stored.TeacherId`), checked by hand (a pass reads millions).
 *
 * @since 0.1.0
 */
export const teacherId = (id: string): EFile.TeacherId => {
  if (!isText(id)) throw new Error("an e-file's id is a text")
  return EFile.TeacherId(id)
}

/**
 * @since 0.1.0
 */
export const entryRow = (entry: EFile.Entry, version: number): EntriesTable => ({
  id: entry.id,
  teacher_id: entry.teacherId,
  group_key: entry.group,
  state: entry.review.state,
  data: JSON.stringify(entry.data),
  review: JSON.stringify(entry.review.context),
  version
})

const decodeEntry = Schema.decodeUnknownSync(Stored.Entry)

/**
 * @since 0.1.0
 */
export const entry = (row: EntriesTable): EFile.Entry =>
  decodeEntry({
    id: row.id,
    teacherId: row.teacher_id,
    group: row.group_key,
    data: json(row.data),
    review: { state: row.state, context: json(row.review) }
  })

/**
 * A change request is kept whole as JSON; its entry and status are columns too, for lookups.
 *
 * @since 0.1.0
 */
export const changeRequestRow = (request: ChangeRequest.ChangeRequest, version: number): ChangeRequestsTable => ({
  id: request.id,
  entry_id: request.entryId,
  status: request.status,
  request: JSON.stringify(request),
  version
})

const decodeChangeRequest = Schema.decodeUnknownSync(Stored.ChangeRequest)

/**
 * @since 0.1.0
 */
export const changeRequest = (row: ChangeRequestsTable): ChangeRequest.ChangeRequest =>
  decodeChangeRequest(json(row.request))

// ── processes ────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * @since 0.1.0
 */
export const workflowRow = (workflow: Storage.Workflow, version: number): WorkflowsTable => ({
  id: workflow.id,
  kind: workflow.kind,
  teacher_id: workflow.teacherId,
  state: workflow.state,
  context: JSON.stringify(workflow.context),
  open: flag(workflow.open),
  created_at: workflow.createdAt,
  version
})

const decodeWorkflow = Schema.decodeUnknownSync(Stored.Workflow)

/**
 * @since 0.1.0
 */
export const workflow = (row: WorkflowsTable): Storage.Workflow =>
  decodeWorkflow({
    id: row.id,
    kind: row.kind,
    teacherId: row.teacher_id,
    state: row.state,
    context: json(row.context),
    open: isSet(row.open),
    createdAt: row.created_at
  })

const decodeTransferAcross = Schema.decodeUnknownSync(Stored.TransferAcross)

/**
 * @since 0.1.0
 */
export const transferAcrossRow = (transfer: Storage.TransferAcross, version: number): ExchangeTransfersTable => ({
  id: transfer.id,
  province: transfer.province,
  state: transfer.state,
  context: JSON.stringify(transfer.context),
  open: flag(transfer.open),
  created_at: transfer.createdAt,
  version
})

/**
 * @since 0.1.0
 */
export const transferAcross = (row: ExchangeTransfersTable): Storage.TransferAcross =>
  decodeTransferAcross({
    id: row.id,
    province: row.province,
    state: row.state,
    context: json(row.context),
    open: isSet(row.open),
    createdAt: row.created_at
  })

// ── security ─────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * @since 0.1.0
 */
export const credentialRow = (credential: Storage.StoredCredential, version: number): CredentialsTable => ({
  account_id: credential.accountId,
  hash: credential.hash,
  history: JSON.stringify(credential.history),
  login: JSON.stringify(credential.login),
  version
})

const decodeCredential = Schema.decodeUnknownSync(Stored.Credential)

/**
 * JSON drops an undefined `lockedUntil`; the Schema restores it, so what comes back equals what went in.
 *
 * @since 0.1.0
 */
export const credential = (row: CredentialsTable): Storage.StoredCredential =>
  decodeCredential({ accountId: row.account_id, hash: row.hash, history: json(row.history), login: json(row.login) })

/**
 * A new session: not revoked.
 *
 * @since 0.1.0
 */
export const sessionRow = (session: Storage.StoredSession): SessionsTable => ({
  id: session.id,
  account_id: session.accountId,
  created_at: session.createdAt,
  last_seen_at: session.lastSeenAt,
  revoked: flag(session.revoked)
})

const decodeSession = Schema.decodeUnknownSync(Stored.Session)

/**
 * @since 0.1.0
 */
export const session = (row: SessionsTable): Storage.StoredSession =>
  decodeSession({
    id: row.id,
    accountId: row.account_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    revoked: isSet(row.revoked)
  })

/**
 * @since 0.1.0
 */
export const auditRow = (record: Audit.Record): AuditLogTable => ({
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

const decodeAuditRecord = Schema.decodeUnknownSync(Stored.AuditRecord)

/**
 * @since 0.1.0
 */
export const auditRecord = (row: AuditLogTable): Audit.Record =>
  decodeAuditRecord({
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    unitId: row.unit_id ?? undefined,
    action: row.action,
    object: row.object,
    outcome: row.outcome,
    requestId: row.request_id ?? undefined,
    details: json(row.details),
    prevHash: row.prev_hash,
    hash: row.hash
  })

/**
 * An event of the outbox; its sequence number comes from the database.
 *
 * @since 0.1.0
 */
export const outboxRow = (event: Audit.Event): Omit<OutboxTable, "seq"> => ({
  type: event.type,
  at: event.at,
  aggregate_id: event.aggregateId,
  payload: JSON.stringify(event.payload)
})

const decodeOutboxEvent = Schema.decodeUnknownSync(Stored.OutboxEvent)

/**
 * @since 0.1.0
 */
export const outboxEvent = (row: {
  readonly seq: number
  readonly type: string
  readonly at: string
  readonly aggregate_id: string
  readonly payload: string
}): Audit.Event & { readonly seq: number } =>
  decodeOutboxEvent({
    seq: Number(row.seq),
    type: row.type,
    at: row.at,
    aggregateId: row.aggregate_id,
    payload: json(row.payload)
  })
