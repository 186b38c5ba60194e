/**
 * Idempotency keys through HTTP, on every backend (M23.2, M24.1, M24.3): a retried POST /transfers or /rotations with
 * the same `Idempotency-Key` and body answers the first answer (the server generates the process id per request,
 * and the retry still finds the first process); a key is the account's own; the same key with another body is a 409
 * naming its rule; and the 409 of a second open process names the open one.
 */
import { type Audit, type EFile, Storage, Units, Workflows } from "@tmis/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Demo from "../src/Demo.js"
import { actingAs, type Backend, backends, cheapSettings, type Running, seedDemo, start } from "./support.js"

const effective = "2027-03-01"
const period = { start: "2027-09-01", end: "2028-08-31" }

for (const backend of backends) {
  describe(`idempotency keys over HTTP on ${backend.name}`, () => {
    let opened: Backend
    let running: Running

    /** A client acting as a demo account (logged in once, its initial password changed). */
    const as = actingAs(() => running)

    /** The e-files kept by `unitId` itself, but the demo transfer's teacher. */
    const teachersOf = async (unitId: string): Promise<ReadonlyArray<EFile.EFile>> => {
      const transfer = await running.run(Workflows.get(Demo.demoTransfer.id))
      const page = await running.run(
        Effect.gen(function* () {
          const unit = yield* Units.load(unitId)
          return yield* (yield* Storage.Storage).teachers.subtree(unit.value.path, { limit: 1000 })
        })
      )
      return page.items.filter((t) => t.unitId === unitId && t.id !== transfer.value.teacherId)
    }

    const processesOf = (teacherId: EFile.TeacherId) =>
      running.run(Effect.flatMap(Storage.Storage, (s) => s.workflows.byTeacher(teacherId)))

    /** The audit records of one object. */
    const auditOf = (object: string) =>
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
          return all.filter((r) => r.object === object)
        })
      )

    let jaxx: ReadonlyArray<EFile.EFile>
    let xlzx: ReadonlyArray<EFile.EFile>

    beforeAll(async () => {
      opened = await backend.make()
      running = await start(opened, {}, cheapSettings)
      await seedDemo(running)
      jaxx = await teachersOf("jaxx")
      xlzx = await teachersOf("xlzx")
      if (jaxx.length < 3 || xlzx.length < 1) throw new Error("the demo has too few teachers for this suite")
    }, 60_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
    })

    it("M23.2 a retried POST /transfers with the same Idempotency-Key and body answers the first answer: same status, same process, written once", async () => {
      const receiving = await as("ia-xlzx")
      const body = { teacherId: jaxx[0]!.id, toUnitId: "xlzx", effective, reason: "工作需要" }
      const first = await receiving.post("/transfers", body, { "idempotency-key": "retry-1" })
      expect(first.status).toBe(201)
      const again = await receiving.post("/transfers", body, { "idempotency-key": "retry-1" })
      expect([again.status, again.body]).toEqual([first.status, first.body])
      expect((await processesOf(body.teacherId)).map((w) => w.value.id)).toEqual([first.body.id])
      expect((await auditOf(`workflow:${first.body.id}`)).map((r) => r.action)).toEqual(["transfer.initiate"])
    })

    it("M24.1 a retried POST /rotations with the same Idempotency-Key and body answers the first answer: same status, same process, written once", async () => {
      const dispatching = await as("ia-jaxx")
      const body = {
        teacherId: jaxx[1]!.id,
        toUnitId: "whez",
        personnelRelationChanges: false,
        period,
        reason: "城乡教师交流"
      }
      // The key ia-xlzx used above: another account's, so no collision.
      const first = await dispatching.post("/rotations", body, { "idempotency-key": "retry-1" })
      expect(first.status).toBe(201)
      const again = await dispatching.post("/rotations", body, { "idempotency-key": "retry-1" })
      expect([again.status, again.body]).toEqual([first.status, first.body])
      expect((await processesOf(body.teacherId)).map((w) => w.value.id)).toEqual([first.body.id])
      expect((await auditOf(`workflow:${first.body.id}`)).map((r) => r.action)).toEqual(["rotation.initiate"])
    })

    it("M23.2 an Idempotency-Key is the account's own: another account sending the same key gets its own answer", async () => {
      const mine = await (await as("ia-xlzx")).post(
        "/transfers",
        { teacherId: jaxx[2]!.id, toUnitId: "xlzx", effective, reason: "工作需要" },
        { "idempotency-key": "shared" }
      )
      const theirs = await (await as("ia-jaxx")).post(
        "/transfers",
        { teacherId: xlzx[0]!.id, toUnitId: "jaxx", effective, reason: "工作需要" },
        { "idempotency-key": "shared" }
      )
      expect([mine.status, theirs.status]).toEqual([201, 201])
      expect(theirs.body.id).not.toBe(mine.body.id)
      expect([mine.body.teacherId, theirs.body.teacherId]).toEqual([jaxx[2]!.id, xlzx[0]!.id])
    })

    it("M23.2 the same Idempotency-Key with another body answers 409 Conflict naming the rule and the key, nothing written", async () => {
      const receiving = await as("ia-xlzx")
      const before = await processesOf(jaxx[0]!.id)
      const other = await receiving.post(
        "/transfers",
        { teacherId: jaxx[0]!.id, toUnitId: "xlzx", effective, reason: "另一理由" },
        { "idempotency-key": "retry-1" }
      )
      expect(other.status).toBe(409)
      expect(other.body).toMatchObject({ _tag: "Conflict", rule: "M23.2", details: { idempotencyKey: "retry-1" } })
      expect(await processesOf(jaxx[0]!.id)).toEqual(before)
    })

    it("M23.2 a confirmation carries no reason and a rejection must: either body is refused with 400, so that a retry's body is compared whole", async () => {
      const school = await as("ia-jaxx")
      const path = `/workflows/${Demo.demoTransfer.id}/actions`
      const before = await running.run(Workflows.get(Demo.demoTransfer.id))
      const withReason = await school.post(path, { type: "confirm", reason: "同意", expectedVersion: before.version })
      expect(withReason.status).toBe(400)
      const withoutReason = await school.post(path, { type: "reject", expectedVersion: before.version })
      expect(withoutReason.status).toBe(400)
      const emptyReason = await school.post(path, { type: "withdraw", reason: "", expectedVersion: before.version })
      expect(emptyReason.status).toBe(400)
      expect((await running.run(Workflows.get(Demo.demoTransfer.id))).version).toBe(before.version)
    })

    it("M24.3 a second process of a teacher in an open one answers 409 naming the open process, its id and kind", async () => {
      const transfer = await running.run(Workflows.get(Demo.demoTransfer.id))
      const teacherId = transfer.value.teacherId
      const asTransfer = await (await as("ia-xlzx")).post("/transfers", {
        teacherId,
        toUnitId: "xlzx",
        effective,
        reason: "工作需要"
      })
      expect(asTransfer.status).toBe(409)
      expect(asTransfer.body).toMatchObject({
        _tag: "Conflict",
        rule: "M24.3",
        details: { id: Demo.demoTransfer.id, kind: "transfer" }
      })
      const asRotation = await (await as("ia-jaxx")).post(
        "/rotations",
        { teacherId, toUnitId: "whez", personnelRelationChanges: false, period, reason: "城乡教师交流" },
        { "idempotency-key": "second-open" }
      )
      expect(asRotation.status).toBe(409)
      expect(asRotation.body).toMatchObject({
        _tag: "Conflict",
        rule: "M24.3",
        details: { id: Demo.demoTransfer.id, kind: "transfer" }
      })
      expect((await processesOf(teacherId)).map((w) => w.value.id)).toEqual([Demo.demoTransfer.id])
    })
  })
}
