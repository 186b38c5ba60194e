/**
 * The application service for transfers (调动, M23) and rotations (交流轮岗, M24): initiate, confirm, reject and
 * withdraw, each in one transaction that loads, checks the version the caller saw, lets the machine decide
 * ({@link Transfer}, {@link Rotation}), writes, and appends its audit record and outbox event.
 *
 * - One open process per teacher (M24.3) is the store's: a unique index on the open processes of a teacher. Its
 *   refusal names the teacher's open process (`details.id`, `details.kind`).
 * - Completion updates the e-file itself (O4.1, 伴随式收集), in the transaction of the last confirmation: the
 *   e-file moves to the receiving school (transfer, rotation with change of personnel relation) — and with it out
 *   of the sending school's subtree — and gets its 工作经历 and 交流轮岗 records, effective at once: the process was
 *   their review. No second entry by anyone.
 * - Every command takes an optional idempotency key, the acting account's own (two accounts may use one key
 *   independently): a retried command returns the stored result and changes nothing twice — the id of a new
 *   process, generated per attempt, is not part of what is compared; the same key with another command is refused
 *   ({@link IdempotencyKeyReused}, M23.2).
 *
 * @since 0.1.0
 */
import { hash } from "node:crypto"
import { Effect, Either, Option, Schema } from "effect"
import * as Authorization from "../accounts/Authorization.js"
import * as EFile from "../efile/EFile.js"
import * as Indicator from "../efile/Indicator.js"
import * as TransferAcross from "../exchange/TransferAcross.js"
import type * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"
import * as Rotation from "../processes/Rotation.js"
import * as Transfer from "../processes/Transfer.js"
import * as Aggregates from "./Aggregates.js"
import * as Audit from "./Audit.js"
import * as EFiles from "./EFiles.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"
import * as Training from "./Training.js"
import * as Units from "./Units.js"

/**
 * An idempotency key the account already used for a different command: refused, nothing written. A refusal like
 * every other ({@link Refusal.Shape}): kind `conflict`, rule M23.2 (no step is repeated — the rule the key serves, as
 * the store's `idempotencyKey` constraint names it), the key in `details.idempotencyKey`.
 *
 * @since 0.1.0
 */
export class IdempotencyKeyReused extends Schema.TaggedError<IdempotencyKeyReused>()("IdempotencyKeyReused", {
  /** The key as the caller sent it. */
  key: Schema.String
}) {
  get kind(): Refusal.Kind {
    return "conflict"
  }
  get rule(): Refusal.RuleId {
    return "M23.2"
  }
  get zh(): string {
    return "幂等键已用于其他操作"
  }
  get en(): string {
    return "the idempotency key was used for another command"
  }
  get details(): Readonly<Record<string, unknown>> {
    return { idempotencyKey: this.key }
  }
  override get message() {
    return Refusal.format(this)
  }
}

/**
 * Options of every command.
 *
 * @since 0.1.0
 */
export interface CommandOptions {
  /** The acting account's key for this command: its retries return the first result (M23.2). */
  readonly idempotencyKey?: string | undefined
}

/**
 * A transfer as the receiving school asks for it (M23.1).
 *
 * @since 0.1.0
 */
export interface TransferRequest {
  readonly id: string
  readonly teacherId: string
  /** The receiving school, or a department of it. */
  readonly toUnitId: string
  readonly kind: "transfer" | "rotation"
  readonly effective: string
  readonly reason: string
}

/**
 * A rotation as the dispatching school asks for it (M24.1, M24.2).
 *
 * @since 0.1.0
 */
export interface RotationRequest {
  readonly id: string
  readonly teacherId: string
  readonly toUnitId: string
  readonly personnelRelationChanges: boolean
  readonly period: Rotation.Period
  readonly reason: string
}

/**
 * What a confirmer, a rejecter or the initiator sends.
 *
 * @since 0.1.0
 */
export type Action =
  | { readonly type: "confirm" }
  | { readonly type: "reject"; readonly reason: string }
  | { readonly type: "withdraw"; readonly reason: string }

const now = Effect.map(Units.authorizationContext, (c) => c.now.toISOString())

