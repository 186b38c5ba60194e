// Generated from the core indicators (packages/core/src/efile/internal/coreIndicators.ts) by scripts/generate.ts.
// Do not edit; run `npm run generate`.
/**
 * The records of the national core indicators (M11.1) as TypeScript types, one interface per record group. A
 * province's extension (M11.2) adds fields these types do not know: the core validator, not these types, decides
 * what a deployment accepts.
 *
 * @since 0.1.0
 */

/**
 * 基本信息 (group 1, `basicInfo`).
 *
 * @since 0.1.0
 */
export type BasicInfo = {
  /** 姓名; at most 50 characters */
  readonly name: string
  /** 曾用名; at most 50 characters */
  readonly formerName?: string
  /** 性别; code table `sex` */
  readonly sex: "0" | "1" | "2" | "9"
  /** 教职工号; at most 30 characters */
  readonly staffNumber?: string
  /** 国籍/地区; code table `country` */
  readonly nationality: string
  /** 身份证件类型; code table `idType` */
  readonly idType: "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "A" | "B" | "Z"
  /** 身份证件号 */
  readonly idNumber: string
  /** 出生日期; YYYY-MM-DD */
  readonly birthDate: string
  /** 籍贯; at most 50 characters */
  readonly nativePlace?: string
  /** 出生地; at most 50 characters */
  readonly birthPlace?: string
  /** 民族; code table `ethnicity` */
  readonly ethnicity: "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12" | "13" | "14" | "15" | "16" | "17" | "18" | "19" | "20" | "21" | "22" | "23" | "24" | "25" | "26" | "27" | "28" | "29" | "30" | "31" | "32" | "33" | "34" | "35" | "36" | "37" | "38" | "39" | "40" | "41" | "42" | "43" | "44" | "45" | "46" | "47" | "48" | "49" | "50" | "51" | "52" | "53" | "54" | "55" | "56" | "97" | "98"
  /** 政治面貌; code table `politicalStatus` */
  readonly politicalStatus: "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12" | "13"
  /** 婚姻状况; code table `maritalStatus` */
  readonly maritalStatus?: "10" | "20" | "21" | "22" | "23" | "30" | "40" | "90"
  /** 健康状况; code table `healthStatus` */
  readonly healthStatus?: "1" | "2" | "3" | "6" | (string & {})
  /** 参加工作年月; YYYY-MM */
  readonly workStartMonth: string
  /** 进本校年月; YYYY-MM */
  readonly schoolEntryMonth: string
  /** 教职工来源; code table `staffSource` */
  readonly staffSource: "11" | "12" | "13" | "14" | "21" | "22" | "31" | "32" | "40" | "99"
  /** 教职工类别; code table `staffCategory` */
  readonly staffCategory: "11" | "12" | "13" | "14" | "19" | "30" | "40" | "55" | "56"
  /** 是否在编 */
  readonly onEstablishment: boolean
  /** 用人形式; code table `employmentForm`; required only under a condition */
  readonly employmentForm?: "1" | "2" | "3" | "9" | (string & {})
  /** 签订合同情况; code table `contractStatus` */
  readonly contractStatus: "1" | "2" | "3" | "4" | (string & {})
  /** 是否全日制师范类专业毕业 */
  readonly normalMajorGraduate: boolean
  /** 是否受过特教专业培养培训 */
  readonly specialEducationTrained: boolean
  /** 是否有特殊教育从业证书 */
  readonly specialEducationCertificate: boolean
  /** 信息技术应用能力; code table `itApplicationAbility` */
  readonly itApplicationAbility: "1" | "2" | "3" | "4" | "5" | (string & {})
  /** 是否属于免费（公费）师范生; code table `publicFundedNormalStudent` */
  readonly publicFundedNormalStudent: "0" | "1" | "2" | (string & {})
  /** 是否参加基层服务项目; code table `grassrootsService` */
  readonly grassrootsService: "0" | "1" | "2" | "3" | "4" | "9" | (string & {})
  /** 是否是特级教师 */
  readonly specialGradeTeacher: boolean
  /** 是否县级及以上骨干教师 */
  readonly backboneTeacher: boolean
  /** 是否心理健康教育教师 */
  readonly mentalHealthTeacher: boolean
  /** 人员状态; code table `personnelStatus` */
  readonly personnelStatus: "11" | "21" | "22" | "23" | "30" | "40" | "50" | "60" | (string & {})
  /** 是否"双师型"教师; stages secondaryVocational only */
  readonly dualQualified?: boolean
  /** 是否具备职业技能等级证书; stages secondaryVocational only */
  readonly vocationalSkillCertificate?: boolean
  /** 企业工作（实践）时长; code table `enterpriseWorkDuration`; stages secondaryVocational only */
  readonly enterpriseWorkDuration?: "0" | "1" | "2" | "3" | "4" | (string & {})
  /** 从事特教起始年月; YYYY-MM; stages specialEducation only */
  readonly specialEducationStartMonth?: string
  /** 是否全日制学前教育专业毕业; stages kindergarten only */
  readonly preschoolMajorGraduate?: boolean
}

