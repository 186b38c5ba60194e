/**
 * The registration area of the storage conformance suite (M26.1, O9.1): a school's round decided from the e-files
 * and the credit bank, reviewed by the competent bureau (an approval chain), its results recorded in the e-files and
 * the qualified teachers' credits applied — once: one open round per school and cycle, one result per teacher and
 * cycle, credits never applied twice.
 *
 * @since 0.1.0
 */
import { CreditBank, Credits, type EFile, EFiles, Registration, Registrations, Storage } from "@tmis/core"
import { Effect, Option } from "effect"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import {
  actor,
  auditRecords,
  basicInfo,
  hire,
  hubei,
  makeEffective,
  onboard,
  setup,
  withDatabase,
  woman
} from "./fixtures.js"
import { type AreaConformance, area, expectIntact, expectRaceOutcomes, refusal, type Suite } from "./support.js"

const roundConfirmed = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M26.1 a school's registration round, decided from the e-files and the credit bank, is confirmed by its competent bureau: results recorded, credits applied once",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo({ idNumber: woman(0) })))
        await onboard(h, "ia-s1", hire("t2", "s1", basicInfo({ idNumber: woman(1) })))
        const school = await actor(h, "ia-s1")
        // t1: every assessment of 2022–2026 合格, effective; t2: none recorded.
        for (const year of [2022, 2023, 2024, 2025, 2026]) {
          const entryId = `t1-assess-${year}`
          await h.run(
            EFiles.addEntry(school, {
              teacherId: "t1",
              entryId,
              group: "annualAssessment",
              data: { year, result: "2" }
            })
          )
          await makeEffective(h, entryId, "ia-s1", "ia-jiangan")
        }
        // 400 hours of t1 confirmed in the cycle (O9.1).
        const made = { id: "c1", key: "c1", unitId: "jiangan", actor: "system", at: "2023-05-02T00:00:00.000Z" }
        await h.run(
          Credits.confirm("system", made, {
            teacherId: "t1",
            projectId: "p1",
            form: "course",
            hours: 400,
            day: "2023-05-01",
            rule: CreditBank.defaultRule
          })
        )
        const bureau = await actor(h, "ia-jiangan")
        // Only the school starts its round; the bureau does not.
        expect(
          refusal(await h.result(Registrations.start(bureau, { id: "r0", unitId: "s1", cycleFrom: "2022-01-01" })))
        ).toEqual(["forbidden", "M26.1"])
        const started = await h.run(Registrations.start(school, { id: "r1", unitId: "s1", cycleFrom: "2022-01-01" }))
        const results = started.value.context.results
        expect(results.map((r) => [r.teacherId, r.outcome])).toEqual([
          ["t1", "qualified"],
          ["t2", "deferred"]
        ])
        for (const r of results) expect(r.reasons.map((x) => x.rule)).toEqual(Array(5).fill("M26.1"))
        // One open round per school and cycle (the store's).
        expect(
          refusal(await h.result(Registrations.start(school, { id: "r2", unitId: "s1", cycleFrom: "2022-01-01" })))
        ).toEqual(["conflict", "M26.1"])
        // The school does not confirm its own round; another school's admin neither.
        expect(refusal(await h.result(Registrations.act(school, "r1", { type: "confirm" }, 1)))).toEqual([
          "forbidden",
          "M26.1"
        ])
        const other = await actor(h, "ia-s2")
        expect(refusal(await h.result(Registrations.act(other, "r1", { type: "confirm" }, 1)))).toEqual([
          "forbidden",
          "M26.1"
        ])
        const confirmed = await h.run(Registrations.act(bureau, "r1", { type: "confirm" }, 1))
        expect(confirmed.value.state).toBe("completed")
        // A second confirmation at the old version: Conflict.
        expect(refusal(await h.result(Registrations.act(bureau, "r1", { type: "confirm" }, 1)))).toEqual([
          "Conflict",
          undefined
        ])
        const recorded = await h.run(Effect.flatMap(Storage.Storage, (s) => s.registrations.resultsOf("t1")))
        expect(recorded.map((r) => [r.cycleFrom, r.roundId, r.outcome])).toEqual([["2022-01-01", "r1", "qualified"]])
        const ledger = await h.run(Effect.flatMap(Storage.Storage, (s) => s.credits.byTeacher("t1")))
        const balance = CreditBank.balance(ledger, { from: "2022-01-01", to: "2027-01-01" })
        expect([balance.available.hours, balance.applied.hours]).toEqual([0, 400])
        expect(ledger.filter((e) => e.kind === "apply").map((e) => e.registration)).toEqual(["r1"])
        // A new round of the same cycle: its confirmation would record t1 again and apply nothing twice — refused.
        await h.run(Registrations.start(school, { id: "r3", unitId: "s1", cycleFrom: "2022-01-01" }))
        expect(refusal(await h.result(Registrations.act(bureau, "r3", { type: "confirm" }, 1)))).toEqual([
          "conflict",
          "M26.1"
        ])
        const after = await h.run(Effect.flatMap(Storage.Storage, (s) => s.credits.byTeacher("t1")))
        expect(after.filter((e) => e.kind === "apply")).toHaveLength(1)
        // A rejection ends the round with its reason.
        const rejected = await h.run(Registrations.act(bureau, "r3", { type: "reject", reason: "重复申请" }, 1))
        expect([rejected.value.state, rejected.value.context.rejection?.reason]).toEqual(["rejected", "重复申请"])
        const actions = (await h.run(auditRecords))
          .filter((r) => r.object.startsWith("registration:"))
          .map((r) => r.action)
        expect(actions).toEqual([
          "registration.start",
          "registration.confirm",
          "registration.start",
          "registration.reject"
        ])
        await expectIntact(h)
      })
  )
}

