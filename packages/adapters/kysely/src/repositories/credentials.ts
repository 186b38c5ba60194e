/**
 * Credentials, one per account (M37.2). Under concurrency the store holds one credential per account and an
 * optimistic version on it: `Conflict` when the account already has one (insert) or it changed meanwhile (update);
 * nothing written.
 *
 * @since 0.1.0
 */
import { Storage } from "@tmis/core"
import { Effect } from "effect"
import { type Connection, findOne, first, updateAt, versioned } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"

/**
 * @since 0.1.0
 */
export const make = ({ query, attempt, flavor }: Connection): Storage.CredentialRepository => ({
  get: (accountId) =>
    query("credentials.get", (db) =>
      findOne(db.selectFrom("credentials").selectAll(), "account_id", accountId, Rows.versioned(Rows.credential))
    ),
  put: (credential, expectedVersion) =>
    expectedVersion === undefined
      ? attempt(
          (db) => db.insertInto("credentials").values(Rows.credentialRow(credential, 1)).execute(),
          (cause): Storage.Conflict | Storage.StorageError =>
            // The account already has a credential: someone set one since the caller looked.
            flavor.uniqueViolation(cause) !== undefined
              ? new Storage.Conflict({ entity: "credential", id: credential.accountId, expectedVersion: 0 })
              : new Storage.StorageError({ operation: "credentials.put", cause })
        ).pipe(Effect.as(first(credential)))
      : query("credentials.put", (db) =>
          updateAt(
            db.updateTable("credentials").set(Rows.credentialRow(credential, expectedVersion + 1)),
            "account_id",
            credential.accountId,
            expectedVersion
          )
        ).pipe(versioned("credential", credential.accountId, expectedVersion, credential))
})
