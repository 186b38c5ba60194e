/**
 * Transfers between provinces (跨省调动, M23.1 across provincial deployments, M32.1): the receiving school of one
 * province initiates the transfer of a teacher whose e-file another province keeps, and the two deployments carry
 * the handshake as messages in signed transfer packages (`ExchangePackage.transferMessages`), province to province.
 * The chain and its order are M23.1's (`Transfer`); each side takes its own steps (`TransferAcross`).
 *
 * Safety: every step is one local transaction that writes its effect and its outgoing message together (the outbox
 * event `exchange.transfer.<type>`); the export signs the messages to a province as its next package, recorded under
 * its sequence number, and the receiving side applies a package once and in sequence (a package again changes
 * nothing, a gap is refused) in one transaction with the messages' effects and the answers they send. A crash before
 * a commit re-runs the step; after it, the re-run finds it done.
 *
 * - the receiving province: {@link initiate} (its school), {@link act} (its bureau confirms or rejects; its school
 *   withdraws); the bureau's confirmation sends `request`. The transfer is kept apart (`transfersAcross`) until the
 *   e-file arrives: `released` creates it at the receiving unit (O4.1) and completes the transfer.
 * - the sending province: `request` opens the transfer as a process of its e-file (`Workflows`), at
 *   `awaitingSendingSchool`; its school and bureau confirm or reject with `Workflows.act`; the last confirmation
 *   releases the e-file (`transferredOut`) and sends `released`, a rejection sends `refused`.
 *
 * @since 0.1.0
 */
import { Effect, Either, Option } from "effect"
import type * as Account from "../accounts/Account.js"
import type * as Authorization from "../accounts/Authorization.js"
import * as EFile from "../efile/EFile.js"
import * as Indicator from "../efile/Indicator.js"
import * as ExchangePackage from "../exchange/Package.js"
import * as TransferAcross from "../exchange/TransferAcross.js"
import * as Refusal from "../kernel/Refusal.js"
import * as Transfer from "../processes/Transfer.js"
import * as CreditBank from "../training/CreditBank.js"
import * as Aggregates from "./Aggregates.js"
import * as Audit from "./Audit.js"
import * as Constraint from "./Constraint.js"
import * as Exchange from "./Exchange.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"
import * as Training from "./Training.js"
import * as Units from "./Units.js"
import * as Workflows from "./Workflows.js"

/**
 * A transfer from another province as the receiving school asks for it (M23.1): the teacher by identity document
 * (the receiving side does not hold the e-file), the province that keeps it, the receiving unit, the id of the
 * e-file to create here, the effective day and the reason.
 *
 * @since 0.1.0
 */
export interface Request {
  readonly id: string
  readonly teacherId: string
  readonly fromProvince: string
  readonly idType: string
  readonly idNumber: string
  readonly toUnitId: string
  readonly effective: string
  readonly reason: string
}

/** Who refuses a request the sending side cannot take (no active e-file, an open process): the system. */
const systemBy = (at: string) => ({ actor: "system", role: "system", actorUnit: "system", at })

const record = (
  actor: Authorization.Actor | "system",
  action: string,
  transfer: Storage.TransferAcross,
  version: number
) =>
  Audit.recordChange({
    actor,
    action,
    object: `transfer:${transfer.id}`,
    aggregateId: transfer.id,
    details: { from: transfer.province, state: transfer.state, version },
    payload: { id: transfer.id, kind: "transfer", from: transfer.province, state: transfer.state, version }
  })

const load = (id: string) =>
  Effect.flatMap(Storage.Storage, (s) =>
    Effect.flatMap(
      s.transfersAcross.get(id),
      Option.match({
        onNone: () => Effect.fail(new Storage.NotFound({ entity: "transfer", id })),
        onSome: (t: Storage.Versioned<Storage.TransferAcross>) => Effect.succeed(t)
      })
    )
  )

const acrossOf = (context: Transfer.Context): Transfer.Across => {
  if (context.across === undefined) throw new Error(`transfer ${context.id} is not between provinces`)
  return context.across
}

/**
 * What keeps the e-file of a transfer from being created here (M17.4): an active e-file of the identity document,
 * or an e-file under the id chosen for it — the store's constraints, named without the other e-file's id.
 */
