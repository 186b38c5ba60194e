/**
 * The tmis storage port over any Kysely dialect: the repositories (one module each, under `repositories/`) over one
 * connection, and the transaction combinator. The dialect-specific parts (how a transaction begins, which errors are
 * retried, how unique violations are reported) come in a {@link Flavor}.
 *
 * @since 0.1.0
 */
import { Storage } from "@tmis/core"
import { Cause, Effect, Exit, FiberRef, Layer, Option, Runtime } from "effect"
import { type Kysely, Migrator } from "kysely"
import type { Database } from "./Database.js"
import type { Flavor } from "./Flavor.js"
import * as Commit from "./internal/Commit.js"
import * as Connection from "./internal/Connection.js"
import { provider } from "./Migrations.js"
import * as accounts from "./repositories/accounts.js"
import * as audit from "./repositories/audit.js"
import * as changeRequests from "./repositories/changeRequests.js"
import * as credentials from "./repositories/credentials.js"
import * as credits from "./repositories/credits.js"
import * as entries from "./repositories/entries.js"
import * as exchange from "./repositories/exchange.js"
import * as idempotency from "./repositories/idempotency.js"
import * as imports from "./repositories/imports.js"
import * as outbox from "./repositories/outbox.js"
import * as registrations from "./repositories/registrations.js"
import * as sessions from "./repositories/sessions.js"
import * as sharing from "./repositories/sharing.js"
import * as spotChecks from "./repositories/spotChecks.js"
import * as statistics from "./repositories/statistics.js"
import * as subscriptions from "./repositories/subscriptions.js"
import * as teachers from "./repositories/teachers.js"
import * as tokenNonces from "./repositories/tokenNonces.js"
import * as training from "./repositories/training.js"
import * as transfersAcross from "./repositories/transfersAcross.js"
import * as units from "./repositories/units.js"
import * as updateCycles from "./repositories/updateCycles.js"
import * as workflows from "./repositories/workflows.js"

/**
 * Options of {@link make}.
 *
 * @since 0.1.0
 */
export interface Options {
  /** How many times a transaction is re-run after a serialization failure or a busy database; default 20. */
  readonly maxRetries?: number
}

/**
 * Run the migrations up to the latest. A failed migration is an error, never a result to inspect.
 *
 * @since 0.1.0
 */
export const migrateToLatest = (db: Kysely<Database>, flavor: Flavor): Effect.Effect<void, Storage.StorageError> =>
  Effect.tryPromise({
    try: async () => {
      const { error, results } = await new Migrator({ db, provider: provider(flavor) }).migrateToLatest()
      if (error !== undefined) {
        const failed = results?.find((r) => r.status === "Error")
        throw new Error(`migration ${failed?.migrationName ?? "(unknown)"} failed: ${String(error)}`, { cause: error })
      }
    },
    catch: (cause) => new Storage.StorageError({ operation: "migrateToLatest", cause })
  })

/**
 * Build the storage service over `db`. The database must be migrated ({@link migrateToLatest}).
 *
 * @since 0.1.0
 */
export const make = (
  db: Kysely<Database>,
  flavor: Flavor,
  options: Options = {}
): Effect.Effect<Storage.Storage["Type"]> =>
  Effect.sync(() => {
    const connection = Connection.make(db, flavor)
    return {
      units: units.make(connection),
      accounts: accounts.make(connection),
      teachers: teachers.make(connection),
      entries: entries.make(connection),
      changeRequests: changeRequests.make(connection),
      imports: imports.make(connection),
      workflows: workflows.make(connection),
      idempotency: idempotency.make(connection),
      credentials: credentials.make(connection),
      sessions: sessions.make(connection),
      audit: audit.make(connection),
      outbox: outbox.make(connection),
      credits: credits.make(connection),
      training: training.make(connection),
      updateCycles: updateCycles.make(connection),
      spotChecks: spotChecks.make(connection),
      registrations: registrations.make(connection),
      exchange: exchange.make(connection),
      statistics: statistics.make(connection),
      sharing: sharing.make(connection),
      tokenNonces: tokenNonces.make(connection),
      subscriptions: subscriptions.make(connection),
      transfersAcross: transfersAcross.make(connection),
      transaction: transactionOf(connection, options.maxRetries ?? 20)
    }
  })

/**
 * The transaction combinator of the port: the effect runs with the transaction's connection as the current one
 * (nested calls join it), in a transaction of its own or in a group commit (see `internal/Commit.ts`) as the flavor
 * says, and is re-run, with jittered back-off, after a serialization failure or a busy database.
 */
const transactionOf = ({ db, flavor, current }: Connection.Connection, maxRetries: number) => {
  const committer = flavor.groupCommit ? Commit.grouped(db, flavor) : Commit.single(db, flavor)
  const isRetryableExit = (exit: Exit.Exit<unknown, unknown>) =>
    Exit.isFailure(exit) &&
    Option.exists(
      Cause.failureOption(exit.cause),
      (e) => e instanceof Storage.StorageError && flavor.isRetryable(e.cause)
    )

  return <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | Storage.StorageError, R> =>
    Effect.gen(function* () {
      if ((yield* FiberRef.get(current)) !== undefined) return yield* effect
      const runtime = yield* Effect.runtime<R>()
      const body = (conn: Kysely<Database>) => Runtime.runPromiseExit(runtime)(Effect.locally(effect, current, conn))
      for (let attempt = 0; ; attempt++) {
        const outcome = yield* Effect.tryPromise({ try: () => committer.run(body), catch: (cause) => cause }).pipe(
          Effect.either
        )
        const retryable = outcome._tag === "Left" ? flavor.isRetryable(outcome.left) : isRetryableExit(outcome.right)
        if (retryable && attempt < maxRetries) {
          // Back off a little, with jitter, so that the writers that collided do not collide again.
          yield* Effect.sleep(Math.floor(Math.random() * (2 + attempt * 3)))
          continue
        }
        if (outcome._tag === "Left") {
          return yield* Effect.fail(new Storage.StorageError({ operation: "transaction", cause: outcome.left }))
        }
        return yield* outcome.right
      }
    })
}

/**
 * A layer of the storage: opens the database with `open`, migrates it to the latest schema, and destroys the
 * Kysely instance (closing its connections) when the layer's scope closes.
 *
 * @since 0.1.0
 */
export const layer = (
  open: () => Promise<Kysely<Database>>,
  flavor: Flavor,
  options: Options & { readonly description?: string } = {}
): Layer.Layer<Storage.Storage, Storage.StorageError> =>
  Layer.scoped(
    Storage.Storage,
    Effect.acquireRelease(
      Effect.tryPromise({
        try: open,
        catch: (cause) => new Storage.StorageError({ operation: `open ${options.description ?? flavor.name}`, cause })
      }),
      (db) => Effect.promise(() => db.destroy())
    ).pipe(
      Effect.tap((db) => migrateToLatest(db, flavor)),
      Effect.flatMap((db) => make(db, flavor, options))
    )
  )
