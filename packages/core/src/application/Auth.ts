/**
 * The application service for passwords, logins and sessions (M37.2; MLPS 2.0 level 3 identification, failed-login
 * handling and session timeout), over the pure decisions of {@link Credential} and the store. Passwords are kept
 * only as scrypt hashes and never reach the audit log; every login attempt is audited, refused ones included.
 *
 * A refused login is one error, {@link Refusal.Refusal} with the same message and details
 * whether the account is unknown, the password wrong, the account locked or disabled: the reason is only in the
 * audit log. Scrypt runs outside transactions, so that no write lock is held while it works.
 *
 * @since 0.1.0
 */
import { Clock, Effect, FiberRef, Option } from "effect"
import type * as Account from "../accounts/Account.js"
import type * as Authorization from "../accounts/Authorization.js"
import type * as IdentitySource from "../accounts/IdentitySource.js"
import * as Refusal from "../kernel/Refusal.js"
import * as Credential from "../security/Credential.js"
import * as Accounts from "./Accounts.js"
import * as Audit from "./Audit.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"
import * as Units from "./Units.js"

// ---------------------------------------------------------------------------------------------------------------
// Shared
// ---------------------------------------------------------------------------------------------------------------

/**
 * The credential policy and scrypt cost of the deployment.
 *
 * @since 0.1.0
 */
export const config = Effect.map(Settings.Settings, (settings) => ({
  policy: settings.credentials ?? Credential.defaultPolicy,
  hashParams: settings.hashParams ?? Credential.defaultHashParams
}))

const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))

/**
 * The one refusal of a login or a password change, whatever the cause (M37.2: no account enumeration, no lock
 * oracle).
 *
 * @since 0.1.0
 */
export const loginRefused = (): Refusal.Refusal =>
  Refusal.unauthenticated("M37.2", Credential.refusedMessage.zh, Credential.refusedMessage.en, { field: "credential" })

/**
 * The one refusal of a session that is unknown, expired or revoked.
 *
 * @since 0.1.0
 */
export const sessionRefused = (): Refusal.Refusal =>
  Refusal.unauthenticated("M37.2", "会话已结束，请重新登录", "the session has ended: log in again", {
    field: "session"
  })

/**
 * The refusal of a request that presents no credentials at all (no session token): distinct from
 * {@link sessionRefused}, which answers every token that names no session it may act with.
 *
 * @since 0.1.0
 */
export const authenticationRequired = (): Refusal.Refusal =>
  Refusal.unauthenticated(
    "M37.2",
    "需要登录：请先登录（POST /auth/login）并携带会话令牌",
    "authentication required: log in (POST /auth/login) and send the session token",
    { field: "session" }
  )

/** Why an attempt was refused: for the audit log only, never for the caller. */
type Reason = "unknownAccount" | "noPassword" | "disabled" | "locked" | "wrongPassword"

const audit = (entry: {
  readonly actor: string
  readonly unitId: string | undefined
  readonly action: string
  readonly object: string
  readonly outcome: "ok" | "refused"
  readonly details: { readonly [key: string]: unknown }
}) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const at = (yield* now).toISOString()
    yield* storage.audit.append({ ...entry, at, requestId: yield* FiberRef.get(Audit.currentRequestId) })
  })

// A claimed id is whatever the client sent: bounded before it goes into the log.
const claimed = (accountId: string): string => accountId.slice(0, 128)

const passwordContext = (account: Account.Account, history: ReadonlyArray<string>): Credential.PasswordContext => ({
  accountId: account.id,
  identityNumber: account.person.identityNumber,
  names: [account.person.name],
  history
})

const expectCredentialVersion = (
  accountId: string,
  seen: Option.Option<Storage.Versioned<Storage.StoredCredential>>,
  expectedVersion: number | undefined
) =>
  Option.getOrUndefined(seen)?.version === expectedVersion
    ? Effect.void
    : Effect.fail(new Storage.Conflict({ entity: "credential", id: accountId, expectedVersion: expectedVersion ?? 0 }))

// ---------------------------------------------------------------------------------------------------------------
// Attempts
// ---------------------------------------------------------------------------------------------------------------

/** What a successful attempt gives its caller: the account and its credential after the attempt was recorded. */
interface Authenticated {
  readonly account: Account.Account
  readonly credential: Storage.Versioned<Storage.StoredCredential>
  readonly outcome: "ok" | "mustChangePassword"
  readonly session: Credential.Session | undefined
}

