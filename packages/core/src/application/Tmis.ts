/**
 * The Promise facade, for programs that do not write Effect: the application services ({@link Units},
 * {@link Accounts}, {@link Auth}, {@link EFiles}, {@link Workflows}, {@link Audit}, {@link Statistics},
 * {@link BatchImport}) as plain async functions over ONE `ManagedRuntime` built from the layer the caller gives
 * (an adapter's storage layer merged with {@link Settings.layer}). Each function is the Effect service of the same
 * name, run on that runtime — not a second implementation: the same rules, transactions, audit records and outbox
 * events.
 *
 * A refusal of the regulation rejects with a {@link RefusalError} (its `rule`, `kind`, `zh`, `en`, `details`); a
 * stale version with `Storage.Conflict`, a missing object with `Storage.NotFound`, a failing store with
 * `Storage.StorageError` — the core's own errors, never wrapped in a `FiberFailure`.
 *
 * ```ts
 * const tmis = Tmis.make({ layer: Layer.merge(Sqlite.layer({ filename }), Settings.layer(Deployment.provincial("42"))) })
 * const actor = await tmis.accounts.actorOf("ia-jaxx")
 * await tmis.efiles.onboard(actor, hire)
 * await tmis.dispose()
 * ```
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit, type Layer, ManagedRuntime, Option } from "effect"
import * as Refusal from "../kernel/Refusal.js"
import * as Accounts from "./Accounts.js"
import * as Audit from "./Audit.js"
import * as Auth from "./Auth.js"
import * as BatchImport from "./BatchImport.js"
import * as EFiles from "./EFiles.js"
import type * as Settings from "./Settings.js"
import * as Statistics from "./Statistics.js"
import * as Storage from "./Storage.js"
import * as Units from "./Units.js"
import * as Workflows from "./Workflows.js"

/**
 * What the application services need: the store and the deployment's settings.
 *
 * @since 0.1.0
 */
export type Services = Storage.Storage | Settings.Settings

/**
 * A refusal of the regulation, as a plain `Error` a Promise rejects with: the rule it enforces, its kind (which the
 * caller maps to an answer: `forbidden` 403, `invalid` 422, `conflict` 409, `notFound` 404, `unauthenticated` 401),
 * the Chinese and English messages and the offending values. `cause` is the core's own refusal.
 *
 * @since 0.1.0
 */
export class RefusalError extends Error implements Refusal.Shape {
  readonly kind: Refusal.Kind
  readonly rule: Refusal.RuleId
  readonly zh: string
  readonly en: string
  readonly details: Readonly<Record<string, unknown>>
  constructor(refusal: Refusal.Shape) {
    super(Refusal.format(refusal), { cause: refusal })
    this.name = "RefusalError"
    this.kind = refusal.kind
    this.rule = refusal.rule
    this.zh = refusal.zh
    this.en = refusal.en
    this.details = refusal.details
  }
}

/**
 * The function of a service as the facade offers it: the same arguments, a Promise of the same result. An Effect
 * value (such as `Audit.verifyAuditLog`) becomes a function of no arguments.
 *
 * @since 0.1.0
 */
export type Promised<F> = F extends (...args: infer Args) => Effect.Effect<infer A, infer _E, infer R>
  ? [R] extends [Services]
    ? (...args: Args) => Promise<A>
    : never
  : F extends Effect.Effect<infer A, infer _E, infer R>
    ? [R] extends [Services]
      ? () => Promise<A>
      : never
    : never

/**
 * A service's functions, promised.
 *
 * @since 0.1.0
 */
export type Facade<M, K extends keyof M> = { readonly [P in K]: Promised<M[P]> }

const units = ["load", "createRoot", "create", "change", "subtree", "asOf", "versions"] as const
const accounts = ["load", "actorOf", "bootstrap", "create", "disable", "enable", "bindCertificate", "list"] as const
const auth = [
  "bootstrapPassword",
  "setPassword",
  "resetPassword",
  "changePassword",
  "login",
  "session",
  "logout"
] as const
const efiles = [
  "load",
  "onboard",
  "addEntry",
  "review",
  "requestChange",
  "approveChange",
  "refuseChange",
  "recordStatus",
  "read",
  "list",
  "duplicates"
] as const
const workflows = ["initiateTransfer", "initiateRotation", "act", "get", "read", "inbox"] as const
const audit = ["verifyAuditLog", "search"] as const
const statistics = ["countByStatus"] as const
const batchImport = ["run"] as const