const conflictHere = (teacherId: string, idType: string, idNumber: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const active = (yield* storage.teachers.byIdentity(idType, idNumber)).some((e) => EFile.isActive(e.value))
    if (active) return Constraint.refusal("oneActiveEFilePerIdentity", { idType, idNumber })
    if (Option.isSome(yield* storage.teachers.get(EFile.TeacherId(teacherId)))) {
      return Constraint.refusal("efileId", { id: teacherId })
    }
    return undefined
  })

/**
 * Initiate a transfer from another province (M23.1), as an info admin of the receiving school: the chain's
 * initiation (`Transfer.decideInitiate`) with the sending end the other province until it names the school, on a
 * provincial deployment, from another province, for an identity with no active e-file here (M17.4). The receiving
 * bureau confirms next ({@link act}).
 *
 * @since 0.1.0
 */
export const initiate = (actor: Authorization.Actor, request: Request, options: Workflows.CommandOptions = {}) =>
  Effect.gen(function* () {
    const province = yield* Exchange.provinceOf
    const storage = yield* Storage.Storage
    if (!/^\d{2}$/.test(request.fromProvince) || request.fromProvince === province) {
      return yield* Effect.fail(
        Refusal.invalid(
          "M23.1",
          "跨省调动的调出省份须为另一省份",
          "a transfer between provinces comes from another province",
          {
            field: "fromProvince",
            value: request.fromProvince
          }
        )
      )
    }
    // A retry repeats the command without the ids the caller generates per attempt.
    const { id: _, teacherId: __, ...command } = request
    return yield* Workflows.idempotent(
      actor,
      options,
      { command: "initiateTransferAcross", request: command },
      Effect.gen(function* () {
        const to = (yield* Units.load(request.toUnitId)).value
        const context = yield* Units.authorizationContext
        const snapshot = yield* Transfer.decideInitiate(
          {
            id: request.id,
            teacher: { id: request.teacherId, identityNumber: request.idNumber, active: true },
            from: TransferAcross.provinceEnd(request.fromProvince),
            to: Units.ref(to),
            kind: "transfer",
            effective: request.effective,
            reason: request.reason
          },
          actor,
          context
        )
        // Only once the caller may initiate: whether the identity or the id is taken here (M17.4), not whose.
        const conflict = yield* conflictHere(request.teacherId, request.idType, request.idNumber)
        if (conflict !== undefined) return yield* Effect.fail(conflict)
        const transfer: Storage.TransferAcross = {
          id: request.id,
          province: request.fromProvince,
          state: snapshot.value,
          context: { ...snapshot.context, across: { province: request.fromProvince, idType: request.idType } },
          open: true,
          createdAt: context.now.toISOString()
        }
        const stored = yield* storage.transfersAcross.insert(transfer)
        yield* record(actor, "transfer.initiate", transfer, stored.version)
        return stored
      })
    )
  })

/**
 * A step of the receiving side at `expectedVersion` (M23.1, M23.2): the receiving bureau confirms (and `request`
 * goes to the sending province in the same transaction) or rejects; the receiving school withdraws. Once the
 * request has left, a withdrawal is asked of the sending side (`withdraw`), which decides it: the transfer ends
 * withdrawn when it answers `withdrawn`, completed when the release crossed the withdrawal. The sending side's
 * steps are not this deployment's to take (refused by the chain, M23.2).
 *
 * @since 0.1.0
 */
export const act = (actor: Authorization.Actor, id: string, action: Workflows.Action, expectedVersion: number) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { policy } = yield* Settings.Settings
    return yield* storage.transaction(
      Effect.gen(function* () {
        const loaded = yield* load(id)
        yield* Units.expectVersion("transfer", loaded, expectedVersion)
        const transfer = loaded.value
        const across = acrossOf(transfer.context)
        const event = { ...action, actor, at: yield* Exchange.nowIso }
        const requested = transfer.state === "awaitingSendingSchool" || transfer.state === "awaitingSendingBureau"
        let next: Storage.TransferAcross
        if (requested && event.type === "withdraw") {
          const refused = Transfer.decideEvent(transfer.state, transfer.context, event, policy)
          if (refused !== undefined) return yield* Effect.fail(refused)
          if (across.withdrawal !== undefined) {
            return yield* Effect.fail(
              Refusal.invalid(
                "M23.2",
                "已申请撤回，等待调出省份答复",
                "a withdrawal was asked; the sending province answers it",
                {
                  field: "type",
                  value: "withdraw"
                }
              )
            )
          }
          const by = { actor: actor.accountId, role: actor.role, actorUnit: actor.unit.id, at: event.at }
          next = {
            ...transfer,
            context: { ...transfer.context, across: { ...across, withdrawal: { by, reason: event.reason.trim() } } }
          }
          yield* Workflows.sendAcross(actor, id, transfer.province, "withdraw")
        } else {
          const s = yield* Transfer.send(
            Transfer.restore({ state: transfer.state, context: transfer.context }),
            event,
            policy
          )
          next = { ...transfer, state: s.value, context: s.context, open: Transfer.isOpen(s.value) }
          if (next.state === "awaitingSendingSchool")
            yield* Workflows.sendAcross(actor, id, transfer.province, "request")
        }
        const stored = yield* storage.transfersAcross.update(next, expectedVersion)
        yield* record(actor, `transfer.${action.type}`, next, stored.version)
        return stored
      })
    )
  })

