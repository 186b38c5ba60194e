import { coreBasicInfo, coveredStages, extension, recordUnder, refusedExtension } from "@tmis/testkit/arbitraries/efile"
import { Either, JSONSchema, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as IdentityNumber from "../src/codes/IdentityNumber.js"
import type { Stage } from "../src/codes/SchoolType.js"
import * as Indicator from "../src/efile/Indicator.js"
import type * as Refusal from "../src/kernel/Refusal.js"
import { basic } from "./fixtures/basicInfo.js"

const today = "2026-11-28"
const core = Indicator.core

const without = (record: Indicator.IndicatorRecord, ...keys: ReadonlyArray<string>): Indicator.IndicatorRecord =>
  Object.fromEntries(Object.entries(record).filter(([k]) => !keys.includes(k)))

const refusal = (schema: Indicator.IndicatorSchema, group: string, stage: Stage, record: unknown): Refusal.Refusal => {
  const result = Indicator.validate(schema, group, stage, record, { today })
  if (Either.isRight(result)) throw new Error(`accepted ${JSON.stringify(record)}`)
  return result.left
}

const issues = (e: Refusal.Refusal) =>
  e.details.issues as ReadonlyArray<{ rule: string; details: { field: string; value: unknown; constraint?: string } }>

const accepts = (schema: Indicator.IndicatorSchema, group: string, stage: Stage, record: unknown): boolean =>
  Either.isRight(Indicator.validate(schema, group, stage, record, { today }))

const decodes = (schema: Indicator.IndicatorSchema, group: string, stage: Stage, record: unknown): boolean =>
  Either.isRight(
    Schema.decodeUnknownEither(Either.getOrThrow(Indicator.decoder(schema, group, stage, { today })))(record)
  )

describe("the core indicators", () => {
  it("M11.1 are the 17 record groups of the national e-file, in order, one record per teacher for 1 and 17", () => {
    expect(core.groups.map((g) => [g.number, g.key, g.zh, g.cardinality])).toEqual([
      [1, "basicInfo", "基本信息", "one"],
      [2, "studyHistory", "学习经历", "many"],
      [3, "workHistory", "工作经历", "many"],
      [4, "postAppointment", "岗位聘任", "many"],
      [5, "titleAppointment", "专业技术职务聘任", "many"],
      [6, "basicPay", "基本待遇", "many"],
      [7, "annualAssessment", "年度考核", "many"],
      [8, "teacherQualification", "教师资格", "many"],
      [9, "ethics", "师德信息", "many"],
      [10, "teaching", "教育教学", "many"],
      [11, "researchAndAwards", "教学科研成果及获奖", "many"],
      [12, "talentPrograms", "入选人才项目", "many"],
      [13, "domesticTraining", "国内培训", "many"],
      [14, "overseasStudy", "海外研修（访学）", "many"],
      [15, "skillsAndCertificates", "技能及证书", "many"],
      [16, "exchangeRotation", "交流轮岗", "many"],
      [17, "contact", "联系方式", "one"]
    ])
    expect(Indicator.coreGroupKeys).toEqual(core.groups.map((g) => g.key))
    for (const g of core.groups) {
      const keys = g.fields.map((f) => f.key)
      expect(new Set(keys).size).toBe(keys.length)
      expect(g.fields.every((f) => /^[a-z][A-Za-z0-9]*$/.test(f.key) && f.zh.length > 0)).toBe(true)
    }
  })

  it("M11.1 kindergartens have no 教育教学 (10) and only primary and secondary schools have 交流轮岗 (16)", () => {
    for (const stage of coveredStages) {
      const keys = Indicator.groupsFor(core, stage).map((g) => g.key)
      expect(keys.includes("teaching")).toBe(stage !== "kindergarten")
      expect(keys.includes("exchangeRotation")).toBe(Indicator.primarySecondaryStages.includes(stage))
      expect(keys.length).toBe(17 - (stage === "kindergarten" ? 1 : 0) - (keys.includes("exchangeRotation") ? 0 : 1))
    }
    expect(Indicator.primarySecondaryStages).toEqual([
      "primary",
      "juniorSecondary",
      "seniorSecondary",
      "adult",
      "reform"
    ])
    const refused = Indicator.validator(core, "teaching", "kindergarten")
    expect(Either.isLeft(refused) && refused.left.rule).toBe("M11.1")
    expect(Either.isLeft(Indicator.decoder(core, "exchangeRotation", "secondaryVocational"))).toBe(true)
    expect(Either.isLeft(Indicator.jsonSchema(core, "noSuchGroup", "primary"))).toBe(true)
  })

  it("M11.1 基本信息 has the fields of the national list, required as it marks them", () => {
    const group = Indicator.getGroup(core, "basicInfo")!
    const fields = Indicator.fieldsFor(group, "primary").map((f) => [f.zh, f.type, f.required, f.confirmed])
    expect(fields).toEqual([
      ["姓名", "text", true, true],
      ["曾用名", "text", false, true],
      ["性别", "code", true, true],
      ["教职工号", "text", false, true],
      ["国籍/地区", "code", true, true],
      ["身份证件类型", "code", true, true],
      ["身份证件号", "identityNumber", true, true],
      ["出生日期", "date", true, true],
      ["籍贯", "text", false, true],
      ["出生地", "text", false, true],
      ["民族", "code", true, true],
      ["政治面貌", "code", true, true],
      ["婚姻状况", "code", false, true],
      ["健康状况", "code", false, true],
      ["参加工作年月", "yearMonth", true, true],
      ["进本校年月", "yearMonth", true, true],
      ["教职工来源", "code", true, true],
      ["教职工类别", "code", true, true],
      ["是否在编", "boolean", true, true],
      ["用人形式", "code", true, true],
      ["签订合同情况", "code", true, true],
      ["是否全日制师范类专业毕业", "boolean", true, true],
      ["是否受过特教专业培养培训", "boolean", true, true],
      ["是否有特殊教育从业证书", "boolean", true, true],
      ["信息技术应用能力", "code", true, true],
      ["是否属于免费（公费）师范生", "code", true, true],
      ["是否参加基层服务项目", "code", true, true],
      ["是否是特级教师", "boolean", true, true],
      ["是否县级及以上骨干教师", "boolean", true, true],
      ["是否心理健康教育教师", "boolean", true, true],
      ["人员状态", "code", true, true]
    ])
    expect(accepts(core, "basicInfo", "primary", basic)).toBe(true)
  })

  it("M11.1 the school-stage variants add their fields to 基本信息", () => {
    const group = Indicator.getGroup(core, "basicInfo")!
    const extra = (stage: Stage) => {
      const primary = new Set(Indicator.fieldsFor(group, "primary").map((f) => f.key))
      return Indicator.fieldsFor(group, stage)
        .filter((f) => !primary.has(f.key))
        .map((f) => f.zh)
    }
    expect(extra("secondaryVocational")).toEqual([
      '是否"双师型"教师',
      "是否具备职业技能等级证书",
      "企业工作（实践）时长"
    ])
    expect(extra("specialEducation")).toEqual(["从事特教起始年月"])
    expect(extra("kindergarten")).toEqual(["是否全日制学前教育专业毕业"])
    expect(extra("seniorSecondary")).toEqual([])
    expect(accepts(core, "basicInfo", "secondaryVocational", { ...basic, dualQualified: true })).toBe(true)
    expect(issues(refusal(core, "basicInfo", "primary", { ...basic, dualQualified: true }))[0]!.details).toMatchObject({
      field: "dualQualified",
      constraint: "unknown"
    })
    expect(accepts(core, "basicInfo", "specialEducation", { ...basic, specialEducationStartMonth: "1985-09" })).toBe(
      true
    )
    expect(accepts(core, "basicInfo", "kindergarten", { ...basic, preschoolMajorGraduate: false })).toBe(true)
  })

  it("M11.1 联系方式 and 学习经历 have their fields, the assumed ones marked unconfirmed", () => {
    const contact = Indicator.getGroup(core, "contact")!
    expect(contact.fields.map((f) => [f.key, f.zh, f.required, f.confirmed])).toEqual([
      ["mobile", "手机号码", false, false],
      ["phone", "联系电话", false, false],
      ["email", "电子邮箱", false, false],
      ["address", "通讯地址", false, false],
      ["postalCode", "邮政编码", false, false]
    ])
    expect(accepts(core, "contact", "primary", { mobile: "13800138000", postalCode: "430071" })).toBe(true)
    expect(refusal(core, "contact", "primary", { mobile: "2380013800" }).details).toMatchObject({
      field: "mobile",
      constraint: "pattern"
    })
    expect(refusal(core, "contact", "primary", { postalCode: "43007" }).rule).toBe("M11.1")
    expect(Indicator.getGroup(core, "studyHistory")!.fields.map((f) => f.zh)).toEqual([
      "获得学历",
      "获得学历的国家/地区",
      "获得学历的院校或机构",
      "所学专业",
      "是否师范类专业",
      "入学年月",
      "毕业年月",
      "学位层次",
      "学位名称",
      "学位授予国家",
      "学位授予单位",
      "学位授予年月",
      "学习方式",
      "在学单位类别"
    ])
  })

  it("M11.1 keeps the national code tables as data with the national codes", () => {
    const codes = (key: string) => Indicator.getCodeTable(core, key)!.codes.map((c) => c.code)
    const name = (key: string, code: string) =>
      Indicator.getCodeTable(core, key)!.codes.find((c) => c.code === code)?.zh
    expect(codes("sex")).toEqual(["0", "1", "2", "9"])
    expect(codes("ethnicity")).toEqual([
      ...Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, "0")),
      "97",
      "98"
    ])
    expect([
      name("ethnicity", "01"),
      name("ethnicity", "05"),
      name("ethnicity", "56"),
      name("ethnicity", "98")
    ]).toEqual(["汉族", "维吾尔族", "基诺族", "外国血统中国籍人士"])
    expect(codes("politicalStatus")).toEqual(Array.from({ length: 13 }, (_, i) => String(i + 1).padStart(2, "0")))
    expect(name("politicalStatus", "13")).toBe("群众")
    expect(codes("education")).toHaveLength(33)
    expect([name("education", "11"), name("education", "21"), name("education", "90")]).toEqual([
      "博士研究生毕业",
      "大学本科毕业",
      "其他"
    ])
    expect(codes("maritalStatus")).toEqual(["10", "20", "21", "22", "23", "30", "40", "90"])
    expect(codes("idType")).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "Z"])
    expect(codes("country")).toEqual(expect.arrayContaining(["156", "344", "446", "158", "840", "392"]))
    expect(codes("postCategory")).toEqual(["1", "2", "3", "4"])
    expect(codes("staffCategory")).toEqual(["11", "12", "13", "14", "19", "30", "40", "55", "56"])
    expect(codes("stageTaught")).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "A", "Z"])
    expect(Indicator.getCodeTable(core, "assessmentResult")!.codes.map((c) => c.zh)).toEqual([
      "优秀",
      "合格",
      "基本合格",
      "不合格"
    ])
    // Unconfirmed or incomplete tables are configuration; the national standards shipped in full are not.
    const configurable = core.codeTables.filter((t) => t.configurable).map((t) => t.key)
    expect(configurable).toEqual(
      expect.arrayContaining([
        "employmentForm",
        "itApplicationAbility",
        "grassrootsService",
        "publicFundedNormalStudent",
        "personnelStatus",
        "assessmentResult",
        "country"
      ])
    )
    for (const t of core.codeTables) {
      if (!t.confirmed || !t.complete) expect(t.configurable).toBe(true)
      const keys = t.codes.map((c) => c.code)
      expect(new Set(keys).size).toBe(keys.length)
    }
  })

  it("M11.1 each code table rejects an unknown code", () => {
    const stages: ReadonlyArray<Stage> = ["primary", "secondaryVocational"]
    let checked = 0
    for (const stage of stages) {
      for (const group of Indicator.groupsFor(core, stage)) {
        const [record] = fc.sample(recordUnder(core, group.key, stage), { numRuns: 1, seed: 1 })
        for (const field of Indicator.fieldsFor(group, stage)) {
          if (field.type !== "code") continue
          const e = refusal(core, group.key, stage, { ...record, [field.key]: "ZZ9" })
          expect(issues(e)).toContainEqual(
            expect.objectContaining({
              rule: "M11.1",
              details: expect.objectContaining({ field: field.key, value: "ZZ9", constraint: "code" })
            })
          )
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(30)
  })

  it("M11.1 a record missing a required field is refused, naming the field", () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...coveredStages)
          .chain((stage) =>
            fc
              .constantFrom(...Indicator.groupsFor(core, stage))
              .chain((group) => recordUnder(core, group.key, stage).map((record) => ({ stage, group, record })))
          ),
        ({ stage, group, record }) => {
          for (const field of Indicator.fieldsFor(group, stage)) {
            if (!field.required || field.requiredOnlyWhen !== undefined || field.absentWhen !== undefined) continue
            const e = refusal(core, group.key, stage, without(record, field.key))
            expect(e.rule).toBe("M11.1")
            expect(e.details).toMatchObject({ group: group.key, field: field.key, constraint: "required" })
          }
        }
      ),
      { numRuns: 20 }
    )
  })

  it("M11.1 values of the wrong type, length or form are refused", () => {
    const cases: ReadonlyArray<readonly [string, unknown, string]> = [
      ["name", "王".repeat(51), "maxLength"],
      ["name", "   ", "type"],
      ["name", 42, "type"],
      ["birthDate", "1949-02-29", "type"],
      ["birthDate", "1949/12/31", "type"],
      ["workStartMonth", "1970-13", "type"],
      ["onEstablishment", "是", "type"],
      ["idNumber", "110105 19491231002X", "pattern"]
    ]
    for (const [field, value, constraint] of cases) {
      const e = refusal(core, "basicInfo", "primary", { ...basic, [field]: value })
      expect(e.rule).toBe("M11.1")
      expect(e.details).toMatchObject({ group: "basicInfo", field, value, constraint })
    }
    expect(
      refusal(core, "teaching", "primary", { schoolYear: "2025-2026", term: "1", weeklyLessons: 1.5 }).details
    ).toMatchObject({
      field: "weeklyLessons",
      constraint: "range"
    })
    expect(refusal(core, "basicInfo", "primary", null).rule).toBe("M11.1")
  })

  it("M11.1 an unknown field is refused (no mass assignment), by the validator and by the effect Schema", () => {
    const record = { ...basic, reviewStatus: "approved" }
    expect(refusal(core, "basicInfo", "primary", record).details).toMatchObject({
      field: "reviewStatus",
      constraint: "unknown"
    })
    const decoder = Either.getOrThrow(Indicator.decoder(core, "basicInfo", "primary", { today }))
    const decoded = Schema.decodeUnknownEither(decoder)(record)
    expect(Either.isLeft(decoded) && decoded.left.message).toMatch(/reviewStatus[\s\S]*is unexpected/)
  })

  it("M11.1 国籍 other than 156 leaves 民族 and 政治面貌 empty; 156 requires them", () => {
    const foreign = { ...basic, nationality: "840", idType: "A", idNumber: "E12345678" }
    expect(accepts(core, "basicInfo", "primary", without(foreign, "ethnicity", "politicalStatus"))).toBe(true)
    const e = refusal(core, "basicInfo", "primary", foreign)
    expect(issues(e).map((i) => [i.rule, i.details.field, i.details.constraint])).toEqual([
      ["M11.1", "ethnicity", "absent"],
      ["M11.1", "politicalStatus", "absent"]
    ])
    expect(refusal(core, "basicInfo", "primary", without(basic, "ethnicity")).details).toMatchObject({
      field: "ethnicity",
      constraint: "required"
    })
  })

  it("M11.1 用人形式 is required only when 是否在编 is 否", () => {
    expect(accepts(core, "basicInfo", "primary", basic)).toBe(true)
    expect(accepts(core, "basicInfo", "primary", { ...basic, employmentForm: "1" })).toBe(true)
    const e = refusal(core, "basicInfo", "primary", { ...basic, onEstablishment: false })
    expect(e.rule).toBe("M11.1")
    expect(e.details).toMatchObject({ field: "employmentForm", constraint: "required" })
    expect(e.en).toMatch(/required when onEstablishment is false/)
    expect(accepts(core, "basicInfo", "primary", { ...basic, onEstablishment: false, employmentForm: "2" })).toBe(true)
  })

  it("M11.1 参加工作年月 is after 出生日期 and 进本校年月 is not before 参加工作年月", () => {
    expect(refusal(core, "basicInfo", "primary", { ...basic, workStartMonth: "1949-12" }).details).toMatchObject({
      field: "workStartMonth",
      constraint: "workAfterBirth"
    })
    expect(
      accepts(core, "basicInfo", "primary", { ...basic, workStartMonth: "1950-01", schoolEntryMonth: "1950-01" })
    ).toBe(true)
    expect(refusal(core, "basicInfo", "primary", { ...basic, schoolEntryMonth: "1970-08" }).details).toMatchObject({
      field: "schoolEntryMonth",
      value: "1970-08",
      constraint: "schoolEntryNotBeforeWork"
    })
    fc.assert(
      fc.property(coreBasicInfo({ stage: "primary" }), (record) => {
        expect(String(record.workStartMonth) > String(record.birthDate).slice(0, 7)).toBe(true)
        expect(String(record.schoolEntryMonth) >= String(record.workStartMonth)).toBe(true)
      }),
      { numRuns: 30 }
    )
  })

  it("M17.3 a record whose identity number disagrees with its birth date or sex is refused", () => {
    const typeOne = coreBasicInfo({ stage: "primary" }).filter((r) => r.idType === "1")
    fc.assert(
      fc.property(typeOne, fc.integer({ min: 1, max: 3000 }), (record, shift) => {
        const born = new Date(`${record.birthDate}T00:00:00Z`)
        const otherDay = new Date(born.getTime() - shift * 86_400_000).toISOString().slice(0, 10)
        const wrongDate = refusal(core, "basicInfo", "primary", {
          ...record,
          birthDate: otherDay,
          workStartMonth: "2030-01",
          schoolEntryMonth: "2030-01"
        })
        expect(wrongDate.rule).toBe("M17.3")
        expect(wrongDate.details).toMatchObject({ field: "idNumber", value: record.idNumber, part: "birthDate" })
        const idSex = IdentityNumber.sex(record.idNumber as IdentityNumber.IdentityNumber)
        const wrongSex = refusal(core, "basicInfo", "primary", { ...record, sex: idSex === "1" ? "2" : "1" })
        expect(wrongSex.rule).toBe("M17.3")
        expect(wrongSex.details).toMatchObject({ field: "idNumber", part: "sequence" })
        // Sex "unknown" or "not stated" is not compared.
        expect(accepts(core, "basicInfo", "primary", { ...record, sex: "9" })).toBe(true)
      }),
      { numRuns: 30 }
    )
  })

  it("M17.3 a type-1 identity number must be valid; other document types are not checked as one", () => {
    const badCheck = refusal(core, "basicInfo", "primary", { ...basic, idNumber: "110105194912310021" })
    expect(badCheck.rule).toBe("M17.3")
    expect(badCheck.details).toMatchObject({ field: "idNumber", part: "checkCharacter" })
    expect(accepts(core, "basicInfo", "primary", { ...basic, idType: "A", idNumber: "E12345678" })).toBe(true)
    // A birth date after `today` is refused when `today` is given.
    const future = Indicator.validate(core, "basicInfo", "primary", basic, { today: "1949-12-30" })
    expect(Either.isLeft(future) && future.left.rule).toBe("M17.3")
  })

  it("M11.1 the effect Schema accepts exactly what the validator accepts, with the rule id in every message", () => {
    const perturb = fc.record({
      key: fc.constantFrom(...Object.keys(basic), "ethnicity", "employmentForm", "extra"),
      value: fc.constantFrom<unknown>(
        "",
        "ZZ",
        "1",
        "01",
        "156",
        "840",
        true,
        false,
        3,
        "1949-12-31",
        "1980-01",
        "王".repeat(60)
      )
    })
    const decoder = Either.getOrThrow(Indicator.decoder(core, "basicInfo", "primary", { today }))
    fc.assert(
      fc.property(coreBasicInfo({ stage: "primary" }), fc.option(perturb, { nil: undefined }), (record, change) => {
        const input = change === undefined ? record : { ...record, [change.key]: change.value }
        const decoded = Schema.decodeUnknownEither(decoder)(input)
        expect(Either.isRight(decoded)).toBe(accepts(core, "basicInfo", "primary", input))
        if (Either.isLeft(decoded) && !(change?.key === "extra")) {
          expect(decoded.left.message).toMatch(/M1[17]\.\d:/)
        }
      }),
      { numRuns: 80 }
    )
  })
})