const loadWorkflow = (id: string) =>
  Effect.flatMap(Storage.Storage, (s) =>
    Effect.flatMap(
      s.workflows.get(id),
      Option.match({
        onNone: () => Effect.fail(new Storage.NotFound({ entity: "workflow", id })),
        onSome: (w: Storage.Versioned<Storage.Workflow>) => Effect.succeed(w)
      })
    )
  )

// Any store refusal, not only the key's: the first holder of the key wrote the same process first, so the process id
// (or the teacher's open index, M24.3) may refuse the second before its key does. The re-run finds the key, or is
// refused again for real.
const isIdempotencyCollision = (error: unknown) => error instanceof Storage.ConstraintError

/**
 * The key as stored: the acting account's and the caller's key, so that accounts never share one. The store's
 * invariant (a stored key is used once) holds for the composed key.
 */
const accountKey = (actor: Authorization.Actor, key: string) => JSON.stringify([actor.accountId, key])

/**
 * Run a command once per idempotency key of the acting account, in one transaction: a retry with the same key and
 * the same command gets the stored result; with another command, `IdempotencyKeyReused`. `command` is what is
 * compared: the command without the ids generated per attempt. Two first attempts racing on one key: the store
 * refuses the second key, and its transaction is re-run once, to find the first's result.
 *
 * @since 0.1.0
 */
export const idempotent = <A, E, R>(
  actor: Authorization.Actor,
  options: CommandOptions,
  command: unknown,
  run: Effect.Effect<A, E, R>
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const key = options.idempotencyKey
    if (key === undefined) return yield* storage.transaction(run)
    const stored = accountKey(actor, key)
    const fingerprint = hash("sha256", JSON.stringify(command))
    const once = storage.transaction(
      Effect.gen(function* () {
        const previous = yield* storage.idempotency.get(stored)
        if (Option.isSome(previous)) {
          if (previous.value.command !== fingerprint) return yield* Effect.fail(new IdempotencyKeyReused({ key }))
          return previous.value.result as A
        }
        const result = yield* run
        yield* storage.idempotency.put(stored, fingerprint, result)
        return result
      })
    )
    return yield* once.pipe(Effect.retry({ times: 1, while: isIdempotencyCollision }))
  })

/** A request without its id, which the caller generates per attempt: what a retry must repeat. */
const withoutId = <A extends { readonly id: string }>({ id: _, ...rest }: A): Omit<A, "id"> => rest

/**
 * Insert a new process. The store refuses a second open one of the teacher (M24.3) — its unique index is the
 * enforcement — and the refusal then names the open process: its id and kind, read in this transaction before the
 * insert, since after a refused statement Postgres runs no other in the transaction (a writer that opened one after
 * the read makes a serializable transaction re-run, or leaves the refusal without a name).
 */
const insertProcess = (workflow: Storage.Workflow) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const open = (yield* storage.workflows.byTeacher(workflow.teacherId)).find((w) => w.value.open)
    return yield* Effect.catchIf(
      storage.workflows.insert(workflow),
      (e) => e instanceof Storage.ConstraintError && e.constraint === "oneOpenProcessPerTeacher",
      (e) => {
        // Not the refused process's id and kind: the open one's, or none.
        const { id: _, kind: __, ...values } = (e as Storage.ConstraintError).values
        const named = open === undefined ? values : { ...values, id: open.value.id, kind: open.value.kind }
        return Effect.fail(new Storage.ConstraintError({ constraint: "oneOpenProcessPerTeacher", values: named }))
      }
    )
  })

/**
 * Audit a step of a process (M37.1): its state and version after the step, with `more` details (a transfer between
 * provinces names the other province).
 *
 * @since 0.1.0
 */
export const record = (
  actor: Authorization.Actor | "system",
  action: string,
  workflow: Storage.Workflow,
  version: number,
  more: Readonly<Record<string, unknown>> = {}
) =>
  Audit.recordChange({
    actor,
    action,
    object: `workflow:${workflow.id}`,
    aggregateId: workflow.id,
    details: { teacher: workflow.teacherId, kind: workflow.kind, state: workflow.state, version, ...more },
    payload: { id: workflow.id, kind: workflow.kind, teacher: workflow.teacherId, state: workflow.state, version }
  })