const concurrentSteps = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(
    `M26.1 ${attempts} concurrent steps on one registration round (confirmations, rejections, withdrawals) at the version seen: exactly one commits, and the credits are applied at most once`,
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo({ idNumber: woman(0) })))
        const school = await actor(h, "ia-s1")
        for (const year of [2022, 2023, 2024, 2025, 2026]) {
          const entryId = `t1-assess-${year}`
          await h.run(
            EFiles.addEntry(school, {
              teacherId: "t1",
              entryId,
              group: "annualAssessment",
              data: { year, result: "2" }
            })
          )
          await makeEffective(h, entryId, "ia-s1", "ia-jiangan")
        }
        const made = { id: "c1", key: "c1", unitId: "jiangan", actor: "system", at: "2023-05-02T00:00:00.000Z" }
        await h.run(
          Credits.confirm("system", made, {
            teacherId: "t1",
            projectId: "p1",
            form: "course",
            hours: 400,
            day: "2023-05-01",
            rule: CreditBank.defaultRule
          })
        )
        const started = await h.run(Registrations.start(school, { id: "r1", unitId: "s1", cycleFrom: "2022-01-01" }))
        // Mostly the bureau's confirmations, racing its rejections and the school's withdrawals.
        const steps: ReadonlyArray<Attempts.Attempt> = Array.from({ length: attempts }, (_, i) =>
          i % 4 === 3
            ? {
                _tag: "ActRegistration" as const,
                actorId: "ia-s1",
                roundId: "r1",
                action: { type: "withdraw" as const, reason: `撤回 ${i}` },
                expectedVersion: started.version
              }
            : {
                _tag: "ActRegistration" as const,
                actorId: "ia-jiangan",
                roundId: "r1",
                action: i % 4 === 2 ? { type: "reject" as const, reason: `退回 ${i}` } : { type: "confirm" as const },
                expectedVersion: started.version
              }
        )
        const outcomes = await races.run(h.database, { deployment: hubei, attempts: steps })
        const successes = expectRaceOutcomes(outcomes, (o) => expect(o.error).toBe("Conflict"))
        expect(successes).toBe(1)
        const won = steps[outcomes.findIndex((o) => o._tag === "Success")] as Attempts.Attempt & {
          readonly _tag: "ActRegistration"
        }
        const bureau = await actor(h, "ia-jiangan")
        const round = await h.run(Registrations.read(bureau, "r1"))
        const states: Record<string, string> = { confirm: "completed", reject: "rejected", withdraw: "withdrawn" }
        const state = states[won.action.type]
        expect([round.value.state, round.version]).toEqual([state, started.version + 1])
        // Recorded and applied once when a confirmation won; not at all otherwise.
        const recorded = await h.run(Effect.flatMap(Storage.Storage, (s) => s.registrations.resultsOf("t1")))
        const ledger = await h.run(Effect.flatMap(Storage.Storage, (s) => s.credits.byTeacher("t1")))
        const once = won.action.type === "confirm" ? 1 : 0
        expect([recorded.length, ledger.filter((e) => e.kind === "apply").length]).toEqual([once, once])
        const actions = (await h.run(auditRecords)).filter((r) => r.object === "registration:r1").map((r) => r.action)
        expect(actions).toEqual(["registration.start", `registration.${won.action.type}`])
        await expectIntact(h)
      })
  )
}

