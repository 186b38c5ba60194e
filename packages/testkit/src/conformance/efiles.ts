/**
 * The e-file part of the storage conformance suite: teachers' e-files (M21.1), their review (M17.1), the store's
 * one active e-file per identity document (M17.4) under real concurrency, problem data (M17.3), change requests at
 * their base version (M19.2), who fills what (M16.1), status history (M22.1), audited and masked reads (M37.1,
 * M37.2), batch import (M16.2), the duplicate report (M17.4), moves (M12.2) and departments (M20.1). Every test reads
 * back what the store holds through the port, and verifies the audit log.
 *
 * @since 0.1.0
 */
import {
  Accounts,
  BatchImport,
  type EFile,
  EFiles,
  IdentityNumber,
  type Indicator,
  Storage,
  type Unit,
  Units
} from "@tmis/core"
import { Effect, Option } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"
import { coreBasicInfo, exampleBasicInfo, exampleIdentityNumber } from "../arbitraries/efile.js"
import type * as Attempts from "./attempts.js"
import {
  auditRecords,
  bootstrap,
  createUnits,
  type Harness,
  hubei,
  person,
  type Result,
  units,
  verify,
  withDatabase
} from "./fixtures.js"
import type * as Race from "./race.js"
import type { ConformanceOptions, TestDatabase } from "./types.js"

const storage = Storage.Storage

// ── Fixtures ─────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A valid type-1 identity number of a woman born 1990-03-07 in 江岸区 (see `exampleIdentityNumber`).
 *
 * @since 0.1.0
 */
export const woman = exampleIdentityNumber

/**
 * A valid basic-information record of a primary-school teacher, with overrides (see `exampleBasicInfo`).
 *
 * @since 0.1.0
 */
export const basicInfo = exampleBasicInfo

/**
 * A new hire on the establishment (covered, M5.1) with the basic information `record`.
 *
 * @since 0.1.0
 */
export const hire = (id: string, unitId: string, record: Readonly<Record<string, unknown>>): EFiles.NewHire => ({
  id,
  entryId: `${id}-basic`,
  unitId,
  basicInfo: record,
  employment: { onEstablishment: true, contractMonths: undefined, postCategory: "1" }
})

/** A second school under 江岸区, for moves. */
const jianghan = { id: "jianghan", kind: "county", name: "江汉区", code: "420103", validFrom: "2017-03-31" } as const
const department2 = { ...units.department, id: "s1-d2", name: "总务处", code: "D2" }

/** The e-file accounts: system admins handed down level by level, info admins of the county and the schools. */
const accountChain: ReadonlyArray<
  readonly [creator: string, id: string, role: "systemAdmin" | "infoAdmin" | "infoQueryer", unit: string]
> = [
  ["sa-root", "sa-wuhan", "systemAdmin", "wuhan"],
  ["sa-wuhan", "sa-jiangan", "systemAdmin", "jiangan"],
  ["sa-jiangan", "ia-jiangan", "infoAdmin", "jiangan"],
  ["sa-jiangan", "sa-s1", "systemAdmin", "s1"],
  ["sa-s1", "ia-s1", "infoAdmin", "s1"],
  ["sa-s1", "iq-s1", "infoQueryer", "s1"],
  ["sa-jiangan", "sa-s2", "systemAdmin", "s2"],
  ["sa-s2", "ia-s2", "infoAdmin", "s2"]
]

/**
 * Create accounts, each by its creator.
 *
 * @since 0.1.0
 */
export const createAccounts = (
  h: Harness,
  steps: ReadonlyArray<
    readonly [creator: string, id: string, role: "systemAdmin" | "infoAdmin" | "infoQueryer" | "teacher", unit: string]
  >,
  who: { readonly name: string; readonly identityNumber: string } = person
) =>
  h.run(
    Effect.gen(function* () {
      for (const [creator, id, role, unitId] of steps) {
        const actor = yield* Accounts.actorOf(creator)
        yield* Accounts.create(actor, { id, role, person: who }, unitId)
      }
    })
  )

/**
 * Hubei with 武汉市 › 江岸区 › schools s1 (with its department s1-d1) and s2, and the accounts of `accountChain`:
 * `ia-s1`/`ia-s2` are the schools' info admins, `iq-s1` the first school's query-er, `ia-jiangan` the competent
 * bureau's info admin, `ia-root` the province's. Returns the number of audit records written.
 *
 * @since 0.1.0
 */
export const setup = async (h: Harness): Promise<number> => {
  await bootstrap(h)
  await createUnits(h, [
    [units.wuhan, "hubei"],
    [units.jiangan, "wuhan"],
    [units.school1, "jiangan"],
    [units.school2, "jiangan"],
    [units.department, "s1"]
  ])
  await createAccounts(h, accountChain)
  return (await h.run(auditRecords)).length
}

const actor = (h: Harness, id: string) => h.run(Accounts.actorOf(id))

/**
 * Onboard `newHire` as the account `by`.
 *
 * @since 0.1.0
 */
export const onboard = async (h: Harness, by: string, newHire: EFiles.NewHire) =>
  h.run(Effect.flatMap(Accounts.actorOf(by), (a) => EFiles.onboard(a, newHire)))

const review = (h: Harness, by: string, entryId: string, command: EFiles.ReviewCommand, version: number) =>
  h.result(Effect.flatMap(Accounts.actorOf(by), (a) => EFiles.review(a, entryId, command, version)))

const schoolApproval = {
  type: "approveBySchool",
  collectiveReview: "2026-校务会-03",
  principal: "张校长",
  signedOn: "2026-11-01"
} as const

/** Take an entry from draft to effective: submitted and approved by `school`, then by `bureau`. */
const makeEffective = async (h: Harness, entryId: string, school: string, bureau: string, from = 1) => {
  let version = from
  for (const [by, command] of [
    [school, { type: "submit" }],
    [school, schoolApproval],
    [bureau, { type: "approveByBureau" }]
  ] as const) {
    const result = await review(h, by, entryId, command, version)
    if (!result.ok) throw new Error(`${command.type} by ${by} failed: ${String(result.error)}`)
    version = result.value.version
  }
  return version
}

/**
 * The e-file `id` as stored, or undefined.
 *
 * @since 0.1.0
 */
export const getEFile = (h: Harness, id: string) =>
  h.run(Effect.flatMap(storage, (s) => s.teachers.get(id as EFile.TeacherId))).then(Option.getOrUndefined)

