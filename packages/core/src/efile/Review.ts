/**
 * Review (审核) of one entry of a teacher's e-file — one record of one record group — from entry to effect.
 * M17.1, M17.3, M17.4, M19.1, M20.1.
 *
 * draft → submitted (entered by the teacher or the school) → schoolApproved (school review: collective review
 * 集体审核, the principal's sign-off 校长负责) → effective (review by the school's competent bureau 主管教育行政部门).
 * Either review may reject with a reason: the entry goes to `returned`, where it is editable and can be submitted
 * again, and then passes both reviews anew. An entry with open problem data (identity check M17.3, duplicate check
 * M17.4) can be submitted but not approved until the problem is resolved. An effective entry is final here: changing
 * it is a change request (M19.2, see `ChangeRequest`).
 *
 * Who acts (decided with {@link Authorization} on the unit of the teacher, carried by every event):
 * - entering (edit, submit): the teacher on its own entry, if the record group is one a teacher may fill (M16.1), or
 *   an info admin whose scope holds the teacher's unit (the school, the teacher's department, or a bureau above —
 *   M16.1 lets a bureau enter too);
 * - school review and resolving problem data: an info admin of the teacher's school; for a teacher of a secondary
 *   department (二级部门) also the info admin of that department (M20.1: the department manages its own teachers,
 *   and an info admin's duties are entry, review and reporting, M13.3). The principal's sign-off is recorded either
 *   way, so the school stays answerable. A department's info admin never reviews another department's or the
 *   school's own entries;
 * - bureau review: an info admin of the competent bureau, the school's parent (for a department, its school's
 *   parent), and no other bureau above or beside it;
 * - flagging problem data: any info admin whose scope holds the teacher's unit (the school or a bureau checking);
 * - a teacher never reviews.
 *
 * Who may act is decided by `Authorization` (school admin, competent bureau admin, entering), once per event, in
 * {@link send}, before XState's pure `transition` takes it; the machine has no guards, so a refusal names the rule
 * it enforces, and an event the state does not accept is an error, never silently ignored. Accepted events are kept
 * in the context's history. Review is not an approval chain of the kernel (`ApprovalChain`): its returns for
 * correction, its edits and its problem-data events do not fit an ordered chain of confirmations.
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import { assign, initialTransition, setup } from "xstate"
import type * as Account from "../accounts/Account.js"
import * as Authorization from "../accounts/Authorization.js"
import * as Unit from "../hierarchy/Unit.js"
import * as DecidedMachine from "../kernel/DecidedMachine.js"
import * as Refusal from "../kernel/Refusal.js"

/**
 * The states of an entry.
 *
 * @since 0.1.0
 */
export const State = Schema.Literal("draft", "submitted", "schoolApproved", "effective", "returned")

/**
 * @since 0.1.0
 */
export type State = typeof State.Type

/**
 * The checks whose failure makes an entry problem data (问题数据): identity check (M17.3), duplicate check (M17.4).
 *
 * @since 0.1.0
 */
export const Check = Schema.Literal("identity", "duplicate")

/**
 * @since 0.1.0
 */
export type Check = typeof Check.Type

/**
 * The rule each check enforces.
 *
 * @since 0.1.0
 */
export const checkRule: Record<Check, Refusal.RuleId> = { identity: "M17.3", duplicate: "M17.4" }

/**
 * An open problem: which check failed and what it found.
 *
 * @since 0.1.0
 */
export interface Problem {
  readonly check: Check
  readonly detail: string
}

/**
 * The entry under review: its id, its record group, the identity number of the teacher whose e-file it belongs to,
 * and whether a teacher may fill this group at all (from the indicator schema, M16.1).
 *
 * @since 0.1.0
 */
export interface EntryRef {
  readonly id: string
  readonly group: string
  readonly teacher: string
  readonly teacherMayEnter: boolean
}

/**
 * A new entry, with the problems the checks found when it was created (M17.3, M17.4).
 *
 * @since 0.1.0
 */
