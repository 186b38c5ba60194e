/**
 * The training area of the storage conformance suite: the training plan entered by level and its providers
 * (M25.1), results only from a project's own provider for its enrolled teachers (M25.2), confirmation by the
 * project's owning bureau (M25.3), by the teacher's provincial bureau for national projects with its conversion
 * rule (M25.4), by the competent bureau for school-based plans and their credits (M25.5), rejection, correction
 * and resubmission, the credits booked once in the ledger (O9.1).
 *
 * @since 0.1.0
 */
import {
  Accounts,
  type Authorization,
  type CreditBank,
  CreditConfirmations,
  Deployment,
  type EFile,
  EFiles,
  Settings,
  type Storage,
  Training,
  type TrainingProject,
  type TrainingProvider,
  Workflows
} from "@tmis/core"
import { Effect, Option } from "effect"
import { expect, it } from "vitest"
import {
  auditRecords,
  basicInfo,
  createAccounts,
  createUnits,
  type Harness,
  hire,
  person,
  storage,
  units,
  validFrom,
  withDatabase
} from "./fixtures.js"
import { type AreaConformance, area, expectIntact, expectRaceOutcomes, refusal, type Suite } from "./support.js"

const national = { id: "cn", kind: "national", name: "全国", code: "000000", validFrom } as const

const rules: ReadonlyArray<CreditBank.CreditRule> = [
  { id: "hubei-2024", version: 3, province: "hubei", hoursPerCredit: { course: 12, practice: 24 } },
  { id: "hunan-2023", version: 1, province: "hunan", hoursPerCredit: { course: 9, practice: 18 } }
]

/** With the deployment's conversion rules (M25.4). */
const withRules = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.updateService(effect, Settings.Settings, (s) => ({ ...s, creditRules: rules }))

const as = <A, E>(
  h: Harness,
  id: string,
  f: (actor: Authorization.Actor) => Effect.Effect<A, E, Storage.Storage | Settings.Settings>
) => h.result(withRules(Effect.flatMap(Accounts.actorOf(id), f)))

/** A national deployment: 全国 › 湖北省 › 武汉市 › 江岸区 › s1, s2, with info admins at every level and t1 in s1. */
const setupTraining = async (h: Harness) => {
  await h.run(
    Effect.gen(function* () {
      yield* Accounts.bootstrap(national, { id: "sa-root", person })
      const admin = yield* Accounts.actorOf("sa-root")
      yield* Accounts.create(admin, { id: "ia-root", role: "infoAdmin", person }, "cn")
    })
  )
  await createUnits(h, [
    [units.province, "cn"],
    [units.wuhan, "hubei"],
    [units.jiangan, "wuhan"],
    [units.school1, "jiangan"],
    [units.school2, "jiangan"]
  ])
  await createAccounts(h, [
    ["sa-root", "sa-hubei", "systemAdmin", "hubei"],
    ["sa-hubei", "ia-hubei", "infoAdmin", "hubei"],
    ["sa-hubei", "sa-wuhan", "systemAdmin", "wuhan"],
    ["sa-wuhan", "sa-jiangan", "systemAdmin", "jiangan"],
    ["sa-jiangan", "ia-jiangan", "infoAdmin", "jiangan"],
    ["sa-jiangan", "sa-s1", "systemAdmin", "s1"],
    ["sa-s1", "ia-s1", "infoAdmin", "s1"],
    ["sa-jiangan", "sa-s2", "systemAdmin", "s2"],
    ["sa-s2", "ia-s2", "infoAdmin", "s2"]
  ])
  await h.run(Effect.flatMap(Accounts.actorOf("ia-s1"), (a) => EFiles.onboard(a, hire("t1", "s1", basicInfo()))))
}

const project = (
  id: string,
  kind: TrainingProject.Kind,
  providerId: string,
  more: Partial<TrainingProject.NewProject> = {}
) =>
  ({
    id,
    name: `项目${id}`,
    kind,
    hours: 60,
    form: "course",
    providerId,
    from: "2025-03-01",
    to: "2025-06-30",
    capacity: 50,
    ...more
  }) satisfies TrainingProject.NewProject

