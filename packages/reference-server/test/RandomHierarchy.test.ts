/**
 * Object-level authorization through the server on random hierarchies (M14.3; OWASP ASVS V8): for hierarchies drawn
 * by the test kit, every role of every unit addresses units outside its subtree with every endpoint that names a
 * unit, and is refused — never a 2xx, nothing written, the refusal audited under the request's id.
 *
 * The units, accounts and sessions are written straight into the store (the rules of creating them are tested
 * elsewhere); a session is a token whose SHA-256 is the stored session id, as after a login.
 */
import { createHash, randomBytes } from "node:crypto"
import type { Account, Unit } from "@tmis/core"
import { Day, Settings, Storage } from "@tmis/core"
import * as Arbitraries from "@tmis/testkit/arbitraries"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { client, identityNumber, type Running, sqlite, start } from "./support.js"

const roles: ReadonlyArray<Account.Role> = ["systemAdmin", "infoAdmin", "infoQueryer"]

/** Every endpoint that names a unit, with a body that would be accepted inside the actor's scope. */
const probes = (target: string, day: string): ReadonlyArray<readonly [string, string, unknown]> => [
  ["GET", `/units/${target}`, undefined],
  ["GET", `/units/${target}/subtree`, undefined],
  ["GET", `/units/${target}/efiles`, undefined],
  ["GET", `/units/${target}/statistics/status?day=${day}`, undefined],
  [
    "POST",
    `/units/${target}/accounts`,
    {
      id: `new-${randomBytes(4).toString("hex")}`,
      role: "infoQueryer",
      person: { name: "王五", identityNumber: identityNumber("420102", "1980-01-01", 901) }
    }
  ],
  [
    "POST",
    `/units/${target}/units`,
    { id: `dept-${randomBytes(4).toString("hex")}`, kind: "department", name: "教务处", code: "D99", validFrom: day }
  ]
]

/** Units, then one account of each role per unit with a live session; returns the tokens. */
const populate = (units: ReadonlyArray<Unit.Unit>, now: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const tokens = new Map<string, { readonly token: string; readonly unit: Unit.Unit; readonly role: Account.Role }>()
    for (const unit of units) yield* storage.units.insert(unit)
    let sequence = 0
    for (const unit of units) {
      for (const role of roles) {
        const id = `${role}-${unit.id}`.slice(0, 64)
        const account: Account.Account = {
          id: id as Account.AccountId,
          role,
          unitId: unit.id,
          person: {
            name: "测试",
            identityNumber: identityNumber("420102", "1975-05-05", 100 + (sequence++ % 800)) as never
          },
          status: "active",
          certificate: undefined,
          createdBy: undefined
        }
        yield* storage.accounts.insert(account)
        const token = randomBytes(24).toString("base64url")
        const sessionId = createHash("sha256").update(token).digest("hex")
        yield* storage.sessions.insert({ id: sessionId, accountId: id, createdAt: now, lastSeenAt: now })
        tokens.set(id, { token, unit, role })
      }
    }
    return tokens
  })

/** What the store holds of units and accounts: must not change under refused requests. */
const census = (running: Running, root: string) =>
  running.run(
    Effect.gen(function* () {
      const storage = yield* Storage.Storage
      const units = yield* storage.units.subtree(root, { limit: 1000 })
      let accounts = 0
      for (const unit of units.items) accounts += (yield* storage.accounts.byUnit(unit.id)).length
      return { units: units.items.length, accounts }
    })
  )

/** The ids of the requests audited as refused. */
const refusedRequestIds = (running: Running) =>
  running.run(
    Effect.gen(function* () {
      const storage = yield* Storage.Storage
      const ids = new Set<string>()
      let after: string | undefined
      do {
        const page = yield* storage.audit.list({ after, limit: 1000 })
        for (const record of page.items) {
          if (record.outcome === "refused" && record.requestId !== undefined) ids.add(record.requestId)
        }
        after = page.next
      } while (after !== undefined)
      return ids
    })
  )

