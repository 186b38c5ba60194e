/**
 * Broken: a unit may get a second active system admin — violates M14.4 (at most one system admin per unit).
 *
 * Both guards are gone, as in a vendor's system that checks the limit in neither place: the store's partial unique
 * index (`accounts_one_active_system_admin`) is dropped after migration, and the code's check does not see the unit's
 * system admins — inside a command's transaction (where `Accounts.create` and `Accounts.enable` read the unit's
 * accounts to decide) the unit's active system admins are left out. Reads outside a transaction (the listing of a
 * unit's accounts) still show every account, so the second admin is there to be found.
 */
import { Effect, FiberRef } from "effect"
import type { StorageService, Variant } from "./Variant.js"

/** Whether the current fiber runs inside a transaction of the wrapped store. */
const inTransaction = FiberRef.unsafeMake(false)

export const secondSystemAdmin: Variant = {
  name: "second-system-admin",
  rule: "M14.4",
  broken: "a second active system admin of a unit is accepted (no unique index, no check in code)",
  dropIndexes: ["accounts_one_active_system_admin"],
  storage: (storage): StorageService => ({
    ...storage,
    transaction: (effect) => storage.transaction(Effect.locally(effect, inTransaction, true)),
    accounts: {
      ...storage.accounts,
      byUnit: (unitId) =>
        Effect.gen(function* () {
          const all = yield* storage.accounts.byUnit(unitId)
          if (!(yield* FiberRef.get(inTransaction))) return all
          return all.filter((a) => !(a.role === "systemAdmin" && a.status === "active"))
        })
    }
  })
}