const subtreePass = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M26.1 a bureau starts the rounds of its schools in one pass, in transactions cut between schools: each round the school's, as decided one by one, stored compact and read back whole; a second pass resumes",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo({ idNumber: woman(0) })))
        await onboard(h, "ia-s1", hire("t2", "s1", basicInfo({ idNumber: woman(1) })))
        await onboard(h, "ia-s2", hire("t3", "s2", basicInfo({ idNumber: woman(2) })))
        await onboard(h, "ia-s2", hire("t4", "s2", basicInfo({ idNumber: woman(3) })))
        const school = await actor(h, "ia-s1")
        // t1: every assessment of 2022–2026 合格 but 2024 不合格, effective; the others: none recorded.
        for (const [year, result] of [
          [2022, "2"],
          [2023, "2"],
          [2024, "4"],
          [2025, "1"],
          [2026, "2"]
        ] as const) {
          const entryId = `t1-assess-${year}`
          await h.run(
            EFiles.addEntry(school, { teacherId: "t1", entryId, group: "annualAssessment", data: { year, result } })
          )
          await makeEffective(h, entryId, "ia-s1", "ia-jiangan")
        }
        const input = { idPrefix: "reg2022", unitId: "jiangan", cycleFrom: "2022-01-01", teachersPerTransaction: 1 }
        // A school's info admin does not organise a bureau's pass.
        expect(refusal(await h.result(Registrations.startSubtree(school, input)))).toEqual(["forbidden", "M14.3"])
        const bureau = await actor(h, "ia-jiangan")
        const pass = await h.run(Registrations.startSubtree(bureau, input))
        expect(pass).toEqual({
          rounds: 2,
          teachers: 4,
          resumed: [],
          outcomes: { deferred: 4 },
          // A chunk of at least one teacher ends where a school does: one transaction a school here.
          transactions: 2
        })
        const cycle = Registration.cycleFrom("2022-01-01")
        const thresholds = Registration.defaultConfig
        for (const [id, teachers] of [
          ["reg2022-s1", ["t1", "t2"]],
          ["reg2022-s2", ["t3", "t4"]]
        ] as const) {
          const round = await h.run(Registrations.read(bureau, id))
          expect([round.value.state, round.value.context.from.id, round.value.context.initiator.actor]).toEqual([
            "awaitingBureau",
            id.slice("reg2022-".length),
            "ia-jiangan"
          ])
          // Read back from the store, each result is the decision of the teacher read whole, texts and all.
          const expected = await h.run(
            Effect.forEach(teachers, (t) =>
              Effect.flatMap(Storage.Storage, (s) => s.teachers.get(t as EFile.TeacherId)).pipe(
                Effect.flatMap((found) =>
                  Registrations.decideTeacher(Option.getOrThrow(found).value, cycle, thresholds)
                )
              )
            )
          )
          expect(round.value.context.results).toEqual(expected)
        }
        const t1 = (await h.run(Registrations.read(bureau, "reg2022-s1"))).value.context.results[0]!
        expect(t1.reasons.find((r) => r.check === "assessments")).toMatchObject({
          outcome: "deferred",
          met: false,
          rule: "M26.1",
          zh: "注册周期内有年度考核不合格，暂缓注册",
          details: { failed: [2024], missing: [] }
        })
        // The rounds stored, among ids asked at once (how a pass resumes): each once, none unknown.
        const existing = await h.run(
          Effect.flatMap(Storage.Storage, (s) =>
            s.registrations.existing(["reg2022-s2", "reg2022-none", "reg2022-s1", "reg2022-s2"])
          )
        )
        expect([...existing].sort()).toEqual(["reg2022-s1", "reg2022-s2"])
        // A second pass with the same prefix starts nothing twice.
        expect(await h.run(Registrations.startSubtree(bureau, input))).toMatchObject({
          rounds: 0,
          resumed: ["s1", "s2"]
        })
        // Each round is reviewed as the school's: the bureau confirms one, the school withdraws the other.
        const confirmed = await h.run(Registrations.act(bureau, "reg2022-s1", { type: "confirm" }, 1))
        expect(confirmed.value.state).toBe("completed")
        const recorded = await h.run(Effect.flatMap(Storage.Storage, (s) => s.registrations.resultsOf("t1")))
        expect(recorded.map((r) => [r.roundId, r.outcome, r.reasons.map((x) => x.zh.length > 0)])).toEqual([
          ["reg2022-s1", "deferred", [true, true, true, true, true]]
        ])
        expect(recorded[0]?.reasons).toEqual(t1.reasons)
        const withdrawn = await h.run(
          Registrations.act(await actor(h, "ia-s2"), "reg2022-s2", { type: "withdraw", reason: "补录考核" }, 1)
        )
        expect(withdrawn.value.state).toBe("withdrawn")
        const actions = (await h.run(auditRecords))
          .filter((r) => r.object.startsWith("registration:"))
          .map((r) => r.action)
        expect(actions).toEqual([
          "registration.start",
          "registration.start",
          "registration.confirm",
          "registration.withdraw"
        ])
        await expectIntact(h)
      })
  )
}

/**
 * The registration area (M26.1, O9.1).
 *
 * @since 0.1.0
 */
export const registrationsConformance: AreaConformance = area("registrations", [
  roundConfirmed,
  concurrentSteps,
  subtreePass
])
