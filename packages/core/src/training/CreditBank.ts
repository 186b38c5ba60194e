/**
 * The credit bank (学分银行, O9.1) as a ledger: every confirmed credit of a teacher is an immutable entry; nothing is
 * ever edited or deleted. A correction is a reversing entry; an inter-province transfer converts each credit still
 * held by the receiving province's rule in a new entry that keeps the original; credits applied to a registration
 * (M26.1) are marked by an entry of their own. Balances are derived from the entries, per registration cycle.
 *
 * The ledger's shape: a **holding** is an entry that brings credits in (`confirm`, `convert`); a **settling** entry
 * (`reverse`, `apply`, `convert`) settles exactly one holding (`settles`), and a holding is settled at most once —
 * reversed, applied or converted, never two of them, never twice. The store enforces it (a unique index on the
 * settled holding), so neither two concurrent applications nor an application racing a reversal can both succeed.
 * Confirmations are idempotent by key: an entry's key is unique in the store, and a retried confirmation finds its
 * entry instead of making a second one.
 *
 * Amounts (hours, credits) have at most two decimals and are summed in hundredths, as integers, so that a balance
 * is exactly the sum of its entries.
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"

/**
 * An amount of hours or credits: finite, not negative, at most two decimals.
 *
 * @since 0.1.0
 */
export const Amount = Schema.Number.pipe(
  Schema.filter((n) => isAmount(n), {
    message: () => "an amount is finite, not negative, with at most two decimals"
  })
)

/**
 * Is a number an amount ({@link Amount}'s check)? For readers that check many stored entries by hand.
 *
 * @since 0.1.0
 */
export const isAmount = (n: number): boolean =>
  Number.isFinite(n) && n >= 0 && Math.abs(n * 100 - Math.round(n * 100)) < 1e-6

/**
 * How training is counted by a conversion rule: course work (集中/课程) or practice (实践、校本研修、网络研修).
 *
 * @since 0.1.0
 */
export const Form = Schema.Literal("course", "practice")

/**
 * @since 0.1.0
 */
export type Form = typeof Form.Type

/**
 * A province's rule converting hours to credits (M25.4, O9.1): so many hours make one credit, per form of training.
 * `province` is the id of the province unit whose teachers it serves, or `*` for the deployment's default. A rule
 * is versioned: an entry names the rule and the version that made its credits.
 *
 * @since 0.1.0
 */
export const CreditRule = Schema.Struct({
  id: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_.-]{1,64}$/)),
  version: Schema.Int.pipe(Schema.positive()),
  province: Schema.String.pipe(Schema.minLength(1)),
  /** Hours per credit, each strictly positive and finite: a rule never converts to negative or infinite credits. */
  hoursPerCredit: Schema.Struct({
    course: Schema.Number.pipe(Schema.finite(), Schema.positive()),
    practice: Schema.Number.pipe(Schema.finite(), Schema.positive())
  })
})

/**
 * @since 0.1.0
 */
export type CreditRule = typeof CreditRule.Type

/**
 * The rule an entry was made by: its id, its version and the province it serves.
 *
 * @since 0.1.0
 */
export const RuleRef = Schema.Struct({
  id: Schema.String,
  version: Schema.Int,
  province: Schema.String
})

/**
 * @since 0.1.0
 */
export type RuleRef = typeof RuleRef.Type

/**
 * The reference of a rule.
 *
 * @since 0.1.0
 */
export const refOf = (rule: CreditRule): RuleRef => ({ id: rule.id, version: rule.version, province: rule.province })

/**
 * The default rule of domain practice (Beijing): 10 hours of course work or 20 hours of practice make one credit.
 *
 * @since 0.1.0
 */
export const defaultRule: CreditRule = {
  id: "default",
  version: 1,
  province: "*",
  hoursPerCredit: { course: 10, practice: 20 }
}

const cents = (n: number): number => Math.round(n * 100)
const fromCents = (n: number): number => n / 100

/**
 * Convert hours to credits by a rule: hours ÷ hours-per-credit of the form, rounded to two decimals. Never
 * negative for a valid rule and hours.
 *
 * @since 0.1.0
 */
export const convert = (rule: CreditRule, hours: number, form: Form): number =>
  fromCents(Math.round(cents(hours) / rule.hoursPerCredit[form]))

