/**
 * The national core indicators (信息采集指标) of the teacher e-file as data: the code tables and the 17 record groups.
 * `indicator/Core.ts` turns them into the core schema. Sources: shared/spec/domain-facts.md; what it does not give
 * is marked `confirmed: false` (a field) or kept in a configurable table with documented defaults (codes).
 */

import { Stage } from "../../codes/SchoolType.js"
import { namePattern } from "../indicator/internal/text.js"
import type { Code, CodeTable, Condition, CrossRule, Field, Filler, Group } from "../indicator/Model.js"

// ── Code tables ──────────────────────────────────────────────────────────────────────────────────────────────────

const codes = (rows: ReadonlyArray<readonly [string, string]>, confirmed = true): ReadonlyArray<Code> =>
  rows.map(([code, zh]) => ({ code, zh, confirmed }))

const table = (
  key: string,
  zh: string,
  rows: ReadonlyArray<Code>,
  options: { standard?: string; confirmed: boolean; complete: boolean; configurable: boolean; note?: string }
): CodeTable => ({ key, zh, codes: rows, origin: "core", ...options })

// A national standard shipped in full: fixed, not configurable.
const national = { confirmed: true, complete: true, configurable: false } as const
// Codes seen only in deployed systems: configuration with these defaults.
const unconfirmed = { confirmed: false, complete: true, configurable: true } as const

const ethnicities: ReadonlyArray<readonly [string, string]> = [
  ["01", "汉族"],
  ["02", "蒙古族"],
  ["03", "回族"],
  ["04", "藏族"],
  ["05", "维吾尔族"],
  ["06", "苗族"],
  ["07", "彝族"],
  ["08", "壮族"],
  ["09", "布依族"],
  ["10", "朝鲜族"],
  ["11", "满族"],
  ["12", "侗族"],
  ["13", "瑶族"],
  ["14", "白族"],
  ["15", "土家族"],
  ["16", "哈尼族"],
  ["17", "哈萨克族"],
  ["18", "傣族"],
  ["19", "黎族"],
  ["20", "傈僳族"],
  ["21", "佤族"],
  ["22", "畲族"],
  ["23", "高山族"],
  ["24", "拉祜族"],
  ["25", "水族"],
  ["26", "东乡族"],
  ["27", "纳西族"],
  ["28", "景颇族"],
  ["29", "柯尔克孜族"],
  ["30", "土族"],
  ["31", "达斡尔族"],
  ["32", "仫佬族"],
  ["33", "羌族"],
  ["34", "布朗族"],
  ["35", "撒拉族"],
  ["36", "毛南族"],
  ["37", "仡佬族"],
  ["38", "锡伯族"],
  ["39", "阿昌族"],
  ["40", "普米族"],
  ["41", "塔吉克族"],
  ["42", "怒族"],
  ["43", "乌孜别克族"],
  ["44", "俄罗斯族"],
  ["45", "鄂温克族"],
  ["46", "德昂族"],
  ["47", "保安族"],
  ["48", "裕固族"],
  ["49", "京族"],
  ["50", "塔塔尔族"],
  ["51", "独龙族"],
  ["52", "鄂伦春族"],
  ["53", "赫哲族"],
  ["54", "门巴族"],
  ["55", "珞巴族"],
  ["56", "基诺族"],
  ["97", "其他"],
  ["98", "外国血统中国籍人士"]
]

