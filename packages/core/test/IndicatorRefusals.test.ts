import { Either, ParseResult, Schema } from "effect"
import { describe, expect, it } from "vitest"
import * as Indicator from "../src/efile/Indicator.js"
import type * as Refusal from "../src/kernel/Refusal.js"
import { basic } from "./fixtures/basicInfo.js"

// What indicator validation (M11.1, M11.2) tells the sender of a refused record: the texts and details of each
// issue. Indicator.test.ts checks which records are refused and which field and code point an issue names; these pin
// what each issue says (issue 17: the kind of a forbidden character, the reasons a name is no name, the refusals
// of a group survived mutation).

const today = "2026-11-28"
const core = Indicator.core

const plain = (e: Refusal.Refusal) => ({ kind: e.kind, rule: e.rule, zh: e.zh, en: e.en, details: e.details })
const issuesOf = (record: unknown, group = "basicInfo", schema = core): ReadonlyArray<ReturnType<typeof plain>> => {
  const result = Indicator.validate(schema, group, "primary", record, { today })
  if (Either.isRight(result)) throw new Error(`accepted ${JSON.stringify(record)}`)
  return (result.left.details.issues as ReadonlyArray<Refusal.Refusal>).map(plain)
}
const nameIssue = (name: string) => issuesOf({ ...basic, name }).find((i) => i.details.field === "name")

describe("Indicator refusals: the characters of text fields", () => {
  // Each kind at the edges of its ranges: C0 and C1 controls and DEL; lone surrogates; the bidi embeddings,
  // overrides and isolates; zero-width characters and the BOM.
  const kinds: ReadonlyArray<readonly [number, string, string]> = [
    [0x01, "控制字符", "a control character"],
    [0x1f, "控制字符", "a control character"],
    [0x7f, "控制字符", "a control character"],
    [0x85, "控制字符", "a control character"],
    [0x9f, "控制字符", "a control character"],
    [0xd800, "孤立的代理项", "a lone surrogate"],
    [0xdfff, "孤立的代理项", "a lone surrogate"],
    [0x202a, "双向文本控制字符", "a bidirectional override or isolate"],
    [0x202e, "双向文本控制字符", "a bidirectional override or isolate"],
    [0x2066, "双向文本控制字符", "a bidirectional override or isolate"],
    [0x2069, "双向文本控制字符", "a bidirectional override or isolate"],
    [0x200b, "零宽字符", "a zero-width character"],
    [0x200d, "零宽字符", "a zero-width character"],
    [0xfeff, "零宽字符", "a zero-width character"]
  ]
  for (const [n, zh, en] of kinds) {
    const point = `U+${n.toString(16).toUpperCase().padStart(4, "0")}`
    it(`M11.1 ${point} in a name is named as ${en}, with its position and the value's length`, () => {
      expect(nameIssue(`王${String.fromCharCode(n)}芳`)).toEqual({
        kind: "invalid",
        rule: "M11.1",
        zh: `基本信息·姓名：第2个字符${point}是${zh}，文本中不允许`,
        en: `basicInfo.name (姓名): character 2 is ${point}, ${en}, which no text field takes`,
        details: {
          group: "basicInfo",
          field: "name",
          value: undefined,
          constraint: "character",
          codePoint: point,
          position: 2,
          length: 3
        }
      })
    })
  }

  it("M11.1 the position and the length of a forbidden character count characters, not UTF-16 units", () => {
    const issue = nameIssue("𠮷𠮷\u200B王")
    expect(issue?.details).toMatchObject({ codePoint: "U+200B", position: 3, length: 4 })
    expect(issue?.en).toBe(
      "basicInfo.name (姓名): character 3 is U+200B, a zero-width character, which no text field takes"
    )
  })
})

