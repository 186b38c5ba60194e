/**
 * The listings an integrator reads, through real HTTP on every backend, on the demo province: the workflow inbox and
 * the processes a unit is party to (M23.1), the audit search (M37.1) and a unit's accounts (M13.2, M15.1) — who may
 * call each, what comes back, and that paging and filters hold; and a unit's version history (M12.2).
 */
import { Accounts, Units } from "@tmis/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Demo from "../src/Demo.js"
import {
  actingAs,
  type Backend,
  backends,
  cheapSettings,
  client,
  type Reply,
  type Running,
  seedDemo,
  start
} from "./support.js"

const transferId = Demo.demoTransfer.id

for (const backend of backends) {
  describe(`the listings over HTTP on ${backend.name}`, () => {
    let opened: Backend
    let running: Running

    /** A client acting as a demo account (logged in once, its initial password changed). */
    const as = actingAs(() => running)

    /** Every item of a listing, following `next` at `limit` a page. */
    const all = async (accountId: string, path: string, limit: number) => {
      const api = await as(accountId)
      const items: Array<Record<string, unknown>> = []
      let after: string | undefined
      let pages = 0
      do {
        const separator = path.includes("?") ? "&" : "?"
        const query = `limit=${limit}${after === undefined ? "" : `&after=${encodeURIComponent(after)}`}`
        const reply = await api.get(`${path}${separator}${query}`)
        expect([path, reply.status]).toEqual([path, 200])
        expect(reply.body.items.length).toBeLessThanOrEqual(limit)
        items.push(...reply.body.items)
        after = reply.body.next
        if (++pages > 500) throw new Error("the pages do not end")
      } while (after !== undefined)
      return items
    }

    const ids = (reply: Reply) => (reply.body.items as ReadonlyArray<{ readonly id: string }>).map((i) => i.id)

    beforeAll(async () => {
      opened = await backend.make()
      running = await start(opened, {}, cheapSettings)
      await seedDemo(running, 20)
    }, 60_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
    })

    it("M23.1 GET /workflows/inbox holds the demo transfer for the sending school only, then for its bureau; GET /workflows lists it for every party", async () => {
      const inbox = await (await as("ia-jaxx")).get("/workflows/inbox")
      expect(inbox.status).toBe(200)
      expect(inbox.body.next).toBeUndefined()
      expect(inbox.body.items).toHaveLength(1)
      const item = inbox.body.items[0]
      expect(item).toMatchObject({
        id: transferId,
        kind: "transfer",
        from: { id: "jaxx", kind: "school" },
        to: { id: "xlzx", kind: "school" },
        effective: Demo.demoTransfer.effective,
        state: "awaitingSendingSchool",
        open: true,
        next: { party: "sendingSchool", units: ["jaxx"] },
        version: 2
      })
      expect(item.steps.map((s: { type: string; actor: string }) => [s.type, s.actor])).toEqual([
        ["initiate", "ia-xlzx"],
        ["confirm", "ia-xiling"]
      ])
      // The stored context holds the teacher's identity number: the listing never shows it.
      expect(JSON.stringify(inbox.body)).not.toMatch(/identityNumber|\d{17}[\dX]/)
      // The query-er of the school reads the same inbox; the other parties' inboxes are empty.
      expect(ids(await (await as("iq-jaxx")).get("/workflows/inbox"))).toEqual([transferId])
      for (const other of ["ia-jiangan", "ia-xiling", "ia-xlzx", "ia-hubei"]) {
        expect([other, ids(await (await as(other)).get("/workflows/inbox"))]).toEqual([other, []])
      }
      // Every party lists it among its processes; the province is no party.
      for (const party of ["ia-jaxx", "ia-jiangan", "ia-xiling", "ia-xlzx"]) {
        expect([party, ids(await (await as(party)).get("/workflows?scope=mine"))]).toEqual([party, [transferId]])
      }
      expect(ids(await (await as("ia-jiangan")).get("/workflows"))).toEqual([transferId])
      expect(ids(await (await as("ia-hubei")).get("/workflows"))).toEqual([])
      // Filters.
      const jaxx = await as("ia-jaxx")
      expect(ids(await jaxx.get("/workflows/inbox?kind=rotation"))).toEqual([])
      expect(ids(await jaxx.get("/workflows/inbox?state=awaitingSendingSchool&kind=transfer"))).toEqual([transferId])
      expect(ids(await jaxx.get("/workflows?state=completed"))).toEqual([])
      expect((await jaxx.get("/workflows/inbox?state=nowhere")).status).toBe(400)
      expect((await jaxx.get("/workflows?scope=everything")).status).toBe(400)
      expect((await jaxx.get("/workflows/inbox?limit=0")).status).toBe(400)
      // /workflows/inbox does not shadow a process's own path.
      expect((await jaxx.get(`/workflows/${transferId}`)).body).toMatchObject({ id: transferId })

      // The sending school confirms: the transfer moves to its bureau's inbox.
      const confirmed = await jaxx.post(`/workflows/${transferId}/actions`, { type: "confirm", expectedVersion: 2 })
      expect(confirmed.status).toBe(200)
      expect(ids(await jaxx.get("/workflows/inbox"))).toEqual([])
      const bureau = await (await as("ia-jiangan")).get("/workflows/inbox")
      expect(bureau.body.items.map((i: { id: string; next: unknown }) => [i.id, i.next])).toEqual([
        [
          transferId,
          {
            party: "sendingBureau",
            zh: "调出学校主管教育行政部门",
            en: "the sending school's competent bureau",
            units: ["jiangan"]
          }
        ]
      ])
    })

    it("M13.2 M14.3 the listings of processes are refused to a system admin and to anyone without a session", async () => {
      for (const path of ["/workflows/inbox", "/workflows"]) {
        const refused = await (await as("sa-jaxx")).get(path)
        expect([path, refused.status, refused.body.rule, refused.body.kind]).toEqual([path, 403, "M13.2", "forbidden"])
        expect((await client(running.url).get(path)).status).toBe(401)
      }
    })

    it("M37.1 GET /audit: the root's system admin searches every record by actor, object, rule and period, page by page", async () => {
      // A refusal to find by its rule.
      expect((await (await as("sa-jaxx")).get("/workflows/inbox")).status).toBe(403)
      const root = await as("sa-hubei")
      const byObject = await root.get(`/audit?object=${encodeURIComponent(`workflow:${transferId}`)}`)
      expect(byObject.status).toBe(200)
      expect(byObject.body.items.length).toBeGreaterThanOrEqual(2)
      expect(
        byObject.body.items.slice(0, 2).map((r: { action: string; actor: string }) => [r.action, r.actor])
      ).toEqual([
        ["transfer.initiate", "ia-xlzx"],
        ["transfer.confirm", "ia-xiling"]
      ])
      const refusals = await root.get("/audit?rule=M13.2")
      expect(refusals.body.items.length).toBeGreaterThan(0)
      for (const r of refusals.body.items) expect(r.details.rule).toBe("M13.2")
      expect(refusals.body.items.map((r: { actor: string }) => r.actor)).toContain("sa-jaxx")
      const byActor = await all("sa-hubei", "/audit?actor=ia-xlzx", 1000)
      expect(byActor.length).toBeGreaterThan(0)
      for (const r of byActor) expect(r.actor).toBe("ia-xlzx")
      // The bootstrap is of no unit: the root sees it.
      const system = await root.get("/audit?actor=system")
      expect(system.body.items.length).toBeGreaterThan(0)
      expect(system.body.items[0]).not.toHaveProperty("unitId")
      // Periods: days are UTC days, the last one included.
      const today = new Date().toISOString().slice(0, 10)
      expect((await root.get(`/audit?actor=ia-xlzx&from=${today}&to=${today}`)).body.items.length).toBe(byActor.length)
      expect((await root.get("/audit?actor=ia-xlzx&to=2000-01-01")).body.items).toEqual([])
      const invalid = await root.get("/audit?from=2026-02-30")
      expect([invalid.status, invalid.body.kind, invalid.body.rule]).toEqual([422, "invalid", "M37.1"])
      // Pages of one hold the same records as one page.
      const paged = await all("sa-hubei", "/audit?actor=ia-xlzx", 1)
      expect(paged.map((r) => r.seq)).toEqual(byActor.map((r) => r.seq))
    })

    it("M37.1 M13.2 GET /audit within the caller's subtree: a county's system admin reads its schools' records, not the province's; an info admin is refused", async () => {
      const county = await all("sa-jiangan", "/audit", 1000)
      expect(county.length).toBeGreaterThan(0)
      const actors = new Set(county.map((r) => r.actor))
      expect(actors.has("ia-jaxx")).toBe(true)
      for (const outside of ["ia-hubei", "sa-hubei", "ia-xlzx", "system", "anonymous"]) {
        expect([outside, actors.has(outside)]).toEqual([outside, false])
      }
      // A school's system admin does not see its bureau's records.
      expect((await (await as("sa-jaxx")).get("/audit?actor=ia-jiangan")).body.items).toEqual([])
      const refused = await (await as("ia-hubei")).get("/audit")
      expect([refused.status, refused.body.rule]).toEqual([403, "M13.3"])
      // Each search is audited, under the searching account.
      const searches = (await all("sa-hubei", "/audit?actor=sa-jaxx", 1000)).filter((r) => r.action === "audit.search")
      expect(searches.length).toBeGreaterThan(0)
    })

    it("M13.2 M15.1 GET /units/{unitId}/accounts: for the unit's system admin and those above it, never the identity numbers; others refused", async () => {
      const own = await all("sa-jaxx", "/units/jaxx/accounts", 1000)
      expect(own.map((a) => a.id)).toEqual(["ia-jaxx", "iq-jaxx", "sa-jaxx"])
      expect(own.find((a) => a.id === "ia-jaxx")).toMatchObject({ role: "infoAdmin", unitId: "jaxx", status: "active" })
      expect(JSON.stringify(own)).not.toMatch(/identityNumber|\d{17}[\dX]/)
      expect((await all("sa-jaxx", "/units/jaxx/accounts", 1)).map((a) => a.id)).toEqual([
        "ia-jaxx",
        "iq-jaxx",
        "sa-jaxx"
      ])
      for (const above of ["sa-jiangan", "sa-wuhan", "sa-hubei"]) {
        expect([above, (await all(above, "/units/jaxx/accounts", 1000)).map((a) => a.id)]).toEqual([
          above,
          ["ia-jaxx", "iq-jaxx", "sa-jaxx"]
        ])
      }
      const up = await (await as("sa-jaxx")).get("/units/jiangan/accounts")
      expect([up.status, up.body.rule]).toEqual([403, "M14.3"])
      const infoAdmin = await (await as("ia-jaxx")).get("/units/jaxx/accounts")
      expect([infoAdmin.status, infoAdmin.body.rule]).toEqual([403, "M13.3"])
      expect((await (await as("sa-jaxx")).get("/units/nowhere/accounts")).status).toBe(404)
      // The listing is audited.
      const listed = (await all("sa-hubei", "/audit?object=unit%3Ajaxx", 1000)).filter(
        (r) => r.action === "account.list"
      )
      expect(listed.map((r) => r.actor)).toEqual(
        expect.arrayContaining(["sa-jaxx", "sa-jiangan", "sa-wuhan", "sa-hubei"])
      )
    })

    it("M37.1 GET /audit with a cursor that is no record's sequence number answers 422 naming `after`, never a 500", async () => {
      const admin = await as("sa-hubei")
      // On Postgres these reached the store as NaN, Infinity or 1e40 and failed the query (500).
      for (const after of ["abc", "1e309", "9".repeat(40), "-1", "1.5", "a b"]) {
        const reply = await admin.get(`/audit?limit=5&after=${encodeURIComponent(after)}`)
        expect([after, reply.status, reply.body.kind, reply.body.details?.field]).toEqual([
          after,
          422,
          "invalid",
          "after"
        ])
      }
      const first = await admin.get("/audit?limit=5")
      expect(first.status).toBe(200)
      const next = await admin.get(`/audit?limit=5&after=${first.body.next}`)
      expect(next.status).toBe(200)
      expect(next.body.items[0].seq).toBeGreaterThan(first.body.items.at(-1).seq)
    })

    it("M23.1 M37.1 a process whose reasons hold U+0000 breaks no listing: the inbox, a unit's processes, statistics and the audit search by rule still answer", async () => {
      // On Postgres one such process made every query reading the stored contexts fail: the inboxes, the listings and
      // the statistics of the whole province answered 500 from then on.
      const demo = await (await as("ia-jaxx")).get(`/workflows/${transferId}`)
      const teachers = await (await as("ia-jaxx")).get("/units/jaxx/efiles?limit=1000")
      const teacher = teachers.body.items.find(
        (t: { id: string; unitId: string }) => t.unitId === "jaxx" && t.id !== demo.body.teacherId
      )
      const initiated = await (await as("ia-xlzx")).post("/transfers", {
        teacherId: teacher.id,
        toUnitId: "xlzx",
        effective: "2027-03-01",
        reason: "工作\u0000需要"
      })
      expect(initiated.status).toBe(201)
      const inbox = await (await as("ia-xiling")).get("/workflows/inbox")
      expect(inbox.status).toBe(200)
      expect(ids(inbox)).toContain(initiated.body.id)
      const rejected = await (await as("ia-xiling")).post(`/workflows/${initiated.body.id}/actions`, {
        type: "reject",
        reason: "\u0000",
        expectedVersion: initiated.body.version
      })
      expect(rejected.status).toBe(200)
      const mine = await (await as("ia-xlzx")).get("/workflows?state=rejected")
      expect(mine.status).toBe(200)
      const item = mine.body.items.find((i: { id: string }) => i.id === initiated.body.id)
      // Stored as sent: the reason is the caller's text, U+0000 included.
      expect(item.steps.at(-1)).toMatchObject({ type: "reject", detail: "\u0000" })
      for (const [account, path] of [
        ["ia-jaxx", "/workflows/inbox"],
        ["ia-jiangan", "/workflows?scope=mine"],
        ["ia-jiangan", "/units/jiangan/statistics/status?day=2027-06-01"],
        ["sa-hubei", "/audit?rule=M14.3"]
      ] as const) {
        const reply = await (await as(account)).get(path)
        expect([path, reply.status]).toEqual([path, 200])
      }
    })

    // Last of the file: it renames the demo school jaxx.
    it("M12.2 M14.3 GET /units/{unitId}/versions: every version oldest first, for whoever may read the unit; a sibling's account refused; a missing unit 404", async () => {
      // Two dated renames through the core (the API has no endpoint to change a unit).
      await running.run(
        Effect.gen(function* () {
          const ia = yield* Accounts.actorOf("ia-jiangan")
          yield* Units.change(ia, "jaxx", { _tag: "Rename", name: "江岸区实验学校" }, "2020-09-01", 1)
          yield* Units.change(ia, "jaxx", { _tag: "Rename", name: "江岸区实验学校（本部）" }, "2023-03-01", 2)
        })
      )
      const expected = [
        { version: 1, validFrom: "2017-03-31", name: "江岸区实验小学" },
        { version: 2, validFrom: "2020-09-01", name: "江岸区实验学校" },
        { version: 3, validFrom: "2023-03-01", name: "江岸区实验学校（本部）" }
      ]
      const own = await all("ia-jaxx", "/units/jaxx/versions", 1000)
      expect(own).toMatchObject(expected.map((v) => ({ ...v, id: "jaxx", kind: "school", parentId: "jiangan" })))
      expect(own.map((v) => v.status)).toEqual(["open", "open", "open"])
      // Page by page, the same versions.
      expect((await all("ia-jaxx", "/units/jaxx/versions", 1)).map((v) => v.version)).toEqual([1, 2, 3])
      // The last version in force is the unit as GET /units/{unitId} shows it.
      const { version: _version, ...latest } = own[2]!
      expect((await (await as("ia-jaxx")).get("/units/jaxx")).body).toEqual(latest)
      // The unit's own accounts and those of the units above it, of every role that reads units.
      for (const reader of ["sa-jaxx", "iq-jaxx", "ia-jiangan", "iq-jiangan", "sa-wuhan", "iq-hubei", "ia-hubei"]) {
        const versions = (await all(reader, "/units/jaxx/versions", 2)).map((v) => [v.version, v.validFrom, v.name])
        expect([reader, versions]).toEqual([reader, expected.map((v) => [v.version, v.validFrom, v.name])])
      }
      // A sibling school's account, and the accounts of another county, are refused (M14.3).
      for (const [account, path] of [
        ["ia-jaxx", "/units/whez/versions"],
        ["ia-xlzx", "/units/jaxx/versions"],
        ["ia-xiling", "/units/jaxx/versions"]
      ] as const) {
        const refused = await (await as(account)).get(path)
        expect([account, refused.status, refused.body.kind, refused.body.rule]).toEqual([
          account,
          403,
          "forbidden",
          "M14.3"
        ])
      }
      // Nor may an account read the versions of the unit above its own.
      expect((await (await as("ia-jaxx")).get("/units/jiangan/versions")).body.rule).toBe("M14.3")
      const missing = await (await as("ia-jaxx")).get("/units/nowhere/versions")
      expect([missing.status, missing.body.kind]).toEqual([404, "notFound"])
      const cursor = await (await as("ia-jaxx")).get("/units/jaxx/versions?after=abc")
      expect([cursor.status, cursor.body.rule, cursor.body.details?.field]).toEqual([422, "M12.2", "after"])
      expect((await (await as("ia-jaxx")).get("/units/jaxx/versions?limit=0")).status).toBe(400)
    })
  })
}