/** The parts of a JSON Schema document the tests read. */
interface Doc {
  readonly $schema?: string
  readonly $id?: string
  readonly type?: string
  readonly const?: unknown
  readonly enum?: ReadonlyArray<unknown>
  readonly maxLength?: number
  readonly pattern?: string
  readonly minimum?: number
  readonly maximum?: number
  readonly required?: ReadonlyArray<string>
  readonly properties?: Readonly<Record<string, Doc>>
  readonly additionalProperties?: boolean
  readonly not?: Doc
  readonly allOf?: ReadonlyArray<Doc>
  readonly if?: Doc
  readonly then?: Doc
  readonly "x-tmis-rules"?: ReadonlyArray<{ readonly id: string; readonly rule: string }>
}

const asDoc = (schema: unknown): Doc => schema as Doc

/** A tiny evaluator of the JSON Schema keywords `jsonSchema` emits, to check documents against records. */
const conforms = (schema: Indicator.JsonSchema | Doc, value: unknown): boolean => {
  const s = asDoc(schema)
  if (s.type === "object") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false
  }
  if (s.type === "string" && typeof value !== "string") return false
  if (s.type === "boolean" && typeof value !== "boolean") return false
  if (s.type === "integer" && !Number.isInteger(value)) return false
  if (s.const !== undefined && value !== s.const) return false
  if (s.enum !== undefined && !s.enum.includes(value)) return false
  if (typeof value === "string") {
    if (s.maxLength !== undefined && [...value].length > s.maxLength) return false
    if (s.pattern !== undefined && !new RegExp(s.pattern, "u").test(value)) return false
  }
  if (typeof value === "number") {
    if (s.minimum !== undefined && value < s.minimum) return false
    if (s.maximum !== undefined && value > s.maximum) return false
  }
  if (typeof value === "object" && value !== null) {
    const o = value as Record<string, unknown>
    for (const key of s.required ?? []) if (!Object.hasOwn(o, key)) return false
    for (const [key, sub] of Object.entries((s.properties ?? {}) as Record<string, Indicator.JsonSchema>)) {
      if (Object.hasOwn(o, key) && !conforms(sub, o[key])) return false
    }
    if (s.additionalProperties === false && Object.keys(o).some((k) => !(k in (s.properties ?? {})))) return false
  }
  if (s.not !== undefined && conforms(s.not, value)) return false
  for (const sub of s.allOf ?? []) if (!conforms(sub, value)) return false
  if (s.if !== undefined && conforms(s.if, value) && s.then !== undefined && !conforms(s.then, value)) return false
  return true
}