describe("Indicator refusals: why a name is no name", () => {
  it("M11.1 a look-alike of the middle dot is named, quoted, and U+00B7 proposed", () => {
    expect(nameIssue("阿依古丽•买买提")).toEqual({
      kind: "invalid",
      rule: "M11.1",
      zh: "基本信息·姓名：第5个字符“•”（U+2022）不是姓名的间隔号，应为“·”（U+00B7）",
      en: 'basicInfo.name (姓名): character 5 "•" (U+2022) is not the middle dot of a name: use "·" (U+00B7)',
      details: {
        group: "basicInfo",
        field: "name",
        value: undefined,
        constraint: "pattern",
        codePoint: "U+2022",
        position: 5
      }
    })
  })

  it("M11.1 a full stop is a look-alike of the middle dot in a Chinese name, not in a Latin one", () => {
    expect(nameIssue("王.芳")?.details).toMatchObject({ codePoint: "U+002E", position: 2 })
    expect(nameIssue("王.芳")?.en).toContain('is not the middle dot of a name: use "·" (U+00B7)')
    // Another look-alike is one in a Latin name too.
    expect(nameIssue("John•Smith")?.details).toMatchObject({ codePoint: "U+2022", position: 5 })
    expect(nameIssue("John•Smith")?.en).toContain('is not the middle dot of a name: use "·" (U+00B7)')
    // In a Latin name a full stop is a character of no name (an initial is written without it).
    expect(nameIssue("John.Smith")).toEqual({
      kind: "invalid",
      rule: "M11.1",
      zh: "基本信息·姓名：第5个字符U+002E不能用于姓名：姓名由汉字（少数民族姓名以“·”分隔）或拉丁字母（可含空格、连字符、撇号）组成",
      en: 'basicInfo.name (姓名): character 5 is U+002E, not a character of a name: Chinese characters (parts joined by "·" U+00B7) or Latin letters (words joined by a space, hyphen or apostrophe)',
      details: {
        group: "basicInfo",
        field: "name",
        value: undefined,
        constraint: "pattern",
        codePoint: "U+002E",
        position: 5
      }
    })
  })

  it("M11.1 a character of no name is named by its code point, at its position", () => {
    expect(nameIssue("王3芳")?.details).toMatchObject({ codePoint: "U+0033", position: 2 })
    expect(nameIssue("Zoë_Li")?.details).toMatchObject({ codePoint: "U+005F", position: 4 })
  })

  it("M11.1 a name of the right characters in the wrong shape is refused for its shape, quoting the value", () => {
    const shape = {
      zh: "基本信息·姓名：姓名应为以单个“·”分隔的汉字，或以单个空格、连字符、撇号分隔的拉丁字母，首尾不能是分隔符",
      en: 'basicInfo.name (姓名): a name is Chinese characters in parts joined by single "·" (U+00B7), or Latin words joined by single spaces, hyphens or apostrophes, with no separator at either end'
    }
    for (const name of ["·买买提", "阿依古丽··买买提", "John  Smith", "-John", "O''Brien", "王 芳", "王John"]) {
      expect(nameIssue(name)).toEqual({
        kind: "invalid",
        rule: "M11.1",
        ...shape,
        details: { group: "basicInfo", field: "name", value: name, constraint: "pattern" }
      })
    }
  })
})

describe("Indicator refusals: the group", () => {
  it("M11.1 M11.2 a group that does not exist is refused under the schema's rule, naming it", () => {
    const refused = Indicator.validator(core, "noSuchGroup", "primary")
    expect(Either.isLeft(refused) && plain(refused.left)).toEqual({
      kind: "invalid",
      rule: "M11.1",
      zh: "没有指标类别noSuchGroup",
      en: 'there is no record group "noSuchGroup"',
      details: { field: "group", value: "noSuchGroup" }
    })
    const provincial = Either.getOrThrow(Indicator.extend(core, { province: "42" } as Indicator.Extension))
    const provincialRefusal = Indicator.validator(provincial, "noSuchGroup", "primary")
    expect(Either.isLeft(provincialRefusal) && provincialRefusal.left.rule).toBe("M11.2")
  })

  it("M11.1 a group outside the stage's e-file is refused, naming the stage", () => {
    const refused = Indicator.validator(core, "teaching", "kindergarten")
    const group = Indicator.getGroup(core, "teaching")!
    expect(Either.isLeft(refused) && plain(refused.left)).toEqual({
      kind: "invalid",
      rule: "M11.1",
      zh: `幼儿园教师的电子档案没有${group.zh}`,
      en: `the e-file of a kindergarten school has no teaching (${group.zh})`,
      details: { field: "group", value: "teaching", stage: "kindergarten" }
    })
  })
})

