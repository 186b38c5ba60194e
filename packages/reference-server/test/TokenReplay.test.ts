/**
 * A machine client's token is good for one request (M30.1, O11.1): a copy replayed within the token's five minutes
 * gets 401 with the rule, on every backend, and the replay is in the grant's use report and the audit log.
 */
import { generateKeyPairSync } from "node:crypto"
import { MachineClient } from "@tmis/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { actingAs, type Backend, backends, cheapSettings, client, type Running, seedDemo, start } from "./support.js"

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

for (const backend of backends) {
  describe(`machine-client token replay on ${backend.name}`, () => {
    let opened: Backend
    let running: Running
    const as = actingAs(() => running)
    const { publicKey, privateKey } = generateKeyPairSync("ed25519")

    beforeAll(async () => {
      opened = await backend.make()
      running = await start(opened, {}, cheapSettings)
      await seedDemo(running, 8)
    }, 120_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
    })

    it("M30.1 O11.1 a replayed token gets 401 M30.1 and is audited under the grant; a fresh token still reads", async () => {
      const filed = await (await as("ia-hubei")).post("/sharing/requests", {
        id: "sr-replay",
        requester: { organisation: "湖北省人力资源和社会保障厅", system: "职称评审系统" },
        purpose: "职称评审资格核验",
        fields: ["basicInfo.name"],
        unitId: "jiangan",
        period: { start: day(-1), end: day(30) }
      })
      expect(filed.status).toBe(201)
      const decided = await (await as("ia-jiangan")).post("/sharing/requests/sr-replay/decision", {
        type: "approve",
        version: filed.body.version
      })
      expect(decided.status).toBe(200)
      const grantId = decided.body.grant.id
      const registered = await (await as("ia-jiangan")).post(`/sharing/grants/${grantId}/clients`, {
        id: "c-replay",
        name: "职称评审系统",
        publicKey: publicKey.export({ format: "pem", type: "spki" }).toString()
      })
      expect(registered.status).toBe(201)

      const token = MachineClient.token("c-replay", privateKey, Math.floor(Date.now() / 1000))
      const read = (t: string) => client(running.url).get("/shared/efiles", { "x-client-token": t })
      expect((await read(token)).status).toBe(200)
      const replayed = await read(token)
      expect([replayed.status, replayed.body.rule]).toEqual([401, "M30.1"])
      // A token of the old shape (no nonce) does not authenticate either.
      const issued = Math.floor(Date.now() / 1000)
      const [id, at, , signature] = MachineClient.token("c-replay", privateKey, issued).split(".")
      expect((await read(`${id}.${at}.${signature}`)).status).toBe(401)
      expect((await read(MachineClient.token("c-replay", privateKey, issued))).status).toBe(200)

      const usage = await (await as("ia-jiangan")).get(`/sharing/grants/${grantId}/usage`)
      const replays = usage.body.items.filter((r: { action: string }) => r.action === "sharing.replay")
      expect(replays).toHaveLength(1)
      expect(replays[0]).toMatchObject({
        actor: "client:c-replay",
        outcome: "refused",
        details: { grant: grantId, client: "c-replay", rule: "M30.1", reason: "replayed" }
      })
      const audit = await (await as("sa-hubei")).get(`/audit?object=grant:${grantId}`)
      expect(audit.body.items.filter((r: { action: string }) => r.action === "sharing.replay")).toHaveLength(1)
      expect(
        usage.body.items
          .filter((r: { action: string }) => r.action === "sharing.read")
          .map((r: { outcome: string }) => r.outcome)
      ).toEqual(["ok", "ok"])
    }, 120_000)
  })
}