// ISO 3166-1 numeric codes (GB/T 2659 uses them). Only a representative subset is shipped: a deployment configures
// the full table; the codes below are the standard's.
const countries: ReadonlyArray<readonly [string, string]> = [
  ["156", "中国"],
  ["344", "中国香港"],
  ["446", "中国澳门"],
  ["158", "中国台湾"],
  ["392", "日本"],
  ["410", "韩国"],
  ["408", "朝鲜"],
  ["496", "蒙古"],
  ["704", "越南"],
  ["418", "老挝"],
  ["116", "柬埔寨"],
  ["104", "缅甸"],
  ["764", "泰国"],
  ["458", "马来西亚"],
  ["702", "新加坡"],
  ["360", "印度尼西亚"],
  ["608", "菲律宾"],
  ["356", "印度"],
  ["586", "巴基斯坦"],
  ["050", "孟加拉国"],
  ["524", "尼泊尔"],
  ["144", "斯里兰卡"],
  ["398", "哈萨克斯坦"],
  ["364", "伊朗"],
  ["682", "沙特阿拉伯"],
  ["784", "阿拉伯联合酋长国"],
  ["376", "以色列"],
  ["792", "土耳其"],
  ["643", "俄罗斯"],
  ["804", "乌克兰"],
  ["616", "波兰"],
  ["276", "德国"],
  ["250", "法国"],
  ["826", "英国"],
  ["372", "爱尔兰"],
  ["528", "荷兰"],
  ["056", "比利时"],
  ["756", "瑞士"],
  ["040", "奥地利"],
  ["380", "意大利"],
  ["724", "西班牙"],
  ["620", "葡萄牙"],
  ["300", "希腊"],
  ["752", "瑞典"],
  ["578", "挪威"],
  ["208", "丹麦"],
  ["246", "芬兰"],
  ["840", "美国"],
  ["124", "加拿大"],
  ["484", "墨西哥"],
  ["076", "巴西"],
  ["032", "阿根廷"],
  ["152", "智利"],
  ["604", "秘鲁"],
  ["170", "哥伦比亚"],
  ["036", "澳大利亚"],
  ["554", "新西兰"],
  ["818", "埃及"],
  ["566", "尼日利亚"],
  ["404", "肯尼亚"],
  ["710", "南非"]
]

/**
 * The core code tables. National standards shipped in full are fixed; the others are configuration (`make`).
 */
