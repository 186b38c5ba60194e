/**
 * The teacher's e-file (电子档案): who the teacher is (identity document), where the e-file is kept (the school or
 * its department), the employment status with its history (M22.1), and the entries of its record groups, each
 * under review (M17.1). Pure values and decisions; the `EFiles` service persists them.
 *
 * One person, one active e-file (M17.4): an e-file is active until its teacher resigns, retires, dies or is
 * transferred out of the system; the store refuses a second active e-file with the same identity document.
 *
 * @since 0.1.0
 */
import { Brand, Either, Option } from "effect"
import type * as Account from "../accounts/Account.js"
import * as Authorization from "../accounts/Authorization.js"
import * as Eligibility from "../codes/Eligibility.js"
import * as IdentityNumber from "../codes/IdentityNumber.js"
import * as SchoolType from "../codes/SchoolType.js"
import type * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"
import type * as EmploymentStatus from "./EmploymentStatus.js"
import * as Indicator from "./Indicator.js"
import * as Review from "./Review.js"

/**
 * @since 0.1.0
 */
export type TeacherId = string & Brand.Brand<"TeacherId">

/**
 * @since 0.1.0
 */
export const TeacherId = Brand.nominal<TeacherId>()

/**
 * An e-file as stored (its entries apart).
 *
 * @since 0.1.0
 */
export interface EFile {
  readonly id: TeacherId
  /** The school or department that keeps the e-file. */
  readonly unitId: Unit.UnitId
  /** The materialised path of that unit followed by the e-file's id: subtree(U) is a prefix range (M13.3, M13.4). */
  readonly path: string
  /** The school stage whose indicators apply (kindergarten, primary, …). */
  readonly stage: SchoolType.Stage
  /** 身份证件类型 (JY/T 1001) and 身份证件号, normalised: the key of the duplicate check (M17.4). */
  readonly idType: string
  readonly idNumber: string
  readonly name: string
  readonly status: EmploymentStatus.Status
  readonly statusHistory: EmploymentStatus.History
  readonly createdAt: string
  readonly createdBy: Account.AccountId
}

/**
 * One record of one record group of an e-file, with its review (M17.1).
 *
 * @since 0.1.0
 */
export interface Entry {
  readonly id: string
  readonly teacherId: TeacherId
  readonly group: string
  readonly data: Indicator.IndicatorRecord
  readonly review: Review.Persisted
}

/**
 * The statuses whose e-file is no longer active: the person left the system (离职, 退休, 死亡, 调出).
 *
 * @since 0.1.0
 */
export const inactiveStatuses: ReadonlySet<EmploymentStatus.Status> = new Set([
  "resigned",
  "retired",
  "deceased",
  "transferredOut"
])

/**
 * Is the e-file active (M17.4: at most one active e-file per identity document)?
 *
 * @since 0.1.0
 */
export const isActive = (efile: Pick<EFile, "status">): boolean => !inactiveStatuses.has(efile.status)

/**
 * The identity document as the duplicate check compares it: trimmed, and the check character of a resident
 * identity number upper-case (x and X are the same number).
 *
 * @since 0.1.0
 */
export const identityKey = (
  idType: string,
  idNumber: string
): { readonly idType: string; readonly idNumber: string } => ({
  idType: idType.trim(),
  idNumber: idNumber.trim().toUpperCase()
})

/**
 * The stage of a school's e-files, from its school type; a department's is its school's.
 *
 * @since 0.1.0
 */
export const stageOf = (school: Unit.Unit): Option.Option<SchoolType.Stage> =>
  Option.flatMap(Option.fromNullable(school.school), (s) => Option.map(SchoolType.get(s.schoolType), (t) => t.stage))

/**
 * The problems of the identity check (M17.3) in a basic-information record: the validator's refusals that are only
 * about the identity number. A record with these can be kept as problem data; any other refusal refuses the record.
 * A problem's detail is the issue's Chinese text, then its English one ("…；…"), as a report's reasons are.
 *
 * @since 0.1.0
 */
export const identityProblems = (error: Refusal.Refusal): Option.Option<ReadonlyArray<Review.Problem>> => {
  const issues = (error.details.issues ?? [error]) as ReadonlyArray<{
    readonly rule?: string
    readonly zh?: string
    readonly en?: string
    readonly details?: { readonly value?: unknown }
  }>
  if (issues.length === 0 || issues.some((i) => i.rule !== "M17.3")) return Option.none()
  return Option.some(
    issues.map((i) => ({
      check: "identity" as const,
      detail: `${i.zh ?? "身份证件号校验未通过"}；${i.en ?? "identity check failed"}`
    }))
  )
}

