import { type Account, type Authorization, Rotation, Transfer, type Unit } from "@tmis/core"
import { actorAt } from "@tmis/testkit/arbitraries"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

// An independent oracle of M24.1, M24.2 and M24.3, written from the regulation, not from Rotation.ts.

const segments = (path: string) => path.split("/").filter((s) => s.length > 0)
const ref = (path: string, kind: Unit.Kind): Authorization.UnitRef => ({
  id: segments(path).at(-1)! as Unit.UnitId,
  kind,
  path
})

// A small hierarchy: a province with two cities and their counties, a city-run school, a school of another
// province, and a central-ministry university; schools with departments.
const u = {
  national: ref("/n/", "national"),
  hubei: ref("/n/hubei/", "province"),
  wuhan: ref("/n/hubei/wuhan/", "city"),
  jiangan: ref("/n/hubei/wuhan/jiangan/", "county"),
  jianghan: ref("/n/hubei/wuhan/jianghan/", "county"),
  huangshi: ref("/n/hubei/huangshi/", "city"),
  xialu: ref("/n/hubei/huangshi/xialu/", "county"),
  s1: ref("/n/hubei/wuhan/jiangan/s1/", "school"),
  s1d1: ref("/n/hubei/wuhan/jiangan/s1/s1-d1/", "department"),
  s1d2: ref("/n/hubei/wuhan/jiangan/s1/s1-d2/", "department"),
  s2: ref("/n/hubei/wuhan/jiangan/s2/", "school"),
  s3: ref("/n/hubei/wuhan/jianghan/s3/", "school"),
  s3d1: ref("/n/hubei/wuhan/jianghan/s3/s3-d1/", "department"),
  s4: ref("/n/hubei/wuhan/s4/", "school"),
  s5: ref("/n/hubei/huangshi/xialu/s5/", "school"),
  beijing: ref("/n/beijing/", "province"),
  haidian: ref("/n/beijing/haidian/", "county"),
  s6: ref("/n/beijing/haidian/s6/", "school"),
  u1: ref("/n/u1/", "school"),
  u1d1: ref("/n/u1/u1-d1/", "department")
}
const allUnits = Object.values(u)
const schoolSide = allUnits.filter((x) => x.kind === "school" || x.kind === "department")

const schoolOf = (unit: Authorization.UnitRef) => {
  const s = segments(unit.path)
  return unit.kind === "department" ? s[s.length - 2] : s[s.length - 1]
}
const bureauOf = (unit: Authorization.UnitRef) => {
  const s = segments(unit.path)
  return unit.kind === "department" ? s[s.length - 3] : s[s.length - 2]
}
const unitById = (id: string | undefined) => allUnits.find((x) => x.id === id)!

const admin = (unit: Authorization.UnitRef) => actorAt(unit, "infoAdmin")
const disabled = (actor: Authorization.Actor): Authorization.Actor => ({
  ...actor,
  accountId: `${actor.accountId}-disabled` as Account.AccountId,
  status: "disabled"
})
const activeAdmin = (a: Authorization.Actor) => a.status === "active" && a.role === "infoAdmin"
const isSchoolAdmin = (a: Authorization.Actor, unit: Authorization.UnitRef) =>
  activeAdmin(a) && (a.unit.id === schoolOf(unit) || (unit.kind === "department" && a.unit.id === unit.id))
const isBureauAdmin = (a: Authorization.Actor, unit: Authorization.UnitRef) =>
  activeAdmin(a) && a.unit.id === bureauOf(unit)
const blank = (s: string) => s.trim() === ""

const roles = (unit: Authorization.UnitRef): ReadonlyArray<Account.Role> =>
  unit.kind === "school" || unit.kind === "department"
    ? ["systemAdmin", "infoAdmin", "infoQueryer", "teacher"]
    : ["systemAdmin", "infoAdmin", "infoQueryer"]

/** Everyone: every role of every unit, active, and a disabled info admin of every unit. */
const everyone: ReadonlyArray<Authorization.Actor> = allUnits.flatMap((unit) => [
  ...roles(unit).map((role) => actorAt(unit, role)),
  disabled(admin(unit))
])