/**
 * A transfer from another province as the receiving side keeps it (no authorization: for the application itself).
 *
 * @since 0.1.0
 */
export const get = (id: string) => load(id)

/**
 * A transfer from another province as a user reads it (M13.3, M13.4): whoever may read teachers' basic information
 * at the receiving unit (the sending unit is the other province's).
 *
 * @since 0.1.0
 */
export const read = (actor: Authorization.Actor, id: string) =>
  Effect.gen(function* () {
    const loaded = yield* load(id)
    yield* Units.authorize(actor, { _tag: "ReadTeacher", unit: loaded.value.context.to, detail: "basic" })
    return loaded
  })

// ---------------------------------------------------------------------------------------------------------------------
// Export: the messages to a province as its next transfer package

/** The body of an outgoing message, built from the process it belongs to when the package is signed. */
const bodyOf = (
  recipient: string,
  type: TransferAcross.MessageType,
  transfer: string,
  payload: Record<string, unknown>
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    if (type === "request" || type === "withdraw") {
      const t = (yield* load(transfer)).value
      const across = acrossOf(t.context)
      if (type === "withdraw") return { by: across.withdrawal?.by, reason: across.withdrawal?.reason }
      const to = (yield* Units.load(t.context.to.id)).value
      return {
        idType: across.idType,
        idNumber: t.context.teacher.identityNumber,
        to: t.context.to,
        toName: to.name,
        effective: t.context.effective,
        reason: t.context.reason,
        // The receiving side's steps: the initiation and its bureau's confirmation.
        history: TransferAcross.historyAfter(t.context, 0).slice(0, 2)
      }
    }
    if (type === "withdrawn") return {}
    const workflow = yield* storage.workflows.get(transfer)
    // Only the recipient's transfer: a request refused because its id is another process's here says nothing of it.
    const w = Option.getOrUndefined(workflow)?.value
    const own = w?.kind === "transfer" && w.context.across?.province === recipient
    if (type === "refused") {
      if (w === undefined || w.kind !== "transfer" || !own || w.context.rejection === undefined) {
        return { rule: payload.rule, reason: payload.reason, by: systemBy(String(payload.at)) }
      }
      const { state: _, reason, ...by } = w.context.rejection
      return { rule: payload.rule, reason, by, from: w.context.from }
    }
    // released: the sending side's steps and the e-file's core records (its extension stays here, M11.2).
    if (w === undefined || w.kind !== "transfer") return yield* Effect.die(new Error(`no process of ${transfer}`))
    const [exported] = yield* storage.exchange.efilesOf([w.teacherId])
    if (exported === undefined) return yield* Effect.die(new Error(`no e-file of ${transfer}`))
    return {
      from: w.context.from,
      history: TransferAcross.historyAfter(w.context, 2),
      name: exported.efile.name,
      records: ExchangePackage.coreRecords(Indicator.core, exported.entries),
      credits: CreditBank.live(yield* storage.credits.byTeacher(w.teacherId))
    }
  })

/**
 * Export the next transfer package of this province to `recipient` (M23.1 across provinces, M32.1): the messages to
 * it recorded in the outbox after the previous package's `to` (at most `maxMessages`, 1,000 by default; the package
 * ends at the event of its last message), each with the body built from its process, signed with the province's
 * key, recorded under the next sequence number in the same transaction (a retry fetches it with
 * `Exchange.sentPackage(recipient, "transfer", n)`). None when no message is waiting: the outbox after the previous
 * package is read to its end.
 *
 * @since 0.1.0
 */