export interface Entry extends EntryRef {
  readonly problems?: ReadonlyArray<Problem>
}

/**
 * What every event carries: the acting account, the unit the teacher belongs to (school or department), and the
 * instant it happened (ISO 8601), which is recorded and against which a certificate is checked.
 *
 * @since 0.1.0
 */
export interface EventBase {
  readonly actor: Authorization.Actor
  readonly unit: Authorization.UnitRef
  readonly at: string
}

/**
 * The events of the review.
 *
 * @since 0.1.0
 */
export type Event =
  | (EventBase & { readonly type: "edit" })
  | (EventBase & { readonly type: "submit" })
  | (EventBase & {
      readonly type: "approveBySchool"
      /** A reference to the record of the collective review (集体审核), e.g. the minutes' number. */
      readonly collectiveReview: string
      /** The name of the principal who signed off (校长负责). */
      readonly principal: string
      /** The day of the principal's sign-off. */
      readonly signedOn: string
    })
  | (EventBase & { readonly type: "approveByBureau" })
  | (EventBase & { readonly type: "reject"; readonly reason: string })
  | (EventBase & { readonly type: "flagProblem"; readonly problem: Problem })
  | (EventBase & { readonly type: "resolveProblem"; readonly check: Check; readonly resolution: string })

/**
 * @since 0.1.0
 */
export type EventType = Event["type"]

/**
 * The deployment's certificate policy (M14.2), applied to every actor.
 *
 * @since 0.1.0
 */
export type Policy = Authorization.Policy

/**
 * The policy requiring no certificate.
 *
 * @since 0.1.0
 */
export const noCertificates: Policy = Authorization.noCertificates

/**
 * The school review as recorded: the reviewer, the collective review and the principal's sign-off (M17.1).
 *
 * @since 0.1.0
 */
export interface SchoolReview {
  readonly reviewer: Account.AccountId
  readonly reviewerUnit: Unit.UnitId
  readonly collectiveReview: string
  readonly principal: string
  readonly signedOn: string
  readonly at: string
}

/**
 * The competent bureau's review as recorded (M17.1).
 *
 * @since 0.1.0
 */
export interface BureauReview {
  readonly reviewer: Account.AccountId
  readonly reviewerUnit: Unit.UnitId
  readonly at: string
}

/**
 * The last rejection, shown with the returned entry (M17.1).
 *
 * @since 0.1.0
 */
export interface Rejection {
  readonly stage: "school" | "bureau"
  readonly reason: string
  readonly by: Account.AccountId
  readonly at: string
}

/**
 * One accepted event, as kept in the history.
 *
 * @since 0.1.0
 */
export interface HistoryItem {
  readonly type: EventType
  readonly from: State
  readonly to: State
  readonly actor: Account.AccountId
  readonly role: Account.Role
  readonly actorUnit: Unit.UnitId
  readonly unit: Unit.UnitId
  readonly at: string
  /** The reason of a rejection, the detail of a problem, or a problem's resolution. */
  readonly detail: string | undefined
}

/**
 * The machine's context: the entry, its open problems, the reviews, the last rejection and the history.
 *
 * @since 0.1.0
 */
export interface Context {
  readonly entry: EntryRef
  readonly problems: ReadonlyArray<Problem>
  readonly schoolReview: SchoolReview | undefined
  readonly bureauReview: BureauReview | undefined
  readonly rejection: Rejection | undefined
  readonly history: ReadonlyArray<HistoryItem>
}

const isBlank = (s: string) => s.trim().length === 0
const isDay = Schema.is(Unit.Day)

const details = (event: Pick<Event, "type" | "actor" | "unit">, more: Record<string, unknown>) => ({
  event: event.type,
  actor: event.actor.accountId,
  role: event.actor.role,
  actorUnit: event.actor.unit.id,
  unit: event.unit.id,
  ...more
})

