/**
 * tmis quickstart: build a demo province, hand its accounts down level by level (M15.1), and show what each
 * account may and may not do, with the rule behind every answer; then a teacher's e-file through onboarding,
 * review, a masked read, a batch import and a transfer.
 *
 * Run it with `npm run quickstart` at the repository root.
 */
import { mkdirSync, rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as Sqlite from "@tmis/adapter-sqlite"
import {
  Account,
  Accounts,
  Audit,
  Authorization,
  BatchImport,
  Deployment,
  EFiles,
  Hierarchy,
  type Indicator,
  type Refusal,
  Settings,
  Storage,
  Unit,
  Units,
  Workflows
} from "@tmis/core"
import { Effect, Either, Layer, Option } from "effect"

const now = new Date("2026-11-28T09:00:00+08:00")
const today = "2026-11-28"
const settings: Account.Settings = { policy: Account.defaultPolicy, now }
const context: Authorization.Context = { requireCertificateFor: [], now }

// ── 1. The demo province: a provincial system for Hubei (M2.3) ───────────────────────────────────────────────
const day = "2017-03-31"
const school = (id: string, name: string, code: string, schoolType: string, extra: object = {}) => ({
  id,
  kind: "school" as const,
  name,
  code,
  validFrom: day,
  school: { schoolType, sponsor: "21", ...extra }
})

const built = Hierarchy.addAll(Hierarchy.make(Deployment.provincial("42")), [
  {
    parentId: undefined,
    unit: { id: "hubei", kind: "province", name: "湖北省教育厅", code: "420000", validFrom: day }
  },
  { parentId: "hubei", unit: { id: "wuhan", kind: "city", name: "武汉市教育局", code: "420100", validFrom: day } },
  { parentId: "hubei", unit: { id: "yichang", kind: "city", name: "宜昌市教育局", code: "420500", validFrom: day } },
  { parentId: "wuhan", unit: { id: "jiangan", kind: "county", name: "江岸区教育局", code: "420102", validFrom: day } },
  { parentId: "wuhan", unit: { id: "hongshan", kind: "county", name: "洪山区教育局", code: "420111", validFrom: day } },
  { parentId: "yichang", unit: { id: "xiling", kind: "county", name: "西陵区教育局", code: "420502", validFrom: day } },
  // 省直管县 (M2.2): Xiantao hangs directly under the province.
  { parentId: "hubei", unit: { id: "xiantao", kind: "county", name: "仙桃市教育局", code: "429004", validFrom: day } },
  { parentId: "jiangan", unit: school("jaxx", "江岸区实验小学", "2142000101", "211") },
  { parentId: "hongshan", unit: school("hsyey", "洪山区第一幼儿园", "1142000102", "111") },
  { parentId: "xiling", unit: school("xlzx", "宜昌市西陵中学", "3142000103", "312") },
  { parentId: "xiantao", unit: school("xtzz", "仙桃市中等职业学校", "3642000104", "365") },
  // A provincially run university (M2.2: a school may hang under the province) with a secondary department (M20.1).
  { parentId: "hubei", unit: school("hubu", "湖北大学", "4142010512", "411") },
  {
    parentId: "hubu",
    unit: { id: "hubu-cs", kind: "department", name: "计算机与信息工程学院", code: "CS", validFrom: day }
  }
])
if (Either.isLeft(built)) throw new Error(built.left.message)
const hierarchy = built.right
const unit = (id: string) => Option.getOrThrow(Hierarchy.get(hierarchy, id))
const ref = (u: Unit.Unit): Authorization.UnitRef => ({ id: u.id, kind: u.kind, path: u.path })

const kindName: Record<Unit.Kind, string> = {
  national: "国家",
  province: "省",
  city: "市",
  county: "县",
  school: "校",
  department: "二级部门"
}

console.log("tmis quickstart — 全国教师管理信息系统 (教师〔2017〕2号) as code\n")
console.log("1. A provincial system for Hubei (M2.3), five levels and a department (M2.1, M2.2, M20.1):\n")
for (const u of Hierarchy.subtree(hierarchy, "hubei")) {
  const depth = Unit.ancestry(u).length - 1
  const bureau = Option.match(Hierarchy.competentBureau(hierarchy, u.id), {
    onNone: () => "",
    onSome: (b) => `  主管: ${b.name}`
  })
  console.log(`   ${"  ".repeat(depth)}${u.name} [${kindName[u.kind]} ${u.code}]${bureau}`)
}

// ── 2. Accounts, handed down level by level (M15.1) ───────────────────────────────────────────────────────────
const people = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周芳", "吴强", "徐丽", "孙涛"]
let serial = 0
/** Demo identity numbers: Wuhan address code, a birth date, a running sequence, the GB 11643 check character. */
const personFor = () => {
  const first17 = `420102198${serial % 10}0${1 + (serial % 9)}15${String(100 + serial).padStart(3, "0")}`
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * weights[i]!, 0)
  const name = people[serial % people.length]!
  serial++
  return { name, identityNumber: first17 + "10X98765432"[sum % 11] }
}

