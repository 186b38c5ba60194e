/**
 * Local modules (地方特色功能模块, M27.1): what a province's own module — training choice, title evaluation,
 * awards, appraisal — is given to build on tmis. It is given {@link Services}: the application services bound to
 * the actor of the request it serves, so that every read and write it makes is authorized for that actor (M14.3),
 * masked as for that actor (M37.2) and audited under that actor (M37.1). It is not given the store (`Storage`):
 * no repository, no table of the core, no actor of its own making. Its own data lives in tables of its namespace
 * (`@tmis/adapter-kysely`'s `ModuleStore`), and it follows the store's changes through the outbox
 * ({@link Subscriptions}).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import type * as Authorization from "../accounts/Authorization.js"
import * as Refusal from "../kernel/Refusal.js"
import type * as CreditBank from "../training/CreditBank.js"
import * as Audit from "./Audit.js"
import type * as Credits from "./Credits.js"
import type * as EFileFilter from "./EFileFilter.js"
import * as EFiles from "./EFiles.js"
import type * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"
import * as Training from "./Training.js"
import * as Units from "./Units.js"

/** A service function with its requirements already met: what a module may call, and nothing else. */
type Bound<F> = F extends (...args: infer Args) => Effect.Effect<infer A, infer E, infer _R>
  ? (...args: Args) => Effect.Effect<A, E>
  : never

/**
 * The services a local module is given for one request: each acts as `actor`, the request's authenticated actor,
 * through the same rules, transactions, audit records and outbox events as the API itself.
 *
 * @since 0.1.0
 */
export interface Services {
  /** The module's name (`title-evaluation`): its audit actions start with it. */
  readonly module: string
  /** Who the module acts for: read it, never make one (there is no way to hand the services another). */
  readonly actor: Authorization.Actor
  readonly units: {
    /** `Units.subtree` as the actor: one page of subtree(unit), refused outside the actor's scope (M14.3). */
    readonly subtree: (unitId: string, page: Storage.PageRequest) => ReturnType<Bound<typeof Units.subtree>>
  }
  readonly efiles: {
    /** `EFiles.read` as the actor: audited, masked, refused (and audited) outside its scope. */
    readonly read: (teacherId: string) => ReturnType<Bound<typeof EFiles.read>>
    /** `EFiles.list` as the actor: one page of subtree(unit)'s e-files, audited, masked, refused outside its scope. */
    readonly list: (
      unitId: string,
      page: Storage.PageRequest,
      filter?: EFileFilter.Filter
    ) => ReturnType<Bound<typeof EFiles.list>>
  }
  readonly credits: {
    /** `Training.ledger` as the actor (O9.1): a teacher's credits, refused outside its scope; audited (M37.1). */
    readonly ledger: (
      teacherId: string,
      cycle?: CreditBank.Cycle
    ) => Effect.Effect<Credits.Ledger, Storage.StorageError | Storage.NotFound | Refusal.Refusal>
  }
  readonly audit: {
    /**
     * Record a change the module made to its own data (M37.1), as the actor: an audit record of action
     * `<module>.<action>` and an outbox event of the same type, so that other subscribers learn of it.
     */
    readonly record: (change: {
      readonly action: string
      readonly object: string
      readonly aggregateId: string
      readonly details: { readonly [key: string]: unknown }
      readonly payload: unknown
    }) => Effect.Effect<void, Storage.StorageError>
  }
}

/**
 * The services of the request a module serves.
 *
 * @since 0.1.0
 */
export class LocalModuleServices extends Context.Tag("@tmis/core/LocalModules/Services")<
  LocalModuleServices,
  Services
>() {}

const namePattern = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/

/** The audit record of a read the service does not audit itself (M37.1), refusals too. */
const audited = <A, E, R>(
  actor: Authorization.Actor,
  action: string,
  object: string,
  effect: Effect.Effect<A, E, R>
) => {
  const record = (outcome: Audit.Entry["outcome"], details: Record<string, unknown>) =>
    Audit.recordRead({ actor, action, object, outcome, details })
  return effect.pipe(
    Effect.tapError((error) => (Refusal.is(error) ? record("refused", { rule: error.rule }) : Effect.void)),
    Effect.tap(() => record("ok", {}))
  )
}

/**
 * The services of the module `module` acting as `actor` (the request's authenticated actor), bound to the store
 * and settings of the caller's context.
 *
 * @since 0.1.0
 */
export const servicesFor = (
  module: string,
  actor: Authorization.Actor
): Effect.Effect<Services, never, Storage.Storage | Settings.Settings> =>
  Effect.gen(function* () {
    if (!namePattern.test(module))
      return yield* Effect.dieMessage(`M27.1 ${JSON.stringify(module)} is not a module name`)
    const context = yield* Effect.context<Storage.Storage | Settings.Settings>()
    const bound = <A, E>(effect: Effect.Effect<A, E, Storage.Storage | Settings.Settings>) =>
      Effect.provide(effect, context)
    return {
      module,
      actor,
      units: { subtree: (unitId, page) => bound(Units.subtree(actor, unitId, page)) },
      efiles: {
        read: (teacherId) => bound(EFiles.read(actor, teacherId)),
        list: (unitId, page, filter) => bound(EFiles.list(actor, unitId, page, filter))
      },
      credits: {
        ledger: (teacherId, cycle) =>
          bound(audited(actor, "credits.read", `credits:${teacherId}`, Training.ledger(actor, teacherId, cycle)))
      },
      audit: {
        record: (change) =>
          bound(
            Effect.flatMap(Storage.Storage, (storage) =>
              storage.transaction(Audit.recordChange({ ...change, actor, action: `${module}.${change.action}` }))
            )
          )
      }
    } satisfies Services
  })

/**
 * What a host gives a module's code instead of the store: the services of a module for an actor, the store and the
 * settings already bound. A module's handlers need this and nothing of the core, so code that asks for `Storage`
 * itself does not type-check where a module is mounted (the reference server's `LocalModule.make`).
 *
 * @since 0.1.0
 */
export class LocalModuleAccess extends Context.Tag("@tmis/core/LocalModules/Access")<
  LocalModuleAccess,
  { readonly servicesFor: (module: string, actor: Authorization.Actor) => Effect.Effect<Services> }
>() {}

/**
 * {@link LocalModuleAccess} over the store and settings of the layer's context.
 *
 * @since 0.1.0
 */
export const accessLayer: Layer.Layer<LocalModuleAccess, never, Storage.Storage | Settings.Settings> = Layer.effect(
  LocalModuleAccess,
  Effect.map(Effect.context<Storage.Storage | Settings.Settings>(), (context) => ({
    servicesFor: (module: string, actor: Authorization.Actor) => Effect.provide(servicesFor(module, actor), context)
  }))
)

/**
 * Run `effect`, a module's work, with the services of `module` acting as `actor`.
 *
 * @since 0.1.0
 */
export const provide =
  (module: string, actor: Authorization.Actor) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, LocalModuleServices> | LocalModuleAccess> =>
    Effect.flatMap(LocalModuleAccess, (access) =>
      Effect.flatMap(access.servicesFor(module, actor), (services) =>
        Effect.provideService(effect, LocalModuleServices, services)
      )
    )

/**
 * The services of `module` as a layer, for an `actor` known when the layer is built (a job acting for an account).
 *
 * @since 0.1.0
 */
export const layer = (
  module: string,
  actor: Authorization.Actor
): Layer.Layer<LocalModuleServices, never, Storage.Storage | Settings.Settings> =>
  Layer.effect(LocalModuleServices, servicesFor(module, actor))
