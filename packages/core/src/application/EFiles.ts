/**
 * The application service for e-files: onboarding (M21.1), entries and their review (M17.1, M19.1), change
 * requests (M19.2), employment status (M22.1), audited and masked reads (M37.1, M37.2), the duplicate report
 * (M17.4). Each command loads, checks the version the caller saw, decides with the pure rules, persists, and
 * appends its audit record and outbox event in one transaction.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Either, Option } from "effect"
import * as Authorization from "../accounts/Authorization.js"
import type * as Eligibility from "../codes/Eligibility.js"
import * as IdentityNumber from "../codes/IdentityNumber.js"
import * as ChangeRequest from "../efile/ChangeRequest.js"
import * as EFile from "../efile/EFile.js"
import * as EmploymentStatus from "../efile/EmploymentStatus.js"
import * as Indicator from "../efile/Indicator.js"
import * as Review from "../efile/Review.js"
import * as Day from "../kernel/Day.js"
import * as Refusal from "../kernel/Refusal.js"
import * as Aggregates from "./Aggregates.js"
import * as Audit from "./Audit.js"
import * as EFileFilter from "./EFileFilter.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"
import * as Units from "./Units.js"

const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))

const found = Storage.found

/**
 * Load an e-file or fail with `NotFound`.
 *
 * @since 0.1.0
 */
export const load = (id: string) =>
  Effect.flatMap(Storage.Storage, (s) => Effect.flatMap(s.teachers.get(id as EFile.TeacherId), found("e-file", id)))

const loadEntry = (id: string) =>
  Effect.flatMap(Storage.Storage, (s) => Effect.flatMap(s.entries.get(id), found("entry", id)))

const loadRequest = (id: string) =>
  Effect.flatMap(Storage.Storage, (s) => Effect.flatMap(s.changeRequests.get(id), found("change request", id)))

/**
 * Who creates e-files at `unitId` (M21.1), decided once for a hire or a whole batch: a school or one of its
 * departments, with its school's stage, and an info admin of it as the actor (see `EFile.decideCreator`).
 *
 * @since 0.1.0
 */
export const creatorOf = (actor: Authorization.Actor, unitId: string) =>
  Effect.gen(function* () {
    const unit = (yield* Units.load(unitId)).value
    const school =
      unit.kind === "department" && unit.parentId !== undefined ? (yield* Units.load(unit.parentId)).value : unit
    const context = yield* Units.authorizationContext
    return yield* EFile.decideCreator(actor, unit, school, context)
  })

const record = (
  actor: Authorization.Actor,
  action: string,
  efile: EFile.EFile,
  details: Record<string, unknown>,
  payload: unknown = details
) =>
  Audit.recordChange({
    actor,
    action,
    object: `teacher:${efile.id}`,
    aggregateId: efile.id,
    details: { unit: efile.unitId, ...details },
    payload
  })

/** Who fills, for M16.1: the teacher, the school (or its department), or a bureau. */
const fillerOf = (actor: Authorization.Actor): Indicator.Filler =>
  actor.role === "teacher"
    ? "teacher"
    : actor.unit.kind === "school" || actor.unit.kind === "department"
      ? "school"
      : "bureau"

/** Validate a record of a group; identity problems of basic information are kept as problem data (M17.3). */
const validateRecord = (group: string, stage: EFile.EFile["stage"], data: unknown) =>
  Effect.gen(function* () {
    const { indicators } = yield* Settings.Settings
    const today = Day.of(yield* now)
    const result = Indicator.validate(indicators, group, stage, data, { today })
    if (Either.isRight(result)) return { record: result.right, problems: [] as ReadonlyArray<Review.Problem> }
    const problems = group === "basicInfo" ? EFile.identityProblems(result.left) : Option.none()
    if (Option.isSome(problems)) return { record: data as Indicator.IndicatorRecord, problems: problems.value }
    return yield* Effect.fail(result.left)
  })

/**
 * A new hire, as the school enters it (M21.1): the ids the caller chose for the e-file and its basic-information
 * entry, the keeping unit (school or department), the basic information, and what eligibility looks at (M5.1).
 *
 * @since 0.1.0
 */
