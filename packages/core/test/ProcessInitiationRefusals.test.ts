import { type Authorization, type Refusal, Rotation, Transfer, type Unit } from "@tmis/core"
import { actorAt } from "@tmis/testkit/arbitraries"
import { Either } from "effect"
import { describe, expect, it } from "vitest"

// What the initiation of a transfer (M23.1, M23.3) or a rotation (M24.1, M24.2) tells a refused initiator, and what
// an accepted one records. Transfer.test.ts and Rotation.test.ts check who may initiate and which rule refuses;
// these pin the kind, both texts and the details of each refusal, and the context of the first snapshot (issue 17:
// their texts, details and the trimming of the reason survived mutation).

const ref = (path: string, kind: Unit.Kind): Authorization.UnitRef => ({
  id: path
    .split("/")
    .filter((s) => s.length > 0)
    .at(-1)! as Unit.UnitId,
  kind,
  path
})
const s1 = ref("/n/hubei/wuhan/jiangan/s1/", "school")
const s3 = ref("/n/hubei/wuhan/jianghan/s3/", "school")
const s3d1 = ref("/n/hubei/wuhan/jianghan/s3/s3-d1/", "department")
const jiangan = ref("/n/hubei/wuhan/jiangan/", "county")

const admin = (unit: Authorization.UnitRef) => actorAt(unit, "infoAdmin")
const who = (actor: Authorization.Actor) => ({ actor: actor.accountId, role: actor.role, actorUnit: actor.unit.id })
const now = { requireCertificateFor: [], now: new Date("2024-03-01T01:00:00.000Z") }
const teacher = { id: "efile-1", identityNumber: "11010519491231002X", active: true }

// A transfer from s1 to s3 is initiated by s3 (the receiving school); a rotation from s1 to s3 by s1 (dispatching).
const transfer = (more: Partial<Transfer.Input> = {}): Transfer.Input => ({
  id: "transfer-1",
  teacher,
  from: s1,
  to: s3,
  kind: "transfer",
  effective: "2024-09-01",
  reason: "夫妻两地分居",
  ...more
})
const rotation = (more: Partial<Rotation.Input> = {}): Rotation.Input => ({
  id: "rotation-1",
  teacher,
  from: s1,
  to: s3,
  personnelRelationChanges: true,
  period: { start: "2024-09-01", end: "2027-08-31" },
  reason: "县域内义务教育学校校长教师交流轮岗",
  ...more
})

const refusalOf = <A>(result: Either.Either<A, Refusal.Refusal>) =>
  Either.match(result, {
    onLeft: (e) => ({ kind: e.kind, rule: e.rule, zh: e.zh, en: e.en, details: e.details }),
    onRight: () => undefined
  })
const initiateTransfer = (input: Transfer.Input, actor = admin(s3), context: Authorization.Context = now) =>
  refusalOf(Transfer.decideInitiate(input, actor, context))
const initiateRotation = (input: Rotation.Input, actor = admin(s1), context: Authorization.Context = now) =>
  refusalOf(Rotation.decideInitiate(input, actor, context))

