/**
 * The credentials area of the storage conformance suite (M37.2; MLPS 2.0 level 3): passwords stored only as scrypt
 * hashes and never audited, the password policy and history, lockout after repeated failures with one refusal for
 * every cause, initial passwords that must be changed, idle and absolute session timeouts, sessions ended with
 * their account, and failed logins counted under real concurrency. Time is a fixed clock per call, so that
 * timeouts are checked to the minute without waiting.
 *
 * @since 0.1.0
 */
import { type Account, Accounts, Auth, Credential, Refusal, Settings } from "@tmis/core"
import { Clock, Effect, Option } from "effect"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import { auditRecords, bootstrap, type Harness, hubei, person, storage, withDatabase } from "./fixtures.js"
import { type AreaConformance, area, expectIntact, expectRaceOutcomes, refusal, type Suite } from "./support.js"

// ── Fixtures ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** A cheap scrypt cost for tests (the stored hash names its cost, so verification elsewhere uses it too). */
const fast: Credential.HashParams = { N: 2 ** 12, r: 8, p: 1 }

const minute = 60_000

/** The moment the tests start at. */
const t0 = Date.parse("2026-03-02T08:00:00.000Z")

const realClock = Clock.make()

/** A clock stopped at `ms`; sleeping (transaction back-off) still takes real time. */
const clockAt = (ms: number): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => ms,
  currentTimeMillis: Effect.succeed(ms),
  unsafeCurrentTimeNanos: () => BigInt(ms) * 1_000_000n,
  currentTimeNanos: Effect.succeed(BigInt(ms) * 1_000_000n),
  sleep: (duration) => realClock.sleep(duration)
})

/** Run `effect` at `at` under the default credential policy (or `policy`) with the cheap scrypt cost. */
const at = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  ms: number,
  policy: Credential.Policy = Credential.defaultPolicy
) =>
  effect.pipe(
    Effect.updateService(Settings.Settings, (settings) => ({ ...settings, credentials: policy, hashParams: fast })),
    Effect.withClock(clockAt(ms))
  )

// Passwords that pass the MLPS policy for 王建国 (identity number 11010519491231002X) and the test account ids.
const first = "Spring#Rain42"
const second = "Autumn!Leaf73"
const third = "Winter&Snow58"
const wrong = "Summer$Sun91x"

/** Bootstrap Hubei (`sa-root`, `ia-root`) and add the info query-er `iq-root`, all managed by `sa-root`. */
const setupAccounts = async (h: Harness) => {
  await bootstrap(h)
  await h.run(
    Effect.flatMap(Accounts.actorOf("sa-root"), (admin) =>
      Accounts.create(admin, { id: "iq-root", role: "infoQueryer", person }, "hubei")
    )
  )
}

const setPassword = (h: Harness, by: string, accountId: string, password: string, version?: number, ms = t0) =>
  h.result(
    at(
      Effect.flatMap(Accounts.actorOf(by), (a) => Auth.setPassword(a, accountId, password, version)),
      ms
    )
  )

const resetPassword = (h: Harness, by: string, accountId: string, password: string, ms = t0) =>
  h.result(
    at(
      Effect.flatMap(Accounts.actorOf(by), (a) => Auth.resetPassword(a, accountId, password)),
      ms
    )
  )

const changePassword = (h: Harness, accountId: string, current: string, next: string, ms = t0) =>
  h.result(at(Auth.changePassword(accountId, current, next), ms))

const login = (h: Harness, accountId: string, password: string, sessionId: string, ms = t0) =>
  h.result(at(Auth.login(accountId, password, sessionId), ms))

const session = (h: Harness, sessionId: string, ms: number) =>
  h.result(
    at(
      Effect.map(Auth.session(sessionId), (actor) => actor.accountId),
      ms
    )
  )

/** An account with a password of its own (set by `sa-root`, then changed), ready to log in with `second`. */
const withOwnPassword = async (h: Harness, accountId: string) => {
  expect((await setPassword(h, "sa-root", accountId, first)).ok).toBe(true)
  expect(refusal(await changePassword(h, accountId, first, second))).toBe("ok")
}

