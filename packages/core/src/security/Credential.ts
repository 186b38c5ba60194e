/**
 * Credential (口令与会话): password hashing (`PasswordHash`, re-exported here), the password policy, the login decision and session expiry. M37.2, with
 * M14.1 (an account is one real person, so a password may not be made of that person's identifiers).
 *
 * The profile is MLPS 2.0 (GB/T 22239-2019) level 3, application layer: password complexity and periodic change
 * (身份鉴别 a), failed-login handling (登录失败处理: lockout after repeated failures) and session timeout (连接超时自动
 * 退出). Everything here except hashing is pure: the caller owns the clock and the store.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Refusal from "../kernel/Refusal.js"
import { normalize, verify } from "./PasswordHash.js"

export * from "./PasswordHash.js"

// ---------------------------------------------------------------------------------------------------------------
// Policy
// ---------------------------------------------------------------------------------------------------------------

/**
 * The password rules.
 *
 * @since 0.1.0
 */
export interface PasswordPolicy {
  /** Shortest password, in characters (code points). */
  readonly minLength: number
  /** Longest password, in characters; bounds the work one request can cause. */
  readonly maxLength: number
  /** How many of the four classes (lower, upper, digit, symbol) a password needs. */
  readonly minClasses: number
  /** A run of this many consecutive characters of the identity number may not appear in a password. */
  readonly identityRun: number
  /** How many previous passwords (the current one included) may not be reused. */
  readonly historySize: number
  /** Days after which a password must be changed; `Infinity` for never. */
  readonly maxAgeDays: number
  /** Whether a password set by someone else (initial or reset) must be changed at the next login. */
  readonly changeInitial: boolean
}

/**
 * Failed-login handling (登录失败处理).
 *
 * @since 0.1.0
 */
export interface LoginPolicy {
  /** Consecutive failures that lock the account. */
  readonly maxFailedAttempts: number
  /** How long a lock lasts. */
  readonly lockoutMinutes: number
}

/**
 * Session timeout (连接超时自动退出).
 *
 * @since 0.1.0
 */
export interface SessionPolicy {
  /** Inactivity after which a session ends. */
  readonly idleMinutes: number
  /** Age after which a session ends however active. */
  readonly absoluteHours: number
}

/**
 * The credential policy of a deployment.
 *
 * @since 0.1.0
 */
export interface Policy {
  readonly password: PasswordPolicy
  readonly login: LoginPolicy
  readonly session: SessionPolicy
}

/**
 * The MLPS 2.0 level-3 profile: passwords of 8 or more characters from at least 3 of 4 classes, free of the
 * account id, the person's name and 6-digit runs of the identity number, not one of the last 5, changed every 90
 * days and at first login; lockout for 30 minutes after 5 consecutive failures; sessions end after 30 idle minutes
 * or 8 hours. GB/T 22239 asks for complexity, periodic change, failure handling and timeout without fixing the
 * numbers; these are the values assessors commonly expect.
 *
 * @since 0.1.0
 */
export const mlpsLevel3: Policy = {
  password: {
    minLength: 8,
    maxLength: 128,
    minClasses: 3,
    identityRun: 6,
    historySize: 5,
    maxAgeDays: 90,
    changeInitial: true
  },
  login: { maxFailedAttempts: 5, lockoutMinutes: 30 },
  session: { idleMinutes: 30, absoluteHours: 8 }
}

/**
 * The default policy: {@link mlpsLevel3}.
 *
 * @since 0.1.0
 */
export const defaultPolicy: Policy = mlpsLevel3

// ---------------------------------------------------------------------------------------------------------------
// Password decision
// ---------------------------------------------------------------------------------------------------------------

/**
 * A character class of a password. `symbol` is any character that is not an ASCII letter or digit.
 *
 * @since 0.1.0
 */
export type CharacterClass = "lower" | "upper" | "digit" | "symbol"

/**
 * The classes a password draws from.
 *
 * @since 0.1.0
 */
export const characterClasses = (password: string): ReadonlySet<CharacterClass> => {
  const found = new Set<CharacterClass>()
  for (const c of password) {
    if (c >= "a" && c <= "z") found.add("lower")
    else if (c >= "A" && c <= "Z") found.add("upper")
    else if (c >= "0" && c <= "9") found.add("digit")
    else found.add("symbol")
  }
  return found
}

