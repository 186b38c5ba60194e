/**
 * The defects an integrator met on the first day (issue 13), through real HTTP on every backend: a system admin
 * resets a locked-out account without knowing its credential's version (M37.2, M13.2), and the statistics refuse a
 * day that is not a real calendar day (M22.1, M28.1).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Demo from "../src/Demo.js"
import {
  type Backend,
  backends,
  changedPassword,
  cheapSettings,
  client,
  login,
  type Running,
  seedDemo,
  start
} from "./support.js"

for (const backend of backends) {
  describe(`integrator's first day (${backend.name})`, () => {
    let opened: Backend | undefined
    let running: Running

    beforeAll(async () => {
      opened = await backend.make()
      running = await start(opened, {}, cheapSettings)
      await seedDemo(running)
    }, 60_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
    })

    it("M37.2 a system admin resets a locked-out account without its credential's version; the new password is initial", async () => {
      const api = client(running.url)
      // The account has a password of its own, then five failures lock it.
      await login(running.url, "ia-jaxx")
      for (let i = 0; i < 5; i++) {
        const wrong = await api.post("/auth/login", { accountId: "ia-jaxx", password: `Wrong#2026-guess${i}` })
        expect(wrong.status).toBe(401)
      }
      expect((await api.post("/auth/login", { accountId: "ia-jaxx", password: changedPassword })).status).toBe(401)

      // Its unit's system admin resets it, knowing no version. A guessed version is refused, and the refusal does
      // not blame someone else for what the account's own failed logins did.
      const admin = client(running.url, await login(running.url, "sa-jaxx"))
      const guessed = await admin.put("/accounts/ia-jaxx/password", {
        password: "Guess#2026-tmis-F",
        expectedVersion: 1
      })
      expect(guessed.status).toBe(409)
      expect(guessed.body.zh).not.toContain("他人")
      const reset = "Reset#2026-tmis-C"
      const set = await admin.put("/accounts/ia-jaxx/password", { password: reset })
      expect(set.status, JSON.stringify(set.body)).toBe(200)
      expect(set.body.accountId).toBe("ia-jaxx")

      // The lock is gone; the reset password is an initial one: it must be changed before anything else.
      const first = await api.post("/auth/login", { accountId: "ia-jaxx", password: reset })
      expect(first.status, JSON.stringify(first.body)).toBe(200)
      expect(first.body).toEqual({ outcome: "mustChangePassword" })
      const change = await api.post("/auth/password", {
        accountId: "ia-jaxx",
        current: reset,
        next: "Again#2026-tmis-D"
      })
      expect(change.status, JSON.stringify(change.body)).toBe(200)
      const ok = await api.post("/auth/login", { accountId: "ia-jaxx", password: "Again#2026-tmis-D" })
      expect([ok.status, ok.body.outcome]).toEqual([200, "ok"])

      // Someone who does not manage the account still may not (M13.2): the province's system admin is two levels up.
      const province = client(running.url, await login(running.url, "sa-hubei"))
      expect((await province.put("/accounts/ia-jaxx/password", { password: "Other#2026-tmis-E" })).status).toBe(403)
      // The demo's password was never the reset one: nothing else changed.
      expect(Demo.demoPassword).not.toBe(reset)
    })

    it("M22.1 M28.1 the statistics refuse a day that is no calendar day, naming the parameter and the value", async () => {
      const queryer = client(running.url, await login(running.url, "iq-jaxx"))
      expect((await queryer.get("/units/jaxx/statistics/status?day=2026-02-28")).status).toBe(200)
      for (const day of ["2026-02-30", "9999-99-99", "2026-13-01", "2025-02-29"]) {
        const reply = await queryer.get(`/units/jaxx/statistics/status?day=${day}`)
        expect([day, reply.status]).toEqual([day, 400])
        expect(reply.body._tag).toBe("BadRequest")
        const text = JSON.stringify(reply.body.details)
        expect(text).toContain('"day"')
        expect(text).toContain(day.slice(0, 7))
      }
    })
  })
}
