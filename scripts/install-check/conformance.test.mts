/**
 * The storage conformance suite as a vendor runs it, from the installed @tmis/testkit (scripts/install-check.sh copies
 * this file into the empty project and runs it with vitest): fresh SQLite databases through the installed adapter,
 * the races and the crash test in child processes that import the adapter by its package name (the suite's built
 * workers, from node_modules), the tampering tests through raw SQL. Some areas only: the whole suite runs in the
 * repository's own tests.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Sqlite from "@tmis/adapter-sqlite"
import { storageConformance, type TestDatabase } from "@tmis/testkit/conformance"
import Database from "better-sqlite3"

const database = async (): Promise<TestDatabase> => {
  const directory = await mkdtemp(join(tmpdir(), "tmis-vendor-"))
  const filename = join(directory, "tmis.db")
  // Opened at the first raw statement, once the adapter has made the database.
  let connection: Database.Database | undefined
  return {
    layer: () => Sqlite.layer({ filename }),
    drop: async () => {
      connection?.close()
      await rm(directory, { recursive: true, force: true })
    },
    worker: { module: "@tmis/adapter-sqlite", exportName: "layer", args: { filename } },
    raw: async (sql) => {
      connection ??= new Database(filename)
      const statement = connection.prepare(sql)
      return statement.reader ? statement.all() : statement.run()
    }
  }
}

storageConformance("installed sqlite", database, { areas: ["accounts", "audit", "crash"], attempts: 8, processes: 2 })