/** Register a provider as `by`; its actor (authenticated with its key). */
const provider = async (h: Harness, by: string, id: string) => {
  const registered = await as(h, by, (a) => Training.registerProvider(a, { id, name: `机构${id}` }))
  if (!registered.ok) throw new Error(`provider ${id}: ${JSON.stringify(registered)}`)
  const actor = await h.run(Training.authenticateProvider(id, registered.value.key))
  return { actor, key: registered.value.key }
}

const result = (id: string, projectId: string, hours = 36): Training.NewResult => ({
  id,
  projectId,
  teacherId: "t1",
  hours,
  completedOn: "2025-06-30"
})

const submit = (h: Harness, p: TrainingProvider.Actor, r: Training.NewResult) =>
  h.result(withRules(Training.submitResult(p, r)))

const plan = ({ makeDatabase, timeout }: Suite): void => {
  it("M25.1 a bureau enters its own level's projects and their providers; no other level's", { timeout }, () =>
    withDatabase(makeDatabase, Deployment.national, async (h) => {
      await setupTraining(h)
      await provider(h, "ia-jiangan", "pv-county")
      await provider(h, "ia-s1", "pv-school")
      expect(
        refusal(await as(h, "ia-jiangan", (a) => Training.createProject(a, project("c1", "county", "pv-county"))))
      ).toBe("ok")
      // Another level's project, a school entering a county project, a provider of a unit below: refused.
      expect(
        refusal(await as(h, "ia-jiangan", (a) => Training.createProject(a, project("c2", "provincial", "pv-county"))))
      ).toEqual(["invalid", "M25.1"])
      expect(
        refusal(await as(h, "ia-s1", (a) => Training.createProject(a, project("c3", "county", "pv-school"))))
      ).toEqual(["invalid", "M25.1"])
      expect(
        refusal(await as(h, "ia-jiangan", (a) => Training.createProject(a, project("c4", "county", "pv-school"))))
      ).toEqual(["invalid", "M25.1"])
      // Only an info admin of the unit itself: the system admin, and the bureau above, are refused.
      expect(
        refusal(await as(h, "sa-jiangan", (a) => Training.createProject(a, project("c5", "county", "pv-county"))))[0]
      ).toBe("forbidden")
      expect(
        refusal(await as(h, "ia-jiangan", (a) => Training.createProject(a, project("c1", "county", "pv-county"))))
      ).toEqual(["conflict", "M25.1"])
      // The provider is an actor of its own: a wrong key, or a disabled provider, is not authenticated.
      expect(refusal(await h.result(Training.authenticateProvider("pv-county", "wrong")))).toEqual([
        "unauthenticated",
        "M25.2"
      ])
      expect(refusal(await as(h, "ia-s1", (a) => Training.disableProvider(a, "pv-county", 1)))[0]).toBe("forbidden")
      expect(refusal(await as(h, "ia-jiangan", (a) => Training.disableProvider(a, "pv-county", 1)))).toBe("ok")
      const projects = await as(h, "ia-jiangan", (a) => Training.projectsOf(a, "jiangan"))
      expect(projects.ok && projects.value.map((p) => p.id)).toEqual(["c1"])
    })
  )
}

const results = ({ makeDatabase, timeout }: Suite): void => {
  it("M25.2 a provider submits results only for teachers enrolled in its own projects", { timeout }, () =>
    withDatabase(makeDatabase, Deployment.national, async (h) => {
      await setupTraining(h)
      const own = await provider(h, "ia-jiangan", "pv-own")
      const other = await provider(h, "ia-jiangan", "pv-other")
      await as(h, "ia-jiangan", (a) => Training.createProject(a, project("c1", "county", "pv-own")))
      // Not enrolled yet: refused.
      expect(refusal(await submit(h, own.actor, result("r1", "c1")))).toEqual(["forbidden", "M25.2"])
      expect(refusal(await as(h, "ia-s2", (a) => Training.enrol(a, "c1", "t1")))[0]).toBe("forbidden")
      expect(refusal(await as(h, "ia-s1", (a) => Training.enrol(a, "c1", "t1")))).toBe("ok")
      expect(refusal(await as(h, "ia-s1", (a) => Training.enrol(a, "c1", "t1")))).toEqual(["conflict", "M25.2"])
      // Another provider's submission for the same project: refused.
      expect(refusal(await submit(h, other.actor, result("r1", "c1")))).toEqual(["forbidden", "M25.2"])
      // More hours than the project's: refused.
      expect(refusal(await submit(h, own.actor, result("r1", "c1", 61)))).toEqual(["invalid", "M25.2"])
      expect(refusal(await submit(h, own.actor, result("r1", "c1")))).toBe("ok")
      expect(refusal(await submit(h, own.actor, result("r2", "c1")))).toEqual(["conflict", "M25.2"])
    })
  )
}

