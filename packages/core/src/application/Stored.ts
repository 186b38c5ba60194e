/**
 * The aggregates as a store keeps them, as Schemas: an adapter decodes what comes out of its database with these, so
 * a row that is not an aggregate any more (a hand edit, a half-migrated column, another writer's bug) is refused
 * where it is read and never travels on as a value of the wrong type. Each Schema is declared with the core type it
 * decodes to, so the compiler proves the two agree.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as AccountModel from "../accounts/Account.js"
import * as IdentityNumber from "../codes/IdentityNumber.js"
import * as SchoolType from "../codes/SchoolType.js"
import * as ChangeRequestModel from "../efile/ChangeRequest.js"
import * as EFileModel from "../efile/EFile.js"
import * as EmploymentStatus from "../efile/EmploymentStatus.js"
import * as Review from "../efile/Review.js"
import * as UnitModel from "../hierarchy/Unit.js"
import * as Rotation from "../processes/Rotation.js"
import * as Transfer from "../processes/Transfer.js"
import type * as AuditChain from "../security/AuditChain.js"
import type * as Storage from "./Storage.js"

const UnitRef = Schema.Struct({ id: UnitModel.UnitId, kind: UnitModel.Kind, path: Schema.String })

/**
 * An e-file's id.
 *
 * @since 0.1.0
 */
export const TeacherId: Schema.Schema<EFileModel.TeacherId, string> = Schema.String.pipe(
  Schema.fromBrand(EFileModel.TeacherId)
)

const unit = Schema.Struct({
  id: UnitModel.UnitId,
  kind: UnitModel.Kind,
  parentId: Schema.UndefinedOr(UnitModel.UnitId),
  path: Schema.String,
  name: Schema.String,
  code: Schema.String,
  school: Schema.UndefinedOr(
    Schema.Struct({
      schoolType: Schema.String,
      sponsor: Schema.String,
      centralMinistry: Schema.Boolean,
      affiliatedTo: Schema.UndefinedOr(UnitModel.UnitId)
    })
  ),
  status: Schema.Literal("open", "closed", "merged"),
  mergedInto: Schema.UndefinedOr(UnitModel.UnitId),
  validFrom: Schema.String
})

/**
 * A unit (单位), one dated version of it (M12.2).
 *
 * @since 0.1.0
 */
export const Unit: Schema.Schema<UnitModel.Unit, typeof unit.Encoded> = unit

const account = Schema.Struct({
  id: AccountModel.AccountId,
  role: AccountModel.Role,
  unitId: UnitModel.UnitId,
  person: Schema.Struct({ name: Schema.String, identityNumber: IdentityNumber.IdentityNumber }),
  status: Schema.Literal("active", "disabled"),
  certificate: Schema.UndefinedOr(
    Schema.Struct({ fingerprint: Schema.String, notBefore: Schema.String, notAfter: Schema.String })
  ),
  createdBy: Schema.UndefinedOr(AccountModel.AccountId)
})

/**
 * An account (账号), M13–M15.
 *
 * @since 0.1.0
 */
export const Account: Schema.Schema<AccountModel.Account, typeof account.Encoded> = account

const efile = Schema.Struct({
  id: TeacherId,
  unitId: UnitModel.UnitId,
  path: Schema.String,
  stage: SchoolType.Stage,
  idType: Schema.String,
  idNumber: Schema.String,
  name: Schema.String,
  status: EmploymentStatus.Status,
  statusHistory: Schema.Array(
    Schema.Struct({
      status: EmploymentStatus.Status,
      effective: Schema.String,
      reason: Schema.UndefinedOr(EmploymentStatus.Reason),
      recordedBy: AccountModel.AccountId,
      unit: UnitModel.UnitId
    })
  ),
  createdAt: Schema.String,
  createdBy: AccountModel.AccountId
})

/**
 * A teacher's e-file (电子档案), its entries apart (M21.1, M22.1).
 *
 * @since 0.1.0
 */
export const EFile: Schema.Schema<EFileModel.EFile, typeof efile.Encoded> = efile

/**
 * An e-file's status history as stored (M22.1), for a store that reads it without the rest of the e-file.
 *
 * @since 0.1.0
 */
export const StatusHistory: Schema.Schema<
  EFileModel.EFile["statusHistory"],
  typeof efile.fields.statusHistory.Encoded
> = efile.fields.statusHistory