/**
 * The duplicate-check problem of an identity document already held by another active e-file (M17.4).
 *
 * @since 0.1.0
 */
export const duplicateRefusal = (idType: string, idNumber: string, holder?: string): Refusal.Refusal =>
  Refusal.conflict(
    "M17.4",
    "该身份证件号已有在用的电子档案（一人一档），不能重复建档",
    "this identity document already has an active e-file (one person, one e-file)",
    { field: "idNumber", value: IdentityNumber.mask(idNumber), idType, ...(holder === undefined ? {} : { holder }) }
  )

/**
 * The groups withheld from an actor who may see basic information only (M13.4, M37.2): pay and ethics.
 *
 * @since 0.1.0
 */
export const sensitiveGroups: ReadonlySet<string> = new Set(["basicPay", "ethics"])

/**
 * The fields of the basic information withheld from a masked view (M37.2, M13.4): 籍贯 and 出生地. The masked digits
 * of an identity number (`420***********0202`) are the county of its address code and the birth date; these free-text
 * fields name — as a place name or as a GB/T 2260 code — the place that address code is usually of, so they would
 * give the county back. (性别 stays: the sequence code whose parity it repeats is shown.)
 *
 * @since 0.1.0
 */
export const withheldFields: ReadonlySet<string> = new Set(["nativePlace", "birthPlace"])

/**
 * 出生日期 as a masked view shows it: its year only (`"1994"`, an ISO 8601 date of reduced precision), which keeps
 * ages countable; a value that is no date is withheld (undefined). The full date is 8 of the 11 masked digits.
 *
 * @since 0.1.0
 */
export const coarseBirthDate = (value: unknown): string | undefined =>
  typeof value === "string" ? /^\s*(\d{4})/.exec(value)?.[1] : undefined

/**
 * What an actor sees of an e-file: everything, or — for one who may see basic information only — the identity
 * number masked, with nothing that rebuilds its masked digits, and the sensitive groups withheld (M37.2).
 *
 * @since 0.1.0
 */
export interface View {
  readonly efile: EFile
  readonly entries: ReadonlyArray<Entry>
  readonly masked: boolean
}

/**
 * Mask an e-file and its entries for an actor who may not see sensitive data: the identity number masked
 * ({@link IdentityNumber.mask}); in the basic information, 出生日期 coarsened to its year and 籍贯 and 出生地 withheld
 * ({@link withheldFields}), which would rebuild the masked digits; pay and ethics withheld ({@link sensitiveGroups});
 * and the review's free text (problems, rejection reasons, resolutions), which may quote any of these, withheld.
 *
 * @since 0.1.0
 */
export const mask = (efile: EFile, entries: ReadonlyArray<Entry>): View => ({
  efile: { ...efile, idNumber: IdentityNumber.mask(efile.idNumber) },
  entries: entries.filter((e) => !sensitiveGroups.has(e.group)).map(maskEntry),
  masked: true
})

/** The basic information without what rebuilds the masked digits of the identity number. */
const maskBasicInfo = (data: Indicator.IndicatorRecord): Indicator.IndicatorRecord => {
  const masked: Record<string, string | number | boolean> = {}
  for (const [key, value] of Object.entries(data)) {
    if (withheldFields.has(key)) continue
    if (key === "idNumber" && typeof value === "string") masked[key] = IdentityNumber.mask(value)
    else if (key === "birthDate") {
      const year = coarseBirthDate(value)
      if (year !== undefined) masked[key] = year
    } else masked[key] = value
  }
  return masked
}

/**
 * The review record names the teacher by identity number, and its free text — a problem's detail, a rejection's
 * reason, a resolution — may quote its digits or the birth date.
 */
const maskEntry = (entry: Entry): Entry => {
  const { context } = entry.review
  const data = entry.group === "basicInfo" ? maskBasicInfo(entry.data) : entry.data
  const hide = (detail: string | undefined, check: string) => (detail === undefined ? undefined : `${check} (masked)`)
  return {
    ...entry,
    data,
    review: {
      state: entry.review.state,
      context: {
        ...context,
        entry: { ...context.entry, teacher: IdentityNumber.mask(context.entry.teacher) },
        problems: context.problems.map((p) => ({ check: p.check, detail: `${p.check} (masked)` })),
        rejection: context.rejection === undefined ? undefined : { ...context.rejection, reason: "reject (masked)" },
        history: context.history.map((h) => (h.detail === undefined ? h : { ...h, detail: hide(h.detail, h.type) }))
      }
    }
  }
}

