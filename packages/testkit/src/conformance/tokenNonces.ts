/**
 * The token-nonce area of the storage conformance suite (M30.1, O11.1): a machine client's token is used once. The
 * store records each token's nonce until the token expires and refuses a second use with a unique key — so N
 * concurrent uses of one token, in separate processes or connection pools, authenticate exactly once — and purges
 * the nonces of expired tokens.
 *
 * @since 0.1.0
 */
import { MachineClient, Sharing, Storage } from "@tmis/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import { hubei, withDatabase } from "./fixtures.js"
import { grantWithClient } from "./sharing.js"
import { type AreaConformance, area, expectIntact, refusal, type Suite } from "./support.js"

const now = () => Math.floor(Date.now() / 1000)

const usedOnce = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M30.1 O11.1 a machine client's token is used once: the replay is refused as unauthenticated and audited under the grant",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const { grantId, privateKey } = await grantWithClient(h)
        const token = MachineClient.token("c-1", privateKey, now())
        await h.run(Sharing.authenticate(token))
        expect(refusal(await h.result(Sharing.authenticate(token)))).toEqual(["unauthenticated", "M30.1"])
        // A fresh token of the same client still authenticates: only the copy is refused.
        await h.run(Sharing.authenticate(MachineClient.token("c-1", privateKey, now())))
        const replays = await h.run(
          Effect.flatMap(Storage.Storage, (s) => s.audit.search({ object: `grant:${grantId}` }, { limit: 100 }))
        )
        expect(
          replays.items.filter((r) => r.action === "sharing.replay").map((r) => [r.actor, r.outcome, r.details.rule])
        ).toEqual([["client:c-1", "refused", "M30.1"]])
        await expectIntact(h)
      })
  )
}

const uniqueKey = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M30.1 the store refuses a nonce used twice by one client (tokenNonce), keeps clients apart, and purges expired nonces",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const nonces = Effect.map(Storage.Storage, (s) => s.tokenNonces)
        const later = new Date(Date.now() + 300_000).toISOString()
        const past = new Date(Date.now() - 1_000).toISOString()
        await h.run(Effect.flatMap(nonces, (n) => n.use("c-1", "nonce-aaaaaaaaaaaa", later)))
        await h.run(Effect.flatMap(nonces, (n) => n.use("c-2", "nonce-aaaaaaaaaaaa", later)))
        const again = await h.result(Effect.flatMap(nonces, (n) => n.use("c-1", "nonce-aaaaaaaaaaaa", later)))
        expect(!again.ok && (again.error as Storage.ConstraintError).constraint).toBe("tokenNonce")
        expect(refusal(again)).toEqual(["conflict", "M30.1"])
        await h.run(Effect.flatMap(nonces, (n) => n.use("c-1", "nonce-expired-bbbbbb", past)))
        // Only the expired nonce goes; the live ones still refuse a second use.
        expect(await h.run(Effect.flatMap(nonces, (n) => n.purge(new Date().toISOString())))).toBe(1)
        await h.run(Effect.flatMap(nonces, (n) => n.use("c-1", "nonce-expired-bbbbbb", later)))
        const live = await h.result(Effect.flatMap(nonces, (n) => n.use("c-2", "nonce-aaaaaaaaaaaa", later)))
        expect(!live.ok && (live.error as Storage.ConstraintError).constraint).toBe("tokenNonce")
      })
  )
}

const replayRace = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(`M30.1 ${attempts} concurrent uses of one token: exactly one authenticates`, { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      const { privateKey } = await grantWithClient(h)
      const token = MachineClient.token("c-1", privateKey, now())
      const race: Attempts.Race = {
        deployment: hubei,
        attempts: Array.from({ length: attempts }, () => ({ _tag: "AuthenticateClient" as const, token }))
      }
      const outcomes = await races.run(h.database, race)
      expect(outcomes.filter((o) => o._tag === "Defect")).toEqual([])
      expect(outcomes.filter((o) => o._tag === "Success")).toHaveLength(1)
      for (const o of outcomes.filter((o) => o._tag === "Failure")) {
        expect(o._tag === "Failure" && [o.error, o.rule]).toEqual(["unauthenticated", "M30.1"])
      }
      const replays = (await h.run(Effect.flatMap(Storage.Storage, (s) => s.audit.list({ limit: 1000 })))).items.filter(
        (r) => r.action === "sharing.replay"
      )
      expect(replays).toHaveLength(attempts - 1)
      await expectIntact(h)
    })
  )
}

/**
 * The token-nonce area: each machine-client token used once, under concurrency too (M30.1, O11.1).
 *
 * @since 0.1.0
 */
export const tokenNoncesConformance: AreaConformance = area("tokenNonces", [usedOnce, uniqueKey, replayRace])
