/**
 * The sharing service (M30.1, M31.1, O11.1): file a sharing request, let the owning bureau approve, narrow or refuse
 * it, revoke a grant, register the machine clients bound to a grant, authenticate them by their signed tokens, and
 * serve their reads — each read scoped by the grant ({@link Grant.project}) and audited with the grant's id — and
 * each grant's report of its use, read from the audit log. Each command runs in one transaction with its audit
 * record and outbox event.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { Clock, Effect, FiberRef, Option } from "effect"
import * as Authorization from "../accounts/Authorization.js"
import * as Refusal from "../kernel/Refusal.js"
import * as AuditChain from "../security/AuditChain.js"
import * as Grant from "../sharing/Grant.js"
import * as MachineClient from "../sharing/MachineClient.js"
import * as SharingRequest from "../sharing/SharingRequest.js"
import * as Audit from "./Audit.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"
import * as Units from "./Units.js"

/**
 * What a request asks for: the subtree by its root unit's id.
 *
 * @since 0.1.0
 */
export interface RequestInput {
  readonly id?: string | undefined
  readonly requester: SharingRequest.Requester
  readonly purpose: string
  readonly fields: ReadonlyArray<string>
  readonly unitId: string
  readonly period: SharingRequest.Period
}

/**
 * The owning bureau's decision: approve (as filed, or narrowed to the parts given), refuse with a reason; or the
 * filer's withdrawal, with a reason.
 *
 * @since 0.1.0
 */
export type Decision =
  | {
      readonly type: "approve"
      readonly fields?: ReadonlyArray<string> | undefined
      readonly unitId?: string | undefined
      readonly period?: SharingRequest.Period | undefined
    }
  | { readonly type: "refuse"; readonly reason: string }
  | { readonly type: "withdraw"; readonly reason: string }

/**
 * A request with the grant it yielded, if any.
 *
 * @since 0.1.0
 */
export interface Decided {
  readonly request: Storage.Versioned<Storage.StoredSharingRequest>
  readonly grant: Storage.Versioned<Grant.Grant> | undefined
}

/**
 * A machine client, authenticated, with its grant.
 *
 * @since 0.1.0
 */
export interface Machine {
  readonly client: MachineClient.Client
  readonly grant: Grant.Grant
}

const notFound = (entity: string, id: string) => new Storage.NotFound({ entity, id })

const loadRequest = (id: string) =>
  Effect.flatMap(Storage.Storage, (s) => s.sharing.getRequest(id)).pipe(
    Effect.flatMap(Option.match({ onNone: () => Effect.fail(notFound("sharingRequest", id)), onSome: Effect.succeed }))
  )

const loadGrant = (id: string) =>
  Effect.flatMap(Storage.Storage, (s) => s.sharing.getGrant(id)).pipe(
    Effect.flatMap(Option.match({ onNone: () => Effect.fail(notFound("sharingGrant", id)), onSome: Effect.succeed }))
  )

const record = (actor: Authorization.Actor, action: string, object: string, details: Record<string, unknown>) =>
  Audit.recordChange({ actor, action, object, aggregateId: object, details, payload: details })

const scopeOf = (
  fields: ReadonlyArray<string>,
  unitId: string,
  period: SharingRequest.Period
): Effect.Effect<SharingRequest.Scope, Storage.NotFound | Storage.StorageError, Storage.Storage> =>
  Effect.map(Units.load(unitId), (unit) => ({ fields: [...fields], unit: Units.ref(unit.value), period }))

/**
 * File a sharing request (M31.1) for the requester, as an active info admin; it awaits the owning bureau.
 *
 * @since 0.1.0
 */
export const request = (actor: Authorization.Actor, input: RequestInput) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const scope = yield* scopeOf(input.fields, input.unitId, input.period)
        const ownerId = SharingRequest.ownerOf(scope.unit)
        if (ownerId === undefined) return yield* Effect.fail(notFound("unit", input.unitId))
        const owner = Units.ref((yield* Units.load(ownerId)).value)
        const context = yield* Units.authorizationContext
        const id = input.id ?? randomUUID()
        const snapshot = yield* SharingRequest.decideInitiate(
          { id, requester: input.requester, purpose: input.purpose, scope },
          owner,
          actor,
          context
        )
        const stored = yield* storage.sharing.insertRequest({
          id,
          state: snapshot.value,
          context: snapshot.context,
          createdAt: context.now.toISOString()
        })
        yield* record(actor, "sharing.request", `sharingRequest:${id}`, {
          owner: owner.id,
          unit: scope.unit.id,
          fields: scope.fields,
          period: scope.period
        })
        return stored
      })
    )
  )

