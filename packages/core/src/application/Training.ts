/**
 * The application service of training credits (M25) over the credit bank (O9.1): providers, projects, enrolments,
 * results and their confirmation, and a teacher's ledger. Each command runs in one transaction that loads, lets the
 * rules decide (`Authorization`, `TrainingProject`, `CreditConfirmation`, `CreditBank`), writes, and appends its
 * audit record and outbox event.
 *
 * - A bureau (or a school, for school-based training and self-study) enters its own level's projects and registers
 *   their providers (M25.1); a school's plan needs its competent bureau's approval before anyone enrols (M25.5).
 * - A provider, authenticated by its key, submits results only for teachers enrolled in its own projects (M25.2),
 *   and corrects a rejected result.
 * - The unit fixed by the project's kind confirms or rejects (M25.3–M25.5); a confirmation books the credits in
 *   the ledger, converted by the rule of the teacher's province (M25.4), idempotent by the result's key.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Option } from "effect"
import * as Authorization from "../accounts/Authorization.js"
import * as EFile from "../efile/EFile.js"
import * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"
import * as CreditBank from "../training/CreditBank.js"
import * as CreditConfirmation from "../training/CreditConfirmation.js"
import * as Project from "../training/Project.js"
import * as Provider from "../training/Provider.js"
import * as Audit from "./Audit.js"
import * as BatchImport from "./BatchImport.js"
import * as Constraint from "./Constraint.js"
import * as Credits from "./Credits.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"
import * as Units from "./Units.js"

const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

const found = Storage.found

const loadProvider = (id: string) =>
  Effect.flatMap(Storage.Storage, (s) => Effect.flatMap(s.training.getProvider(id), found("training provider", id)))
const loadProject = (id: string) =>
  Effect.flatMap(Storage.Storage, (s) => Effect.flatMap(s.training.getProject(id), found("training project", id)))
const loadResult = (id: string) =>
  Effect.flatMap(Storage.Storage, (s) => Effect.flatMap(s.training.getResult(id), found("training result", id)))
const loadTeacher = (id: string) =>
  Effect.flatMap(Storage.Storage, (s) => Effect.flatMap(s.teachers.get(id as EFile.TeacherId), found("e-file", id)))
/** Where a teacher is kept, read without the e-file (a confirmation's rule needs only the unit, M25.4). */
const loadTeacherUnitId = (id: string) =>
  Effect.flatMap(Storage.Storage, (s) =>
    Effect.flatMap(s.teachers.unitIdsOf([id]), (units) => found("e-file", id)(Option.fromNullable(units.get(id))))
  )

const refuse = (refusal: Refusal.Refusal | undefined) => (refusal === undefined ? Effect.void : Effect.fail(refusal))

const asUnitAdmin = (actor: Authorization.Actor, unit: Authorization.UnitRef, rule: Refusal.RuleId) =>
  Effect.flatMap(Units.authorizationContext, (context) =>
    refuse(Authorization.decideUnitAdmin(actor, unit, context, rule))
  )

/** Audit and outbox of a provider's change: the actor is `provider:<id>`, outside the unit hierarchy. */
const recordByProvider = (
  provider: Provider.Actor,
  action: string,
  object: string,
  aggregateId: string,
  payload: unknown
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const at = yield* now
    yield* storage.audit.append({
      at,
      actor: `provider:${provider.providerId}`,
      unitId: undefined,
      action,
      object,
      outcome: "ok",
      requestId: undefined,
      details: { provider: provider.providerId }
    })
    yield* storage.outbox.append({ type: action, at, aggregateId, payload })
  })

const record = (actor: Authorization.Actor, action: string, object: string, aggregateId: string, payload: unknown) =>
  Audit.recordChange({ actor, action, object, aggregateId, details: { id: aggregateId }, payload })

// ── Providers ───────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Register a provider of the actor's unit (M25.1): its record, and its key, returned once and stored only hashed.
 *
 * @since 0.1.0
 */
