import { ExchangePackage, Indicator } from "@tmis/core"
import { Either, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const province = ExchangePackage.generateKeys()
const other = ExchangePackage.generateKeys()

const change = (
  seq: number,
  teacherId: string,
  over: Partial<ExchangePackage.Change> = {}
): ExchangePackage.Change => ({
  seq,
  teacherId,
  unitId: "s1",
  idType: "1",
  idNumber: "11010519491231002X",
  name: "王建国",
  stage: "primary",
  status: "inService",
  active: true,
  records: { basicInfo: [{ name: "王建国", sex: "1" }] },
  ...over
})

const pkgOf = (rows: ReadonlyArray<ExchangePackage.Change>, sequence = 1, from = 0, to = 10) =>
  ExchangePackage.changes({ province: "42", sequence, from, to, rows, privateKey: province.privateKey })

const refusalOf = (result: Either.Either<unknown, { readonly rule: string; readonly details: unknown }>) =>
  Either.isLeft(result) ? { rule: result.left.rule, details: result.left.details } : "verified"

describe("ExchangePackage", () => {
  it("M32.1 a change package round-trips through its files: verified, the same rows, the same digest", () => {
    const pkg = pkgOf([change(7, "t2"), change(3, "t1")])
    const files = ExchangePackage.toFiles(pkg)
    expect(Object.keys(files).sort()).toEqual(["changes.ndjson", "manifest.json"])
    const back = ExchangePackage.fromFiles(JSON.parse(JSON.stringify(files)))
    const verified = Either.flatMap(back, (p) => ExchangePackage.verifyPackage(p, province.publicKey))
    expect(Either.isRight(verified)).toBe(true)
    if (Either.isLeft(verified)) return
    expect(verified.right.rows.map((r) => (r as ExchangePackage.Change).teacherId)).toEqual(["t1", "t2"])
    expect(verified.right.manifest).toMatchObject({ province: "42", sequence: 1, from: 0, to: 10 })
    expect(verified.right.manifest.files).toEqual([
      expect.objectContaining({
        name: "changes.ndjson",
        rows: 2,
        sha256: ExchangePackage.sha256(pkg.files["changes.ndjson"]!)
      })
    ])
    expect(verified.right.digest).toBe(ExchangePackage.digestOf(pkg.manifest))
  })

  it("M32.1 tampering is detected: a changed row, a changed count, a forged key, a missing or extra file", () => {
    const pkg = pkgOf([change(3, "t1"), change(4, "t2")])
    const text = pkg.files["changes.ndjson"]!
    const rowChanged = { ...pkg, files: { "changes.ndjson": text.replace("王建国", "李四") } }
    expect(refusalOf(ExchangePackage.verifyPackage(rowChanged, province.publicKey))).toMatchObject({
      rule: "M32.1",
      details: { field: "sha256" }
    })
    const counted = {
      ...pkg,
      manifest: { ...pkg.manifest, files: [{ ...pkg.manifest.files[0]!, rows: 1 }] }
    }
    expect(refusalOf(ExchangePackage.verifyPackage(counted, province.publicKey))).toMatchObject({
      details: { field: "signature" }
    })
    expect(refusalOf(ExchangePackage.verifyPackage(pkg, other.publicKey))).toMatchObject({
      details: { field: "signature" }
    })
    // Signed by the wrong key over a consistent manifest: still refused under the province's key.
    const forged = ExchangePackage.changes({
      province: "42",
      sequence: 1,
      from: 0,
      to: 10,
      rows: [change(3, "t1", { name: "李四" })],
      privateKey: other.privateKey
    })
    expect(refusalOf(ExchangePackage.verifyPackage(forged, province.publicKey))).toMatchObject({
      details: { field: "signature" }
    })
    expect(refusalOf(ExchangePackage.verifyPackage({ ...pkg, files: {} }, province.publicKey))).toMatchObject({
      details: { field: "files" }
    })
    const extra = { ...pkg, files: { ...pkg.files, "extension.ndjson": "{}\n" } }
    expect(refusalOf(ExchangePackage.verifyPackage(extra, province.publicKey))).toMatchObject({
      details: { field: "files" }
    })
    expect(Either.isLeft(ExchangePackage.fromFiles({ "changes.ndjson": text }))).toBe(true)
  })

  it("M32.1 rows outside the cursors or out of order are refused even when signed", () => {
    const outside = pkgOf([change(11, "t1")], 1, 0, 10)
    expect(refusalOf(ExchangePackage.verifyPackage(outside, province.publicKey))).toMatchObject({
      details: { field: "seq" }
    })
  })

  it("M32.1 a gap in the sequence is refused and named; the same package twice is applied once", () => {
    const pkg = pkgOf([change(3, "t1")], 6, 50, 60)
    const digest = ExchangePackage.digestOf(pkg.manifest)
    const gap = ExchangePackage.decideSequence(
      { lastSequence: 3, lastTo: 50, digestAtSequence: undefined },
      pkg.manifest,
      digest
    )
    expect(Either.isLeft(gap) && gap.left).toMatchObject({
      kind: "invalid",
      rule: "M32.1",
      details: { field: "sequence", expected: 4, missing: [4, 5] }
    })
    expect(Either.isLeft(gap) && gap.left.en).toContain("packages 4, 5 missing")
    const next = ExchangePackage.decideSequence(
      { lastSequence: 5, lastTo: 50, digestAtSequence: undefined },
      pkg.manifest,
      digest
    )
    expect(next).toEqual(Either.right("apply"))
    const cursorGap = ExchangePackage.decideSequence(
      { lastSequence: 5, lastTo: 40, digestAtSequence: undefined },
      pkg.manifest,
      digest
    )
    expect(Either.isLeft(cursorGap) && cursorGap.left.details).toMatchObject({ field: "from", expected: 40 })
    const again = ExchangePackage.decideSequence(
      { lastSequence: 7, lastTo: 70, digestAtSequence: digest },
      pkg.manifest,
      digest
    )
    expect(again).toEqual(Either.right("already"))
    const twin = ExchangePackage.decideSequence(
      { lastSequence: 7, lastTo: 70, digestAtSequence: "0".repeat(64) },
      pkg.manifest,
      digest
    )
    expect(Either.isLeft(twin) && twin.left).toMatchObject({ kind: "conflict", rule: "M32.1" })
  })

  it("M32.1 a later feedback supersedes an earlier one; an earlier one after it changes nothing", () => {
    const fb = (sequence: number) =>
      ExchangePackage.feedback({ province: "42", sequence, to: 3, duplicates: [], privateKey: other.privateKey })
    const received = { lastSequence: 2, lastTo: 0, digestAtSequence: undefined }
    expect(ExchangePackage.decideSequence(received, fb(5).manifest, "x")).toEqual(Either.right("apply"))
    expect(ExchangePackage.decideSequence(received, fb(1).manifest, "x")).toEqual(Either.right("already"))
  })

  it("M32.1 M11.2 only core groups and core fields go into a package, never a province's extension", () => {
    const records = ExchangePackage.coreRecords(Indicator.core, [
      { id: "e2", group: "basicInfo", data: { name: "王建国", sex: "1", hubeiTalentNumber: "HB-1" } },
      { id: "e1", group: "hubeiTalents", data: { level: "A" } },
      { id: "e0", group: "workHistory", data: { employer: "武汉一中", startMonth: "2001-09" } }
    ])
    expect(records).toEqual({
      basicInfo: [{ name: "王建国", sex: "1" }],
      workHistory: [{ employer: "武汉一中", startMonth: "2001-09" }]
    })
  })

  const arbChange = fc.record({
    seq: fc.integer({ min: 1, max: 1000 }),
    teacherId: fc.string({ minLength: 1, maxLength: 8 }),
    unitId: fc.string({ maxLength: 6 }),
    idType: fc.constantFrom("1", "2", "6"),
    idNumber: fc.string({ minLength: 1, maxLength: 18 }),
    name: fc.string({ maxLength: 10 }),
    stage: fc.constantFrom("primary", "secondary", "kindergarten"),
    status: fc.constantFrom("inService", "retired", "transferredOut"),
    active: fc.boolean(),
    records: fc.dictionary(
      fc.constantFrom("basicInfo", "workHistory", "studyHistory"),
      fc.array(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
        {
          maxLength: 3
        }
      )
    )
  })

  it("M32.1 determinism: the same changes in any order make the same bytes, digest and signature, and verify", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(arbChange, { selector: (c) => c.teacherId, maxLength: 12 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (rows, shuffleSeed) => {
          const shuffled = [...rows].sort(
            (a, b) =>
              ((a.teacherId.charCodeAt(0) * shuffleSeed) % 97) - ((b.teacherId.charCodeAt(0) * shuffleSeed) % 97)
          )
          // Keys in another insertion order are the same change.
          const reordered = shuffled.map(
            (c) => Object.fromEntries(Object.entries(c).reverse()) as unknown as ExchangePackage.Change
          )
          const a = pkgOf(rows, 1, 0, 1000)
          const b = pkgOf(reordered, 1, 0, 1000)
          expect(ExchangePackage.toFiles(b)).toEqual(ExchangePackage.toFiles(a))
          expect(b.signature).toBe(a.signature)
          const verified = ExchangePackage.verifyPackage(a, province.publicKey)
          expect(Either.isRight(verified) && verified.right.rows.length).toBe(rows.length)
        }
      ),
      { numRuns: 60 }
    )
  })

  it("M32.1 canonical text is the format's first encoder's: keys sorted, undefined left out, no whitespace", () => {
    // The reference: the first encoder, a sorted copy then JSON.stringify (the encoder now writes text directly).
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v !== null && typeof v === "object"
          ? Object.fromEntries(
              Object.entries(v as Record<string, unknown>)
                .filter(([, x]) => x !== undefined)
                .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
                .map(([k, x]) => [k, sorted(x)])
            )
          : v
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: "small" },
        fc.jsonValue({ maxDepth: 2 }),
        fc.constant(undefined),
        fc.array(tie("v"), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie("v"), { maxKeys: 5 })
      )
    })).v
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value, { maxKeys: 6 }), (v) => {
        expect(ExchangePackage.canonical(v)).toBe(JSON.stringify(sorted(v)))
      }),
      { numRuns: 300 }
    )
  })

  it("M32.1 a signed row is verified exactly when the Change Schema decodes it, it is canonical and within the cursors", () => {
    // The verifier checks rows by hand (not through the Schema); the Schema is the oracle here.
    const decode = Schema.decodeUnknownEither(ExchangePackage.Change)
    const fields = ["seq", "teacherId", "unitId", "idType", "idNumber", "name", "stage", "status", "active", "records"]
    const odd = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(fc.string({ maxLength: 3 }), fc.array(fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue()))),
      fc.integer({ min: -3, max: 14 }),
      fc.double()
    )
    fc.assert(
      fc.property(fc.constantFrom(...fields, "extra"), odd, fc.boolean(), (field, value, drop) => {
        const row: Record<string, unknown> = { ...change(3, "t1") }
        if (drop) delete row[field]
        else row[field] = value
        const line = ExchangePackage.canonical(row)
        const decoded = decode(row)
        const expected =
          Either.isRight(decoded) &&
          ExchangePackage.canonical(decoded.right) === line &&
          decoded.right.seq > 0 &&
          decoded.right.seq <= 10
        const pkg = pkgOf([row as unknown as ExchangePackage.Change])
        expect(Either.isRight(ExchangePackage.verifyPackage(pkg, province.publicKey))).toBe(expected)
      }),
      { numRuns: 300 }
    )
  })
})