const reviewContext = Schema.Struct({
  entry: Schema.Struct({
    id: Schema.String,
    group: Schema.String,
    teacher: Schema.String,
    teacherMayEnter: Schema.Boolean
  }),
  problems: Schema.Array(Schema.Struct({ check: Review.Check, detail: Schema.String })),
  schoolReview: Schema.UndefinedOr(
    Schema.Struct({
      reviewer: AccountModel.AccountId,
      reviewerUnit: UnitModel.UnitId,
      collectiveReview: Schema.String,
      principal: Schema.String,
      signedOn: Schema.String,
      at: Schema.String
    })
  ),
  bureauReview: Schema.UndefinedOr(
    Schema.Struct({ reviewer: AccountModel.AccountId, reviewerUnit: UnitModel.UnitId, at: Schema.String })
  ),
  rejection: Schema.UndefinedOr(
    Schema.Struct({
      stage: Schema.Literal("school", "bureau"),
      reason: Schema.String,
      by: AccountModel.AccountId,
      at: Schema.String
    })
  ),
  history: Schema.Array(
    Schema.Struct({
      type: Schema.Literal(
        "edit",
        "submit",
        "approveBySchool",
        "approveByBureau",
        "reject",
        "flagProblem",
        "resolveProblem"
      ),
      from: Review.State,
      to: Review.State,
      actor: AccountModel.AccountId,
      role: AccountModel.Role,
      actorUnit: UnitModel.UnitId,
      unit: UnitModel.UnitId,
      at: Schema.String,
      detail: Schema.UndefinedOr(Schema.String)
    })
  )
})

/**
 * The review context of an entry (审核, M17.1): the entry, its open problems (M17.3, M17.4), both reviews, the last
 * rejection and the history.
 *
 * @since 0.1.0
 */
export const ReviewContext: Schema.Schema<Review.Context, typeof reviewContext.Encoded> = reviewContext

const entry = Schema.Struct({
  id: Schema.String,
  teacherId: TeacherId,
  group: Schema.String,
  data: Schema.Record({ key: Schema.String, value: Schema.Union(Schema.String, Schema.Number, Schema.Boolean) }),
  review: Schema.Struct({ state: Review.State, context: reviewContext })
})

/**
 * An entry of an e-file with its review (M17.1).
 *
 * @since 0.1.0
 */
export const Entry: Schema.Schema<EFileModel.Entry, typeof entry.Encoded> = entry

const changeRequest = Schema.Struct({
  id: Schema.String,
  entryId: Schema.String,
  teacher: Schema.String,
  unit: UnitRef,
  baseVersion: Schema.Number,
  change: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  reason: Schema.String,
  status: ChangeRequestModel.Status,
  requestedBy: AccountModel.AccountId,
  requestedAt: Schema.String,
  decidedBy: Schema.UndefinedOr(AccountModel.AccountId),
  decidedAt: Schema.UndefinedOr(Schema.String),
  refusal: Schema.UndefinedOr(Schema.String),
  appliedVersion: Schema.UndefinedOr(Schema.Number)
})

/**
 * A change request of an effective entry (变更申请, M19.2).
 *
 * @since 0.1.0
 */
export const ChangeRequest: Schema.Schema<ChangeRequestModel.ChangeRequest, typeof changeRequest.Encoded> =
  changeRequest

const FinalState = Schema.Literal("completed", "rejected", "withdrawn")

const actorFields = { actor: Schema.String, role: Schema.String, actorUnit: Schema.String, at: Schema.String }

/** The trail of an approval chain (`ApprovalChain.Trail`) whose open states are `open`. */
const trail = <S extends string>(open: Schema.Schema<S>) => {
  const ending = Schema.UndefinedOr(Schema.Struct({ ...actorFields, state: open, reason: Schema.String }))
  return {
    initiator: Schema.Struct(actorFields),
    history: Schema.Array(
      Schema.Struct({
        ...actorFields,
        type: Schema.Literal("initiate", "confirm", "reject", "withdraw"),
        from: Schema.UndefinedOr(Schema.Union(open, FinalState)),
        to: Schema.Union(open, FinalState),
        detail: Schema.UndefinedOr(Schema.String)
      })
    ),
    rejection: ending,
    withdrawal: ending
  }
}

const Teacher = Schema.Struct({ id: Schema.String, identityNumber: Schema.String, active: Schema.Boolean })