describe("Transfer and rotation initiation refusals", () => {
  it("M23.1 M24.2 an initiation whose time is not a valid instant is refused, naming `now`", () => {
    const invalidNow = { ...now, now: new Date("not a date") }
    expect(initiateTransfer(transfer(), admin(s3), invalidNow)).toEqual({
      kind: "invalid",
      rule: "M23.1",
      zh: "发起时间无效",
      en: "the initiation's time is not a valid instant",
      details: { ...who(admin(s3)), field: "now" }
    })
    expect(initiateRotation(rotation(), admin(s1), invalidNow)?.details).toEqual({ ...who(admin(s1)), field: "now" })
  })

  it("M23.1 M24.1 an account of another party is told which party initiates, and what", () => {
    // The sending school may not initiate a transfer; the receiving school may not initiate a rotation.
    expect(initiateTransfer(transfer(), admin(s1))).toMatchObject({
      kind: "forbidden",
      rule: "M23.1",
      zh: "须由调入学校的信息管理员发起调动",
      en: "only an info admin of the receiving school initiates a transfer"
    })
    expect(initiateRotation(rotation({ personnelRelationChanges: false }), admin(s3))).toMatchObject({
      kind: "forbidden",
      rule: "M24.1",
      zh: "须由派出学校的信息管理员发起交流轮岗",
      en: "only an info admin of the dispatching school initiates a rotation"
    })
  })

  it("M24.3 an inactive teacher: the refusal names the teacher and the field", () => {
    const inactive = { ...teacher, active: false }
    expect(initiateTransfer(transfer({ teacher: inactive }))).toEqual({
      kind: "invalid",
      rule: "M24.3",
      zh: "不在岗的教师不能调动",
      en: "a teacher who is not active cannot be transferred",
      details: { ...who(admin(s3)), field: "teacher.active", value: false, teacher: "efile-1" }
    })
    expect(initiateRotation(rotation({ teacher: inactive }))?.details).toEqual({
      ...who(admin(s1)),
      field: "teacher.active",
      value: false,
      teacher: "efile-1"
    })
  })

  it("M23.1 M24.2 an initiation names itself and its teacher: a blank id or a blank teacher id is refused, naming which", () => {
    expect(initiateTransfer(transfer({ id: "  " }))).toEqual({
      kind: "invalid",
      rule: "M23.1",
      zh: "调动申请须有标识和教师",
      en: "a transfer names itself and its teacher",
      details: { ...who(admin(s3)), field: "id", value: "  " }
    })
    // The id given, the teacher's blank: still refused, and the field is the teacher's.
    expect(initiateTransfer(transfer({ teacher: { ...teacher, id: " " } }))?.details).toEqual({
      ...who(admin(s3)),
      field: "teacher.id",
      value: " "
    })
    expect(initiateRotation(rotation({ teacher: { ...teacher, id: "" } }))).toEqual({
      kind: "invalid",
      rule: "M24.2",
      zh: "交流轮岗申请须有标识和教师",
      en: "a rotation names itself and its teacher",
      details: { ...who(admin(s1)), field: "teacher.id", value: "" }
    })
  })

  it("M23.1 M24.1 an initiation gives its reason", () => {
    expect(initiateTransfer(transfer({ reason: " \t" }))).toEqual({
      kind: "invalid",
      rule: "M23.1",
      zh: "调动申请须说明理由",
      en: "a transfer application gives its reason",
      details: { ...who(admin(s3)), field: "reason", value: " \t" }
    })
    expect(initiateRotation(rotation({ personnelRelationChanges: false, reason: "" }))).toMatchObject({
      rule: "M24.1",
      zh: "交流轮岗申请须说明理由",
      en: "a rotation application gives its reason"
    })
  })

  it("M23.1 the effective day is a real day: the refusal names the field and the value", () => {
    expect(initiateTransfer(transfer({ effective: "2024-02-30" }))).toEqual({
      kind: "invalid",
      rule: "M23.1",
      zh: "调入日期格式应为YYYY-MM-DD",
      en: "the effective day is a real day written YYYY-MM-DD",
      details: { ...who(admin(s3)), field: "effective", value: "2024-02-30" }
    })
  })

  it("M24.1 M24.2 the period's days are real days, and it ends after it starts: each refusal names its field", () => {
    expect(initiateRotation(rotation({ period: { start: "2024-13-01", end: "2027-08-31" } }))).toEqual({
      kind: "invalid",
      rule: "M24.2",
      zh: "交流期限日期格式应为YYYY-MM-DD",
      en: "the period's days are real days written YYYY-MM-DD",
      details: { ...who(admin(s1)), field: "period.start", value: "2024-13-01" }
    })
    expect(
      initiateRotation(
        rotation({ personnelRelationChanges: false, period: { start: "2024-09-01", end: "2024-09-01" } })
      )
    ).toEqual({
      kind: "invalid",
      rule: "M24.1",
      zh: "交流期限的结束日期须晚于开始日期",
      en: "the period ends after it starts",
      details: { ...who(admin(s1)), field: "period.end", value: "2024-09-01", start: "2024-09-01" }
    })
  })
})

describe("Transfer and rotation initiation records", () => {
  const initiator = (actor: Authorization.Actor) => ({ ...who(actor), at: "2024-03-01T01:00:00.000Z" })

  it("M23.1 an accepted transfer keeps the teacher, both units, the day and the reason trimmed, in its context and its history", () => {
    const input = transfer({ to: s3d1, reason: "  夫妻两地分居 " })
    const snapshot = Either.getOrThrow(Transfer.decideInitiate(input, admin(s3d1), now))
    expect(snapshot.value).toBe("awaitingReceivingBureau")
    expect(snapshot.context).toEqual({
      id: "transfer-1",
      teacher,
      from: s1,
      to: s3d1,
      effective: "2024-09-01",
      reason: "夫妻两地分居",
      initiator: initiator(admin(s3d1)),
      history: [
        {
          ...initiator(admin(s3d1)),
          type: "initiate",
          from: undefined,
          to: "awaitingReceivingBureau",
          detail: "夫妻两地分居"
        }
      ],
      rejection: undefined,
      withdrawal: undefined
    })
  })

  it("M24.2 an accepted rotation keeps the teacher, both units, the kind, the period and the reason trimmed", () => {
    const input = rotation({ reason: "\t交流轮岗 " })
    const snapshot = Either.getOrThrow(Rotation.decideInitiate(input, admin(s1), now))
    expect(snapshot.value).toBe("awaitingDispatchingBureau")
    expect(snapshot.context).toEqual({
      id: "rotation-1",
      teacher,
      from: s1,
      to: s3,
      personnelRelationChanges: true,
      period: { start: "2024-09-01", end: "2027-08-31" },
      reason: "交流轮岗",
      initiator: initiator(admin(s1)),
      history: [
        {
          ...initiator(admin(s1)),
          type: "initiate",
          from: undefined,
          to: "awaitingDispatchingBureau",
          detail: "交流轮岗"
        }
      ],
      rejection: undefined,
      withdrawal: undefined
    })
  })

  it("M24.1 a bureau is not on the school side: the refusal names the field and the unit's kind", () => {
    expect(initiateRotation(rotation({ to: jiangan, personnelRelationChanges: false }))).toEqual({
      kind: "invalid",
      rule: "M24.1",
      zh: "交流轮岗的派出、接收单位须为学校或其二级部门",
      en: "a rotation sends a teacher from a school (or department) to another school (or department)",
      details: { ...who(admin(s1)), field: "to", value: "jiangan", kind: "county" }
    })
  })
})
