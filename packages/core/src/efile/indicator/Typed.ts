/**
 * How a caller passes a record to the services: typed by the core group's generated type (`BasicInfo`, …) with the
 * fields a province's extension adds (M11.2), or — data whose shape only the run-time check knows, a decoded request
 * or an imported row — marked `unchecked`. Either way the core checks it against the deployment's indicators
 * (M11.1, M11.2); the types only catch a missing core field before run time.
 *
 * @since 0.1.0
 */

declare const uncheckedBrand: unique symbol

/**
 * The fields a province's extension adds to a core group (M11.2), beside the core's.
 *
 * @since 0.1.0
 */
export type ExtensionFields = { readonly [field: string]: unknown }

/**
 * A record of a shape only the run-time check knows: made by {@link unchecked}.
 *
 * @since 0.1.0
 */
export type UncheckedRecord = ExtensionFields & { readonly [uncheckedBrand]: true }

/**
 * Pass data of unknown shape (a decoded request body, an imported row) where a typed record is expected: the core
 * checks it at run time as it checks every record.
 *
 * @since 0.1.0
 */
export const unchecked = (record: unknown): UncheckedRecord => record as UncheckedRecord