interface Scenario {
  readonly from: Authorization.UnitRef
  readonly to: Authorization.UnitRef
  readonly input: Rotation.Input
  /** The actors that matter: the info admins of both schools (and departments) and both bureaus. */
  readonly parties: ReadonlyArray<Authorization.Actor>
  /** The info admins who confirm under M24.2, in order (one of the receiving school's). */
  readonly confirmers: ReadonlyArray<Authorization.Actor>
}

type Model = "open1" | "open2" | "open3" | "completed" | "rejected" | "withdrawn"
const modelState: Record<Model, Rotation.State> = {
  open1: "awaitingDispatchingBureau",
  open2: "awaitingReceivingSchool",
  open3: "awaitingReceivingBureau",
  completed: "completed",
  rejected: "rejected",
  withdrawn: "withdrawn"
}

/** Who may confirm (or reject) in each open state (M24.1, M24.2). */
const confirmer = (m: Model, s: Scenario): ((a: Authorization.Actor) => boolean) | undefined =>
  m === "open1"
    ? (a) => isBureauAdmin(a, s.from)
    : m === "open2"
      ? (a) => isSchoolAdmin(a, s.to)
      : m === "open3"
        ? (a) => isBureauAdmin(a, s.to)
        : undefined

/** The next model, or undefined when the event must be refused. */
const oracle = (m: Model, e: Rotation.Event, s: Scenario): Model | undefined => {
  const mayConfirm = confirmer(m, s)
  if (mayConfirm === undefined) return undefined
  const changes = s.input.personnelRelationChanges
  switch (e.type) {
    case "confirm":
      if (!mayConfirm(e.actor)) return undefined
      // M24.1: the dispatching bureau's confirmation completes it; M24.2: two more confirmations follow.
      return m === "open1" ? (changes ? "open2" : "completed") : m === "open2" ? "open3" : "completed"
    case "reject":
      return mayConfirm(e.actor) && !blank(e.reason) ? "rejected" : undefined
    case "withdraw":
      return isSchoolAdmin(e.actor, s.from) && !blank(e.reason) ? "withdrawn" : undefined
  }
}

const mayInitiate = (a: Authorization.Actor, input: Rotation.Input) =>
  isSchoolAdmin(a, input.from) && input.teacher.active && schoolOf(input.from) !== schoolOf(input.to)

const start = Date.parse("2024-03-01T01:00:00.000Z")
const minute = (i: number) => new Date(start + i * 60_000).toISOString()
const now = { requireCertificateFor: [], now: new Date(start) }
const at = minute(1)

const teacher: Rotation.Teacher = { id: "efile-1", identityNumber: "11010519491231002X", active: true }

const inputOf = (
  from: Authorization.UnitRef,
  to: Authorization.UnitRef,
  personnelRelationChanges: boolean,
  more: Partial<Rotation.Input> = {}
) =>
  ({
    id: `rotation-${from.id}-${to.id}`,
    teacher,
    from,
    to,
    personnelRelationChanges,
    period: { start: "2024-09-01", end: "2027-08-31" },
    reason: "县域内义务教育学校校长教师交流轮岗",
    ...more
  }) satisfies Rotation.Input

const scenarioOf = (from: Authorization.UnitRef, to: Authorization.UnitRef, changes: boolean): Scenario => {
  const schoolAdmins = (unit: Authorization.UnitRef) => [
    admin(unitById(schoolOf(unit))),
    ...(unit.kind === "department" ? [admin(unit)] : [])
  ]
  return {
    from,
    to,
    input: inputOf(from, to, changes),
    parties: [
      ...schoolAdmins(from),
      admin(unitById(bureauOf(from))),
      ...schoolAdmins(to),
      admin(unitById(bureauOf(to)))
    ],
    confirmers: [admin(unitById(bureauOf(from))), admin(to), admin(unitById(bureauOf(to)))]
  }
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({ from: fc.constantFrom(...schoolSide), changes: fc.boolean() })
  .chain(({ from, changes }) =>
    fc
      .constantFrom(...schoolSide.filter((to) => schoolOf(to) !== schoolOf(from)))
      .map((to) => scenarioOf(from, to, changes))
  )

const actorOf = (s: Scenario) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...s.confirmers) },
    { weight: 4, arbitrary: fc.constantFrom(...s.parties) },
    { weight: 1, arbitrary: fc.constantFrom(...everyone) }
  )

const reason = fc.constantFrom("派出学校另有安排", "接收学校岗位已满", " 期限不符 ", "", "  ")

