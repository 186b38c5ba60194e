/**
 * A sharing grant (共享授权, M31.1): what an approved {@link SharingRequest} gives — exactly the granted fields of
 * the e-files kept in the granted subtree, on the days of the granted period, until it is revoked. Every read
 * through a grant goes through {@link project}, so that nothing outside it is ever returned (M30.1, O11.1: other
 * systems read the one source instead of collecting again, within what was granted).
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import * as Authorization from "../accounts/Authorization.js"
import * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"
import * as SharingRequest from "./SharingRequest.js"

/**
 * A revocation: who revoked, when (ISO 8601) and why.
 *
 * @since 0.1.0
 */
export const Revocation = Schema.Struct({ by: Schema.String, at: Schema.String, reason: Schema.String })

/**
 * A grant as stored.
 *
 * @since 0.1.0
 */
export const Grant = Schema.Struct({
  id: Schema.String,
  requestId: Schema.String,
  requester: Schema.Struct({ organisation: Schema.String, system: Schema.String }),
  purpose: Schema.String,
  owner: Schema.Struct({ id: Unit.UnitId, kind: Unit.Kind, path: Schema.String }),
  scope: SharingRequest.Scope,
  grantedBy: Schema.String,
  grantedAt: Schema.String,
  revocation: Schema.optionalWith(Revocation, { exact: true })
})

/**
 * @since 0.1.0
 */
export type Grant = typeof Grant.Type

/**
 * The grant of a completed request, or undefined when the request was not approved.
 *
 * @since 0.1.0
 */
export const ofRequest = (id: string, snapshot: SharingRequest.Snapshot): Grant | undefined => {
  const context = snapshot.context
  const approval = context.history.find((h) => h.type === "confirm")
  if (snapshot.value !== "completed" || context.granted === undefined || approval === undefined) return undefined
  return {
    id,
    requestId: context.id,
    requester: context.requester,
    purpose: context.purpose,
    owner: { id: context.owner.id, kind: context.owner.kind, path: context.owner.path },
    scope: context.granted,
    grantedBy: approval.actor,
    grantedAt: approval.at
  }
}

/**
 * Why a grant gives nothing at `at` (ISO 8601): before its period, after it (expired), or revoked; undefined when
 * it is in force.
 *
 * @since 0.1.0
 */
export const notInForce = (grant: Grant, at: string): "notYet" | "expired" | "revoked" | undefined => {
  if (grant.revocation !== undefined && grant.revocation.at <= at) return "revoked"
  const day = at.slice(0, 10)
  if (day < grant.scope.period.start) return "notYet"
  if (day > grant.scope.period.end) return "expired"
  return undefined
}

/**
 * The refusal of a read through a grant not in force at `at` (`forbidden`, M31.1); undefined when in force.
 *
 * @since 0.1.0
 */
export const decideRead = (grant: Grant, at: string): Refusal.Refusal | undefined => {
  const why = notInForce(grant, at)
  if (why === undefined) return undefined
  const text = {
    notYet: { zh: "共享授权尚未生效", en: "the grant's period has not begun" },
    expired: { zh: "共享授权已到期", en: "the grant has expired" },
    revoked: { zh: "共享授权已被撤销", en: "the grant was revoked" }
  }[why]
  return Refusal.forbidden("M31.1", text.zh, text.en, { field: "grant", value: grant.id, reason: why })
}

/**
 * Decide a revocation by `actor` at `at`: an active info admin of the owning bureau itself revokes a grant not yet
 * revoked, with a reason (M31.1). The revoked grant, or the refusal.
 *
 * @since 0.1.0
 */
export const decideRevoke = (
  grant: Grant,
  actor: Authorization.Actor,
  at: string,
  reason: string,
  policy: Authorization.Policy = Authorization.noCertificates
): Either.Either<Grant, Refusal.Refusal> => {
  const refusal = Authorization.decideUnitAdmin(actor, grant.owner, Authorization.contextAt(policy, at), "M31.1")
  if (refusal !== undefined) return Either.left(refusal)
  if (grant.revocation !== undefined) {
    return Either.left(
      Refusal.invalid("M31.1", "共享授权已被撤销", "the grant is already revoked", { field: "grant", value: grant.id })
    )
  }
  if (reason.trim().length === 0) {
    return Either.left(
      Refusal.invalid("M31.1", "撤销须说明理由", "a revocation gives its reason", { field: "reason", value: reason })
    )
  }
  return Either.right({ ...grant, revocation: { by: actor.accountId, at, reason: reason.trim() } })
}

/**
 * May `actor` see a grant, its requests and its use report? An info admin or query-er of the owning bureau or of a
 * unit above it (scope by path, M13.3), or the account that filed the request.
 *
 * @since 0.1.0
 */
export const decideSee = (
  grant: Pick<Grant, "owner">,
  filedBy: string,
  actor: Authorization.Actor,
  context: Authorization.Context
): Refusal.Refusal | undefined =>
  actor.accountId === filedBy && actor.status === "active"
    ? undefined
    : Authorization.decide(actor, { _tag: "ReadStatistics", unit: grant.owner }, context)

/**
 * One entry of an e-file as a grant reads it: its record group, its data, and whether it is effective (reviewed,
 * M17.1). Only effective entries are shared.
 *
 * @since 0.1.0
 */
export interface SourceEntry {
  readonly group: string
  readonly data: { readonly [field: string]: unknown }
  readonly effective: boolean
}

/**
 * An e-file as a grant reads it: its id, the path of where it is kept, and its entries.
 *
 * @since 0.1.0
 */
export interface Source {
  readonly id: string
  readonly unitId: string
  readonly path: string
  readonly entries: ReadonlyArray<SourceEntry>
}

/**
 * What a grant returns of an e-file: its id, its unit, and for each record group the granted fields of each
 * effective entry (an entry with none of them is left out, and so is a group).
 *
 * @since 0.1.0
 */
export interface Shared {
  readonly id: string
  readonly unitId: string
  readonly records: { readonly [group: string]: ReadonlyArray<{ readonly [field: string]: unknown }> }
}

/**
 * The e-file as the grant gives it at `at` (ISO 8601), or undefined when the grant gives nothing of it: not in force
 * at `at` (before or after its period, or revoked), or the e-file is kept outside the granted subtree. Only the
 * granted fields (`group.field`) of effective entries are returned, nothing else (M31.1).
 *
 * @since 0.1.0
 */
export const project = (grant: Grant, source: Source, at: string): Shared | undefined => {
  if (notInForce(grant, at) !== undefined) return undefined
  if (!source.path.startsWith(grant.scope.unit.path)) return undefined
  const byGroup = new Map<string, Array<string>>()
  for (const path of grant.scope.fields) {
    const dot = path.indexOf(".")
    const group = path.slice(0, dot)
    byGroup.set(group, [...(byGroup.get(group) ?? []), path.slice(dot + 1)])
  }
  const records: Record<string, Array<Record<string, unknown>>> = {}
  for (const entry of source.entries) {
    const fields = entry.effective ? byGroup.get(entry.group) : undefined
    if (fields === undefined) continue
    const kept = Object.fromEntries(fields.filter((f) => Object.hasOwn(entry.data, f)).map((f) => [f, entry.data[f]]))
    if (Object.keys(kept).length === 0) continue
    records[entry.group] = [...(records[entry.group] ?? []), kept]
  }
  return { id: source.id, unitId: source.unitId, records }
}
