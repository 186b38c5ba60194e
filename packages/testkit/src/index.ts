/**
 * @tmis/testkit — what a vendor runs against its own tmis-based system: fast-check arbitraries (also at
 * `@tmis/testkit/arbitraries`), and, with the storage issue, the storage conformance suite.
 *
 * @since 0.1.0
 */
export * as Arbitraries from "./arbitraries.js"
