/**
 * Three defects of issue 13 through real HTTP, on every backend: a masked view that gave back the masked digits of the
 * identity number (M37.2, M13.4), 409s naming the store's internal index (M14.4, M12.1), and a request without any
 * credentials told that its session had ended (M37.2).
 */
import { EFile, Storage } from "@tmis/core"
import { exampleBasicInfo } from "@tmis/testkit/arbitraries"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { newToken, sessionIdOf } from "../src/Authentication.js"
import {
  actingAs,
  type Backend,
  backends,
  cheapSettings,
  client,
  identityNumber,
  login,
  type Reply,
  type Running,
  seedDemo,
  start
} from "./support.js"

// Sequence codes 5xx are far from the demo's (teachers below 100, account holders from 800) and Server.test's 6xx.
const birthDate = "1994-09-01"
const hireNumber = identityNumber("420102", birthDate, "502")
/** The masking rule written out (M37.2, `IdentityNumber.mask`): the first 3 and the last 4 characters stay. */
const hireNumberMasked = "420***********502X"

/** Every form in which a birth date could be written down. */
const dateForms = (day: string): ReadonlyArray<string> => {
  const [y, m, d] = day.split("-") as [string, string, string]
  return [
    `${y}-${m}-${d}`,
    `${y}${m}${d}`,
    `${y}/${m}/${d}`,
    `${y}.${m}.${d}`,
    `${y}年${m}月${d}日`,
    `${y}年${Number(m)}月${Number(d)}日`,
    `${y}-${m}`
  ]
}

/** The index names of the adapters' schemas (SQLite names the columns, Postgres the index). */
const indexNames = /code_key|units\.code|one_active_system_admin|accounts\.unit_id|_pkey|_key\b/

