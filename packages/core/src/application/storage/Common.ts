/**
 * The storage port's errors and shapes shared by every repository: failures, conflicts, versions, pages.
 *
 * @since 0.1.0
 */
import { Effect, Option, Schema } from "effect"
import * as Refusal from "../../kernel/Refusal.js"
import * as Constraint from "../Constraint.js"

/**
 * An unexpected failure of the store (connection lost, disk full, a constraint the port does not know). Not a
 * refusal of the regulation: callers usually let it fail the request.
 *
 * @since 0.1.0
 */
export class StorageError extends Schema.TaggedError<StorageError>()("StorageError", {
  operation: Schema.String,
  cause: Schema.Unknown
}) {
  override get message() {
    return `storage failed during ${this.operation}: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

/**
 * A write that expected a version of an aggregate that is no longer current: someone changed it meanwhile.
 * Nothing was written.
 *
 * @since 0.1.0
 */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", {
  entity: Schema.String,
  id: Schema.String,
  expectedVersion: Schema.Number
}) {
  override get message() {
    return `${this.entity} ${this.id} is no longer at version ${this.expectedVersion}: it changed meanwhile (数据已被他人修改)`
  }
}

/**
 * The aggregate asked for does not exist (or lies outside what the caller may see: the two look the same).
 *
 * @since 0.1.0
 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  entity: Schema.String,
  id: Schema.String
}) {
  override get message() {
    return `${this.entity} ${this.id} not found (未找到)`
  }
}

/**
 * The value of a read that found something, or {@link NotFound} naming what was asked for.
 *
 * @since 0.1.0
 */
export const found =
  (entity: string, id: string) =>
  <A>(option: Option.Option<A>): Effect.Effect<A, NotFound> =>
    Option.match(option, {
      onNone: () => Effect.fail(new NotFound({ entity, id })),
      onSome: Effect.succeed
    })

/**
 * A write the store refused because it would break an invariant it enforces (M14.4 one system admin, M17.4 one
 * active e-file per identity document, M24.3 one open process per teacher …). The adapter names the invariant
 * ({@link Constraint.Name}) and the offending values; the rule, the messages and the kind (`conflict`) come from
 * core, so that this is a refusal like every other ({@link Refusal.Shape}).
 *
 * @since 0.1.0
 */
export class ConstraintError extends Schema.TaggedError<ConstraintError>()("ConstraintError", {
  constraint: Constraint.Name,
  /**
   * The offending values as the adapter saw them (an identity number unmasked: `details` masks it), with the
   * adapter's `index` for logs and debugging: `details` names the constraint instead.
   */
  values: Schema.Record({ key: Schema.String, value: Schema.Unknown })
}) {
  /** The refusal this broken invariant is, with its rule and messages. */
  get refusal(): Refusal.Refusal {
    return Constraint.refusal(this.constraint, this.values)
  }
  get details(): Readonly<Record<string, unknown>> {
    return this.refusal.details
  }
  get kind(): Refusal.Kind {
    return "conflict"
  }
  get rule(): Refusal.RuleId {
    return this.refusal.rule
  }
  get zh(): string {
    return this.refusal.zh
  }
  get en(): string {
    return this.refusal.en
  }
  override get message() {
    return Refusal.format(this.refusal)
  }
}

/**
 * An aggregate as stored: its value and its version (1 when first written, +1 on every change).
 *
 * @since 0.1.0
 */
export interface Versioned<A> {
  readonly value: A
  readonly version: number
}

/**
 * A page of a keyset-paginated listing: `next` is the cursor of the following page, undefined on the last.
 *
 * @since 0.1.0
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly next: string | undefined
}

/**
 * Where a page starts and how long it is (at most 1000).
 *
 * @since 0.1.0
 */
export interface PageRequest {
  readonly after?: string | undefined
  readonly limit: number
}
