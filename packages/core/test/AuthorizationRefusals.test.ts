import { type Account, Authorization, type Refusal, type Unit } from "@tmis/core"
import { Either } from "effect"
import { describe, expect, it } from "vitest"

// What each refusal of Authorization says: its rule, kind, both texts and details, branch by branch, on a hand-built
// hierarchy (nation n › province p › city c › county k › schools s, s2 › department d of s). The property tests of
// Authorization.test.ts check who is allowed; these pin what a refused caller is told (issue 17: the mutants that
// changed a message or a detail survived them).

const ref = (id: string, kind: Unit.Kind, path: string): Authorization.UnitRef => ({
  id: id as Unit.UnitId,
  kind,
  path
})
const n = ref("n", "national", "/n/")
const p = ref("p", "province", "/n/p/")
const c = ref("c", "city", "/n/p/c/")
const k = ref("k", "county", "/n/p/c/k/")
const s = ref("s", "school", "/n/p/c/k/s/")
const s2 = ref("s2", "school", "/n/p/c/k/s2/")
const d = ref("d", "department", "/n/p/c/k/s/d/")

const ownId = "11010519491231002X"
const actorAt = (unit: Authorization.UnitRef, role: Account.Role, more: Partial<Authorization.Actor> = {}) =>
  ({
    accountId: `${role}@${unit.id}` as Account.AccountId,
    role,
    status: "active",
    unit,
    identityNumber: ownId,
    certificate: undefined,
    presentedCertificate: undefined,
    ...more
  }) satisfies Authorization.Actor

const context: Authorization.Context = { requireCertificateFor: [], now: new Date("2026-11-28T00:00:00Z") }

const refusalOf = (refusal: Refusal.Refusal | undefined) => {
  if (refusal === undefined) throw new Error("expected a refusal, the action was allowed")
  return refusal
}
const said = (refusal: Refusal.Refusal | undefined) => {
  const r = refusalOf(refusal)
  return { kind: r.kind, rule: r.rule, zh: r.zh, en: r.en }
}
const forbidden = (rule: Refusal.RuleId, zh: string, en: string) => ({ kind: "forbidden", rule, zh, en })