describe("the JSON Schema", () => {
  it("M11.1 describes a group for a stage as JSON Schema 2020-12 with no additional properties", () => {
    const doc = asDoc(Either.getOrThrow(Indicator.jsonSchema(core, "basicInfo", "primary")))
    expect(doc.$schema).toBe("https://json-schema.org/draft/2020-12/schema")
    expect(doc.type).toBe("object")
    expect(doc.additionalProperties).toBe(false)
    expect(doc.required).toContain("name")
    expect(doc.required).not.toContain("ethnicity")
    expect(doc.required).not.toContain("employmentForm")
    expect(doc.properties?.sex).toMatchObject({ type: "string", enum: ["0", "1", "2", "9"], title: "性别" })
    expect(doc.properties?.name).toMatchObject({ type: "string", maxLength: 50 })
    expect(doc.properties?.birthDate).toMatchObject({ format: "date" })
    expect(doc.properties?.onEstablishment).toMatchObject({ type: "boolean" })
    expect(doc["x-tmis-rules"]?.map((r: { id: string; rule: string }) => [r.id, r.rule])).toEqual([
      ["identityMatchesRecord", "M17.3"],
      ["workAfterBirth", "M11.1"],
      ["schoolEntryNotBeforeWork", "M11.1"]
    ])
    expect(conforms(doc, basic)).toBe(true)
    expect(conforms(doc, { ...basic, nationality: "840" })).toBe(false)
    expect(conforms(doc, { ...basic, onEstablishment: false })).toBe(false)
    expect(conforms(doc, { ...basic, extra: 1 })).toBe(false)
    expect(conforms(doc, { ...basic, sex: "3" })).toBe(false)
  })

  it("M11.2 accepts every record the validator accepts, core or extended, and the effect Schema carries it", () => {
    fc.assert(
      fc.property(
        extension()
          .map((ext) => Either.getOrThrow(Indicator.extend(core, ext)))
          .chain((schema) =>
            fc
              .constantFrom(...coveredStages)
              .chain((stage) =>
                fc
                  .constantFrom(...Indicator.groupsFor(schema, stage).map((g) => g.key))
                  .chain((group) =>
                    recordUnder(schema, group, stage).map((record) => ({ schema, stage, group, record }))
                  )
              )
          ),
        ({ schema, stage, group, record }) => {
          const doc = Either.getOrThrow(Indicator.jsonSchema(schema, group, stage))
          expect(conforms(doc, record)).toBe(true)
          expect(conforms(doc, { ...record, notAnIndicator: 1 })).toBe(false)
        }
      ),
      { numRuns: 30 }
    )
    const decoder = Either.getOrThrow(Indicator.decoder(core, "basicInfo", "primary"))
    const made = asDoc(JSONSchema.make(decoder, { target: "jsonSchema2020-12" }))
    expect(made.properties?.sex?.enum).toEqual(["0", "1", "2", "9"])
    expect(made.additionalProperties).toBe(false)
  })
})

