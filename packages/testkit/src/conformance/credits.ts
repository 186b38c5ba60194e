/**
 * The credits area of the storage conformance suite: the credit bank's ledger (O9.1), tested the way ledgers are
 * tested. Random sequences of confirmations (some retried with their key), reversals, applications and
 * inter-province conversions: every balance equals the sum of its entries, nothing is lost, nothing is settled
 * (applied, reversed, converted) twice, the originals of conversions are kept. Then the same under real
 * concurrency: applications and reversals of one holding racing (exactly one commits), confirmations of one key
 * racing (one entry).
 *
 * @since 0.1.0
 */
import { CreditBank, Credits, Storage } from "@tmis/core"
import { Effect } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import { type Harness, hubei, withDatabase } from "./fixtures.js"
import { type AreaConformance, area, expectRaceOutcomes, refusal as refusalOf, type Suite } from "./support.js"

const rules: ReadonlyArray<CreditBank.CreditRule> = [
  { id: "bj", version: 1, province: "beijing", hoursPerCredit: { course: 10, practice: 20 } },
  { id: "zj", version: 2, province: "zhejiang", hoursPerCredit: { course: 6, practice: 8 } },
  { id: "hb", version: 1, province: "hubei", hoursPerCredit: { course: 12, practice: 24 } }
]

type Command =
  | { readonly op: "confirm"; readonly key: number; readonly hours: number; readonly form: CreditBank.Form }
  | { readonly op: "reverse"; readonly pick: number }
  | { readonly op: "apply"; readonly picks: ReadonlyArray<number> }
  | { readonly op: "transfer"; readonly rule: number }

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant("confirm" as const),
      key: fc.nat(12),
      hours: fc.integer({ min: 1, max: 12000 }).map((n) => n / 100),
      form: fc.constantFrom<CreditBank.Form>("course", "practice")
    }),
    weight: 5
  },
  { arbitrary: fc.record({ op: fc.constant("reverse" as const), pick: fc.nat(30) }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant("apply" as const),
      picks: fc.array(fc.nat(30), { minLength: 1, maxLength: 3 })
    }),
    weight: 2
  },
  { arbitrary: fc.record({ op: fc.constant("transfer" as const), rule: fc.nat(rules.length - 1) }), weight: 1 }
)

const cents = (n: number) => Math.round(n * 100)

/** What the model expects of a holding: its amounts and whether it is settled. */
interface Held {
  readonly id: string
  readonly hours: number
  readonly credits: number
  settled: boolean
}

