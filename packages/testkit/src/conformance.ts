/**
 * The storage conformance suite (`@tmis/testkit/conformance`): the vitest suite every implementation of the
 * storage port runs — our SQLite and Postgres adapters included, each with a one-line test file.
 *
 * `storageConformance(name, makeDatabase, options)` runs every area of the regulation, each in a `describe` of its
 * name; `options.areas` (a list of {@link Area}) runs only some of them. Each area is also a function of its own,
 * `xxxConformance(makeDatabase, options)`, that registers that area alone, for a vendor working on one area:
 *
 * @example
 * storageConformance("mydb", myDatabase)
 * storageConformance("mydb", myDatabase, { areas: ["hierarchy", "audit"] })
 * transfersConformance(myDatabase, { attempts: 8 })
 *
 * @since 0.1.0
 */
export { accountsConformance } from "./conformance/accounts.js"
export { auditConformance } from "./conformance/audit.js"
export { credentialsConformance } from "./conformance/auth.js"
export { batchImportConformance } from "./conformance/batchImport.js"
export { changesConformance } from "./conformance/changes.js"
export { crashConformance } from "./conformance/crash.js"
export { creditsConformance } from "./conformance/credits.js"
export { efilesConformance } from "./conformance/efiles.js"
export { exchangeConformance } from "./conformance/exchange.js"
export { hierarchyConformance } from "./conformance/hierarchy.js"
export { idempotencyConformance } from "./conformance/idempotency.js"
export { inboxConformance } from "./conformance/inbox.js"
export { modelConformance } from "./conformance/model.js"
export { registrationsConformance } from "./conformance/registrations.js"
export { reviewConformance } from "./conformance/review.js"
export { rotationsConformance } from "./conformance/rotations.js"
export { searchConformance } from "./conformance/search.js"
export { sharingConformance } from "./conformance/sharing.js"
export { spotChecksConformance } from "./conformance/spotChecks.js"
export { statisticsConformance } from "./conformance/statistics.js"
export { subscriptionsConformance } from "./conformance/subscriptions.js"
export { areaConformance, storageConformance } from "./conformance/suite.js"
export type { AreaConformance } from "./conformance/support.js"
export { tokenNoncesConformance } from "./conformance/tokenNonces.js"
export { trainingConformance } from "./conformance/training.js"
export { transfersConformance } from "./conformance/transfers.js"
export type { Area, ConformanceOptions, TestDatabase, WorkerSpec } from "./conformance/types.js"
export { updateCyclesConformance } from "./conformance/updateCycles.js"
