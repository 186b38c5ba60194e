/**
 * A machine client (接口客户端, M30.1, O11.1): another system reading e-files through the API, bound to one
 * {@link Grant}. It has no account, no password and no role of M13: it reads what its grant gives, nothing else.
 *
 * - **Registered** by an info admin of the grant's owning bureau with the client's Ed25519 public key (SPKI, PEM or
 *   base64url DER). The private key never leaves the client; the store holds only the public key, so a copy of the
 *   database holds nothing a client could authenticate with.
 * - **Authenticated** per request by a token it signs itself: `<clientId>.<issued>.<nonce>.<signature>`, where
 *   `issued` is the Unix time in seconds, `nonce` a random value new to each token (its jti) and `signature` the
 *   base64url Ed25519 signature of `tmis-sharing-token\n<clientId>\n<issued>\n<nonce>`. A token is accepted for
 *   {@link tokenLifetimeSeconds} around its issue (a clock skew either way), and once: the store records its nonce
 *   until the token expires ({@link expiresAt}) and refuses a second use, so a copied token is useless at once.
 * - **Disabled** by the owning bureau; a revoked or expired grant refuses every read whatever the token.
 *
 * @since 0.1.0
 */
import { createPublicKey, type KeyObject, randomBytes, sign, verify } from "node:crypto"
import { Either, Schema } from "effect"
import * as Refusal from "../kernel/Refusal.js"

/**
 * A client as stored: its public key, never a secret.
 *
 * @since 0.1.0
 */
export const Client = Schema.Struct({
  id: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]{1,64}$/)),
  grantId: Schema.String,
  name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
  /** The Ed25519 public key, SPKI DER in base64url. */
  publicKey: Schema.String,
  status: Schema.Literal("active", "disabled"),
  createdBy: Schema.String,
  createdAt: Schema.String
})

/**
 * @since 0.1.0
 */
export type Client = typeof Client.Type

/**
 * How long a token is accepted around its issue, each way.
 *
 * @since 0.1.0
 */
export const tokenLifetimeSeconds = 300

const message = (clientId: string, issued: number, nonce: string) =>
  Buffer.from(`tmis-sharing-token\n${clientId}\n${issued}\n${nonce}`, "utf8")

/**
 * The instant after which a token issued at `issued` (Unix seconds) is stale: until then its nonce is kept.
 *
 * @since 0.1.0
 */
export const expiresAt = (issued: number): Date => new Date((issued + tokenLifetimeSeconds) * 1000)

/**
 * A fresh nonce: 128 random bits, base64url.
 *
 * @since 0.1.0
 */
export const nonce = (): string => randomBytes(16).toString("base64url")

/**
 * The public key of a registration, normalised to SPKI DER base64url; undefined when it is no Ed25519 public key.
 *
 * @since 0.1.0
 */
export const normalisePublicKey = (key: string): string | undefined => {
  try {
    const text = key.trim()
    const object = text.startsWith("-----BEGIN")
      ? createPublicKey(text)
      : createPublicKey({ key: Buffer.from(text, "base64url"), format: "der", type: "spki" })
    return object.asymmetricKeyType === "ed25519"
      ? object.export({ format: "der", type: "spki" }).toString("base64url")
      : undefined
  } catch {
    return undefined
  }
}

/**
 * The token a client signs with its private key at `issued` (Unix seconds), with a fresh nonce unless one is given:
 * what a client library does. Each token is good for one request.
 *
 * @since 0.1.0
 */
export const token = (
  clientId: string,
  privateKey: KeyObject | string,
  issued: number,
  jti: string = nonce()
): string =>
  `${clientId}.${issued}.${jti}.${sign(null, message(clientId, issued, jti), privateKey).toString("base64url")}`

/**
 * The parts of a token, or undefined when it is not shaped like one.
 *
 * @since 0.1.0
 */
export const parse = (
  value: string
):
  | { readonly clientId: string; readonly issued: number; readonly nonce: string; readonly signature: string }
  | undefined => {
  const match = /^([A-Za-z0-9_-]{1,64})\.(\d{1,12})\.([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{86})$/.exec(value)
  return match === null
    ? undefined
    : { clientId: match[1]!, issued: Number(match[2]), nonce: match[3]!, signature: match[4]! }
}

/**
 * The one refusal of a token that does not authenticate — unknown client, bad signature, stale, disabled, used
 * before: one answer for all (`unauthenticated`, M37.2).
 *
 * @since 0.1.0
 */
export const refused = (): Refusal.Refusal =>
  Refusal.unauthenticated("M30.1", "接口客户端身份验证失败", "the API client's token does not authenticate", {})

/**
 * Authenticate a token at `now` against the stored client it names: the client, or the refusal. The signature is
 * checked with the client's public key; the token is no older and no newer than {@link tokenLifetimeSeconds}. That
 * the token is used once is the store's to hold (its nonce, a unique key): see `Sharing.authenticate`.
 *
 * @since 0.1.0
 */
export const authenticate = (
  client: Client | undefined,
  value: string,
  now: Date
): Either.Either<Client, Refusal.Refusal> => {
  const parts = parse(value)
  if (parts === undefined || client === undefined || client.id !== parts.clientId || client.status !== "active") {
    return Either.left(refused())
  }
  if (Math.abs(now.getTime() / 1000 - parts.issued) > tokenLifetimeSeconds) return Either.left(refused())
  try {
    const key = createPublicKey({ key: Buffer.from(client.publicKey, "base64url"), format: "der", type: "spki" })
    return verify(
      null,
      message(parts.clientId, parts.issued, parts.nonce),
      key,
      Buffer.from(parts.signature, "base64url")
    )
      ? Either.right(client)
      : Either.left(refused())
  } catch {
    return Either.left(refused())
  }
}