export const registerProvider = (actor: Authorization.Actor, input: { readonly id: string; readonly name: string }) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const owner = (yield* Units.load(actor.unit.id)).value
        yield* asUnitAdmin(actor, Units.ref(owner), "M25.1")
        if (owner.kind === "department") {
          return yield* Effect.fail(
            Refusal.invalid(
              "M25.1",
              "培训机构由教育行政部门或学校登记",
              "a provider is registered by a bureau or a school",
              {
                field: "unit",
                value: owner.id
              }
            )
          )
        }
        const key = Provider.newKey()
        const provider: Provider.Provider = {
          id: input.id,
          name: input.name.trim(),
          ownerUnitId: owner.id,
          ownerPath: owner.path,
          status: "active",
          keyHash: Provider.hashKey(key),
          createdBy: actor.accountId,
          createdAt: yield* now
        }
        const stored = yield* storage.training.insertProvider(provider)
        yield* record(actor, "training.registerProvider", `provider:${provider.id}`, provider.id, {
          ...provider,
          keyHash: undefined
        })
        return { provider: stored, key }
      })
    )
  )

/**
 * Disable a provider (by its owner's info admin): its key is refused from now on.
 *
 * @since 0.1.0
 */
export const disableProvider = (actor: Authorization.Actor, providerId: string, expectedVersion: number) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* loadProvider(providerId)
        yield* Units.expectVersion("training provider", loaded, expectedVersion)
        const owner = (yield* Units.load(loaded.value.ownerUnitId)).value
        yield* asUnitAdmin(actor, Units.ref(owner), "M25.1")
        const next = { ...loaded.value, status: "disabled" as const }
        const stored = yield* storage.training.updateProvider(next, loaded.version)
        yield* record(actor, "training.disableProvider", `provider:${providerId}`, providerId, { id: providerId })
        return stored
      })
    )
  )

/**
 * Authenticate a provider by its id and key (M25.2): its actor, or `unauthenticated`.
 *
 * @since 0.1.0
 */
export const authenticateProvider = (providerId: string, key: string) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    Effect.flatMap(storage.training.getProvider(providerId), (found) =>
      Provider.authenticate(Option.getOrUndefined(Option.map(found, (p) => p.value)), providerId, key)
    )
  )

// ── Projects ────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Enter a project of the actor's unit, at its own level (M25.1). Its provider is one registered by this unit or a
 * unit above it, and active.
 *
 * @since 0.1.0
 */
export const createProject = (actor: Authorization.Actor, input: Project.NewProject) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const owner = (yield* Units.load(actor.unit.id)).value
        yield* asUnitAdmin(actor, Units.ref(owner), "M25.1")
        const provider = (yield* loadProvider(input.providerId)).value
        if (provider.status !== "active" || !owner.path.startsWith(provider.ownerPath)) {
          return yield* Effect.fail(
            Refusal.invalid(
              "M25.1",
              "培训机构须为本单位或上级单位登记的在用机构",
              "a project's provider is an active provider registered by its owner or a unit above",
              { field: "providerId", value: input.providerId }
            )
          )
        }
        const target = input.targetUnitId === undefined ? owner : (yield* Units.load(input.targetUnitId)).value
        const project = yield* Project.decideNew(input, Units.ref(owner), target, actor.accountId, yield* now)
        const stored = yield* storage.training.insertProject(project)
        yield* record(actor, "training.createProject", `project:${project.id}`, project.id, project)
        return stored
      })
    )
  )

/**
 * Approve a school's school-based or self-study plan, as the school's competent bureau (M25.5).
 *
 * @since 0.1.0
 */
export const approvePlan = (actor: Authorization.Actor, projectId: string, expectedVersion: number) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* loadProject(projectId)
        yield* Units.expectVersion("training project", loaded, expectedVersion)
        if (loaded.value.plan === "approved") {
          return yield* Effect.fail(
            Refusal.invalid("M25.5", "该计划无需或已经审核", "this plan needs no approval, or has it", {
              field: "project",
              value: projectId
            })
          )
        }
        const school = (yield* Units.load(loaded.value.ownerUnitId)).value
        const context = yield* Units.authorizationContext
        yield* refuse(Authorization.decideBureauAdmin(actor, Units.ref(school), context, "M25.5"))
        const stored = yield* storage.training.updateProject({ ...loaded.value, plan: "approved" }, loaded.version)
        yield* record(actor, "training.approvePlan", `project:${projectId}`, projectId, { id: projectId })
        return stored
      })
    )
  )