export const codeTables: ReadonlyArray<CodeTable> = [
  table(
    "sex",
    "性别",
    codes([
      ["0", "未知的性别"],
      ["1", "男"],
      ["2", "女"],
      ["9", "未说明的性别"]
    ]),
    { standard: "GB/T 2261.1-2003", ...national }
  ),
  table("ethnicity", "民族", codes(ethnicities), { standard: "GB 3304-1991", ...national }),
  table(
    "politicalStatus",
    "政治面貌",
    codes([
      ["01", "中共党员"],
      ["02", "中共预备党员"],
      ["03", "共青团员"],
      ["04", "民革会员"],
      ["05", "民盟盟员"],
      ["06", "民建会员"],
      ["07", "民进会员"],
      ["08", "农工党党员"],
      ["09", "致公党党员"],
      ["10", "九三学社社员"],
      ["11", "台盟盟员"],
      ["12", "无党派民主人士"],
      ["13", "群众"]
    ]),
    { standard: "GB/T 4762-1984", ...national }
  ),
  table(
    "education",
    "学历",
    codes([
      ["11", "博士研究生毕业"],
      ["12", "博士研究生结业"],
      ["13", "博士研究生肄业"],
      ["14", "硕士研究生毕业"],
      ["15", "硕士研究生结业"],
      ["16", "硕士研究生肄业"],
      ["17", "研究生班毕业"],
      ["18", "研究生班结业"],
      ["19", "研究生班肄业"],
      ["21", "大学本科毕业"],
      ["22", "大学本科结业"],
      ["23", "大学本科肄业"],
      ["28", "大学普通班毕业"],
      ["31", "大学专科毕业"],
      ["32", "大学专科结业"],
      ["33", "大学专科肄业"],
      ["41", "中等专科毕业"],
      ["42", "中等专科结业"],
      ["43", "中等专科肄业"],
      ["44", "职业高中毕业"],
      ["45", "职业高中结业"],
      ["46", "职业高中肄业"],
      ["47", "技工学校毕业"],
      ["48", "技工学校结业"],
      ["49", "技工学校肄业"],
      ["61", "普通高中毕业"],
      ["62", "普通高中结业"],
      ["63", "普通高中肄业"],
      ["71", "初中毕业"],
      ["73", "初中肄业"],
      ["81", "小学毕业"],
      ["83", "小学肄业"],
      ["90", "其他"]
    ]),
    { standard: "GB/T 4658-2006", ...national }
  ),
  table(
    "maritalStatus",
    "婚姻状况",
    codes([
      ["10", "未婚"],
      ["20", "已婚"],
      ["21", "初婚"],
      ["22", "再婚"],
      ["23", "复婚"],
      ["30", "丧偶"],
      ["40", "离婚"],
      ["90", "未说明的婚姻状况"]
    ]),
    { standard: "GB/T 2261.2-2003", ...national }
  ),
  table("country", "国籍/地区", codes(countries), {
    standard: "GB/T 2659 (ISO 3166-1 numeric)",
    confirmed: true,
    complete: false,
    configurable: true,
    note: "a representative subset; configure the full table of GB/T 2659 for production"
  }),
  table(
    "idType",
    "身份证件类型",
    codes([
      ["1", "居民身份证"],
      ["2", "军官证"],
      ["3", "士兵证"],
      ["4", "文职干部证"],
      ["5", "部队离退休证"],
      ["6", "香港特区护照/身份证明"],
      ["7", "澳门特区护照/身份证明"],
      ["8", "台湾居民来往大陆通行证"],
      ["9", "境外永久居住证"],
      ["A", "护照"],
      ["B", "户口簿"],
      ["Z", "其他"]
    ]),
    { standard: "JY/T 1001", ...national }
  ),
  table(
    "postCategory",
    "岗位类别",
    codes([
      ["1", "教师岗位"],
      ["2", "其他专业技术岗位"],
      ["3", "管理岗位"],
      ["4", "工勤技能岗位"]
    ]),
    national
  ),
  table(
    "staffCategory",
    "教职工类别",
    codes([
      ["11", "专任教师"],
      ["12", "教辅"],
      ["13", "行政"],
      ["14", "工勤"],
      ["19", "其他"],
      ["30", "校办企业"],
      ["40", "其他附设机构"],
      ["55", "代课教师"],
      ["56", "兼任教师"]
    ]),
    national
  ),
  table(
    "staffSource",
    "教职工来源",
    [
      // domain-facts gives 11–14 only as "毕业生"; how they split graduates is unconfirmed.
      ...codes(
        [
          ["11", "毕业生"],
          ["12", "毕业生"],
          ["13", "毕业生"],
          ["14", "毕业生"]
        ],
        false
      ),
      ...codes([
        ["21", "军队转业"],
        ["22", "复员"],
        ["31", "系统内调入"],
        ["32", "系统外调入"],
        ["40", "回国定居"],
        ["99", "其他"]
      ])
    ],
    national
  ),
  table(
    "stageTaught",
    "任课学段",
    codes([
      ["1", "学前"],
      ["2", "小学"],
      ["3", "普通初中"],
      ["4", "普通高中"],
      ["5", "职业初中"],
      ["6", "职业高中"],
      ["7", "成人中专"],
      ["8", "成人中学"],
      ["A", "特教"],
      ["Z", "其他"]
    ]),
    national
  ),
  table(
    "subject",
    "任教学科",
    codes([
      ["13", "语文"],
      ["14", "数学"],
      ["16", "物理"],
      ["17", "化学"],
      ["18", "生物"],
      ["20", "地理"],
      ["21", "历史"],
      ["22", "体育与健康"],
      ["24", "音乐"],
      ["25", "美术"],
      ["41", "英语"],
      ["61", "信息技术"]
    ]),
    {
      confirmed: true,
      complete: false,
      configurable: true,
      note: "the codes domain-facts gives; configure the full table"
    }
  ),
  // The names are confirmed (domain-facts); the codes are tmis's defaults.
  table(
    "assessmentResult",
    "年度考核结果",
    codes(
      [
        ["1", "优秀"],
        ["2", "合格"],
        ["3", "基本合格"],
        ["4", "不合格"]
      ],
      false
    ),
    unconfirmed
  ),
  table(
    "personnelStatus",
    "人员状态",
    codes(
      [
        ["11", "在本单位任职"],
        ["21", "暂未在本单位任职（借出）"],
        ["22", "暂未在本单位任职（长病假）"],
        ["23", "暂未在本单位任职（进修）"],
        ["30", "离职"],
        ["40", "退休"],
        ["50", "死亡"],
        ["60", "调出"]
      ],
      false
    ),
    unconfirmed
  ),
  table(
    "employmentForm",
    "用人形式",
    codes(
      [
        ["1", "合同制"],
        ["2", "人事代理"],
        ["3", "劳务派遣"],
        ["9", "其他"]
      ],
      false
    ),
    unconfirmed
  ),
  table(
    "contractStatus",
    "签订合同情况",
    codes(
      [
        ["1", "聘用合同"],
        ["2", "劳动合同"],
        ["3", "其他合同"],
        ["4", "未签合同"]
      ],
      false
    ),
    unconfirmed
  ),
  table(
    "itApplicationAbility",
    "信息技术应用能力",
    codes(
      [
        ["1", "精通"],
        ["2", "熟练"],
        ["3", "良好"],
        ["4", "一般"],
        ["5", "较弱"]
      ],
      false
    ),
    unconfirmed
  ),
  table(
    "publicFundedNormalStudent",
    "免费（公费）师范生",
    codes(
      [
        ["0", "否"],
        ["1", "是（部属公费师范生）"],
        ["2", "是（地方公费师范生）"]
      ],
      false
    ),
    unconfirmed
  ),
  table(
    "grassrootsService",
    "基层服务项目",
    codes(
      [
        ["0", "否"],
        ["1", "特岗教师"],
        ["2", "大学生村官"],
        ["3", "三支一扶"],
        ["4", "大学生志愿服务西部计划"],
        ["9", "其他"]
      ],
      false
    ),
    unconfirmed
  ),
  table(
    "healthStatus",
    "健康状况",
    codes(
      [
        ["1", "健康或良好"],
        ["2", "一般或较弱"],
        ["3", "有慢性病"],
        ["6", "残疾"]
      ],
      false
    ),
    { standard: "GB/T 2261.3-2003", ...unconfirmed }
  ),
  table(
    "enterpriseWorkDuration",
    "企业工作（实践）时长",
    codes(
      [
        ["0", "无"],
        ["1", "1年以下"],
        ["2", "1年（含）至2年"],
        ["3", "2年（含）至3年"],
        ["4", "3年及以上"]
      ],
      false
    ),
    unconfirmed
  ),
  table(
    "studyMode",
    "学习方式",
    codes(
      [
        ["1", "全日制"],
        ["2", "非全日制"]
      ],
      false
    ),
    unconfirmed
  ),
  // The first digit of a GB/T 6864 degree code gives its level.
  table(
    "degreeLevel",
    "学位层次",
    codes(
      [
        ["1", "名誉博士"],
        ["2", "博士"],
        ["3", "硕士"],
        ["4", "学士"]
      ],
      false
    ),
    { standard: "GB/T 6864-2003 (first digit)", ...unconfirmed }
  ),
  table(
    "qualificationType",
    "教师资格种类",
    codes(
      [
        ["1", "幼儿园教师资格"],
        ["2", "小学教师资格"],
        ["3", "初级中学教师资格"],
        ["4", "高级中学教师资格"],
        ["5", "中等职业学校教师资格"],
        ["6", "中等职业学校实习指导教师资格"],
        ["7", "高等学校教师资格"]
      ],
      false
    ),
    unconfirmed
  ),
  table(
    "term",
    "学期",
    codes(
      [
        ["1", "秋季学期"],
        ["2", "春季学期"]
      ],
      false
    ),
    unconfirmed
  )
]