describe("provincial extensions", () => {
  it("M11.2 every record valid under a random extension, projected onto the core, is valid under the core schema", () => {
    fc.assert(
      fc.property(
        extension()
          .map((ext) => Either.getOrThrow(Indicator.extend(core, ext)))
          .chain((schema) =>
            fc
              .constantFrom(...coveredStages)
              .chain((stage) =>
                fc
                  .constantFrom(...Indicator.groupsFor(core, stage).map((g) => g.key))
                  .chain((group) =>
                    recordUnder(schema, group, stage).map((record) => ({ schema, stage, group, record }))
                  )
              )
          ),
        ({ schema, stage, group, record }) => {
          expect(accepts(schema, group, stage, record)).toBe(true)
          const projected = Indicator.project(core, group, record)
          const result = Indicator.validate(core, group, stage, projected, { today })
          if (Either.isLeft(result)) throw new Error(result.left.message)
        }
      ),
      { numRuns: 60 }
    )
  })

  it("M11.2 the projection property holds for arbitrary perturbed records too", () => {
    const values = fc.constantFrom<unknown>(
      "",
      "1",
      "2",
      "01",
      "156",
      "840",
      "A",
      true,
      false,
      0,
      7,
      "1990-01",
      "2000-01-01",
      "x".repeat(9)
    )
    fc.assert(
      fc.property(
        extension()
          .map((ext) => Either.getOrThrow(Indicator.extend(core, ext)))
          .chain((schema) =>
            fc.constantFrom(...coveredStages).chain((stage) =>
              fc.constantFrom(...Indicator.groupsFor(core, stage).map((g) => g.key)).chain((group) =>
                fc.record({
                  schema: fc.constant(schema),
                  stage: fc.constant(stage),
                  group: fc.constant(group),
                  record: recordUnder(core, group, stage),
                  changes: fc.array(
                    fc.tuple(fc.constantFrom(...Indicator.getGroup(schema, group)!.fields.map((f) => f.key)), values),
                    { maxLength: 3 }
                  )
                })
              )
            )
          ),
        ({ schema, stage, group, record, changes }) => {
          const input = { ...record, ...Object.fromEntries(changes) } as Indicator.IndicatorRecord
          if (accepts(schema, group, stage, input)) {
            expect(accepts(core, group, stage, Indicator.project(core, group, input))).toBe(true)
          }
        }
      ),
      { numRuns: 80 }
    )
  })

  it("M11.2 an extension that removes, renames, retypes or loosens a core indicator is refused", () => {
    fc.assert(
      fc.property(refusedExtension(), (refused) => {
        const result = Indicator.extend(core, refused.extension)
        if (Either.isRight(result)) throw new Error(`accepted ${JSON.stringify(refused)}`)
        const e = result.left
        expect(e.rule).toBe("M11.2")
        expect(e.details.attempted).toBe(refused.attempted)
        if (refused.group !== undefined) expect(e.details.group).toBe(refused.group)
        if (refused.field !== undefined) expect(e.details.field).toBe(`${refused.group}.${refused.field}`)
      }),
      { numRuns: 100 }
    )
  })

  const refuse = (ext: unknown) => {
    const result = Indicator.extend(core, ext as Indicator.Extension)
    if (Either.isRight(result)) throw new Error("accepted")
    return result.left
  }

  it("M11.2 each kind of refusal names the group, the field and what was attempted", () => {
    const collide = refuse({
      province: "42",
      fields: { basicInfo: [{ key: "name", zh: "姓名", type: "integer", min: 0, max: 9 }] }
    })
    expect(collide.details).toMatchObject({ field: "basicInfo.name", attempted: "retype" })
    expect(collide.en).toMatch(/from text to integer/)
    const optional = refuse({ province: "42", tighten: { basicInfo: { sex: { required: false } } } })
    expect(optional.details).toMatchObject({ field: "basicInfo.sex", attempted: "loosen", value: false })
    const longer = refuse({ province: "42", tighten: { contact: { address: { maxLength: 500 } } } })
    expect(longer.details).toMatchObject({ field: "contact.address", attempted: "loosen", value: 500 })
    expect(longer.zh).toMatch(/最大长度为200/)
    const codes = refuse({ province: "42", tighten: { basicInfo: { ethnicity: { allowedCodes: ["01", "99"] } } } })
    expect(codes.details).toMatchObject({ field: "basicInfo.ethnicity", attempted: "loosen", value: ["99"] })
    const retype = refuse({ province: "42", tighten: { basicInfo: { birthDate: { type: "text" } } } })
    expect(retype.details).toMatchObject({ field: "basicInfo.birthDate", attempted: "retype" })
    const rename = refuse({
      province: "42",
      fields: { contact: [{ key: "cellphone", zh: "手机号码", type: "text", maxLength: 11 }] }
    })
    expect(rename.details).toMatchObject({ field: "contact.cellphone", attempted: "rename" })
    const removed = refuse({
      province: "42",
      groups: [{ key: "contact", zh: "联系方式", cardinality: "one", fillers: ["school"], fields: [] }]
    })
    expect(removed.details).toMatchObject({ group: "contact", field: "contact.mobile", attempted: "remove" })
    expect(refuse({ province: "42", tighten: { basicInfo: { idNumber: { pattern: "^1" } } } }).details).toMatchObject({
      attempted: "invalid"
    })
    expect(refuse({ province: "99" }).details).toMatchObject({ attempted: "invalid", value: "99" })
    expect(refuse({ province: "42", tighten: { basicInfo: { nickname: { required: true } } } }).details).toMatchObject({
      field: "basicInfo.nickname",
      attempted: "invalid"
    })
    expect(
      refuse({ province: "42", fields: { contact: [{ key: "constructor", zh: "构造", type: "boolean" }] } }).details
    ).toMatchObject({ attempted: "invalid" })
    expect(
      refuse({ province: "42", codeTables: [{ key: "sex", zh: "性别", codes: [{ code: "M", zh: "男" }] }] }).details
    ).toMatchObject({
      attempted: "redefine"
    })
  })

  it("M11.2 a province's tightening and new fields are enforced under M11.2, the core's under M11.1", () => {
    const hubei = Either.getOrThrow(
      Indicator.extend(core, {
        province: "42",
        groups: [
          {
            key: "ruralService",
            zh: "乡村从教经历",
            cardinality: "many",
            fillers: ["school", "bureau"],
            fields: [
              { key: "school", zh: "乡村学校名称", type: "text", maxLength: 100, required: true },
              { key: "years", zh: "从教年限", type: "integer", min: 0, max: 50 }
            ]
          }
        ],
        fields: { contact: [{ key: "wechat", zh: "微信号", type: "text", maxLength: 30 }] },
        tighten: {
          basicInfo: { staffNumber: { required: true, maxLength: 10, pattern: "^HB[0-9]+$" } },
          contact: { mobile: { required: true } }
        }
      })
    )
    expect(hubei.provinces).toEqual(["42"])
    expect(accepts(hubei, "basicInfo", "primary", { ...basic, staffNumber: "HB001" })).toBe(true)
    const missing = refusal(hubei, "basicInfo", "primary", basic)
    expect([missing.rule, missing.details.field]).toEqual(["M11.2", "staffNumber"])
    const pattern = refusal(hubei, "basicInfo", "primary", { ...basic, staffNumber: "001" })
    expect(pattern.details).toMatchObject({ field: "staffNumber", constraint: "pattern", by: ["42"] })
    expect(pattern.rule).toBe("M11.2")
    expect(refusal(hubei, "basicInfo", "primary", { ...basic, staffNumber: "HB0000000001" }).details).toMatchObject({
      constraint: "maxLength",
      expected: 10
    })
    // Core violations stay M11.1 under the extension.
    expect(refusal(hubei, "basicInfo", "primary", { ...basic, staffNumber: "HB1", sex: "5" }).rule).toBe("M11.1")
    expect(accepts(hubei, "contact", "primary", { mobile: "13800138000", wechat: "wx_1" })).toBe(true)
    expect(refusal(hubei, "contact", "primary", { wechat: "wx_1" }).details).toMatchObject({
      field: "mobile",
      constraint: "required"
    })
    expect(accepts(hubei, "ruralService", "kindergarten", { school: "某村小学", years: 6 })).toBe(true)
    expect(refusal(hubei, "ruralService", "primary", { years: 6 }).rule).toBe("M11.2")
    expect(
      accepts(core, "contact", "primary", Indicator.project(core, "contact", { mobile: "13800138000", wechat: "x" }))
    ).toBe(true)
    // The decoder of the extended schema agrees.
    expect(decodes(hubei, "basicInfo", "primary", basic)).toBe(false)
    expect(decodes(hubei, "basicInfo", "primary", { ...basic, staffNumber: "HB001" })).toBe(true)
    const doc = asDoc(Either.getOrThrow(Indicator.jsonSchema(hubei, "basicInfo", "primary")))
    expect(doc.required).toContain("staffNumber")
    expect(doc.properties?.staffNumber).toMatchObject({ maxLength: 10, allOf: [{ pattern: "^HB[0-9]+$" }] })
    expect(doc.$id).toBe("urn:tmis:indicator:42:basicInfo:primary")
  })

  it("M11.2 a province's group with no field for a stage takes only the empty record, in every form", () => {
    const schema = Either.getOrThrow(
      Indicator.extend(core, {
        province: "42",
        groups: [
          {
            key: "kindergartenOnly",
            zh: "幼儿园专项",
            cardinality: "one",
            fillers: ["school"],
            fields: [{ key: "note", zh: "说明", type: "text", maxLength: 20, stages: ["kindergarten"] }]
          }
        ]
      })
    )
    for (const input of [{}, { note: "x" }, "abc", 1, []]) {
      const valid = accepts(schema, "kindergartenOnly", "primary", input)
      expect(valid).toBe(JSON.stringify(input) === "{}")
      expect(decodes(schema, "kindergartenOnly", "primary", input)).toBe(valid)
    }
    expect(accepts(schema, "kindergartenOnly", "kindergarten", { note: "x" })).toBe(true)
  })

  it("M11.2 extensions stack, and a second one cannot loosen what the first tightened", () => {
    const first = Either.getOrThrow(
      Indicator.extend(core, {
        province: "42",
        tighten: { basicInfo: { nationality: { allowedCodes: ["156", "344"] } } }
      })
    )
    const again = Indicator.extend(first, {
      province: "42",
      tighten: { basicInfo: { nationality: { allowedCodes: ["156", "840"] } } }
    })
    expect(Either.isLeft(again) && again.left.details).toMatchObject({ attempted: "loosen", value: ["840"] })
    const narrower = Either.getOrThrow(
      Indicator.extend(first, { province: "42", tighten: { basicInfo: { nationality: { allowedCodes: ["156"] } } } })
    )
    expect([...Indicator.codesOf(narrower, Indicator.getGroup(narrower, "basicInfo")!.fields[4]!)]).toEqual(["156"])
  })

  it("M11.1 only the configurable code tables can be configured, and the codes the rules need stay", () => {
    const configured = Either.getOrThrow(
      Indicator.make({ codeTables: { employmentForm: [{ code: "01", zh: "人事代理" }] } })
    )
    expect(
      accepts(configured, "basicInfo", "primary", { ...basic, onEstablishment: false, employmentForm: "01" })
    ).toBe(true)
    expect(accepts(configured, "basicInfo", "primary", { ...basic, onEstablishment: false, employmentForm: "1" })).toBe(
      false
    )
    const fixed = Indicator.make({ codeTables: { ethnicity: [{ code: "01", zh: "汉族" }] } })
    expect(Either.isLeft(fixed) && fixed.left.rule).toBe("M11.1")
    const without156 = Indicator.make({ codeTables: { country: [{ code: "840", zh: "美国" }] } })
    expect(Either.isLeft(without156) && without156.left.details).toMatchObject({ table: "country", value: "156" })
    expect(Either.isLeft(Indicator.make({ codeTables: { employmentForm: [] } }))).toBe(true)
  })
})

