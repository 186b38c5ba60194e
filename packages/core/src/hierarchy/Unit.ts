/**
 * Unit (单位): a node of the five-level hierarchy — national, province, city, county, school — and a school's
 * secondary department. M2.1, M2.2, M4.1, M6.1, M7.1, M12.1, M12.2, M20.1.
 *
 * A unit is identified by an immutable id and located by a materialised path of ids ("/n/p/c/k/s/"), so
 * "is X in the subtree of U" is a prefix test and never a recursive query.
 *
 * @since 0.1.0
 */
import { Either, Option, Schema } from "effect"
import * as Division from "../codes/Division.js"
import * as SchoolCode from "../codes/SchoolCode.js"
import * as SchoolType from "../codes/SchoolType.js"
import * as Sponsor from "../codes/Sponsor.js"
import * as Refusal from "../kernel/Refusal.js"
import * as Deployment from "./Deployment.js"

/**
 * The kind of a unit. Departments (二级部门) are not an application level of M2.1 but hang under a school (M20.1).
 *
 * @since 0.1.0
 */
export const Kind = Schema.Literal("national", "province", "city", "county", "school", "department")

/**
 * @since 0.1.0
 */
export type Kind = typeof Kind.Type

/**
 * The five application levels of M2.1 (五级应用), highest first.
 *
 * @since 0.1.0
 */
export const levels: ReadonlyArray<Kind> = ["national", "province", "city", "county", "school"]

/**
 * Education administrative units (教育行政部门): the kinds that can be a school's competent bureau.
 *
 * @since 0.1.0
 */
export const isAdministrative = (kind: Kind): kind is "national" | "province" | "city" | "county" =>
  kind === "national" || kind === "province" || kind === "city" || kind === "county"

const rank: Record<Kind, number> = { national: 0, province: 1, city: 2, county: 3, school: 4, department: 5 }

/**
 * @since 0.1.0
 */
export const UnitId = Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]{1,64}$/), Schema.brand("UnitId"))

/**
 * Is a text a unit id ({@link UnitId}'s check)? For readers that check many stored ids by hand.
 *
 * @since 0.1.0
 */
export const isUnitId = (s: string): s is UnitId => /^[A-Za-z0-9_-]{1,64}$/.test(s)

/**
 * @since 0.1.0
 */
export type UnitId = typeof UnitId.Type

/**
 * A calendar date "YYYY-MM-DD"; versions of a unit are dated (M12.2).
 *
 * @since 0.1.0
 */
export const Day = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}$/),
  Schema.filter((s) => isDay(s))
)

/**
 * Is a text a day of the (proleptic Gregorian) calendar, "YYYY-MM-DD" ({@link Day}'s check: not 2026-02-30)? By
 * arithmetic, for readers that check many stored days by hand.
 *
 * @since 0.1.0
 */
export const isDay = (s: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const year = Number(s.slice(0, 4))
  const month = Number(s.slice(5, 7))
  const day = Number(s.slice(8, 10))
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
  return month >= 1 && month <= 12 && day >= 1 && day <= days
}

/**
 * The national unit's code: the ministry has no GB/T 2260 division code of its own.
 *
 * @since 0.1.0
 */
export const nationalCode = "000000"

/**
 * The attributes only a school has (M4.1, M6.1, M7.1).
 *
 * @since 0.1.0
 */
export interface SchoolAttributes {
  /** 办学类型, 3-digit national code. */
  readonly schoolType: string
  /** 学校办别, national code. */
  readonly sponsor: string
  /** 中央部属高校: hangs directly under the national unit (M6.1). */
  readonly centralMinistry: boolean
  /** The university a kindergarten or school is affiliated to (高校附属); informative only, never its parent (M7.1). */
  readonly affiliatedTo: UnitId | undefined
}

/**
 * Whether a unit is open, closed (撤销) or merged into another (合并), M12.2.
 *
 * @since 0.1.0
 */
export type Status = "open" | "closed" | "merged"

/**
 * One dated version of a unit: its attributes from `validFrom` until the next version (M12.2).
 *
 * @since 0.1.0
 */