const accounts: Array<Account.Account> = []
const actorOf = (a: Account.Account) => Authorization.actor(a, ref(unit(a.unitId)))
const create = (creator: Account.Account, id: string, role: Account.Role, unitId: string) => {
  const target = unit(unitId)
  const existing = accounts.filter((a) => a.unitId === target.id)
  const decided = Account.decideCreate(
    actorOf(creator),
    { id, role, person: personFor() },
    ref(target),
    existing,
    settings
  )
  if (Either.isLeft(decided)) throw new Error(decided.left.message)
  accounts.push(decided.right)
  return decided.right
}

const root = Either.getOrThrow(
  Account.decideBootstrap({ id: "sa-hubei", person: personFor() }, ref(unit("hubei")), false, today)
)
accounts.push(root)
const queue = [root]
while (queue.length > 0) {
  const admin = queue.shift()!
  for (const child of Hierarchy.children(hierarchy, admin.unitId)) {
    queue.push(create(admin, `sa-${child.id}`, "systemAdmin", child.id))
  }
  create(admin, `ia-${admin.unitId}`, "infoAdmin", admin.unitId)
  create(admin, `iq-${admin.unitId}`, "infoQueryer", admin.unitId)
}
const teacher = create(accounts.find((a) => a.id === "sa-jaxx")!, "t-jaxx-1", "teacher", "jaxx")

console.log(`\n2. ${accounts.length} accounts, handed down level by level (M15.1, M13.1):\n`)
console.log("   bootstrap → 湖北省教育厅 系统管理员 (created once, by no one)")
for (const a of accounts.filter((a) => a.role === "systemAdmin" && a.createdBy !== undefined)) {
  const by = accounts.find((c) => c.id === a.createdBy)!
  console.log(`   ${unit(by.unitId).name} 系统管理员 → ${unit(a.unitId).name} 系统管理员`)
}
console.log("   …and every system admin created its own unit's 信息管理员 and 信息查询员 (M13.2);")
console.log("   江岸区实验小学's system admin created a teacher's self-service account (M13.5).")

// ── 3. What each account may and may not do ───────────────────────────────────────────────────────────────────
/** The rule that grants each kind of action, for the "may" lines. */
const grantedBy = (action: Authorization.Action): Refusal.RuleId => {
  switch (action._tag) {
    case "CreateAccount":
      return action.role === "systemAdmin" ? "M15.1" : action.role === "teacher" ? "M13.5" : "M13.2"
    case "ManageAccount":
    case "ReadAccounts":
      return "M13.2"
    case "CreateUnit":
    case "ChangeUnit":
      return "M12.2"
    case "ReadUnits":
      return "M13.3"
    case "ReadTeacher":
      return action.teacher !== undefined ? "M19.1" : action.detail === "basic" ? "M13.4" : "M13.3"
    case "ReadStatistics":
      return "M28.1"
    case "ReviewTeacher":
      return "M17.1"
    case "WriteTeacher":
      return action.teacher === undefined ? "M13.3" : "M16.1"
    case "VerifyAudit":
    case "ReadAudit":
      return "M37.1"
  }
}

