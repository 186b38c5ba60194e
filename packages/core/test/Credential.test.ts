import { Credential, type Refusal } from "@tmis/core"
import { Effect, Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

// Low cost for tests: 2^12 is about a tenth of the default's time and memory.
const cheap: Credential.HashParams = { N: 2 ** 12, r: 8, p: 1 }
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const attempt = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(Effect.either(effect))

const context = {
  accountId: "haidian-sa",
  identityNumber: "11010519491231002X",
  names: ["张三", "zhangsan", "Zhang San"],
  history: [] as ReadonlyArray<string>
}

const failedOf = (result: Either.Either<void, Refusal.Refusal>) =>
  Either.match(result, { onLeft: (e) => e.details.failed, onRight: () => "accepted" })

const t0 = new Date("2026-11-28T08:00:00Z")
const later = (ms: number) => new Date(t0.getTime() + ms)
const minute = 60_000

describe("Credential hashing", () => {
  it("M37.2 a hashed password verifies, a wrong one does not", async () => {
    const stored = await run(Credential.hash("Correct-Horse-7", cheap))
    expect(await run(Credential.verify("Correct-Horse-7", stored))).toBe(true)
    expect(await run(Credential.verify("correct-horse-7", stored))).toBe(false)
    expect(await run(Credential.verify("", stored))).toBe(false)
  })

  it("M37.2 the stored form is scrypt$N$r$p$salt$hash with a 16-byte salt and a 32-byte key, salted afresh", async () => {
    const a = await run(Credential.hash("Correct-Horse-7", cheap))
    const b = await run(Credential.hash("Correct-Horse-7", cheap))
    expect(a).toMatch(/^scrypt\$4096\$8\$1\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/)
    const [, , , , salt, key] = a.split("$")
    expect(Buffer.from(salt!, "base64")).toHaveLength(16)
    expect(Buffer.from(key!, "base64")).toHaveLength(32)
    expect(a).not.toBe(b)
    expect(a).not.toContain("Correct-Horse-7")
  })

  it("M37.2 the default parameters are N=2^15 r=8 p=1 and need more than Node's default 32 MiB maxmem", async () => {
    expect(Credential.defaultHashParams).toEqual({ N: 32768, r: 8, p: 1 })
    expect(Credential.maxmem(Credential.defaultHashParams)).toBeGreaterThan(32 * 1024 * 1024)
    const stored = await run(Credential.hash("Correct-Horse-7"))
    expect(stored.startsWith("scrypt$32768$8$1$")).toBe(true)
    expect(await run(Credential.verify("Correct-Horse-7", stored))).toBe(true)
  })

  it("M37.2 a password typed with full-width characters verifies against its half-width form (NFKC)", async () => {
    const stored = await run(Credential.hash("Abc12345!", cheap))
    expect(await run(Credential.verify("Ａｂｃ１２３４５！", stored))).toBe(true)
  })

  it("M37.2 malformed or out-of-bounds stored hashes match nothing and need rehashing", async () => {
    const stored = await run(Credential.hash("Correct-Horse-7", cheap))
    const [, , r, p, salt, key] = stored.split("$")
    for (const bad of [
      "",
      "plain",
      stored.replace("scrypt", "bcrypt"),
      `scrypt$4095$${r}$${p}$${salt}$${key}`,
      `scrypt$${2 ** 30}$${r}$${p}$${salt}$${key}`,
      `scrypt$4096$${r}$${p}$${salt}$`,
      `${stored}$extra`
    ]) {
      expect(await run(Credential.verify("Correct-Horse-7", bad))).toBe(false)
      expect(Credential.needsRehash(bad, cheap)).toBe(true)
    }
  })

  it("M37.2 needsRehash is false at the same parameters and true at others", async () => {
    const stored = await run(Credential.hash("Correct-Horse-7", cheap))
    expect(Credential.needsRehash(stored, cheap)).toBe(false)
    expect(Credential.needsRehash(stored)).toBe(true)
    expect(Credential.needsRehash(stored, { ...cheap, N: 2 ** 13 })).toBe(true)
  })

  it("M37.2 invalid hash parameters are a defect, not a hash", async () => {
    const exit = await Effect.runPromiseExit(Credential.hash("Correct-Horse-7", { N: 1000, r: 8, p: 1 }))
    expect(exit._tag).toBe("Failure")
  })

  it("M37.2 the dummy hash is well formed at the default cost and matches no password tried", async () => {
    expect(Credential.needsRehash(Credential.dummyHash)).toBe(false)
    expect(Credential.parse(Credential.dummyHash)?.params).toEqual(Credential.defaultHashParams)
    expect(await run(Credential.verify("", Credential.dummyHash))).toBe(false)
    expect(await run(Credential.verify("Correct-Horse-7", Credential.dummyHashFor(cheap)))).toBe(false)
  })
})

describe("Credential password policy", () => {
  const ok = async (
    candidate: string,
    policy = Credential.defaultPolicy.password,
    history: ReadonlyArray<string> = []
  ) => failedOf(await attempt(Credential.decidePassword(candidate, { ...context, history }, policy)))

  it("M37.2 a long, mixed password is accepted", async () => {
    expect(await ok("Tulip#Harbour42")).toBe("accepted")
    expect(await ok("tulip#harbour42")).toBe("accepted")
  })

  it("M37.2 too short, too long, too few classes and control characters are refused, naming each reason", async () => {
    expect(await ok("Ab1!xyz")).toEqual(["tooShort"])
    expect(await ok("abcdefghij")).toEqual(["tooFewClasses"])
    expect(await ok("abcdefgh12")).toEqual(["tooFewClasses"])
    expect(await ok(`Ab1!${"x".repeat(125)}`)).toEqual(["tooLong"])
    expect(await ok("Abcdef12\u0000")).toEqual(["controlCharacter"])
    expect(await ok("ab1")).toEqual(["tooShort", "tooFewClasses"])
  })

  it("M37.2 the minimum length is configurable", async () => {
    const policy = { ...Credential.defaultPolicy.password, minLength: 12 }
    expect(await ok("Tulip#Harb1", policy)).toEqual(["tooShort"])
    expect(await ok("Tulip#Harbo1", policy)).toBe("accepted")
  })

  it("M37.2 M14.1 a password may not contain the account id, the person's name or 6 digits of the identity number", async () => {
    expect(await ok("Haidian-SA#7")).toEqual(["containsAccountId"])
    expect(await ok("x!HAIDIANSA9y")).toEqual(["containsAccountId"])
    expect(await ok("ZhangSan#2026")).toEqual(["containsName"])
    expect(await ok("zhang.san#2026")).toEqual(["containsName"])
    expect(await ok("我是张三Ab12!")).toEqual(["containsName"])
    expect(await ok("Tulip#194912")).toEqual(["containsIdentityNumber"])
    expect(await ok("Tulip#31002x")).toEqual(["containsIdentityNumber"])
    // Five digits of the identity number are not a run of six.
    expect(await ok("Tulip#19491")).toBe("accepted")
  })

  it("M37.2 a refusal names the field and the reasons but never echoes the password", async () => {
    const result = await attempt(Credential.decidePassword("ZhangSan#2026", context))
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      const error = result.left
      expect([error._tag, error.kind]).toEqual(["Refusal", "invalid"])
      expect(error.rule).toBe("M37.2")
      expect(error.details).toEqual({ field: "password", failed: ["containsName"] })
      expect(JSON.stringify(error)).not.toContain("ZhangSan#2026")
      expect(error.message).toMatch(/^M37\.2: /)
    }
  })

  it("M37.2 reuse of one of the last 5 passwords is refused; the sixth oldest may come back", async () => {
    const passwords = ["Tulip#Harbour1", "Tulip#Harbour2", "Tulip#Harbour3", "Tulip#Harbour4", "Tulip#Harbour5"]
    let history: ReadonlyArray<string> = []
    for (const p of ["Tulip#Harbour0", ...passwords]) {
      history = Credential.remember(history, await run(Credential.hash(p, cheap)))
    }
    expect(history).toHaveLength(5)
    for (const p of passwords) expect(await ok(p, undefined, history)).toEqual(["reused"])
    expect(await ok("Tulip#Harbour0", undefined, history)).toBe("accepted")
    expect(await ok("Tulip#Harbour9", undefined, history)).toBe("accepted")
  })

  it("M37.2 every password the policy accepts has at least the minimum length and 3 character classes", async () => {
    const chars = fc.constantFrom(..."abcxyzABCXYZ0189!#@ -_张三Ａ１", "\u0007")
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: chars, maxLength: 20 }), fc.integer({ min: 4, max: 16 }), async (s, min) => {
        const policy = { ...Credential.defaultPolicy.password, minLength: min }
        const result = await attempt(Credential.decidePassword(s, context, policy))
        if (Either.isRight(result)) {
          const normalized = s.normalize("NFKC")
          expect([...normalized].length).toBeGreaterThanOrEqual(min)
          expect(Credential.characterClasses(normalized).size).toBeGreaterThanOrEqual(3)
        }
        // The pure check and the decision agree when there is no history.
        expect(Either.isRight(result)).toBe(Credential.failures(s, context, policy).length === 0)
      }),
      { numRuns: 500 }
    )
  })
})

