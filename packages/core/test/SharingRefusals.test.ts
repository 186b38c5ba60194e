import { type Authorization, type Refusal, SharingRequest, type Unit } from "@tmis/core"
import { actorAt } from "@tmis/testkit/arbitraries"
import { Either } from "effect"
import { describe, expect, it } from "vitest"

// What a sharing request (M31.1) tells a refused filer, withdrawer or bureau, and what a filing records.
// Sharing.test.ts checks which requests are refused and where the chain goes; these pin the kind, both texts and
// the details of each refusal, the boundaries of a period and of narrowing, and the trimming of the filed texts
// (issue 17: they survived mutation).

const ref = (path: string, kind: Unit.Kind): Authorization.UnitRef => ({
  id: path
    .split("/")
    .filter((x) => x !== "")
    .at(-1)! as Unit.UnitId,
  kind,
  path
})
const hubei = ref("/n/hubei/", "province")
const jiangan = ref("/n/hubei/wuhan/jiangan/", "county")
const s1 = ref("/n/hubei/wuhan/jiangan/s1/", "school")
const admin = (unit: Authorization.UnitRef) => actorAt(unit, "infoAdmin")
const filer = { ...admin(hubei), accountId: "filer" } as Authorization.Actor
const who = (actor: Authorization.Actor) => ({
  field: "actor",
  value: actor.accountId,
  role: actor.role,
  actorUnit: actor.unit.id
})
const now = { requireCertificateFor: [], now: new Date("2026-03-01T01:00:00.000Z") }
const at = "2026-03-02T08:00:00.000Z"

const scope: SharingRequest.Scope = {
  fields: ["basicInfo.name", "basicInfo.birthDate", "titles.title"],
  unit: jiangan,
  period: { start: "2026-03-01", end: "2026-12-31" }
}
const input = (more: Partial<SharingRequest.Input> = {}): SharingRequest.Input => ({
  id: "sr-1",
  requester: { organisation: "湖北省人力资源和社会保障厅", system: "职称评审系统" },
  purpose: "职称评审资格核验",
  scope,
  ...more
})

const plain = (e: Refusal.Refusal) => ({ kind: e.kind, rule: e.rule, zh: e.zh, en: e.en, details: e.details })
const refusalOf = <A>(result: Either.Either<A, Refusal.Refusal>) =>
  Either.match(result, { onLeft: plain, onRight: () => undefined })
const file = (more: Partial<SharingRequest.Input> = {}, actor: Authorization.Actor = filer) =>
  SharingRequest.decideInitiate(input(more), jiangan, actor, now)
const filed = Either.getOrThrow(file())
const approve = (granted: SharingRequest.Scope | undefined, actor = admin(jiangan), snapshot = filed) =>
  SharingRequest.decideApprove(snapshot, actor, at, granted)

