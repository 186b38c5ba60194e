/**
 * Changing a unit over HTTP as of a day (M12.2: rename, move, close) and enabling a disabled account again (M13.2,
 * M14.4), through real HTTP on every backend, on the demo province.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  actingAs,
  type Backend,
  backends,
  cheapSettings,
  identityNumber,
  type Running,
  seedDemo,
  start
} from "./support.js"

for (const backend of backends) {
  describe(`unit changes and re-enabled accounts over HTTP on ${backend.name}`, () => {
    let opened: Backend
    let running: Running
    const as = actingAs(() => running)

    beforeAll(async () => {
      opened = await backend.make()
      running = await start(opened, {}, cheapSettings)
      await seedDemo(running, 20)
    }, 60_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
    })

    const versionOf = async (unitId: string): Promise<number> => {
      const versions = await (await as("ia-hubei")).get(`/units/${unitId}/versions`)
      expect(versions.status).toBe(200)
      return Math.max(...versions.body.items.map((v: { version: number }) => v.version))
    }

    it("M12.2 the bureau above renames a school as of a day: a new dated version, the old one kept; a stale version is refused", async () => {
      const bureau = await as("ia-jiangan")
      const version = await versionOf("jaxx")
      const change = { change: { _tag: "Rename", name: "江岸区实验小学（东校区）" }, effective: "2026-09-01" }
      const renamed = await bureau.post("/units/jaxx/changes", { ...change, expectedVersion: version })
      expect([renamed.status, renamed.body.name, renamed.body.validFrom]).toEqual([
        200,
        "江岸区实验小学（东校区）",
        "2026-09-01"
      ])
      const history = await (await as("ia-hubei")).get("/units/jaxx/versions")
      expect(history.body.items.map((v: { name: string }) => v.name)).toEqual(
        expect.arrayContaining(["江岸区实验小学", "江岸区实验小学（东校区）"])
      )
      const stale = await bureau.post("/units/jaxx/changes", { ...change, expectedVersion: version })
      expect([stale.status, stale.body.kind]).toEqual([409, "conflict"])
    })

    it("M12.2 M13.2 a unit does not change its own attributes, and a system admin changes none", async () => {
      const rename = { change: { _tag: "Rename", name: "x" }, effective: "2026-09-01", expectedVersion: 0 }
      const own = await (await as("ia-jaxx")).post("/units/jaxx/changes", {
        ...rename,
        expectedVersion: await versionOf("jaxx")
      })
      expect([own.status, own.body.rule]).toEqual([403, "M12.2"])
      rename.expectedVersion = await versionOf("whez")
      const admin = await (await as("sa-jiangan")).post("/units/whez/changes", rename)
      expect([admin.status, admin.body.rule]).toEqual([403, "M13.2"])
      const bad = await (await as("ia-jiangan")).post("/units/whez/changes", { ...rename, change: { _tag: "Paint" } })
      expect(bad.status).toBe(400)
    })

    it("M2.2 a move takes the unit under a parent it fits, and is refused under one it does not", async () => {
      const province = await as("ia-hubei")
      const moved = await province.post("/units/whez/changes", {
        change: { _tag: "Move", parentId: "hongshan" },
        effective: "2026-09-01",
        expectedVersion: await versionOf("whez")
      })
      expect([moved.status, moved.body.parentId, moved.body.path]).toEqual([
        200,
        "hongshan",
        "/hubei/wuhan/hongshan/whez/"
      ])
      const county = await province.post("/units/hongshan/changes", {
        change: { _tag: "Move", parentId: "jiangan" },
        effective: "2026-09-01",
        expectedVersion: await versionOf("hongshan")
      })
      expect([county.status, county.body.rule]).toEqual([422, "M2.2"])
    })

    it("M13.2 a unit's system admin enables a disabled info query-er again; enabling an active account is refused", async () => {
      const admin = await as("sa-jaxx")
      const listed = await admin.get("/units/jaxx/accounts")
      const queryer = listed.body.items.find((a: { id: string }) => a.id === "iq-jaxx")
      const disabled = await admin.post("/accounts/iq-jaxx/disable", { expectedVersion: queryer.version })
      expect([disabled.status, disabled.body.status]).toEqual([200, "disabled"])
      const enabled = await admin.post("/accounts/iq-jaxx/enable", { expectedVersion: disabled.body.version })
      expect([enabled.status, enabled.body.status]).toEqual([200, "active"])
      const again = await admin.post("/accounts/iq-jaxx/enable", { expectedVersion: enabled.body.version })
      expect([again.status, again.body.rule]).toEqual([422, "M13.2"])
      // The info admin of the same unit manages no account (M13.3).
      const notManager = await (await as("ia-jaxx")).post("/accounts/iq-jaxx/enable", {
        expectedVersion: enabled.body.version
      })
      expect(notManager.status).toBe(403)
    })

    it("M14.4 a replaced system admin cannot be enabled while its unit has another active one", async () => {
      const above = await as("sa-jiangan")
      const listed = await above.get("/units/jaxx/accounts")
      const old = listed.body.items.find((a: { id: string }) => a.id === "sa-jaxx")
      const disabled = await above.post("/accounts/sa-jaxx/disable", { expectedVersion: old.version })
      expect(disabled.status).toBe(200)
      const replacement = await above.post("/units/jaxx/accounts", {
        id: "sa-jaxx-2",
        role: "systemAdmin",
        person: { name: "李新", identityNumber: identityNumber("420102", "19850301", 517) }
      })
      expect(replacement.status).toBe(201)
      const refused = await above.post("/accounts/sa-jaxx/enable", { expectedVersion: disabled.body.version })
      expect([refused.body.rule, refused.status]).toEqual(["M14.4", 422])
      const replacementDisabled = await above.post("/accounts/sa-jaxx-2/disable", {
        expectedVersion: replacement.body.version
      })
      expect(replacementDisabled.status).toBe(200)
      const enabled = await above.post("/accounts/sa-jaxx/enable", { expectedVersion: disabled.body.version })
      expect([enabled.status, enabled.body.status]).toEqual([200, "active"])
    })
  })
}
