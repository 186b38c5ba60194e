/**
 * What the areas of the storage conformance suite share beyond the fixtures: how an area registers its `describe`
 * block and hands its tests the suite's options, sizes and races ({@link area}), and the assertions every area
 * makes the same way (a refusal as [tag, rule], an intact audit log, the outcomes of a race).
 *
 * @since 0.1.0
 */
import { afterAll, describe, expect } from "vitest"
import type * as Attempts from "./attempts.js"
import { type Harness, type Result, verify } from "./fixtures.js"
import * as Race from "./race.js"
import type { Area, ConformanceOptions, TestDatabase } from "./types.js"

/**
 * What the tests of an area run with: a fresh database per test, the suite's options and what they come to.
 *
 * @since 0.1.0
 */
export interface Suite {
  readonly makeDatabase: () => Promise<TestDatabase>
  readonly options: ConformanceOptions
  /** Timeout of each test, in ms (`timeoutMs`, default 120 000). */
  readonly timeout: number
  /** Concurrent attempts in each concurrency test (`attempts`, default 20). */
  readonly attempts: number
  /** Runs the attempts of a race really concurrently (see `race.ts`). */
  readonly races: Race.Pool
}

/**
 * One area of the suite: registers `describe(area)` with the area's tests. `makeDatabase` makes a fresh, empty
 * database for each test. `races` lets the areas of one suite share their child processes (`storageConformance`
 * passes its own); without it the area starts its own at its first race and stops them after its tests.
 *
 * @example
 * hierarchyConformance(sqliteDatabase, { attempts: 10 })
 *
 * @since 0.1.0
 */
export type AreaConformance = (
  makeDatabase: () => Promise<TestDatabase>,
  options?: ConformanceOptions,
  races?: Race.Pool
) => void

/**
 * The registration of an area: `describe(name)`, skipped with `options.skip`, running `tests` in their order.
 *
 * @since 0.1.0
 */
export const area =
  (name: Area, tests: ReadonlyArray<(suite: Suite) => void>): AreaConformance =>
  (makeDatabase, options = {}, races) => {
    describe.skipIf(options.skip === true)(name, () => {
      const pool = races ?? Race.pool(options)
      if (races === undefined) afterAll(() => pool.close())
      const suite: Suite = {
        makeDatabase,
        options,
        timeout: options.timeoutMs ?? 120_000,
        attempts: options.attempts ?? 20,
        races: pool
      }
      for (const test of tests) test(suite)
    })
  }

/**
 * How a refused effect ended, as [tag, rule]; "ok" when it did not fail.
 *
 * @since 0.1.0
 */
export const refusal = (result: Result<unknown>) => (result.ok ? "ok" : [result.tag, result.rule])

/**
 * Expect the audit log to verify as intact.
 *
 * @since 0.1.0
 */
export const expectIntact = async (h: Harness) => expect(await h.run(verify)).toMatchObject({ _tag: "Intact" })

/**
 * Expect every outcome of a race to be a success or pass `failure`; returns the number of successes.
 *
 * @since 0.1.0
 */
export const expectRaceOutcomes = (
  outcomes: ReadonlyArray<Attempts.Outcome>,
  failure: (outcome: Attempts.Outcome & { readonly _tag: "Failure" }) => void
): number => {
  // Report every outcome that is neither a success nor the expected failure at once.
  const unexpected = outcomes.filter((o) => {
    if (o._tag === "Success") return false
    if (o._tag === "Defect") return true
    try {
      failure(o)
      return false
    } catch {
      return true
    }
  })
  expect(unexpected).toEqual([])
  return outcomes.filter((o) => o._tag === "Success").length
}