export interface NewHire {
  readonly id: string
  readonly entryId: string
  readonly unitId: string
  /**
   * The basic information (基本信息): the core's fields, typed ({@link Indicator.BasicInfo}), and those a province's
   * extension adds (M11.2). Checked at run time against the deployment's indicators whatever its static type: a
   * caller holding data of unknown shape (a decoded request, an imported row) passes it as
   * {@link Indicator.UncheckedRecord}.
   */
  readonly basicInfo: (Indicator.BasicInfo & Indicator.ExtensionFields) | Indicator.UncheckedRecord
  readonly employment: Eligibility.Input
}

/**
 * Create the e-file of a new hire at its school (M21.1), as an info admin of that school or department: the person
 * is covered (M5.1), the basic information valid (M11), the identity number checked against birth date and sex —
 * a failing one is kept as problem data that blocks approval (M17.3) — and no other active e-file holds the
 * identity document (M17.4, refused by the store). The basic information starts its review as a draft.
 *
 * @since 0.1.0
 */
export const onboard = (actor: Authorization.Actor, hire: NewHire) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { indicators } = yield* Settings.Settings
    return yield* storage.transaction(
      Effect.gen(function* () {
        const creator = yield* creatorOf(actor, hire.unitId)
        const at = (yield* now).toISOString()
        const checked = Indicator.validate(indicators, "basicInfo", creator.stage, hire.basicInfo, {
          today: at.slice(0, 10)
        })
        const { efile, entry, problems } = yield* EFile.decideNew(creator, {
          id: EFile.TeacherId(hire.id),
          entryId: hire.entryId,
          basicInfo: hire.basicInfo,
          checked,
          employment: hire.employment,
          at
        })
        const stored = yield* storage.teachers.insert(efile)
        const inserted = yield* storage.entries.insert(entry)
        yield* Aggregates.track([efile.id])
        yield* record(actor, "efile.create", efile, { entry: entry.id, stage: efile.stage, problems: problems.length })
        return { efile: stored, entry: inserted }
      })
    )
  })

/**
 * A new entry of a record group (M19.1): by the teacher for the groups a teacher fills, or by the school or a
 * bureau (M16.1); it starts its review as a draft.
 *
 * @since 0.1.0
 */
export const addEntry = (
  actor: Authorization.Actor,
  input: { readonly teacherId: string; readonly entryId: string; readonly group: string; readonly data: unknown }
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { indicators } = yield* Settings.Settings
    return yield* storage.transaction(
      Effect.gen(function* () {
        const efile = (yield* load(input.teacherId)).value
        const unit = (yield* Units.load(efile.unitId)).value
        yield* Units.authorize(actor, {
          _tag: "WriteTeacher",
          unit: Units.ref(unit),
          teacher: { identityNumber: efile.idNumber }
        })
        yield* Indicator.mayFill(input.group, fillerOf(actor), indicators)
        const existing = yield* storage.entries.byTeacher(efile.id)
        const group = yield* EFile.decideNewEntry(
          indicators,
          efile,
          input.group,
          existing.map((e) => e.value)
        )
        const { record: data, problems } = yield* validateRecord(input.group, efile.stage, input.data)
        const entry = yield* storage.entries.insert({
          id: input.entryId,
          teacherId: efile.id,
          group: input.group,
          data,
          review: Review.persist(
            Review.initial({
              id: input.entryId,
              group: input.group,
              teacher: efile.idNumber,
              teacherMayEnter: group.fillers.includes("teacher"),
              problems
            })
          )
        })
        yield* Aggregates.track([efile.id])
        yield* record(actor, "entry.create", efile, { entry: input.entryId, group: input.group })
        return entry
      })
    )
  })

/**
 * What a reviewer or enterer sends (M17.1): the review events without the actor, unit and time, which the service
 * adds.
 *
 * @since 0.1.0
 */