/** The teacher as the machines see it, and the unit the e-file is kept by. */
const teacherOf = (teacherId: string) =>
  Effect.gen(function* () {
    const efile = yield* EFiles.load(teacherId)
    const unit = (yield* Units.load(efile.value.unitId)).value
    return {
      efile,
      unit,
      teacher: { id: efile.value.id, identityNumber: efile.value.idNumber, active: EFile.isActive(efile.value) }
    }
  })

/**
 * Initiate a transfer (M23.1), as an info admin of the receiving school; a rotation in disguise is refused
 * (M23.3), an inactive teacher too, and a second open process of the teacher by the store (M24.3), naming the open
 * one.
 *
 * @since 0.1.0
 */
export const initiateTransfer = (actor: Authorization.Actor, request: TransferRequest, options: CommandOptions = {}) =>
  idempotent(
    actor,
    options,
    { command: "initiateTransfer", request: withoutId(request) },
    Effect.gen(function* () {
      const { teacher, unit } = yield* teacherOf(request.teacherId)
      const to = (yield* Units.load(request.toUnitId)).value
      const context = yield* Units.authorizationContext
      const snapshot = yield* Transfer.decideInitiate(
        {
          id: request.id,
          teacher,
          from: Units.ref(unit),
          to: Units.ref(to),
          kind: request.kind,
          effective: request.effective,
          reason: request.reason
        },
        actor,
        context
      )
      const workflow: Storage.Workflow = {
        id: request.id,
        kind: "transfer",
        teacherId: teacher.id,
        state: snapshot.value,
        context: snapshot.context,
        open: Transfer.isOpen(snapshot.value),
        createdAt: context.now.toISOString()
      }
      const stored = yield* insertProcess(workflow)
      yield* record(actor, "transfer.initiate", workflow, stored.version)
      return stored
    })
  )

/**
 * Initiate a rotation (M24.1, M24.2), as an info admin of the dispatching school; a second open process of the
 * teacher is refused by the store (M24.3), naming the open one.
 *
 * @since 0.1.0
 */
export const initiateRotation = (actor: Authorization.Actor, request: RotationRequest, options: CommandOptions = {}) =>
  idempotent(
    actor,
    options,
    { command: "initiateRotation", request: withoutId(request) },
    Effect.gen(function* () {
      const { teacher, unit } = yield* teacherOf(request.teacherId)
      const to = (yield* Units.load(request.toUnitId)).value
      const context = yield* Units.authorizationContext
      const snapshot = yield* Rotation.decideInitiate(
        {
          id: request.id,
          teacher,
          from: Units.ref(unit),
          to: Units.ref(to),
          personnelRelationChanges: request.personnelRelationChanges,
          period: request.period,
          reason: request.reason
        },
        actor,
        context
      )
      const workflow: Storage.Workflow = {
        id: request.id,
        kind: "rotation",
        teacherId: teacher.id,
        state: snapshot.value,
        context: snapshot.context,
        open: Rotation.isOpen(snapshot.value),
        createdAt: context.now.toISOString()
      }
      const stored = yield* insertProcess(workflow)
      yield* record(actor, "rotation.initiate", workflow, stored.version)
      return stored
    })
  )

/**
 * An effective entry produced by a completed process (O4.1): the process was its review.
 *
 * @since 0.1.0
 */
export const processEntry = (
  efile: EFile.EFile,
  id: string,
  group: string,
  data: Indicator.IndicatorRecord
): EFile.Entry => ({
  id,
  teacherId: efile.id,
  group,
  data,
  review: {
    state: "effective",
    context: {
      entry: { id, group, teacher: efile.idNumber, teacherMayEnter: false },
      problems: [],
      schoolReview: undefined,
      bureauReview: undefined,
      rejection: undefined,
      history: []
    }
  }
})

/** Add an entry produced by the process, if the e-file's stage has its group (交流轮岗 is primary and secondary only). */
const addProcessEntry = (efile: EFile.EFile, id: string, group: string, data: Indicator.IndicatorRecord) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { indicators } = yield* Settings.Settings
    const checked = Indicator.validate(indicators, group, efile.stage, data)
    if (Either.isLeft(checked)) {
      // A group the stage lacks is simply not recorded; any other refusal is a bug in what the process wrote.
      if (checked.left.details.field === "group") return
      return yield* Effect.die(checked.left)
    }
    yield* storage.entries.insert(processEntry(efile, id, group, checked.right))
  })

