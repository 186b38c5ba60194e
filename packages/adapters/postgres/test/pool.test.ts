import * as Pg from "@tmis/adapter-postgres"
import pg from "pg"
import { afterAll, describe, expect, it } from "vitest"
import { adminUrl, postgresDatabase, postgresReachable } from "./database.js"

const reachable = await postgresReachable()

describe.skipIf(!reachable)("the pg pool", () => {
  const database = postgresDatabase()
  afterAll(async () => (await database).drop())

  it("survives its idle connections being ended by the server (a restart, an administrator's terminate): no crash, and the next query opens another", async () => {
    const { connectionString } = (await database).worker!.args as { readonly connectionString: string }
    const name = new URL(connectionString).pathname.slice(1)
    const pool = (await Pg.pool({ connectionString, max: 2 })) as unknown as pg.Pool
    const uncaught: unknown[] = []
    const record = (error: unknown) => uncaught.push(error)
    process.on("uncaughtException", record)
    try {
      await pool.query("select 1")
      const admin = new pg.Client({ connectionString: adminUrl })
      await admin.connect()
      // Every connection to the database is ended by the server.
      await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [name])
      await admin.end()
      await new Promise((resolve) => setTimeout(resolve, 200))
      const { rows } = await pool.query<{ one: number }>("select 1 as one")
      expect(rows[0]?.one).toBe(1)
      expect(uncaught).toEqual([])
    } finally {
      process.off("uncaughtException", record)
      await pool.end()
    }
  })
})
