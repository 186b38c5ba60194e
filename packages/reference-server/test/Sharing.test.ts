/**
 * Tiered sharing over HTTP on every backend, on the demo province (M30.1, M31.1, O11.1): a request filed and narrowed
 * by the owning bureau, a machine client bound to the grant reading exactly what was granted with a token it signs
 * itself, every read in the grant's use report, and nothing once the grant is revoked or expired.
 */
import { generateKeyPairSync } from "node:crypto"
import { Accounts, EFiles, MachineClient, Storage } from "@tmis/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { actingAs, type Backend, backends, cheapSettings, client, type Running, seedDemo, start } from "./support.js"

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

for (const backend of backends) {
  describe(`tiered sharing over HTTP on ${backend.name}`, () => {
    let opened: Backend
    let running: Running
    const as = actingAs(() => running)
    const { publicKey, privateKey } = generateKeyPairSync("ed25519")
    const pem = publicKey.export({ format: "pem", type: "spki" }).toString()
    const token = (clientId: string) => MachineClient.token(clientId, privateKey, Math.floor(Date.now() / 1000))
    const machine = (clientId: string, path = "/shared/efiles") =>
      client(running.url).get(path, { "x-client-token": token(clientId) })

    beforeAll(async () => {
      opened = await backend.make()
      running = await start(opened, {}, cheapSettings)
      await seedDemo(running, 20)
      // Make the first e-file of 江岸中心小学 (jaxx) effective, so that a grant has reviewed data to give.
      await running.run(
        Effect.gen(function* () {
          const storage = yield* Storage.Storage
          const [efile] = (yield* storage.teachers.subtree("/", { limit: 1000 })).items.filter(
            (e) => e.unitId === "jaxx"
          )
          const [entry] = yield* storage.entries.byTeacher(efile!.id)
          const school = yield* Accounts.actorOf("ia-jaxx")
          const bureau = yield* Accounts.actorOf("ia-jiangan")
          let version = entry!.version
          if (entry!.value.review.state === "draft") {
            version = (yield* EFiles.review(school, entry!.value.id, { type: "submit" }, version)).version
          }
          version = (yield* EFiles.review(
            school,
            entry!.value.id,
            { type: "approveBySchool", collectiveReview: "2026-校务会-03", principal: "张校长", signedOn: day(-1) },
            version
          )).version
          yield* EFiles.review(bureau, entry!.value.id, { type: "approveByBureau" }, version)
        })
      )
    }, 120_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
    })

    const file = async (id: string, period = { start: day(-1), end: day(30) }) => {
      const reply = await (await as("ia-hubei")).post("/sharing/requests", {
        id,
        requester: { organisation: "湖北省人力资源和社会保障厅", system: "职称评审系统" },
        purpose: "职称评审资格核验",
        fields: ["basicInfo.name", "basicInfo.birthDate"],
        unitId: "jiangan",
        period
      })
      expect(reply.status).toBe(201)
      return reply.body
    }

    it("M31.1 M30.1 O11.1 a machine client reads exactly what was granted, and each read is in the grant's use report", async () => {
      const filed = await file("sr-http-1")
      expect([filed.state, filed.ownerUnitId]).toEqual(["awaitingOwningBureau", "jiangan"])
      // The province above is not the owning bureau; the filer never decides its own request.
      const narrowed = { type: "approve", fields: ["basicInfo.name"], unitId: "jaxx", version: filed.version }
      expect((await (await as("ia-hubei")).post("/sharing/requests/sr-http-1/decision", narrowed)).status).toBe(403)
      const wider = { ...narrowed, fields: ["basicInfo.idNumber"] }
      const tooMuch = await (await as("ia-jiangan")).post("/sharing/requests/sr-http-1/decision", wider)
      expect([tooMuch.status, tooMuch.body.rule]).toEqual([422, "M31.1"])
      const decided = await (await as("ia-jiangan")).post("/sharing/requests/sr-http-1/decision", narrowed)
      expect(decided.status).toBe(200)
      expect(decided.body.request.state).toBe("completed")
      const grant = decided.body.grant
      expect([grant.scope.fields, grant.scope.unit.id]).toEqual([["basicInfo.name"], "jaxx"])
      const registered = await (await as("ia-jiangan")).post(`/sharing/grants/${grant.id}/clients`, {
        id: "c-http-1",
        name: "职称评审系统",
        publicKey: pem
      })
      expect(registered.status).toBe(201)

      const read = await machine("c-http-1")
      expect(read.status).toBe(200)
      // Exactly the e-files of 江岸中心小学, each with only the granted field of its effective entries.
      const expected = await running.run(
        Effect.flatMap(Storage.Storage, (s) => s.teachers.subtree(grant.scope.unit.path, { limit: 1000 }))
      )
      expect(read.body.items.map((e: { id: string }) => e.id)).toEqual(expected.items.slice(0, 100).map((e) => e.id))
      for (const item of read.body.items) {
        expect(item.unitId).toBe("jaxx")
        expect(Object.keys(item.records).every((g) => g === "basicInfo")).toBe(true)
        for (const record of item.records.basicInfo ?? []) expect(Object.keys(record)).toEqual(["name"])
      }
      expect(read.body.items.filter((e: { records: object }) => Object.keys(e.records).length > 0)).toHaveLength(1)

      // No password and no session: a token signed by another key, or none, is refused.
      const forged = MachineClient.token(
        "c-http-1",
        generateKeyPairSync("ed25519").privateKey,
        Math.floor(Date.now() / 1000)
      )
      const refused = await client(running.url).get("/shared/efiles", { "x-client-token": forged })
      expect([refused.status, refused.body.rule]).toEqual([401, "M30.1"])
      expect((await client(running.url).get("/shared/efiles")).status).toBe(400)

      // The read is in the audit log with the grant, and in the grant's use report.
      const usage = await (await as("iq-jiangan")).get(`/sharing/grants/${grant.id}/usage`)
      expect(usage.status).toBe(200)
      const reads = usage.body.items.filter((r: { action: string }) => r.action === "sharing.read")
      expect(reads).toHaveLength(1)
      expect(reads[0]).toMatchObject({ actor: "client:c-http-1", outcome: "ok", details: { grant: grant.id } })
      expect(reads[0].details.efiles).toEqual(read.body.items.map((e: { id: string }) => e.id))
      expect((await (await as("ia-jaxx")).get(`/sharing/grants/${grant.id}/usage`)).status).toBe(403)
      const audit = await (await as("sa-hubei")).get(`/audit?object=grant:${grant.id}`)
      expect(audit.status).toBe(200)
      expect(audit.body.items.filter((r: { action: string }) => r.action === "sharing.read")).toHaveLength(1)

      // Revoked: the client is refused, and the refusal is in the report too.
      const revoked = await (await as("ia-jiangan")).post(`/sharing/grants/${grant.id}/revoke`, {
        reason: "用途已完成"
      })
      expect([revoked.status, typeof revoked.body.revocation.at]).toEqual([200, "string"])
      const after = await machine("c-http-1")
      expect([after.status, after.body.rule]).toEqual([403, "M31.1"])
      const report = await (await as("ia-jiangan")).get(`/sharing/grants/${grant.id}/usage`)
      expect(
        report.body.items
          .filter((r: { action: string }) => r.action === "sharing.read")
          .map((r: { outcome: string }) => r.outcome)
      ).toEqual(["ok", "refused"])
      const listed = await (await as("iq-hubei")).get("/sharing/grants")
      expect(listed.body.items.map((g: { id: string }) => g.id)).toContain(grant.id)
    })

    it("M31.1 an expired grant is refused; a refused request yields no grant", async () => {
      const filed = await file("sr-http-2", { start: day(-30), end: day(-1) })
      const decided = await (await as("ia-jiangan")).post("/sharing/requests/sr-http-2/decision", {
        type: "approve",
        version: filed.version
      })
      const grant = decided.body.grant
      await (await as("ia-jiangan")).post(`/sharing/grants/${grant.id}/clients`, {
        id: "c-http-2",
        name: "x",
        publicKey: pem
      })
      const read = await machine("c-http-2")
      expect([read.status, read.body.rule]).toEqual([403, "M31.1"])

      const other = await file("sr-http-3")
      const refused = await (await as("ia-jiangan")).post("/sharing/requests/sr-http-3/decision", {
        type: "refuse",
        reason: "用途与字段不符",
        version: other.version
      })
      expect([refused.status, refused.body.request.state, refused.body.grant]).toEqual([200, "rejected", undefined])
      const stale = await (await as("ia-jiangan")).post("/sharing/requests/sr-http-3/decision", {
        type: "approve",
        version: other.version
      })
      expect(stale.status).toBe(409)
    })
  })
}
