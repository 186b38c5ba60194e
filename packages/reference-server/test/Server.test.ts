/**
 * Example tests of the reference server through real HTTP, on every backend: logins and sessions (M37.2), masked
 * reads (M37.2), the audit trail of reads and refusals (M37.1), accounts handed down (M14.1, M15.1), an e-file from
 * onboarding to effect (M17, M21), the demo transfer (M23), a batch import (M16.2), the guard's refusals of bad
 * bodies, and logins through a provincial identity platform (M15.2).
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Account, type Audit, EFile, IdentitySource, Storage, Units, Workflows } from "@tmis/core"
import { exampleBasicInfo, exampleImportHeaders, exampleImportRow } from "@tmis/testkit/arbitraries"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Demo from "../src/Demo.js"
import {
  actingAs,
  type Backend,
  backends,
  changedPassword,
  cheapSettings,
  client,
  identityNumber,
  type Reply,
  type Running,
  seedDemo,
  start
} from "./support.js"

// ── Fixtures ─────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * The masking rule of M37.2 written out, not `IdentityNumber.mask` (which it checks): an 18-character number keeps its
 * first 3 and last 4 characters, the 11 between are "*".
 */
const maskedByRule = (id: string): string => {
  expect(id).toMatch(/^\d{17}[\dX]$/)
  return `${id.slice(0, 3)}***********${id.slice(14, 18)}`
}

/** The same number with a wrong check character: what M14.1 refuses. */
const corrupted = (id: string): string => id.slice(0, 17) + (id.endsWith("1") ? "2" : "1")

// Sequence codes 6xx are far from the demo's (teachers below 100, account holders from 800): no collision.
const hireNumber = identityNumber("420102", "1988-06-15", "602")
const importGood = identityNumber("420102", "1990-03-07", "612")
const importBad = identityNumber("420102", "1990-03-07", "614")
const ezhouAdminNumber = identityNumber("420702", "1980-05-15", "631")

/** Basic information of a new hire, in the shape of the demo's (`Demo.ts` basicInfo): a woman born 1988-06-15. */
const hireBasicInfo = exampleBasicInfo({
  name: "郑晓红",
  idNumber: hireNumber,
  birthDate: "1988-06-15",
  workStartMonth: "2010-09",
  schoolEntryMonth: "2012-09"
})

const employment = { onEstablishment: true, postCategory: "1" }

/** The columns of a school's import file (the zh names of 基本信息, as in packages/import/test/ImportFile.test.ts). */

/** One good row and one whose 民族 is no code of the table (M16.2). */
const importCsv = `\uFEFF${[
  exampleImportHeaders,
  exampleImportRow("李一", importGood),
  exampleImportRow("李二", importBad, { 民族: "不存在的民族" })
]
  .map((r) => r.join(","))
  .join("\r\n")}\r\n`

/** An identity platform that knows one token, whose subject is ia-jaxx (M15.2). */
const platformSource = Effect.runSync(
  Effect.provide(
    IdentitySource.IdentitySource,
    IdentitySource.platform({
      name: "hubei-platform",
      verify: (token) => (token === "good-token" ? Effect.succeed("subject-1") : Effect.fail("bad")),
      accountOf: (subject) => Effect.succeed(subject === "subject-1" ? Account.AccountId.make("ia-jaxx") : undefined)
    })
  )
)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A request whose body is read as text, byte for byte. */
const raw = async (url: string, path: string, init: RequestInit = {}) => {
  const response = await fetch(url + path, init)
  return { status: response.status, text: await response.text(), headers: response.headers }
}

/** The rule a refusal names, if any. */
const ruleOf = (reply: Reply): unknown => reply.body?.rule

// ── The suite, once per backend ──────────────────────────────────────────────────────────────────────────────────