/**
 * The stage of the school a unit is (or is a department of), or `otherwise` when its type names none.
 *
 * @since 0.1.0
 */
export const stageAt = (unit: Unit.Unit, otherwise: EFile.EFile["stage"]) =>
  Effect.gen(function* () {
    const school =
      unit.kind === "department" && unit.parentId !== undefined ? (yield* Units.load(unit.parentId)).value : unit
    return Option.getOrElse(EFile.stageOf(school), () => otherwise)
  })

/**
 * The e-file moves to the receiving unit: its path follows, so it leaves the sending school's subtree and enters the
 * receiving one's (M13.3, M13.4), and takes the receiving school's stage.
 */
const moveEFile = (loaded: Storage.Versioned<EFile.EFile>, to: Unit.Unit) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const stage = yield* stageAt(to, loaded.value.stage)
    const moved: EFile.EFile = { ...loaded.value, unitId: to.id, path: `${to.path}${loaded.value.id}`, stage }
    yield* storage.teachers.update(moved, loaded.version)
    return moved
  })

/**
 * The month (YYYY-MM) of a day.
 *
 * @since 0.1.0
 */
export const month = (day: string) => day.slice(0, 7)

/**
 * Record a message of a transfer between provinces to the other province, in the transaction of the step that
 * sends it (the outbox): the transfer export (`TransfersAcross.exportMessages`) builds it from the process when it
 * signs the package. The event names the recipient and the transfer, never the teacher's identity.
 *
 * @since 0.1.0
 */
export const sendAcross = (
  actor: Authorization.Actor | "system",
  transfer: string,
  province: string,
  type: TransferAcross.MessageType,
  more: Record<string, string> = {}
) =>
  Audit.recordChange({
    actor,
    action: TransferAcross.eventType(type),
    object: `transfer:${transfer}`,
    aggregateId: transfer,
    details: { to: province, transfer, ...more },
    payload: { to: province, transfer, ...more }
  })

/**
 * The sending side's completion of a transfer to another province (M23.1, M22.1): the e-file is released —
 * `transferredOut` from the effective day, so inactive here (M17.4) — and `released` goes to the receiving province,
 * which creates the e-file there (O4.1). The e-file's entries stay here, read-only history.
 */
const release = (workflow: Storage.TransferWorkflow, across: Transfer.Across) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const loaded = yield* EFiles.load(workflow.teacherId)
    const efile = loaded.value
    const last = workflow.context.history[workflow.context.history.length - 1]
    const released: EFile.EFile = {
      ...efile,
      status: "transferredOut",
      statusHistory: [
        ...efile.statusHistory,
        {
          status: "transferredOut",
          effective: workflow.context.effective,
          reason: undefined,
          recordedBy: (last?.actor ?? "system") as EFile.EFile["createdBy"],
          unit: efile.unitId
        }
      ]
    }
    yield* storage.teachers.update(released, loaded.version)
    yield* sendAcross("system", workflow.id, across.province, "released", { teacher: efile.id })
  })

/** What completion writes into the e-file (O4.1). */
const complete = (workflow: Storage.Workflow) =>
  Effect.gen(function* () {
    if (workflow.kind === "transfer" && workflow.context.across !== undefined) {
      return yield* release(workflow, workflow.context.across)
    }
    const efile = yield* EFiles.load(workflow.teacherId)
    if (workflow.kind === "transfer") {
      const context = workflow.context
      const from = (yield* Units.load(context.from.id)).value
      const to = (yield* Units.load(context.to.id)).value
      const moved = yield* moveEFile(efile, to)
      yield* addProcessEntry(moved, `${workflow.id}-workHistory`, "workHistory", {
        employer: to.name,
        startMonth: month(context.effective)
      })
      // O4.1, O9.1: the credits follow the teacher into the receiving province's currency, in this transaction.
      if (yield* Training.crossesProvinces(from, to)) yield* Training.followTransfer(workflow.teacherId, workflow.id)
      return
    }
    const context = workflow.context
    const from = (yield* Units.load(context.from.id)).value
    const to = (yield* Units.load(context.to.id)).value
    const target = Rotation.movesEFile(context) ? yield* moveEFile(efile, to) : efile.value
    if (Rotation.movesEFile(context)) {
      yield* addProcessEntry(target, `${workflow.id}-workHistory`, "workHistory", {
        employer: to.name,
        startMonth: month(context.period.start)
      })
    }
    yield* addProcessEntry(target, `${workflow.id}-exchangeRotation`, "exchangeRotation", {
      kind: Rotation.movesEFile(context) ? "交流轮岗（转人事关系）" : "交流轮岗（不转人事关系）",
      startMonth: month(context.period.start),
      endMonth: month(context.period.end),
      fromUnit: from.name,
      toUnit: to.name
    })
  })

