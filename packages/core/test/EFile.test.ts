import { EFile, EmploymentStatus, IdentityNumber, Indicator, Review, type Unit } from "@tmis/core"
import { identityNumber } from "@tmis/testkit/arbitraries"
import { coreBasicInfo, exampleBasicInfo } from "@tmis/testkit/arbitraries/efile"
import { Either, Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const today = "2026-11-28"

const efileOf = (idNumber: string, overrides: Partial<EFile.EFile> = {}): EFile.EFile => ({
  id: EFile.TeacherId("t1"),
  unitId: "s1" as Unit.UnitId,
  path: "/hubei/wuhan/jiangan/s1/t1",
  stage: "primary",
  idType: "1",
  idNumber,
  name: "李老师",
  status: "serving",
  statusHistory: [],
  createdAt: "2026-11-01T00:00:00.000Z",
  createdBy: "ia-s1" as EFile.EFile["createdBy"],
  ...overrides
})

const entryOf = (id: string, group: string, teacher: string, data: Indicator.IndicatorRecord): EFile.Entry => ({
  id,
  teacherId: EFile.TeacherId("t1"),
  group,
  data,
  review: Review.persist(Review.initial({ id, group, teacher, teacherMayEnter: true }))
})

/** An e-file with entries of random groups, the basic information among them. */
const efileWithEntries = fc
  .record({
    idNumber: identityNumber(),
    groups: fc.array(fc.constantFrom(...Indicator.coreGroupKeys), { maxLength: 8 }),
    data: fc.dictionary(fc.constantFrom("year", "note", "title"), fc.oneof(fc.string(), fc.integer()))
  })
  .map(({ idNumber, groups, data }) => ({
    efile: efileOf(idNumber),
    entries: ["basicInfo", ...groups].map((group, i) =>
      entryOf(`e${i}`, group, idNumber, group === "basicInfo" ? { name: "李老师", idType: "1", idNumber } : data)
    )
  }))

const basicInfo = exampleBasicInfo

const validationError = (record: unknown) =>
  Either.match(Indicator.validate(Indicator.core, "basicInfo", "primary", record, { today }), {
    onLeft: (e) => e,
    onRight: () => {
      throw new Error("expected the record to be refused")
    }
  })

describe("EFile", () => {
  it("M17.4 identityKey trims both parts and compares the check character upper-case", () => {
    fc.assert(
      fc.property(identityNumber(), fc.constantFrom("", " ", "\t", "  "), (id, pad) => {
        const key = EFile.identityKey(`${pad}1${pad}`, `${pad}${id.toLowerCase()}${pad}`)
        expect(key).toEqual({ idType: "1", idNumber: id.toUpperCase() })
        expect(EFile.identityKey("1", id)).toEqual(key)
      }),
      { numRuns: 200 }
    )
    expect(EFile.identityKey("1", "42010219900307138x")).toEqual(EFile.identityKey("1", "42010219900307138X"))
    // Different documents stay different: the type is part of the key.
    expect(EFile.identityKey("1", "420102199003071224")).not.toEqual(EFile.identityKey("2", "420102199003071224"))
  })

  it("M17.4 M22.1 an e-file is active unless its teacher resigned, retired, died or was transferred out", () => {
    const inactive = ["resigned", "retired", "deceased", "transferredOut"]
    for (const status of EmploymentStatus.Status.literals) {
      expect([status, EFile.isActive({ status })]).toEqual([status, !inactive.includes(status)])
    }
    expect([...EFile.inactiveStatuses].sort()).toEqual([...inactive].sort())
  })

  it("M22.1 every 人员状态 code of the code table maps to an employment status and, when not in post, a reason", () => {
    const table = Indicator.getCodeTable(Indicator.core, "personnelStatus")
    expect(table).toBeDefined()
    const expected: Record<string, EmploymentStatus.Status> = {
      "30": "resigned",
      "40": "retired",
      "50": "deceased",
      "60": "transferredOut"
    }
    for (const { code } of table?.codes ?? []) {
      const status = EFile.statusOfPersonnelCode(code)
      expect([code, status]).toEqual([code, expected[code] ?? (code.startsWith("2") ? "notServing" : "serving")])
      expect(EmploymentStatus.Status.literals).toContain(status)
    }
    expect(EFile.statusOfPersonnelCode("11")).toBe("serving")
    expect(EFile.statusOfPersonnelCode("")).toBe("serving")
    expect(["21", "22", "23", "29"].map(EFile.reasonOfPersonnelCode)).toEqual([
      "secondedToInstitution",
      "longSickLeave",
      "furtherStudy",
      "other"
    ])
  })

  it("M37.2 a masked view masks the identity number, withholds pay and ethics entries, and keeps the rest", () => {
    fc.assert(
      fc.property(efileWithEntries, ({ efile, entries }) => {
        const shown = IdentityNumber.mask(efile.idNumber)
        const masked = EFile.view(efile, entries, false)
        expect(masked.masked).toBe(true)
        expect(masked).toEqual(EFile.mask(efile, entries))
        expect(masked.efile).toEqual({ ...efile, idNumber: shown })
        expect(masked.entries.map((e) => e.id)).toEqual(
          entries.filter((e) => e.group !== "basicPay" && e.group !== "ethics").map((e) => e.id)
        )
        for (const e of masked.entries) {
          const original = entries.find((o) => o.id === e.id)!
          // The data as stored but the identity number; the review names the teacher by the masked number.
          expect(e.data).toEqual(e.group === "basicInfo" ? { ...original.data, idNumber: shown } : original.data)
          expect(e.review.state).toBe(original.review.state)
          expect(e.review.context.entry).toEqual({ ...original.review.context.entry, teacher: shown })
        }
        // Whoever may see sensitive data sees the e-file as stored.
        expect(EFile.view(efile, entries, true)).toEqual({ efile, entries, masked: false })
      }),
      { numRuns: 200 }
    )
  })

  // The review record names the teacher by identity number: a masked view masks it there too.
  it("M37.2 a masked view carries the full identity number nowhere, the entries' review records included", () => {
    const id = "420102199003071224"
    const entries = [entryOf("e1", "basicInfo", id, { idNumber: id }), entryOf("e2", "studyHistory", id, {})]
    expect(JSON.stringify(EFile.mask(efileOf(id), entries))).not.toContain(id)
  })

  it("M19.2 a record group of one record takes no second one: a second basic information is refused", () => {
    const efile = efileOf("420102199003071224")
    const first = EFile.decideNewEntry(Indicator.core, efile, "basicInfo", [])
    expect(Either.map(first, (g) => [g.key, g.cardinality])).toEqual(Either.right(["basicInfo", "one"]))
    const second = EFile.decideNewEntry(Indicator.core, efile, "basicInfo", [{ group: "basicInfo" }])
    expect(Either.match(second, { onLeft: (e) => [e.kind, e.rule, e.details.field], onRight: () => "ok" })).toEqual([
      "invalid",
      "M19.2",
      "group"
    ])
    // A group of many records takes any number; other groups' records do not count.
    const many = [{ group: "basicInfo" }, { group: "studyHistory" }, { group: "studyHistory" }]
    expect(Either.isRight(EFile.decideNewEntry(Indicator.core, efile, "studyHistory", many))).toBe(true)
    expect(Either.isRight(EFile.decideNewEntry(Indicator.core, efile, "contact", many))).toBe(true)
    expect(Either.isLeft(EFile.decideNewEntry(Indicator.core, efile, "contact", [...many, { group: "contact" }]))).toBe(
      true
    )
  })

  it("M11.1 an entry of a record group the schema does not have is refused", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 0, maxLength: 12 }).filter((g) => !Indicator.coreGroupKeys.includes(g)),
        (group) => {
          const result = EFile.decideNewEntry(Indicator.core, efileOf("420102199003071224"), group, [])
          expect(Either.match(result, { onLeft: (e) => [e.rule, e.details.value], onRight: () => "ok" })).toEqual([
            "M11.1",
            group
          ])
        }
      )
    )
  })

  it("M21.1 M17.4 a new hire's e-file is kept under its unit's path, its identity document normalised, its status from 人员状态", () => {
    fc.assert(
      fc.property(coreBasicInfo({ stage: "primary" }), (record) => {
        const efile = EFile.make({
          id: EFile.TeacherId("t9"),
          unit: { id: "s1" as Unit.UnitId, kind: "school", path: "/hubei/wuhan/jiangan/s1/" },
          stage: "primary",
          basicInfo: { ...record, idNumber: ` ${String(record.idNumber).toLowerCase()} ` },
          actor: "ia-s1" as EFile.EFile["createdBy"],
          at: "2026-11-28T00:00:00.000Z"
        })
        expect(efile).toMatchObject({
          id: "t9",
          unitId: "s1",
          path: "/hubei/wuhan/jiangan/s1/t9",
          stage: "primary",
          ...EFile.identityKey(String(record.idType), String(record.idNumber)),
          name: record.name,
          status: EFile.statusOfPersonnelCode(String(record.personnelStatus)),
          statusHistory: [],
          createdBy: "ia-s1"
        })
      }),
      { numRuns: 50 }
    )
  })

  it("M17.3 only a failing identity check makes problem data; any other refusal refuses the record", () => {
    const wrongCheck = validationError(basicInfo({ idNumber: "420102199003071225" }))
    expect(Option.map(EFile.identityProblems(wrongCheck), (ps) => ps.map((p) => p.check))).toEqual(
      Option.some(["identity"])
    )
    const wrongBirthDate = validationError(basicInfo({ birthDate: "1990-03-08" }))
    expect(Option.isSome(EFile.identityProblems(wrongBirthDate))).toBe(true)
    expect(Option.isNone(EFile.identityProblems(validationError(basicInfo({ sex: "x" }))))).toBe(true)
    const both = validationError(basicInfo({ idNumber: "420102199003071225", nationality: "ZZZ" }))
    expect(Option.isNone(EFile.identityProblems(both))).toBe(true)
  })

  it("M17.4 M37.2 the duplicate refusal names M17.4 and shows the identity number masked", () => {
    const refusal = EFile.duplicateRefusal("1", "420102199003071224", "t1")
    expect(refusal.rule).toBe("M17.4")
    expect(refusal.details).toMatchObject({ field: "idNumber", value: "420***********1224", idType: "1", holder: "t1" })
    expect(JSON.stringify(refusal)).not.toContain("420102199003071224")
  })
})
