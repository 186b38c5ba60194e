/**
 * Authorization: the one place that decides whether an actor may take an action on a target. Actor × action ×
 * target → allowed, or a typed refusal naming the rule. Scope is a prefix test on materialised paths.
 * M13.2–M13.5, M14.2, M14.3, M15.1, M20.1.
 *
 * @since 0.1.0
 */
import { Either, Option } from "effect"
import * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"
import type * as Account from "./Role.js"

/**
 * What authorization needs to know of a unit: its id, kind and materialised path.
 *
 * @since 0.1.0
 */
export interface UnitRef {
  readonly id: Unit.UnitId
  readonly kind: Unit.Kind
  readonly path: string
}

/**
 * The account acting in a request, with the unit it belongs to and the certificate presented in this session.
 *
 * @since 0.1.0
 */
export interface Actor {
  readonly accountId: Account.AccountId
  readonly role: Account.Role
  readonly status: "active" | "disabled"
  readonly unit: UnitRef
  /** The identity number of the person behind the account: a teacher account acts on its own e-file only. */
  readonly identityNumber: string
  readonly certificate: Account.CertificateBinding | undefined
  /** SHA-256 fingerprint of the client certificate presented in this session, if any. */
  readonly presentedCertificate: string | undefined
}

/**
 * Build the actor of an account acting from its unit.
 *
 * @since 0.1.0
 */
export const actor = (
  account: {
    readonly id: Account.AccountId
    readonly role: Account.Role
    readonly status: "active" | "disabled"
    readonly person: { readonly identityNumber: string }
    readonly certificate: Account.CertificateBinding | undefined
  },
  unit: UnitRef,
  presentedCertificate?: string
): Actor => ({
  accountId: account.id,
  role: account.role,
  status: account.status,
  unit: { id: unit.id, kind: unit.kind, path: unit.path },
  identityNumber: account.person.identityNumber,
  certificate: account.certificate,
  presentedCertificate
})

/**
 * Everything an actor can attempt. Teacher data actions name the unit the e-file belongs to and, where known,
 * the teacher's identity number (for the teacher's own self-service).
 *
 * @since 0.1.0
 */
export type Action =
  | { readonly _tag: "CreateAccount"; readonly role: Account.Role; readonly unit: UnitRef }
  | {
      readonly _tag: "ManageAccount"
      readonly account: { readonly id: Account.AccountId; readonly role: Account.Role; readonly unit: UnitRef }
    }
  | { readonly _tag: "CreateUnit"; readonly kind: Unit.Kind; readonly parent: UnitRef }
  | { readonly _tag: "ChangeUnit"; readonly unit: UnitRef }
  | { readonly _tag: "ReadUnits"; readonly unit: UnitRef }
  | {
      readonly _tag: "ReadTeacher"
      readonly unit: UnitRef
      readonly detail: "basic" | "sensitive"
      readonly teacher?: { readonly identityNumber: string }
    }
  | { readonly _tag: "WriteTeacher"; readonly unit: UnitRef; readonly teacher?: { readonly identityNumber: string } }
  | { readonly _tag: "ReviewTeacher"; readonly unit: UnitRef }
  | { readonly _tag: "ReadStatistics"; readonly unit: UnitRef }
  /** Verify the audit chain (M37.1) of the deployment: `unit` is the deployment's root. */
  | { readonly _tag: "VerifyAudit"; readonly unit: UnitRef }
  /** Read the audit records of the actors of subtree(`unit`) (M37.1). */
  | { readonly _tag: "ReadAudit"; readonly unit: UnitRef }
  /** List the accounts of `unit` (M13.2, M15.1). */
  | { readonly _tag: "ReadAccounts"; readonly unit: UnitRef }

/**
 * @since 0.1.0
 */
export type ActionTag = Action["_tag"]

/**
 * The action kinds each role may ever take (within its scope): the role half of M14.3. Data, so that documents
 * and tests read the same table the decisions use.
 *
 * @since 0.1.0
 */
