/**
 * Arbitraries for accounts acting in a hierarchy: any role at any unit, active or disabled, with or without a
 * certificate presented.
 *
 * @since 0.1.0
 */
import { type Account, type Authorization, type Hierarchy, Unit } from "@tmis/core"
import * as fc from "fast-check"
import { identityNumber } from "./identityNumber.js"

/**
 * The authorization view of a unit.
 *
 * @since 0.1.0
 */
export const unitRef = (unit: Unit.Unit): Authorization.UnitRef => ({ id: unit.id, kind: unit.kind, path: unit.path })

/**
 * The roles an account of this unit can have: teacher accounts exist only in schools and their departments (M13.5).
 *
 * @since 0.1.0
 */
export const rolesAt = (unit: Unit.Unit): ReadonlyArray<Account.Role> =>
  unit.kind === "school" || unit.kind === "department"
    ? ["systemAdmin", "infoAdmin", "infoQueryer", "teacher"]
    : ["systemAdmin", "infoAdmin", "infoQueryer"]

/**
 * Any unit of a hierarchy.
 *
 * @since 0.1.0
 */
export const unitOf = (hierarchy: Hierarchy.Hierarchy): fc.Arbitrary<Unit.Unit> =>
  fc.constantFrom(...hierarchy.units.values())

/**
 * An actor of the hierarchy: a random role at a random unit. `active` (default true) fixes the status.
 *
 * @since 0.1.0
 */
export const actorIn = (
  hierarchy: Hierarchy.Hierarchy,
  options: { readonly active?: boolean } = {}
): fc.Arbitrary<Authorization.Actor> =>
  unitOf(hierarchy).chain((unit) =>
    fc.record({
      accountId: fc.nat().map((n) => `a-${n}` as Account.AccountId),
      role: fc.constantFrom(...rolesAt(unit)),
      status:
        options.active === false
          ? fc.constant("disabled" as const)
          : options.active === true
            ? fc.constant("active" as const)
            : fc.constantFrom("active" as const, "disabled" as const),
      unit: fc.constant(unitRef(unit)),
      identityNumber: identityNumber().map(String),
      certificate: fc.constant(undefined),
      presentedCertificate: fc.constant(undefined)
    })
  )

/**
 * Every kind of action an actor can attempt, on a random target unit of the hierarchy.
 *
 * @since 0.1.0
 */
export const actionIn = (hierarchy: Hierarchy.Hierarchy): fc.Arbitrary<Authorization.Action> =>
  unitOf(hierarchy).chain((target) => {
    const unit = unitRef(target)
    const role = fc.constantFrom<Account.Role>("systemAdmin", "infoAdmin", "infoQueryer", "teacher")
    const teacher = fc.option(
      identityNumber().map((id) => ({ identityNumber: String(id) })),
      { nil: undefined }
    )
    return fc.oneof(
      role.map((r) => ({ _tag: "CreateAccount" as const, role: r, unit })),
      role.map((r) => ({
        _tag: "ManageAccount" as const,
        account: { id: "a-target" as Account.AccountId, role: r, unit }
      })),
      fc
        .constantFrom<Unit.Kind>(...Unit.Kind.literals)
        .map((kind) => ({ _tag: "CreateUnit" as const, kind, parent: unit })),
      fc.constant({ _tag: "ChangeUnit" as const, unit }),
      fc
        .record({ detail: fc.constantFrom("basic" as const, "sensitive" as const), teacher })
        .map(({ detail, teacher }) =>
          teacher === undefined
            ? { _tag: "ReadTeacher" as const, unit, detail }
            : { _tag: "ReadTeacher" as const, unit, detail, teacher }
        ),
      teacher.map((t) =>
        t === undefined ? { _tag: "WriteTeacher" as const, unit } : { _tag: "WriteTeacher" as const, unit, teacher: t }
      ),
      fc.constant({ _tag: "ReviewTeacher" as const, unit }),
      fc.constant({ _tag: "ReadUnits" as const, unit }),
      fc.constant({ _tag: "ReadStatistics" as const, unit }),
      fc.constant({ _tag: "VerifyAudit" as const, unit }),
      fc.constant({ _tag: "ReadAudit" as const, unit }),
      fc.constant({ _tag: "ReadAccounts" as const, unit })
    )
  })
