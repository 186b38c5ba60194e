/**
 * The invariants the store enforces by itself, by name. An adapter reports a broken one by its name and the
 * offending values — it holds no regulation text — and core turns the name into the rule and the messages. A
 * vendor's adapter maps its own index and trigger names onto these.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as EFile from "../efile/EFile.js"
import * as Refusal from "../kernel/Refusal.js"

/**
 * The names of the store's invariants.
 *
 * @since 0.1.0
 */
export const Name = Schema.Literal(
  /** One root per deployment (M2.1). */
  "oneRoot",
  /** Unit ids are unique (M2.1). */
  "unitId",
  /** A unit's code is unique: school codes (M12.1), department codes (M20.1), administrative codes (M2.2). */
  "unitCode",
  /** A unit's path extends its parent's (M2.2). */
  "unitPath",
  /** At most one active system admin per unit (M14.4). */
  "oneActiveSystemAdmin",
  /** Account ids are unique (M13.1). */
  "accountId",
  /** One active e-file per identity document (M17.4); details carry `idType` and `idNumber`. */
  "oneActiveEFilePerIdentity",
  /** E-file ids are unique (M17.4). */
  "efileId",
  /** Entry ids are unique (M17.1). */
  "entryId",
  /** Change request ids are unique (M19.2). */
  "changeRequestId",
  /** At most one open transfer or rotation per teacher (M24.3). */
  "oneOpenProcessPerTeacher",
  /** Process ids are unique (M23.2). */
  "processId",
  /** An idempotency key is used once (M23.2). */
  "idempotencyKey",
  /** Session ids are unique (M37.2). */
  "sessionId",
  /** A credit entry's idempotency key (and id) is used once (O9.1). */
  "creditKey",
  /** A credit holding is reversed, applied or converted at most once (O9.1). */
  "creditSettledOnce",
  /** Training providers', projects' and results' ids are unique (M25.1). */
  "trainingId",
  /** A teacher is enrolled in a project once (M25.2). */
  "trainingEnrolment",
  /** A teacher has one result in a project (M25.2). */
  "trainingResult",
  /** A unit records its completion of an update cycle once (M18.1). */
  "updateCompletion",
  /** Spot check ids are unique (M17.2). */
  "spotCheckId",
  /** One open registration round per unit and cycle; round ids are unique (M26.1). */
  "oneOpenRegistrationRound",
  /** One registration result per teacher and cycle (M26.1). */
  "registrationResult",
  /** An exchange package is recorded once per peer, kind and sequence (M32.1). */
  "exchangeSequence",
  /** A sharing request yields at most one grant (M31.1). */
  "sharingGrantOfRequest",
  /** Sharing request, grant and client ids are unique (M31.1). */
  "sharingId",
  /** A machine client's token is used once: its nonce is recorded once (M30.1). */
  "tokenNonce"
)

/**
 * @since 0.1.0
 */
export type Name = typeof Name.Type

const text = (rule: Refusal.RuleId, zh: string, en: string) => ({ rule, zh, en })

/**
 * The rule and the messages of a broken invariant; a unit's code names the rule of the unit's kind (`details.kind`),
 * and a second root colliding on the root's fixed code names M2.1 (`details.root`). The details are the constraint's
 * public name (`details.constraint`) and the offending values, without the adapter's index ({@link internalKeys}).
 *
 * @since 0.1.0
 */
export const refusal = (name: Name, values: Readonly<Record<string, unknown>>): Refusal.Refusal => {
  if (name === "oneActiveEFilePerIdentity") {
    // The duplicate's own refusal masks the identity number.
    const duplicate = EFile.duplicateRefusal(String(values.idType ?? ""), String(values.idNumber ?? ""))
    return Refusal.conflict(duplicate.rule, duplicate.zh, duplicate.en, { ...duplicate.details, constraint: name })
  }
  const { rule, zh, en } = textOf(name, values)
  return Refusal.conflict(rule, zh, en, { ...publicValues(values), constraint: name })
}

/**
 * The keys of an adapter's values that name its own schema (the unique index or trigger that refused the write): kept
 * in `ConstraintError.values` for logs and debugging, never in the refusal the caller sees, which names the
 * constraint by its public {@link Name}.
 *
 * @since 0.1.0
 */
