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
  "sessionId"
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
  }
}
