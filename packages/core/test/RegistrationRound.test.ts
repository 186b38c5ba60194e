import { type Authorization, type Refusal, Registration, RegistrationRound, type Unit } from "@tmis/core"
import { actorAt, followsItsRoute } from "@tmis/testkit/arbitraries"
import { Either, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

// A school's registration round (M26.1), in memory: who starts it and for what, the competent bureau's review and
// the school's withdrawal as events of the approval chain, and the context as stored and read back. The adapters'
// tests run the round against a database; these pin the pure decisions (issue 17, mutation testing).

const ref = (path: string, kind: Unit.Kind): Authorization.UnitRef => ({
  id: path
    .split("/")
    .filter((x) => x !== "")
    .at(-1)! as Unit.UnitId,
  kind,
  path
})
const hubei = ref("/n/hubei/", "province")
const wuhan = ref("/n/hubei/wuhan/", "city")
const jiangan = ref("/n/hubei/wuhan/jiangan/", "county")
const hankou = ref("/n/hubei/wuhan/hankou/", "county")
const s1 = ref("/n/hubei/wuhan/jiangan/s1/", "school")
const s2 = ref("/n/hubei/wuhan/jiangan/s2/", "school")
const d1 = ref("/n/hubei/wuhan/jiangan/s1/d1/", "department")
const admin = (unit: Authorization.UnitRef) => actorAt(unit, "infoAdmin")
const now = { requireCertificateFor: [], now: new Date("2026-09-01T01:00:00.000Z") }
const at = "2026-09-02T08:00:00.000Z"
const cycle = { from: "2021-09-01", to: "2026-09-01" }

const result = (): RegistrationRound.Result => ({
  teacherId: "t-1",
  name: "张三",
  outcome: "qualified",
  reasons: [
    Registration.reasonOf("training", "qualified", { hours: 400, credits: 0 }),
    Registration.reasonOf("qualification", "qualified", {})
  ],
  hours: 400,
  credits: 0
})
const input = (unit: Authorization.UnitRef = s1, c: Registration.Cycle = cycle) => ({ id: "rr-1", unit, cycle: c })
// Made in each test (functions, not constants), so that each test covers them (per-test coverage of mutation runs).
const started = () => Either.getOrThrow(RegistrationRound.decideStart(input(), [result()], admin(s1), now))
const plain = (e: Refusal.Refusal | undefined) =>
  e === undefined ? undefined : { kind: e.kind, rule: e.rule, zh: e.zh, en: e.en, details: e.details }
const refusalOf = <A>(either: Either.Either<A, Refusal.Refusal>) =>
  plain(Either.isLeft(either) ? either.left : undefined)

describe("RegistrationRound", () => {
  it("M26.1 a school's info admin starts a round: it awaits the competent bureau, with its results and initiation", () => {
    const round = started()
    expect(round.value).toBe("awaitingBureau")
    expect(RegistrationRound.isOpen(round.value)).toBe(true)
    const initiator = { actor: "infoAdmin-s1", role: "infoAdmin", actorUnit: "s1", at: "2026-09-01T01:00:00.000Z" }
    expect(round.context).toEqual({
      id: "rr-1",
      from: s1,
      to: s1,
      cycle,
      results: [result()],
      initiator,
      history: [
        { ...initiator, type: "initiate", from: undefined, to: "awaitingBureau", detail: "2021-09-01–2026-09-01" }
      ],
      rejection: undefined,
      withdrawal: undefined
    })
  })

  it("M26.1 only the school's own info admin starts its round, and a refusal says who starts it", () => {
    expect(refusalOf(RegistrationRound.decideStart(input(), [], admin(s2), now))).toEqual({
      kind: "forbidden",
      rule: "M26.1",
      zh: "须由学校的信息管理员申请定期注册",
      en: "only an info admin of the school starts a registration round",
      details: {
        actor: "infoAdmin-s2",
        role: "infoAdmin",
        actorUnit: "s2",
        field: "actor",
        value: "infoAdmin-s2",
        expected: ["s1"],
        unit: "s1"
      }
    })
    for (const outsider of [admin(jiangan), admin(d1), actorAt(s1, "infoQueryer"), actorAt(s1, "systemAdmin")]) {
      const refused = RegistrationRound.decideStart(input(), [], outsider, now)
      expect(Either.isLeft(refused) && refused.left.kind).toBe("forbidden")
    }
  })

  it("M26.1 a round is a school's: a department or a bureau applies for none", () => {
    for (const unit of [d1, jiangan]) {
      expect(refusalOf(RegistrationRound.decideStart(input(unit), [], admin(unit), now))).toEqual({
        kind: "invalid",
        rule: "M26.1",
        zh: "定期注册由学校为本校教师申请",
        en: "a school applies for the registration of its teachers",
        details: { field: "unitId", value: unit.id, kind: unit.kind }
      })
    }
  })

  it("M26.1 a round's cycle is two real days in order: not a false day, not empty, not reversed", () => {
    const refusedFor = (c: Registration.Cycle) => ({
      kind: "invalid",
      rule: "M26.1",
      zh: "注册周期的起止日期无效",
      en: "the registration cycle's days are real days, in order",
      details: { field: "cycle", value: c }
    })
    for (const c of [
      { from: "2021-02-30", to: "2026-09-01" },
      { from: "2021-09-01", to: "2026-13-01" },
      { from: "2021-09-01", to: "2021-09-01" },
      { from: "2026-09-01", to: "2021-09-01" }
    ]) {
      expect(refusalOf(RegistrationRound.decideStart(input(s1, c), [], admin(s1), now))).toEqual(refusedFor(c))
      expect(refusalOf(RegistrationRound.decideOrganizedStart(input(s1, c), [], admin(jiangan), now))).toEqual(
        refusedFor(c)
      )
    }
    // One day is a cycle: the check is on order, not length.
    const oneDay = { from: "2021-09-01", to: "2021-09-02" }
    expect(RegistrationRound.decideStart(input(s1, oneDay), [], admin(s1), now)._tag).toBe("Right")
  })

  it("M26.1 a bureau at or above the school's competent bureau organises its round; the round is the school's", () => {
    for (const organiser of [admin(jiangan), admin(wuhan), admin(hubei)]) {
      const round = Either.getOrThrow(RegistrationRound.decideOrganizedStart(input(), [result()], organiser, now))
      expect(round.value).toBe("awaitingBureau")
      expect([round.context.from, round.context.to, round.context.initiator.actor]).toEqual([
        s1,
        s1,
        organiser.accountId
      ])
      expect(round.context.history.map((h) => [h.type, h.actor, h.detail])).toEqual([
        ["initiate", organiser.accountId, "2021-09-01–2026-09-01"]
      ])
    }
  })

  it("M26.1 a school never organises a round: the organised start is an education bureau's", () => {
    for (const school of [admin(s1), admin(s2), admin(d1)]) {
      expect(refusalOf(RegistrationRound.decideOrganizedStart(input(), [], school, now))).toEqual({
        kind: "forbidden",
        rule: "M26.1",
        zh: "由教育行政部门的信息管理员组织辖区学校的定期注册",
        en: "an info admin of an education bureau organises the registration of the schools below it",
        details: { field: "actor", value: school.accountId, role: "infoAdmin", actorUnit: school.unit.id }
      })
    }
  })

  it("M14.3 a bureau beside the school's organises no round (out of its scope); M13.4 nor does a queryer", () => {
    const beside = RegistrationRound.decideOrganizedStart(input(), [], admin(hankou), now)
    expect(Either.isLeft(beside) && [beside.left.kind, beside.left.rule]).toEqual(["forbidden", "M14.3"])
    const queryer = RegistrationRound.decideOrganizedStart(input(), [], actorAt(jiangan, "infoQueryer"), now)
    expect(Either.isLeft(queryer) && [queryer.left.kind, queryer.left.rule]).toEqual(["forbidden", "M13.4"])
    // The unit is checked before the actor: a department's round is refused as such, whoever organises it.
    const department = RegistrationRound.decideOrganizedStart(input(d1), [], admin(hankou), now)
    expect(Either.isLeft(department) && [department.left.kind, department.left.details.field]).toEqual([
      "invalid",
      "unitId"
    ])
  })

  it("M26.1 property derived from the round's definition: it follows its route whoever sends what", () => {
    fc.assert(
      followsItsRoute({
        chain: RegistrationRound.chain,
        route: "M26.1",
        initial: started(),
        actors: { school: admin(s1), bureau: admin(jiangan) },
        outsiders: [admin(s2), admin(hankou), admin(wuhan), actorAt(jiangan, "infoQueryer"), admin(d1)],
        outsiderRules: ["M26.1", "M13.2", "M13.4"]
      }),
      { numRuns: 50 }
    )
  })

  it("M26.1 the competent bureau confirms the round: completed, the confirmation in its history", () => {
    const confirmed = Either.getOrThrow(
      RegistrationRound.send(started(), { type: "confirm", actor: admin(jiangan), at })
    )
    expect(confirmed.value).toBe("completed")
    expect(RegistrationRound.isOpen(confirmed.value)).toBe(false)
    expect(confirmed.context.history.at(-1)).toEqual({
      actor: "infoAdmin-jiangan",
      role: "infoAdmin",
      actorUnit: "jiangan",
      at,
      type: "confirm",
      from: "awaitingBureau",
      to: "completed",
      detail: undefined
    })
    expect([confirmed.context.rejection, confirmed.context.withdrawal]).toEqual([undefined, undefined])
  })

  it("M26.1 the competent bureau rejects the round with its reason; the school withdraws it with its reason", () => {
    const rejected = Either.getOrThrow(
      RegistrationRound.send(started(), { type: "reject", reason: " 学时未核 ", actor: admin(jiangan), at })
    )
    expect(rejected.value).toBe("rejected")
    expect(rejected.context.rejection).toEqual({
      actor: "infoAdmin-jiangan",
      role: "infoAdmin",
      actorUnit: "jiangan",
      at,
      state: "awaitingBureau",
      reason: "学时未核"
    })
    const withdrawn = Either.getOrThrow(
      RegistrationRound.send(started(), { type: "withdraw", reason: "名单有误", actor: admin(s1), at })
    )
    expect(withdrawn.value).toBe("withdrawn")
    expect(withdrawn.context.withdrawal).toMatchObject({ actor: "infoAdmin-s1", state: "awaitingBureau" })
    expect(withdrawn.context.history.map((h) => [h.type, h.to, h.detail])).toEqual([
      ["initiate", "awaitingBureau", "2021-09-01–2026-09-01"],
      ["withdraw", "withdrawn", "名单有误"]
    ])
  })

  it("M26.1 the school never confirms its own round, and the bureau never withdraws it: the refusal names the party", () => {
    expect(refusalOf(RegistrationRound.send(started(), { type: "confirm", actor: admin(s1), at }))).toEqual({
      kind: "forbidden",
      rule: "M26.1",
      zh: "须由学校主管教育行政部门的信息管理员确认此环节",
      en: "only an info admin of the school's competent bureau confirms in state awaitingBureau",
      details: {
        actor: "infoAdmin-s1",
        role: "infoAdmin",
        actorUnit: "s1",
        field: "actor",
        value: "infoAdmin-s1",
        expected: ["jiangan"],
        unit: "s1"
      }
    })
    const bureauWithdraws = RegistrationRound.send(started(), {
      type: "withdraw",
      reason: "x",
      actor: admin(jiangan),
      at
    })
    expect(refusalOf(bureauWithdraws)).toMatchObject({
      kind: "forbidden",
      rule: "M26.1",
      zh: "须由学校的信息管理员撤回定期注册",
      en: "only an info admin of the school withdraws the registration round"
    })
  })

  it("M26.1 a rejection or withdrawal gives its reason, and a decided round accepts nothing more", () => {
    const blank = RegistrationRound.send(started(), { type: "reject", reason: "  ", actor: admin(jiangan), at })
    expect(refusalOf(blank)).toMatchObject({ kind: "invalid", rule: "M26.1", zh: "退回须说明理由" })
    const confirmed = Either.getOrThrow(
      RegistrationRound.send(started(), { type: "confirm", actor: admin(jiangan), at })
    )
    expect(refusalOf(RegistrationRound.send(confirmed, { type: "confirm", actor: admin(jiangan), at }))).toEqual({
      kind: "invalid",
      rule: "M26.1",
      zh: "定期注册已结束（completed），不再接受任何操作",
      en: "a completed registration round accepts nothing more",
      details: {
        event: "confirm",
        actor: "infoAdmin-jiangan",
        role: "infoAdmin",
        actorUnit: "jiangan",
        field: "type",
        value: "confirm",
        state: "completed"
      }
    })
  })

  it("M26.1 a round persisted and restored takes the same events", () => {
    const persisted = RegistrationRound.persist(started())
    expect(persisted).toEqual({ state: "awaitingBureau", context: started().context })
    const restored = RegistrationRound.restore(JSON.parse(JSON.stringify(persisted)))
    expect(restored.value).toBe("awaitingBureau")
    const confirmed = Either.getOrThrow(
      RegistrationRound.send(restored, { type: "confirm", actor: admin(jiangan), at })
    )
    expect(confirmed.value).toBe("completed")
    const refused = RegistrationRound.send(restored, { type: "confirm", actor: admin(s2), at })
    expect(Either.isLeft(refused) && refused.left.rule).toBe("M26.1")
  })

  it("M26.1 a round is stored with its reasons compact, each distinct reason once, and read back whole by PersistedContext", () => {
    const context = started().context
    const stored = RegistrationRound.storedContext(context)
    expect(stored.distinctReasons).toEqual([
      { check: "training", outcome: "qualified", details: { hours: 400, credits: 0 } },
      { check: "qualification", outcome: "qualified", details: {} }
    ])
    expect(stored.results[0]!.reasons).toEqual([0, 1])
    expect({ ...stored, results: undefined, distinctReasons: undefined }).toEqual({ ...context, results: undefined })
    expect(stored.results.map(({ reasons, ...rest }) => rest)).toEqual(
      context.results.map(({ reasons, ...rest }) => rest)
    )
    const decoded = Schema.decodeUnknownSync(RegistrationRound.PersistedContext)(JSON.parse(JSON.stringify(stored)))
    expect(decoded).toEqual(context)
    expect(Schema.encodeSync(RegistrationRound.PersistedContext)(decoded)).toEqual(stored)
  })

  it("M26.1 the reasons teachers share are stored once a round, and stay shared when the round is read and written again", () => {
    const decision = (hours: number) =>
      Registration.decide({
        cycle: Registration.cycleFrom("2022-01-01"),
        assessments: [2022, 2023, 2024, 2025, 2026].map((year) => ({ year, result: "2" })),
        ethics: [],
        statusHistory: [],
        training: { hours, credits: 0 }
      })
    const results = [400, 100, 400].map((hours, i) => ({
      teacherId: `T${i}`,
      name: `教师${i}`,
      ...decision(hours),
      hours,
      credits: 0
    }))
    const context = { ...started().context, results }
    const stored = RegistrationRound.storedContext(context)
    // Three training reasons of their own, the four other checks' met reasons once.
    expect(stored.distinctReasons).toHaveLength(3 + 4)
    expect(stored.results.map((r) => r.reasons)).toEqual([
      [0, 1, 2, 3, 4],
      [5, 1, 2, 3, 4],
      [6, 1, 2, 3, 4]
    ])
    const decoded = Schema.decodeUnknownSync(RegistrationRound.PersistedContext)(JSON.parse(JSON.stringify(stored)))
    expect(decoded).toEqual(context)
    expect(RegistrationRound.storedContext(decoded)).toEqual(stored)
  })

  it("M26.1 a round stored before its reasons were indexed (each result's reasons themselves) reads back whole", () => {
    const context = started().context
    const older = {
      ...context,
      results: context.results.map((r) => ({ ...r, reasons: r.reasons.map(Registration.storedReason) }))
    }
    const decoded = Schema.decodeUnknownSync(RegistrationRound.PersistedContext)(JSON.parse(JSON.stringify(older)))
    expect(decoded).toEqual(context)
  })

  it("M26.1 a stored round whose result names a reason it does not hold is refused when read", () => {
    const stored = RegistrationRound.storedContext(started().context)
    const broken = { ...stored, results: stored.results.map((r) => ({ ...r, reasons: [...r.reasons, 9] })) }
    expect(() => Schema.decodeUnknownSync(RegistrationRound.PersistedContext)(broken)).toThrow(
      /no distinct reason 9 in the round/
    )
  })
})
