import { Constraint, Storage } from "@tmis/core"
import { identityNumber } from "@tmis/testkit/arbitraries"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

/** Index names of the adapters' schemas (SQLite names the columns, Postgres the index). */
const indexNames = [
  "units.code_key",
  "units_code_key",
  "units.code",
  "accounts_one_active_system_admin",
  "accounts.unit_id",
  "teachers_one_active_identity",
  "teachers.id_type",
  "workflows_one_open_per_teacher",
  "sessions_pkey"
]

describe("Constraint", () => {
  it("M14.4 M12.1 a refusal of the store names the constraint and the offending values, never the adapter's index", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Constraint.Name.literals),
        fc.constantFrom(...indexNames),
        fc.record({ unitId: fc.string({ maxLength: 12 }), code: fc.stringMatching(/^[0-9]{10}$/) }),
        identityNumber(),
        (name, index, values, idNumber) => {
          const error = new Storage.ConstraintError({
            constraint: name,
            values: { ...values, idType: "1", idNumber, index }
          })
          // The index stays with the error, for logs and debugging …
          expect(error.values.index).toBe(index)
          // … and the refusal the caller sees names the public constraint, not the index.
          const refusal = Constraint.refusal(name, error.values)
          expect(refusal.details.constraint).toBe(name)
          expect(refusal.details).not.toHaveProperty("index")
          expect(error.details).not.toHaveProperty("index")
          expect(JSON.stringify(error.refusal)).not.toContain(index)
          expect(error.message).not.toContain(index)
          expect(refusal.kind).toBe("conflict")
        }
      ),
      { numRuns: 300 }
    )
  })

  it("M14.4 a second active system admin is refused with the constraint and the unit, without the index", () => {
    const error = new Storage.ConstraintError({
      constraint: "oneActiveSystemAdmin",
      values: { unitId: "jaxx", role: "systemAdmin", index: "accounts_one_active_system_admin" }
    })
    expect(error.rule).toBe("M14.4")
    expect(error.details).toEqual({ unitId: "jaxx", role: "systemAdmin", constraint: "oneActiveSystemAdmin" })
  })

  it("M12.1 a used school code is refused with the constraint and the code, without the index", () => {
    const error = new Storage.ConstraintError({
      constraint: "unitCode",
      values: { code: "2142000101", kind: "school", index: "units.code_key" }
    })
    expect(error.rule).toBe("M12.1")
    expect(error.details).toEqual({ code: "2142000101", kind: "school", constraint: "unitCode" })
  })

  it("M17.4 a second active e-file of one identity document is refused with the number masked, without the index", () => {
    const error = new Storage.ConstraintError({
      constraint: "oneActiveEFilePerIdentity",
      values: { idType: "1", idNumber: "420102199003071224", index: "teachers_one_active_identity" }
    })
    expect(error.rule).toBe("M17.4")
    expect(error.details).toMatchObject({
      idType: "1",
      value: "420***********1224",
      constraint: "oneActiveEFilePerIdentity"
    })
    expect(error.details).not.toHaveProperty("index")
    expect(JSON.stringify(error.details)).not.toContain("420102199003071224")
  })
})