/**
 * The projects a unit owns (its info admins and those above read them).
 *
 * @since 0.1.0
 */
export const projectsOf = (actor: Authorization.Actor, unitId: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const unit = (yield* Units.load(unitId)).value
    yield* Units.authorize(actor, { _tag: "ReadUnits", unit: Units.ref(unit) })
    return yield* storage.training.projectsOf(unitId)
  })

/**
 * Enrol a teacher in a project (M25.2): by an info admin whose scope holds the teacher, the plan approved, the
 * teacher among the targets, a place left (the count is written at the project's version: concurrent enrolments
 * past the capacity conflict).
 *
 * @since 0.1.0
 */
export const enrol = (actor: Authorization.Actor, projectId: string, teacherId: string) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const project = yield* loadProject(projectId)
        const teacher = (yield* loadTeacher(teacherId)).value
        const unit = (yield* Units.load(teacher.unitId)).value
        yield* Units.authorize(actor, { _tag: "WriteTeacher", unit: Units.ref(unit) })
        yield* refuse(Project.decideEnrol(project.value, unit.path))
        yield* storage.training.enrol({ projectId, teacherId, by: actor.accountId, at: yield* now })
        const stored = yield* storage.training.updateProject(
          { ...project.value, enrolled: project.value.enrolled + 1 },
          project.version
        )
        yield* record(actor, "training.enrol", `project:${projectId}`, projectId, { projectId, teacherId })
        return stored
      })
    )
  )

// ── Results and their confirmation ──────────────────────────────────────────────────────────────────────────────

/** The unit that confirms a teacher's result in a project (M25.3–M25.5). */
const confirmerOf = (project: Project.Project, teacherUnit: Unit.Unit) =>
  Effect.gen(function* () {
    const { route, rule } = Project.routeOf(project.kind)
    if (route === "owner") return { route, rule, unit: Units.ref((yield* Units.load(project.ownerUnitId)).value) }
    if (route === "competent") {
      const school = Option.getOrUndefined(Unit.schoolId(teacherUnit))
      const bureau = Option.getOrUndefined(
        Unit.competentBureauId(
          teacherUnit.kind === "department" && school ? (yield* Units.load(school)).value : teacherUnit
        )
      )
      if (bureau === undefined)
        return yield* Effect.fail(new Storage.NotFound({ entity: "competent bureau", id: teacherUnit.id }))
      return { route, rule, unit: Units.ref((yield* Units.load(bureau)).value) }
    }
    const province = yield* provinceOf(teacherUnit)
    return { route, rule, unit: Units.ref(province) }
  })

/** The province unit above a unit (by its path). */
const provinceOf = (unit: Unit.Unit) =>
  Effect.gen(function* () {
    for (const id of Unit.ancestry(unit)) {
      const candidate = (yield* Units.load(id)).value
      if (candidate.kind === "province") return candidate
    }
    return yield* Effect.fail(new Storage.NotFound({ entity: "province of unit", id: unit.id }))
  })

/** The id of the province a unit lies in; undefined when it lies under none (the national unit). */
const provinceIdOf = (unit: Unit.Unit) =>
  provinceOf(unit).pipe(
    Effect.map((province): string | undefined => province.id),
    Effect.catchIf(
      (e) => e instanceof Storage.NotFound && e.entity === "province of unit",
      () => Effect.succeed(undefined)
    )
  )

/**
 * Do two units lie in different provinces? Then a teacher moving from one to the other takes the credits to
 * another province's currency (O4.1, O9.1).
 *
 * @since 0.1.0
 */
export const crossesProvinces = (from: Unit.Unit, to: Unit.Unit) =>
  Effect.map(Effect.all([provinceIdOf(from), provinceIdOf(to)]), ([a, b]) => a !== b)

/**
 * The conversion rule serving a teacher (by the province the teacher's unit lies in; the deployment's default when
 * the teacher is under no province).
 *
 * @since 0.1.0
 */