const confirmation = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M25.3 the project's owning bureau reviews the results and confirms the credits, booked once in the ledger",
    { timeout },
    () =>
      withDatabase(makeDatabase, Deployment.national, async (h) => {
        await setupTraining(h)
        const pv = await provider(h, "ia-jiangan", "pv")
        await as(h, "ia-jiangan", (a) => Training.createProject(a, project("c1", "county", "pv")))
        await as(h, "ia-s1", (a) => Training.enrol(a, "c1", "t1"))
        await submit(h, pv.actor, result("r1", "c1"))
        const inbox = await as(h, "ia-jiangan", (a) => Training.awaiting(a))
        expect(inbox.ok && inbox.value.map((r) => r.value.id)).toEqual(["r1"])
        for (const other of ["ia-s1", "ia-hubei", "ia-root"]) {
          expect([other, refusal(await as(h, other, (a) => Training.confirm(a, "r1", 1)))]).toEqual([
            other,
            ["forbidden", "M25.3"]
          ])
        }
        expect(refusal(await as(h, "ia-jiangan", (a) => Training.confirm(a, "r1", 1)))).toBe("ok")
        // Confirmed once: a second confirmation is refused, by version or by state.
        expect(refusal(await as(h, "ia-jiangan", (a) => Training.confirm(a, "r1", 2)))).toEqual(["invalid", "M25.3"])
        const ledger = await as(h, "ia-s1", (a) => Training.ledger(a, "t1"))
        expect(ledger.ok && ledger.value.entries.map((e) => [e.kind, e.hours, e.credits, e.rule.id, e.unitId])).toEqual(
          [["confirm", 36, 3, "hubei-2024", "jiangan"]]
        )
        expect(ledger.ok && ledger.value.balance.available).toEqual({ hours: 36, credits: 3 })
        expect(refusal(await as(h, "ia-s2", (a) => Training.ledger(a, "t1")))[0]).toBe("forbidden")
      })
  )

  it(
    "M25.4 credits of national projects are confirmed by the teacher's provincial bureau, by that province's rule",
    { timeout },
    () =>
      withDatabase(makeDatabase, Deployment.national, async (h) => {
        await setupTraining(h)
        const pv = await provider(h, "ia-root", "pv-national")
        expect(
          refusal(await as(h, "ia-root", (a) => Training.createProject(a, project("n1", "national", "pv-national"))))
        ).toBe("ok")
        await as(h, "ia-s1", (a) => Training.enrol(a, "n1", "t1"))
        expect(refusal(await submit(h, pv.actor, result("r1", "n1", 60)))).toBe("ok")
        // Not the owning (national) bureau, nor the county: the teacher's province.
        expect(refusal(await as(h, "ia-root", (a) => Training.confirm(a, "r1", 1)))).toEqual(["forbidden", "M25.4"])
        expect(refusal(await as(h, "ia-jiangan", (a) => Training.confirm(a, "r1", 1)))).toEqual(["forbidden", "M25.4"])
        expect(refusal(await as(h, "ia-hubei", (a) => Training.confirm(a, "r1", 1)))).toBe("ok")
        const ledger = await as(h, "ia-hubei", (a) => Training.ledger(a, "t1"))
        expect(ledger.ok && ledger.value.entries.map((e) => [e.credits, e.rule, e.unitId])).toEqual([
          [5, { id: "hubei-2024", version: 3, province: "hubei" }, "hubei"]
        ])
      })
  )

  it(
    "M25.5 school-based plans and their credits, and self-study credits, are reviewed by the competent bureau",
    { timeout },
    () =>
      withDatabase(makeDatabase, Deployment.national, async (h) => {
        await setupTraining(h)
        const pv = await provider(h, "ia-s1", "pv-s1")
        expect(
          refusal(
            await as(h, "ia-s1", (a) =>
              Training.createProject(a, project("sb1", "schoolBased", "pv-s1", { form: "practice" }))
            )
          )
        ).toBe("ok")
        // The plan is approved by the competent bureau before anyone enrols.
        expect(refusal(await as(h, "ia-s1", (a) => Training.enrol(a, "sb1", "t1")))).toEqual(["invalid", "M25.5"])
        expect(refusal(await as(h, "ia-s1", (a) => Training.approvePlan(a, "sb1", 1)))).toEqual(["forbidden", "M25.5"])
        expect(refusal(await as(h, "ia-hubei", (a) => Training.approvePlan(a, "sb1", 1)))).toEqual([
          "forbidden",
          "M25.5"
        ])
        expect(refusal(await as(h, "ia-jiangan", (a) => Training.approvePlan(a, "sb1", 1)))).toBe("ok")
        expect(refusal(await as(h, "ia-s1", (a) => Training.enrol(a, "sb1", "t1")))).toBe("ok")
        expect(refusal(await submit(h, pv.actor, result("r1", "sb1", 48)))).toBe("ok")
        expect(refusal(await as(h, "ia-s1", (a) => Training.confirm(a, "r1", 1)))).toEqual(["forbidden", "M25.5"])
        expect(refusal(await as(h, "ia-jiangan", (a) => Training.confirm(a, "r1", 1)))).toBe("ok")
        const ledger = await as(h, "ia-s1", (a) => Training.ledger(a, "t1"))
        expect(ledger.ok && ledger.value.balance.available).toEqual({ hours: 48, credits: 2 })
      })
  )

  it(
    "M25.3 a rejection gives its reason; the provider corrects and resubmits; the corrected hours are credited",
    { timeout },
    () =>
      withDatabase(makeDatabase, Deployment.national, async (h) => {
        await setupTraining(h)
        const pv = await provider(h, "ia-jiangan", "pv")
        await as(h, "ia-jiangan", (a) => Training.createProject(a, project("c1", "county", "pv")))
        await as(h, "ia-s1", (a) => Training.enrol(a, "c1", "t1"))
        await submit(h, pv.actor, result("r1", "c1", 60))
        expect(refusal(await as(h, "ia-jiangan", (a) => Training.reject(a, "r1", " ", 1)))).toEqual([
          "invalid",
          "M25.3"
        ])
        expect(refusal(await as(h, "ia-jiangan", (a) => Training.reject(a, "r1", "学时与签到不符", 1)))).toBe("ok")
        expect(refusal(await as(h, "ia-jiangan", (a) => Training.confirm(a, "r1", 2)))).toEqual(["invalid", "M25.3"])
        const correction = { hours: 24, completedOn: "2025-06-30", note: "按签到更正" }
        const other = await provider(h, "ia-jiangan", "pv-other")
        expect(refusal(await h.result(withRules(Training.resubmit(other.actor, "r1", correction, 2))))).toEqual([
          "forbidden",
          "M25.2"
        ])
        expect(refusal(await h.result(withRules(Training.resubmit(pv.actor, "r1", correction, 2))))).toBe("ok")
        expect(refusal(await as(h, "ia-jiangan", (a) => Training.confirm(a, "r1", 3)))).toBe("ok")
        const ledger = await as(h, "ia-s1", (a) => Training.ledger(a, "t1"))
        expect(ledger.ok && ledger.value.balance.available).toEqual({ hours: 24, credits: 2 })
        // A correction of confirmed credits is a reversing entry, by the confirming bureau, with its reason.
        const entry = ledger.ok ? ledger.value.entries[0]!.id : ""
        expect(refusal(await as(h, "ia-s1", (a) => Training.reverse(a, "t1", entry, "重复登记", "k1")))[0]).toBe(
          "forbidden"
        )
        expect(refusal(await as(h, "ia-jiangan", (a) => Training.reverse(a, "t1", entry, "重复登记", "k1")))).toBe("ok")
        const after = await as(h, "ia-s1", (a) => Training.ledger(a, "t1"))
        expect(after.ok && after.value.entries.map((e) => e.kind)).toEqual(["confirm", "reverse"])
        expect(after.ok && after.value.balance.available).toEqual({ hours: 0, credits: 0 })
      })
  )
}

