/**
 * Fresh Postgres databases for the storage conformance suite: `tmis_<random hex>` created through the admin
 * connection TMIS_PG_URL, raw access through pg, dropped with its connections at the end. Child processes open the
 * same database through this adapter's `layer` (the races and the crash test of the suite run in them).
 */
import { randomBytes } from "node:crypto"
import { fileURLToPath } from "node:url"
import * as Pg from "@tmis/adapter-postgres"
import type { TestDatabase } from "@tmis/testkit/conformance"
import pg from "pg"

const adapterModule = fileURLToPath(new URL("../src/index.ts", import.meta.url))

/** The admin connection that creates and drops the test databases. */
export const adminUrl = process.env.TMIS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"

const shown = adminUrl.replace(/:[^:@/]*@/, ":***@")

const withAdmin = async <A>(f: (client: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    return await f(client)
  } finally {
    await client.end()
  }
}

/**
 * Whether Postgres answers at {@link adminUrl}. Unreachable outside CI: one warning, and the suite is skipped;
 * in CI (CI=true) an unreachable Postgres fails the run.
 */
export const postgresReachable = async (): Promise<boolean> => {
  try {
    await withAdmin((client) => client.query("select 1"))
    return true
  } catch (error) {
    if (process.env.CI === "true") {
      throw new Error(`postgres not reachable at ${shown} in CI: ${String(error)}`, { cause: error })
    }
    console.warn(`postgres not reachable at ${shown}: skipping the postgres storage suite`)
    return false
  }
}

export const postgresDatabase = async (): Promise<TestDatabase> => {
  const name = `tmis_${randomBytes(8).toString("hex")}`
  await withAdmin((client) => client.query(`create database ${name}`))
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const connectionString = url.toString()
  let connection: pg.Client | undefined
  const raw = async (sql: string): Promise<unknown> => {
    if (connection === undefined) {
      connection = new pg.Client({ connectionString })
      await connection.connect()
    }
    return (await connection.query(sql)).rows
  }
  return {
    layer: () => Pg.layer({ connectionString }),
    drop: async () => {
      await connection?.end()
      await withAdmin(async (client) => {
        // A closed pool's connections may still be closing: let them go before terminating what remains, so
        // that no client receives "terminating connection due to administrator command" as an error event.
        for (let i = 0; i < 100; i++) {
          const { rows } = await client.query<{ n: number }>(
            "select count(*)::int as n from pg_stat_activity where datname = $1",
            [name]
          )
          if (rows[0]?.n === 0) break
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        await client.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [name])
        await client.query(`drop database if exists ${name}`)
      })
    },
    worker: { module: adapterModule, exportName: "layer", args: { connectionString } },
    raw,
    unprotectAuditLog: ["alter table audit_log disable trigger user"]
  }
}
