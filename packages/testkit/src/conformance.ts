/**
 * The storage conformance suite (`@tmis/testkit/conformance`): the vitest suite every implementation of the
 * storage port runs — our SQLite and Postgres adapters included, each with a one-line test file.
 *
 * @since 0.1.0
 */
export { storageConformance } from "./conformance/suite.js"
export type { ConformanceOptions, TestDatabase, WorkerSpec } from "./conformance/types.js"