// ── Fields ───────────────────────────────────────────────────────────────────────────────────────────────────────

interface Options {
  readonly required?: boolean
  readonly stages?: ReadonlyArray<Stage>
  readonly requiredOnlyWhen?: Condition
  readonly absentWhen?: Condition
  readonly confirmed?: boolean
  readonly note?: string
}

const base = (key: string, zh: string, o: Options) => ({
  key,
  zh,
  required: o.required ?? false,
  confirmed: o.confirmed ?? false,
  origin: "core" as const,
  ...(o.stages === undefined ? {} : { stages: o.stages }),
  ...(o.requiredOnlyWhen === undefined ? {} : { requiredOnlyWhen: o.requiredOnlyWhen }),
  ...(o.absentWhen === undefined ? {} : { absentWhen: o.absentWhen }),
  ...(o.note === undefined ? {} : { note: o.note })
})

const text = (key: string, zh: string, maxLength: number, o: Options & { readonly pattern?: string } = {}): Field => ({
  ...base(key, zh, o),
  type: "text",
  maxLength,
  ...(o.pattern === undefined ? {} : { pattern: o.pattern })
})
const code = (key: string, zh: string, tableKey: string, o: Options = {}): Field => ({
  ...base(key, zh, o),
  type: "code",
  table: tableKey
})
const date = (key: string, zh: string, o: Options = {}): Field => ({ ...base(key, zh, o), type: "date" })
const yearMonth = (key: string, zh: string, o: Options = {}): Field => ({ ...base(key, zh, o), type: "yearMonth" })
const boolean = (key: string, zh: string, o: Options = {}): Field => ({ ...base(key, zh, o), type: "boolean" })
const integer = (key: string, zh: string, min: number, max: number, o: Options = {}): Field => ({
  ...base(key, zh, o),
  type: "integer",
  min,
  max
})
const year = (key: string, zh: string, o: Options = {}): Field => integer(key, zh, 1900, 2100, o)
const amount = (key: string, zh: string, o: Options = {}): Field => integer(key, zh, 0, 100_000_000, o)

