/**
 * What every check of the compliance kit is built from: its outcome, its context, and running an example or a
 * fast-check property with the run's seed, a failure keeping the exchanges of the last (shrunk) failing case.
 *
 * @since 0.1.0
 */
import fc from "fast-check"
import type * as Driver from "./Driver.js"
import { type Fixture, must, SetupError } from "./Fixture.js"

/**
 * A rule the system broke, with what shows it.
 *
 * @since 0.1.0
 */
export class Violation extends Error {}

/**
 * What a check concluded.
 *
 * @since 0.1.0
 */
export interface Outcome {
  readonly status: "passed" | "failed" | "notApplicable"
  readonly message?: string
  /** The exchanges of the failing case (or, for a pass, a sample of what was checked). */
  readonly evidence: ReadonlyArray<Driver.Exchange>
  /** The fast-check counterexample of a failed property, as JSON. */
  readonly counterexample?: string
}

/**
 * What a check runs with.
 *
 * @since 0.1.0
 */
export interface Context {
  /** The driver, recording every exchange into the current case's evidence. */
  readonly driver: Driver.Driver
  readonly fixture: Fixture
  readonly seed: number
  /** The run's number of cases per property, when the caller set one. */
  readonly numRuns: number | undefined
  /** Start a new case's evidence; the previous case's is returned. */
  readonly newCase: () => ReadonlyArray<Driver.Exchange>
  readonly evidence: () => ReadonlyArray<Driver.Exchange>
}

/**
 * A check of one rule.
 *
 * @since 0.1.0
 */
export interface Check {
  readonly rule: string
  readonly title: string
  readonly run: (ctx: Context) => Promise<Outcome>
}

export const show = (r: Driver.Result<unknown>): string =>
  r.ok ? "accepted" : `refused ${r.status}${r.rule === undefined ? "" : ` ${r.rule}`}`

/** Fail unless `condition`. */
export const expect = (condition: boolean, message: string): void => {
  if (!condition) throw new Violation(message)
}

/** A 5xx is no refusal: the system failed. */
export const refusedCleanly = (r: Driver.Result<unknown>): boolean => !r.ok && r.status >= 400 && r.status < 500

/**
 * Run `body` once (an example); a {@link Violation} fails the check with the exchanges so far.
 */
export const example = async (ctx: Context, body: () => Promise<void>): Promise<Outcome> => {
  ctx.newCase()
  try {
    await body()
    return { status: "passed", evidence: ctx.evidence().slice(0, 200) }
  } catch (error) {
    if (error instanceof Violation) return { status: "failed", message: error.message, evidence: ctx.evidence() }
    throw error
  }
}

/**
 * Run the property `body` over `arbitrary` with the run's seed; the last failing case (fast-check's shrunk
 * counterexample) gives the message and the evidence.
 */
export const property = async <T>(
  ctx: Context,
  arbitrary: fc.Arbitrary<T>,
  defaultRuns: number,
  body: (value: T) => Promise<void>,
  before?: () => Promise<void>
): Promise<Outcome> => {
  if (before !== undefined) {
    const first = await example(ctx, before)
    if (first.status === "failed") return first
  }
  let failure: { message: string; evidence: ReadonlyArray<Driver.Exchange> } | undefined
  const sample: Array<Driver.Exchange> = []
  const result = await fc.check(
    fc.asyncProperty(arbitrary, async (value) => {
      ctx.newCase()
      try {
        await body(value)
        if (sample.length < 200) sample.push(...ctx.evidence().slice(0, 200 - sample.length))
      } catch (error) {
        if (error instanceof Violation) {
          failure = { message: error.message, evidence: ctx.evidence() }
          throw error
        }
        throw error
      }
    }),
    { seed: ctx.seed, numRuns: ctx.numRuns ?? defaultRuns, endOnFailure: false, maxSkipsPerRun: 0 }
  )
  if (!result.failed) return { status: "passed", evidence: sample }
  if (failure === undefined || !(result.errorInstance instanceof Violation)) {
    // Not a broken rule: the kit could not set the case up, or the driver threw.
    throw result.errorInstance instanceof Error ? result.errorInstance : new Error(String(result.errorInstance))
  }
  return {
    status: "failed",
    message: `${failure.message} (seed ${ctx.seed}, after ${result.numShrinks} shrinks)`,
    evidence: failure.evidence,
    counterexample: JSON.stringify(result.counterexample)
  }
}

export const approveBySchool = (day: string): Driver.ReviewCommand => ({
  type: "approveBySchool",
  collectiveReview: "合规测试集体审核",
  principal: "测试校长",
  signedOn: day
})

/** The state and version of an entry, read by `as`. */
export const entryOf = async (ctx: Context, as: string, teacherId: string, entryId: string) => {
  const read = must(`read the e-file ${teacherId}`, await ctx.driver.readEFile(as, teacherId))
  const entry = read.entries.find((e) => e.id === entryId)
  if (entry === undefined) throw new SetupError(`the e-file ${teacherId} has no entry ${entryId}`)
  return entry
}
