/**
 * The compliance kit's checks of audit (M37.1), masking (M37.2) and the credit bank (O9.1).
 *
 * @since 0.1.0
 */
import fc from "fast-check"
import { type Check, expect, property, show } from "./Check.js"
import { addDays, must } from "./Fixture.js"
import * as Oracles from "./Oracles.js"

const auditOfReads: Check = {
  rule: "M37.1",
  title:
    "every read of a teacher's e-file, and every refused read, is audited naming the actor, the teacher and the outcome",
  run: (ctx) => {
    const f = ctx.fixture
    const a = f.accounts
    const readers = [a.iaS1, a.iqS1, a.iaS10, a.iaT1, a.iaH]
    /** The audit records of `actor` about `teacherId`, by outcome. */
    const count = async (actor: string, teacherId: string) => {
      const records = must(`search the audit log for ${actor}`, await ctx.driver.auditSearch(a.saH, { actor }))
      const about = records.filter((r) => r.object.includes(teacherId))
      return {
        ok: about.filter((r) => r.outcome === "ok").length,
        refused: about.filter((r) => r.outcome !== "ok").length
      }
    }
    return property(
      ctx,
      fc.array(
        fc.record({ actor: fc.constantFrom(...readers), school: fc.constantFrom("s1" as const, "t1" as const) }),
        {
          minLength: 1,
          maxLength: 4
        }
      ),
      3,
      async (reads) => {
        const expected = new Map<string, { actor: string; teacherId: string; ok: number; refused: number }>()
        for (const { actor, school } of reads) {
          const teacherId = f.residents[school].teacherId
          const key = `${actor} ${teacherId}`
          if (!expected.has(key)) expected.set(key, { actor, teacherId, ok: 0, refused: 0, ...{} })
        }
        const before = new Map<string, { ok: number; refused: number }>()
        for (const [key, e] of expected) before.set(key, await count(e.actor, e.teacherId))
        for (const { actor, school } of reads) {
          const teacherId = f.residents[school].teacherId
          const r = await ctx.driver.readEFile(actor, teacherId)
          const e = expected.get(`${actor} ${teacherId}`)!
          if (r.ok) e.ok++
          else e.refused++
        }
        for (const [key, e] of expected) {
          const after = await count(e.actor, e.teacherId)
          const was = before.get(key)!
          expect(
            after.ok - was.ok >= e.ok,
            `${e.ok} reads of ${e.teacherId} by ${e.actor} left ${after.ok - was.ok} audit records of a read`
          )
          expect(
            after.refused - was.refused >= e.refused,
            `${e.refused} refused reads of ${e.teacherId} by ${e.actor} left ${after.refused - was.refused} audit records of a refusal`
          )
        }
      }
    )
  }
}

const masking: Check = {
  rule: "M37.2",
  title: "an info query-er sees identity numbers masked: never the county or the birth date, in a read or a listing",
  run: (ctx) => {
    const f = ctx.fixture
    const a = f.accounts
    return property(ctx, fc.constant(null), 2, async () => {
      const hired = await f.hire(a.iaS1, f.s1.id)
      const full = hired.person.idNumber
      const read = must(`read ${hired.teacherId} as the query-er`, await ctx.driver.readEFile(a.iqS1, hired.teacherId))
      const violation = Oracles.maskingViolation(full, read.idNumber)
      expect(violation === undefined, `the query-er ${a.iqS1} read ${read.idNumber} for ${full}: ${violation}`)
      expect(
        !JSON.stringify(read.raw).includes(full),
        `the query-er's read of ${hired.teacherId} carries ${full} in full`
      )
      const listed = must(`list ${f.s1.id} as the query-er`, await ctx.driver.listEFiles(a.iqS1, f.s1.id))
      const item = listed.items.find((i) => i.teacherId === hired.teacherId)
      if (item !== undefined) {
        const v = Oracles.maskingViolation(full, item.idNumber)
        expect(v === undefined, `the query-er's listing shows ${item.idNumber} for ${full}: ${v}`)
      }
      expect(!JSON.stringify(listed.raw).includes(full), `the query-er's listing of ${f.s1.id} carries ${full} in full`)
    })
  }
}

// ── Credits: O9.1 ────────────────────────────────────────────────────────────────────────────────────────────────

const credits: Check = {
  rule: "O9.1",
  title: "credits confirmed twice, or concurrently, are booked once in the teacher's ledger",
  run: async (ctx) => {
    const d = ctx.driver
    if (
      d.registerProvider === undefined ||
      d.createProject === undefined ||
      d.enrol === undefined ||
      d.submitResult === undefined ||
      d.confirmResult === undefined ||
      d.ledger === undefined
    ) {
      return { status: "notApplicable", message: "the driver has no training operations", evidence: [] }
    }
    const f = ctx.fixture
    const a = f.accounts
    const kind = f.H.kind === "province" ? "provincial" : f.H.kind === "city" ? "city" : "county"
    let provider: { readonly id: string; readonly key: string } | undefined
    return property(ctx, fc.integer({ min: 1, max: 4 }), 3, async (concurrent) => {
      provider ??= must(
        "register a provider",
        await d.registerProvider!(a.iaH, { id: f.id("pv"), name: "合规测试培训机构" })
      )
      const hired = await f.hire(a.iaS1, f.s1.id)
      const project = must(
        "enter a project",
        await d.createProject!(a.iaH, {
          id: f.id("pj"),
          name: "合规测试培训项目",
          kind,
          hours: 30,
          providerId: provider.id,
          from: addDays(f.today, -60),
          to: addDays(f.today, -1),
          capacity: 10
        })
      )
      must("enrol the teacher", await d.enrol!(a.iaH, project.id, hired.teacherId))
      const result = must(
        "submit a result",
        await d.submitResult!(provider, {
          id: f.id("r"),
          projectId: project.id,
          teacherId: hired.teacherId,
          hours: 30,
          completedOn: addDays(f.today, -2)
        })
      )
      const answers = await Promise.all(
        Array.from({ length: concurrent }, () => d.confirmResult!(a.iaH, result.id, result.version))
      )
      const accepted = answers.filter((r) => r.ok)
      expect(accepted.length <= 1, `${accepted.length} of ${concurrent} concurrent confirmations were accepted`)
      if (accepted.length === 1 && accepted[0]!.ok) {
        const again = await d.confirmResult!(a.iaH, result.id, accepted[0]!.value.version)
        expect(!again.ok, `a second confirmation of result ${result.id}: ${show(again)}`)
      }
      const ledger = must("read the ledger", await d.ledger!(a.iaH, hired.teacherId))
      const booked = ledger.entries.filter((e) => e.kind === "confirm" && e.projectId === project.id)
      expect(booked.length === accepted.length, `the ledger books ${booked.length} confirmations of one result`)
      const sum = ledger.entries.filter((e) => e.kind === "confirm").reduce((s, e) => s + e.credits, 0)
      expect(
        Math.abs(ledger.availableCredits - sum) < 1e-9,
        `the ledger's available credits ${ledger.availableCredits} are not the sum of its confirmations ${sum}`
      )
    })
  }
}

/**
 * The checks of audit, masking and credits.
 *
 * @since 0.1.0
 */
export const checks = { m37_1: auditOfReads, m37_2: masking, o9_1: credits }