/**
 * 学习经历 (group 2, `studyHistory`).
 *
 * @since 0.1.0
 */
export type StudyHistory = {
  /** 获得学历; code table `education` */
  readonly educationObtained: "11" | "12" | "13" | "14" | "15" | "16" | "17" | "18" | "19" | "21" | "22" | "23" | "28" | "31" | "32" | "33" | "41" | "42" | "43" | "44" | "45" | "46" | "47" | "48" | "49" | "61" | "62" | "63" | "71" | "73" | "81" | "83" | "90"
  /** 获得学历的国家/地区; code table `country` */
  readonly educationCountry?: string
  /** 获得学历的院校或机构; at most 100 characters */
  readonly educationInstitution?: string
  /** 所学专业; at most 100 characters */
  readonly major?: string
  /** 是否师范类专业 */
  readonly normalMajor?: boolean
  /** 入学年月; YYYY-MM */
  readonly entryMonth?: string
  /** 毕业年月; YYYY-MM */
  readonly graduationMonth?: string
  /** 学位层次; code table `degreeLevel` */
  readonly degreeLevel?: "1" | "2" | "3" | "4" | (string & {})
  /** 学位名称; at most 10 characters */
  readonly degreeName?: string
  /** 学位授予国家; code table `country` */
  readonly degreeCountry?: string
  /** 学位授予单位; at most 100 characters */
  readonly degreeInstitution?: string
  /** 学位授予年月; YYYY-MM */
  readonly degreeMonth?: string
  /** 学习方式; code table `studyMode` */
  readonly studyMode?: "1" | "2" | (string & {})
  /** 在学单位类别; at most 50 characters */
  readonly institutionCategory?: string
}

/**
 * 工作经历 (group 3, `workHistory`).
 *
 * @since 0.1.0
 */
export type WorkHistory = {
  /** 任职单位名称; at most 100 characters */
  readonly employer: string
  /** 任职开始年月; YYYY-MM */
  readonly startMonth: string
  /** 任职结束年月; YYYY-MM */
  readonly endMonth?: string
  /** 单位性质类别; at most 50 characters */
  readonly employerNature?: string
  /** 任职岗位; at most 50 characters */
  readonly position?: string
}

/**
 * 岗位聘任 (group 4, `postAppointment`).
 *
 * @since 0.1.0
 */
export type PostAppointment = {
  /** 岗位类别; code table `postCategory` */
  readonly postCategory: "1" | "2" | "3" | "4"
  /** 岗位等级; at most 20 characters */
  readonly postLevel?: string
  /** 聘任开始年月; YYYY-MM */
  readonly startMonth: string
  /** 聘任结束年月; YYYY-MM */
  readonly endMonth?: string
  /** 是否兼任其他岗位 */
  readonly concurrentPost?: boolean
  /** 兼任岗位类别; code table `postCategory` */
  readonly concurrentPostCategory?: "1" | "2" | "3" | "4"
  /** 兼任岗位等级; at most 20 characters */
  readonly concurrentPostLevel?: string
}