const credentialOf = (h: Harness, accountId: string) =>
  h.run(Effect.flatMap(storage, (s) => s.credentials.get(accountId as Account.AccountId))).then(Option.getOrUndefined)

const sessionOf = (h: Harness, id: string) =>
  h.run(Effect.flatMap(storage, (s) => s.sessions.get(id))).then(Option.getOrUndefined)

/** What a caller sees of a refusal: everything but the stack. */
const seen = (result: Awaited<ReturnType<Harness["result"]>>) => {
  if (result.ok) return "ok"
  const e = result.error as { _tag: string; rule: string; zh: string; en: string; details: unknown; message: string }
  return {
    tag: Refusal.is(e) ? e.kind : e._tag,
    rule: e.rule,
    zh: e.zh,
    en: e.en,
    details: e.details,
    message: e.message
  }
}

const authRecords = async (h: Harness, action?: string) =>
  (await h.run(auditRecords)).filter((r) => (action === undefined ? r.action.startsWith("auth.") : r.action === action))

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

const passwordHashedOnly = ({ makeDatabase, timeout }: Suite): void => {
  it("M37.2 a password is stored only as a scrypt hash and never appears in the audit log", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await setupAccounts(h)
      const set = await setPassword(h, "sa-root", "ia-root", first)
      expect(set.ok && set.value).toEqual({ accountId: "ia-root", version: 1 })
      const stored = await credentialOf(h, "ia-root")
      expect(stored?.version).toBe(1)
      expect(stored?.value.hash.startsWith("scrypt$4096$8$1$")).toBe(true)
      expect(Credential.parse(stored?.value.hash ?? "")?.params).toEqual(fast)
      expect(stored?.value.history).toEqual([stored?.value.hash])
      expect(await h.run(Credential.verify(first, stored?.value.hash ?? ""))).toBe(true)
      expect(stored?.value.login).toEqual({
        failedAttempts: 0,
        lockedUntil: undefined,
        passwordChangedAt: new Date(t0).toISOString(),
        mustChange: true
      })

      expect(refusal(await login(h, "ia-root", wrong, "s-wrong"))).toEqual(["unauthenticated", "M37.2"])
      expect(refusal(await changePassword(h, "ia-root", first, second))).toBe("ok")
      const ok = await login(h, "ia-root", second, "s-ok")
      expect(ok.ok && ok.value.outcome).toBe("ok")
      const changed = await credentialOf(h, "ia-root")
      expect(changed?.value.hash).not.toBe(stored?.value.hash)
      expect(changed?.value.history).toEqual([changed?.value.hash, stored?.value.hash])

      // Neither password, nor the wrong one, nor a hash is anywhere in the audit log or the outbox.
      const records = await h.run(auditRecords)
      const outbox = await h.run(Effect.flatMap(storage, (s) => s.outbox.list({ limit: 1000 })))
      const logged = JSON.stringify([records, outbox])
      for (const secret of [first, second, wrong, stored?.value.hash ?? "", changed?.value.hash ?? ""]) {
        expect(logged.includes(secret)).toBe(false)
      }
      expect((await authRecords(h)).map((r) => [r.action, r.actor, r.outcome])).toEqual([
        ["auth.setPassword", "sa-root", "ok"],
        ["auth.login", "ia-root", "refused"],
        ["auth.changePassword", "ia-root", "ok"],
        ["auth.login", "ia-root", "ok"]
      ])

      const raw = h.database.raw
      if (raw !== undefined) {
        // Read as an attacker with the database would: the table holds hashes only, and refuses anything else.
        const dumped = JSON.stringify(await raw("select * from credentials"))
        for (const secret of [first, second, wrong]) expect(dumped.includes(secret)).toBe(false)
        await expect(raw(`update credentials set hash = '${second}'`)).rejects.toThrow()
      }
      await expectIntact(h)
    })
  )
}