describe("Indicator refusals: the values", () => {
  const issueOf = (group: string, record: unknown, field: string, schema = core) =>
    issuesOf(record, group, schema).find((i) => i.details.field === field)
  const accepted = (group: string, record: unknown, schema = core) =>
    Either.isRight(Indicator.validate(schema, group, "primary", record, { today }))
  const says = (zh: string, en: string, details: Record<string, unknown>) => ({
    kind: "invalid",
    rule: "M11.1",
    zh,
    en,
    details
  })

  it("M11.1 a text field takes text, not blank, of at most its length in characters", () => {
    expect(issueOf("basicInfo", { ...basic, staffNumber: 5 }, "staffNumber")).toEqual(
      says("基本信息·教职工号：应为文本", "basicInfo.staffNumber (教职工号): must be text", {
        group: "basicInfo",
        field: "staffNumber",
        value: 5,
        constraint: "type"
      })
    )
    expect(issueOf("basicInfo", { ...basic, staffNumber: " \u3000 " }, "staffNumber")).toEqual(
      says(
        "基本信息·教职工号：不能为空白，无内容时不填该项",
        "basicInfo.staffNumber (教职工号): must not be blank (leave it out instead)",
        { group: "basicInfo", field: "staffNumber", value: " \u3000 ", constraint: "type" }
      )
    )
    const long = "1".repeat(31)
    expect(issueOf("basicInfo", { ...basic, staffNumber: long }, "staffNumber")).toEqual(
      says(
        "基本信息·教职工号：最多30个字符，实为31个",
        "basicInfo.staffNumber (教职工号): has at most 30 characters, found 31",
        {
          group: "basicInfo",
          field: "staffNumber",
          value: long,
          constraint: "maxLength",
          expected: 30
        }
      )
    )
    // At the limit, counted in characters: 30 characters outside the BMP are 60 UTF-16 units.
    expect(accepted("basicInfo", { ...basic, staffNumber: "1".repeat(30) })).toBe(true)
    expect(accepted("basicInfo", { ...basic, staffNumber: "𠮷".repeat(30) })).toBe(true)
  })

  it("M11.1 a document number has letters, digits, brackets and hyphens only", () => {
    expect(issueOf("basicInfo", { ...basic, idType: "9", idNumber: "A12#3" }, "idNumber")).toEqual(
      says(
        "基本信息·身份证件号：证件号只能包含字母、数字、括号和连字符",
        "basicInfo.idNumber (身份证件号): a document number has letters, digits, ( ) and - only",
        { group: "basicInfo", field: "idNumber", value: "A12#3", constraint: "pattern" }
      )
    )
    expect(accepted("basicInfo", { ...basic, idType: "9", idNumber: "Ab(12)-3" })).toBe(true)
  })

  it("M11.1 a text field with a pattern is refused with the pattern", () => {
    expect(issueOf("studyHistory", { educationObtained: "11", degreeName: "12" }, "degreeName")).toEqual(
      says(
        "学习经历·学位名称：格式不符合^(1|[2-4][0-9]{2})$",
        "studyHistory.degreeName (学位名称): does not match ^(1|[2-4][0-9]{2})$",
        {
          group: "studyHistory",
          field: "degreeName",
          value: "12",
          constraint: "pattern",
          expected: "^(1|[2-4][0-9]{2})$"
        }
      )
    )
  })

  it("M11.1 a code field takes a code of its table", () => {
    expect(issueOf("basicInfo", { ...basic, sex: "5" }, "sex")).toEqual(
      says('基本信息·性别："5"不是代码表sex中的代码', 'basicInfo.sex (性别): "5" is not a code of table sex', {
        group: "basicInfo",
        field: "sex",
        value: "5",
        constraint: "code",
        table: "sex"
      })
    )
    expect(issueOf("basicInfo", { ...basic, sex: 2 }, "sex")?.en).toBe(
      "basicInfo.sex (性别): 2 is not a code of table sex"
    )
  })

  it("M11.1 a date is a calendar date from 1900, leap years as the Gregorian calendar has them", () => {
    const ethics = (disciplinaryDate: unknown) => ({ year: 2020, disciplinaryDate })
    for (const day of [
      "1900-01-01",
      "2024-02-29",
      "2000-02-29",
      "2023-02-28",
      "2024-04-30",
      "2024-12-31",
      "2024-01-31"
    ]) {
      expect(accepted("ethics", ethics(day)), day).toBe(true)
    }
    for (const day of [
      "1899-12-31",
      "2023-02-29",
      "1900-02-29",
      "2024-02-30",
      "2024-04-31",
      "2024-06-31",
      "2024-09-31",
      "2024-11-31",
      "2024-01-32",
      "2024-13-01",
      "2024-00-10",
      "2024-01-00",
      "2024-1-01",
      " 2024-01-01",
      "2024-01-01 "
    ]) {
      expect(accepted("ethics", ethics(day)), day).toBe(false)
    }
    expect(issueOf("ethics", ethics(20240101), "disciplinaryDate")).toEqual(
      says(
        "师德信息·处分日期：应为1900年以后的日期YYYY-MM-DD",
        "ethics.disciplinaryDate (处分日期): must be a calendar date YYYY-MM-DD from 1900",
        {
          group: "ethics",
          field: "disciplinaryDate",
          value: 20240101,
          constraint: "type"
        }
      )
    )
  })

  it("M11.1 a year-month is from 1900, months 01 to 12", () => {
    const work = (startMonth: unknown) => ({ employer: "某中学", startMonth })
    for (const month of ["1900-01", "2024-12", "2024-10"])
      expect(accepted("workHistory", work(month)), month).toBe(true)
    for (const month of [
      "1899-12",
      "2024-13",
      "2024-00",
      "2024-1",
      "2024-01-01",
      "x2024-01",
      "20242024-01",
      "2024-01x"
    ]) {
      expect(accepted("workHistory", work(month)), month).toBe(false)
    }
    expect(issueOf("workHistory", work(202401), "startMonth")).toEqual(
      says(
        "工作经历·任职开始年月：应为1900年以后的年月YYYY-MM",
        "workHistory.startMonth (任职开始年月): must be a year-month YYYY-MM from 1900",
        {
          group: "workHistory",
          field: "startMonth",
          value: 202401,
          constraint: "type"
        }
      )
    )
  })

  it("M11.1 a yes-or-no field takes true or false", () => {
    expect(issueOf("basicInfo", { ...basic, backboneTeacher: "true" }, "backboneTeacher")).toEqual(
      says(
        "基本信息·是否县级及以上骨干教师：应为是或否（true/false）",
        "basicInfo.backboneTeacher (是否县级及以上骨干教师): must be 是/否 (true or false)",
        {
          group: "basicInfo",
          field: "backboneTeacher",
          value: "true",
          constraint: "type"
        }
      )
    )
  })

  it("M11.1 an integer field takes an integer within its range, both ends included", () => {
    for (const year of [1900, 2100]) expect(accepted("basicPay", { year }), String(year)).toBe(true)
    for (const year of [1899, 2101, 2000.5, "2000"]) expect(accepted("basicPay", { year }), String(year)).toBe(false)
    expect(issueOf("basicPay", { year: 1899 }, "year")).toEqual(
      says("基本待遇·年度：应为1900至2100的整数", "basicPay.year (年度): must be an integer from 1900 to 2100", {
        group: "basicPay",
        field: "year",
        value: 1899,
        constraint: "range",
        expected: [1900, 2100]
      })
    )
  })
})