export type ReviewCommand =
  | { readonly type: "submit" }
  | {
      readonly type: "approveBySchool"
      readonly collectiveReview: string
      readonly principal: string
      readonly signedOn: string
    }
  | { readonly type: "approveByBureau" }
  | { readonly type: "reject"; readonly reason: string }
  | { readonly type: "flagProblem"; readonly problem: Review.Problem }
  | { readonly type: "resolveProblem"; readonly check: Review.Check; readonly resolution: string }
  | { readonly type: "edit"; readonly data: unknown }

/**
 * Send a review event to an entry at `expectedVersion` (M17.1, M17.3, M17.4, M20.1): the machine decides who may
 * send it; an edit (draft or returned) replaces the data, validated. A change of the identity document in the basic
 * information moves the duplicate check with it (M17.4, refused by the store).
 *
 * @since 0.1.0
 */
export const review = (actor: Authorization.Actor, entryId: string, command: ReviewCommand, expectedVersion: number) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { policy } = yield* Settings.Settings
    return yield* storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* loadEntry(entryId)
        yield* Units.expectVersion("entry", loaded, expectedVersion)
        const entry = loaded.value
        const efileLoaded = yield* load(entry.teacherId)
        const efile = efileLoaded.value
        const unit = (yield* Units.load(efile.unitId)).value
        const at = (yield* now).toISOString()
        // An edit's data is the service's to validate; the machine decides whether the edit may happen.
        const event = command.type === "edit" ? { type: "edit" as const } : command
        const snapshot = yield* Review.send(
          Review.restore(entry.review),
          { ...event, actor, unit: Units.ref(unit), at } as Review.Event,
          policy
        )
        let data = entry.data
        if (command.type === "edit") {
          const checked = yield* validateRecord(entry.group, efile.stage, command.data)
          data = checked.record
          if (entry.group === "basicInfo") yield* syncIdentity(efileLoaded, data)
        }
        const next = { ...entry, data, review: Review.persist(snapshot) }
        const stored = yield* storage.entries.update(next, expectedVersion)
        yield* Aggregates.track([efile.id])
        yield* record(actor, `entry.${command.type}`, efile, {
          entry: entry.id,
          group: entry.group,
          state: snapshot.value,
          version: stored.version
        })
        return stored
      })
    )
  })

/** Keep the e-file's identity document and name in step with its basic information. */
const syncIdentity = (efile: Storage.Versioned<EFile.EFile>, basicInfo: Indicator.IndicatorRecord) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const key = EFile.identityKey(String(basicInfo.idType ?? ""), String(basicInfo.idNumber ?? ""))
    const name = String(basicInfo.name ?? efile.value.name)
    if (key.idType === efile.value.idType && key.idNumber === efile.value.idNumber && name === efile.value.name) return
    yield* storage.teachers.update({ ...efile.value, ...key, name }, efile.version)
  })

/**
 * Request a change of an effective entry (M19.2), as an info admin of the teacher's school: the changed record is
 * validated now, and applies only once the competent bureau approves, and only if the entry has not moved on.
 *
 * @since 0.1.0
 */
export const requestChange = (
  actor: Authorization.Actor,
  input: {
    readonly id: string
    readonly entryId: string
    readonly change: Record<string, unknown>
    readonly reason: string
  }
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const entry = yield* loadEntry(input.entryId)
        const efile = (yield* load(entry.value.teacherId)).value
        const unit = (yield* Units.load(efile.unitId)).value
        const context = yield* Units.authorizationContext
        const request = yield* ChangeRequest.request(
          {
            id: input.id,
            entry: {
              id: entry.value.id,
              teacher: efile.idNumber,
              version: entry.version,
              state: entry.value.review.state
            },
            unit: Units.ref(unit),
            change: input.change,
            reason: input.reason
          },
          actor,
          context
        )
        yield* validateRecord(entry.value.group, efile.stage, { ...entry.value.data, ...input.change })
        const stored = yield* storage.changeRequests.insert(request)
        yield* record(actor, "changeRequest.create", efile, { request: request.id, entry: entry.value.id })
        return stored
      })
    )
  })

/**
 * Approve a change request and apply it (M19.2), as an info admin of the competent bureau: the entry changes to the
 * requested values and the request is marked applied, together — or, when the entry moved on since the request,
 * neither (the refusal names M19.2 and nothing is written).
 *
 * @since 0.1.0
 */