/**
 * Verify a password for an account and record the attempt: the new login state (failed counter, lock) and the
 * audit record are committed in their own transaction, refused or not; a session is created with them when asked
 * and the outcome is "ok". Scrypt runs first, outside the transaction; the decision is made inside it on the state
 * as it is then, so that concurrent attempts are all counted.
 */
const attempt = (
  action: "auth.login" | "auth.changePassword",
  accountId: string,
  password: string,
  sessionId: string | undefined
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { policy, hashParams } = yield* config
    const account = Option.getOrUndefined(yield* storage.accounts.get(accountId as Account.AccountId))
    const credential =
      account === undefined ? undefined : Option.getOrUndefined(yield* storage.credentials.get(account.value.id))

    const refuse = (reason: Reason) =>
      storage
        .transaction(
          audit({
            actor: account === undefined ? claimed(accountId) : account.value.id,
            unitId: account?.value.unitId,
            action,
            object: `account:${claimed(accountId)}`,
            outcome: "refused",
            details: { reason }
          })
        )
        .pipe(Effect.zipRight(Effect.fail(loginRefused())))

    if (account === undefined || credential === undefined || account.value.status !== "active") {
      // The same scrypt run as for a real account, so that the response time does not tell which case this is.
      yield* Credential.verify(password, credential?.value.hash ?? Credential.dummyHashFor(hashParams))
      return yield* refuse(
        account === undefined ? "unknownAccount" : credential === undefined ? "noPassword" : "disabled"
      )
    }
    const passwordOk = yield* Credential.verify(password, credential.value.hash)
    const at = yield* now

    const recorded = yield* storage
      .transaction(
        Effect.gen(function* () {
          const fresh = Option.getOrUndefined(yield* storage.credentials.get(account.value.id))
          if (fresh === undefined) return { _tag: "Unrecorded" } as const
          // A password changed since it was verified counts as wrong: fail closed.
          const ok = passwordOk && fresh.value.hash === credential.value.hash
          const decision = Credential.decideLogin(fresh.value.login, { passwordOk: ok, now: at }, policy)
          // A lock in force leaves the state as it was (decideLogin returns it unchanged): nothing to write.
          const unchanged = decision.next === fresh.value.login
          const stored = unchanged
            ? fresh
            : yield* storage.credentials.put({ ...fresh.value, login: decision.next }, fresh.version)
          const entry = {
            actor: account.value.id,
            unitId: account.value.unitId,
            action,
            object: `account:${account.value.id}`
          }
          if (decision.outcome === "refused") {
            yield* audit({
              ...entry,
              outcome: "refused",
              details: {
                reason: unchanged ? "locked" : "wrongPassword",
                failedAttempts: decision.next.failedAttempts,
                lockedUntil: decision.next.lockedUntil ?? null
              }
            })
            return { _tag: "Refused" } as const
          }
          const session =
            sessionId !== undefined && decision.outcome === "ok"
              ? {
                  id: sessionId,
                  accountId: account.value.id,
                  createdAt: at.toISOString(),
                  lastSeenAt: at.toISOString()
                }
              : undefined
          if (session !== undefined) yield* storage.sessions.insert(session)
          // A password change is audited once, by the change itself.
          if (action === "auth.login") {
            yield* audit({
              ...entry,
              outcome: "ok",
              details: { outcome: decision.outcome, session: session !== undefined }
            })
          }
          const authenticated: Authenticated = {
            account: account.value,
            credential: stored,
            outcome: decision.outcome,
            session
          }
          return { _tag: "Accepted", authenticated } as const
        })
      )
      .pipe(
        // The store serialises these transactions; a Conflict can only come from a store that does not, and the
        // attempt is then decided again on the newer state.
        Effect.retry({ while: (e) => e._tag === "Conflict", times: 20 })
      )
    switch (recorded._tag) {
      case "Unrecorded":
        return yield* refuse("noPassword")
      case "Refused":
        return yield* Effect.fail(loginRefused())
      case "Accepted":
        return recorded.authenticated
    }
  })

// ---------------------------------------------------------------------------------------------------------------
// Passwords
// ---------------------------------------------------------------------------------------------------------------

/** The account `accountId`, when `actor` manages it (M13.2, M13.5, M15.1: `ManageAccount`). */
const managedAccount = (actor: Authorization.Actor, accountId: string) =>
  Effect.gen(function* () {
    const account = (yield* Accounts.load(accountId)).value
    const unit = (yield* Units.load(account.unitId)).value
    yield* Units.authorize(actor, {
      _tag: "ManageAccount",
      account: { id: account.id, role: account.role, unit: Units.ref(unit) }
    })
    return account
  })

