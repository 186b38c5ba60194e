/**
 * The sharing area of the storage conformance suite (M30.1, M31.1, O11.1): a request filed, narrowed by the owning
 * bureau, a machine client bound to the grant reading exactly what was granted — audited with the grant, reported
 * as the grant's use — and refused once the grant is revoked; one grant per request under concurrent approvals.
 *
 * @since 0.1.0
 */
import { generateKeyPairSync } from "node:crypto"
import { Accounts, type Authorization, MachineClient, Sharing, Storage } from "@tmis/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import {
  addDays,
  basicInfo,
  type Harness,
  hire,
  hubei,
  makeEffective,
  onboard,
  setup,
  withDatabase,
  woman
} from "./fixtures.js"
import { type AreaConformance, area, expectIntact, refusal, type Suite } from "./support.js"

const today = () => new Date().toISOString().slice(0, 10)

const as = <A, E, R>(id: string, f: (actor: Authorization.Actor) => Effect.Effect<A, E, R>) =>
  Effect.flatMap(Accounts.actorOf(id), f)

const fileRequest = (period = { start: addDays(today(), -1), end: addDays(today(), 30) }) =>
  as("ia-root", (actor) =>
    Sharing.request(actor, {
      id: "sr-1",
      requester: { organisation: "湖北省人力资源和社会保障厅", system: "职称评审系统" },
      purpose: "职称评审资格核验",
      fields: ["basicInfo.name", "basicInfo.birthDate"],
      unitId: "jiangan",
      period
    })
  )

/**
 * A grant of the whole request to 江岸区 and its machine client `c-1`, on a set-up hierarchy: the client's private key
 * and the grant's id (for the token tests, M30.1).
 *
 * @since 0.1.0
 */
export const grantWithClient = async (h: Harness) => {
  await setup(h)
  await h.run(fileRequest())
  const decided = await h.run(as("ia-jiangan", (a) => Sharing.decide(a, "sr-1", { type: "approve" }, 1)))
  const grantId = decided.grant!.value.id
  const { publicKey, privateKey } = generateKeyPairSync("ed25519")
  const pem = publicKey.export({ format: "pem", type: "spki" }).toString()
  await h.run(
    as("ia-jiangan", (a) => Sharing.registerClient(a, grantId, { id: "c-1", name: "职称评审系统", publicKey: pem }))
  )
  return { grantId, privateKey }
}

