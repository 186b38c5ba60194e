/**
 * The compliance kit's checks of transfers (M23.1, M23.2, idempotent retries) and rotations (M24.1, M24.2).
 *
 * @since 0.1.0
 */
import fc from "fast-check"
import { type Check, type Context, example, expect, property, refusedCleanly, show } from "./Check.js"
import type * as Driver from "./Driver.js"
import { addDays, type Fixture, must } from "./Fixture.js"

type Kind = "transfer" | "rotation1" | "rotation2"

/**
 * One process of `kind` for a new teacher of s1: who initiates, the parties' order (their info admins) and where the
 * e-file ends on completion.
 */
const processPlan = (f: Fixture, kind: Kind) => {
  const a = f.accounts
  const bureauOfT1 = f.C === f.H ? a.iaH : a.iaC
  return kind === "transfer"
    ? { initiator: a.iaT1, order: [bureauOfT1, a.iaS1, a.iaH], movesTo: f.t1.id }
    : kind === "rotation1"
      ? { initiator: a.iaS1, order: [a.iaH], movesTo: f.s1.id }
      : { initiator: a.iaS1, order: [a.iaH, a.iaT1, bureauOfT1], movesTo: f.t1.id }
}

const start = async (ctx: Context, kind: Kind, teacherId: string, as: string, options?: Driver.CommandOptions) => {
  const f = ctx.fixture
  return kind === "transfer"
    ? ctx.driver.initiateTransfer(
        as,
        { teacherId, toUnitId: f.t1.id, effective: addDays(f.today, 30), reason: "合规测试调动" },
        options
      )
    : ctx.driver.initiateRotation(
        as,
        {
          teacherId,
          toUnitId: f.t1.id,
          personnelRelationChanges: kind === "rotation2",
          period: { start: addDays(f.today, 30), end: addDays(f.today, 395) },
          reason: "合规测试交流轮岗"
        },
        options
      )
}

/**
 * The property of a process's order: random steps by random parties against the model (the next party in the fixed
 * order, rejection by it, withdrawal by the initiator while open), then the rest of the order; the e-file ends where
 * the model says.
 */
const processOrder = (ctx: Context, kind: Kind, actions: ReadonlyArray<"confirm" | "reject" | "withdraw">) => {
  const f = ctx.fixture
  const a = f.accounts
  const plan = processPlan(f, kind)
  const parties = [...new Set([a.iaT1, a.iaC, a.iaS1, a.iaH, a.iaS10])]
  return property(
    ctx,
    fc.array(fc.record({ actor: fc.constantFrom(...parties), type: fc.constantFrom(...actions) }), {
      minLength: 1,
      maxLength: 6
    }),
    6,
    async (steps) => {
      const hired = await f.hire(a.iaS1, f.s1.id)
      const started = must(`initiate the ${kind}`, await start(ctx, kind, hired.teacherId, plan.initiator))
      let version = started.version
      let next = 0 // index into plan.order; plan.order.length: completed
      let ended: "completed" | "rejected" | "withdrawn" | undefined
      const tail = plan.order.map((actor) => ({ actor, type: "confirm" as const }))
      for (const { actor, type } of [...steps, ...tail]) {
        const r = await ctx.driver.act(
          actor,
          started.id,
          type === "confirm" ? { type } : { type, reason: "合规测试" },
          version
        )
        const allowed =
          ended === undefined && (type === "withdraw" ? actor === plan.initiator : actor === plan.order[next])
        const what = `${type} by ${actor} (of ${f.unitOf(actor)}) of a ${kind} at step ${next + 1} of ${plan.order.length}${ended === undefined ? "" : ` (${ended})`}`
        if (allowed && type === "confirm") expect(r.ok, `${what}: ${show(r)}, which the order allows`)
        if (!allowed) expect(refusedCleanly(r), `${what}: ${show(r)}, out of the fixed order`)
        if (r.ok) {
          version = r.value.version
          if (type === "confirm") {
            next++
            if (next === plan.order.length) ended = "completed"
          } else ended = type === "reject" ? "rejected" : "withdrawn"
        }
        const seen = must(`read the ${kind}`, await ctx.driver.process(plan.initiator, started.id))
        expect(seen.version === version, `after ${what} the ${kind} is at version ${seen.version}, expected ${version}`)
        expect(
          seen.open === (ended === undefined),
          `after ${what} the ${kind} is ${seen.open ? "open" : "closed"} (${seen.state})`
        )
      }
      const where = must(`read the e-file`, await ctx.driver.readEFile(a.iaH, hired.teacherId))
      const expected = ended === "completed" ? plan.movesTo : f.s1.id
      expect(
        where.unitId === expected,
        `after the ${kind} ${ended ?? "stayed open"} the e-file is at ${where.unitId}, expected ${expected}`
      )
    }
  )
}

