/**
 * The driver interface of the compliance kit: the few operations its scenarios need, in the vocabulary of the
 * regulation, so that a vendor whose API differs from tmis's writes one file implementing it. Every operation acts
 * as an account (its id; the driver keeps the sessions) and answers a plain {@link Result} with the evidence: the
 * requests it made and the answers it got.
 *
 * @since 0.1.0
 */

/**
 * One request and its answer, as recorded by a driver: what a report shows and a replay script sends again.
 * Secrets (passwords, session tokens, provider keys) are redacted by the driver.
 *
 * @since 0.1.0
 */
export interface Exchange {
  /** The account the request acted as, when it acted as one. */
  readonly actor?: string
  readonly method: string
  readonly url: string
  readonly requestHeaders?: Readonly<Record<string, string>>
  readonly requestBody?: unknown
  readonly status: number
  readonly responseBody?: unknown
  /** The instant the request was sent (ISO 8601). */
  readonly at: string
}

/**
 * A refusal, in the terms the kit reads: the HTTP status (or the driver's equivalent), the rule the system named and
 * the refusal's kind (forbidden, invalid, conflict, notFound, unauthenticated), where it said.
 *
 * @since 0.1.0
 */
export interface Refused {
  readonly ok: false
  readonly status: number
  readonly rule?: string
  readonly kind?: string
  readonly message?: string
}

/**
 * What a driver operation answers: the value or the refusal, with the exchanges that produced it.
 *
 * @since 0.1.0
 */
export type Result<A> = ({ readonly ok: true; readonly value: A } | Refused) & {
  readonly evidence: ReadonlyArray<Exchange>
}

/**
 * The roles of the regulation (M13.1, M13.5).
 *
 * @since 0.1.0
 */
export type Role = "systemAdmin" | "infoAdmin" | "infoQueryer" | "teacher"

/**
 * A unit (单位) as the kit needs it.
 *
 * @since 0.1.0
 */
export interface UnitInfo {
  readonly id: string
  readonly kind: "national" | "province" | "city" | "county" | "school" | "department"
  readonly parentId?: string | undefined
  /** The national code of the unit: GB/T 2260 for administrative units, 学校标识码 for schools. */
  readonly code: string
}

/**
 * A unit to create: a school carries its type (办学类型) and sponsor (学校办别) codes.
 *
 * @since 0.1.0
 */
export interface NewUnit {
  readonly id: string
  readonly kind: UnitInfo["kind"]
  readonly name: string
  readonly code: string
  readonly validFrom: string
  readonly school?: { readonly schoolType: string; readonly sponsor: string }
}

/**
 * An account as the kit reads it back.
 *
 * @since 0.1.0
 */
export interface AccountInfo {
  readonly id: string
  readonly role: Role
  readonly unitId: string
  readonly status: "active" | "disabled" | string
  /** The version to name when disabling it, where the system versions accounts. */
  readonly version?: number
}

/**
 * An account to create, bound to a real person (M14.1).
 *
 * @since 0.1.0
 */
export interface NewAccount {
  readonly id: string
  readonly role: Role
  readonly name: string
  readonly identityNumber: string
}

/**
 * A new hire (M21.1): the unit keeping the e-file, its basic information (基本信息, the core indicators) and the
 * employment that makes the person covered (M5.1).
 *
 * @since 0.1.0
 */
export interface NewHire {
  readonly unitId: string
  readonly basicInfo: Readonly<Record<string, unknown>>
  readonly employment: {
    readonly onEstablishment: boolean
    readonly contractMonths?: number
    readonly postCategory: "1" | "2" | "3" | "4"
  }
}

/**
 * An entry of an e-file and its review state (M17.1): `draft`, `submitted`, `schoolApproved`, `effective`,
 * `returned`.
 *
 * @since 0.1.0
 */
export interface EntryInfo {
  readonly id: string
  readonly group: string
  readonly state: string
  readonly version: number
}

/**
 * An e-file as read: where it is kept, the identity number as shown to the reader, its entries, and the whole answer
 * (`raw`), which the masking check searches for the full number.
 *
 * @since 0.1.0
 */
export interface EFileInfo {
  readonly teacherId: string
  readonly unitId: string
  readonly idNumber: string
  readonly entries: ReadonlyArray<EntryInfo>
  readonly raw: unknown
}

/**
 * A review command (M17.1).
 *
 * @since 0.1.0
 */
export type ReviewCommand =
  | { readonly type: "submit" }
  | {
      readonly type: "approveBySchool"
      readonly collectiveReview: string
      readonly principal: string
      readonly signedOn: string
    }
  | { readonly type: "approveByBureau" }
  | { readonly type: "reject"; readonly reason: string }

/**
 * A transfer (调动, M23) or a rotation (交流轮岗, M24): its state and whether it is still open.
 *
 * @since 0.1.0
 */
export interface ProcessInfo {
  readonly id: string
  readonly state: string
  readonly open: boolean
  readonly version: number
}

/**
 * A step of a transfer or rotation (M23.2).
 *
 * @since 0.1.0
 */
export type ProcessAction =
  | { readonly type: "confirm" }
  | { readonly type: "reject"; readonly reason: string }
  | { readonly type: "withdraw"; readonly reason: string }

/**
 * An audit record (M37.1), as the kit reads it.
 *
 * @since 0.1.0
 */
export interface AuditInfo {
  readonly actor: string
  readonly action: string
  readonly object: string
  readonly outcome: "ok" | "refused" | string
  readonly at: string
}

/**
 * Options of a command that may be retried.
 *
 * @since 0.1.0
 */