/**
 * Decide a request (M31.1): the owning bureau approves it (as filed, or narrowed: the grant is then the part given)
 * or refuses it with a reason; the filer withdraws it with a reason. An approval inserts the grant in the same
 * transaction; the store keeps one grant per request.
 *
 * @since 0.1.0
 */
export const decide = (actor: Authorization.Actor, requestId: string, decision: Decision, expectedVersion: number) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const { policy } = yield* Settings.Settings
        const loaded = yield* loadRequest(requestId)
        yield* Units.expectVersion("sharingRequest", loaded, expectedVersion)
        const at = (yield* Units.authorizationContext).now.toISOString()
        const snapshot = SharingRequest.restore({ state: loaded.value.state, context: loaded.value.context })
        const requested = snapshot.context.requested
        const next =
          decision.type === "approve"
            ? yield* SharingRequest.decideApprove(
                snapshot,
                actor,
                at,
                decision.fields === undefined && decision.unitId === undefined && decision.period === undefined
                  ? undefined
                  : yield* scopeOf(
                      decision.fields ?? requested.fields,
                      decision.unitId ?? requested.unit.id,
                      decision.period ?? requested.period
                    ),
                policy
              )
            : yield* SharingRequest.send(
                snapshot,
                { type: decision.type === "refuse" ? "reject" : "withdraw", reason: decision.reason, actor, at },
                policy
              )
        const stored = yield* storage.sharing.updateRequest(
          { ...loaded.value, state: next.value, context: next.context },
          expectedVersion
        )
        const made = Grant.ofRequest(randomUUID(), next)
        const grant = made === undefined ? undefined : yield* storage.sharing.insertGrant(made)
        yield* record(actor, `sharing.${decision.type}`, `sharingRequest:${requestId}`, {
          state: next.value,
          ...(made === undefined ? {} : { grant: made.id, fields: made.scope.fields, unit: made.scope.unit.id })
        })
        return { request: stored, grant } satisfies Decided
      })
    )
  )

/**
 * Revoke a grant (M31.1), as an info admin of its owning bureau, with a reason: from that instant every read through
 * it is refused.
 *
 * @since 0.1.0
 */
export const revoke = (actor: Authorization.Actor, grantId: string, reason: string) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const { policy } = yield* Settings.Settings
        const loaded = yield* loadGrant(grantId)
        const at = (yield* Units.authorizationContext).now.toISOString()
        const next = yield* Grant.decideRevoke(loaded.value, actor, at, reason, policy)
        const stored = yield* storage.sharing.updateGrant(next, loaded.version)
        yield* record(actor, "sharing.revoke", `grant:${grantId}`, { grant: grantId, reason: reason.trim() })
        return stored
      })
    )
  )

const decideList = (actor: Authorization.Actor) =>
  Effect.flatMap(Units.authorizationContext, (context) => {
    const refusal = Authorization.decide(actor, { _tag: "ReadStatistics", unit: actor.unit }, context)
    return refusal === undefined ? Effect.void : Effect.fail(refusal)
  })

/**
 * The grants owned by the bureaus of the actor's subtree (an info admin or query-er, M13.3), by id.
 *
 * @since 0.1.0
 */
export const grants = (actor: Authorization.Actor, page: Storage.PageRequest) =>
  Effect.zipRight(
    decideList(actor),
    Effect.flatMap(Storage.Storage, (s) => s.sharing.grantsIn(actor.unit.path, page))
  )

/**
 * The requests addressed to the bureaus of the actor's subtree, by id, only those in `state` when given.
 *
 * @since 0.1.0
 */
export const requests = (
  actor: Authorization.Actor,
  state: SharingRequest.State | undefined,
  page: Storage.PageRequest
) =>
  Effect.zipRight(
    decideList(actor),
    Effect.flatMap(Storage.Storage, (s) => s.sharing.requestsIn(actor.unit.path, state, page))
  )

/**
 * A request as the actor may see it: the filer, or an info admin or query-er of the owning bureau or above.
 *
 * @since 0.1.0
 */
