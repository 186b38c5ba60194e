/**
 * The application service of spot checks (M17.2): a bureau draws a seeded sample of its subtree's schools and
 * teachers (the population and the seed recorded, so anyone redraws it), records a finding per sampled e-file,
 * publishes the result; a discrepancy found is corrected by a change request of the teacher's school (M19.2).
 *
 * @since 0.1.0
 */
import { Effect, Option, Random } from "effect"
import type * as Authorization from "../accounts/Authorization.js"
import * as EFile from "../efile/EFile.js"
import * as SpotCheck from "../efile/SpotCheck.js"
import * as Audit from "./Audit.js"
import * as EFiles from "./EFiles.js"
import * as Storage from "./Storage.js"
import * as Units from "./Units.js"

const load = (id: string) =>
  Effect.flatMap(Storage.Storage, (s) =>
    Effect.flatMap(
      s.spotChecks.get(id),
      Option.match({
        onNone: () => Effect.fail(new Storage.NotFound({ entity: "spot check", id })),
        onSome: (loaded: Storage.Versioned<SpotCheck.SpotCheck>) => Effect.succeed(loaded)
      })
    )
  )

const record = (actor: Authorization.Actor, action: string, check: SpotCheck.SpotCheck, details: object) =>
  Audit.recordChange({
    actor,
    action,
    object: `spotCheck:${check.id}`,
    aggregateId: check.id,
    details: { unit: check.unit.id, ...details },
    payload: { id: check.id, unit: check.unit.id, state: check.state, ...details }
  })

/**
 * The population of subtree(`path`): its open schools and its active e-files, by id.
 *
 * @since 0.1.0
 */
export const population = (path: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const schools: Array<string> = []
    let after: string | undefined
    do {
      const page = yield* storage.units.subtree(path, { after, limit: 1000 })
      for (const unit of page.items) if (unit.kind === "school" && unit.status === "open") schools.push(unit.id)
      after = page.next
    } while (after !== undefined)
    const teachers: Array<string> = []
    let cursor: string | undefined
    do {
      const page = yield* storage.teachers.subtree(path, { after: cursor, limit: 1000 })
      for (const efile of page.items) if (EFile.isActive(efile)) teachers.push(efile.id)
      cursor = page.next
    } while (cursor !== undefined)
    return { schools, teachers }
  })

/**
 * What a bureau asks for: the check's id, how many schools and teachers, and the seed (drawn at random when
 * absent, and recorded either way).
 *
 * @since 0.1.0
 */
export interface DrawRequest {
  readonly id: string
  readonly unitId: string
  readonly schools: number
  readonly teachers: number
  readonly seed?: string | undefined
}

/**
 * Draw a spot check of subtree(`unitId`) (M17.2), as an info admin of that bureau: the population read now, the
 * sample drawn from it with the seed, both recorded with the check. Audited.
 *
 * @since 0.1.0
 */
export const draw = (actor: Authorization.Actor, request: DrawRequest) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const seed =
      request.seed ??
      (yield* Effect.map(Effect.all(Array.from({ length: 4 }, () => Random.nextIntBetween(0, 2 ** 31))), (ns) =>
        ns.map((n) => n.toString(16).padStart(8, "0")).join("")
      ))
    return yield* storage.transaction(
      Effect.gen(function* () {
        const unit = (yield* Units.load(request.unitId)).value
        const context = yield* Units.authorizationContext
        // Who may draw, and the sizes, are decided before the population is read (a stand-in population here).
        yield* SpotCheck.decideDraw(
          actor,
          Units.ref(unit),
          { id: request.id, seed, schools: request.schools, teachers: request.teachers },
          { schools: ["-"], teachers: ["-"] },
          context
        )
        const check = yield* SpotCheck.decideDraw(
          actor,
          Units.ref(unit),
          { id: request.id, seed, schools: request.schools, teachers: request.teachers },
          yield* population(unit.path),
          context
        )
        const stored = yield* storage.spotChecks.insert(check)
        yield* record(actor, "spotCheck.draw", check, {
          seed,
          sizes: check.sizes,
          population: { schools: check.population.schools.length, teachers: check.population.teachers.length },
          sample: check.sample
        })
        return stored
      })
    )
  })