/** Is `unit` `root` or below it, by parent links (not by paths, whose prefix test is what is under test)? */
const below = (units: ReadonlyMap<string, Unit.Unit>, unit: Unit.Unit, root: Unit.Unit): boolean => {
  for (let u: Unit.Unit | undefined = unit; u !== undefined; u = u.parentId && units.get(u.parentId)) {
    if (u.id === root.id) return true
  }
  return false
}

/** How many pairs of siblings where one's id is a prefix of the other's (sa, sa0). */
const prefixSiblings = (units: ReadonlyMap<string, Unit.Unit>): number => {
  const all = [...units.values()]
  return all.filter((a) => all.some((b) => a !== b && a.parentId === b.parentId && b.id.startsWith(a.id))).length
}

describe("object-level authorization on random hierarchies", () => {
  it("M14.3 every role of every unit is refused on units outside its subtree by every unit endpoint, nothing written, audited", async () => {
    let refusals = 0
    let runs = 0
    // Sibling ids that are prefixes of each other (sa, sa0 …) probed against each other: a scope test by bare prefix
    // would let the first in.
    let prefixProbes = 0
    await fc.assert(
      fc.asyncProperty(
        Arbitraries.hierarchy({
          deployment: "provincial",
          maxCities: 1,
          maxCounties: 2,
          maxSchools: 2,
          maxDepartments: 1
        }),
        async ({ hierarchy }) => {
          // Only hierarchies with siblings whose ids are prefixes of each other (fc.pre, not `.filter`: a filter on
          // an `fc.gen` arbitrary draws the same value again and never ends).
          fc.pre(prefixSiblings(hierarchy.units) > 0)
          runs++
          const units = [...hierarchy.units.values()].sort((a, b) => a.path.length - b.path.length)
          const backend = await sqlite()
          const settings = Settings.layer(hierarchy.deployment, undefined, undefined, undefined, {
            N: 2 ** 10,
            r: 8,
            p: 1
          })
          const running = await start(backend, {}, settings)
          try {
            const now = new Date().toISOString()
            const day = Day.of(now)
            const tokens = await running.run(populate(units, now))
            const before = await census(running, units[0]!.path)
            const requestIds: Array<string> = []
            for (const [accountId, { token, unit }] of tokens) {
              const outside = units.filter((u) => !below(hierarchy.units, u, unit))
              const api = client(running.url, token)
              // Inside its own unit the same session reads: the refusals below are about the target, not the session.
              expect((await api.get(`/units/${unit.id}`)).status, accountId).toBe(200)
              for (const target of outside) {
                if (target.id.startsWith(unit.id)) prefixProbes++
                for (const [method, path, body] of probes(target.id, day)) {
                  const reply = await api.call(method, path, body)
                  const context = `${accountId} ${method} ${path} → ${reply.status} ${JSON.stringify(reply.body)}`
                  expect([403, 404], context).toContain(reply.status)
                  requestIds.push(reply.headers.get("x-request-id") ?? "")
                }
              }
            }
            expect(await census(running, units[0]!.path)).toEqual(before)
            const audited = await refusedRequestIds(running)
            expect(requestIds.filter((id) => !audited.has(id))).toEqual([])
            refusals += requestIds.length
          } finally {
            await running.close()
            await backend.drop()
          }
        }
      ),
      // Seeded and small: each run starts a server and sends every probe; the seed keeps CI reproducible.
      { numRuns: 3, seed: 20261128, endOnFailure: true }
    )
    // The hierarchies had units outside some subtree, and prefix ids among them: the property was exercised.
    expect(refusals).toBeGreaterThan(50)
    expect(prefixProbes).toBeGreaterThan(0)
    console.log(
      `${refusals} refused requests (${prefixProbes} on a sibling with a prefix id) over ${runs} random hierarchies`
    )
  }, 300_000)
})
