/**
 * @tmis/adapter-kysely — the tmis storage port over any Kysely dialect, with its migrations. `@tmis/adapter-sqlite`
 * and `@tmis/adapter-postgres` wire it to their drivers; a vendor brings another dialect with a `Flavor`.
 *
 * @since 0.1.0
 */
export type * as Database from "./Database.js"
export type { Flavor, PartialUniqueIndex } from "./Flavor.js"
export * as KyselyStorage from "./KyselyStorage.js"
export * as Migrations from "./Migrations.js"
export * as ModuleStore from "./ModuleStore.js"
