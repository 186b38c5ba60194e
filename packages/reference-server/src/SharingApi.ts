/**
 * Tiered sharing (M30.1, M31.1, O11.1): sharing requests and their decision by the owning bureau, grants, their
 * revocation, the machine clients bound to them and each grant's report of its use. Two groups: `sharing` for
 * accounts with a session, `sharedEFiles` for machine clients, which authenticate with a token they sign with their
 * own Ed25519 key (`x-client-token`), never a session or a password.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { SharingRequest } from "@tmis/core"
import { Schema } from "effect"
import { Authentication, Body, Day, Id, Opt, Page, PageParams, Text, Version } from "./ApiBase.js"

const sharingRequestId = HttpApiSchema.param("sharingRequestId", Id)
const grantId = HttpApiSchema.param("grantId", Text(64))

const Field = SharingRequest.FieldPath.annotations({ description: "an indicator path, group.field: basicInfo.name" })
const Fields = Schema.Array(Field).pipe(Schema.minItems(1), Schema.maxItems(200))
const PeriodBody = Body("SharingPeriod", { start: Day, end: Day })

const ScopeView = Schema.Struct({
  fields: Schema.Array(Schema.String),
  unit: Schema.Struct({ id: Schema.String, kind: Schema.String, path: Schema.String }),
  period: Schema.Struct({ start: Schema.String, end: Schema.String })
}).annotations({ identifier: "SharingScope" })

const Requester = Body("SharingRequester", { organisation: Text(200), system: Text(200) })

/**
 * A sharing request as shown: what was asked, of whom, and where its decision stands.
 *
 * @since 0.1.0
 */
export const SharingRequestView = Schema.Struct({
  id: Schema.String,
  state: Schema.String,
  requester: Schema.Struct({ organisation: Schema.String, system: Schema.String }),
  purpose: Schema.String,
  requested: ScopeView,
  ownerUnitId: Schema.String,
  granted: Schema.optional(ScopeView),
  filedBy: Schema.String,
  createdAt: Schema.String,
  history: Schema.Array(
    Schema.Struct({
      type: Schema.String,
      to: Schema.String,
      actor: Schema.String,
      at: Schema.String,
      detail: Schema.optional(Schema.String)
    })
  ),
  version: Schema.Number
}).annotations({ identifier: "SharingRequest" })

/**
 * A grant as shown.
 *
 * @since 0.1.0
 */
export const GrantView = Schema.Struct({
  id: Schema.String,
  requestId: Schema.String,
  requester: Schema.Struct({ organisation: Schema.String, system: Schema.String }),
  purpose: Schema.String,
  ownerUnitId: Schema.String,
  scope: ScopeView,
  grantedBy: Schema.String,
  grantedAt: Schema.String,
  revocation: Schema.optional(Schema.Struct({ by: Schema.String, at: Schema.String, reason: Schema.String })),
  version: Schema.Number
}).annotations({ identifier: "SharingGrant" })

/**
 * A machine client as shown: its public key, never a secret (there is none on the server).
 *
 * @since 0.1.0
 */
export const ClientView = Schema.Struct({
  id: Schema.String,
  grantId: Schema.String,
  name: Schema.String,
  publicKey: Schema.String,
  status: Schema.Literal("active", "disabled"),
  createdBy: Schema.String,
  createdAt: Schema.String
}).annotations({ identifier: "MachineClient" })

/**
 * One audit record of a grant's use.
 *
 * @since 0.1.0
 */
export const UseRecordView = Schema.Struct({
  seq: Schema.Number,
  at: Schema.String,
  actor: Schema.String,
  action: Schema.String,
  outcome: Schema.Literal("ok", "refused"),
  details: Schema.Record({ key: Schema.String, value: Schema.Unknown })
}).annotations({ identifier: "SharingUseRecord" })

/**
 * An e-file as a grant gives it: its id, its unit, and the granted fields of its effective entries by group.
 *
 * @since 0.1.0
 */
export const SharedEFileView = Schema.Struct({
  id: Schema.String,
  unitId: Schema.String,
  records: Schema.Record({
    key: Schema.String,
    value: Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
  })
}).annotations({ identifier: "SharedEFile" })

const Decision = Schema.Union(
  Body("ApproveSharing", {
    type: Schema.Literal("approve"),
    fields: Opt(Fields),
    unitId: Opt(Id),
    period: Opt(PeriodBody),
    version: Version
  }),
  Body("RefuseSharing", { type: Schema.Literal("refuse"), reason: Text(1000), version: Version }),
  Body("WithdrawSharing", { type: Schema.Literal("withdraw"), reason: Text(1000), version: Version })
)

/**
 * `/sharing/…` for accounts: requests, decisions, grants, clients, use reports (M30.1, M31.1, O11.1).
 *
 * @since 0.1.0
 */
