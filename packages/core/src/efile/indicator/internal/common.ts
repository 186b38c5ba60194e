/**
 * Helpers shared by the indicator modules: a refusal as an `Refusal`, and the test for a plain object (what
 * an extension and a record must be).
 */
import { Either } from "effect"
import * as Refusal from "../../../kernel/Refusal.js"

export const fail = (
  rule: Refusal.RuleId,
  zh: string,
  en: string,
  details: Readonly<Record<string, unknown>>
): Either.Either<never, Refusal.Refusal> => Either.left(Refusal.invalid(rule, zh, en, details))

export const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)