/**
 * Confirm, reject or withdraw a process at `expectedVersion` (M23.1, M23.2, M24.1, M24.2): the machine decides who
 * may send what in which state; the last confirmation completes it and updates the e-file in the same transaction
 * (O4.1). A stale version is a `Conflict`, so of concurrent confirmations of one step exactly one commits.
 *
 * @since 0.1.0
 */
export const act = (
  actor: Authorization.Actor,
  workflowId: string,
  action: Action,
  expectedVersion: number,
  options: CommandOptions = {}
) =>
  idempotent(
    actor,
    options,
    { command: "act", workflowId, action, expectedVersion },
    Effect.gen(function* () {
      const storage = yield* Storage.Storage
      const { policy } = yield* Settings.Settings
      const loaded = yield* loadWorkflow(workflowId)
      yield* Units.expectVersion("workflow", loaded, expectedVersion)
      const workflow = loaded.value
      const at = yield* now
      const event = { ...action, actor, at }
      const next: Storage.Workflow =
        workflow.kind === "transfer"
          ? yield* Effect.map(
              Transfer.send(Transfer.restore({ state: workflow.state, context: workflow.context }), event, policy),
              (s) => ({ ...workflow, state: s.value, context: s.context, open: Transfer.isOpen(s.value) })
            )
          : yield* Effect.map(
              Rotation.send(Rotation.restore({ state: workflow.state, context: workflow.context }), event, policy),
              (s) => ({ ...workflow, state: s.value, context: s.context, open: Rotation.isOpen(s.value) })
            )
      const stored = yield* storage.workflows.update(next, expectedVersion)
      if (next.state === "completed") {
        yield* complete(next)
        yield* Aggregates.track([next.teacherId])
      }
      // A rejection by the sending side of a transfer from another province is owed to the receiving side (M23.2).
      if (next.kind === "transfer" && next.state === "rejected" && next.context.across !== undefined) {
        yield* sendAcross(actor, next.id, next.context.across.province, "refused", { rule: "M23.1" })
      }
      yield* record(actor, `${workflow.kind}.${action.type}`, next, stored.version)
      return stored
    })
  )

/**
 * A process, as stored (no authorization: for the application itself; callers acting for a user use {@link read}).
 *
 * @since 0.1.0
 */
export const get = (id: string) => loadWorkflow(id)

/**
 * A process as a user reads it (M13.3, M13.4): the parties are the sending and the receiving side, so the actor
 * must be allowed to read the teacher's basic information at one of the two units.
 *
 * @since 0.1.0
 */
export const read = (actor: Authorization.Actor, id: string) =>
  Effect.gen(function* () {
    const loaded = yield* loadWorkflow(id)
    const { from, to } = loaded.value.context
    const context = yield* Units.authorizationContext
    const readAt = (unit: Authorization.UnitRef): Authorization.Action => ({
      _tag: "ReadTeacher",
      unit,
      detail: "basic"
    })
    if (Authorization.isAllowed(actor, readAt(to), context)) return loaded
    return yield* Units.authorize(actor, readAt(from)).pipe(Effect.as(loaded))
  })

/**
 * The party a process waits for: its name in the chain (`receivingBureau` …), its wording, and the units whose info
 * admins act for it (`Authorization.partyUnits`).
 *
 * @since 0.1.0
 */
export interface NextParty {
  readonly party: string
  readonly zh: string
  readonly en: string
  readonly units: ReadonlyArray<string>
}

/**
 * The party whose confirmation (or rejection) a process waits for, from its chain's route (M23.1, M24.1, M24.2);
 * undefined once it has ended.
 *
 * @since 0.1.0
 */