const transferOrder: Check = {
  rule: "M23.1",
  title:
    "a transfer: the receiving school initiates; its bureau, the sending school, the sending bureau confirm in order; the e-file moves",
  run: async (ctx) => {
    const f = ctx.fixture
    const first = await example(ctx, async () => {
      const hired = await f.hire(f.accounts.iaS1, f.s1.id)
      const bySender = await start(ctx, "transfer", hired.teacherId, f.accounts.iaS1)
      expect(refusedCleanly(bySender), `the sending school initiated a transfer to ${f.t1.id}: ${show(bySender)}`)
    })
    if (first.status === "failed") return first
    return processOrder(ctx, "transfer", ["confirm"])
  }
}

const transferEnds: Check = {
  rule: "M23.2",
  title:
    "a transfer: a rejection ends it and nothing moves; only the initiator withdraws; no step skipped or repeated, a retried command applied once",
  run: async (ctx) => {
    const f = ctx.fixture
    const a = f.accounts
    const plan = processPlan(f, "transfer")
    const retries = await example(ctx, async () => {
      const hired = await f.hire(a.iaS1, f.s1.id)
      const key = f.id("key")
      const first = must(
        "initiate the transfer",
        await start(ctx, "transfer", hired.teacherId, a.iaT1, { idempotencyKey: key })
      )
      const retry = await start(ctx, "transfer", hired.teacherId, a.iaT1, { idempotencyKey: key })
      expect(
        retry.ok && retry.value.id === first.id && retry.value.version === first.version,
        `a retried initiation with the same idempotency key: ${retry.ok ? `a process ${retry.value.id} at version ${retry.value.version}` : show(retry)}, not the first answer (${first.id})`
      )
      const confirmKey = f.id("key")
      const confirmed = must(
        "confirm",
        await ctx.driver.act(plan.order[0]!, first.id, { type: "confirm" }, first.version, {
          idempotencyKey: confirmKey
        })
      )
      const again = await ctx.driver.act(plan.order[0]!, first.id, { type: "confirm" }, first.version, {
        idempotencyKey: confirmKey
      })
      expect(
        again.ok && again.value.version === confirmed.version && again.value.state === confirmed.state,
        `a retried confirmation with the same idempotency key: ${again.ok ? `${again.value.state} at version ${again.value.version}` : show(again)}, not the first answer (${confirmed.state} at ${confirmed.version})`
      )
      const seen = must("read the transfer", await ctx.driver.process(a.iaT1, first.id))
      expect(
        seen.version === confirmed.version && seen.state === confirmed.state,
        `after a retried confirmation the transfer is ${seen.state} at version ${seen.version}: applied twice`
      )
    })
    if (retries.status === "failed") return retries
    return processOrder(ctx, "transfer", ["confirm", "reject", "withdraw"])
  }
}

const rotation = (kind: "rotation1" | "rotation2"): Check => ({
  rule: kind === "rotation1" ? "M24.1" : "M24.2",
  title:
    kind === "rotation1"
      ? "a rotation without change of personnel relation: the dispatching school initiates, its bureau confirms; the e-file stays"
      : "a rotation with change of personnel relation: dispatching bureau, receiving school, receiving bureau confirm in order; the e-file moves",
  run: async (ctx) => {
    const f = ctx.fixture
    const first = await example(ctx, async () => {
      const hired = await f.hire(f.accounts.iaS1, f.s1.id)
      const byReceiver = await start(ctx, kind, hired.teacherId, f.accounts.iaT1)
      expect(refusedCleanly(byReceiver), `the receiving school initiated a rotation: ${show(byReceiver)}`)
    })
    if (first.status === "failed") return first
    return processOrder(ctx, kind, ["confirm", "reject"])
  }
})

/**
 * The checks of transfers and rotations.
 *
 * @since 0.1.0
 */
export const checks = {
  m23_1: transferOrder,
  m23_2: transferEnds,
  m24_1: rotation("rotation1"),
  m24_2: rotation("rotation2")
}
