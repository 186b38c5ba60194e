/**
 * The accounts area of the storage conformance suite: one active system admin per unit (M14.4), enforced by the store
 * itself past the services, and under real concurrency.
 *
 * @since 0.1.0
 */
import type { Unit } from "@tmis/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import {
  accountValue,
  bootstrap,
  createUnits,
  hubei,
  outboxCount,
  person,
  storage,
  units,
  unitValue,
  verify,
  withDatabase
} from "./fixtures.js"
import { type AreaConformance, area, expectRaceOutcomes, refusal, type Suite } from "./support.js"

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

const oneActiveSystemAdmin = ({ makeDatabase, timeout }: Suite): void => {
  it("M14.4 the store itself refuses a second active system admin", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await h.run(Effect.flatMap(storage, (s) => s.units.insert(unitValue("hubei", "province", undefined, "420000"))))
      const insert = (id: string, status: "active" | "disabled") =>
        h.result(Effect.flatMap(storage, (s) => s.accounts.insert(accountValue(id, "systemAdmin", "hubei", status))))

      expect((await insert("sa1", "active")).ok).toBe(true)
      // Straight to the store, past decideRoom: the store refuses a second active one, not a disabled one.
      expect(refusal(await insert("sa2", "active"))).toEqual(["conflict", "M14.4"])
      expect((await insert("sa3", "disabled")).ok).toBe(true)
      // Re-activating a disabled one while another is active is refused too.
      const reactivate = await h.result(
        Effect.flatMap(storage, (s) => s.accounts.update(accountValue("sa3", "systemAdmin", "hubei", "active"), 1))
      )
      expect(refusal(reactivate)).toEqual(["conflict", "M14.4"])
      // Once the first is disabled (M15.1: replace = disable, then create), a new one may be created.
      const disable = await h.result(
        Effect.flatMap(storage, (s) => s.accounts.update(accountValue("sa1", "systemAdmin", "hubei", "disabled"), 1))
      )
      expect(disable.ok).toBe(true)
      expect((await insert("sa2", "active")).ok).toBe(true)
      const accounts = await h.run(Effect.flatMap(storage, (s) => s.accounts.byUnit("hubei" as Unit.UnitId)))
      expect(accounts.filter((a) => a.status === "active").map((a) => a.id)).toEqual(["sa2"])
    })
  )
}

const concurrentSystemAdmins = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(
    `M14.4 ${attempts} concurrent attempts to create the system admin of one unit: exactly one succeeds, the others fail with M14.4`,
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await bootstrap(h)
        await createUnits(h, [[units.wuhan, "hubei"]])
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: Array.from({ length: attempts }, (_, i) => ({
            _tag: "CreateAccount" as const,
            actorId: "sa-root",
            unitId: "wuhan",
            account: { id: `sa-wuhan-${i}`, role: "systemAdmin" as const, person }
          }))
        }
        const outcomes = await races.run(h.database, race)
        const successes = expectRaceOutcomes(outcomes, (o) => {
          expect(["invalid", "conflict"]).toContain(o.error)
          expect(o.rule).toBe("M14.4")
        })
        expect(successes).toBe(1)
        const winner = race.attempts[outcomes.findIndex((o) => o._tag === "Success")]
        const accounts = await h.run(Effect.flatMap(storage, (s) => s.accounts.byUnit("wuhan" as Unit.UnitId)))
        expect(accounts.map((a) => [a.id, a.role, a.status])).toEqual([
          [winner?._tag === "CreateAccount" ? winner.account.id : "", "systemAdmin", "active"]
        ])
        // Bootstrap (2), ia-root, wuhan, and the one account: nothing of the refused attempts.
        expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: 5 })
        expect(await h.run(outboxCount)).toBe(5)
      })
  )
}

/**
 * The accounts area: one active system admin per unit (M14.4), in the store and under concurrency.
 *
 * @since 0.1.0
 */
export const accountsConformance: AreaConformance = area("accounts", [oneActiveSystemAdmin, concurrentSystemAdmins])