/** A second province beside Hubei: 湖南省 › 长沙市 › 岳麓区 › h1, with its info admins. */
const setupHunan = async (h: Harness) => {
  await createUnits(h, [
    [{ id: "hunan", kind: "province", name: "湖南省", code: "430000", validFrom }, "cn"],
    [{ id: "changsha", kind: "city", name: "长沙市", code: "430100", validFrom }, "hunan"],
    [{ id: "yuelu", kind: "county", name: "岳麓区", code: "430104", validFrom }, "changsha"],
    [
      {
        id: "h1",
        kind: "school",
        name: "岳麓区第一小学",
        code: "2143000001",
        validFrom,
        school: { schoolType: "211", sponsor: "21" }
      },
      "yuelu"
    ]
  ])
  await createAccounts(h, [
    ["sa-root", "sa-hunan", "systemAdmin", "hunan"],
    ["sa-hunan", "sa-changsha", "systemAdmin", "changsha"],
    ["sa-changsha", "sa-yuelu", "systemAdmin", "yuelu"],
    ["sa-yuelu", "ia-yuelu", "infoAdmin", "yuelu"],
    ["sa-yuelu", "sa-h1", "systemAdmin", "h1"],
    ["sa-h1", "ia-h1", "infoAdmin", "h1"]
  ])
}