export const ruleOfTeacher = (teacherUnit: Unit.Unit) =>
  Effect.gen(function* () {
    const settings = yield* Settings.Settings
    const rules = settings.creditRules ?? []
    const province = yield* Effect.option(provinceOf(teacherUnit))
    return CreditBank.ruleFor(rules, Option.match(province, { onNone: () => "*", onSome: (p) => p.id }))
  })

/**
 * A result as a provider submits it.
 *
 * @since 0.1.0
 */
export interface NewResult {
  readonly id: string
  readonly projectId: string
  readonly teacherId: string
  readonly hours: number
  readonly completedOn: string
}

const checkHours = (project: Project.Project, hours: number, completedOn: string) =>
  !Number.isFinite(hours) ||
  hours <= 0 ||
  hours > project.hours ||
  Math.abs(hours * 100 - Math.round(hours * 100)) > 1e-6
    ? Effect.fail(
        Refusal.invalid("M25.2", "学时须为正数，且不超过项目学时", "hours are positive and at most the project's", {
          field: "hours",
          value: hours,
          projectHours: project.hours
        })
      )
    : completedOn < project.from || completedOn > project.to || !/^\d{4}-\d{2}-\d{2}$/.test(completedOn)
      ? Effect.fail(
          Refusal.invalid("M25.2", "结业日期须在培训期间内", "the completion day lies in the project's period", {
            field: "completedOn",
            value: completedOn
          })
        )
      : Effect.void

/**
 * Submit a teacher's result (M25.2): only the project's own provider, only for an enrolled teacher; the result
 * awaits the unit the project's kind names (M25.3–M25.5).
 *
 * @since 0.1.0
 */
export const submitResult = (provider: Provider.Actor, input: NewResult) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const project = (yield* loadProject(input.projectId)).value
        const enrolled = yield* storage.training.isEnrolled(input.projectId, input.teacherId)
        yield* refuse(Authorization.decideProviderResult(provider, project, enrolled))
        yield* checkHours(project, input.hours, input.completedOn)
        const teacher = (yield* loadTeacher(input.teacherId)).value
        const teacherUnit = (yield* Units.load(teacher.unitId)).value
        const confirmer = yield* confirmerOf(project, teacherUnit)
        const at = yield* now
        const snapshot = CreditConfirmation.initial(
          { ...input, providerId: provider.providerId },
          confirmer,
          confirmer.unit,
          at
        )
        const result: Storage.TrainingResult = {
          id: input.id,
          projectId: input.projectId,
          teacherId: input.teacherId,
          state: snapshot.value,
          context: snapshot.context
        }
        const stored = yield* storage.training.insertResult(result)
        yield* recordByProvider(provider, "training.submitResult", `result:${input.id}`, input.id, result)
        return stored
      })
    )
  )

// ── Results as a file (M25.2) ───────────────────────────────────────────────────────────────────────────────────

/**
 * A row of a provider's file of results: the teacher by id or by identity number (居民身份证, idType "1"), the
 * project, the hours and the completion day as read (a cell that is not a number gives `NaN`, refused as hours).
 *
 * @since 0.1.0
 */
export interface ResultRow {
  /** The row number as the provider sees it in its file. */
  readonly line: number
  readonly projectId: string
  readonly teacherId?: string | undefined
  readonly identityNumber?: string | undefined
  readonly hours: number
  readonly completedOn: string
}

/**
 * Options of {@link submitResults}.
 *
 * @since 0.1.0
 */
export interface ResultFileOptions {
  /** The batch (the provider and the file's hash): the same file uploaded again is the same batch. */
  readonly batchId: string
  /** The column of the file a field came from, for the report. */
  readonly columnOf?: (field: string) => string
  /** Called after each row. */
  readonly onProgress?: (progress: BatchImport.Progress) => void
  /** Called with the rejections of each refused row. */
  readonly onRejections?: (rejections: ReadonlyArray<BatchImport.Rejection>) => void
}

/**
 * The id of the result a row of a batch submits: the batch and the row, so that a re-upload finds it.
 *
 * @since 0.1.0
 */
export const resultIdOf = (batchId: string, line: number): string => `rf-${batchId.slice(0, 24)}-${line}`

const text = (value: unknown): string => (value === undefined || value === null ? "" : String(value))

