/**
 * DDL that every flavor speaks its own way, for the migrations: the type of indexed text and unique indexes over some
 * rows. Migrations use these instead of `"text"` in keys and `.where(…)` on a unique index.
 */
import { type Kysely, type RawBuilder, sql } from "kysely"
import type { Flavor, PartialUniqueIndex } from "../Flavor.js"

/** The column type of text that is a key, indexed or referenced. */
export const key = (flavor: Flavor): RawBuilder<unknown> => sql.raw(flavor.keyType ?? "text")

/** A unique index over the rows where `index.where` holds (one active system admin per unit, M14.4, and the like). */
export const partialUniqueIndex = (db: Kysely<unknown>, flavor: Flavor, index: PartialUniqueIndex): Promise<void> =>
  flavor.partialUniqueIndex
    ? flavor.partialUniqueIndex(db, index)
    : db.schema
        .createIndex(index.name)
        .on(index.table)
        .unique()
        .columns([...index.columns])
        .where(sql.raw<boolean>(index.where))
        .execute()
        .then(() => undefined)