/** Move t1 to `toUnitId` by a transfer confirmed by every party in order (M23.1); the last step's key is `key`. */
const transfer = async (h: Harness, id: string, to: readonly [string, string], from: readonly [string, string]) => {
  const request = {
    id,
    teacherId: "t1",
    toUnitId: to[0].replace("ia-", ""),
    kind: "transfer" as const,
    effective: "2026-09-01",
    reason: "工作需要"
  }
  const initiated = await as(h, to[0], (a) => Workflows.initiateTransfer(a, request))
  if (!initiated.ok) throw new Error(`transfer ${id}: ${JSON.stringify(initiated)}`)
  let version = 1
  for (const by of [to[1], from[0]]) {
    const done = await as(h, by, (a) => Workflows.act(a, id, { type: "confirm" }, version))
    if (!done.ok) throw new Error(`transfer ${id} by ${by}: ${JSON.stringify(done)}`)
    version = done.value.version
  }
  // The last confirmation completes it (O4.1): taken twice with one idempotency key, as a retrying client does.
  const last = () =>
    as(h, from[1], (a) => Workflows.act(a, id, { type: "confirm" }, version, { idempotencyKey: `last-${id}` }))
  const first = await last()
  const retried = await last()
  expect([refusal(first), refusal(retried)]).toEqual(["ok", "ok"])
  expect(first.ok && retried.ok && [first.value.value.state, retried.value.version]).toEqual(["completed", version + 1])
}

const ledgerOf = async (h: Harness) => {
  const ledger = await as(h, "ia-root", (a) => Training.ledger(a, "t1"))
  if (!ledger.ok) throw new Error(JSON.stringify(ledger))
  return ledger.value
}

const followingTransfer = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "O9.1 O4.1 a completed transfer to another province converts the credits by the receiving province's rule, the originals kept; a transfer within the province converts nothing; a retried completion converts once",
    { timeout },
    () =>
      withDatabase(makeDatabase, Deployment.national, async (h) => {
        await setupTraining(h)
        await setupHunan(h)
        const pv = await provider(h, "ia-jiangan", "pv")
        await as(h, "ia-jiangan", (a) => Training.createProject(a, project("c1", "county", "pv")))
        await as(h, "ia-s1", (a) => Training.enrol(a, "c1", "t1"))
        await submit(h, pv.actor, result("r1", "c1", 36))
        expect(refusal(await as(h, "ia-jiangan", (a) => Training.confirm(a, "r1", 1)))).toBe("ok")
        const confirmed = await ledgerOf(h)
        expect(confirmed.entries.map((e) => [e.kind, e.credits, e.rule.id])).toEqual([["confirm", 3, "hubei-2024"]])

        // Within Hubei (s1 → s2): the credits stay as they are.
        await transfer(h, "tr-within", ["ia-s2", "ia-jiangan"], ["ia-s1", "ia-jiangan"])
        expect(await ledgerOf(h)).toEqual(confirmed)

        // Hubei → Hunan (s2 → h1): one convert entry, by Hunan's rule, settling the original, which stays.
        await transfer(h, "tr-across", ["ia-h1", "ia-yuelu"], ["ia-s2", "ia-jiangan"])
        const converted = await ledgerOf(h)
        expect(
          converted.entries.map((e) => [e.kind, e.hours, e.credits, e.rule.id, e.settles?.id, e.key, e.unitId])
        ).toEqual([
          ["confirm", 36, 3, "hubei-2024", undefined, "result:r1", "jiangan"],
          [
            "convert",
            36,
            4,
            "hunan-2023",
            confirmed.entries[0]!.id,
            `convert:tr-across.${confirmed.entries[0]!.id}`,
            "h1"
          ]
        ])
        expect(converted.balance.available).toEqual({ hours: 36, credits: 4 })

        // The service run again for the same transfer (a retried completion): nothing more is booked.
        expect(await h.run(withRules(Training.followTransfer("t1", "tr-across")))).toEqual([])
        expect(await ledgerOf(h)).toEqual(converted)
        await expectIntact(h)
      })
  )
}

