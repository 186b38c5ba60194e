/**
 * A module's tables on the three databases (M27.1): its migrations run with their own migration table and may touch
 * only tables of its namespace — a table without the prefix, or a change to a table of the store, is refused naming
 * the table (and rolled back where DDL is transactional: SQLite, Postgres) — and its Kysely handle refuses every other
 * table. A `teachers` table stands in for the store's.
 */
import { randomBytes } from "node:crypto"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ModuleStore } from "@tmis/adapter-kysely"
import * as Mysql from "@tmis/adapter-mysql"
import * as Pg from "@tmis/adapter-postgres"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Effect } from "effect"
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect, sql } from "kysely"
import mysql from "mysql2/promise"
import pg from "pg"
import { describe, expect, it } from "vitest"
import * as TitleEvaluation from "../src/TitleEvaluation.js"

// biome-ignore lint/suspicious/noExplicitAny: a host's raw handle, untyped
type Raw = Kysely<any>

interface Target {
  readonly name: "sqlite" | "postgres" | "mariadb"
  readonly reachable: boolean
  /** A fresh, empty database and a way to drop it. */
  readonly open: () => Promise<{ readonly db: Raw; readonly drop: () => Promise<void> }>
  readonly transactionalDdl: boolean
}

const pgUrl = process.env.TMIS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"
const mysqlUrl = process.env.TMIS_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test"

const pgAdmin = async <A>(f: (c: pg.Client) => Promise<A>) => {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3_000 })
  await client.connect()
  try {
    return await f(client)
  } finally {
    await client.end()
  }
}

const mysqlAdmin = async <A>(f: (c: mysql.Connection) => Promise<A>) => {
  const connection = await mysql.createConnection({ uri: mysqlUrl, connectTimeout: 3_000 })
  try {
    return await f(connection)
  } finally {
    await connection.end()
  }
}

const targets: ReadonlyArray<Target> = [
  {
    name: "sqlite",
    reachable: true,
    transactionalDdl: true,
    open: async () => {
      const directory = await mkdtemp(join(tmpdir(), "tmis-module-store-"))
      const db: Raw = new Kysely({
        dialect: new SqliteDialect({ database: await Sqlite.open({ filename: join(directory, "db.sqlite") }) })
      })
      return {
        db,
        drop: async () => {
          await db.destroy()
          await rm(directory, { recursive: true, force: true })
        }
      }
    }
  },
  {
    name: "postgres",
    reachable: await pgAdmin((c) => c.query("select 1")).then(
      () => true,
      () => false
    ),
    transactionalDdl: true,
    open: async () => {
      const name = `tmis_module_${randomBytes(6).toString("hex")}`
      await pgAdmin((c) => c.query(`create database ${name}`))
      const url = new URL(pgUrl)
      url.pathname = `/${name}`
      const db: Raw = new Kysely({
        dialect: new PostgresDialect({ pool: await Pg.pool({ connectionString: url.href }) })
      })
      return {
        db,
        drop: async () => {
          await db.destroy()
          await pgAdmin((c) => c.query(`drop database if exists ${name} with (force)`))
        }
      }
    }
  },
  {
    name: "mariadb",
    reachable: await mysqlAdmin((c) => c.query("select 1")).then(
      () => true,
      () => false
    ),
    // MariaDB commits each DDL statement: the refusal stands, the statement is not undone.
    transactionalDdl: false,
    open: async () => {
      const name = `tmis_module_${randomBytes(6).toString("hex")}`
      await mysqlAdmin((c) => c.query(`create database ${name}`))
      const url = new URL(mysqlUrl)
      url.pathname = `/${name}`
      const db: Raw = new Kysely({
        dialect: new MysqlDialect({ pool: await Mysql.pool({ connectionString: url.href }) })
      })
      return {
        db,
        drop: async () => {
          await db.destroy()
          await mysqlAdmin((c) => c.query(`drop database if exists ${name}`))
        }
      }
    }
  }
]

const tablesOf = async (db: Raw) => (await db.introspection.getTables()).map((t) => t.name)