const probes = (target: Unit.Unit, self: Account.Account): Array<[string, Authorization.Action]> => [
  [`create the system admin of ${target.name}`, { _tag: "CreateAccount", role: "systemAdmin", unit: ref(target) }],
  [`create an info admin of ${target.name}`, { _tag: "CreateAccount", role: "infoAdmin", unit: ref(target) }],
  [`read teachers' basic information in ${target.name}`, { _tag: "ReadTeacher", unit: ref(target), detail: "basic" }],
  [`read identity numbers and pay in ${target.name}`, { _tag: "ReadTeacher", unit: ref(target), detail: "sensitive" }],
  [`enter teacher information in ${target.name}`, { _tag: "WriteTeacher", unit: ref(target) }],
  [`review teacher information of ${target.name}`, { _tag: "ReviewTeacher", unit: ref(target) }],
  [
    `read own e-file at ${target.name}`,
    {
      _tag: "ReadTeacher",
      unit: ref(target),
      detail: "sensitive",
      teacher: { identityNumber: self.person.identityNumber }
    }
  ],
  [
    `enter own e-file at ${target.name}`,
    { _tag: "WriteTeacher", unit: ref(target), teacher: { identityNumber: self.person.identityNumber } }
  ]
]

const show = (title: string, account: Account.Account, targets: ReadonlyArray<string>) => {
  console.log(`\n   ${title}`)
  const may: Array<string> = []
  // Refusals with the same reason are listed together under it.
  const mayNot = new Map<string, Array<string>>()
  for (const t of targets) {
    for (const [label, action] of probes(unit(t), account)) {
      const ownEFile = (action._tag === "WriteTeacher" || action._tag === "ReadTeacher") && action.teacher !== undefined
      if (ownEFile && account.role !== "teacher") continue
      Either.match(Authorization.authorize(actorOf(account), action, context), {
        onRight: () => may.push(`✓ ${label}  (${grantedBy(action)})`),
        onLeft: (e) => {
          const reason = `✗ ${e.rule}: ${e.en}`
          mayNot.set(reason, [...(mayNot.get(reason) ?? []), label])
        }
      })
    }
  }
  for (const line of may) console.log(`     ${line}`)
  for (const [reason, labels] of mayNot) {
    console.log(`     ${reason}`)
    for (const label of labels) console.log(`         · ${label}`)
  }
}

console.log("\n3. What each account may and may not do, and why:")
show("湖北省教育厅 系统管理员", root, ["hubei", "wuhan", "jaxx"])
show("武汉市教育局 信息管理员", accounts.find((a) => a.id === "ia-wuhan")!, ["wuhan", "jaxx", "xlzx"])
show("江岸区教育局 信息查询员", accounts.find((a) => a.id === "iq-jiangan")!, ["jaxx", "hsyey"])
show("湖北大学 计算机与信息工程学院 信息管理员", accounts.find((a) => a.id === "ia-hubu-cs")!, ["hubu-cs", "hubu"])
show("江岸区实验小学 教师 (self-service)", teacher, ["jaxx"])

/** One digit typed wrong: GB 11643's check character catches every such slip (M17.3). */
const mistyped = (id: string) => `${id.slice(0, 15)}${(Number(id[15]) + 1) % 10}${id.slice(16)}`

// ── 4. Refusals name their rule ────────────────────────────────────────────────────────────────────────────────
console.log("\n4. Refusals carry the rule, in Chinese and English:\n")
const refusals: Array<[string, Either.Either<unknown, { readonly message: string }>]> = [
  [
    "a second system admin for 武汉市教育局",
    Account.decideCreate(
      actorOf(root),
      { id: "sa-wuhan-2", role: "systemAdmin", person: personFor() },
      ref(unit("wuhan")),
      accounts.filter((a) => a.unitId === "wuhan"),
      settings
    )
  ],
  [
    "a Guangdong school in the Hubei system",
    Hierarchy.add(hierarchy, school("gd1", "深圳市某小学", "2144000001", "211"), "jiangan")
  ],
  [
    "a training institution (办学类型 931)",
    Hierarchy.add(hierarchy, school("px1", "某培训中心", "9342000001", "931"), "jiangan")
  ],
  [
    "an account with a mistyped identity number",
    Account.decideCreate(
      actorOf(root),
      { id: "x", role: "infoAdmin", person: { name: "错号", identityNumber: mistyped(personFor().identityNumber) } },
      ref(unit("hubei")),
      [],
      settings
    )
  ]
]
for (const [label, result] of refusals) {
  console.log(`   ${label}:`)
  console.log(`     ${Either.match(result, { onLeft: (e) => e.message, onRight: () => "accepted (unexpected)" })}`)
}
// ── 5. Persist the province to SQLite, close it, reopen it ────────────────────────────────────────────────────
const dataDir = fileURLToPath(new URL("../../../data/", import.meta.url))
const filename = `${dataDir}quickstart.sqlite`
mkdirSync(dataDir, { recursive: true })
for (const suffix of ["", "-wal", "-shm"]) rmSync(`${filename}${suffix}`, { force: true })
const database = () => Layer.merge(Sqlite.layer({ filename }), Settings.layer(hierarchy.deployment))

