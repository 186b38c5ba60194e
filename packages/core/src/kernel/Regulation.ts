/**
 * The regulation registry: every rule of 教师〔2017〕2号 (the Opinions and the attached Interim Measures for the
 * Management of the National Teacher Management Information System, 全国教师管理信息系统管理暂行办法) as data,
 * with its article, a Chinese and an English statement, and whether the software enforces it, is yet to build it,
 * or cannot enforce it. Errors and tests cite these ids; the compliance matrix is generated from them.
 *
 * @since 0.1.0
 */
import { ruleIds } from "./internal/ruleIds.js"
import type { RuleId } from "./Refusal.js"

/**
 * Whether software enforces a rule.
 *
 * - `enforced`: code enforces it; a passing test is owed.
 * - `notBuilt`: software can enforce it, but no code does yet; the reason names what is missing. No test is owed
 *   until it is built, and a passing test that cites it means the status is out of date.
 * - `organisational` (组织管理要求): no software can enforce it; the reason says why. No test is owed.
 *
 * @since 0.1.0
 */
export type Status =
  | { readonly _tag: "enforced" }
  | { readonly _tag: "notBuilt"; readonly reason: string }
  | { readonly _tag: "organisational"; readonly reason: string }

/**
 * One rule (规则) of the regulation.
 *
 * @since 0.1.0
 */
export interface Rule {
  /** The stable id: `M<article>.<n>` for the Measures, `O<item>.<n>` for the Opinions. */
  readonly id: RuleId
  /** Where the rule comes from, in Chinese and English: `暂行办法第二十三条 / Measures art. 23`. */
  readonly article: string
  /** The rule in Chinese, following the original text. */
  readonly zh: string
  /** The rule in English, as the spec states it. */
  readonly en: string
  readonly status: Status
}

const numerals = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"] as const

// 1–99 in Chinese numerals as used in article numbers: 二, 十二, 二十, 二十三.
const chinese = (n: number): string => {
  const tens = Math.floor(n / 10)
  const units = n % 10
  const head = tens === 0 ? "" : tens === 1 ? "十" : `${numerals[tens]}十`
  return head + numerals[units]
}

const measures = (article: number): string => `暂行办法第${chinese(article)}条 / Measures art. ${article}`
const opinions = (item: number): string => `意见第${item}条 / Opinions item ${item}`

interface Entry {
  readonly article: string
  readonly zh: string
  readonly en: string
  readonly status: Status
}

const rule = (article: string, zh: string, en: string): Entry => ({ article, zh, en, status: { _tag: "enforced" } })

// Enforceable by software, but no code enforces it yet: the reason names what is missing. No rule is so today.
// biome-ignore lint/correctness/noUnusedVariables: kept for the next rule that is recorded before it is built
const notBuiltRule = (article: string, zh: string, en: string, reason: string): Entry => ({
  article,
  zh,
  en,
  status: { _tag: "notBuilt", reason }
})

const organisationalRule = (article: string, zh: string, en: string, reason: string): Entry => ({
  article,
  zh,
  en,
  status: { _tag: "organisational", reason }
})