export const exportMessages = (
  recipient: string,
  options: { readonly privateKey: string; readonly maxMessages?: number }
) =>
  Effect.gen(function* () {
    const province = yield* Exchange.provinceOf
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const last = yield* storage.exchange.lastSent(recipient, "transfer")
        const from = Option.match(last, { onNone: () => 0, onSome: (l) => l.to })
        const sequence = Option.match(last, { onNone: () => 1, onSome: (l) => l.sequence + 1 })
        const max = options.maxMessages ?? 1000
        const messages: Array<ExchangePackage.TransferMessage> = []
        let to = from
        let after: string | undefined = String(from)
        while (after !== undefined && messages.length < max) {
          const page: Storage.Page<Audit.Event & { readonly seq: number }> = yield* storage.outbox.list({
            after,
            limit: 1000
          })
          after = page.items.length === 0 ? undefined : page.next
          for (const event of page.items) {
            if (messages.length >= max) break
            to = event.seq
            const type = TransferAcross.messageTypeOf(event.type)
            const payload = event.payload as Record<string, unknown>
            if (type === undefined || payload?.to !== recipient) continue
            const transfer = String(payload.transfer)
            const body = yield* bodyOf(recipient, type, transfer, payload)
            messages.push({ seq: event.seq, transfer, type, body: JSON.parse(JSON.stringify(body)) })
          }
        }
        if (messages.length === 0) return Option.none<ExchangePackage.Package>()
        const pkg = ExchangePackage.transferMessages({
          issuer: province,
          recipient,
          sequence,
          from,
          to,
          messages,
          privateKey: options.privateKey
        })
        const digest = ExchangePackage.digestOf(pkg.manifest)
        const at = yield* Exchange.nowIso
        yield* storage.exchange.recordSent({ peer: recipient, kind: "transfer", sequence, from, to, digest, pkg, at })
        yield* Audit.recordChange({
          actor: "system",
          action: "exchange.transfer.export",
          object: `exchange:${province}:transfer:${recipient}:${sequence}`,
          aggregateId: `${province}:transfer:${recipient}:${sequence}`,
          details: { recipient, sequence, from, to, messages: messages.length, digest },
          payload: { recipient, sequence, from, to, messages: messages.length, digest }
        })
        return Option.some(pkg)
      })
    )
  })

// ---------------------------------------------------------------------------------------------------------------------
// Ingest: the other province's messages, once and in sequence

/**
 * A message about a transfer id this province keeps for another party (a local process, another province's
 * transfer): the issuer may not act on it (M32.1). Refused, naming the id.
 */
const notIssuers = (issuer: string, m: ExchangePackage.TransferMessage) =>
  Refusal.invalid(
    "M32.1",
    "调动消息所答复的调动不是该省份的调动",
    `a ${m.type} message of ${issuer} names no transfer between this province and ${issuer}`,
    { field: "transfer", value: m.transfer, issuer }
  )

/**
 * Sending side: `request` opens the transfer as a process of the e-file, or is answered `refused` — also when its
 * id is taken here by another process (M32.1), so that the receiving side never waits for an answer that never comes.
 */