describe("Indicator refusals: the record", () => {
  it("M11.1 a required field missing, or missing under a condition, is named with the condition", () => {
    const { name: _, ...noName } = basic
    expect(issuesOf(noName)).toEqual([
      {
        kind: "invalid",
        rule: "M11.1",
        zh: "基本信息·姓名：必填",
        en: "basicInfo.name (姓名): is required",
        details: { group: "basicInfo", field: "name", value: undefined, constraint: "required" }
      }
    ])
    // 用人形式 is required when 是否在编 is 否.
    expect(issuesOf({ ...basic, onEstablishment: false })).toEqual([
      {
        kind: "invalid",
        rule: "M11.1",
        zh: "基本信息·用人形式：是否在编为否时必填",
        en: "basicInfo.employmentForm (用人形式): is required when onEstablishment is false",
        details: { group: "basicInfo", field: "employmentForm", value: undefined, constraint: "required" }
      }
    ])
    // 民族 is required when 国籍 is 156 (it is left empty otherwise).
    const { ethnicity: __, ...noEthnicity } = basic
    expect(issuesOf(noEthnicity)).toEqual([
      {
        kind: "invalid",
        rule: "M11.1",
        zh: "基本信息·民族：国籍/地区为156时必填",
        en: "basicInfo.ethnicity (民族): is required when nationality is 156",
        details: { group: "basicInfo", field: "ethnicity", value: undefined, constraint: "required" }
      }
    ])
  })

  it("M11.1 a field left empty under a condition is refused when given", () => {
    const { politicalStatus: _, ...rest } = basic
    expect(issuesOf({ ...rest, nationality: "840", idType: "9", idNumber: "X123" })).toEqual([
      {
        kind: "invalid",
        rule: "M11.1",
        zh: "基本信息·民族：国籍/地区不是156时应为空",
        en: "basicInfo.ethnicity (民族): must be left empty when nationality is not 156",
        details: { group: "basicInfo", field: "ethnicity", value: "01", constraint: "absent" }
      }
    ])
  })

  it("M11.1 an order between two months is checked by month: work begins after the month of birth, joining the school not before", () => {
    // Born 1949-12-31: work beginning in December 1949 is not after the birth month.
    expect(issuesOf({ ...basic, workStartMonth: "1949-12" })).toEqual([
      {
        kind: "invalid",
        rule: "M11.1",
        zh: "基本信息·参加工作年月：参加工作年月应晚于出生日期（出生日期为1949-12-31）",
        en: "basicInfo.workStartMonth (参加工作年月): the month work began is after the birth date (birthDate is 1949-12-31)",
        details: {
          group: "basicInfo",
          field: "workStartMonth",
          value: "1949-12",
          constraint: "workAfterBirth",
          other: { field: "birthDate", value: "1949-12-31" }
        }
      }
    ])
    expect(
      Either.isRight(
        Indicator.validate(
          core,
          "basicInfo",
          "primary",
          { ...basic, workStartMonth: "1950-01", schoolEntryMonth: "1950-01" },
          { today }
        )
      )
    ).toBe(true)
    expect(issuesOf({ ...basic, schoolEntryMonth: "1970-08" }).map((i) => i.details.constraint)).toEqual([
      "schoolEntryNotBeforeWork"
    ])
  })

  it("M11.1 M11.2 a record that is no object, and a field of no group, are refused under the schema's rule", () => {
    expect(issuesOf(["王芳"])).toEqual([
      {
        kind: "invalid",
        rule: "M11.1",
        zh: "基本信息·(record)：记录应为对象",
        en: "basicInfo.(record) ((record)): a record is an object",
        details: { group: "basicInfo", field: "(record)", value: ["王芳"] }
      }
    ])
    expect(issuesOf({ ...basic, nickname: "芳芳" })).toEqual([
      {
        kind: "invalid",
        rule: "M11.1",
        zh: "基本信息·nickname：不是小学教师基本信息的指标",
        en: "basicInfo.nickname (nickname): is not a field of basicInfo for a primary school",
        details: { group: "basicInfo", field: "nickname", value: "芳芳", constraint: "unknown" }
      }
    ])
    const provincial = Either.getOrThrow(Indicator.extend(core, { province: "42" } as Indicator.Extension))
    expect(issuesOf(null, "basicInfo", provincial).map((i) => i.rule)).toEqual(["M11.2"])
    expect(issuesOf({ ...basic, nickname: "芳芳" }, "basicInfo", provincial).map((i) => i.rule)).toEqual(["M11.2"])
  })

  it("M11.1 the refusal of a record is its first issue, saying how many more there are", () => {
    const one = Indicator.validate(core, "basicInfo", "primary", { ...basic, sex: "5" }, { today })
    expect(Either.isLeft(one) && [one.left.zh, one.left.en, one.left.details.stage]).toEqual([
      '基本信息·性别："5"不是代码表sex中的代码',
      'basicInfo.sex (性别): "5" is not a code of table sex',
      "primary"
    ])
    const three = Indicator.validate(
      core,
      "basicInfo",
      "primary",
      { ...basic, sex: "5", backboneTeacher: 1, nickname: "x" },
      { today }
    )
    expect(Either.isLeft(three) && [three.left.zh, three.left.en]).toEqual([
      '基本信息·性别："5"不是代码表sex中的代码（另有2处问题）',
      'basicInfo.sex (性别): "5" is not a code of table sex (and 2 more)'
    ])
  })
})