/** The same province and accounts again, this time through the application services and the store. */
const persist = Effect.gen(function* () {
  yield* Accounts.bootstrap(
    { id: "hubei", kind: "province", name: unit("hubei").name, code: "420000", validFrom: day },
    { id: root.id, person: root.person }
  )
  for (const u of Hierarchy.subtree(hierarchy, "hubei")) {
    const systemAdmin = yield* Accounts.actorOf(`sa-${u.id}`)
    for (const a of accounts.filter(
      (a) => a.unitId === u.id && a.createdBy !== undefined && a.role !== "systemAdmin"
    )) {
      yield* Accounts.create(systemAdmin, { id: a.id, role: a.role, person: a.person }, u.id)
    }
    const infoAdmin = yield* Accounts.actorOf(`ia-${u.id}`)
    for (const child of Hierarchy.children(hierarchy, u.id)) {
      const { id, kind, name, code, validFrom, school: attributes } = child
      const school =
        attributes === undefined ? {} : { school: { schoolType: attributes.schoolType, sponsor: attributes.sponsor } }
      yield* Units.create(infoAdmin, { id, kind, name, code, validFrom, ...school }, u.id)
      const childAdmin = accounts.find((a) => a.id === `sa-${child.id}`)!
      yield* Accounts.create(
        systemAdmin,
        { id: childAdmin.id, role: "systemAdmin", person: childAdmin.person },
        child.id
      )
    }
  }
})

const reopen = Effect.gen(function* () {
  const storage = yield* Storage.Storage
  const queryer = yield* Accounts.actorOf("iq-hubei")
  let units = 0
  let pages = 0
  let after: string | undefined
  do {
    const page = yield* Units.subtree(queryer, "hubei", { after, limit: 5 })
    units += page.items.length
    pages++
    after = page.next
  } while (after !== undefined)
  let stored = 0
  for (const u of Hierarchy.subtree(hierarchy, "hubei")) stored += (yield* storage.accounts.byUnit(u.id)).length
  return { units, pages, stored, audit: yield* Audit.verifyAuditLog }
})

await Effect.runPromise(Effect.provide(persist, database()))
const reopened = await Effect.runPromise(Effect.provide(reopen, database()))
console.log(
  `\n5. Persisted to ${filename.replace(process.cwd(), ".")} (SQLite, WAL, synchronous=FULL), closed, reopened:\n`
)
console.log(`   ${reopened.units} units read back in ${reopened.pages} pages of 5 (keyset pagination by path)`)
console.log(`   ${reopened.stored} accounts read back`)
const audit = reopened.audit
console.log(
  audit._tag === "Intact"
    ? `   audit log intact: ${audit.records} hash-chained records, one per change (M37.1)`
    : `   audit log BROKEN at record ${audit.seq} (${audit.reason})`
)

// ── 6. A teacher's e-file: onboarding, review, a masked read, a batch import, a transfer ─────────────────────────
const employment = { onEstablishment: true, contractMonths: undefined, postCategory: "1" as const }
const basicInfo = (name: string, idNumber: string): Indicator.BasicInfo => ({
  name,
  sex: "2",
  nationality: "156",
  idType: "1",
  idNumber,
  birthDate: "1990-03-07",
  ethnicity: "01",
  politicalStatus: "13",
  workStartMonth: "2012-09",
  schoolEntryMonth: "2015-09",
  staffSource: "11",
  staffCategory: "11",
  onEstablishment: true,
  contractStatus: "1",
  normalMajorGraduate: true,
  specialEducationTrained: false,
  specialEducationCertificate: false,
  itApplicationAbility: "1",
  publicFundedNormalStudent: "0",
  grassrootsService: "0",
  specialGradeTeacher: false,
  backboneTeacher: false,
  mentalHealthTeacher: false,
  personnelStatus: "11"
})
// Women born 1990-03-07 in 江岸区: valid identity numbers (GB 11643).
const [li, wang, zhao] = ["420102199003071224", "420102199003071240", "420102199003071267"]
const messageOf = (result: Either.Either<unknown, { readonly message: string }>) =>
  Either.match(result, { onLeft: (e) => e.message, onRight: () => "accepted (unexpected)" })