const randomSequences = ({ makeDatabase, timeout, options }: Suite): void => {
  it(
    "O9.1 random sequences of confirmations, reversals, applications and transfers: every balance equals the sum of its entries, nothing lost or settled twice; many teachers' ledgers read at once are each as read alone",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        let run = 0
        await fc.assert(
          fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
            run++
            const teacherId = `t${run}`
            const held: Array<Held> = []
            const keys = new Map<number, string>()
            let applied = 0
            let reversed = 0
            let rule = rules[0]!
            for (const [i, c] of commands.entries()) {
              const made = {
                id: `${teacherId}-e${i}`,
                key: `${teacherId}-k${i}`,
                unitId: "u",
                actor: "a",
                at: "2025-01-01T00:00:00.000Z"
              }
              switch (c.op) {
                case "confirm": {
                  const key = `${teacherId}-c${c.key}`
                  const retried = keys.has(c.key)
                  const result = await h.result(
                    Credits.confirm(
                      "system",
                      { ...made, key },
                      {
                        teacherId,
                        projectId: `p${c.key}`,
                        form: c.form,
                        hours: c.hours,
                        day: "2024-06-01",
                        rule
                      }
                    )
                  )
                  if (!retried) {
                    expect(result.ok).toBe(true)
                    if (result.ok) {
                      keys.set(c.key, result.value.id)
                      held.push({ id: result.value.id, hours: c.hours, credits: result.value.credits, settled: false })
                    }
                  } else if (result.ok) {
                    // A retry with the same key: the entry booked first, nothing booked twice.
                    expect(result.value.id).toBe(keys.get(c.key))
                  } else {
                    expect(refusalOf(result)).toEqual(["conflict", "O9.1"])
                  }
                  break
                }
                case "reverse": {
                  const target = held[c.pick % Math.max(1, held.length)]
                  if (target === undefined) break
                  const result = await h.result(Credits.reverse("system", teacherId, target.id, made, "更正"))
                  if (target.settled) expect(refusalOf(result)).toEqual(["conflict", "O9.1"])
                  else {
                    expect(result.ok).toBe(true)
                    target.settled = true
                    reversed += cents(target.credits)
                  }
                  break
                }
                case "apply": {
                  const targets = [...new Set(c.picks.map((p) => held[p % Math.max(1, held.length)]))].filter(
                    (t): t is Held => t !== undefined
                  )
                  if (targets.length === 0) break
                  const result = await h.result(
                    Credits.apply(
                      "system",
                      teacherId,
                      targets.map((t) => t.id),
                      made,
                      "reg"
                    )
                  )
                  if (targets.some((t) => t.settled)) expect(refusalOf(result)).toEqual(["conflict", "O9.1"])
                  else {
                    expect(result.ok).toBe(true)
                    for (const t of targets) {
                      t.settled = true
                      applied += cents(t.credits)
                    }
                  }
                  break
                }
                case "transfer": {
                  const next = rules[c.rule]!
                  const result = await h.result(Credits.transfer("system", teacherId, next, made, "跨省调动"))
                  expect(result.ok).toBe(true)
                  if (result.ok) {
                    for (const e of result.value) {
                      const original = held.find((t) => t.id === e.settles?.id)
                      expect(original?.settled).toBe(false)
                      if (original !== undefined) original.settled = true
                      expect(e.credits).toBe(CreditBank.convert(next, e.hours, e.form))
                      held.push({ id: e.id, hours: e.hours, credits: e.credits, settled: false })
                    }
                  }
                  rule = next
                  break
                }
              }
            }
            const { entries, balance } = await h.run(Credits.ledger(teacherId))
            // Nothing lost: every holding the model knows is in the ledger, as booked (originals kept).
            for (const t of held) {
              const stored = entries.find((e) => e.id === t.id)
              expect(stored && [cents(stored.hours), cents(stored.credits)]).toEqual([cents(t.hours), cents(t.credits)])
            }
            // Nothing settled twice.
            const settled = entries.flatMap((e) => (e.settles === undefined ? [] : [e.settles.id]))
            expect(new Set(settled).size).toBe(settled.length)
            // The balance is the sum of the entries, and what the model holds.
            const sum = entries.reduce((s, e) => s + CreditBank.delta(e).credits, 0)
            expect(cents(balance.available.credits)).toBe(sum)
            expect(cents(balance.available.credits)).toBe(
              held.filter((t) => !t.settled).reduce((s, t) => s + cents(t.credits), 0)
            )
            expect(cents(balance.applied.credits)).toBe(applied)
            expect(cents(balance.reversed.credits)).toBe(reversed)
            expect(
              CreditBank.live(entries)
                .map((e) => e.id)
                .sort()
            ).toEqual(
              held
                .filter((t) => !t.settled)
                .map((t) => t.id)
                .sort()
            )
          }),
          { numRuns: options.numRuns ?? 20 }
        )
        // Read at once (a page of a registration round), each teacher's ledger is the one read alone; a teacher
        // named twice comes once, one with no entries not at all.
        const teachers = Array.from({ length: run }, (_, i) => `t${i + 1}`)
        const together = await h.run(
          Effect.flatMap(Storage.Storage, (s) => s.credits.byTeachers([...teachers, "t-none", teachers[0]!]))
        )
        for (const teacherId of teachers) {
          const alone = await h.run(Effect.flatMap(Storage.Storage, (s) => s.credits.byTeacher(teacherId)))
          expect(together.get(teacherId) ?? []).toEqual(alone)
        }
        expect(together.has("t-none")).toBe(false)
      })
  )
}

