/**
 * The receiving side of transfers between provinces (M23.1 across provincial deployments). The primary key refuses
 * a second transfer under one id (`processId`) whatever the interleaving; the optimistic version makes one of
 * concurrent steps on a transfer commit.
 *
 * @since 0.1.0
 */
import type { Storage } from "@tmis/core"
import { Effect } from "effect"
import { type Connection, findOne, first, updateAt, versioned } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

const transferOf = Rows.versioned(Rows.transferAcross)

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.TransferAcrossRepository => ({
  insert: (transfer) =>
    write(
      "transfersAcross.insert",
      (db) => db.insertInto("exchange_transfers").values(Rows.transferAcrossRow(transfer, 1)).execute(),
      { id: transfer.id, province: transfer.province }
    ).pipe(Effect.as(first(transfer))),
  get: (id) =>
    query("transfersAcross.get", (db) =>
      findOne(db.selectFrom("exchange_transfers").selectAll(), "id", id, transferOf)
    ),
  update: (next, expectedVersion) =>
    query("transfersAcross.update", (db) =>
      updateAt(
        db.updateTable("exchange_transfers").set(Rows.transferAcrossRow(next, expectedVersion + 1)),
        "id",
        next.id,
        expectedVersion
      )
    ).pipe(versioned("transfer", next.id, expectedVersion, next))
})
