/**
 * The writes the concurrency tests race, as JSON so that child processes can run them too, and their outcomes.
 *
 * @since 0.1.0
 */
import {
  type Account,
  Accounts,
  Auth,
  type Credential,
  CreditConfirmations,
  Credits,
  type Deployment,
  EFiles,
  Exchange,
  type ExchangePackage,
  Refusal,
  Registrations,
  Settings,
  Sharing,
  type SpotCheck,
  SpotChecks,
  Storage,
  Subscriptions,
  type Unit,
  UpdateCycles,
  Workflows
} from "@tmis/core"
import { Cause, Effect, Layer, Option } from "effect"

/**
 * One write of a race.
 *
 * - `CreateAccount`: `Accounts.create` by the account `actorId` in `unitId` (M14.4 races).
 * - `UpdateUnit`: in one transaction, write `seen` renamed as of `effective` if the unit is still at
 *   `expectedVersion`, and append its audit record (optimistic versions).
 * - `AppendAudit`: append one audit record in its own transaction (M37.1 serialised appends).
 * - `Onboard`: `EFiles.onboard` of `hire` by the account `actorId` (M17.4 one active e-file per identity number).
 * - `ApproveChange`: `EFiles.approveChange` of the change request `requestId` at `expectedVersion` by the account
 *   `actorId` (M19.2 a change applies only at its base version).
 * - `InitiateTransfer`: `Workflows.initiateTransfer` of `request` by the account `actorId`, with the idempotency key
 *   if given (M24.3 one open process per teacher; idempotent retries).
 * - `ActWorkflow`: `Workflows.act` of `action` on the process `workflowId` at `expectedVersion` by the account
 *   `actorId`, with the idempotency key if given (M23.2 a step commits once; idempotent retries).
 * - `Login`: `Auth.login` of `accountId` with `password`, creating `sessionId` on success, under the credential
 *   policy `credentials` if given (M37.2 every failed attempt counted, no lost update).
 *
 * @since 0.1.0
 */
export type Attempt =
  | {
      readonly _tag: "CreateAccount"
      readonly actorId: string
      readonly unitId: string
      readonly account: Account.NewAccount
    }
  | {
      readonly _tag: "UpdateUnit"
      readonly seen: Unit.Unit
      readonly expectedVersion: number
      readonly name: string
      readonly effective: string
    }
  | { readonly _tag: "AppendAudit"; readonly object: string }
  | { readonly _tag: "Onboard"; readonly actorId: string; readonly hire: EFiles.NewHire }
  | {
      readonly _tag: "ApproveChange"
      readonly actorId: string
      readonly requestId: string
      readonly expectedVersion: number
    }
  | {
      readonly _tag: "InitiateTransfer"
      readonly actorId: string
      readonly request: Workflows.TransferRequest
      readonly idempotencyKey?: string
    }
  | {
      readonly _tag: "ActWorkflow"
      readonly actorId: string
      readonly workflowId: string
      readonly action: Workflows.Action
      readonly expectedVersion: number
      readonly idempotencyKey?: string
    }
  | {
      readonly _tag: "Login"
      readonly accountId: string
      readonly password: string
      readonly sessionId: string
      readonly credentials?: Credential.Policy
    }
  | { readonly _tag: "Credits"; readonly command: CreditCommand }
  /** `UpdateCycles.complete` of `cycle` for `unitId` by the account `actorId` (M18.1 one completion per unit). */
  | { readonly _tag: "CompleteCycle"; readonly actorId: string; readonly unitId: string; readonly cycle: string }
  | { readonly _tag: "IngestExchange"; readonly pkg: ExchangePackage.Package; readonly keys: Exchange.KeyRegistry }
  /** `SpotChecks.recordFinding` on `spotCheckId` at `expectedVersion` by the account `actorId` (M17.2). */
  | {
      readonly _tag: "RecordFinding"
      readonly actorId: string
      readonly spotCheckId: string
      readonly finding: { readonly teacherId: string; readonly result: SpotCheck.Result; readonly note: string }
      readonly expectedVersion: number
    }
  /** `Registrations.act` of `action` on the round `roundId` at `expectedVersion` by the account `actorId` (M26.1). */
  | {
      readonly _tag: "ActRegistration"
      readonly actorId: string
      readonly roundId: string
      readonly action: Parameters<typeof Registrations.act>[2]
      readonly expectedVersion: number
    }
  /** `Sharing.authenticate` of a machine client's `token` (M30.1: a token is used once). */
  | { readonly _tag: "AuthenticateClient"; readonly token: string }
  /**
   * `Subscriptions.deliver` to the subscriber `name`, `batch` events at a time, until it caught up (M27.1); the
   * handler appends an audit record `conformance.delivered` of object `outbox:<seq>` per event. Succeeds with the
   * moves of the cursor this deliverer won, as `[from, to]` pairs.
   */
  | { readonly _tag: "Deliver"; readonly name: string; readonly batch: number }
  /** `subscriptions.advance(name, from, to)` in its own transaction (M27.1: compare-and-set). */
  | { readonly _tag: "AdvanceCursor"; readonly name: string; readonly from: number; readonly to: number }
  /**
   * `CreditConfirmations.confirmBatch` of `items` by the account `actorId` (M25.3, O9.1: a result confirmed and
   * booked once). Succeeds with each result's outcome, as `[resultId, "Confirmed" | "Refused"]` pairs.
   */
  | {
      readonly _tag: "ConfirmBatch"
      readonly actorId: string
      readonly items: ReadonlyArray<CreditConfirmations.Item>
    }