/**
 * The facade: one runtime, the services over it, and a way out to Effect for what the services do not cover.
 *
 * @since 0.1.0
 */
export interface Tmis {
  readonly units: Facade<typeof Units, (typeof units)[number]>
  readonly accounts: Facade<typeof Accounts, (typeof accounts)[number]>
  readonly auth: Facade<typeof Auth, (typeof auth)[number]>
  readonly efiles: Facade<typeof EFiles, (typeof efiles)[number]>
  readonly workflows: Facade<typeof Workflows, (typeof workflows)[number]>
  readonly audit: Facade<typeof Audit, (typeof audit)[number]>
  readonly statistics: Facade<typeof Statistics, (typeof statistics)[number]>
  readonly batchImport: Facade<typeof BatchImport, (typeof batchImport)[number]>
  /** Run any effect over the services on the facade's runtime, rejecting as the services do. */
  readonly run: <A, E>(effect: Effect.Effect<A, E, Services>) => Promise<A>
  /**
   * Run an effect in ONE transaction of the store: the services it calls join it, so that all of their writes, audit
   * records and outbox events commit together or not at all.
   */
  readonly transaction: <A, E>(effect: Effect.Effect<A, E, Services>) => Promise<A>
  /** The runtime itself, for Effect programs that share it (`runtime.runPromise(effect)`). */
  readonly runtime: ManagedRuntime.ManagedRuntime<Services, unknown>
  /** Release the runtime's resources (the database connections): once, at shutdown. */
  readonly dispose: () => Promise<void>
}

/**
 * What a failure rejects with: a {@link RefusalError} for a refusal of the regulation, the core's error itself for
 * everything else (`Storage.NotFound`, `Storage.Conflict`, `Storage.StorageError`), and for a defect the thrown value.
 *
 * @since 0.1.0
 */
export const rejection = (cause: Cause.Cause<unknown>): unknown => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) return Refusal.is(failure.value) ? new RefusalError(failure.value) : failure.value
  return Cause.squash(cause)
}

/**
 * The facade over one runtime built from `layer` (built on the first call; share the facade in the process).
 *
 * @since 0.1.0
 */
export const make = <E>(options: { readonly layer: Layer.Layer<Services, E, never> }): Tmis => {
  const runtime = ManagedRuntime.make(options.layer)
  const run = async <A, E2>(effect: Effect.Effect<A, E2, Services>): Promise<A> => {
    const exit = await runtime.runPromiseExit(effect)
    if (Exit.isSuccess(exit)) return exit.value
    throw rejection(exit.cause)
  }
  const promised = <M, K extends keyof M>(module: M, names: ReadonlyArray<K>): Facade<M, K> =>
    Object.fromEntries(
      names.map((name) => {
        const member = module[name] as unknown
        const call = (...args: ReadonlyArray<unknown>) =>
          run(
            (Effect.isEffect(member)
              ? member
              : (member as (...a: ReadonlyArray<unknown>) => unknown)(...args)) as Effect.Effect<
              unknown,
              unknown,
              Services
            >
          )
        return [name, call]
      })
    ) as Facade<M, K>
  return {
    units: promised(Units, units),
    accounts: promised(Accounts, accounts),
    auth: promised(Auth, auth),
    efiles: promised(EFiles, efiles),
    workflows: promised(Workflows, workflows),
    audit: promised(Audit, audit),
    statistics: promised(Statistics, statistics),
    batchImport: promised(BatchImport, batchImport),
    run,
    transaction: (effect) => run(Effect.flatMap(Storage.Storage, (storage) => storage.transaction(effect))),
    runtime: runtime as ManagedRuntime.ManagedRuntime<Services, unknown>,
    dispose: () => runtime.dispose()
  }
}