// Required (*) in domain-facts' list of 基本信息.
const nationalRequired = { required: true, confirmed: true } as const
const nationalOptional = { confirmed: true } as const

const notChinese: Condition = { field: "nationality", notEquals: "156" }

const order = (id: string, earlier: string, later: string, strict: boolean, zh: string, en: string): CrossRule => ({
  type: "order",
  id,
  earlier,
  later,
  strict,
  zh,
  en
})

/** Start before (or in the month of) end: logically necessary, not taken from a deployed system. */
const startEnd = (start: string, end: string): CrossRule =>
  order(
    `${end}NotBefore${start[0]!.toUpperCase()}${start.slice(1)}`,
    start,
    end,
    false,
    "结束不早于开始",
    "ends no earlier than it starts"
  )

// ── Stages ───────────────────────────────────────────────────────────────────────────────────────────────────────

/** 中小学校, as SchoolType counts them (adult primary/secondary and reform schools included). */
export const primarySecondaryStages: ReadonlyArray<Stage> = [
  "primary",
  "juniorSecondary",
  "seniorSecondary",
  "adult",
  "reform"
]

/** Every stage but kindergarten: kindergartens have no 教育教学 (10). */
export const notKindergarten: ReadonlyArray<Stage> = Stage.literals.filter((stage) => stage !== "kindergarten")

const all: ReadonlyArray<Filler> = ["teacher", "school", "bureau"]
// M16.1: assessment, pay, ethics and titles (and post appointments) are filled by the school or a bureau.
const institutional: ReadonlyArray<Filler> = ["school", "bureau"]

const group = (
  number: number,
  key: string,
  zh: string,
  cardinality: "one" | "many",
  fillers: ReadonlyArray<Filler>,
  fields: ReadonlyArray<Field>,
  rules: ReadonlyArray<CrossRule> = [],
  stages?: ReadonlyArray<Stage>
): Group => ({
  number,
  key,
  zh,
  cardinality,
  fillers,
  fields,
  rules,
  origin: "core",
  ...(stages === undefined ? {} : { stages })
})

// ── The 17 groups ────────────────────────────────────────────────────────────────────────────────────────────────