describe("Indicator refusals: a province's tightening (M11.2)", () => {
  const hubei = Either.getOrThrow(
    Indicator.extend(core, {
      province: "42",
      tighten: {
        basicInfo: { staffNumber: { maxLength: 10, pattern: "^HB[0-9]+$" }, ethnicity: { allowedCodes: ["01", "02"] } }
      }
    } as Indicator.Extension)
  )
  const issueOf = (record: Indicator.IndicatorRecord, field: string) =>
    issuesOf(record, "basicInfo", hubei).find((i) => i.details.field === field)

  it("M11.2 a tightened length, pattern or code list names the province's limit and the province", () => {
    expect(issueOf({ ...basic, staffNumber: "HB000000001" }, "staffNumber")).toEqual({
      kind: "invalid",
      rule: "M11.2",
      zh: "基本信息·教职工号：本省规定最多10个字符，实为11个",
      en: "basicInfo.staffNumber (教职工号): has at most 10 characters in this province, found 11",
      details: {
        group: "basicInfo",
        field: "staffNumber",
        value: "HB000000001",
        constraint: "maxLength",
        by: ["42"],
        expected: 10
      }
    })
    expect(
      Either.isRight(
        Indicator.validate(hubei, "basicInfo", "primary", { ...basic, staffNumber: "HB00000001" }, { today })
      )
    ).toBe(true)
    expect(issueOf({ ...basic, staffNumber: "001" }, "staffNumber")).toEqual({
      kind: "invalid",
      rule: "M11.2",
      zh: "基本信息·教职工号：格式不符合本省规定^HB[0-9]+$",
      en: "basicInfo.staffNumber (教职工号): does not match this province's pattern ^HB[0-9]+$",
      details: {
        group: "basicInfo",
        field: "staffNumber",
        value: "001",
        constraint: "pattern",
        by: ["42"],
        expected: "^HB[0-9]+$"
      }
    })
    expect(issueOf({ ...basic, staffNumber: "HB1", ethnicity: "03" }, "ethnicity")).toEqual({
      kind: "invalid",
      rule: "M11.2",
      zh: "基本信息·民族：代码03不在本省允许的代码中（01、02）",
      en: "basicInfo.ethnicity (民族): code 03 is not among this province's allowed codes (01, 02)",
      details: {
        group: "basicInfo",
        field: "ethnicity",
        value: "03",
        constraint: "allowedCodes",
        by: ["42"],
        expected: ["01", "02"]
      }
    })
  })
})

