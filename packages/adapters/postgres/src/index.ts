/**
 * Placeholder until this package's issue lands; see the README's package map.
 *
 * @since 0.0.0
 */
export const status = "planned" as const