const basicInfo = group(
  1,
  "basicInfo",
  "基本信息",
  "one",
  all,
  [
    // Names as identity documents write them (M11.1): see Text.namePattern; 50 characters, docs/indicators.md.
    text("name", "姓名", 50, { ...nationalRequired, pattern: namePattern }),
    text("formerName", "曾用名", 50, { ...nationalOptional, pattern: namePattern }),
    code("sex", "性别", "sex", nationalRequired),
    text("staffNumber", "教职工号", 30, nationalOptional),
    code("nationality", "国籍/地区", "country", nationalRequired),
    code("idType", "身份证件类型", "idType", nationalRequired),
    {
      ...base("idNumber", "身份证件号", {
        ...nationalRequired,
        note: "type 1 is checked as a resident identity number (GB 11643) against 出生日期 and 性别"
      }),
      type: "identityNumber",
      maxLength: 30
    },
    date("birthDate", "出生日期", nationalRequired),
    text("nativePlace", "籍贯", 50, nationalOptional),
    text("birthPlace", "出生地", 50, nationalOptional),
    code("ethnicity", "民族", "ethnicity", { ...nationalRequired, absentWhen: notChinese }),
    code("politicalStatus", "政治面貌", "politicalStatus", { ...nationalRequired, absentWhen: notChinese }),
    code("maritalStatus", "婚姻状况", "maritalStatus", nationalOptional),
    code("healthStatus", "健康状况", "healthStatus", nationalOptional),
    yearMonth("workStartMonth", "参加工作年月", nationalRequired),
    yearMonth("schoolEntryMonth", "进本校年月", nationalRequired),
    code("staffSource", "教职工来源", "staffSource", nationalRequired),
    code("staffCategory", "教职工类别", "staffCategory", nationalRequired),
    boolean("onEstablishment", "是否在编", nationalRequired),
    code("employmentForm", "用人形式", "employmentForm", {
      ...nationalRequired,
      requiredOnlyWhen: { field: "onEstablishment", equals: false }
    }),
    code("contractStatus", "签订合同情况", "contractStatus", nationalRequired),
    boolean("normalMajorGraduate", "是否全日制师范类专业毕业", nationalRequired),
    boolean("specialEducationTrained", "是否受过特教专业培养培训", nationalRequired),
    boolean("specialEducationCertificate", "是否有特殊教育从业证书", nationalRequired),
    code("itApplicationAbility", "信息技术应用能力", "itApplicationAbility", nationalRequired),
    code("publicFundedNormalStudent", "是否属于免费（公费）师范生", "publicFundedNormalStudent", nationalRequired),
    code("grassrootsService", "是否参加基层服务项目", "grassrootsService", nationalRequired),
    boolean("specialGradeTeacher", "是否是特级教师", nationalRequired),
    boolean("backboneTeacher", "是否县级及以上骨干教师", nationalRequired),
    boolean("mentalHealthTeacher", "是否心理健康教育教师", nationalRequired),
    code("personnelStatus", "人员状态", "personnelStatus", nationalRequired),
    // Variants. domain-facts does not mark them required: the core leaves them optional, a province may tighten.
    boolean("dualQualified", '是否"双师型"教师', { ...nationalOptional, stages: ["secondaryVocational"] }),
    boolean("vocationalSkillCertificate", "是否具备职业技能等级证书", {
      ...nationalOptional,
      stages: ["secondaryVocational"]
    }),
    code("enterpriseWorkDuration", "企业工作（实践）时长", "enterpriseWorkDuration", {
      ...nationalOptional,
      stages: ["secondaryVocational"]
    }),
    yearMonth("specialEducationStartMonth", "从事特教起始年月", {
      ...nationalOptional,
      stages: ["specialEducation"]
    }),
    boolean("preschoolMajorGraduate", "是否全日制学前教育专业毕业", {
      ...nationalOptional,
      stages: ["kindergarten"]
    })
  ],
  [
    {
      type: "identity",
      id: "identityMatchesRecord",
      documentType: "idType",
      number: "idNumber",
      birthDate: "birthDate",
      sex: "sex"
    },
    order(
      "workAfterBirth",
      "birthDate",
      "workStartMonth",
      true,
      "参加工作年月应晚于出生日期",
      "the month work began is after the birth date"
    ),
    order(
      "schoolEntryNotBeforeWork",
      "workStartMonth",
      "schoolEntryMonth",
      false,
      "进本校年月不应早于参加工作年月",
      "the month of joining this school is not before the month work began"
    )
  ]
)

