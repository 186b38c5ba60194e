/**
 * Broken: a second active e-file of one identity document is accepted — violates M17.4 (one person, one e-file).
 *
 * The store is the only guard of this rule (onboarding leaves the check to it, so that it holds under concurrency):
 * here its partial unique index (`teachers_one_active_identity`) is dropped after migration.
 */
import type { Variant } from "./Variant.js"

export const duplicateIdentity: Variant = {
  name: "duplicate-identity",
  rule: "M17.4",
  broken: "a second active e-file of one identity number is accepted (the store's unique index dropped)",
  dropIndexes: ["teachers_one_active_identity"]
}
