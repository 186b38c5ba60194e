import { type Authorization, type Refusal, Review, type Unit } from "@tmis/core"
import { actorAt } from "@tmis/testkit/arbitraries"
import { Either } from "effect"
import { describe, expect, it } from "vitest"

// The e-file review (M17.1, M17.3, M17.4, M19.1, M20.1) at fixed units: what each refusal says and carries, and what
// the context keeps of each accepted event. Review.test.ts checks who may act against an independent oracle, by
// rule; these pin the refusals' texts and details, the history items, the reviews recorded and the batch
// submission (issue 17, from the survivors of the mutation run).

const ref = (path: string, kind: Unit.Kind): Authorization.UnitRef => ({
  id: path
    .split("/")
    .filter((x) => x !== "")
    .at(-1)! as Unit.UnitId,
  kind,
  path
})
const jiangan = ref("/n/hubei/wuhan/jiangan/", "county")
const s1 = ref("/n/hubei/wuhan/jiangan/s1/", "school")
const d1 = ref("/n/hubei/wuhan/jiangan/s1/d1/", "department")
const idNumber = "11010519491231002X"
const school = actorAt(s1, "infoAdmin")
const bureau = actorAt(jiangan, "infoAdmin")
const teacher = actorAt(d1, "teacher", idNumber)
const at = "2024-03-01T02:00:00.000Z"
const entry = (more: Partial<Review.Entry> = {}): Review.Entry => ({
  id: "e-1",
  group: "学习经历",
  teacher: idNumber,
  teacherMayEnter: true,
  ...more
})
const approval = (more: Partial<Extract<Review.Event, { type: "approveBySchool" }>> = {}): Review.Event => ({
  type: "approveBySchool",
  actor: school,
  unit: d1,
  at,
  collectiveReview: " 纪要3 ",
  principal: " 王校长 ",
  signedOn: "2024-03-01",
  ...more
})
const plain = (e: Refusal.Refusal | undefined) =>
  e === undefined ? undefined : { kind: e.kind, rule: e.rule, zh: e.zh, en: e.en, details: e.details }
const refusalOf = (snapshot: Review.Snapshot, event: Review.Event) =>
  plain(Either.match(Review.send(snapshot, event), { onLeft: (e) => e, onRight: () => undefined }))
const sendAll = (snapshot: Review.Snapshot, events: ReadonlyArray<Review.Event>) =>
  events.reduce((s, e) => Either.getOrThrow(Review.send(s, e)), snapshot)
// Made in each test (functions, not constants), so that each test covers them (per-test coverage of mutation runs).
const submitted = (e: Review.Entry = entry()) =>
  sendAll(Review.initial(e), [{ type: "submit", actor: school, unit: d1, at }])
const schoolApproved = () => sendAll(submitted(), [approval()])
const by = (actor: Authorization.Actor) => ({
  actor: actor.accountId,
  role: actor.role,
  actorUnit: actor.unit.id,
  unit: "d1"
})
const detailsOf = (type: string, actor: Authorization.Actor, more: Record<string, unknown>) => ({
  event: type,
  ...by(actor),
  ...more
})

