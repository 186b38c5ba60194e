/**
 * U+0000 where the API takes text as it is: Postgres cannot hold it in a text parameter, so a login, a password
 * change or a filter, cursor or id with it failed in the store (a 500, reachable without a session through the login).
 * It is refused before the API runs, with a 400 naming it; in e-file fields the core's text rules refuse it as
 * before (422, M11.1).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { actingAs, type Backend, backends, cheapSettings, client, type Running, seedDemo, start } from "./support.js"

for (const backend of backends) {
  describe(`U+0000 on ${backend.name}`, () => {
    let db: Backend
    let running: Running
    const as = actingAs(() => running)

    beforeAll(async () => {
      db = await backend.make()
      running = await start(db, {}, cheapSettings)
      await seedDemo(running, 5)
    }, 120_000)

    afterAll(async () => {
      await running?.close()
      await db?.drop()
    })

    it("M37.2 M37.1 U+0000 in a login or password body, or %00 in a path or query, is refused with 400 naming it, never a 500", async () => {
      const anonymous = client(running.url)
      const sa = await as("sa-hubei")
      const replies = [
        await anonymous.call("POST", "/auth/login", { accountId: "sa-hubei\u0000", password: "x" }),
        await anonymous.call("POST", "/auth/password", { accountId: "a\u0000", current: "x", next: "y" }),
        await sa.call("GET", "/audit?actor=%00"),
        await sa.call("GET", "/audit?object=a%00b"),
        await sa.call("GET", "/units/hubei%00"),
        await (await as("ia-jaxx")).call("GET", "/workflows?after=%00")
      ]
      for (const reply of replies) {
        expect(reply.status).toBe(400)
        expect(reply.body).toMatchObject({ kind: "invalid" })
        expect(JSON.stringify(reply.body)).toMatch(/U\+0000/)
      }
      // An escaped backslash before "u0000" is no U+0000: a wrong password, refused as any other.
      const literal = await anonymous.call("POST", "/auth/login", { accountId: "sa-hubei", password: "\\u0000" })
      expect(literal.status).toBe(401)
      // The server still answers.
      expect((await sa.call("GET", "/units/hubei")).status).toBe(200)
    })
  })
}