const lockout = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M37.2 N failed logins lock the account; the refusal is the same for an unknown account, a wrong password, a locked and a disabled account",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupAccounts(h)
        await withOwnPassword(h, "ia-root")
        await withOwnPassword(h, "iq-root")
        const { maxFailedAttempts, lockoutMinutes } = Credential.defaultPolicy.login
        expect(maxFailedAttempts).toBe(5)

        const wrongOne = await login(h, "ia-root", wrong, "x", t0)
        for (let i = 2; i < maxFailedAttempts; i++) await login(h, "ia-root", wrong, "x", t0 + i * minute)
        expect((await credentialOf(h, "ia-root"))?.value.login).toMatchObject({
          failedAttempts: maxFailedAttempts - 1,
          lockedUntil: undefined
        })
        // The 5th consecutive failure locks the account for 30 minutes.
        const fifth = t0 + 10 * minute
        await login(h, "ia-root", wrong, "x", fifth)
        const lockedUntil = new Date(fifth + lockoutMinutes * minute).toISOString()
        expect((await credentialOf(h, "ia-root"))?.value.login).toMatchObject({
          failedAttempts: maxFailedAttempts,
          lockedUntil
        })
        // The right password is refused while the lock lasts, and leaves the lock as it is.
        const locked = await login(h, "ia-root", second, "x", fifth + 29 * minute)
        expect((await credentialOf(h, "ia-root"))?.value.login).toMatchObject({ lockedUntil })
        expect(await sessionOf(h, "x")).toBeUndefined()

        const unknown = await login(h, "nobody", second, "x", t0)
        const admin = await h.run(Accounts.actorOf("sa-root"))
        const iq = await h.run(Accounts.load("iq-root"))
        await h.run(Accounts.disable(admin, "iq-root", iq.version))
        const disabled = await login(h, "iq-root", second, "x", t0)

        const refusals = [unknown, wrongOne, locked, disabled].map(seen)
        expect(refusals[0]).toMatchObject({ tag: "unauthenticated", rule: "M37.2" })
        for (const other of refusals.slice(1)) expect(other).toEqual(refusals[0])

        // When the lock ends, the right password works again and the count starts afresh.
        const after = await login(h, "ia-root", second, "after-lock", fifth + lockoutMinutes * minute)
        expect(after.ok && after.value.outcome).toBe("ok")
        expect((await credentialOf(h, "ia-root"))?.value.login).toMatchObject({
          failedAttempts: 0,
          lockedUntil: undefined
        })

        // Only the audit log knows why: the reason of each refusal, under the claimed id for an unknown account.
        const logins = await authRecords(h, "auth.login")
        expect(logins.map((r) => [r.actor, r.outcome, r.details.reason])).toEqual([
          ...Array.from({ length: maxFailedAttempts }, () => ["ia-root", "refused", "wrongPassword"]),
          ["ia-root", "refused", "locked"],
          ["nobody", "refused", "unknownAccount"],
          ["iq-root", "refused", "disabled"],
          ["ia-root", "ok", undefined]
        ])
        await expectIntact(h)
      })
  )
}

