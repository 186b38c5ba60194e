/**
 * Which store the server opens: a database URL (the CLI reads it from `TMIS_DATABASE_URL`) becomes the storage
 * layer of the Postgres or the SQLite adapter, both of which migrate the schema when they open. Without a URL the
 * server keeps a SQLite file in its data directory, so that `tmis serve` works with no setup at all.
 *
 * @since 0.1.0
 */
import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as Mysql from "@tmis/adapter-mysql"
import * as Postgres from "@tmis/adapter-postgres"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Storage } from "@tmis/core"
import { Effect, Either, Layer, Schema } from "effect"

/**
 * Where the store is configured: a database URL (undefined or blank for the default SQLite file) and the data
 * directory that default file lives in (`./data` when absent).
 *
 * @since 0.1.0
 */
export interface Config {
  readonly url?: string | undefined
  readonly dataDir?: string | undefined
}

/**
 * The forms of a database URL that {@link storageLayer} accepts, as the error message lists them.
 *
 * @since 0.1.0
 */
export const acceptedForms = [
  "postgres://user:password@host:port/database",
  "postgresql://…",
  "mysql://user:password@host:port/database (MySQL, MariaDB)",
  "file:path/to/tmis.sqlite",
  "a file path (./data/tmis.sqlite)"
] as const

/**
 * A database URL with a scheme the server does not know. `url` is the value with any password masked.
 *
 * @since 0.1.0
 */
export class DatabaseConfigError extends Schema.TaggedError<DatabaseConfigError>()("DatabaseConfigError", {
  url: Schema.String
}) {
  override get message() {
    return `unsupported database URL ${JSON.stringify(this.url)} (TMIS_DATABASE_URL): use ${acceptedForms.join(", ")}`
  }
}

/**
 * The store a configuration names: a Postgres database, or a SQLite file (`createDirectory` for the default file,
 * whose directory is made when the store opens).
 *
 * @since 0.1.0
 */
export type Target =
  | { readonly _tag: "Postgres"; readonly connectionString: string }
  | { readonly _tag: "Mysql"; readonly connectionString: string }
  | { readonly _tag: "Sqlite"; readonly filename: string; readonly createDirectory: string | undefined }

/**
 * A URL with its password masked, wherever it may show (messages, logs). The user information ends at the last "@"
 * before the query, so that a password with an unencoded "@" is masked whole.
 */
const redact = (url: string): string => {
  const parts = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)(.*)$/s.exec(url)
  if (parts === null) return url
  const [, prefix = "", rest = ""] = parts
  const query = rest.search(/[?#]/)
  const at = (query === -1 ? rest : rest.slice(0, query)).lastIndexOf("@")
  const colon = rest.indexOf(":")
  if (at === -1 || colon === -1 || colon > at) return url
  return `${prefix}${rest.slice(0, colon)}:***${rest.slice(at)}`
}

// A scheme has two characters or more, so that a Windows drive ("C:\data\tmis.sqlite") reads as a path.
const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/

const defaultDirectory = "./data"

/**
 * Read a configuration: `postgres://` or `postgresql://` is Postgres; `file:` or a path without a scheme is a
 * SQLite file; no URL (or a blank one) is `<dataDir>/tmis.sqlite`; any other scheme is a {@link DatabaseConfigError}.
 *
 * @since 0.1.0
 */
export const target = (config: Config): Either.Either<Target, DatabaseConfigError> => {
  const url = config.url?.trim() ?? ""
  if (url === "") {
    const directory = (config.dataDir ?? defaultDirectory).replace(/[/\\]+$/, "") || "/"
    const separator = directory.endsWith("/") ? "" : "/"
    return Either.right({
      _tag: "Sqlite",
      filename: `${directory}${separator}tmis.sqlite`,
      createDirectory: directory
    })
  }
  const found = scheme.exec(url)?.[1]?.toLowerCase()
  if (found === undefined) return Either.right({ _tag: "Sqlite", filename: url, createDirectory: undefined })
  if (found === "postgres" || found === "postgresql") return Either.right({ _tag: "Postgres", connectionString: url })
  if (found === "mysql" || found === "mariadb") return Either.right({ _tag: "Mysql", connectionString: url })
  if (found === "file") {
    // file:///abs/path is a proper file URL; file:relative/path and file:/abs/path are the SQLite habit.
    const filename = url.startsWith("file://") ? fileURLToPath(url) : url.slice("file:".length)
    if (filename !== "") return Either.right({ _tag: "Sqlite", filename, createDirectory: undefined })
  }
  return Either.left(new DatabaseConfigError({ url: redact(url) }))
}

/**
 * The storage layer a configuration names (see {@link target}): the Postgres adapter, or the SQLite adapter on a
 * file; the default file's directory is created when the layer is built. Both adapters migrate to the latest
 * schema when they open.
 *
 * @since 0.1.0
 */
export const storageLayer = (
  config: Config
): Layer.Layer<Storage.Storage, Storage.StorageError | DatabaseConfigError> =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const chosen = yield* target(config)
      if (chosen._tag === "Postgres") return Postgres.layer({ connectionString: chosen.connectionString })
      if (chosen._tag === "Mysql")
        return Mysql.layer({ connectionString: chosen.connectionString.replace(/^mariadb:/i, "mysql:") })
      const directory = chosen.createDirectory
      if (directory !== undefined) {
        yield* Effect.try({
          try: () => mkdirSync(directory, { recursive: true }),
          catch: (cause) => new Storage.StorageError({ operation: "open", cause })
        })
      }
      return Sqlite.layer({ filename: chosen.filename })
    })
  )

/**
 * The store a configuration names, for a log line: `sqlite ./data/tmis.sqlite`, `postgres 127.0.0.1:5432/test`.
 * Never the password.
 *
 * @since 0.1.0
 */
export const describe = (config: Config): string =>
  Either.match(target(config), {
    onLeft: (error) => `unsupported ${error.url}`,
    onRight: (chosen) => {
      if (chosen._tag === "Sqlite") return `sqlite ${chosen.filename}`
      if (chosen._tag === "Mysql") {
        try {
          const url = new URL(chosen.connectionString)
          return `mysql ${url.host}${url.pathname}`
        } catch {
          return `mysql ${redact(chosen.connectionString)}`
        }
      }
      try {
        const url = new URL(chosen.connectionString)
        // pg takes the host from the query too (a Unix socket directory: ?host=/var/run/postgresql).
        const host = url.host !== "" ? url.host : (url.searchParams.get("host") ?? "localhost")
        return `postgres ${host}${url.pathname}`
      } catch {
        // Not a URL the WHATWG parser reads (pg reads more forms): show it without its password.
        return `postgres ${redact(chosen.connectionString)}`
      }
    }
  })

/**
 * The configuration from the environment: `TMIS_DATABASE_URL`.
 *
 * @since 0.1.0
 */
export const fromEnv = (env: Readonly<Record<string, string | undefined>> = process.env): Config => ({
  url: env.TMIS_DATABASE_URL
})
