import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as AuditChain from "../src/security/AuditChain.js"

const entry = (object: string): AuditChain.Entry => ({
  at: "2026-03-01T08:00:00.000Z",
  actor: "anonymous",
  unitId: undefined,
  action: "http.refused",
  object,
  outcome: "refused",
  requestId: undefined,
  details: { status: 404 }
})

describe("the object of an audit record", () => {
  it("M37.1 any object is kept within the store's bound, well-formed, and unchanged when it fits", () =>
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), (object) => {
        const kept = AuditChain.boundObject(object)
        expect(kept.length).toBeLessThanOrEqual(AuditChain.maxObjectLength)
        expect(kept).not.toMatch(/\p{Cs}/u) // no lone surrogate
        if (object.length <= AuditChain.maxObjectLength) expect(kept).toBe(object)
        else expect(kept.startsWith(object.slice(0, 200))).toBe(true)
      })
    ))

  it("M37.1 two long objects that differ only past the bound are kept apart", () =>
    fc.assert(
      fc.property(
        fc.string({ minLength: 300, maxLength: 400 }),
        fc.string({ minLength: 1, maxLength: 5 }),
        (start, end) => {
          fc.pre(!end.startsWith("x"))
          expect(AuditChain.boundObject(start + end)).not.toBe(AuditChain.boundObject(`${start}x`))
        }
      )
    ))

  it("M37.1 a refused request's long path is chained with its bounded object and the chain verifies", () => {
    const path = `GET /units/${"湖".repeat(225)}😀${"a".repeat(600)}`
    const first = AuditChain.chain(undefined, entry(path))
    const second = AuditChain.chain(first, entry("GET /units/hubei"))
    expect(first.object).toBe(AuditChain.boundObject(path))
    expect(first.object.length).toBeLessThanOrEqual(255)
    expect(first.object).toMatch(/湖…#[0-9a-f]{16}$/)
    expect(first.object).not.toMatch(/\p{Cs}/u)
    expect(second.object).toBe("GET /units/hubei")
    expect(AuditChain.verify([first, second])).toMatchObject({ _tag: "Intact", records: 2 })
  })
})
