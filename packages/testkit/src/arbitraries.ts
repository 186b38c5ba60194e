/**
 * fast-check arbitraries for tmis: identity numbers, schools, hierarchies and actors.
 *
 * @since 0.1.0
 */
export * from "./arbitraries/actor.js"
export * from "./arbitraries/chain.js"
export * from "./arbitraries/efile.js"
export * from "./arbitraries/hierarchy.js"
export * from "./arbitraries/identityNumber.js"
export * from "./arbitraries/review.js"
export * from "./arbitraries/school.js"
