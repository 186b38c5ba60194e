/**
 * The confirmation of one training result's credits (学分确认, M25.3–M25.5): a provider submits a teacher's result
 * (M25.2); one unit, fixed by the project's kind, confirms it — the project's owning bureau (M25.3), the teacher's
 * provincial bureau for a national project, converting hours by that province's rule (M25.4), the competent bureau
 * of the teacher's school for school-based training and self-study (M25.5) — or rejects it with a reason; the
 * provider corrects it and submits it again, and it is confirmed or rejected anew.
 *
 * submitted → confirmed (final) | returned; returned → submitted (resubmit, corrected).
 *
 * Built on `DecidedMachine`, like the entry review, not on `ApprovalChain`: a chain's rejection ends the process,
 * while a rejected result goes back for correction and resubmission, carrying corrected hours. Each event is decided
 * once, through `Authorization` (`decideUnitAdmin` for the confirming unit, `decideProviderResult` for the
 * provider), before the machine takes it.
 *
 * @since 0.1.0
 */
import { assign, initialTransition, setup } from "xstate"
import * as Authorization from "../accounts/Authorization.js"
import * as DecidedMachine from "../kernel/DecidedMachine.js"
import * as Refusal from "../kernel/Refusal.js"
import type * as Project from "./Project.js"

/**
 * @since 0.1.0
 */
export type State = "submitted" | "returned" | "confirmed"

/**
 * The result confirmed: which project, teacher and provider, the hours and the day completed.
 *
 * @since 0.1.0
 */
export interface Result {
  readonly id: string
  readonly projectId: string
  readonly teacherId: string
  readonly providerId: string
  readonly hours: number
  readonly completedOn: string
}

/**
 * One accepted event, as kept in the history.
 *
 * @since 0.1.0
 */
export interface HistoryItem {
  readonly type: Event["type"] | "submit"
  readonly from: State | undefined
  readonly to: State
  /** An account id, or `provider:<id>`. */
  readonly actor: string
  readonly actorUnit: string | undefined
  readonly at: string
  readonly detail: string | undefined
}

/**
 * The machine's context: the result, the unit that confirms and by which route and rule, how many times it was
 * submitted, the last rejection, the confirmation and the history.
 *
 * @since 0.1.0
 */
export interface Context {
  readonly result: Result
  readonly route: Project.Route
  readonly rule: Refusal.RuleId
  readonly confirmer: Authorization.UnitRef
  readonly submission: number
  readonly rejection: { readonly reason: string; readonly by: string; readonly at: string } | undefined
  readonly confirmation: { readonly by: string; readonly unit: string; readonly at: string } | undefined
  readonly history: ReadonlyArray<HistoryItem>
}

/**
 * The events: the confirming unit confirms or rejects; the provider resubmits corrected hours.
 *
 * @since 0.1.0
 */
export type Event =
  | { readonly type: "confirm"; readonly actor: Authorization.Actor; readonly at: string }
  | { readonly type: "reject"; readonly actor: Authorization.Actor; readonly at: string; readonly reason: string }
  | {
      readonly type: "resubmit"
      readonly provider: Authorization.ProviderActor
      readonly at: string
      readonly hours: number
      readonly completedOn: string
      /** The provider's correction (what changed). */
      readonly note: string
    }

/**
 * The certificate policy (M14.2) applied to the confirming accounts.
 *
 * @since 0.1.0
 */
export type Policy = Authorization.Policy

const who = (event: Event) =>
  event.type === "resubmit"
    ? { actor: `provider:${event.provider.providerId}`, actorUnit: undefined }
    : { actor: event.actor.accountId, actorUnit: event.actor.unit.id }

/**
 * Decide an event the state accepts: undefined when allowed, else the refusal naming the rule of the route.
 *
 * @since 0.1.0
 */
