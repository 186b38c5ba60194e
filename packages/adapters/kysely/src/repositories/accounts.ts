/**
 * Accounts (M13–M15). Under concurrency the store holds at most one active system admin per unit (M14.4): a second
 * one is refused by the store itself, whatever the interleaving of writers; and an optimistic version on every
 * account.
 *
 * @since 0.1.0
 */
import type { Storage } from "@tmis/core"
import { Effect } from "effect"
import { type Connection, findOne, first, updateAt, versioned } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.AccountRepository => ({
  insert: (account) =>
    write("accounts.insert", (db) => db.insertInto("accounts").values(Rows.accountRow(account, 1)).execute(), {
      id: account.id,
      unitId: account.unitId,
      role: account.role
    }).pipe(Effect.as(first(account))),
  get: (id) =>
    query("accounts.get", (db) =>
      findOne(db.selectFrom("accounts").selectAll(), "id", id, Rows.versioned(Rows.account))
    ),
  update: (next, expectedVersion) =>
    write(
      "accounts.update",
      (db) =>
        updateAt(
          db.updateTable("accounts").set(Rows.accountRow(next, expectedVersion + 1)),
          "id",
          next.id,
          expectedVersion
        ),
      { id: next.id, unitId: next.unitId, role: next.role }
    ).pipe(versioned("account", next.id, expectedVersion, next)),
  byUnit: (unitId) =>
    query("accounts.byUnit", async (db) =>
      (await db.selectFrom("accounts").selectAll().where("unit_id", "=", unitId).orderBy("id").execute()).map(
        Rows.account
      )
    ),
  everHadSystemAdmin: (unitId) =>
    query("accounts.everHadSystemAdmin", async (db) => {
      const row = await db
        .selectFrom("accounts")
        .select("id")
        .where("unit_id", "=", unitId)
        .where("role", "=", "systemAdmin")
        .executeTakeFirst()
      return row !== undefined
    })
})
