/**
 * The storage port: the nonces of machine clients' tokens (M30.1, O11.1), so that each token is used once.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { ConstraintError, StorageError } from "./Common.js"

/**
 * The nonces (jti) of the machine-client tokens used, each kept until its token expires. The store holds that a
 * nonce is used once per client — a unique key on (client, nonce), not a check before the write — so N concurrent
 * uses of one token record it once and the others are refused (`tokenNonce`).
 *
 * @since 0.1.0
 */
export interface TokenNonceRepository {
  /** Record the use of `nonce` by `clientId`, kept until `expiresAt` (ISO); a second use is refused (`tokenNonce`). */
  readonly use: (
    clientId: string,
    nonce: string,
    expiresAt: string
  ) => Effect.Effect<void, ConstraintError | StorageError>
  /** Forget the nonces whose token expired before `now` (ISO): their tokens are stale anyway. How many went. */
  readonly purge: (now: string) => Effect.Effect<number, StorageError>
}
