/**
 * The API's group: transfers (M23) and rotations (M24). Part of `Api.ts`'s `Api`; handlers in `Handlers.ts`.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Rotation, Transfer, Unit } from "@tmis/core"
import { Schema } from "effect"
import { Authentication, Body, Day, Id, Opt, Page, PageParams, Text, Version, workflowId } from "./ApiBase.js"

/**
 * A transfer or rotation: its machine state and the next step.
 *
 * @since 0.1.0
 */
export const WorkflowView = Schema.Struct({
  id: Schema.String,
  kind: Schema.Literal("transfer", "rotation"),
  teacherId: Schema.String,
  state: Schema.String,
  open: Schema.Boolean,
  createdAt: Schema.String,
  version: Schema.Number
}).annotations({ identifier: "Workflow" })

const Party = Schema.Struct({
  party: Schema.String,
  zh: Schema.String,
  en: Schema.String,
  units: Schema.Array(Schema.String).annotations({ description: "the units whose info admins act for the party" })
}).annotations({ identifier: "WorkflowParty" })

/**
 * A transfer or rotation as the listings show it: its ends, its day, every step taken and the party it waits for
 * (absent once it has ended). Never the teacher's identity number.
 *
 * @since 0.1.0
 */
export const WorkflowItem = Schema.Struct({
  id: Schema.String,
  kind: Schema.Literal("transfer", "rotation"),
  teacherId: Schema.String,
  from: Schema.Struct({ id: Schema.String, kind: Unit.Kind }),
  to: Schema.Struct({ id: Schema.String, kind: Unit.Kind }),
  effective: Schema.String.annotations({
    description: "a transfer's effective day; a rotation's first day (its whole period in `period`)"
  }),
  period: Schema.optional(Schema.Struct({ start: Schema.String, end: Schema.String })),
  personnelRelationChanges: Schema.optional(Schema.Boolean),
  state: Schema.String,
  open: Schema.Boolean,
  steps: Schema.Array(
    Schema.Struct({
      type: Schema.Literal("initiate", "confirm", "reject", "withdraw"),
      from: Schema.optional(Schema.String),
      to: Schema.String,
      actor: Schema.String,
      role: Schema.String,
      actorUnit: Schema.String,
      at: Schema.String,
      detail: Schema.optional(Schema.String)
    }).annotations({ identifier: "WorkflowStep" })
  ),
  next: Schema.optional(Party),
  createdAt: Schema.String,
  version: Schema.Number
}).annotations({ identifier: "WorkflowItem" })

/** The filters and the page of a listing of processes. */
const WorkflowFilter = {
  ...PageParams.fields,
  kind: Opt(Schema.Literal("transfer", "rotation")),
  state: Opt(Schema.Union(Transfer.State, Rotation.State))
}

const WorkflowItemPage = Page("WorkflowItemPage", WorkflowItem)

/**
 * Transfers (M23) and rotations (M24): initiate, confirm / reject / withdraw in the fixed order, read, list.
 *
 * @since 0.1.0
 */
