/**
 * The API's group: log in and out, change one's password (M37.2). Part of `Api.ts`'s `Api`; handlers in `Handlers.ts`.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Account } from "@tmis/core"
import { Schema } from "effect"
import { Authentication, Body, Opt, Text } from "./ApiBase.js"

const LoginBody = Body("Login", { accountId: Text(128), password: Text(256) })

const LoginResult = Schema.Struct({
  outcome: Schema.Literal("ok", "mustChangePassword"),
  token: Opt(Schema.String),
  expiresAt: Opt(Schema.String)
}).annotations({ identifier: "LoginResult" })

const ActorView = Schema.Struct({
  accountId: Schema.String,
  role: Account.Role,
  unitId: Schema.String,
  unitPath: Schema.String,
  certificatePresented: Schema.Boolean,
  /** The presented certificate is the one bound to the account, and in its validity (M14.2). */
  certificateValid: Schema.Boolean
}).annotations({ identifier: "Actor" })

/**
 * Log in and out, change one's password (M37.2).
 *
 * @since 0.1.0
 */
export class AuthGroup extends HttpApiGroup.make("auth")
  .add(
    HttpApiEndpoint.post("login", "/auth/login")
      .setPayload(LoginBody)
      .addSuccess(LoginResult)
      .annotateContext(
        OpenApi.annotations({
          summary: "Log in with a password",
          description:
            "Log in with a password; sets the session cookie and returns the token. Who may call it: anyone, " +
            "without a session. An unknown, disabled or locked account and a wrong password get one identical " +
            "refusal (401); 5 failures lock the account for 30 minutes; every attempt is audited (M37.2, M37.1). " +
            "An initial or reset password answers `mustChangePassword` and no session: change it first (`POST " +
            "/auth/password`)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("platformLogin", "/auth/platform")
      .setPayload(Body("PlatformLogin", { token: Text(8192) }))
      .addSuccess(LoginResult)
      .annotateContext(
        OpenApi.annotations({
          summary: "Log in through the province's identity platform",
          description:
            "Log in with a token of the province's identity platform (应用支撑服务平台, M15.2), when the server is " +
            "configured with one. Who may call it: anyone, without a session; the account the platform names gets " +
            "a session if it exists and is active. The platform's refusal, an unknown and a disabled account are " +
            "refused alike (401, M37.2); every attempt is audited with the platform's name (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("changePassword", "/auth/password")
      .setPayload(Body("ChangePassword", { accountId: Text(128), current: Text(256), next: Text(256) }))
      .addSuccess(Schema.Struct({ accountId: Schema.String }))
      .annotateContext(
        OpenApi.annotations({
          summary: "Change one's own password",
          description:
            "Change one's own password (required after an initial or reset password). Who may call it: anyone, " +
            "without a session, who knows the account's current password; a wrong one counts as a failed login " +
            "and can lock the account (M37.2). The new password is checked against the policy and the " +
            "history (M37.2); the change ends the account's sessions and is audited " +
            "without either password (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("logout", "/auth/logout")
      .addSuccess(Schema.Void)
      .middleware(Authentication)
      .annotateContext(
        OpenApi.annotations({
          summary: "Log out",
          description:
            "End the caller's session and clear the session cookie (M37.2). Who may call it: any account with a " +
            "session, of any role at any unit. Logging out twice is harmless."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("me", "/auth/me")
      .addSuccess(ActorView)
      .middleware(Authentication)
      .annotateContext(
        OpenApi.annotations({
          summary: "The caller's account",
          description:
            "The account of the session: its role, its unit and the unit's path, and whether the connection " +
            "presents the CA certificate bound to it (M14.2). Who may call it: any account with a session, of any " +
            "role at any unit (M37.2)."
        })
      )
  ) {}