describe("Review refusals", () => {
  it("M17.1 a new entry is a draft with its own fields, its problems and nothing reviewed", () => {
    expect(Review.initial({ ...entry(), problems: [{ check: "identity", detail: "校验码不符" }] }).context).toEqual({
      entry: entry(),
      problems: [{ check: "identity", detail: "校验码不符" }],
      schoolReview: undefined,
      bureauReview: undefined,
      rejection: undefined,
      history: []
    })
    expect(Review.initial(entry()).context.problems).toEqual([])
    expect(Review.State.literals.filter(Review.isEditable)).toEqual(["draft", "returned"])
  })

  it("M17.1 an event's time is an ISO 8601 instant", () => {
    expect(refusalOf(submitted(), { ...approval(), at: "yesterday" })).toEqual({
      kind: "invalid",
      rule: "M17.1",
      zh: "事件时间应为ISO 8601时刻",
      en: "an event's time is an ISO 8601 instant",
      details: detailsOf("approveBySchool", school, { field: "at", value: "yesterday" })
    })
  })

  it("M17.1 an entry is a school's or a department's: a bureau's unit is refused for every event", () => {
    const refusal = () => ({
      kind: "invalid",
      rule: "M17.1",
      zh: "教师信息属于学校或其二级部门",
      en: "a teacher's entry belongs to a school or one of its departments",
      details: { field: "unit", value: "jiangan", kind: "county" }
    })
    expect(refusalOf(Review.initial(entry()), { type: "submit", actor: bureau, unit: jiangan, at })).toEqual(refusal())
    expect(
      refusalOf(submitted(), {
        type: "flagProblem",
        actor: bureau,
        unit: jiangan,
        at,
        problem: { check: "duplicate", detail: "重复" }
      })
    ).toEqual(refusal())
  })

  it("M16.1 a teacher never enters a group reserved to the school or a bureau; M14.3 nor another's entry", () => {
    const draft = Review.initial(entry({ teacherMayEnter: false, group: "年度考核" }))
    expect(refusalOf(draft, { type: "edit", actor: teacher, unit: d1, at })).toEqual({
      kind: "invalid",
      rule: "M16.1",
      zh: "考核结果、待遇、师德和专业技术职务等信息由学校或教育行政部门填报，教师本人不能填报",
      en: "assessment, pay, ethics and title records are entered by the school or a bureau, never by the teacher",
      details: detailsOf("edit", teacher, { field: "group", value: "年度考核" })
    })
    expect(refusalOf(draft, { type: "edit", actor: school, unit: d1, at })).toBeUndefined()
    const own = Review.initial(entry())
    expect(refusalOf(own, { type: "submit", actor: teacher, unit: d1, at })).toBeUndefined()
    const another = Review.initial(entry({ teacher: "440524188001010014" }))
    expect(refusalOf(another, { type: "submit", actor: teacher, unit: d1, at })?.rule).toBe("M14.3")
  })

  it("M17.1 the school review records a collective review, the principal's sign-off and its day", () => {
    const blank = (field: string, value: string, zh: string, en: string) => ({
      kind: "invalid",
      rule: "M17.1",
      zh,
      en,
      details: detailsOf("approveBySchool", school, { field, value })
    })
    expect(refusalOf(submitted(), approval({ collectiveReview: " " }))).toEqual(
      blank("collectiveReview", " ", "学校审核须记录集体审核", "the school review records its collective review")
    )
    expect(refusalOf(submitted(), approval({ principal: "" }))).toEqual(
      blank("principal", "", "学校审核须记录校长签字", "the school review records the principal's sign-off")
    )
    expect(refusalOf(submitted(), approval({ signedOn: "2024-3-1" }))).toEqual(
      blank("signedOn", "2024-3-1", "校长签字日期格式应为YYYY-MM-DD", "the principal's sign-off is dated YYYY-MM-DD")
    )
  })

  it("M17.1 the school review kept: reviewer, trimmed collective review and principal, day and time", () => {
    const approved = schoolApproved()
    expect(approved.context.schoolReview).toEqual({
      reviewer: "infoAdmin-s1",
      reviewerUnit: "s1",
      collectiveReview: "纪要3",
      principal: "王校长",
      signedOn: "2024-03-01",
      at
    })
    const effective = sendAll(approved, [{ type: "approveByBureau", actor: bureau, unit: d1, at }])
    expect(effective.context.bureauReview).toEqual({ reviewer: "infoAdmin-jiangan", reviewerUnit: "jiangan", at })
    expect(effective.context.history).toEqual([
      { type: "submit", from: "draft", to: "submitted", ...by(school), at, detail: undefined },
      {
        type: "approveBySchool",
        from: "submitted",
        to: "schoolApproved",
        ...by(school),
        at,
        detail: undefined
      },
      {
        type: "approveByBureau",
        from: "schoolApproved",
        to: "effective",
        ...by(bureau),
        at,
        detail: undefined
      }
    ])
  })

  it("M17.1 the school rejects a submitted entry, the bureau a school-approved one; the resubmission starts anew", () => {
    expect(refusalOf(submitted(), { type: "reject", actor: bureau, unit: d1, at, reason: "x" })?.rule).toBe("M17.1")
    expect(refusalOf(schoolApproved(), { type: "reject", actor: school, unit: d1, at, reason: "x" })?.rule).toBe(
      "M17.1"
    )
    const bySchool = sendAll(submitted(), [{ type: "reject", actor: school, unit: d1, at, reason: " 缺证明 " }])
    expect(bySchool.context.rejection).toEqual({ stage: "school", reason: "缺证明", by: "infoAdmin-s1", at })
    expect(bySchool.context.history.at(-1)?.detail).toBe(" 缺证明 ")
    const byBureau = sendAll(schoolApproved(), [{ type: "reject", actor: bureau, unit: d1, at, reason: "学历不符" }])
    expect(byBureau.value).toBe("returned")
    expect(byBureau.context.rejection).toEqual({ stage: "bureau", reason: "学历不符", by: "infoAdmin-jiangan", at })
    expect(byBureau.context.schoolReview).toBeUndefined()
    const edited = sendAll(byBureau, [{ type: "edit", actor: school, unit: d1, at }])
    expect(edited.value).toBe("returned")
    // An edit is kept in the history like any accepted event, and changes nothing else.
    expect(edited.context).toEqual({
      ...byBureau.context,
      history: [
        ...byBureau.context.history,
        { type: "edit", from: "returned", to: "returned", ...by(school), at, detail: undefined }
      ]
    })
    expect(edited.context.rejection).toEqual(byBureau.context.rejection)
    const resubmitted = sendAll(edited, [{ type: "submit", actor: school, unit: d1, at }])
    expect([resubmitted.value, resubmitted.context.rejection, resubmitted.context.schoolReview]).toEqual([
      "submitted",
      undefined,
      undefined
    ])
    expect(refusalOf(submitted(), { type: "reject", actor: school, unit: d1, at, reason: " " })).toEqual({
      kind: "invalid",
      rule: "M17.1",
      zh: "退回须说明理由",
      en: "a rejection gives its reason",
      details: detailsOf("reject", school, { field: "reason", value: " " })
    })
  })

  it("M17.1 a resubmitted entry passes both reviews anew: the bureau review of a previous pass is cleared", () => {
    // A school-approved entry rejected by the bureau keeps no review; a stale bureau review (restored) is dropped.
    const stale = Review.restore({
      state: "returned",
      context: {
        ...submitted().context,
        bureauReview: { reviewer: "old" as never, reviewerUnit: "jiangan" as never, at }
      }
    })
    const resubmitted = sendAll(stale, [{ type: "submit", actor: school, unit: d1, at }])
    expect(resubmitted.context.bureauReview).toBeUndefined()
  })

  it("M17.3 M17.4 problem data is refused at either review, naming the open check and what it found", () => {
    const withProblems = entry({
      problems: [
        { check: "duplicate", detail: "与e-9重复" },
        { check: "identity", detail: "校验码不符" }
      ]
    })
    expect(refusalOf(submitted(withProblems), approval())).toEqual({
      kind: "invalid",
      rule: "M17.4",
      zh: "未通过查重校验的问题数据，核查处理前不能审核通过",
      en: "problem data (duplicate check failed) cannot be approved until resolved",
      details: detailsOf("approveBySchool", school, {
        field: "problems",
        value: ["duplicate", "identity"],
        detail: "与e-9重复"
      })
    })
    const identity = entry({ problems: [{ check: "identity", detail: "校验码不符" }] })
    expect(refusalOf(submitted(identity), approval())).toMatchObject({
      rule: "M17.3",
      zh: "未通过身份证校验的问题数据，核查处理前不能审核通过",
      en: "problem data (identity check failed) cannot be approved until resolved"
    })
    const flagged = sendAll(schoolApproved(), [
      { type: "flagProblem", actor: bureau, unit: d1, at, problem: { check: "identity", detail: "校验码不符" } }
    ])
    expect(refusalOf(flagged, { type: "approveByBureau", actor: bureau, unit: d1, at })?.rule).toBe("M17.3")
  })

  it("M17.3 M17.4 a problem flagged says what failed, once per check; its history item carries it", () => {
    const flag = (check: Review.Check, detail: string, actor: Authorization.Actor = bureau): Review.Event => ({
      type: "flagProblem",
      actor,
      unit: d1,
      at,
      problem: { check, detail }
    })
    expect(refusalOf(submitted(), flag("duplicate", " "))).toEqual({
      kind: "invalid",
      rule: "M17.4",
      zh: "问题数据须说明",
      en: "a problem says what failed",
      details: detailsOf("flagProblem", bureau, { field: "problem.detail", value: " " })
    })
    const flagged = sendAll(submitted(), [flag("identity", "校验码不符")])
    expect(flagged.value).toBe("submitted")
    expect(flagged.context.problems).toEqual([{ check: "identity", detail: "校验码不符" }])
    expect(flagged.context.history.at(-1)).toMatchObject({
      type: "flagProblem",
      from: "submitted",
      to: "submitted",
      detail: "identity: 校验码不符"
    })
    expect(refusalOf(flagged, flag("identity", "again", school))).toEqual({
      kind: "invalid",
      rule: "M17.3",
      zh: "该问题已标记，尚未处理",
      en: "a identity problem is already open",
      details: detailsOf("flagProblem", school, { field: "problem.check", value: "identity" })
    })
    const both = sendAll(flagged, [flag("duplicate", "重复")])
    expect(both.context.problems.map((p) => p.check)).toEqual(["identity", "duplicate"])
    expect(refusalOf(flagged, flag("duplicate", "重复", actorAt(s1, "infoQueryer")))?.kind).toBe("forbidden")
  })

  it("M17.3 M17.4 the school resolves an open problem with its resolution, that one only", () => {
    const both = entry({
      problems: [
        { check: "identity", detail: "校验码不符" },
        { check: "duplicate", detail: "重复" }
      ]
    })
    const resolve = (check: Review.Check, resolution: string, actor: Authorization.Actor = school): Review.Event => ({
      type: "resolveProblem",
      actor,
      unit: d1,
      at,
      check,
      resolution
    })
    const resolved = sendAll(submitted(both), [resolve("identity", "已核实")])
    expect(resolved.context.problems).toEqual([{ check: "duplicate", detail: "重复" }])
    expect(resolved.context.history.at(-1)).toMatchObject({
      type: "resolveProblem",
      from: "submitted",
      to: "submitted",
      detail: "identity: 已核实"
    })
    expect(refusalOf(resolved, resolve("identity", "已核实"))).toEqual({
      kind: "invalid",
      rule: "M17.3",
      zh: "没有待处理的该类问题",
      en: "no identity problem is open",
      details: detailsOf("resolveProblem", school, { field: "check", value: "identity" })
    })
    expect(refusalOf(resolved, resolve("duplicate", "  "))).toEqual({
      kind: "invalid",
      rule: "M17.4",
      zh: "须说明处理结果",
      en: "a resolution says what was done",
      details: detailsOf("resolveProblem", school, { field: "resolution", value: "  " })
    })
    expect(refusalOf(resolved, resolve("duplicate", "已核实", bureau))?.rule).toBe("M17.4")
  })

  it("M17.1 a state that does not take an event says so; M19.2 an effective entry changes by a change request", () => {
    expect(refusalOf(Review.initial(entry()), { type: "approveByBureau", actor: bureau, unit: d1, at })).toEqual({
      kind: "invalid",
      rule: "M17.1",
      zh: "当前状态（draft）不接受此操作",
      en: "an entry in state draft does not accept approveByBureau",
      details: detailsOf("approveByBureau", bureau, { field: "type", value: "approveByBureau", state: "draft" })
    })
    const effective = sendAll(schoolApproved(), [{ type: "approveByBureau", actor: bureau, unit: d1, at }])
    expect(refusalOf(effective, { type: "edit", actor: school, unit: d1, at })).toEqual({
      kind: "invalid",
      rule: "M19.2",
      zh: "已生效的信息不能直接修改，须由学校信息管理员提出变更申请",
      en: "an effective entry changes only through a change request by the school's info admin",
      details: detailsOf("edit", school, { field: "type", value: "edit", state: "effective" })
    })
  })

  it("M16.2 a batch of new entries is submitted by one decision, each entry its own", () => {
    expect(Review.submitNew([], { actor: school, unit: d1, at })).toEqual(Either.right([]))
    const entries = [entry({ id: "e-1" }), entry({ id: "e-2" })]
    const batch = Either.getOrThrow(Review.submitNew(entries, { actor: school, unit: d1, at }))
    const one = (e: Review.Entry) => Review.persist(submitted(e))
    expect(batch).toEqual(entries.map(one))
    const refused = Review.submitNew(entries, { actor: actorAt(s1, "infoQueryer"), unit: d1, at })
    expect(Either.isLeft(refused) && refused.left.kind).toBe("forbidden")
    // A teacher's entries are decided one by one: its own is taken, another teacher's is refused.
    const own = Either.getOrThrow(Review.submitNew([entry()], { actor: teacher, unit: d1, at }))
    expect(own.map((p) => [p.state, p.context.entry.id, p.context.history[0]?.actor])).toEqual([
      ["submitted", "e-1", teacher.accountId]
    ])
    const mixed = Review.submitNew([entry(), entry({ id: "e-2", teacher: "440524188001010014" })], {
      actor: teacher,
      unit: d1,
      at
    })
    expect(Either.isLeft(mixed) && mixed.left.rule).toBe("M14.3")
  })
})