/**
 * The training area (M25.1–M25.5, O9.1).
 *
 * @since 0.1.0
 */

/** t1 enrolled in the county projects `ids` of 江岸区 (provider pv), a result r<i> of 36 hours submitted in each. */
const countyResults = async (h: Harness, ids: ReadonlyArray<string>) => {
  const pv = await provider(h, "ia-jiangan", "pv")
  for (const [i, id] of ids.entries()) {
    await as(h, "ia-jiangan", (a) => Training.createProject(a, project(id, "county", "pv")))
    await as(h, "ia-s1", (a) => Training.enrol(a, id, "t1"))
    expect(refusal(await submit(h, pv.actor, result(`r${i + 1}`, id)))).toBe("ok")
  }
}

const tagOf = (o: CreditConfirmations.Outcome) =>
  o._tag === "Confirmed" ? ["Confirmed"] : ["Refused", "kind" in o.error ? o.error.kind : o.error._tag]

const batches = ({ makeDatabase, timeout, races, attempts }: Suite): void => {
  it(
    "M25.3 O9.1 M37.1 a batch of results is confirmed as each alone would be: confirmed once, booked once under its key, audited; a refused result is refused with its reason and audited, the others confirmed",
    { timeout },
    () =>
      withDatabase(makeDatabase, Deployment.national, async (h) => {
        await setupTraining(h)
        await countyResults(h, ["c1", "c2", "c3", "c4"])
        // A provincial project of 湖北省: its result is 湖北省's to confirm, not 江岸区's (M25.3).
        const pvHubei = await provider(h, "ia-hubei", "pv-hubei")
        await as(h, "ia-hubei", (a) => Training.createProject(a, project("pr1", "provincial", "pv-hubei")))
        await as(h, "ia-s1", (a) => Training.enrol(a, "pr1", "t1"))
        expect(refusal(await submit(h, pvHubei.actor, result("rp", "pr1")))).toBe("ok")
        // The store reads many results and keys at once as it reads each alone.
        const read = await h.run(Effect.flatMap(storage, (s) => s.training.getResults(["r1", "rp", "none", "r1"])))
        expect([...read.keys()].sort()).toEqual(["r1", "rp"])
        const alone = await h.run(Effect.flatMap(storage, (s) => s.training.getResult("r1")))
        expect(Option.getOrUndefined(alone)).toEqual(read.get("r1"))

        const before = (await h.run(auditRecords)).length
        const outcomes = await as(h, "ia-jiangan", (a) =>
          CreditConfirmations.confirmBatch(a, [
            { resultId: "r1", version: 1 },
            { resultId: "r2", version: 1 },
            { resultId: "r2", version: 1 },
            { resultId: "rp", version: 1 },
            { resultId: "r3", version: 5 },
            { resultId: "none", version: 1 }
          ])
        )
        if (!outcomes.ok) throw new Error(JSON.stringify(outcomes))
        expect(outcomes.value.map((o) => [o.resultId, ...tagOf(o)])).toEqual([
          ["r1", "Confirmed"],
          ["r2", "Confirmed"],
          ["r2", "Refused", "Conflict"],
          ["rp", "Refused", "forbidden"],
          ["r3", "Refused", "Conflict"],
          ["none", "Refused", "NotFound"]
        ])
        const refusedRule = outcomes.value[3]
        expect(refusedRule?._tag === "Refused" && "rule" in refusedRule.error && refusedRule.error.rule).toBe("M25.3")
        // r3 confirmed alone, for comparison: the batch booked what a confirmation alone books.
        expect(refusal(await as(h, "ia-jiangan", (a) => Training.confirm(a, "r3", 1)))).toBe("ok")
        const ledger = await ledgerOf(h)
        const shape = (e: CreditBank.Entry) => [e.kind, e.key, e.id, e.hours, e.credits, e.rule.id, e.unitId, e.actor]
        expect(ledger.entries.map(shape).sort()).toEqual([
          ["confirm", "result:r1", "credit-r1", 36, 3, "hubei-2024", "jiangan", "ia-jiangan"],
          ["confirm", "result:r2", "credit-r2", 36, 3, "hubei-2024", "jiangan", "ia-jiangan"],
          ["confirm", "result:r3", "credit-r3", 36, 3, "hubei-2024", "jiangan", "ia-jiangan"]
        ])
        const keys = await h.run(Effect.flatMap(storage, (s) => s.credits.byKeys(["result:r1", "result:r3", "x"])))
        expect([...keys.values()].map((e) => e.id).sort()).toEqual(["credit-r1", "credit-r3"])
        const stored = await h.run(Effect.flatMap(storage, (s) => s.training.getResults(["r1", "r2", "rp"])))
        expect([...stored.values()].map((r) => [r.value.id, r.value.state, r.version]).sort()).toEqual([
          ["r1", "confirmed", 2],
          ["r2", "confirmed", 2],
          ["rp", "submitted", 1]
        ])
        // Every confirmation audited as alone (M37.1): credits.confirm then training.confirmResult; each refusal too.
        const records = (await h.run(auditRecords)).slice(before)
        expect(records.map((r) => [r.action, r.object, r.outcome, r.actor])).toEqual([
          ["credits.confirm", "credits:t1", "ok", "ia-jiangan"],
          ["training.confirmResult", "result:r1", "ok", "ia-jiangan"],
          ["credits.confirm", "credits:t1", "ok", "ia-jiangan"],
          ["training.confirmResult", "result:r2", "ok", "ia-jiangan"],
          ["training.confirmResult", "result:r2", "refused", "ia-jiangan"],
          ["training.confirmResult", "result:rp", "refused", "ia-jiangan"],
          ["training.confirmResult", "result:r3", "refused", "ia-jiangan"],
          ["training.confirmResult", "result:none", "refused", "ia-jiangan"],
          ["credits.confirm", "credits:t1", "ok", "ia-jiangan"],
          ["training.confirmResult", "result:r3", "ok", "ia-jiangan"]
        ])
        // A confirmation's outbox event carries the result's id and state, in a batch as alone (M30.1).
        const events = await h.run(Effect.flatMap(storage, (s) => s.outbox.list({ limit: 1000 })))
        expect(events.items.filter((e) => e.type === "training.confirmResult").map((e) => e.payload)).toEqual([
          { id: "r1", state: "confirmed" },
          { id: "r2", state: "confirmed" },
          { id: "r3", state: "confirmed" }
        ])
        await expectIntact(h)
        // The batch again: already confirmed, nothing booked twice; an empty or oversized batch is refused.
        const again = await as(h, "ia-jiangan", (a) =>
          CreditConfirmations.confirmBatch(a, [
            { resultId: "r1", version: 2 },
            { resultId: "r4", version: 1 }
          ])
        )
        expect(again.ok && again.value.map((o) => [o.resultId, ...tagOf(o)])).toEqual([
          ["r1", "Refused", "invalid"],
          ["r4", "Confirmed"]
        ])
        expect((await ledgerOf(h)).entries.map((e) => e.key).sort()).toEqual([
          "result:r1",
          "result:r2",
          "result:r3",
          "result:r4"
        ])
        expect(refusal(await as(h, "ia-jiangan", (a) => CreditConfirmations.confirmBatch(a, [])))).toEqual([
          "invalid",
          "M25.3"
        ])
        const tooMany = Array.from({ length: CreditConfirmations.maxBatch + 1 }, (_, i) => ({
          resultId: `x${i}`,
          version: 1
        }))
        expect(refusal(await as(h, "ia-jiangan", (a) => CreditConfirmations.confirmBatch(a, tooMany)))).toEqual([
          "invalid",
          "M25.3"
        ])
      })
  )

  it(
    "M25.3 the store writes many results at once, each at its version: one whose version moved fails the whole write with a conflict naming it; where many teachers are kept is read without their e-files",
    { timeout },
    () =>
      withDatabase(makeDatabase, Deployment.national, async (h) => {
        await setupTraining(h)
        await countyResults(h, ["c1", "c2", "c3"])
        const read = () => h.run(Effect.flatMap(storage, (s) => s.training.getResults(["r1", "r2", "r3"])))
        const before = await read()
        const returned = (id: string): Storage.TrainingResult => ({ ...before.get(id)!.value, state: "returned" })
        const write = (updates: ReadonlyArray<readonly [string, number]>) =>
          h.result(
            Effect.flatMap(storage, (s) =>
              s.transaction(
                s.training.updateResults(
                  updates.map(([id, expectedVersion]) => ({ next: returned(id), expectedVersion }))
                )
              )
            )
          )
        // r2 at a version it is not at: a conflict naming r2, and r1 and r3 are not written either.
        const stale = await write([
          ["r1", 1],
          ["r2", 2],
          ["r3", 1]
        ])
        expect(refusal(stale)).toEqual(["Conflict", undefined])
        expect(!stale.ok && (stale.error as Storage.Conflict).id).toBe("r2")
        expect(await read()).toEqual(before)
        // At their versions: both written, each as `updateResult` writes it (its state, the unit it awaits).
        const written = await write([
          ["r1", 1],
          ["r2", 1]
        ])
        expect(written.ok && written.value.map((r) => [r.value.id, r.value.state, r.version])).toEqual([
          ["r1", "returned", 2],
          ["r2", "returned", 2]
        ])
        const after = await read()
        expect([after.get("r1"), after.get("r2"), after.get("r3")]).toEqual([
          { value: returned("r1"), version: 2 },
          { value: returned("r2"), version: 2 },
          before.get("r3")
        ])
        const awaiting = await h.run(Effect.flatMap(storage, (s) => s.training.awaiting("jiangan")))
        expect(awaiting.map((r) => r.value.id)).toEqual(["r3"])
        // The unit of each e-file named; an id of no e-file absent.
        const unitIds = await h.run(Effect.flatMap(storage, (s) => s.teachers.unitIdsOf(["t1", "none", "t1"])))
        const t1 = await h.run(Effect.flatMap(storage, (s) => s.teachers.get("t1" as EFile.TeacherId)))
        expect([...unitIds]).toEqual([["t1", Option.getOrThrow(t1).value.unitId]])
      })
  )

  it(
    "O9.1 M25.3 concurrent batches confirming the same results: each result confirmed by one of them, its credits booked once",
    { timeout },
    () =>
      withDatabase(makeDatabase, Deployment.national, async (h) => {
        await setupTraining(h)
        await countyResults(h, ["c1", "c2", "c3"])
        const items = ["r1", "r2", "r3"].map((resultId) => ({ resultId, version: 1 }))
        const outcomes = await races.run(h.database, {
          deployment: Deployment.national,
          attempts: Array.from({ length: Math.min(attempts, 8) }, () => ({
            _tag: "ConfirmBatch" as const,
            actorId: "ia-jiangan",
            items
          }))
        })
        // A batch that lost every race twice may fail with the conflict; none fails otherwise.
        expectRaceOutcomes(outcomes, (o) => expect(o.error).toBe("Conflict"))
        const confirmedBy = outcomes.flatMap((o) =>
          o._tag === "Success"
            ? (o.value as ReadonlyArray<[string, string]>).filter(([, tag]) => tag === "Confirmed")
            : []
        )
        expect(confirmedBy.map(([id]) => id).sort()).toEqual(["r1", "r2", "r3"])
        const ledger = await ledgerOf(h)
        expect(ledger.entries.map((e) => e.key).sort()).toEqual(["result:r1", "result:r2", "result:r3"])
        expect(ledger.balance.available.hours).toBe(108)
        await expectIntact(h)
      })
  )
}

export const trainingConformance: AreaConformance = area("training", [
  plan,
  results,
  confirmation,
  followingTransfer,
  batches
])
