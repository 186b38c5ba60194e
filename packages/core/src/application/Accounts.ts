/**
 * The application service for accounts: bootstrap (M15.1), create, disable, enable and bind certificates (M13–M15), each
 * loading, deciding with {@link Account} and {@link Authorization}, persisting, and appending the audit record and
 * the outbox event in one transaction. The store refuses a second active system admin itself (M14.4).
 *
 * @since 0.1.0
 */
import { Effect, FiberRef, Option } from "effect"
import * as Account from "../accounts/Account.js"
import * as Authorization from "../accounts/Authorization.js"
import type * as Unit from "../hierarchy/Unit.js"
import * as Day from "../kernel/Day.js"
import type * as Refusal from "../kernel/Refusal.js"
import * as Audit from "./Audit.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"
import * as Units from "./Units.js"

/** Audit and outbox of a committed change of an account; identity numbers stay out of both. */
const record = (actor: Authorization.Actor | "system", action: string, account: Account.Account, version: number) => {
  const summary = { id: account.id, role: account.role, unitId: account.unitId, status: account.status, version }
  return Audit.recordChange({
    actor,
    action,
    object: `account:${account.id}`,
    aggregateId: account.id,
    details: summary,
    payload: summary
  })
}

const settingsNow = Effect.gen(function* () {
  const { policy } = yield* Settings.Settings
  const { now } = yield* Units.authorizationContext
  return { policy, now } satisfies Account.Settings
})

/**
 * Load an account or fail with `NotFound`.
 *
 * @since 0.1.0
 */
export const load = (id: string) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.accounts.get(id as Account.AccountId).pipe(
      Effect.flatMap(
        Option.match({
          onNone: () => Effect.fail(new Storage.NotFound({ entity: "account", id })),
          onSome: Effect.succeed
        })
      )
    )
  )

/** An account at the version the caller saw, and its unit. */
const loadForChange = (accountId: string, expectedVersion: number) =>
  Effect.gen(function* () {
    const loaded = yield* load(accountId)
    yield* Units.expectVersion("account", loaded, expectedVersion)
    const unit = (yield* Units.load(loaded.value.unitId)).value
    return { account: loaded.value, unit: Units.ref(unit) }
  })

/**
 * The actor of an account, with the certificate presented in this session, for {@link Authorization}.
 *
 * @since 0.1.0
 */
export const actorOf = (accountId: string, presentedCertificate?: string) =>
  Effect.gen(function* () {
    const account = (yield* load(accountId)).value
    const unit = (yield* Units.load(account.unitId)).value
    return Authorization.actor(account, Units.ref(unit), presentedCertificate)
  })

/**
 * Bootstrap (M15.1): create the deployment's root unit and its system admin, once — with its CA certificate where
 * the deployment requires certificates for system admins (M14.2): nobody above the root could bind it later.
 * Refused once the root has ever had a system admin.
 *
 * @since 0.1.0
 */
export const bootstrap = (root: Unit.NewUnit, admin: Parameters<typeof Account.decideBootstrap>[0]) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const existing = yield* storage.units.root()
        const unit = Option.isSome(existing) ? existing.value : (yield* Units.createRoot(root)).value
        const { now } = yield* settingsNow
        const everHad = yield* storage.accounts.everHadSystemAdmin(unit.id)
        const account = yield* Account.decideBootstrap(admin, Units.ref(unit), everHad, Day.of(now))
        const stored = yield* storage.accounts.insert(account)
        yield* record("system", "account.bootstrap", account, stored.version)
        return stored
      })
    )
  })

/**
 * Create an account in `unitId` as `actor` (M13.2, M13.5, M14.1, M14.3, M14.4, M14.5, M15.1).
 *
 * @since 0.1.0
 */
export const create = (actor: Authorization.Actor, input: Account.NewAccount, unitId: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const unit = (yield* Units.load(unitId)).value
        const inUnit = yield* storage.accounts.byUnit(unit.id)
        const account = yield* Account.decideCreate(actor, input, Units.ref(unit), inUnit, yield* settingsNow)
        const stored = yield* storage.accounts.insert(account)
        yield* record(actor, "account.create", account, stored.version)
        return stored
      })
    )
  })