/**
 * What a password is checked against: the account, the person's identifiers (M14.1) and the stored hashes of the
 * account's previous passwords, newest first (the current one first).
 *
 * @since 0.1.0
 */
export interface PasswordContext {
  readonly accountId: string
  readonly identityNumber: string
  /**
   * The person's name as written (张三) and in the ASCII forms the caller knows (zhangsan, zhang san, zs); this
   * module does not romanise Chinese itself.
   */
  readonly names?: ReadonlyArray<string>
  readonly history: ReadonlyArray<string>
}

/**
 * A reason a password is refused.
 *
 * @since 0.1.0
 */
export type Failure =
  | "tooShort"
  | "tooLong"
  | "tooFewClasses"
  | "controlCharacter"
  | "containsAccountId"
  | "containsName"
  | "containsIdentityNumber"
  | "reused"

const failureText = (policy: PasswordPolicy): Record<Failure, { zh: string; en: string }> => ({
  tooShort: { zh: `口令长度不少于${policy.minLength}位`, en: `at least ${policy.minLength} characters` },
  tooLong: { zh: `口令长度不超过${policy.maxLength}位`, en: `at most ${policy.maxLength} characters` },
  tooFewClasses: {
    zh: `口令须包含小写字母、大写字母、数字、特殊字符中的至少${policy.minClasses}类`,
    en: `characters from at least ${policy.minClasses} of lower-case, upper-case, digits and symbols`
  },
  controlCharacter: { zh: "口令不得包含控制字符", en: "no control characters" },
  containsAccountId: { zh: "口令不得包含账号名", en: "must not contain the account id" },
  containsName: { zh: "口令不得包含本人姓名或其拼音", en: "must not contain the person's name or its pinyin" },
  containsIdentityNumber: {
    zh: `口令不得包含身份证件号码中连续${policy.identityRun}位`,
    en: `must not contain ${policy.identityRun} consecutive characters of the identity number`
  },
  reused: {
    zh: `口令不得与最近${policy.historySize}次使用的口令相同`,
    en: `must not be one of the last ${policy.historySize} passwords`
  }
})

// Lower-case, without the separators people put inside names and ids, so "Zhang.San" and "zhang san" both count.
const fold = (s: string): string =>
  s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s._\-'·•]/g, "")

// A fragment too short to be a meaningful identifier would forbid half the alphabet: an ASCII fragment counts from 3
// characters, a Chinese one (张三) from 2.
const significant = (s: string): boolean => (/^[\x20-\x7e]*$/.test(s) ? s.length >= 3 : [...s].length >= 2)

const containsFragment = (password: string, fragment: string): boolean => {
  const f = fold(fragment)
  return significant(f) && fold(password).includes(f)
}

const containsIdentityRun = (password: string, identityNumber: string, run: number): boolean => {
  const id = identityNumber.normalize("NFKC").toLowerCase().replace(/\s/g, "")
  const p = password.normalize("NFKC").toLowerCase()
  if (run < 1 || id.length < run) return false
  for (let i = 0; i + run <= id.length; i++) if (p.includes(id.slice(i, i + run))) return true
  return false
}

/**
 * The reasons, apart from reuse, for which the policy refuses a password; empty when acceptable. Pure and cheap:
 * what a form checks as the user types.
 *
 * @since 0.1.0
 */
export const failures = (
  candidate: string,
  context: Omit<PasswordContext, "history">,
  policy: PasswordPolicy = defaultPolicy.password
): ReadonlyArray<Failure> => {
  const password = normalize(candidate)
  const length = [...password].length
  const found: Array<Failure> = []
  if (length < policy.minLength) found.push("tooShort")
  if (length > policy.maxLength) found.push("tooLong")
  if (characterClasses(password).size < policy.minClasses) found.push("tooFewClasses")
  if (/\p{Cc}/u.test(password)) found.push("controlCharacter")
  if (containsFragment(password, context.accountId)) found.push("containsAccountId")
  if ((context.names ?? []).some((name) => containsFragment(password, name))) found.push("containsName")
  if (containsIdentityRun(password, context.identityNumber, policy.identityRun)) found.push("containsIdentityNumber")
  return found
}