// Keyed by id so that the compiler refuses a missing or an unknown id.
const table: { readonly [K in RuleId]: Entry } = {
  // Hierarchy
  "M2.1": rule(
    measures(2),
    "五级应用：教师系统服务国家、省、市、县、校等五级用户；每个单位属于且仅属于一级，国家级单位是唯一的根。",
    "Five application levels: national, province, city, county, school. Every unit has exactly one kind; the national unit is the single root."
  ),
  "M2.2": rule(
    measures(2),
    "分级管理：行政单位的上级须为更高一级的行政单位（县可直属于省，即省直管县）；学校的上级为行政单位；二级部门的上级为学校；隶属关系不得成环。",
    "An administrative unit's parent is of a strictly higher level (a county may hang directly under a province: 省直管县). A school's parent is an administrative unit. A department's parent is a school. No cycles, ever."
  ),
  "M2.3": rule(
    measures(2),
    "两级建设：教育部建立国家级教师系统，各省级教育行政部门建立省级教师系统，两级系统互联互通。一个部署是国家级系统或一个省级系统；省级系统只含本省（区、市）的单位，国家级系统含全部单位并接收各省上报的核心指标信息（见M32.1）。",
    "Two-level build: a deployment is either the national system or one provincial system. A provincial system holds exactly one province's subtree; the national system holds all and receives the provinces' core-indicator reports (see M32.1)."
  ),
  "M4.1": rule(
    measures(4),
    "教师系统覆盖由政府、企业事业组织、社会团体、其他社会组织及公民个人依法举办的幼儿园、中小学校、中等职业学校、特殊教育学校和高等学校等；学校按固定代码表记录办学类型和举办者，其他机构类型不予登记。",
    "Covered schools: kindergartens, primary and secondary schools, secondary vocational schools, special-education schools and higher-education institutions, whatever their sponsor (government, enterprise or public institution, social organisation, other social organisation, individual citizen). A school records its type and sponsor from fixed code tables; other institution types are refused."
  ),
  "M5.1": rule(
    measures(5),
    "教师系统覆盖在编教职工和签订一年以上合同的教师岗位、其他专业技术岗位和管理岗位教职工；其他人员（合同不满一年、工勤技能岗、未签合同）不能登记，并给出指明本条的明确错误。",
    "Covered persons: staff on the establishment (在编), and staff on a contract of one year or longer in a teacher post, another professional-technical post or a management post. Anyone else (a contract under one year, a worker post 工勤技能岗, no contract) cannot be registered: a clear error naming the rule."
  ),
  "M6.1": rule(
    measures(6),
    "教育部组织中央部门所属高校教师信息采集与应用工作：中央部属高校直属国家级单位，由国家级信息管理员审核。",
    "Central-ministry universities (中央部属高校) hang directly under the national unit, whose info admins review them."
  ),
  "M7.1": rule(
    measures(7),
    "教师系统实行属地化管理；高校附属的幼儿园、中小学校教师信息采集工作由所在地教育行政部门负责组织：其上级为所在地的教育行政单位，而非该高校。",
    "Locality: a kindergarten or school affiliated to a university is collected by the local education bureau where it stands: its parent is that administrative unit, never the university."
  ),
  "M8.1": organisationalRule(
    measures(8),
    "各地教育行政部门要明确教师系统管理责任分工：教师或人事管理部门牵头负责，发展规划部门负责教师信息与教育事业统计的对接，财务部门负责经费落实，教育信息化技术支持与服务部门负责技术支持和日常运维。",
    "Division of duties inside bureaus (personnel, planning, finance, IT departments).",
    "The division of duties among a bureau's departments (personnel, planning, finance, IT) is an organisational decision of the bureau; software cannot enforce it."
  ),
  "M9.1": organisationalRule(
    measures(9),
    "各地教育行政部门和各级各类学校要加强教师系统专业队伍建设和技术服务等工作，建立工作激励机制，为系统建设与深度应用提供有力保障。",
    "Staffing and incentives: bureaus and schools build a professional team and technical services for the system, with incentives.",
    "Building a professional team and setting up incentives are staffing and management decisions; software cannot enforce them."
  ),
  "M10.1": organisationalRule(
    measures(10),
    "各地教育行政部门和各级各类学校要将教师系统与教师队伍建设和教育教学工作相结合，深入推进教师系统应用，不断提升教师管理服务水平。",
    "Integration with teaching work: bureaus and schools combine the system with teacher-workforce building and teaching work.",
    "How a bureau or school integrates the system into its workforce and teaching work is a management practice; software cannot enforce it."
  ),
  "M12.1": rule(
    measures(12),
    "采用教育部统计用学校（机构）代码（学校标识码），初始化并定期更新各地教育行政部门和各级各类学校代码；代码格式须经校验，且唯一。",
    "Schools are identified by the ministry's statistical school (institution) identification code (学校标识码): validated in format, unique."
  ),
  "M12.2": rule(
    measures(12),
    "学校（机构）设置发生变化（名称、类型、举办者、隶属、撤销、合并），应尽快联系主管教育行政部门的规划部门变更相关属性信息，教师系统适时更新：每次变更按日期记为一个版本，历史可查，教师记录始终指向正确的学校。",
    "A change of a school's attributes (name, type, sponsor, parent, closure, merger) is recorded as a dated version; history stays queryable, and teachers' records keep pointing at the right school."
  ),
  "M20.1": rule(
    measures(20),
    "为高等学校等教职工人数较多的学校增加二级部门信息管理功能；二级部门的信息管理员只管理本部门的教师。",
    "Large schools (higher education first of all) may have secondary departments; a department's info admin manages its own department's teachers only."
  ),
  // Accounts and roles
  "M13.1": rule(
    measures(13),
    "教师系统分别为国家、省、市、县、校等五级用户设立系统管理员、信息管理员和信息查询员账号。",
    "Every unit can have three kinds of account: system admin (系统管理员), info admin (信息管理员), info query-er (信息查询员)."
  ),
  "M13.2": rule(
    measures(13),
    "系统管理员负责管理本级用户及下级系统管理员的账号权限和账号密码等，此外别无权限；系统管理员不编辑教师信息。",
    "A system admin manages the accounts of its own unit and the system-admin accounts of the units directly below it; nothing else. It does not edit teacher data."
  ),
  "M13.3": rule(
    measures(13),
    "信息管理员负责管理本级及下级单位教师信息录入、审核和上报工作。",
    "An info admin manages entry, review and reporting of teacher information for its unit's subtree."
  ),
  "M13.4": rule(
    measures(13),
    "信息查询员可查询本级及下级单位教师基础信息及相关统计信息，不能修改任何信息。",
    "An info query-er can read the basic information of teachers in its unit's subtree and the statistics of that subtree; it can change nothing."
  ),
  "M13.5": rule(
    measures(13),
    "学校系统管理员可根据需要，为本校教师创建账号；其他单位不能为教师创建账号。",
    "A school's system admin may create accounts for the school's own teachers (teacher self-service accounts); no other unit may."
  ),
  "M14.1": rule(
    measures(14),
    "系统管理员、信息管理员和信息查询员账号严格实行实名制管理：账号绑定本人姓名和有效的身份证件号码。",
    "Accounts are real-name: bound to a person's name and a valid identity number."
  ),
  "M14.2": rule(
    measures(14),
    "按照相关要求做好CA证书使用工作：管理员和查询员账号可绑定CA证书；部署可要求绑定，此时未绑定有效证书的账号不能操作。",
    "Admin and query-er accounts can be bound to a CA certificate; a deployment can require it (policy), and then an account without a valid bound certificate cannot act."
  ),
  "M14.3": rule(
    measures(14),
    "严格账号权限，不得超业务范围配置权限：任何账号的权限不超出其角色和本级及下级单位范围，也不能授予其创建者自身没有的权限。",
    "No account ever holds a permission beyond its role and its unit's subtree; no account can grant a permission that its creator lacks."
  ),
  "M14.4": rule(
    measures(14),
    "各地各校系统管理员账号不超过1个；并发时亦然，由存储层保证，而不只在写入前检查。",
    "At most ONE active system admin per unit — under concurrency too, enforced by the store, not only by a check before the write."
  ),
  "M14.5": rule(
    measures(14),
    "严控三类账号数量：每个单位的信息管理员和信息查询员数量受可配置的限额约束。",
    "The numbers of info admins and query-ers per unit are capped by a configurable quota."
  ),
  "M15.1": rule(
    measures(15),
    "各地各校用户账号按流程逐级分发：单位的系统管理员账号由直接上级单位的系统管理员创建；国家级系统管理员在初始化时创建一次。",
    "Accounts are handed down level by level: a unit's system-admin account is created by the system admin of the unit directly above it; the national system admin is created once, at bootstrap."
  ),
  "M15.2": rule(
    measures(15),
    "省级教育行政部门要按照相关要求，逐步实现利用“应用支撑服务平台”创建和管理账号：身份来源是可替换的端口，而非写死。",
    "A province may delegate identity to an external platform (应用支撑服务平台): the identity source is a port, not hard-wired."
  ),
  // Collection, review and change
  "M11.1": rule(
    measures(11),
    "教育部提出教师核心信息指标（信息组、字段、类型、代码表、是否必填），确保指标科学、填报口径统一。",
    "The ministry defines the core indicators (groups, fields, types, code tables, required-ness)."
  ),
  "M11.2": rule(
    measures(11),
    "省级教育行政部门在核心指标基础上拓展定制本省（区、市）指标：可增加信息组和字段、收紧校验，不得删除、改名、改变类型或放宽核心指标；符合拓展指标的任何记录，投影到核心指标后均符合核心指标。",
    "A province extends them with its own indicators. An extension can add groups and fields and tighten validation; it can never remove, rename, retype or loosen a core indicator. Every record valid under an extended schema, projected onto the core, is valid under the core schema."
  ),
  "M16.1": rule(
    measures(16),
    "教师信息由学校管理员或教师本人录入；教师考核结果、待遇、师德和专业技术职务等信息应由学校或教育行政部门统一填报，不由教师本人填报。",
    "Information is entered by the school's info admin or by the teacher. Annual assessment results, pay and benefits, ethics records and professional-technical titles are entered only by the school or a bureau, never by the teacher."
  ),
  "M16.2": rule(
    measures(16),
    "学校已有相关信息平台的，在采集指标相对应的前提下，可以采取批量导入等数据互通方式采集：逐行校验，错误行返回行号、列、原因和规则编号，正确行与手工录入一样进入审核，不会只导入一半。",
    "Batch import is allowed where the school's columns map onto the indicators. Every row is validated; bad rows come back with row, column, reason and rule id; good rows enter review like hand-entered ones; nothing half-imported."
  ),
  "M17.1": rule(
    measures(17),
    "教师要客观真实填报个人信息；学校负责审核本校教师信息，建立集体审核、校长负责机制（记录校长签认），再由学校主管教育行政部门审核，审核通过后方才生效；退回须说明理由。",
    "Review: a teacher's or school's entry goes through school review (collective review, the principal's sign-off recorded) and then review by the school's competent bureau; only then is it effective. A rejection returns it with a reason."
  ),
  "M17.2": rule(
    measures(17),
    "学校主管教育行政部门通过随机抽查学校、随机抽查教师、通报抽查结果等方式，确保教师信息真实、准确和完整；抽样有种子、可复现、有记录。",
    "Spot checks: a bureau draws a random sample of schools and of teachers in its subtree (seeded, reproducible, recorded), records findings, and publishes the result."
  ),
  "M17.3": rule(
    measures(17),
    "身份证校验：按GB 11643校验身份证件号码（地址码、出生日期码、顺序码、MOD 11-2校验码，并与登记的出生日期和性别一致）；未能通过校验的问题数据，学校和教育行政部门应及时核查、妥善处理，处理前不能审核通过。",
    "Identity check: identity numbers are checked (GB 11643: region code, birth date, sequence, MOD 11-2 check digit; consistency with the recorded birth date and sex); a failing record is flagged as problem data and cannot be approved until resolved."
  ),
  "M17.4": rule(
    measures(17),
    "查重校验：一人一档，同一身份证件号码在部署内重复出现即标记为问题数据并予阻止，由学校和教育行政部门及时核查、妥善处理；国家级系统跨省查重。",
    "Duplicate check: one person, one active e-file: the same identity number twice (anywhere in the deployment) is flagged and blocked; the national system finds duplicates across provinces."
  ),
  "M18.1": rule(
    measures(18),
    "省级教育行政部门和中央部门所属高校须确保每年3月底之前完成上一年度教师信息全面更新工作，9月底之前完成本年度上半年教师信息全面更新工作；系统计算每个周期的截止日期，并按单位报告逾期的单位。",
    "Update deadlines: the full update of the previous year is due by 31 March; the update of the current year's first half by 30 September. The system computes each cycle's deadline and reports, per unit, which units are late."
  ),
  "M19.1": rule(
    measures(19),
    "教师信息如发生变化应及时更新；新信息添加可由教师本人操作，按程序审核确认（见M17.1）。",
    "A teacher may add new information (a new entry); it goes through review (M17.1)."
  ),
  "M19.2": rule(
    measures(19),
    "变更已有信息需由学校信息管理员提出申请，经主管教育行政部门审核后变更；变更整体生效，若其间记录已有变化则不生效。",
    "Changing information that is already effective needs a change request by the school's info admin, approved by the competent bureau; the change applies atomically, and not at all if the record moved on meanwhile."
  ),
  "M21.1": rule(
    measures(21),
    "新教师办理入职手续后，学校应及时为其注册建立电子档案，按程序完成信息采集、审核工作。",
    "A newly hired teacher gets an e-file at the school, then collection and review."
  ),
  "M22.1": rule(
    measures(22),
    "对长时间不在岗、离职、离退休等情况的教师，学校信息管理员应及时对其在职情况进行变更并注明日期；历史保留，统计随之变化。",
    "The school's info admin records changes of employment status (long absence, resignation, retirement, death, …) with a date; history is kept and totals follow it."
  ),
  // Business processes
  "M23.1": rule(
    measures(23),
    "教师调动由调入学校发起申请，依次经调入学校主管教育行政部门、调出学校、调出学校主管教育行政部门确认后，调取电子档案。",
    "Transfer (调动): the RECEIVING school initiates; then, in this order, the receiving school's competent bureau, the sending school, and the sending school's competent bureau confirm; then the e-file moves to the receiving school."
  ),
  "M23.2": rule(
    measures(23),
    "调动的任一确认方均可退回（说明理由），调动即告终止，档案不动；发起方可在最后一次确认前撤回；任何环节不得跳过、重复或由他人办理。",
    "Any confirmer may reject (with a reason): the transfer ends and nothing moves. The initiator may withdraw before the last confirmation. No step can be skipped, repeated or taken by anyone else."
  ),
  "M23.3": rule(
    measures(23),
    "如教师调动属于交流轮岗，则按第二十四条要求进行操作。",
    "A transfer that is really an exchange/rotation is handled as M24."
  ),
  "M24.1": rule(
    measures(24),
    "对不变更人事关系的交流轮岗，由派出学校发起申请，经派出学校主管教育行政部门审核确认后完成；教师仍在派出学校名册，电子档案记录交流情况（接收学校、期限）。",
    "Rotation without change of personnel relation: the DISPATCHING school initiates; its competent bureau confirms; done. The teacher stays on the dispatching school's roster and the e-file records the exchange (receiving school, period)."
  ),
  "M24.2": rule(
    measures(24),
    "对变更人事关系的交流轮岗，由派出学校发起申请，依次经派出学校主管教育行政部门、接收学校、接收学校主管教育行政部门审核确认后完成，电子档案随之转移。",
    "Rotation with change of personnel relation: the dispatching school initiates; then the dispatching school's bureau, the receiving school and the receiving school's bureau confirm, in this order; then the e-file moves."
  ),
  "M24.3": rule(
    measures(24),
    "同一教师同时至多有一项未结束的调动或交流轮岗；不在岗的教师不能调动或交流轮岗。",
    "A teacher is in at most one open transfer or rotation at a time; a teacher who is not active cannot be transferred or rotated."
  ),
  "M25.1": rule(
    measures(25),
    "培训学分（学时）实行分级管理，遵循录入计划、提交结果、确认学分流程实施；各地教育行政部门录入本级培训项目及培训承办机构，生成培训计划。",
    "Training credits are managed by level: a bureau enters its own level's training projects and their providers, which makes the training plan."
  ),
  "M25.2": rule(
    measures(25),
    "培训承办机构按要求将参训教师培训结果提交至系统，只能提交本机构承办项目的参训教师的结果。",
    "A provider submits results only for teachers enrolled in its own projects."
  ),
  "M25.3": rule(
    measures(25),
    "项目主管教育行政部门对培训结果进行审核，确认培训学分。",
    "The project's owning bureau reviews the results and confirms the credits."
  ),
  "M25.4": rule(
    measures(25),
    "国家级教师培训项目培训学分由（教师所在省的）省级教育行政部门按本省学时学分转化规则进行确认。",
    "Credits of national-level projects are confirmed by the teacher's provincial bureau, converting hours to credits by that province's conversion rule."
  ),
  "M25.5": rule(
    measures(25),
    "校本研修计划录入及培训学分确认、教师自主研修学分确认需经主管教育行政部门审核。",
    "School-based training (校本研修) plans, their credits, and teachers' self-study credits need review by the competent bureau."
  ),
  "M26.1": rule(
    measures(26),
    "充分利用教师系统信息，按照教师资格定期注册管理流程实现教师资格定期注册管理：注册周期、年度考核和培训学时决定注册结论（合格、暂缓、不合格），并说明理由。",
    "Teacher qualification periodic registration uses the system's information: registration cycle, annual assessments and training hours decide the outcome (qualified / deferred / not qualified), with the reasons."
  ),
  "M27.1": rule(
    measures(27),
    "省级教师系统结合本地实际，围绕教师培训选学、教师资源配置、教师职称评聘、评优评先和考核评价等教师业务工作开发特色管理功能模块：为此提供有文档的扩展接口，地方模块不能绕过上述规则。",
    "Provinces develop their own feature modules (training choice, resource allocation, title evaluation, awards, appraisal) on top of the system: there is a documented extension API for local modules that cannot bypass the rules above."
  ),
  // Use of the information
  "M28.1": rule(
    measures(28),
    "加强教师信息的研究分析工作，评价现状、找准问题、研判趋势、确定重点：在账号的管辖范围内，按层级、地区、学校类型、学历、职称、学科、性别、年龄、工资待遇、流动等分析教师队伍。",
    "Analysis of the workforce within an account's subtree (counts and distributions by level, region, school type, education, title, subject, gender, age, pay band, mobility)."
  ),
  "M29.1": rule(
    measures(29),
    "各地教育行政部门要建立教师信息分析报告制度，定期发布本辖区教师队伍建设报告。",
    "A bureau can produce a periodic teacher-workforce report for its subtree."
  ),
  "M30.1": rule(
    measures(30),
    "确立教师系统基础信息地位，作为教师和教育工作的重要数据来源，实现教师信息“一次生成、多方复用”：其他系统通过接口和导出读取电子档案，不再重复采集。",
    "One source: “generated once, reused many times”: other systems read the e-file through the API and exports rather than re-collecting."
  ),
  "M31.1": rule(
    measures(31),
    "坚持分级有序开放的原则，推进教师系统信息共享：明确共享信息的范围，对共享信息的申请、审核、使用等进行全流程规范管理。申请写明申请方、用途、字段、单位和期限，由信息所属的教育行政部门批准或拒绝；访问限于批准的范围，到期终止，每次使用均有记录。",
    "Sharing is tiered and orderly: a sharing request names the requester, purpose, fields, units and period; the owning bureau approves or refuses; access is limited to what was granted, ends when it expires, and every use is logged."
  ),
  // The seed's article 32 speaks of linking the system with related platforms; see the report of this module.
  "M32.1": rule(
    measures(32),
    "省级教育行政部门要逐步实现教师系统与相关教育管理服务平台的互通、衔接，有效整合相关教师信息，建立教师队伍大数据，支持教师系统在更广层面的应用。",
    "A provincial system reports the core indicators of its teachers to the national system (and receives back what the national system decides, such as cross-province duplicates); extensions stay in the province."
  ),
  // Operations and security
  "M33.1": organisationalRule(
    measures(33),
    "教育信息化技术支持与服务部门在教师管理部门领导下具体负责教师系统的运维工作，做好网络、硬件设备、操作系统、数据库、中间件、工具软件等基础支撑平台和教师系统软件的运行管理。",
    "Operations: the IT support department runs the system under the teacher-management department's lead.",
    "Which department runs operations, and under whose lead, is an organisational arrangement; software cannot enforce it. The software helps with health checks, backups and restore."
  ),
  "M34.1": organisationalRule(
    measures(34),
    "教育信息化技术支持与服务部门要安排数量足够和素质过硬的网络、硬件、操作系统、数据库等技术运维人员，明确职责，细化任务，确保系统运行安全稳定、应用顺畅。",
    "Operations staffing: enough qualified operations staff, with clear duties.",
    "Staffing the operations team is an organisational decision; software cannot enforce it. The software helps with health checks, backups and restore."
  ),
  "M35.1": organisationalRule(
    measures(35),
    "教育信息化技术支持与服务部门要做好对教师系统相关运维人员的督查考核和绩效评估工作；教育行政部门要加强对运维工作的监督检查。",
    "Operations supervision: the operations staff are supervised and evaluated; bureaus inspect the operations work.",
    "Supervising and evaluating the operations staff is an organisational duty; software cannot enforce it. The software helps with health checks, backups and restore."
  ),
  "M36.1": rule(
    measures(36),
    "省级教育行政部门要按照国家网络安全等级保护制度要求，做好教师系统信息安全等级保护定级备案工作，落实相应安全保障措施，定期开展测评；软件支持相应的安全控制，并以文档说明每项控制的实现位置。",
    "The deployment supports classified protection (等级保护) level 3: the controls are documented, with where each is implemented."
  ),
  "M37.1": rule(
    measures(37),
    "实行教师信息采集、处理、存储、使用全过程管理：每次采集、变更、导出和读取个人信息都记入只可追加、可发现篡改的审计日志（何人、何事、何时、结果）。",
    "Full-lifecycle management of teacher information: every collection, change, export and read of personal information is audited (who, what, when, outcome) in an append-only, tamper-evident log."
  ),
  "M37.2": rule(
    measures(37),
    "加强各级各类账号密码管理，落实相关责任人的安全保密责任：口令和凭据安全管理（散列存储、口令策略、失败锁定）；敏感个人信息（身份证件号码、待遇、师德）对无权查看者脱敏显示。",
    "Account passwords and credentials are managed securely (hashing, policy, lockout); sensitive personal data (identity numbers, pay, ethics) is masked for those who may not see it."
  ),
  "M38.1": organisationalRule(
    measures(38),
    "教育信息化部门要做好教师系统技术安全保障工作，建立安全技术支撑体系，加强安全保障队伍建设，明确安全工作分工，落实安全责任主体，确保系统运行安全和信息安全。",
    "Security teams: a technical security support system, a security team, clear duties and accountable owners.",
    "Building security teams and assigning security responsibility are organisational; software cannot enforce them. The software exposes the security events they watch."
  ),
  "M39.1": organisationalRule(
    measures(39),
    "各地教育行政部门和教育信息化部门要做好风险评估，加强安全威胁监测，制定预案，建立安全预警和应急处置机制。",
    "Risk assessment and emergency plans: threat monitoring, early warning and incident response.",
    "Risk assessment, emergency plans and incident response are organisational processes; software cannot enforce them. The software exposes the security events they watch."
  ),
  // From the Opinions
  "O4.1": rule(
    opinions(4),
    "实现各级各类教师信息的“伴随式收集”，为每位教师建立电子档案：调动、交流轮岗、培训、在职状态变化等业务过程产生的信息直接更新电子档案，无需二次录入。",
    "“Accompanying collection” (伴随式收集): information produced by business processes (transfers, rotations, training, status changes) updates the e-file itself, with no second entry."
  ),
  "O8.1": rule(
    opinions(8),
    "利用教师基础信息库，分析、预测国家、区域、城乡不同层面和不同类别教师的补充需求（预计退休人数及补充需求，按地区、学段和学科）。",
    "Supply forecasting: projected retirements and replacement needs by region, level and subject."
  ),
  "O9.1": rule(
    opinions(9),
    "推进培训学分银行建设，实现培训学分的累积、转换和应用：每位教师经确认的学分累积，可按各省规则转换，并用于教师资格定期注册等（见M26.1）。",
    "Credit bank (学分银行): each teacher's confirmed credits accumulate, can be converted between provinces' rules, and are applied (e.g. to registration M26.1)."
  ),
  "O10.1": rule(
    opinions(10),
    "利用教师基础信息库，分析全国、区域、城乡、校际等不同层面和各级各类教师的资源配置，研究教师的数量、学历、职称、学科、性别、年龄、工资待遇、流动等信息。",
    "Resource allocation analysis across regions, urban/rural, schools: quantity, education, title, subject, gender, age, pay, mobility."
  ),
  "O11.1": rule(
    opinions(11),
    "为教师资格定期注册、职称评聘、评优评先、考核评价和项目申报等工作提供信息和管理服务，实现教师信息“一次生成、多方复用，一库管理、互认共享”。",
    "Generated once, reused many times; one database, mutual recognition (一次生成、多方复用，一库管理、互认共享)."
  )
}

