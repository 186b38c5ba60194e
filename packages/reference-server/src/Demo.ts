/**
 * A demo province for a fresh server: Hubei as a provincial system (M2.3) — the province, two cities, five
 * counties (仙桃 directly under the province, M2.2), eight schools of seven stages — with accounts handed down level
 * by level (M15.1), a few hundred teachers' e-files brought in by batch import (M16.2) and one transfer in flight
 * (M23.1). Everything goes through the application services of `@tmis/core`, so the demo obeys the same rules and
 * leaves the same audit trail as real use.
 *
 * Ids, identity numbers and passwords are fixed, so that the credentials a server prints on its first start are
 * the same every time. The seed runs only on an empty store: once the province exists it does nothing.
 *
 * @since 0.1.0
 */
import {
  type Account,
  Accounts,
  Auth,
  type Authorization,
  BatchImport,
  Deployment,
  IdentityNumber,
  type Refusal,
  Registrations,
  Settings,
  Storage,
  Training,
  type Unit,
  Units,
  Workflows
} from "@tmis/core"
import { Effect, Option } from "effect"

/**
 * The demo's deployment: the provincial system of Hubei (42).
 *
 * @since 0.1.0
 */
export const demoDeployment: Deployment.Deployment = Deployment.provincial("42")

/**
 * The settings of the demo deployment, with the default account, indicator and credential policies.
 *
 * @since 0.1.0
 */
export const settingsLayer = Settings.layer(demoDeployment)

/**
 * The password of every demo account: it meets the MLPS level-3 policy (`Credential.defaultPolicy`), and the
 * policy has the user change it at the first login, since an administrator set it.
 *
 * @since 0.1.0
 */
export const demoPassword = "Demo#2026-hubei"

/**
 * The most teachers {@link seed} makes: the generated identity numbers stay distinct up to this many.
 *
 * @since 0.1.0
 */
export const maxTeachers = 10_000

/**
 * Options of {@link seed}.
 *
 * @since 0.1.0
 */
export interface SeedOptions {
  /** How many teachers' e-files, spread over the schools; default 300, from 1 to {@link maxTeachers}. */
  readonly teachers?: number
  /**
   * Called as the seed advances; `done` and `total` count the units, accounts, e-files, passwords and the transfer
   * written.
   */
  readonly onProgress?: (done: number, total: number) => void
}

/**
 * A demo account that can log in, with its password.
 *
 * @since 0.1.0
 */
export interface DemoAccount {
  readonly id: string
  readonly role: Account.Role
  readonly unitId: string
  readonly unitName: string
  readonly password: string
}

/**
 * What {@link seed} made: the accounts given a password (the others exist without one, as handed-down accounts do
 * until their manager sets one), the number of e-files, and the open transfer.
 *
 * @since 0.1.0
 */
export interface SeedResult {
  readonly accounts: ReadonlyArray<DemoAccount>
  readonly teachers: number
  readonly transferId: string
  /**
   * The demo's training provider and its key (M25.2), shown once as a provider's key is: the provider submits
   * results with `x-provider-id` and `x-provider-key`.
   */
  readonly provider: { readonly id: string; readonly key: string }
}

// ── The province ───────────────────────────────────────────────────────────────────────────────────────────────────

interface PlannedUnit {
  readonly id: string
  readonly parentId: string | undefined
  readonly kind: Unit.Kind
  readonly name: string
  readonly code: string
  /** The GB/T 2260 county code for the identity numbers of the people there. */
  readonly home: string
  readonly school?: { readonly schoolType: string; readonly sponsor: string }
  /** The school's share of the teachers, out of 300. */
  readonly weight?: number
}

const validFrom = "2017-03-31"

const bureau = (id: string, parentId: string | undefined, kind: Unit.Kind, name: string, code: string, home = code) =>
  ({ id, parentId, kind, name, code, home }) satisfies PlannedUnit

const school = (
  id: string,
  parentId: string,
  name: string,
  code: string,
  schoolType: string,
  home: string,
  weight: number
) => ({ id, parentId, kind: "school", name, code, home, school: { schoolType, sponsor: "21" }, weight }) as const

