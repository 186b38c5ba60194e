import { randomBytes } from "node:crypto"
import { Accounts, Audit, Auth, type Settings, Statistics, Storage, Training, type Unit } from "@tmis/core"
import { Effect, Exit, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Database from "../src/Database.js"
import * as Demo from "../src/Demo.js"
import { type Backend, backends, sqlite } from "./support.js"

const sortedUnits = (storage: Storage.Storage["Type"], rootPath: string) =>
  Effect.gen(function* () {
    const all: Array<Unit.Unit> = []
    let after: string | undefined
    do {
      const page = yield* storage.units.subtree(rootPath, { after, limit: 100 })
      all.push(...page.items)
      after = page.next
    } while (after !== undefined)
    return all
  })

/** Counts that a seed would change: units, accounts, e-files, the audit log's length and head. */
const snapshot = Effect.gen(function* () {
  const storage = yield* Storage.Storage
  const units = yield* sortedUnits(storage, "/hubei/")
  let accounts = 0
  for (const u of units) accounts += (yield* storage.accounts.byUnit(u.id)).length
  const audit = yield* Audit.verifyAuditLog
  const teachers = yield* Statistics.countByStatus(yield* Accounts.actorOf("iq-hubei"), "hubei", "2099-12-31")
  return { units: units.length, accounts, audit, teachers }
})

for (const backend of backends) {
  describe(`the demo province on ${backend.name}`, () => {
    let opened: Backend
    let layer: Layer.Layer<Storage.Storage | Settings.Settings, unknown>
    let seeded: Demo.SeedResult | undefined
    let seconds = 0
    const progress: Array<[number, number]> = []

    const run = <A, E>(effect: Effect.Effect<A, E, Storage.Storage | Settings.Settings>) =>
      Effect.runPromise(Effect.provide(effect, layer))

    beforeAll(async () => {
      opened = await backend.make()
      layer = Layer.merge(Database.storageLayer({ url: opened.url }), Demo.settingsLayer)
      const started = performance.now()
      seeded = await run(Demo.seed({ onProgress: (done, total) => progress.push([done, total]) }))
      seconds = (performance.now() - started) / 1000
      console.info(`demo seed on ${backend.name}: ${seconds.toFixed(2)} s for ${seeded?.teachers} teachers`)
    }, 60_000)

    afterAll(async () => {
      await opened?.drop()
    })

    it("M2.2 the demo province has its bureaus at every level and eight schools, one directly under the province", async () => {
      const units = await run(Effect.flatMap(Storage.Storage, (s) => sortedUnits(s, "/hubei/")))
      const byKind = (kind: Unit.Kind) => units.filter((u) => u.kind === kind).length
      expect(units).toHaveLength(16)
      expect([byKind("province"), byKind("city"), byKind("county"), byKind("school")]).toEqual([1, 2, 5, 8])
      expect(units.find((u) => u.id === "xiantao")?.parentId).toBe("hubei")
      expect(units.find((u) => u.id === "hubu")?.parentId).toBe("hubei")
    })

    it("M15.1 accounts are handed down level by level in the demo province", async () => {
      const all = await run(
        Effect.gen(function* () {
          const storage = yield* Storage.Storage
          const units = yield* sortedUnits(storage, "/hubei/")
          const accounts = []
          for (const u of units) {
            for (const a of yield* storage.accounts.byUnit(u.id)) accounts.push({ account: a, unit: u })
          }
          return accounts
        })
      )
      expect(all).toHaveLength(36)
      for (const { account, unit } of all) {
        const expected =
          account.role !== "systemAdmin"
            ? `sa-${unit.id}`
            : unit.parentId === undefined
              ? undefined
              : `sa-${unit.parentId}`
        expect(account.createdBy, account.id).toBe(expected)
      }
      // The only account created by no one is the root's system admin, at bootstrap.
      expect(all.filter(({ account }) => account.createdBy === undefined).map(({ account }) => account.id)).toEqual([
        "sa-hubei"
      ])
    })

    it("M37.2 the printed demo passwords log in and must be changed first, the root's included", async () => {
      expect(seeded).toBeDefined()
      const printed = seeded!.accounts
      expect(printed.map((a) => a.id)).toContain("sa-hubei")
      expect(printed.map((a) => a.role)).toEqual(expect.arrayContaining(["systemAdmin", "infoAdmin", "infoQueryer"]))
      const root = printed.find((a) => a.id === "sa-hubei")!
      expect(root).toMatchObject({ role: "systemAdmin", unitId: "hubei", unitName: "湖北省教育厅" })
      // Set by an administrator (or, for the root, by the system): the MLPS policy has it changed at first login.
      const rootLogin = await run(Auth.login(root.id, root.password, `s-${randomBytes(8).toString("hex")}`))
      expect(rootLogin).toEqual({ outcome: "mustChangePassword", session: undefined })
      const schoolAdmin = printed.find((a) => a.id === "ia-jaxx")!
      const schoolLogin = await run(Auth.login(schoolAdmin.id, schoolAdmin.password, "s-ia-jaxx"))
      expect(schoolLogin.outcome).toBe("mustChangePassword")
      const wrong = await run(Effect.exit(Auth.login(root.id, "Wrong#2026-hubei", "s-wrong")))
      expect(Exit.isFailure(wrong)).toBe(true)
    })

    it("M25.2 the demo's training provider authenticates with the key the seed returns, and with no other", async () => {
      const { id, key } = seeded!.provider
      const provider = await run(Training.authenticateProvider(id, key))
      expect(provider).toMatchObject({ providerId: id, status: "active" })
      const wrong = await run(
        Effect.exit(Training.authenticateProvider(id, `${key.slice(0, -1)}${key.endsWith("0") ? "1" : "0"}`))
      )
      expect(Exit.isFailure(wrong)).toBe(true)
    })

    it("M16.2 the demo e-files are all there, spread over every school, as many as the seed says", async () => {
      const counted = await run(
        Effect.gen(function* () {
          const storage = yield* Storage.Storage
          const queryer = yield* Accounts.actorOf("iq-hubei")
          const byStatus = yield* Statistics.countByStatus(queryer, "hubei", "2099-12-31")
          const perSchool: Record<string, number> = {}
          let after: string | undefined
          do {
            const page = yield* storage.teachers.subtree("/hubei/", { after, limit: 1000 })
            for (const efile of page.items) perSchool[efile.unitId] = (perSchool[efile.unitId] ?? 0) + 1
            after = page.next
          } while (after !== undefined)
          return { byStatus, perSchool }
        })
      )
      expect(seeded!.teachers).toBe(300)
      expect(Object.values(counted.byStatus).reduce((a, b) => a + b, 0)).toBe(300)
      expect(counted.byStatus.serving).toBe(300)
      expect(Object.keys(counted.perSchool).sort()).toEqual(
        ["hsyey", "hspz", "hubu", "jaxx", "whez", "xlzx", "xtzz", "ylxx"].sort()
      )
    })

    it("the demo seeds exactly one open transfer, waiting for the sending school", async () => {
      const open = await run(
        Effect.gen(function* () {
          const storage = yield* Storage.Storage
          const found: Array<Storage.Workflow> = []
          let after: string | undefined
          do {
            const page = yield* storage.teachers.subtree("/hubei/", { after, limit: 1000 })
            for (const efile of page.items) {
              for (const w of yield* storage.workflows.byTeacher(efile.id)) if (w.value.open) found.push(w.value)
            }
            after = page.next
          } while (after !== undefined)
          return found
        })
      )
      expect(open).toHaveLength(1)
      expect(open[0]).toMatchObject({ id: seeded!.transferId, kind: "transfer", state: "awaitingSendingSchool" })
    })

    it("the demo's audit log is one intact hash chain", async () => {
      const verified = await run(Audit.verifyAuditLog)
      expect(verified._tag).toBe("Intact")
    })

    it("the progress reaches its total, never going back", () => {
      expect(progress.length).toBeGreaterThan(10)
      const [done, total] = progress[progress.length - 1]!
      expect(done).toBe(total)
      expect(progress.every(([d, t], i) => d <= t && (i === 0 || d >= progress[i - 1]![0]))).toBe(true)
    })

    it("M15.1 a second seed finds the province and changes nothing", async () => {
      const before = await run(snapshot)
      const again = await run(Demo.seed())
      const after = await run(snapshot)
      expect(again).toBeUndefined()
      expect(after).toEqual(before)
      expect(before.audit._tag).toBe("Intact")
    })
  })
}

describe("the demo seed's options", () => {
  it("refuses a number of teachers it cannot make distinct identity numbers for", async () => {
    const store = await sqlite()
    try {
      const layer = Layer.merge(Database.storageLayer({ url: store.url }), Demo.settingsLayer)
      for (const teachers of [0, 1.5, Demo.maxTeachers + 1]) {
        const exit = await Effect.runPromiseExit(Effect.provide(Demo.seed({ teachers }), layer))
        expect(Exit.isFailure(exit), String(teachers)).toBe(true)
      }
    } finally {
      await store.drop()
    }
  })
})
