/**
 * The regulatory compliance kit (`@tmis/testkit/regulation`): checks ANY system against the regulation from the
 * outside, through a {@link Driver} of its API — {@link httpDriver} for the tmis HTTP API, or a vendor's own file.
 * It builds its own units and accounts beneath the vendor's system admin, runs one check per rule id (properties
 * with fast-check, reproducible from the seed), and reports per rule: passed, failed with evidence and a replay
 * script, or not applicable with the reason. The `tmis-conform` bin runs it from the command line.
 *
 * @since 0.1.0
 */
import { randomInt } from "node:crypto"
import * as Checks from "./regulation/Checks.js"
import type { Driver, Exchange } from "./regulation/Driver.js"
import * as Fixture from "./regulation/Fixture.js"
import { replayScript } from "./regulation/Report.js"

export type {
  AccountInfo,
  Accounts,
  AuditInfo,
  CommandOptions,
  Driver,
  EFileInfo,
  EntryInfo,
  Exchange,
  LedgerInfo,
  NewAccount,
  NewHire,
  NewProject,
  NewUnit,
  ProcessAction,
  ProcessInfo,
  Refused,
  Result,
  ReviewCommand,
  Role,
  UnitInfo
} from "./regulation/Driver.js"
export { httpDriver } from "./regulation/HttpDriver.js"
export { checkCharacter, maskingViolation, publishedValid } from "./regulation/Oracles.js"
export { html, junitXml } from "./regulation/Report.js"

/**
 * The result of one rule: passed, failed (with the message, the evidence and a replay script of the shrunk
 * counterexample) or not applicable (with why).
 *
 * @since 0.1.0
 */
export interface RuleResult {
  readonly rule: string
  readonly status: "passed" | "failed" | "notApplicable"
  readonly title: string
  readonly evidence: ReadonlyArray<Exchange>
  readonly message?: string
  /** A Node script replaying the failing case's requests. */
  readonly counterexample?: string
}

/**
 * The result of a run.
 *
 * @since 0.1.0
 */
export interface RunResult {
  readonly seed: number
  readonly target: string
  readonly startedAt: string
  readonly results: ReadonlyArray<RuleResult>
}

/**
 * The rule ids the kit checks, in order.
 *
 * @since 0.1.0
 */
export const rules: ReadonlyArray<string> = Checks.all.map((c) => c.rule)

/** A driver whose every answer's exchanges go to `sink`. */
const recording = (driver: Driver, sink: { current: Array<Exchange> }): Driver =>
  new Proxy(driver, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== "function") return value
      return async (...args: ReadonlyArray<unknown>) => {
        const result = await value.apply(target, args)
        if (result !== null && typeof result === "object" && Array.isArray(result.evidence)) {
          sink.current.push(...result.evidence)
        }
        return result
      }
    }
  })

/**
 * Run the kit against the system behind `driver`: `rules` (default every rule of {@link rules}), each property with
 * `numRuns` cases (default: each check's own, small enough for CI), reproducible from `seed`.
 *
 * @since 0.1.0
 */
export const run = async (options: {
  readonly driver: Driver
  readonly seed?: number
  readonly rules?: ReadonlyArray<string>
  readonly numRuns?: number
  readonly onProgress?: (rule: string, status: string) => void
}): Promise<RunResult> => {
  const seed = options.seed ?? randomInt(2 ** 31 - 1)
  const startedAt = new Date().toISOString()
  const selected = Checks.all.filter((c) => options.rules === undefined || options.rules.includes(c.rule))
  const unknown = (options.rules ?? []).filter((r) => !Checks.all.some((c) => c.rule === r))
  const sink = { current: [] as Array<Exchange> }
  const driver = recording(options.driver, sink)
  const results: Array<RuleResult> = unknown.map((rule) => ({
    rule,
    status: "notApplicable",
    title: "not a rule the kit checks",
    evidence: [],
    message: `the kit checks ${Checks.all.map((c) => c.rule).join(", ")}`
  }))
  let fixture: Fixture.Fixture
  try {
    fixture = await Fixture.build(driver)
  } catch (error) {
    const message = `the kit could not build its units and accounts: ${error instanceof Error ? error.message : String(error)}`
    for (const c of selected) {
      results.push({ rule: c.rule, status: "failed", title: c.title, evidence: sink.current, message })
      options.onProgress?.(c.rule, "failed")
    }
    return { seed, target: options.driver.target, startedAt, results }
  }
  for (const check of selected) {
    options.onProgress?.(check.rule, "running")
    const context: Checks.Context = {
      driver,
      fixture,
      seed,
      numRuns: options.numRuns,
      newCase: () => {
        const previous = sink.current
        sink.current = []
        return previous
      },
      evidence: () => sink.current
    }
    let result: RuleResult
    try {
      const outcome = await check.run(context)
      result = {
        rule: check.rule,
        status: outcome.status,
        title: check.title,
        evidence: outcome.evidence,
        ...(outcome.message === undefined ? {} : { message: outcome.message }),
        ...(outcome.status === "failed"
          ? {
              counterexample:
                (outcome.counterexample === undefined
                  ? ""
                  : `// fast-check counterexample: ${outcome.counterexample}\n`) +
                replayScript(options.driver.target, check.rule, seed, outcome.evidence)
            }
          : {})
      }
    } catch (error) {
      // The kit could not set the case up: the system refused a step the regulation allows (or the driver broke).
      result = {
        rule: check.rule,
        status: "failed",
        title: check.title,
        evidence: sink.current.slice(-50),
        message: `could not set up the check: ${error instanceof Error ? error.message : String(error)}`
      }
    }
    results.push(result)
    options.onProgress?.(check.rule, result.status)
  }
  return { seed, target: options.driver.target, startedAt, results }
}