/**
 * The view of an e-file for `actor`: masked unless it may read sensitive data (decided by `maySeeSensitive`).
 *
 * @since 0.1.0
 */
export const view = (efile: EFile, entries: ReadonlyArray<Entry>, maySeeSensitive: boolean): View =>
  maySeeSensitive ? { efile, entries, masked: false } : mask(efile, entries)

/**
 * The record group an entry may be added to, for the e-file's stage (M11.1, M11.2); a group of cardinality one
 * takes one entry only.
 *
 * @since 0.1.0
 */
export const decideNewEntry = (
  schema: Indicator.IndicatorSchema,
  efile: EFile,
  group: string,
  existing: ReadonlyArray<Pick<Entry, "group">>
): Either.Either<Indicator.Group, Refusal.Refusal> => {
  const g = Indicator.getGroup(schema, group)
  if (g === undefined) {
    return Either.left(
      Refusal.invalid("M11.1", `没有指标类别${group}`, `there is no record group ${JSON.stringify(group)}`, {
        field: "group",
        value: group
      })
    )
  }
  if (g.cardinality === "one" && existing.some((e) => e.group === group)) {
    return Either.left(
      Refusal.invalid(
        "M19.2",
        `${g.zh}每人只有一条，已有的信息通过审核中的修改或变更申请更改`,
        `${g.key} holds one record per teacher: change the existing one (in review, or by a change request)`,
        { field: "group", value: group, teacher: efile.id }
      )
    )
  }
  return Either.right(g)
}

/**
 * The employment status a 人员状态 code of the basic information stands for (the indicator code table's default
 * codes, unconfirmed like the table): 1x in post, 2x not in post, 30 resigned, 40 retired, 50 deceased, 60
 * transferred out. Anything else counts as in post.
 *
 * @since 0.1.0
 */
export const statusOfPersonnelCode = (code: string): EmploymentStatus.Status => {
  switch (code) {
    case "30":
      return "resigned"
    case "40":
      return "retired"
    case "50":
      return "deceased"
    case "60":
      return "transferredOut"
    default:
      return code.startsWith("2") ? "notServing" : "serving"
  }
}

/**
 * The reason a 人员状态 code of "not in post" gives (21 借出, 22 长病假, 23 进修).
 *
 * @since 0.1.0
 */
export const reasonOfPersonnelCode = (code: string): EmploymentStatus.Reason | undefined =>
  code === "21" ? "secondedToInstitution" : code === "22" ? "longSickLeave" : code === "23" ? "furtherStudy" : "other"

/**
 * The e-file of a new hire (M21.1): from its validated basic information, kept by `unit`.
 *
 * @since 0.1.0
 */
export const make = (input: {
  readonly id: TeacherId
  readonly unit: Authorization.UnitRef
  readonly stage: SchoolType.Stage
  readonly basicInfo: Indicator.IndicatorRecord
  readonly actor: Account.AccountId
  readonly at: string
}): EFile => {
  const key = identityKey(String(input.basicInfo.idType ?? ""), String(input.basicInfo.idNumber ?? ""))
  const status = statusOfPersonnelCode(String(input.basicInfo.personnelStatus ?? ""))
  return {
    id: input.id,
    unitId: input.unit.id as Unit.UnitId,
    path: `${input.unit.path}${input.id}`,
    stage: input.stage,
    idType: key.idType,
    idNumber: key.idNumber,
    name: String(input.basicInfo.name ?? ""),
    status,
    statusHistory: [],
    createdAt: input.at,
    createdBy: input.actor
  }
}

/**
 * Who creates e-files where (M21.1), decided once for a hire or a whole batch: the keeping unit (a school or one of
 * its departments), the stage of its school, whose indicators apply, and the actor, an info admin of it.
 *
 * @since 0.1.0
 */
export interface Creator {
  readonly unit: Authorization.UnitRef
  readonly stage: SchoolType.Stage
  readonly actor: Authorization.Actor
}

/**
 * May `actor` create e-files at `unit`, whose school is `school` (the unit itself, or a department's school)? An
 * e-file is kept by a school or one of its departments, whose school type gives the stage (M21.1); then the actor
 * must be an info admin of that school or department.
 *
 * @since 0.1.0
 */