/**
 * Disable an account (M13.2, M15.1), if it is still at `expectedVersion`, and end its sessions.
 *
 * @since 0.1.0
 */
export const disable = (actor: Authorization.Actor, accountId: string, expectedVersion: number) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const { account, unit } = yield* loadForChange(accountId, expectedVersion)
        const next = yield* Account.decideDisable(actor, account, unit, yield* settingsNow)
        const stored = yield* storage.accounts.update(next, expectedVersion)
        // A disabled account holds no permission (M14.3): its sessions end with it, in the same transaction.
        yield* storage.sessions.revokeAllOf(next.id)
        yield* record(actor, "account.disable", next, stored.version)
        return stored
      })
    )
  })

/**
 * Enable a disabled account again (M13.2, M14.4, M14.5, M15.1), if it is still at `expectedVersion`. Its password
 * and lockout are unchanged: a manager who also wants it unlocked resets the password (M37.2).
 *
 * @since 0.1.0
 */
export const enable = (actor: Authorization.Actor, accountId: string, expectedVersion: number) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const { account, unit } = yield* loadForChange(accountId, expectedVersion)
        const inUnit = yield* storage.accounts.byUnit(account.unitId)
        const next = yield* Account.decideEnable(actor, account, unit, inUnit, yield* settingsNow)
        const stored = yield* storage.accounts.update(next, expectedVersion)
        yield* record(actor, "account.enable", next, stored.version)
        return stored
      })
    )
  })

/**
 * Bind (or re-bind) a CA certificate to an account (M14.2), if it is still at `expectedVersion`.
 *
 * @since 0.1.0
 */
export const bindCertificate = (
  actor: Authorization.Actor,
  accountId: string,
  certificate: { readonly fingerprint: string; readonly notBefore: string; readonly notAfter: string },
  expectedVersion: number
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const { account, unit } = yield* loadForChange(accountId, expectedVersion)
        const next = yield* Account.decideBindCertificate(actor, account, unit, certificate, yield* settingsNow)
        const stored = yield* storage.accounts.update(next, expectedVersion)
        yield* record(actor, "account.bindCertificate", next, stored.version)
        return stored
      })
    )
  })

/**
 * The accounts of a unit, active and disabled, by id, one page at a time (the cursor is the last id): for the
 * unit's own system admin (M13.2) and the system admins of the units above it (M15.1); anyone else is refused by
 * `Authorization`. Audited (M37.1): the accounts name real people (M14.1).
 *
 * @since 0.1.0
 */
export const list = (
  actor: Authorization.Actor,
  unitId: string,
  page: Storage.PageRequest
): Effect.Effect<
  Storage.Page<Storage.Versioned<Account.Account>>,
  Storage.NotFound | Storage.StorageError | Refusal.Refusal,
  Storage.Storage | Settings.Settings
> =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const unit = (yield* Units.load(unitId)).value
    const object = `unit:${unit.id}`
    yield* Units.authorize(actor, { _tag: "ReadAccounts", unit: Units.ref(unit) }).pipe(
      Effect.tapError((refusal) => readRecord(actor, object, "refused", { rule: refusal.rule }))
    )
    // A unit holds a handful of accounts (quotas, M14.5): one read, paged here.
    const after = page.after ?? ""
    const all = (yield* storage.accounts.byUnit(unit.id))
      .filter((a) => a.id > after)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    const items = all.slice(0, page.limit)
    const versions = yield* Effect.forEach(items, (a) => load(a.id))
    yield* readRecord(actor, object, "ok", { count: items.length })
    return { items: versions, next: all.length > page.limit ? items[items.length - 1]?.id : undefined }
  })

/** The audit record of a listing of accounts, in its own transaction (M37.1). */
const readRecord = (
  actor: Authorization.Actor,
  object: string,
  outcome: Audit.Entry["outcome"],
  details: { readonly [key: string]: unknown }
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { now } = yield* Units.authorizationContext
    yield* storage.transaction(
      storage.audit.append({
        at: now.toISOString(),
        actor: actor.accountId,
        unitId: actor.unit.id,
        action: "account.list",
        object,
        outcome,
        requestId: yield* FiberRef.get(Audit.currentRequestId),
        details
      })
    )
  })
