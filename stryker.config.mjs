// Mutation testing of the pure rules (issue 17): `npm run mutation`, results in docs/mutation.md.
// StrykerJS 9.6 (10 needs Node 22). Not a CI gate: a full run takes the better part of an hour on two cores.
// Incremental: reports/stryker-incremental.json is committed, so a rerun only tests the mutants whose code or
// covering tests changed. One module: `npm run mutation -- --mutate packages/core/src/codes/IdentityNumber.ts`
// (the results of the other modules are kept in the incremental file).

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  coverageAnalysis: "perTest",
  // Static mutants (module-level tables: province codes, GB 11643 weights, the capabilities table) need a fresh
  // module load and every test for each one; they are left out here (docs/mutation.md lists them as not mutated).
  ignoreStatic: true,
  mutate: [
    // Authorization (M13–M15): who may act on what.
    "packages/core/src/accounts/Authorization.ts",
    // The approval-chain kernel and its process definitions.
    "packages/core/src/kernel/ApprovalChain.ts",
    "packages/core/src/kernel/DecidedMachine.ts",
    "packages/core/src/processes/Transfer.ts",
    "packages/core/src/processes/Rotation.ts",
    "packages/core/src/processes/internal/initiation.ts",
    // The other instances of the kernels: sharing requests (M31.1) and the registration round (M26.1) on
    // ApprovalChain; credit confirmation (M25.3–M25.5) and the e-file review (M17, M19.1) on DecidedMachine.
    "packages/core/src/sharing/SharingRequest.ts",
    "packages/core/src/training/RegistrationRound.ts",
    "packages/core/src/training/CreditConfirmation.ts",
    "packages/core/src/efile/Review.ts",
    // Identity numbers (GB 11643, M17.3).
    "packages/core/src/codes/IdentityNumber.ts",
    // Indicator validation (M11.1, M11.2).
    "packages/core/src/efile/indicator/Validation.ts",
    "packages/core/src/efile/indicator/internal/compiled.ts",
    "packages/core/src/efile/indicator/internal/text.ts",
    // The registration decision (M22).
    "packages/core/src/training/Registration.ts"
  ],
  // The sandbox holds only what the core's tests load: the rest of the monorepo is not copied.
  ignorePatterns: [
    "/*",
    "!/packages",
    "/packages/*",
    "!/packages/core",
    "!/packages/testkit",
    "/packages/*/dist",
    "!/package.json",
    "!/tsconfig.base.json",
    "!/tsconfig.json",
    "!/vitest.config.ts",
    "!/vitest.mutation.config.ts"
  ],
  // Two cores shared with other work.
  concurrency: 2,
  timeoutMS: 20_000,
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  reporters: ["progress", "clear-text", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 80, low: 60, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true
}