const onRequest = (issuer: string, m: ExchangePackage.TransferMessage) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const at = yield* Exchange.nowIso
    const refuse = (rule: string, reason: string) =>
      Workflows.sendAcross("system", m.transfer, issuer, "refused", { rule, reason, at })
    const taken = Option.getOrUndefined(yield* storage.workflows.get(m.transfer))?.value
    if (taken !== undefined) {
      // The issuer's own request again changes nothing; another process's id is refused.
      if (taken.kind === "transfer" && taken.context.across?.province === issuer) return
      return yield* refuse("M32.1", "调动标识已被调出省份的另一流程使用")
    }
    const body = yield* TransferAcross.decodeBody(TransferAcross.Request, m)
    const efile = (yield* storage.teachers.byIdentity(body.idType, body.idNumber)).find((e) => EFile.isActive(e.value))
    if (efile === undefined) {
      return yield* refuse("M23.1", "调出省份没有该身份证件的在岗教师电子档案")
    }
    const open = (yield* storage.workflows.byTeacher(efile.value.id)).find((w) => w.value.open)
    if (open !== undefined) return yield* refuse("M24.3", "该教师已有未办结的调动或交流轮岗")
    const history = TransferAcross.foreignHistory(issuer, body.history)
    const first = history[0]
    const state = history[history.length - 1]?.to
    if (first === undefined || first.type !== "initiate" || state !== "awaitingSendingSchool") {
      return yield* Effect.fail(
        Refusal.invalid(
          "M32.1",
          "调动请求未经调入方主管部门确认",
          "a request comes after the receiving bureau's confirmation",
          {
            field: "history",
            transfer: m.transfer
          }
        )
      )
    }
    const unit = (yield* Units.load(efile.value.unitId)).value
    const { type: _, from: __, to: ___, detail: ____, ...initiator } = first
    const workflow: Storage.Workflow = {
      id: m.transfer,
      kind: "transfer",
      teacherId: efile.value.id,
      state,
      context: {
        id: m.transfer,
        teacher: { id: efile.value.id, identityNumber: efile.value.idNumber, active: true },
        from: Units.ref(unit),
        to: TransferAcross.foreignRef(issuer, body.to as Authorization.UnitRef),
        effective: body.effective,
        reason: body.reason,
        initiator,
        history,
        rejection: undefined,
        withdrawal: undefined,
        across: { province: issuer, idType: body.idType }
      },
      open: true,
      createdAt: at
    }
    const stored = yield* storage.workflows.insert(workflow)
    yield* Workflows.record("system", "transfer.request", workflow, stored.version, { from: issuer })
  })

/**
 * Sending side: `withdraw` ends an open transfer of the issuer (answered `withdrawn`); after the release, or after
 * the request was refused, it changes nothing. A withdrawal of a process that is not the issuer's is refused.
 */
const onWithdraw = (issuer: string, m: ExchangePackage.TransferMessage) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const loaded = Option.getOrUndefined(yield* storage.workflows.get(m.transfer))
    if (loaded === undefined) return
    const w = loaded.value
    if (w.kind !== "transfer" || w.context.across?.province !== issuer) return yield* Effect.fail(notIssuers(issuer, m))
    if (!w.open) return
    const body = yield* TransferAcross.decodeBody(TransferAcross.Withdraw, m)
    const s = yield* TransferAcross.takeRemote(w, "withdraw", TransferAcross.foreignActor(issuer, body.by), body.reason)
    const next: Storage.Workflow = { ...w, state: s.state, context: s.context, open: false }
    const stored = yield* storage.workflows.update(next, loaded.version)
    yield* Workflows.record("system", "transfer.withdraw", next, stored.version, { from: issuer })
    yield* Workflows.sendAcross("system", w.id, issuer, "withdrawn")
  })

/** Receiving side: the transfer from the issuer the message answers, open; another's or none is refused (M32.1). */
const openTransfer = (issuer: string, m: ExchangePackage.TransferMessage) =>
  Effect.gen(function* () {
    const loaded = yield* Effect.catchTag(load(m.transfer), "NotFound", () =>
      Effect.fail(
        Refusal.invalid(
          "M32.1",
          "调动消息所答复的调动不存在",
          `a ${m.type} message answers no transfer of this province`,
          {
            field: "transfer",
            value: m.transfer
          }
        )
      )
    )
    if (loaded.value.province !== issuer) return yield* Effect.fail(notIssuers(issuer, m))
    return loaded.value.open ? loaded : undefined
  })

/**
 * A released record this province's indicators refuse (another stage's group, another province's rules): kept on
 * the new e-file as an entry returned to the receiving school with the refusal as its reason, so that the school
 * corrects it and submits it through the ordinary review (M17.1) — the transfer is not held up by one record.
 */
const returnedEntry = (
  efile: EFile.EFile,
  id: string,
  group: string,
  data: Readonly<Record<string, unknown>>,
  refusal: Refusal.Refusal,
  at: string
): EFile.Entry => {
  const entry = Workflows.processEntry(efile, id, group, data as Indicator.IndicatorRecord)
  const reason = `${refusal.zh}（${refusal.rule}）`
  return {
    ...entry,
    review: {
      state: "returned",
      context: {
        ...entry.review.context,
        rejection: { stage: "school", reason, by: "system" as Account.AccountId, at }
      }
    }
  }
}

