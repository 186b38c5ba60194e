/**
 * A sharing request (共享申请, M31.1): another system asks to read part of the teachers' e-files instead of
 * collecting them again (M30.1, O11.1). The request names the requester (the organisation and its system), the
 * purpose, the fields (indicator paths `group.field`), the units (one subtree, by its root) and the period; the
 * bureau that owns the data approves it, narrows it (approves a part: fewer fields, a smaller subtree, a shorter
 * period) or refuses it. An approval results in a {@link Grant}.
 *
 * One approval chain (the `ApprovalChain` kernel) of one step: an info admin files the request for the requester
 * (`requester`), the owning bureau confirms (`owningBureau`). The confirmation carries what is granted: the
 * requested scope, or a part of it ({@link decideApprove}); a rejection is the refusal, with its reason; the filing
 * account may withdraw the request, with a reason, while it awaits the bureau.
 *
 * Decisions where the regulation is silent:
 * - The owning bureau (信息所属的教育行政部门) of a subtree is its root when that is an administrative unit, else the
 *   competent bureau of the school (or the department's school) at its root. Only an active info admin of that
 *   bureau itself decides, not one above it: the bureau answers for its data.
 * - Who files: an active info admin of any unit of the deployment, on behalf of the requesting organisation named in
 *   the request (a system outside has no account to file with). The filer never decides its own request (four eyes).
 * - The period is the days access is allowed, both included; the grant expires after its last day.
 * - Fields are indicator paths `group.field` of the deployment's schema (core or extension); no wildcard, so a grant
 *   lists exactly what it gives.
 *
 * @since 0.1.0
 */
import { Either, Option, Schema } from "effect"
import * as Authorization from "../accounts/Authorization.js"
import * as Unit from "../hierarchy/Unit.js"
import * as ApprovalChain from "../kernel/ApprovalChain.js"
import * as Refusal from "../kernel/Refusal.js"

/**
 * The states of a request; the last three are final.
 *
 * @since 0.1.0
 */
export const State = Schema.Literal("awaitingOwningBureau", "completed", "rejected", "withdrawn")

/**
 * @since 0.1.0
 */
export type State = typeof State.Type

/**
 * The one state in which a request waits for a decision.
 *
 * @since 0.1.0
 */
export type OpenState = "awaitingOwningBureau"

/**
 * The parties of a request: the filing side and the owning bureau.
 *
 * @since 0.1.0
 */
export type Party = "requester" | "owningBureau"

/**
 * An indicator path: a record group and a field of it, `group.field` (`basicInfo.name`).
 *
 * @since 0.1.0
 */
export const FieldPath = Schema.String.pipe(Schema.pattern(/^[A-Za-z][A-Za-z0-9_]{0,63}\.[A-Za-z][A-Za-z0-9_]{0,63}$/))

/**
 * The days access is allowed, "YYYY-MM-DD", both included.
 *
 * @since 0.1.0
 */
export const Period = Schema.Struct({ start: Unit.Day, end: Unit.Day })

/**
 * @since 0.1.0
 */
export type Period = typeof Period.Type

/**
 * What is asked for, or granted: the fields, the subtree (its root unit) and the period.
 *
 * @since 0.1.0
 */
export const Scope = Schema.Struct({
  fields: Schema.Array(FieldPath),
  unit: Schema.Struct({ id: Unit.UnitId, kind: Unit.Kind, path: Schema.String }),
  period: Period
})

/**
 * @since 0.1.0
 */
export type Scope = typeof Scope.Type

/**
 * The organisation that will read, and its system.
 *
 * @since 0.1.0
 */
export interface Requester {
  readonly organisation: string
  readonly system: string
}

/**
 * What is filed.
 *
 * @since 0.1.0
 */
export interface Input {
  readonly id: string
  readonly requester: Requester
  readonly purpose: string
  readonly scope: Scope
}

/**
 * The machine's context: the request as filed, its owning bureau, what was granted (once approved) and the trail.
 *
 * @since 0.1.0
 */
export interface Context extends ApprovalChain.Trail<OpenState> {
  readonly id: string
  readonly requester: Requester
  readonly purpose: string
  readonly requested: Scope
  readonly owner: Authorization.UnitRef
  /** What the owning bureau granted: the requested scope or a part of it; undefined until approved. */
  readonly granted: Scope | undefined
}

/**
 * The events of a request: the bureau's confirmation and rejection, the filer's withdrawal.
 *
 * @since 0.1.0
 */
