/**
 * The application service for units: load, decide with the pure rules of {@link Unit} and {@link Authorization},
 * persist, and append the audit record and the outbox event of the change — all in one transaction.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Option } from "effect"
import * as Authorization from "../accounts/Authorization.js"
import * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"
import * as Aggregates from "./Aggregates.js"
import * as Audit from "./Audit.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"

/**
 * The authorization view of a unit.
 *
 * @since 0.1.0
 */
export const ref = (unit: Unit.Unit): Authorization.UnitRef => ({ id: unit.id, kind: unit.kind, path: unit.path })

/**
 * The authorization context of the deployment, now.
 *
 * @since 0.1.0
 */
export const authorizationContext = Effect.gen(function* () {
  const settings = yield* Settings.Settings
  const now = yield* Clock.currentTimeMillis
  return { requireCertificateFor: settings.policy.requireCertificateFor, now: new Date(now) }
})

/**
 * Authorize in the error channel.
 *
 * @since 0.1.0
 */
export const authorize = (actor: Authorization.Actor, action: Authorization.Action) =>
  Effect.flatMap(authorizationContext, (context) => Authorization.authorize(actor, action, context))

/**
 * Load a unit or fail with `NotFound`.
 *
 * @since 0.1.0
 */
export const load = (id: string) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.units.get(id as Unit.UnitId).pipe(
      Effect.flatMap(
        Option.match({
          onNone: () => Effect.fail(new Storage.NotFound({ entity: "unit", id })),
          onSome: Effect.succeed
        })
      )
    )
  )

/**
 * Fail with `Conflict` when the aggregate moved on from the version the caller saw: the change is decided
 * against what the caller saw, or not at all.
 *
 * @since 0.1.0
 */
export const expectVersion = <A extends { readonly id: string }>(
  entity: string,
  loaded: Storage.Versioned<A>,
  expectedVersion: number
) =>
  loaded.version === expectedVersion
    ? Effect.void
    : Effect.fail(new Storage.Conflict({ entity, id: loaded.value.id, expectedVersion }))

/** Audit and outbox of a committed change of a unit. */
const record = (actor: Authorization.Actor | "system", action: string, unit: Unit.Unit, version: number) =>
  Audit.recordChange({
    actor,
    action,
    object: `unit:${unit.id}`,
    aggregateId: unit.id,
    details: { version, validFrom: unit.validFrom, path: unit.path },
    payload: { ...unit, version }
  })

/**
 * Create the root unit of the deployment (the national unit, or the province of a provincial system): once, by
 * the system itself, at bootstrap (M2.1, M2.3).
 *
 * @since 0.1.0
 */
export const createRoot = (input: Unit.NewUnit) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { deployment } = yield* Settings.Settings
    return yield* storage.transaction(
      Effect.gen(function* () {
        const unit = yield* Unit.decideCreate(input, undefined, deployment)
        const stored = yield* storage.units.insert(unit)
        yield* record("system", "unit.create", unit, stored.version)
        return stored
      })
    )
  })

/**
 * Create a unit under `parentId` (M2.2, M4.1, M6.1, M7.1, M12.1, M20.1), as `actor`.
 *
 * @since 0.1.0
 */
export const create = (actor: Authorization.Actor, input: Unit.NewUnit, parentId: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { deployment } = yield* Settings.Settings
    return yield* storage.transaction(
      Effect.gen(function* () {
        const parent = (yield* load(parentId)).value
        yield* authorize(actor, { _tag: "CreateUnit", kind: input.kind, parent: ref(parent) })
        const unit = yield* Unit.decideCreate(input, parent, deployment)
        const stored = yield* storage.units.insert(unit)
        yield* record(actor, "unit.create", unit, stored.version)
        return stored
      })
    )
  })

/**
 * A change of a unit as a caller names it: other units by id.
 *
 * @since 0.1.0
 */
export type ChangeRequest =
  | Exclude<Unit.Change, { readonly _tag: "Move" } | { readonly _tag: "Merge" }>
  | { readonly _tag: "Move"; readonly parentId: string }
  | { readonly _tag: "Merge"; readonly intoId: string }

/**
 * Change a unit as of `effective` (M12.2): a new dated version, written only if the unit is still at
 * `expectedVersion` (else `Conflict`, nothing written). A move re-paths its subtree in the same transaction.
 *
 * @since 0.1.0
 */
