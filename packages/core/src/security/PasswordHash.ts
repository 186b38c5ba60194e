/**
 * Password hashing (口令存储) for M37.2: scrypt from node:crypto with a random salt, parameters kept in the stored
 * string so that they can be raised later (`needsRehash`), constant-time comparison, and a dummy hash so that an
 * unknown account costs a login the same time as a known one. Re-exported by `Credential`.
 *
 * @since 0.1.0
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto"
import { Effect } from "effect"

/**
 * The scrypt cost parameters: `N` (CPU/memory cost, a power of two), `r` (block size), `p` (parallelism).
 *
 * @since 0.1.0
 */
export interface HashParams {
  readonly N: number
  readonly r: number
  readonly p: number
}

/**
 * The default cost, N=2^15 r=8 p=1: about 32 MiB and a few tenths of a second per hash on a server core — the
 * OWASP Password Storage Cheat Sheet's scrypt baseline is N=2^17; 2^15 is the interactive setting of the scrypt
 * paper. A deployment may raise it; {@link needsRehash} tells when a stored hash is behind.
 *
 * @since 0.1.0
 */
export const defaultHashParams: HashParams = { N: 2 ** 15, r: 8, p: 1 }

/**
 * Bytes of random salt per hash.
 *
 * @since 0.1.0
 */
export const saltBytes = 16

/**
 * Bytes of derived key per hash.
 *
 * @since 0.1.0
 */
export const keyBytes = 32

// Parameters read back from a stored string are bounded, so that a corrupted or planted record cannot make one
// verification allocate gigabytes.
const maxN = 2 ** 20
const maxR = 32
const maxP = 16

/**
 * The memory scrypt needs for these parameters, as OpenSSL counts it (`128·r·(N+2)` for V plus `128·r·p` for B).
 * Node's default `maxmem` is 32 MiB, which N=2^15 r=8 already exceeds by a few kilobytes, so it is always passed.
 *
 * @since 0.1.0
 */
export const maxmem = (params: HashParams): number => 128 * params.r * (params.N + 2 + params.p)

const validParams = (params: HashParams): boolean =>
  Number.isInteger(params.N) &&
  params.N > 1 &&
  params.N <= maxN &&
  (params.N & (params.N - 1)) === 0 &&
  Number.isInteger(params.r) &&
  params.r >= 1 &&
  params.r <= maxR &&
  Number.isInteger(params.p) &&
  params.p >= 1 &&
  params.p <= maxP

// NFKC so that the same password typed through different input methods (full-width digits from a Chinese IME,
// composed or decomposed accents) hashes the same; NIST SP 800-63B §5.1.1.2 recommends it.
/**
 * The form in which a password is hashed and compared: Unicode NFKC, so that full-width and half-width input match.
 *
 * @since 0.1.0
 */
export const normalize = (password: string): string => password.normalize("NFKC")

const derive = (password: string, salt: Buffer, length: number, params: HashParams): Effect.Effect<Buffer> =>
  Effect.async<Buffer>((resume) => {
    try {
      scrypt(
        normalize(password),
        salt,
        length,
        { N: params.N, r: params.r, p: params.p, maxmem: maxmem(params) },
        (error, key) => resume(error ? Effect.die(error) : Effect.succeed(key))
      )
    } catch (error) {
      // Invalid parameters throw synchronously: a programming error, not a refusal.
      resume(Effect.die(error))
    }
  })

/**
 * A stored hash, parsed.
 *
 * @since 0.1.0
 */
export interface Parsed {
  readonly params: HashParams
  readonly salt: Buffer
  readonly hash: Buffer
}

const base64 = /^[A-Za-z0-9+/]+={0,2}$/
const decimal = /^[1-9][0-9]{0,9}$/

/**
 * Parse `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`; undefined when malformed or its parameters are out of bounds.
 *
 * @since 0.1.0
 */
export const parse = (stored: string): Parsed | undefined => {
  const parts = stored.split("$")
  if (parts.length !== 6 || parts[0] !== "scrypt") return undefined
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string]
  if (!decimal.test(n) || !decimal.test(r) || !decimal.test(p)) return undefined
  if (!base64.test(salt) || !base64.test(hash)) return undefined
  const params = { N: Number(n), r: Number(r), p: Number(p) }
  if (!validParams(params)) return undefined
  const parsed = { params, salt: Buffer.from(salt, "base64"), hash: Buffer.from(hash, "base64") }
  if (parsed.salt.length === 0 || parsed.hash.length < 16 || parsed.hash.length > 64) return undefined
  return parsed
}

const format = (params: HashParams, salt: Buffer, hash: Buffer): string =>
  `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString("base64")}$${hash.toString("base64")}`

/**
 * Hash a password with scrypt and a fresh 16-byte random salt, as the self-describing string
 * `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` (standard base64, padded). Invalid `params` are a defect.
 *
 * @since 0.1.0
 */
export const hash = (password: string, params: HashParams = defaultHashParams): Effect.Effect<string> =>
  Effect.suspend(() => {
    if (!validParams(params)) return Effect.die(new RangeError(`invalid scrypt parameters ${JSON.stringify(params)}`))
    const salt = randomBytes(saltBytes)
    return Effect.map(derive(password, salt, keyBytes, params), (key) => format(params, salt, key))
  })

/**
 * Whether `password` matches a stored hash, compared in constant time (`crypto.timingSafeEqual`). A malformed
 * stored string matches nothing.
 *
 * @since 0.1.0
 */
export const verify = (password: string, stored: string): Effect.Effect<boolean> =>
  Effect.suspend(() => {
    const parsed = parse(stored)
    if (parsed === undefined) return Effect.succeed(false)
    return Effect.map(derive(password, parsed.salt, parsed.hash.length, parsed.params), (key) =>
      timingSafeEqual(key, parsed.hash)
    )
  })

/**
 * Whether a stored hash should be replaced at the next successful login: malformed, or made with other parameters,
 * salt length or key length than `params` and this module use now.
 *
 * @since 0.1.0
 */
export const needsRehash = (stored: string, params: HashParams = defaultHashParams): boolean => {
  const parsed = parse(stored)
  return (
    parsed === undefined ||
    parsed.params.N !== params.N ||
    parsed.params.r !== params.r ||
    parsed.params.p !== params.p ||
    parsed.salt.length !== saltBytes ||
    parsed.hash.length !== keyBytes
  )
}

/**
 * A well-formed stored hash for `params` that no password is known to match, to verify against when the account
 * does not exist (see {@link dummyHash}).
 *
 * @since 0.1.0
 */
export const dummyHashFor = (params: HashParams): string =>
  format(params, Buffer.alloc(saltBytes, 0x5a), Buffer.alloc(keyBytes, 0xa5))

/**
 * The stand-in hash for logins to an unknown account, at {@link defaultHashParams}.
 *
 * An attacker who can time the login response learns which accounts exist if unknown accounts answer faster than
 * known ones (no scrypt run). So for an unknown account the caller still runs `verify(password, dummyHash)` —
 * the same cost as a real verification — ignores its result, and decides with `passwordOk: false` (on
 * {@link initialState}, discarding `next`). The outcome is then `"refused"`, indistinguishable from a wrong password
 * or a locked account. A deployment with other hash parameters uses `dummyHashFor(itsParams)` instead, so that the
 * cost matches. Its content is irrelevant: the caller never trusts the result.
 *
 * @since 0.1.0
 */
export const dummyHash: string = dummyHashFor(defaultHashParams)