/**
 * Set the password of an account as whoever manages it (M13.2, M13.5, M15.1: `ManageAccount`), as an initial or
 * reset password: checked against the policy, the person's identifiers (M14.1) and the history (M37.2); the
 * account must change it at its next login (the policy's `changeInitial`); a reset clears the lock and ends the
 * account's sessions. `expectedVersion` is the version of the credential the caller saw, undefined when the
 * account has none yet. Audited without the password.
 *
 * @since 0.1.0
 */
export const setPassword = (
  actor: Authorization.Actor,
  accountId: string,
  password: string,
  expectedVersion?: number
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { policy, hashParams } = yield* config
    const account = yield* managedAccount(actor, accountId)
    const seen = yield* storage.credentials.get(account.id)
    yield* expectCredentialVersion(account.id, seen, expectedVersion)
    const history = Option.match(seen, { onNone: () => [], onSome: (c) => c.value.history })
    yield* Credential.decidePassword(password, passwordContext(account, history), policy.password)
    const hash = yield* Credential.hash(password, hashParams)
    const login = Credential.initialState(yield* now, "administrator", policy.password)
    return yield* storage.transaction(
      Effect.gen(function* () {
        const stored = yield* storage.credentials.put(
          { accountId: account.id, hash, history: Credential.remember(history, hash, policy.password), login },
          expectedVersion
        )
        const revoked = yield* storage.sessions.revokeAllOf(account.id)
        yield* audit({
          actor: actor.accountId,
          unitId: actor.unit.id,
          action: "auth.setPassword",
          object: `account:${account.id}`,
          outcome: "ok",
          details: { version: stored.version, mustChange: login.mustChange, sessionsRevoked: revoked }
        })
        return { accountId: account.id, version: stored.version }
      })
    )
  })

/**
 * Reset (or set for the first time) the password of an account as whoever manages it (M13.2, M13.5, M15.1:
 * `ManageAccount`), without the credential's version: an authoritative overwrite. The version the account's own failed
 * logins keep raising is none of the administrator's business, so the reset reads the credential, decides and writes
 * with that version in one transaction, and decides again (at most 20 times) when a concurrent login attempt wrote
 * first. Like {@link setPassword}: checked against the policy and the history (M37.2); an initial password (the
 * policy's `changeInitial`); the lock and the failed-attempt count are cleared; the account's sessions end. Audited
 * without the password, as `auth.setPassword` with `reset: true`.
 *
 * @since 0.1.0
 */
export const resetPassword = (actor: Authorization.Actor, accountId: string, password: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { policy, hashParams } = yield* config
    const account = yield* managedAccount(actor, accountId)
    // The expensive part (the policy's reuse check and the new hash, scrypt runs) outside the transaction; the history
    // it is checked against only grows by the account's own password changes, which the write below re-checks.
    const seen = Option.getOrUndefined(yield* storage.credentials.get(account.id))
    const history = seen?.value.history ?? []
    yield* Credential.decidePassword(password, passwordContext(account, history), policy.password)
    const hash = yield* Credential.hash(password, hashParams)
    const login = Credential.initialState(yield* now, "administrator", policy.password)
    return yield* storage
      .transaction(
        Effect.gen(function* () {
          const fresh = Option.getOrUndefined(yield* storage.credentials.get(account.id))
          // The password itself changed meanwhile (the owner or another reset): its history may now hold this one.
          if ((fresh?.value.hash ?? undefined) !== (seen?.value.hash ?? undefined)) {
            return yield* Effect.fail(
              Refusal.conflict(
                "M37.2",
                "该账号的口令刚被更改，请重新设置",
                "the account's password was changed meanwhile: reset it again",
                { field: "accountId", value: account.id }
              )
            )
          }
          const stored = yield* storage.credentials.put(
            {
              accountId: account.id,
              hash,
              history: Credential.remember(fresh?.value.history ?? [], hash, policy.password),
              login
            },
            fresh?.version
          )
          const revoked = yield* storage.sessions.revokeAllOf(account.id)
          yield* audit({
            actor: actor.accountId,
            unitId: actor.unit.id,
            action: "auth.setPassword",
            object: `account:${account.id}`,
            outcome: "ok",
            details: {
              version: stored.version,
              mustChange: login.mustChange,
              sessionsRevoked: revoked,
              reset: true,
              unlocked: fresh?.value.login.lockedUntil !== undefined
            }
          })
          return { accountId: account.id, version: stored.version }
        })
      )
      .pipe(
        // A concurrent failed login raised the version between the read and the write: decide again on its state.
        Effect.retry({ while: (e) => e instanceof Storage.Conflict, times: 20 })
      )
  })