describe("Credential login decision", () => {
  const fresh = Credential.initialState(t0, "owner")

  it("M37.2 a success logs in and a failure is refused", () => {
    expect(Credential.decideLogin(fresh, { passwordOk: true, now: later(minute) }).outcome).toBe("ok")
    expect(Credential.decideLogin(fresh, { passwordOk: false, now: later(minute) })).toEqual({
      outcome: "refused",
      next: { ...fresh, failedAttempts: 1 }
    })
  })

  it("M37.2 the lockout triggers exactly at N consecutive failures, whatever the interleaving of successes", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), (oks, max) => {
        const policy = { ...Credential.defaultPolicy, login: { maxFailedAttempts: max, lockoutMinutes: 30 } }
        let state = fresh
        let streak = 0
        let locked = false
        oks.forEach((passwordOk, i) => {
          // One attempt a second: the whole sequence stays within one lock period.
          const decision = Credential.decideLogin(state, { passwordOk, now: later(minute + i * 1000) }, policy)
          if (locked) {
            expect(decision).toEqual({ outcome: "refused", next: state })
          } else if (passwordOk) {
            expect(decision.outcome).toBe("ok")
            expect(decision.next.failedAttempts).toBe(0)
            streak = 0
          } else {
            streak += 1
            expect(decision.outcome).toBe("refused")
            locked = streak === max
            expect(decision.next.lockedUntil !== undefined).toBe(locked)
          }
          state = decision.next
        })
        expect(state.lockedUntil !== undefined).toBe(locked)
      })
    )
  })

  it("M37.2 a locked account is refused even with the right password, and opens again after 30 minutes", () => {
    let state = fresh
    for (let i = 0; i < 5; i++) state = Credential.decideLogin(state, { passwordOk: false, now: later(i) }).next
    expect(state.lockedUntil).toBe(later(4 + 30 * minute).toISOString())
    expect(Credential.decideLogin(state, { passwordOk: true, now: later(29 * minute) }).outcome).toBe("refused")
    const after = Credential.decideLogin(state, { passwordOk: true, now: later(31 * minute) })
    expect(after).toEqual({ outcome: "ok", next: { ...state, failedAttempts: 0, lockedUntil: undefined } })
    // After a lock ends the count starts again: one more failure does not lock.
    const oneMore = Credential.decideLogin(state, { passwordOk: false, now: later(31 * minute) })
    expect(oneMore.next).toMatchObject({ failedAttempts: 1, lockedUntil: undefined })
  })

  it("M37.2 unknown account, wrong password and locked account give the identical response", async () => {
    const stored = await run(Credential.hash("Tulip#Harbour42", cheap))
    const now = later(minute)
    // Known account, wrong password.
    const wrong = Credential.decideLogin(fresh, {
      passwordOk: await run(Credential.verify("guess", stored)),
      now
    })
    // Unknown account: verify against the dummy hash for equal cost, ignore the result, decide with false.
    await run(Credential.verify("Tulip#Harbour42", Credential.dummyHashFor(cheap)))
    const unknown = Credential.decideLogin(Credential.initialState(now), { passwordOk: false, now })
    // Locked account, right password.
    const lockedState = { ...fresh, failedAttempts: 5, lockedUntil: later(30 * minute).toISOString() }
    const locked = Credential.decideLogin(lockedState, {
      passwordOk: await run(Credential.verify("Tulip#Harbour42", stored)),
      now
    })
    expect([wrong.outcome, unknown.outcome, locked.outcome]).toEqual(["refused", "refused", "refused"])
  })

  it("M37.2 an initial password must be changed at first login; a change clears the requirement", () => {
    const initial = Credential.initialState(t0)
    expect(initial.mustChange).toBe(true)
    const first = Credential.decideLogin(initial, { passwordOk: true, now: later(minute) })
    expect(first.outcome).toBe("mustChangePassword")
    const changed = Credential.afterPasswordChange(first.next, later(2 * minute))
    expect(Credential.decideLogin(changed, { passwordOk: true, now: later(3 * minute) }).outcome).toBe("ok")
  })

  it("M37.2 a password older than 90 days must be changed; a wrong one is still just refused", () => {
    const day = 24 * 60 * minute
    expect(Credential.decideLogin(fresh, { passwordOk: true, now: later(90 * day - 1) }).outcome).toBe("ok")
    expect(Credential.decideLogin(fresh, { passwordOk: true, now: later(90 * day) }).outcome).toBe("mustChangePassword")
    expect(Credential.decideLogin(fresh, { passwordOk: false, now: later(91 * day) }).outcome).toBe("refused")
  })
})