export const internalKeys: ReadonlySet<string> = new Set(["index"])

const publicValues = (values: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(values).filter(([key]) => !internalKeys.has(key)))

const textOf = (name: Exclude<Name, never>, details: Readonly<Record<string, unknown>>) => {
  switch (name) {
    case "oneRoot":
      return text("M2.1", "根单位只能有一个", "a deployment has a single root")
    case "unitId":
      return text("M2.1", "单位标识已被使用", "this unit id is already used")
    case "unitCode":
      if (details.root === true) return text("M2.1", "根单位只能有一个", "a deployment has a single root")
      return text(
        details.kind === "school" ? "M12.1" : details.kind === "department" ? "M20.1" : "M2.2",
        "单位代码已被使用",
        "this code is already used by another unit"
      )
    case "unitPath":
      return text("M2.2", "单位路径须延续其上级单位的路径", "a unit's path extends its parent's path")
    case "oneActiveSystemAdmin":
      return text("M14.4", "每个单位的系统管理员账号不超过1个", "a unit has at most one active system admin")
    case "accountId":
      return text("M13.1", "账号标识已被使用", "this account id is already used")
    case "oneActiveEFilePerIdentity":
      return text("M17.4", "该身份证件号已有在用的电子档案", "this identity document already has an active e-file")
    case "efileId":
      return text("M17.4", "电子档案标识已被使用", "this e-file id is already used")
    case "entryId":
      return text("M17.1", "信息条目标识已被使用", "this entry id is already used")
    case "changeRequestId":
      return text("M19.2", "变更申请标识已被使用", "this change request id is already used")
    case "oneOpenProcessPerTeacher":
      return text(
        "M24.3",
        "该教师已有尚未办结的调动或交流轮岗，同一时间只能有一项",
        "the teacher is already in an open transfer or rotation: one at a time"
      )
    case "processId":
      return text("M23.2", "流程标识已被使用", "this process id is already used")
    case "idempotencyKey":
      return text("M23.2", "该幂等键已被使用", "this idempotency key is already used")
    case "sessionId":
      return text("M37.2", "会话标识已被使用", "this session id is already used")
    case "creditKey":
      return text("O9.1", "该学分记录已登记（幂等键已被使用）", "this credit entry is already booked (its key is used)")
    case "creditSettledOnce":
      return text(
        "O9.1",
        "该学分已被冲正、使用或转换，不能再次处理",
        "these credits were already reversed, applied or converted"
      )
    case "trainingId":
      return text(
        "M25.1",
        "培训机构、项目或结果标识已被使用",
        "this training provider, project or result id is already used"
      )
    case "trainingEnrolment":
      return text("M25.2", "该教师已报名此培训项目", "the teacher is already enrolled in this project")
    case "trainingResult":
      return text(
        "M25.2",
        "该教师在此项目已有培训结果，更正须退回后重新提交",
        "the teacher already has a result in this project"
      )
    case "updateCompletion":
      return text(
        "M18.1",
        "本单位已报告完成该周期的信息更新",
        "this unit already recorded its completion of this cycle"
      )
    case "spotCheckId":
      return text("M17.2", "抽查标识已被使用", "this spot check id is already used")
    case "oneOpenRegistrationRound":
      return text(
        "M26.1",
        "该单位本注册周期已有进行中的定期注册（或该标识已被使用）",
        "the unit already has an open registration round for this cycle (or the id is used)"
      )
    case "registrationResult":
      return text("M26.1", "该教师本注册周期的结论已记录", "the teacher's result for this cycle is already recorded")
    case "exchangeSequence":
      return text("M32.1", "该序号的交换包已记录", "a package of this sequence number is already recorded")
    case "sharingGrantOfRequest":
      return text("M31.1", "该共享申请已有授权", "this sharing request already has its grant")
    case "sharingId":
      return text(
        "M31.1",
        "共享申请、授权或客户端标识已被使用",
        "this sharing request, grant or client id is already used"
      )
    case "tokenNonce":
      return text("M30.1", "该接口客户端令牌已使用过", "this API client token was used before")
  }
}
