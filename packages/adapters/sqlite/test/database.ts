/**
 * Fresh SQLite databases for the storage conformance suite: a file in a new temporary directory, raw access
 * through better-sqlite3, and this adapter's `layer` as the worker of the concurrency tests (better-sqlite3
 * blocks its process while it waits for a lock, so concurrency is real only across processes).
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Sqlite from "@tmis/adapter-sqlite"
import type { TestDatabase } from "@tmis/testkit/conformance"
import Database from "better-sqlite3"

const adapterModule = fileURLToPath(new URL("../src/index.ts", import.meta.url))

export const sqliteDatabase = async (): Promise<TestDatabase> => {
  const directory = await mkdtemp(join(tmpdir(), "tmis-sqlite-"))
  const filename = join(directory, "tmis.db")
  let connection: Database.Database | undefined
  const raw = async (sql: string): Promise<unknown> => {
    if (connection === undefined) {
      connection = new Database(filename)
      connection.pragma("busy_timeout = 5000")
    }
    const statement = connection.prepare(sql)
    return statement.reader ? statement.all() : statement.run()
  }
  return {
    layer: () => Sqlite.layer({ filename }),
    drop: async () => {
      connection?.close()
      await rm(directory, { recursive: true, force: true })
    },
    worker: { module: adapterModule, exportName: "layer", args: { filename } },
    raw,
    unprotectAuditLog: ["drop trigger audit_log_no_update", "drop trigger audit_log_no_delete"]
  }
}