export const approveChange = (actor: Authorization.Actor, requestId: string, expectedVersion: number) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* loadRequest(requestId)
        yield* Units.expectVersion("change request", loaded, expectedVersion)
        const context = yield* Units.authorizationContext
        const approved = yield* ChangeRequest.approve(loaded.value, actor, context)
        const entry = yield* loadEntry(approved.entryId)
        const applied = yield* ChangeRequest.decideApply(approved, entry.version)
        const efile = yield* load(entry.value.teacherId)
        const { record: data } = yield* validateRecord(entry.value.group, efile.value.stage, {
          ...entry.value.data,
          ...applied.change
        })
        if (entry.value.group === "basicInfo") yield* syncIdentity(efile, data)
        // The version check of the store makes "not at all if the entry moved on" hold under concurrency too.
        yield* storage.entries.update({ ...entry.value, data }, applied.baseVersion)
        const stored = yield* storage.changeRequests.update(applied, expectedVersion)
        yield* Aggregates.track([efile.value.id])
        yield* record(actor, "changeRequest.apply", efile.value, {
          request: applied.id,
          entry: entry.value.id,
          version: applied.appliedVersion
        })
        return stored
      })
    )
  })

/**
 * Refuse a change request with a reason (M19.2), as an info admin of the competent bureau.
 *
 * @since 0.1.0
 */
export const refuseChange = (actor: Authorization.Actor, requestId: string, reason: string, expectedVersion: number) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* loadRequest(requestId)
        yield* Units.expectVersion("change request", loaded, expectedVersion)
        const context = yield* Units.authorizationContext
        const refused = yield* ChangeRequest.refuse(loaded.value, actor, reason, context)
        const efile = (yield* loadEntry(refused.entryId).pipe(Effect.flatMap((e) => load(e.value.teacherId)))).value
        const stored = yield* storage.changeRequests.update(refused, expectedVersion)
        yield* record(actor, "changeRequest.refuse", efile, { request: refused.id, entry: refused.entryId })
        return stored
      })
    )
  })

/**
 * Record a change of employment status with its date (M22.1), as an info admin of the teacher's school: the history
 * grows, the current status follows the latest change, and an e-file whose teacher left the system stops counting
 * as active (M17.4).
 *
 * @since 0.1.0
 */
export const recordStatus = (
  actor: Authorization.Actor,
  teacherId: string,
  change: EmploymentStatus.Change,
  expectedVersion: number
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* load(teacherId)
        yield* Units.expectVersion("e-file", loaded, expectedVersion)
        const efile = loaded.value
        const unit = (yield* Units.load(efile.unitId)).value
        const context = yield* Units.authorizationContext
        const today = Day.of(context.now)
        if (change.effective > today) {
          // The active flag (M17.4) and the counts follow the stored status: a change is recorded once it happened.
          return yield* Effect.fail(
            Refusal.invalid(
              "M22.1",
              `人员状态变动在发生后记录，变动日期不能晚于今天（${today}）`,
              `a status change is recorded once it happened: its date is not after today (${today})`,
              { field: "effective", value: change.effective, today }
            )
          )
        }
        const history = yield* EmploymentStatus.recordChange(
          efile.statusHistory,
          change,
          actor,
          Units.ref(unit),
          context
        )
        const latest = history.reduce((a, b) => (b.effective > a.effective ? b : a))
        const next = { ...efile, statusHistory: history, status: latest.status }
        const stored = yield* storage.teachers.update(next, expectedVersion)
        yield* Aggregates.track([efile.id])
        yield* record(actor, "efile.status", next, {
          status: change.status,
          effective: change.effective,
          version: stored.version
        })
        return stored
      })
    )
  })

/** The audit record of a read (M37.1), in its own transaction: a refusal rolls back nothing of it. */
const auditRead = (
  actor: Authorization.Actor,
  action: string,
  object: string,
  outcome: Audit.Entry["outcome"],
  details: Record<string, unknown>
) => Audit.recordRead({ actor, action, object, outcome, details })