const efiles = Effect.gen(function* () {
  const schoolAdmin = yield* Accounts.actorOf("ia-jaxx")
  const bureauAdmin = yield* Accounts.actorOf("ia-jiangan")
  const lines: Array<string> = []
  yield* EFiles.onboard(schoolAdmin, {
    id: "t-li",
    entryId: "t-li-basic",
    unitId: "jaxx",
    basicInfo: basicInfo("李老师", li),
    employment
  })
  let entry = 1
  for (const [actor, command] of [
    [schoolAdmin, { type: "submit" }],
    [
      schoolAdmin,
      { type: "approveBySchool", collectiveReview: "校务会2026-11号", principal: "周校长", signedOn: today }
    ],
    [bureauAdmin, { type: "approveByBureau" }]
  ] as const) {
    const stored = yield* EFiles.review(actor, "t-li-basic", command, entry)
    entry = stored.version
    lines.push(`${command.type} by ${actor.accountId} → ${stored.value.review.state}`)
  }
  const duplicate = yield* Effect.either(
    EFiles.onboard(yield* Accounts.actorOf("ia-xlzx"), {
      id: "t-li-again",
      entryId: "t-li-again-basic",
      unitId: "xlzx",
      basicInfo: basicInfo("李老师", li),
      employment
    })
  )
  const masked = yield* EFiles.read(yield* Accounts.actorOf("iq-jaxx"), "t-li")
  const imported = yield* BatchImport.run(
    schoolAdmin,
    [
      { line: 2, record: basicInfo("王老师", wang) },
      { line: 3, record: { ...basicInfo("赵老师", zhao), ethnicity: "99" } },
      { line: 4, record: basicInfo("李老师", li) }
    ],
    {
      batchId: "quickstart",
      unitId: "jaxx",
      onRejections: (rejections) => {
        for (const r of rejections) lines.push(`  row ${r.row}, ${r.column} = ${r.value}: ${r.rule}`)
      }
    }
  )
  // A transfer to a school in another city: the receiving school initiates, then its bureau, the sending school
  // and the sending bureau confirm, in that order (M23.1).
  let transfer = yield* Workflows.initiateTransfer(yield* Accounts.actorOf("ia-xlzx"), {
    id: "tr-li",
    teacherId: "t-li",
    toUnitId: "xlzx",
    kind: "transfer",
    effective: "2026-12-01",
    reason: "工作需要"
  })
  for (const confirmer of ["ia-xiling", "ia-jaxx", "ia-jiangan"]) {
    transfer = yield* Workflows.act(yield* Accounts.actorOf(confirmer), "tr-li", { type: "confirm" }, transfer.version)
  }
  const moved = yield* EFiles.load("t-li")
  return { lines, duplicate, masked, imported, transfer, moved, audit: yield* Audit.verifyAuditLog }
})

const shown = await Effect.runPromise(Effect.provide(efiles, database()))
console.log("\n6. A teacher's e-file (M21.1, M17.1, M17.4, M37.2, M16.2, M23.1, O4.1):\n")
console.log("   江岸区实验小学's info admin onboards 李老师; her basic information is reviewed (M17.1):")
for (const line of shown.lines.slice(0, 3)) console.log(`     ${line}`)
console.log(`   the same person at 宜昌市西陵中学 is refused:\n     ${messageOf(shown.duplicate)}`)
console.log(`   the school's info query-er sees her identity number masked (M37.2): ${shown.masked.efile.idNumber}`)
const { accepted, rejected } = shown.imported
console.log(`   a batch import of 3 rows (M16.2): ${accepted} in, ${rejected} reported with row, column and rule:`)
for (const line of shown.lines.slice(3)) console.log(`   ${line}`)
console.log(
  `   transfer to 宜昌市西陵中学, confirmed in order by 西陵区, 江岸区实验小学, 江岸区 (M23.1): ${shown.transfer.value.state}`
)
console.log(`   her e-file moved with it (O4.1): ${shown.moved.value.path}`)
console.log(
  shown.audit._tag === "Intact"
    ? `   audit log still intact: ${shown.audit.records} records`
    : `   audit log BROKEN at record ${shown.audit.seq} (${shown.audit.reason})`
)

console.log("\nNext: README.md for the package map, docs/ for the rules and the compliance matrix.")