describe("Indicator refusals: every problem, none consequential", () => {
  const fieldsOf = (record: unknown) => issuesOf(record).map((i) => [i.details.field, i.details.constraint])

  it("M11.1 M17.3 a cross-field rule is skipped when one of its fields is already refused", () => {
    // A refused birth date: neither the order of months nor the identity number is compared with it.
    expect(fieldsOf({ ...basic, birthDate: "1949-13-31", workStartMonth: "1940-01" })).toEqual([["birthDate", "type"]])
    // A refused month work began: neither order rule involving it is checked.
    expect(fieldsOf({ ...basic, workStartMonth: "1970-13", schoolEntryMonth: "1960-01" })).toEqual([
      ["workStartMonth", "type"]
    ])
    // A refused later month.
    expect(fieldsOf({ ...basic, schoolEntryMonth: 1980 })).toEqual([["schoolEntryMonth", "type"]])
    // A refused nationality: whether 民族 and 政治面貌 are left empty is not decided.
    expect(fieldsOf({ ...basic, nationality: "ZZZ" })).toEqual([["nationality", "code"]])
    // A refused 是否在编: whether 用人形式 is required is not decided.
    expect(fieldsOf({ ...basic, onEstablishment: "否" })).toEqual([["onEstablishment", "type"]])
    // A refused 民族 is not also "to be left empty".
    expect(fieldsOf({ ...basic, nationality: "840", idType: "9", ethnicity: 1, politicalStatus: undefined })).toEqual([
      ["ethnicity", "code"],
      ["politicalStatus", "code"]
    ])
    // A refused sex or document type: the identity number is not compared with it.
    expect(fieldsOf({ ...basic, sex: "5" })).toEqual([["sex", "code"]])
    expect(fieldsOf({ ...basic, idType: 1 })).toEqual([["idType", "code"]])
  })

  it("M17.3 an identity number that disagrees with the record is refused on the number, with the part that disagrees", () => {
    // 11010519491231002X is a woman born 1949-12-31.
    const issue = issuesOf({ ...basic, birthDate: "1949-12-30" }).find((i) => i.rule === "M17.3")
    expect(issue?.details).toMatchObject({
      group: "basicInfo",
      field: "idNumber",
      value: "11010519491231002X",
      constraint: "identityMatchesRecord",
      part: "birthDate"
    })
    expect(issue?.en.startsWith("basicInfo.idNumber (身份证件号): ")).toBe(true)
    // Without `today`, no birth date is in the future; with it, one after it is refused (check character by hand:
    // Σ = 123, 123 mod 11 = 2 → X).
    const born2026 = { ...basic, idNumber: "11010520261130001X", birthDate: "2026-11-30", sex: "1" }
    const late = { ...born2026, workStartMonth: "2026-12", schoolEntryMonth: "2026-12" }
    expect(Either.isRight(Indicator.validate(core, "basicInfo", "primary", late))).toBe(true)
    expect(Either.isLeft(Indicator.validate(core, "basicInfo", "primary", late, { today }))).toBe(true)
  })

  it("M11.1 the effect Schema's messages are the validator's: a missing field and a bad value", () => {
    const decoder = Either.getOrThrow(Indicator.decoder(core, "basicInfo", "primary", { today }))
    const { name: _, ...noName } = basic
    const missing = Schema.decodeUnknownEither(decoder)(noName)
    expect(Either.isLeft(missing) && missing.left.message).toContain(
      "M11.1: basicInfo.name (姓名): is required (基本信息·姓名：必填)"
    )
    const bad = Schema.decodeUnknownEither(decoder)({ ...basic, backboneTeacher: "yes" })
    expect(Either.isLeft(bad) && bad.left.message).toContain(
      "M11.1: basicInfo.backboneTeacher (是否县级及以上骨干教师): must be 是/否 (true or false)"
    )
    const order = Schema.decodeUnknownEither(decoder)({ ...basic, schoolEntryMonth: "1970-08" })
    expect(Either.isLeft(order) && order.left.message).toContain(
      "M11.1: basicInfo.schoolEntryMonth (进本校年月): the month of joining this school is not before the month work began"
    )
  })
})

