/**
 * The credit bank's entries read back by hand (`Rows.creditEntry`, what a registration pass reads a page of ledgers
 * with) decode exactly as `CreditBank.Entry`'s Schema decodes them: the same entry from a valid row, and a refusal
 * from the same invalid rows.
 */
import { CreditBank } from "@tmis/core"
import { Either, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Rows from "../src/internal/Rows.js"

const bySchema = Schema.decodeUnknownEither(Schema.parseJson(CreditBank.Entry))
const byHand = (text: string) => Either.try(() => Rows.creditEntry(text))

const amount = fc.integer({ min: 0, max: 1_000_000 }).map((cents) => cents / 100)
const rule = fc.record({ id: fc.string(), version: fc.integer({ min: 1, max: 1000 }), province: fc.string() })
const day = fc
  .integer({ min: Date.parse("1990-01-01"), max: Date.parse("2100-12-31") })
  .map((ms) => new Date(ms).toISOString().slice(0, 10))
const entry = fc.record(
  {
    id: fc.string(),
    key: fc.string(),
    kind: fc.constantFrom("confirm", "reverse", "apply", "convert"),
    teacherId: fc.string(),
    projectId: fc.string(),
    form: fc.constantFrom("course", "practice"),
    hours: amount,
    credits: amount,
    rule,
    unitId: fc.string(),
    actor: fc.string(),
    day,
    at: fc.string(),
    settles: fc.record({ id: fc.string(), hours: amount, credits: amount, rule }),
    registration: fc.string(),
    reason: fc.string()
  },
  {
    requiredKeys: [
      "id",
      "key",
      "kind",
      "teacherId",
      "projectId",
      "form",
      "hours",
      "credits",
      "rule",
      "unitId",
      "actor",
      "day",
      "at"
    ]
  }
)

/** Values of every wrong kind a field may hold instead, and the edge cases of amounts and days. */
const wrong = fc.constantFrom<unknown>(null, true, -1, 0.001, 1.5, "x", "", "2026-02-30", "2024-02-29", {}, [], {
  id: "h",
  hours: 1,
  credits: 0.1,
  rule: { id: "r", version: 1.5, province: "*" }
})
const path = fc.constantFrom(
  ["id"],
  ["kind"],
  ["form"],
  ["hours"],
  ["credits"],
  ["rule"],
  ["rule", "version"],
  ["rule", "province"],
  ["day"],
  ["at"],
  ["settles"],
  ["settles", "hours"],
  ["settles", "rule"],
  ["registration"],
  ["reason"],
  ["unknown"]
)

const set = (value: Record<string, unknown>, [head, ...rest]: ReadonlyArray<string>, to: unknown) => {
  const copy = { ...value }
  const inner = copy[head!]
  copy[head!] =
    rest.length === 0
      ? to
      : set(typeof inner === "object" && inner !== null ? (inner as Record<string, unknown>) : {}, rest, to)
  return copy
}

describe("credit entries read by hand", () => {
  it("O9.1 a stored credit entry reads back by hand as its Schema decodes it: the entry itself", () =>
    fc.assert(
      fc.property(entry, (e) => {
        const text = JSON.stringify(e)
        const schema = bySchema(text)
        expect(Either.isRight(schema)).toBe(true)
        expect(byHand(text)).toEqual(schema)
        expect(Rows.creditEntry(text)).toEqual(e)
      })
    ))

  it("O9.1 a row that is not a credit entry is refused by hand exactly when its Schema refuses it; unknown fields are left out", () =>
    fc.assert(
      fc.property(entry, path, wrong, (e, at, value) => {
        const text = JSON.stringify(set(e as unknown as Record<string, unknown>, at, value))
        const [hand, schema] = [byHand(text), bySchema(text)]
        expect([at, value, Either.isRight(hand)]).toEqual([at, value, Either.isRight(schema)])
        if (Either.isRight(hand) && Either.isRight(schema)) expect(hand.right).toEqual(schema.right)
      }),
      { numRuns: 2000 }
    ))

  it("O9.1 text that is not an object is refused by hand as by its Schema", () => {
    for (const text of ["null", "[]", '"entry"', "1", "{"]) {
      expect([text, Either.isLeft(byHand(text))]).toEqual([text, Either.isLeft(bySchema(text))])
    }
  })
})