for (const backend of backends) {
  describe(`the reference server over HTTP on ${backend.name}`, () => {
    let opened: Backend
    let running: Running
    let importDir: string

    /** A client acting as a demo account (logged in once, its initial password changed). */
    const as = actingAs(() => running)

    /** Every audit record, paging to the end. */
    const auditLog = () =>
      running.run(
        Effect.gen(function* () {
          const storage = yield* Storage.Storage
          const all: Array<Audit.Record> = []
          let after: string | undefined
          do {
            const page = yield* storage.audit.list({ limit: 1000, after })
            all.push(...page.items)
            after = page.next
          } while (after !== undefined)
          return all
        })
      )

    /** How many units, accounts and e-files the store holds. */
    const counts = () =>
      running.run(
        Effect.gen(function* () {
          const storage = yield* Storage.Storage
          let units = 0
          let accounts = 0
          let after: string | undefined
          do {
            const page = yield* storage.units.subtree("/hubei/", { after, limit: 1000 })
            units += page.items.length
            for (const unit of page.items) accounts += (yield* storage.accounts.byUnit(unit.id)).length
            after = page.next
          } while (after !== undefined)
          let efiles = 0
          let cursor: string | undefined
          do {
            const page: Storage.Page<EFile.EFile> = yield* storage.teachers.subtree("/hubei/", {
              after: cursor,
              limit: 1000
            })
            efiles += page.items.length
            cursor = page.next
          } while (cursor !== undefined)
          return { units, accounts, efiles }
        })
      )

    /** An e-file of `unitId`'s own teachers, other than the demo transfer's teacher. */
    const someTeacherOf = async (unitId: string) => {
      const transfer = await running.run(Workflows.get(Demo.demoTransfer.id))
      const teachers = await running.run(
        Effect.gen(function* () {
          const unit = yield* Units.load(unitId)
          return yield* (yield* Storage.Storage).teachers.subtree(unit.value.path, { limit: 1000 })
        })
      )
      const found = teachers.items.find((t) => t.unitId === unitId && t.id !== transfer.value.teacherId)
      if (found === undefined) throw new Error(`no teacher at ${unitId}`)
      return found
    }

    beforeAll(async () => {
      opened = await backend.make()
      importDir = await mkdtemp(join(tmpdir(), "tmis-server-imports-"))
      running = await start(opened, { importDir }, cheapSettings)
      await seedDemo(running)
    }, 60_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
      if (importDir !== undefined) await rm(importDir, { recursive: true, force: true })
    })

    // ── M37.2 logins and sessions ──────────────────────────────────────────────────────────────────────────────

    it("M37.2 a wrong password, an unknown account and a locked account get byte-identical 401 bodies", async () => {
      const attempt = (accountId: string, password: string) =>
        raw(running.url, "/auth/login", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ accountId, password })
        })
      const wrong: Array<{ status: number; text: string }> = []
      for (let i = 0; i < 5; i++) wrong.push(await attempt("sa-jaxx", `Wrong#2026-guess${i}`))
      const unknown = await attempt("nobody-here", Demo.demoPassword)
      // The right password now: the fifth failure locked the account, and the refusal must not say so.
      const locked = await attempt("sa-jaxx", Demo.demoPassword)
      for (const reply of [...wrong, unknown, locked]) expect(reply.status).toBe(401)
      expect(new Set([...wrong, unknown, locked].map((r) => r.text)).size).toBe(1)
      expect(JSON.parse(locked.text)).toMatchObject({ _tag: "Unauthenticated", rule: "M37.2" })
      // The reason is in the audit log only.
      const reasons = (await auditLog())
        .filter((r) => r.action === "auth.login" && r.object === "account:sa-jaxx" && r.outcome === "refused")
        .map((r) => r.details.reason)
      expect(reasons).toContain("locked")
    })

    it("M37.2 the demo's initial password gives mustChangePassword and no token, no cookie", async () => {
      const reply = await client(running.url).post("/auth/login", { accountId: "iq-jaxx", password: Demo.demoPassword })
      expect(reply.status).toBe(200)
      expect(reply.body).toEqual({ outcome: "mustChangePassword" })
      expect(reply.headers.getSetCookie().some((c) => c.startsWith("tmis_session="))).toBe(false)
    })

    it("M37.2 after the change a login gives a token and an HttpOnly SameSite=Strict tmis_session cookie that alone authenticates, until logout", async () => {
      const api = client(running.url)
      const changed = await api.post("/auth/password", {
        accountId: "iq-jaxx",
        current: Demo.demoPassword,
        next: changedPassword
      })
      expect(changed.status).toBe(200)
      const reply = await api.post("/auth/login", { accountId: "iq-jaxx", password: changedPassword })
      expect(reply.status).toBe(200)
      expect(reply.body.outcome).toBe("ok")
      const token = reply.body.token as string
      expect(token.length).toBeGreaterThan(20)
      const cookie = reply.headers.getSetCookie().find((c) => c.startsWith("tmis_session="))
      expect(cookie).toBeDefined()
      expect(cookie).toContain(`tmis_session=${token}`)
      expect(cookie).toMatch(/;\s*HttpOnly/i)
      expect(cookie).toMatch(/;\s*SameSite=Strict/i)

      const byCookie = { cookie: `tmis_session=${token}` }
      const me = await api.get("/auth/me", byCookie)
      expect(me.status).toBe(200)
      expect(me.body).toMatchObject({ accountId: "iq-jaxx", role: "infoQueryer", unitId: "jaxx" })

      const out = await api.call("POST", "/auth/logout", undefined, byCookie)
      expect([200, 204]).toContain(out.status)
      expect((await api.get("/auth/me", byCookie)).status).toBe(401)
      expect((await client(running.url, token).get("/auth/me")).status).toBe(401)
    })

    it("M37.2 disabling an account (by its manager) ends its sessions", async () => {
      const queryer = await as("iq-wuhan")
      expect((await queryer.get("/auth/me")).status).toBe(200)
      const account = await running.run(
        Effect.flatMap(Storage.Storage, (s) => s.accounts.get(Account.AccountId.make("iq-wuhan")))
      )
      if (account._tag !== "Some") throw new Error("iq-wuhan is missing")
      const manager = await as("sa-wuhan")
      const disabled = await manager.post("/accounts/iq-wuhan/disable", { expectedVersion: account.value.version })
      expect(disabled.status).toBe(200)
      expect(disabled.body).toMatchObject({ id: "iq-wuhan", status: "disabled" })
      const after = await queryer.get("/auth/me")
      expect(after.status).toBe(401)
      expect(after.body).toMatchObject({ _tag: "Unauthenticated", rule: "M37.2" })
    })

    // ── M37.2 masking ──────────────────────────────────────────────────────────────────────────────────────────

    it("M37.2 an info query-er reads an e-file with its identity number masked and no pay or ethics groups", async () => {
      const teacher = await someTeacherOf("jaxx")
      const admin = await as("ia-jaxx")
      const pay = await admin.post(`/efiles/${teacher.id}/entries`, {
        group: "basicPay",
        data: { year: 2025, annualIncome: 96000 }
      })
      expect(pay.status).toBe(201)

      const full = await admin.get(`/efiles/${teacher.id}`)
      expect(full.status).toBe(200)
      expect(full.body.masked).toBe(false)
      expect(full.body.efile.idNumber).toMatch(/^\d{17}[\dX]$/)
      expect(full.body.efile.idNumber).toBe(teacher.idNumber)
      expect(full.body.entries.map((e: { group: string }) => e.group)).toContain("basicPay")

      const masked = await (await as("iq-jiangan")).get(`/efiles/${teacher.id}`)
      expect(masked.status).toBe(200)
      expect(masked.body.masked).toBe(true)
      expect(masked.body.efile.idNumber).not.toBe(full.body.efile.idNumber)
      expect(masked.body.efile.idNumber).not.toMatch(/^\d{17}[\dX]$/)
      expect(masked.body.efile.idNumber).toBe(maskedByRule(teacher.idNumber))
      const groups = masked.body.entries.map((e: { group: string }) => e.group)
      expect(groups).toContain("basicInfo")
      for (const group of EFile.sensitiveGroups) expect(groups).not.toContain(group)
      // The full number appears nowhere in what the query-er got, entries included.
      expect(JSON.stringify(masked.body)).not.toContain(teacher.idNumber)
    })

    it("M37.2 the list of a school's e-files is masked for an info query-er, in full for the school's info admin", async () => {
      const full = await (await as("ia-jaxx")).get("/units/jaxx/efiles?limit=1000")
      const masked = await (await as("iq-jiangan")).get("/units/jaxx/efiles?limit=1000")
      expect(full.status).toBe(200)
      expect(masked.status).toBe(200)
      expect(masked.body.items.length).toBeGreaterThan(0)
      expect(masked.body.items.map((e: { id: string }) => e.id)).toEqual(
        full.body.items.map((e: { id: string }) => e.id)
      )
      full.body.items.forEach((efile: { idNumber: string }, i: number) => {
        expect(efile.idNumber).toMatch(/^\d{17}[\dX]$/)
        expect(masked.body.items[i].idNumber).toBe(maskedByRule(efile.idNumber))
      })
    })

    // ── M37.1 audit ────────────────────────────────────────────────────────────────────────────────────────────

    it("M37.1 a successful read leaves audit records under the response's x-request-id", async () => {
      const teacher = await someTeacherOf("jaxx")
      const reply = await (await as("ia-jaxx")).get(`/efiles/${teacher.id}`)
      expect(reply.status).toBe(200)
      const requestId = reply.headers.get("x-request-id")
      expect(requestId).toBeTruthy()
      const rows = (await auditLog()).filter((r) => r.requestId === requestId)
      expect(rows.length).toBeGreaterThan(0)
      expect(rows.every((r) => r.outcome === "ok")).toBe(true)
      expect(rows).toContainEqual(
        expect.objectContaining({ action: "efile.read", actor: "ia-jaxx", object: `teacher:${teacher.id}` })
      )
    })

    it("M37.1 a refused read (outside the reader's scope) is answered 403 and audited as refused under its x-request-id", async () => {
      const teacher = await someTeacherOf("xlzx")
      const reply = await (await as("iq-jiangan")).get(`/efiles/${teacher.id}`)
      expect(reply.status).toBe(403)
      expect(reply.body._tag).toBe("Forbidden")
      const requestId = reply.headers.get("x-request-id")
      expect(requestId).toBeTruthy()
      const rows = (await auditLog()).filter((r) => r.requestId === requestId)
      expect(rows.length).toBeGreaterThan(0)
      expect(rows.every((r) => r.outcome === "refused")).toBe(true)
      expect(rows.map((r) => r.actor)).toContain("iq-jiangan")
      expect(rows.map((r) => r.action)).toContain("http.refused")
    })

    it("M37.1 GET /audit/verify: Intact for the root's system admin, 403 for an info admin", async () => {
      const verified = await (await as("sa-hubei")).get("/audit/verify")
      expect(verified.status).toBe(200)
      expect(verified.body._tag).toBe("Intact")
      expect(verified.body.records).toBeGreaterThan(0)
      const refused = await (await as("ia-hubei")).get("/audit/verify")
      expect(refused.status).toBe(403)
      expect(refused.body._tag).toBe("Forbidden")
    })

    // ── M14.1 / M15.1 accounts handed down ─────────────────────────────────────────────────────────────────────

    it("M15.1 M14.1 a new city's system admin is created by the province's system admin, real-name, and logs in", async () => {
      const unit = await (await as("ia-hubei")).post("/units/hubei/units", {
        id: "ezhou",
        kind: "city",
        name: "鄂州市教育局",
        code: "420700",
        validFrom: "2017-03-31"
      })
      expect(unit.status).toBe(201)
      expect(unit.body).toMatchObject({ id: "ezhou", kind: "city", parentId: "hubei", path: "/hubei/ezhou/" })

      const provinceAdmin = await as("sa-hubei")
      const newAdmin = (identityNumber: string) => ({
        id: "sa-ezhou",
        role: "systemAdmin",
        person: { name: "陈鄂州", identityNumber }
      })
      // Real-name (M14.1): a number whose check character is wrong is refused.
      const invalid = await provinceAdmin.post("/units/ezhou/accounts", newAdmin(corrupted(ezhouAdminNumber)))
      expect(invalid.status).toBe(422)
      expect(invalid.body).toMatchObject({ _tag: "Unprocessable", rule: "M14.1" })

      // Not the system admin of a city beside it (M15.1; out of scope, M14.3).
      const sideways = await (await as("sa-wuhan")).post("/units/ezhou/accounts", newAdmin(ezhouAdminNumber))
      expect(sideways.status).toBe(403)
      console.info(`sa-wuhan creating sa-ezhou on ${backend.name}: ${sideways.status} rule ${ruleOf(sideways)}`)
      expect(["M15.1", "M14.3"]).toContain(ruleOf(sideways))

      const created = await provinceAdmin.post("/units/ezhou/accounts", newAdmin(ezhouAdminNumber))
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ id: "sa-ezhou", role: "systemAdmin", unitId: "ezhou", status: "active" })
      expect(JSON.stringify(created.body)).not.toContain(ezhouAdminNumber)

      // One active system admin per unit (M14.4).
      const second = await provinceAdmin.post("/units/ezhou/accounts", {
        id: "sa-ezhou-2",
        role: "systemAdmin",
        person: { name: "陈鄂州", identityNumber: ezhouAdminNumber }
      })
      expect([409, 422]).toContain(second.status)
      expect(ruleOf(second)).toBe("M14.4")

      // Its manager sets an initial password; the new admin must change it, then logs in.
      const initial = "Start#2026-tmis-A"
      const set = await provinceAdmin.put("/accounts/sa-ezhou/password", { password: initial })
      expect(set.status).toBe(200)
      expect(set.body.accountId).toBe("sa-ezhou")
      const api = client(running.url)
      const first = await api.post("/auth/login", { accountId: "sa-ezhou", password: initial })
      expect(first.status).toBe(200)
      expect(first.body).toEqual({ outcome: "mustChangePassword" })
      const change = await api.post("/auth/password", {
        accountId: "sa-ezhou",
        current: initial,
        next: changedPassword
      })
      expect(change.status).toBe(200)
      const ok = await api.post("/auth/login", { accountId: "sa-ezhou", password: changedPassword })
      expect(ok.status).toBe(200)
      expect(ok.body.outcome).toBe("ok")
      const me = await client(running.url, ok.body.token).get("/auth/me")
      expect(me.body).toMatchObject({
        accountId: "sa-ezhou",
        role: "systemAdmin",
        unitId: "ezhou",
        unitPath: "/hubei/ezhou/"
      })
    })

    // ── E-file lifecycle ───────────────────────────────────────────────────────────────────────────────────────

    it("M21.1 M17.1 an e-file from onboarding to effect; the same person twice is M17.4; a stale version is a conflict", async () => {
      const school = await as("ia-jaxx")
      const onboarded = await school.post("/efiles", { unitId: "jaxx", basicInfo: hireBasicInfo, employment })
      expect(onboarded.status).toBe(201)
      const teacherId = onboarded.body.efile.id as string
      const entryId = onboarded.body.entry.id as string

      const read = await school.get(`/efiles/${teacherId}`)
      expect(read.status).toBe(200)
      expect(read.body.version).toBe(onboarded.body.efile.version)
      expect(read.body.efile).toMatchObject({ id: teacherId, unitId: "jaxx", idNumber: hireNumber, name: "郑晓红" })
      const entry = read.body.entries.find((e: { id: string }) => e.id === entryId)
      expect(entry).toMatchObject({ group: "basicInfo", review: { state: "draft" } })

      const review = async (actor: Awaited<ReturnType<typeof as>>, command: unknown, expectedVersion: number) =>
        actor.post(`/entries/${entryId}/review`, { command, expectedVersion })
      // The entry's version as onboarding answered it (GET does not show it: see the next test).
      const submitted = await review(school, { type: "submit" }, onboarded.body.entry.version)
      expect(submitted.status).toBe(200)
      const approved = await review(
        school,
        {
          type: "approveBySchool",
          collectiveReview: "2026年第3次校务会集体审核",
          principal: "张校长",
          signedOn: "2026-03-02"
        },
        submitted.body.version
      )
      expect(approved.status).toBe(200)
      // A stale version: the one before the school's approval.
      const stale = await review(await as("ia-jiangan"), { type: "approveByBureau" }, submitted.body.version)
      expect(stale.status).toBe(409)
      expect(stale.body._tag).toBe("Conflict")
      const effective = await review(await as("ia-jiangan"), { type: "approveByBureau" }, approved.body.version)
      expect(effective.status).toBe(200)
      const after = await school.get(`/efiles/${teacherId}`)
      expect(after.body.entries.find((e: { id: string }) => e.id === entryId).review.state).toBe("effective")

      const again = await (await as("ia-xlzx")).post("/efiles", {
        unitId: "xlzx",
        basicInfo: hireBasicInfo,
        employment
      })
      expect(again.status).toBe(409)
      expect(again.body).toMatchObject({ _tag: "Conflict", rule: "M17.4" })
    })

    // Server bug: EFiles.read returns every entry with its version, but Api.ts's EntryView declares no `version`,
    // so the response's encoding drops it; a reviewer cannot learn the expectedVersion of an entry it did not write.
    it("M17.1 GET /efiles/{id} shows each entry's version, which a review names as expectedVersion", async () => {
      const teacher = await someTeacherOf("jaxx")
      const read = await (await as("ia-jaxx")).get(`/efiles/${teacher.id}`)
      expect(read.status).toBe(200)
      expect(read.body.entries.length).toBeGreaterThan(0)
      for (const entry of read.body.entries) expect(entry.version, entry.group).toBeTypeOf("number")
    })

    // ── M23 transfers ──────────────────────────────────────────────────────────────────────────────────────────

    it("M23.1 M23.2 the demo transfer: only the sending school confirms its step, a retried confirmation counts once, and the e-file moves", async () => {
      const path = `/workflows/${Demo.demoTransfer.id}`
      const receiving = await as("ia-xlzx")
      const seen = await receiving.get(path)
      expect(seen.status).toBe(200)
      expect(seen.body).toMatchObject({ kind: "transfer", state: "awaitingSendingSchool", open: true })
      const teacherId = seen.body.teacherId as string

      const wrongActor = await receiving.post(`${path}/actions`, {
        type: "confirm",
        expectedVersion: seen.body.version
      })
      expect([403, 422]).toContain(wrongActor.status)
      expect(ruleOf(wrongActor)).toBe("M23.2")

      const sending = await as("ia-jaxx")
      const body = { type: "confirm", expectedVersion: seen.body.version }
      const confirmed = await sending.post(`${path}/actions`, body, { "idempotency-key": "k1" })
      expect(confirmed.status).toBe(200)
      expect(confirmed.body).toMatchObject({ state: "awaitingSendingBureau", version: seen.body.version + 1 })
      const retried = await sending.post(`${path}/actions`, body, { "idempotency-key": "k1" })
      expect(retried.status).toBe(200)
      expect(retried.body).toEqual(confirmed.body)
      expect((await receiving.get(path)).body).toMatchObject({
        state: "awaitingSendingBureau",
        version: confirmed.body.version
      })

      const completed = await (await as("ia-jiangan")).post(`${path}/actions`, {
        type: "confirm",
        expectedVersion: confirmed.body.version
      })
      expect(completed.status).toBe(200)
      expect(completed.body).toMatchObject({ state: "completed", open: false })

      const moved = await receiving.get(`/efiles/${teacherId}`)
      expect(moved.status).toBe(200)
      expect(moved.body.efile.unitId).toBe("xlzx")
      expect(moved.body.efile.path.startsWith("/hubei/yichang/xiling/xlzx/")).toBe(true)
    })

    // ── M16.2 imports ──────────────────────────────────────────────────────────────────────────────────────────

    it("M16.2 an uploaded CSV is imported in the background: the good row accepted, the bad one in the report with its rule; the batch is the uploader's", async () => {
      const token = await as.token("ia-jaxx")
      const upload = await fetch(`${running.url}/units/jaxx/imports?format=csv`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
        body: new TextEncoder().encode(importCsv)
      })
      const started = (await upload.json()) as { batchId: string }
      expect(upload.status).toBe(202)
      const batchId = started.batchId
      expect(batchId).toMatch(/^[0-9a-f]+$/)

      const school = client(running.url, token)
      let progress = (await school.get(`/imports/${batchId}`)).body
      for (let waited = 0; progress.state === "running" && waited < 10_000; waited += 100) {
        await sleep(100)
        progress = (await school.get(`/imports/${batchId}`)).body
      }
      expect(progress).toMatchObject({ batchId, unitId: "jaxx", state: "done", rowsRead: 2, accepted: 1, rejected: 1 })

      const report = await school.get(`/imports/${batchId}/report`)
      expect(report.status).toBe(200)
      expect(report.headers.get("content-type")).toContain("text/csv")
      const lines = String(report.body).split(/\r?\n/)
      expect(lines.some((l) => l.startsWith("3,") && l.includes("不存在的民族") && l.endsWith("M16.2"))).toBe(true)
      expect(String(report.body)).not.toContain("李一")

      const other = await as("ia-jiangan")
      expect((await other.get(`/imports/${batchId}`)).status).toBe(404)
      expect((await other.get(`/imports/${batchId}/report`)).status).toBe(404)
    })

    // ── The guard's refusals ───────────────────────────────────────────────────────────────────────────────────

    it("refuses malformed JSON, unknown and prototype keys, oversized and non-JSON bodies, and writes nothing", async () => {
      const before = await counts()
      const admin = await as("ia-hubei")
      const systemAdmin = await as("sa-hubei")

      const malformed = await admin.post("/efiles", '{"unitId": "jaxx", ')
      expect(malformed.status).toBe(400)
      expect(malformed.body._tag).toBe("BadRequest")

      const unknownKey = await admin.post("/units/hubei/units", {
        id: "robust-city",
        kind: "city",
        name: "某市教育局",
        code: "420900",
        validFrom: "2017-03-31",
        status: "active"
      })
      expect(unknownKey.status).toBe(400)
      expect(unknownKey.body._tag).toBe("BadRequest")
      expect(Array.isArray(unknownKey.body.details?.issues)).toBe(true)
      expect(unknownKey.body.details.issues.length).toBeGreaterThan(0)

      const proto = await systemAdmin.post(
        "/units/hubei/accounts",
        `{"__proto__":{},"id":"robust-ia","role":"infoAdmin","person":{"name":"王某","identityNumber":"${ezhouAdminNumber}"}}`
      )
      expect(proto.status).toBe(400)
      expect(proto.body._tag).toBe("BadRequest")
      const bare = await systemAdmin.post("/units/hubei/accounts", '{"__proto__":{}}')
      expect(bare.status).toBe(400)

      const huge = await admin.post("/efiles", {
        unitId: "jaxx",
        basicInfo: { ...hireBasicInfo, name: "长".repeat(1024 * 1024) },
        employment
      })
      expect(huge.status).toBe(413)
      expect(huge.body._tag).toBe("PayloadTooLarge")

      const text = await admin.post(
        "/efiles",
        JSON.stringify({ unitId: "jaxx", basicInfo: hireBasicInfo, employment }),
        {
          "content-type": "text/plain"
        }
      )
      expect(text.status).toBe(415)
      expect(text.body._tag).toBe("UnsupportedMediaType")

      expect(await counts()).toEqual(before)
    })

    // ── M15.2 platform logins ──────────────────────────────────────────────────────────────────────────────────

    it("M15.2 a server with a provincial identity platform logs in its tokens; a bad token and a server without one refuse", async () => {
      const second = await start(opened, { importDir, identitySource: platformSource }, cheapSettings)
      try {
        const api = client(second.url)
        const good = await api.post("/auth/platform", { token: "good-token" })
        expect(good.status).toBe(200)
        expect(good.body.outcome).toBe("ok")
        const me = await client(second.url, good.body.token).get("/auth/me")
        expect(me.status).toBe(200)
        expect(me.body).toMatchObject({ accountId: "ia-jaxx", unitId: "jaxx" })

        const bad = await api.post("/auth/platform", { token: "forged-token" })
        expect(bad.status).toBe(401)
        expect(bad.body).toMatchObject({ _tag: "Unauthenticated", rule: "M37.2" })
      } finally {
        await second.close()
      }
      const without = await client(running.url).post("/auth/platform", { token: "good-token" })
      expect(without.status).toBe(401)
      expect(without.body._tag).toBe("Unauthenticated")
    })
  })
}