const refuse = (found: ReadonlyArray<Failure>, policy: PasswordPolicy) => {
  const text = failureText(policy)
  return Refusal.invalid(
    "M37.2",
    `口令不符合要求：${found.map((f) => text[f].zh).join("；")}`,
    `the password is refused: ${found.map((f) => text[f].en).join("; ")}`,
    { field: "password", failed: found }
  )
}

/**
 * Decide a new password (M37.2, M14.1): every policy rule, then reuse against the newest `historySize` hashes of
 * `context.history`. Reuse is checked only when the rest passes, since each comparison costs a scrypt run.
 *
 * @since 0.1.0
 */
export const decidePassword = (
  candidate: string,
  context: PasswordContext,
  policy: PasswordPolicy = defaultPolicy.password
): Effect.Effect<void, Refusal.Refusal> =>
  Effect.gen(function* () {
    const found = failures(candidate, context, policy)
    if (found.length > 0) return yield* Effect.fail(refuse(found, policy))
    const recent = context.history.slice(0, Math.max(0, policy.historySize))
    const reused = yield* Effect.exists(recent, (stored) => verify(candidate, stored), { concurrency: "unbounded" })
    if (reused) return yield* Effect.fail(refuse(["reused"], policy))
  })

/**
 * The password history after a change to `stored`: newest first, no longer than the policy remembers.
 *
 * @since 0.1.0
 */
export const remember = (
  history: ReadonlyArray<string>,
  stored: string,
  policy: PasswordPolicy = defaultPolicy.password
): ReadonlyArray<string> => [stored, ...history].slice(0, Math.max(1, policy.historySize))

// ---------------------------------------------------------------------------------------------------------------
// Login decision
// ---------------------------------------------------------------------------------------------------------------

/**
 * What the login decision remembers of an account. Instants are ISO 8601 strings.
 *
 * @since 0.1.0
 */
export interface LoginState {
  /** Consecutive failures since the last success or the end of the last lock. */
  readonly failedAttempts: number
  /** The end of the current lock; undefined when not locked. */
  readonly lockedUntil: string | undefined
  readonly passwordChangedAt: string
  /** The password was set by someone else (initial or reset) and must be changed at the next login. */
  readonly mustChange: boolean
}

/**
 * One login attempt: whether the password verified (always false for an unknown account), and when.
 *
 * @since 0.1.0
 */
export interface Attempt {
  readonly passwordOk: boolean
  readonly now: Date
}

/**
 * The outcome of a login. `"refused"` is one outcome for a wrong password, an unknown account and a locked account,
 * so that the response cannot tell them apart (MLPS: no account enumeration, no lock oracle); the reason lives only
 * in `next` and in the audit log.
 *
 * @since 0.1.0
 */
export type Outcome = "ok" | "mustChangePassword" | "refused"

/**
 * A login decision: the outcome and the state to store.
 *
 * @since 0.1.0
 */
export interface LoginDecision {
  readonly outcome: Outcome
  readonly next: LoginState
}

/**
 * The one message for every refused login, whatever the cause.
 *
 * @since 0.1.0
 */
export const refusedMessage = {
  zh: "账号或口令错误，或账号暂不可用",
  en: "wrong account or password, or the account is unavailable"
}

/**
 * The state of an account whose password was just set at `now` — by its owner (`mustChange: false`) or by an
 * administrator, as an initial or reset password (`mustChange` as the policy's `changeInitial`).
 *
 * @since 0.1.0
 */
export const initialState = (
  now: Date,
  setBy: "owner" | "administrator" = "administrator",
  policy: PasswordPolicy = defaultPolicy.password
): LoginState => ({
  failedAttempts: 0,
  lockedUntil: undefined,
  passwordChangedAt: now.toISOString(),
  mustChange: setBy === "administrator" && policy.changeInitial
})

const minute = 60_000
const day = 24 * 60 * minute

/**
 * Whether the password has passed its maximum age at `now`. An unreadable change date counts as expired.
 *
 * @since 0.1.0
 */
