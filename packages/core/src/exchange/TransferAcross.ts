/**
 * A transfer (调动, M23.1) whose two schools are in different provincial deployments. No transaction spans the two
 * stores, so each side runs the transfer chain (`Transfer`) over the steps that are its own, and the steps of the
 * other side arrive as messages (signed transfer packages, `ExchangePackage.transferMessages`):
 *
 * - the receiving province: its school initiates and its bureau confirms (local steps); the bureau's confirmation
 *   sends `request`; `released` completes the transfer (the e-file is created there), `refused` rejects it;
 * - the sending province: `request` opens the chain in `awaitingSendingSchool`, its school and bureau confirm as in
 *   M23.1 (local steps); the bureau's confirmation releases the e-file (`transferredOut`) and sends `released`, a
 *   rejection sends `refused`.
 *
 * A withdrawal by the receiving school after `request` left is a message too (`withdraw`): the sending side takes it
 * while its chain is open (and answers `withdrawn`), and ignores it after its release — the release stands and the
 * receiving side completes (the e-file must live somewhere, M23.2).
 *
 * The other province's units and accounts never match this deployment's: they are kept under a path and an account
 * name starting with `@` and the province code, so no local account ever acts for the other side's party.
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import type * as Authorization from "../accounts/Authorization.js"
import type * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"
import * as Transfer from "../processes/Transfer.js"
import * as CreditBank from "../training/CreditBank.js"

/**
 * The other province's name in paths and account names: `@` and its code.
 *
 * @since 0.1.0
 */
export const mark = (province: string): string => `@${province}`

/**
 * A unit of the other province as this side keeps it: its id and kind, its path under `/@<province>`.
 *
 * @since 0.1.0
 */
export const foreignRef = (province: string, ref: Authorization.UnitRef): Authorization.UnitRef => ({
  id: ref.id,
  kind: ref.kind,
  path: `/${mark(province)}${ref.path}`
})

/**
 * The sending end of a transfer before the sending province names the school: the province itself.
 *
 * @since 0.1.0
 */
export const provinceEnd = (province: string): Authorization.UnitRef => ({
  // A valid unit id, never matched: the path under the mark is outside every local subtree.
  id: province as Unit.UnitId,
  kind: "school",
  path: `/${mark(province)}/`
})

/**
 * A unit as the message carries it: this side's own path, without the mark (the receiver marks it).
 *
 * @since 0.1.0
 */
export const UnitRefSchema = Schema.Struct({
  id: Schema.String,
  kind: Schema.Literal("national", "province", "city", "county", "school", "department"),
  path: Schema.String
})

const ActorSchema = Schema.Struct({
  actor: Schema.String,
  role: Schema.String,
  actorUnit: Schema.String,
  at: Schema.String
})

const HistorySchema = Schema.Array(
  Schema.Struct({
    ...ActorSchema.fields,
    type: Schema.Literal("initiate", "confirm", "reject", "withdraw"),
    from: Schema.optional(Transfer.State),
    to: Transfer.State,
    detail: Schema.optional(Schema.String)
  })
)

/**
 * What `request` carries: the teacher's identity document, the receiving unit (its name, for the sending side's
 * reviewers), the effective day, the reason, and the receiving side's steps (initiation, bureau confirmation).
 *
 * @since 0.1.0
 */
export const Request = Schema.Struct({
  idType: Schema.String,
  idNumber: Schema.String,
  to: UnitRefSchema,
  toName: Schema.String,
  effective: Schema.String,
  reason: Schema.String,
  history: HistorySchema
})

/**
 * @since 0.1.0
 */
export type Request = typeof Request.Type

/**
 * What `released` carries: the sending unit, the sending side's steps, the e-file — its name and the core records of
 * its effective entries (M17.1; a province's extension stays there, M11.2) — and the credit bank's holdings still
 * available (O4.1, O9.1: the credits follow the e-file).
 *
 * @since 0.1.0
 */
export const Released = Schema.Struct({
  from: UnitRefSchema,
  history: HistorySchema,
  name: Schema.String,
  records: Schema.Record({
    key: Schema.String,
    value: Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
  }),
  credits: Schema.optionalWith(Schema.Array(CreditBank.Entry), { default: () => [] })
})

/**
 * The other province's credit holdings as the receiving side books them for its new e-file (O4.1, O9.1): the same
 * amounts, rule, project and day, under ids, keys, units and accounts marked with the province — then converted by
 * the receiving province's rule like any holding of another rule.
 *
 * @since 0.1.0
 */
export const foreignCredits = (
  province: string,
  teacherId: string,
  holdings: ReadonlyArray<CreditBank.Entry>
): ReadonlyArray<CreditBank.Entry> =>
  holdings.map((e) => ({
    ...e,
    id: `${mark(province)}/${e.id}`,
    key: `${mark(province)}/${e.key}`,
    teacherId,
    unitId: `${mark(province)}/${e.unitId}`,
    actor: `${mark(province)}/${e.actor}`,
    ...(e.settles === undefined ? {} : { settles: { ...e.settles, id: `${mark(province)}/${e.settles.id}` } })
  }))

/**
 * @since 0.1.0
 */
export type Released = typeof Released.Type

