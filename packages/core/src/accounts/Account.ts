/**
 * Account (账号): the three account roles of every unit — system admin (系统管理员), info admin (信息管理员),
 * info query-er (信息查询员) — and the teachers' self-service accounts a school may create. M13, M14, M15.1.
 *
 * Who may act on which account is decided by {@link Authorization}; this module holds what an account is and the
 * rules that depend on the other accounts of a unit (one system admin M14.4, quotas M14.5).
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import * as IdentityNumber from "../codes/IdentityNumber.js"
import type * as Unit from "../hierarchy/Unit.js"
import * as Day from "../kernel/Day.js"
import * as Refusal from "../kernel/Refusal.js"
import * as Authorization from "./Authorization.js"
import { AccountId, type CertificateBinding, type Role, roleName } from "./Role.js"

export { AccountId, type CertificateBinding, Role, roleName } from "./Role.js"

/**
 * The real person an account is bound to (实名制, M14.1).
 *
 * @since 0.1.0
 */
export interface Person {
  readonly name: string
  readonly identityNumber: IdentityNumber.IdentityNumber
}

/**
 * @since 0.1.0
 */
export interface Account {
  readonly id: AccountId
  readonly role: Role
  readonly unitId: Unit.UnitId
  readonly person: Person
  readonly status: "active" | "disabled"
  readonly certificate: CertificateBinding | undefined
  /** The account that created this one; undefined only for the account made at bootstrap (M15.1). */
  readonly createdBy: AccountId | undefined
}

/**
 * A deployment's account policy: which roles must hold a bound certificate (M14.2), and the quotas of info
 * admins and query-ers per unit (M14.5).
 *
 * @since 0.1.0
 */
export interface Policy {
  readonly requireCertificateFor: ReadonlyArray<Role>
  readonly quotas: { readonly infoAdmin: number; readonly infoQueryer: number }
}

/**
 * The default policy: certificates optional; at most 5 info admins and 10 info query-ers per unit. The
 * regulation asks only that the numbers be strictly controlled (严控三类账号数量, art. 14): a province sets its own.
 *
 * @since 0.1.0
 */
export const defaultPolicy: Policy = {
  requireCertificateFor: [],
  quotas: { infoAdmin: 5, infoQueryer: 10 }
}

const fail = (rule: Refusal.RuleId, zh: string, en: string, details: Record<string, unknown>) =>
  Either.left(Refusal.invalid(rule, zh, en, details))

/**
 * Real-name binding (M14.1): a name and a valid identity number.
 *
 * @since 0.1.0
 */
export const decidePerson = (
  input: { readonly name: string; readonly identityNumber: string },
  today: string
): Either.Either<Person, Refusal.Refusal> => {
  const name = input.name.trim()
  if (name.length === 0 || name.length > 50) {
    return fail("M14.1", "账号须实名：姓名为1至50个字符", "an account is real-name: a name of 1 to 50 characters", {
      field: "person.name",
      value: input.name
    })
  }
  return IdentityNumber.parse(input.identityNumber, { today }).pipe(
    Either.mapLeft((e) =>
      Refusal.invalid("M14.1", `账号须实名：${e.zh}`, `an account is real-name: ${e.en}`, {
        ...e.details,
        field: "person.identityNumber"
      })
    ),
    Either.map((identityNumber) => ({ name, identityNumber }))
  )
}

/**
 * The unit-level limits on a new account (M14.4, M14.5), given the accounts the unit already has. The store
 * enforces M14.4 again under concurrency; this is the check that explains the refusal.
 *
 * @since 0.1.0
 */
export const decideRoom = (
  role: Role,
  unitAccounts: ReadonlyArray<Pick<Account, "role" | "status" | "unitId">>,
  policy: Policy
): Either.Either<void, Refusal.Refusal> => {
  const active = unitAccounts.filter((a) => a.status === "active" && a.role === role).length
  if (role === "systemAdmin" && active > 0) {
    return fail("M14.4", "每个单位的系统管理员账号不超过1个", "a unit has at most one active system admin", {
      field: "role",
      value: role,
      active
    })
  }
  if (role === "infoAdmin" || role === "infoQueryer") {
    const quota = policy.quotas[role]
    if (active >= quota) {
      return fail(
        "M14.5",
        `本单位${roleName[role]}账号已达上限${quota}个`,
        `this unit already has the maximum of ${quota} active ${role} accounts`,
        { field: "role", value: role, active, quota }
      )
    }
  }
  return Either.void
}