const eventOf = (s: Scenario): fc.Arbitrary<Omit<Rotation.Event, "at">> => {
  const actor = actorOf(s)
  return fc.oneof(
    { weight: 14, arbitrary: fc.record({ type: fc.constant("confirm" as const), actor }) },
    { weight: 2, arbitrary: fc.record({ type: fc.constant("reject" as const), actor, reason }) },
    { weight: 2, arbitrary: fc.record({ type: fc.constant("withdraw" as const), actor, reason }) }
  )
}

interface Run {
  readonly scenario: Scenario
  readonly initiator: Authorization.Actor
  readonly active: boolean
  readonly events: ReadonlyArray<Rotation.Event>
}

const run: fc.Arbitrary<Run> = scenario.chain((s) =>
  fc.record({
    scenario: fc.constant(s),
    initiator: fc.oneof({ weight: 6, arbitrary: fc.constant(s.parties[0]!) }, actorOf(s)),
    active: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)),
    events: fc
      .array(eventOf(s), { minLength: 4, maxLength: 16, size: "max" })
      .map((events) => events.map((e, i) => ({ ...e, at: minute(i + 1) }) as Rotation.Event))
  })
)

/** Initiate and send every event, checking each against the oracle; the last snapshot and model. */
const runChecked = (r: Run): { readonly final: Rotation.Snapshot | undefined; readonly model: Model | undefined } => {
  const input = { ...r.scenario.input, teacher: { ...teacher, active: r.active } }
  const initiated = Rotation.decideInitiate(input, r.initiator, now)
  const label = `initiate by ${r.initiator.role}@${r.initiator.unit.id} of ${input.from.id}→${input.to.id}`
  expect(Either.isRight(initiated), label).toBe(mayInitiate(r.initiator, input))
  if (Either.isLeft(initiated)) {
    expect(initiated.left.message.startsWith(initiated.left.rule)).toBe(true)
    return { final: undefined, model: undefined }
  }
  let snapshot = initiated.right
  let model: Model = "open1"
  for (const event of r.events) {
    const result = Rotation.send(snapshot, event)
    const expected = oracle(model, event, r.scenario)
    const what = `${event.type} by ${event.actor.status} ${event.actor.role}@${event.actor.unit.id} in ${model}`
    if (expected === undefined) {
      expect(Either.isLeft(result), what).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left.rule).toMatch(/^M\d+\.\d+$/)
        if (Rotation.isFinal(snapshot.value)) {
          expect(result.left.rule).toBe(Rotation.ruleOf(r.scenario.input.personnelRelationChanges))
        }
      }
    } else {
      expect(Either.isRight(result), what).toBe(true)
      if (Either.isRight(result)) {
        snapshot = result.right
        model = expected
        expect(snapshot.value).toBe(modelState[model])
      }
    }
  }
  return { final: snapshot, model }
}

const pathOf = (s: Scenario): ReadonlyArray<Rotation.Event> =>
  s.input.personnelRelationChanges
    ? [
        { type: "confirm", actor: admin(unitById(bureauOf(s.from))), at: minute(1) },
        { type: "confirm", actor: admin(unitById(schoolOf(s.to))), at: minute(2) },
        { type: "confirm", actor: admin(unitById(bureauOf(s.to))), at: minute(3) }
      ]
    : [{ type: "confirm", actor: admin(unitById(bureauOf(s.from))), at: minute(1) }]
const initiate = (s: Scenario, actor = admin(unitById(schoolOf(s.from)))) =>
  Either.getOrThrow(Rotation.decideInitiate(s.input, actor, now))
const sendAll = (snapshot: Rotation.Snapshot, events: ReadonlyArray<Rotation.Event>) =>
  events.reduce((sn, e) => Either.getOrThrow(Rotation.send(sn, e)), snapshot)
const refusalOf = (snapshot: Rotation.Snapshot, event: Rotation.Event) =>
  Either.match(Rotation.send(snapshot, event), { onLeft: (e) => e, onRight: () => undefined })
const initiationRefusal = (input: Rotation.Input, actor: Authorization.Actor) =>
  Either.match(Rotation.decideInitiate(input, actor, now), { onLeft: (e) => e, onRight: () => undefined })

