/**
 * The province → national exchange over real HTTP (M32.1, M17.4): a provincial deployment of Hubei and the national
 * deployment, each a running server over its own SQLite file, with their keys as configuration. The province's
 * info admin exports, the Ministry's info admin ingests (twice: applied once) and answers with the feedback, the
 * province imports it; a gap, a changed file, another package under a used number and another province's feedback
 * are refused with the rule.
 */
import { Accounts, EFiles, ExchangePackage, Storage } from "@tmis/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bootstrapNational, nationalSettings } from "./exchangeSupport.js"
import { actingAs, type Backend, cheapSettings, type Running, seedDemo, sqlite, start } from "./support.js"

const hubei = ExchangePackage.generateKeys()
const nationalKeys = ExchangePackage.generateKeys()

describe("the province → national exchange over HTTP between two deployments", () => {
  let provincialStore: Backend
  let nationalStore: Backend
  let province: Running
  let national: Running
  const onProvince = actingAs(() => province)
  const onNation = actingAs(() => national)

  beforeAll(async () => {
    provincialStore = await sqlite()
    nationalStore = await sqlite()
    province = await start(
      provincialStore,
      { exchangeKeys: { privateKey: hubei.privateKey, nationalPublicKey: nationalKeys.publicKey, provinces: {} } },
      cheapSettings
    )
    national = await start(
      nationalStore,
      {
        exchangeKeys: { privateKey: nationalKeys.privateKey, provinces: { "42": hubei.publicKey } },
        // A small JSON limit: a package is held to its own, larger one.
        maxJsonBytes: 1024
      },
      nationalSettings
    )
    await seedDemo(province, 8)
    await national.run(bootstrapNational)
  }, 180_000)

  afterAll(async () => {
    await province?.close()
    await national?.close()
    await provincialStore?.drop()
    await nationalStore?.drop()
  })

  /** A change in the province: the school approves the next entry waiting for it (an outbox event of its teacher). */
  const touch = () =>
    province.run(
      Effect.gen(function* () {
        const storage = yield* Storage.Storage
        for (const efile of (yield* storage.teachers.subtree("/", { limit: 1000 })).items) {
          const [entry] = yield* storage.entries.byTeacher(efile.id)
          if (entry === undefined || entry.value.review.state !== "submitted") continue
          const school = yield* Accounts.actorOf(`ia-${efile.unitId}`)
          const approval = {
            type: "approveBySchool" as const,
            collectiveReview: "2026-校务会-03",
            principal: "张校长",
            signedOn: new Date().toISOString().slice(0, 10)
          }
          yield* EFiles.review(school, entry.value.id, approval, entry.version)
          return
        }
        throw new Error("no entry waits for its school")
      })
    )

  const exportNext = async () => {
    const reply = await (await onProvince("ia-hubei")).post("/exchange/export", {})
    expect(reply.status).toBe(200)
    return reply.body.package as { files: Record<string, string> }
  }
  const ingest = async (pkg: { files: Record<string, string> }) =>
    (await onNation("ia-moe")).post("/exchange/ingest", pkg)

  it("M32.1 M17.4 export → ingest → idempotent re-ingest → feedback → import, over HTTP; a gap, a changed file, a reused number and another province's feedback refused with the rule", async () => {
    // Only the top unit's own info admin runs the exchange.
    // A system admin manages accounts only (M13.2), a query-er reads only (M13.4), a unit below is not the top unit.
    const refusedRules: Array<[string, number, string]> = []
    for (const account of ["sa-hubei", "iq-hubei", "ia-jiangan"]) {
      const refused = await (await onProvince(account)).post("/exchange/export", {})
      refusedRules.push([account, refused.status, refused.body.rule])
    }
    expect(refusedRules).toEqual([
      ["sa-hubei", 403, "M13.2"],
      ["iq-hubei", 403, "M13.4"],
      ["ia-jiangan", 403, "M32.1"]
    ])
    const first = await exportNext()
    const manifest = JSON.parse(first.files["manifest.json"]!).manifest
    expect(manifest).toMatchObject({ kind: "changes", issuer: "42", province: "42", sequence: 1, from: 0 })
    expect(Object.keys(first.files).sort()).toEqual(["changes.ndjson", "manifest.json"])
    // The province's side of the national endpoints, and the national side of the provincial ones: refused.
    expect((await (await onProvince("ia-hubei")).post("/exchange/ingest", first)).status).toBe(422)
    expect((await (await onNation("ia-moe")).post("/exchange/export", {})).status).toBe(422)
    // Nothing new: no package; the first one again, byte for byte.
    expect((await (await onProvince("ia-hubei")).post("/exchange/export", {})).body).toEqual({})
    expect((await (await onProvince("ia-hubei")).get("/exchange/sent/1")).body).toEqual(first)

    // A package is larger than the JSON limit of the other endpoints, which refuse a body of its size.
    const size = Buffer.byteLength(JSON.stringify(first))
    expect(size).toBeGreaterThan(1024)
    const tooLarge = await (await onNation("ia-moe")).post("/sharing/requests", { padding: "x".repeat(size) })
    expect([tooLarge.status, tooLarge.body.details?.field]).toEqual([413, "Content-Length"])
    const applied = await ingest(first)
    expect([applied.status, applied.body.outcome, applied.body.rows]).toEqual([200, "applied", manifest.files[0].rows])
    const again = await ingest(first)
    expect([again.status, again.body.outcome]).toEqual([200, "already"])
    expect((await (await onNation("sa-moe")).post("/exchange/ingest", first)).status).toBe(403)

    // A changed byte on the way: 422 naming the digest.
    const tampered = {
      files: {
        ...first.files,
        "changes.ndjson": first.files["changes.ndjson"]!.replace(/"name":"[^"]*"/, '"name":"冒名"')
      }
    }
    const changed = await ingest(tampered)
    expect([changed.status, changed.body.rule, changed.body.details.field]).toEqual([422, "M32.1", "sha256"])
    // Another package under a used number (signed by the province all the same): 409.
    const other = ExchangePackage.changes({
      province: "42",
      sequence: 1,
      from: 0,
      to: 1,
      rows: [],
      privateKey: hubei.privateKey
    })
    const reused = await ingest({ files: { ...ExchangePackage.toFiles(other) } })
    expect([reused.status, reused.body.rule]).toEqual([409, "M32.1"])

    // A gap: package 3 before 2 is refused, naming the missing one; in order both apply.
    await touch()
    const second = await exportNext()
    await touch()
    const third = await exportNext()
    const gap = await ingest(third)
    expect([gap.status, gap.body.rule, gap.body.details.missing]).toEqual([422, "M32.1", [2]])
    expect((await ingest(second)).body.outcome).toBe("applied")
    expect((await ingest(third)).body.outcome).toBe("applied")

    // The feedback goes back over HTTP and is imported once.
    const feedback = await (await onNation("ia-moe")).post("/exchange/feedback", { province: "42" })
    expect(feedback.status).toBe(200)
    expect(JSON.parse(feedback.body.files["manifest.json"]).manifest).toMatchObject({
      kind: "feedback",
      issuer: "national",
      province: "42",
      to: 3
    })
    const imported = await (await onProvince("ia-hubei")).post("/exchange/import-feedback", feedback.body)
    expect([imported.status, imported.body.outcome]).toEqual([200, "applied"])
    const twice = await (await onProvince("ia-hubei")).post("/exchange/import-feedback", feedback.body)
    expect(twice.body.outcome).toBe("already")
    // Another province's feedback is not for Hubei: 422.
    const elsewhere = await (await onNation("ia-moe")).post("/exchange/feedback", { province: "44" })
    const wrong = await (await onProvince("ia-hubei")).post("/exchange/import-feedback", elsewhere.body)
    expect([wrong.status, wrong.body.rule, wrong.body.details.field]).toEqual([422, "M32.1", "province"])
  }, 180_000)
})
