/**
 * Object-level authorization over HTTP (OWASP ASVS V8; M14.3, M13.*, M20.1): every endpoint that names an object —
 * a unit, an account, an e-file, an entry, a change request, a transfer, an import batch — refuses an actor whose
 * unit's subtree does not hold the object, whatever the actor's role: 403 or 404, never a success, nothing changed
 * in the store, and the refusal in the audit log under the response's request id (M37.1).
 *
 * The hierarchy is the demo province's, which is a real one: Hubei › Wuhan › Jiang'an › two sibling schools
 * (jaxx, whez), and Hubei › Yichang › Xiling › xlzx beside Yiling. Every role (system admin, info admin, info
 * query-er) gets an account with a password at every one of these units, through the core services. Positive
 * examples at the school level show that the same requests do work inside the subtree, so that the refusals are
 * not those of a broken server.
 */
import { type Account, Accounts, Auth, EFiles, Storage } from "@tmis/core"
import { exampleBasicInfo } from "@tmis/testkit/arbitraries"
import { Effect, Option } from "effect"
import * as fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Demo from "../src/Demo.js"
import { type Attacked, differenceOf, type StoreReader, send, snapshotOf, startAttacked } from "./hostile.js"
import { backends, identityNumber, loginAll, type Running } from "./support.js"

// ---------------------------------------------------------------------------------------------------------------
// The hierarchy, the actors and the objects
// ---------------------------------------------------------------------------------------------------------------

/** The units every role gets an account at, with their parents (from the demo). */
const levels: ReadonlyArray<{ readonly id: string; readonly parent: string | undefined; readonly home: string }> = [
  { id: "hubei", parent: undefined, home: "420106" },
  { id: "wuhan", parent: "hubei", home: "420102" },
  { id: "jiangan", parent: "wuhan", home: "420102" },
  { id: "jaxx", parent: "jiangan", home: "420102" },
  { id: "whez", parent: "jiangan", home: "420102" },
  { id: "yichang", parent: "hubei", home: "420502" },
  { id: "xiling", parent: "yichang", home: "420502" },
  { id: "xlzx", parent: "xiling", home: "420502" },
  { id: "yiling", parent: "yichang", home: "420506" }
]

const roles = [
  { prefix: "sa", role: "systemAdmin" },
  { prefix: "ia", role: "infoAdmin" },
  { prefix: "iq", role: "infoQueryer" }
] as const

interface Actor {
  readonly id: string
  readonly role: Account.Role
  readonly unitId: string
  token: string
}

type ObjectKind = "unit" | "school" | "account" | "efile" | "entry" | "changeRequest" | "workflow" | "batch"

/** An object an endpoint names: its id, the units that hold it (a transfer has two parties), its version. */
interface Target {
  readonly kind: ObjectKind
  readonly id: string
  readonly owners: ReadonlyArray<string>
  readonly version: number
  /** For an entry: its e-file; for an e-file: its basic-information entry. */
  readonly related?: string
}

const today = () => new Date().toISOString().slice(0, 10)

/** The `n`-th of a run of distinct valid identity numbers: one birthday per number. */
const distinctIdentity = (n: number) => {
  const birth = new Date(Date.UTC(1970, 0, 1) + n * 86_400_000).toISOString().slice(0, 10)
  return { birth, number: identityNumber("420102", birth, 101) }
}

/** The basic information of a new hire: valid for any school stage (the demo's teachers look the same). */
const newHire = (unitId: string, n: number) => ({
  unitId,
  basicInfo: exampleBasicInfo({
    name: "测试教师",
    sex: "1",
    idNumber: distinctIdentity(7000 + n).number,
    birthDate: distinctIdentity(7000 + n).birth,
    schoolEntryMonth: "2012-09"
  }),
  employment: { onEstablishment: true, postCategory: "1" }
})

// ---------------------------------------------------------------------------------------------------------------
// The suites
// ---------------------------------------------------------------------------------------------------------------