export interface Unit {
  readonly id: UnitId
  readonly kind: Kind
  readonly parentId: UnitId | undefined
  /** Materialised path of ids from the root, with leading and trailing "/": "/n/p/c/". */
  readonly path: string
  readonly name: string
  /** GB/T 2260 code (administrative units), 学校标识码 (schools), or a local code unique in its school (departments). */
  readonly code: string
  readonly school: SchoolAttributes | undefined
  readonly status: Status
  readonly mergedInto: UnitId | undefined
  readonly validFrom: string
}

const fail = (rule: Refusal.RuleId, zh: string, en: string, details: Record<string, unknown>) =>
  Either.left(Refusal.invalid(rule, zh, en, details))

/**
 * What a caller supplies to create a unit.
 *
 * @since 0.1.0
 */
export interface NewUnit {
  readonly id: string
  readonly kind: Kind
  readonly name: string
  readonly code: string
  readonly validFrom: string
  readonly school?: {
    readonly schoolType: string
    readonly sponsor: string
    readonly centralMinistry?: boolean
    readonly affiliatedTo?: string
  }
}

/**
 * The two-digit province of a unit, read from its code: administrative units from GB/T 2260, schools from the
 * province digits of the school code; undefined for the national unit. Departments have none of their own.
 *
 * @since 0.1.0
 */
export const provinceCodeOf = (unit: Pick<Unit, "kind" | "code">): string | undefined => {
  switch (unit.kind) {
    case "national":
    case "department":
      return undefined
    case "school":
      return unit.code.slice(2, 4)
    default:
      return unit.code.slice(0, 2)
  }
}

/** The expected GB/T 2260 level of an administrative kind. */
const divisionLevel = { province: "province", city: "prefecture", county: "county" } as const

const checkName = (name: string) =>
  name.trim().length === 0 || name.length > 100
    ? fail("M2.1", "单位名称不能为空且不超过100字", "a unit has a name of 1 to 100 characters", {
        field: "name",
        value: name
      })
    : Either.right(name.trim())

/** M2.2, M6.1, M7.1, M20.1: may a unit of this kind hang under this parent? */
const checkParent = (input: NewUnit, parent: Unit | undefined, deployment: Deployment.Deployment) => {
  const details = { field: "parentId", value: parent?.id, kind: input.kind, parentKind: parent?.kind }
  if (parent === undefined) {
    const root = Deployment.rootKind(deployment)
    return input.kind === root
      ? Either.void
      : fail(
          "M2.1",
          `只有${root === "national" ? "国家级单位" : "省级单位"}是本系统的根`,
          `only the ${root} unit is the root of this deployment; a ${input.kind} needs a parent`,
          details
        )
  }
  if (parent.status !== "open") {
    return fail(
      "M12.2",
      "已撤销或合并的单位下不能新建单位",
      `no unit can be created under a ${parent.status} unit`,
      details
    )
  }
  switch (input.kind) {
    case "national":
      return fail("M2.1", "国家级单位是唯一的根", "the national unit is the single root", details)
    case "department":
      return parent.kind === "school"
        ? Either.void
        : fail("M20.1", "二级部门只能设在学校之下", "a secondary department hangs under a school", details)
    case "school": {
      if (parent.kind === "school" || parent.kind === "department") {
        return fail(
          "M7.1",
          "高校附属幼儿园、中小学由所在地教育行政部门管理，其上级不能是学校",
          "a school (including one affiliated to a university) hangs under the local education bureau, never under a school",
          details
        )
      }
      const central = input.school?.centralMinistry === true
      if (central && parent.kind !== "national") {
        return fail(
          "M6.1",
          "中央部属高校直属国家级",
          "a central-ministry university hangs directly under the national unit",
          details
        )
      }
      if (!central && parent.kind === "national") {
        return fail(
          "M6.1",
          "只有中央部属高校直属国家级",
          "only central-ministry universities hang directly under the national unit",
          details
        )
      }
      return Either.void
    }
    default: {
      // Administrative units: the parent is strictly higher; a county may hang directly under a province (省直管县).
      const allowed: Record<"province" | "city" | "county", ReadonlyArray<Kind>> = {
        province: ["national"],
        city: ["province"],
        county: ["city", "province"]
      }
      return allowed[input.kind].includes(parent.kind)
        ? Either.void
        : fail(
            "M2.2",
            "行政单位的上级必须是更高一级的行政单位",
            `a ${input.kind} cannot hang under a ${parent.kind}`,
            details
          )
    }
  }
}