const studyHistory = group(
  2,
  "studyHistory",
  "学习经历",
  "many",
  all,
  [
    code("educationObtained", "获得学历", "education", { required: true }),
    code("educationCountry", "获得学历的国家/地区", "country"),
    text("educationInstitution", "获得学历的院校或机构", 100),
    text("major", "所学专业", 100),
    boolean("normalMajor", "是否师范类专业"),
    yearMonth("entryMonth", "入学年月"),
    yearMonth("graduationMonth", "毕业年月"),
    code("degreeLevel", "学位层次", "degreeLevel"),
    // GB/T 6864 is not shipped as a table (its discipline sub-codes are not confirmed here): format only.
    text("degreeName", "学位名称", 10, { pattern: "^(1|[2-4][0-9]{2})$", note: "a GB/T 6864-2003 code" }),
    code("degreeCountry", "学位授予国家", "country"),
    text("degreeInstitution", "学位授予单位", 100),
    yearMonth("degreeMonth", "学位授予年月"),
    code("studyMode", "学习方式", "studyMode"),
    text("institutionCategory", "在学单位类别", 50, { note: "a code table in the national system; codes unknown here" })
  ],
  [startEnd("entryMonth", "graduationMonth")]
)

const workHistory = group(
  3,
  "workHistory",
  "工作经历",
  "many",
  all,
  [
    text("employer", "任职单位名称", 100, { required: true }),
    yearMonth("startMonth", "任职开始年月", { required: true }),
    yearMonth("endMonth", "任职结束年月"),
    text("employerNature", "单位性质类别", 50),
    text("position", "任职岗位", 50)
  ],
  [startEnd("startMonth", "endMonth")]
)

const postAppointment = group(
  4,
  "postAppointment",
  "岗位聘任",
  "many",
  institutional,
  [
    code("postCategory", "岗位类别", "postCategory", { required: true }),
    text("postLevel", "岗位等级", 20, { note: "a code table in the national system; codes unconfirmed" }),
    yearMonth("startMonth", "聘任开始年月", { required: true }),
    yearMonth("endMonth", "聘任结束年月"),
    boolean("concurrentPost", "是否兼任其他岗位"),
    code("concurrentPostCategory", "兼任岗位类别", "postCategory"),
    text("concurrentPostLevel", "兼任岗位等级", 20)
  ],
  [startEnd("startMonth", "endMonth")]
)

const titleAppointment = group(
  5,
  "titleAppointment",
  "专业技术职务聘任",
  "many",
  institutional,
  [
    text("title", "聘任专业技术职务", 50, {
      required: true,
      note: "GB/T 8561 codes; sub-codes unconfirmed, so kept as text"
    }),
    yearMonth("startMonth", "聘任开始年月", { required: true }),
    yearMonth("endMonth", "聘任结束年月"),
    text("employer", "聘任单位名称", 100)
  ],
  [startEnd("startMonth", "endMonth")]
)

const basicPay = group(6, "basicPay", "基本待遇", "many", institutional, [
  year("year", "年度", { required: true }),
  amount("annualIncome", "年工资收入（元）"),
  amount("basicSalaryMonthly", "基本工资（元/月）"),
  amount("performancePayMonthly", "绩效工资（元/月）"),
  amount("ruralAllowanceMonthly", "乡村教师生活补助（元/月）"),
  amount("otherAllowancesMonthly", "其他津贴补贴（元/月）")
])

const annualAssessment = group(7, "annualAssessment", "年度考核", "many", institutional, [
  year("year", "考核年度", { required: true }),
  code("result", "考核结果", "assessmentResult", { required: true }),
  text("assessor", "考核单位名称", 100)
])

const teacherQualification = group(8, "teacherQualification", "教师资格", "many", all, [
  code("qualificationType", "教师资格种类", "qualificationType", { required: true }),
  text("certificateNumber", "教师资格证书号码", 30, { required: true }),
  text("subject", "任教学科", 50),
  date("issueDate", "证书颁发日期"),
  text("issuingAuthority", "颁发机构", 100)
])

