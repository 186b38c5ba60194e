/**
 * The handlers of the API: each one takes the authenticated actor and the decoded request, calls one application
 * service of the core, and maps its refusals (`ApiError.refusals`). No handler decides a permission itself: the
 * core's Authorization does, inside the service.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { HttpApiBuilder, type HttpApiGroup } from "@effect/platform"
import {
  type Account,
  Accounts,
  Audit,
  Auth,
  Authorization,
  Day,
  EFiles,
  Indicator,
  type Settings,
  Statistics,
  Storage,
  type Unit,
  Units,
  Workflows
} from "@tmis/core"
import { Clock, Effect, Layer, Option } from "effect"
import * as Api from "./Api.js"
import * as ApiError from "./ApiError.js"
import { newToken, sessionIdOf } from "./Authentication.js"
import { changeRequestsHandlers } from "./ChangeRequestsHandlers.js"
import { exchangeHandlers } from "./ExchangeHandlers.js"
import type { ExchangeKeys } from "./ExchangeKeys.js"
import * as Imports from "./Imports.js"
import { indicators } from "./IndicatorsHandlers.js"
import { registration } from "./RegistrationHandlers.js"
import { reports } from "./ReportsHandlers.js"
import * as RequestContext from "./RequestContext.js"
import { sharingHandlers } from "./SharingHandlers.js"
import { statistics } from "./StatisticsHandlers.js"
import { trainingHandlers } from "./TrainingHandlers.js"

const { refusals } = ApiError

/** What the groups run on: the store, the settings, authentication, the server's configuration and its imports. */
type Needs =
  | Storage.Storage
  | Settings.Settings
  | Api.Authentication
  | RequestContext.ServerConfig
  | Imports.Imports
  | ExchangeKeys

/** The layer of one group of the API. */
type Group<Name extends string> = Layer.Layer<HttpApiGroup.ApiGroup<"tmis", Name>, never, Needs>

const accountView = (stored: Storage.Versioned<Account.Account>) => ({
  id: stored.value.id,
  role: stored.value.role,
  unitId: stored.value.unitId,
  status: stored.value.status,
  name: stored.value.person.name,
  certificateBound: stored.value.certificate !== undefined,
  version: stored.version
})

const written = (stored: { readonly value: { readonly id: string }; readonly version: number }) => ({
  id: stored.value.id,
  version: stored.version
})

const workflowView = (stored: Storage.Versioned<Storage.Workflow>) => ({
  id: stored.value.id,
  kind: stored.value.kind,
  teacherId: stored.value.teacherId,
  state: stored.value.state,
  open: stored.value.open,
  createdAt: stored.value.createdAt,
  version: stored.version
})

/** A process as the listings show it: never the teacher's identity number, which its stored context holds. */
const workflowItem = ({ value: w, version }: Storage.Versioned<Storage.Workflow>) => {
  const next = Workflows.nextParty(w)
  return {
    id: w.id,
    kind: w.kind,
    teacherId: w.teacherId,
    from: { id: w.context.from.id, kind: w.context.from.kind },
    to: { id: w.context.to.id, kind: w.context.to.kind },
    ...(w.kind === "transfer"
      ? { effective: w.context.effective }
      : {
          effective: w.context.period.start,
          period: w.context.period,
          personnelRelationChanges: w.context.personnelRelationChanges
        }),
    state: w.state,
    open: w.open,
    steps: w.context.history.map(({ from, detail, ...step }) => ({
      ...step,
      ...(from === undefined ? {} : { from }),
      ...(detail === undefined ? {} : { detail })
    })),
    ...(next === undefined ? {} : { next }),
    createdAt: w.createdAt,
    version
  }
}

const itemsOf =
  <A, B>(view: (a: A) => B) =>
  (page: Storage.Page<A>) => ({ items: page.items.map(view), next: page.next })

const today = Day.today

/** The idempotency key of a request, when it sent one. */
const keyed = (headers: { readonly "idempotency-key"?: string | undefined }) => ({
  idempotencyKey: headers["idempotency-key"]
})

/** The session cookie: script cannot read it, other sites cannot send it, and over TLS only. */
const setSessionCookie = (token: string) =>
  Effect.flatMap(RequestContext.ServerConfig, ({ secureCookies }) =>
    HttpApiBuilder.securitySetCookie(Api.sessionCookie, token, { secure: secureCookies, sameSite: "strict", path: "/" })
  )

