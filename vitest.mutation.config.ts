import { defineConfig } from "vitest/config"
import base from "./vitest.config.js"

// The tests StrykerJS runs against each mutant of the pure rules (stryker.config.mjs, `npm run mutation`): only the
// core's in-memory test files that exercise them — no database-backed test, so a mutant run needs no server.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      "packages/core/test/ApprovalChain.test.ts",
      "packages/core/test/ApprovalChainRefusals.test.ts",
      "packages/core/test/Authorization.test.ts",
      "packages/core/test/AuthorizationRefusals.test.ts",
      "packages/core/test/CreditBank.test.ts",
      "packages/core/test/CreditConfirmation.test.ts",
      "packages/core/test/DecidedMachine.test.ts",
      "packages/core/test/EFile.test.ts",
      "packages/core/test/IdentityNumber.test.ts",
      "packages/core/test/IdentityNumberRefusals.test.ts",
      "packages/core/test/Indicator.test.ts",
      "packages/core/test/IndicatorRefusals.test.ts",
      "packages/core/test/ProcessInitiationRefusals.test.ts",
      "packages/core/test/Registration.test.ts",
      "packages/core/test/RegistrationReasons.test.ts",
      "packages/core/test/RegistrationRound.test.ts",
      "packages/core/test/Review.test.ts",
      "packages/core/test/ReviewRefusals.test.ts",
      "packages/core/test/Rotation.test.ts",
      "packages/core/test/Sharing.test.ts",
      "packages/core/test/SharingRefusals.test.ts",
      "packages/core/test/Transfer.test.ts"
    ]
  }
})