/**
 * Record the finding on a sampled e-file (M17.2) at the version the caller saw, as an info admin of the bureau.
 *
 * @since 0.1.0
 */
export const recordFinding = (
  actor: Authorization.Actor,
  id: string,
  finding: { readonly teacherId: string; readonly result: SpotCheck.Result; readonly note: string },
  expectedVersion: number
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* load(id)
        yield* Units.expectVersion("spot check", loaded, expectedVersion)
        const context = yield* Units.authorizationContext
        const next = yield* SpotCheck.decideFinding(loaded.value, actor, finding, context)
        const stored = yield* storage.spotChecks.update(next, expectedVersion)
        yield* record(actor, "spotCheck.finding", next, { teacher: finding.teacherId, result: finding.result })
        return stored
      })
    )
  })

/**
 * Publish the result (M17.2) at the version the caller saw, as an info admin of the bureau: once every sampled
 * e-file has a finding.
 *
 * @since 0.1.0
 */
export const publish = (actor: Authorization.Actor, id: string, summary: string, expectedVersion: number) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* load(id)
        yield* Units.expectVersion("spot check", loaded, expectedVersion)
        const context = yield* Units.authorizationContext
        const next = yield* SpotCheck.decidePublish(loaded.value, actor, summary, context)
        const stored = yield* storage.spotChecks.update(next, expectedVersion)
        yield* record(actor, "spotCheck.publish", next, { tally: SpotCheck.tally(next) })
        return stored
      })
    )
  })

/**
 * Open the change request correcting a discrepancy found (M17.2, M19.2): `EFiles.requestChange` by the teacher's
 * school (its info admin, who alone may request a change), citing the finding, and the finding keeps the request's
 * id — in one transaction. The competent bureau then approves it as any change request.
 *
 * @since 0.1.0
 */
export const openChange = (
  actor: Authorization.Actor,
  id: string,
  teacherId: string,
  request: {
    readonly requestId: string
    readonly entryId: string
    readonly change: Record<string, unknown>
    readonly reason: string
  }
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* load(id)
        const linked = yield* SpotCheck.decideLink(loaded.value, teacherId, request.requestId)
        const entry = yield* storage.entries.get(request.entryId)
        if (Option.isNone(entry) || entry.value.value.teacherId !== teacherId) {
          return yield* Effect.fail(new Storage.NotFound({ entity: "entry", id: request.entryId }))
        }
        const finding = loaded.value.findings.find((f) => f.teacherId === teacherId)
        const changeRequest = yield* EFiles.requestChange(actor, {
          id: request.requestId,
          entryId: request.entryId,
          change: request.change,
          reason: `${request.reason.trim()}（抽查${id}：${finding?.note ?? ""}）`
        })
        const stored = yield* storage.spotChecks.update(linked, loaded.version)
        yield* record(actor, "spotCheck.changeRequest", linked, { teacher: teacherId, request: request.requestId })
        return { check: stored, changeRequest }
      })
    )
  })

/**
 * A spot check (M17.2): for the bureau and above; once published, for the info admins and query-ers of its
 * subtree. The population is left out (its size is given); `redrawn` says whether the recorded sample follows from
 * the recorded seed and population.
 *
 * @since 0.1.0
 */
export const read = (actor: Authorization.Actor, id: string) =>
  Effect.gen(function* () {
    const loaded = yield* load(id)
    const context = yield* Units.authorizationContext
    const refused = SpotCheck.decideRead(loaded.value, actor, context)
    if (refused !== undefined) return yield* Effect.fail(refused)
    return { check: loaded.value, version: loaded.version, redrawn: SpotCheck.redraw(loaded.value) }
  })