/** The report line of a refused row: the field refused, its value, the reason in both languages, the rule. */
const rejectionOf = (line: number, error: unknown, columnOf: (field: string) => string): BatchImport.Rejection => {
  const refusal =
    error instanceof Storage.ConstraintError
      ? Constraint.refusal(error.constraint, error.values)
      : error instanceof Storage.NotFound
        ? Refusal.invalid("M25.2", `${error.entity} ${error.id} 不存在`, `there is no ${error.entity} ${error.id}`, {
            field: error.entity === "training project" ? "projectId" : "teacher",
            value: error.id
          })
        : Refusal.is(error)
          ? error
          : undefined
  if (refusal === undefined) throw error
  const field = text(refusal.details.field)
  return {
    row: line,
    column: field === "" ? "" : columnOf(field),
    value: text(refusal.details.value),
    reason: `${refusal.zh}；${refusal.en}`,
    rule: refusal.rule
  }
}

/**
 * The teacher a row names: by id, or among the active e-files of the identity number, the one enrolled in the
 * project. A provider learns nothing from it: an identity number of no enrolled teacher is refused as a teacher not
 * enrolled is (M25.2).
 */
const teacherOfRow = (row: ResultRow) =>
  Effect.gen(function* () {
    if (row.teacherId !== undefined && row.teacherId !== "") return row.teacherId
    const storage = yield* Storage.Storage
    const held = (yield* storage.teachers.byIdentity("1", (row.identityNumber ?? "").trim().toUpperCase())).filter(
      (e) => EFile.isActive(e.value)
    )
    for (const efile of held) {
      if (yield* storage.training.isEnrolled(row.projectId, efile.value.id)) return efile.value.id
    }
    return ""
  })

/**
 * Submit a provider's file of results, row by row (M25.2): each row is one {@link submitResult}, wholly in or
 * reported with its row, column, value, reason and rule; only for teachers enrolled in the provider's own projects.
 * Each row's result id is the batch's and the row's ({@link resultIdOf}): the same file uploaded again by the same
 * provider skips the rows already in, and a concurrent upload of it submits each row once.
 *
 * @since 0.1.0
 */
export const submitResults = (
  provider: Provider.Actor,
  rows: AsyncIterable<ResultRow> | Iterable<ResultRow>,
  options: ResultFileOptions
): Effect.Effect<
  BatchImport.Progress,
  BatchImport.SourceError | Storage.StorageError,
  Storage.Storage | Settings.Settings
> =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const columnOf = options.columnOf ?? ((field: string) => field)
    let rowsRead = 0
    let accepted = 0
    let rejected = 0
    let skipped = 0
    // Already submitted by this provider under this id: an earlier (or concurrent) upload of the same file.
    const submittedBefore = (id: string) =>
      Effect.map(storage.training.getResult(id), (found) =>
        Option.exists(found, (r) => r.value.context.result.providerId === provider.providerId)
      )
    const iterator =
      Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : (rows as Iterable<ResultRow>)[Symbol.iterator]()
    const loop = Effect.gen(function* () {
      for (;;) {
        const next = yield* Effect.tryPromise({
          try: async () => iterator.next(),
          catch: (cause) => new BatchImport.SourceError({ cause })
        })
        if (next.done === true) break
        const row = next.value
        rowsRead++
        const id = resultIdOf(options.batchId, row.line)
        if (yield* submittedBefore(id)) {
          skipped++
        } else {
          const teacherId = yield* teacherOfRow(row)
          const outcome = yield* Effect.either(
            submitResult(provider, {
              id,
              projectId: row.projectId,
              teacherId,
              hours: row.hours,
              completedOn: row.completedOn
            })
          )
          if (outcome._tag === "Right") accepted++
          else if (outcome.left instanceof Storage.ConstraintError && (yield* submittedBefore(id))) skipped++
          else if (outcome.left instanceof Storage.StorageError) return yield* Effect.fail(outcome.left)
          else {
            rejected++
            const refused = rejectionOf(row.line, outcome.left, columnOf)
            // A teacher refused (not enrolled, M25.2) is named by the cell the row named it with; a project of
            // another provider by the project's cell.
            const byIdentity = row.teacherId === undefined || row.teacherId === ""
            options.onRejections?.([
              refused.column === columnOf("teacher")
                ? byIdentity
                  ? { ...refused, column: columnOf("identityNumber"), value: text(row.identityNumber) }
                  : { ...refused, column: columnOf("teacherId"), value: row.teacherId ?? "" }
                : refused.column === columnOf("provider")
                  ? { ...refused, column: columnOf("projectId"), value: row.projectId }
                  : refused
            ])
          }
        }
        options.onProgress?.({ rowsRead, accepted, rejected, skipped })
      }
    })
    // A run cut short (a store failure) releases what the rows' reader holds (an XLSX file's reading).
    yield* Effect.ensuring(
      loop,
      Effect.promise(async () => {
        await iterator.return?.()
      })
    )
    return { rowsRead, accepted, rejected, skipped } satisfies BatchImport.Progress
  })

