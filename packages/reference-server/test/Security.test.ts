/**
 * What the server does around every request for security: the response headers, and that the store keeps only
 * the hash of a session token (a copy of the database holds no usable session).
 */
import { createHash } from "node:crypto"
import { Storage } from "@tmis/core"
import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Backend, client, login, type Running, seedDemo, sqlite, start } from "./support.js"

let backend: Backend
let running: Running

beforeAll(async () => {
  backend = await sqlite()
  running = await start(backend)
  await seedDemo(running, 10)
}, 120_000)

afterAll(async () => {
  await running?.close()
  await backend?.drop()
})

describe("security around every request", () => {
  it("answers with a request id, no-store, nosniff, no-referrer and a deny-all CSP (the reference page: its own only)", async () => {
    const api = client(running.url)
    for (const reply of [
      await api.get("/openapi.json"),
      await api.get("/units/hubei"),
      await api.post("/auth/login", "{")
    ]) {
      expect(reply.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
      expect(reply.headers.get("cache-control")).toBe("no-store")
      expect(reply.headers.get("x-content-type-options")).toBe("nosniff")
      expect(reply.headers.get("referrer-policy")).toBe("no-referrer")
      expect(reply.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'")
    }
    const docs = await fetch(`${running.url}/docs`)
    expect(docs.status).toBe(200)
    expect(docs.headers.get("content-security-policy")).toContain("default-src 'self'")
    // Plain HTTP: no HSTS (a browser would ignore it anyway).
    expect(docs.headers.get("strict-transport-security")).toBeNull()
  })

  it("an unknown endpoint answers 404 with a body like every refusal", async () => {
    const reply = await client(running.url).get("/favicon.ico")
    expect(reply.status).toBe(404)
    expect(reply.body).toMatchObject({ _tag: "NotFound", en: "there is no such endpoint" })
  })

  it("M37.2 the store keeps the SHA-256 of a session token, never the token", async () => {
    const token = await login(running.url, "ia-jaxx")
    const lookup = (id: string) => running.run(Effect.flatMap(Storage.Storage, (storage) => storage.sessions.get(id)))
    expect(Option.isNone(await lookup(token))).toBe(true)
    const stored = await lookup(createHash("sha256").update(token).digest("hex"))
    expect(Option.getOrUndefined(stored)?.accountId).toBe("ia-jaxx")
    expect((await client(running.url, token).get("/auth/me")).status).toBe(200)
  })
})