for (const { name, make } of backends) {
  describe(`object-level authorization (${name})`, () => {
    let attacked: Attacked
    let running: Running
    let reader: StoreReader
    const actors: Array<Actor> = []
    const paths = new Map<string, string>()
    const kinds = new Map<string, string>()
    const targets: Array<Target> = []
    let fresh = 0
    const next = () => `oa-${++fresh}`

    const actor = (id: string) => actors.find((a) => a.id === id)!
    const call = (as: Actor, method: string, path: string, body?: unknown, contentType = "application/json") =>
      send(
        running.url,
        method,
        path,
        {
          authorization: `Bearer ${as.token}`,
          ...(body === undefined ? {} : { "content-type": contentType })
        },
        body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body))
      )

    /** Is `target` outside the subtree of `as`'s unit (none of the units holding it lies in that subtree)? */
    const outside = (as: Actor, target: Target) =>
      target.owners.every((owner) => !paths.get(owner)!.startsWith(paths.get(as.unitId)!))

    beforeAll(async () => {
      attacked = await startAttacked(make)
      running = attacked.running
      reader = attacked.reader

      // Every role at every level, each with a password set by its manager (M13.2, M15.1).
      await running.run(
        Effect.gen(function* () {
          const storage = yield* Storage.Storage
          let sequence = 600
          for (const level of levels) {
            for (const { prefix, role } of roles) {
              const id = `${prefix}-${level.id}`
              if (Option.isNone(yield* storage.accounts.get(id as Account.AccountId))) {
                const systemAdmin = yield* Accounts.actorOf(`sa-${level.id}`)
                yield* Accounts.create(
                  systemAdmin,
                  {
                    id,
                    role,
                    person: { name: "测试员", identityNumber: identityNumber(level.home, "19800101", sequence++) }
                  },
                  level.id
                )
              }
              if (Option.isNone(yield* storage.credentials.get(id as Account.AccountId))) {
                const manager = role === "systemAdmin" ? `sa-${level.parent}` : `sa-${level.id}`
                yield* Auth.setPassword(yield* Accounts.actorOf(manager), id, Demo.demoPassword)
              }
            }
          }
        })
      )
      const everyone = levels.flatMap((level) =>
        roles.map(({ prefix, role }) => ({ id: `${prefix}-${level.id}`, role, unitId: level.id }))
      )
      const tokens = await loginAll(
        running.url,
        everyone.map((a) => a.id)
      )
      for (const a of everyone) actors.push({ ...a, token: tokens.get(a.id)! })

      // Change requests (M19.2) need effective entries: the school approves a basic-information entry, its bureau
      // too, and the school asks for a change — one in jaxx, its sibling whez and in xlzx.
      const efilesOf = async (unitId: string) => {
        const page = await call(actor("ia-hubei"), "GET", `/units/${unitId}/efiles?limit=1000`)
        return page.body.items as ReadonlyArray<{ id: string; unitId: string }>
      }
      // The basic-information entry of an e-file with its version, from the store: the API's e-file read does not
      // show entry versions (its Entry schema drops the field the handler adds).
      const entryOf = async (teacherId: string) => {
        const row = (await reader.rows("entries")).find(
          (e) => e.teacher_id === teacherId && e.group_key === "basicInfo"
        )!
        return { id: String(row.id), version: Number(row.version) }
      }
      const requests = new Map<string, string>()
      for (const [school, bureau] of [
        ["jaxx", "jiangan"],
        ["whez", "jiangan"],
        ["xlzx", "xiling"]
      ] as const) {
        const efile = (await efilesOf(school)).at(-1)!
        const entry = await entryOf(efile.id)
        const requestId = await running.run(
          Effect.gen(function* () {
            const schoolAdmin = yield* Accounts.actorOf(`ia-${school}`)
            const approved = yield* EFiles.review(
              schoolAdmin,
              entry.id,
              { type: "approveBySchool", collectiveReview: "集体审核会议纪要", principal: "校长", signedOn: today() },
              entry.version
            )
            const effective = yield* EFiles.review(
              yield* Accounts.actorOf(`ia-${bureau}`),
              entry.id,
              { type: "approveByBureau" },
              approved.version
            )
            expect(effective.value.review.state).toBe("effective")
            const request = yield* EFiles.requestChange(schoolAdmin, {
              id: `cr-${school}`,
              entryId: entry.id,
              change: { politicalStatus: "01" },
              reason: "更正政治面貌"
            })
            return request.value.id
          })
        )
        requests.set(school, requestId)
      }

      // Import batches (M16.2): one uploaded by the info admin of jaxx, one by the info admin of xlzx.
      const batches: Array<Target> = []
      for (const school of ["jaxx", "xlzx"]) {
        const csv = Buffer.from(`\uFEFF姓名,性别\n测试${school},1\n`)
        const upload = await call(
          actor(`ia-${school}`),
          "POST",
          `/units/${school}/imports?format=csv`,
          csv,
          "application/octet-stream"
        )
        expect(upload.status, upload.text).toBe(202)
        for (let i = 0; i < 200; i++) {
          const progress = await call(actor(`ia-${school}`), "GET", `/imports/${upload.body.batchId}`)
          if (progress.body.state !== "running") break
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        batches.push({ kind: "batch", id: upload.body.batchId, owners: [school], version: 0 })
      }

      // The objects, as an admin at the top sees them.
      const tree = await call(actor("sa-hubei"), "GET", "/units/hubei/subtree?limit=1000")
      for (const unit of tree.body.items as ReadonlyArray<{ id: string; kind: string; path: string }>) {
        paths.set(unit.id, unit.path)
        kinds.set(unit.id, unit.kind)
        targets.push({ kind: unit.kind === "school" ? "school" : "unit", id: unit.id, owners: [unit.id], version: 0 })
      }
      const accounts = await reader.rows("accounts")
      for (const account of accounts) {
        targets.push({
          kind: "account",
          id: String(account.id),
          owners: [String(account.unit_id)],
          version: Number(account.version)
        })
      }
      for (const school of ["jaxx", "whez", "xlzx", "ylxx", "hsyey"]) {
        for (const efile of (await efilesOf(school)).slice(0, 3)) {
          const read = await call(actor("ia-hubei"), "GET", `/efiles/${efile.id}`)
          const entry = await entryOf(efile.id)
          targets.push({ kind: "efile", id: efile.id, owners: [school], version: read.body.version, related: entry.id })
          targets.push({ kind: "entry", id: entry.id, owners: [school], version: entry.version, related: efile.id })
        }
      }
      for (const [school, id] of requests) targets.push({ kind: "changeRequest", id, owners: [school], version: 1 })
      const workflow = await call(actor("ia-hubei"), "GET", "/workflows/tr-demo-jaxx-xlzx")
      expect(workflow.status, workflow.text).toBe(200)
      targets.push({
        kind: "workflow",
        id: "tr-demo-jaxx-xlzx",
        owners: ["jaxx", "xlzx"],
        version: workflow.body.version
      })
      targets.push(...batches)
    }, 180_000)

    afterAll(async () => {
      await attacked?.close()
    })

    /** A request of an endpoint about one object. */
    interface Probe {
      readonly endpoint: string
      readonly kind: ObjectKind | ReadonlyArray<ObjectKind>
      readonly request: (
        target: Target,
        as: Actor
      ) => { readonly method: string; readonly path: string; readonly body?: unknown; readonly contentType?: string }
    }

    const someTeacherOutside = (target: Target) =>
      targets.find((t) => t.kind === "efile" && !t.owners.some((o) => target.owners.includes(o)))!.id

    /** Every endpoint that names an object, with a request it accepts from an actor who has the authority. */
    const probes: ReadonlyArray<Probe> = [
      {
        endpoint: "GET /units/{unitId}",
        kind: ["unit", "school"],
        request: (t) => ({ method: "GET", path: `/units/${t.id}` })
      },
      {
        endpoint: "GET /units/{unitId}/subtree",
        kind: ["unit", "school"],
        request: (t) => ({ method: "GET", path: `/units/${t.id}/subtree` })
      },
      {
        endpoint: "GET /units/{unitId}/versions",
        kind: ["unit", "school"],
        request: (t) => ({ method: "GET", path: `/units/${t.id}/versions` })
      },
      {
        endpoint: "POST /units/{unitId}/units",
        kind: ["unit", "school"],
        request: (t) => {
          const id = next()
          const below = { province: "city", city: "county", county: "school", school: "department" } as const
          const child = below[kinds.get(t.id) as keyof typeof below] ?? "department"
          return {
            method: "POST",
            path: `/units/${t.id}/units`,
            body: {
              id,
              kind: child,
              name: `测试单位${id}`,
              code: child === "school" ? `21420${String(90000 + fresh)}` : `9${String(10000 + fresh)}`,
              validFrom: "2024-01-01",
              ...(child === "school" ? { school: { schoolType: "211", sponsor: "21" } } : {})
            }
          }
        }
      },
      {
        endpoint: "POST /units/{unitId}/accounts",
        kind: ["unit", "school"],
        request: (t, as) => ({
          method: "POST",
          path: `/units/${t.id}/accounts`,
          body: {
            id: next(),
            // The one role its actor could ever create (M13.2, M15.1), so that only the scope refuses.
            role: as.role === "systemAdmin" ? "infoQueryer" : "infoAdmin",
            person: { name: "测试人", identityNumber: distinctIdentity(5000 + fresh).number }
          }
        })
      },
      {
        endpoint: "GET /units/{unitId}/efiles",
        kind: ["unit", "school"],
        request: (t) => ({ method: "GET", path: `/units/${t.id}/efiles` })
      },
      {
        endpoint: "GET /units/{unitId}/statistics/status",
        kind: ["unit", "school"],
        request: (t) => ({ method: "GET", path: `/units/${t.id}/statistics/status?day=${today()}` })
      },
      {
        endpoint: "POST /units/{unitId}/imports",
        kind: "school",
        request: (t) => ({
          method: "POST",
          path: `/units/${t.id}/imports?format=csv`,
          body: Buffer.from(`\uFEFF姓名,性别\n${next()},1\n`),
          contentType: "application/octet-stream"
        })
      },
      {
        endpoint: "POST /efiles",
        kind: "school",
        request: (t) => ({ method: "POST", path: "/efiles", body: newHire(t.id, ++fresh) })
      },
      {
        endpoint: "POST /transfers",
        kind: "school",
        request: (t) => ({
          method: "POST",
          path: "/transfers",
          body: { teacherId: someTeacherOutside(t), toUnitId: t.id, effective: "2027-09-01", reason: "工作需要" }
        })
      },
      {
        endpoint: "POST /accounts/{accountId}/disable",
        kind: "account",
        request: (t) => ({ method: "POST", path: `/accounts/${t.id}/disable`, body: { expectedVersion: t.version } })
      },
      {
        endpoint: "PUT /accounts/{accountId}/password",
        kind: "account",
        request: (t) => ({
          method: "PUT",
          path: `/accounts/${t.id}/password`,
          body: { password: "Reset#2026-passw0rd" }
        })
      },
      {
        endpoint: "PUT /accounts/{accountId}/certificate",
        kind: "account",
        request: (t) => ({
          method: "PUT",
          path: `/accounts/${t.id}/certificate`,
          body: {
            fingerprint: "ab".repeat(32),
            notBefore: "2024-01-01T00:00:00Z",
            notAfter: "2030-01-01T00:00:00Z",
            expectedVersion: t.version
          }
        })
      },
      {
        endpoint: "GET /efiles/{teacherId}",
        kind: "efile",
        request: (t) => ({ method: "GET", path: `/efiles/${t.id}` })
      },
      {
        endpoint: "POST /efiles/{teacherId}/entries",
        kind: "efile",
        request: (t) => ({
          method: "POST",
          path: `/efiles/${t.id}/entries`,
          body: { group: "workHistory", data: { employer: "测试单位", startMonth: "2010-09" } }
        })
      },
      {
        endpoint: "POST /efiles/{teacherId}/status",
        kind: "efile",
        request: (t) => ({
          method: "POST",
          path: `/efiles/${t.id}/status`,
          body: { status: "notServing", effective: today(), reason: "furtherStudy", expectedVersion: t.version }
        })
      },
      {
        endpoint: "POST /rotations",
        kind: "efile",
        request: (t) => ({
          method: "POST",
          path: "/rotations",
          body: {
            teacherId: t.id,
            toUnitId: t.owners[0] === "ylxx" ? "xlzx" : "ylxx",
            personnelRelationChanges: false,
            period: { start: "2027-09-01", end: "2028-07-31" },
            reason: "交流轮岗"
          }
        })
      },
      {
        endpoint: "POST /entries/{entryId}/review",
        kind: "entry",
        request: (t) => ({
          method: "POST",
          path: `/entries/${t.id}/review`,
          body: {
            command: { type: "approveBySchool", collectiveReview: "集体审核", principal: "校长", signedOn: today() },
            expectedVersion: t.version
          }
        })
      },
      {
        endpoint: "POST /entries/{entryId}/change-requests",
        kind: "entry",
        request: (t) => ({
          method: "POST",
          path: `/entries/${t.id}/change-requests`,
          body: { change: { politicalStatus: "01" }, reason: "更正" }
        })
      },
      {
        endpoint: "POST /change-requests/{requestId}/approve",
        kind: "changeRequest",
        request: (t) => ({
          method: "POST",
          path: `/change-requests/${t.id}/approve`,
          body: { expectedVersion: t.version }
        })
      },
      {
        endpoint: "POST /change-requests/{requestId}/refuse",
        kind: "changeRequest",
        request: (t) => ({
          method: "POST",
          path: `/change-requests/${t.id}/refuse`,
          body: { reason: "不符", expectedVersion: t.version }
        })
      },
      {
        endpoint: "GET /workflows/{workflowId}",
        kind: "workflow",
        request: (t) => ({ method: "GET", path: `/workflows/${t.id}` })
      },
      {
        endpoint: "POST /workflows/{workflowId}/actions",
        kind: "workflow",
        request: (t) => ({
          method: "POST",
          path: `/workflows/${t.id}/actions`,
          body: { type: "confirm", expectedVersion: t.version }
        })
      },
      {
        endpoint: "GET /imports/{batchId}",
        kind: "batch",
        request: (t) => ({ method: "GET", path: `/imports/${t.id}` })
      },
      {
        endpoint: "GET /imports/{batchId}/report",
        kind: "batch",
        request: (t) => ({ method: "GET", path: `/imports/${t.id}/report` })
      }
    ]

    it("the hierarchy has every role at every level, and objects outside each actor's subtree", () => {
      expect(actors).toHaveLength(levels.length * roles.length)
      for (const probe of probes) {
        const kinds = typeof probe.kind === "string" ? [probe.kind] : probe.kind
        const pairs = actors.flatMap((a) =>
          targets.filter((t) => kinds.includes(t.kind) && outside(a, t)).map((t) => [a, t])
        )
        expect(pairs.length, probe.endpoint).toBeGreaterThan(0)
      }
    })

    for (const probe of probes) {
      it(`M14.3 ${probe.endpoint} refuses every actor outside the object's subtree (403/404, nothing changed, audited)`, async () => {
        const kinds = typeof probe.kind === "string" ? [probe.kind] : probe.kind
        const pairs = actors.flatMap((a) =>
          targets
            .filter((t) => kinds.includes(t.kind) && outside(a, t))
            .map((t) => ({ actor: a.id, object: t.id, kind: t.kind }))
        )
        const before = await snapshotOf(reader)
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...pairs), async ({ actor: actorId, object }) => {
            const as = actor(actorId)
            const target = targets.find((t) => t.id === object)!
            const request = probe.request(target, as)
            const answer = await call(as, request.method, request.path, request.body, request.contentType)
            const what = `${as.id} ${request.method} ${request.path} → ${answer.status} ${answer.text.slice(0, 300)}`
            expect([403, 404], what).toContain(answer.status)
            expect(differenceOf(before, await snapshotOf(reader)), what).toBeUndefined()
            const requestId = answer.headers["x-request-id"]
            expect(requestId, what).toBeTypeOf("string")
            const audited = await reader.auditOf(String(requestId))
            expect(
              audited.some((r) => r.outcome === "refused"),
              `${what}: audit ${JSON.stringify(audited)}`
            ).toBe(true)
          }),
          { numRuns: 12 }
        )
      }, 120_000)
    }

    // ── Inside the subtree the same requests work ─────────────────────────────────────────────────────────────

    const inSchool = (school: string) => targets.find((t) => t.kind === "efile" && t.owners[0] === school)!

    it("M13.3 the info admin of a school reads an e-file of its own school in full", async () => {
      const answer = await call(actor("ia-jaxx"), "GET", `/efiles/${inSchool("jaxx").id}`)
      expect(answer.status, answer.text).toBe(200)
      expect(answer.body.masked).toBe(false)
      expect(answer.body.efile.idNumber).toMatch(/^\d{17}[\dX]$/)
      const xlzx = await call(actor("ia-xlzx"), "GET", `/efiles/${inSchool("xlzx").id}`)
      expect(xlzx.status, xlzx.text).toBe(200)
      expect(xlzx.body.masked).toBe(false)
    })

    it("M13.4 the info query-er of a school reads an e-file of its own school, masked", async () => {
      for (const school of ["jaxx", "xlzx"]) {
        const full = await call(actor(`ia-${school}`), "GET", `/efiles/${inSchool(school).id}`)
        const idNumber = String(full.body.efile.idNumber)
        const answer = await call(actor(`iq-${school}`), "GET", `/efiles/${inSchool(school).id}`)
        expect(answer.status, answer.text).toBe(200)
        expect(answer.body.masked).toBe(true)
        expect(answer.body.efile.idNumber).not.toBe(idNumber)
        // Nowhere in the answer: not in the entries' data, not in their review records.
        expect(answer.text.includes(idNumber), answer.text.slice(0, 1500)).toBe(false)
      }
      const list = await call(actor("iq-jaxx"), "GET", "/units/jaxx/efiles")
      expect(list.status, list.text).toBe(200)
      expect(list.body.items.length).toBeGreaterThan(0)
    })

    it("M13.2 the system admin of a school reads its own unit and subtree, not the e-files", async () => {
      for (const path of ["/units/jaxx", "/units/jaxx/subtree"]) {
        const answer = await call(actor("sa-jaxx"), "GET", path)
        expect(answer.status, answer.text).toBe(200)
      }
      const efile = await call(actor("sa-jaxx"), "GET", `/efiles/${inSchool("jaxx").id}`)
      expect(efile.status).toBe(403)
      expect(efile.body.rule).toBe("M13.2")
    })

    it("M23.1 both schools of a transfer, and the uploader of a batch, may follow them", async () => {
      for (const id of ["ia-jaxx", "ia-xlzx", "iq-jaxx"]) {
        const answer = await call(actor(id), "GET", "/workflows/tr-demo-jaxx-xlzx")
        expect(answer.status, `${id}: ${answer.text}`).toBe(200)
      }
      for (const batch of targets.filter((t) => t.kind === "batch")) {
        const answer = await call(actor(`ia-${batch.owners[0]}`), "GET", `/imports/${batch.id}`)
        expect(answer.status, answer.text).toBe(200)
      }
    })
  })
}