/**
 * Set the first password of the deployment root's system admin, as "system" (M15.1): nobody is above that account
 * to set it, so bootstrap does, once — refused once the account has a credential. Checked against the policy like
 * any other; an initial password, to be changed at the first login.
 *
 * @since 0.1.0
 */
export const bootstrapPassword = (accountId: string, password: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { policy, hashParams } = yield* config
    const account = (yield* Accounts.load(accountId)).value
    const root = Option.getOrUndefined(yield* storage.units.root())
    if (account.role !== "systemAdmin" || root === undefined || account.unitId !== root.id) {
      return yield* Effect.fail(
        Refusal.invalid(
          "M15.1",
          "仅部署最高一级单位的系统管理员由初始化设置密码",
          "only the system admin of the deployment's root unit gets a password at bootstrap",
          { field: "accountId", value: account.id }
        )
      )
    }
    yield* Credential.decidePassword(password, passwordContext(account, []), policy.password)
    const hash = yield* Credential.hash(password, hashParams)
    const login = Credential.initialState(yield* now, "administrator", policy.password)
    return yield* storage.transaction(
      Effect.gen(function* () {
        // `put` with no expected version refuses when a credential exists: bootstrap sets the first one only.
        const stored = yield* storage.credentials.put(
          { accountId: account.id, hash, history: Credential.remember([], hash, policy.password), login },
          undefined
        )
        yield* audit({
          actor: "system",
          unitId: undefined,
          action: "auth.bootstrapPassword",
          object: `account:${account.id}`,
          outcome: "ok",
          details: { version: stored.version, mustChange: login.mustChange }
        })
        return { accountId: account.id, version: stored.version }
      })
    )
  })

/**
 * Change one's own password: the current one must verify (a wrong one counts as a failed login and can lock the
 * account, and is refused like one); the new one is checked against the policy and the history (a refusal is audited). The change meets
 * a must-change requirement, restarts the password's age and ends the account's sessions. Audited without either
 * password.
 *
 * @since 0.1.0
 */
export const changePassword = (accountId: string, current: string, next: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { policy, hashParams } = yield* config
    const { account, credential } = yield* attempt("auth.changePassword", accountId, current, undefined)
    yield* Credential.decidePassword(next, passwordContext(account, credential.value.history), policy.password).pipe(
      Effect.tapError((refusal) =>
        storage.transaction(
          audit({
            actor: account.id,
            unitId: account.unitId,
            action: "auth.changePassword",
            object: `account:${account.id}`,
            outcome: "refused",
            details: { reason: "policy", failed: refusal.details.failed ?? [] }
          })
        )
      )
    )
    const hash = yield* Credential.hash(next, hashParams)
    const at = yield* now
    return yield* storage
      .transaction(
        Effect.gen(function* () {
          // Decided on the credential as it is now: the account's own failed logins since the check raise its version
          // without touching the password, and must not make the change fail as "changed by someone else".
          const fresh = Option.getOrUndefined(yield* storage.credentials.get(account.id))
          if (fresh === undefined || fresh.value.hash !== credential.value.hash) {
            // Reset or changed meanwhile: the verified password is no longer the current one. Fail closed.
            return yield* Effect.fail(loginRefused())
          }
          const stored = yield* storage.credentials.put(
            {
              accountId: account.id,
              hash,
              history: Credential.remember(fresh.value.history, hash, policy.password),
              login: Credential.afterPasswordChange(fresh.value.login, at)
            },
            fresh.version
          )
          const revoked = yield* storage.sessions.revokeAllOf(account.id)
          yield* audit({
            actor: account.id,
            unitId: account.unitId,
            action: "auth.changePassword",
            object: `account:${account.id}`,
            outcome: "ok",
            details: { version: stored.version, sessionsRevoked: revoked }
          })
          return { accountId: account.id, version: stored.version }
        })
      )
      .pipe(Effect.retry({ while: (e) => e instanceof Storage.Conflict, times: 20 }))
  })

// ---------------------------------------------------------------------------------------------------------------
// Login and sessions
// ---------------------------------------------------------------------------------------------------------------

