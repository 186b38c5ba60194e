/**
 * The shape every refusal of tmis shares: the rule it enforces, a Chinese and an English message, and the
 * offending values. Each module declares its own `Schema.TaggedError` with these fields.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { ruleIds } from "./internal/ruleIds.js"

/**
 * A rule id of the regulation (`M23.1`, `O4.1`).
 *
 * @since 0.1.0
 */
export const RuleId = Schema.Literal(...ruleIds)

/**
 * @since 0.1.0
 */
export type RuleId = typeof RuleId.Type

/**
 * The fields of a rule violation: `rule`, `zh`, `en`, and `details` (the offending values, by field name).
 *
 * @since 0.1.0
 */
export const fields = {
  rule: RuleId,
  zh: Schema.String,
  en: Schema.String,
  details: Schema.Record({ key: Schema.String, value: Schema.Unknown })
}

/**
 * A rule violation as plain data, before it is wrapped in a module's error class.
 *
 * @since 0.1.0
 */
export interface Violation {
  readonly rule: RuleId
  readonly zh: string
  readonly en: string
  readonly details: Readonly<Record<string, unknown>>
}

/**
 * Build a violation; `details` names the offending field(s) and value(s).
 *
 * @since 0.1.0
 */
export const violation = (
  rule: RuleId,
  zh: string,
  en: string,
  details: Readonly<Record<string, unknown>> = {}
): Violation => ({ rule, zh, en, details })

/**
 * The message of a violation: rule id first, then the English and the Chinese text.
 *
 * @since 0.1.0
 */
export const format = (v: Violation): string => `${v.rule}: ${v.en} (${v.zh})`