/** In creation order: every unit after its parent. The schools' weights add up to 300. */
const units: ReadonlyArray<PlannedUnit> = [
  bureau("hubei", undefined, "province", "湖北省教育厅", "420000", "420106"),
  bureau("wuhan", "hubei", "city", "武汉市教育局", "420100", "420102"),
  bureau("yichang", "hubei", "city", "宜昌市教育局", "420500", "420502"),
  // 省直管县 (M2.2): Xiantao hangs directly under the province.
  bureau("xiantao", "hubei", "county", "仙桃市教育局", "429004"),
  bureau("jiangan", "wuhan", "county", "江岸区教育局", "420102"),
  bureau("hongshan", "wuhan", "county", "洪山区教育局", "420111"),
  bureau("xiling", "yichang", "county", "西陵区教育局", "420502"),
  bureau("yiling", "yichang", "county", "夷陵区教育局", "420506"),
  // The sending school of the demo transfer comes first, so that it has a teacher however few there are.
  school("jaxx", "jiangan", "江岸区实验小学", "2142000101", "211", "420102", 50),
  school("whez", "jiangan", "武汉市第二中学", "3442000105", "342", "420102", 55),
  school("hsyey", "hongshan", "洪山区第一幼儿园", "1142000102", "111", "420111", 20),
  school("hspz", "hongshan", "洪山区培智学校", "5142000106", "513", "420111", 15),
  school("xlzx", "xiling", "宜昌市西陵中学", "3142000103", "312", "420502", 45),
  school("ylxx", "yiling", "夷陵区小溪塔小学", "2142000107", "211", "420506", 35),
  school("xtzz", "xiantao", "仙桃市中等职业学校", "3642000104", "365", "429004", 30),
  // A provincially run university: a school may hang under the province (M2.2).
  school("hubu", "hubei", "湖北大学", "4142010512", "411", "420106", 50)
]

const unitById = new Map(units.map((u) => [u.id, u]))
const unitOf = (id: string): PlannedUnit => unitById.get(id)!

// ── Accounts ───────────────────────────────────────────────────────────────────────────────────────────────────────

/** The units with an info query-er: one at each level, down the Wuhan branch. */
const queryerUnits: ReadonlySet<string> = new Set(["hubei", "wuhan", "jiangan", "jaxx"])

/**
 * The accounts given a password: every level's system admin, info admin and info query-er down the Wuhan branch,
 * and the info admins who act in the transfer. Each password costs a scrypt run (about 0.2 s), so not all 36.
 */
const withPassword: ReadonlySet<string> = new Set([
  ...["hubei", "wuhan", "jiangan", "jaxx"].flatMap((u) => [`sa-${u}`, `ia-${u}`, `iq-${u}`]),
  "ia-xiling",
  "ia-xlzx"
])

interface PlannedAccount {
  readonly id: string
  readonly role: Account.Role
  readonly unit: PlannedUnit
  readonly person: { readonly name: string; readonly identityNumber: string }
}

const pad = (n: number, width: number) => String(n).padStart(width, "0")

/**
 * A valid identity number (GB 11643): the county code, the birth date, a sequence whose parity gives the sex, and
 * the check character. `sequence` is below 500: the sequence code is twice it plus the sex digit.
 */
const identityNumberOf = (home: string, birthDate: string, sequence: number, sex: "1" | "2"): string => {
  const first17 = `${home}${birthDate.replaceAll("-", "")}${pad(sequence * 2 + (sex === "1" ? 1 : 0), 3)}`
  return first17 + IdentityNumber.checkCharacter(first17)
}

const staffNames = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周芳", "吴强", "徐丽", "孙涛"]

/** Each unit's system admin and info admin, and its info query-er where there is one, in creation order. */
const accounts: ReadonlyArray<PlannedAccount> = units
  .flatMap((unit) => {
    const roles: ReadonlyArray<[string, Account.Role]> = [
      ["sa", "systemAdmin"],
      ["ia", "infoAdmin"],
      ...(queryerUnits.has(unit.id) ? [["iq", "infoQueryer"] as [string, Account.Role]] : [])
    ]
    return roles.map(([prefix, role]) => ({ id: `${prefix}-${unit.id}`, role, unit }))
  })
  .map((account, k) => {
    // The account holders' sequences start at 400, above any teacher's: no two people share a number.
    const sex = k % 2 === 0 ? "1" : "2"
    const birthDate = `${1968 + (k % 20)}-${pad(1 + ((k * 5) % 12), 2)}-${pad(1 + ((k * 7) % 28), 2)}`
    const person = {
      name: staffNames[k % staffNames.length]!,
      identityNumber: identityNumberOf(account.unit.home, birthDate, 400 + k, sex)
    }
    return { ...account, person }
  })

