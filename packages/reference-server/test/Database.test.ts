import { existsSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { Storage } from "@tmis/core"
import { Cause, Effect, Either, Exit, Option } from "effect"
import pg from "pg"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import * as Database from "../src/Database.js"
import { postgres, postgresReachable } from "./support.js"

/** Open the store a configuration names, and read back whether it has a root (a fresh store has none). */
const openAndReadRoot = (config: Database.Config) =>
  Effect.runPromiseExit(
    Effect.provide(
      Effect.flatMap(Storage.Storage, (s) => s.units.root()),
      Database.storageLayer(config)
    )
  )

const targetOf = (config: Database.Config) => Either.getOrThrow(Database.target(config))

describe("the database URL", () => {
  it("postgres:// and postgresql:// are Postgres, whatever the case of the scheme", () => {
    for (const url of ["postgres://u:p@db:5432/tmis", "postgresql://db/tmis", "POSTGRES://db/tmis"]) {
      expect(targetOf({ url })).toEqual({ _tag: "Postgres", connectionString: url })
    }
  })

  it("file: and plain paths are SQLite files", () => {
    const sqlite = (filename: string) => ({ _tag: "Sqlite", filename, createDirectory: undefined })
    expect(targetOf({ url: "file:./var/tmis.sqlite" })).toEqual(sqlite("./var/tmis.sqlite"))
    expect(targetOf({ url: "file:/srv/tmis.sqlite" })).toEqual(sqlite("/srv/tmis.sqlite"))
    expect(targetOf({ url: pathToFileURL("/srv/tmis data.sqlite").href })).toEqual(sqlite("/srv/tmis data.sqlite"))
    expect(targetOf({ url: "./tmis.sqlite" })).toEqual(sqlite("./tmis.sqlite"))
    expect(targetOf({ url: "/var/lib/tmis/tmis.sqlite" })).toEqual(sqlite("/var/lib/tmis/tmis.sqlite"))
    // A Windows drive letter is not a scheme.
    expect(targetOf({ url: "C:\\tmis\\tmis.sqlite" })).toEqual(sqlite("C:\\tmis\\tmis.sqlite"))
  })

  it("no URL, or a blank one, is tmis.sqlite in the data directory, ./data by default", () => {
    expect(targetOf({})).toEqual({ _tag: "Sqlite", filename: "./data/tmis.sqlite", createDirectory: "./data" })
    expect(targetOf({ url: "  " })).toEqual(targetOf({}))
    expect(targetOf({ url: undefined, dataDir: "/srv/tmis/" })).toEqual({
      _tag: "Sqlite",
      filename: "/srv/tmis/tmis.sqlite",
      createDirectory: "/srv/tmis"
    })
  })

  it("an unknown scheme is refused with the value, the accepted forms, and no password", () => {
    const refused = Database.target({ url: "oracle://admin:s3cret@db/tmis" })
    expect(Either.isLeft(refused)).toBe(true)
    const error = Either.getLeft(refused).pipe(Option.getOrThrow)
    expect(error._tag).toBe("DatabaseConfigError")
    expect(error.url).toBe("oracle://admin:***@db/tmis")
    expect(error.message).toContain("oracle://admin:***@db/tmis")
    expect(error.message).toContain("postgres://")
    expect(error.message).toContain("mysql://")
    expect(error.message).toContain("file:")
    expect(error.message).not.toContain("s3cret")
    expect(Either.isLeft(Database.target({ url: "file:" }))).toBe(true)
  })

  it("describe names the store and never prints the password", () => {
    expect(Database.describe({})).toBe("sqlite ./data/tmis.sqlite")
    expect(Database.describe({ url: "file:/srv/tmis.sqlite" })).toBe("sqlite /srv/tmis.sqlite")
    expect(Database.describe({ url: "postgres://tmis:s3cret@127.0.0.1:5432/test" })).toBe(
      "postgres 127.0.0.1:5432/test"
    )
    expect(Database.describe({ url: "postgresql://db.internal/tmis?host=/run/pg" })).toBe("postgres db.internal/tmis")
    expect(Database.describe({ url: "postgres:///tmis?host=/run/postgresql" })).toBe("postgres /run/postgresql/tmis")
    // A password with an unencoded "@" is masked whole.
    for (const url of ["postgres://tmis:p@ss%word@db/tmis", "mysql://tmis:p@ss@db/tmis"]) {
      const described = Database.describe({ url })
      expect(described).not.toContain("p@ss")
      expect(described).not.toContain("ss%word")
    }
  })

  it("fromEnv reads TMIS_DATABASE_URL", () => {
    expect(Database.fromEnv({ TMIS_DATABASE_URL: "postgres://db/tmis" })).toEqual({ url: "postgres://db/tmis" })
    expect(Database.fromEnv({})).toEqual({ url: undefined })
  })
})

describe("the storage layer", () => {
  let directory: string

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "tmis-database-"))
  })

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it("opens and migrates the default SQLite file, creating the data directory", async () => {
    const dataDir = join(directory, "nested", "data")
    const exit = await openAndReadRoot({ dataDir })
    expect(exit).toEqual(Exit.succeed(Option.none()))
    expect(existsSync(join(dataDir, "tmis.sqlite"))).toBe(true)
  })

  it("opens a SQLite file named by a file: URL", async () => {
    const filename = join(directory, "named.sqlite")
    const exit = await openAndReadRoot({ url: pathToFileURL(filename).href })
    expect(exit).toEqual(Exit.succeed(Option.none()))
    expect(existsSync(filename)).toBe(true)
  })

  it("fails with DatabaseConfigError on an unknown scheme, opening nothing", async () => {
    const exit = await openAndReadRoot({ url: "mongodb://db/tmis", dataDir: directory })
    expect(Exit.isFailure(exit)).toBe(true)
    const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
    expect(Option.map(failure, (e) => e._tag)).toEqual(Option.some("DatabaseConfigError"))
    expect(existsSync(join(directory, "tmis.sqlite"))).toBe(false)
  })

  it.skipIf(!postgresReachable)("opens and migrates a Postgres database named by a postgres:// URL", async () => {
    const database = await postgres()
    try {
      expect(await openAndReadRoot({ url: database.url })).toEqual(Exit.succeed(Option.none()))
      const client = new pg.Client({ connectionString: database.url })
      await client.connect()
      try {
        const migrated = await client.query("select 1 from information_schema.tables where table_name = 'audit_log'")
        expect(migrated.rowCount).toBe(1)
      } finally {
        await client.end()
      }
    } finally {
      await database.drop()
    }
  })
})