/**
 * The rule serving a province: its own, else the deployment's default (`*`), else {@link defaultRule}.
 *
 * @since 0.1.0
 */
export const ruleFor = (rules: ReadonlyArray<CreditRule>, province: string): CreditRule =>
  rules.find((r) => r.province === province) ?? rules.find((r) => r.province === "*") ?? defaultRule

/**
 * Validate the conversion rules of a deployment (at start): each rule decodes (positive, finite hours per credit),
 * and a province has one rule. The refusal names O9.1.
 *
 * @since 0.1.0
 */
export const validateRules = (
  rules: ReadonlyArray<unknown>
): Either.Either<ReadonlyArray<CreditRule>, Refusal.Refusal> => {
  const decoded: Array<CreditRule> = []
  for (const [i, raw] of rules.entries()) {
    const rule = Schema.decodeUnknownEither(CreditRule)(raw)
    if (Either.isLeft(rule)) {
      return Either.left(
        Refusal.invalid(
          "O9.1",
          "学分换算规则无效：每学分学时数须为正数",
          "a credit conversion rule is invalid: hours per credit are positive and finite",
          { field: `creditRules[${i}]`, value: raw, problem: String(rule.left.message) }
        )
      )
    }
    if (decoded.some((r) => r.province === rule.right.province)) {
      return Either.left(
        Refusal.invalid("O9.1", "同一省份只能有一条学分换算规则", "a province has one credit conversion rule", {
          field: `creditRules[${i}].province`,
          value: rule.right.province
        })
      )
    }
    decoded.push(rule.right)
  }
  return Either.right(decoded)
}

/**
 * The kinds of entries: a confirmation (M25.3–M25.5) and a conversion on transfer (O4.1) hold credits; a reversal
 * (a correction), an application (to a registration, M26.1) and a conversion settle one holding.
 *
 * @since 0.1.0
 */
export const Kind = Schema.Literal("confirm", "reverse", "apply", "convert")

/**
 * @since 0.1.0
 */
export type Kind = typeof Kind.Type

/**
 * The holding a settling entry settles, with its amounts as they were (so a balance is a sum over entries alone).
 *
 * @since 0.1.0
 */
export const Settled = Schema.Struct({
  id: Schema.String,
  hours: Amount,
  credits: Amount,
  rule: RuleRef
})

/**
 * @since 0.1.0
 */
export type Settled = typeof Settled.Type

/**
 * One entry of the ledger: immutable once appended.
 *
 * @since 0.1.0
 */