export class SharingGroup extends HttpApiGroup.make("sharing")
  .add(
    HttpApiEndpoint.post("createRequest", "/sharing/requests")
      .setPayload(
        Body("NewSharingRequest", {
          id: Id,
          requester: Requester,
          purpose: Text(1000),
          fields: Fields,
          unitId: Id,
          period: PeriodBody
        })
      )
      .addSuccess(SharingRequestView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "File a sharing request",
          description:
            "File a request for another system to read part of the e-files (M31.1): the requester (organisation " +
            "and system), the purpose, the fields (indicator paths `group.field`), the units (the subtree of " +
            "`unitId`) and the period (days, both included). It awaits the bureau that owns the data: the subtree's " +
            "root when administrative, else the school's competent bureau. Who may call it: any active info admin, " +
            "on behalf of the requester (403 otherwise). Malformed scope: 422 M31.1. Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("listRequests", "/sharing/requests")
      .setUrlParams(Schema.Struct({ ...PageParams.fields, state: Opt(SharingRequest.State) }))
      .addSuccess(Page("SharingRequestPage", SharingRequestView))
      .annotateContext(
        OpenApi.annotations({
          summary: "List the sharing requests addressed to the caller's subtree",
          description:
            "The requests whose owning bureau lies in the caller's subtree, by id, keyset-paginated; `state` " +
            "filters (`awaitingOwningBureau` is the bureau's inbox). Who may call it: an info admin or query-er " +
            "(M13.3, M14.3)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("getRequest")`/sharing/requests/${sharingRequestId}`
      .addSuccess(SharingRequestView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Read a sharing request",
          description:
            "A request with its history (M31.1). Who may call it: the account that filed it, or an info admin or " +
            "query-er of the owning bureau or a unit above it (403 otherwise, M14.3)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("decideRequest")`/sharing/requests/${sharingRequestId}/decision`
      .setPayload(Decision)
      .addSuccess(Schema.Struct({ request: SharingRequestView, grant: Schema.optional(GrantView) }))
      .annotateContext(
        OpenApi.annotations({
          summary: "Approve, narrow, refuse or withdraw a sharing request",
          description:
            "`approve` grants the request as filed, or narrowed to the `fields`, `unitId` (a unit of the requested " +
            "subtree) and `period` given — never more than asked (422 M31.1) — and returns the grant; `refuse` " +
            "ends it with a reason. Who may call it: an active info admin of the owning bureau itself, never the " +
            "account that filed it (403 M31.1). `withdraw` (with a reason) is the filer's, while it waits. " +
            "`version` is the request's version the caller saw (409 when stale). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("listGrants", "/sharing/grants")
      .setUrlParams(PageParams)
      .addSuccess(Page("SharingGrantPage", GrantView))
      .annotateContext(
        OpenApi.annotations({
          summary: "List the grants of the caller's subtree",
          description:
            "The grants whose owning bureau lies in the caller's subtree, by id, keyset-paginated, revoked ones too. " +
            "Who may call it: an info admin or query-er (M13.3, M14.3)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("getGrant")`/sharing/grants/${grantId}`
      .addSuccess(Schema.Struct({ grant: GrantView, clients: Schema.Array(ClientView) }))
      .annotateContext(
        OpenApi.annotations({
          summary: "Read a grant and its machine clients",
          description:
            "A grant (M31.1) with the clients bound to it (M30.1). Who may call it: the account that filed its " +
            "request, or an info admin or query-er of the owning bureau or a unit above it (403 otherwise)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("revokeGrant")`/sharing/grants/${grantId}/revoke`
      .setPayload(Body("RevokeGrant", { reason: Text(1000) }))
      .addSuccess(GrantView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Revoke a grant",
          description:
            "From now on every read through the grant is refused (M31.1). Who may call it: an active info admin of " +
            "the owning bureau itself (403 M31.1); a reason is owed (422). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("registerClient")`/sharing/grants/${grantId}/clients`
      .setPayload(Body("NewMachineClient", { id: Id, name: Text(200), publicKey: Text(4096) }))
      .addSuccess(ClientView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Register a machine client of a grant",
          description:
            "Bind a machine client (another system) to the grant (M30.1, O11.1) with its Ed25519 public key (SPKI, " +
            "PEM or base64url DER; 422 otherwise). The client signs its own tokens; the server holds no secret. " +
            "Who may call it: an active info admin of the grant's owning bureau itself (403 M30.1). Audited."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("grantUsage")`/sharing/grants/${grantId}/usage`
      .setUrlParams(PageParams)
      .addSuccess(Page("SharingUsePage", UseRecordView))
      .annotateContext(
        OpenApi.annotations({
          summary: "The report of a grant's use",
          description:
            "Every read through the grant (ok or refused, with the client and the e-files returned), its client " +
            "registrations and its revocation, from the audit log (M31.1, M37.1), in order, keyset-paginated by " +
            "sequence number. Who may call it: the account that filed its request, or an info admin or query-er of " +
            "the owning bureau or a unit above it."
        })
      )
  )
  .middleware(Authentication) {}

const ClientHeaders = Schema.Struct({
  "x-client-token": Text(256).annotations({
    description:
      '`<clientId>.<unix seconds>.<nonce>.<base64url Ed25519 signature of "tmis-sharing-token\\n<clientId>\\n<unix seconds>\\n<nonce>">`: a fresh nonce (16–64 base64url characters) for each request'
  })
})

/**
 * `/shared/…` for machine clients, authenticated by their signed token (M30.1).
 *
 * @since 0.1.0
 */
export class SharedEFilesGroup extends HttpApiGroup.make("sharedEFiles").add(
  HttpApiEndpoint.get("sharedEFiles", "/shared/efiles")
    .setHeaders(ClientHeaders)
    .setUrlParams(PageParams)
    .addSuccess(Page("SharedEFilePage", SharedEFileView))
    .annotateContext(
      OpenApi.annotations({
        summary: "Read the e-files of the client's grant",
        description:
          "The e-files kept in the grant's subtree, by path, keyset-paginated (at most 100 a page), each with only " +
          "the granted fields of its effective entries (M30.1, M31.1, O11.1): other systems read the one source " +
          "instead of collecting again. Who may call it: a machine client bound to the grant, with a token it " +
          "signed with its Ed25519 key in the last five minutes, used once (`x-client-token`; 401 M30.1 otherwise, a " +
          "replayed token too, audited as `sharing.replay`). A grant " +
          "before its period, expired or revoked: 403 M31.1. Every read, and every refused one, is audited with " +
          "the grant's id and shows in its use report."
      })
    )
) {}