export const decideCreator = (
  actor: Authorization.Actor,
  unit: Unit.Unit,
  school: Unit.Unit,
  context: Authorization.Context
): Either.Either<Creator, Refusal.Refusal> => {
  const stage = unit.kind === "school" || unit.kind === "department" ? stageOf(school) : Option.none()
  if (Option.isNone(stage)) {
    return Either.left(
      Refusal.invalid(
        "M21.1",
        "电子档案建立在学校或其二级部门",
        "an e-file is kept by a school or one of its departments",
        {
          field: "unitId",
          value: unit.id,
          kind: unit.kind
        }
      )
    )
  }
  const ref = { id: unit.id, kind: unit.kind, path: unit.path }
  const refusal = Authorization.decideSchoolAdmin(actor, ref, context, "M21.1", "WriteTeacher")
  return refusal === undefined ? Either.right({ unit: ref, stage: stage.value, actor }) : Either.left(refusal)
}

/**
 * A new hire as a row of a batch or a hand entry gives it: the ids of the e-file and of its basic-information entry,
 * the basic information with the validator's verdict on it, what eligibility looks at (M5.1), and the instant.
 *
 * @since 0.1.0
 */
export interface Hire {
  readonly id: TeacherId
  readonly entryId: string
  readonly basicInfo: unknown
  /** The validator's verdict on `basicInfo` for the creator's stage (M11.1, M17.3). */
  readonly checked: Either.Either<Indicator.IndicatorRecord, Refusal.Refusal>
  /** Undefined only where it was not collected: an import file has no columns for it. */
  readonly employment: Eligibility.Input | undefined
  readonly at: string
}

/**
 * A new e-file with its first status record and its basic-information entry, a draft, with the problem data the
 * identity check found (M17.3).
 *
 * @since 0.1.0
 */
export interface Created {
  readonly efile: EFile
  readonly entry: Entry
  readonly problems: ReadonlyArray<Review.Problem>
}

// A draft without problems differs from another only by its entry: run the machine once, not once per imported row.
let plainDraft: Review.Persisted | undefined
const draftOf = (entry: Review.EntryRef, problems: ReadonlyArray<Review.Problem>): Review.Persisted => {
  if (problems.length > 0) return Review.persist(Review.initial({ ...entry, problems }))
  plainDraft ??= Review.persist(Review.initial(entry))
  return { state: plainDraft.state, context: { ...plainDraft.context, entry } }
}

/**
 * The e-file of a new hire (M21.1), for onboarding and batch import alike (M16.2): the person is covered (M5.1), the
 * basic information valid (M11.1) — a record failing only the identity check is kept as problem data (M17.3) — and
 * the status history starts with the status of 人员状态 from the month of joining (M22.1). The duplicate check
 * (M17.4) is the store's.
 *
 * @since 0.1.0
 */
export const decideNew = (creator: Creator, hire: Hire): Either.Either<Created, Refusal.Refusal> => {
  if (hire.employment !== undefined) {
    const covered = Eligibility.decide(hire.employment)
    if (Either.isLeft(covered)) return Either.left(covered.left)
  }
  let basicInfo: Indicator.IndicatorRecord
  let problems: ReadonlyArray<Review.Problem> = []
  if (Either.isRight(hire.checked)) {
    basicInfo = hire.checked.right
  } else {
    const identity = identityProblems(hire.checked.left)
    if (Option.isNone(identity)) return Either.left(hire.checked.left)
    basicInfo = hire.basicInfo as Indicator.IndicatorRecord
    problems = identity.value
  }
  const made = make({
    id: hire.id,
    unit: creator.unit,
    stage: creator.stage,
    basicInfo,
    actor: creator.actor.accountId,
    at: hire.at
  })
  const month = String(basicInfo.schoolEntryMonth ?? hire.at.slice(0, 7))
  const efile: EFile = {
    ...made,
    statusHistory: [
      {
        status: made.status,
        effective: `${month}-01`,
        reason:
          made.status === "notServing" ? reasonOfPersonnelCode(String(basicInfo.personnelStatus ?? "")) : undefined,
        recordedBy: creator.actor.accountId,
        unit: made.unitId
      }
    ]
  }
  const ref = { id: hire.entryId, group: "basicInfo", teacher: efile.idNumber, teacherMayEnter: true }
  return Either.right({
    efile,
    entry: {
      id: hire.entryId,
      teacherId: hire.id,
      group: "basicInfo",
      data: basicInfo,
      review: draftOf(ref, problems)
    },
    problems
  })
}
