import { Indicator } from "@tmis/core"
import { Columns, type Table } from "@tmis/import"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const schema = Indicator.core

// The required columns of 基本信息 as a school writes them: marks, spaces, bracket widths, aliases, a key.
const schoolHeaders = [
  "*姓名",
  "性别*",
  "国籍（地区）",
  "证件类型",
  "身份证号",
  "出生日期（必填）",
  "民族",
  "政治面貌",
  " 参加 工作年月 ",
  "进本校时间",
  "staffSource",
  "教职工类别",
  "是否在编",
  "签订合同情况",
  "是否全日制师范类专业毕业",
  "是否受过特教专业培养培训",
  "是否有特殊教育从业证书",
  "信息技术应用能力",
  "是否属于免费(公费)师范生",
  "是否参加基层服务项目",
  "是否是特级教师",
  "是否县级及以上骨干教师",
  "是否心理健康教育教师",
  "人员状态"
]
const keys = [
  "name",
  "sex",
  "nationality",
  "idType",
  "idNumber",
  "birthDate",
  "ethnicity",
  "politicalStatus",
  "workStartMonth",
  "schoolEntryMonth",
  "staffSource",
  "staffCategory",
  "onEstablishment",
  "contractStatus",
  "normalMajorGraduate",
  "specialEducationTrained",
  "specialEducationCertificate",
  "itApplicationAbility",
  "publicFundedNormalStudent",
  "grassrootsService",
  "specialGradeTeacher",
  "backboneTeacher",
  "mentalHealthTeacher",
  "personnelStatus"
]

const mapOrThrow = (headers: ReadonlyArray<string>, options?: Parameters<typeof Columns.map>[4]): Columns.Mapping =>
  Either.getOrThrowWith(Columns.map(schema, "basicInfo", "primary", headers, options), (e) => e)

const refusal = (headers: ReadonlyArray<string>, options?: Parameters<typeof Columns.map>[4]): Table.TableError =>
  Either.match(Columns.map(schema, "basicInfo", "primary", headers, options), {
    onLeft: (e) => e,
    onRight: () => {
      throw new Error("expected a refusal")
    }
  })

const field = (group: string, key: string): Indicator.Field =>
  Indicator.getGroup(schema, group)!.fields.find((f) => f.key === key)!

/** A mapping of one column onto a field, as `convert` takes it. */
const single = (header: string, group: string, key: string): Columns.Mapping => ({
  columns: [{ header, index: 0, field: field(group, key) }],
  ignored: []
})

const one = (mapping: Columns.Mapping, cell: string) => Columns.convert(mapping, schema, [cell])