const idempotentConfirmations = ({ makeDatabase, timeout }: Suite): void => {
  it("O9.1 confirmations are idempotent by key; the same key for other credits is refused", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      const made = { id: "e1", key: "result-1", unitId: "u", actor: "a", at: "2025-01-01T00:00:00.000Z" }
      const input = {
        teacherId: "t1",
        projectId: "p1",
        form: "course" as const,
        hours: 36,
        day: "2024-06-01",
        rule: rules[0]!
      }
      const first = await h.run(Credits.confirm("system", made, input))
      const again = await h.run(Credits.confirm("system", { ...made, id: "e2" }, input))
      expect(again).toEqual(first)
      expect(first.credits).toBe(3.6)
      const other = await h.result(Credits.confirm("system", { ...made, id: "e3" }, { ...input, hours: 40 }))
      expect(refusalOf(other)).toEqual(["conflict", "O9.1"])
      expect((await h.run(Credits.ledger("t1"))).entries).toHaveLength(1)
      // The store itself refuses a second entry with a used key (a writer that skipped the check).
      const raw = await h.result(Effect.flatMap(Storage.Storage, (s) => s.credits.append([{ ...first, id: "e4" }])))
      expect(refusalOf(raw)).toEqual(["conflict", "O9.1"])
      // … and a holding settled twice, whatever wrote it.
      const reversal = await h.run(Credits.reverse("system", "t1", "e1", { ...made, id: "r1", key: "r1" }, "更正"))
      const twice = await h.result(
        Effect.flatMap(Storage.Storage, (s) => s.credits.append([{ ...reversal, id: "r2", key: "r2" }]))
      )
      expect(refusalOf(twice)).toEqual(["conflict", "O9.1"])
      // Entries are only appended: the balance is what the entries say.
      expect((await h.run(Credits.ledger("t1"))).balance.available.credits).toBe(0)
    })
  )
}

const race = (h: Harness, races: Suite["races"], attempts: ReadonlyArray<Attempts.Attempt>) =>
  races.run(h.database, { deployment: h.deployment, attempts })

const concurrentSettlements = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(
    "O9.1 concurrent applications and reversals of one holding: exactly one commits, nothing applied twice",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const at = "2025-01-01T00:00:00.000Z"
        for (const n of [1, 2]) {
          await h.run(
            Credits.confirm(
              "system",
              { id: `h${n}`, key: `h${n}`, unitId: "u", actor: "a", at },
              {
                teacherId: "t1",
                projectId: "p1",
                form: "course",
                hours: 30,
                day: "2024-06-01",
                rule: rules[0]!
              }
            )
          )
        }
        const outcomes = await race(
          h,
          races,
          Array.from(
            { length: attempts },
            (_, i): Attempts.Attempt => ({
              _tag: "Credits",
              command:
                i % 3 === 2
                  ? { op: "reverse", id: `r${i}`, key: `r${i}`, teacherId: "t1", holdingId: "h1" }
                  : {
                      op: "apply",
                      id: `a${i}`,
                      key: `a${i}`,
                      teacherId: "t1",
                      holdingIds: i % 2 === 0 ? ["h1"] : ["h1", "h2"]
                    }
            })
          )
        )
        const successes = expectRaceOutcomes(outcomes, (o) => expect([o.error, o.rule]).toEqual(["conflict", "O9.1"]))
        expect(successes).toBe(1)
        const { entries, balance } = await h.run(Credits.ledger("t1"))
        const settledH1 = entries.filter((e) => e.settles?.id === "h1")
        expect(settledH1).toHaveLength(1)
        const sum = entries.reduce((s, e) => s + CreditBank.delta(e).credits, 0)
        expect(cents(balance.available.credits)).toBe(sum)
        expect(cents(balance.available.credits + balance.applied.credits + balance.reversed.credits)).toBe(600)
      })
  )

  it(
    "O9.1 concurrent confirmations: one entry per key, every other retry gets it; the balance is their sum",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const keys = Math.max(1, Math.floor(attempts / 2))
        // Open (and migrate) the database before the racers do.
        expect((await h.run(Credits.ledger("t1"))).entries).toEqual([])
        const outcomes = await race(
          h,
          races,
          Array.from(
            { length: attempts },
            (_, i): Attempts.Attempt => ({
              _tag: "Credits",
              command: {
                op: "confirm",
                id: `c${i}`,
                key: `k${i % keys}`,
                teacherId: "t1",
                projectId: `p${i % keys}`,
                hours: 10
              }
            })
          )
        )
        expect(expectRaceOutcomes(outcomes, () => expect.fail("no confirmation is refused"))).toBe(attempts)
        const { entries, balance } = await h.run(Credits.ledger("t1"))
        expect(entries).toHaveLength(keys)
        expect(balance.available.credits).toBe(keys)
      })
  )
}

/**
 * The credits area (O9.1).
 *
 * @since 0.1.0
 */
export const creditsConformance: AreaConformance = area("credits", [
  idempotentConfirmations,
  randomSequences,
  concurrentSettlements
])
