/**
 * `GET /me/efile` (M14.3, M16.1): a teacher account reads its own e-file, found by the identity number it is bound to
 * (M14.1), through real HTTP on every backend.
 */
import { exampleBasicInfo } from "@tmis/testkit/arbitraries"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Demo from "../src/Demo.js"
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

// Sequence codes far from the demo's (teachers below 100, account holders from 800).
const teacherNumber = identityNumber("420102", "1990-10-08", "662")
const strangerNumber = identityNumber("420102", "1991-02-11", "664")

for (const backend of backends) {
  describe(`a teacher's own e-file over HTTP on ${backend.name}`, () => {
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

    /** A teacher account of jaxx for a person, with the demo password to change at first login. */
    const teacherAccount = async (id: string, name: string, number: string) => {
      const admin = await as("sa-jaxx")
      const created = await admin.post("/units/jaxx/accounts", {
        id,
        role: "teacher",
        person: { name, identityNumber: number }
      })
      expect(created.status).toBe(201)
      expect((await admin.put(`/accounts/${id}/password`, { password: Demo.demoPassword })).status).toBe(200)
    }

    it("M14.3 M16.1 GET /me/efile gives a teacher its own e-file; a person without one gets 404", async () => {
      const onboarded = await (await as("ia-jaxx")).post("/efiles", {
        unitId: "jaxx",
        basicInfo: exampleBasicInfo({
          name: "吴海燕",
          idNumber: teacherNumber,
          birthDate: "1990-10-08",
          workStartMonth: "2012-09",
          schoolEntryMonth: "2014-09"
        }),
        employment: { onEstablishment: true, postCategory: "1" }
      })
      expect(onboarded.status).toBe(201)
      await teacherAccount("t-wu", "吴海燕", teacherNumber)
      const own = await (await as("t-wu")).get("/me/efile")
      expect(own.status).toBe(200)
      expect(own.body.efile).toMatchObject({ id: onboarded.body.efile.id, unitId: "jaxx", name: "吴海燕" })
      expect(own.body.entries.map((e: { group: string }) => e.group)).toContain("basicInfo")
      // The same e-file by id; another teacher's is refused (M14.3).
      expect((await (await as("t-wu")).get(`/efiles/${onboarded.body.efile.id}`)).status).toBe(200)

      await teacherAccount("t-stranger", "钱一鸣", strangerNumber)
      const none = await (await as("t-stranger")).get("/me/efile")
      expect(none.status).toBe(404)
      const other = await (await as("t-stranger")).get(`/efiles/${onboarded.body.efile.id}`)
      expect([other.status, other.body.rule]).toEqual([403, "M14.3"])
    })
  })
}