/**
 * Who sets an account's password (M15.1, M13.2): the system admin above for a system admin, else the unit's own;
 * nobody for the root's system admin.
 */
const managerOf = (account: PlannedAccount): string | undefined =>
  account.role === "systemAdmin"
    ? account.unit.parentId === undefined
      ? undefined
      : `sa-${account.unit.parentId}`
    : `sa-${account.unit.id}`

// ── Teachers ───────────────────────────────────────────────────────────────────────────────────────────────────────

const schools = units.filter((u) => u.kind === "school")
const totalWeight = schools.reduce((sum, s) => sum + (s.weight ?? 0), 0)

/** The teachers of each school: shares by weight, the remainder one by one in plan order. */
const spread = (teachers: number): ReadonlyArray<[PlannedUnit, number]> => {
  const counts = schools.map((s) => Math.floor((teachers * (s.weight ?? 0)) / totalWeight))
  let rest = teachers - counts.reduce((a, b) => a + b, 0)
  for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]!++
  return schools.map((s, i) => [s, counts[i]!])
}

const surnames = [..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"]
const givenNames = {
  "1": ["伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "波", "辉", "刚", "建华", "志强"],
  "2": ["秀英", "丽", "静", "敏", "燕", "芳", "娟", "艳", "婷", "雪", "琳", "慧", "晓红", "春梅"]
} as const

/**
 * The basic information (基本信息) of the `i`-th demo teacher, born and working in `home`'s county: valid under the
 * core indicators for every stage, and its identity number agrees with the birth date and sex (M17.3).
 */
const basicInfo = (i: number, home: string): Record<string, unknown> => {
  const sex = i % 3 === 0 ? "1" : "2"
  const year = 1966 + (i % 33)
  const birthDate = `${year}-${pad(1 + ((i * 5) % 12), 2)}-${pad(1 + ((i * 11) % 28), 2)}`
  // (year, sequence) is one-to-one with i, so every teacher has a number of their own.
  const sequence = 10 + Math.floor(i / 33)
  const given = givenNames[sex]
  return {
    name: `${surnames[i % surnames.length]}${given[(i * 7 + 3) % given.length]}`,
    sex,
    nationality: "156",
    idType: "1",
    idNumber: identityNumberOf(home, birthDate, sequence, sex),
    birthDate,
    ethnicity: "01",
    politicalStatus: i % 4 === 0 ? "01" : "13",
    workStartMonth: `${year + 22}-09`,
    schoolEntryMonth: `${year + 22 + (i % 4)}-09`,
    staffSource: "11",
    staffCategory: "11",
    onEstablishment: true,
    contractStatus: "1",
    normalMajorGraduate: i % 5 !== 0,
    specialEducationTrained: false,
    specialEducationCertificate: false,
    itApplicationAbility: "1",
    publicFundedNormalStudent: "0",
    grassrootsService: "0",
    specialGradeTeacher: false,
    backboneTeacher: i % 10 === 0,
    mentalHealthTeacher: false,
    personnelStatus: "11"
  }
}

const batchOf = (schoolId: string) => `demo-${schoolId}`

/**
 * The demo transfer: the first teacher of 江岸区实验小学 moves to 宜昌市西陵中学 in another city. The receiving
 * school initiated it and its bureau confirmed; it waits for the sending school (M23.1).
 *
 * @since 0.1.0
 */
/**
 * The registration round of the demo (M26.1): 江岸区实验小学's teachers for the cycle 2022–2026, waiting for 江岸区.
 *
 * @since 0.1.0
 */
export const demoRegistration = { id: "reg-demo-jaxx", unitId: "jaxx", cycleFrom: "2022-01-01" } as const

export const demoTransfer = {
  id: "tr-demo-jaxx-xlzx",
  fromUnitId: "jaxx",
  toUnitId: "xlzx",
  effective: "2027-02-20"
} as const

// ── Seeding ────────────────────────────────────────────────────────────────────────────────────────────────────────

const newUnit = (u: PlannedUnit): Unit.NewUnit => ({
  id: u.id,
  kind: u.kind,
  name: u.name,
  code: u.code,
  validFrom,
  ...(u.school === undefined ? {} : { school: u.school })
})

/**
 * The demo's training credits (M25, O9.1): 江岸区 registers a provider and enters a county project; three teachers of
 * 江岸区实验小学 are enrolled; the provider submits their results; 江岸区 confirms the first (credits in the ledger),
 * the two others wait for its confirmation.
 */
const demoTraining = (actor: (id: string) => Effect.Effect<Authorization.Actor, SeedError, Storage.Storage>) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const county = yield* actor("ia-jiangan")
    const { provider, key } = yield* Training.registerProvider(county, {
      id: "pv-jiangan",
      name: "江岸区教师进修学校（演示）"
    })
    yield* Training.createProject(county, {
      id: "tp-demo-jiangan",
      name: "江岸区小学教师信息技术应用能力提升培训（演示）",
      kind: "county",
      hours: 36,
      form: "course",
      providerId: provider.value.id,
      from: "2026-03-01",
      to: "2026-06-30",
      capacity: 50
    })
    const school = unitOf("jaxx")
    const schoolPath = (yield* Units.load(school.id)).value.path
    const teachers = (yield* storage.teachers.subtree(schoolPath, { limit: 3 })).items
    const as = { providerId: provider.value.id, status: "active" as const }
    for (const [i, teacher] of teachers.entries()) {
      yield* Training.enrol(yield* actor("ia-jaxx"), "tp-demo-jiangan", teacher.id)
      const result = yield* Training.submitResult(as, {
        id: `tr-demo-${i + 1}`,
        projectId: "tp-demo-jiangan",
        teacherId: teacher.id,
        hours: 36 - i * 6,
        completedOn: "2026-06-30"
      })
      if (i === 0) yield* Training.confirm(county, result.value.id, result.version)
    }
    return { id: provider.value.id, key }
  })