export const decideEvent = (
  _state: State,
  context: Context,
  event: Event,
  policy: Policy = Authorization.noCertificates
): Refusal.Refusal | undefined => {
  const details = { event: event.type, ...who(event) }
  if (Number.isNaN(Date.parse(event.at))) {
    return Refusal.invalid(context.rule, "事件时间应为ISO 8601时刻", "an event's time is an ISO 8601 instant", {
      ...details,
      field: "at",
      value: event.at
    })
  }
  switch (event.type) {
    case "confirm":
      return Authorization.decideUnitAdmin(
        event.actor,
        context.confirmer,
        Authorization.contextAt(policy, event.at),
        context.rule
      )
    case "reject":
      return (
        Authorization.decideUnitAdmin(
          event.actor,
          context.confirmer,
          Authorization.contextAt(policy, event.at),
          context.rule
        ) ??
        (event.reason.trim().length === 0
          ? Refusal.invalid(context.rule, "退回须说明理由", "a rejection gives its reason", {
              ...details,
              field: "reason",
              value: event.reason
            })
          : undefined)
      )
    case "resubmit":
      return (
        Authorization.decideProviderResult(
          event.provider,
          { id: context.result.projectId, providerId: context.result.providerId },
          true
        ) ??
        (Number.isFinite(event.hours) && event.hours > 0
          ? undefined
          : Refusal.invalid("M25.2", "学时须为正数", "hours are positive", {
              ...details,
              field: "hours",
              value: event.hours
            }))
      )
  }
}

const apply = (context: Context, event: Event, from: State, to: State): Context => {
  const detail = event.type === "reject" ? event.reason.trim() : event.type === "resubmit" ? event.note : undefined
  const next: Context = {
    ...context,
    history: [...context.history, { type: event.type, from, to, ...who(event), at: event.at, detail }]
  }
  switch (event.type) {
    case "confirm":
      return { ...next, confirmation: { by: event.actor.accountId, unit: event.actor.unit.id, at: event.at } }
    case "reject":
      return { ...next, rejection: { reason: event.reason.trim(), by: event.actor.accountId, at: event.at } }
    case "resubmit":
      return {
        ...next,
        result: { ...context.result, hours: event.hours, completedOn: event.completedOn },
        submission: context.submission + 1
      }
  }
}

const applied = (from: State, to: State) => ({ type: "apply" as const, params: { from, to } })

/**
 * The confirmation machine (XState v5).
 *
 * @since 0.1.0
 */
export const machine = setup({
  types: { context: {} as Context, events: {} as Event, input: {} as Context },
  actions: {
    apply: assign(({ context, event }, params: { readonly from: State; readonly to: State }) =>
      apply(context, event, params.from, params.to)
    )
  }
}).createMachine({
  id: "creditConfirmation",
  initial: "submitted",
  context: ({ input }) => input,
  states: {
    submitted: {
      on: {
        confirm: { target: "confirmed", actions: applied("submitted", "confirmed") },
        reject: { target: "returned", actions: applied("submitted", "returned") }
      }
    },
    returned: { on: { resubmit: { target: "submitted", actions: applied("returned", "submitted") } } },
    confirmed: { type: "final" }
  }
})

/**
 * @since 0.1.0
 */
export type Snapshot = DecidedMachine.Snapshot<State, Context>

/**
 * @since 0.1.0
 */
export type Persisted = DecidedMachine.Persisted<State, Context>

const notAccepted = (state: State, context: Context, event: Event): Refusal.Refusal =>
  Refusal.invalid(
    context.rule,
    state === "confirmed" ? "学分已确认，更正须冲正" : `当前状态（${state}）不接受此操作`,
    state === "confirmed"
      ? "confirmed credits are corrected by a reversing entry, never by the result"
      : `a result in state ${state} does not accept ${event.type}`,
    { event: event.type, ...who(event), field: "type", value: event.type, state }
  )

/**
 * The machine's operations: `decide`, `send` (decided once, then taken), `persist`, `restore`.
 *
 * @since 0.1.0
 */
export const { accepts, decide, send, persist, restore } = DecidedMachine.make<State, Context, Event, Policy>({
  id: "creditConfirmation",
  machine,
  decideEvent,
  notAccepted,
  defaultPolicy: Authorization.noCertificates
})

/**
 * The first snapshot of a submitted result, awaiting `confirmer` by `route`.
 *
 * @since 0.1.0
 */
export const initial = (
  result: Result,
  route: { readonly route: Project.Route; readonly rule: Refusal.RuleId },
  confirmer: Authorization.UnitRef,
  at: string
): Snapshot =>
  initialTransition(machine, {
    result,
    route: route.route,
    rule: route.rule,
    confirmer,
    submission: 1,
    rejection: undefined,
    confirmation: undefined,
    history: [
      {
        type: "submit",
        from: undefined,
        to: "submitted",
        actor: `provider:${result.providerId}`,
        actorUnit: undefined,
        at,
        detail: undefined
      }
    ]
  })[0] as unknown as Snapshot

/**
 * The unit whose confirmation a state awaits: the confirmer while submitted, none otherwise.
 *
 * @since 0.1.0
 */
export const awaiting = (state: State, context: Context): string | undefined =>
  state === "submitted" ? context.confirmer.id : undefined
