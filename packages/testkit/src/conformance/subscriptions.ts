/**
 * The subscriptions area of the storage conformance suite (M27.1): the outbox's subscribers — local modules among
 * them — keep a cursor in the store. Delivery is at-least-once: every event after the cursor comes, in sequence
 * order; a handler that fails leaves the cursor, so its event comes again; a new storage (a restart) continues
 * from the stored cursor. The store moves a cursor by compare-and-set, so concurrent deliverers of one subscriber,
 * in separate processes or connection pools, each handle what they read but move the cursor once per step,
 * forwards, in one chain.
 *
 * @since 0.1.0
 */
import { Storage, Subscriptions } from "@tmis/core"
import { Effect, ManagedRuntime } from "effect"
import { expect, it } from "vitest"
import * as Attempts from "./attempts.js"
import { type Harness, hubei, withDatabase } from "./fixtures.js"
import { type AreaConformance, area, expectIntact, type Suite } from "./support.js"

/** Append `n` events to the outbox, each in its own transaction, as the services do; their sequence numbers. */
const appendEvents = async (h: Harness, n: number, type = "conformance.event"): Promise<Array<number>> => {
  const before = await listed(h)
  for (let i = 0; i < n; i++) {
    await h.run(
      Effect.flatMap(Storage.Storage, (s) =>
        s.transaction(s.outbox.append({ type, at: new Date().toISOString(), aggregateId: `a-${i}`, payload: { i } }))
      )
    )
  }
  return (await listed(h)).slice(before.length)
}

/** Every event's sequence number, through the port's own listing. */
const listed = async (h: Harness): Promise<Array<number>> => {
  const seqs: Array<number> = []
  let after: string | undefined
  for (;;) {
    const page = await h.run(Effect.flatMap(Storage.Storage, (s) => s.outbox.list({ after, limit: 1000 })))
    seqs.push(...page.items.map((e) => e.seq))
    if (page.next === undefined) return seqs
    after = page.next
  }
}

const cursorOf = (h: Harness, name: string) => h.run(Subscriptions.cursor(name))

const storedCursor = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M27.1 a subscriber gets the events after its stored cursor in order, once each, and a restarted storage continues from the cursor",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const seqs = await appendEvents(h, 7)
        expect(await cursorOf(h, "module-a")).toBe(0)
        const seen: Array<number> = []
        const handler = (e: Subscriptions.Event) => Effect.sync(() => void seen.push(e.seq))
        const first = await h.run(Subscriptions.deliver("module-a", handler, { batch: 3 }))
        expect(first).toEqual({ from: 0, to: seqs[2], handled: 3, caughtUp: false, advanced: true })
        expect(await cursorOf(h, "module-a")).toBe(seqs[2])
        // Another subscriber has a cursor of its own.
        expect(await cursorOf(h, "module-b")).toBe(0)
        // A new storage over the same database — a restarted process — continues from the stored cursor.
        const restarted = ManagedRuntime.make(Attempts.withSettings(h.database.layer(), hubei))
        try {
          expect(await restarted.runPromise(Subscriptions.drain("module-a", handler, { batch: 3 }))).toBe(4)
        } finally {
          await restarted.dispose()
        }
        expect(seen).toEqual(seqs)
        expect(await cursorOf(h, "module-a")).toBe(seqs[6])
        // Caught up: nothing more, and the cursor stays.
        expect(await h.run(Subscriptions.deliver("module-a", handler))).toMatchObject({
          handled: 0,
          caughtUp: true,
          to: seqs[6]
        })
        // Events appended later come next.
        const later = await appendEvents(h, 2, "conformance.later")
        expect(await h.run(Subscriptions.drain("module-a", handler))).toBe(2)
        expect(seen).toEqual([...seqs, ...later])
      })
  )
}

const atLeastOnce = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M27.1 at-least-once: a handler that fails leaves the cursor before its event, which comes again",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const seqs = await appendEvents(h, 5)
        const seen: Array<number> = []
        let failures = 0
        const handler = (e: Subscriptions.Event) =>
          e.seq === seqs[3] && failures === 0
            ? Effect.sync(() => {
                failures++
              }).pipe(Effect.zipRight(Effect.fail("handler failed" as const)))
            : Effect.sync(() => void seen.push(e.seq))
        const failed = await h.result(Subscriptions.deliver("module-a", handler, { batch: 10 }))
        expect(failed.ok).toBe(false)
        // The events before the failure count as handled; the failed one is still after the cursor.
        expect(await cursorOf(h, "module-a")).toBe(seqs[2])
        expect(await h.run(Subscriptions.drain("module-a", handler))).toBe(2)
        expect(seen).toEqual(seqs)
        expect(await cursorOf(h, "module-a")).toBe(seqs[4])
        // A handler failing on the first event of a delivery leaves the cursor where it was.
        await appendEvents(h, 1)
        const stuck = await h.result(Subscriptions.deliver("module-a", () => Effect.fail("down" as const)))
        expect(stuck.ok).toBe(false)
        expect(await cursorOf(h, "module-a")).toBe(seqs[4])
      })
  )
}

