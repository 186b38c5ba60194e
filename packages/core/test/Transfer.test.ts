import { type Account, type Authorization, Transfer, type Unit } from "@tmis/core"
import { actorAt } from "@tmis/testkit/arbitraries"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

// An independent oracle of M23.1, M23.2, M23.3 and M24.3, written from the regulation, not from Transfer.ts.

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

interface Scenario {
  readonly from: Authorization.UnitRef
  readonly to: Authorization.UnitRef
  readonly input: Transfer.Input
  /** The actors that matter: the info admins of both schools (and departments) and both bureaus. */
  readonly parties: ReadonlyArray<Authorization.Actor>
  /** The info admins who confirm, in order (one of the sending school's). */
  readonly confirmers: ReadonlyArray<Authorization.Actor>
}

type Model = "open1" | "open2" | "open3" | "completed" | "rejected" | "withdrawn"
const modelState: Record<Model, Transfer.State> = {
  open1: "awaitingReceivingBureau",
  open2: "awaitingSendingSchool",
  open3: "awaitingSendingBureau",
  completed: "completed",
  rejected: "rejected",
  withdrawn: "withdrawn"
}

/** Who may confirm (or reject) in each open state, and the state after a confirmation (M23.1). */
const confirmer = (m: Model, s: Scenario): ((a: Authorization.Actor) => boolean) | undefined =>
  m === "open1"
    ? (a) => isBureauAdmin(a, s.to)
    : m === "open2"
      ? (a) => isSchoolAdmin(a, s.from)
      : m === "open3"
        ? (a) => isBureauAdmin(a, s.from)
        : undefined
const afterConfirm: Partial<Record<Model, Model>> = { open1: "open2", open2: "open3", open3: "completed" }

/** The next model, or undefined when the event must be refused (M23.1, M23.2). */
const oracle = (m: Model, e: Transfer.Event, s: Scenario): Model | undefined => {
  const mayConfirm = confirmer(m, s)
  if (mayConfirm === undefined) return undefined
  switch (e.type) {
    case "confirm":
      return mayConfirm(e.actor) ? afterConfirm[m] : undefined
    case "reject":
      return mayConfirm(e.actor) && !blank(e.reason) ? "rejected" : undefined
    case "withdraw":
      return isSchoolAdmin(e.actor, s.to) && !blank(e.reason) ? "withdrawn" : undefined
  }
}

const mayInitiate = (a: Authorization.Actor, input: Transfer.Input) =>
  input.kind === "transfer" &&
  isSchoolAdmin(a, input.to) &&
  input.teacher.active &&
  schoolOf(input.from) !== schoolOf(input.to)

const start = Date.parse("2024-03-01T01:00:00.000Z")
const minute = (i: number) => new Date(start + i * 60_000).toISOString()
const now = { requireCertificateFor: [], now: new Date(start) }

const teacher: Transfer.Teacher = { id: "efile-1", identityNumber: "11010519491231002X", active: true }

const inputOf = (from: Authorization.UnitRef, to: Authorization.UnitRef, more: Partial<Transfer.Input> = {}) =>
  ({
    id: `transfer-${from.id}-${to.id}`,
    teacher,
    from,
    to,
    kind: "transfer",
    effective: "2024-09-01",
    reason: "夫妻两地分居",
    ...more
  }) satisfies Transfer.Input

const scenarioOf = (from: Authorization.UnitRef, to: Authorization.UnitRef): Scenario => {
  const schoolAdmins = (unit: Authorization.UnitRef) => [
    admin(unitById(schoolOf(unit))),
    ...(unit.kind === "department" ? [admin(unit)] : [])
  ]
  return {
    from,
    to,
    input: inputOf(from, to),
    parties: [
      ...schoolAdmins(to),
      admin(unitById(bureauOf(to))),
      ...schoolAdmins(from),
      admin(unitById(bureauOf(from)))
    ],
    confirmers: [admin(unitById(bureauOf(to))), admin(from), admin(unitById(bureauOf(from)))]
  }
}

const scenario: fc.Arbitrary<Scenario> = fc
  .constantFrom(...schoolSide)
  .chain((from) =>
    fc.constantFrom(...schoolSide.filter((to) => schoolOf(to) !== schoolOf(from))).map((to) => scenarioOf(from, to))
  )