export interface CommandOptions {
  /** The idempotency key: a retry with the same key is answered as the first time and applied once. */
  readonly idempotencyKey?: string
}

/**
 * A training project of the plan (M25.1), as the kit enters it.
 *
 * @since 0.1.0
 */
export interface NewProject {
  readonly id: string
  readonly name: string
  readonly kind: "national" | "provincial" | "city" | "county" | "schoolBased" | "selfStudy"
  readonly hours: number
  readonly providerId: string
  readonly from: string
  readonly to: string
  readonly capacity: number
}

/**
 * A teacher's credit ledger (O9.1): its entries (kind, project, credits) and the credits available.
 *
 * @since 0.1.0
 */
export interface LedgerInfo {
  readonly entries: ReadonlyArray<{ readonly kind: string; readonly projectId: string; readonly credits: number }>
  readonly availableCredits: number
}

/**
 * The operations of a system under test. The training operations are optional: a driver without them makes the
 * credit check not applicable.
 *
 * @since 0.1.0
 */
export interface Driver {
  /** Where the system runs (reports name it). */
  readonly target: string
  /** The top system admin of the vendor's accounts file: its account id and unit. Logs it in. */
  readonly signIn: () => Promise<Result<{ readonly accountId: string; readonly unitId: string }>>
  readonly unit: (as: string, unitId: string) => Promise<Result<UnitInfo>>
  readonly createUnit: (as: string, parentId: string, unit: NewUnit) => Promise<Result<UnitInfo>>
  readonly createAccount: (as: string, unitId: string, account: NewAccount) => Promise<Result<AccountInfo>>
  readonly listAccounts: (as: string, unitId: string) => Promise<Result<ReadonlyArray<AccountInfo>>>
  /**
   * Disable an account (its manager acts). Optional: the kit disables the info admins and query-ers its former runs
   * left at the vendor's unit, which would otherwise fill the unit's quota (M14.5).
   */
  readonly disableAccount?: (as: string, accountId: string, version: number | undefined) => Promise<Result<void>>
  /**
   * Make a newly created account usable: its manager (`as`) gives it a credential, and the driver logs it in and
   * keeps its session (in tmis: an initial password, changed at the first login).
   */
  readonly activate: (as: string, accountId: string) => Promise<Result<void>>
  readonly onboard: (
    as: string,
    hire: NewHire
  ) => Promise<Result<{ readonly teacherId: string; readonly entryId: string; readonly entryVersion: number }>>
  readonly readEFile: (as: string, teacherId: string) => Promise<Result<EFileInfo>>
  /** The e-files kept at a unit and below; each with the identity number as shown, and the whole answer. */
  readonly listEFiles: (
    as: string,
    unitId: string
  ) => Promise<
    Result<{
      readonly items: ReadonlyArray<{ readonly teacherId: string; readonly idNumber: string }>
      readonly raw: unknown
    }>
  >
  readonly review: (
    as: string,
    entryId: string,
    command: ReviewCommand,
    expectedVersion: number
  ) => Promise<Result<{ readonly version: number }>>
  readonly initiateTransfer: (
    as: string,
    transfer: {
      readonly teacherId: string
      readonly toUnitId: string
      readonly effective: string
      readonly reason: string
    },
    options?: CommandOptions
  ) => Promise<Result<ProcessInfo>>
  readonly initiateRotation: (
    as: string,
    rotation: {
      readonly teacherId: string
      readonly toUnitId: string
      readonly personnelRelationChanges: boolean
      readonly period: { readonly start: string; readonly end: string }
      readonly reason: string
    },
    options?: CommandOptions
  ) => Promise<Result<ProcessInfo>>
  readonly process: (as: string, processId: string) => Promise<Result<ProcessInfo>>
  readonly act: (
    as: string,
    processId: string,
    action: ProcessAction,
    expectedVersion: number,
    options?: CommandOptions
  ) => Promise<Result<ProcessInfo>>
  /** The audit records of one actor (M37.1), as `as` (a system admin above it) may search them. */
  readonly auditSearch: (as: string, filter: { readonly actor: string }) => Promise<Result<ReadonlyArray<AuditInfo>>>
  readonly registerProvider?: (
    as: string,
    provider: { readonly id: string; readonly name: string }
  ) => Promise<Result<{ readonly id: string; readonly key: string }>>
  readonly createProject?: (as: string, project: NewProject) => Promise<Result<{ readonly id: string }>>
  readonly enrol?: (as: string, projectId: string, teacherId: string) => Promise<Result<void>>
  readonly submitResult?: (
    provider: { readonly id: string; readonly key: string },
    result: {
      readonly id: string
      readonly projectId: string
      readonly teacherId: string
      readonly hours: number
      readonly completedOn: string
    }
  ) => Promise<Result<{ readonly id: string; readonly version: number }>>
  readonly confirmResult?: (
    as: string,
    resultId: string,
    version: number
  ) => Promise<Result<{ readonly version: number }>>
  readonly ledger?: (as: string, teacherId: string) => Promise<Result<LedgerInfo>>
}

/**
 * The accounts file a vendor gives the kit (`accounts.json`): one system admin of the top unit the kit may build
 * beneath (a province, city or county; or the national unit), with its password. The kit creates its own units and
 * accounts below it, namespaced by the run's tag.
 *
 * ```json
 * { "systemAdmin": { "id": "sa-hubei", "password": "…", "unit": "hubei" } }
 * ```
 *
 * @since 0.1.0
 */
export interface Accounts {
  readonly systemAdmin: { readonly id: string; readonly password: string; readonly unit: string }
}