describe("who fills each group", () => {
  it("M16.1 a teacher can never fill an assessment, pay, ethics or title group", () => {
    expect(Indicator.institutionOnlyGroups).toEqual([
      "postAppointment",
      "titleAppointment",
      "basicPay",
      "annualAssessment",
      "ethics"
    ])
    for (const group of core.groups) {
      for (const filler of ["teacher", "school", "bureau"] as const) {
        const result = Indicator.mayFill(group.key, filler)
        const refused = filler === "teacher" && Indicator.institutionOnlyGroups.includes(group.key)
        expect(Either.isLeft(result)).toBe(refused)
        if (Either.isLeft(result)) {
          expect(result.left.rule).toBe("M16.1")
          expect(result.left.details).toMatchObject({ value: group.key, filler })
        }
      }
    }
    expect(Either.isRight(Indicator.mayFill("basicInfo", "teacher"))).toBe(true)
    expect(Either.isRight(Indicator.mayFill("studyHistory", "teacher"))).toBe(true)
    expect(Either.isLeft(Indicator.mayFill("noSuchGroup", "school"))).toBe(true)
  })

  it("M16.1 no extension changes who fills a core group", () => {
    fc.assert(
      fc.property(extension(), (ext) => {
        const schema = Either.getOrThrow(Indicator.extend(core, ext))
        for (const group of core.groups) {
          expect(Indicator.getGroup(schema, group.key)!.fillers).toEqual(group.fillers)
          expect(Either.isLeft(Indicator.mayFill(group.key, "teacher", schema))).toBe(
            Indicator.institutionOnlyGroups.includes(group.key)
          )
        }
        for (const group of ext.groups ?? []) {
          for (const filler of ["teacher", "school", "bureau"] as const) {
            expect(Either.isRight(Indicator.mayFill(group.key, filler, schema))).toBe(group.fillers.includes(filler))
          }
        }
      }),
      { numRuns: 30 }
    )
  })
})

