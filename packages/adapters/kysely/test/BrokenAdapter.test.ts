/**
 * The storage conformance suite fails a subtly broken vendor adapter (issue 17): the Kysely adapter over SQLite
 * whose flavor makes the indexes over some rows without `unique`, and whose units' update leaves out the optimistic
 * version check (vendor/brokenAdapter.ts). The services still check one active system admin per unit in code, so the
 * ordinary path works; the suite goes past them to the store, and fails naming M14.4 and M24.3, and its optimistic
 * versions test finds the lost update. The same tests pass against the real adapter.
 *
 * The suite is a set of vitest `describe`s, so it is run here as a vendor runs it, in a vitest of its own (vitest's
 * Node API, on vendor/conformance.fixture.ts), and its results are read back test by test.
 */
import { fileURLToPath } from "node:url"
import { beforeAll, describe, expect, it } from "vitest"
import { startVitest } from "vitest/node"

const fixture = fileURLToPath(new URL("./vendor/conformance.fixture.ts", import.meta.url))
const config = fileURLToPath(new URL("../../../../vitest.config.ts", import.meta.url))

interface Outcome {
  readonly name: string
  readonly state: string
  readonly errors: ReadonlyArray<string>
}

/** A text matched as it is in a regular expression. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * Run the suite's tests whose names start with one of `starts` (after the area) over one adapter, in a vitest of its
 * own; every test's outcome.
 */
const conformance = async (adapter: "broken" | "real", starts: ReadonlyArray<string>): Promise<Array<Outcome>> => {
  const vitest = await startVitest(
    "test",
    [fixture],
    {
      config,
      watch: false,
      include: [fixture],
      provide: { adapter },
      testNamePattern: new RegExp(`^storage conformance: ${adapter} \\S+ (${starts.map(literal).join("|")}) `),
      // Silent, and no JSON report written over the outer run's (TMIS_TEST_REPORT).
      reporters: [{}],
      outputFile: {}
    },
    {},
    { stdout: process.stdout, stderr: process.stderr }
  )
  if (vitest === undefined) throw new Error("vitest did not start")
  try {
    // The tests the name pattern left out are reported as skipped.
    return vitest.state.getTestModules().flatMap((module) =>
      [...module.children.allTests()]
        .filter((test) => test.result().state !== "skipped")
        .map((test) => ({
          name: test.fullName,
          state: test.result().state,
          errors: (test.result().errors ?? []).map((e) => e.message)
        }))
    )
  } finally {
    await vitest.close()
  }
}

describe("the storage conformance suite against a vendor's adapter", () => {
  const starts = ["M14.4", "M24.3", "optimistic versions:"]
  let real: Array<Outcome> = []
  let broken: Array<Outcome> = []
  beforeAll(async () => {
    real = await conformance("real", starts)
    broken = await conformance("broken", starts)
  }, 600_000)
  const failed = () => broken.filter((t) => t.state === "failed")

  it("the suite's tests of M14.4, M24.3 and optimistic versions pass against the real adapter, and the same tests ran against the broken one", () => {
    expect(real.map((t) => t.name)).toEqual([
      expect.stringMatching(/^storage conformance: real > hierarchy > optimistic versions: /),
      expect.stringMatching(/^storage conformance: real > accounts > M14\.4 /),
      expect.stringMatching(/^storage conformance: real > accounts > M14\.4 /),
      expect.stringMatching(/^storage conformance: real > rotations > M24\.3 /),
      expect.stringMatching(/^storage conformance: real > rotations > M24\.3 /)
    ])
    expect(real.filter((t) => t.state !== "passed")).toEqual([])
    expect(broken.map((t) => t.name.replace(": broken > ", ": real > "))).toEqual(real.map((t) => t.name))
  })

  it("M14.4 the suite fails an adapter whose database does not refuse a second active system admin of a unit", () => {
    // The services refuse it in code, and on SQLite, whose writers take turns, even the race passes: the test that
    // goes straight to the store is the one that fails.
    expect(failed().filter((t) => t.name.includes("> accounts > "))).toEqual([
      {
        name: "storage conformance: broken > accounts > M14.4 the store itself refuses a second active system admin",
        state: "failed",
        errors: ["expected 'ok' to deeply equal [ 'conflict', 'M14.4' ]"]
      }
    ])
  })

  it("M24.3 the suite fails an adapter whose database does not refuse a second open process of a teacher", () => {
    expect(failed().filter((t) => t.name.includes("> rotations > "))).toEqual([
      {
        name: expect.stringMatching(/^storage conformance: broken > rotations > M24\.3 a teacher in an open transfer /),
        state: "failed",
        errors: ["expected 'ok' to deeply equal [ 'conflict', 'M24.3' ]"]
      },
      {
        name: expect.stringMatching(/^storage conformance: broken > rotations > M24\.3 6 concurrent initiations /),
        state: "failed",
        errors: [expect.stringMatching(/^expected \d+ to be 1/)]
      }
    ])
  })

  it("optimistic versions: the suite fails an adapter whose update writes at the stored version instead of the one the caller saw", () => {
    // Every stale update "wins": a lost update where the store must answer Conflict.
    expect(failed().filter((t) => t.name.includes("> hierarchy > "))).toEqual([
      {
        name: expect.stringMatching(/^storage conformance: broken > hierarchy > optimistic versions: /),
        state: "failed",
        errors: [expect.stringMatching(/^expected \d+ to be 1/)]
      }
    ])
  })
})