const roles = (unit: Authorization.UnitRef): ReadonlyArray<Account.Role> =>
  unit.kind === "school" || unit.kind === "department"
    ? ["systemAdmin", "infoAdmin", "infoQueryer", "teacher"]
    : ["systemAdmin", "infoAdmin", "infoQueryer"]

/** Everyone: every role of every unit, active, and a disabled info admin of every unit. */
const everyone: ReadonlyArray<Authorization.Actor> = allUnits.flatMap((unit) => [
  ...roles(unit).map((role) => actorAt(unit, role)),
  disabled(admin(unit))
])

const actorOf = (s: Scenario) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...s.confirmers) },
    { weight: 4, arbitrary: fc.constantFrom(...s.parties) },
    { weight: 1, arbitrary: fc.constantFrom(...everyone) }
  )

const reason = fc.constantFrom("材料不全", "调入计划已满", " 编制已满 ", "", "  ")

const eventOf = (s: Scenario): fc.Arbitrary<Omit<Transfer.Event, "at">> => {
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
  readonly events: ReadonlyArray<Transfer.Event>
}

const run: fc.Arbitrary<Run> = scenario.chain((s) =>
  fc.record({
    scenario: fc.constant(s),
    initiator: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...s.parties.slice(0, 1)) }, actorOf(s)),
    active: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)),
    events: fc
      .array(eventOf(s), { maxLength: 10, size: "max" })
      .map((events) => events.map((e, i) => ({ ...e, at: minute(i + 1) }) as Transfer.Event))
  })
)

interface Outcome {
  readonly initiated: boolean
  readonly final: Transfer.Snapshot | undefined
  readonly model: Model | undefined
}