/**
 * Receiving side: `released` creates the e-file at the receiving unit from the records (O4.1: no second entry),
 * effective at once — the two sides' reviews were the transfer — with its 工作经历 of the move, and completes. A
 * record this province's indicators refuse is returned to the receiving school ({@link returnedEntry}). When the
 * e-file cannot be created here (an active e-file of the identity, the id taken: M17.4), the transfer completes
 * `held`: the released e-file stays in the transfer for an operator. The content never fails the package: the
 * channel goes on.
 */
const onReleased = (issuer: string, m: ExchangePackage.TransferMessage) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { indicators } = yield* Settings.Settings
    const loaded = yield* openTransfer(issuer, m)
    if (loaded === undefined) return
    const body = yield* TransferAcross.decodeBody(TransferAcross.Released, m)
    let snapshot: { readonly state: Transfer.State; readonly context: Transfer.Context } = loaded.value
    for (const item of body.history.filter((i) => i.type === "confirm")) {
      snapshot = yield* TransferAcross.takeRemote(snapshot, "confirm", TransferAcross.foreignActor(issuer, item))
    }
    if (snapshot.state !== "completed") {
      return yield* Effect.fail(
        Refusal.invalid("M32.1", "调出方的确认不完整", "a release carries both confirmations of the sending side", {
          field: "history",
          transfer: m.transfer
        })
      )
    }
    const context = { ...snapshot.context, from: TransferAcross.foreignRef(issuer, body.from as Authorization.UnitRef) }
    const across = acrossOf(context)
    const to = (yield* Units.load(context.to.id)).value
    const at = yield* Exchange.nowIso
    const conflict = yield* conflictHere(context.teacher.id, across.idType, context.teacher.identityNumber)
    if (conflict !== undefined) {
      const { name, records, credits } = body
      const held = { rule: conflict.rule, reason: conflict.zh, at, name, records, credits }
      const next: Storage.TransferAcross = {
        ...loaded.value,
        state: "completed",
        context: { ...context, across: { ...across, held } },
        open: false
      }
      const stored = yield* storage.transfersAcross.update(next, loaded.version)
      return yield* Audit.recordChange({
        actor: "system",
        action: "transfer.held",
        object: `transfer:${next.id}`,
        aggregateId: next.id,
        details: { from: issuer, state: next.state, version: stored.version, rule: conflict.rule, ...conflict.details },
        payload: { id: next.id, kind: "transfer", from: issuer, state: next.state, version: stored.version }
      })
    }
    const efile: EFile.EFile = {
      id: EFile.TeacherId(context.teacher.id),
      unitId: to.id,
      path: `${to.path}${context.teacher.id}`,
      stage: yield* Workflows.stageAt(to, "primary"),
      idType: across.idType,
      idNumber: context.teacher.identityNumber,
      name: body.name,
      status: "serving",
      statusHistory: [
        {
          status: "serving",
          effective: context.effective,
          reason: undefined,
          recordedBy: context.initiator.actor as EFile.EFile["createdBy"],
          unit: to.id
        }
      ],
      createdAt: at,
      createdBy: context.initiator.actor as EFile.EFile["createdBy"]
    }
    yield* storage.teachers.insert(efile)
    const entries: Array<EFile.Entry> = []
    const returned: Array<{ readonly entry: string; readonly group: string; readonly rule: string }> = []
    for (const [group, records] of Object.entries(body.records)) {
      for (const [i, data] of records.entries()) {
        const id = `${m.transfer}-${group}-${i + 1}`
        const checked = Indicator.validate(indicators, group, efile.stage, data)
        if (Either.isLeft(checked)) {
          entries.push(returnedEntry(efile, id, group, data, checked.left, at))
          returned.push({ entry: id, group, rule: checked.left.rule })
        } else {
          entries.push(Workflows.processEntry(efile, id, group, checked.right))
        }
      }
    }
    const workHistory = Indicator.validate(indicators, "workHistory", efile.stage, {
      employer: to.name,
      startMonth: Workflows.month(context.effective)
    })
    if (Either.isRight(workHistory)) {
      entries.push(Workflows.processEntry(efile, `${m.transfer}-workHistory`, "workHistory", workHistory.right))
    }
    if (entries.length > 0) yield* storage.entries.insertMany(entries)
    // The statistics count the new e-file in this transaction, as any onboarding (M28.1).
    yield* Aggregates.track([efile.id])
    // O4.1, O9.1: the credits follow the e-file, converted by this province's rule (the originals kept).
    if (body.credits.length > 0) {
      yield* storage.credits.append(TransferAcross.foreignCredits(issuer, efile.id, body.credits))
      yield* Training.followTransfer(efile.id, m.transfer)
    }
    const next: Storage.TransferAcross = { ...loaded.value, state: "completed", context, open: false }
    const stored = yield* storage.transfersAcross.update(next, loaded.version)
    // The new e-file is a change of this province's teachers: its outbox event names it for the national feed. The
    // records returned to the school are named with the rule that refused each (M37.1).
    yield* Audit.recordChange({
      actor: "system",
      action: "transfer.complete",
      object: `transfer:${next.id}`,
      aggregateId: next.id,
      details: {
        from: issuer,
        state: next.state,
        version: stored.version,
        teacher: efile.id,
        entries: entries.length,
        ...(returned.length === 0 ? {} : { returned })
      },
      payload: { id: next.id, kind: "transfer", from: issuer, state: next.state, teacher: efile.id }
    })
  })

