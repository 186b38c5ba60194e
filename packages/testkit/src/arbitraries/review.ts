/**
 * Arbitraries for the review of e-file entries (M17.1, M19.1, M20.1): an entry of a teacher of a random school or
 * department of a random hierarchy, the actors around it (the teacher, the school's and the department's info
 * admins, the competent bureau's and a higher bureau's, and anyone at all), and random event sequences from them.
 *
 * @since 0.1.0
 */
import { type Account, type Authorization, Hierarchy, type Review, Unit } from "@tmis/core"
import { Either } from "effect"
import * as fc from "fast-check"
import { actorIn, unitRef } from "./actor.js"
import { hierarchy } from "./hierarchy.js"
import { identityNumber } from "./identityNumber.js"

/**
 * An entry under review, in a hierarchy: the unit its teacher belongs to, and the actors who matter to it.
 *
 * @since 0.1.0
 */
export interface ReviewScenario {
  readonly hierarchy: Hierarchy.Hierarchy
  readonly unit: Authorization.UnitRef
  readonly entry: Review.Entry
  /** The teacher whose entry it is, acting from the entry's unit. */
  readonly teacher: Authorization.Actor
  /** Info admins of the teacher's school and, for a department, of the department. */
  readonly schoolAdmins: ReadonlyArray<Authorization.Actor>
  /** The info admin of the competent bureau: the school's parent. */
  readonly bureauAdmin: Authorization.Actor
  /** Info admins who are near but not the right reviewers: a bureau above the competent one, another department. */
  readonly bystanders: ReadonlyArray<Authorization.Actor>
}

/**
 * @since 0.1.0
 */
export interface ReviewScenarioOptions {
  /** Where the teacher belongs: a school, a department, or either (the default). */
  readonly unit?: "school" | "department" | "any"
  /** Problems the entry starts with; random (the default) or none. */
  readonly problems?: "random" | "none" | "some"
  /** Whether a teacher may fill the entry's group; random by default. */
  readonly teacherMayEnter?: boolean
}

/**
 * An active actor of a role at a unit.
 *
 * @since 0.1.0
 */
export const actorAt = (
  unit: Authorization.UnitRef,
  role: Account.Role,
  identityNumber = "11010519491231002X"
): Authorization.Actor => ({
  accountId: `${role}-${unit.id}` as Account.AccountId,
  role,
  status: "active",
  unit: { id: unit.id, kind: unit.kind, path: unit.path },
  identityNumber,
  certificate: undefined,
  presentedCertificate: undefined
})

const ids = (path: string) => path.split("/").filter((s) => s.length > 0)

const problem = fc.record({
  check: fc.constantFrom("identity" as const, "duplicate" as const),
  detail: fc.constantFrom("出生日期与身份证件号不一致", "身份证件号重复", "校验码错误")
})

/**
 * The hierarchy itself when it has a unit of the wanted kind; else the hierarchy with a primary school (and a
 * department) added under its deepest bureau. Redrawing instead would skew the distribution, and a filtered
 * hierarchy can redraw the same tree forever.
 */
const validFrom = "2017-03-31"

const withUnitOf = (h: Hierarchy.Hierarchy, wanted: "school" | "department" | "any"): Hierarchy.Hierarchy => {
  const units = [...h.units.values()]
  const has = (kind: Unit.Kind) => units.some((u) => u.kind === kind)
  if (wanted === "any" ? has("school") || has("department") : has(wanted)) return h
  const steps: Array<{ unit: Unit.NewUnit; parentId: string }> = []
  let schoolId = units.find((u) => u.kind === "school")?.id as string | undefined
  if (schoolId === undefined) {
    const bureau = units
      .filter((u) => u.kind !== "national" && Unit.isAdministrative(u.kind))
      .sort((a, b) => Unit.compareLevel(b.kind, a.kind))[0]!
    const province = Unit.provinceCodeOf(bureau)!
    let n = 999_999
    while (h.codes.has(`21${province}${n}`)) n--
    const code = `21${province}${n}`
    steps.push({
      parentId: bureau.id,
      unit: {
        id: `s${code}`,
        kind: "school",
        name: `小学${n}`,
        code,
        validFrom,
        school: { schoolType: "211", sponsor: "21" }
      }
    })
    schoolId = `s${code}`
  }
  if (wanted === "department") {
    steps.push({
      parentId: schoolId,
      unit: { id: `${schoolId}-dz`, kind: "department", name: "二级部门Z", code: "DZ", validFrom }
    })
  }
  const added = Hierarchy.addAll(h, steps)
  if (Either.isLeft(added)) throw new Error(`testkit added a unit that core refuses: ${added.left.message}`)
  return added.right
}