export const capabilities: Record<Account.Role, ReadonlyArray<ActionTag>> = {
  systemAdmin: ["CreateAccount", "ManageAccount", "ReadAccounts", "ReadUnits", "VerifyAudit", "ReadAudit"],
  infoAdmin: [
    "CreateUnit",
    "ChangeUnit",
    "ReadUnits",
    "ReadTeacher",
    "WriteTeacher",
    "ReviewTeacher",
    "ReadStatistics"
  ],
  infoQueryer: ["ReadUnits", "ReadTeacher", "ReadStatistics"],
  teacher: ["ReadTeacher", "WriteTeacher"]
}

/**
 * The deployment settings authorization reads: the certificate policy (M14.2) and the current time.
 *
 * @since 0.1.0
 */
export interface Context {
  readonly requireCertificateFor: ReadonlyArray<Account.Role>
  readonly now: Date
}

/**
 * Is `unit` in subtree(`root`)?
 *
 * @since 0.1.0
 */
export const within = (unit: Pick<UnitRef, "path">, root: Pick<UnitRef, "path">): boolean =>
  unit.path.startsWith(root.path)

const isDirectChild = (unit: UnitRef, parent: UnitRef) => unit.path === `${parent.path}${unit.id}/`

const isAdministrative = (kind: Unit.Kind) =>
  kind === "national" || kind === "province" || kind === "city" || kind === "county"

/**
 * Does the actor present a valid certificate bound to its account (M14.2)?
 *
 * @since 0.1.0
 */
export const presentsValidCertificate = (actor: Actor, now: Date): boolean => {
  const { certificate, presentedCertificate } = actor
  if (certificate === undefined || presentedCertificate === undefined) return false
  const t = now.getTime()
  return (
    certificate.fingerprint === presentedCertificate.replaceAll(":", "").toLowerCase() &&
    Date.parse(certificate.notBefore) <= t &&
    t <= Date.parse(certificate.notAfter)
  )
}

const targetUnit = (action: Action): UnitRef => {
  switch (action._tag) {
    case "ManageAccount":
      return action.account.unit
    case "CreateUnit":
      return action.parent
    default:
      return action.unit
  }
}

const roleRefusal: Record<Account.Role, { rule: Refusal.RuleId; zh: string; en: string }> = {
  systemAdmin: {
    rule: "M13.2",
    zh: "系统管理员只管理本级账号及下级系统管理员账号，不处理教师信息",
    en: "a system admin manages accounts of its own unit and the system admins directly below; nothing else"
  },
  infoAdmin: {
    rule: "M13.3",
    zh: "信息管理员负责教师信息的录入、审核和上报，不管理账号",
    en: "an info admin manages entry, review and reporting of teacher information; it does not manage accounts"
  },
  infoQueryer: {
    rule: "M13.4",
    zh: "信息查询员只能查询基础信息和统计信息，不能修改",
    en: "an info query-er reads basic information and statistics only; it changes nothing"
  },
  teacher: {
    rule: "M14.3",
    zh: "教师账号只能查看和填报本人信息",
    en: "a teacher account reads and enters its own information only"
  }
}

/**
 * Decide whether `actor` may take `action`: undefined when allowed, else the violated rule as plain data. Allowed
 * only if the role may take this kind of action at all ({@link capabilities}), the target lies in the actor's scope,
 * and the finer rule of the action holds. Plain data, so that filtering many targets builds no error objects.
 *
 * @since 0.1.0
 */
