/**
 * @tmis/testkit — what a vendor runs against its own tmis-based system: fast-check arbitraries (also at
 * `@tmis/testkit/arbitraries`), and the storage conformance suite (`@tmis/testkit/conformance`).
 *
 * @since 0.1.0
 */
export * as Arbitraries from "./arbitraries.js"
