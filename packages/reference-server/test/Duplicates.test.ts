/**
 * `GET /duplicates` (M17.4): the identity documents held by more than one e-file, for the deployment's top unit only,
 * through real HTTP on every backend.
 */
import { exampleBasicInfo } from "@tmis/testkit/arbitraries"
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

// A sequence code far from the demo's (teachers below 100, account holders from 800).
const number = identityNumber("420102", "1986-04-21", "652")
const basicInfo = exampleBasicInfo({
  name: "周文静",
  idNumber: number,
  birthDate: "1986-04-21",
  workStartMonth: "2008-09",
  schoolEntryMonth: "2010-09"
})
const employment = { onEstablishment: true, postCategory: "1" }

for (const backend of backends) {
  describe(`the duplicate report over HTTP on ${backend.name}`, () => {
    let opened: Backend
    let running: Running
    const as = actingAs(() => running)

    beforeAll(async () => {
      opened = await backend.make()
      running = await start(opened, {}, cheapSettings)
      await seedDemo(running, 10)
    }, 60_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
    })

    it("M17.4 GET /duplicates lists an identity number held by two e-files, with both, to the province's info admin only", async () => {
      const province = await as("ia-hubei")
      expect((await province.get("/duplicates")).body.items).toEqual([])

      const first = await (await as("ia-jaxx")).post("/efiles", { unitId: "jaxx", basicInfo, employment })
      expect(first.status).toBe(201)
      const retired = await (await as("ia-jaxx")).post(`/efiles/${first.body.efile.id}/status`, {
        status: "retired",
        effective: "2026-01-01",
        expectedVersion: first.body.efile.version
      })
      expect(retired.status).toBe(200)
      const second = await (await as("ia-xlzx")).post("/efiles", { unitId: "xlzx", basicInfo, employment })
      expect(second.status).toBe(201)

      const report = await province.get("/duplicates?limit=10")
      expect(report.status).toBe(200)
      expect(report.body.items).toEqual([
        {
          idType: basicInfo.idType,
          idNumber: number,
          teachers: expect.arrayContaining([first.body.efile.id, second.body.efile.id])
        }
      ])
      expect(report.body.items[0].teachers).toHaveLength(2)

      for (const other of ["ia-jiangan", "ia-jaxx", "sa-hubei", "iq-hubei"]) {
        const refused = await (await as(other)).get("/duplicates")
        expect([other, refused.status]).toEqual([other, 403])
      }
      expect((await (await as("ia-jiangan")).get("/duplicates")).body.rule).toBe("M17.4")
    })
  })
}