/**
 * The result of an accepted login: `"ok"` with the new session, or `"mustChangePassword"` without one (the
 * password is initial or too old: the user may only {@link changePassword}).
 *
 * @since 0.1.0
 */
export interface LoginResult {
  readonly outcome: "ok" | "mustChangePassword"
  readonly session: Credential.Session | undefined
}

/**
 * Log in with a password (M37.2; MLPS failed-login handling). An unknown, disabled or locked account, or a wrong
 * password, is refused with the one {@link loginRefused} error; the login state is recorded even then, and every
 * attempt is audited (for an unknown account under the claimed id). `sessionId` is the id of the session to create
 * on success: random and unguessable, made by the caller (ids come from outside the core).
 *
 * @since 0.1.0
 */
export const login = (accountId: string, password: string, sessionId: string) =>
  Effect.map(
    attempt("auth.login", accountId, password, sessionId),
    ({ outcome, session }): LoginResult => ({ outcome, session })
  )

/**
 * Log in through a pluggable identity source (M15.2): a provincial platform (应用支撑服务平台) vouches for the
 * person (`IdentitySource.platform`) and the account it names gets a session — if it exists and is active. The
 * source's refusal, an unknown account and a disabled one are refused alike; every attempt is audited with the
 * source's name. Password policy and lockout are the platform's then.
 *
 * @since 0.1.0
 */
export const loginWith = (
  source: IdentitySource.IdentitySource["Type"],
  credential: IdentitySource.Credential,
  sessionId: string
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const at = (yield* now).toISOString()
    const principal = yield* source.authenticate(credential).pipe(
      Effect.tapError(() =>
        storage.transaction(
          audit({
            actor: "anonymous",
            unitId: undefined,
            action: "auth.login",
            object: `source:${source.name}`,
            outcome: "refused",
            details: { source: source.name, reason: "sourceRefused" }
          })
        )
      ),
      Effect.mapError(() => loginRefused())
    )
    const account = Option.getOrUndefined(yield* storage.accounts.get(principal.accountId))
    return yield* storage.transaction(
      Effect.gen(function* () {
        const entry = {
          actor: principal.accountId,
          unitId: account?.value.unitId,
          action: "auth.login",
          object: `account:${principal.accountId}`
        }
        if (account === undefined || account.value.status !== "active") {
          yield* audit({ ...entry, outcome: "refused", details: { source: source.name, reason: "unavailable" } })
          return yield* Effect.fail(loginRefused())
        }
        const session = { id: sessionId, accountId: account.value.id, createdAt: at, lastSeenAt: at }
        yield* storage.sessions.insert(session)
        yield* audit({ ...entry, outcome: "ok", details: { source: source.name, session: true } })
        return session
      })
    )
  })

/**
 * The actor of a session, if it may still act now (MLPS session timeout): refused with {@link sessionRefused}
 * when unknown, revoked, idle or too old, or when its account is no longer active. Records the request as the
 * session's latest activity (at most once a minute, {@link Credential.needsTouch}).
 *
 * @since 0.1.0
 */
export const session = (sessionId: string, presentedCertificate?: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { policy } = yield* config
    const at = yield* now
    const stored = Option.getOrUndefined(yield* storage.sessions.get(sessionId))
    if (stored === undefined || stored.revoked) return yield* Effect.fail(sessionRefused())
    const account = Option.getOrUndefined(yield* storage.accounts.get(stored.accountId as Account.AccountId))
    const status = Credential.decideSession(stored, at, account?.value.status === "active", policy.session)
    if (status !== "valid") {
      // An expired session can never be valid again: drop it, so that the table does not grow.
      if (status === "expired") yield* storage.sessions.delete(sessionId)
      return yield* Effect.fail(sessionRefused())
    }
    if (Credential.needsTouch(stored, at)) yield* storage.sessions.touch(sessionId, at.toISOString())
    return yield* Accounts.actorOf(stored.accountId, presentedCertificate)
  })

/**
 * End a session (log out). Unknown sessions are ignored, so that logging out twice is harmless.
 *
 * @since 0.1.0
 */
export const logout = (sessionId: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    yield* storage.transaction(
      Effect.gen(function* () {
        const stored = Option.getOrUndefined(yield* storage.sessions.get(sessionId))
        if (stored === undefined) return
        yield* storage.sessions.delete(sessionId)
        yield* audit({
          actor: stored.accountId,
          unitId: undefined,
          action: "auth.logout",
          object: `account:${stored.accountId}`,
          outcome: "ok",
          details: {}
        })
      })
    )
  })
