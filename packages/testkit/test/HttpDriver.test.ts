/**
 * The compliance kit's HTTP driver against a real HTTP server that answers 503 (or drops the connection) before it
 * answers: a read is sent again, a command without an idempotency key is not (sending it again could apply it twice).
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { httpDriver } from "../src/regulation/HttpDriver.js"

/** How many requests each path has had; the first `failing` of each are answered 503, or cut when `cut`. */
const seen = new Map<string, number>()
let failing = 0
let cut = false
const server = http.createServer((request, response) => {
  const n = (seen.get(request.url ?? "") ?? 0) + 1
  seen.set(request.url ?? "", n)
  request.resume()
  request.on("end", () => {
    if (n <= failing) {
      if (cut) return request.socket.destroy()
      response.writeHead(503, { "content-type": "application/json" })
      return response.end(JSON.stringify({ kind: "Timeout", en: "the request took too long" }))
    }
    response.writeHead(request.method === "POST" ? 201 : 200, { "content-type": "application/json" })
    response.end(JSON.stringify({ id: "s1", kind: "school", parentId: "hubei", code: "2142000001" }))
  })
})
let target = ""
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const driver = () => httpDriver({ target, accounts: { systemAdmin: { id: "sa", password: "unused", unit: "hubei" } } })

describe("the kit's HTTP driver", () => {
  it("sends a read again after a 503, and reports the answer that came", async () => {
    seen.clear()
    failing = 2
    cut = false
    const read = await driver().unit("sa", "s1")
    expect(read.ok && read.value).toEqual({ id: "s1", kind: "school", parentId: "hubei", code: "2142000001" })
    expect(seen.get("/units/s1")).toBe(3)
  })

  it("sends a read again when the connection is cut before an answer, at most three times", async () => {
    seen.clear()
    failing = 5
    cut = true
    const read = await driver().unit("sa", "s1")
    expect(read.ok ? "answered" : read.status).toBe(0)
    expect(seen.get("/units/s1")).toBe(3)
  })

  it("sends a command without an idempotency key once, even after a 503", async () => {
    seen.clear()
    failing = 1
    cut = false
    const created = await driver().createUnit("sa", "hubei", {
      id: "s1",
      kind: "school",
      name: "江岸区第一小学",
      code: "2142000001",
      validFrom: "2026-01-01",
      school: { schoolType: "211", sponsor: "21" }
    })
    expect(created.ok ? "created" : created.status).toBe(503)
    expect(seen.get("/units/hubei/units")).toBe(1)
  })
})