export const Entry = Schema.Struct({
  /** Unique. */
  id: Schema.String,
  /** The idempotency key: unique; a retried command with the same key finds this entry. */
  key: Schema.String,
  kind: Kind,
  teacherId: Schema.String,
  /** The training project the credits come from (copied into every entry settling them). */
  projectId: Schema.String,
  form: Form,
  /** Hours and credits held (`confirm`, `convert`) or settled (`reverse`, `apply`: the settled holding's). */
  hours: Amount,
  credits: Amount,
  /** The rule (and version) that made the credits. */
  rule: RuleRef,
  /** The unit that confirmed, reversed, applied or converted (the confirming bureau of M25.3–M25.5). */
  unitId: Schema.String,
  /** The account that did it. */
  actor: Schema.String,
  /** The day the credits count on (the training's completion, copied into settling entries): cycles read it. */
  day: Unit.Day,
  /** The instant the entry was made (ISO 8601). */
  at: Schema.String,
  /** The holding this entry settles (`reverse`, `apply`, `convert`). */
  settles: Schema.optional(Settled),
  /** The registration credits are applied to (`apply`). */
  registration: Schema.optional(Schema.String),
  /** Why (a reversal's reason, a conversion's transfer). */
  reason: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 */
export type Entry = typeof Entry.Type

/**
 * A registration cycle (M26.1): the days from `from` (inclusive) to `to` (exclusive), five years by default.
 *
 * @since 0.1.0
 */
export interface Cycle {
  readonly from: string
  readonly to: string
}

/**
 * Does the entry count in the cycle (by its day)?
 *
 * @since 0.1.0
 */
export const inCycle = (entry: Pick<Entry, "day">, cycle: Cycle | undefined): boolean =>
  cycle === undefined || (cycle.from <= entry.day && entry.day < cycle.to)

/**
 * Is the entry a holding (credits in: `confirm`, `convert`)?
 *
 * @since 0.1.0
 */
export const isHolding = (entry: Pick<Entry, "kind">): boolean => entry.kind === "confirm" || entry.kind === "convert"

/**
 * Hours and credits.
 *
 * @since 0.1.0
 */
export interface Amounts {
  readonly hours: number
  readonly credits: number
}

/**
 * A teacher's balance for a cycle, derived from the entries: what is available (held, not settled), what was
 * applied to registrations, and what was reversed.
 *
 * @since 0.1.0
 */
export interface Balance {
  readonly available: Amounts
  readonly applied: Amounts
  readonly reversed: Amounts
}

/**
 * The signed change of an entry to the available balance, in hundredths: a holding adds its amounts, a settling
 * entry takes away the settled holding's (a conversion does both).
 *
 * @since 0.1.0
 */
export const delta = (entry: Entry): { readonly hours: number; readonly credits: number } => {
  const inHours = isHolding(entry) ? cents(entry.hours) : 0
  const inCredits = isHolding(entry) ? cents(entry.credits) : 0
  const out = entry.settles
  return {
    hours: inHours - (out === undefined ? 0 : cents(out.hours)),
    credits: inCredits - (out === undefined ? 0 : cents(out.credits))
  }
}

/**
 * The balance of a teacher's entries in a cycle (every cycle when none): the sum of the entries' {@link delta}s,
 * applications and reversals apart.
 *
 * @since 0.1.0
 */
export const balance = (entries: ReadonlyArray<Entry>, cycle?: Cycle): Balance => {
  let hours = 0
  let credits = 0
  let appliedHours = 0
  let appliedCredits = 0
  let reversedHours = 0
  let reversedCredits = 0
  for (const entry of entries) {
    if (!inCycle(entry, cycle)) continue
    const d = delta(entry)
    hours += d.hours
    credits += d.credits
    if (entry.kind === "apply" && entry.settles !== undefined) {
      appliedHours += cents(entry.settles.hours)
      appliedCredits += cents(entry.settles.credits)
    }
    if (entry.kind === "reverse" && entry.settles !== undefined) {
      reversedHours += cents(entry.settles.hours)
      reversedCredits += cents(entry.settles.credits)
    }
  }
  return {
    available: { hours: fromCents(hours), credits: fromCents(credits) },
    applied: { hours: fromCents(appliedHours), credits: fromCents(appliedCredits) },
    reversed: { hours: fromCents(reversedHours), credits: fromCents(reversedCredits) }
  }
}

/**
 * The holdings not settled yet (available), oldest first, in a cycle (every cycle when none).
 *
 * @since 0.1.0
 */
export const live = (entries: ReadonlyArray<Entry>, cycle?: Cycle): ReadonlyArray<Entry> => {
  const settled = new Set(entries.flatMap((e) => (e.settles === undefined ? [] : [e.settles.id])))
  return entries.filter((e) => isHolding(e) && !settled.has(e.id) && inCycle(e, cycle))
}

/**
 * Who makes an entry, where, when, under which key.
 *
 * @since 0.1.0
 */
export interface Made {
  readonly id: string
  readonly key: string
  readonly unitId: string
  readonly actor: string
  readonly at: string
}

/**
 * A confirmation's entry (M25.3–M25.5): the hours of a teacher's result in a project, converted by `rule`.
 *
 * @since 0.1.0
 */
export const confirmation = (
  made: Made,
  input: {
    readonly teacherId: string
    readonly projectId: string
    readonly form: Form
    readonly hours: number
    readonly day: string
    readonly rule: CreditRule
  }
): Entry => ({
  ...made,
  kind: "confirm",
  teacherId: input.teacherId,
  projectId: input.projectId,
  form: input.form,
  hours: input.hours,
  credits: convert(input.rule, input.hours, input.form),
  rule: refOf(input.rule),
  day: input.day
})

const settledOf = (holding: Entry): Settled => ({
  id: holding.id,
  hours: holding.hours,
  credits: holding.credits,
  rule: holding.rule
})

const notLive = (holdingId: string, doing: string) =>
  Refusal.conflict(
    "O9.1",
    "该学分已被冲正、使用或转换，不能再次处理",
    `these credits were already reversed, applied or converted: they cannot be ${doing}`,
    { field: "entry", value: holdingId }
  )

const settle = (
  entries: ReadonlyArray<Entry>,
  holdingId: string,
  doing: string
): Either.Either<Entry, Refusal.Refusal> => {
  const holding = live(entries).find((e) => e.id === holdingId)
  if (holding !== undefined) return Either.right(holding)
  return entries.some((e) => e.id === holdingId && isHolding(e))
    ? Either.left(notLive(holdingId, doing))
    : Either.left(
        Refusal.make("notFound", "O9.1", "没有该学分记录", "no such credit entry of this teacher", {
          field: "entry",
          value: holdingId
        })
      )
}

/**
 * A correction (O9.1): the entry reversing a holding, with its reason. Refused when the holding was already
 * settled (reversed, applied, converted) or the reason is blank.
 *
 * @since 0.1.0
 */
export const reversal = (
  entries: ReadonlyArray<Entry>,
  holdingId: string,
  made: Made,
  reason: string
): Either.Either<Entry, Refusal.Refusal> => {
  if (reason.trim().length === 0) {
    return Either.left(
      Refusal.invalid("O9.1", "冲正须说明理由", "a reversal gives its reason", { field: "reason", value: reason })
    )
  }
  return Either.map(settle(entries, holdingId, "reversed"), (holding) => ({
    ...made,
    kind: "reverse" as const,
    teacherId: holding.teacherId,
    projectId: holding.projectId,
    form: holding.form,
    hours: holding.hours,
    credits: holding.credits,
    rule: holding.rule,
    day: holding.day,
    settles: settledOf(holding),
    reason: reason.trim()
  }))
}

/**
 * Apply credits to a registration (O9.1, M26.1): one `apply` entry per holding given (each still available), keys
 * and ids suffixed by the holding's id. An empty list is refused.
 *
 * @since 0.1.0
 */
export const application = (
  entries: ReadonlyArray<Entry>,
  holdingIds: ReadonlyArray<string>,
  made: Made,
  registration: string
): Either.Either<ReadonlyArray<Entry>, Refusal.Refusal> => {
  if (holdingIds.length === 0 || new Set(holdingIds).size !== holdingIds.length) {
    return Either.left(
      Refusal.invalid("O9.1", "须列出要使用的学分，且不重复", "name the credits to apply, each once", {
        field: "entries",
        value: holdingIds
      })
    )
  }
  return Either.all(
    holdingIds.map((holdingId) =>
      Either.map(settle(entries, holdingId, "applied"), (holding) => ({
        ...made,
        id: `${made.id}.${holding.id}`,
        key: `${made.key}.${holding.id}`,
        kind: "apply" as const,
        teacherId: holding.teacherId,
        projectId: holding.projectId,
        form: holding.form,
        hours: holding.hours,
        credits: holding.credits,
        rule: holding.rule,
        day: holding.day,
        settles: settledOf(holding),
        registration
      }))
    )
  )
}

/**
 * The credits following a teacher to another province (O4.1, O9.1): every available holding not already under the
 * receiving rule's province is converted by the receiving rule — a `convert` entry holding the new credits and
 * settling the original, which stays in the ledger as it was. Keys and ids are suffixed by the holding's id.
 *
 * @since 0.1.0
 */
export const conversion = (
  entries: ReadonlyArray<Entry>,
  rule: CreditRule,
  made: Made,
  reason: string
): ReadonlyArray<Entry> =>
  live(entries)
    .filter(
      (holding) =>
        holding.rule.province !== rule.province || holding.rule.version !== rule.version || holding.rule.id !== rule.id
    )
    .map((holding) => ({
      ...made,
      id: `${made.id}.${holding.id}`,
      key: `${made.key}.${holding.id}`,
      kind: "convert" as const,
      teacherId: holding.teacherId,
      projectId: holding.projectId,
      form: holding.form,
      hours: holding.hours,
      credits: convert(rule, holding.hours, holding.form),
      rule: refOf(rule),
      day: holding.day,
      settles: settledOf(holding),
      reason
    }))