const hex64 = /^[0-9a-f]{64}$/

/**
 * Validate a certificate binding (M14.2): a SHA-256 fingerprint and a validity period. Teacher accounts are not
 * among the accounts the regulation binds to CA certificates.
 *
 * @since 0.1.0
 */
export const decideCertificate = (
  role: Role,
  input: { readonly fingerprint: string; readonly notBefore: string; readonly notAfter: string }
): Either.Either<CertificateBinding, Refusal.Refusal> => {
  const fingerprint = input.fingerprint.replaceAll(":", "").toLowerCase()
  if (role === "teacher") {
    return fail(
      "M14.2",
      "CA证书绑定适用于管理员和查询员账号",
      "CA certificates are bound to admin and query-er accounts",
      {
        field: "role",
        value: role
      }
    )
  }
  if (!hex64.test(fingerprint)) {
    return fail(
      "M14.2",
      "证书指纹应为SHA-256（64位十六进制）",
      "a certificate fingerprint is a SHA-256 digest (64 hex digits)",
      {
        field: "certificate.fingerprint",
        value: input.fingerprint
      }
    )
  }
  const from = Date.parse(input.notBefore)
  const to = Date.parse(input.notAfter)
  if (Number.isNaN(from) || Number.isNaN(to) || from >= to) {
    return fail("M14.2", "证书有效期不正确", "a certificate's validity runs from notBefore to a later notAfter", {
      field: "certificate.notAfter",
      value: input.notAfter,
      notBefore: input.notBefore
    })
  }
  return Either.right({
    fingerprint,
    notBefore: new Date(from).toISOString(),
    notAfter: new Date(to).toISOString()
  })
}

/**
 * What a caller supplies to create an account.
 *
 * @since 0.1.0
 */
export interface NewAccount {
  readonly id: string
  readonly role: Role
  readonly person: { readonly name: string; readonly identityNumber: string }
}

const checkId = (id: string) =>
  Schema.is(AccountId)(id)
    ? Either.right(AccountId.make(id))
    : fail("M13.1", "账号标识须为1至64位字母、数字、-或_", "an account id is 1 to 64 letters, digits, - or _", {
        field: "id",
        value: id
      })

/**
 * The moment of a decision, as authorization and real-name checks need it.
 *
 * @since 0.1.0
 */
export interface Settings {
  readonly policy: Policy
  readonly now: Date
}

const authorizationContext = (settings: Settings): Authorization.Context => ({
  requireCertificateFor: settings.policy.requireCertificateFor,
  now: settings.now
})

/**
 * Decide the creation of an account by `creator` in `unit`, given the accounts that unit already has: the
 * creation matrix (M13.2, M13.5, M15.1, M14.3), real-name binding (M14.1), one system admin (M14.4), quotas
 * (M14.5).
 *
 * @since 0.1.0
 */
export const decideCreate = (
  creator: Authorization.Actor,
  input: NewAccount,
  unit: Authorization.UnitRef,
  unitAccounts: ReadonlyArray<Pick<Account, "role" | "status" | "unitId">>,
  settings: Settings
): Either.Either<Account, Refusal.Refusal | Refusal.Refusal> =>
  Either.gen(function* () {
    const id = yield* checkId(input.id)
    yield* Authorization.authorize(
      creator,
      { _tag: "CreateAccount", role: input.role, unit },
      authorizationContext(settings)
    )
    const person = yield* decidePerson(input.person, Day.of(settings.now))
    yield* decideRoom(input.role, unitAccounts, settings.policy)
    return {
      id,
      role: input.role,
      unitId: unit.id,
      person,
      status: "active",
      certificate: undefined,
      createdBy: creator.accountId
    } satisfies Account
  })

