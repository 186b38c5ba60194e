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
        .$call((b) =>
          // A plain column by name, anything else (`coalesce(parent_id, '')`) as an expression.
          index.columns.reduce((b, c) => (/^\w+$/.test(c) ? b.column(c) : b.expression(sql.raw(c))), b)
        )
        .where(sql.raw<boolean>(index.where))
        .execute()
        .then(() => undefined)

/** String concatenation of SQL expressions, in the flavor's syntax (`a || b`, or `concat(a, b)` on the MySQL family). */
export const concat = (flavor: Flavor, ...parts: ReadonlyArray<RawBuilder<unknown>>): RawBuilder<string> =>
  flavor.concat ? flavor.concat(parts) : sql<string>`${sql.join(parts, sql.raw(" || "))}`

/** {@link concat} of raw SQL text (constants only, never input), for the DDL of the migrations. */
export const concatRaw = (flavor: Flavor, ...parts: ReadonlyArray<string>): RawBuilder<string> =>
  concat(flavor, ...parts.map((p) => sql.raw(p)))