/** Entering (edit, submit): the teacher on its own entry of a group it may fill, or an info admin in scope. */
const decideEnter = (entry: EntryRef, event: Event, context: Authorization.Context) => {
  const notEntry = Authorization.entryUnitRefusal(event.unit)
  if (notEntry !== undefined) return notEntry
  if (event.actor.role === "teacher" && !entry.teacherMayEnter) {
    return Refusal.invalid(
      "M16.1",
      "考核结果、待遇、师德和专业技术职务等信息由学校或教育行政部门填报，教师本人不能填报",
      "assessment, pay, ethics and title records are entered by the school or a bureau, never by the teacher",
      details(event, { field: "group", value: entry.group })
    )
  }
  return Authorization.decide(
    event.actor,
    event.actor.role === "teacher"
      ? { _tag: "WriteTeacher", unit: event.unit, teacher: { identityNumber: entry.teacher } }
      : { _tag: "WriteTeacher", unit: event.unit },
    context
  )
}

const openProblemRefusal = (context: Context, event: Event) => {
  const problem = context.problems[0]
  if (problem === undefined) return undefined
  return Refusal.invalid(
    checkRule[problem.check],
    problem.check === "identity"
      ? "未通过身份证校验的问题数据，核查处理前不能审核通过"
      : "未通过查重校验的问题数据，核查处理前不能审核通过",
    `problem data (${problem.check} check failed) cannot be approved until resolved`,
    details(event, { field: "problems", value: context.problems.map((p) => p.check), detail: problem.detail })
  )
}

const blankRefusal = (rule: Refusal.RuleId, field: string, value: string, zh: string, en: string, event: Event) =>
  isBlank(value) ? Refusal.invalid(rule, zh, en, details(event, { field, value })) : undefined

/**
 * The rules of an event the state accepts: who may send it and what it must carry. Undefined when allowed. The
 * machine's guards call this, and {@link send} reports what it returns.
 *
 * @since 0.1.0
 */
export const decideEvent = (
  state: State,
  context: Context,
  event: Event,
  policy: Policy = noCertificates
): Refusal.Refusal | undefined => {
  if (Number.isNaN(Date.parse(event.at))) {
    return Refusal.invalid(
      "M17.1",
      "事件时间应为ISO 8601时刻",
      "an event's time is an ISO 8601 instant",
      details(event, { field: "at", value: event.at })
    )
  }
  const auth = Authorization.contextAt(policy, event.at)
  switch (event.type) {
    case "edit":
    case "submit":
      return decideEnter(context.entry, event, auth)
    case "approveBySchool":
      return (
        Authorization.decideSchoolAdmin(event.actor, event.unit, auth, "M17.1") ??
        blankRefusal(
          "M17.1",
          "collectiveReview",
          event.collectiveReview,
          "学校审核须记录集体审核",
          "the school review records its collective review",
          event
        ) ??
        blankRefusal(
          "M17.1",
          "principal",
          event.principal,
          "学校审核须记录校长签字",
          "the school review records the principal's sign-off",
          event
        ) ??
        (isDay(event.signedOn)
          ? undefined
          : Refusal.invalid(
              "M17.1",
              "校长签字日期格式应为YYYY-MM-DD",
              "the principal's sign-off is dated YYYY-MM-DD",
              details(event, { field: "signedOn", value: event.signedOn })
            )) ??
        openProblemRefusal(context, event)
      )
    case "approveByBureau":
      return (
        Authorization.decideBureauAdmin(event.actor, event.unit, auth, "M17.1") ?? openProblemRefusal(context, event)
      )
    case "reject":
      return (
        (state === "submitted"
          ? Authorization.decideSchoolAdmin(event.actor, event.unit, auth, "M17.1")
          : Authorization.decideBureauAdmin(event.actor, event.unit, auth, "M17.1")) ??
        blankRefusal("M17.1", "reason", event.reason, "退回须说明理由", "a rejection gives its reason", event)
      )
    case "flagProblem": {
      const rule = checkRule[event.problem.check]
      const notEntry = Authorization.entryUnitRefusal(event.unit)
      if (notEntry !== undefined) return notEntry
      return (
        Authorization.decide(event.actor, { _tag: "ReviewTeacher", unit: event.unit }, auth) ??
        blankRefusal(
          rule,
          "problem.detail",
          event.problem.detail,
          "问题数据须说明",
          "a problem says what failed",
          event
        ) ??
        (context.problems.some((p) => p.check === event.problem.check)
          ? Refusal.invalid(
              rule,
              "该问题已标记，尚未处理",
              `a ${event.problem.check} problem is already open`,
              details(event, { field: "problem.check", value: event.problem.check })
            )
          : undefined)
      )
    }
    case "resolveProblem": {
      const rule = checkRule[event.check]
      return (
        Authorization.decideSchoolAdmin(event.actor, event.unit, auth, rule) ??
        (context.problems.some((p) => p.check === event.check)
          ? undefined
          : Refusal.invalid(
              rule,
              "没有待处理的该类问题",
              `no ${event.check} problem is open`,
              details(event, { field: "check", value: event.check })
            )) ??
        blankRefusal(rule, "resolution", event.resolution, "须说明处理结果", "a resolution says what was done", event)
      )
    }
  }
}

