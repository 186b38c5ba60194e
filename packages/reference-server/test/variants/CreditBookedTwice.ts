/**
 * Broken: the credits of a confirmed training result are booked twice — violates O9.1 (the credit bank books each
 * confirmed result's credits once; a confirmation counts once however often it arrives).
 *
 * The ledger appends every confirmation entry a second time under a fresh id and key, as a booking retried without
 * its idempotency key would: the teacher's balance counts the result twice.
 */
import type { StorageService, Variant } from "./Variant.js"

export const creditBookedTwice: Variant = {
  name: "credit-booked-twice",
  rule: "O9.1",
  broken: "a confirmed result's credits are booked twice",
  storage: (storage): StorageService => ({
    ...storage,
    credits: {
      ...storage.credits,
      append: (entries) =>
        storage.credits.append([
          ...entries,
          ...entries
            .filter((e) => e.kind === "confirm")
            .map((e) => ({ ...e, id: `${e.id}-again`, key: `${e.key}-again` }))
        ])
    }
  })
}
