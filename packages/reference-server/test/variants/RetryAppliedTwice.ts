/**
 * Broken: a retried command is run again instead of answered from its idempotency key — violates M23.2 (the rule
 * the server cites for its idempotency keys: a retry with the same `Idempotency-Key` gets the first answer, and
 * nothing is written twice).
 *
 * The store forgets idempotency keys: it never finds one, and keeps none. A retried `POST /transfers`,
 * `POST /rotations` or `POST /workflows/{id}/actions` is then decided a second time; where another guard of the
 * server holds (one open process per teacher, M24.3; the version of a process), the retry is refused by it instead of
 * getting the first answer.
 */
import { Effect, Option } from "effect"
import type { StorageService, Variant } from "./Variant.js"

export const retryAppliedTwice: Variant = {
  name: "retry-applied-twice",
  rule: "M23.2",
  broken: "idempotency keys are forgotten: a retried command is run again",
  storage: (storage): StorageService => ({
    ...storage,
    idempotency: {
      get: () => Effect.succeed(Option.none()),
      put: () => Effect.void
    }
  })
}