/** Authorize a read; a refusal is audited too (M37.1). */
const authorizeRead = (actor: Authorization.Actor, action: Authorization.Action, auditAction: string, object: string) =>
  Units.authorize(actor, action).pipe(
    Effect.tapError((error) => auditRead(actor, auditAction, object, "refused", { rule: error.rule }))
  )

/**
 * Read an e-file with its entries (M37.1, M37.2): audited, refused outside the actor's scope (and the refusal
 * audited), and masked — identity number masked, pay and ethics withheld — for an actor who may read basic
 * information only.
 *
 * @since 0.1.0
 */
export const read = (actor: Authorization.Actor, teacherId: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const efile = yield* load(teacherId)
    const unit = (yield* Units.load(efile.value.unitId)).value
    const teacher = { identityNumber: efile.value.idNumber }
    const object = `teacher:${efile.value.id}`
    yield* authorizeRead(
      actor,
      { _tag: "ReadTeacher", unit: Units.ref(unit), detail: "basic", teacher },
      "efile.read",
      object
    )
    const context = yield* Units.authorizationContext
    const sensitive = Authorization.isAllowed(
      actor,
      { _tag: "ReadTeacher", unit: Units.ref(unit), detail: "sensitive", teacher },
      context
    )
    const entries = yield* storage.entries.byTeacher(efile.value.id)
    const view = EFile.view(
      efile.value,
      entries.map((e) => e.value),
      sensitive
    )
    yield* auditRead(actor, "efile.read", object, "ok", { masked: view.masked, version: efile.version })
    // Each entry with its version: what a reviewer or a change request names as the version it saw.
    const versions = new Map(entries.map((e) => [e.value.id, e.version]))
    return {
      ...view,
      entries: view.entries.map((e) => ({ ...e, version: versions.get(e.id) ?? 0 })),
      version: efile.version
    }
  })

/**
 * A teacher's own e-file (M14.3, M16.1): the active e-file of the account's person, found by the resident identity
 * number the account is bound to (M14.1), read as {@link read} reads it. `NotFound` when the person has none.
 *
 * @since 0.1.0
 */
export const own = (actor: Authorization.Actor) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const held = yield* storage.teachers.byIdentity(residentIdentityCard, actor.identityNumber)
    const active = held.find((e) => EFile.isActive(e.value))
    if (active === undefined) return yield* Effect.fail(new Storage.NotFound({ entity: "efile", id: actor.accountId }))
    return yield* read(actor, active.value.id)
  })

/** The code of the resident identity card (居民身份证) among the identity document types. */
const residentIdentityCard = "1"

/**
 * One page of the e-files kept in subtree(unit) (M13.3, M13.4) that pass `filter` (`EFileFilter`, the store's
 * query): audited with the filter, masked for those who see basic information only — who may not filter by
 * identity number either (M37.2, refused and audited).
 *
 * @since 0.1.0
 */
export const list = (
  actor: Authorization.Actor,
  unitId: string,
  page: Storage.PageRequest,
  filter: EFileFilter.Filter = {}
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const unit = (yield* Units.load(unitId)).value
    const object = `unit:${unit.id}`
    yield* authorizeRead(actor, { _tag: "ReadTeacher", unit: Units.ref(unit), detail: "basic" }, "efile.list", object)
    const context = yield* Units.authorizationContext
    const sensitive = Authorization.isAllowed(
      actor,
      { _tag: "ReadTeacher", unit: Units.ref(unit), detail: "sensitive" },
      context
    )
    const normalized = EFileFilter.normalize(filter)
    // The audit names what was searched for, an identity number masked as the log's readers see it (M37.2).
    const searched = {
      ...normalized,
      ...(normalized.idNumber === undefined ? {} : { idNumber: IdentityNumber.mask(normalized.idNumber) })
    }
    const refusal = EFileFilter.decide(actor, normalized, sensitive)
    if (refusal !== undefined) {
      yield* auditRead(actor, "efile.list", object, "refused", { rule: refusal.rule, filter: searched })
      return yield* Effect.fail(refusal)
    }
    const filtered = Object.keys(normalized).length > 0
    const result = filtered
      ? yield* storage.teachers.search(unit.path, normalized, page)
      : yield* storage.teachers.subtree(unit.path, page)
    const items = result.items.map((efile) => EFile.view(efile, [], sensitive).efile)
    yield* auditRead(actor, "efile.list", object, "ok", {
      count: items.length,
      masked: !sensitive,
      ...(filtered ? { filter: searched } : {})
    })
    return { items, next: result.next }
  })

