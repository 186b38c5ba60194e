/**
 * A transfer between two provincial deployments over real HTTP (M23.1 across deployments, M32.1, O4.1): Hubei (the
 * demo) and Guangdong, each a running server over its own SQLite file with its keys as configuration. Guangdong's
 * school initiates and its bureau confirms, its exchange operator exports the request; Hubei's ingests it (twice:
 * applied once), its school and bureau confirm through the ordinary workflow endpoint, its operator exports the
 * release; Guangdong ingests it and the e-file lives there. Who may call what is refused with the rule.
 */
import { ExchangePackage } from "@tmis/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freeTeachers, guangdongSettings, seedGuangdong } from "./exchangeSupport.js"
import { actingAs, type Backend, cheapSettings, type Running, seedDemo, sqlite, start } from "./support.js"

const hubeiKeys = ExchangePackage.generateKeys()
const guangdongKeys = ExchangePackage.generateKeys()

describe("a transfer between provinces over HTTP between two deployments", () => {
  let hubeiStore: Backend
  let guangdongStore: Backend
  let hubei: Running
  let guangdong: Running
  const onHubei = actingAs(() => hubei)
  const onGuangdong = actingAs(() => guangdong)

  beforeAll(async () => {
    hubeiStore = await sqlite()
    guangdongStore = await sqlite()
    hubei = await start(
      hubeiStore,
      { exchangeKeys: { privateKey: hubeiKeys.privateKey, provinces: { "44": guangdongKeys.publicKey } } },
      cheapSettings
    )
    guangdong = await start(
      guangdongStore,
      { exchangeKeys: { privateKey: guangdongKeys.privateKey, provinces: { "42": hubeiKeys.publicKey } } },
      guangdongSettings
    )
    await seedDemo(hubei, 30)
    await guangdong.run(seedGuangdong)
  }, 180_000)

  afterAll(async () => {
    await hubei?.close()
    await guangdong?.close()
    await hubeiStore?.drop()
    await guangdongStore?.drop()
  })

  it("M23.1 M32.1 O4.1 initiate → confirm → export → ingest (twice: applied once) → the sending school and bureau confirm → the release → the e-file created, over HTTP; the other side's and the wrong accounts' calls refused", async () => {
    const [teacher] = await hubei.run(freeTeachers("/hubei/wuhan/jiangan/jaxx/", 1))
    expect(teacher).toBeDefined()
    const initiation = {
      fromProvince: "42",
      idType: teacher!.idType,
      idNumber: teacher!.idNumber,
      toUnitId: "lwsx",
      effective: "2027-03-01",
      reason: "夫妻团聚"
    }
    const key = { "idempotency-key": "gd-initiate-1" }
    const initiated = await (await onGuangdong("ia-lwsx")).post("/transfers-across", initiation, key)
    expect([initiated.status, initiated.body.state, initiated.body.province]).toEqual([
      201,
      "awaitingReceivingBureau",
      "42"
    ])
    // M23.2: a retry under the same Idempotency-Key gets the first answer (no second transfer); the key with another
    // command is refused.
    const retried = await (await onGuangdong("ia-lwsx")).post("/transfers-across", initiation, key)
    expect([retried.status, retried.body.id]).toEqual([201, initiated.body.id])
    const reused = await (await onGuangdong("ia-lwsx")).post(
      "/transfers-across",
      { ...initiation, reason: "另一事由" },
      key
    )
    expect([reused.status, reused.body.rule]).toEqual([409, "M23.2"])
    const id = initiated.body.id as string
    const actions = `/transfers-across/${id}/actions`
    // The school does not confirm for its bureau (M23.2); the bureau does.
    const bySchool = await (await onGuangdong("ia-lwsx")).post(actions, { type: "confirm", expectedVersion: 1 })
    expect([bySchool.status, bySchool.body.rule]).toEqual([403, "M23.2"])
    const confirmed = await (await onGuangdong("ia-liwan")).post(actions, { type: "confirm", expectedVersion: 1 })
    expect([confirmed.status, confirmed.body.state]).toEqual([200, "awaitingSendingSchool"])
    expect((await (await onGuangdong("ia-lwsx")).get(`/transfers-across/${id}`)).body.state).toBe(
      "awaitingSendingSchool"
    )

    // Only the province's exchange operator exports; the request goes as Guangdong's package 1 to Hubei.
    const notOperator = await (await onGuangdong("ia-lwsx")).post("/exchange/transfers/export", { province: "42" })
    expect([notOperator.status, notOperator.body.rule]).toEqual([403, "M32.1"])
    const request = (await (await onGuangdong("ia-guangdong")).post("/exchange/transfers/export", { province: "42" }))
      .body.package as { files: Record<string, string> }
    expect(JSON.parse(request.files["manifest.json"]!).manifest).toMatchObject({
      kind: "transfer",
      issuer: "44",
      province: "42",
      sequence: 1
    })
    expect((await (await onGuangdong("ia-guangdong")).get("/exchange/transfers/sent/42/1")).body).toEqual(request)
    const applied = await (await onHubei("ia-hubei")).post("/exchange/transfers/ingest", request)
    expect([applied.status, applied.body.outcome]).toEqual([200, "applied"])
    const again = await (await onHubei("ia-hubei")).post("/exchange/transfers/ingest", request)
    expect([again.status, again.body.outcome]).toEqual([200, "already"])

    // Hubei's school and bureau confirm with the ordinary workflow endpoint; the e-file is released.
    const school = await (await onHubei("ia-jaxx")).post(`/workflows/${id}/actions`, {
      type: "confirm",
      expectedVersion: 1
    })
    expect([school.status, school.body.state]).toEqual([200, "awaitingSendingBureau"])
    const bureau = await (await onHubei("ia-jiangan")).post(`/workflows/${id}/actions`, {
      type: "confirm",
      expectedVersion: 2
    })
    expect([bureau.status, bureau.body.state]).toEqual([200, "completed"])
    const release = (await (await onHubei("ia-hubei")).post("/exchange/transfers/export", { province: "44" })).body
      .package as { files: Record<string, string> }
    const released = await (await onGuangdong("ia-guangdong")).post("/exchange/transfers/ingest", release)
    expect([released.status, released.body.outcome]).toEqual([200, "applied"])
    const done = (await (await onGuangdong("ia-liwan")).get(`/transfers-across/${id}`)).body
    expect([done.state, done.open]).toEqual(["completed", false])
    // The e-file lives in Guangdong now, read by its school like its own.
    const efile = await (await onGuangdong("ia-lwsx")).get(`/efiles/${done.teacherId}`)
    expect([efile.status, efile.body.efile.unitId, efile.body.efile.status]).toEqual([200, "lwsx", "serving"])
    // Nothing more waits either way.
    expect((await (await onHubei("ia-hubei")).post("/exchange/transfers/export", { province: "44" })).body).toEqual({})
  }, 120_000)
})
