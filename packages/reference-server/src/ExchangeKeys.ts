/**
 * The keys of the province → national exchange (M32.1) as the server holds them: configuration, never the database,
 * a package or the audit log. Read once at start from files the environment names:
 *
 * - `TMIS_EXCHANGE_PRIVATE_KEY`: the PEM file (PKCS#8) of this deployment's Ed25519 private key — the province's key
 *   on a provincial system, the national key on the national one;
 * - `TMIS_EXCHANGE_NATIONAL_KEY`: on a provincial system, the PEM file (SPKI) of the national public key;
 * - `TMIS_EXCHANGE_PROVINCE_KEYS`: on the national system, a directory of the provinces' public keys, one
 *   `<code>.pem` (SPKI) per province (`42.pem`): the registry `Exchange.ingest` verifies with.
 *
 * @since 0.1.0
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import type { Exchange } from "@tmis/core"
import { Context } from "effect"

/**
 * What the exchange signs and verifies with; a part not configured is absent.
 *
 * @since 0.1.0
 */
export interface Keys {
  readonly privateKey?: string | undefined
  readonly nationalPublicKey?: string | undefined
  readonly provinces: Exchange.KeyRegistry
}

/**
 * @since 0.1.0
 */
export class ExchangeKeys extends Context.Tag("@tmis/server/ExchangeKeys")<ExchangeKeys, Keys>() {}

/**
 * No keys: every exchange endpoint that needs one refuses (M32.1).
 *
 * @since 0.1.0
 */
export const none: Keys = { provinces: {} }

/**
 * The keys the environment names (see the module's comment); a file that cannot be read fails the start.
 *
 * @since 0.1.0
 */
export const fromEnv = (env: Readonly<Record<string, string | undefined>>): Keys => {
  const read = (path: string | undefined) =>
    path === undefined || path === "" ? undefined : readFileSync(path, "utf8")
  const dir = env.TMIS_EXCHANGE_PROVINCE_KEYS
  const provinces: Record<string, string> = {}
  if (dir !== undefined && dir !== "") {
    for (const name of readdirSync(dir)) {
      const code = /^(\d{2})\.pem$/.exec(name)?.[1]
      if (code !== undefined) provinces[code] = readFileSync(join(dir, name), "utf8")
    }
  }
  return {
    privateKey: read(env.TMIS_EXCHANGE_PRIVATE_KEY),
    nationalPublicKey: read(env.TMIS_EXCHANGE_NATIONAL_KEY),
    provinces
  }
}