/** Receiving side: `refused` rejects the transfer; `withdrawn` ends it as the receiving school asked. */
const onEnded = (issuer: string, m: ExchangePackage.TransferMessage) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const loaded = yield* openTransfer(issuer, m)
    if (loaded === undefined) return
    const t = loaded.value
    let s: { readonly state: Transfer.State; readonly context: Transfer.Context }
    if (m.type === "refused") {
      const body = yield* TransferAcross.decodeBody(TransferAcross.Refused, m)
      const by = TransferAcross.foreignActor(issuer, body.by)
      s = yield* TransferAcross.takeRemote(t, "reject", by, `${body.reason}（${body.rule}）`)
      if (body.from !== undefined) {
        s = {
          ...s,
          context: { ...s.context, from: TransferAcross.foreignRef(issuer, body.from as Authorization.UnitRef) }
        }
      }
    } else {
      const withdrawal = acrossOf(t.context).withdrawal
      if (withdrawal === undefined) {
        return yield* Effect.fail(
          Refusal.invalid("M32.1", "未申请撤回", "a withdrawal is answered that was not asked", {
            field: "type",
            transfer: m.transfer
          })
        )
      }
      s = yield* TransferAcross.takeRemote(t, "withdraw", withdrawal.by, withdrawal.reason)
    }
    const next: Storage.TransferAcross = { ...t, state: s.state, context: s.context, open: false }
    const stored = yield* storage.transfersAcross.update(next, loaded.version)
    yield* record("system", m.type === "refused" ? "transfer.reject" : "transfer.withdrawn", next, stored.version)
  })

/**
 * Ingest a transfer package of another province (M23.1 across provinces, M32.1): verified against the key
 * registered for its issuer, addressed to this province, then applied once and in sequence — each message in order,
 * with the answers it sends, in the package's one transaction. The same package again changes nothing; a gap in
 * the sequence or the cursors is refused and named; another package under a used number is refused.
 *
 * @since 0.1.0
 */
export const ingestMessages = (pkg: ExchangePackage.Package, keys: Exchange.KeyRegistry) =>
  Effect.gen(function* () {
    const province = yield* Exchange.provinceOf
    const issuer = String(pkg.manifest?.issuer ?? "")
    const v = yield* Exchange.verified(pkg, Object.hasOwn(keys, issuer) ? keys[issuer] : undefined, issuer)
    if (v.kind !== "transfer" || v.manifest.province !== province || issuer === province) {
      return yield* Effect.fail(
        Refusal.invalid(
          "M32.1",
          "该交换包不是另一省份发给本省的调动消息",
          "this is not another province's transfer package to this province",
          {
            field: v.kind !== "transfer" ? "kind" : "province",
            value: v.kind !== "transfer" ? v.kind : v.manifest.province
          }
        )
      )
    }
    const apply = Effect.forEach(
      v.rows,
      (m) =>
        m.type === "request"
          ? onRequest(issuer, m)
          : m.type === "withdraw"
            ? onWithdraw(issuer, m)
            : m.type === "released"
              ? onReleased(issuer, m)
              : onEnded(issuer, m),
      { discard: true }
    )
    return yield* Exchange.receive(v, apply, "exchange.transfer.ingest")
  })