/**
 * A command of the credit bank's ledger (O9.1), booked by the system: a confirmation, a reversal or an
 * application of holdings to a registration.
 *
 * @since 0.1.0
 */
export type CreditCommand =
  | {
      readonly op: "confirm"
      readonly id: string
      readonly key: string
      readonly teacherId: string
      readonly projectId: string
      readonly hours: number
    }
  | {
      readonly op: "reverse"
      readonly id: string
      readonly key: string
      readonly teacherId: string
      readonly holdingId: string
    }
  | {
      readonly op: "apply"
      readonly id: string
      readonly key: string
      readonly teacherId: string
      readonly holdingIds: ReadonlyArray<string>
    }

/**
 * How an attempt ended: a success, a typed failure (its tag and rule), or a defect. The success of a workflow
 * command carries what the command returned (the process's id, state and version), so that a race can compare
 * the results its attempts got.
 *
 * @since 0.1.0
 */
export type Outcome =
  | { readonly _tag: "Success"; readonly value?: unknown }
  | { readonly _tag: "Failure"; readonly error: string; readonly rule: string | undefined; readonly message: string }
  | { readonly _tag: "Defect"; readonly message: string }

/**
 * A race: the deployment the services run in, and the attempts.
 *
 * @since 0.1.0
 */
export interface Race {
  readonly deployment: Deployment.Deployment
  readonly attempts: ReadonlyArray<Attempt>
}

const at = () => new Date().toISOString()

/** What a workflow command returned, as plain data a child process can send back. */
const workflowResult = (stored: Storage.Versioned<Storage.Workflow>) => ({
  id: stored.value.id,
  state: stored.value.state,
  version: stored.version
})

const write = (attempt: Attempt): Effect.Effect<unknown, unknown, Storage.Storage | Settings.Settings> => {
  switch (attempt._tag) {
    case "CreateAccount":
      return Effect.flatMap(Accounts.actorOf(attempt.actorId), (actor) =>
        Accounts.create(actor, attempt.account, attempt.unitId)
      )
    case "UpdateUnit":
      return Effect.flatMap(Storage.Storage, (storage) =>
        storage.transaction(
          Effect.gen(function* () {
            const next = { ...attempt.seen, name: attempt.name, validFrom: attempt.effective }
            const stored = yield* storage.units.update(next, attempt.expectedVersion)
            yield* storage.audit.append({
              at: at(),
              actor: "conformance",
              unitId: undefined,
              action: "unit.rename",
              object: `unit:${next.id}`,
              outcome: "ok",
              requestId: undefined,
              details: { version: stored.version, name: next.name }
            })
          })
        )
      )
    case "AppendAudit":
      return Effect.flatMap(Storage.Storage, (storage) =>
        storage.transaction(
          storage.audit.append({
            at: at(),
            actor: "conformance",
            unitId: undefined,
            action: "conformance.append",
            object: attempt.object,
            outcome: "ok",
            requestId: undefined,
            details: { object: attempt.object }
          })
        )
      )
    case "Onboard":
      return Effect.flatMap(Accounts.actorOf(attempt.actorId), (actor) => EFiles.onboard(actor, attempt.hire))
    case "ApproveChange":
      return Effect.flatMap(Accounts.actorOf(attempt.actorId), (actor) =>
        EFiles.approveChange(actor, attempt.requestId, attempt.expectedVersion)
      )
    case "InitiateTransfer":
      return Effect.flatMap(Accounts.actorOf(attempt.actorId), (actor) =>
        Workflows.initiateTransfer(actor, attempt.request, { idempotencyKey: attempt.idempotencyKey })
      ).pipe(Effect.map(workflowResult))
    case "ActWorkflow":
      return Effect.flatMap(Accounts.actorOf(attempt.actorId), (actor) =>
        Workflows.act(actor, attempt.workflowId, attempt.action, attempt.expectedVersion, {
          idempotencyKey: attempt.idempotencyKey
        })
      ).pipe(Effect.map(workflowResult))
    case "Login": {
      const login = Auth.login(attempt.accountId, attempt.password, attempt.sessionId)
      const { credentials } = attempt
      return credentials === undefined
        ? login
        : Effect.updateService(login, Settings.Settings, (settings) => ({ ...settings, credentials }))
    }
    case "Credits":
      return creditCommand(attempt.command)
    case "CompleteCycle":
      return Effect.flatMap(Accounts.actorOf(attempt.actorId), (actor) =>
        UpdateCycles.complete(actor, attempt.unitId, attempt.cycle)
      )
    case "IngestExchange":
      return Exchange.ingest(attempt.pkg, attempt.keys)
    case "RecordFinding":
      return Effect.flatMap(Accounts.actorOf(attempt.actorId), (actor) =>
        SpotChecks.recordFinding(actor, attempt.spotCheckId, attempt.finding, attempt.expectedVersion)
      )
    case "ActRegistration":
      return Effect.flatMap(Accounts.actorOf(attempt.actorId), (actor) =>
        Registrations.act(actor, attempt.roundId, attempt.action, attempt.expectedVersion)
      )
    case "AuthenticateClient":
      return Sharing.authenticate(attempt.token)
    case "Deliver":
      return deliverAll(attempt.name, attempt.batch)
    case "AdvanceCursor":
      return Effect.flatMap(Storage.Storage, (storage) =>
        storage.transaction(storage.subscriptions.advance(attempt.name, attempt.from, attempt.to))
      )
    case "ConfirmBatch":
      return Effect.flatMap(Accounts.actorOf(attempt.actorId), (actor) =>
        Effect.map(CreditConfirmations.confirmBatch(actor, attempt.items), (outcomes) =>
          outcomes.map((o) => [o.resultId, o._tag])
        )
      )
  }
}