const initialPassword = ({ makeDatabase, timeout }: Suite): void => {
  it("M37.2 an initial password must be changed; a reused password is refused", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await setupAccounts(h)
      // Only whoever manages the account sets it: not an info admin, not the account itself.
      expect(refusal(await setPassword(h, "ia-root", "iq-root", first))).toEqual(["forbidden", "M13.3"])
      for (const [password, failed] of [
        ["short1A", "tooShort"],
        ["Ia-Root#2026x", "containsAccountId"],
        ["Xy#11010519z", "containsIdentityNumber"]
      ] as const) {
        const result = await setPassword(h, "sa-root", "ia-root", password)
        expect(!result.ok && (result.error as Refusal.Refusal).details.failed).toContain(failed)
      }
      expect(await credentialOf(h, "ia-root")).toBeUndefined()

      expect((await setPassword(h, "sa-root", "ia-root", first)).ok).toBe(true)
      // A second initial password needs the version of the first.
      expect(refusal(await setPassword(h, "sa-root", "ia-root", second))).toEqual(["Conflict", undefined])
      const initial = await login(h, "ia-root", first, "s-initial")
      expect(initial.ok && initial.value).toEqual({ outcome: "mustChangePassword", session: undefined })
      expect(await sessionOf(h, "s-initial")).toBeUndefined()

      // The new password may not be the initial one; a wrong current password is refused like a login.
      const reused = await changePassword(h, "ia-root", first, first)
      expect(refusal(reused)).toEqual(["invalid", "M37.2"])
      expect(!reused.ok && (reused.error as Refusal.Refusal).details.failed).toEqual(["reused"])
      expect(refusal(await changePassword(h, "ia-root", wrong, second))).toEqual(["unauthenticated", "M37.2"])
      expect((await credentialOf(h, "ia-root"))?.value.login.failedAttempts).toBe(1)

      expect(refusal(await changePassword(h, "ia-root", first, second, t0 + minute))).toBe("ok")
      const ok = await login(h, "ia-root", second, "s-ok", t0 + 2 * minute)
      expect(ok.ok && ok.value.outcome).toBe("ok")
      expect((await credentialOf(h, "ia-root"))?.value.login).toMatchObject({
        failedAttempts: 0,
        mustChange: false,
        passwordChangedAt: new Date(t0 + minute).toISOString()
      })
      // Going back to an earlier password is reuse too, whoever sets it.
      expect(refusal(await changePassword(h, "ia-root", second, first))).toEqual(["invalid", "M37.2"])
      const version = (await credentialOf(h, "ia-root"))?.version
      expect(refusal(await setPassword(h, "sa-root", "ia-root", first, version))).toEqual(["invalid", "M37.2"])

      // A reset by the admin must be changed again, and ends the sessions the account had.
      expect((await setPassword(h, "sa-root", "ia-root", third, version)).ok).toBe(true)
      expect(refusal(await session(h, "s-ok", t0 + 3 * minute))).toEqual(["unauthenticated", "M37.2"])
      const reset = await login(h, "ia-root", third, "s-reset")
      expect(reset.ok && reset.value.outcome).toBe("mustChangePassword")

      // A password older than the policy's maximum age must be changed too.
      const aged = await login(h, "iq-root", first, "s-aged")
      expect(refusal(aged)).toEqual(["unauthenticated", "M37.2"])
      await withOwnPassword(h, "iq-root")
      const old = t0 + Credential.defaultPolicy.password.maxAgeDays * 24 * 60 * minute
      const expired = await login(h, "iq-root", second, "s-old", old)
      expect(expired.ok && expired.value.outcome).toBe("mustChangePassword")
      await expectIntact(h)
    })
  )
}