describe("SharingRequest refusals", () => {
  it("M31.1 the filing names the requester, a purpose, and at least one field: each refusal says which", () => {
    expect(refusalOf(file({ requester: { organisation: "人社厅", system: " " } }))).toEqual({
      kind: "invalid",
      rule: "M31.1",
      zh: "须写明申请方及其系统",
      en: "a request names the requester and its system",
      details: { field: "requester", value: { organisation: "人社厅", system: " " } }
    })
    expect(refusalOf(file({ purpose: "\t" }))).toEqual({
      kind: "invalid",
      rule: "M31.1",
      zh: "须写明用途",
      en: "a request states its purpose",
      details: { field: "purpose", value: "\t" }
    })
    expect(refusalOf(file({ scope: { ...scope, fields: [] } }))).toEqual({
      kind: "invalid",
      rule: "M31.1",
      zh: "至少申请一个信息指标",
      en: "a request names at least one field",
      details: { field: "scope.fields", value: [] }
    })
    const twice = ["basicInfo.name", "titles.title", "basicInfo.name"]
    expect(refusalOf(file({ scope: { ...scope, fields: twice } }))).toEqual({
      kind: "invalid",
      rule: "M31.1",
      zh: "信息指标不能重复",
      en: "a field is named once",
      details: { field: "scope.fields", value: twice }
    })
  })

  it("M31.1 a malformed scope (a field that is no `group.field` path, a day that is no day) is refused as a whole", () => {
    for (const malformed of [
      { ...scope, fields: ["basicInfo"] },
      { ...scope, period: { start: "2026-02-30", end: "2026-12-31" } }
    ]) {
      expect(refusalOf(file({ scope: malformed }))).toEqual({
        kind: "invalid",
        rule: "M31.1",
        zh: "共享范围格式不正确",
        en: "the scope is malformed",
        details: { field: "scope", value: malformed }
      })
    }
  })

  it("M31.1 the period's days are both included: a one-day period is a period, a period ending before it starts is not", () => {
    const oneDay = { ...scope, period: { start: "2026-05-01", end: "2026-05-01" } }
    expect(Either.isRight(file({ scope: oneDay }))).toBe(true)
    expect(refusalOf(file({ scope: { ...scope, period: { start: "2026-05-01", end: "2026-04-30" } } }))).toEqual({
      kind: "invalid",
      rule: "M31.1",
      zh: "期限的结束日期不能早于开始日期",
      en: "the period ends on or after it starts",
      details: { field: "scope.period.end", value: "2026-04-30" }
    })
  })

  it("M31.1 only an info admin files; a disabled one is refused by its account's status", () => {
    const queryer = actorAt(hubei, "infoQueryer")
    expect(refusalOf(file({}, queryer))).toEqual({
      kind: "forbidden",
      rule: "M31.1",
      zh: "共享申请由信息管理员提交",
      en: "an info admin files a sharing request",
      details: { field: "actor", value: queryer.accountId, role: "infoQueryer" }
    })
    const disabled = refusalOf(file({}, { ...filer, status: "disabled" }))
    expect(disabled?.kind).toBe("forbidden")
    expect(disabled?.rule).not.toBe("M31.1")
  })

  it("M31.1 units with no owning bureau: the refusal names the requested unit", () => {
    expect(refusalOf(SharingRequest.decideInitiate(input({ scope: { ...scope, unit: s1 } }), s1, filer, now))).toEqual({
      kind: "invalid",
      rule: "M31.1",
      zh: "申请的单位没有所属的教育行政部门",
      en: "the units requested have no owning bureau",
      details: { field: "scope.unit", value: "s1" }
    })
  })

  it("M31.1 only the filing account withdraws; the filing account never approves: both refusals name the actor", () => {
    const other = { ...filer, accountId: "another" } as Authorization.Actor
    expect(refusalOf(SharingRequest.send(filed, { type: "withdraw", actor: other, at, reason: "不再需要" }))).toEqual({
      kind: "forbidden",
      rule: "M31.1",
      zh: "须由提交申请的账号撤回共享申请",
      en: "only the account that filed it withdraws the sharing request",
      details: who(other)
    })
    const bureauFiler = admin(jiangan)
    const own = Either.getOrThrow(file({}, bureauFiler))
    expect(refusalOf(approve(undefined, bureauFiler, own))).toEqual({
      kind: "forbidden",
      rule: "M31.1",
      zh: "提交申请的账号不能审批自己的申请",
      en: "the account that filed a request does not decide it",
      details: who(bureauFiler)
    })
  })

  it("M31.1 a grant is well formed too: granting no field is refused, naming the grant's fields", () => {
    expect(refusalOf(approve({ ...scope, fields: [] }))).toEqual({
      kind: "invalid",
      rule: "M31.1",
      zh: "至少申请一个信息指标",
      en: "a request names at least one field",
      details: { field: "scope.fields", value: [] }
    })
  })

  it("M31.1 a grant never ends after the request's period, even when it starts within it", () => {
    const later = { ...scope, period: { start: "2026-04-01", end: "2027-01-01" } }
    expect(refusalOf(approve(later))).toEqual({
      kind: "invalid",
      rule: "M31.1",
      zh: "批准的范围不能超出申请的范围",
      en: "a bureau grants the request or a part of it, never more",
      details: { field: "scope", value: later, requested: scope }
    })
    // The same last day is within it.
    const same = { ...scope, period: { start: "2026-04-01", end: "2026-12-31" } }
    expect(Either.isRight(approve(same))).toBe(true)
  })
})

describe("SharingRequest filing", () => {
  it("M31.1 a filing keeps the requester, the purpose trimmed, the scope and the owner; its history has the purpose", () => {
    const snapshot = Either.getOrThrow(
      file({ requester: { organisation: " 人社厅 ", system: "职称系统\n" }, purpose: "  资格核验 " })
    )
    expect(snapshot.value).toBe("awaitingOwningBureau")
    expect(snapshot.context.requester).toEqual({ organisation: "人社厅", system: "职称系统" })
    expect(snapshot.context.purpose).toBe("资格核验")
    expect(snapshot.context.requested).toEqual(scope)
    expect(snapshot.context.owner).toEqual(jiangan)
    expect(snapshot.context.history.map((h) => [h.type, h.actor, h.detail])).toEqual([
      ["initiate", "filer", "资格核验"]
    ])
  })
})
