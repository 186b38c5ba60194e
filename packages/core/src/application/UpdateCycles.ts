/**
 * The application service of the update cycles (M18.1): a unit's info admin records the unit's completion of a cycle,
 * and a bureau reads the report of its subtree's late units as of any day (Asia/Shanghai). See `UpdateCycle` for
 * what "completed" means and who owes a cycle.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Schema } from "effect"
import type * as Authorization from "../accounts/Authorization.js"
import * as UpdateCycle from "../efile/UpdateCycle.js"
import * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"
import * as Audit from "./Audit.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"
import * as Units from "./Units.js"

/**
 * The deployment's deadlines, validated (M18.1): a configuration that is not valid fails, naming M18.1.
 *
 * @since 0.1.0
 */
export const config = Effect.flatMap(Settings.Settings, (s) =>
  UpdateCycle.validateConfig(s.updateCycles ?? UpdateCycle.defaultConfig)
)

/**
 * The cycle named `id` under the deployment's deadlines.
 *
 * @since 0.1.0
 */
export const cycle = (id: string) => Effect.flatMap(config, (c) => UpdateCycle.parse(id, c))

/**
 * Every standing of subtree(`path`) in `cycle`, page by page.
 *
 * @since 0.1.0
 */
export const standings = (cycleId: string, path: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const all: Array<UpdateCycle.Standing> = []
    let after: string | undefined
    do {
      const page = yield* storage.updateCycles.standings(cycleId, path, { after, limit: 1000 })
      all.push(...page.items)
      after = page.next
    } while (after !== undefined)
    return all
  })

/**
 * Record the completion of `cycleId` by the unit `unitId` (M18.1), now, as an info admin of the unit; a bureau's
 * only once every unit directly below it owing the cycle recorded its own. Audited; one completion per unit and
 * cycle (the store refuses a second, 409).
 *
 * @since 0.1.0
 */
export const complete = (actor: Authorization.Actor, unitId: string, cycleId: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const c = yield* cycle(cycleId)
    return yield* storage.transaction(
      Effect.gen(function* () {
        const unit = (yield* Units.load(unitId)).value
        const context = yield* Units.authorizationContext
        const below = Unit.isAdministrative(unit.kind)
          ? (yield* standings(c.id, unit.path)).filter(
              (s) => UpdateCycle.isChild(s.unit, unit) && UpdateCycle.owes(s, c) && s.completion === undefined
            )
          : []
        const completion = yield* UpdateCycle.decideComplete(
          actor,
          Units.ref(unit),
          c,
          below.map((s) => s.unit.id),
          context
        )
        yield* storage.updateCycles.complete(completion)
        yield* Audit.recordChange({
          actor,
          action: "updateCycle.complete",
          object: `unit:${unit.id}`,
          aggregateId: unit.id,
          details: { cycle: c.id, day: completion.day, deadline: c.deadline, late: completion.day > c.deadline },
          payload: completion
        })
        return completion
      })
    )
  })

const isDay = Schema.is(Unit.Day)

/**
 * The report of `cycleId` for subtree(`unitId`) as of `day` (a Shanghai day; today's when absent), M18.1: each unit
 * owing the cycle with its status — completed, completed late, pending (not due yet), late — and the counts. Who
 * may read it: whoever may read the subtree's statistics (an info admin or query-er of the unit or above, M13.3,
 * M13.4).
 *
 * @since 0.1.0
 */
export const report = (actor: Authorization.Actor, unitId: string, cycleId: string, day?: string) =>
  Effect.gen(function* () {
    const c = yield* cycle(cycleId)
    const unit = (yield* Units.load(unitId)).value
    yield* Units.authorize(actor, { _tag: "ReadStatistics", unit: Units.ref(unit) })
    const asOf = day ?? UpdateCycle.dayOf(new Date(yield* Clock.currentTimeMillis))
    if (!isDay(asOf)) {
      return yield* Effect.fail(
        Refusal.invalid("M18.1", "报告日期应为YYYY-MM-DD格式的有效日期", "the report's day is a real day, YYYY-MM-DD", {
          field: "day",
          value: asOf
        })
      )
    }
    return UpdateCycle.report(yield* standings(c.id, unit.path), c, asOf)
  })

/**
 * The cycles due in the year of `day` and the one being worked on (M18.1), under the deployment's deadlines.
 *
 * @since 0.1.0
 */
export const cycles = (day?: string) =>
  Effect.gen(function* () {
    const c = yield* config
    const today = day ?? UpdateCycle.dayOf(new Date(yield* Clock.currentTimeMillis))
    if (!isDay(today)) {
      return yield* Effect.fail(
        Refusal.invalid("M18.1", "日期应为YYYY-MM-DD格式的有效日期", "the day is a real day, YYYY-MM-DD", {
          field: "day",
          value: today
        })
      )
    }
    const year = Number(today.slice(0, 4))
    return {
      day: today,
      current: UpdateCycle.current(today, c),
      lastDue: UpdateCycle.lastDue(today, c),
      dueThisYear: UpdateCycle.dueIn(year, c)
    }
  })
