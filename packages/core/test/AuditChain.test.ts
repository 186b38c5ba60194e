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

describe("the hash chain", () => {
  const entries: ReadonlyArray<AuditChain.Entry> = [
    { ...entry("unit:hubei"), actor: "system", action: "unit.create", outcome: "ok", details: {} },
    {
      at: "2026-03-01T08:00:01.000Z",
      actor: "sa-root",
      unitId: "hubei",
      action: "account.create",
      object: "account:ia-root",
      outcome: "ok",
      requestId: "req-1",
      details: { role: "infoAdmin", nested: { a: 1 } }
    },
    entry("GET /units/x")
  ]
  const records: Array<AuditChain.Record> = []
  for (const e of entries) records.push(AuditChain.chain(records.at(-1), e))
  // Each hashed field of the middle record, changed to another value of its type.
  const changes: ReadonlyArray<readonly [string, Partial<AuditChain.Record>]> = [
    ["at", { at: "2026-03-01T08:00:02.000Z" }],
    ["actor", { actor: "mallory" }],
    ["unitId", { unitId: "wuhan" }],
    ["unitId removed", { unitId: undefined }],
    ["action", { action: "account.disable" }],
    ["object", { object: "account:sa-root" }],
    ["outcome", { outcome: "refused" }],
    ["requestId", { requestId: "req-2" }],
    ["requestId removed", { requestId: undefined }],
    ["details", { details: { role: "systemAdmin", nested: { a: 1 } } }],
    ["nested details", { details: { role: "infoAdmin", nested: { a: 2 } } }]
  ]

  it("the untouched chain verifies", () => {
    expect(AuditChain.verify(records)).toEqual({ _tag: "Intact", records: 3, head: records[2]!.hash })
  })

  it.each(changes)("M37.1 changing a record's %s breaks the chain at that record", (_, change) => {
    const tampered = records.map((r) => (r.seq === 2 ? { ...r, ...change } : r))
    expect(AuditChain.verify(tampered)).toEqual({ _tag: "Broken", seq: 2, reason: "hash", records: 2 })
  })

  it("M37.1 a changed previous hash or sequence number is caught at that record", () => {
    const relinked = records.map((r) => (r.seq === 2 ? { ...r, prevHash: "f".repeat(64) } : r))
    expect(AuditChain.verify(relinked)).toEqual({ _tag: "Broken", seq: 2, reason: "link", records: 2 })
    const renumbered = records.map((r) => (r.seq === 2 ? { ...r, seq: 3 } : r))
    expect(AuditChain.verify(renumbered)).toEqual({ _tag: "Broken", seq: 3, reason: "sequence", records: 2 })
  })
})