describe("Columns", () => {
  it("M16.2 headers map onto fields by Chinese name, key or alias, whatever the required-marks, spaces and bracket widths", () => {
    const mapping = mapOrThrow(["备注", ...schoolHeaders], { aliases: Columns.defaultAliases, ignoreUnknown: true })
    expect(mapping.columns.map((c) => c.field.key)).toEqual(keys)
    expect(mapping.columns.map((c) => c.index)).toEqual(keys.map((_, i) => i + 1))
    expect(mapping.columns[0]!.header).toBe("*姓名")
    expect(mapping.ignored).toEqual(["备注"])
  })

  it("M16.2 an unknown header is refused naming it and listing the expected headers", () => {
    const e = refusal([...schoolHeaders, "爱好"])
    expect(e.rule).toBe("M16.2")
    expect(e.details).toMatchObject({ reason: "unknownColumns", unknown: ["爱好"] })
    expect(e.zh).toContain("“爱好”")
    expect(e.zh).toContain("曾用名")
    expect(e.en).toContain('"爱好"')
    expect(e.details.expected).toContain("身份证件号")
  })

  it("M16.2 a missing required column is refused naming it; a conditionally required one may be left out", () => {
    const e = refusal(schoolHeaders.filter((h) => h !== "出生日期（必填）"))
    expect(e.details).toMatchObject({ reason: "missingColumns", missing: ["birthDate"] })
    expect(e.zh).toContain("缺少必填列“出生日期”")
    // 民族 and 政治面貌 are required only for Chinese nationals, 用人形式 only off the establishment.
    const conditional = mapOrThrow(schoolHeaders.filter((h) => h !== "民族" && h !== "政治面貌"))
    expect(conditional.columns.map((c) => c.field.key)).not.toContain("ethnicity")
  })

  it("M16.2 two columns onto one field are refused, as is a group the stage does not have", () => {
    const e = refusal([...schoolHeaders, "身份证件号"])
    expect(e.details).toMatchObject({ reason: "duplicateColumns" })
    expect(e.zh).toContain("“身份证号”、“身份证件号”")
    const noGroup = Columns.map(schema, "teaching", "kindergarten", ["学年"])
    expect(Either.isLeft(noGroup) && noGroup.left.details.reason).toBe("unknownGroup")
    // Without aliases, an alias is an unknown header.
    expect(refusal(schoolHeaders, { aliases: {} }).details.unknown).toEqual([
      "国籍（地区）",
      "证件类型",
      "身份证号",
      "进本校时间"
    ])
  })

  it("M16.2 a row converts to the typed record the validator accepts", () => {
    const mapping = mapOrThrow(schoolHeaders)
    const cells = [
      " 张三 ",
      "男",
      "中国",
      "1-居民身份证",
      "11010519491231029x",
      "1949/12/31",
      "1",
      "中共党员",
      "1970.9",
      "197009",
      "11",
      "11 专任教师",
      "是",
      "1",
      "Y",
      "否",
      "N",
      "2",
      "0",
      "0",
      "false",
      "0",
      "FALSE",
      "在本单位任职"
    ]
    const { record, problems } = Columns.convert(mapping, schema, cells)
    expect(problems).toEqual([])
    expect(record).toMatchObject({
      name: "张三",
      sex: "1",
      nationality: "156",
      idType: "1",
      idNumber: "11010519491231029x",
      birthDate: "1949-12-31",
      ethnicity: "01",
      politicalStatus: "01",
      workStartMonth: "1970-09",
      schoolEntryMonth: "1970-09",
      staffCategory: "11",
      onEstablishment: true,
      normalMajorGraduate: true,
      specialEducationTrained: false,
      specialGradeTeacher: false,
      personnelStatus: "11"
    })
    const validated = Indicator.validate(schema, "basicInfo", "primary", record, { today: "2024-01-01" })
    expect(Either.isRight(validated) ? [] : validated.left.details.issues).toEqual([])
  })

  it("M16.2 code cells: the code, code and name, the name, lost leading zeros, lower case; a shared name is refused", () => {
    const sex = single("性别", "basicInfo", "sex")
    for (const cell of ["1", "男", "1 男", "1-男", "1男", "男(1)", "男（1）", "１"])
      expect(one(sex, cell).record).toEqual({ sex: "1" })
    const ethnicity = single("民族", "basicInfo", "ethnicity")
    for (const cell of ["01", "1", "汉族", "01汉族", "01 汉族"])
      expect(one(ethnicity, cell).record).toEqual({ ethnicity: "01" })
    expect(one(single("证件类型", "basicInfo", "idType"), "a").record).toEqual({ idType: "A" })
    expect(one(single("国籍", "basicInfo", "nationality"), "50").record).toEqual({ nationality: "050" })
    const source = one(single("教职工来源", "basicInfo", "staffSource"), "毕业生")
    expect(source.record).toEqual({})
    expect(source.problems[0]!.reason).toContain("11、12、13、14")
    const bad = one(sex, "男性")
    expect(bad.problems).toEqual([
      { column: "性别", value: "男性", reason: expect.stringContaining("不是性别的代码或名称"), rule: "M16.2" }
    ])
    expect(bad.problems[0]!.reason).toContain("neither a code nor a name of the sex table")
  })

  it("M16.2 booleans, dates, year-months and integers in the forms schools type them; empty cells are left out", () => {
    const flag = single("是否在编", "basicInfo", "onEstablishment")
    for (const cell of ["是", "Y", "y", "yes", "1", "true", "TRUE"])
      expect(one(flag, cell).record).toEqual({ onEstablishment: true })
    for (const cell of ["否", "N", "no", "0", "false"])
      expect(one(flag, cell).record).toEqual({ onEstablishment: false })
    const birth = single("出生日期", "basicInfo", "birthDate")
    for (const cell of [
      "1990-03-07",
      "1990/3/7",
      "1990.3.7",
      "19900307",
      "1990年3月7日",
      "1990-03-07 00:00:00",
      "１９９０-３-７"
    ]) {
      expect(one(birth, cell).record).toEqual({ birthDate: "1990-03-07" })
    }
    const month = single("参加工作年月", "basicInfo", "workStartMonth")
    for (const cell of ["2012-09", "2012/9", "2012.9", "201209", "2012年9月", "2012-09-01", "2012/9/30"]) {
      expect(one(month, cell).record).toEqual({ workStartMonth: "2012-09" })
    }
    const lessons = single("平均每周课堂教学课时数", "teaching", "weeklyLessons")
    expect(one(lessons, "12").record).toEqual({ weeklyLessons: 12 })
    expect(one(lessons, "12.0").record).toEqual({ weeklyLessons: 12 })
    expect(one(single("年工资收入（元）", "basicPay", "annualIncome"), "120,000").record).toEqual({
      annualIncome: 120000
    })
    for (const cell of ["", "  ", "\u3000"]) expect(one(birth, cell)).toEqual({ record: {}, problems: [] })
  })

  it("M16.2 cells that cannot be converted are problems naming the column and the value, zh then en; the field is left out", () => {
    const cases: ReadonlyArray<readonly [Columns.Mapping, string, string]> = [
      [single("出生日期", "basicInfo", "birthDate"), "1990-02-30", "日期不存在"],
      [single("出生日期", "basicInfo", "birthDate"), "三月七日", "无法识别的日期"],
      [single("出生日期", "basicInfo", "birthDate"), "1990-3/7", "无法识别的日期"],
      [single("参加工作年月", "basicInfo", "workStartMonth"), "2012-13", "月份应为1至12"],
      [single("参加工作年月", "basicInfo", "workStartMonth"), "九月", "无法识别的年月"],
      [single("是否在编", "basicInfo", "onEstablishment"), "可能", "应填“是”或“否”"],
      [single("平均每周课堂教学课时数", "teaching", "weeklyLessons"), "12.5", "应为整数"]
    ]
    for (const [mapping, cell, zh] of cases) {
      const { record, problems } = one(mapping, cell)
      expect(record).toEqual({})
      expect(problems).toHaveLength(1)
      const problem = problems[0]!
      expect(problem).toMatchObject({ column: mapping.columns[0]!.header, value: cell, rule: "M16.2" })
      expect(problem.reason.startsWith(zh)).toBe(true)
      expect(problem.reason).toMatch(/\([a-z].*\)$/)
    }
    // A row with several problems reports each and keeps the good fields.
    const mapping = mapOrThrow(schoolHeaders)
    const cells = schoolHeaders.map(() => "")
    cells[0] = "张三"
    cells[5] = "昨天"
    cells[12] = "也许"
    const { record, problems } = Columns.convert(mapping, schema, cells)
    expect(record).toEqual({ name: "张三" })
    expect(problems.map((p) => p.column)).toEqual(["出生日期（必填）", "是否在编"])
  })

  it("M16.2 an identity number Excel stored as a number is a problem saying so; a real number ending in 000, or another document's, is not", () => {
    const mapping = mapOrThrow(schoolHeaders)
    const row = (idType: string, idNumber: string) => {
      const cells = schoolHeaders.map(() => "")
      cells[keys.indexOf("idType")] = idType
      cells[keys.indexOf("idNumber")] = idNumber
      return Columns.convert(mapping, schema, cells)
    }
    const excel = [
      ["1", "4.20102E+17"],
      ["1", "420102199003071000"],
      ["A", "4.20102E+17"]
    ] as const
    for (const [idType, idNumber] of excel) {
      const { record, problems } = row(idType, idNumber)
      expect(problems, idNumber).toHaveLength(1)
      expect(problems[0]).toMatchObject({ column: "身份证号", value: idNumber, rule: "M16.2" })
      expect(problems[0]!.reason).toMatch(/^Excel 把身份证.*\(Excel stored the identity number as a number/)
      expect(record.idNumber).toBeUndefined()
    }
    // A real resident identity number ending in 000 (sequence 400, check character 0) is no Excel number.
    for (const [idType, idNumber] of [
      ["1", "420102199003014000"],
      ["A", "420102199003071000"],
      ["1", "E12345678"]
    ] as const) {
      const { record, problems } = row(idType, idNumber)
      expect(problems, idNumber).toEqual([])
      expect(record.idNumber).toBe(idNumber)
    }
  })

  it("M16.2 property: any cell convert accepts for a date field becomes YYYY-MM-DD", () => {
    const birth = single("出生日期", "basicInfo", "birthDate")
    const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`))
    const cell = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom(..."0123456789-/.年月日 T:０１２") }),
      fc
        .tuple(
          digits(4, 4),
          fc.constantFrom("-", "/", ".", "年", ""),
          digits(1, 2),
          fc.constantFrom("-", "/", ".", "月", ""),
          digits(1, 2)
        )
        .map(([y, a, m, b, d]) => `${y}${a}${m}${b}${d}`),
      digits(6, 9)
    )
    let accepted = 0
    fc.assert(
      fc.property(cell, (s) => {
        const { record, problems } = one(birth, s)
        if (record.birthDate === undefined) return
        accepted++
        expect(problems).toEqual([])
        expect(record.birthDate).toMatch(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/)
      }),
      { numRuns: 2000 }
    )
    expect(accepted).toBeGreaterThan(0)
  })
})
