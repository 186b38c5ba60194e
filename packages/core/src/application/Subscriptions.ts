/**
 * Subscriptions (订阅) to the outbox's domain events (M27.1, M30.1): a subscriber — a local module, another system's
 * feed — is a name with a cursor stored beside the events. {@link deliver} hands it the events after its cursor, in
 * sequence order, and moves the cursor past those it handled: at-least-once, never lost. A handler that fails
 * leaves the cursor before its event, so the event comes again; a process that stops between handling and moving
 * the cursor sees the batch again when it restarts. Handlers therefore apply an event idempotently (by its `seq`).
 *
 * Two deliverers of one subscriber may run at once (two server processes): both may handle a batch, but the cursor
 * moves by compare-and-set in the store, so exactly one of them moves it, forwards, and the other learns it lost
 * (`advanced: false`). Commits are serialised by the store (one writer, the writers' lock), so events appear in
 * sequence order and a cursor never skips one still to commit.
 *
 * @since 0.1.0
 */
import { Effect, Exit } from "effect"
import type * as AuditChain from "../security/AuditChain.js"
import * as Storage from "./Storage.js"

/**
 * An event of the outbox with its sequence number (the cursor a subscriber stores).
 *
 * @since 0.1.0
 */
export type Event = AuditChain.Event & { readonly seq: number }

/**
 * What one {@link deliver} did: the cursor it found (`from`) and the one it stored (`to`, equal when nothing was
 * handled), how many events it handled, whether it reached the end of the outbox, and whether its move of the
 * cursor won (false: another deliverer moved it meanwhile, and the events it handled will be, or were, handled by
 * that one too).
 *
 * @since 0.1.0
 */
export interface Delivery {
  readonly from: number
  readonly to: number
  readonly handled: number
  readonly caughtUp: boolean
  readonly advanced: boolean
}

/**
 * Options of {@link deliver} and {@link drain}.
 *
 * @since 0.1.0
 */
export interface Options {
  /** How many events one delivery reads at most (1–1000); default 100. */
  readonly batch?: number
}

const namePattern = /^[a-z][a-z0-9_-]{0,62}$/

/**
 * Is `name` a subscriber name: lower-case letters, digits, `-` and `_`, starting with a letter, at most 63?
 *
 * @since 0.1.0
 */
export const isName = (name: string): boolean => namePattern.test(name)

/**
 * The stored cursor of `name`: the sequence number of the last event it handled, 0 before the first.
 *
 * @since 0.1.0
 */
export const cursor = (name: string): Effect.Effect<number, Storage.StorageError, Storage.Storage> =>
  Effect.flatMap(Storage.Storage, (storage) => storage.subscriptions.cursor(name))

/** Move the cursor `from` → `to` by compare-and-set; false when another deliverer moved it first. */
const advance = (storage: Storage.Storage["Type"], name: string, from: number, to: number) =>
  to <= from
    ? Effect.succeed(false)
    : storage.transaction(storage.subscriptions.advance(name, from, to)).pipe(
        Effect.as(true),
        Effect.catchTag("Conflict", () => Effect.succeed(false))
      )

/**
 * Deliver to the subscriber `name` the events after its stored cursor (at most `batch`), one at a time in sequence
 * order, then store the cursor after the last one handled (M27.1). When `handler` fails on an event, the cursor
 * moves past the events before it only, and the delivery fails with the handler's error: that event comes again at
 * the next delivery. A subscriber's handler must not depend on seeing an event once.
 *
 * @since 0.1.0
 */
export const deliver = <E, R>(
  name: string,
  handler: (event: Event) => Effect.Effect<void, E, R>,
  options: Options = {}
): Effect.Effect<Delivery, E | Storage.StorageError, Storage.Storage | R> =>
  Effect.gen(function* () {
    if (!isName(name))
      return yield* Effect.dieMessage(`subscriptions: ${JSON.stringify(name)} is not a subscriber name`)
    const storage = yield* Storage.Storage
    const from = yield* storage.subscriptions.cursor(name)
    const limit = Math.max(1, Math.min(1000, options.batch ?? 100))
    const page = yield* storage.outbox.list({ after: from === 0 ? undefined : String(from), limit })
    let to = from
    for (const event of page.items) {
      const handled = yield* Effect.exit(handler(event))
      if (Exit.isFailure(handled)) {
        // Keep what was handled; the failed event stays after the cursor and comes again.
        yield* advance(storage, name, from, to)
        return yield* Effect.failCause(handled.cause)
      }
      to = event.seq
    }
    const advanced = yield* advance(storage, name, from, to)
    return { from, to: advanced ? to : from, handled: page.items.length, caughtUp: page.next === undefined, advanced }
  })

/**
 * Deliver to `name` until it has caught up with the outbox (see {@link deliver}); the number of events handled. A
 * delivery that lost the race to another deliverer is followed by another from the cursor that one stored.
 *
 * @since 0.1.0
 */
export const drain = <E, R>(
  name: string,
  handler: (event: Event) => Effect.Effect<void, E, R>,
  options: Options = {}
): Effect.Effect<number, E | Storage.StorageError, Storage.Storage | R> =>
  Effect.iterate(
    { handled: 0, done: false },
    {
      while: (state) => !state.done,
      body: (state) =>
        Effect.map(deliver(name, handler, options), (d) => ({
          handled: state.handled + d.handled,
          done: d.caughtUp && (d.advanced || d.handled === 0)
        }))
    }
  ).pipe(Effect.map((state) => state.handled))