describe("Authorization refusals", () => {
  it("M14.3 a refusal names the action, the acting account, its role and unit, and the target unit", () => {
    const cases: ReadonlyArray<readonly [Authorization.Actor, Authorization.Action, string]> = [
      [actorAt(s, "infoAdmin"), { _tag: "ReadStatistics", unit: k }, "k"],
      [
        actorAt(k, "systemAdmin"),
        { _tag: "ManageAccount", account: { id: "a" as Account.AccountId, role: "infoAdmin", unit: c } },
        "c"
      ],
      [actorAt(s, "infoAdmin"), { _tag: "CreateUnit", kind: "department", parent: s2 }, "s2"]
    ]
    for (const [actor, action, targetUnit] of cases) {
      expect(refusalOf(Authorization.decide(actor, action, context)).details).toEqual({
        field: "action",
        value: action._tag,
        actor: actor.accountId,
        role: actor.role,
        actorUnit: actor.unit.id,
        targetUnit
      })
    }
  })

  it("M14.3 M14.2 a disabled account, or a missing certificate where one is required, is refused before anything else", () => {
    const admin = actorAt(k, "infoAdmin")
    const read = { _tag: "ReadStatistics", unit: k } as const
    expect(said(Authorization.decide({ ...admin, status: "disabled" }, read, context))).toEqual(
      forbidden("M14.3", "已停用的账号没有任何权限", "a disabled account holds no permission")
    )
    const strict = { ...context, requireCertificateFor: ["infoAdmin"] as const }
    expect(said(Authorization.decide(admin, read, strict))).toEqual(
      forbidden(
        "M14.2",
        "本系统要求此类账号使用有效的CA证书",
        "this deployment requires a valid bound CA certificate for this role"
      )
    )
    // The policy names roles: another role is not asked for a certificate.
    expect(Authorization.decide(actorAt(k, "infoQueryer"), read, strict)).toBeUndefined()
  })

  it("M14.2 a certificate is valid from notBefore to notAfter inclusive, and only the one bound to the account", () => {
    const fingerprint = "0a".repeat(32)
    const certificate = { fingerprint, notBefore: "2026-01-01T00:00:00.000Z", notAfter: "2026-12-31T23:59:59.999Z" }
    const bound = actorAt(k, "infoAdmin", { certificate, presentedCertificate: fingerprint })
    const at = (iso: string) => Authorization.presentsValidCertificate(bound, new Date(iso))
    expect([at("2025-12-31T23:59:59.999Z"), at("2026-01-01T00:00:00.000Z")]).toEqual([false, true])
    expect([at("2026-12-31T23:59:59.999Z"), at("2027-01-01T00:00:00.000Z")]).toEqual([true, false])
    const now = new Date("2026-06-01T00:00:00Z")
    expect(Authorization.presentsValidCertificate({ ...bound, presentedCertificate: undefined }, now)).toBe(false)
    expect(Authorization.presentsValidCertificate({ ...bound, certificate: undefined }, now)).toBe(false)
    expect(Authorization.presentsValidCertificate({ ...bound, presentedCertificate: "0A:".repeat(32) }, now)).toBe(true)
  })

  it("M13.2 M13.3 M13.4 M14.3 an action outside a role's capabilities is refused with the rule of that role", () => {
    expect(
      said(Authorization.decide(actorAt(k, "systemAdmin"), { _tag: "ReadTeacher", unit: s, detail: "basic" }, context))
    ).toEqual(
      forbidden(
        "M13.2",
        "系统管理员只管理本级账号及下级系统管理员账号，不处理教师信息",
        "a system admin manages accounts of its own unit and the system admins directly below; nothing else"
      )
    )
    expect(
      said(
        Authorization.decide(actorAt(k, "infoAdmin"), { _tag: "CreateAccount", role: "infoAdmin", unit: k }, context)
      )
    ).toEqual(
      forbidden(
        "M13.3",
        "信息管理员负责教师信息的录入、审核和上报，不管理账号",
        "an info admin manages entry, review and reporting of teacher information; it does not manage accounts"
      )
    )
    expect(said(Authorization.decide(actorAt(k, "infoQueryer"), { _tag: "WriteTeacher", unit: s }, context))).toEqual(
      forbidden(
        "M13.4",
        "信息查询员只能查询基础信息和统计信息，不能修改",
        "an info query-er reads basic information and statistics only; it changes nothing"
      )
    )
    expect(said(Authorization.decide(actorAt(s, "teacher"), { _tag: "ReadStatistics", unit: s }, context))).toEqual(
      forbidden(
        "M14.3",
        "教师账号只能查看和填报本人信息",
        "a teacher account reads and enters its own information only"
      )
    )
  })

  it("M13.5 only a school's system admin creates or manages teacher accounts", () => {
    const onlySchool = forbidden(
      "M13.5",
      "只有学校系统管理员可以为本校教师创建账号",
      "only a school's system admin creates teacher accounts"
    )
    // An info admin is refused on M13.5, not on its role's rule, when the account asked for is a teacher's.
    expect(
      said(Authorization.decide(actorAt(s, "infoAdmin"), { _tag: "CreateAccount", role: "teacher", unit: s }, context))
    ).toEqual(onlySchool)
    expect(
      said(
        Authorization.decide(actorAt(k, "systemAdmin"), { _tag: "CreateAccount", role: "teacher", unit: s }, context)
      )
    ).toEqual(onlySchool)
    expect(
      Authorization.decide(actorAt(s, "systemAdmin"), { _tag: "CreateAccount", role: "teacher", unit: s }, context)
    ).toBeUndefined()
    expect(
      Authorization.decide(actorAt(s, "systemAdmin"), { _tag: "CreateAccount", role: "teacher", unit: d }, context)
    ).toBeUndefined()
    const teacherAccount = (unit: Authorization.UnitRef) =>
      ({ _tag: "ManageAccount", account: { id: "t" as Account.AccountId, role: "teacher", unit } }) as const
    expect(said(Authorization.decide(actorAt(k, "systemAdmin"), teacherAccount(s), context))).toEqual(
      forbidden("M13.5", "教师账号由本校系统管理员管理", "teacher accounts are managed by their school's system admin")
    )
    expect(Authorization.decide(actorAt(s, "systemAdmin"), teacherAccount(d), context)).toBeUndefined()
  })

  it("M15.1 M13.2 system admins are created and managed from directly above; other accounts by their own unit", () => {
    const sys = actorAt(c, "systemAdmin")
    expect(Authorization.decide(sys, { _tag: "CreateAccount", role: "systemAdmin", unit: k }, context)).toBeUndefined()
    expect(said(Authorization.decide(sys, { _tag: "CreateAccount", role: "systemAdmin", unit: s }, context))).toEqual(
      forbidden(
        "M15.1",
        "单位的系统管理员账号由直接上级单位的系统管理员创建",
        "a unit's system admin is created by the system admin of the unit directly above"
      )
    )
    expect(Authorization.decide(sys, { _tag: "CreateAccount", role: "infoQueryer", unit: c }, context)).toBeUndefined()
    expect(said(Authorization.decide(sys, { _tag: "CreateAccount", role: "infoQueryer", unit: k }, context))).toEqual(
      forbidden(
        "M13.2",
        "系统管理员只为本单位创建信息管理员和信息查询员账号",
        "a system admin creates info admin and query-er accounts for its own unit only"
      )
    )
    const account = (role: Account.Role, unit: Authorization.UnitRef) =>
      ({ _tag: "ManageAccount", account: { id: "x" as Account.AccountId, role, unit } }) as const
    expect(Authorization.decide(sys, account("systemAdmin", k), context)).toBeUndefined()
    expect(said(Authorization.decide(sys, account("systemAdmin", s), context))).toEqual(
      forbidden(
        "M15.1",
        "系统管理员账号由直接上级单位的系统管理员管理",
        "a system admin account is managed by the system admin of the unit directly above"
      )
    )
    expect(Authorization.decide(sys, account("infoAdmin", c), context)).toBeUndefined()
    expect(said(Authorization.decide(sys, account("infoAdmin", k), context))).toEqual(
      forbidden(
        "M13.2",
        "系统管理员只管理本单位的账号及直接下级的系统管理员账号",
        "a system admin manages its own unit's accounts and the system admins directly below"
      )
    )
    expect(said(Authorization.decide(sys, account("infoAdmin", p), context))).toEqual(
      forbidden(
        "M14.3",
        "目标不在本单位及下级单位范围内",
        "the target lies outside the actor's unit and the units below it"
      )
    )
  })

  it("M20.1 M12.2 units: administrative units create and change below them, a school only its own departments", () => {
    // Every administrative level creates units below it and changes those below it.
    for (const [unit, child] of [
      [n, p],
      [p, c],
      [c, k],
      [k, s]
    ] as const) {
      const admin = actorAt(unit, "infoAdmin")
      expect(Authorization.decide(admin, { _tag: "CreateUnit", kind: "school", parent: unit }, context)).toBeUndefined()
      expect(Authorization.decide(admin, { _tag: "ChangeUnit", unit: child }, context)).toBeUndefined()
    }
    const county = actorAt(k, "infoAdmin")
    const school = actorAt(s, "infoAdmin")
    expect(Authorization.decide(county, { _tag: "CreateUnit", kind: "school", parent: k }, context)).toBeUndefined()
    expect(Authorization.decide(school, { _tag: "CreateUnit", kind: "department", parent: s }, context)).toBeUndefined()
    const onlyDepartments = forbidden(
      "M20.1",
      "学校只能在本校下设二级部门",
      "a school creates only secondary departments of its own"
    )
    expect(said(Authorization.decide(school, { _tag: "CreateUnit", kind: "school", parent: s }, context))).toEqual(
      onlyDepartments
    )
    expect(said(Authorization.decide(school, { _tag: "CreateUnit", kind: "department", parent: d }, context))).toEqual(
      onlyDepartments
    )
    // A department is no school: it creates nothing, not even below itself.
    expect(
      said(
        Authorization.decide(actorAt(d, "infoAdmin"), { _tag: "CreateUnit", kind: "department", parent: d }, context)
      )
    ).toEqual(onlyDepartments)
    expect(said(Authorization.decide(county, { _tag: "ChangeUnit", unit: k }, context))).toEqual(
      forbidden(
        "M12.2",
        "单位属性变更由上级教育行政部门办理",
        "a unit's attributes are changed by the administrative unit above it"
      )
    )
    expect(Authorization.decide(county, { _tag: "ChangeUnit", unit: s }, context)).toBeUndefined()
    expect(Authorization.decide(school, { _tag: "ChangeUnit", unit: d }, context)).toBeUndefined()
    // Only a malformed reference puts a school below a school; the school still may change departments only.
    const nested = ref("x", "school", "/n/p/c/k/s/x/")
    expect(said(Authorization.decide(school, { _tag: "ChangeUnit", unit: nested }, context))).toEqual(
      forbidden("M20.1", "学校只能变更本校的二级部门", "a school changes only its own secondary departments")
    )
    expect(said(Authorization.decide(school, { _tag: "ChangeUnit", unit: s2 }, context))).toEqual(
      forbidden(
        "M14.3",
        "目标不在本单位及下级单位范围内",
        "the target lies outside the actor's unit and the units below it"
      )
    )
    expect(said(Authorization.decide(actorAt(d, "infoAdmin"), { _tag: "ReadStatistics", unit: s }, context))).toEqual(
      forbidden("M20.1", "二级部门只能管理本部门的教师", "a department manages its own department's teachers only")
    )
  })

  it("M14.3 M13.4 a teacher acts on its own e-file within its school; an info query-er sees no sensitive data", () => {
    const teacherAt = (unit: Authorization.UnitRef) => actorAt(unit, "teacher")
    const own = { identityNumber: ownId }
    const other = { identityNumber: "440524188001010014" }
    // A teacher of a department acts for its own e-file anywhere in its school, a school's teacher in its school.
    expect(Authorization.decide(teacherAt(d), { _tag: "WriteTeacher", unit: s, teacher: own }, context)).toBeUndefined()
    expect(
      Authorization.decide(teacherAt(s), { _tag: "ReadTeacher", unit: d, detail: "sensitive", teacher: own }, context)
    ).toBeUndefined()
    const ownOnly = forbidden(
      "M14.3",
      "教师账号只能查看和填报本人信息",
      "a teacher account reads and enters its own information only"
    )
    expect(said(Authorization.decide(teacherAt(d), { _tag: "WriteTeacher", unit: s2, teacher: own }, context))).toEqual(
      ownOnly
    )
    // A school's teacher is scoped to its school, not to the school's parent: another school's unit is refused.
    expect(
      said(
        Authorization.decide(teacherAt(s), { _tag: "ReadTeacher", unit: s2, detail: "basic", teacher: own }, context)
      )
    ).toEqual(ownOnly)
    expect(
      said(Authorization.decide(teacherAt(s), { _tag: "WriteTeacher", unit: s, teacher: other }, context))
    ).toEqual(ownOnly)
    expect(said(Authorization.decide(teacherAt(s), { _tag: "WriteTeacher", unit: s }, context))).toEqual(ownOnly)
    const queryer = actorAt(k, "infoQueryer")
    expect(Authorization.decide(queryer, { _tag: "ReadTeacher", unit: s, detail: "basic" }, context)).toBeUndefined()
    expect(said(Authorization.decide(queryer, { _tag: "ReadTeacher", unit: s, detail: "sensitive" }, context))).toEqual(
      forbidden(
        "M13.4",
        "信息查询员只能查询教师基础信息，敏感信息须脱敏",
        "an info query-er sees basic information only; sensitive data is masked"
      )
    )
    expect(
      Authorization.decide(actorAt(k, "infoAdmin"), { _tag: "ReadTeacher", unit: s, detail: "sensitive" }, context)
    ).toBeUndefined()
  })

  it("M37.1 only the root unit's system admin verifies the audit log", () => {
    expect(Authorization.decide(actorAt(n, "systemAdmin"), { _tag: "VerifyAudit", unit: n }, context)).toBeUndefined()
    expect(said(Authorization.decide(actorAt(p, "systemAdmin"), { _tag: "VerifyAudit", unit: n }, context))).toEqual(
      forbidden(
        "M37.1",
        "审计日志由部署最高一级单位的系统管理员核验",
        "the root unit's system admin verifies the audit log"
      )
    )
  })

  it("M14.3 authorize, isAllowed and actor agree with decide", () => {
    const account = {
      id: "acc" as Account.AccountId,
      role: "infoAdmin" as const,
      status: "active" as const,
      person: { identityNumber: ownId },
      certificate: undefined
    }
    const extended = { ...k, name: "not copied" }
    expect(Authorization.actor(account, extended, "ab:cd")).toEqual({
      accountId: "acc",
      role: "infoAdmin",
      status: "active",
      unit: { id: "k", kind: "county", path: "/n/p/c/k/" },
      identityNumber: ownId,
      certificate: undefined,
      presentedCertificate: "ab:cd"
    })
    const admin = Authorization.actor(account, k)
    expect(Authorization.authorize(admin, { _tag: "ReadUnits", unit: s }, context)).toEqual(Either.void)
    expect(Authorization.isAllowed(admin, { _tag: "ReadUnits", unit: s }, context)).toBe(true)
    const refused = Authorization.authorize(admin, { _tag: "ReadUnits", unit: c }, context)
    expect(Either.isLeft(refused) && refused.left.rule).toBe("M14.3")
    expect(Authorization.isAllowed(admin, { _tag: "ReadUnits", unit: c }, context)).toBe(false)
    expect(Authorization.contextAt({ requireCertificateFor: ["systemAdmin"] }, "2026-11-28T08:00:00+08:00")).toEqual({
      requireCertificateFor: ["systemAdmin"],
      now: new Date("2026-11-28T00:00:00Z")
    })
  })

  it("M17.1 a teacher's data belongs to a school or a department", () => {
    expect(Authorization.entryUnitRefusal(s)).toBeUndefined()
    expect(Authorization.entryUnitRefusal(d)).toBeUndefined()
    const r = refusalOf(Authorization.entryUnitRefusal(k))
    expect({ ...said(r), details: r.details }).toEqual({
      kind: "invalid",
      rule: "M17.1",
      zh: "教师信息属于学校或其二级部门",
      en: "a teacher's entry belongs to a school or one of its departments",
      details: { field: "unit", value: "k", kind: "county" }
    })
  })

  it("M17.1 M20.1 the school side is an info admin of the teacher's school or of the teacher's own department", () => {
    const decide = (actor: Authorization.Actor, unit: Authorization.UnitRef) =>
      Authorization.decideSchoolAdmin(actor, unit, context, "M17.1")
    expect(decide(actorAt(s, "infoAdmin"), s)).toBeUndefined()
    expect(decide(actorAt(s, "infoAdmin"), d)).toBeUndefined()
    expect(decide(actorAt(d, "infoAdmin"), d)).toBeUndefined()
    expect(refusalOf(decide(actorAt(d, "infoAdmin"), s)).rule).toBe("M20.1")
    expect(refusalOf(decide(actorAt(s, "infoAdmin"), k)).details).toEqual({ field: "unit", value: "k", kind: "county" })
    expect(refusalOf(decide(actorAt(s, "infoQueryer"), s)).rule).toBe("M13.4")
    const above = refusalOf(decide(actorAt(k, "infoAdmin"), d))
    expect({ ...said(above), details: above.details }).toEqual({
      ...forbidden(
        "M17.1",
        "须由教师所在学校（或其二级部门）的信息管理员办理",
        "only an info admin of the teacher's school (or of the teacher's department) does this"
      ),
      details: { field: "actor", value: "infoAdmin@k", role: "infoAdmin", actorUnit: "k", school: "s", unit: "d" }
    })
    // The action asked of the school side is a parameter: a teacher may write (its own data), never review.
    const teacher = actorAt(s, "teacher")
    expect(refusalOf(Authorization.decideSchoolAdmin(teacher, s, context, "M19.2", "WriteTeacher")).rule).toBe("M14.3")
  })

  it("M17.1 the bureau side is an info admin of the school's parent unit", () => {
    const decide = (actor: Authorization.Actor, unit: Authorization.UnitRef) =>
      Authorization.decideBureauAdmin(actor, unit, context, "M19.2")
    expect(decide(actorAt(k, "infoAdmin"), s)).toBeUndefined()
    expect(decide(actorAt(k, "infoAdmin"), d)).toBeUndefined()
    expect(refusalOf(decide(actorAt(k, "infoAdmin"), c)).rule).toBe("M17.1")
    expect(refusalOf(decide(actorAt(k, "infoQueryer"), s)).rule).toBe("M13.4")
    const above = refusalOf(decide(actorAt(c, "infoAdmin"), s))
    expect({ ...said(above), details: above.details }).toEqual({
      ...forbidden(
        "M19.2",
        "须由学校的主管教育行政部门的信息管理员办理",
        "only an info admin of the school's competent bureau does this"
      ),
      details: { field: "actor", value: "infoAdmin@c", role: "infoAdmin", actorUnit: "c", bureau: "k", unit: "s" }
    })
  })

  it("M23.1 acting for a party: the refusal names the party expected and what it does", () => {
    const sending: Authorization.Party = {
      side: "from",
      level: "school",
      action: "WriteTeacher",
      zh: "调出学校",
      en: "the sending school"
    }
    const receivingBureau: Authorization.Party = {
      side: "to",
      level: "bureau",
      action: "ReviewTeacher",
      zh: "调入学校的主管部门",
      en: "the receiving school's bureau"
    }
    const units = { from: d, to: s2 }
    const doing = { zh: "发起调动", en: "initiates the transfer" }
    const decide = (actor: Authorization.Actor, party: Authorization.Party, rule: Refusal.RuleId = "M23.1") =>
      Authorization.decideParty(actor, party, units, context, rule, doing)
    expect(decide(actorAt(s, "infoAdmin"), sending)).toBeUndefined()
    expect(decide(actorAt(d, "infoAdmin"), sending)).toBeUndefined()
    expect(decide(actorAt(k, "infoAdmin"), receivingBureau)).toBeUndefined()
    const wrong = refusalOf(decide(actorAt(s2, "infoAdmin"), sending))
    expect({ ...said(wrong), details: wrong.details }).toEqual({
      ...forbidden(
        "M23.1",
        "须由调出学校的信息管理员发起调动",
        "only an info admin of the sending school initiates the transfer"
      ),
      details: {
        actor: "infoAdmin@s2",
        role: "infoAdmin",
        actorUnit: "s2",
        field: "actor",
        value: "infoAdmin@s2",
        expected: ["s", "d"],
        unit: "d"
      }
    })
    expect(refusalOf(decide(actorAt(c, "infoAdmin"), receivingBureau)).details.expected).toEqual(["k"])
    // The party's own unit, but not its info admin: the role's refusal, unless it names the process's rule.
    expect(said(decide(actorAt(s, "infoQueryer"), sending)).rule).toBe("M13.4")
    expect(said(decide(actorAt(s, "infoQueryer"), sending, "M13.4")).en).toBe(
      "only an info admin of the sending school initiates the transfer"
    )
    expect(Authorization.partyUnits(sending, units)).toEqual({ unit: d, ids: ["s", "d"] })
    expect(Authorization.partyUnits({ side: "from", level: "school" }, { from: s, to: s2 })).toEqual({
      unit: s,
      ids: ["s"]
    })
  })

  it("M25.1 M25.3 acting as a unit itself: an active info admin of exactly that unit", () => {
    const decide = (actor: Authorization.Actor, unit: Authorization.UnitRef = k) =>
      Authorization.decideUnitAdmin(actor, unit, context, "M25.1")
    expect(decide(actorAt(k, "infoAdmin"))).toBeUndefined()
    const only = (actor: Authorization.Actor) => ({
      ...forbidden("M25.1", "须由该单位本级的信息管理员办理", "only an info admin of that unit itself does this"),
      details: { field: "actor", value: actor.accountId, role: actor.role, actorUnit: actor.unit.id, unit: "k" }
    })
    for (const actor of [
      actorAt(c, "infoAdmin"),
      actorAt(s, "infoAdmin"),
      actorAt(k, "infoAdmin", { status: "disabled" }),
      actorAt(k, "teacher")
    ]) {
      const r = refusalOf(decide(actor))
      expect({ ...said(r), details: r.details }).toEqual(only(actor))
    }
    // A role that may not review at all, or a missing certificate, is refused on its own rule.
    expect(refusalOf(decide(actorAt(k, "infoQueryer"))).rule).toBe("M13.4")
    const strict = { ...context, requireCertificateFor: ["infoAdmin"] as const }
    expect(refusalOf(Authorization.decideUnitAdmin(actorAt(k, "infoAdmin"), k, strict, "M25.1")).rule).toBe("M14.2")
  })

  it("M25.2 a provider submits results for its own projects' enrolled teachers only, while active", () => {
    const provider = { providerId: "pv", status: "active" } as const
    const project = { id: "pj", providerId: "pv" }
    expect(Authorization.decideProviderResult(provider, project, true)).toBeUndefined()
    const details = { field: "provider", value: "pv", project: "pj" }
    const disabled = refusalOf(Authorization.decideProviderResult({ ...provider, status: "disabled" }, project, true))
    expect({ ...said(disabled), details: disabled.details }).toEqual({
      ...forbidden("M25.2", "培训机构已停用", "the training provider is disabled"),
      details
    })
    const foreign = refusalOf(Authorization.decideProviderResult(provider, { ...project, providerId: "other" }, true))
    expect({ ...said(foreign), details: foreign.details }).toEqual({
      ...forbidden(
        "M25.2",
        "培训机构只能提交本机构承担项目的培训结果",
        "a provider submits results of its own projects only"
      ),
      details
    })
    const notEnrolled = refusalOf(Authorization.decideProviderResult(provider, project, false))
    expect({ ...said(notEnrolled), details: notEnrolled.details }).toEqual({
      ...forbidden(
        "M25.2",
        "只能提交已报名该项目的教师的培训结果",
        "a provider submits results only for teachers enrolled in the project"
      ),
      details: { ...details, field: "teacher" }
    })
  })
})