describe("Rotation", () => {
  it("M24.1 without a change of personnel relation the dispatching school initiates and its competent bureau confirms; then it is completed and the e-file stays", () => {
    const s = scenarioOf(u.s1, u.s5, false)
    const initiated = initiate(s)
    expect(initiated.value).toBe("awaitingDispatchingBureau")
    expect(Rotation.nextStep(initiated.value, false)).toEqual({
      state: "awaitingDispatchingBureau",
      party: "dispatchingBureau",
      role: "infoAdmin",
      rule: "M24.1"
    })
    // Neither the receiving school nor its bureau takes part.
    expect(refusalOf(initiated, { type: "confirm", actor: admin(u.s5), at })?.rule).toBe("M24.1")
    expect(refusalOf(initiated, { type: "confirm", actor: admin(u.xialu), at })?.rule).toBe("M24.1")
    const done = sendAll(initiated, pathOf(s))
    expect(done.value).toBe("completed")
    expect(done.status).toBe("done")
    expect(Rotation.movesEFile(done.context)).toBe(false)
    expect(done.context).toMatchObject({
      from: u.s1,
      to: u.s5,
      personnelRelationChanges: false,
      period: { start: "2024-09-01", end: "2027-08-31" }
    })
    expect(done.context.history.map((h) => [h.type, h.from, h.to, h.actorUnit])).toEqual([
      ["initiate", undefined, "awaitingDispatchingBureau", "s1"],
      ["confirm", "awaitingDispatchingBureau", "completed", "jiangan"]
    ])
    expect(refusalOf(done, { type: "confirm", actor: admin(u.s5), at })?.rule).toBe("M24.1")
  })

  it("M24.2 with a change of personnel relation the dispatching bureau, the receiving school and the receiving bureau confirm in that order; then it is completed and the e-file moves", () => {
    const s = scenarioOf(u.s3d1, u.s6, true)
    const [dispatchingBureau, receivingSchool, receivingBureau] = pathOf(s)
    const initiated = initiate(s, admin(u.s3d1))
    expect(refusalOf(initiated, receivingSchool!)?.rule).toBe("M24.2")
    const one = sendAll(initiated, [dispatchingBureau!])
    expect(one.value).toBe("awaitingReceivingSchool")
    expect(Rotation.nextStep(one.value, true)?.party).toBe("receivingSchool")
    expect(refusalOf(one, receivingBureau!)?.rule).toBe("M24.2")
    expect(refusalOf(one, dispatchingBureau!)?.rule).toBe("M24.2")
    const two = sendAll(one, [receivingSchool!])
    expect(two.value).toBe("awaitingReceivingBureau")
    const done = sendAll(two, [receivingBureau!])
    expect(done.value).toBe("completed")
    expect(Rotation.movesEFile(done.context)).toBe(true)
    expect(done.context.history.map((h) => [h.type, h.to, h.actorUnit])).toEqual([
      ["initiate", "awaitingDispatchingBureau", "s3-d1"],
      ["confirm", "awaitingReceivingSchool", "jianghan"],
      ["confirm", "awaitingReceivingBureau", "s6"],
      ["confirm", "completed", "haidian"]
    ])
    expect(Rotation.steps["M24.2"].map((step) => step.party)).toEqual([
      "dispatchingBureau",
      "receivingSchool",
      "receivingBureau"
    ])
    expect(Rotation.steps["M24.1"].map((step) => step.party)).toEqual(["dispatchingBureau"])
  })

  it("M24.1 M24.2 only an info admin of the dispatching school (or the teacher's department) initiates", () => {
    for (const changes of [false, true]) {
      const s = scenarioOf(u.s1d1, u.s3, changes)
      const rule = changes ? "M24.2" : "M24.1"
      expect(Either.isRight(Rotation.decideInitiate(s.input, admin(u.s1), now))).toBe(true)
      expect(Either.isRight(Rotation.decideInitiate(s.input, admin(u.s1d1), now))).toBe(true)
      for (const other of [admin(u.s3), admin(u.s1d2), admin(u.jiangan), admin(u.hubei)]) {
        const e = initiationRefusal(s.input, other)
        expect(e?.rule).toBe(rule)
        expect(e?.kind).toBe("forbidden")
      }
      expect(initiationRefusal(s.input, actorAt(u.s1, "teacher"))?.rule).toBe("M14.3")
      expect(initiationRefusal(s.input, disabled(admin(u.s1)))?.rule).toBe("M14.3")
    }
  })

  it("M24.1 a rotation goes to another school, for a period that ends after it starts", () => {
    const refused = (input: Rotation.Input) => initiationRefusal(input, admin(u.s1))
    expect(refused(inputOf(u.s1, u.s1d1, false))?.details.field).toBe("to")
    expect(refused(inputOf(u.s1, u.jiangan, false))?.details.field).toBe("to")
    const period = (start: string, end: string) => inputOf(u.s1, u.s2, false, { period: { start, end } })
    expect(refused(period("2024-09-01", "2024-09-01"))?.details.field).toBe("period.end")
    expect(refused(period("2024-09-01", "2023-08-31"))?.rule).toBe("M24.1")
    expect(refused(period("2024-02-30", "2025-01-31"))?.details.field).toBe("period.start")
    expect(refused(inputOf(u.s1, u.s2, true, { reason: "" }))?.rule).toBe("M24.2")
    expect(refused(period("2024-09-01", "2024-09-02"))).toBeUndefined()
  })

  it("M24.2 any confirmer may reject with a reason; the dispatching school may withdraw before the last confirmation, not after", () => {
    const s = scenarioOf(u.s2, u.u1d1, true)
    const path = pathOf(s)
    for (let i = 0; i < path.length; i++) {
      const before = sendAll(initiate(s), path.slice(0, i))
      const confirmer = path[i]!.actor
      expect(refusalOf(before, { type: "reject", actor: confirmer, at, reason: "" })?.details.field).toBe("reason")
      const rejected = sendAll(before, [{ type: "reject", actor: confirmer, at: minute(9), reason: "岗位已满" }])
      expect(rejected.value).toBe("rejected")
      expect(rejected.context.rejection).toMatchObject({ actor: confirmer.accountId, state: before.value })
      // The receiving side cannot withdraw the dispatching school's application.
      expect(refusalOf(before, { type: "withdraw", actor: admin(u.u1), at, reason: "x" })?.rule).toBe("M24.2")
      const withdrawn = sendAll(before, [{ type: "withdraw", actor: admin(u.s2), at: minute(9), reason: "另有安排" }])
      expect(withdrawn.value).toBe("withdrawn")
      expect(withdrawn.context.withdrawal).toMatchObject({ reason: "另有安排", state: before.value })
      for (const ended of [rejected, withdrawn]) expect(refusalOf(ended, path[i]!)?.rule).toBe("M24.2")
    }
    const done = sendAll(initiate(s), path)
    expect(refusalOf(done, { type: "withdraw", actor: admin(u.s2), at, reason: "另有安排" })?.en).toContain(
      "completed rotation accepts nothing more"
    )
  })

  it("M24.2 both schools under one competent bureau: both bureau steps are taken, by the same account", () => {
    const s = scenarioOf(u.s1, u.s2, true)
    const bureau = admin(u.jiangan)
    const one = sendAll(initiate(s), [{ type: "confirm", actor: bureau, at }])
    expect(refusalOf(one, { type: "confirm", actor: bureau, at })?.rule).toBe("M24.2")
    const done = sendAll(one, [
      { type: "confirm", actor: admin(u.s2), at },
      { type: "confirm", actor: bureau, at }
    ])
    expect(done.value).toBe("completed")
  })

  it("M24.3 an inactive teacher cannot be transferred or rotated", () => {
    const inactive = { ...teacher, active: false }
    for (const changes of [false, true]) {
      const e = initiationRefusal(inputOf(u.s1, u.s3, changes, { teacher: inactive }), admin(u.s1))
      expect(e?.rule).toBe("M24.3")
      expect(e?.en).toContain("cannot be rotated")
    }
    const transfer = Transfer.decideInitiate(
      {
        id: "t-1",
        teacher: inactive,
        from: u.s1,
        to: u.s3,
        kind: "transfer",
        effective: "2024-09-01",
        reason: "工作需要"
      },
      admin(u.s3),
      now
    )
    expect(Either.isLeft(transfer) && transfer.left.rule).toBe("M24.3")
  })

  it("M24.1 M24.2 property: completed if and only if the dispatching school initiated and the confirmations of the kind came in order from the right actors", () => {
    const counts = { "M24.1": 0, "M24.2": 0, ended: 0 }
    fc.assert(
      fc.property(run, (r) => {
        const { final, model } = runChecked(r)
        if (final === undefined) return
        const kind = Rotation.ruleOf(r.scenario.input.personnelRelationChanges)
        const steps = Rotation.steps[kind]
        expect(final.value === "completed").toBe(model === "completed")
        const history = final.context.history
        expect(history[0]).toMatchObject({ type: "initiate", actor: r.initiator.accountId })
        expect(isSchoolAdmin(r.initiator, r.scenario.from)).toBe(true)
        const confirmations = history.filter((h) => h.type === "confirm")
        // The accepted confirmations are exactly the kind's steps, in order, each by its party.
        expect(confirmations.map((h) => h.from)).toEqual(steps.slice(0, confirmations.length).map((x) => x.state))
        const expectedUnits = [
          [bureauOf(r.scenario.from)],
          [schoolOf(r.scenario.to), r.scenario.to.id],
          [bureauOf(r.scenario.to)]
        ]
        confirmations.forEach((h, i) => {
          expect(expectedUnits[i]).toContain(h.actorUnit)
        })
        expect(confirmations.length === steps.length).toBe(final.value === "completed")
        if (final.value === "completed") {
          counts[kind]++
          expect(Rotation.movesEFile(final.context)).toBe(kind === "M24.2")
        }
        if (final.value === "rejected" || final.value === "withdrawn") {
          counts.ended++
          expect(history.filter((h) => h.type === "reject" || h.type === "withdraw")).toHaveLength(1)
        }
      }),
      { numRuns: 400 }
    )
    // The generator reaches the end of both kinds, and the early ends, often enough to say something.
    expect(counts["M24.1"]).toBeGreaterThan(10)
    expect(counts["M24.2"]).toBeGreaterThan(10)
    expect(counts.ended).toBeGreaterThan(10)
  })

  it("M24.1 M24.2 property: once rejected, withdrawn or completed, nothing more is accepted", () => {
    const endedRun = run.chain((r) =>
      fc
        .array(eventOf(r.scenario), { minLength: 1, maxLength: 8 })
        .map((more) => ({ r, more: more.map((e, i) => ({ ...e, at: minute(50 + i) }) as Rotation.Event) }))
    )
    let checked = 0
    fc.assert(
      fc.property(endedRun, ({ r, more }) => {
        const { final } = runChecked(r)
        if (final === undefined || Rotation.isOpen(final.value)) return
        checked++
        for (const event of more) {
          const e = refusalOf(final, event)
          expect(e?.rule).toBe(Rotation.ruleOf(r.scenario.input.personnelRelationChanges))
          expect(e?.details.state).toBe(final.value)
        }
      }),
      { numRuns: 300 }
    )
    expect(checked).toBeGreaterThan(20)
  })

  it("persists as plain data and restores to a snapshot that goes on the same way", () => {
    fc.assert(
      fc.property(run, (r) => {
        const { final } = runChecked(r)
        if (final === undefined) return
        const persisted = JSON.parse(JSON.stringify(Rotation.persist(final))) as Rotation.Persisted
        const restored = Rotation.restore(persisted)
        expect(restored.value).toBe(final.value)
        expect(Rotation.persist(restored)).toEqual(persisted)
        for (const event of pathOf(r.scenario)) {
          expect(Either.isRight(Rotation.send(restored, event))).toBe(Either.isRight(Rotation.send(final, event)))
        }
      }),
      { numRuns: 100 }
    )
  })

  it("exports one machine for both kinds whose states are the rotation's states", () => {
    expect(Object.keys(Rotation.machine.states)).toEqual([...Rotation.State.literals])
    const open = Rotation.State.literals.filter(Rotation.isOpen)
    expect(open).toEqual(Rotation.steps["M24.2"].map((s) => s.state))
    for (const state of Rotation.State.literals) {
      expect(Rotation.isFinal(state)).toBe(Rotation.machine.states[state]?.type === "final")
      expect(Rotation.accepts(state, "confirm")).toBe(Rotation.isOpen(state))
      expect(Rotation.whoActs(state, "withdraw")).toBe(Rotation.isOpen(state) ? "dispatchingSchool" : undefined)
    }
    expect(Rotation.nextStep("awaitingReceivingSchool", false)).toBeUndefined()
    expect(Rotation.ruleOf(true)).toBe("M24.2")
  })
})