export const decide = (actor: Actor, action: Action, context: Context): Refusal.Refusal | undefined => {
  const refuse = (rule: Refusal.RuleId, zh: string, en: string) =>
    Refusal.forbidden(rule, zh, en, {
      field: "action",
      value: action._tag,
      actor: actor.accountId,
      role: actor.role,
      actorUnit: actor.unit.id,
      targetUnit: targetUnit(action).id
    })
  const outOfScope = () =>
    actor.unit.kind === "department"
      ? refuse("M20.1", "二级部门只能管理本部门的教师", "a department manages its own department's teachers only")
      : refuse(
          "M14.3",
          "目标不在本单位及下级单位范围内",
          "the target lies outside the actor's unit and the units below it"
        )

  if (actor.status !== "active") {
    return refuse("M14.3", "已停用的账号没有任何权限", "a disabled account holds no permission")
  }
  if (context.requireCertificateFor.includes(actor.role) && !presentsValidCertificate(actor, context.now)) {
    return refuse(
      "M14.2",
      "本系统要求此类账号使用有效的CA证书",
      "this deployment requires a valid bound CA certificate for this role"
    )
  }
  if (!capabilities[actor.role].includes(action._tag)) {
    const r = roleRefusal[actor.role]
    // A teacher account asked to be created by anyone but a school's system admin is M13.5's case.
    if (action._tag === "CreateAccount" && action.role === "teacher") {
      return refuse(
        "M13.5",
        "只有学校系统管理员可以为本校教师创建账号",
        "only a school's system admin creates teacher accounts"
      )
    }
    return refuse(r.rule, r.zh, r.en)
  }

  switch (action._tag) {
    case "CreateAccount": {
      const target = action.unit
      if (!within(target, actor.unit)) return outOfScope()
      if (action.role === "systemAdmin") {
        return isDirectChild(target, actor.unit)
          ? undefined
          : refuse(
              "M15.1",
              "单位的系统管理员账号由直接上级单位的系统管理员创建",
              "a unit's system admin is created by the system admin of the unit directly above"
            )
      }
      if (action.role === "teacher") {
        return actor.unit.kind === "school" && (target.id === actor.unit.id || target.kind === "department")
          ? undefined
          : refuse(
              "M13.5",
              "只有学校系统管理员可以为本校教师创建账号",
              "only a school's system admin creates teacher accounts"
            )
      }
      return target.id === actor.unit.id
        ? undefined
        : refuse(
            "M13.2",
            "系统管理员只为本单位创建信息管理员和信息查询员账号",
            "a system admin creates info admin and query-er accounts for its own unit only"
          )
    }
    case "ManageAccount": {
      const target = action.account
      if (!within(target.unit, actor.unit)) return outOfScope()
      if (target.role === "systemAdmin") {
        return isDirectChild(target.unit, actor.unit)
          ? undefined
          : refuse(
              "M15.1",
              "系统管理员账号由直接上级单位的系统管理员管理",
              "a system admin account is managed by the system admin of the unit directly above"
            )
      }
      if (target.role === "teacher") {
        return actor.unit.kind === "school"
          ? undefined
          : refuse(
              "M13.5",
              "教师账号由本校系统管理员管理",
              "teacher accounts are managed by their school's system admin"
            )
      }
      return target.unit.id === actor.unit.id
        ? undefined
        : refuse(
            "M13.2",
            "系统管理员只管理本单位的账号及直接下级的系统管理员账号",
            "a system admin manages its own unit's accounts and the system admins directly below"
          )
    }
    case "CreateUnit": {
      if (!within(action.parent, actor.unit)) return outOfScope()
      if (isAdministrative(actor.unit.kind)) return undefined
      return action.kind === "department" && action.parent.id === actor.unit.id && actor.unit.kind === "school"
        ? undefined
        : refuse("M20.1", "学校只能在本校下设二级部门", "a school creates only secondary departments of its own")
    }
    case "ChangeUnit": {
      if (!within(action.unit, actor.unit)) return outOfScope()
      if (action.unit.id === actor.unit.id) {
        return refuse(
          "M12.2",
          "单位属性变更由上级教育行政部门办理",
          "a unit's attributes are changed by the administrative unit above it"
        )
      }
      return isAdministrative(actor.unit.kind) || action.unit.kind === "department"
        ? undefined
        : refuse("M20.1", "学校只能变更本校的二级部门", "a school changes only its own secondary departments")
    }
    case "ReadTeacher":
    case "WriteTeacher": {
      if (actor.role === "teacher") {
        return action.teacher !== undefined &&
          action.teacher.identityNumber === actor.identityNumber &&
          within(action.unit, schoolOf(actor.unit))
          ? undefined
          : refuse(
              "M14.3",
              "教师账号只能查看和填报本人信息",
              "a teacher account reads and enters its own information only"
            )
      }
      if (!within(action.unit, actor.unit)) return outOfScope()
      if (action._tag === "ReadTeacher" && action.detail === "sensitive" && actor.role === "infoQueryer") {
        return refuse(
          "M13.4",
          "信息查询员只能查询教师基础信息，敏感信息须脱敏",
          "an info query-er sees basic information only; sensitive data is masked"
        )
      }
      return undefined
    }
    case "ReadUnits":
    case "ReviewTeacher":
    case "ReadStatistics":
      return within(action.unit, actor.unit) ? undefined : outOfScope()
    case "ReadAccounts":
      // Its own unit's accounts (M13.2) and those of the units below, whose system admins it hands down (M15.1).
      return within(action.unit, actor.unit) ? undefined : outOfScope()
    case "ReadAudit":
      // A system admin reads what the accounts of its subtree did (M37.1); the root's reads the whole log.
      return within(action.unit, actor.unit) ? undefined : outOfScope()
    case "VerifyAudit":
      // The log is the deployment's: its root's system admin answers for it (MLPS: audit separated from data).
      return action.unit.path === actor.unit.path
        ? undefined
        : refuse(
            "M37.1",
            "审计日志由部署最高一级单位的系统管理员核验",
            "the root unit's system admin verifies the audit log"
          )
  }
}

