/**
 * How a transaction of the port reaches the database: in a transaction of its own, or — where the database has one
 * writer at a time (SQLite) — in a group commit, where the transactions that wait while one runs go together into
 * the next database transaction, each in a savepoint of its own, and share its commit: one disk sync for many.
 *
 * A member of a group is answered only after the group's commit has returned, so nothing acknowledged can be lost
 * (with `synchronous=FULL` the commit is on disk when it returns). A member that fails is rolled back to its
 * savepoint and the others still commit; the members run one after the other, so the group is the serial schedule
 * of its members, and the hash chain of the audit log (M37.1) runs through them in that order. If the group's own
 * begin or commit fails, every member is told so and re-runs as it would after its own failed commit.
 *
 * @since 0.1.0
 */
import { Exit } from "effect"
import { type Kysely, sql } from "kysely"
import type { Database } from "../Database.js"
import type { Flavor } from "../Flavor.js"

/**
 * The body of a transaction on the connection it is given, as an `Exit`: a failure rolls it back.
 *
 * @since 0.1.0
 */
export type Body<A, E> = (conn: Kysely<Database>) => Promise<Exit.Exit<A, E>>

/**
 * Runs bodies in transactions; resolves with the body's exit once its transaction has ended, rejects when the
 * database refused to begin or commit it.
 *
 * @since 0.1.0
 */
export interface Committer {
  readonly run: <A, E>(body: Body<A, E>) => Promise<Exit.Exit<A, E>>
}

const rollback = (conn: Kysely<Database>) =>
  sql
    .raw("rollback")
    .execute(conn)
    .then(
      () => undefined,
      () => undefined
    )

/** Run `f` holding the flavor's writers' lock, if it has one; released whatever happens. */
const locked = async <A>(conn: Kysely<Database>, flavor: Flavor, f: () => Promise<A>): Promise<A> => {
  if (flavor.writersLock === undefined) return f()
  await sql.raw(flavor.writersLock.take).execute(conn)
  try {
    return await f()
  } finally {
    await sql.raw(flavor.writersLock.release).execute(conn)
  }
}

/**
 * Each body in a transaction of its own.
 *
 * @since 0.1.0
 */
export const single = (db: Kysely<Database>, flavor: Flavor): Committer => ({
  run: (body) =>
    db.connection().execute((conn) =>
      locked(conn, flavor, async () => {
        await sql.raw(flavor.begin).execute(conn)
        const exit = await body(conn)
        try {
          await sql.raw(Exit.isSuccess(exit) ? "commit" : "rollback").execute(conn)
        } catch (error) {
          await rollback(conn)
          throw error
        }
        return exit
      })
    )
})

interface Member {
  readonly body: Body<unknown, unknown>
  readonly resolve: (exit: Exit.Exit<unknown, unknown>) => void
  readonly reject: (error: unknown) => void
}

/**
 * Group commit: see the module's description. A body that arrives while no group runs starts one at once, so a
 * lone transaction waits for nobody.
 *
 * @since 0.1.0
 */
export const grouped = (db: Kysely<Database>, flavor: Flavor): Committer => {
  let waiting: Array<Member> = []
  let leading = false

  // A group of one is a plain transaction: no savepoint, and a failure rolls it all back.
  const commitGroup = (group: ReadonlyArray<Member>) =>
    db.connection().execute((conn) =>
      locked(conn, flavor, async () => {
        const alone = group.length === 1
        const exits: Array<Exit.Exit<unknown, unknown>> = []
        await sql.raw(flavor.begin).execute(conn)
        try {
          for (const member of group) {
            if (!alone) await sql.raw("savepoint tmis_member").execute(conn)
            const exit = await member.body(conn)
            if (!alone && Exit.isFailure(exit)) await sql.raw("rollback to savepoint tmis_member").execute(conn)
            if (!alone) await sql.raw("release savepoint tmis_member").execute(conn)
            exits.push(exit)
          }
          await sql.raw(alone && Exit.isFailure(exits[0]!) ? "rollback" : "commit").execute(conn)
        } catch (error) {
          await rollback(conn)
          throw error
        }
        return exits
      })
    )

  const lead = async () => {
    leading = true
    while (waiting.length > 0) {
      const group = waiting
      waiting = []
      try {
        const exits = await commitGroup(group)
        for (const [i, member] of group.entries()) member.resolve(exits[i]!)
      } catch (error) {
        for (const member of group) member.reject(error)
      }
    }
    leading = false
  }

  return {
    run: <A, E>(body: Body<A, E>) =>
      new Promise<Exit.Exit<A, E>>((resolve, reject) => {
        waiting.push({ body, resolve: resolve as Member["resolve"], reject })
        if (!leading) void lead()
      })
  }
}