describe("text fields and names", () => {
  /** The characters no text field takes: controls, bidi overrides and isolates, zero-width ones, lone surrogates. */
  const hostileCharacter = fc.oneof(
    fc.integer({ min: 0x00, max: 0x1f }),
    fc.integer({ min: 0x7f, max: 0x9f }),
    fc.integer({ min: 0x202a, max: 0x202e }),
    fc.integer({ min: 0x2066, max: 0x2069 }),
    fc.constantFrom(0x200b, 0x200c, 0x200d, 0xfeff),
    fc.integer({ min: 0xd800, max: 0xdfff })
  )
  const codePoint = (n: number) => `U+${n.toString(16).toUpperCase().padStart(4, "0")}`
  const issueOf = (e: Refusal.Refusal, field: string) => issues(e).find((i) => i.details.field === field)

  it("M11.1 every string field of every core group refuses a control, bidi, zero-width or lone-surrogate character at any position, naming the field, the code point and the position", () => {
    const cases = coveredStages.flatMap((stage) =>
      Indicator.groupsFor(core, stage).map((group) => ({ stage, group: group.key }))
    )
    fc.assert(
      fc.property(
        fc
          .constantFrom(...cases)
          .chain(({ stage, group }) =>
            fc.tuple(fc.constant(stage), fc.constant(group), recordUnder(core, group, stage, { today }))
          ),
        fc.nat(),
        fc.nat(),
        hostileCharacter,
        ([stage, group, record], pick, at, char) => {
          const keys = Object.keys(record).filter((k) => typeof record[k] === "string")
          fc.pre(keys.length > 0)
          const key = keys[pick % keys.length]!
          const chars = [...(record[key] as string)]
          const position = at % (chars.length + 1)
          const value = [...chars.slice(0, position), String.fromCharCode(char), ...chars.slice(position)].join("")
          const e = refusal(core, group, stage, { ...record, [key]: value })
          const found = issueOf(e, key)
          expect(found?.rule).toBe("M11.1")
          expect(found?.details).toMatchObject({
            constraint: "character",
            codePoint: codePoint(char),
            position: position + 1
          })
          expect(JSON.stringify(found?.details)).not.toContain(JSON.stringify(value).slice(1, -1))
        }
      ),
      { numRuns: 300 }
    )
  })

  it("M11.1 姓名 accepts names of Chinese characters (extension blocks too), with the middle dot of ethnic-minority names, and Latin names with spaces, hyphens and apostrophes", () => {
    const han = fc.string({
      unit: fc.constantFrom(..."王李张阿依古丽买提扎西次仁㐀䶵𠀀𠮷𪚥〇"),
      minLength: 1,
      maxLength: 4
    })
    const chinese = fc.array(han, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("·"))
    const word = fc.string({ unit: fc.constantFrom(..."AaBbJjOoZzéÉüñçłŁ"), minLength: 1, maxLength: 8 })
    const latin = fc
      .tuple(word, fc.array(fc.tuple(fc.constantFrom(" ", "-", "'"), word), { maxLength: 3 }))
      .map(([first, rest]) => first + rest.map(([s, w]) => s + w).join(""))
    fc.assert(
      fc.property(fc.oneof(chinese, latin), (name) => {
        expect(accepts(core, "basicInfo", "primary", { ...basic, name })).toBe(true)
        expect(decodes(core, "basicInfo", "primary", { ...basic, name })).toBe(true)
      }),
      { numRuns: 200 }
    )
    for (const name of ["阿依古丽·买买提", "John O'Brien", "Jean-Luc Picard", "𠮷田", "王〇"]) {
      expect(accepts(core, "basicInfo", "primary", { ...basic, name })).toBe(true)
    }
  })

  const hostileNames: ReadonlyArray<readonly [string, string, string, number]> = [
    ["NUL", "王\u0000芳", "U+0000", 2],
    ["BEL", "王芳\u0007", "U+0007", 3],
    ["U+202E right-to-left override", "\u202E王芳", "U+202E", 1],
    ["zero-width space", "王\u200B芳", "U+200B", 2],
    ["lone surrogate", "王\uD800芳", "U+D800", 2],
    ["fifty emoji", "😀".repeat(50), "U+1F600", 1],
    ["<script>", "<script>alert(1)</script>", "U+003C", 1]
  ]
  for (const [label, name, point, position] of hostileNames) {
    it(`M11.1 姓名 refuses a name with ${label}, naming the field, ${point} and its position`, () => {
      const e = refusal(core, "basicInfo", "primary", { ...basic, name })
      expect(e.rule).toBe("M11.1")
      expect(issueOf(e, "name")?.details).toMatchObject({
        group: "basicInfo",
        field: "name",
        codePoint: point,
        position
      })
      expect(e.en).toContain(point)
      expect(JSON.stringify(e)).not.toContain(JSON.stringify(name).slice(1, -1))
    })
  }

  it("M11.1 姓名 refuses the middle dot's look-alikes, saying to use U+00B7; a dot at an end or doubled is refused", () => {
    for (const dot of ["•", "‧", "・", "･", "∙", "⋅", ".", "．"]) {
      const e = refusal(core, "basicInfo", "primary", { ...basic, name: `阿依古丽${dot}买买提` })
      expect(issueOf(e, "name")?.details).toMatchObject({ field: "name", position: 5 })
      expect(e.en).toContain("U+00B7")
    }
    for (const name of ["·买买提", "买买提·", "阿依古丽··买买提", "John  Smith", "-John", "王 芳", "王John"]) {
      expect(accepts(core, "basicInfo", "primary", { ...basic, name })).toBe(false)
    }
  })

  it("M11.1 a refusal quotes at most 64 characters of a value, with its length, in details and messages", () => {
    const long = "王".repeat(100_000)
    const e = refusal(core, "basicInfo", "primary", { ...basic, name: long, sex: "Z".repeat(100_000) })
    expect(JSON.stringify(e).length).toBeLessThan(4096)
    expect(issueOf(e, "name")?.details.value).toBe(`${"王".repeat(64)}…(100000 characters)`)
    expect(issueOf(e, "sex")?.details.value).toBe(`${"Z".repeat(64)}…(100000 characters)`)
  })
})

