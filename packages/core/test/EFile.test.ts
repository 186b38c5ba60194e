import { type Authorization, EFile, EmploymentStatus, IdentityNumber, Indicator, Review, type Unit } from "@tmis/core"
import { identityNumber, identityNumberWithFacts } from "@tmis/testkit/arbitraries"
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

  // Defect 7 of issue 13: the masked digits of 420***********0202 are the county of the address code and the birth
  // date; 出生日期, and a 籍贯 or 出生地 naming the county, gave them back.
  it("M37.2 M13.4 nothing in a masked view rebuilds the masked digits: no birth date in any form, no address code", () => {
    fc.assert(
      fc.property(
        identityNumberWithFacts(),
        fc.constantFrom("出生日期与证件号不符", "请核对出生日期", ""),
        (facts, note) => {
          const id = facts.id as string
          const [y, m, d] = facts.birthDate.split("-") as [string, string, string]
          const basic = entryOf(
            "e0",
            "basicInfo",
            id,
            exampleBasicInfo({
              idNumber: id,
              birthDate: facts.birthDate,
              sex: facts.sex,
              nativePlace: facts.addressCode,
              birthPlace: `${facts.addressCode}（出生地）`
            }) as Indicator.IndicatorRecord
          )
          // A reviewer's rejection may quote the birth date.
          const reason = `${note}${facts.birthDate}（证件${y}${m}${d}）`
          const rejected: EFile.Entry = {
            ...basic,
            review: {
              state: "returned",
              context: {
                ...basic.review.context,
                rejection: { stage: "school", reason, by: "ia-s1", at: "2026-11-02T00:00:00.000Z" },
                history: [
                  {
                    type: "reject",
                    from: "submitted",
                    to: "returned",
                    actor: "ia-s1",
                    role: "infoAdmin",
                    actorUnit: "s1",
                    unit: "s1",
                    at: "2026-11-02T00:00:00.000Z",
                    detail: reason
                  }
                ]
              }
            } as unknown as Review.Persisted
          }
          const study = entryOf("e1", "studyHistory", id, { educationObtained: "21", entryMonth: "2008-09" })
          const efile = efileOf(id)
          const view = EFile.view(efile, [rejected, study], false)
          const json = JSON.stringify(view)
          const forms = [
            `${y}-${m}-${d}`,
            `${y}${m}${d}`,
            `${y}/${m}/${d}`,
            `${y}.${m}.${d}`,
            `${y}年${m}月${d}日`,
            `${y}年${Number(m)}月${Number(d)}日`,
            `${y}-${m}`,
            `${y}年${Number(m)}月`
          ]
          for (const form of forms) expect([form, json.includes(form)]).toEqual([form, false])
          // The address code, and the masked digits themselves (characters 4 to 14), appear nowhere either.
          expect(json).not.toContain(facts.addressCode)
          expect(json).not.toContain(id.slice(3, 14))
          expect(view.efile.idNumber).toBe(IdentityNumber.mask(id))
          // What stays: the year of birth (age statistics), the sex (the sequence's parity is not masked).
          const data = view.entries.find((e) => e.group === "basicInfo")?.data
          expect(data?.birthDate).toBe(y)
          expect(data?.sex).toBe(facts.sex)
          expect(data).not.toHaveProperty("nativePlace")
          expect(data).not.toHaveProperty("birthPlace")
          // Whoever may see sensitive data sees it all.
          expect(JSON.stringify(EFile.view(efile, [rejected, study], true))).toContain(facts.birthDate)
        }
      ),
      { numRuns: 300 }
    )
  })

  it("M37.2 M13.4 a masked view withholds a 籍贯 and 出生地 written as place names, and gives the birth year only", () => {
    const id = "420102199409010202"
    const entry = entryOf(
      "e0",
      "basicInfo",
      id,
      exampleBasicInfo({
        idNumber: id,
        birthDate: "1994-09-01",
        nativePlace: "湖北省武汉市江岸区",
        birthPlace: "武汉市江岸区"
      }) as Indicator.IndicatorRecord
    )
    const view = EFile.mask(efileOf(id), [entry])
    expect(view.efile.idNumber).toBe("420***********0202")
    const json = JSON.stringify(view)
    for (const leak of ["1994-09-01", "19940901", "江岸", "420102"])
      expect([leak, json.includes(leak)]).toEqual([leak, false])
    expect(view.entries[0]?.data.birthDate).toBe("1994")
    expect(EFile.withheldFields).toEqual(new Set(["nativePlace", "birthPlace"]))
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

  describe("one path to a new e-file (onboarding and batch import)", () => {
    const unitOf = (id: string, kind: Unit.Unit["kind"], path: string, more: Partial<Unit.Unit> = {}): Unit.Unit => ({
      id: id as Unit.UnitId,
      kind,
      parentId: undefined,
      path,
      name: id,
      code: id,
      school: undefined,
      status: "open",
      mergedInto: undefined,
      validFrom: "2017-03-31",
      ...more
    })
    const county = unitOf("jiangan", "county", "/hubei/wuhan/jiangan/")
    const school = unitOf("s1", "school", "/hubei/wuhan/jiangan/s1/", {
      parentId: "jiangan" as Unit.UnitId,
      school: { schoolType: "211", sponsor: "21" } as Unit.Unit["school"]
    })
    const department = unitOf("s1-d1", "department", "/hubei/wuhan/jiangan/s1/s1-d1/", {
      parentId: "s1" as Unit.UnitId
    })
    const actorAt = (unit: Unit.Unit, role: Authorization.Actor["role"] = "infoAdmin"): Authorization.Actor => ({
      accountId: `ia-${unit.id}` as Authorization.Actor["accountId"],
      role,
      status: "active",
      unit: { id: unit.id, kind: unit.kind, path: unit.path },
      identityNumber: "11010519491231002X",
      certificate: undefined,
      presentedCertificate: undefined
    })
    const context = { requireCertificateFor: [], now: new Date("2026-11-28T00:00:00.000Z") }
    const at = "2026-11-28T08:00:00.000Z"
    const creator = Either.getOrThrow(EFile.decideCreator(actorAt(school), school, school, context))
    const covered = { onEstablishment: true, contractMonths: undefined, postCategory: "1" } as const
    const hireOf = (record: Record<string, unknown>, employment: EFile.Hire["employment"] = covered): EFile.Hire => ({
      id: EFile.TeacherId("t1"),
      entryId: "t1-basic",
      basicInfo: record,
      checked: Indicator.validate(Indicator.core, "basicInfo", "primary", record, { today }),
      employment,
      at
    })
    const refusalOf = <A>(result: Either.Either<A, { kind: string; rule: string }>) =>
      Either.match(result, { onLeft: (e) => [e.kind, e.rule], onRight: () => "ok" })

    it("M21.1 only a school or one of its departments keeps e-files, with its school's stage; others are refused naming M21.1", () => {
      expect(creator).toMatchObject({
        unit: { id: "s1", kind: "school" },
        stage: "primary",
        actor: { accountId: "ia-s1" }
      })
      const inDepartment = EFile.decideCreator(actorAt(school), department, school, context)
      expect(Either.map(inDepartment, (c) => [c.unit.id, c.stage])).toEqual(Either.right(["s1-d1", "primary"]))
      const atCounty = EFile.decideCreator(actorAt(county), county, county, context)
      expect(refusalOf(atCounty)).toEqual(["invalid", "M21.1"])
      expect(Either.match(atCounty, { onLeft: (e) => e.details, onRight: () => ({}) })).toEqual({
        field: "unitId",
        value: "jiangan",
        kind: "county"
      })
      // A department whose school is not one (no school type): no stage, refused the same way.
      expect(refusalOf(EFile.decideCreator(actorAt(school), department, county, context))).toEqual(["invalid", "M21.1"])
      // Another unit's info admin, or a query-er of the school, may not create e-files there.
      expect(refusalOf(EFile.decideCreator(actorAt(county), school, school, context))).toEqual(["forbidden", "M21.1"])
      expect(refusalOf(EFile.decideCreator(actorAt(school, "infoQueryer"), school, school, context))).not.toBe("ok")
    })

    it("M5.1 M11.1 a new hire outside the covered persons or with invalid basic information is refused with the rule", () => {
      const worker = { onEstablishment: false, contractMonths: 24, postCategory: "4" } as const
      const short = { onEstablishment: false, contractMonths: 11, postCategory: "1" } as const
      expect(refusalOf(EFile.decideNew(creator, hireOf(basicInfo(), worker)))).toEqual(["invalid", "M5.1"])
      expect(refusalOf(EFile.decideNew(creator, hireOf(basicInfo(), short)))).toEqual(["invalid", "M5.1"])
      expect(refusalOf(EFile.decideNew(creator, hireOf(basicInfo({ sex: "x" }))))).toEqual(["invalid", "M11.1"])
      // Eligibility is decided first, as onboarding always did.
      expect(refusalOf(EFile.decideNew(creator, hireOf(basicInfo({ sex: "x" }), worker)))).toEqual(["invalid", "M5.1"])
      expect(refusalOf(EFile.decideNew(creator, hireOf(basicInfo(), { ...short, contractMonths: 12 })))).toBe("ok")
    })

    it("M21.1 M17.3 M22.1 a new e-file starts its status history at joining, its basic information a draft carrying identity problems as problem data", () => {
      let withProblems = 0
      fc.assert(
        fc.property(coreBasicInfo({ stage: "primary" }), fc.boolean(), (record, wrongCheck) => {
          const idNumber = String(record.idNumber)
          const broken =
            wrongCheck && String(record.idType) === "1"
              ? { ...record, idNumber: `${idNumber.slice(0, 17)}${idNumber[17] === "0" ? "1" : "0"}` }
              : record
          const hire = hireOf(broken)
          const created = Either.getOrThrow(EFile.decideNew(creator, hire))
          const expectedProblems = Either.isLeft(hire.checked)
            ? Option.getOrThrow(EFile.identityProblems(hire.checked.left))
            : []
          expect(created.problems).toEqual(expectedProblems)
          if (expectedProblems.length > 0) withProblems++
          expect(created.efile).toEqual({
            ...EFile.make({
              id: hire.id,
              unit: creator.unit,
              stage: "primary",
              basicInfo: broken,
              actor: creator.actor.accountId,
              at
            }),
            statusHistory: [
              {
                status: EFile.statusOfPersonnelCode(String(broken.personnelStatus)),
                effective: `${String(broken.schoolEntryMonth)}-01`,
                reason: String(broken.personnelStatus).startsWith("2")
                  ? EFile.reasonOfPersonnelCode(String(broken.personnelStatus))
                  : undefined,
                recordedBy: "ia-s1",
                unit: "s1"
              }
            ]
          })
          // The draft is the machine's own first snapshot, whether it ran for this entry or not.
          const ref = { id: "t1-basic", group: "basicInfo", teacher: created.efile.idNumber, teacherMayEnter: true }
          expect(created.entry).toEqual({
            id: "t1-basic",
            teacherId: "t1",
            group: "basicInfo",
            data: broken,
            review: Review.persist(Review.initial({ ...ref, problems: expectedProblems }))
          })
        }),
        { numRuns: 100 }
      )
      // The runs reached problem data, not only clean records.
      expect(withProblems).toBeGreaterThan(0)
    })
  })
})
