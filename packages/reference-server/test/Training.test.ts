/**
 * Training credits and the credit bank over HTTP on every backend, on the demo province (M25.1–M25.3, M25.5, O9.1):
 * the plan and its providers by level, results only from a project's own provider for its enrolled teachers,
 * confirmation by the unit the project's kind names, rejection and resubmission, the ledger and its reversals.
 * (M25.4 needs a national unit, which a provincial deployment has not: it is proven by the storage conformance suite.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { actingAs, type Backend, backends, cheapSettings, client, type Running, seedDemo, start } from "./support.js"

const project = (id: string, kind: string, providerId: string, more: Record<string, unknown> = {}) => ({
  id,
  name: `培训项目${id}`,
  kind,
  hours: 60,
  form: "course",
  providerId,
  from: "2025-03-01",
  to: "2025-06-30",
  capacity: 30,
  ...more
})

for (const backend of backends) {
  describe(`training credits over HTTP on ${backend.name}`, () => {
    let opened: Backend
    let running: Running
    let teacher: string
    const as = actingAs(() => running)
    const provider = (id: string, key: string) => {
      const api = client(running.url)
      const headers = { "x-provider-id": id, "x-provider-key": key }
      return { post: (path: string, body: unknown) => api.post(path, body, headers) }
    }

    beforeAll(async () => {
      opened = await backend.make()
      running = await start(opened, {}, cheapSettings)
      await seedDemo(running, 20)
      const efiles = await (await as("ia-jaxx")).get("/units/jaxx/efiles?limit=1")
      teacher = efiles.body.items[0].id
    }, 90_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
    })

    it("M25.3 the demo province has a project with a provider, results waiting for 江岸区 and confirmed credits", async () => {
      const county = await as("ia-jiangan")
      const waiting = await county.get("/training/results/awaiting")
      const demo = waiting.body.items.filter((r: { readonly projectId: string }) => r.projectId === "tp-demo-jiangan")
      expect(demo.map((r: { readonly id: string }) => r.id)).toEqual(["tr-demo-2", "tr-demo-3"])
      const confirmed = await county.get("/training/results/tr-demo-1")
      expect([confirmed.status, confirmed.body.state]).toEqual([200, "confirmed"])
      const ledger = await county.get(`/efiles/${confirmed.body.teacherId}/credits`)
      expect(ledger.body.balance.available).toEqual({ hours: 36, credits: 3.6 })
    })

    it("M25.1 a bureau enters its own level's projects and registers their providers; no other level's", async () => {
      const county = await as("ia-jiangan")
      const registered = await county.post("/training/providers", { id: "pv-county", name: "江岸区教师进修学校" })
      expect(registered.status).toBe(201)
      expect(registered.body.provider).toMatchObject({ id: "pv-county", ownerUnitId: "jiangan", status: "active" })
      expect(typeof registered.body.key).toBe("string")
      expect(JSON.stringify(registered.body)).not.toContain("keyHash")
      expect((await county.post("/training/projects", project("c1", "county", "pv-county"))).status).toBe(201)
      const wrongLevel = await county.post("/training/projects", project("c2", "provincial", "pv-county"))
      expect([wrongLevel.status, wrongLevel.body.rule]).toEqual([422, "M25.1"])
      const school = await (await as("ia-jaxx")).post("/training/projects", project("c3", "county", "pv-county"))
      expect([school.status, school.body.rule]).toEqual([422, "M25.1"])
      const queryer = await (await as("iq-jiangan")).post("/training/projects", project("c4", "county", "pv-county"))
      expect(queryer.status).toBe(403)
      const listed = await (await as("iq-jiangan")).get("/units/jiangan/training/projects")
      expect(listed.body.items.map((p: { readonly id: string }) => p.id)).toEqual(["c1", "tp-demo-jiangan"])
    })

    it("M25.2 a provider submits results only for teachers enrolled in its own projects, with its key", async () => {
      const county = await as("ia-jiangan")
      const own = await county.post("/training/providers", { id: "pv-own", name: "机构甲" })
      const other = await county.post("/training/providers", { id: "pv-other", name: "机构乙" })
      await county.post("/training/projects", project("c5", "county", "pv-own"))
      const result = { id: "r5", projectId: "c5", teacherId: teacher, hours: 36, completedOn: "2025-06-30" }
      const wrongKey = await provider("pv-own", "not-the-key").post("/provider/results", result)
      expect([wrongKey.status, wrongKey.body.rule]).toEqual([401, "M25.2"])
      const notEnrolled = await provider("pv-own", own.body.key).post("/provider/results", result)
      expect([notEnrolled.status, notEnrolled.body.rule]).toEqual([403, "M25.2"])
      expect(
        (await (await as("ia-jaxx")).post("/training/projects/c5/enrolments", { teacherId: teacher })).status
      ).toBe(201)
      const notOwn = await provider("pv-other", other.body.key).post("/provider/results", result)
      expect([notOwn.status, notOwn.body.rule]).toEqual([403, "M25.2"])
      const submitted = await provider("pv-own", own.body.key).post("/provider/results", result)
      expect(submitted.status).toBe(201)
      expect(submitted.body).toMatchObject({ state: "submitted", confirmerUnitId: "jiangan", rule: "M25.3" })
      // A disabled provider's key is refused.
      expect((await county.post("/training/providers/pv-other/disable", { version: 1 })).status).toBe(200)
      const disabled = await provider("pv-other", other.body.key).post("/provider/results", { ...result, id: "r6" })
      expect(disabled.status).toBe(401)
    })

    it("M25.3 the owning bureau confirms or rejects; the provider corrects and resubmits; the credits are booked", async () => {
      const county = await as("ia-jiangan")
      const pv = await county.post("/training/providers", { id: "pv-c7", name: "机构丙" })
      await county.post("/training/projects", project("c7", "county", "pv-c7"))
      await (await as("ia-jaxx")).post("/training/projects/c7/enrolments", { teacherId: teacher })
      const result = { id: "r7", projectId: "c7", teacherId: teacher, hours: 60, completedOn: "2025-06-30" }
      await provider("pv-c7", pv.body.key).post("/provider/results", result)
      const inbox = await county.get("/training/results/awaiting")
      expect(inbox.body.items.map((r: { readonly id: string }) => r.id)).toContain("r7")
      const bySchool = await (await as("ia-jaxx")).post("/training/results/r7/confirm", { version: 1 })
      expect([bySchool.status, bySchool.body.rule]).toEqual([403, "M25.3"])
      const rejected = await county.post("/training/results/r7/reject", { version: 1, reason: "学时与签到表不符" })
      expect([rejected.status, rejected.body.state]).toEqual([200, "returned"])
      const resubmitted = await provider("pv-c7", pv.body.key).post("/provider/results/r7/resubmission", {
        version: 2,
        hours: 30,
        completedOn: "2025-06-30",
        note: "按签到表更正"
      })
      expect([resubmitted.status, resubmitted.body.state, resubmitted.body.submission]).toEqual([200, "submitted", 2])
      const confirmed = await county.post("/training/results/r7/confirm", { version: 3 })
      expect([confirmed.status, confirmed.body.state]).toEqual([200, "confirmed"])
      const ledger = await (await as("ia-jaxx")).get(`/efiles/${teacher}/credits`)
      expect(ledger.status).toBe(200)
      const entry = ledger.body.entries.find((e: { readonly projectId: string }) => e.projectId === "c7")
      expect(entry).toMatchObject({ kind: "confirm", hours: 30, credits: 3, unitId: "jiangan" })
      const again = await county.post("/training/results/r7/confirm", { version: 4 })
      expect([again.status, again.body.rule]).toEqual([422, "M25.3"])
    })

    it("M25.5 a school's school-based plan and its credits are reviewed by the competent bureau", async () => {
      const school = await as("ia-jaxx")
      const pv = await school.post("/training/providers", { id: "pv-jaxx", name: "江岸区实验小学教研组" })
      const created = await school.post(
        "/training/projects",
        project("sb1", "schoolBased", "pv-jaxx", { form: "practice" })
      )
      expect([created.status, created.body.plan]).toEqual([201, "proposed"])
      const early = await school.post("/training/projects/sb1/enrolments", { teacherId: teacher })
      expect([early.status, early.body.rule]).toEqual([422, "M25.5"])
      const self = await school.post("/training/projects/sb1/approval", { version: 1 })
      expect([self.status, self.body.rule]).toEqual([403, "M25.5"])
      const approved = await (await as("ia-jiangan")).post("/training/projects/sb1/approval", { version: 1 })
      expect([approved.status, approved.body.plan]).toEqual([200, "approved"])
      expect((await school.post("/training/projects/sb1/enrolments", { teacherId: teacher })).status).toBe(201)
      const submitted = await provider("pv-jaxx", pv.body.key).post("/provider/results", {
        id: "rsb1",
        projectId: "sb1",
        teacherId: teacher,
        hours: 40,
        completedOn: "2025-05-01"
      })
      expect(submitted.body).toMatchObject({ confirmerUnitId: "jiangan", rule: "M25.5" })
      const bySchool = await school.post("/training/results/rsb1/confirm", { version: 1 })
      expect([bySchool.status, bySchool.body.rule]).toEqual([403, "M25.5"])
      expect((await (await as("ia-jiangan")).post("/training/results/rsb1/confirm", { version: 1 })).status).toBe(200)
    })

    it("O9.1 a teacher's ledger: entries only appended; a correction is a reversing entry, once", async () => {
      const reader = await as("ia-jaxx")
      const before = await reader.get(`/efiles/${teacher}/credits`)
      const entry = before.body.entries.find((e: { readonly projectId: string }) => e.projectId === "sb1")
      expect(entry).toMatchObject({ kind: "confirm", hours: 40, credits: 2 })
      const bySchool = await reader.post(`/efiles/${teacher}/credits/${entry.id}/reversal`, {
        reason: "重复",
        key: "k1"
      })
      expect([bySchool.status, bySchool.body.rule]).toEqual([403, "O9.1"])
      const county = await as("ia-jiangan")
      const reversed = await county.post(`/efiles/${teacher}/credits/${entry.id}/reversal`, {
        reason: "重复登记",
        key: "k1"
      })
      expect([reversed.status, reversed.body.kind]).toEqual([201, "reverse"])
      const retried = await county.post(`/efiles/${teacher}/credits/${entry.id}/reversal`, {
        reason: "重复登记",
        key: "k1"
      })
      expect([retried.status, retried.body.id]).toEqual([201, reversed.body.id])
      const twice = await county.post(`/efiles/${teacher}/credits/${entry.id}/reversal`, { reason: "再次", key: "k2" })
      expect([twice.status, twice.body.rule]).toEqual([409, "O9.1"])
      const after = await reader.get(`/efiles/${teacher}/credits`)
      expect(after.body.entries).toHaveLength(before.body.entries.length + 1)
      expect(after.body.balance.available.credits).toBe(before.body.balance.available.credits - 2)
      expect(after.body.balance.reversed.credits).toBe(2)
      const outside = await (await as("ia-xlzx")).get(`/efiles/${teacher}/credits`)
      expect(outside.status).toBe(403)
    })

    it("M25.3 O9.1 a page of the inbox confirmed at once: each result confirmed and booked once, a refused one answered as alone", async () => {
      const county = await as("ia-jiangan")
      const waiting = await county.get("/training/results/awaiting")
      const page = waiting.body.items
        .filter((r: { readonly projectId: string }) => r.projectId === "tp-demo-jiangan")
        .map((r: { readonly id: string; readonly version: number }) => ({ resultId: r.id, version: r.version }))
      expect(page).toHaveLength(2)
      const items = [...page, { resultId: "r7", version: 4 }, { resultId: "tr-none", version: 1 }]
      // Not the confirming unit: each refused with the route's rule, nothing confirmed.
      const bySchool = await (await as("ia-jaxx")).post("/training/confirmations", { items: page })
      expect(
        bySchool.body.items.map((i: { readonly outcome: string; readonly status: number; readonly rule: string }) => [
          i.outcome,
          i.status,
          i.rule
        ])
      ).toEqual([
        ["refused", 403, "M25.3"],
        ["refused", 403, "M25.3"]
      ])
      const confirmed = await county.post("/training/confirmations", { items })
      expect(confirmed.status).toBe(200)
      expect(
        confirmed.body.items.map(
          (i: { readonly resultId: string; readonly outcome: string; readonly status?: number }) => [
            i.resultId,
            i.outcome,
            i.status
          ]
        )
      ).toEqual([
        [page[0].resultId, "confirmed", undefined],
        [page[1].resultId, "confirmed", undefined],
        ["r7", "refused", 422],
        ["tr-none", "refused", 404]
      ])
      expect(confirmed.body.items[0].result.state).toBe("confirmed")
      const result = await county.get(`/training/results/${page[0].resultId}`)
      const ledger = await county.get(`/efiles/${result.body.teacherId}/credits`)
      expect(
        ledger.body.entries.filter((e: { readonly key: string }) => e.key === `result:${page[0].resultId}`)
      ).toEqual([expect.objectContaining({ id: confirmed.body.items[0].entryId, kind: "confirm" })])
      // Again: already confirmed, booked once; an empty batch, or a malformed one, is refused whole.
      const again = await county.post("/training/confirmations", {
        items: page.map((i: { readonly resultId: string }) => ({ ...i, version: 2 }))
      })
      expect(again.body.items.map((i: { readonly status: number }) => i.status)).toEqual([422, 422])
      const after = await county.get(`/efiles/${result.body.teacherId}/credits`)
      expect(after.body.entries).toHaveLength(ledger.body.entries.length)
      expect((await county.post("/training/confirmations", { items: [] })).status).toBe(400)
      expect((await county.post("/training/confirmations", { items: [{ resultId: "x" }] })).status).toBe(400)
    })
  })
}