export const readRequest = (actor: Authorization.Actor, id: string) =>
  Effect.gen(function* () {
    const loaded = yield* loadRequest(id)
    const context = yield* Units.authorizationContext
    const refusal = Grant.decideSee(loaded.value.context, loaded.value.context.initiator.actor, actor, context)
    return refusal === undefined ? loaded : yield* Effect.fail(refusal)
  })

/**
 * A grant as the actor may see it, with its clients: the filer of its request, or an info admin or query-er of
 * the owning bureau or above.
 *
 * @since 0.1.0
 */
export const readGrant = (actor: Authorization.Actor, id: string) =>
  Effect.gen(function* () {
    const loaded = yield* loadGrant(id)
    const request = yield* loadRequest(loaded.value.requestId)
    const context = yield* Units.authorizationContext
    const refusal = Grant.decideSee(loaded.value, request.value.context.initiator.actor, actor, context)
    if (refusal !== undefined) return yield* Effect.fail(refusal)
    const storage = yield* Storage.Storage
    return { grant: loaded, clients: yield* storage.sharing.clientsOf(id) }
  })

/**
 * Register a machine client for a grant (M30.1), as an info admin of the grant's owning bureau, with the client's
 * Ed25519 public key. The client reads with tokens it signs; the store holds no secret.
 *
 * @since 0.1.0
 */
export const registerClient = (
  actor: Authorization.Actor,
  grantId: string,
  input: { readonly id?: string | undefined; readonly name: string; readonly publicKey: string }
) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* loadGrant(grantId)
        const context = yield* Units.authorizationContext
        const refusal = Authorization.decideUnitAdmin(actor, loaded.value.owner, context, "M30.1")
        if (refusal !== undefined) return yield* Effect.fail(refusal)
        const publicKey = MachineClient.normalisePublicKey(input.publicKey)
        if (publicKey === undefined) {
          return yield* Effect.fail(
            Refusal.invalid("M30.1", "须提供Ed25519公钥", "a client registers an Ed25519 public key", {
              field: "publicKey"
            })
          )
        }
        if (input.name.trim().length === 0 || input.name.length > 200) {
          return yield* Effect.fail(
            Refusal.invalid("M30.1", "须写明客户端名称", "a client has a name", { field: "name", value: input.name })
          )
        }
        const client: MachineClient.Client = {
          id: input.id ?? randomUUID(),
          grantId,
          name: input.name.trim(),
          publicKey,
          status: "active",
          createdBy: actor.accountId,
          createdAt: context.now.toISOString()
        }
        const stored = yield* storage.sharing.insertClient(client)
        yield* record(actor, "sharing.registerClient", `grant:${grantId}`, { grant: grantId, client: client.id })
        return stored
      })
    )
  )

/**
 * Disable a machine client (M30.1), as an info admin of its grant's owning bureau: its tokens are refused from then.
 *
 * @since 0.1.0
 */
export const disableClient = (actor: Authorization.Actor, clientId: string) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* Effect.flatMap(storage.sharing.getClient(clientId), (o) =>
          Option.isSome(o) ? Effect.succeed(o.value) : Effect.fail(notFound("machineClient", clientId))
        )
        const grant = yield* loadGrant(loaded.value.grantId)
        const context = yield* Units.authorizationContext
        const refusal = Authorization.decideUnitAdmin(actor, grant.value.owner, context, "M30.1")
        if (refusal !== undefined) return yield* Effect.fail(refusal)
        const stored = yield* storage.sharing.updateClient({ ...loaded.value, status: "disabled" }, loaded.version)
        yield* record(actor, "sharing.disableClient", `grant:${grant.value.id}`, {
          grant: grant.value.id,
          client: clientId
        })
        return stored
      })
    )
  )

/**
 * Authenticate a machine client's token (M30.1): the client and its grant, or `unauthenticated` — one answer for an
 * unknown client, a bad signature, a stale token, a disabled client or a token used before. A token is good for one
 * request: its nonce is recorded until the token expires, and the store's unique key refuses a second use, however
 * many race (`tokenNonce`). A replay is audited under the grant (`sharing.replay`); expired nonces are purged.
 *
 * @since 0.1.0
 */
