/**
 * Identity source (身份来源), M15.2: where the person behind a request is established. The default is the
 * deployment's own account store (password and certificate, with the reference server); a province that runs an
 * application support platform (应用支撑服务平台) provides a layer of its own, and nothing else changes: every
 * request still becomes an {@link Authorization.Actor} of an account in this deployment and passes
 * {@link Authorization.authorize}.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import * as Refusal from "../kernel/Refusal.js"
import type * as Account from "./Account.js"

/**
 * What a client presents.
 *
 * @since 0.1.0
 */
export type Credential =
  | { readonly _tag: "Password"; readonly login: string; readonly password: string }
  | { readonly _tag: "Token"; readonly token: string }
  | { readonly _tag: "Certificate"; readonly fingerprint: string }

/**
 * Who the source says the client is: an account of this deployment, and the certificate presented, if any.
 *
 * @since 0.1.0
 */
export interface Principal {
  readonly accountId: Account.AccountId
  readonly presentedCertificate: string | undefined
  /** The source that vouched for the principal, for the audit log. */
  readonly source: string
}

/**
 * The refusal every source returns when it does not recognise a credential.
 *
 * @since 0.1.0
 */
export const refused = (source: string): Refusal.Refusal =>
  Refusal.unauthenticated("M37.2", "身份验证失败", "authentication failed", { field: "credential", value: source })

/**
 * The identity source port.
 *
 * @since 0.1.0
 */
export class IdentitySource extends Context.Tag("@tmis/core/IdentitySource")<
  IdentitySource,
  {
    readonly name: string
    readonly authenticate: (credential: Credential) => Effect.Effect<Principal, Refusal.Refusal>
  }
>() {}

/**
 * A source that accepts bearer tokens issued by an external platform and maps each platform subject to an
 * account of this deployment. `verify` is the platform's own token check (signature, expiry); it yields the
 * subject, or fails.
 *
 * @since 0.1.0
 */
export const platform = (options: {
  readonly name: string
  readonly verify: (token: string) => Effect.Effect<string, unknown>
  readonly accountOf: (subject: string) => Effect.Effect<Account.AccountId | undefined, unknown>
}): Layer.Layer<IdentitySource> =>
  Layer.succeed(IdentitySource, {
    name: options.name,
    authenticate: (credential) =>
      credential._tag !== "Token"
        ? Effect.fail(refused(options.name))
        : options.verify(credential.token).pipe(
            Effect.flatMap(options.accountOf),
            Effect.flatMap((accountId) =>
              accountId === undefined
                ? Effect.fail(refused(options.name))
                : Effect.succeed({ accountId, presentedCertificate: undefined, source: options.name })
            ),
            Effect.catchAll((e) => (e instanceof Refusal.Refusal ? Effect.fail(e) : Effect.fail(refused(options.name))))
          )
  })