const getEntry = (h: Harness, id: string) =>
  h.run(Effect.flatMap(storage, (s) => s.entries.get(id))).then(Option.getOrUndefined)

const getRequest = (h: Harness, id: string) =>
  h.run(Effect.flatMap(storage, (s) => s.changeRequests.get(id))).then(Option.getOrUndefined)

/**
 * Every e-file kept in subtree(path), page by page.
 *
 * @since 0.1.0
 */
export const efilesIn = (h: Harness, path: string) =>
  h.run(
    Effect.gen(function* () {
      const s = yield* storage
      const items: Array<EFile.EFile> = []
      let after: string | undefined
      do {
        const page = yield* s.teachers.subtree(path, { after, limit: 1000 })
        items.push(...page.items)
        after = page.next
      } while (after !== undefined)
      return items
    })
  )

/**
 * The entries of a teacher's e-file, as stored.
 *
 * @since 0.1.0
 */
export const entriesOf = (h: Harness, teacherId: string) =>
  h.run(Effect.flatMap(storage, (s) => s.entries.byTeacher(teacherId as EFile.TeacherId)))

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

const root = "/hubei/"
const s1Path = "/hubei/wuhan/jiangan/s1/"

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Register the e-file tests of the storage conformance suite (inside its `describe`): `races` runs the
 * concurrency tests as the suite's other races do, with `attempts` concurrent writers each.
 *
 * @since 0.1.0
 */