export const nextParty = (workflow: Storage.Workflow): NextParty | undefined => {
  const named = (name: string, party: Authorization.Party): NextParty => ({
    party: name,
    zh: party.zh,
    en: party.en,
    units: Authorization.partyUnits(party, workflow.context).ids
  })
  if (workflow.kind === "transfer") {
    const step = Transfer.nextStep(workflow.state)
    return step === undefined ? undefined : named(step.party, Transfer.parties[step.party])
  }
  const step = Rotation.nextStep(workflow.state, workflow.context.personnelRelationChanges)
  return step === undefined ? undefined : named(step.party, Rotation.parties[step.party])
}

/** Every state in which a process of a kind waits for a confirmation, with the party awaited: the chains' steps. */
const awaitedParties: ReadonlyArray<{
  readonly kind: Storage.Workflow["kind"]
  readonly state: string
  readonly party: Authorization.Party
}> = [
  ...Transfer.steps.map((step) => ({
    kind: "transfer" as const,
    state: step.state,
    party: Transfer.parties[step.party]
  })),
  // A state the two routes of a rotation share waits for the same party on both.
  ...[
    ...new Map(Object.values(Rotation.steps).flatMap((steps) => steps.map((s) => [s.state, s] as const))).values()
  ].map((step) => ({ kind: "rotation" as const, state: step.state, party: Rotation.parties[step.party] }))
]

/**
 * The filters of a listing of processes.
 *
 * @since 0.1.0
 */
export interface ListFilter {
  readonly kind?: Storage.Workflow["kind"] | undefined
  readonly state?: Transfer.State | Rotation.State | undefined
}

/** The actor reads processes at its own unit: an account that may read teachers' basic information there. */
const listed = (
  actor: Authorization.Actor,
  filter: ListFilter,
  page: Storage.PageRequest,
  awaited: ((places: ReadonlyArray<Authorization.PartyPlace>) => ReadonlyArray<Storage.AwaitedEnd>) | undefined
) =>
  Effect.gen(function* () {
    yield* Units.authorize(actor, { _tag: "ReadTeacher", unit: actor.unit, detail: "basic" })
    const storage = yield* Storage.Storage
    const places = Authorization.partyPlaces(actor.unit)
    return yield* storage.workflows.find(
      {
        unitPath: actor.unit.path,
        places: places.map(({ kind, depth }) => ({ kind, depth })),
        awaited: awaited?.(places),
        kind: filter.kind,
        state: filter.state
      },
      page
    )
  })

/**
 * The inbox of the actor's unit (M23.1, M24.1, M24.2): the open processes whose next confirmation is the unit's to
 * take — the unit is among the {@link nextParty}'s units — oldest first, keyset-paginated. For an account that may
 * read teachers' basic information at its unit (an info admin or query-er, M13.3, M13.4); others are refused by
 * `Authorization`. A school's inbox holds its departments' too (the school's info admin acts for them, M20.1).
 *
 * @since 0.1.0
 */
export const inbox = (
  actor: Authorization.Actor,
  filter: ListFilter,
  page: Storage.PageRequest
): Effect.Effect<
  Storage.Page<Storage.Versioned<Storage.Workflow>>,
  Refusal.Refusal | Storage.StorageError,
  Storage.Storage | Settings.Settings
> =>
  listed(actor, filter, page, (places) =>
    awaitedParties
      .filter((a) => places.some((p) => p.level === a.party.level))
      .map(({ kind, state, party }) => ({ kind, state, end: party.side }))
  )

/**
 * The processes the actor's unit is party to, open or ended (M23.1, M24.1, M24.2): those whose sending or receiving
 * side it acts for as the school (or department) or as the competent bureau, oldest first, keyset-paginated. Who
 * may call it: as {@link inbox}.
 *
 * @since 0.1.0
 */
export const partyTo = (
  actor: Authorization.Actor,
  filter: ListFilter,
  page: Storage.PageRequest
): Effect.Effect<
  Storage.Page<Storage.Versioned<Storage.Workflow>>,
  Refusal.Refusal | Storage.StorageError,
  Storage.Storage | Settings.Settings
> => listed(actor, filter, page, undefined)