/**
 * What the seed may meet: on an empty store none of it but a storage failure, yet the services it calls declare
 * their refusals (a deployment requiring certificates refuses the demo's admins with M14.2, for one).
 *
 * @since 0.1.0
 */
export type SeedError =
  | Refusal.Refusal
  | Refusal.Refusal
  | BatchImport.SourceError
  | Workflows.IdempotencyKeyReused
  | Storage.StorageError
  | Storage.Conflict
  | Storage.NotFound
  | Storage.ConstraintError

/**
 * Seed the demo province on an empty store (see the module's description): the units, their accounts handed down
 * level by level, `teachers` e-files (default 300) imported school by school, and a transfer waiting for the
 * sending school — in one transaction, so that a failed seed leaves the store empty; then the demo passwords
 * ({@link demoPassword}), each set by the account's manager. Returns `undefined`, and changes nothing, when the
 * store already has a root unit.
 *
 * @since 0.1.0
 */
export const seed = (
  options: SeedOptions = {}
): Effect.Effect<SeedResult | undefined, SeedError, Storage.Storage | Settings.Settings> =>
  Effect.gen(function* () {
    const teachers = options.teachers ?? 300
    if (!Number.isInteger(teachers) || teachers < 1 || teachers > maxTeachers) {
      return yield* Effect.dieMessage(`the demo has 1 to ${maxTeachers} teachers, not ${teachers}`)
    }
    const storage = yield* Storage.Storage
    const passwords = accounts.filter((a) => withPassword.has(a.id))
    const total = units.length + accounts.length + teachers + passwords.length + 1
    let done = 0
    const advance = (n: number) => {
      done += n
      options.onProgress?.(done, total)
    }
    const actors = new Map<string, Authorization.Actor>()
    const actor = (id: string) =>
      Effect.gen(function* () {
        const known = actors.get(id)
        if (known !== undefined) return known
        const loaded = yield* Accounts.actorOf(id)
        actors.set(id, loaded)
        return loaded
      })

    const province = Effect.gen(function* () {
      // A store retries a transaction that collided with another writer: start the count again with it.
      done = 0
      actors.clear()
      if (Option.isSome(yield* storage.units.root())) return false
      const [root, ...below] = units
      const rootAdmin = accounts[0]!
      yield* Accounts.bootstrap(newUnit(root!), { id: rootAdmin.id, person: rootAdmin.person })
      advance(2)
      // Level by level (M15.1): a unit is created by the info admin above it, and its system admin by the system
      // admin above it; each system admin then creates its own unit's other accounts (M13.2).
      const createStaff = (unitId: string) =>
        Effect.gen(function* () {
          const systemAdmin = yield* actor(`sa-${unitId}`)
          for (const a of accounts.filter((a) => a.unit.id === unitId && a.role !== "systemAdmin")) {
            yield* Accounts.create(systemAdmin, { id: a.id, role: a.role, person: a.person }, unitId)
            advance(1)
          }
        })
      yield* createStaff(root!.id)
      for (const u of below) {
        const parentId = u.parentId!
        yield* Units.create(yield* actor(`ia-${parentId}`), newUnit(u), parentId)
        const admin = accounts.find((a) => a.unit.id === u.id && a.role === "systemAdmin")!
        yield* Accounts.create(
          yield* actor(`sa-${parentId}`),
          { id: admin.id, role: "systemAdmin", person: admin.person },
          u.id
        )
        advance(2)
        yield* createStaff(u.id)
      }

      // The teachers, one batch per school (M16.2), by the school's info admin. Their basic information waits for
      // the school's review.
      let next = 0
      let transferTeacher: string | undefined
      for (const [s, count] of spread(teachers)) {
        if (count === 0) continue
        const rows = Array.from({ length: count }, (_, k) => ({ line: k + 2, record: basicInfo(next + k, s.home) }))
        next += count
        transferTeacher ??=
          s.id === demoTransfer.fromUnitId
            ? BatchImport.teacherIdOf(batchOf(s.id), rows[0]!.line, BatchImport.rowHash(rows[0]!.record))
            : undefined
        const refused: Array<BatchImport.Rejection> = []
        let imported = 0
        yield* BatchImport.run(yield* actor(`ia-${s.id}`), rows, {
          batchId: batchOf(s.id),
          unitId: s.id,
          onRejections: (rejections) => refused.push(...rejections),
          onProgress: (progress) => {
            advance(progress.accepted - imported)
            imported = progress.accepted
          }
        })
        // The rows are made to be valid: a refused one is a bug of this module, not of the data.
        if (refused.length > 0) return yield* Effect.dieMessage(`demo rows refused: ${JSON.stringify(refused)}`)
      }

      // The transfer (M23.1): initiated by the receiving school, confirmed by its bureau, waiting for the sender.
      const initiated = yield* Workflows.initiateTransfer(yield* actor(`ia-${demoTransfer.toUnitId}`), {
        id: demoTransfer.id,
        teacherId: transferTeacher!,
        toUnitId: demoTransfer.toUnitId,
        kind: "transfer",
        effective: demoTransfer.effective,
        reason: "工作需要（演示数据）"
      })
      const receivingBureau = unitOf(demoTransfer.toUnitId).parentId!
      yield* Workflows.act(
        yield* actor(`ia-${receivingBureau}`),
        demoTransfer.id,
        { type: "confirm" },
        initiated.version
      )
      advance(1)
      const provider = yield* demoTraining(actor)
      // A registration round of 江岸区实验小学 (M26.1), waiting for its bureau's review.
      yield* Registrations.start(yield* actor(`ia-${demoRegistration.unitId}`), demoRegistration)
      return provider
    })

    const provider = yield* storage.transaction(province)
    if (provider === false) return undefined

    // Scrypt runs outside the transaction above and its cost dominates: four at a time, libuv's thread pool.
    yield* Effect.forEach(
      passwords,
      (a) => {
        const manager = managerOf(a)
        // Nobody is above the root's system admin to set its password (M15.1): bootstrap does.
        const set =
          manager === undefined
            ? Auth.bootstrapPassword(a.id, demoPassword)
            : Effect.flatMap(actor(manager), (m) => Auth.setPassword(m, a.id, demoPassword))
        return Effect.tap(set, () => advance(1))
      },
      { concurrency: 4, discard: true }
    )

    const result: SeedResult = {
      accounts: passwords.map((a) => ({
        id: a.id,
        role: a.role,
        unitId: a.unit.id,
        unitName: a.unit.name,
        password: demoPassword
      })),
      teachers,
      transferId: demoTransfer.id,
      provider
    }
    return result
  })