export type Event = ApprovalChain.Event<Authorization.Actor>

/**
 * The parties' names.
 *
 * @since 0.1.0
 */
export const parties: Record<Party, ApprovalChain.Name> = {
  requester: { zh: "申请方（提交申请的信息管理员）", en: "the requester (the info admin who filed the request)" },
  owningBureau: { zh: "信息所属的教育行政部门", en: "the bureau that owns the data" }
}

/**
 * The one step: the owning bureau decides (M31.1).
 *
 * @since 0.1.0
 */
export const steps: ReadonlyArray<ApprovalChain.Step<OpenState, Party>> = [
  { state: "awaitingOwningBureau", party: "owningBureau" }
]

/**
 * The deployment's certificate policy (M14.2), applied to every actor.
 *
 * @since 0.1.0
 */
export type Policy = Authorization.Policy

const decideParty = (
  actor: Authorization.Actor,
  party: Party,
  context: Context,
  policy: Policy,
  at: string,
  rule: Refusal.RuleId,
  doing: ApprovalChain.Name
): Refusal.Refusal | undefined => {
  const details = { field: "actor", value: actor.accountId, role: actor.role, actorUnit: actor.unit.id }
  if (party === "requester") {
    return actor.accountId === context.initiator.actor
      ? Authorization.decide(actor, { _tag: "ReadUnits", unit: actor.unit }, Authorization.contextAt(policy, at))
      : Refusal.forbidden(rule, `须由提交申请的账号${doing.zh}`, `only the account that filed it ${doing.en}`, details)
  }
  if (actor.accountId === context.initiator.actor) {
    return Refusal.forbidden(
      rule,
      "提交申请的账号不能审批自己的申请",
      "the account that filed a request does not decide it",
      details
    )
  }
  return Authorization.decideUnitAdmin(actor, context.owner, Authorization.contextAt(policy, at), rule)
}

/**
 * The request as an approval chain of one step.
 *
 * @since 0.1.0
 */
export const chain = ApprovalChain.make({
  id: "sharing",
  name: { zh: "共享申请", en: "sharing request" },
  parties,
  initiator: "requester",
  withdrawer: "requester",
  routes: { "M31.1": { rule: "M31.1", steps } },
  routeOf: (_: Context) => "M31.1" as const,
  decideParty,
  defaultPolicy: Authorization.noCertificates
})

/**
 * The request machine (XState v5), derived by the kernel: `docs/workflows.md` is generated from it.
 *
 * @since 0.1.0
 */
export const machine = chain.machine

/**
 * A snapshot of the machine: the state (`value`) and the context.
 *
 * @since 0.1.0
 */
export type Snapshot = ApprovalChain.Snapshot<OpenState, Context>

/**
 * The persisted form of a snapshot.
 *
 * @since 0.1.0
 */
export type Persisted = ApprovalChain.Persisted<OpenState, Context>

/**
 * The chain's operations (`ApprovalChain`): `decide`, `send`, `persist`, `restore`, `isOpen`, `isFinal`, `whoActs`.
 *
 * @since 0.1.0
 */
export const { decideEvent, decide, send, apply, accepts, persist, restore, isOpen, isFinal, whoActs } = chain

/**
 * The id of the bureau that owns the data of subtree(`unit`): the unit itself when administrative, else its
 * competent bureau (a school's parent; a department's school's parent).
 *
 * @since 0.1.0
 */
export const ownerOf = (unit: Pick<Authorization.UnitRef, "id" | "kind" | "path">): string | undefined =>
  Unit.isAdministrative(unit.kind) ? unit.id : Option.getOrUndefined(Unit.competentBureauId(unit))

const isBlank = (s: string) => s.trim().length === 0

const invalid = (zh: string, en: string, field: string, value: unknown) =>
  Refusal.invalid("M31.1", zh, en, { field, value })

/**
 * Is `scope` well formed: at least one field, no field twice, a real period that ends on or after it starts?
 * Undefined when it is, else the refusal (M31.1).
 *
 * @since 0.1.0
 */
export const decideScope = (scope: Scope, prefix: string): Refusal.Refusal | undefined => {
  if (!Schema.is(Scope)(scope)) return invalid("共享范围格式不正确", "the scope is malformed", prefix, scope)
  if (scope.fields.length === 0) {
    return invalid("至少申请一个信息指标", "a request names at least one field", `${prefix}.fields`, scope.fields)
  }
  if (new Set(scope.fields).size !== scope.fields.length) {
    return invalid("信息指标不能重复", "a field is named once", `${prefix}.fields`, scope.fields)
  }
  if (scope.period.end < scope.period.start) {
    return invalid(
      "期限的结束日期不能早于开始日期",
      "the period ends on or after it starts",
      `${prefix}.period.end`,
      scope.period.end
    )
  }
  return undefined
}