/**
 * What `refused` carries: the rule and the reason, the sending unit when the sending side found the e-file, and who
 * refused (a school or bureau rejecting, or `system` when the sending side cannot take the request).
 *
 * @since 0.1.0
 */
export const Refused = Schema.Struct({
  rule: Schema.String,
  reason: Schema.String,
  by: ActorSchema,
  from: Schema.optional(UnitRefSchema)
})

/**
 * @since 0.1.0
 */
export type Refused = typeof Refused.Type

/**
 * What `withdraw` carries: who withdrew and why (M23.2).
 *
 * @since 0.1.0
 */
export const Withdraw = Schema.Struct({ by: ActorSchema, reason: Schema.String })

/**
 * @since 0.1.0
 */
export type Withdraw = typeof Withdraw.Type

/**
 * A message's body decoded by its schema, or refused (`invalid`, M32.1) naming the transfer and the message type.
 *
 * @since 0.1.0
 */
export const decodeBody = <A, I>(
  schema: Schema.Schema<A, I>,
  message: { readonly transfer: string; readonly type: string; readonly body: unknown }
): Either.Either<A, Refusal.Refusal> =>
  Either.mapLeft(Schema.decodeUnknownEither(schema)(message.body), () =>
    Refusal.invalid("M32.1", "调动消息内容不符合格式", `a ${message.type} message does not follow its format`, {
      field: "body",
      transfer: message.transfer,
      type: message.type
    })
  )

/**
 * An actor of the other province as this side records it: the account and unit under the province's mark.
 *
 * @since 0.1.0
 */
export const foreignActor = (province: string, by: Transfer.Actor): Transfer.Actor => ({
  ...by,
  actor: `${mark(province)}/${by.actor}`,
  actorUnit: `${mark(province)}/${by.actorUnit}`
})

/**
 * Take a step of the other province into this side's chain: it was decided and authorized there (and arrives
 * signed), so only the state is checked — the chain must accept the event in its state. Refused (`invalid`, M23.2)
 * otherwise: a message that does not fit the chain changes nothing.
 *
 * @since 0.1.0
 */
export const takeRemote = (
  snapshot: { readonly state: Transfer.State; readonly context: Transfer.Context },
  type: Transfer.EventType,
  by: Transfer.Actor,
  reason?: string
): Either.Either<{ readonly state: Transfer.State; readonly context: Transfer.Context }, Refusal.Refusal> => {
  const state = snapshot.state
  if (!Transfer.isOpen(state)) {
    return Either.left(
      Refusal.invalid("M23.2", `调动已结束（${state}）`, `a ${state} transfer accepts nothing more`, {
        field: "type",
        value: type,
        state
      })
    )
  }
  const at = Transfer.steps.findIndex((step) => step.state === state)
  const to: Transfer.State =
    type === "confirm" ? (Transfer.steps[at + 1]?.state ?? "completed") : type === "reject" ? "rejected" : "withdrawn"
  const actor = { accountId: by.actor, role: by.role as Authorization.Actor["role"], unit: { id: by.actorUnit } }
  const event: Transfer.Event =
    type === "confirm"
      ? ({ type, actor, at: by.at } as unknown as Transfer.Event)
      : ({ type, reason: reason ?? "", actor, at: by.at } as unknown as Transfer.Event)
  return Either.right({ state: to, context: Transfer.apply(snapshot.context, event, state, to) })
}

/**
 * The history items of one side as the message carries them (the items taken after `after` items).
 *
 * @since 0.1.0
 */
export const historyAfter = (context: Transfer.Context, after: number) =>
  context.history.slice(after).map((item) => ({
    actor: item.actor,
    role: item.role,
    actorUnit: item.actorUnit,
    at: item.at,
    type: item.type,
    ...(item.from === undefined ? {} : { from: item.from }),
    to: item.to,
    ...(item.detail === undefined ? {} : { detail: item.detail })
  }))

/**
 * The history items of the other province as this side keeps them: their actors under the province's mark.
 *
 * @since 0.1.0
 */
export const foreignHistory = (
  province: string,
  items: ReadonlyArray<(typeof HistorySchema.Type)[number]>
): ReadonlyArray<Transfer.HistoryItem> =>
  items.map((item) => ({
    ...foreignActor(province, item),
    type: item.type,
    from: item.from,
    to: item.to,
    detail: item.detail
  }))

/**
 * The outbox event type of a message to the other province: `exchange.transfer.<type>` (the change export skips
 * every `exchange.` event; the transfer export picks these).
 *
 * @since 0.1.0
 */
export const eventType = (type: MessageType): string => `exchange.transfer.${type}`

/**
 * The types of messages.
 *
 * @since 0.1.0
 */
export type MessageType = "request" | "withdraw" | "released" | "refused" | "withdrawn"

/**
 * The message type of an outbox event, or undefined when it is none.
 *
 * @since 0.1.0
 */
export const messageTypeOf = (eventType: string): MessageType | undefined => {
  const type = eventType.startsWith("exchange.transfer.") ? eventType.slice("exchange.transfer.".length) : undefined
  return type === "request" || type === "withdraw" || type === "released" || type === "refused" || type === "withdrawn"
    ? type
    : undefined
}
