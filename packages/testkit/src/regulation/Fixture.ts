/**
 * What the kit builds beneath the vendor's system admin before its checks run: a second bureau, three schools whose
 * ids are prefixes of each other (`…s1`, `…s10`) beside a third under the other bureau, their system admins, info
 * admins and one info query-er, each handed down level by level (M15.1) — all namespaced by the run's tag.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { Day, Division } from "@tmis/core"
import { exampleBasicInfo } from "../arbitraries/efile.js"
import type * as Driver from "./Driver.js"
import * as Oracles from "./Oracles.js"

/**
 * The kit could not build the situation a check needs: the system refused a step the regulation allows.
 *
 * @since 0.1.0
 */
export class SetupError extends Error {
  constructor(
    message: string,
    readonly refused?: Driver.Refused
  ) {
    super(message)
  }
}

/**
 * A day `n` days after `day` (YYYY-MM-DD).
 *
 * @since 0.1.0
 */
export const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

/**
 * The value of an answer, or a {@link SetupError} naming what could not be done.
 *
 * @since 0.1.0
 */
export const must = <A>(what: string, result: Driver.Result<A>): A => {
  if (result.ok) return result.value
  throw new SetupError(
    `${what}: refused ${result.status}${result.rule === undefined ? "" : ` ${result.rule}`}${result.message === undefined ? "" : ` (${result.message})`}`,
    result
  )
}

/** The accounts the kit acts as. */
export type AccountKey = "saH" | "iaH" | "saC" | "iaC" | "saS1" | "iaS1" | "iqS1" | "saS10" | "iaS10" | "saT1" | "iaT1"

/**
 * The kit's hierarchy and accounts.
 *
 * @since 0.1.0
 */
export interface Fixture {
  /** Namespaces every id the run creates. */
  readonly tag: string
  /** Today in Beijing. */
  readonly today: string
  /** The vendor's unit (H), the kit's bureau below it (C; H itself when none could be made), the schools. */
  readonly H: Driver.UnitInfo
  readonly C: Driver.UnitInfo
  readonly s1: Driver.UnitInfo
  readonly s10: Driver.UnitInfo
  readonly t1: Driver.UnitInfo
  readonly accounts: Readonly<Record<AccountKey, string>>
  /** The unit of each account the kit acts as. */
  readonly unitOf: (accountId: string) => string
  readonly parentOf: (unitId: string) => string | undefined
  /** Whether `unitId` lies in the subtree of `ancestorId` — from the kit's own record of what it created. */
  readonly within: (unitId: string, ancestorId: string) => boolean
  /** A new person with a valid identity number, never given before in this run. */
  readonly person: () => Oracles.Person
  /** A new id namespaced by the run. */
  readonly id: (what: string) => string
  /** A new school under `parent`, created by `as` (an info admin above it). */
  readonly school: (as: string, parent: Driver.UnitInfo) => Promise<Driver.UnitInfo>
  /** The basic information of a person (the core indicators). */
  readonly basicInfo: (p: Oracles.Person, name?: string) => Record<string, unknown>
  /** Onboard a person at a school by its info admin; the new e-file and its basic-information entry. */
  readonly hire: (
    as: string,
    unitId: string,
    p?: Oracles.Person
  ) => Promise<{
    readonly teacherId: string
    readonly entryId: string
    readonly entryVersion: number
    readonly person: Oracles.Person
  }>
  /** One teacher per school that no check moves: the objects of the scope and audit checks. */
  readonly residents: Readonly<
    Record<"s1" | "s10" | "t1", { readonly teacherId: string; readonly entryId: string; readonly idNumber: string }>
  >
}

const names = ["王芳", "李强", "张敏", "刘伟", "陈杰", "杨丽", "赵磊", "黄静", "周涛", "吴霞"]

/**
 * Build the fixture through `driver`, as the vendor's system admin.
 *
 * @since 0.1.0
 */
