/**
 * The nonce of a machine client's token (M30.1, O11.1): it is part of what the client signs, so a replay cannot
 * dress an old token up with a new nonce; the store keeps it until the token expires (see the conformance area
 * `tokenNonces` for the once-only use).
 */
import { generateKeyPairSync } from "node:crypto"
import { MachineClient } from "@tmis/core"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const { publicKey, privateKey } = generateKeyPairSync("ed25519")
const at = "2026-03-01T08:00:00.000Z"
const client: MachineClient.Client = {
  id: "c-1",
  grantId: "g-1",
  name: "职称评审系统",
  publicKey: MachineClient.normalisePublicKey(publicKey.export({ format: "pem", type: "spki" }).toString())!,
  status: "active",
  createdBy: "a",
  createdAt: at
}
const t = new Date(at)
const issued = Math.floor(t.getTime() / 1000)
const nonceArb = fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/)

describe("machine-client token nonces", () => {
  it("M30.1 the nonce is signed: a token authenticates with its own nonce and with no other", () => {
    fc.assert(
      fc.property(nonceArb, nonceArb, (nonce, other) => {
        const token = MachineClient.token("c-1", privateKey, issued, nonce)
        expect(MachineClient.parse(token)?.nonce).toBe(nonce)
        expect(Either.isRight(MachineClient.authenticate(client, token, t))).toBe(true)
        const [id, when, , signature] = token.split(".")
        const swapped = MachineClient.authenticate(client, `${id}.${when}.${other}.${signature}`, t)
        expect(Either.isRight(swapped)).toBe(other === nonce)
      }),
      { numRuns: 50 }
    )
  })

  it("M30.1 a token without a nonce, or with one too short, does not authenticate", () => {
    const [id, when, nonce, signature] = MachineClient.token("c-1", privateKey, issued).split(".")
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/)
    for (const token of [`${id}.${when}.${signature}`, `${id}.${when}.short.${signature}`]) {
      const result = MachineClient.authenticate(client, token, t)
      expect(Either.isLeft(result) && [result.left.kind, result.left.rule]).toEqual(["unauthenticated", "M30.1"])
    }
  })

  it("M30.1 each token has a fresh nonce, kept until the token expires five minutes after its issue", () => {
    const nonces = new Set(
      Array.from({ length: 100 }, () => MachineClient.parse(MachineClient.token("c-1", privateKey, issued))!.nonce)
    )
    expect(nonces.size).toBe(100)
    expect(MachineClient.expiresAt(issued).getTime() - t.getTime()).toBe(MachineClient.tokenLifetimeSeconds * 1000)
  })
})
