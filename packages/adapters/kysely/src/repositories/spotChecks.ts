/**
 * Spot checks (M17.2). Under concurrency the store holds unique check ids (`spotCheckId`) and an optimistic version
 * on every check (`… WHERE id = ? AND version = ?`), so a finding or the publication is decided on what was read.
 *
 * @since 0.1.0
 */
import { SpotCheck, type Storage } from "@tmis/core"
import { Effect, Schema } from "effect"
import { type Connection, findOne, first, updateAt, versioned } from "../internal/Connection.js"

const decode = Schema.decodeUnknownSync(Schema.parseJson(SpotCheck.Persisted))

const rowOf = (check: SpotCheck.SpotCheck, version: number) => ({
  id: check.id,
  unit_id: check.unit.id,
  state: check.state,
  data: JSON.stringify(check),
  version
})

const checkOf = (row: { readonly data: string; readonly version: number }): Storage.Versioned<SpotCheck.SpotCheck> => ({
  value: decode(row.data),
  version: Number(row.version)
})

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.SpotCheckRepository => ({
  insert: (check) =>
    write("spotChecks.insert", (db) => db.insertInto("spot_checks").values(rowOf(check, 1)).execute(), {
      id: check.id
    }).pipe(Effect.as(first(check))),
  get: (id) => query("spotChecks.get", (db) => findOne(db.selectFrom("spot_checks").selectAll(), "id", id, checkOf)),
  update: (next, expectedVersion) =>
    query("spotChecks.update", (db) =>
      updateAt(db.updateTable("spot_checks").set(rowOf(next, expectedVersion + 1)), "id", next.id, expectedVersion)
    ).pipe(versioned("spot check", next.id, expectedVersion, next))
})