/** Deliver until caught up, keeping the moves of the cursor this deliverer won. */
const deliverAll = (name: string, batch: number) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const handler = (event: Subscriptions.Event) =>
      storage.transaction(
        storage.audit.append({
          at: at(),
          actor: "conformance",
          unitId: undefined,
          action: "conformance.delivered",
          object: `outbox:${event.seq}`,
          outcome: "ok",
          requestId: undefined,
          details: { subscriber: name }
        })
      )
    const moves: Array<readonly [number, number]> = []
    for (;;) {
      const delivery = yield* Subscriptions.deliver(name, handler, { batch })
      if (delivery.advanced) moves.push([delivery.from, delivery.to])
      if (delivery.caughtUp && (delivery.advanced || delivery.handled === 0)) return moves
    }
  })

const creditCommand = (command: CreditCommand) => {
  const made = { id: command.id, key: command.key, unitId: "conformance", actor: "system", at: at() }
  switch (command.op) {
    case "confirm":
      return Credits.confirm("system", made, {
        teacherId: command.teacherId,
        projectId: command.projectId,
        form: "course",
        hours: command.hours,
        day: "2024-06-01",
        rule: { id: "default", version: 1, province: "*", hoursPerCredit: { course: 10, practice: 20 } }
      })
    case "reverse":
      return Credits.reverse("system", command.teacherId, command.holdingId, made, "conformance")
    case "apply":
      return Credits.apply("system", command.teacherId, command.holdingIds, made, "registration")
  }
}

const describeError = (error: unknown): Outcome => {
  if (typeof error === "object" && error !== null && "_tag" in error) {
    const rule = "rule" in error && typeof error.rule === "string" ? error.rule : undefined
    const message = "message" in error ? String(error.message) : String(error._tag)
    return { _tag: "Failure", error: Refusal.is(error) ? error.kind : String(error._tag), rule, message }
  }
  return { _tag: "Failure", error: "unknown", rule: undefined, message: String(error) }
}

/**
 * Run one attempt; never fails: every ending is an {@link Outcome}.
 *
 * @since 0.1.0
 */
export const run = (attempt: Attempt): Effect.Effect<Outcome, never, Storage.Storage | Settings.Settings> =>
  write(attempt).pipe(
    Effect.matchCauseEffect({
      // Workflow commands report what they returned; the others just succeeded, as before.
      onSuccess: (value) =>
        Effect.succeed<Outcome>(
          attempt._tag === "InitiateTransfer" ||
            attempt._tag === "ActWorkflow" ||
            attempt._tag === "Deliver" ||
            attempt._tag === "ConfirmBatch"
            ? { _tag: "Success", value }
            : { _tag: "Success" }
        ),
      onFailure: (cause) =>
        Effect.succeed(
          Option.match(Cause.failureOption(cause), {
            onSome: describeError,
            onNone: (): Outcome => ({ _tag: "Defect", message: Cause.pretty(cause) })
          })
        )
    })
  )

/**
 * The storage with the deployment's settings, as the services need them.
 *
 * @since 0.1.0
 */
export const withSettings = (
  storage: Layer.Layer<Storage.Storage, Storage.StorageError>,
  deployment: Deployment.Deployment
): Layer.Layer<Storage.Storage | Settings.Settings, Storage.StorageError> =>
  Layer.merge(storage, Settings.layer(deployment))