export const passwordExpired = (
  state: Pick<LoginState, "passwordChangedAt">,
  now: Date,
  policy: PasswordPolicy = defaultPolicy.password
): boolean => {
  const changed = Date.parse(state.passwordChangedAt)
  return Number.isNaN(changed) || now.getTime() - changed >= policy.maxAgeDays * day
}

/**
 * Decide a login attempt (M37.2; MLPS failed-login handling). A locked account is refused whatever the password,
 * and the attempt leaves the lock as it is (extending it would let anyone keep a victim locked out for ever). The
 * `maxFailedAttempts`-th consecutive failure locks the account for `lockoutMinutes`; when a lock ends the count
 * starts again; a success clears it. A good password that is an initial one or older than the maximum age gives
 * `"mustChangePassword"`: the caller lets the user do nothing but change it.
 *
 * @since 0.1.0
 */
export const decideLogin = (
  state: LoginState,
  attempt: Attempt,
  policy: Pick<Policy, "login" | "password"> = defaultPolicy
): LoginDecision => {
  const now = attempt.now.getTime()
  if (state.lockedUntil !== undefined) {
    const until = Date.parse(state.lockedUntil)
    // An unreadable lock end keeps the account locked: fail closed.
    if (Number.isNaN(until) || now < until) return { outcome: "refused", next: state }
  }
  const base: LoginState =
    state.lockedUntil === undefined ? state : { ...state, failedAttempts: 0, lockedUntil: undefined }
  if (!attempt.passwordOk) {
    const failedAttempts = base.failedAttempts + 1
    const lockedUntil =
      failedAttempts >= policy.login.maxFailedAttempts
        ? new Date(now + policy.login.lockoutMinutes * minute).toISOString()
        : undefined
    return { outcome: "refused", next: { ...base, failedAttempts, lockedUntil } }
  }
  const next: LoginState = { ...base, failedAttempts: 0, lockedUntil: undefined }
  const mustChange = next.mustChange || passwordExpired(next, attempt.now, policy.password)
  return { outcome: mustChange ? "mustChangePassword" : "ok", next }
}

/**
 * The state after the user changed their own password at `now`: the change requirement is met and the age starts
 * again.
 *
 * @since 0.1.0
 */
export const afterPasswordChange = (state: LoginState, now: Date): LoginState => ({
  ...state,
  passwordChangedAt: now.toISOString(),
  mustChange: false
})

// ---------------------------------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------------------------------

/**
 * A login session. Instants are ISO 8601 strings.
 *
 * @since 0.1.0
 */
export interface Session {
  readonly id: string
  readonly accountId: string
  readonly createdAt: string
  readonly lastSeenAt: string
}

/**
 * The state of a session: `"revoked"` when its account is no longer active (disabled, or its password was reset),
 * `"expired"` after the idle or absolute timeout.
 *
 * @since 0.1.0
 */
export type SessionStatus = "valid" | "expired" | "revoked"

/**
 * Decide whether a session may still act at `now` (MLPS session timeout). Unreadable instants count as expired.
 *
 * @since 0.1.0
 */
export const decideSession = (
  session: Session,
  now: Date,
  accountActive: boolean,
  policy: SessionPolicy = defaultPolicy.session
): SessionStatus => {
  if (!accountActive) return "revoked"
  const created = Date.parse(session.createdAt)
  const seen = Date.parse(session.lastSeenAt)
  if (Number.isNaN(created) || Number.isNaN(seen)) return "expired"
  const t = now.getTime()
  if (t - seen >= policy.idleMinutes * minute) return "expired"
  if (t - created >= policy.absoluteHours * 60 * minute) return "expired"
  return "valid"
}

/**
 * The session after a request at `now` (call only when {@link decideSession} said `"valid"`).
 *
 * @since 0.1.0
 */
export const touch = (session: Session, now: Date): Session => ({ ...session, lastSeenAt: now.toISOString() })

/**
 * Whether a request at `now` should record itself as the session's latest activity: at most once a minute, so that
 * a busy session does not write on every read. The idle time is then counted from up to a minute before the last
 * request: a session may end up to a minute early, never late.
 *
 * @since 0.1.0
 */
export const needsTouch = (session: Session, now: Date): boolean =>
  !(now.getTime() - Date.parse(session.lastSeenAt) < minute)