/** Initiate and send every event, checking each against the oracle. */
const runChecked = (r: Run): Outcome => {
  const input = { ...r.scenario.input, teacher: { ...teacher, active: r.active } }
  const initiated = Transfer.decideInitiate(input, r.initiator, now)
  const label = `initiate by ${r.initiator.role}@${r.initiator.unit.id} of ${input.from.id}→${input.to.id}`
  expect(Either.isRight(initiated), label).toBe(mayInitiate(r.initiator, input))
  if (Either.isLeft(initiated)) {
    expect(initiated.left.message.startsWith(initiated.left.rule)).toBe(true)
    return { initiated: false, final: undefined, model: undefined }
  }
  let snapshot = initiated.right
  let model: Model = "open1"
  for (const event of r.events) {
    const result = Transfer.send(snapshot, event)
    const expected = oracle(model, event, r.scenario)
    const what = `${event.type} by ${event.actor.status} ${event.actor.role}@${event.actor.unit.id} in ${model}`
    if (expected === undefined) {
      expect(Either.isLeft(result), what).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left.rule).toMatch(/^M\d+\.\d+$/)
        // Once ended, nothing more is accepted, and the refusal says so with M23.2.
        if (Transfer.isFinal(snapshot.value)) expect(result.left.rule).toBe("M23.2")
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
  return { initiated: true, final: snapshot, model }
}

const at = minute(1)
const happyPath = (s: Scenario): ReadonlyArray<Transfer.Event> => [
  { type: "confirm", actor: admin(unitById(bureauOf(s.to))), at: minute(1) },
  { type: "confirm", actor: admin(unitById(schoolOf(s.from))), at: minute(2) },
  { type: "confirm", actor: admin(unitById(bureauOf(s.from))), at: minute(3) }
]
const initiate = (s: Scenario, actor = admin(unitById(schoolOf(s.to)))) =>
  Either.getOrThrow(Transfer.decideInitiate(s.input, actor, now))
const sendAll = (snapshot: Transfer.Snapshot, events: ReadonlyArray<Transfer.Event>) =>
  events.reduce((sn, e) => Either.getOrThrow(Transfer.send(sn, e)), snapshot)
const refusalOf = (snapshot: Transfer.Snapshot, event: Transfer.Event) =>
  Either.match(Transfer.send(snapshot, event), { onLeft: (e) => e, onRight: () => undefined })
const initiationRefusal = (input: Transfer.Input, actor: Authorization.Actor) =>
  Either.match(Transfer.decideInitiate(input, actor, now), { onLeft: (e) => e, onRight: () => undefined })

describe("Transfer", () => {
  it("M23.1 the receiving school initiates; the receiving bureau, the sending school and the sending bureau confirm in that order; then it is completed", () => {
    const s = scenarioOf(u.s1, u.s5)
    const initiated = initiate(s)
    expect(initiated.value).toBe("awaitingReceivingBureau")
    expect(Transfer.nextStep(initiated.value)).toMatchObject({ party: "receivingBureau", role: "infoAdmin" })
    const [receivingBureau, sendingSchool, sendingBureau] = happyPath(s)
    const one = sendAll(initiated, [receivingBureau!])
    expect(one.value).toBe("awaitingSendingSchool")
    expect(Transfer.nextStep(one.value)?.party).toBe("sendingSchool")
    const two = sendAll(one, [sendingSchool!])
    expect(two.value).toBe("awaitingSendingBureau")
    const done = sendAll(two, [sendingBureau!])
    expect(done.value).toBe("completed")
    expect(done.status).toBe("done")
    expect(Transfer.isFinal(done.value)).toBe(true)
    expect(Transfer.nextStep(done.value)).toBeUndefined()
    expect(done.context.initiator).toEqual({
      actor: "infoAdmin-s5",
      role: "infoAdmin",
      actorUnit: "s5",
      at: now.now.toISOString()
    })
    expect(done.context.history.map((h) => [h.type, h.from, h.to, h.actorUnit])).toEqual([
      ["initiate", undefined, "awaitingReceivingBureau", "s5"],
      ["confirm", "awaitingReceivingBureau", "awaitingSendingSchool", "xialu"],
      ["confirm", "awaitingSendingSchool", "awaitingSendingBureau", "s1"],
      ["confirm", "awaitingSendingBureau", "completed", "jiangan"]
    ])
    expect(done.context).toMatchObject({ from: u.s1, to: u.s5, effective: "2024-09-01", reason: "夫妻两地分居" })
    expect(done.context.rejection).toBeUndefined()
    expect(done.context.withdrawal).toBeUndefined()
    expect(Transfer.steps.map((step) => [step.state, step.party, step.rule])).toEqual([
      ["awaitingReceivingBureau", "receivingBureau", "M23.1"],
      ["awaitingSendingSchool", "sendingSchool", "M23.1"],
      ["awaitingSendingBureau", "sendingBureau", "M23.1"]
    ])
  })

  it("M23.1 only an info admin of the receiving school (or its department) initiates", () => {
    const s = scenarioOf(u.s1d1, u.s3d1)
    expect(Either.isRight(Transfer.decideInitiate(s.input, admin(u.s3), now))).toBe(true)
    expect(Either.isRight(Transfer.decideInitiate(s.input, admin(u.s3d1), now))).toBe(true)
    for (const other of [admin(u.s1), admin(u.s1d1), admin(u.jianghan), admin(u.wuhan), admin(u.s2)]) {
      expect(initiationRefusal(s.input, other)?.rule).toBe("M23.1")
    }
    expect(initiationRefusal(s.input, actorAt(u.s3, "infoQueryer"))?.rule).toBe("M13.4")
    expect(initiationRefusal(s.input, disabled(admin(u.s3)))?.rule).toBe("M14.3")
    const e = initiationRefusal(s.input, admin(u.s1))!
    expect(e.kind).toBe("forbidden")
    expect(e.message).toBe(`M23.1: ${e.en} (${e.zh})`)
    expect(e.en).toContain("the receiving school")
  })

  it("M23.1 a move within one school, between its departments, is not a transfer", () => {
    const input = inputOf(u.s1d1, u.s1d2)
    expect(initiationRefusal(input, admin(u.s1))?.rule).toBe("M23.1")
    expect(initiationRefusal(inputOf(u.s1, u.s1d1), admin(u.s1))?.rule).toBe("M23.1")
    expect(initiationRefusal(inputOf(u.s1, u.jiangan), admin(u.jiangan))?.details.field).toBe("to")
    expect(initiationRefusal(inputOf(u.s1, u.s2, { effective: "2024-02-30" }), admin(u.s2))?.details.field).toBe(
      "effective"
    )
    expect(initiationRefusal(inputOf(u.s1, u.s2, { reason: " " }), admin(u.s2))?.details.field).toBe("reason")
  })

  it("M23.2 any confirmer may reject with a reason: the transfer ends", () => {
    const s = scenarioOf(u.s3d1, u.s4)
    const path = happyPath(s)
    for (let i = 0; i < path.length; i++) {
      const before = sendAll(initiate(s), path.slice(0, i))
      const confirmer = path[i]!.actor
      expect(refusalOf(before, { type: "reject", actor: confirmer, at, reason: "  " })?.details.field).toBe("reason")
      const rejected = sendAll(before, [{ type: "reject", actor: confirmer, at: minute(9), reason: " 编制已满 " }])
      expect(rejected.value).toBe("rejected")
      expect(rejected.status).toBe("done")
      expect(rejected.context.rejection).toEqual({
        actor: confirmer.accountId,
        role: "infoAdmin",
        actorUnit: confirmer.unit.id,
        at: minute(9),
        state: before.value,
        reason: "编制已满"
      })
      expect(rejected.context.history.at(-1)).toMatchObject({ type: "reject", to: "rejected", detail: "编制已满" })
      // A rejection is by the confirmer of that step, never by another party.
      const other = path[(i + 1) % path.length]!.actor
      expect(refusalOf(before, { type: "reject", actor: other, at, reason: "x" })?.rule).toBe("M23.2")
      for (const event of [...path, { type: "withdraw" as const, actor: admin(u.s4), at, reason: "x" }]) {
        expect(refusalOf(rejected, event)?.rule).toBe("M23.2")
      }
    }
  })

  it("M23.2 the initiator may withdraw before the last confirmation, not after", () => {
    const s = scenarioOf(u.s1, u.u1d1)
    const path = happyPath(s)
    for (const withdrawer of [admin(u.u1), admin(u.u1d1)]) {
      for (let i = 0; i < path.length; i++) {
        const before = sendAll(initiate(s), path.slice(0, i))
        expect(Transfer.isOpen(before.value)).toBe(true)
        expect(refusalOf(before, { type: "withdraw", actor: withdrawer, at, reason: "" })?.details.field).toBe("reason")
        // The sending side cannot withdraw another school's application.
        expect(refusalOf(before, { type: "withdraw", actor: admin(u.s1), at, reason: "不调了" })?.rule).toBe("M23.2")
        const withdrawn = sendAll(before, [{ type: "withdraw", actor: withdrawer, at: minute(8), reason: "不调了" }])
        expect(withdrawn.value).toBe("withdrawn")
        expect(withdrawn.context.withdrawal).toMatchObject({ actor: withdrawer.accountId, reason: "不调了" })
        expect(refusalOf(withdrawn, path[i]!)?.rule).toBe("M23.2")
      }
      const completed = sendAll(initiate(s), path)
      const late = refusalOf(completed, { type: "withdraw", actor: withdrawer, at, reason: "不调了" })
      expect(late?.rule).toBe("M23.2")
      expect(late?.en).toContain("completed transfer accepts nothing more")
    }
  })

  it("M23.2 no step can be skipped, repeated or taken by anyone else", () => {
    const s = scenarioOf(u.s2, u.s6)
    const [receivingBureau, sendingSchool, sendingBureau] = happyPath(s)
    const initiated = initiate(s)
    // Skipped: the sending school or bureau before the receiving bureau.
    expect(refusalOf(initiated, sendingSchool!)?.rule).toBe("M23.2")
    expect(refusalOf(initiated, sendingBureau!)?.rule).toBe("M23.2")
    const one = sendAll(initiated, [receivingBureau!])
    // Repeated: the receiving bureau again.
    expect(refusalOf(one, receivingBureau!)?.rule).toBe("M23.2")
    expect(refusalOf(one, sendingBureau!)?.rule).toBe("M23.2")
    // Anyone else: the province above the bureau, the ministry, the initiator, a query-er, a teacher, a disabled admin.
    for (const other of [admin(u.hubei), admin(u.national), admin(u.s6), admin(u.s1), admin(u.jianghan)]) {
      const e = refusalOf(one, { type: "confirm", actor: other, at })
      expect(e?.rule).toBe("M23.2")
      expect(e?.en).toBe("only an info admin of the sending school confirms in state awaitingSendingSchool")
    }
    expect(refusalOf(one, { type: "confirm", actor: actorAt(u.s2, "infoQueryer"), at })?.rule).toBe("M13.4")
    expect(refusalOf(one, { type: "confirm", actor: actorAt(u.s2, "teacher"), at })?.rule).toBe("M14.3")
    expect(refusalOf(one, { type: "confirm", actor: disabled(admin(u.s2)), at })?.rule).toBe("M14.3")
    expect(refusalOf(one, { ...sendingSchool!, at: "yesterday" })?.details.field).toBe("at")
    const unknown = { type: "approve", actor: admin(u.s2), at } as unknown as Transfer.Event
    expect(refusalOf(one, unknown)?.rule).toBe("M23.2")
    expect(Transfer.decideEvent(one.value, one.context, unknown)?.rule).toBe("M23.2")
    const done = sendAll(one, [sendingSchool!, sendingBureau!])
    // A second confirmation once completed is refused, never ignored.
    expect(refusalOf(done, sendingBureau!)?.rule).toBe("M23.2")
    expect(Transfer.accepts("completed", "confirm")).toBe(false)
    expect(Transfer.accepts("awaitingSendingSchool", "withdraw")).toBe(true)
  })

  it("M23.2 both schools under one competent bureau: both bureau steps are taken, by the same account", () => {
    const s = scenarioOf(u.s1, u.s2)
    const bureau = admin(u.jiangan)
    const one = sendAll(initiate(s), [{ type: "confirm", actor: bureau, at: minute(1) }])
    // The bureau's second step is not taken by its first confirmation.
    expect(refusalOf(one, { type: "confirm", actor: bureau, at: minute(2) })?.rule).toBe("M23.2")
    const done = sendAll(one, [
      { type: "confirm", actor: admin(u.s1), at: minute(2) },
      { type: "confirm", actor: bureau, at: minute(3) }
    ])
    expect(done.value).toBe("completed")
    expect(done.context.history.filter((h) => h.actor === bureau.accountId)).toHaveLength(2)
  })

  it("M20.1 M23.1 a department's teacher: the department's or the school's info admin confirms for the sending school", () => {
    const s = scenarioOf(u.s1d1, u.s3)
    const one = sendAll(initiate(s), [happyPath(s)[0]!])
    for (const actor of [admin(u.s1d1), admin(u.s1)]) {
      expect(Either.isRight(Transfer.send(one, { type: "confirm", actor, at }))).toBe(true)
    }
    expect(refusalOf(one, { type: "confirm", actor: admin(u.s1d2), at })?.rule).toBe("M23.2")
    // The bureau of a department is its school's.
    const two = sendAll(one, [{ type: "confirm", actor: admin(u.s1d1), at }])
    expect(Transfer.send(two, { type: "confirm", actor: admin(u.jiangan), at }).pipe(Either.isRight)).toBe(true)
  })

  it("M23.1 across provinces and to a central-ministry university the machine is the same", () => {
    for (const [from, to] of [
      [u.s6, u.s5],
      [u.s5, u.u1d1],
      [u.u1, u.s6]
    ] as const) {
      const s = scenarioOf(from, to)
      expect(sendAll(initiate(s), happyPath(s)).value).toBe("completed")
    }
  })

  it("M23.3 a transfer that is really a rotation is refused, pointing to M24", () => {
    const input = inputOf(u.s1, u.s5, { kind: "rotation" })
    for (const actor of [admin(u.s5), admin(u.s1)]) {
      const e = initiationRefusal(input, actor)
      expect(e?.rule).toBe("M23.3")
      expect(e?.en).toContain("rotation process (M24)")
      expect(e?.zh).toContain("交流轮岗")
      expect(e?.details).toMatchObject({ field: "kind", value: "rotation", use: "Rotation" })
    }
  })

  it("M24.3 an inactive teacher cannot be transferred, whoever initiates", () => {
    const input = inputOf(u.s3, u.s4, { teacher: { ...teacher, active: false } })
    const e = initiationRefusal(input, admin(u.s4))
    expect(e?.rule).toBe("M24.3")
    expect(e?.details).toMatchObject({ field: "teacher.active", teacher: "efile-1" })
    for (const other of everyone) expect(Either.isLeft(Transfer.decideInitiate(input, other, now))).toBe(true)
  })

  it("M14.2 a deployment that requires certificates refuses a confirmer without one", () => {
    const s = scenarioOf(u.s1, u.s3)
    const e = Transfer.send(initiate(s), happyPath(s)[0]!, { requireCertificateFor: ["infoAdmin"] })
    expect(Either.isLeft(e) && e.left.rule).toBe("M14.2")
    const strict = { requireCertificateFor: ["infoAdmin" as const], now: now.now }
    expect(Either.isLeft(Transfer.decideInitiate(s.input, admin(u.s3), strict))).toBe(true)
  })

  it("M23.1 M23.2 property: completed if and only if the receiving school initiated and the three confirmations came in order from the right actors", () => {
    let completed = 0
    let ended = 0
    fc.assert(
      fc.property(run, (r) => {
        const { final, model } = runChecked(r)
        if (final === undefined) return
        expect(final.value === "completed").toBe(model === "completed")
        const history = final.context.history
        expect(history[0]).toMatchObject({ type: "initiate", actor: r.initiator.accountId })
        expect(isSchoolAdmin(r.initiator, r.scenario.to)).toBe(true)
        const confirmations = history.filter((h) => h.type === "confirm")
        // The accepted confirmations are exactly the steps, in order, each by its party.
        expect(confirmations.map((h) => h.from)).toEqual(
          Transfer.steps.slice(0, confirmations.length).map((x) => x.state)
        )
        const expectedUnits = [
          [bureauOf(r.scenario.to)],
          [schoolOf(r.scenario.from), r.scenario.from.id],
          [bureauOf(r.scenario.from)]
        ]
        confirmations.forEach((h, i) => {
          expect(expectedUnits[i]).toContain(h.actorUnit)
        })
        if (final.value === "completed") {
          completed++
          expect(confirmations).toHaveLength(3)
          expect(history).toHaveLength(4)
        } else {
          expect(confirmations.length).toBeLessThan(3)
        }
        if (final.value === "rejected" || final.value === "withdrawn") {
          ended++
          expect(history.filter((h) => h.type === "reject" || h.type === "withdraw")).toHaveLength(1)
          expect(history.at(-1)?.to).toBe(final.value)
        }
      }),
      { numRuns: 400 }
    )
    // The generator reaches both ends often enough for the property to say something.
    expect(completed).toBeGreaterThan(10)
    expect(ended).toBeGreaterThan(10)
  })

  it("M23.2 property: once rejected, withdrawn or completed, nothing more is accepted", () => {
    const endedRun = run.chain((r) =>
      fc
        .array(eventOf(r.scenario), { minLength: 1, maxLength: 8 })
        .map((more) => ({ r, more: more.map((e, i) => ({ ...e, at: minute(50 + i) }) as Transfer.Event) }))
    )
    let checked = 0
    fc.assert(
      fc.property(endedRun, ({ r, more }) => {
        const { final } = runChecked(r)
        if (final === undefined || Transfer.isOpen(final.value)) return
        checked++
        for (const event of more) {
          const e = refusalOf(final, event)
          expect(e?.rule).toBe("M23.2")
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
        const persisted = JSON.parse(JSON.stringify(Transfer.persist(final))) as Transfer.Persisted
        const restored = Transfer.restore(persisted)
        expect(restored.value).toBe(final.value)
        expect(Transfer.persist(restored)).toEqual(persisted)
        for (const event of happyPath(r.scenario)) {
          expect(Either.isRight(Transfer.send(restored, event))).toBe(Either.isRight(Transfer.send(final, event)))
        }
      }),
      { numRuns: 100 }
    )
  })

  it("exports a machine definition whose states are the transfer's states", () => {
    expect(Object.keys(Transfer.machine.states)).toEqual([...Transfer.State.literals])
    expect(Transfer.State.literals.filter(Transfer.isOpen)).toEqual(Transfer.steps.map((s) => s.state))
    for (const state of Transfer.State.literals) {
      expect(Transfer.isFinal(state)).toBe(Transfer.machine.states[state]?.type === "final")
      expect(Transfer.whoActs(state, "withdraw")).toBe(Transfer.isOpen(state) ? "receivingSchool" : undefined)
    }
  })
})