const readsExactlyTheGrant = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M31.1 M30.1 O11.1 a narrowed grant: its machine client reads exactly the granted fields of the granted units, every read audited with the grant, nothing once revoked",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo({ idNumber: woman(1) })))
        await onboard(h, "ia-s2", hire("t2", "s2", basicInfo({ idNumber: woman(2) })))
        await makeEffective(h, "t1-basic", "ia-s1", "ia-jiangan")
        await makeEffective(h, "t2-basic", "ia-s2", "ia-jiangan")
        const filed = await h.run(fileRequest())
        expect([filed.value.state, filed.value.context.owner.id]).toEqual(["awaitingOwningBureau", "jiangan"])
        // Only the owning bureau decides: not the province above it, not a school.
        const approve = { type: "approve" as const, fields: ["basicInfo.name"], unitId: "s1" }
        expect(refusal(await h.result(as("ia-s1", (a) => Sharing.decide(a, "sr-1", approve, 1))))).toEqual([
          "forbidden",
          "M31.1"
        ])
        const decided = await h.run(as("ia-jiangan", (a) => Sharing.decide(a, "sr-1", approve, 1)))
        const grant = decided.grant!.value
        expect(grant.scope.fields).toEqual(["basicInfo.name"])
        expect(grant.scope.unit.id).toBe("s1")
        // A machine client with its own Ed25519 key; the store keeps the public key only.
        const { publicKey, privateKey } = generateKeyPairSync("ed25519")
        const pem = publicKey.export({ format: "pem", type: "spki" }).toString()
        await h.run(
          as("ia-jiangan", (a) =>
            Sharing.registerClient(a, grant.id, { id: "c-1", name: "职称评审系统", publicKey: pem })
          )
        )
        const token = () => MachineClient.token("c-1", privateKey, Math.floor(Date.now() / 1000))
        const machine = await h.run(Sharing.authenticate(token()))
        const page = await h.run(Sharing.read(machine, { limit: 100 }))
        expect(page.items).toEqual([{ id: "t1", unitId: "s1", records: { basicInfo: [{ name: "李老师" }] } }])
        // Another key's token does not authenticate.
        const stranger = MachineClient.token(
          "c-1",
          generateKeyPairSync("ed25519").privateKey,
          Math.floor(Date.now() / 1000)
        )
        expect(refusal(await h.result(Sharing.authenticate(stranger)))).toEqual(["unauthenticated", "M30.1"])
        // The grant's use report: the registration and the read, with the grant and the e-files read.
        const usage = await h.run(as("ia-jiangan", (a) => Sharing.usage(a, grant.id, { limit: 100 })))
        const reads = usage.items.filter((r) => r.action === "sharing.read")
        expect(reads.map((r) => [r.actor, r.outcome, r.details.grant, r.details.efiles])).toEqual([
          ["client:c-1", "ok", grant.id, ["t1"]]
        ])
        // Revoked: every read is refused, and the refused read is in the report too.
        expect(refusal(await h.result(as("ia-root", (a) => Sharing.revoke(a, grant.id, "用途已完成"))))).toEqual([
          "forbidden",
          "M31.1"
        ])
        await h.run(as("ia-jiangan", (a) => Sharing.revoke(a, grant.id, "用途已完成")))
        const revoked = await h.run(Sharing.authenticate(token()))
        expect(refusal(await h.result(Sharing.read(revoked, { limit: 100 })))).toEqual(["forbidden", "M31.1"])
        const after = await h.run(as("ia-root", (a) => Sharing.usage(a, grant.id, { limit: 100 })))
        expect(after.items.filter((r) => r.action === "sharing.read").map((r) => r.outcome)).toEqual(["ok", "refused"])
        // A disabled client's tokens no longer authenticate; only the owning bureau disables it.
        expect(refusal(await h.result(as("ia-s1", (a) => Sharing.disableClient(a, "c-1"))))).toEqual([
          "forbidden",
          "M30.1"
        ])
        await h.run(as("ia-jiangan", (a) => Sharing.disableClient(a, "c-1")))
        expect(refusal(await h.result(Sharing.authenticate(token())))).toEqual(["unauthenticated", "M30.1"])
        const listed = await h.run(as("ia-root", (a) => Sharing.grants(a, { limit: 10 })))
        expect(listed.items.map((g) => g.value.id)).toEqual([grant.id])
        await expectIntact(h)
      })
  )

  it("M31.1 an expired grant gives nothing: a read after the period's last day is refused", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await setup(h)
      await h.run(fileRequest({ start: addDays(today(), -30), end: addDays(today(), -1) }))
      const decided = await h.run(as("ia-jiangan", (a) => Sharing.decide(a, "sr-1", { type: "approve" }, 1)))
      const { publicKey, privateKey } = generateKeyPairSync("ed25519")
      await h.run(
        as("ia-jiangan", (a) =>
          Sharing.registerClient(a, decided.grant!.value.id, {
            id: "c-1",
            name: "x",
            publicKey: publicKey.export({ format: "der", type: "spki" }).toString("base64url")
          })
        )
      )
      const machine = await h.run(
        Sharing.authenticate(MachineClient.token("c-1", privateKey, Math.floor(Date.now() / 1000)))
      )
      const result = await h.result(Sharing.read(machine, { limit: 10 }))
      expect(refusal(result)).toEqual(["forbidden", "M31.1"])
      expect(!result.ok && (result.error as { details: { reason: string } }).details.reason).toBe("expired")
    })
  )
}

const oneGrantPerRequest = ({ makeDatabase, timeout, attempts }: Suite): void => {
  it(
    `M31.1 ${Math.min(attempts, 8)} concurrent approvals of one request yield one grant; the store refuses a second grant of a request`,
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await h.run(fileRequest())
        const results = await Promise.all(
          Array.from({ length: Math.min(attempts, 8) }, () =>
            h.result(as("ia-jiangan", (a) => Sharing.decide(a, "sr-1", { type: "approve" }, 1)))
          )
        )
        expect(results.filter((r) => r.ok)).toHaveLength(1)
        for (const r of results.filter((r) => !r.ok)) expect(["Conflict", "conflict"]).toContain(!r.ok && r.tag)
        const root = await h.run(Accounts.actorOf("ia-root"))
        const grants = await h.run(Sharing.grants(root, { limit: 100 }))
        expect(grants.items).toHaveLength(1)
        // The index itself: a second grant of the request, written past the service, is refused.
        const second = await h.result(
          Effect.flatMap(Storage.Storage, (s) => s.sharing.insertGrant({ ...grants.items[0]!.value, id: "g-2" }))
        )
        expect(refusal(second)).toEqual(["conflict", "M31.1"])
        expect(!second.ok && (second.error as Storage.ConstraintError).constraint).toBe("sharingGrantOfRequest")
        await expectIntact(h)
      })
  )
}

/**
 * The sharing area: requests, grants, machine clients and their reads (M30.1, M31.1, O11.1).
 *
 * @since 0.1.0
 */
export const sharingConformance: AreaConformance = area("sharing", [readsExactlyTheGrant, oneGrantPerRequest])
