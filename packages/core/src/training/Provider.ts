/**
 * A training provider (培训机构, M25.1, M25.2): a new kind of actor, outside the unit hierarchy and its accounts,
 * scoped to its own projects only.
 *
 * - **Registered** by an info admin of the unit that owns it (a bureau, or a school for its school-based training):
 *   the provider record names its owner; registration issues a key, shown once and stored only as its SHA-256.
 * - **Authenticated** by a machine credential: its id and key (`x-provider-id`, `x-provider-key` over HTTP). It
 *   has no account, no session and no role of M13: it cannot read or write anything but its projects' results.
 * - **Disabled** by its owner's info admin; a disabled provider's key is refused, and a new key (re-issued by the
 *   owner) replaces the old one.
 *
 * @since 0.1.0
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import { Either, Schema } from "effect"
import * as Refusal from "../kernel/Refusal.js"

/**
 * A provider as stored: never its key, only the key's SHA-256 (hex).
 *
 * @since 0.1.0
 */
export const Provider = Schema.Struct({
  id: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]{1,64}$/)),
  name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
  ownerUnitId: Schema.String,
  ownerPath: Schema.String,
  status: Schema.Literal("active", "disabled"),
  keyHash: Schema.String,
  createdBy: Schema.String,
  createdAt: Schema.String
})

/**
 * @since 0.1.0
 */
export type Provider = typeof Provider.Type

/**
 * A provider acting in a request, once authenticated.
 *
 * @since 0.1.0
 */
export interface Actor {
  readonly providerId: string
  readonly status: "active" | "disabled"
}

/**
 * A new random key (32 bytes, base64url).
 *
 * @since 0.1.0
 */
export const newKey = (): string => randomBytes(32).toString("base64url")

/**
 * The stored form of a key.
 *
 * @since 0.1.0
 */
export const hashKey = (key: string): string => createHash("sha256").update(key, "utf8").digest("hex")

const unauthenticated = (id: string) =>
  Refusal.make("unauthenticated", "M25.2", "培训机构身份验证失败", "the training provider could not be authenticated", {
    field: "provider",
    value: id
  })

/**
 * Authenticate a provider by its key: its actor, or `unauthenticated` (unknown, wrong key and disabled look alike).
 *
 * @since 0.1.0
 */
export const authenticate = (
  provider: Provider | undefined,
  id: string,
  key: string
): Either.Either<Actor, Refusal.Refusal> => {
  if (provider === undefined || provider.status !== "active") return Either.left(unauthenticated(id))
  const given = Buffer.from(hashKey(key), "hex")
  const stored = Buffer.from(provider.keyHash, "hex")
  return given.length === stored.length && timingSafeEqual(given, stored)
    ? Either.right({ providerId: provider.id, status: provider.status })
    : Either.left(unauthenticated(id))
}