/** M2.2: an administrative unit's division code lies within its parent's. */
const checkDivision = (input: NewUnit, parent: Unit | undefined) => {
  if (input.kind === "national") {
    return input.code === nationalCode
      ? Either.void
      : fail("M2.1", `国家级单位代码为${nationalCode}`, `the national unit's code is ${nationalCode}`, {
          field: "code",
          value: input.code
        })
  }
  if (input.kind === "province" || input.kind === "city" || input.kind === "county") {
    const division = Division.lookup(input.code)
    const level = divisionLevel[input.kind]
    if (Option.isNone(division) || division.value.level !== level) {
      return fail(
        "M2.2",
        `行政单位代码须为GB/T 2260中的${level === "province" ? "省" : level === "prefecture" ? "地市" : "区县"}级代码`,
        `a ${input.kind} carries a GB/T 2260 ${level} code; ${input.code} is not one`,
        { field: "code", value: input.code, kind: input.kind }
      )
    }
    if (parent !== undefined && parent.kind !== "national" && !Division.isWithin(input.code, parent.code)) {
      return fail(
        "M2.2",
        `行政区划代码${input.code}不在上级单位${parent.code}之内`,
        `division code ${input.code} does not lie within the parent's ${parent.code}`,
        { field: "code", value: input.code, parentCode: parent.code }
      )
    }
  }
  return Either.void
}

/** M4.1, M12.1: a school's type and sponsor come from the code tables; its code agrees with both and with its province. */
const checkSchool = (
  input: NewUnit,
  parent: Unit | undefined
): Either.Either<SchoolAttributes | undefined, Refusal.Refusal> => {
  if (input.kind !== "school") {
    return input.school === undefined
      ? Either.right(undefined)
      : fail("M4.1", "只有学校有办学类型和办别", "only a school has a school type and a sponsor", {
          field: "school",
          value: input.school,
          kind: input.kind
        })
  }
  const school = input.school
  if (school === undefined) {
    return fail("M4.1", "学校须登记办学类型和办别", "a school records its school type and sponsor", {
      field: "school",
      value: undefined
    })
  }
  const toUnitError = (e: { rule: Refusal.RuleId; zh: string; en: string; details: Record<string, unknown> }) =>
    Refusal.invalid(e.rule, e.zh, e.en, e.details)
  return Either.gen(function* () {
    const type = yield* Either.mapLeft(SchoolType.decideCovered(school.schoolType), toUnitError)
    yield* Either.mapLeft(Sponsor.decide(school.sponsor), toUnitError)
    const provinceCode = parent === undefined ? undefined : provinceCodeOf(parent)
    if (provinceCode === undefined) {
      yield* Either.mapLeft(SchoolCode.parse(input.code), toUnitError)
    } else {
      yield* Either.mapLeft(SchoolCode.decide(input.code, { schoolType: school.schoolType, provinceCode }), toUnitError)
    }
    if (school.centralMinistry === true && type.stage !== "higherEducation") {
      yield* fail(
        "M6.1",
        "只有高等学校可以是中央部属高校",
        "only a higher-education institution can be a central-ministry university",
        {
          field: "school.schoolType",
          value: school.schoolType
        }
      )
    }
    const affiliatedTo = school.affiliatedTo === undefined ? undefined : UnitId.make(school.affiliatedTo)
    return {
      schoolType: school.schoolType,
      sponsor: school.sponsor,
      centralMinistry: school.centralMinistry === true,
      affiliatedTo
    } satisfies SchoolAttributes
  })
}

const checkDepartmentCode = (code: string) =>
  /^[A-Za-z0-9]{1,20}$/.test(code)
    ? Either.void
    : fail("M20.1", "二级部门代码为1至20位字母或数字", "a department's code is 1 to 20 letters or digits", {
        field: "code",
        value: code
      })

const checkId = (id: string) =>
  Schema.is(UnitId)(id)
    ? Either.right(UnitId.make(id))
    : fail("M2.1", "单位标识须为1至64位字母、数字、-或_", "a unit id is 1 to 64 letters, digits, - or _", {
        field: "id",
        value: id
      })