/** A teacher account belongs to its school or one of the school's departments; its scope is the school. */
const schoolOf = (unit: UnitRef): Pick<UnitRef, "path"> =>
  unit.kind === "department" ? { path: unit.path.slice(0, unit.path.slice(0, -1).lastIndexOf("/") + 1) } : unit

/**
 * Decide whether `actor` may take `action`, with a typed refusal naming the rule.
 *
 * @since 0.1.0
 */
export const authorize = (actor: Actor, action: Action, context: Context): Either.Either<void, Refusal.Refusal> => {
  const refusal = decide(actor, action, context)
  return refusal === undefined ? Either.void : Either.left(refusal)
}

/**
 * `decide` as a yes/no, for listings and documents.
 *
 * @since 0.1.0
 */
export const isAllowed = (actor: Actor, action: Action, context: Context): boolean =>
  decide(actor, action, context) === undefined

// ── Acting for a party ───────────────────────────────────────────────────────────────────────────────────────────
// The reviews and the approval chains (review, change requests, status changes, transfers, rotations) ask one
// question: does this actor act for this party of the teacher's unit? It is decided here, like every other.

/**
 * The deployment's certificate policy (M14.2), as the processes apply it to every actor at the instant it acts.
 *
 * @since 0.1.0
 */
export interface Policy {
  readonly requireCertificateFor: ReadonlyArray<Account.Role>
}

/**
 * The policy requiring no certificate.
 *
 * @since 0.1.0
 */
export const noCertificates: Policy = { requireCertificateFor: [] }

/**
 * The authorization context of an actor acting at `at` (ISO 8601) under `policy`.
 *
 * @since 0.1.0
 */
export const contextAt = (policy: Policy, at: string): Context => ({
  requireCertificateFor: policy.requireCertificateFor,
  now: new Date(at)
})

/**
 * A teacher's data belongs to a school or one of its departments (M17.1): undefined when `unit` is one, else the
 * refusal.
 *
 * @since 0.1.0
 */
export const entryUnitRefusal = (unit: UnitRef): Refusal.Refusal | undefined =>
  unit.kind === "school" || unit.kind === "department"
    ? undefined
    : Refusal.invalid(
        "M17.1",
        "教师信息属于学校或其二级部门",
        "a teacher's entry belongs to a school or one of its departments",
        { field: "unit", value: unit.id, kind: unit.kind }
      )

/**
 * May `actor` act for the school of a teacher of `unit` — the school review (M17.1), resolving problem data
 * (M17.3, M17.4), a change request (M19.2), a status change (M22.1)? An info admin of the teacher's school, or of
 * the teacher's own department (M20.1). Undefined when allowed, else the violation; a wrong level is refused with
 * `rule`.
 *
 * @since 0.1.0
 */