/**
 * A random entry of a teacher of a school or department, with the actors around it.
 *
 * @since 0.1.0
 */
export const reviewScenario = (options: ReviewScenarioOptions = {}): fc.Arbitrary<ReviewScenario> => {
  const wanted = options.unit ?? "any"
  const fits = (kind: string) => (wanted === "any" ? kind === "school" || kind === "department" : kind === wanted)
  return hierarchy({ deployment: "any", maxSchools: 2, maxDepartments: 2 })
    .map(({ hierarchy: h }) => withUnitOf(h, wanted))
    .chain((h) => {
      const units = [...h.units.values()].filter((u) => fits(u.kind))
      const problems =
        options.problems === "none"
          ? fc.constant([])
          : options.problems === "some"
            ? fc.uniqueArray(problem, { minLength: 1, maxLength: 2, selector: (p) => p.check })
            : fc.uniqueArray(problem, { maxLength: 2, selector: (p) => p.check })
      return fc
        .record({
          unit: fc.constantFrom(...units),
          teacherId: identityNumber().map(String),
          group: fc.constantFrom("basic", "education", "work", "assessment", "pay"),
          teacherMayEnter: options.teacherMayEnter === undefined ? fc.boolean() : fc.constant(options.teacherMayEnter),
          problems
        })
        .map(({ unit, teacherId, group, teacherMayEnter, problems }): ReviewScenario => {
          const ref = unitRef(unit)
          const path = ids(unit.path)
          const schoolId = unit.kind === "department" ? path[path.length - 2]! : unit.id
          const bureauId = unit.kind === "department" ? path[path.length - 3]! : path[path.length - 2]!
          const get = (id: string) => unitRef([...h.units.values()].find((u) => u.id === id)!)
          const school = get(schoolId)
          const bureau = get(bureauId)
          const above = ids(bureau.path).slice(0, -1)
          const otherDepartments = [...h.units.values()].filter(
            (u) => u.kind === "department" && u.parentId === schoolId && u.id !== unit.id
          )
          const entry: Review.Entry = {
            id: `entry-${teacherId}-${group}`,
            group,
            teacher: teacherId,
            teacherMayEnter,
            ...(problems.length === 0 ? {} : { problems })
          }
          return {
            hierarchy: h,
            unit: ref,
            entry,
            teacher: actorAt(ref, "teacher", teacherId),
            schoolAdmins: [
              actorAt(school, "infoAdmin"),
              ...(unit.kind === "department" ? [actorAt(ref, "infoAdmin")] : [])
            ],
            bureauAdmin: actorAt(bureau, "infoAdmin"),
            bystanders: [
              ...(above.length > 0 ? [actorAt(get(above[above.length - 1]!), "infoAdmin")] : []),
              ...otherDepartments.map((d) => actorAt(unitRef(d), "infoAdmin")),
              actorAt(school, "infoQueryer"),
              actorAt(school, "systemAdmin"),
              actorAt(ref, "teacher")
            ]
          }
        })
    })
}

/**
 * An actor who may act on the scenario's entry: mostly the ones who matter, sometimes anyone in the hierarchy
 * (any role, active or disabled).
 *
 * @since 0.1.0
 */
export const reviewActor = (scenario: ReviewScenario): fc.Arbitrary<Authorization.Actor> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(scenario.teacher) },
    { weight: 4, arbitrary: fc.constantFrom(...scenario.schoolAdmins) },
    { weight: 3, arbitrary: fc.constant(scenario.bureauAdmin) },
    { weight: 2, arbitrary: fc.constantFrom(...scenario.bystanders) },
    { weight: 2, arbitrary: actorIn(scenario.hierarchy) }
  )

/**
 * One review event without its time; a sequence dates them.
 *
 * @since 0.1.0
 */
export type UndatedEvent = {
  [K in Review.Event["type"]]: Omit<Extract<Review.Event, { type: K }>, "at">
}[Review.Event["type"]]

const reason = fc.constantFrom("材料不全", "学历信息与证书不符", "", "  ")
const goodReason = fc.constantFrom("材料不全", "学历信息与证书不符")
const collectiveReview = fc.constantFrom("2024年第3次教师信息集体审核会议纪要", "2024-07")
const principal = fc.constantFrom("王校长", "李明")
const resolution = fc.constantFrom("已核对身份证原件并更正", "经核查为同一人重复建档，已注销重复档案")
const check = fc.constantFrom("identity" as const, "duplicate" as const)

