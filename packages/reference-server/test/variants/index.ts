/**
 * Every broken variant of the reference server, each with the rule it violates (issue 17).
 */
import { creditBookedTwice } from "./CreditBookedTwice.js"
import { duplicateIdentity } from "./DuplicateIdentity.js"
import { maskingOff } from "./MaskingOff.js"
import { retryAppliedTwice } from "./RetryAppliedTwice.js"
import { scopeOff } from "./ScopeOff.js"
import { secondSystemAdmin } from "./SecondSystemAdmin.js"
import { swappedTransferConfirmations } from "./SwappedTransferConfirmations.js"
import { unauditedRead } from "./UnauditedRead.js"
import type { Variant } from "./Variant.js"

export * from "./Variant.js"
export {
  creditBookedTwice,
  duplicateIdentity,
  maskingOff,
  retryAppliedTwice,
  scopeOff,
  secondSystemAdmin,
  swappedTransferConfirmations,
  unauditedRead
}

export const variants: ReadonlyArray<Variant> = [
  secondSystemAdmin,
  swappedTransferConfirmations,
  scopeOff,
  maskingOff,
  duplicateIdentity,
  unauditedRead,
  retryAppliedTwice,
  creditBookedTwice
]
