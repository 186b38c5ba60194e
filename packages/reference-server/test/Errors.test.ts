/**
 * The error bodies of the API, the smaller defects of issue 13: a wrong method on a known path answers 405 with the
 * path's methods in `Allow` (from the API definition), every error body carries the refusal `kind` a client
 * switches on (and a rule where one applies), and the messages of a missing or changed object name it in Chinese in
 * `zh` and in English in `en`.
 */
import { Account, Storage, Workflows } from "@tmis/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Demo from "../src/Demo.js"
import {
  actingAs,
  type Backend,
  cheapSettings,
  client,
  identityNumber,
  type Reply,
  type Running,
  seedDemo,
  sqlite,
  start
} from "./support.js"

let backend: Backend
let running: Running

/** A client acting as a demo account (logged in once, its initial password changed). */
const as = actingAs(() => running)

beforeAll(async () => {
  backend = await sqlite()
  running = await start(backend, {}, cheapSettings)
  await seedDemo(running, 10)
}, 120_000)

afterAll(async () => {
  await running?.close()
  await backend?.drop()
})

const kinds = ["forbidden", "invalid", "conflict", "notFound", "unauthenticated"]

/** The methods of the methods' header, in order. */
const allowOf = (reply: Reply) =>
  (reply.headers.get("allow") ?? "")
    .split(",")
    .map((m) => m.trim())
    .filter((m) => m !== "")
    .sort()

describe("a wrong method on a known path", () => {
  it("DELETE /units/{id} and PUT /transfers answer 405 with Allow and the usual JSON body; an unknown path stays 404", async () => {
    const api = await as("sa-hubei")
    const deleted = await api.call("DELETE", "/units/jaxx")
    expect(deleted.status).toBe(405)
    // The router answers HEAD wherever it answers GET.
    expect(allowOf(deleted)).toEqual(["GET", "HEAD"])
    expect(deleted.body).toMatchObject({
      _tag: "MethodNotAllowed",
      kind: "invalid",
      details: { method: "DELETE", path: "/units/jaxx", allow: ["GET", "HEAD"] }
    })
    expect(typeof deleted.body.zh).toBe("string")
    expect(typeof deleted.body.en).toBe("string")
    expect(deleted.body.rule).toBeUndefined()

    const put = await api.put("/transfers", {})
    expect(put.status).toBe(405)
    expect(allowOf(put)).toEqual(["POST"])
    expect(put.body).toMatchObject({ _tag: "MethodNotAllowed", kind: "invalid" })

    const password = await api.call("GET", "/accounts/ia-jaxx/password")
    expect(password.status).toBe(405)
    expect(allowOf(password)).toEqual(["PUT"])

    for (const [method, path] of [
      ["GET", "/nope"],
      ["DELETE", "/nope/deeper"],
      ["GET", "/units/jaxx/nope"],
      ["GET", "/"]
    ] as const) {
      const reply = await api.call(method, path)
      expect(reply.status, `${method} ${path}`).toBe(404)
      expect(reply.headers.get("allow"), `${method} ${path}`).toBeNull()
      expect(reply.body).toMatchObject({ _tag: "NotFound", kind: "notFound", en: "there is no such endpoint" })
    }
  })

  it("the Allow header of every path of the OpenAPI document lists exactly the methods the document gives it (and HEAD with GET)", async () => {
    const document = (await client(running.url).get("/openapi.json")).body as {
      paths: Record<string, Record<string, unknown>>
    }
    const paths = Object.entries(document.paths)
    expect(paths.length).toBeGreaterThan(20)
    const api = client(running.url)
    for (const [template, operations] of paths) {
      const methods = Object.keys(operations).map((m) => m.toUpperCase())
      if (methods.includes("GET")) methods.push("HEAD")
      methods.sort()
      const wrong = ["PATCH", "DELETE", "PUT", "POST", "GET"].find((m) => !methods.includes(m))!
      const path = template.replace(/\{[^}]+\}/g, "x1")
      const reply = await api.call(wrong, path)
      expect(reply.status, `${wrong} ${path}`).toBe(405)
      expect(allowOf(reply), `${wrong} ${path}`).toEqual(methods)
    }
  })
})