export class WorkflowsGroup extends HttpApiGroup.make("workflows")
  .add(
    HttpApiEndpoint.post("initiateTransfer", "/transfers")
      .setPayload(Body("TransferRequest", { teacherId: Id, toUnitId: Id, effective: Day, reason: Text(1000) }))
      .setHeaders(Schema.Struct({ "idempotency-key": Opt(Text(128)) }))
      .addSuccess(WorkflowView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Initiate a transfer",
          description:
            "Initiate the transfer (调动) of a teacher to the caller's school (M23.1); then the receiving bureau, " +
            "the sending school and the sending bureau confirm, in that order. Who may call it: an info admin of " +
            "the receiving school, or of the receiving department (M23.1, M20.1); anyone else is refused. A " +
            "rotation in disguise is refused (M23.3); a second open process of the teacher is refused by the " +
            "store (409, M24.3). With an `Idempotency-Key`, a retry gets the first answer; the key reused for " +
            "another command is refused (409, M23.2). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("initiateRotation", "/rotations")
      .setPayload(
        Body("RotationRequest", {
          teacherId: Id,
          toUnitId: Id,
          personnelRelationChanges: Schema.Boolean,
          period: Body("Period", { start: Day, end: Day }),
          reason: Text(1000)
        })
      )
      .setHeaders(Schema.Struct({ "idempotency-key": Opt(Text(128)) }))
      .addSuccess(WorkflowView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Initiate a rotation",
          description:
            "Initiate the exchange and rotation (交流轮岗) of a teacher for a period: without a change of personnel " +
            "relation the dispatching bureau confirms (M24.1); with one, then the receiving school and its bureau " +
            "too (M24.2). Who may call it: an info admin of the dispatching school — the teacher's — or of the " +
            "teacher's department (M24.1, M24.2, M20.1); anyone else is refused. A second open process of the " +
            "teacher is refused by the store (409, M24.3). `Idempotency-Key` as for transfers. Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("inbox", "/workflows/inbox")
      .setUrlParams(Schema.Struct(WorkflowFilter))
      .addSuccess(WorkflowItemPage)
      .annotate(OpenApi.Summary, "The processes waiting for the caller's unit")
      .annotate(
        OpenApi.Description,
        "The open transfers and rotations whose next confirmation is the caller's unit's to take (M23.1, M24.1, M24.2): " +
          "its `next` party names the unit. A school's inbox holds its departments' (M20.1); a bureau's, its schools'. " +
          "Oldest first; `kind` and `state` filter. Who may call it: an info admin or query-er, for its own unit " +
          "(M13.3, M13.4); a system admin or a teacher is refused (M13.2, M14.3)."
      )
  )
  .add(
    HttpApiEndpoint.get("list", "/workflows")
      .setUrlParams(
        Schema.Struct({
          scope: Schema.optionalWith(Schema.Literal("mine"), { default: () => "mine" as const }).annotations({
            description: "`mine`: the processes the caller's unit is party to"
          }),
          ...WorkflowFilter
        })
      )
      .addSuccess(WorkflowItemPage)
      .annotate(OpenApi.Summary, "The processes the caller's unit is party to")
      .annotate(
        OpenApi.Description,
        "The transfers and rotations, open or ended, whose sending or receiving side the caller's unit acts for, as " +
          "the school (or department) or its competent bureau (M23.1, M24.1, M24.2), with every step taken. Oldest " +
          "first; `kind` and `state` filter. Who may call it: an info admin or query-er, for its own unit (M13.3, " +
          "M13.4); a system admin or a teacher is refused (M13.2, M14.3)."
      )
  )
  .add(
    HttpApiEndpoint.get("get")`/workflows/${workflowId}`.addSuccess(WorkflowView).annotateContext(
      OpenApi.annotations({
        summary: "A transfer or rotation",
        description:
          "A process with its machine state. Who may call it: whoever may read the teacher's basic information " +
          "at the sending or the receiving unit — an info admin or info query-er of either unit or a unit above " +
          "it (M13.3, M13.4); a system admin (M13.2) and a teacher (M14.3) are refused."
      })
    )
  )
  .add(
    HttpApiEndpoint.post("act")`/workflows/${workflowId}/actions`
      .setPayload(
        // A confirmation carries no reason and a rejection or withdrawal must: a retry's body is then compared whole.
        Schema.Union(
          Body("Confirm", { type: Schema.Literal("confirm"), expectedVersion: Version }),
          Body("RejectOrWithdraw", {
            type: Schema.Literal("reject", "withdraw"),
            reason: Text(1000).pipe(Schema.minLength(1)),
            expectedVersion: Version
          })
        )
      )
      .setHeaders(Schema.Struct({ "idempotency-key": Opt(Text(128)) }))
      .addSuccess(WorkflowView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Confirm, reject or withdraw a process",
          description:
            "Take the next step of a transfer or rotation at the version the caller saw (of concurrent " +
            "confirmations one commits, the others get 409). Who may send what: `confirm` and `reject` (with a reason): an info " +
            "admin of the party the process waits for (its `next`), in the fixed order (M23.1, M24.1, M24.2); a " +
            "step skipped, repeated or anyone else's is refused (M23.2, M24.1, M24.2). `withdraw` (with a " +
            "reason): an info admin of the initiating school (or department) before the last confirmation " +
            "(M23.2). The last confirmation moves the e-file in the same transaction (O4.1). `Idempotency-Key` as " +
            "for transfers. Audited (M37.1)."
        })
      )
  )
  .middleware(Authentication) {}