for (const backend of backends) {
  describe(`masking, the store's refusals and 401s over HTTP on ${backend.name}`, () => {
    let opened: Backend
    let running: Running

    /** A client acting as a demo account (logged in once, its initial password changed). */
    const as = actingAs(() => running)

    beforeAll(async () => {
      opened = await backend.make()
      running = await start(opened, {}, cheapSettings)
      await seedDemo(running)
    }, 60_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
    })

    // ── Defect 7: masking that can be undone ───────────────────────────────────────────────────────────────────

    it("M37.2 M13.4 an info query-er's view of an e-file carries no birth date, 籍贯 or 出生地 that rebuild the masked digits", async () => {
      const school = await as("ia-jaxx")
      const onboarded = await school.post("/efiles", {
        unitId: "jaxx",
        basicInfo: exampleBasicInfo({
          name: "吴晓燕",
          idNumber: hireNumber,
          birthDate,
          sex: "2",
          nativePlace: "湖北省武汉市江岸区",
          birthPlace: "420102",
          workStartMonth: "2016-09",
          schoolEntryMonth: "2018-09"
        }),
        employment: { onEstablishment: true, postCategory: "1" }
      })
      expect(onboarded.status).toBe(201)
      const teacherId = onboarded.body.efile.id as string
      const entryId = onboarded.body.entry.id as string
      // A rejection whose reason quotes the birth date.
      const submitted = await school.post(`/entries/${entryId}/review`, {
        command: { type: "submit" },
        expectedVersion: onboarded.body.entry.version
      })
      expect(submitted.status).toBe(200)
      const rejected = await school.post(`/entries/${entryId}/review`, {
        command: { type: "reject", reason: `出生日期${birthDate}请与证件核对` },
        expectedVersion: submitted.body.version
      })
      expect(rejected.status).toBe(200)

      const full = await school.get(`/efiles/${teacherId}`)
      expect(full.status).toBe(200)
      expect(full.body.masked).toBe(false)
      expect(JSON.stringify(full.body)).toContain(birthDate)

      expect(hireNumber).toBe("42010219940901502X")
      const masked = await (await as("iq-jiangan")).get(`/efiles/${teacherId}`)
      expect(masked.status).toBe(200)
      expect(masked.body.masked).toBe(true)
      expect(masked.body.efile.idNumber).toBe(hireNumberMasked)
      const text = JSON.stringify(masked.body)
      for (const form of dateForms(birthDate)) expect([form, text.includes(form)]).toEqual([form, false])
      for (const leak of ["420102", "江岸", hireNumber.slice(3, 14)]) {
        expect([leak, text.includes(leak)]).toEqual([leak, false])
      }
      const basic = masked.body.entries.find((e: { group: string }) => e.group === "basicInfo")
      expect(basic.data.birthDate).toBe("1994")
      expect(basic.data.sex).toBe("2")
      for (const field of EFile.withheldFields) expect(basic.data).not.toHaveProperty(field)

      // The listing (and the CLI's export, which pages it) shows no more.
      const listed = await (await as("iq-jiangan")).get("/units/jaxx/efiles?limit=1000")
      expect(listed.status).toBe(200)
      const item = listed.body.items.find((e: { id: string }) => e.id === teacherId)
      expect(item.idNumber).toBe(hireNumberMasked)
      const listedText = JSON.stringify(listed.body)
      for (const form of dateForms(birthDate)) expect([form, listedText.includes(form)]).toEqual([form, false])
    })

    // ── Defect 13: 409s naming internal index names ────────────────────────────────────────────────────────────

    it("M12.1 a used school code is a 409 naming the constraint and the code, never the store's index", async () => {
      const reply = await (await as("ia-jiangan")).post("/units/jiangan/units", {
        id: "jaxx-again",
        kind: "school",
        name: "江岸区实验小学分校",
        code: "2142000101",
        validFrom: "2024-01-01",
        school: { schoolType: "211", sponsor: "21" }
      })
      expect(reply.status).toBe(409)
      expect(reply.body).toMatchObject({
        _tag: "Conflict",
        rule: "M12.1",
        details: { constraint: "unitCode", code: "2142000101" }
      })
      expect(reply.body.details).not.toHaveProperty("index")
      expect(JSON.stringify(reply.body)).not.toMatch(indexNames)
    })

    it("M14.4 second system admins created at once are refused (409 by the store, or 422) naming no index", async () => {
      const created = await (await as("ia-hubei")).post("/units/hubei/units", {
        id: "xiaogan",
        kind: "city",
        name: "孝感市教育局",
        code: "420900",
        validFrom: "2017-03-31"
      })
      expect(created.status).toBe(201)
      const provinceAdmin = await as("sa-hubei")
      const replies: ReadonlyArray<Reply> = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          provinceAdmin.post("/units/xiaogan/accounts", {
            id: `sa-xiaogan-${i}`,
            role: "systemAdmin",
            person: { name: "陈孝感", identityNumber: identityNumber("420902", "1980-05-15", 501 + 2 * i) }
          })
        )
      )
      expect(replies.filter((r) => r.status === 201)).toHaveLength(1)
      const refused = replies.filter((r) => r.status !== 201)
      console.info(
        `second system admins on ${backend.name}: ${refused.map((r) => r.status).join(", ")} (409: by the store)`
      )
      for (const reply of refused) {
        expect([409, 422]).toContain(reply.status)
        expect(reply.body.rule).toBe("M14.4")
        expect(reply.body.details).not.toHaveProperty("index")
        expect(JSON.stringify(reply.body)).not.toMatch(indexNames)
        if (reply.status === 409) expect(reply.body.details.constraint).toBe("oneActiveSystemAdmin")
      }
    })

    // ── Defect 13: no credentials told "会话已结束" ────────────────────────────────────────────────────────────

    it("M37.2 a request without credentials is told to log in; an unknown, expired or revoked token gets one ended-session body", async () => {
      const raw = async (path: string, headers: Record<string, string> = {}) => {
        const response = await fetch(running.url + path, { headers })
        return { status: response.status, text: await response.text() }
      }
      // No credentials at all: its own message, on every protected endpoint.
      const missing = [await raw("/auth/me"), await raw("/units/jaxx/efiles")]
      for (const reply of missing) {
        expect(reply.status).toBe(401)
        expect(JSON.parse(reply.text)).toMatchObject({
          _tag: "Unauthenticated",
          rule: "M37.2",
          zh: "需要登录：请先登录（POST /auth/login）并携带会话令牌",
          en: "authentication required: log in (POST /auth/login) and send the session token"
        })
      }
      expect(missing[0]?.text).toBe(missing[1]?.text)

      // A token that names no session, by either carrier.
      const unknown = newToken()
      const byBearer = await raw("/auth/me", { authorization: `Bearer ${unknown}` })
      const byCookie = await raw("/auth/me", { cookie: `tmis_session=${unknown}` })
      // An expired session: last seen years ago.
      const old = newToken()
      await running.run(
        Effect.flatMap(Storage.Storage, (s) =>
          s.sessions.insert({
            id: sessionIdOf(old),
            accountId: "iq-jaxx",
            createdAt: "2020-01-01T00:00:00.000Z",
            lastSeenAt: "2020-01-01T00:00:00.000Z"
          })
        )
      )
      const expired = await raw("/auth/me", { authorization: `Bearer ${old}` })
      // A revoked session: logged out.
      const token = await login(running.url, "iq-hubei")
      expect((await raw("/auth/me", { authorization: `Bearer ${token}` })).status).toBe(200)
      const out = await client(running.url, token).post("/auth/logout")
      expect([200, 204]).toContain(out.status)
      const revoked = await raw("/auth/me", { authorization: `Bearer ${token}` })
      const revokedByCookie = await raw("/auth/me", { cookie: `tmis_session=${token}` })

      const ended = [byBearer, byCookie, expired, revoked, revokedByCookie]
      for (const reply of ended) expect(reply.status).toBe(401)
      expect(new Set(ended.map((r) => r.text)).size).toBe(1)
      expect(JSON.parse(byBearer.text)).toMatchObject({
        _tag: "Unauthenticated",
        rule: "M37.2",
        zh: "会话已结束，请重新登录",
        en: "the session has ended: log in again"
      })
      expect(byBearer.text).not.toBe(missing[0]?.text)
    })
  })
}
