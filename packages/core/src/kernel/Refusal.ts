/**
 * The one shape of every refusal of tmis: the rule it enforces, a Chinese and an English message, the offending
 * values, and a closed `kind` — what sort of refusal it is — set where the refusal is decided. The layers above
 * switch on `kind` (the server maps it to a status code with one table), never on messages or tags.
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
 * What sort of refusal it is:
 * - `forbidden`: this actor may not do this (a role, a scope, a step that is another party's);
 * - `invalid`: the request itself breaks a rule, whoever sends it (a bad identity number, a missing reason);
 * - `conflict`: the request collides with what is stored (a second system admin, a duplicate e-file, an open process);
 * - `notFound`: what the request names does not exist;
 * - `unauthenticated`: no account could be established (unknown, wrong password, locked — told apart by no one).
 *
 * @since 0.1.0
 */
export const Kind = Schema.Literal("forbidden", "invalid", "conflict", "notFound", "unauthenticated")

/**
 * @since 0.1.0
 */
export type Kind = typeof Kind.Type

/**
 * The fields of a refusal.
 *
 * @since 0.1.0
 */
export const fields = {
  kind: Kind,
  rule: RuleId,
  zh: Schema.String,
  en: Schema.String,
  details: Schema.Record({ key: Schema.String, value: Schema.Unknown })
}

/**
 * The shape every refusal has, whatever raised it (the storage port's constraint refusals have it too).
 *
 * @since 0.1.0
 */
export interface Shape {
  readonly kind: Kind
  readonly rule: RuleId
  readonly zh: string
  readonly en: string
  readonly details: Readonly<Record<string, unknown>>
}

/**
 * A refusal of the regulation: expected, in the error channel, naming its rule.
 *
 * @since 0.1.0
 */
export class Refusal extends Schema.TaggedError<Refusal>()("Refusal", fields) {
  override get message() {
    return format(this)
  }
}

/**
 * Build a refusal; `details` names the offending field(s) and value(s).
 *
 * @since 0.1.0
 */
export const make = (
  kind: Kind,
  rule: RuleId,
  zh: string,
  en: string,
  details: Readonly<Record<string, unknown>> = {}
): Refusal => new Refusal({ kind, rule, zh, en, details }, { disableValidation: true })

/**
 * The request breaks a rule, whoever sends it.
 *
 * @since 0.1.0
 */
export const invalid = (rule: RuleId, zh: string, en: string, details?: Readonly<Record<string, unknown>>): Refusal =>
  make("invalid", rule, zh, en, details)

/**
 * The actor may not do this.
 *
 * @since 0.1.0
 */
export const forbidden = (rule: RuleId, zh: string, en: string, details?: Readonly<Record<string, unknown>>): Refusal =>
  make("forbidden", rule, zh, en, details)

/**
 * The request collides with what is stored.
 *
 * @since 0.1.0
 */
export const conflict = (rule: RuleId, zh: string, en: string, details?: Readonly<Record<string, unknown>>): Refusal =>
  make("conflict", rule, zh, en, details)

/**
 * No account could be established.
 *
 * @since 0.1.0
 */
export const unauthenticated = (
  rule: RuleId,
  zh: string,
  en: string,
  details?: Readonly<Record<string, unknown>>
): Refusal => make("unauthenticated", rule, zh, en, details)

/**
 * The same refusal, of another kind.
 *
 * @since 0.1.0
 */
export const withKind = (refusal: Shape, kind: Kind): Refusal =>
  make(kind, refusal.rule, refusal.zh, refusal.en, refusal.details)

const kinds: ReadonlySet<unknown> = new Set(Kind.literals)
const rules: ReadonlySet<unknown> = new Set(ruleIds)

/**
 * Is this value a refusal (of any class that has the shape)?
 *
 * @since 0.1.0
 */
export const is = (u: unknown): u is Shape =>
  typeof u === "object" &&
  u !== null &&
  "kind" in u &&
  kinds.has(u.kind) &&
  "rule" in u &&
  rules.has(u.rule) &&
  "zh" in u &&
  typeof u.zh === "string" &&
  "en" in u &&
  typeof u.en === "string" &&
  "details" in u &&
  typeof u.details === "object"

/**
 * The message of a refusal: rule id first, then the English and the Chinese text.
 *
 * @since 0.1.0
 */
export const format = (r: Pick<Shape, "rule" | "zh" | "en">): string => `${r.rule}: ${r.en} (${r.zh})`

/**
 * How many characters of an offending value a refusal quotes (`quote`): enough to recognise the value, never the
 * megabyte a hostile request may send.
 *
 * @since 0.1.0
 */
export const quoteLength = 64

const loneSurrogates = /\p{Cs}/gu

/**
 * A value as a refusal quotes it: a string of more than `max` characters (default {@link quoteLength}) becomes its
 * first `max`, "…" and its length in characters (`"aaaa…(1048576 characters)"`); a lone surrogate becomes U+FFFD, so
 * that the quote is valid Unicode (and strict JSON). Other values are returned as they are.
 *
 * @since 0.1.0
 */
export const quote = (value: unknown, max: number = quoteLength): unknown => {
  if (typeof value !== "string") return value
  const safe = value.replace(loneSurrogates, "\uFFFD")
  if (safe.length <= max) return safe
  const chars = Array.from(safe)
  return chars.length <= max ? safe : `${chars.slice(0, max).join("")}…(${chars.length} characters)`
}