export const decideSchoolAdmin = (
  actor: Actor,
  unit: UnitRef,
  context: Context,
  rule: Refusal.RuleId,
  action: "ReviewTeacher" | "WriteTeacher" = "ReviewTeacher"
): Refusal.Refusal | undefined => {
  const notEntry = entryUnitRefusal(unit)
  if (notEntry !== undefined) return notEntry
  const refusal = decide(actor, { _tag: action, unit }, context)
  if (refusal !== undefined) return refusal
  const school = Option.getOrUndefined(Unit.schoolId(unit))
  if (
    actor.role === "infoAdmin" &&
    (actor.unit.id === school || (unit.kind === "department" && actor.unit.id === unit.id))
  ) {
    return undefined
  }
  return Refusal.forbidden(
    rule,
    "须由教师所在学校（或其二级部门）的信息管理员办理",
    "only an info admin of the teacher's school (or of the teacher's department) does this",
    { field: "actor", value: actor.accountId, role: actor.role, actorUnit: actor.unit.id, school, unit: unit.id }
  )
}

/**
 * May `actor` act as the competent bureau (主管教育行政部门) of a teacher of `unit` — the bureau review (M17.1), the
 * approval of a change request (M19.2)? An info admin of the school's parent unit, read from the materialised path.
 *
 * @since 0.1.0
 */
export const decideBureauAdmin = (
  actor: Actor,
  unit: UnitRef,
  context: Context,
  rule: Refusal.RuleId
): Refusal.Refusal | undefined => {
  const notEntry = entryUnitRefusal(unit)
  if (notEntry !== undefined) return notEntry
  const refusal = decide(actor, { _tag: "ReviewTeacher", unit }, context)
  if (refusal !== undefined) return refusal
  const bureau = Option.getOrUndefined(Unit.competentBureauId(unit))
  if (actor.role === "infoAdmin" && actor.unit.id === bureau) return undefined
  return Refusal.forbidden(
    rule,
    "须由学校的主管教育行政部门的信息管理员办理",
    "only an info admin of the school's competent bureau does this",
    { field: "actor", value: actor.accountId, role: actor.role, actorUnit: actor.unit.id, bureau, unit: unit.id }
  )
}

/**
 * A party of a process between two units (a teacher's unit `from`, a receiving unit `to`): the school side of one
 * of them (the school, or the teacher's department, M20.1) or its competent bureau, and what its info admin does
 * there (`WriteTeacher` for the side that initiates, `ReviewTeacher` for the sides that confirm).
 *
 * @since 0.1.0
 */
export interface Party {
  readonly side: "from" | "to"
  readonly level: "school" | "bureau"
  readonly action: "WriteTeacher" | "ReviewTeacher"
  readonly zh: string
  readonly en: string
}

/**
 * The unit a party acts for, and the ids of the units whose info admins act for it.
 *
 * @since 0.1.0
 */
export const partyUnits = (
  party: Pick<Party, "side" | "level">,
  units: { readonly from: UnitRef; readonly to: UnitRef }
): { readonly unit: UnitRef; readonly ids: ReadonlyArray<string> } => {
  const unit = units[party.side]
  const ids =
    party.level === "bureau"
      ? Option.toArray(Unit.competentBureauId(unit))
      : [...Option.toArray(Unit.schoolId(unit)), ...(unit.kind === "department" ? [unit.id] : [])]
  return { unit, ids }
}

/**
 * Where an end of a process (its sending or receiving unit) lies for a unit whose info admins act for one of the
 * process's parties at that end: the end's kind and how many levels below the unit it lies (0: the unit itself).
 *
 * @since 0.1.0
 */
export interface PartyPlace {
  readonly level: Party["level"]
  readonly kind: Unit.Kind
  readonly depth: number
}

/**
 * The inverse of {@link partyUnits}: the places of an end for which `unit` acts as the school side or as the
 * competent bureau — `unit` is among `partyUnits(party, …).ids` exactly when the party's end lies at one of these
 * places (and in subtree(`unit`)). A department acts for itself (M20.1); a school for itself and its departments;
 * an administrative unit as the competent bureau of the schools directly below it and their departments. So a
 * store finds the processes waiting for a unit by path and kind, without the regulation.
 *
 * @since 0.1.0
 */
export const partyPlaces = (unit: Pick<UnitRef, "kind">): ReadonlyArray<PartyPlace> => {
  switch (unit.kind) {
    case "department":
      return [{ level: "school", kind: "department", depth: 0 }]
    case "school":
      return [
        { level: "school", kind: "school", depth: 0 },
        { level: "school", kind: "department", depth: 1 }
      ]
    default:
      return [
        { level: "bureau", kind: "school", depth: 1 },
        { level: "bureau", kind: "department", depth: 2 }
      ]
  }
}