const compareAndSet = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M27.1 the store moves a cursor by compare-and-set: a move from a cursor no longer stored is a Conflict and writes nothing",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const subs = Effect.map(Storage.Storage, (s) => s.subscriptions)
        const advance = (from: number, to: number) =>
          h.result(Effect.flatMap(subs, (x) => x.advance("module-a", from, to)))
        expect((await advance(0, 5)).ok).toBe(true)
        const stale = await advance(0, 3)
        expect(!stale.ok && stale.tag).toBe("Conflict")
        expect(await cursorOf(h, "module-a")).toBe(5)
        const behind = await advance(4, 9)
        expect(!behind.ok && behind.tag).toBe("Conflict")
        expect(await cursorOf(h, "module-a")).toBe(5)
        expect((await advance(5, 9)).ok).toBe(true)
        expect(await cursorOf(h, "module-a")).toBe(9)
        expect(await cursorOf(h, "module-b")).toBe(0)
      })
  )
}

const advanceRace = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(
    `M27.1 ${attempts} concurrent first moves of one cursor: exactly one wins, the others are Conflicts`,
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        // Opens (and migrates) the database before the racers do.
        expect(await cursorOf(h, "module-a")).toBe(0)
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: Array.from({ length: attempts }, (_, i) => ({
            _tag: "AdvanceCursor" as const,
            name: "module-a",
            from: 0,
            to: i + 1
          }))
        }
        const outcomes = await races.run(h.database, race)
        expect(outcomes.filter((o) => o._tag === "Defect")).toEqual([])
        const won = outcomes.flatMap((o, i) => (o._tag === "Success" ? [i + 1] : []))
        expect(won).toHaveLength(1)
        expect(outcomes.filter((o) => o._tag === "Failure").map((o) => o._tag === "Failure" && o.error)).toEqual(
          Array.from({ length: attempts - 1 }, () => "Conflict")
        )
        expect(await cursorOf(h, "module-a")).toBe(won[0])
      })
  )
}

const deliverRace = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(
    `M27.1 ${Math.max(2, Math.floor(attempts / 4))} concurrent deliverers of one subscriber: every event handled, the cursor moved forwards in one chain to the last`,
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const seqs = await appendEvents(h, 30)
        const deliverers = Math.max(2, Math.floor(attempts / 4))
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: Array.from({ length: deliverers }, () => ({ _tag: "Deliver" as const, name: "module-a", batch: 4 }))
        }
        const outcomes = await races.run(h.database, race)
        expect(outcomes.filter((o) => o._tag !== "Success")).toEqual([])
        // The moves every deliverer won chain from 0 to the last event: none lost, none backwards, none twice.
        const moves = outcomes
          .flatMap((o) => (o._tag === "Success" ? (o.value as ReadonlyArray<readonly [number, number]>) : []))
          .slice()
          .sort((a, b) => a[0] - b[0])
        let at = 0
        for (const [from, to] of moves) {
          expect(from).toBe(at)
          expect(to).toBeGreaterThan(from)
          at = to
        }
        expect(at).toBe(seqs[seqs.length - 1])
        expect(await cursorOf(h, "module-a")).toBe(seqs[seqs.length - 1])
        // Every event was handled at least once.
        const handled = new Set<string>()
        let after: string | undefined
        for (;;) {
          const page = await h.run(
            Effect.flatMap(Storage.Storage, (s) => s.audit.search({ actor: "conformance" }, { after, limit: 1000 }))
          )
          for (const r of page.items) if (r.action === "conformance.delivered") handled.add(r.object)
          if (page.next === undefined) break
          after = page.next
        }
        expect(seqs.filter((seq) => !handled.has(`outbox:${seq}`))).toEqual([])
        await expectIntact(h)
      })
  )
}

/**
 * The subscriptions area: stored cursors, at-least-once delivery, compare-and-set under concurrency (M27.1).
 *
 * @since 0.1.0
 */
export const subscriptionsConformance: AreaConformance = area("subscriptions", [
  storedCursor,
  atLeastOnce,
  compareAndSet,
  advanceRace,
  deliverRace
])
