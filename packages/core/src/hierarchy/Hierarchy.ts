/**
 * Hierarchy: the units of one deployment held in memory, with the uniqueness rules a store enforces (one root,
 * unique ids, unique school codes M12.1, unique division codes). The pure model behind the quickstart, the
 * arbitraries and the storage conformance suite's model.
 *
 * @since 0.1.0
 */
import { Either, Option } from "effect"
import * as Refusal from "../kernel/Refusal.js"
import type * as Deployment from "./Deployment.js"
import * as Unit from "./Unit.js"

/**
 * @since 0.1.0
 */
export interface Hierarchy {
  readonly deployment: Deployment.Deployment
  readonly units: ReadonlyMap<Unit.UnitId, Unit.Unit>
  /** Which unit holds each code (school codes M12.1, division codes, department codes per school). */
  readonly codes: ReadonlyMap<string, Unit.UnitId>
}

/**
 * An empty hierarchy for a deployment.
 *
 * @since 0.1.0
 */
export const make = (deployment: Deployment.Deployment): Hierarchy => ({
  deployment,
  units: new Map(),
  codes: new Map()
})

const refuse = (rule: Refusal.RuleId, zh: string, en: string, details: Record<string, unknown>) =>
  Either.left(Refusal.invalid(rule, zh, en, details))

/** Codes unique together: a department's code is unique within its school only. */
const codeKey = (unit: Pick<Unit.Unit, "kind" | "parentId" | "code">) =>
  unit.kind === "department" ? `${unit.parentId}:${unit.code}` : unit.code

/** Add one unit to maps the caller owns; `addAll` copies once and adds many, so building is linear. */
const addTo = (
  deployment: Deployment.Deployment,
  units: Map<Unit.UnitId, Unit.Unit>,
  codes: Map<string, Unit.UnitId>,
  input: Unit.NewUnit,
  parentId: string | undefined
): Either.Either<void, Refusal.Refusal | Refusal.Refusal> =>
  Either.gen(function* () {
    let parent: Unit.Unit | undefined
    if (parentId !== undefined) {
      parent = units.get(parentId as Unit.UnitId)
      if (parent === undefined) {
        yield* refuse("M2.2", "上级单位不存在", "the parent unit does not exist", {
          field: "parentId",
          value: parentId
        })
      }
    } else if (units.size > 0) {
      yield* refuse("M2.1", "根单位只能有一个", "a deployment has a single root", {
        field: "parentId",
        value: parentId
      })
    }
    const unit = yield* Unit.decideCreate(input, parent, deployment)
    if (units.has(unit.id)) {
      yield* refuse("M2.1", "单位标识重复", "a unit id is unique", { field: "id", value: unit.id })
    }
    const key = codeKey(unit)
    const holder = codes.get(key)
    if (holder !== undefined) {
      const other = units.get(holder)!
      yield* refuse(
        unit.kind === "school" ? "M12.1" : unit.kind === "department" ? "M20.1" : "M2.2",
        `单位代码${unit.code}已被${other.name}使用`,
        `code ${unit.code} is already used by ${other.name}`,
        { field: "code", value: unit.code, existing: other.id }
      )
    }
    units.set(unit.id, unit)
    codes.set(key, unit.id)
  })

/**
 * Add a unit under `parentId` (undefined for the root).
 *
 * @since 0.1.0
 */
export const add = (
  hierarchy: Hierarchy,
  input: Unit.NewUnit,
  parentId: string | undefined
): Either.Either<Hierarchy, Refusal.Refusal | Refusal.Refusal> => addAll(hierarchy, [{ unit: input, parentId }])

/**
 * Add units in order, parents first; all or nothing, failing on the first refusal.
 *
 * @since 0.1.0
 */
export const addAll = (
  hierarchy: Hierarchy,
  inputs: Iterable<{ readonly unit: Unit.NewUnit; readonly parentId: string | undefined }>
): Either.Either<Hierarchy, Refusal.Refusal | Refusal.Refusal> => {
  const units = new Map(hierarchy.units)
  const codes = new Map(hierarchy.codes)
  for (const { unit, parentId } of inputs) {
    const added = addTo(hierarchy.deployment, units, codes, unit, parentId)
    if (Either.isLeft(added)) return Either.left(added.left)
  }
  return Either.right({ deployment: hierarchy.deployment, units, codes })
}

/**
 * @since 0.1.0
 */
export const get = (hierarchy: Hierarchy, id: string): Option.Option<Unit.Unit> =>
  Option.fromNullable(hierarchy.units.get(id as Unit.UnitId))

/**
 * The units directly below a unit.
 *
 * @since 0.1.0
 */
export const children = (hierarchy: Hierarchy, id: string): ReadonlyArray<Unit.Unit> =>
  [...hierarchy.units.values()].filter((u) => u.parentId === id)

/**
 * subtree(U): U and every unit below it, in path order.
 *
 * @since 0.1.0
 */
export const subtree = (hierarchy: Hierarchy, id: string): ReadonlyArray<Unit.Unit> => {
  const root = hierarchy.units.get(id as Unit.UnitId)
  if (root === undefined) return []
  return [...hierarchy.units.values()]
    .filter((u) => Unit.isWithin(u, root))
    .sort((a, b) => a.path.localeCompare(b.path))
}

/**
 * The competent bureau (主管教育行政部门) of a school or a department.
 *
 * @since 0.1.0
 */
export const competentBureau = (hierarchy: Hierarchy, id: string): Option.Option<Unit.Unit> =>
  get(hierarchy, id).pipe(
    Option.flatMap(Unit.competentBureauId),
    Option.flatMap((bureau) => get(hierarchy, bureau))
  )
