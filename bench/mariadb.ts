/**
 * The MariaDB side of the benches (the MySQL-family adapter): a fresh database per run on TMIS_MYSQL_URL's server,
 * dropped afterwards, and the raw floors the benches compare the adapter with (plain mysql2 statements).
 */
import mysql from "mysql2/promise"

export const mysqlAdminUrl = process.env.TMIS_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test"

/** A fresh database (utf8mb4 in byte order, as the adapter makes a fresh one) on TMIS_MYSQL_URL's server. */
export const withMariadbDatabase = async <A>(f: (connectionString: string) => Promise<A>): Promise<A> => {
  const name = `tmis_bench_${process.pid}_${Date.now()}`
  const admin = await mysql.createConnection({ uri: mysqlAdminUrl })
  await admin.query(`create database ${name} character set utf8mb4 collate utf8mb4_bin`)
  const url = new URL(mysqlAdminUrl)
  url.pathname = `/${name}`
  try {
    return await f(url.toString())
  } finally {
    await admin.query(`drop database if exists ${name}`)
    await admin.end()
  }
}

/** Whether MariaDB answers at TMIS_MYSQL_URL. */
export const mariadbReachable = async (): Promise<boolean> => {
  try {
    const admin = await mysql.createConnection({ uri: mysqlAdminUrl, connectTimeout: 3_000 })
    await admin.end()
    return true
  } catch (error) {
    console.error(`mariadb: unreachable at ${mysqlAdminUrl.replace(/:[^:@/]*@/, ":***@")} (${String(error)}): skipped`)
    return false
  }
}

/** One connection for a raw floor: prepared statements (`execute`), parsed once per connection. */
export const rawMariadb = async (url: string) => {
  const connection = await mysql.createConnection({ uri: url, charset: "UTF8MB4_BIN" })
  await connection.query("set session transaction isolation level serializable")
  return {
    run: async (sql: string, params: ReadonlyArray<unknown>) =>
      void (await connection.execute(sql, [...params] as never)),
    get: async (sql: string, params: ReadonlyArray<unknown>) => {
      const [rows] = await connection.execute(sql, [...params] as never)
      return (rows as Array<Record<string, unknown>>)[0]
    },
    query: (sql: string, params: ReadonlyArray<unknown> = []) => connection.query(sql, [...params]),
    step: async (f: () => Promise<void>) => {
      await connection.query("start transaction")
      await f()
      await connection.query("commit")
    },
    close: () => connection.end()
  }
}
