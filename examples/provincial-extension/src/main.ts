/**
 * tmis provincial extension: Hubei (湖北, 42) extends the national core indicators of the teacher e-file with a new
 * record group and two new fields and tightens one core field (M11.2); records are decoded against the extended
 * schema and every refusal names its rule, field and value; an attempt to loosen a core indicator is refused.
 *
 * Run it from the repository root: `npx tsx examples/provincial-extension/src/main.ts`.
 */
import { Indicator, type Refusal } from "@tmis/core"
import { Either, Schema } from "effect"

const today = "2026-11-28"

// ── 1. The extension: plain data, as a province would keep it in a JSON file ────────────────────────────────────
const hubei: Indicator.Extension = {
  province: "42",
  groups: [
    {
      key: "ruralTeaching",
      zh: "乡村从教经历",
      cardinality: "many",
      fillers: ["school", "bureau"],
      fields: [
        { key: "school", zh: "乡村学校名称", type: "text", maxLength: 100, required: true },
        { key: "startMonth", zh: "开始年月", type: "yearMonth", required: true },
        { key: "endMonth", zh: "结束年月", type: "yearMonth" }
      ]
    }
  ],
  fields: {
    basicInfo: [{ key: "householdCounty", zh: "户籍所在县（市、区）", type: "text", maxLength: 50 }],
    contact: [{ key: "wechat", zh: "微信号", type: "text", maxLength: 30 }]
  },
  tighten: {
    // 教职工号 is optional in the core; Hubei requires it, in its own format.
    basicInfo: { staffNumber: { required: true, maxLength: 8, pattern: "^HB[0-9]{6}$" } }
  }
}

const schema = Either.getOrElse(Indicator.extend(Indicator.core, hubei), (e) => {
  throw e
})
console.log(`Extended schema for province ${schema.provinces.join(", ")}:`)
console.log(`  groups: ${schema.groups.map((g) => g.zh).join("、")}`)
const basicInfo = Indicator.getGroup(schema, "basicInfo")!
const staffNumber = basicInfo.fields.find((f) => f.key === "staffNumber")!
console.log(
  `  基本信息·教职工号: required ${Indicator.isRequired(staffNumber)}, at most ${Indicator.maxLengthOf(staffNumber)} characters, pattern ${Indicator.patternsOf(staffNumber).join(" ")}`
)
console.log(
  `  who may fill 乡村从教经历 as a teacher? ${Either.isRight(Indicator.mayFill("ruralTeaching", "teacher", schema))}`
)

// ── 2. Records of 基本信息 for a primary school, decoded with the extended schema ────────────────────────────────
const decoder = Either.getOrElse(Indicator.decoder(schema, "basicInfo", "primary", { today }), (e) => {
  throw e
})
const validate = Either.getOrElse(Indicator.validator(schema, "basicInfo", "primary", { today }), (e) => {
  throw e
})

// 420106198503170027 is a woman born 1985-03-17.
const valid: Indicator.IndicatorRecord = {
  name: "李娟",
  sex: "2",
  staffNumber: "HB000123",
  nationality: "156",
  idType: "1",
  idNumber: "420106198503170027",
  birthDate: "1985-03-17",
  ethnicity: "01",
  politicalStatus: "01",
  workStartMonth: "2007-09",
  schoolEntryMonth: "2015-09",
  staffSource: "31",
  staffCategory: "11",
  onEstablishment: true,
  contractStatus: "1",
  normalMajorGraduate: true,
  specialEducationTrained: false,
  specialEducationCertificate: false,
  itApplicationAbility: "2",
  publicFundedNormalStudent: "0",
  grassrootsService: "0",
  specialGradeTeacher: false,
  backboneTeacher: true,
  mentalHealthTeacher: false,
  personnelStatus: "11",
  householdCounty: "武汉市武昌区"
}

const { staffNumber: _, ...withoutStaffNumber } = valid
const invalid: ReadonlyArray<readonly [string, unknown]> = [
  // No 教职工号 (Hubei's rule, M11.2); a foreign national (passport) with 民族 and 政治面貌 filled (M11.1); a
  // property that is no indicator (no mass assignment).
  [
    "a foreign teacher without a staff number",
    { ...withoutStaffNumber, nationality: "840", idType: "A", idNumber: "E12345678", reviewed: true }
  ],
  // The identity number says 1985-03-17 (M17.3); the staff number breaks Hubei's pattern (M11.2).
  ["a wrong birth date and staff number", { ...valid, birthDate: "1985-03-18", staffNumber: "000123" }]
]

const show = (issue: Refusal.Refusal) =>
  `    [${issue.rule}] ${String(issue.details.field)} = ${JSON.stringify(issue.details.value)}: ${issue.en}\n` +
  `             ${issue.zh}`

console.log("\nDecoding 基本信息 records:")
console.log(
  `  the valid record: ${Either.isRight(Schema.decodeUnknownEither(decoder)(valid)) ? "accepted" : "refused"}`
)
for (const [label, record] of invalid) {
  const result = validate(record)
  if (Either.isRight(result)) throw new Error(`${label} was accepted`)
  const issues = result.left.details.issues as ReadonlyArray<Refusal.Refusal>
  console.log(`  ${label}: refused, ${issues.length} problem(s)`)
  for (const issue of issues) console.log(show(issue))
  // The effect Schema refuses it too, with the same rule ids in its messages.
  console.log(
    `    (effect Schema: ${Either.isLeft(Schema.decodeUnknownEither(decoder)(record)) ? "refused" : "accepted"})`
  )
}

// The core part of a Hubei record is a valid core record (M11.2).
const projected = Indicator.project(Indicator.core, "basicInfo", valid)
console.log(
  `\nProjected onto the core, the valid record is ${Either.isRight(Indicator.validate(Indicator.core, "basicInfo", "primary", projected, { today })) ? "valid" : "invalid"} under the core.`
)

// ── 3. Loosening a core indicator is refused ──────────────────────────────────────────────────────────────────
const attempts: ReadonlyArray<readonly [string, Indicator.Extension]> = [
  ["longer names", { province: "42", tighten: { basicInfo: { name: { maxLength: 100 } } } }],
  ["民族 optional", { province: "42", tighten: { basicInfo: { ethnicity: { required: false } } } }],
  [
    "a code outside 政治面貌",
    { province: "42", tighten: { basicInfo: { politicalStatus: { allowedCodes: ["13", "99"] } } } }
  ]
]
console.log("\nAttempts to loosen core indicators:")
for (const [label, attempt] of attempts) {
  const result = Indicator.extend(Indicator.core, attempt)
  console.log(
    Either.isLeft(result)
      ? `  ${label}: refused (${String(result.left.details.attempted)} ${String(result.left.details.field)})\n    ${result.left.message}`
      : `  ${label}: accepted?!`
  )
}

// ── 4. The JSON Schema of the new group, for documents and the API ──────────────────────────────────────────────
const document = Either.getOrElse(Indicator.jsonSchema(schema, "ruralTeaching", "primary"), (e) => {
  throw e
})
console.log("\nJSON Schema of 乡村从教经历:")
console.log(JSON.stringify(document, null, 2))
