/**
 * The API's group: accounts (M13–M15, M37.2). Part of `Api.ts`'s `Api`; handlers in `Handlers.ts`.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Account } from "@tmis/core"
import { Schema } from "effect"
import { Authentication, accountId, Body, Id, Opt, Page, PageParams, Text, unitId, Version } from "./ApiBase.js"

/**
 * An account as the API shows it: never the person's identity number.
 *
 * @since 0.1.0
 */
export const AccountView = Schema.Struct({
  id: Schema.String,
  role: Account.Role,
  unitId: Schema.String,
  status: Schema.String,
  name: Schema.String,
  certificateBound: Schema.Boolean,
  version: Schema.Number
}).annotations({ identifier: "Account" })

/**
 * Accounts handed down level by level (M13–M15) and their credentials (M37.2, M14.2).
 *
 * @since 0.1.0
 */
export class AccountsGroup extends HttpApiGroup.make("accounts")
  .add(
    HttpApiEndpoint.post("create")`/units/${unitId}/accounts`
      .setPayload(
        Body("NewAccount", {
          id: Id,
          role: Account.Role,
          person: Body("Person", { name: Text(64), identityNumber: Text(32) })
        })
      )
      .addSuccess(AccountView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Create an account at a unit",
          description:
            "Create an account at `unitId`, bound to a real person (M14.1). Who may call it: a system admin — " +
            "info admin and query-er accounts for its own unit (M13.2); the system admin of a unit directly below " +
            "its own (M15.1; one active per unit, M14.4, refused by the store: 409); teacher accounts only as a " +
            "school's system admin, for its school or its departments (M13.5). Quotas per unit (M14.5). Info " +
            "admins (M13.3), query-ers (M13.4) and teachers (M14.3) are refused."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("list")`/units/${unitId}/accounts`
      .setUrlParams(PageParams)
      .addSuccess(Page("AccountPage", AccountView))
      .annotate(OpenApi.Summary, "A unit's accounts")
      .annotate(
        OpenApi.Description,
        "The accounts of the unit, active and disabled, by id (never their identity numbers). Who may call it: the " +
          "unit's system admin (M13.2) or the system admin of a unit above it (M15.1); anyone else is refused " +
          "(M13.3, M13.4, M14.3). Audited (`account.list`, M37.1)."
      )
  )
  .add(
    HttpApiEndpoint.post("disable")`/accounts/${accountId}/disable`
      .setPayload(Body("DisableAccount", { expectedVersion: Version }))
      .addSuccess(AccountView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Disable an account",
          description:
            "Disable an account at the version the caller saw (409 otherwise); how a unit's system admin is " +
            "replaced (M14.4). Who may call it: whoever manages the account — its unit's system admin for info " +
            "admins and query-ers (M13.2), the system admin of the unit directly above for a system admin " +
            "(M15.1), a school's system admin for its teachers' accounts (M13.5). Anyone else is refused (M13.2, " +
            "M13.3, M13.4, M14.3, M15.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("enable")`/accounts/${accountId}/enable`
      .setPayload(Body("EnableAccount", { expectedVersion: Version }))
      .addSuccess(AccountView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Enable a disabled account again",
          description:
            "Enable a disabled account at the version the caller saw (409 otherwise). Who may call it: whoever " +
            "manages the account, as for disabling (M13.2, M13.5, M15.1). A system admin whose unit already has an " +
            "active one is refused (M14.4: 422; 409 when the store refuses it under concurrency), as is an account over its unit's quota " +
            "(M14.5). The password and any lockout are unchanged: reset the password to unlock (M37.2)."
        })
      )
  )
  .add(
    HttpApiEndpoint.put("setPassword")`/accounts/${accountId}/password`
      .setPayload(Body("SetPassword", { password: Text(256), expectedVersion: Opt(Version) }))
      .addSuccess(Schema.Struct({ accountId: Schema.String, version: Schema.Number }))
      .annotateContext(
        OpenApi.annotations({
          summary: "Reset or set an account's password",
          description:
            "Without `expectedVersion`: reset the password (and unlock): the credential is overwritten, the lock " +
            "and the failed-attempt count cleared, the account's sessions ended. With it: set the password only " +
            "at that version of the credential (409 otherwise). Either way an initial password, to be changed at " +
            "the next login, checked against the policy, the person's identifiers and the history (M37.2, M14.1), " +
            "audited without the password (M37.1). Who may call it: whoever manages the account — its unit's " +
            "system admin (M13.2), the one directly above for a system admin (M15.1), a school's system admin for " +
            "teachers (M13.5)."
        })
      )
  )
  .add(
    HttpApiEndpoint.put("bindCertificate")`/accounts/${accountId}/certificate`
      .setPayload(
        Body("BindCertificate", {
          fingerprint: Text(128),
          notBefore: Text(40),
          notAfter: Text(40),
          expectedVersion: Version
        })
      )
      .addSuccess(AccountView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Bind a CA certificate to an account",
          description:
            "Bind the fingerprint and validity of a CA certificate to an account (M14.2): where the deployment " +
            "requires certificates for the account's role, it acts only while presenting this one. Who may call " +
            "it: whoever manages the account — its unit's system admin (M13.2), the one directly above for a " +
            "system admin (M15.1), a school's system admin for teachers (M13.5)."
        })
      )
  )
  .middleware(Authentication) {}