/**
 * 专业技术职务聘任 (group 5, `titleAppointment`).
 *
 * @since 0.1.0
 */
export type TitleAppointment = {
  /** 聘任专业技术职务; at most 50 characters */
  readonly title: string
  /** 聘任开始年月; YYYY-MM */
  readonly startMonth: string
  /** 聘任结束年月; YYYY-MM */
  readonly endMonth?: string
  /** 聘任单位名称; at most 100 characters */
  readonly employer?: string
}

/**
 * 基本待遇 (group 6, `basicPay`).
 *
 * @since 0.1.0
 */
export type BasicPay = {
  /** 年度; 1900–2100 */
  readonly year: number
  /** 年工资收入（元）; 0–100000000 */
  readonly annualIncome?: number
  /** 基本工资（元/月）; 0–100000000 */
  readonly basicSalaryMonthly?: number
  /** 绩效工资（元/月）; 0–100000000 */
  readonly performancePayMonthly?: number
  /** 乡村教师生活补助（元/月）; 0–100000000 */
  readonly ruralAllowanceMonthly?: number
  /** 其他津贴补贴（元/月）; 0–100000000 */
  readonly otherAllowancesMonthly?: number
}

/**
 * 年度考核 (group 7, `annualAssessment`).
 *
 * @since 0.1.0
 */
export type AnnualAssessment = {
  /** 考核年度; 1900–2100 */
  readonly year: number
  /** 考核结果; code table `assessmentResult` */
  readonly result: "1" | "2" | "3" | "4" | (string & {})
  /** 考核单位名称; at most 100 characters */
  readonly assessor?: string
}

/**
 * 教师资格 (group 8, `teacherQualification`).
 *
 * @since 0.1.0
 */
export type TeacherQualification = {
  /** 教师资格种类; code table `qualificationType` */
  readonly qualificationType: "1" | "2" | "3" | "4" | "5" | "6" | "7" | (string & {})
  /** 教师资格证书号码; at most 30 characters */
  readonly certificateNumber: string
  /** 任教学科; at most 50 characters */
  readonly subject?: string
  /** 证书颁发日期; YYYY-MM-DD */
  readonly issueDate?: string
  /** 颁发机构; at most 100 characters */
  readonly issuingAuthority?: string
}

/**
 * 师德信息 (group 9, `ethics`).
 *
 * @since 0.1.0
 */
export type Ethics = {
  /** 年度; 1900–2100 */
  readonly year: number
  /** 师德考核结论; at most 20 characters */
  readonly assessmentResult?: string
  /** 荣誉称号; at most 100 characters */
  readonly honor?: string
  /** 处分类别; at most 50 characters */
  readonly disciplinaryAction?: string
  /** 处分日期; YYYY-MM-DD */
  readonly disciplinaryDate?: string
}

/**
 * 教育教学 (group 10, `teaching`).
 *
 * @since 0.1.0
 */
export type Teaching = {
  /** 学年; at most 9 characters */
  readonly schoolYear: string
  /** 学期; code table `term` */
  readonly term: "1" | "2" | (string & {})
  /** 任课学段; code table `stageTaught` */
  readonly stageTaught?: "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "A" | "Z"
  /** 任教学科; code table `subject` */
  readonly subject?: "13" | "14" | "16" | "17" | "18" | "20" | "21" | "22" | "24" | "25" | "41" | "61" | (string & {})
  /** 平均每周课堂教学课时数; 0–60 */
  readonly weeklyLessons?: number
  /** 承担的其他工作; at most 200 characters */
  readonly otherDuties?: string
}

/**
 * 教学科研成果及获奖 (group 11, `researchAndAwards`).
 *
 * @since 0.1.0
 */
export type ResearchAndAwards = {
  /** 成果类别; at most 20 characters */
  readonly kind?: string
  /** 成果名称; at most 200 characters */
  readonly title: string
  /** 日期; YYYY-MM-DD */
  readonly date?: string
  /** 级别; at most 20 characters */
  readonly level?: string
  /** 本人角色; at most 50 characters */
  readonly role?: string
}