/**
 * The outbox payload of a confirmed result (`training.confirmResult`, M30.1): its id and state. Its history is the
 * store's to read; the credits it booked come in the `credits.confirm` event.
 *
 * @since 0.1.0
 */
export const confirmedPayload = (result: Storage.TrainingResult) => ({ id: result.id, state: result.state })

const step = (
  resultId: string,
  expectedVersion: number,
  event: CreditConfirmation.Event,
  after?: (
    result: Storage.TrainingResult
  ) => Effect.Effect<
    unknown,
    Refusal.Refusal | Storage.ConstraintError | Storage.StorageError | Storage.NotFound,
    Storage.Storage | Settings.Settings
  >
) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* loadResult(resultId)
        yield* Units.expectVersion("training result", loaded, expectedVersion)
        const settings = yield* Settings.Settings
        const snapshot = CreditConfirmation.restore({ state: loaded.value.state, context: loaded.value.context })
        const next = yield* CreditConfirmation.send(snapshot, event, {
          requireCertificateFor: settings.policy.requireCertificateFor
        })
        const result: Storage.TrainingResult = { ...loaded.value, state: next.value, context: next.context }
        if (event.type === "resubmit") {
          const project = (yield* loadProject(result.projectId)).value
          yield* checkHours(project, event.hours, event.completedOn)
        }
        const stored = yield* storage.training.updateResult(result, loaded.version)
        if (after !== undefined) yield* after(result)
        if (event.type === "resubmit") {
          yield* recordByProvider(event.provider, "training.resubmitResult", `result:${resultId}`, resultId, result)
        } else {
          const payload = event.type === "confirm" ? confirmedPayload(result) : result
          yield* record(event.actor, `training.${event.type}Result`, `result:${resultId}`, resultId, payload)
        }
        return stored
      })
    )
  )

/**
 * Confirm a result (M25.3–M25.5) and book its credits in the ledger (O9.1), converted by the rule of the teacher's
 * province (M25.4), under the result's key: confirmed once, booked once.
 *
 * @since 0.1.0
 */
export const confirm = (actor: Authorization.Actor, resultId: string, expectedVersion: number) =>
  Effect.gen(function* () {
    const at = yield* now
    return yield* step(resultId, expectedVersion, { type: "confirm", actor, at }, (result) =>
      Effect.gen(function* () {
        const project = (yield* loadProject(result.projectId)).value
        const rule = yield* ruleOfTeacher((yield* Units.load(yield* loadTeacherUnitId(result.teacherId))).value)
        yield* Credits.confirm(
          actor,
          { id: `credit-${result.id}`, key: `result:${result.id}`, unitId: actor.unit.id, actor: actor.accountId, at },
          {
            teacherId: result.teacherId,
            projectId: result.projectId,
            form: project.form,
            hours: result.context.result.hours,
            day: result.context.result.completedOn,
            rule
          }
        )
      })
    )
  })

/**
 * Reject a result with a reason (M25.3–M25.5): it goes back to the provider for correction.
 *
 * @since 0.1.0
 */
export const reject = (actor: Authorization.Actor, resultId: string, reason: string, expectedVersion: number) =>
  Effect.flatMap(now, (at) => step(resultId, expectedVersion, { type: "reject", actor, at, reason }))