const sessionTimeouts = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M37.2 a session expires after the idle and the absolute timeout; disabling an account ends its sessions",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupAccounts(h)
        await withOwnPassword(h, "ia-root")
        await withOwnPassword(h, "iq-root")
        const { idleMinutes, absoluteHours } = Credential.defaultPolicy.session

        const started = await login(h, "ia-root", second, "s-idle", t0)
        expect(started.ok && started.value.session).toEqual({
          id: "s-idle",
          accountId: "ia-root",
          createdAt: new Date(t0).toISOString(),
          lastSeenAt: new Date(t0).toISOString()
        })
        // Each request restarts the idle time.
        const justBefore = t0 + (idleMinutes - 1) * minute
        expect(await session(h, "s-idle", justBefore)).toEqual({ ok: true, value: "ia-root" })
        expect((await sessionOf(h, "s-idle"))?.lastSeenAt).toBe(new Date(justBefore).toISOString())
        expect(await session(h, "s-idle", justBefore + (idleMinutes - 1) * minute)).toEqual({
          ok: true,
          value: "ia-root"
        })
        const idle = justBefore + (idleMinutes - 1) * minute + idleMinutes * minute
        expect(refusal(await session(h, "s-idle", idle))).toEqual(["unauthenticated", "M37.2"])
        expect(refusal(await session(h, "s-idle", t0))).toEqual(["unauthenticated", "M37.2"])

        // However active, a session ends after the absolute timeout.
        await login(h, "ia-root", second, "s-busy", t0)
        const end = t0 + absoluteHours * 60 * minute
        for (let ms = t0 + 20 * minute; ms < end; ms += 20 * minute) {
          expect([ms, await session(h, "s-busy", ms)]).toEqual([ms, { ok: true, value: "ia-root" }])
        }
        expect(refusal(await session(h, "s-busy", end))).toEqual(["unauthenticated", "M37.2"])

        // Logging out ends a session; twice is harmless. A used session id is refused.
        await login(h, "ia-root", second, "s-out", t0)
        await h.run(at(Auth.logout("s-out"), t0 + minute))
        await h.run(at(Auth.logout("s-out"), t0 + minute))
        expect(refusal(await session(h, "s-out", t0 + 2 * minute))).toEqual(["unauthenticated", "M37.2"])
        expect(refusal(await session(h, "nobody", t0))).toEqual(["unauthenticated", "M37.2"])
        await login(h, "ia-root", second, "s-used", t0)
        expect(refusal(await login(h, "ia-root", second, "s-used", t0))).toEqual(["conflict", "M37.2"])

        // Disabling an account ends its sessions at once, in the disabling transaction.
        await login(h, "iq-root", second, "s-iq1", t0)
        await login(h, "iq-root", second, "s-iq2", t0)
        expect(await session(h, "s-iq1", t0 + minute)).toEqual({ ok: true, value: "iq-root" })
        const admin = await h.run(Accounts.actorOf("sa-root"))
        const iq = await h.run(Accounts.load("iq-root"))
        await h.run(Accounts.disable(admin, "iq-root", iq.version))
        expect((await sessionOf(h, "s-iq1"))?.revoked).toBe(true)
        expect((await sessionOf(h, "s-iq2"))?.revoked).toBe(true)
        for (const id of ["s-iq1", "s-iq2"]) {
          expect(refusal(await session(h, id, t0 + 2 * minute))).toEqual(["unauthenticated", "M37.2"])
        }
        // The other account's sessions are untouched.
        expect((await sessionOf(h, "s-used"))?.revoked).toBe(false)
        expect(await session(h, "s-used", t0 + 2 * minute)).toEqual({ ok: true, value: "ia-root" })
        expect((await authRecords(h, "auth.logout")).map((r) => r.actor)).toEqual(["ia-root"])
        await expectIntact(h)
      })
  )
}

const concurrentFailedLogins = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it("M37.2 concurrent failed logins are all counted (no lost update)", { timeout }, async () => {
    const race = (credentials: Credential.Policy | undefined, tag: string): Attempts.Race => ({
      deployment: hubei,
      attempts: Array.from({ length: attempts }, (_, i) => ({
        _tag: "Login" as const,
        accountId: "ia-root",
        password: wrong,
        sessionId: `${tag}-${i}`,
        ...(credentials === undefined ? {} : { credentials })
      }))
    })
    const refused = (o: Attempts.Outcome & { readonly _tag: "Failure" }) =>
      expect([o.error, o.rule]).toEqual(["unauthenticated", "M37.2"])

    // With no lock in reach, every attempt must be counted.
    await withDatabase(makeDatabase, hubei, async (h) => {
      await setupAccounts(h)
      await withOwnPassword(h, "ia-root")
      const roomy = {
        ...Credential.defaultPolicy,
        login: { ...Credential.defaultPolicy.login, maxFailedAttempts: attempts + 1 }
      }
      const outcomes = await races.run(h.database, race(roomy, "roomy"))
      expect(expectRaceOutcomes(outcomes, refused)).toBe(0)
      const stored = await credentialOf(h, "ia-root")
      expect(stored?.value.login).toMatchObject({ failedAttempts: attempts, lockedUntil: undefined })
      // One version per write: set, verified and changed, then one per attempt.
      expect(stored?.version).toBe(3 + attempts)
      expect((await authRecords(h, "auth.login")).length).toBe(attempts)
      await expectIntact(h)
    })

    // Under the default policy, exactly the 5th failure locks, and the rest find the lock.
    await withDatabase(makeDatabase, hubei, async (h) => {
      await setupAccounts(h)
      await withOwnPassword(h, "ia-root")
      const outcomes = await races.run(h.database, race(undefined, "strict"))
      expect(expectRaceOutcomes(outcomes, refused)).toBe(0)
      const { maxFailedAttempts } = Credential.defaultPolicy.login
      expect((await credentialOf(h, "ia-root"))?.value.login.failedAttempts).toBe(Math.min(attempts, maxFailedAttempts))
      const reasons = (await authRecords(h, "auth.login")).map((r) => String(r.details.reason))
      expect(reasons.filter((r) => r === "wrongPassword").length).toBe(Math.min(attempts, maxFailedAttempts))
      expect(reasons.filter((r) => r === "locked").length).toBe(Math.max(0, attempts - maxFailedAttempts))
      await expectIntact(h)
    })
  })
}

