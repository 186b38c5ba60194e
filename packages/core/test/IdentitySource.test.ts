import { type Account, IdentitySource } from "@tmis/core"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"

/** A province's platform, as a test double of its token check: tokens "valid:<subject>" verify. */
const platform = IdentitySource.platform({
  name: "hubei-support-platform",
  verify: (token) =>
    token.startsWith("valid:") ? Effect.succeed(token.slice("valid:".length)) : Effect.fail(new Error("bad signature")),
  accountOf: (subject) => Effect.succeed(subject === "zhang" ? ("acc-zhang" as Account.AccountId) : undefined)
})

const login = (credential: IdentitySource.Credential) =>
  Effect.gen(function* () {
    const source = yield* IdentitySource.IdentitySource
    return yield* source.authenticate(credential)
  }).pipe(Effect.provide(platform), Effect.either, Effect.runPromise)

describe("IdentitySource", () => {
  it("M15.2 a province's platform plugs in as the identity source and yields accounts of the deployment", async () => {
    const principal = Either.getOrThrow(await login({ _tag: "Token", token: "valid:zhang" }))
    expect(principal).toEqual({
      accountId: "acc-zhang",
      presentedCertificate: undefined,
      source: "hubei-support-platform"
    })
  })

  it("M15.2 M37.2 every failure of the platform looks the same to the caller", async () => {
    const failures = await Promise.all([
      login({ _tag: "Token", token: "forged" }),
      login({ _tag: "Token", token: "valid:unknown-subject" }),
      login({ _tag: "Password", login: "zhang", password: "secret" })
    ])
    const messages = failures.map((f) => Either.flip(f).pipe(Either.getOrThrow).message)
    expect(new Set(messages).size).toBe(1)
    expect(messages[0]).toContain("M37.2")
  })
})