/**
 * Resubmit a rejected result, corrected, by its provider (M25.2).
 *
 * @since 0.1.0
 */
export const resubmit = (
  provider: Provider.Actor,
  resultId: string,
  correction: { readonly hours: number; readonly completedOn: string; readonly note: string },
  expectedVersion: number
) => Effect.flatMap(now, (at) => step(resultId, expectedVersion, { type: "resubmit", provider, at, ...correction }))

/**
 * The results awaiting the actor's unit (its inbox of confirmations).
 *
 * @since 0.1.0
 */
export const awaiting = (actor: Authorization.Actor) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    yield* Units.authorize(actor, { _tag: "ReviewTeacher", unit: actor.unit })
    return yield* storage.training.awaiting(actor.unit.id)
  })

/**
 * Read a result: the provider that submitted it, or anyone who may read the teacher.
 *
 * @since 0.1.0
 */
export const readResult = (actor: Authorization.Actor, resultId: string) =>
  Effect.gen(function* () {
    const loaded = yield* loadResult(resultId)
    const teacher = (yield* loadTeacher(loaded.value.teacherId)).value
    const unit = (yield* Units.load(teacher.unitId)).value
    const confirmer = loaded.value.context.confirmer
    if (actor.unit.id !== confirmer.id) {
      yield* Units.authorize(actor, {
        _tag: "ReadTeacher",
        unit: Units.ref(unit),
        detail: "basic",
        teacher: { identityNumber: teacher.idNumber }
      })
    }
    return loaded
  })

// ── The ledger ──────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A teacher's ledger and balance (O9.1), of a cycle or all: the teacher itself, or anyone who may read the teacher.
 *
 * @since 0.1.0
 */
export const ledger = (actor: Authorization.Actor, teacherId: string, cycle?: CreditBank.Cycle) =>
  Effect.gen(function* () {
    const teacher = (yield* loadTeacher(teacherId)).value
    const unit = (yield* Units.load(teacher.unitId)).value
    yield* Units.authorize(actor, {
      _tag: "ReadTeacher",
      unit: Units.ref(unit),
      detail: "basic",
      teacher: { identityNumber: teacher.idNumber }
    })
    return yield* Credits.ledger(teacherId, cycle)
  })

/**
 * Correct confirmed credits by a reversing entry (O9.1): by an info admin of the unit that confirmed them.
 *
 * @since 0.1.0
 */
export const reverse = (actor: Authorization.Actor, teacherId: string, entryId: string, reason: string, key: string) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const entries = yield* storage.credits.byTeacher(teacherId)
        const entry = entries.find((e) => e.id === entryId)
        if (entry === undefined)
          return yield* Effect.fail(new Storage.NotFound({ entity: "credit entry", id: entryId }))
        yield* asUnitAdmin(actor, Units.ref((yield* Units.load(entry.unitId)).value), "O9.1")
        return yield* Credits.reverse(
          actor,
          teacherId,
          entryId,
          {
            id: `reverse-${key}`,
            key: `reverse:${key}`,
            unitId: actor.unit.id,
            actor: actor.accountId,
            at: yield* now
          },
          reason
        )
      })
    )
  )

/**
 * The credits following a teacher to another province (O4.1, O9.1): the teacher's available credits converted by
 * the rule of the province the e-file is in now, the originals kept. Run by the system in the transaction that
 * completes an inter-province transfer (`Workflows.act`); idempotent (credits already under that rule are left, and
 * the entries' keys are the transfer's).
 *
 * @since 0.1.0
 */
export const followTransfer = (teacherId: string, transferId: string) =>
  Effect.flatMap(Storage.Storage, (storage) =>
    storage.transaction(
      Effect.gen(function* () {
        const teacher = (yield* loadTeacher(teacherId)).value
        const unit = (yield* Units.load(teacher.unitId)).value
        const rule = yield* ruleOfTeacher(unit)
        return yield* Credits.transfer(
          "system",
          teacherId,
          rule,
          {
            id: `convert-${transferId}`,
            key: `convert:${transferId}`,
            unitId: unit.id,
            actor: "system",
            at: yield* now
          },
          `跨省调动 ${transferId}`
        )
      })
    )
  )
