/**
 * A training project (培训项目) of the training plan (M25.1): entered by a bureau at its own level — national,
 * provincial, city, county — or by a school for its school-based training (校本研修) and its teachers' self-study,
 * with the hours it is worth, the form its hours are counted in, its provider, its period, its capacity and the
 * teachers it is for. Who confirms the credits of a project's results is fixed by its kind (M25.3–M25.5).
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"
import * as CreditBank from "./CreditBank.js"

/**
 * The kinds of training projects: by the level that organises them, and the two a school keeps.
 *
 * @since 0.1.0
 */
export const Kind = Schema.Literal("national", "provincial", "city", "county", "schoolBased", "selfStudy")

/**
 * @since 0.1.0
 */
export type Kind = typeof Kind.Type

/**
 * The kind of unit that enters a project of each kind: its own level (M25.1).
 *
 * @since 0.1.0
 */
export const ownerKind: Record<Kind, Unit.Kind> = {
  national: "national",
  provincial: "province",
  city: "city",
  county: "county",
  schoolBased: "school",
  selfStudy: "school"
}

/**
 * The Chinese name of each kind.
 *
 * @since 0.1.0
 */
export const kindName: Record<Kind, string> = {
  national: "国家级培训",
  provincial: "省级培训",
  city: "市级培训",
  county: "县级培训",
  schoolBased: "校本研修",
  selfStudy: "自主研修"
}

/**
 * Who confirms a result's credits (M25.3–M25.5):
 * - `owner`: the project's owning bureau (provincial, city and county projects, M25.3);
 * - `province`: the teacher's provincial bureau, converting hours by its rule (national projects, M25.4);
 * - `competent`: the competent bureau of the teacher's school (school-based and self-study, M25.5).
 *
 * @since 0.1.0
 */
export type Route = "owner" | "province" | "competent"

/**
 * The route of a kind, and the rule that fixes it.
 *
 * @since 0.1.0
 */
export const routeOf = (kind: Kind): { readonly route: Route; readonly rule: Refusal.RuleId } =>
  kind === "national"
    ? { route: "province", rule: "M25.4" }
    : kind === "schoolBased" || kind === "selfStudy"
      ? { route: "competent", rule: "M25.5" }
      : { route: "owner", rule: "M25.3" }

/**
 * Does a project's plan need the competent bureau's approval before results are taken (M25.5: school-based plans)?
 *
 * @since 0.1.0
 */
export const needsPlanApproval = (kind: Kind): boolean => kind === "schoolBased" || kind === "selfStudy"

/**
 * A new project as its owner enters it.
 *
 * @since 0.1.0
 */
export const NewProject = Schema.Struct({
  id: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]{1,64}$/)),
  name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
  kind: Kind,
  /** The hours a completed training is worth at most. */
  hours: CreditBank.Amount.pipe(Schema.filter((n) => n > 0, { message: () => "a project is worth some hours" })),
  /** How its hours are counted by the conversion rules. */
  form: CreditBank.Form,
  providerId: Schema.String,
  /** The period, first and last day. */
  from: Unit.Day,
  to: Unit.Day,
  /** How many teachers it takes. */
  capacity: Schema.Int.pipe(Schema.positive()),
  /** The teachers it is for: those of subtree(unit); the owner's subtree when absent. */
  targetUnitId: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 */
export type NewProject = typeof NewProject.Type

/**
 * A project as stored.
 *
 * @since 0.1.0
 */
export const Project = Schema.Struct({
  ...NewProject.fields,
  ownerUnitId: Schema.String,
  ownerPath: Schema.String,
  /** The subtree whose teachers it is for. */
  targetPath: Schema.String,
  /** `proposed` until the competent bureau approves a school's plan (M25.5); else `approved` at once. */
  plan: Schema.Literal("proposed", "approved"),
  enrolled: Schema.Int,
  createdBy: Schema.String,
  createdAt: Schema.String
})

/**
 * @since 0.1.0
 */
export type Project = typeof Project.Type

/**
 * Check a new project's own content (M25.1): the period's days in order, the owner's kind matching the project's
 * level, the target within the owner's subtree. Who may enter it is `Authorization.decideTrainingOwner`'s.
 *
 * @since 0.1.0
 */
export const decideNew = (
  input: NewProject,
  owner: { readonly id: string; readonly kind: Unit.Kind; readonly path: string },
  target: { readonly path: string },
  by: string,
  at: string
): Either.Either<Project, Refusal.Refusal> => {
  if (input.from > input.to) {
    return Either.left(
      Refusal.invalid("M25.1", "培训起止日期有误", "a project's period ends after it starts", {
        field: "to",
        value: input.to
      })
    )
  }
  if (owner.kind !== ownerKind[input.kind]) {
    return Either.left(
      Refusal.invalid(
        "M25.1",
        `${kindName[input.kind]}项目由${ownerKind[input.kind]}级单位录入`,
        `a ${input.kind} project is entered by a ${ownerKind[input.kind]} unit, its own level`,
        { field: "kind", value: input.kind, ownerKind: owner.kind }
      )
    )
  }
  if (!target.path.startsWith(owner.path)) {
    return Either.left(
      Refusal.invalid("M25.1", "培训对象须在本单位范围内", "a project is for teachers of its owner's subtree", {
        field: "targetUnitId",
        value: input.targetUnitId
      })
    )
  }
  return Either.right({
    ...input,
    ownerUnitId: owner.id,
    ownerPath: owner.path,
    targetPath: target.path,
    plan: needsPlanApproval(input.kind) ? "proposed" : "approved",
    enrolled: 0,
    createdBy: by,
    createdAt: at
  })
}

/**
 * Can a teacher of `unitPath` be enrolled in the project (M25.2): the plan approved, the teacher among its targets,
 * a place left?
 *
 * @since 0.1.0
 */
export const decideEnrol = (project: Project, unitPath: string): Refusal.Refusal | undefined => {
  if (project.plan !== "approved") {
    return Refusal.invalid(
      "M25.5",
      "校本研修计划须经主管教育行政部门审核后方可报名",
      "a school's plan is approved by its competent bureau before enrolment",
      {
        field: "project",
        value: project.id
      }
    )
  }
  if (!unitPath.startsWith(project.targetPath)) {
    return Refusal.invalid("M25.1", "该教师不在培训对象范围内", "the teacher is not among the project's targets", {
      field: "teacher",
      value: unitPath
    })
  }
  if (project.enrolled >= project.capacity) {
    return Refusal.conflict("M25.1", "培训名额已满", "the project is full", {
      field: "capacity",
      value: project.capacity
    })
  }
  return undefined
}
