/**
 * A vendor's own adapter with subtle breaks, for the demonstration that the storage conformance suite catches what
 * the services cannot (BrokenAdapter.test.ts). It is the Kysely adapter over SQLite, built as a vendor builds one
 * (`KyselyStorage.layer` with a `Flavor`), with two mistakes:
 *
 * - its flavor makes the indexes over some rows without `unique`: the indexes exist under their names, the services
 *   still check one active system admin per unit (M14.4) in code, and every ordinary path works — but the database
 *   itself no longer refuses a second active system admin, nor a second open process of a teacher (M24.3);
 * - its units' `update` reads the stored version and writes at it, instead of `… where version = ?` at the version
 *   the caller saw: a stale update overwrites a newer one (a lost update) instead of failing with `Conflict`.
 *
 * {@link layer} is the same database with the real SQLite adapter, the control.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type Database, type Flavor, KyselyStorage } from "@tmis/adapter-kysely"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Storage, type Unit } from "@tmis/core"
import type { TestDatabase } from "@tmis/testkit/conformance"
import { Effect, Layer, Option } from "effect"
import { Kysely, SqliteDialect, sql } from "kysely"

/** The SQLite flavor but for one line: `create index` where it should say `create unique index`. */
export const brokenFlavor: Flavor = {
  ...Sqlite.flavor,
  name: "sqlite-without-unique",
  partialUniqueIndex: async (db, index) => {
    await sql
      .raw(`create index ${index.name} on ${index.table} (${index.columns.join(", ")}) where ${index.where}`)
      .execute(db)
  }
}

/** Units updated at whatever version is stored: the optimistic check left out. */
const withoutVersionCheck = Layer.effect(
  Storage.Storage,
  Effect.map(Storage.Storage, (storage) => ({
    ...storage,
    units: {
      ...storage.units,
      update: (next: Unit.Unit, expectedVersion: number) =>
        Effect.flatMap(storage.units.get(next.id), (stored) =>
          storage.units.update(next, Option.match(stored, { onNone: () => expectedVersion, onSome: (s) => s.version }))
        )
    }
  }))
)

/** The broken adapter's storage on a SQLite file (the worker of the suite's races calls it too). */
export const brokenLayer = (options: {
  readonly filename: string
}): Layer.Layer<Storage.Storage, Storage.StorageError> =>
  withoutVersionCheck.pipe(
    Layer.provide(
      KyselyStorage.layer(
        async () =>
          new Kysely<Database.Database>({ dialect: new SqliteDialect({ database: await Sqlite.open(options) }) }),
        brokenFlavor,
        { description: options.filename }
      )
    )
  )

/** The real SQLite adapter's storage, the control. */
export const layer = (options: { readonly filename: string }): Layer.Layer<Storage.Storage, Storage.StorageError> =>
  Sqlite.layer(options)

const thisModule = fileURLToPath(import.meta.url)

/** Fresh databases for the conformance suite over the broken adapter or the real one. */
export const database = (adapter: "broken" | "real") => async (): Promise<TestDatabase> => {
  const directory = await mkdtemp(join(tmpdir(), `tmis-${adapter}-`))
  const filename = join(directory, "tmis.db")
  const exportName = adapter === "broken" ? "brokenLayer" : "layer"
  return {
    layer: () => (adapter === "broken" ? brokenLayer({ filename }) : layer({ filename })),
    drop: () => rm(directory, { recursive: true, force: true }),
    worker: { module: thisModule, exportName, args: { filename } }
  }
}
