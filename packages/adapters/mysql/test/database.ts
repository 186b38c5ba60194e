/**
 * Fresh MariaDB (MySQL-family) databases for the storage conformance suite: `tmis_<random hex>` created through the
 * admin connection TMIS_MYSQL_URL, raw access through mysql2, dropped at the end. Child processes open the same
 * database through this adapter's `layer` (the races and the crash test of the suite run in them).
 */
import { randomBytes } from "node:crypto"
import { fileURLToPath } from "node:url"
import * as Mysql from "@tmis/adapter-mysql"
import type { TestDatabase } from "@tmis/testkit/conformance"
import { Effect, Layer } from "effect"
import mysql from "mysql2/promise"
import { afterAll } from "vitest"

const adapterModule = fileURLToPath(new URL("../src/index.ts", import.meta.url))

/** The admin connection that creates and drops the test databases. */
export const adminUrl = process.env.TMIS_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test"

const shown = adminUrl.replace(/:[^:@/]*@/, ":***@")

const withAdmin = async <A>(f: (connection: mysql.Connection) => Promise<A>): Promise<A> => {
  const connection = await mysql.createConnection({ uri: adminUrl, connectTimeout: 5_000 })
  try {
    return await f(connection)
  } finally {
    await connection.end()
  }
}

/**
 * Whether MariaDB answers at {@link adminUrl}. Unreachable outside CI: one warning, and the suite is skipped;
 * in CI (CI=true) an unreachable server fails the run.
 */
export const mariadbReachable = async (): Promise<boolean> => {
  try {
    await withAdmin((connection) => connection.query("select 1"))
    return true
  } catch (error) {
    if (process.env.CI === "true") {
      throw new Error(`mariadb not reachable at ${shown} in CI: ${String(error)}`, { cause: error })
    }
    console.warn(`mariadb not reachable at ${shown}: skipping the mariadb storage suite`)
    return false
  }
}

/** A database made and migrated by this adapter (its `layer` opened and closed once), ready for a test. */
const prepared = async (): Promise<{ readonly name: string; readonly connectionString: string }> => {
  const name = `tmis_${randomBytes(8).toString("hex")}`
  await withAdmin((connection) => connection.query(`create database ${name}`))
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const connectionString = url.toString()
  await Effect.runPromise(Effect.scoped(Layer.build(Mysql.layer({ connectionString }))))
  return { name, connectionString }
}

/**
 * The databases made ahead of the tests. DDL on InnoDB waits for the disk at every statement (a table, an index,
 * a trigger: some 80 of them, several seconds), so a few databases are made and migrated while the tests run;
 * each test still gets a fresh database of its own, migrated by this adapter.
 */
const ahead = 3
const stock: Array<Promise<{ readonly name: string; readonly connectionString: string }>> = []
const refill = () => {
  while (stock.length < ahead) {
    const made = prepared()
    made.catch(() => undefined)
    stock.push(made)
  }
}

// The databases made ahead and never used are dropped when the test file ends.
afterAll(async () => {
  const left = stock.splice(0)
  for (const made of left) {
    const database = await made.catch(() => undefined)
    if (database !== undefined) await withAdmin((admin) => admin.query(`drop database if exists ${database.name}`))
  }
})

export const mariadbDatabase = async (): Promise<TestDatabase> => {
  refill()
  const made = stock.shift()!
  refill()
  const { name, connectionString } = await made
  let connection: mysql.Connection | undefined
  const raw = async (sql: string): Promise<unknown> => {
    if (connection === undefined) connection = await mysql.createConnection({ uri: connectionString })
    const [rows] = await connection.query(sql)
    return rows
  }
  return {
    layer: () => Mysql.layer({ connectionString }),
    drop: async () => {
      await connection?.end()
      await withAdmin((admin) => admin.query(`drop database if exists ${name}`))
    },
    worker: { module: adapterModule, exportName: "layer", args: { connectionString } },
    raw,
    unprotectAuditLog: ["drop trigger audit_log_no_update", "drop trigger audit_log_no_delete"]
  }
}