/**
 * A random event on the scenario's entry from a random actor, with valid and invalid payloads.
 *
 * @since 0.1.0
 */
export const anyReviewEvent = (scenario: ReviewScenario, actor = reviewActor(scenario)): fc.Arbitrary<UndatedEvent> => {
  const unit = fc.constant(scenario.unit)
  return fc.oneof(
    fc.record({ type: fc.constant("edit" as const), actor, unit }),
    fc.record({ type: fc.constant("submit" as const), actor, unit }),
    fc.record({
      type: fc.constant("approveBySchool" as const),
      actor,
      unit,
      collectiveReview: fc.oneof(collectiveReview, fc.constantFrom("", " ")),
      principal: fc.oneof(principal, fc.constantFrom("", " ")),
      signedOn: fc.constantFrom("2024-03-01", "2024-12-31", "2024-02-30")
    }),
    fc.record({ type: fc.constant("approveByBureau" as const), actor, unit }),
    fc.record({ type: fc.constant("reject" as const), actor, unit, reason }),
    fc.record({ type: fc.constant("flagProblem" as const), actor, unit, problem }),
    fc.record({
      type: fc.constant("resolveProblem" as const),
      actor,
      unit,
      check,
      resolution: fc.oneof(resolution, fc.constant(""))
    })
  )
}

/**
 * A well-formed event from an actor entitled to send it in some state: the moves that carry an entry through
 * the review, so that random sequences reach its end.
 *
 * @since 0.1.0
 */
export const plausibleReviewEvent = (scenario: ReviewScenario): fc.Arbitrary<UndatedEvent> => {
  const unit = fc.constant(scenario.unit)
  const school = fc.constantFrom(...scenario.schoolAdmins)
  const bureau = fc.constant(scenario.bureauAdmin)
  const enterer = fc.constantFrom(scenario.teacher, ...scenario.schoolAdmins)
  return fc.oneof(
    fc.record({ type: fc.constant("edit" as const), actor: enterer, unit }),
    { weight: 3, arbitrary: fc.record({ type: fc.constant("submit" as const), actor: enterer, unit }) },
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constant("approveBySchool" as const),
        actor: school,
        unit,
        collectiveReview,
        principal,
        signedOn: fc.constant("2024-03-01")
      })
    },
    { weight: 3, arbitrary: fc.record({ type: fc.constant("approveByBureau" as const), actor: bureau, unit }) },
    fc.record({ type: fc.constant("reject" as const), actor: fc.oneof(school, bureau), unit, reason: goodReason }),
    fc.record({ type: fc.constant("flagProblem" as const), actor: fc.oneof(school, bureau), unit, problem }),
    {
      weight: 2,
      arbitrary: fc.record({ type: fc.constant("resolveProblem" as const), actor: school, unit, check, resolution })
    }
  )
}

/**
 * A random event: mostly plausible moves, often anything from anyone.
 *
 * @since 0.1.0
 */
export const reviewEvent = (
  scenario: ReviewScenario,
  actor?: fc.Arbitrary<Authorization.Actor>
): fc.Arbitrary<UndatedEvent> =>
  actor === undefined
    ? fc.oneof(
        { weight: 4, arbitrary: plausibleReviewEvent(scenario) },
        { weight: 1, arbitrary: anyReviewEvent(scenario) }
      )
    : anyReviewEvent(scenario, actor)

const start = Date.parse("2024-03-01T01:00:00.000Z")

/**
 * A random sequence of events on the scenario's entry, one minute apart.
 *
 * @since 0.1.0
 */
export const reviewEvents = (
  scenario: ReviewScenario,
  options: {
    readonly minLength?: number
    readonly maxLength?: number
    readonly actor?: fc.Arbitrary<Authorization.Actor>
  } = {}
): fc.Arbitrary<ReadonlyArray<Review.Event>> =>
  fc
    .array(reviewEvent(scenario, options.actor), {
      minLength: options.minLength ?? 0,
      maxLength: options.maxLength ?? 30,
      // Lengths across the whole range: the review needs several steps to reach its end.
      size: "max"
    })
    .map((events) => events.map((e, i) => ({ ...e, at: new Date(start + i * 60_000).toISOString() }) as Review.Event))