const checkDay = (field: string, value: string) =>
  Schema.is(Day)(value)
    ? Either.void
    : fail("M12.2", "日期格式应为YYYY-MM-DD", "a date is a real calendar day written YYYY-MM-DD", { field, value })

/**
 * Decide the creation of a unit under `parent` (undefined for the deployment's root): kind, parent, codes,
 * school type and sponsor, deployment. Returns the unit's first version. Uniqueness (one root, unique school
 * codes, unique ids) is the store's to enforce.
 *
 * @since 0.1.0
 */
export const decideCreate = (
  input: NewUnit,
  parent: Unit | undefined,
  deployment: Deployment.Deployment
): Either.Either<Unit, Refusal.Refusal | Refusal.Refusal> =>
  Either.gen(function* () {
    const id = yield* checkId(input.id)
    const name = yield* checkName(input.name)
    yield* checkDay("validFrom", input.validFrom)
    yield* checkParent(input, parent, deployment)
    yield* checkDivision(input, parent)
    if (input.kind === "department") yield* checkDepartmentCode(input.code)
    const school = yield* checkSchool(input, parent)
    const provinceCode = input.kind === "department" ? provinceCodeOf(parent!) : provinceCodeOf(input)
    if (!(input.kind === "national" && deployment._tag === "National")) {
      yield* Deployment.admit(deployment, { kind: input.kind, code: input.code, provinceCode })
    }
    return {
      id,
      kind: input.kind,
      parentId: parent?.id,
      path: `${parent?.path ?? "/"}${id}/`,
      name,
      code: input.code,
      school,
      status: "open",
      mergedInto: undefined,
      validFrom: input.validFrom
    } satisfies Unit
  })

/**
 * A change of a school's attributes (M12.2): name, type, sponsor, parent, closure or merger, effective on a date.
 * A change of type across school categories needs a new school code (M12.1).
 *
 * @since 0.1.0
 */
export type Change =
  | { readonly _tag: "Rename"; readonly name: string }
  | { readonly _tag: "ChangeType"; readonly schoolType: string; readonly code?: string }
  | { readonly _tag: "ChangeSponsor"; readonly sponsor: string }
  | { readonly _tag: "Move"; readonly parent: Unit }
  | { readonly _tag: "Close" }
  | { readonly _tag: "Merge"; readonly into: Unit }

/**
 * Decide a dated change of a unit, returning its next version (M12.2). The history stays: the caller appends the
 * new version; earlier versions are never rewritten. Versions are strictly ordered by date.
 *
 * @since 0.1.0
 */
export const decideChange = (
  current: Unit,
  change: Change,
  effective: string,
  deployment: Deployment.Deployment
): Either.Either<Unit, Refusal.Refusal | Refusal.Refusal> =>
  Either.gen(function* () {
    yield* checkDay("effective", effective)
    if (effective <= current.validFrom) {
      yield* fail(
        "M12.2",
        `变更生效日期须晚于当前版本的生效日期${current.validFrom}`,
        `a change takes effect after the current version's date ${current.validFrom}`,
        { field: "effective", value: effective, currentValidFrom: current.validFrom }
      )
    }
    if (current.status !== "open") {
      yield* fail("M12.2", "已撤销或合并的单位不能再变更", `a ${current.status} unit cannot change`, {
        field: "status",
        value: current.status
      })
    }
    const next = { ...current, validFrom: effective }
    switch (change._tag) {
      case "Rename":
        return { ...next, name: yield* checkName(change.name) }
      case "Close":
        return { ...next, status: "closed" as const }
      case "Merge": {
        if (change.into.id === current.id || change.into.kind !== current.kind || change.into.status !== "open") {
          yield* fail("M12.2", "只能并入另一所开办中的同类单位", "a unit merges into another open unit of its kind", {
            field: "into",
            value: change.into.id
          })
        }
        return { ...next, status: "merged" as const, mergedInto: change.into.id }
      }
      case "Move": {
        if (change.parent.path.startsWith(current.path)) {
          yield* fail("M2.2", "单位不能移到自身或其下级之下", "a unit cannot move under itself or its own subtree", {
            field: "parentId",
            value: change.parent.id
          })
        }
        const moved = yield* decideCreate({ ...asNewUnit(current), validFrom: effective }, change.parent, deployment)
        return { ...next, parentId: moved.parentId, path: moved.path }
      }
      case "ChangeType":
      case "ChangeSponsor": {
        if (current.kind !== "school" || current.school === undefined) {
          return yield* fail("M4.1", "只有学校有办学类型和办别", "only a school has a school type and a sponsor", {
            field: "kind",
            value: current.kind
          })
        }
        const school =
          change._tag === "ChangeType"
            ? { ...current.school, schoolType: change.schoolType }
            : { ...current.school, sponsor: change.sponsor }
        const code = change._tag === "ChangeType" ? (change.code ?? current.code) : current.code
        const provinceCode = provinceCodeOf(current)!
        const candidate = { ...current, school, code }
        const toUnitError = (e: { rule: Refusal.RuleId; zh: string; en: string; details: Record<string, unknown> }) =>
          Refusal.invalid(e.rule, e.zh, e.en, e.details)
        yield* Either.mapLeft(SchoolType.decideCovered(school.schoolType), toUnitError)
        yield* Either.mapLeft(Sponsor.decide(school.sponsor), toUnitError)
        yield* Either.mapLeft(SchoolCode.decide(code, { schoolType: school.schoolType, provinceCode }), toUnitError)
        return { ...next, school: candidate.school, code }
      }
    }
  })