const resetWithoutVersion = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M37.2 M13.2 the account's manager resets a locked-out password without its version: unlocked, to be changed, sessions ended, audited",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupAccounts(h)
        // A first password by reset: no credential yet, no version to know.
        expect(refusal(await resetPassword(h, "sa-root", "iq-root", first))).toBe("ok")
        await withOwnPassword(h, "ia-root")
        const before = await login(h, "ia-root", second, "s-before")
        expect(before.ok && before.value.outcome).toBe("ok")
        const { maxFailedAttempts } = Credential.defaultPolicy.login
        for (let i = 0; i < maxFailedAttempts; i++) await login(h, "ia-root", wrong, "x", t0 + i * minute)
        const locked = await credentialOf(h, "ia-root")
        expect(locked?.value.login.lockedUntil).toBeDefined()
        // Set, verified and changed, a login, then one version per failure: what an admin could not have guessed.
        expect(locked?.version).toBe(4 + maxFailedAttempts)

        // Only whoever manages the account resets it (M13.2, M13.3), and the policy still applies.
        expect(refusal(await resetPassword(h, "ia-root", "iq-root", third))).toEqual(["forbidden", "M13.3"])
        expect(refusal(await resetPassword(h, "sa-root", "ia-root", "short1A"))).toEqual(["invalid", "M37.2"])
        expect(refusal(await resetPassword(h, "sa-root", "ia-root", second))).toEqual(["invalid", "M37.2"])

        // Concurrent failed logins do not defeat the reset: it re-reads and decides on the state as it is then.
        const ms = t0 + 10 * minute
        const [reset] = await Promise.all([
          resetPassword(h, "sa-root", "ia-root", third, ms),
          ...Array.from({ length: 4 }, (_, i) => login(h, "ia-root", wrong, `y${i}`, ms))
        ])
        expect(refusal(reset)).toBe("ok")
        expect(reset.ok && reset.value.accountId).toBe("ia-root")
        const after = await credentialOf(h, "ia-root")
        expect(reset.ok && after !== undefined && reset.value.version <= after.version).toBe(true)
        // The sessions the account had are over, and the reset password is an initial one.
        expect(refusal(await session(h, "s-before", ms + minute))).toEqual(["unauthenticated", "M37.2"])
        expect((await sessionOf(h, "s-before"))?.revoked).toBe(true)
        const again = await login(h, "ia-root", third, "s-after", ms + minute)
        expect(again.ok && again.value).toEqual({ outcome: "mustChangePassword", session: undefined })
        expect((await credentialOf(h, "ia-root"))?.value.login).toMatchObject({
          failedAttempts: 0,
          lockedUntil: undefined,
          mustChange: true,
          passwordChangedAt: new Date(ms).toISOString()
        })
        expect(refusal(await changePassword(h, "ia-root", third, wrong, ms + 2 * minute))).toBe("ok")

        const resets = await authRecords(h, "auth.setPassword")
        expect(resets.map((r) => [r.actor, r.object, r.outcome, r.details.mustChange, r.details.reset])).toEqual([
          ["sa-root", "account:iq-root", "ok", true, true],
          ["sa-root", "account:ia-root", "ok", true, undefined],
          ["sa-root", "account:ia-root", "ok", true, true]
        ])
        expect(resets[2]?.details.sessionsRevoked).toBe(1)
        await expectIntact(h)
      })
  )
}

/**
 * The credentials area: passwords, lockout, initial passwords, sessions (M37.2).
 *
 * @since 0.1.0
 */
export const credentialsConformance: AreaConformance = area("credentials", [
  passwordHashedOnly,
  lockout,
  initialPassword,
  sessionTimeouts,
  concurrentFailedLogins,
  resetWithoutVersion
])