/**
 * `/auth`: login sets the session cookie and returns the token; the store keeps only the token's hash.
 *
 * @since 0.1.0
 */
export const auth: Group<"auth"> = HttpApiBuilder.group(Api.Api, "auth", (handlers) =>
  handlers
    .handle("login", ({ payload }) =>
      Effect.gen(function* () {
        const token = newToken()
        const result = yield* Auth.login(payload.accountId, payload.password, sessionIdOf(token))
        if (result.session === undefined) return { outcome: result.outcome }
        yield* setSessionCookie(token)
        return { outcome: result.outcome, token }
      }).pipe(refusals)
    )
    .handle("platformLogin", ({ payload }) =>
      Effect.gen(function* () {
        const { identitySource } = yield* RequestContext.ServerConfig
        if (identitySource === undefined) return yield* Effect.fail(Auth.loginRefused())
        const token = newToken()
        yield* Auth.loginWith(identitySource, { _tag: "Token", token: payload.token }, sessionIdOf(token))
        yield* setSessionCookie(token)
        return { outcome: "ok" as const, token }
      }).pipe(refusals)
    )
    .handle("changePassword", ({ payload }) =>
      Auth.changePassword(payload.accountId, payload.current, payload.next).pipe(
        Effect.as({ accountId: payload.accountId }),
        refusals
      )
    )
    .handle("logout", ({ request }) =>
      Effect.gen(function* () {
        const bearer = request.headers.authorization?.replace(/^Bearer /, "")
        const token = bearer ?? request.cookies.tmis_session
        if (token !== undefined) yield* Auth.logout(sessionIdOf(token))
        yield* HttpApiBuilder.securitySetCookie(Api.sessionCookie, "", { maxAge: 0, path: "/" })
      }).pipe(refusals)
    )
    .handle("me", () =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        const now = new Date(yield* Clock.currentTimeMillis)
        return {
          accountId: actor.accountId,
          role: actor.role,
          unitId: actor.unit.id,
          unitPath: actor.unit.path,
          certificatePresented: actor.presentedCertificate !== undefined,
          certificateValid: Authorization.presentsValidCertificate(actor, now)
        }
      })
    )
)

const unitView = (unit: {
  readonly id: string
  readonly kind: Unit.Kind
  readonly parentId: string | undefined
  readonly path: string
  readonly name: string
  readonly code: string
  readonly status: string
  readonly validFrom: string
  readonly school: unknown
}) => ({ ...unit, school: unit.school ?? undefined })

/**
 * `/units`.
 *
 * @since 0.1.0
 */
export const units: Group<"units"> = HttpApiBuilder.group(Api.Api, "units", (handlers) =>
  handlers
    .handle("get", ({ path }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        const version = yield* Units.asOf(actor, path.unitId, yield* today)
        if (Option.isNone(version)) return yield* new Storage.NotFound({ entity: "unit", id: path.unitId })
        return unitView(version.value)
      }).pipe(refusals)
    )
    .handle("subtree", ({ path, urlParams }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        const page = yield* Units.subtree(actor, path.unitId, urlParams)
        return { items: page.items.map((u) => unitView(u)), next: page.next }
      }).pipe(refusals)
    )
    .handle("versions", ({ path, urlParams }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Units.versions(actor, path.unitId, urlParams)).pipe(
        Effect.map(
          itemsOf(({ value, version }) => ({ ...unitView(value), mergedInto: value.mergedInto ?? undefined, version }))
        ),
        refusals
      )
    )
    .handle("change", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        Units.change(actor, path.unitId, payload.change, payload.effective, payload.expectedVersion)
      ).pipe(
        Effect.map((stored) => unitView(stored.value)),
        refusals
      )
    )
    .handle("create", ({ path, payload }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        const stored = yield* Units.create(actor, payload, path.unitId)
        return unitView(stored.value)
      }).pipe(refusals)
    )
)

/**
 * `/accounts`.
 *
 * @since 0.1.0
 */