/**
 * Every rule of the regulation, in the order of the spec.
 *
 * @since 0.1.0
 */
export const rules: ReadonlyArray<Rule> = ruleIds.map((id) => ({ id, ...table[id] }))

const byId: ReadonlyMap<string, Rule> = new Map(rules.map((r) => [r.id, r]))

/**
 * Whether a string is a rule id of the registry.
 *
 * @since 0.1.0
 */
export const isRuleId = (id: string): id is RuleId => byId.has(id)

/**
 * The rule with this id.
 *
 * @since 0.1.0
 */
export const get = (id: RuleId): Rule => byId.get(id)!

/**
 * Whether software enforces the rule now: `false` for an organisational rule and for one not built yet.
 *
 * @since 0.1.0
 */
export const isEnforced = (id: RuleId): boolean => get(id).status._tag === "enforced"

/**
 * The rules software enforces, in spec order; each is owed a test.
 *
 * @since 0.1.0
 */
export const enforced: ReadonlyArray<Rule> = rules.filter((r) => r.status._tag === "enforced")

/**
 * The rules software can enforce but no code enforces yet, in spec order; each carries what is missing. They owe
 * no test until they are built.
 *
 * @since 0.1.0
 */
export const notBuilt: ReadonlyArray<Rule> = rules.filter((r) => r.status._tag === "notBuilt")

/**
 * The organisational rules, in spec order; each carries the reason software cannot enforce it.
 *
 * @since 0.1.0
 */
export const organisational: ReadonlyArray<Rule> = rules.filter((r) => r.status._tag === "organisational")

/**
 * The rule ids of a markdown text (the spec): every backticked `M<n>.<n>` / `O<n>.<n>`, in order of first
 * appearance, each once.
 *
 * @since 0.1.0
 */
export const parseIds = (markdown: string): Array<string> => {
  const seen = new Set<string>()
  for (const match of markdown.matchAll(/`([MO]\d+\.\d+)`/g)) {
    seen.add(match[1]!)
  }
  return [...seen]
}
