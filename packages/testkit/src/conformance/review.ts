/**
 * The review area of the storage conformance suite: a new hire's e-file created at the school and made effective by
 * the school's and then the competent bureau's review (M21.1, M17.1), problem data kept until resolved (M17.3), who
 * fills which entries (M16.1), and a department's own info admin (M20.1). Every test reads back what the store holds
 * through the port, and verifies the audit log.
 *
 * @since 0.1.0
 */
import { Accounts, EFiles } from "@tmis/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import {
  actor,
  auditRecords,
  basicInfo,
  createAccounts,
  createUnits,
  efilesIn,
  entriesOf,
  getEFile,
  getEntry,
  hire,
  hubei,
  makeEffective,
  onboard,
  review,
  s1Path,
  schoolApproval,
  setup,
  units,
  withDatabase,
  woman
} from "./fixtures.js"
import { type AreaConformance, area, expectIntact, refusal, type Suite } from "./support.js"

/** A second department of s1. */
const department2 = { ...units.department, id: "s1-d2", name: "总务处", code: "D2" }

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

const onboardingAndReview = ({ makeDatabase, timeout }: Suite): void => {
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
        expect(refusal(byBureau)).toEqual(["forbidden", "M21.1"])

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
          "invalid",
          "M17.1"
        ])
        expect((await review(h, "ia-s1", "t1-basic", schoolApproval, 2)).ok).toBe(true)
        expect((await getEntry(h, "t1-basic"))?.value.review.state).toBe("schoolApproved")
        // The school cannot approve for the bureau; nor can a bureau above the competent one.
        expect(refusal(await review(h, "ia-s1", "t1-basic", { type: "approveByBureau" }, 3))).toEqual([
          "forbidden",
          "M17.1"
        ])
        expect(refusal(await review(h, "ia-root", "t1-basic", { type: "approveByBureau" }, 3))).toEqual([
          "forbidden",
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
}

const problemData = ({ makeDatabase, timeout }: Suite): void => {
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
        expect(refusal(await review(h, "ia-s1", "t1-basic", schoolApproval, 2))).toEqual(["invalid", "M17.3"])
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
}

const whoFillsWhat = ({ makeDatabase, timeout }: Suite): void => {
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
          expect([group, refusal(await add("t1", `t1-${group}`, group, data))]).toEqual([group, ["invalid", "M16.1"]])
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
        expect(refusal(await add("t2", "t2-study", "studyHistory", study))).toEqual(["forbidden", "M14.3"])
        expect(await getEntry(h, "t2-study")).toBeUndefined()
        // The teacher submits its own entry; the school reviews it.
        expect(refusal(await h.result(EFiles.review(teacher, "t1-study", { type: "submit" }, 1)))).toBe("ok")
        expect(refusal(await h.result(EFiles.review(teacher, "t1-study", schoolApproval, 2)))).toEqual([
          "forbidden",
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
}

const departmentInfoAdmin = ({ makeDatabase, timeout }: Suite): void => {
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
        expect([id, refusal(refused)]).toEqual([id, ["forbidden", "M20.1"]])
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
          ["forbidden", "M20.1"]
        ])
        expect((await review(h, "ia-s1", `${id}-basic`, { type: "submit" }, 1)).ok).toBe(true)
        expect([id, refusal(await review(h, "ia-d1", `${id}-basic`, schoolApproval, 2))]).toEqual([
          id,
          ["forbidden", "M20.1"]
        ])
        const entry = await getEntry(h, `${id}-basic`)
        expect([id, entry?.version, entry?.value.review.state]).toEqual([id, 2, "submitted"])
        const read = await h.result(Effect.flatMap(Accounts.actorOf("ia-d1"), (a) => EFiles.read(a, id)))
        expect([id, refusal(read)]).toEqual([id, ["forbidden", "M20.1"]])
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

/**
 * The review area: onboarding and the two-level review (M21.1, M17.1), problem data (M17.3), who fills what (M16.1),
 * departments (M20.1).
 *
 * @since 0.1.0
 */
export const reviewConformance: AreaConformance = area("review", [
  onboardingAndReview,
  problemData,
  whoFillsWhat,
  departmentInfoAdmin
])