export const authenticate = (
  token: string
): Effect.Effect<Machine, Refusal.Refusal | Storage.StorageError, Storage.Storage> =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const now = new Date(yield* Clock.currentTimeMillis)
    const parts = MachineClient.parse(token)
    const stored = parts === undefined ? Option.none() : yield* storage.sharing.getClient(parts.clientId)
    const client = yield* MachineClient.authenticate(
      Option.getOrUndefined(Option.map(stored, (s) => s.value)),
      token,
      now
    )
    const grant = yield* storage.sharing.getGrant(client.grantId)
    if (Option.isNone(grant) || parts === undefined) return yield* Effect.fail(MachineClient.refused())
    const machine = { client, grant: grant.value.value }
    const used = yield* storage
      .transaction(
        Effect.zipRight(
          storage.tokenNonces.purge(now.toISOString()),
          storage.tokenNonces.use(client.id, parts.nonce, MachineClient.expiresAt(parts.issued).toISOString())
        )
      )
      .pipe(
        Effect.catchTag("ConstraintError", (e) =>
          e.constraint === "tokenNonce" ? Effect.succeed("replayed" as const) : Effect.fail(e.refusal)
        )
      )
    if (used === "replayed") {
      yield* storage.transaction(
        appendUse(machine, "sharing.replay", "refused", { rule: "M30.1", reason: "replayed", nonce: parts.nonce })
      )
      return yield* Effect.fail(MachineClient.refused())
    }
    return machine
  })

const appendUse = (
  machine: Machine,
  action: "sharing.read" | "sharing.replay",
  outcome: "ok" | "refused",
  details: Record<string, unknown>
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const at = new Date(yield* Clock.currentTimeMillis).toISOString()
    yield* storage.audit.append({
      at,
      actor: `client:${machine.client.id}`,
      unitId: machine.grant.owner.id,
      action,
      object: `grant:${machine.grant.id}`,
      outcome,
      requestId: yield* FiberRef.get(AuditChain.currentRequestId),
      details: { grant: machine.grant.id, client: machine.client.id, ...details }
    })
  })

/**
 * A page of the e-files a machine client's grant gives (M30.1, M31.1, O11.1): the e-files kept in the granted
 * subtree, by path, each with only the granted fields of its effective entries ({@link Grant.project}). A grant not
 * in force — before its period, expired or revoked — is refused. Every read, and every refused one, is audited with
 * the grant's id (`grant:<id>`), the client and the e-files returned.
 *
 * @since 0.1.0
 */
export const read = (machine: Machine, page: Storage.PageRequest) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const at = new Date(yield* Clock.currentTimeMillis).toISOString()
    const refusal = Grant.decideRead(machine.grant, at)
    if (refusal !== undefined) {
      yield* storage.transaction(
        appendUse(machine, "sharing.read", "refused", { rule: refusal.rule, reason: refusal.details.reason })
      )
      return yield* Effect.fail(refusal)
    }
    return yield* storage.transaction(
      Effect.gen(function* () {
        const efiles = yield* storage.teachers.subtree(machine.grant.scope.unit.path, {
          after: page.after,
          limit: Math.min(page.limit, 100)
        })
        const items: Array<Grant.Shared> = []
        for (const efile of efiles.items) {
          const entries = yield* storage.entries.byTeacher(efile.id)
          const shared = Grant.project(
            machine.grant,
            {
              id: efile.id,
              unitId: efile.unitId,
              path: efile.path,
              entries: entries.map((e) => ({
                group: e.value.group,
                data: e.value.data,
                effective: e.value.review.state === "effective"
              }))
            },
            at
          )
          if (shared !== undefined) items.push(shared)
        }
        yield* appendUse(machine, "sharing.read", "ok", {
          efiles: items.map((i) => i.id),
          fields: machine.grant.scope.fields
        })
        return { items, next: efiles.next } satisfies Storage.Page<Grant.Shared>
      })
    )
  })

/**
 * A grant's report of its use (M31.1): every read through it, and its revocation and client registrations, from
 * the audit log (`grant:<id>`), in order. For the filer of its request or an info admin or query-er of the owning
 * bureau or above.
 *
 * @since 0.1.0
 */
export const usage = (actor: Authorization.Actor, grantId: string, page: Storage.PageRequest) =>
  Effect.gen(function* () {
    yield* readGrant(actor, grantId)
    if (page.after !== undefined && !/^\d{1,15}$/.test(page.after)) {
      return yield* Effect.fail(
        Refusal.invalid(
          "M31.1",
          "翻页游标应为上一页返回的next",
          "the cursor `after` is the `next` of a previous page",
          {
            field: "after",
            value: page.after
          }
        )
      )
    }
    const storage = yield* Storage.Storage
    return yield* storage.audit.search({ object: `grant:${grantId}` }, page)
  })
