/**
 * Searching e-files within one's scope and a unit's change requests, through real HTTP on every backend, on the demo
 * province: the filters of `GET /units/{unitId}/efiles` (name, identity number, status, stage, entries awaiting
 * review) against the unfiltered listing filtered here, paged; the query-er's masked search without an identity
 * number (M13.4, M37.2); and `GET /units/{unitId}/change-requests` (M19.2) — who may call it and what comes back.
 */
import { type EFile, EFileFilter, Storage } from "@tmis/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { actingAs, type Backend, backends, cheapSettings, type Running, seedDemo, start } from "./support.js"

interface Item {
  readonly id: string
  readonly name: string
  readonly idNumber: string
  readonly status: string
  readonly stage: string
  readonly path: string
}

for (const backend of backends) {
  describe(`searching e-files and a unit's change requests over HTTP on ${backend.name}`, () => {
    let opened: Backend
    let running: Running
    const as = actingAs(() => running)

    /** Every item of a listing, following `next` at `limit` a page; every page but the last is full. */
    const all = async (accountId: string, path: string, limit: number): Promise<Array<Item>> => {
      const api = await as(accountId)
      const items: Array<Item> = []
      let after: string | undefined
      do {
        const separator = path.includes("?") ? "&" : "?"
        const query = `limit=${limit}${after === undefined ? "" : `&after=${encodeURIComponent(after)}`}`
        const reply = await api.get(`${path}${separator}${query}`)
        expect([path, reply.status]).toEqual([path, 200])
        if (reply.body.next !== undefined) expect(reply.body.items.length).toBe(limit)
        items.push(...reply.body.items)
        after = reply.body.next
      } while (after !== undefined)
      return items
    }

    /** The review states of the entries of each e-file, read from the store. */
    const statesOf = (ids: ReadonlyArray<string>) =>
      running.run(
        Effect.gen(function* () {
          const s = yield* Storage.Storage
          const states = new Map<string, ReadonlyArray<Pick<EFile.Entry, "review">>>()
          for (const id of ids) {
            states.set(
              id,
              (yield* s.entries.byTeacher(id as EFile.TeacherId)).map((e) => e.value)
            )
          }
          return states
        })
      )

    beforeAll(async () => {
      opened = await backend.make()
      running = await start(opened, {}, cheapSettings)
      await seedDemo(running, 20)
    }, 120_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
    })

    it("M13.3 GET /units/{unitId}/efiles with filters gives the unfiltered listing filtered, in path order, a full page at a time", async () => {
      const everyone = await all("ia-jiangan", "/units/jiangan/efiles", 1000)
      expect(everyone.length).toBeGreaterThan(3)
      const first = everyone[0]!
      // What the store holds of each e-file's entries: the expectation of `pendingReview`.
      const states = await statesOf(everyone.map((e) => e.id))
      const filters: ReadonlyArray<[string, EFileFilter.Filter]> = [
        [`name=${encodeURIComponent(first.name.slice(0, 1))}`, { name: first.name.slice(0, 1) }],
        [`name=${encodeURIComponent(first.name)}`, { name: first.name }],
        [`idNumber=${first.idNumber.toLowerCase()}`, { idNumber: first.idNumber }],
        ["status=serving", { status: "serving" }],
        ["status=retired", { status: "retired" }],
        [`stage=${first.stage}`, { stage: first.stage } as EFileFilter.Filter],
        ["pendingReview=true", { pendingReview: true }],
        ["pendingReview=false", { pendingReview: false }],
        [
          `name=${encodeURIComponent(first.name.slice(0, 1))}&status=serving&pendingReview=true`,
          { name: first.name.slice(0, 1), status: "serving", pendingReview: true }
        ]
      ]
      for (const [query, filter] of filters) {
        const expected = everyone
          .filter((e) => EFileFilter.matches(filter, e as unknown as EFile.EFile, states.get(e.id) ?? []))
          .map((e) => e.id)
        const got = await all("ia-jiangan", `/units/jiangan/efiles?${query}`, 2)
        expect([query, got.map((e) => e.id)]).toEqual([query, expected])
      }
      expect(
        (await all("ia-jiangan", `/units/jiangan/efiles?idNumber=${first.idNumber}`, 10)).map((e) => e.id)
      ).toEqual([first.id])
      // Out of the caller's subtree stays out, whatever the filter (M14.3).
      const other = await (await as("ia-xlzx")).get(`/units/jiangan/efiles?idNumber=${first.idNumber}`)
      expect([other.status, other.body.rule]).toEqual([403, "M14.3"])
    })

    it("M37.2 an info query-er searches by name and sees the numbers masked; an identity-number filter is refused with 403, found or not", async () => {
      const everyone = await all("ia-jiangan", "/units/jiangan/efiles", 1000)
      const first = everyone[0]!
      const queryer = await as("iq-jiangan")
      const named = await queryer.get(`/units/jiangan/efiles?name=${encodeURIComponent(first.name)}`)
      expect(named.status).toBe(200)
      expect(named.body.items.map((e: Item) => e.id)).toContain(first.id)
      for (const e of named.body.items as ReadonlyArray<Item>) expect(e.idNumber).toContain("*")
      for (const number of [first.idNumber, "11010519491231002X"]) {
        const refused = await queryer.get(`/units/jiangan/efiles?idNumber=${number}`)
        expect([refused.status, refused.body.rule, refused.body.kind]).toEqual([403, "M37.2", "forbidden"])
        expect(JSON.stringify(refused.body)).not.toContain(number)
      }
    })

    it("M13.3 a malformed filter is refused with 400: an unknown status or stage, a pending-review flag that is not true or false, an empty name", async () => {
      const api = await as("ia-jiangan")
      for (const query of ["status=working", "stage=college", "pendingReview=yes", "name=%20%20", "idNumber=4201-02"]) {
        expect([query, (await api.get(`/units/jiangan/efiles?${query}`)).status]).toEqual([query, 400])
      }
    })

    it("M19.2 GET /units/{unitId}/change-requests: the requests on the subtree's e-files by state, for info admins of the unit or above", async () => {
      const school = await as("ia-jaxx")
      const bureau = await as("ia-jiangan")
      const mine = await all("ia-jaxx", "/units/jaxx/efiles?pendingReview=true", 1000)
      const teacher = mine[0]!
      const read = await school.get(`/efiles/${teacher.id}`)
      const basic = read.body.entries.find((e: { group: string }) => e.group === "basicInfo")
      let version = basic.version as number
      if (basic.review.state === "submitted") {
        const approved = await school.post(`/entries/${basic.id}/review`, {
          command: {
            type: "approveBySchool",
            collectiveReview: "2026-校务会-01",
            principal: "张校长",
            signedOn: "2026-11-01"
          },
          expectedVersion: version
        })
        expect(approved.status).toBe(200)
        version = approved.body.version
      }
      const effective = await bureau.post(`/entries/${basic.id}/review`, {
        command: { type: "approveByBureau" },
        expectedVersion: version
      })
      expect(effective.status).toBe(200)
      const made = await school.post(`/entries/${basic.id}/change-requests`, {
        change: { staffNumber: "A-0001" },
        reason: "补录工号"
      })
      expect(made.status).toBe(201)
      const requestId = made.body.id as string

      const listed = await school.get("/units/jaxx/change-requests")
      expect(listed.status).toBe(200)
      expect(listed.body.next).toBeUndefined()
      expect(listed.body.items).toEqual([
        expect.objectContaining({
          id: requestId,
          entryId: basic.id,
          teacherId: teacher.id,
          teacher: teacher.idNumber,
          unitId: "jaxx",
          status: "requested",
          change: { staffNumber: "A-0001" },
          reason: "补录工号",
          version: 1
        })
      ])
      for (const [who, unit] of [
        ["ia-jiangan", "jiangan"],
        ["ia-hubei", "hubei"],
        ["ia-jiangan", "jaxx"]
      ] as const) {
        const ids = (await all(who, `/units/${unit}/change-requests?state=requested`, 1)).map((r) => r.id)
        expect([who, unit, ids]).toEqual([who, unit, [requestId]])
      }
      expect((await bureau.get("/units/jiangan/change-requests?state=applied")).body.items).toEqual([])
      expect((await (await as("ia-hubei")).get("/units/xlzx/change-requests")).body.items).toEqual([])

      const refused = await bureau.post(`/change-requests/${requestId}/refuse`, {
        reason: "工号有误",
        expectedVersion: 1
      })
      expect(refused.status).toBe(200)
      const after = await bureau.get("/units/jiangan/change-requests?state=refused")
      expect(
        after.body.items.map((r: { id: string; version: number; refusal: string }) => [r.id, r.version, r.refusal])
      ).toEqual([[requestId, 2, "工号有误"]])
      expect((await bureau.get("/units/jiangan/change-requests?state=requested")).body.items).toEqual([])

      for (const [who, unit, rule] of [
        ["iq-jaxx", "jaxx", "M13.4"],
        ["sa-jaxx", "jaxx", "M13.2"],
        ["ia-jaxx", "jiangan", "M14.3"],
        ["ia-xlzx", "jaxx", "M14.3"]
      ] as const) {
        const reply = await (await as(who)).get(`/units/${unit}/change-requests`)
        expect([who, unit, reply.status, reply.body.rule]).toEqual([who, unit, 403, rule])
      }
      expect((await bureau.get("/units/jiangan/change-requests?state=open")).status).toBe(400)
    })
  })
}