export const accounts: Group<"accounts"> = HttpApiBuilder.group(Api.Api, "accounts", (handlers) =>
  handlers
    .handle("create", ({ path, payload }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        return accountView(yield* Accounts.create(actor, payload, path.unitId))
      }).pipe(refusals)
    )
    .handle("list", ({ path, urlParams }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Accounts.list(actor, path.unitId, urlParams)).pipe(
        Effect.map(itemsOf(accountView)),
        refusals
      )
    )
    .handle("disable", ({ path, payload }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        return accountView(yield* Accounts.disable(actor, path.accountId, payload.expectedVersion))
      }).pipe(refusals)
    )
    .handle("enable", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Accounts.enable(actor, path.accountId, payload.expectedVersion)).pipe(
        Effect.map(accountView),
        refusals
      )
    )
    .handle("setPassword", ({ path, payload }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        // Without a version: the manager's authoritative reset (unlocks; M37.2). With one: only at that version.
        return yield* payload.expectedVersion === undefined
          ? Auth.resetPassword(actor, path.accountId, payload.password)
          : Auth.setPassword(actor, path.accountId, payload.password, payload.expectedVersion)
      }).pipe(refusals)
    )
    .handle("bindCertificate", ({ path, payload }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        const { expectedVersion, ...certificate } = payload
        return accountView(yield* Accounts.bindCertificate(actor, path.accountId, certificate, expectedVersion))
      }).pipe(refusals)
    )
)

/**
 * `/efiles`, `/entries`, `/change-requests`.
 *
 * @since 0.1.0
 */
export const efiles: Group<"efiles"> = HttpApiBuilder.group(Api.Api, "efiles", (handlers) =>
  handlers
    .handle("onboard", ({ payload }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        const { efile, entry } = yield* EFiles.onboard(actor, {
          id: randomUUID(),
          entryId: randomUUID(),
          unitId: payload.unitId,
          basicInfo: Indicator.unchecked(payload.basicInfo),
          employment: { ...payload.employment, contractMonths: payload.employment.contractMonths }
        })
        return { efile: written(efile), entry: written(entry) }
      }).pipe(refusals)
    )
    .handle("read", ({ path }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => EFiles.read(actor, path.teacherId)).pipe(refusals)
    )
    .handle("own", () => Effect.flatMap(Api.CurrentActor, EFiles.own).pipe(refusals))
    .handle("duplicates", ({ urlParams }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => EFiles.duplicates(actor, urlParams)).pipe(refusals)
    )
    .handle("list", ({ path, urlParams: { after, limit, ...filter } }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => EFiles.list(actor, path.unitId, { after, limit }, filter)).pipe(
        refusals
      )
    )
    .handle("addEntry", ({ path, payload }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        const stored = yield* EFiles.addEntry(actor, {
          teacherId: path.teacherId,
          entryId: randomUUID(),
          group: payload.group,
          data: payload.data
        })
        return written(stored)
      }).pipe(refusals)
    )
    .handle("review", ({ path, payload }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        return written(yield* EFiles.review(actor, path.entryId, payload.command, payload.expectedVersion))
      }).pipe(refusals)
    )
    .handle("requestChange", ({ path, payload }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        const stored = yield* EFiles.requestChange(actor, {
          id: randomUUID(),
          entryId: path.entryId,
          change: payload.change,
          reason: payload.reason
        })
        return written(stored)
      }).pipe(refusals)
    )
    .handle("approveChange", ({ path, payload }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        return written(yield* EFiles.approveChange(actor, path.requestId, payload.expectedVersion))
      }).pipe(refusals)
    )
    .handle("refuseChange", ({ path, payload }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        return written(yield* EFiles.refuseChange(actor, path.requestId, payload.reason, payload.expectedVersion))
      }).pipe(refusals)
    )
    .handle("recordStatus", ({ path, payload }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        const { expectedVersion, reason, ...change } = payload
        const stored = yield* EFiles.recordStatus(
          actor,
          path.teacherId,
          reason === undefined ? change : { ...change, reason },
          expectedVersion
        )
        return written(stored)
      }).pipe(refusals)
    )
    .handle("countByStatus", ({ path, urlParams }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Statistics.countByStatus(actor, path.unitId, urlParams.day)).pipe(
        refusals
      )
    )
)

/**
 * `/imports`.
 *
 * @since 0.1.0
 */