for (const target of targets) {
  describe.skipIf(!target.reachable)(`a module's tables on ${target.name}`, () => {
    const withDatabase = async (f: (db: Raw) => Promise<void>) => {
      const { db, drop } = await target.open()
      try {
        // The store's table a module must leave alone.
        await db.schema
          .createTable("teachers")
          .addColumn("id", "varchar(64)", (c) => c.primaryKey())
          .addColumn("name", "varchar(64)")
          .execute()
        await db.insertInto("teachers").values({ id: "t1", name: "王老师" }).execute()
        await f(db)
      } finally {
        await drop()
      }
    }

    it("M27.1 the module's migrations run with their own migration table and create its tables; again is a no-op", () =>
      withDatabase(async (db) => {
        await Effect.runPromise(ModuleStore.migrate(db, TitleEvaluation.schema))
        await Effect.runPromise(ModuleStore.migrate(db, TitleEvaluation.schema))
        const tables = await tablesOf(db)
        expect(tables).toEqual(
          expect.arrayContaining([
            "title_evaluation_nominations",
            "title_evaluation_credit_activity",
            "tmis_module_title_evaluation_migration"
          ])
        )
        expect(tables).not.toContain("kysely_migration")
      }))

    it("M27.1 a migration creating a table without the module's prefix is refused, naming the table", () =>
      withDatabase(async (db) => {
        const error = await Effect.runPromise(
          Effect.flip(
            ModuleStore.migrate(db, {
              name: "awards",
              migrations: {
                "0001_awards": {
                  up: async (trx) => {
                    await trx.schema.createTable("honours").addColumn("id", "varchar(64)").execute()
                  }
                }
              }
            })
          )
        )
        expect(error).toBeInstanceOf(ModuleStore.LocalModuleError)
        expect(error.message).toMatch(/^M27\.1 local module awards \(migration 0001_awards\).*table honours/)
        if (target.transactionalDdl) expect(await tablesOf(db)).not.toContain("honours")
      }))

    it("M27.1 a migration changing or dropping a table of the store is refused, naming it", () =>
      withDatabase(async (db) => {
        const alter = await Effect.runPromise(
          Effect.flip(
            ModuleStore.migrate(db, {
              name: "appraisal",
              migrations: {
                "0001_grade": {
                  up: async (trx) => {
                    await trx.schema.alterTable("teachers").addColumn("grade", "varchar(8)").execute()
                  }
                }
              }
            })
          )
        )
        expect(alter).toBeInstanceOf(ModuleStore.LocalModuleError)
        expect(alter.message).toMatch(/changed a table that is not its own — table teachers/)
        if (target.transactionalDdl) {
          const columns = (await db.introspection.getTables()).find((t) => t.name === "teachers")!.columns
          expect(columns.map((c) => c.name).sort()).toEqual(["id", "name"])
        }
        if (!target.transactionalDdl) return
        const dropped = await Effect.runPromise(
          Effect.flip(
            ModuleStore.migrate(db, {
              name: "appraisal",
              migrations: {
                "0001_grade": { up: async (trx) => void (await trx.schema.dropTable("teachers").execute()) }
              }
            })
          )
        )
        expect(dropped.message).toMatch(/dropped a table that is not its own — table teachers/)
        expect(await db.selectFrom("teachers").select("id").execute()).toEqual([{ id: "t1" }])
      }))

    it("M27.1 the module's handle reads and writes its own tables and refuses the store's, in builders and in SQL", () =>
      withDatabase(async (db) => {
        await Effect.runPromise(ModuleStore.migrate(db, TitleEvaluation.schema))
        const own = await ModuleStore.database<TitleEvaluation.TitleEvaluationTables>(db, TitleEvaluation.name)
        await own
          .insertInto("title_evaluation_credit_activity")
          .values({ teacher_id: "t1", events: 1, last_seq: 7 })
          .execute()
        expect(await own.selectFrom("title_evaluation_credit_activity").select("events").execute()).toEqual([
          { events: 1 }
        ])
        const loose = own as unknown as Raw
        await expect(loose.selectFrom("teachers").selectAll().execute()).rejects.toThrow(/M27\.1.*table teachers/)
        await expect(loose.updateTable("teachers").set({ name: "x" }).execute()).rejects.toThrow(/table teachers/)
        await expect(sql`select name from teachers`.execute(loose)).rejects.toThrow(/table teachers/)
        await expect(
          loose
            .selectFrom("title_evaluation_credit_activity")
            .innerJoin("teachers", "teachers.id", "teacher_id")
            .selectAll()
            .execute()
        ).rejects.toThrow(/table teachers/)
        expect(await db.selectFrom("teachers").select("name").execute()).toEqual([{ name: "王老师" }])
      }))
  })
}