const transferContext = Schema.Struct({
  ...trail(Schema.Literal("awaitingReceivingBureau", "awaitingSendingSchool", "awaitingSendingBureau")),
  id: Schema.String,
  teacher: Teacher,
  from: UnitRef,
  to: UnitRef,
  effective: Schema.String,
  reason: Schema.String,
  across: Schema.optional(
    Schema.Struct({
      province: Schema.String,
      idType: Schema.String,
      withdrawal: Schema.optional(Schema.Struct({ by: Schema.Struct(actorFields), reason: Schema.String })),
      held: Schema.optional(
        Schema.Struct({
          rule: Schema.String,
          reason: Schema.String,
          at: Schema.String,
          name: Schema.String,
          records: Schema.Record({
            key: Schema.String,
            value: Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
          }),
          // Kept as they came (checked as credit entries when the release was decoded), for an operator.
          credits: Schema.Array(Schema.Unknown)
        })
      )
    })
  )
})

/**
 * The context of a transfer's machine (调动, M23).
 *
 * @since 0.1.0
 */
export const TransferContext: Schema.Schema<Transfer.Context, typeof transferContext.Encoded> = transferContext

const rotationContext = Schema.Struct({
  ...trail(Schema.Literal("awaitingDispatchingBureau", "awaitingReceivingSchool", "awaitingReceivingBureau")),
  id: Schema.String,
  teacher: Teacher,
  from: UnitRef,
  to: UnitRef,
  personnelRelationChanges: Schema.Boolean,
  period: Schema.Struct({ start: Schema.String, end: Schema.String }),
  reason: Schema.String
})

/**
 * The context of a rotation's machine (交流轮岗, M24).
 *
 * @since 0.1.0
 */
export const RotationContext: Schema.Schema<Rotation.Context, typeof rotationContext.Encoded> = rotationContext

const workflowFields = { id: Schema.String, teacherId: TeacherId, open: Schema.Boolean, createdAt: Schema.String }

const workflow = Schema.Union(
  Schema.Struct({
    ...workflowFields,
    kind: Schema.Literal("transfer"),
    state: Transfer.State,
    context: transferContext
  }),
  Schema.Struct({
    ...workflowFields,
    kind: Schema.Literal("rotation"),
    state: Rotation.State,
    context: rotationContext
  })
)

/**
 * A process of one teacher, by its `kind`: a transfer (M23) or a rotation (M24).
 *
 * @since 0.1.0
 */
export const Workflow: Schema.Schema<Storage.Workflow, typeof workflow.Encoded> = workflow

const credential = Schema.Struct({
  accountId: AccountModel.AccountId,
  hash: Schema.String,
  history: Schema.Array(Schema.String),
  login: Schema.Struct({
    failedAttempts: Schema.Number,
    lockedUntil: Schema.UndefinedOr(Schema.String),
    passwordChangedAt: Schema.String,
    mustChange: Schema.Boolean
  })
})

/**
 * The password of an account as stored (M37.2).
 *
 * @since 0.1.0
 */
export const Credential: Schema.Schema<Storage.StoredCredential, typeof credential.Encoded> = credential

const session = Schema.Struct({
  id: Schema.String,
  accountId: Schema.String,
  createdAt: Schema.String,
  lastSeenAt: Schema.String,
  revoked: Schema.Boolean
})

/**
 * A login session as stored.
 *
 * @since 0.1.0
 */
export const Session: Schema.Schema<Storage.StoredSession, typeof session.Encoded> = session

const auditRecord = Schema.Struct({
  seq: Schema.Number,
  at: Schema.String,
  actor: Schema.String,
  unitId: Schema.UndefinedOr(Schema.String),
  action: Schema.String,
  object: Schema.String,
  outcome: Schema.Literal("ok", "refused"),
  requestId: Schema.UndefinedOr(Schema.String),
  details: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  prevHash: Schema.String,
  hash: Schema.String
})

/**
 * A record of the hash-chained audit log (M37.1).
 *
 * @since 0.1.0
 */
export const AuditRecord: Schema.Schema<AuditChain.Record, typeof auditRecord.Encoded> = auditRecord

const outboxEvent = Schema.Struct({
  seq: Schema.Number,
  type: Schema.String,
  at: Schema.String,
  aggregateId: Schema.String,
  payload: Schema.Unknown
})

/**
 * A domain event of the outbox with its sequence number (M30.1).
 *
 * @since 0.1.0
 */
export const OutboxEvent: Schema.Schema<AuditChain.Event & { readonly seq: number }, typeof outboxEvent.Encoded> =
  outboxEvent

const transferAcross = Schema.Struct({
  id: Schema.String,
  province: Schema.String,
  state: Transfer.State,
  context: transferContext,
  open: Schema.Boolean,
  createdAt: Schema.String
})

/**
 * The receiving side of a transfer from another province (M23.1 across provincial deployments).
 *
 * @since 0.1.0
 */
export const TransferAcross: Schema.Schema<Storage.TransferAcross, typeof transferAcross.Encoded> = transferAcross