describe("every error body carries its kind, and its rule where one applies", () => {
  it("401, 403, 404, 409 (a stale version, a constraint), 422, 400, 413, 415", async () => {
    const anonymous = client(running.url)
    const root = await as("sa-hubei")
    const account = await running.run(
      Effect.flatMap(Storage.Storage, (s) => s.accounts.get(Account.AccountId.make("iq-wuhan")))
    )
    if (account._tag !== "Some") throw new Error("iq-wuhan is missing")
    const transfer = await running.run(Workflows.get(Demo.demoTransfer.id))
    const valid = identityNumber("420102", "1985-04-12", "517")
    const invalidNumber = valid.slice(0, 17) + (valid.endsWith("1") ? "2" : "1")

    const samples: ReadonlyArray<readonly [string, Reply, number, string, string | undefined]> = [
      ["no session", await anonymous.get("/auth/me"), 401, "unauthenticated", "M37.2"],
      ["outside the scope", await (await as("ia-hubei")).get("/audit/verify"), 403, "forbidden", undefined],
      ["no such unit", await root.get("/units/nosuch"), 404, "notFound", undefined],
      ["no such import", await root.get("/imports/nosuch"), 404, "notFound", undefined],
      [
        "a stale version",
        await (await as("sa-wuhan")).post("/accounts/iq-wuhan/disable", {
          expectedVersion: account.value.version + 7
        }),
        409,
        "conflict",
        undefined
      ],
      [
        "a second open process",
        await (await as("ia-xlzx")).post("/transfers", {
          teacherId: transfer.value.teacherId,
          toUnitId: "xlzx",
          effective: "2027-03-01",
          reason: "工作需要"
        }),
        409,
        "conflict",
        "M24.3"
      ],
      [
        "an invalid identity number",
        await (await as("sa-wuhan")).post("/units/wuhan/accounts", {
          id: "iq-wuhan-2",
          role: "infoQueryer",
          person: { name: "陈武汉", identityNumber: invalidNumber }
        }),
        422,
        "invalid",
        "M14.1"
      ],
      ["malformed JSON", await anonymous.post("/auth/login", "{"), 400, "invalid", undefined],
      ["a body not matching the schema", await anonymous.post("/auth/login", { who: 1 }), 400, "invalid", undefined],
      [
        "a body over the limit",
        await anonymous.post("/auth/login", { accountId: "x".repeat(1024 * 1024 + 10) }),
        413,
        "invalid",
        undefined
      ],
      [
        "not JSON",
        await anonymous.call("POST", "/auth/login", "accountId=x", { "content-type": "text/plain" }),
        415,
        "invalid",
        undefined
      ]
    ]
    for (const [what, reply, status, kind, rule] of samples) {
      expect(reply.status, `${what}: ${JSON.stringify(reply.body)}`).toBe(status)
      expect(reply.body.kind, `${what}: ${JSON.stringify(reply.body)}`).toBe(kind)
      expect(kinds).toContain(reply.body.kind)
      if (rule === undefined) {
        // Optimistic versions, missing objects and the guard's own refusals enforce no rule of the regulation.
        if (status !== 403) expect(reply.body.rule, what).toBeUndefined()
      } else {
        expect(reply.body.rule, what).toBe(rule)
      }
    }
  })
})

describe("a missing or changed object is named in the language of the message", () => {
  it("the zh of a 404 names the entity in Chinese, the en in English: no ASCII entity word in zh", async () => {
    const root = await as("sa-hubei")
    for (const [path, id, zh, en] of [
      ["/units/nosuch", "nosuch", "单位", "unit"],
      ["/efiles/nosuch", "nosuch", "电子档案", "e-file"],
      ["/workflows/nosuch", "nosuch", "流程", "process"]
    ] as const) {
      const reply = await root.get(path)
      expect(reply.status, path).toBe(404)
      expect(reply.body.kind).toBe("notFound")
      expect(reply.body.zh, path).toContain(zh)
      expect(reply.body.zh, path).toContain(id)
      expect(reply.body.zh.replace(id, ""), path).not.toMatch(/[A-Za-z]/)
      expect(reply.body.en, path).toContain(en)
    }
  })

  it("the zh of a version conflict names the entity in Chinese", async () => {
    const account = await running.run(
      Effect.flatMap(Storage.Storage, (s) => s.accounts.get(Account.AccountId.make("iq-wuhan")))
    )
    if (account._tag !== "Some") throw new Error("iq-wuhan is missing")
    const reply = await (await as("sa-wuhan")).post("/accounts/iq-wuhan/disable", {
      expectedVersion: account.value.version + 7
    })
    expect(reply.status).toBe(409)
    expect(reply.body).toMatchObject({ _tag: "Conflict", kind: "conflict", details: { entity: "account" } })
    expect(reply.body.zh).toContain("账号")
    expect(reply.body.zh.replace("iq-wuhan", "")).not.toMatch(/[A-Za-z]/)
    expect(reply.body.en).toContain("account iq-wuhan")
  })
})

describe("a request refused before its session is read", () => {
  const refusalsOf = (requestId: string | null) =>
    running.run(
      Effect.flatMap(Storage.Storage, (storage) => storage.audit.search({}, { limit: 1000 })).pipe(
        Effect.map((page) => page.items.filter((r) => r.requestId === requestId && r.action === "http.refused"))
      )
    )

  it("M37.1 a body, a target or a path the server refuses before the API runs is audited under the account of the request's session, not as anonymous", async () => {
    const school = await as("ia-jaxx")
    const refused = [
      await school.call("POST", "/efiles/search", "{"),
      await school.call("POST", "/efiles/search", "{}", { "content-type": "text/plain" }),
      await school.get("/efiles/%00"),
      await school.get("/no/such/endpoint")
    ]
    for (const reply of refused) {
      expect(reply.status).toBeGreaterThanOrEqual(400)
      const records = await refusalsOf(reply.headers.get("x-request-id"))
      expect(records.map((r) => [r.actor, r.unitId])).toEqual([["ia-jaxx", "jaxx"]])
    }
    // Without a session, or with a token that names none, the same refusal is anonymous.
    for (const token of [undefined, "no-such-session"]) {
      const stranger = await client(running.url, token).call("POST", "/efiles/search", "{")
      expect(stranger.status).toBe(400)
      expect((await refusalsOf(stranger.headers.get("x-request-id"))).map((r) => r.actor)).toEqual(["anonymous"])
    }
  })
})