export const imports: Group<"imports"> = HttpApiBuilder.group(Api.Api, "imports", (handlers) =>
  handlers
    .handle("upload", ({ path, payload, urlParams }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        const service = yield* Imports.Imports
        return yield* service.start(actor, path.unitId, payload, urlParams.format ?? "csv", urlParams.filename)
      })
    )
    .handle("progress", ({ path }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        return yield* (yield* Imports.Imports).progress(actor, path.batchId)
      })
    )
    .handle("report", ({ path }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        return yield* (yield* Imports.Imports).report(actor, path.batchId)
      })
    )
)

/**
 * `/transfers`, `/rotations`, `/workflows`: an `Idempotency-Key` header, the account's own, makes a retried command
 * safe: the retry gets the first answer, though the process id is generated here per request (the core compares
 * commands without it).
 *
 * @since 0.1.0
 */
export const workflows: Group<"workflows"> = HttpApiBuilder.group(Api.Api, "workflows", (handlers) =>
  handlers
    .handle("initiateTransfer", ({ payload, headers }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        const stored = yield* Workflows.initiateTransfer(
          actor,
          { id: randomUUID(), kind: "transfer", ...payload },
          keyed(headers)
        )
        return workflowView(stored)
      }).pipe(refusals)
    )
    .handle("initiateRotation", ({ payload, headers }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        return workflowView(yield* Workflows.initiateRotation(actor, { id: randomUUID(), ...payload }, keyed(headers)))
      }).pipe(refusals)
    )
    .handle("inbox", ({ urlParams: { kind, state, ...page } }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Workflows.inbox(actor, { kind, state }, page)).pipe(
        Effect.map(itemsOf(workflowItem)),
        refusals
      )
    )
    .handle("list", ({ urlParams: { scope: _mine, kind, state, ...page } }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Workflows.partyTo(actor, { kind, state }, page)).pipe(
        Effect.map(itemsOf(workflowItem)),
        refusals
      )
    )
    .handle("get", ({ path }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        return workflowView(yield* Workflows.read(actor, path.workflowId))
      }).pipe(refusals)
    )
    .handle("act", ({ path, payload, headers }) =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        const { expectedVersion, ...action } = payload
        const stored = yield* Workflows.act(actor, path.workflowId, action, expectedVersion, keyed(headers))
        return workflowView(stored)
      }).pipe(refusals)
    )
)

/** An audit record as the API shows it: without the previous hash, which the next record's `hash` covers. */
const auditRecordView = ({ prevHash: _, ...record }: Audit.Record) => record

/**
 * `/audit/verify`: for the system admin of the deployment's root, who answers for the log (M37.1). `/audit`: the
 * search, for a system admin within its subtree (M37.1).
 *
 * @since 0.1.0
 */
export const audit: Group<"audit"> = HttpApiBuilder.group(Api.Api, "audit", (handlers) =>
  handlers
    .handle("verify", () =>
      Effect.gen(function* () {
        const actor = yield* Api.CurrentActor
        const storage = yield* Storage.Storage
        const root = Option.getOrUndefined(yield* storage.units.root())
        yield* Units.authorize(actor, { _tag: "VerifyAudit", unit: root === undefined ? actor.unit : Units.ref(root) })
        return yield* Audit.verifyAuditLog
      }).pipe(refusals)
    )
    .handle("search", ({ urlParams: { after, limit, ...filter } }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Audit.search(actor, filter, { after, limit })).pipe(
        Effect.map(itemsOf(auditRecordView)),
        refusals
      )
    )
)

/**
 * Every group of the API.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<
  HttpApiGroup.ApiGroup<
    "tmis",
    | "auth"
    | "units"
    | "accounts"
    | "efiles"
    | "imports"
    | "workflows"
    | "audit"
    | "indicators"
    | "registration"
    | "reports"
    | "statistics"
    | "training"
    | "trainingProviders"
    | "sharing"
    | "sharedEFiles"
    | "exchange"
    | "changeRequests"
  >,
  never,
  Needs
> = Layer.mergeAll(
  auth,
  units,
  accounts,
  efiles,
  imports,
  workflows,
  audit,
  indicators,
  registration,
  reports,
  statistics,
  trainingHandlers,
  sharingHandlers,
  exchangeHandlers,
  changeRequestsHandlers
)