const detailOf = (event: Event): string | undefined => {
  switch (event.type) {
    case "reject":
      return event.reason
    case "flagProblem":
      return `${event.problem.check}: ${event.problem.detail}`
    case "resolveProblem":
      return `${event.check}: ${event.resolution}`
    default:
      return undefined
  }
}

/**
 * The context after an accepted event moving the entry from `from` to `to`: the reviews, rejection and problems it
 * sets or clears, and one more history item.
 *
 * @since 0.1.0
 */
export const apply = (context: Context, event: Event, from: State, to: State): Context => {
  const item: HistoryItem = {
    type: event.type,
    from,
    to,
    actor: event.actor.accountId,
    role: event.actor.role,
    actorUnit: event.actor.unit.id,
    unit: event.unit.id,
    at: event.at,
    detail: detailOf(event)
  }
  const next: Context = { ...context, history: [...context.history, item] }
  switch (event.type) {
    case "edit":
      return next
    case "submit":
      // A resubmitted entry passes both reviews anew.
      return { ...next, schoolReview: undefined, bureauReview: undefined, rejection: undefined }
    case "approveBySchool":
      return {
        ...next,
        schoolReview: {
          reviewer: event.actor.accountId,
          reviewerUnit: event.actor.unit.id,
          collectiveReview: event.collectiveReview.trim(),
          principal: event.principal.trim(),
          signedOn: event.signedOn,
          at: event.at
        }
      }
    case "approveByBureau":
      return {
        ...next,
        bureauReview: { reviewer: event.actor.accountId, reviewerUnit: event.actor.unit.id, at: event.at }
      }
    case "reject":
      return {
        ...next,
        schoolReview: undefined,
        rejection: {
          stage: from === "submitted" ? "school" : "bureau",
          reason: event.reason.trim(),
          by: event.actor.accountId,
          at: event.at
        }
      }
    case "flagProblem":
      return { ...next, problems: [...context.problems, event.problem] }
    case "resolveProblem":
      return { ...next, problems: context.problems.filter((p) => p.check !== event.check) }
  }
}

const applied = (from: State, to: State) => ({ type: "apply" as const, params: { from, to } })
// No guards: every state takes each event to one place, and {@link send} decides an event once, before the
// machine takes it.
const move = (from: State, to: State) => ({ target: to, actions: applied(from, to) })
const stay = (state: State) => ({ actions: applied(state, state) })
const problems = (state: State) => ({ flagProblem: stay(state), resolveProblem: stay(state) })

/**
 * The review machine (XState v5). Its definition is data: a later document renders it (states, events, guards).
 *
 * @since 0.1.0
 */