export const change = (
  actor: Authorization.Actor,
  unitId: string,
  request: ChangeRequest,
  effective: string,
  expectedVersion: number
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { deployment } = yield* Settings.Settings
    return yield* storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* load(unitId)
        yield* expectVersion("unit", loaded, expectedVersion)
        const current = loaded.value
        yield* authorize(actor, { _tag: "ChangeUnit", unit: ref(current) })
        const resolved = yield* resolveChange(actor, request)
        const next = yield* Unit.decideChange(current, resolved, effective, deployment)
        const stored = yield* storage.units.update(next, expectedVersion)
        yield* Aggregates.trackSubtree(next.path)
        yield* record(actor, `unit.${request._tag.toLowerCase()}`, next, stored.version)
        return stored
      })
    )
  })

const resolveChange = (
  actor: Authorization.Actor,
  request: ChangeRequest
): Effect.Effect<
  Unit.Change,
  Storage.NotFound | Storage.StorageError | Refusal.Refusal,
  Storage.Storage | Settings.Settings
> => {
  switch (request._tag) {
    case "Move":
      // Moving under a unit is creating under it, as far as scope goes.
      return Effect.gen(function* () {
        const parent = (yield* load(request.parentId)).value
        yield* authorize(actor, { _tag: "CreateUnit", kind: "school", parent: ref(parent) })
        return { _tag: "Move", parent } as const
      })
    case "Merge":
      return Effect.gen(function* () {
        const into = (yield* load(request.intoId)).value
        yield* authorize(actor, { _tag: "ChangeUnit", unit: ref(into) })
        return { _tag: "Merge", into } as const
      })
    default:
      return Effect.succeed(request)
  }
}

/**
 * One page of subtree(unit), in path order (keyset pagination: pass the previous page's `next` as `after`).
 *
 * @since 0.1.0
 */
export const subtree = (actor: Authorization.Actor, unitId: string, page: Storage.PageRequest) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const unit = (yield* load(unitId)).value
    yield* authorize(actor, { _tag: "ReadUnits", unit: ref(unit) })
    return yield* storage.units.subtree(unit.path, page)
  })

/**
 * The version of a unit in force on `day` (M12.2).
 *
 * @since 0.1.0
 */
export const asOf = (actor: Authorization.Actor, unitId: string, day: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const unit = (yield* load(unitId)).value
    yield* authorize(actor, { _tag: "ReadUnits", unit: ref(unit) })
    return Unit.asOf(yield* storage.units.history(unit.id), day)
  })

/**
 * The cursor of a page of a unit's versions: the version number of the last item of the previous page. Anything
 * else is refused (422), not read as "from the start".
 */
const versionCursor = (after: string | undefined): Effect.Effect<number, Refusal.Refusal> =>
  after === undefined
    ? Effect.succeed(0)
    : /^[1-9]\d{0,8}$/.test(after)
      ? Effect.succeed(Number(after))
      : Effect.fail(
          Refusal.invalid(
            "M12.2",
            "翻页游标应为上一页返回的next（版本号）",
            "the cursor `after` is the `next` of a previous page: a version number",
            { field: "after", value: after }
          )
        )

/**
 * One page of a unit's recorded versions (M12.2), oldest first: its first version and one per dated change (rename,
 * change of type or sponsor, move, merger, closure), each with its version number (1 when created, +1 on every
 * change). Whoever may read the unit reads its history ({@link asOf}: `ReadUnits`, M14.3, M20.1). Keyset pagination:
 * pass the previous page's `next`, the last version number it held, as `after`.
 *
 * @since 0.1.0
 */
export const versions = (
  actor: Authorization.Actor,
  unitId: string,
  page: Storage.PageRequest
): Effect.Effect<
  Storage.Page<Storage.Versioned<Unit.Unit>>,
  Storage.NotFound | Storage.StorageError | Refusal.Refusal,
  Storage.Storage | Settings.Settings
> =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const unit = (yield* load(unitId)).value
    yield* authorize(actor, { _tag: "ReadUnits", unit: ref(unit) })
    const after = yield* versionCursor(page.after)
    // A unit changes a handful of times (M12.2): one read of its history, paged here. The port keeps the history
    // oldest first, version n at position n - 1 (1 when inserted, +1 on every update).
    const rest = (yield* storage.units.history(unit.id))
      .map((value, i) => ({ value, version: i + 1 }))
      .filter((v) => v.version > after)
    const items = rest.slice(0, page.limit)
    const last = items.at(-1)
    return { items, next: rest.length > page.limit && last !== undefined ? String(last.version) : undefined }
  })