/**
 * 入选人才项目 (group 12, `talentPrograms`).
 *
 * @since 0.1.0
 */
export type TalentPrograms = {
  /** 项目名称; at most 100 characters */
  readonly programName: string
  /** 入选年份; 1900–2100 */
  readonly selectionYear?: number
}

/**
 * 国内培训 (group 13, `domesticTraining`).
 *
 * @since 0.1.0
 */
export type DomesticTraining = {
  /** 培训年度; 1900–2100 */
  readonly year: number
  /** 培训项目名称; at most 100 characters */
  readonly programName: string
  /** 培训机构名称; at most 100 characters */
  readonly organizer?: string
  /** 开始日期; YYYY-MM-DD */
  readonly startDate?: string
  /** 结束日期; YYYY-MM-DD */
  readonly endDate?: string
  /** 培训方式; at most 20 characters */
  readonly mode?: string
  /** 学时; 0–10000 */
  readonly hours?: number
}

/**
 * 海外研修（访学） (group 14, `overseasStudy`).
 *
 * @since 0.1.0
 */
export type OverseasStudy = {
  /** 开始日期; YYYY-MM-DD */
  readonly startDate: string
  /** 结束日期; YYYY-MM-DD */
  readonly endDate?: string
  /** 国家/地区; code table `country` */
  readonly country: string
  /** 研修（访学）机构名称; at most 100 characters */
  readonly institution: string
  /** 项目名称; at most 100 characters */
  readonly programName?: string
}

/**
 * 技能及证书 (group 15, `skillsAndCertificates`).
 *
 * @since 0.1.0
 */
export type SkillsAndCertificates = {
  /** 证书名称; at most 100 characters */
  readonly certificateName: string
  /** 证书编号; at most 50 characters */
  readonly certificateNumber?: string
  /** 发证日期; YYYY-MM-DD */
  readonly issueDate?: string
  /** 发证单位; at most 100 characters */
  readonly issuingAuthority?: string
}

/**
 * 交流轮岗 (group 16, `exchangeRotation`).
 *
 * @since 0.1.0
 */
export type ExchangeRotation = {
  /** 交流轮岗类型; at most 20 characters */
  readonly kind?: string
  /** 开始年月; YYYY-MM */
  readonly startMonth: string
  /** 结束年月; YYYY-MM */
  readonly endMonth?: string
  /** 原单位名称; at most 100 characters */
  readonly fromUnit?: string
  /** 交流轮岗单位名称; at most 100 characters */
  readonly toUnit: string
}

/**
 * 联系方式 (group 17, `contact`).
 *
 * @since 0.1.0
 */
export type Contact = {
  /** 手机号码; at most 11 characters */
  readonly mobile?: string
  /** 联系电话; at most 30 characters */
  readonly phone?: string
  /** 电子邮箱; at most 100 characters */
  readonly email?: string
  /** 通讯地址; at most 200 characters */
  readonly address?: string
  /** 邮政编码; at most 6 characters */
  readonly postalCode?: string
}

/**
 * The record type of each core group, by its key.
 *
 * @since 0.1.0
 */
export type CoreRecords = {
  readonly basicInfo: BasicInfo
  readonly studyHistory: StudyHistory
  readonly workHistory: WorkHistory
  readonly postAppointment: PostAppointment
  readonly titleAppointment: TitleAppointment
  readonly basicPay: BasicPay
  readonly annualAssessment: AnnualAssessment
  readonly teacherQualification: TeacherQualification
  readonly ethics: Ethics
  readonly teaching: Teaching
  readonly researchAndAwards: ResearchAndAwards
  readonly talentPrograms: TalentPrograms
  readonly domesticTraining: DomesticTraining
  readonly overseasStudy: OverseasStudy
  readonly skillsAndCertificates: SkillsAndCertificates
  readonly exchangeRotation: ExchangeRotation
  readonly contact: Contact
}