describe("Credential sessions", () => {
  const session: Credential.Session = {
    id: "s1",
    accountId: "sa-110105",
    createdAt: t0.toISOString(),
    lastSeenAt: t0.toISOString()
  }

  it("M37.2 a session ends after 30 idle minutes", () => {
    expect(Credential.decideSession(session, later(29 * minute), true)).toBe("valid")
    expect(Credential.decideSession(session, later(30 * minute), true)).toBe("expired")
  })

  it("M37.2 an active session ends after 8 hours however busy", () => {
    let s = session
    for (let m = 20; m < 8 * 60; m += 20) {
      expect(Credential.decideSession(s, later(m * minute), true)).toBe("valid")
      s = Credential.touch(s, later(m * minute))
    }
    expect(Credential.decideSession(s, later(8 * 60 * minute), true)).toBe("expired")
  })

  it("M37.2 activity is recorded at most once a minute, so a session ends early rather than late", () => {
    expect(Credential.needsTouch(session, later(59_999))).toBe(false)
    expect(Credential.needsTouch(session, later(minute))).toBe(true)
    expect(Credential.needsTouch({ ...session, lastSeenAt: "yesterday" }, later(1))).toBe(true)
    // A request every 59 s that is never recorded: the session still ends 30 minutes after the last record.
    expect(Credential.decideSession(session, later(30 * minute), true)).toBe("expired")
  })

  it("M37.2 a session of an inactive account is revoked, and unreadable instants expire", () => {
    expect(Credential.decideSession(session, later(minute), false)).toBe("revoked")
    expect(Credential.decideSession({ ...session, lastSeenAt: "yesterday" }, later(minute), true)).toBe("expired")
  })
})