/**
 * Is `part` within `whole`: its fields among the whole's, its subtree within the whole's, its period within the
 * whole's? Narrowing never widens (M31.1).
 *
 * @since 0.1.0
 */
export const within = (part: Scope, whole: Scope): boolean =>
  part.fields.every((f) => whole.fields.includes(f)) &&
  Authorization.within(part.unit, whole.unit) &&
  part.period.start >= whole.period.start &&
  part.period.end <= whole.period.end

/**
 * Decide a filing by `actor`: the first snapshot (awaiting the owning bureau), or the refusal. An active info admin
 * files, naming the requester, a purpose, and a well-formed scope; `owner` is the unit {@link ownerOf} names for
 * the scope's root, as the caller loaded it (M31.1).
 *
 * @since 0.1.0
 */
export const decideInitiate = (
  input: Input,
  owner: Authorization.UnitRef,
  actor: Authorization.Actor,
  context: Authorization.Context
): Either.Either<Snapshot, Refusal.Refusal> => {
  const base = Authorization.decide(actor, { _tag: "ReadUnits", unit: actor.unit }, context)
  if (base !== undefined) return Either.left(base)
  if (actor.role !== "infoAdmin") {
    return Either.left(
      Refusal.forbidden("M31.1", "共享申请由信息管理员提交", "an info admin files a sharing request", {
        field: "actor",
        value: actor.accountId,
        role: actor.role
      })
    )
  }
  if (isBlank(input.requester.organisation) || isBlank(input.requester.system)) {
    return Either.left(
      invalid("须写明申请方及其系统", "a request names the requester and its system", "requester", input.requester)
    )
  }
  if (isBlank(input.purpose))
    return Either.left(invalid("须写明用途", "a request states its purpose", "purpose", input.purpose))
  const scope = decideScope(input.scope, "scope")
  if (scope !== undefined) return Either.left(scope)
  if (ownerOf(input.scope.unit) !== owner.id || !Unit.isAdministrative(owner.kind)) {
    return Either.left(
      invalid(
        "申请的单位没有所属的教育行政部门",
        "the units requested have no owning bureau",
        "scope.unit",
        input.scope.unit.id
      )
    )
  }
  const initiator: ApprovalChain.Actor = {
    actor: actor.accountId,
    role: actor.role,
    actorUnit: actor.unit.id,
    at: context.now.toISOString()
  }
  const purpose = input.purpose.trim()
  return Either.right(
    chain.initial({
      id: input.id,
      requester: { organisation: input.requester.organisation.trim(), system: input.requester.system.trim() },
      purpose,
      requested: input.scope,
      owner: { id: owner.id, kind: owner.kind, path: owner.path },
      granted: undefined,
      initiator,
      history: [chain.initiated(initiator, purpose)],
      rejection: undefined,
      withdrawal: undefined
    })
  )
}

/**
 * Decide an approval by the owning bureau: `scope` is what it grants — the requested scope (approve) or a part of
 * it (narrow); a scope beyond the request is refused (M31.1). The completed snapshot carries the granted scope.
 *
 * @since 0.1.0
 */
export const decideApprove = (
  snapshot: Snapshot,
  actor: Authorization.Actor,
  at: string,
  scope: Scope | undefined,
  policy: Policy = Authorization.noCertificates
): Either.Either<Snapshot, Refusal.Refusal> => {
  const granted = scope ?? snapshot.context.requested
  const malformed = decideScope(granted, "scope")
  const refusal =
    chain.decide(snapshot, { type: "confirm", actor, at }, policy) ??
    malformed ??
    (within(granted, snapshot.context.requested)
      ? undefined
      : Refusal.invalid(
          "M31.1",
          "批准的范围不能超出申请的范围",
          "a bureau grants the request or a part of it, never more",
          { field: "scope", value: granted, requested: snapshot.context.requested }
        ))
  if (refusal !== undefined) return Either.left(refusal)
  return Either.map(chain.send(snapshot, { type: "confirm", actor, at }, policy), (next) =>
    chain.restore({ state: next.value, context: { ...next.context, granted } })
  )
}