/**
 * One page of the change requests (M19.2) on the e-files kept in subtree(unit), of one status or any, by request
 * id. For the info admins of the unit or a unit above it — those who request (the school, M19.2, M20.1) and approve
 * (the competent bureau, M19.2) and those above them who oversee (M13.3); a query-er (M13.4), a system admin (M13.2),
 * a teacher (M14.3) and a department's info admin outside its department (M20.1) are refused. Audited, refusals too.
 *
 * @since 0.1.0
 */
export const changeRequests = (
  actor: Authorization.Actor,
  unitId: string,
  status: ChangeRequest.Status | undefined,
  page: Storage.PageRequest
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const unit = (yield* Units.load(unitId)).value
    const object = `unit:${unit.id}`
    yield* authorizeRead(actor, { _tag: "ReviewTeacher", unit: Units.ref(unit) }, "changeRequest.list", object)
    const result = yield* storage.changeRequests.inSubtree(unit.path, status, page)
    yield* auditRead(actor, "changeRequest.list", object, "ok", {
      count: result.items.length,
      ...(status === undefined ? {} : { status })
    })
    return result
  })

/**
 * The report's two sources in identity order, one page: the deployment's own duplicates and the cross-province
 * duplicates the national system fed back (M32.1), an identity in both made one item.
 */
const duplicatesWithFeedback = (storage: Storage.Storage["Type"], page: Storage.PageRequest) =>
  Effect.gen(function* () {
    const own = yield* storage.teachers.duplicates(page)
    const fed = yield* storage.exchange.duplicates(page)
    const keyOf = (d: Storage.Duplicate) => `${d.idNumber}:${d.idType}`
    const byKey = new Map<string, Storage.Duplicate>()
    for (const d of [...own.items, ...fed.items]) {
      const held = byKey.get(keyOf(d))
      byKey.set(
        keyOf(d),
        held === undefined
          ? d
          : {
              ...held,
              teachers: [...new Set([...held.teachers, ...d.teachers])].sort(),
              ...(d.provinces === undefined ? {} : { provinces: d.provinces })
            }
      )
    }
    const byte = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
    const merged = [...byKey.values()].sort((a, b) => byte(a.idNumber, b.idNumber) || byte(a.idType, b.idType))
    const limit = Math.max(1, Math.min(1000, page.limit))
    const items = merged.slice(0, limit)
    const more = merged.length > limit || own.next !== undefined || fed.next !== undefined
    const last = items[items.length - 1]
    return { items, next: more && last !== undefined ? keyOf(last) : undefined }
  })

/**
 * The duplicate report (M17.4): identity documents held by more than one e-file, for the info admins of the
 * deployment's root (the national system finds them across provinces), who may read identity numbers in full.
 * Audited, refusals too.
 *
 * @since 0.1.0
 */
export const duplicates = (actor: Authorization.Actor, page: Storage.PageRequest) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const root = yield* storage.units.root()
    const object = `unit:${Option.match(root, { onNone: () => "", onSome: (r) => r.id })}`
    if (Option.isNone(root) || actor.unit.id !== root.value.id) {
      yield* auditRead(actor, "efile.duplicates", object, "refused", { rule: "M17.4" })
      return yield* Effect.fail(
        Refusal.forbidden(
          "M17.4",
          "重复数据报告由部署的最高一级单位查看",
          "the duplicate report is for the deployment's top unit",
          { field: "actor", value: actor.accountId, actorUnit: actor.unit.id }
        )
      )
    }
    yield* authorizeRead(actor, { _tag: "ReviewTeacher", unit: Units.ref(root.value) }, "efile.duplicates", object)
    const result = yield* duplicatesWithFeedback(storage, page)
    yield* auditRead(actor, "efile.duplicates", object, "ok", { count: result.items.length })
    return result
  })