describe("M11.2 boundaries: an extension tightens, never loosens", () => {
  const extendCore = (ext: unknown) => Indicator.extend(core, ext as Indicator.Extension)
  const refusedAs = (result: Either.Either<Indicator.IndicatorSchema, Refusal.Refusal>) =>
    Either.isLeft(result)
      ? { rule: result.left.rule, attempted: result.left.details.attempted, field: result.left.details.field }
      : "accepted"
  const fieldsWhere = (p: (f: Indicator.Field) => boolean) =>
    core.groups.flatMap((g) => g.fields.filter(p).map((f) => ({ group: g.key, field: f })))
  const fieldOf = (schema: Indicator.IndicatorSchema, group: string, key: string) =>
    Indicator.getGroup(schema, group)!.fields.find((f) => f.key === key)!
  const tighten = (group: string, key: string, t: Record<string, unknown>) => ({
    province: "42",
    tighten: { [group]: { [key]: t } }
  })
  const limited = fieldsWhere((f) => Indicator.maxLengthOf(f) !== undefined)

  it("M11.2 maxLength one above a core field's limit is refused as loosening; at the limit or one below it is accepted", () => {
    expect(limited.length).toBeGreaterThan(40)
    for (const { group, field } of limited) {
      const limit = Indicator.maxLengthOf(field)!
      const where = `${group}.${field.key}`
      expect([where, refusedAs(extendCore(tighten(group, field.key, { maxLength: limit + 1 })))]).toEqual([
        where,
        { rule: "M11.2", attempted: "loosen", field: where }
      ])
      expect([where, refusedAs(extendCore(tighten(group, field.key, { maxLength: limit })))]).toEqual([
        where,
        "accepted"
      ])
      const shorter = Either.getOrThrow(extendCore(tighten(group, field.key, { maxLength: limit - 1 })))
      expect([where, Indicator.maxLengthOf(fieldOf(shorter, group, field.key))]).toEqual([where, limit - 1])
      // A second extension cannot give back the character the first took.
      const back = Indicator.extend(shorter, tighten(group, field.key, { maxLength: limit }) as Indicator.Extension)
      expect([where, refusedAs(back)]).toEqual([where, { rule: "M11.2", attempted: "loosen", field: where }])
    }
  })

  it("M11.2 a new field redeclaring a core text field one character longer is refused as loosening", () => {
    for (const { group, field } of fieldsWhere((f) => f.type === "text")) {
      const where = `${group}.${field.key}`
      const longer = {
        province: "42",
        fields: {
          [group]: [
            { key: field.key, zh: field.zh, type: "text", maxLength: Indicator.maxLengthOf(field)! + 1, required: true }
          ]
        }
      }
      expect([where, refusedAs(extendCore(longer))]).toEqual([
        where,
        { rule: "M11.2", attempted: "loosen", field: where }
      ])
    }
  })

  it("M11.2 a minLength (any, down to -1), optional or nullable on a core field is refused as loosening", () => {
    for (const { group, field } of limited) {
      const where = `${group}.${field.key}`
      for (const t of [{ minLength: -1 }, { minLength: 0 }, { optional: true }, { nullable: true }]) {
        expect([where, t, refusedAs(extendCore(tighten(group, field.key, t)))]).toEqual([
          where,
          t,
          { rule: "M11.2", attempted: "loosen", field: where }
        ])
      }
    }
  })

  it("M11.2 required → optional is refused for every required core field, and for a field a first extension made required", () => {
    const required = fieldsWhere((f) => f.required)
    expect(required.length).toBeGreaterThan(10)
    for (const { group, field } of required) {
      const where = `${group}.${field.key}`
      expect([where, refusedAs(extendCore(tighten(group, field.key, { required: false })))]).toEqual([
        where,
        { rule: "M11.2", attempted: "loosen", field: where }
      ])
    }
    for (const { group, field } of fieldsWhere((f) => !f.required)) {
      const where = `${group}.${field.key}`
      const first = Either.getOrThrow(extendCore(tighten(group, field.key, { required: true })))
      const back = Indicator.extend(first, tighten(group, field.key, { required: false }) as Indicator.Extension)
      expect([where, refusedAs(back)]).toEqual([where, { rule: "M11.2", attempted: "loosen", field: where }])
    }
  })

  it("M11.2 a core pattern cannot be removed or replaced: removal is refused, a province's pattern only adds to it", () => {
    const patterned = fieldsWhere((f) => f.type === "text" && f.pattern !== undefined)
    expect(patterned.length).toBeGreaterThan(4)
    for (const { group, field } of patterned) {
      const where = `${group}.${field.key}`
      for (const t of [{ removePattern: true }, { dropPattern: true }]) {
        expect([where, refusedAs(extendCore(tighten(group, field.key, t)))]).toEqual([
          where,
          { rule: "M11.2", attempted: "remove", field: where }
        ])
      }
      expect([where, refusedAs(extendCore(tighten(group, field.key, { replacePattern: ".*" })))]).toEqual([
        where,
        { rule: "M11.2", attempted: "redefine", field: where }
      ])
      const anything = Either.getOrThrow(extendCore(tighten(group, field.key, { pattern: "^.*$" })))
      const extended = fieldOf(anything, group, field.key)
      expect([where, extended.type === "text" ? extended.pattern : undefined]).toEqual([
        where,
        field.type === "text" ? field.pattern : "?"
      ])
      expect([where, Indicator.patternsOf(extended)]).toEqual([where, [...Indicator.patternsOf(field), "^.*$"]])
    }
    // And the core pattern is still enforced: 手机号码 with a permissive province pattern.
    const permissive = Either.getOrThrow(extendCore(tighten("contact", "mobile", { pattern: "^.*$" })))
    expect(accepts(permissive, "contact", "primary", { mobile: "13800138000" })).toBe(true)
    const e = refusal(permissive, "contact", "primary", { mobile: "23800138000" })
    expect([e.rule, e.details.field, e.details.constraint]).toEqual(["M11.1", "mobile", "pattern"])
  })

  it("M11.2 an enum widened by one code is refused, for every code field; narrowed and widened back, too", () => {
    const coded = fieldsWhere((f) => f.type === "code")
    expect(coded.length).toBeGreaterThan(20)
    for (const { group, field } of coded) {
      const where = `${group}.${field.key}`
      const codes = [...Indicator.codesOf(core, field)]
      const wider = extendCore(tighten(group, field.key, { allowedCodes: [...codes, "ZZ9"] }))
      expect([where, refusedAs(wider)]).toEqual([where, { rule: "M11.2", attempted: "loosen", field: where }])
      expect(Either.isLeft(wider) && wider.left.details.value).toEqual(["ZZ9"])
      expect([where, refusedAs(extendCore(tighten(group, field.key, { allowedCodes: codes })))]).toEqual([
        where,
        "accepted"
      ])
      if (codes.length < 2) continue
      const narrowed = Either.getOrThrow(extendCore(tighten(group, field.key, { allowedCodes: codes.slice(1) })))
      const back = Indicator.extend(narrowed, tighten(group, field.key, { allowedCodes: codes }) as Indicator.Extension)
      expect([where, refusedAs(back)]).toEqual([where, { rule: "M11.2", attempted: "loosen", field: where }])
      expect(Either.isLeft(back) && back.left.details.value).toEqual([codes[0]])
    }
  })

  it("M11.2 a code table redeclared with one more code, and an integer range widened, are refused", () => {
    for (const table of core.codeTables) {
      const wider = extendCore({
        province: "42",
        codeTables: [
          {
            key: table.key,
            zh: table.zh,
            codes: [...table.codes.map(({ code, zh }) => ({ code, zh })), { code: "ZZ9", zh: "其他" }]
          }
        ]
      })
      expect([table.key, Either.isLeft(wider) && wider.left.rule]).toEqual([table.key, "M11.2"])
      expect([table.key, Either.isLeft(wider) && wider.left.details.attempted]).toEqual([table.key, "redefine"])
    }
    for (const { group, field } of fieldsWhere((f) => f.type === "integer")) {
      if (field.type !== "integer") continue
      const where = `${group}.${field.key}`
      for (const t of [{ max: field.max + 1 }, { min: field.min - 1 }]) {
        const result = extendCore(tighten(group, field.key, t))
        expect([where, t, Either.isLeft(result) && result.left.rule]).toEqual([where, t, "M11.2"])
      }
      const redeclared = extendCore({
        province: "42",
        fields: {
          [group]: [
            { key: field.key, zh: field.zh, type: "integer", min: field.min, max: field.max + 1, required: true }
          ]
        }
      })
      expect([where, Either.isLeft(redeclared) && redeclared.left.rule]).toEqual([where, "M11.2"])
    }
  })
})