export const build = async (driver: Driver.Driver): Promise<Fixture> => {
  const tag = `k${randomBytes(4).readUInt32BE(0).toString(36).slice(0, 5)}`
  const today = Day.of(new Date())
  let counter = 0
  const id = (what: string) => `${tag}-${what}${++counter}`
  // Birth dates from 1970 on, a random start, then one sequence code after another: unique within a run, and a
  // second run against the same system starts elsewhere.
  let personDay = randomBytes(2).readUInt16BE(0) % 6000
  let sequence = randomBytes(2).readUInt16BE(0) % 1000
  const person = () => {
    sequence = (sequence + 1) % 1000
    if (sequence === 0) personDay++
    return Oracles.person("420102", addDays("1970-01-01", personDay), sequence)
  }

  const signedIn = must("sign in as the accounts file's system admin", await driver.signIn())
  const saH = signedIn.accountId
  const H = must("read the system admin's unit", await driver.unit(saH, signedIn.unitId))
  if (!["province", "city", "county"].includes(H.kind)) {
    throw new SetupError(`the kit builds beneath a province, city or county; ${H.id} is a ${H.kind}`)
  }
  const parents = new Map<string, string | undefined>([[H.id, undefined]])
  const units: Array<Driver.UnitInfo> = [H]
  const unitOfAccount = new Map<string, string>([[saH, H.id]])

  const account = async (as: string, unit: Driver.UnitInfo, role: Driver.Role, key: string) => {
    const accountId = `${tag}-${key}`
    const p = person()
    must(
      `create ${role} ${accountId} at ${unit.id}`,
      await driver.createAccount(as, unit.id, {
        id: accountId,
        role,
        name: names[counter++ % names.length]!,
        identityNumber: p.idNumber
      })
    )
    must(`activate ${accountId}`, await driver.activate(as, accountId))
    unitOfAccount.set(accountId, unit.id)
    return accountId
  }

  const provinceDigits = H.code.slice(0, 2)
  const school = async (as: string, parent: Driver.UnitInfo, suffix?: string): Promise<Driver.UnitInfo> => {
    let last: Driver.Result<Driver.UnitInfo> | undefined
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = `21${provinceDigits}${String(randomBytes(3).readUIntBE(0, 3) % 1_000_000).padStart(6, "0")}`
      const unitId = suffix === undefined ? id("x") : `${tag}${suffix}`
      last = await driver.createUnit(as, parent.id, {
        id: unitId,
        kind: "school",
        name: `合规测试小学${unitId}`,
        code,
        validFrom: today,
        school: { schoolType: "211", sponsor: "21" }
      })
      if (last.ok) {
        parents.set(last.value.id, parent.id)
        units.push(last.value)
        return last.value
      }
      if (last.status !== 409) break
    }
    return must(`create a school under ${parent.id}`, last!)
  }

  // Former runs' info admins and query-ers at H would fill its quota (M14.5): disable those (their ids carry a tag).
  if (driver.disableAccount !== undefined) {
    const listed = await driver.listAccounts(saH, H.id)
    for (const former of listed.ok ? listed.value : []) {
      if (former.status === "active" && former.role !== "systemAdmin" && /^k[0-9a-z]{1,7}-/.test(former.id)) {
        await driver.disableAccount(saH, former.id, former.version)
      }
    }
  }
  const iaH = await account(saH, H, "infoAdmin", "ia-h")

  // A bureau below H: its GB/T 2260 code must be one of H's divisions not yet taken.
  const candidates =
    H.kind === "province"
      ? [...Division.prefecturesOf(H.code), ...Division.countiesOf(H.code)]
      : H.kind === "city"
        ? Division.countiesOf(H.code)
        : []
  let C: Driver.UnitInfo = H
  for (const division of candidates) {
    const created = await driver.createUnit(iaH, H.id, {
      id: `${tag}b`,
      kind: division.level === "prefecture" ? "city" : "county",
      name: `合规测试${division.name}`,
      code: division.code,
      validFrom: today
    })
    if (created.ok) {
      C = created.value
      parents.set(C.id, H.id)
      units.push(C)
      break
    }
  }
  const s1 = await school(iaH, H, "s1")
  const s10 = await school(iaH, H, "s10")
  const t1 = await school(iaH, C, "t1")

  const saC = C === H ? saH : await account(saH, C, "systemAdmin", "sa-b")
  const iaC = C === H ? iaH : await account(saC, C, "infoAdmin", "ia-b")
  const saS1 = await account(saH, s1, "systemAdmin", "sa-s1")
  const iaS1 = await account(saS1, s1, "infoAdmin", "ia-s1")
  const iqS1 = await account(saS1, s1, "infoQueryer", "iq-s1")
  const saS10 = await account(saH, s10, "systemAdmin", "sa-s10")
  const iaS10 = await account(saS10, s10, "infoAdmin", "ia-s10")
  const saT1 = await account(saC, t1, "systemAdmin", "sa-t1")
  const iaT1 = await account(saT1, t1, "infoAdmin", "ia-t1")

  const basicInfo = (p: Oracles.Person, name = names[counter % names.length]!) =>
    exampleBasicInfo({
      name,
      sex: p.sex,
      idNumber: p.idNumber,
      birthDate: p.birthDate,
      workStartMonth: "2012-09",
      schoolEntryMonth: "2015-09"
    })
  const hire = async (as: string, unitId: string, p: Oracles.Person = person()) => {
    const hired = must(
      `onboard a teacher at ${unitId}`,
      await driver.onboard(as, {
        unitId,
        basicInfo: basicInfo(p),
        employment: { onEstablishment: true, postCategory: "1" }
      })
    )
    return { ...hired, person: p }
  }
  const resident = async (as: string, unitId: string) => {
    const h = await hire(as, unitId)
    return { teacherId: h.teacherId, entryId: h.entryId, idNumber: h.person.idNumber }
  }
  const residents = {
    s1: await resident(iaS1, s1.id),
    s10: await resident(iaS10, s10.id),
    t1: await resident(iaT1, t1.id)
  }

  const within = (unitId: string, ancestorId: string): boolean => {
    for (let u: string | undefined = unitId; u !== undefined; u = parents.get(u)) if (u === ancestorId) return true
    return false
  }
  return {
    tag,
    today,
    H,
    C,
    s1,
    s10,
    t1,
    accounts: { saH, iaH, saC, iaC, saS1, iaS1, iqS1, saS10, iaS10, saT1, iaT1 },
    unitOf: (accountId) => unitOfAccount.get(accountId) ?? "",
    parentOf: (unitId) => parents.get(unitId),
    within,
    person,
    id,
    school: (as, parent) => school(as, parent),
    basicInfo,
    hire,
    residents
  }
}
