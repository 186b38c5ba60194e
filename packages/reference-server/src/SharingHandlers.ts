/**
 * The handlers of tiered sharing (M30.1, M31.1, O11.1): decode, call the `Sharing` service, encode. Machine clients
 * authenticate by their signed token (`x-client-token`) before the service runs.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, type HttpApiGroup } from "@effect/platform"
import { type Audit, type Grant, type MachineClient, type Settings, Sharing, type Storage } from "@tmis/core"
import { Effect, Layer } from "effect"
import * as Api from "./Api.js"
import { refusals } from "./ApiError.js"

const scopeView = (scope: Grant.Grant["scope"]) => ({
  fields: [...scope.fields],
  unit: { id: scope.unit.id, kind: scope.unit.kind, path: scope.unit.path },
  period: { start: scope.period.start, end: scope.period.end }
})

const requestView = ({ value, version }: Storage.Versioned<Storage.StoredSharingRequest>) => {
  const c = value.context
  return {
    id: value.id,
    state: value.state,
    requester: c.requester,
    purpose: c.purpose,
    requested: scopeView(c.requested),
    ownerUnitId: c.owner.id,
    ...(c.granted === undefined ? {} : { granted: scopeView(c.granted) }),
    filedBy: c.initiator.actor,
    createdAt: value.createdAt,
    history: c.history.map((h) => ({
      type: h.type,
      to: h.to,
      actor: h.actor,
      at: h.at,
      ...(h.detail === undefined ? {} : { detail: h.detail })
    })),
    version
  }
}

const grantView = ({ value, version }: Storage.Versioned<Grant.Grant>) => ({
  id: value.id,
  requestId: value.requestId,
  requester: value.requester,
  purpose: value.purpose,
  ownerUnitId: value.owner.id,
  scope: scopeView(value.scope),
  grantedBy: value.grantedBy,
  grantedAt: value.grantedAt,
  ...(value.revocation === undefined ? {} : { revocation: value.revocation }),
  version
})

const clientView = (client: MachineClient.Client) => ({ ...client })

const useView = (record: Audit.Record) => ({
  seq: record.seq,
  at: record.at,
  actor: record.actor,
  action: record.action,
  outcome: record.outcome,
  details: record.details
})

const itemsOf =
  <A, B>(view: (a: A) => B) =>
  (page: Storage.Page<A>) => ({ items: page.items.map(view), ...(page.next === undefined ? {} : { next: page.next }) })

const withActor = <A, E, R>(f: (actor: Api.CurrentActor["Type"]) => Effect.Effect<A, E, R>) =>
  Effect.flatMap(Api.CurrentActor, f)

const sharing = HttpApiBuilder.group(Api.Api, "sharing", (handlers) =>
  handlers
    .handle("createRequest", ({ payload }) =>
      withActor((actor) => Sharing.request(actor, payload)).pipe(Effect.map(requestView), refusals)
    )
    .handle("listRequests", ({ urlParams: { state, ...page } }) =>
      withActor((actor) => Sharing.requests(actor, state, page)).pipe(Effect.map(itemsOf(requestView)), refusals)
    )
    .handle("getRequest", ({ path }) =>
      withActor((actor) => Sharing.readRequest(actor, path.sharingRequestId)).pipe(Effect.map(requestView), refusals)
    )
    .handle("decideRequest", ({ path, payload: { version, ...decision } }) =>
      withActor((actor) => Sharing.decide(actor, path.sharingRequestId, decision, version)).pipe(
        Effect.map(({ request, grant }) => ({
          request: requestView(request),
          ...(grant === undefined ? {} : { grant: grantView(grant) })
        })),
        refusals
      )
    )
    .handle("listGrants", ({ urlParams }) =>
      withActor((actor) => Sharing.grants(actor, urlParams)).pipe(Effect.map(itemsOf(grantView)), refusals)
    )
    .handle("getGrant", ({ path }) =>
      withActor((actor) => Sharing.readGrant(actor, path.grantId)).pipe(
        Effect.map(({ grant, clients }) => ({ grant: grantView(grant), clients: clients.map(clientView) })),
        refusals
      )
    )
    .handle("revokeGrant", ({ path, payload }) =>
      withActor((actor) => Sharing.revoke(actor, path.grantId, payload.reason)).pipe(Effect.map(grantView), refusals)
    )
    .handle("registerClient", ({ path, payload }) =>
      withActor((actor) => Sharing.registerClient(actor, path.grantId, payload)).pipe(
        Effect.map(({ value }) => clientView(value)),
        refusals
      )
    )
    .handle("grantUsage", ({ path, urlParams }) =>
      withActor((actor) => Sharing.usage(actor, path.grantId, urlParams)).pipe(Effect.map(itemsOf(useView)), refusals)
    )
)

const sharedEFiles = HttpApiBuilder.group(Api.Api, "sharedEFiles", (handlers) =>
  handlers.handle("sharedEFiles", ({ headers, urlParams }) =>
    Effect.flatMap(Sharing.authenticate(headers["x-client-token"]), (machine) => Sharing.read(machine, urlParams)).pipe(
      Effect.map(itemsOf((e: Grant.Shared) => e)),
      refusals
    )
  )
)

/**
 * @since 0.1.0
 */
export const sharingHandlers: Layer.Layer<
  HttpApiGroup.ApiGroup<"tmis", "sharing"> | HttpApiGroup.ApiGroup<"tmis", "sharedEFiles">,
  never,
  Storage.Storage | Settings.Settings | Api.Authentication
> = Layer.merge(sharing, sharedEFiles)
