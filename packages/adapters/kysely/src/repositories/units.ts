/**
 * Units with their dated versions (M12.2). Under concurrency the store holds one root per deployment (M2.1), unique
 * unit ids and codes (M12.1), paths that extend their parent's (M2.2), and an optimistic version on every unit: a
 * move re-paths the whole subtree in the same transaction.
 *
 * @since 0.1.0
 */
import { Storage } from "@tmis/core"
import { Effect } from "effect"
import { sql } from "kysely"
import { type Connection, findOne, first, maybe, prefixEnd, subtreePage, updateAt } from "../internal/Connection.js"
import * as Ddl from "../internal/Ddl.js"
import * as Rows from "../internal/Rows.js"

const unitOf = Rows.versioned(Rows.unit)

/** The tables whose rows a move re-paths: the units of the subtree and the e-files they keep. */
const subtreeTables: ReadonlyArray<"units" | "teachers"> = ["units", "teachers"]

/**
 * @since 0.1.0
 */
export const make = ({ query, write, flavor }: Connection): Storage.UnitRepository => ({
  insert: (unit) =>
    write(
      "units.insert",
      async (db) => {
        await db.insertInto("units").values(Rows.unitRow(unit, 1)).execute()
        await db
          .insertInto("unit_versions")
          .values({ unit_id: unit.id, version: 1, valid_from: unit.validFrom, snapshot: Rows.unitSnapshot(unit) })
          .execute()
      },
      { id: unit.id, code: unit.code, kind: unit.kind, root: unit.parentId === undefined }
    ).pipe(Effect.as(first(unit))),
  get: (id) => query("units.get", (db) => findOne(db.selectFrom("units").selectAll(), "id", id, unitOf)),
  update: (next, expectedVersion) =>
    write(
      "units.update",
      async (db) => {
        const before = await db.selectFrom("units").select("path").where("id", "=", next.id).executeTakeFirst()
        const result = await updateAt(
          db.updateTable("units").set(Rows.unitRow(next, expectedVersion + 1)),
          "id",
          next.id,
          expectedVersion
        )
        if (before === undefined || Number(result.numUpdatedRows) === 0) return false
        await db
          .insertInto("unit_versions")
          .values({
            unit_id: next.id,
            version: expectedVersion + 1,
            valid_from: next.validFrom,
            snapshot: Rows.unitSnapshot(next)
          })
          .execute()
        if (before.path !== next.path) {
          // A move re-paths the whole subtree, units and e-files, in the same transaction.
          const repath = Ddl.concat(flavor, sql`${next.path}`, sql`substr(path, ${before.path.length + 1})`)
          for (const table of subtreeTables) {
            await db
              .updateTable(table)
              .set({ path: repath })
              .where("path", ">", before.path)
              .where("path", "<", prefixEnd(before.path))
              .execute()
          }
        }
        return true
      },
      { id: next.id, code: next.code, kind: next.kind }
    ).pipe(
      Effect.flatMap((updated) =>
        updated
          ? Effect.succeed({ value: next, version: expectedVersion + 1 })
          : Effect.fail(new Storage.Conflict({ entity: "unit", id: next.id, expectedVersion }))
      )
    ),
  history: (id) =>
    query("units.history", async (db) => {
      const rows = await db
        .selectFrom("unit_versions")
        .select("snapshot")
        .where("unit_id", "=", id)
        .orderBy("version")
        .execute()
      return rows.map((r) => Rows.unitOfSnapshot(r.snapshot))
    }),
  root: () =>
    query("units.root", async (db) =>
      maybe(await db.selectFrom("units").selectAll().where("parent_id", "is", null).executeTakeFirst(), Rows.unit)
    ),
  subtree: (rootPath, page) =>
    query("units.subtree", (db) => subtreePage(db.selectFrom("units").selectAll(), rootPath, page, Rows.unit))
})