/**
 * Does `actor` act for `party` of the process between `units`? Undefined when it does, else the refusal: `rule`
 * (forbidden) when the actor belongs to another unit — a step skipped, or taken by anyone else — naming the party
 * expected and what it does (`doing`); else whatever the role, scope and certificate rules refuse.
 *
 * @since 0.1.0
 */
export const decideParty = (
  actor: Actor,
  party: Party,
  units: { readonly from: UnitRef; readonly to: UnitRef },
  context: Context,
  rule: Refusal.RuleId,
  doing: { readonly zh: string; readonly en: string }
): Refusal.Refusal | undefined => {
  const { unit, ids } = partyUnits(party, units)
  const wrongParty = () =>
    Refusal.forbidden(rule, `须由${party.zh}的信息管理员${doing.zh}`, `only an info admin of ${party.en} ${doing.en}`, {
      actor: actor.accountId,
      role: actor.role,
      actorUnit: actor.unit.id,
      field: "actor",
      value: actor.accountId,
      expected: ids,
      unit: unit.id
    })
  if (!ids.includes(actor.unit.id)) return wrongParty()
  const refusal =
    party.level === "bureau"
      ? decideBureauAdmin(actor, unit, context, rule)
      : decideSchoolAdmin(actor, unit, context, rule, party.action)
  // Say which party was expected, rather than the generic wording.
  return refusal !== undefined && refusal.rule === rule ? wrongParty() : refusal
}

// ── Training credits (M25) ───────────────────────────────────────────────────────────────────────────────────────
// A bureau enters its own level's projects and providers (M25.1); the unit fixed by the project's kind confirms a
// result's credits (M25.3–M25.5); a provider acts on its own projects' enrolled teachers only (M25.2).

/**
 * May `actor` act as `unit` itself — enter its training projects and providers (M25.1), confirm or reject the
 * credits it is to confirm (M25.3–M25.5), approve a school's plan as its competent bureau (M25.5)? An active info
 * admin of exactly that unit, nobody above or beside it. Undefined when allowed, else the refusal naming `rule`.
 *
 * @since 0.1.0
 */
export const decideUnitAdmin = (
  actor: Actor,
  unit: UnitRef,
  context: Context,
  rule: Refusal.RuleId
): Refusal.Refusal | undefined => {
  const refusal = decide(actor, { _tag: "ReviewTeacher", unit }, context)
  if (refusal !== undefined && refusal.rule !== "M14.3") return refusal
  if (actor.status === "active" && actor.role === "infoAdmin" && actor.unit.id === unit.id) return refusal
  return Refusal.forbidden(rule, "须由该单位本级的信息管理员办理", "only an info admin of that unit itself does this", {
    field: "actor",
    value: actor.accountId,
    role: actor.role,
    actorUnit: actor.unit.id,
    unit: unit.id
  })
}

/**
 * A training provider acting (see the training layer's `Provider`): its id and status.
 *
 * @since 0.1.0
 */
export interface ProviderActor {
  readonly providerId: string
  readonly status: "active" | "disabled"
}

/**
 * May a provider submit (or correct) a teacher's result in a project (M25.2)? Only an active provider, for its own
 * project, for a teacher enrolled in it.
 *
 * @since 0.1.0
 */
export const decideProviderResult = (
  provider: ProviderActor,
  project: { readonly id: string; readonly providerId: string },
  enrolled: boolean
): Refusal.Refusal | undefined => {
  const details = { field: "provider", value: provider.providerId, project: project.id }
  if (provider.status !== "active") {
    return Refusal.forbidden("M25.2", "培训机构已停用", "the training provider is disabled", details)
  }
  if (project.providerId !== provider.providerId) {
    return Refusal.forbidden(
      "M25.2",
      "培训机构只能提交本机构承担项目的培训结果",
      "a provider submits results of its own projects only",
      details
    )
  }
  return enrolled
    ? undefined
    : Refusal.forbidden(
        "M25.2",
        "只能提交已报名该项目的教师的培训结果",
        "a provider submits results only for teachers enrolled in the project",
        { ...details, field: "teacher" }
      )
}