const ethics = group(9, "ethics", "师德信息", "many", institutional, [
  year("year", "年度", { required: true }),
  text("assessmentResult", "师德考核结论", 20),
  text("honor", "荣誉称号", 100),
  text("disciplinaryAction", "处分类别", 50),
  date("disciplinaryDate", "处分日期")
])

const teaching = group(
  10,
  "teaching",
  "教育教学",
  "many",
  all,
  [
    text("schoolYear", "学年", 9, { required: true, pattern: "^[0-9]{4}-[0-9]{4}$" }),
    code("term", "学期", "term", { required: true }),
    code("stageTaught", "任课学段", "stageTaught"),
    code("subject", "任教学科", "subject"),
    integer("weeklyLessons", "平均每周课堂教学课时数", 0, 60),
    text("otherDuties", "承担的其他工作", 200)
  ],
  [],
  notKindergarten
)

const researchAndAwards = group(11, "researchAndAwards", "教学科研成果及获奖", "many", all, [
  text("kind", "成果类别", 20),
  text("title", "成果名称", 200, { required: true }),
  date("date", "日期"),
  text("level", "级别", 20),
  text("role", "本人角色", 50)
])

const talentPrograms = group(12, "talentPrograms", "入选人才项目", "many", all, [
  text("programName", "项目名称", 100, { required: true }),
  year("selectionYear", "入选年份")
])

const domesticTraining = group(
  13,
  "domesticTraining",
  "国内培训",
  "many",
  all,
  [
    year("year", "培训年度", { required: true }),
    text("programName", "培训项目名称", 100, { required: true }),
    text("organizer", "培训机构名称", 100),
    date("startDate", "开始日期"),
    date("endDate", "结束日期"),
    text("mode", "培训方式", 20),
    integer("hours", "学时", 0, 10_000)
  ],
  [startEnd("startDate", "endDate")]
)

const overseasStudy = group(
  14,
  "overseasStudy",
  "海外研修（访学）",
  "many",
  all,
  [
    date("startDate", "开始日期", { required: true }),
    date("endDate", "结束日期"),
    code("country", "国家/地区", "country", { required: true }),
    text("institution", "研修（访学）机构名称", 100, { required: true }),
    text("programName", "项目名称", 100)
  ],
  [startEnd("startDate", "endDate")]
)

const skillsAndCertificates = group(15, "skillsAndCertificates", "技能及证书", "many", all, [
  text("certificateName", "证书名称", 100, { required: true }),
  text("certificateNumber", "证书编号", 50),
  date("issueDate", "发证日期"),
  text("issuingAuthority", "发证单位", 100)
])

const exchangeRotation = group(
  16,
  "exchangeRotation",
  "交流轮岗",
  "many",
  all,
  [
    text("kind", "交流轮岗类型", 20),
    yearMonth("startMonth", "开始年月", { required: true }),
    yearMonth("endMonth", "结束年月"),
    text("fromUnit", "原单位名称", 100),
    text("toUnit", "交流轮岗单位名称", 100, { required: true })
  ],
  [startEnd("startMonth", "endMonth")],
  primarySecondaryStages
)

// domain-facts names the group only; these fields are what deployed forms show (assumed), all optional in the core
// so that a province can tighten without the core refusing good data.
const contact = group(17, "contact", "联系方式", "one", all, [
  text("mobile", "手机号码", 11, { pattern: "^1[0-9]{10}$" }),
  text("phone", "联系电话", 30, { pattern: "^[0-9+()\\- ]+$" }),
  text("email", "电子邮箱", 100, { pattern: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$" }),
  text("address", "通讯地址", 200),
  text("postalCode", "邮政编码", 6, { pattern: "^[0-9]{6}$" })
])

/**
 * The 17 record groups in the national order.
 */
export const groups: ReadonlyArray<Group> = [
  basicInfo,
  studyHistory,
  workHistory,
  postAppointment,
  titleAppointment,
  basicPay,
  annualAssessment,
  teacherQualification,
  ethics,
  teaching,
  researchAndAwards,
  talentPrograms,
  domesticTraining,
  overseasStudy,
  skillsAndCertificates,
  exchangeRotation,
  contact
]