export const machine = setup({
  types: {
    context: {} as Context,
    events: {} as Event,
    input: {} as Entry
  },
  actions: {
    apply: assign(({ context, event }, params: { readonly from: State; readonly to: State }) =>
      apply(context, event, params.from, params.to)
    )
  }
}).createMachine({
  id: "review",
  initial: "draft",
  context: ({ input }) => ({
    entry: { id: input.id, group: input.group, teacher: input.teacher, teacherMayEnter: input.teacherMayEnter },
    problems: input.problems ?? [],
    schoolReview: undefined,
    bureauReview: undefined,
    rejection: undefined,
    history: []
  }),
  states: {
    draft: {
      on: { edit: stay("draft"), submit: move("draft", "submitted"), ...problems("draft") }
    },
    submitted: {
      on: {
        approveBySchool: move("submitted", "schoolApproved"),
        reject: move("submitted", "returned"),
        ...problems("submitted")
      }
    },
    schoolApproved: {
      on: {
        approveByBureau: move("schoolApproved", "effective"),
        reject: move("schoolApproved", "returned"),
        ...problems("schoolApproved")
      }
    },
    returned: {
      on: { edit: stay("returned"), submit: move("returned", "submitted"), ...problems("returned") }
    },
    effective: { type: "final" }
  }
})

/**
 * A snapshot of the machine: the state (`value`) and the context.
 *
 * @since 0.1.0
 */
export type Snapshot = DecidedMachine.Snapshot<State, Context>

/**
 * The persisted form of a snapshot: the state and the context, plain data.
 *
 * @since 0.1.0
 */
export type Persisted = DecidedMachine.Persisted<State, Context>

const notAccepted = (state: State, _context: Context, event: Event): Refusal.Refusal =>
  state === "effective"
    ? Refusal.invalid(
        "M19.2",
        "已生效的信息不能直接修改，须由学校信息管理员提出变更申请",
        "an effective entry changes only through a change request by the school's info admin",
        details(event, { field: "type", value: event.type, state })
      )
    : Refusal.invalid(
        "M17.1",
        `当前状态（${state}）不接受此操作`,
        `an entry in state ${state} does not accept ${event.type}`,
        details(event, { field: "type", value: event.type, state })
      )

/**
 * The review's operations (`DecidedMachine`): `accepts` reads the machine; `decide(snapshot, event, policy?)` gives
 * the refusal of an event or undefined; `send` decides it once and takes it; `persist` and `restore` convert to
 * plain data.
 *
 * @since 0.1.0
 */
export const { accepts, decide, send, persist, restore } = DecidedMachine.make<State, Context, Event, Policy>({
  id: "review",
  machine,
  decideEvent,
  notAccepted,
  defaultPolicy: noCertificates
})

/**
 * The first snapshot of a new entry: a draft, with the problems its checks found.
 *
 * @since 0.1.0
 */
export const initial = (entry: Entry): Snapshot => initialTransition(machine, entry)[0] as unknown as Snapshot

/**
 * May the entry's content be changed in this state (draft or returned)?
 *
 * @since 0.1.0
 */
export const isEditable = (state: State): boolean => state === "draft" || state === "returned"

/**
 * Submit many new entries without problems, by one actor at one instant (batch import, M16.2): the persisted
 * snapshots, or the refusal. The machine decides once, for the first entry, and the others take its snapshot with
 * their own entry: sound because for any actor but a teacher no guard of `submit` reads the entry's id or teacher
 * (a teacher's submissions are decided one by one). Evaluating the machine costs about 0.1 ms an entry, which a
 * million-row import cannot afford.
 *
 * @since 0.1.0
 */
export const submitNew = (
  entries: ReadonlyArray<EntryRef>,
  event: EventBase,
  policy: Policy = noCertificates
): Either.Either<ReadonlyArray<Persisted>, Refusal.Refusal> => {
  const submit = (entry: EntryRef) => Either.map(send(initial(entry), { ...event, type: "submit" }, policy), persist)
  const first = entries[0]
  if (first === undefined) return Either.right([])
  if (event.actor.role === "teacher") return Either.all(entries.map(submit))
  return Either.map(submit(first), (template) =>
    entries.map((entry) => ({ state: template.state, context: { ...template.context, entry } }))
  )
}
