/**
 * Sharing requests, grants and machine clients (M30.1, M31.1, O11.1). Under concurrency the store holds one grant
 * per request — the unique index `sharing_grants_request` refuses a second (`sharingGrantOfRequest`) whatever the
 * interleaving of approvals — and optimistic versions on each row (`… where id = ? and version = ?`).
 *
 * @since 0.1.0
 */
import { Grant, MachineClient, type Storage } from "@tmis/core"
import { Effect, Schema } from "effect"
import { sql } from "kysely"
import type { SharingClientsTable, SharingGrantsTable, SharingRequestsTable } from "../Database.js"
import { type Connection, findOne, first, pageOf, updateAt, versioned } from "../internal/Connection.js"

const decodeGrant = Schema.decodeUnknownSync(Schema.parseJson(Grant.Grant))
const decodeClient = Schema.decodeUnknownSync(Schema.parseJson(MachineClient.Client))

const request = (row: SharingRequestsTable): Storage.Versioned<Storage.StoredSharingRequest> => ({
  value: JSON.parse(row.data) as Storage.StoredSharingRequest,
  version: row.version
})
const grant = (row: SharingGrantsTable): Storage.Versioned<Grant.Grant> => ({
  value: decodeGrant(row.data),
  version: row.version
})
const client = (row: SharingClientsTable): Storage.Versioned<MachineClient.Client> => ({
  value: decodeClient(row.data),
  version: row.version
})

const requestRow = (r: Storage.StoredSharingRequest, version: number): SharingRequestsTable => ({
  id: r.id,
  owner_path: r.context.owner.path,
  state: r.state,
  created_at: r.createdAt,
  data: JSON.stringify(r),
  version
})

const within = (column: string, path: string) =>
  sql<boolean>`substr(${sql.ref(column)}, 1, ${sql.lit(path.length)}) = ${path}`

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.SharingRepository => ({
  insertRequest: (r) =>
    write("sharing.insertRequest", (db) => db.insertInto("sharing_requests").values(requestRow(r, 1)).execute(), {
      id: r.id
    }).pipe(Effect.as(first(r))),
  getRequest: (id) =>
    query("sharing.getRequest", (db) => findOne(db.selectFrom("sharing_requests").selectAll(), "id", id, request)),
  updateRequest: (next, expectedVersion) =>
    query("sharing.updateRequest", (db) =>
      updateAt(
        db.updateTable("sharing_requests").set(requestRow(next, expectedVersion + 1)),
        "id",
        next.id,
        expectedVersion
      )
    ).pipe(versioned("sharingRequest", next.id, expectedVersion, next)),
  requestsIn: (ownerPath, state, page) =>
    query("sharing.requestsIn", (db) =>
      pageOf(
        page,
        (limit) =>
          db
            .selectFrom("sharing_requests")
            .selectAll()
            .where(within("owner_path", ownerPath))
            .$if(state !== undefined, (qb) => qb.where("state", "=", state ?? ""))
            .where("id", ">", page.after ?? "")
            .orderBy("id")
            .limit(limit)
            .execute(),
        request,
        (last) => last.value.id
      )
    ),
  insertGrant: (g) =>
    write(
      "sharing.insertGrant",
      (db) =>
        db
          .insertInto("sharing_grants")
          .values({ id: g.id, request_id: g.requestId, owner_path: g.owner.path, data: JSON.stringify(g), version: 1 })
          .execute(),
      { id: g.id, requestId: g.requestId }
    ).pipe(Effect.as(first(g))),
  getGrant: (id) =>
    query("sharing.getGrant", (db) => findOne(db.selectFrom("sharing_grants").selectAll(), "id", id, grant)),
  updateGrant: (next, expectedVersion) =>
    query("sharing.updateGrant", (db) =>
      updateAt(
        db.updateTable("sharing_grants").set({ data: JSON.stringify(next), version: expectedVersion + 1 }),
        "id",
        next.id,
        expectedVersion
      )
    ).pipe(versioned("sharingGrant", next.id, expectedVersion, next)),
  grantsIn: (ownerPath, page) =>
    query("sharing.grantsIn", (db) =>
      pageOf(
        page,
        (limit) =>
          db
            .selectFrom("sharing_grants")
            .selectAll()
            .where(within("owner_path", ownerPath))
            .where("id", ">", page.after ?? "")
            .orderBy("id")
            .limit(limit)
            .execute(),
        grant,
        (last) => last.value.id
      )
    ),
  insertClient: (c) =>
    write(
      "sharing.insertClient",
      (db) =>
        db
          .insertInto("sharing_clients")
          .values({ id: c.id, grant_id: c.grantId, data: JSON.stringify(c), version: 1 })
          .execute(),
      { id: c.id }
    ).pipe(Effect.as(first(c))),
  getClient: (id) =>
    query("sharing.getClient", (db) => findOne(db.selectFrom("sharing_clients").selectAll(), "id", id, client)),
  updateClient: (next, expectedVersion) =>
    query("sharing.updateClient", (db) =>
      updateAt(
        db.updateTable("sharing_clients").set({ data: JSON.stringify(next), version: expectedVersion + 1 }),
        "id",
        next.id,
        expectedVersion
      )
    ).pipe(versioned("machineClient", next.id, expectedVersion, next)),
  clientsOf: (grantId) =>
    query("sharing.clientsOf", async (db) => {
      const rows = await db
        .selectFrom("sharing_clients")
        .selectAll()
        .where("grant_id", "=", grantId)
        .orderBy("id")
        .execute()
      return rows.map((row) => client(row).value)
    })
})