export const efileConformance = (
  makeDatabase: () => Promise<TestDatabase>,
  options: ConformanceOptions,
  races: Race.Pool,
  timeout: number,
  attempts: number
): void => {
  it(
    "M21.1 M17.1 a new hire's e-file is created at the school; its basic information becomes effective only after the school's and then the competent bureau's review",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const before = await setup(h)
        // The bureau keeps no e-file of a school's teacher: only the school's info admin onboards (M21.1).
        const byBureau = await h.result(
          Effect.flatMap(Accounts.actorOf("ia-jiangan"), (a) => EFiles.onboard(a, hire("t0", "s1", basicInfo())))
        )
        expect(refusal(byBureau)).toEqual(["AuthorizationError", "M21.1"])

        const created = await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        expect(created.efile.version).toBe(1)
        const efile = await getEFile(h, "t1")
        expect(efile?.version).toBe(1)
        expect(efile?.value).toMatchObject({
          unitId: "s1",
          path: `${s1Path}t1`,
          stage: "primary",
          idType: "1",
          idNumber: woman(0),
          name: "李老师",
          status: "serving",
          statusHistory: [{ status: "serving", effective: "2015-09-01" }],
          createdBy: "ia-s1"
        })
        expect(await getEFile(h, "t0")).toBeUndefined()
        const entries = await entriesOf(h, "t1")
        expect(entries.map((e) => [e.value.id, e.value.group, e.value.review.state, e.version])).toEqual([
          ["t1-basic", "basicInfo", "draft", 1]
        ])
        expect(entries[0]?.value.data).toEqual(basicInfo())

        expect((await review(h, "ia-s1", "t1-basic", { type: "submit" }, 1)).ok).toBe(true)
        // The bureau cannot approve before the school.
        expect(refusal(await review(h, "ia-jiangan", "t1-basic", { type: "approveByBureau" }, 2))).toEqual([
          "ReviewError",
          "M17.1"
        ])
        expect((await review(h, "ia-s1", "t1-basic", schoolApproval, 2)).ok).toBe(true)
        expect((await getEntry(h, "t1-basic"))?.value.review.state).toBe("schoolApproved")
        // The school cannot approve for the bureau; nor can a bureau above the competent one.
        expect(refusal(await review(h, "ia-s1", "t1-basic", { type: "approveByBureau" }, 3))).toEqual([
          "ReviewError",
          "M17.1"
        ])
        expect(refusal(await review(h, "ia-root", "t1-basic", { type: "approveByBureau" }, 3))).toEqual([
          "ReviewError",
          "M17.1"
        ])
        expect((await getEntry(h, "t1-basic"))?.version).toBe(3)
        expect((await review(h, "ia-jiangan", "t1-basic", { type: "approveByBureau" }, 3)).ok).toBe(true)

        const effective = await getEntry(h, "t1-basic")
        expect(effective?.version).toBe(4)
        expect(effective?.value.review.state).toBe("effective")
        expect(effective?.value.review.context).toMatchObject({
          schoolReview: { reviewer: "ia-s1", collectiveReview: "2026-校务会-03", principal: "张校长" },
          bureauReview: { reviewer: "ia-jiangan", reviewerUnit: "jiangan" }
        })
        expect(effective?.value.review.context.history.map((i) => [i.type, i.to])).toEqual([
          ["submit", "submitted"],
          ["approveBySchool", "schoolApproved"],
          ["approveByBureau", "effective"]
        ])
        const records = (await h.run(auditRecords)).slice(before)
        expect(records.map((r) => [r.action, r.object, r.actor])).toEqual([
          ["efile.create", "teacher:t1", "ia-s1"],
          ["entry.submit", "teacher:t1", "ia-s1"],
          ["entry.approveBySchool", "teacher:t1", "ia-s1"],
          ["entry.approveByBureau", "teacher:t1", "ia-jiangan"]
        ])
        await expectIntact(h)
      })
  )

  it(
    "M17.4 the store refuses a second active e-file of an identity number, from any school; a retired teacher's number can be onboarded again",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        // A number whose check character is X, typed lower-case: the e-file keeps it upper-case, as the check compares.
        const x = woman(8)
        expect(x).toBe("42010219900307138X")
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        await onboard(h, "ia-s1", hire("tx", "s1", basicInfo({ idNumber: x.toLowerCase() })))
        expect((await getEFile(h, "tx"))?.value.idNumber).toBe(x)
        const audited = (await h.run(auditRecords)).length

        for (const [by, id, unitId, number] of [
          ["ia-s2", "t2", "s2", woman(0)],
          ["ia-s1", "t3", "s1", woman(0)],
          ["ia-s1", "t4", "s1-d1", woman(0)],
          ["ia-s2", "t5", "s2", x]
        ] as const) {
          const result = await h.result(
            Effect.flatMap(Accounts.actorOf(by), (a) =>
              EFiles.onboard(a, hire(id, unitId, basicInfo({ idNumber: number })))
            )
          )
          expect(refusal(result)).toEqual(["ConstraintError", "M17.4"])
          expect(await getEFile(h, id)).toBeUndefined()
          expect(await getEntry(h, `${id}-basic`)).toBeUndefined()
        }
        // Past the services, straight to the store: refused by the store itself.
        const t1 = (await getEFile(h, "t1"))!.value
        const direct = await h.result(
          Effect.flatMap(storage, (s) =>
            s.teachers.insert({
              ...t1,
              id: "t6" as EFile.TeacherId,
              unitId: "s2" as Unit.UnitId,
              path: "/hubei/wuhan/jiangan/s2/t6"
            })
          )
        )
        expect(refusal(direct)).toEqual(["ConstraintError", "M17.4"])
        const sameAsTx = await h.result(
          Effect.flatMap(storage, (s) =>
            s.teachers.insert({ ...t1, id: "t7" as EFile.TeacherId, path: `${s1Path}t7`, idNumber: x })
          )
        )
        expect(refusal(sameAsTx)).toEqual(["ConstraintError", "M17.4"])
        expect((await efilesIn(h, root)).map((e) => e.id)).toEqual(["t1", "tx"])
        expect((await h.run(auditRecords)).length).toBe(audited)

        // Once the teacher retired, the e-file is no longer active: the number may be onboarded again, elsewhere.
        await h.run(
          Effect.flatMap(Accounts.actorOf("ia-s1"), (a) =>
            EFiles.recordStatus(a, "t1", { status: "retired", effective: "2026-01-01" }, 1)
          )
        )
        await onboard(h, "ia-s2", hire("t2", "s2", basicInfo()))
        const held = await h.run(Effect.flatMap(storage, (s) => s.teachers.byIdentity("1", woman(0))))
        expect(held.map((e) => [e.value.id, e.value.status, e.value.unitId, e.version])).toEqual([
          ["t1", "retired", "s1", 2],
          ["t2", "serving", "s2", 1]
        ])
        // …but not a third time while the second is active.
        const third = await h.result(
          Effect.flatMap(Accounts.actorOf("ia-s1"), (a) => EFiles.onboard(a, hire("t3", "s1", basicInfo())))
        )
        expect(refusal(third)).toEqual(["ConstraintError", "M17.4"])
        expect((await efilesIn(h, root)).map((e) => e.id).sort()).toEqual(["t1", "t2", "tx"])
        await expectIntact(h)
      })
  )

  it(
    `M17.4 ${attempts} concurrent onboardings of one identity number at two schools: exactly one succeeds, the others fail with M17.4`,
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const before = await setup(h)
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: Array.from({ length: attempts }, (_, i) => {
            const school = i % 2 === 0 ? "s1" : "s2"
            return {
              _tag: "Onboard" as const,
              actorId: `ia-${school}`,
              hire: hire(`race${i}`, school, basicInfo({ name: `李老师${i}` }))
            }
          })
        }
        const outcomes = await races.run(h.database, race)
        const successes = expectRaceOutcomes(outcomes, (o) => {
          expect(o.error).toBe("ConstraintError")
          expect(o.rule).toBe("M17.4")
        })
        expect(successes).toBe(1)
        const winner = race.attempts[outcomes.findIndex((o) => o._tag === "Success")]
        const winnerId = winner?._tag === "Onboard" ? winner.hire.id : ""
        const held = await h.run(Effect.flatMap(storage, (s) => s.teachers.byIdentity("1", woman(0))))
        expect(held.map((e) => [e.value.id, e.value.status])).toEqual([[winnerId, "serving"]])
        expect((await efilesIn(h, root)).map((e) => e.id)).toEqual([winnerId])
        for (const attempt of race.attempts) {
          if (attempt._tag !== "Onboard" || attempt.hire.id === winnerId) continue
          expect(await getEntry(h, attempt.hire.entryId)).toBeUndefined()
        }
        expect((await entriesOf(h, winnerId)).map((e) => e.value.id)).toEqual([`${winnerId}-basic`])
        // Only the winner's record: nothing of the refused attempts.
        expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: before + 1 })
      })
  )

  it(
    "M17.3 an identity number failing its check is kept as problem data and cannot be approved until resolved",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        const wrong = `${woman(0).slice(0, 17)}5`
        expect(wrong).not.toBe(woman(0))
        const created = await onboard(h, "ia-s1", hire("t1", "s1", basicInfo({ idNumber: wrong })))
        expect(created.entry.value.review.context.problems.map((p) => p.check)).toEqual(["identity"])
        // Kept as entered, with its problem.
        expect((await getEFile(h, "t1"))?.value.idNumber).toBe(wrong)
        const kept = await getEntry(h, "t1-basic")
        expect(kept?.value.data.idNumber).toBe(wrong)
        expect(kept?.value.review.context.problems).toEqual([{ check: "identity", detail: expect.any(String) }])

        expect((await review(h, "ia-s1", "t1-basic", { type: "submit" }, 1)).ok).toBe(true)
        expect(refusal(await review(h, "ia-s1", "t1-basic", schoolApproval, 2))).toEqual(["ReviewError", "M17.3"])
        const refused = await getEntry(h, "t1-basic")
        expect([refused?.version, refused?.value.review.state]).toEqual([2, "submitted"])

        // Returned, corrected, resolved: then the reviews go through.
        const steps: ReadonlyArray<readonly [string, EFiles.ReviewCommand]> = [
          ["ia-s1", { type: "reject", reason: "身份证件号校验未通过，请核对" }],
          ["ia-s1", { type: "edit", data: basicInfo() }],
          ["ia-s1", { type: "resolveProblem", check: "identity", resolution: "已按身份证原件更正校验码" }],
          ["ia-s1", { type: "submit" }],
          ["ia-s1", schoolApproval],
          ["ia-jiangan", { type: "approveByBureau" }]
        ]
        let version = 2
        for (const [by, command] of steps) {
          const result = await review(h, by, "t1-basic", command, version)
          expect(refusal(result)).toBe("ok")
          version += 1
        }
        const resolved = await getEntry(h, "t1-basic")
        expect(resolved?.version).toBe(8)
        expect(resolved?.value.review.state).toBe("effective")
        expect(resolved?.value.review.context.problems).toEqual([])
        expect(resolved?.value.data.idNumber).toBe(woman(0))
        // The e-file's identity document follows its basic information.
        const efile = await getEFile(h, "t1")
        expect([efile?.value.idNumber, efile?.version]).toEqual([woman(0), 2])
        await expectIntact(h)
      })
  )

  it(
    "M19.2 a change request applies atomically at its base version, and not at all when the entry moved on",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        const version = await makeEffective(h, "t1-basic", "ia-s1", "ia-jiangan")
        expect(version).toBe(4)
        const school = await actor(h, "ia-s1")
        const bureau = await actor(h, "ia-jiangan")
        // An effective entry is not edited in review.
        expect(refusal(await review(h, "ia-s1", "t1-basic", { type: "edit", data: basicInfo() }, 4))).toEqual([
          "ReviewError",
          "M19.2"
        ])
        for (const [id, staffNumber] of [
          ["cr1", "A001"],
          ["cr2", "B002"]
        ] as const) {
          await h.run(
            EFiles.requestChange(school, { id, entryId: "t1-basic", change: { staffNumber }, reason: "补录工号" })
          )
        }
        for (const id of ["cr1", "cr2"]) {
          expect((await getRequest(h, id))?.value).toMatchObject({ status: "requested", baseVersion: 4 })
        }
        // Only the competent bureau approves.
        expect(refusal(await h.result(EFiles.approveChange(school, "cr1", 1)))).toEqual(["ChangeRequestError", "M19.2"])
        const applied = await h.run(EFiles.approveChange(bureau, "cr1", 1))
        expect([applied.version, applied.value.status, applied.value.appliedVersion]).toEqual([2, "applied", 5])
        const changed = await getEntry(h, "t1-basic")
        expect([changed?.version, changed?.value.data.staffNumber, changed?.value.review.state]).toEqual([
          5,
          "A001",
          "effective"
        ])
        const audited = (await h.run(auditRecords)).length

        // The second request was made against version 4: the entry moved on, so nothing of it applies.
        const stale = await h.result(EFiles.approveChange(bureau, "cr2", 1))
        expect(refusal(stale)).toEqual(["ChangeRequestError", "M19.2"])
        const after = await getEntry(h, "t1-basic")
        expect([after?.version, after?.value.data.staffNumber]).toEqual([5, "A001"])
        expect(after?.value).toEqual(changed?.value)
        const second = await getRequest(h, "cr2")
        expect([second?.version, second?.value.status, second?.value.decidedBy]).toEqual([1, "requested", undefined])
        expect((await getRequest(h, "cr1"))?.value).toMatchObject({ status: "applied", decidedBy: "ia-jiangan" })
        expect((await h.run(auditRecords)).length).toBe(audited)
        const actions = (await h.run(auditRecords)).map((r) => r.action)
        expect(actions.filter((a) => a.startsWith("changeRequest."))).toEqual([
          "changeRequest.create",
          "changeRequest.create",
          "changeRequest.apply"
        ])
        await expectIntact(h)
      })
  )

  it(
    `M19.2 ${attempts} concurrent approvals of change requests made on one entry version: exactly one applies, the others fail with M19.2`,
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        await makeEffective(h, "t1-basic", "ia-s1", "ia-jiangan")
        const school = await actor(h, "ia-s1")
        const ids = Array.from({ length: attempts }, (_, i) => `cr${i}`)
        for (const [i, id] of ids.entries()) {
          await h.run(
            EFiles.requestChange(school, {
              id,
              entryId: "t1-basic",
              change: { staffNumber: `A${i}` },
              reason: "补录工号"
            })
          )
        }
        const before = (await h.run(auditRecords)).length
        const race: Attempts.Race = {
          deployment: hubei,
          attempts: ids.map((requestId) => ({
            _tag: "ApproveChange" as const,
            actorId: "ia-jiangan",
            requestId,
            expectedVersion: 1
          }))
        }
        const outcomes = await races.run(h.database, race)
        const successes = expectRaceOutcomes(outcomes, (o) => {
          expect(o.error).toBe("ChangeRequestError")
          expect(o.rule).toBe("M19.2")
        })
        expect(successes).toBe(1)
        const winner = ids[outcomes.findIndex((o) => o._tag === "Success")]!
        const entry = await getEntry(h, "t1-basic")
        expect([entry?.version, entry?.value.data.staffNumber]).toEqual([5, `A${ids.indexOf(winner)}`])
        for (const id of ids) {
          const request = await getRequest(h, id)
          expect([id, request?.version, request?.value.status]).toEqual(
            id === winner ? [id, 2, "applied"] : [id, 1, "requested"]
          )
        }
        expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: before + 1 })
      })
  )

  it(
    "M16.1 a teacher account cannot add annual assessment, pay, ethics or title entries, and can add a study-history entry of its own",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        await onboard(h, "ia-s1", hire("t2", "s1", basicInfo({ idNumber: woman(1), name: "王老师" })))
        // The school's system admin creates the teacher's account, bound to the teacher's identity number (M13.5).
        await createAccounts(h, [["sa-s1", "tc-t1", "teacher", "s1"]], { name: "李老师", identityNumber: woman(0) })
        const teacher = await actor(h, "tc-t1")
        const add = (teacherId: string, entryId: string, group: string, data: unknown) =>
          h.result(EFiles.addEntry(teacher, { teacherId, entryId, group, data }))

        for (const [group, data] of [
          ["annualAssessment", { year: 2025, result: "1" }],
          ["basicPay", { year: 2025, annualIncome: 120_000 }],
          ["ethics", { year: 2025, honor: "优秀教师" }],
          ["titleAppointment", { title: "一级教师", startMonth: "2020-09" }]
        ] as const) {
          expect([group, refusal(await add("t1", `t1-${group}`, group, data))]).toEqual([
            group,
            ["IndicatorError", "M16.1"]
          ])
          expect(await getEntry(h, `t1-${group}`)).toBeUndefined()
        }
        // The school may.
        const assessment = await h.result(
          EFiles.addEntry(await actor(h, "ia-s1"), {
            teacherId: "t1",
            entryId: "t1-annualAssessment",
            group: "annualAssessment",
            data: { year: 2025, result: "1" }
          })
        )
        expect(refusal(assessment)).toBe("ok")

        const study = { educationObtained: "21", educationInstitution: "华中师范大学", major: "小学教育" }
        expect(refusal(await add("t1", "t1-study", "studyHistory", study))).toBe("ok")
        // Not on another teacher's e-file.
        expect(refusal(await add("t2", "t2-study", "studyHistory", study))).toEqual(["AuthorizationError", "M14.3"])
        expect(await getEntry(h, "t2-study")).toBeUndefined()
        // The teacher submits its own entry; the school reviews it.
        expect(refusal(await h.result(EFiles.review(teacher, "t1-study", { type: "submit" }, 1)))).toBe("ok")
        expect(refusal(await h.result(EFiles.review(teacher, "t1-study", schoolApproval, 2)))).toEqual([
          "ReviewError",
          "M14.3"
        ])

        const entries = await entriesOf(h, "t1")
        expect(entries.map((e) => [e.value.id, e.value.group, e.value.review.state]).sort()).toEqual([
          ["t1-annualAssessment", "annualAssessment", "draft"],
          ["t1-basic", "basicInfo", "draft"],
          ["t1-study", "studyHistory", "submitted"]
        ])
        const mine = entries.find((e) => e.value.id === "t1-study")
        expect(mine?.value.data).toMatchObject(study)
        expect(mine?.value.review.context.history.map((i) => [i.type, i.actor, i.role])).toEqual([
          ["submit", "tc-t1", "teacher"]
        ])
        expect((await entriesOf(h, "t2")).map((e) => e.value.id)).toEqual(["t2-basic"])
        await expectIntact(h)
      })
  )

  it(
    "M22.1 status changes are kept with their dates and the counts by status follow them as of any date",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        await onboard(h, "ia-s1", hire("t2", "s1", basicInfo({ idNumber: woman(1), schoolEntryMonth: "2018-09" })))
        await onboard(h, "ia-s2", hire("t3", "s2", basicInfo({ idNumber: woman(2) })))
        const school = await actor(h, "ia-s1")
        const record = (teacherId: string, change: Parameters<typeof EFiles.recordStatus>[2], version: number) =>
          h.result(EFiles.recordStatus(school, teacherId, change, version))

        expect(
          refusal(await record("t1", { status: "notServing", reason: "longSickLeave", effective: "2020-03-01" }, 1))
        ).toBe("ok")
        expect(refusal(await record("t1", { status: "serving", effective: "2021-01-01" }, 2))).toBe("ok")
        expect(refusal(await record("t2", { status: "retired", effective: "2024-07-01" }, 1))).toBe("ok")
        // Refused, and nothing written: back-dated, by another school, or by a query-er.
        expect(refusal(await record("t1", { status: "resigned", effective: "2020-12-31" }, 3))).toEqual([
          "EmploymentStatusError",
          "M22.1"
        ])
        expect(
          refusal(
            await h.result(
              EFiles.recordStatus(await actor(h, "ia-s2"), "t1", { status: "resigned", effective: "2025-01-01" }, 3)
            )
          )
        ).toEqual(["EmploymentStatusError", "M14.3"])
        expect(
          refusal(
            await h.result(
              EFiles.recordStatus(await actor(h, "iq-s1"), "t1", { status: "resigned", effective: "2025-01-01" }, 3)
            )
          )
        ).toEqual(["EmploymentStatusError", "M13.4"])

        const t1 = await getEFile(h, "t1")
        expect(t1?.version).toBe(3)
        expect(t1?.value.status).toBe("serving")
        expect(t1?.value.statusHistory.map((r) => [r.status, r.effective, r.reason ?? null, r.recordedBy])).toEqual([
          ["serving", "2015-09-01", null, "ia-s1"],
          ["notServing", "2020-03-01", "longSickLeave", "ia-s1"],
          ["serving", "2021-01-01", null, "ia-s1"]
        ])
        const t2 = await getEFile(h, "t2")
        expect([t2?.version, t2?.value.status, t2?.value.statusHistory.map((r) => r.effective)]).toEqual([
          2,
          "retired",
          ["2018-09-01", "2024-07-01"]
        ])

        const zero = { serving: 0, notServing: 0, resigned: 0, retired: 0, deceased: 0, transferredOut: 0 }
        const count = async (by: string, unitId: string, day: string) =>
          h.run(Effect.flatMap(Accounts.actorOf(by), (a) => EFiles.countByStatus(a, unitId, day)))
        for (const [day, s1, all] of [
          ["2015-08-31", {}, {}],
          ["2015-09-01", { serving: 1 }, { serving: 2 }],
          ["2018-08-31", { serving: 1 }, { serving: 2 }],
          ["2018-09-01", { serving: 2 }, { serving: 3 }],
          ["2020-02-29", { serving: 2 }, { serving: 3 }],
          ["2020-03-01", { serving: 1, notServing: 1 }, { serving: 2, notServing: 1 }],
          ["2020-12-31", { serving: 1, notServing: 1 }, { serving: 2, notServing: 1 }],
          ["2021-01-01", { serving: 2 }, { serving: 3 }],
          ["2024-06-30", { serving: 2 }, { serving: 3 }],
          ["2024-07-01", { serving: 1, retired: 1 }, { serving: 2, retired: 1 }],
          ["2030-01-01", { serving: 1, retired: 1 }, { serving: 2, retired: 1 }]
        ] as const) {
          expect([day, await count("iq-s1", "s1", day)]).toEqual([day, { ...zero, ...s1 }])
          expect([day, await count("ia-jiangan", "jiangan", day)]).toEqual([day, { ...zero, ...all }])
        }
        // Statistics outside the actor's subtree are refused.
        expect(
          refusal(
            await h.result(
              Effect.flatMap(Accounts.actorOf("iq-s1"), (a) => EFiles.countByStatus(a, "s2", "2025-01-01"))
            )
          )
        ).toEqual(["AuthorizationError", "M14.3"])
        await expectIntact(h)
      })
  )

  it(
    "M37.1 M37.2 every read is audited; a query-er sees the identity number masked and no pay or ethics entries; a read outside the actor's subtree is refused and the refusal audited",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
        const school = await actor(h, "ia-s1")
        for (const [entryId, group, data] of [
          ["t1-pay", "basicPay", { year: 2025, annualIncome: 120_000 }],
          ["t1-ethics", "ethics", { year: 2025, honor: "师德标兵" }],
          ["t1-study", "studyHistory", { educationObtained: "21" }]
        ] as const) {
          await h.run(EFiles.addEntry(school, { teacherId: "t1", entryId, group, data }))
        }
        const before = (await h.run(auditRecords)).length
        const read = async (by: string) => h.result(Effect.flatMap(Accounts.actorOf(by), (a) => EFiles.read(a, "t1")))

        const full = await read("ia-s1")
        if (!full.ok) throw new Error(String(full.error))
        expect(full.value.masked).toBe(false)
        expect(full.value.efile.idNumber).toBe(woman(0))
        expect(full.value.entries.map((e) => e.id).sort()).toEqual(["t1-basic", "t1-ethics", "t1-pay", "t1-study"])

        const masked = await read("iq-s1")
        if (!masked.ok) throw new Error(String(masked.error))
        const shown = IdentityNumber.mask(woman(0))
        expect(shown).toBe("420***********1224")
        expect(masked.value.masked).toBe(true)
        expect(masked.value.efile.idNumber).toBe(shown)
        expect(masked.value.entries.map((e) => e.id).sort()).toEqual(["t1-basic", "t1-study"])
        expect(masked.value.entries.find((e) => e.id === "t1-basic")?.data.idNumber).toBe(shown)
        // Nowhere else in the view either, the entries' review records apart (a known leak, see EFile.test.ts).
        const withoutReviews = { ...masked.value, entries: masked.value.entries.map(({ review: _r, ...e }) => e) }
        expect(JSON.stringify(withoutReviews)).not.toContain(woman(0))

        // The bureau above reads everything too; another school reads nothing.
        const bureau = await read("ia-jiangan")
        expect(bureau.ok && bureau.value.masked).toBe(false)
        expect(refusal(await read("ia-s2"))).toEqual(["AuthorizationError", "M14.3"])

        // The listing is masked in the same way.
        const listed = await h.run(
          Effect.flatMap(Accounts.actorOf("iq-s1"), (a) => EFiles.list(a, "s1", { limit: 10 }))
        )
        expect(listed.items.map((e) => [e.id, e.idNumber])).toEqual([["t1", shown]])

        // The store keeps the number unmasked; masking is a matter of the view.
        expect((await getEFile(h, "t1"))?.value.idNumber).toBe(woman(0))
        expect((await entriesOf(h, "t1")).map((e) => e.value.id)).toEqual([
          "t1-basic",
          "t1-ethics",
          "t1-pay",
          "t1-study"
        ])

        const records = (await h.run(auditRecords)).slice(before)
        expect(records.map((r) => [r.action, r.object, r.actor, r.outcome, r.details.masked ?? null])).toEqual([
          ["efile.read", "teacher:t1", "ia-s1", "ok", false],
          ["efile.read", "teacher:t1", "iq-s1", "ok", true],
          ["efile.read", "teacher:t1", "ia-jiangan", "ok", false],
          ["efile.read", "teacher:t1", "ia-s2", "refused", null],
          ["efile.list", "unit:s1", "iq-s1", "ok", true]
        ])
        expect(records[3]?.details.rule).toBe("M14.3")
        expect(records.map((r) => r.unitId)).toEqual(["s1", "s1", "jiangan", "s2", "s1"])
        await expectIntact(h)
      })
  )

  it(
    "M16.2 a batch import turns good rows into submitted e-files and reports bad rows with row, column and rule; nothing of a bad row is written; running it again adds nothing",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        const school = await actor(h, "ia-s1")
        const { name: _name, ...nameless } = basicInfo({ idNumber: woman(3) })
        const rows: ReadonlyArray<BatchImport.Row> = [
          { line: 2, record: basicInfo({ name: "张一" }) },
          { line: 3, record: basicInfo({ name: "张二", idNumber: woman(2), sex: "x" }) },
          { line: 4, record: nameless },
          { line: 5, record: basicInfo({ name: "张四" }) },
          {
            line: 6,
            record: basicInfo({ name: "张五", idNumber: woman(5) }),
            problems: [{ column: "出生日期", value: "1990/13/07", reason: "不是日期", rule: "M16.2" }]
          },
          { line: 7, record: basicInfo({ name: "张六", idNumber: woman(6) }) }
        ]
        const headers: Record<string, string> = { name: "姓名", sex: "性别", idNumber: "身份证件号" }
        const run = async () => {
          const rejections: Array<BatchImport.Rejection> = []
          const progress = await h.run(
            BatchImport.run(school, rows, {
              batchId: "b1",
              unitId: "s1",
              chunkSize: 4,
              columnOf: (field) => headers[field] ?? field,
              onRejections: (r) => rejections.push(...r)
            })
          )
          return { progress, rejections }
        }

        const first = await run()
        expect(first.progress).toEqual({ rowsRead: 6, accepted: 2, rejected: 4, skipped: 0 })
        expect(first.rejections.map((r) => [r.row, r.column, r.value, r.rule])).toEqual([
          [3, "性别", "x", "M11.1"],
          [4, "姓名", "", "M11.1"],
          [5, "身份证件号", woman(0), "M17.4"],
          [6, "出生日期", "1990/13/07", "M16.2"]
        ])
        expect(first.rejections.every((r) => r.reason.length > 0)).toBe(true)

        const ids = [rows[0]!, rows[5]!].map((r) => BatchImport.teacherIdOf("b1", BatchImport.rowHash(r.record)))
        const stored = await efilesIn(h, s1Path)
        expect(stored.map((e) => [e.id, e.name, e.unitId]).sort()).toEqual(
          [
            [ids[0], "张一", "s1"],
            [ids[1], "张六", "s1"]
          ].sort()
        )
        for (const id of ids) {
          const entries = await entriesOf(h, id)
          expect(entries.map((e) => [e.value.group, e.value.review.state, e.version])).toEqual([
            ["basicInfo", "submitted", 1]
          ])
          expect(entries[0]?.value.review.context.history.map((i) => [i.type, i.actor])).toEqual([["submit", "ia-s1"]])
        }
        // Nothing of a bad row: no e-file holds its number.
        for (const n of [2, 3, 5]) {
          expect(await h.run(Effect.flatMap(storage, (s) => s.teachers.byIdentity("1", woman(n))))).toEqual([])
        }
        expect((await h.run(Effect.flatMap(storage, (s) => s.teachers.byIdentity("1", woman(0))))).length).toBe(1)
        const imports = (await h.run(auditRecords)).filter((r) => r.action === "efile.import")
        expect(imports.map((r) => [r.details.accepted, r.details.rejected, r.details.skipped])).toEqual([
          [1, 3, 0],
          [1, 1, 0]
        ])

        // Run again: the good rows are skipped, the bad ones reported again, nothing added.
        const again = await run()
        expect(again.progress).toEqual({ rowsRead: 6, accepted: 0, rejected: 4, skipped: 2 })
        expect(again.rejections.map((r) => [r.row, r.rule])).toEqual(first.rejections.map((r) => [r.row, r.rule]))
        expect((await efilesIn(h, root)).map((e) => e.id).sort()).toEqual([...ids].sort())
        expect(
          await h.run(
            Effect.flatMap(storage, (s) =>
              s.imports.imported(
                "b1",
                rows.map((r) => BatchImport.rowHash(r.record))
              )
            )
          )
        ).toEqual(new Set([rows[0]!, rows[5]!].map((r) => BatchImport.rowHash(r.record))))
        // Another school's info admin cannot import into this school.
        expect(
          refusal(await h.result(BatchImport.run(await actor(h, "ia-s2"), rows, { batchId: "b2", unitId: "s1" })))
        ).toEqual(["AuthorizationError", "M14.3"])
        await expectIntact(h)
      })
  )

  it("M16.2 property: for random batches of valid and invalid rows, accepted + rejected rows = rows read, and the store holds exactly the accepted ones", {
    timeout
  }, async () => {
    type Breakage = "none" | "code" | "missing" | "type" | "problems"
    const row = fc.record({
      record: coreBasicInfo({ stage: "primary" }),
      breakage: fc.constantFrom<Breakage>("none", "none", "code", "missing", "type", "problems")
    })
    const batch = fc.uniqueArray(row, {
      minLength: 1,
      maxLength: 12,
      selector: (r) => `${String(r.record.idType).trim()}:${String(r.record.idNumber).trim().toUpperCase()}`
    })
    const broken = (record: Indicator.IndicatorRecord, breakage: Breakage): BatchImport.Row["record"] => {
      switch (breakage) {
        case "code":
          return { ...record, nationality: "ZZZ" }
        case "missing": {
          const { name: _name, ...rest } = record
          return rest
        }
        case "type":
          return { ...record, workStartMonth: "2012-13" }
        default:
          return record
      }
    }
    await fc.assert(
      fc.asyncProperty(batch, fc.integer({ min: 1, max: 5 }), (generated, chunkSize) =>
        withDatabase(makeDatabase, hubei, async (h) => {
          await setup(h)
          const rows: ReadonlyArray<BatchImport.Row> = generated.map((g, i) => ({
            line: i + 2,
            record: broken(g.record, g.breakage),
            ...(g.breakage === "problems"
              ? { problems: [{ column: "姓名", value: "", reason: "映射失败", rule: "M16.2" }] }
              : {})
          }))
          const rejected = new Set<number>()
          const progress = await h.run(
            BatchImport.run(await actor(h, "ia-s1"), rows, {
              batchId: "p",
              unitId: "s1",
              chunkSize,
              onRejections: (r) => {
                for (const x of r) rejected.add(x.row)
              }
            })
          )
          const good = rows.filter((_, i) => generated[i]!.breakage === "none")
          expect(progress.accepted + progress.rejected).toBe(progress.rowsRead)
          expect(progress).toEqual({
            rowsRead: rows.length,
            accepted: good.length,
            rejected: rows.length - good.length,
            skipped: 0
          })
          expect([...rejected].sort((a, b) => a - b)).toEqual(
            rows.filter((_, i) => generated[i]!.breakage !== "none").map((r) => r.line)
          )
          const expected = good.map((r) => BatchImport.teacherIdOf("p", BatchImport.rowHash(r.record))).sort()
          expect((await efilesIn(h, root)).map((e) => e.id).sort()).toEqual(expected)
          await expectIntact(h)
        })
      ),
      { numRuns: options.numRuns === undefined ? 5 : Math.min(5, options.numRuns) }
    )
  })

  it("M17.4 the duplicate report lists every identity number held by more than one e-file", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await setup(h)
      const school1 = await actor(h, "ia-s1")
      // Two numbers, each onboarded, retired, and onboarded again at the other school; a third held once.
      for (const [n, first, second] of [
        [1, "a1", "a2"],
        [0, "b1", "b2"]
      ] as const) {
        await onboard(h, "ia-s1", hire(first, "s1", basicInfo({ idNumber: woman(n) })))
        await h.run(EFiles.recordStatus(school1, first, { status: "retired", effective: "2026-01-01" }, 1))
        await onboard(h, "ia-s2", hire(second, "s2", basicInfo({ idNumber: woman(n) })))
      }
      await onboard(h, "ia-s1", hire("c1", "s1", basicInfo({ idNumber: woman(2) })))
      const before = (await h.run(auditRecords)).length

      const rootAdmin = await actor(h, "ia-root")
      const all = await h.run(EFiles.duplicates(rootAdmin, { limit: 10 }))
      expect(all.next).toBeUndefined()
      expect(all.items.map((d) => [d.idType, d.teachers])).toEqual([
        ["1", ["b1", "b2"]],
        ["1", ["a1", "a2"]]
      ])
      // Page by page, every duplicate once.
      const first = await h.run(EFiles.duplicates(rootAdmin, { limit: 1 }))
      expect(first.items.map((d) => d.teachers)).toEqual([["b1", "b2"]])
      expect(first.next).toBeDefined()
      const second = await h.run(EFiles.duplicates(rootAdmin, { after: first.next, limit: 1 }))
      expect(second.items.map((d) => d.teachers)).toEqual([["a1", "a2"]])
      expect(second.next).toBeUndefined()
      // What the store holds behind the report.
      const stored = await h.run(Effect.flatMap(storage, (s) => s.teachers.duplicates({ limit: 10 })))
      expect(stored.items).toEqual([
        { idType: "1", idNumber: woman(0), teachers: ["b1", "b2"] },
        { idType: "1", idNumber: woman(1), teachers: ["a1", "a2"] }
      ])

      // Only the root's info admin reads it.
      for (const [by, rule] of [
        ["ia-jiangan", "M17.4"],
        ["ia-s1", "M17.4"],
        ["sa-root", "M13.2"]
      ] as const) {
        expect([by, refusal(await h.result(EFiles.duplicates(await actor(h, by), { limit: 10 })))]).toEqual([
          by,
          ["AuthorizationError", rule]
        ])
      }
      const records = (await h.run(auditRecords)).slice(before)
      // Every reading and every refusal is audited (M37.1).
      expect(records.map((r) => [r.action, r.actor, r.outcome, r.details.count ?? r.details.rule])).toEqual([
        ["efile.duplicates", "ia-root", "ok", 2],
        ["efile.duplicates", "ia-root", "ok", 1],
        ["efile.duplicates", "ia-root", "ok", 1],
        ["efile.duplicates", "ia-jiangan", "refused", "M17.4"],
        ["efile.duplicates", "ia-s1", "refused", "M17.4"],
        ["efile.duplicates", "sa-root", "refused", "M13.2"]
      ])
      await expectIntact(h)
    })
  )

  it("M12.2 moving a school re-paths its e-files: they stay in the school's subtree", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await setup(h)
      await createUnits(h, [[jianghan, "wuhan"]])
      await onboard(h, "ia-s1", hire("t1", "s1", basicInfo()))
      await onboard(h, "ia-s1", hire("t2", "s1-d1", basicInfo({ idNumber: woman(1) })))
      await onboard(h, "ia-s2", hire("t3", "s2", basicInfo({ idNumber: woman(2) })))
      expect((await efilesIn(h, s1Path)).map((e) => e.path)).toEqual([`${s1Path}s1-d1/t2`, `${s1Path}t1`])

      const moved = await h.run(
        Effect.flatMap(Accounts.actorOf("ia-root"), (a) =>
          Units.change(a, "s1", { _tag: "Move", parentId: "jianghan" }, "2020-09-01", 1)
        )
      )
      const newPath = "/hubei/wuhan/jianghan/s1/"
      expect(moved.value.path).toBe(newPath)
      expect((await efilesIn(h, newPath)).map((e) => [e.id, e.path, e.unitId])).toEqual([
        ["t2", `${newPath}s1-d1/t2`, "s1-d1"],
        ["t1", `${newPath}t1`, "s1"]
      ])
      expect((await efilesIn(h, "/hubei/wuhan/jiangan/")).map((e) => e.id)).toEqual(["t3"])
      expect((await efilesIn(h, s1Path)).map((e) => e.id)).toEqual([])
      expect((await efilesIn(h, "/hubei/wuhan/jianghan/")).map((e) => e.id)).toEqual(["t2", "t1"])
      // The e-files keep their versions (a move re-paths, it does not change them).
      expect((await getEFile(h, "t1"))?.version).toBe(1)

      // Scope follows the path: the old county's info admin no longer reads them; the school's still does.
      const read = async (by: string) => h.result(Effect.flatMap(Accounts.actorOf(by), (a) => EFiles.read(a, "t1")))
      expect(refusal(await read("ia-jiangan"))).toEqual(["AuthorizationError", "M14.3"])
      expect(refusal(await read("ia-s1"))).toBe("ok")
      const listed = await h.run(Effect.flatMap(Accounts.actorOf("ia-s1"), (a) => EFiles.list(a, "s1", { limit: 10 })))
      expect(listed.items.map((e) => e.id)).toEqual(["t2", "t1"])
      await expectIntact(h)
    })
  )

  it("M20.1 a department's info admin onboards and reviews its own department's teachers only", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await setup(h)
      await createUnits(h, [[department2, "s1"]])
      await createAccounts(h, [
        ["sa-s1", "sa-d1", "systemAdmin", "s1-d1"],
        ["sa-d1", "ia-d1", "infoAdmin", "s1-d1"]
      ])
      const created = await onboard(h, "ia-d1", hire("t1", "s1-d1", basicInfo()))
      expect(created.efile.value).toMatchObject({ unitId: "s1-d1", path: `${s1Path}s1-d1/t1`, stage: "primary" })
      // Not at the school itself, nor in another department.
      for (const [id, unitId, n] of [
        ["t2", "s1", 1],
        ["t3", "s1-d2", 2]
      ] as const) {
        const refused = await h.result(
          Effect.flatMap(Accounts.actorOf("ia-d1"), (a) =>
            EFiles.onboard(a, hire(id, unitId, basicInfo({ idNumber: woman(n) })))
          )
        )
        expect([id, refusal(refused)]).toEqual([id, ["AuthorizationError", "M20.1"]])
        expect(await getEFile(h, id)).toBeUndefined()
        // The school's info admin onboards them.
        await onboard(h, "ia-s1", hire(id, unitId, basicInfo({ idNumber: woman(n) })))
      }

      // The department reviews its own teacher; the competent bureau (the school's parent) makes it effective.
      expect(await makeEffective(h, "t1-basic", "ia-d1", "ia-jiangan")).toBe(4)
      const t1 = await getEntry(h, "t1-basic")
      expect(t1?.value.review.state).toBe("effective")
      expect(t1?.value.review.context.schoolReview?.reviewer).toBe("ia-d1")

      // Never the school's own teacher, nor another department's.
      for (const id of ["t2", "t3"]) {
        expect([id, refusal(await review(h, "ia-d1", `${id}-basic`, { type: "submit" }, 1))]).toEqual([
          id,
          ["ReviewError", "M20.1"]
        ])
        expect((await review(h, "ia-s1", `${id}-basic`, { type: "submit" }, 1)).ok).toBe(true)
        expect([id, refusal(await review(h, "ia-d1", `${id}-basic`, schoolApproval, 2))]).toEqual([
          id,
          ["ReviewError", "M20.1"]
        ])
        const entry = await getEntry(h, `${id}-basic`)
        expect([id, entry?.version, entry?.value.review.state]).toEqual([id, 2, "submitted"])
        const read = await h.result(Effect.flatMap(Accounts.actorOf("ia-d1"), (a) => EFiles.read(a, id)))
        expect([id, refusal(read)]).toEqual([id, ["AuthorizationError", "M20.1"]])
      }
      // Its own department's listing holds its teacher only.
      const listed = await h.run(
        Effect.flatMap(Accounts.actorOf("ia-d1"), (a) => EFiles.list(a, "s1-d1", { limit: 10 }))
      )
      expect(listed.items.map((e) => e.id)).toEqual(["t1"])
      expect((await efilesIn(h, `${s1Path}s1-d1/`)).map((e) => e.id)).toEqual(["t1"])
      await expectIntact(h)
    })
  )
}