describe("Indicator refusals: values of another type, orders of days, the effect Schema", () => {
  const accepted = (group: string, record: unknown, schema = core) =>
    Either.isRight(Indicator.validate(schema, group, "primary", record, { today }))
  // Compiled in each test, so that each test covers the compilation (per-test coverage of the mutation run).
  const decoded = (record: unknown) =>
    Schema.decodeUnknownEither(Either.getOrThrow(Indicator.decoder(core, "basicInfo", "primary", { today })))(record)

  it("M11.1 a list is no text, date or month, even when its one element would be", () => {
    expect(issuesOf({ ...basic, staffNumber: ["\u0007"] }).map((i) => [i.details.field, i.details.constraint])).toEqual(
      [["staffNumber", "type"]]
    )
    expect(accepted("ethics", { year: 2020, disciplinaryDate: ["2024-01-01"] })).toBe(false)
    expect(accepted("workHistory", { employer: "某中学", startMonth: ["2024-01"] })).toBe(false)
  })

  it("M11.1 an order between two days is checked by day: a training ends no earlier than it starts", () => {
    const training = (startDate: string, endDate: string) => ({
      year: 2024,
      programName: "国培计划",
      startDate,
      endDate
    })
    expect(accepted("domesticTraining", training("2024-05-01", "2024-05-10"))).toBe(true)
    expect(accepted("domesticTraining", training("2024-05-10", "2024-05-10"))).toBe(true)
    expect(issuesOf(training("2024-05-10", "2024-05-01"), "domesticTraining").map((i) => i.details.constraint)).toEqual(
      ["endDateNotBeforeStartDate"]
    )
  })

  it("M11.1 the effect Schema refuses a field given as undefined, as the validator does", () => {
    expect(accepted("basicInfo", { ...basic, staffNumber: undefined })).toBe(false)
    expect(Either.isLeft(decoded({ ...basic, staffNumber: undefined }))).toBe(true)
  })

  it("M11.1 the effect Schema reports every bad field, not only the first", () => {
    const both = decoded({ ...basic, backboneTeacher: "yes", staffNumber: 5 })
    expect(Either.isLeft(both) && both.left.message).toContain("basicInfo.backboneTeacher")
    expect(Either.isLeft(both) && both.left.message).toContain("basicInfo.staffNumber")
  })

  it("M11.1 an issue of the effect Schema's cross-field check is on the path of the later field", () => {
    const order = decoded({ ...basic, schoolEntryMonth: "1970-08" })
    expect(Either.isLeft(order) && ParseResult.ArrayFormatter.formatErrorSync(order.left).map((i) => i.path)).toEqual([
      ["schoolEntryMonth"]
    ])
  })

  it("M11.2 a province's pattern is a Unicode pattern, as the core's are", () => {
    const hubei = Either.getOrThrow(
      Indicator.extend(core, {
        province: "42",
        tighten: { basicInfo: { nativePlace: { pattern: "^\\p{Script=Han}{2,10}$" } } }
      } as Indicator.Extension)
    )
    expect(accepted("basicInfo", { ...basic, nativePlace: "湖北武汉" }, hubei)).toBe(true)
    expect(accepted("basicInfo", { ...basic, nativePlace: "𠮷田" }, hubei)).toBe(true)
    expect(accepted("basicInfo", { ...basic, nativePlace: "Wuhan" }, hubei)).toBe(false)
  })

  it("M11.2 a province's group outside a stage's e-file is refused under M11.2", () => {
    const hubei = Either.getOrThrow(
      Indicator.extend(core, {
        province: "42",
        groups: [
          {
            key: "kindergartenDuty",
            zh: "保教岗位",
            cardinality: "many",
            fillers: ["school"],
            stages: ["kindergarten"],
            fields: [{ key: "duty", zh: "岗位", type: "text", maxLength: 20 }]
          }
        ]
      } as Indicator.Extension)
    )
    const refused = Indicator.validator(hubei, "kindergartenDuty", "primary")
    expect(Either.isLeft(refused) && [refused.left.rule, refused.left.zh]).toEqual([
      "M11.2",
      "小学教师的电子档案没有保教岗位"
    ])
    expect(Either.isRight(Indicator.validator(hubei, "kindergartenDuty", "kindergarten"))).toBe(true)
  })
})