const asNewUnit = (unit: Unit): NewUnit => ({
  id: unit.id,
  kind: unit.kind,
  name: unit.name,
  code: unit.code,
  validFrom: unit.validFrom,
  ...(unit.school === undefined
    ? {}
    : {
        school: {
          schoolType: unit.school.schoolType,
          sponsor: unit.school.sponsor,
          centralMinistry: unit.school.centralMinistry,
          ...(unit.school.affiliatedTo === undefined ? {} : { affiliatedTo: unit.school.affiliatedTo })
        }
      })
})

/**
 * The version of a unit in force on `day`, from its history (any order). None before the unit existed.
 *
 * @since 0.1.0
 */
export const asOf = (history: ReadonlyArray<Unit>, day: string): Option.Option<Unit> => {
  let found: Unit | undefined
  for (const version of history) {
    if (version.validFrom <= day && (found === undefined || version.validFrom > found.validFrom)) found = version
  }
  return Option.fromNullable(found)
}

/**
 * The ids on a unit's path, root first, the unit itself last.
 *
 * @since 0.1.0
 */
export const ancestry = (unit: Pick<Unit, "path">): ReadonlyArray<UnitId> =>
  unit.path.split("/").filter((s) => s.length > 0) as Array<UnitId>

/**
 * Is `unit` in subtree(`root`), i.e. `root` itself or below it? A prefix test on materialised paths.
 *
 * @since 0.1.0
 */
export const isWithin = (unit: Pick<Unit, "path">, root: Pick<Unit, "path">): boolean => unit.path.startsWith(root.path)

/**
 * The id of the competent bureau (主管教育行政部门) of a school (its parent) or of a department (its school's parent).
 * None for administrative units.
 *
 * @since 0.1.0
 */
export const competentBureauId = (unit: Pick<Unit, "kind" | "path">): Option.Option<UnitId> => {
  const ids = ancestry(unit)
  if (unit.kind === "school") return Option.fromNullable(ids[ids.length - 2])
  if (unit.kind === "department") return Option.fromNullable(ids[ids.length - 3])
  return Option.none()
}

/**
 * The id of the school a school or department belongs to.
 *
 * @since 0.1.0
 */
export const schoolId = (unit: Pick<Unit, "kind" | "path">): Option.Option<UnitId> => {
  const ids = ancestry(unit)
  if (unit.kind === "school") return Option.fromNullable(ids[ids.length - 1])
  if (unit.kind === "department") return Option.fromNullable(ids[ids.length - 2])
  return Option.none()
}

/**
 * Compare two kinds by level: negative when `a` is higher than `b`.
 *
 * @since 0.1.0
 */
export const compareLevel = (a: Kind, b: Kind): number => rank[a] - rank[b]