/**
 * Decide the bootstrap account (M15.1): the system admin of the deployment's root unit, created once, by no one.
 * `everHadSystemAdmin` is whether the root has ever had a system admin; after that, only the unit above (none)
 * could create one, so bootstrap is refused.
 *
 * @since 0.1.0
 */
export const decideBootstrap = (
  input: Omit<NewAccount, "role"> & {
    /** The CA certificate of the root's system admin (M14.2): nobody above it could bind one later. */
    readonly certificate?: { readonly fingerprint: string; readonly notBefore: string; readonly notAfter: string }
  },
  root: Authorization.UnitRef,
  everHadSystemAdmin: boolean,
  today: string
): Either.Either<Account, Refusal.Refusal> =>
  Either.gen(function* () {
    const id = yield* checkId(input.id)
    if (root.path !== `/${root.id}/`) {
      yield* fail(
        "M15.1",
        "只有根单位的系统管理员在初始化时创建",
        "only the root unit's system admin is created at bootstrap",
        {
          field: "unitId",
          value: root.id
        }
      )
    }
    if (everHadSystemAdmin) {
      yield* fail("M15.1", "初始化只能进行一次", "bootstrap happens once", { field: "unitId", value: root.id })
    }
    const person = yield* decidePerson(input.person, today)
    const certificate =
      input.certificate === undefined ? undefined : yield* decideCertificate("systemAdmin", input.certificate)
    return {
      id,
      role: "systemAdmin",
      unitId: root.id,
      person,
      status: "active",
      certificate,
      createdBy: undefined
    } satisfies Account
  })

/**
 * Decide disabling an account (M13.2, M13.5, M15.1). Disabling is how a unit's system admin is replaced: the
 * unit above disables the old one, then creates the new one (M14.4 allows one active at a time).
 *
 * @since 0.1.0
 */
export const decideDisable = (
  actor: Authorization.Actor,
  account: Account,
  unit: Authorization.UnitRef,
  settings: Settings
): Either.Either<Account, Refusal.Refusal | Refusal.Refusal> =>
  Either.gen(function* () {
    yield* Authorization.authorize(
      actor,
      { _tag: "ManageAccount", account: { id: account.id, role: account.role, unit } },
      authorizationContext(settings)
    )
    if (account.status === "disabled") {
      yield* fail("M13.2", "账号已停用", "the account is already disabled", { field: "status", value: account.status })
    }
    return { ...account, status: "disabled" as const }
  })

/**
 * Decide enabling a disabled account again (M13.2, M13.5, M15.1): by whoever manages it, and only if its unit has
 * room for it — a second active system admin is refused (M14.4), as are quotas (M14.5). The store refuses the second
 * system admin again under concurrency.
 *
 * @since 0.1.0
 */
export const decideEnable = (
  actor: Authorization.Actor,
  account: Account,
  unit: Authorization.UnitRef,
  unitAccounts: ReadonlyArray<Pick<Account, "role" | "status" | "unitId">>,
  settings: Settings
): Either.Either<Account, Refusal.Refusal> =>
  Either.gen(function* () {
    yield* Authorization.authorize(
      actor,
      { _tag: "ManageAccount", account: { id: account.id, role: account.role, unit } },
      authorizationContext(settings)
    )
    if (account.status === "active") {
      yield* fail("M13.2", "账号已启用", "the account is already active", { field: "status", value: account.status })
    }
    yield* decideRoom(account.role, unitAccounts, settings.policy)
    return { ...account, status: "active" as const }
  })

/**
 * Decide binding a CA certificate to an account (M14.2), by whoever manages that account.
 *
 * @since 0.1.0
 */
export const decideBindCertificate = (
  actor: Authorization.Actor,
  account: Account,
  unit: Authorization.UnitRef,
  certificate: { readonly fingerprint: string; readonly notBefore: string; readonly notAfter: string },
  settings: Settings
): Either.Either<Account, Refusal.Refusal | Refusal.Refusal> =>
  Either.gen(function* () {
    yield* Authorization.authorize(
      actor,
      { _tag: "ManageAccount", account: { id: account.id, role: account.role, unit } },
      authorizationContext(settings)
    )
    const binding = yield* decideCertificate(account.role, certificate)
    return { ...account, certificate: binding }
  })
