/**
 * fast-check arbitraries for the teacher e-file (电子档案): random provincial extensions (M11.2), extensions that try
 * to remove, rename, retype or loosen a core indicator, and records valid under any schema, core or extended (M11.1,
 * M17.3).
 *
 * @since 0.1.0
 */
import { Division, IdentityNumber, Indicator, SchoolType } from "@tmis/core"
import { Either } from "effect"
import * as fc from "fast-check"
import { identityNumberWithFacts } from "./identityNumber.js"

// ── Records ──────────────────────────────────────────────────────────────────────────────────────────────────────

const textUnits = [..."张王李赵刘陈杨黄周吴教师学校湖北武汉ABCDEFGHJKabcdefghk0123456789"]

const pad = (n: number, width: number): string => String(n).padStart(width, "0")
const dayMs = 86_400_000
const isoDay = (day: number): string => new Date(day * dayMs).toISOString().slice(0, 10)
const dayOf = (iso: string): number => Math.floor(Date.parse(`${iso}T00:00:00Z`) / dayMs)

const monthIndex = (yearMonth: string): number => Number(yearMonth.slice(0, 4)) * 12 + Number(yearMonth.slice(5, 7)) - 1
const yearMonthOf = (index: number): string => `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1, 2)}`

const digits = (n: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: n, maxLength: n })
const lower = [..."abcdefghijklmnopqrstuvwxyz"]
const word = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...lower), minLength: min, maxLength: max })

// fc.stringMatching is slow; the patterns of the core and of `extension` get direct generators of matching strings.
const knownPatterns: ReadonlyMap<string, fc.Arbitrary<string>> = new Map([
  ["^1[0-9]{10}$", digits(10).map((d) => `1${d}`)],
  ["^[0-9+()\\- ]+$", fc.tuple(digits(3), digits(8)).map(([area, n]) => `0${area}-${n}`)],
  [
    "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
    fc.tuple(word(1, 12), word(1, 12), word(2, 4)).map(([u, d, t]) => `${u}@${d}.${t}`)
  ],
  ["^[0-9]{6}$", digits(6)],
  ["^(1|[2-4][0-9]{2})$", fc.oneof(fc.constant("1"), fc.integer({ min: 200, max: 499 }).map(String))],
  ["^[0-9]{4}-[0-9]{4}$", fc.integer({ min: 1990, max: 2030 }).map((y) => `${y}-${y + 1}`)],
  [
    "^[A-Z0-9]{1,8}$",
    fc.string({ unit: fc.constantFrom(..."ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), minLength: 1, maxLength: 8 })
  ],
  ["^HB[0-9]{1,4}$", fc.integer({ min: 0, max: 9999 }).map((n) => `HB${n}`)],
  ["^[a-z]{2,6}$", word(2, 6)],
  // Names (M11.1): Chinese characters (an extension-B one too) with minority names' "·", or Latin words.
  [
    Indicator.personNamePattern,
    fc.oneof(
      fc
        .array(fc.string({ unit: fc.constantFrom(..."张王李赵刘陈阿依古丽买提扎西𠮷"), minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 3
        })
        .map((parts) => parts.join("\u00B7")),
      fc
        .array(fc.string({ unit: fc.constantFrom(..."ABJOabjoéü"), minLength: 1, maxLength: 8 }), {
          minLength: 1,
          maxLength: 3
        })
        .chain((words) =>
          fc
            .array(fc.constantFrom(" ", "-", "'"), { minLength: words.length - 1, maxLength: words.length - 1 })
            .map((seps) => words.map((w, i) => (i === 0 ? w : seps[i - 1] + w)).join(""))
        )
    )
  ]
])

/** The values a condition of the group compares a field with: generated often, so both branches are reached. */
const conditionValues = (group: Indicator.Group): ReadonlyMap<string, ReadonlyArray<string | boolean>> => {
  const out = new Map<string, Array<string | boolean>>()
  for (const field of group.fields) {
    for (const cond of [field.requiredOnlyWhen, field.absentWhen]) {
      if (cond === undefined) continue
      const value = "equals" in cond ? cond.equals : cond.notEquals
      out.set(cond.field, [...(out.get(cond.field) ?? []), value])
    }
  }
  return out
}

const valueOf = (
  schema: Indicator.IndicatorSchema,
  field: Indicator.Field,
  favoured: ReadonlyArray<string | boolean>
): fc.Arbitrary<string | number | boolean> => {
  switch (field.type) {
    case "text": {
      const max = Indicator.maxLengthOf(field)!
      const [first, ...rest] = Indicator.patternsOf(field)
      if (first === undefined) {
        return fc.string({ unit: fc.constantFrom(...textUnits), minLength: 1, maxLength: Math.min(max, 12) })
      }
      const others = rest.map((p) => new RegExp(p, "u"))
      return (knownPatterns.get(first) ?? fc.stringMatching(new RegExp(first, "u"))).filter(
        (s) => s.trim().length > 0 && [...s].length <= max && others.every((re) => re.test(s))
      )
    }
    case "identityNumber":
      return fc.string({
        unit: fc.constantFrom(..."0123456789ABCDEFGHJK"),
        minLength: 6,
        maxLength: Math.min(18, Indicator.maxLengthOf(field)!)
      })
    case "code": {
      const codes = [...Indicator.codesOf(schema, field)]
      const preferred = codes.filter((c) => favoured.includes(c))
      return preferred.length === 0
        ? fc.constantFrom(...codes)
        : fc.oneof(
            { arbitrary: fc.constantFrom(...preferred), weight: 2 },
            { arbitrary: fc.constantFrom(...codes), weight: 1 }
          )
    }
    case "date":
      return fc.integer({ min: dayOf("1950-01-01"), max: dayOf("2025-12-31") }).map(isoDay)
    case "yearMonth":
      return fc.integer({ min: 1950 * 12, max: 2025 * 12 + 11 }).map(yearMonthOf)
    case "boolean":
      return fc.boolean()
    case "integer":
      return fc.integer({ min: field.min, max: field.max })
  }
}

const holds = (cond: Indicator.Condition, record: Readonly<Record<string, unknown>>): boolean => {
  const value = record[cond.field]
  return "equals" in cond ? value === cond.equals : value !== undefined && value !== cond.notEquals
}

/** Move `later` forward by `offset` past `earlier` when an order rule would refuse them. */
const ordered = (
  earlier: string,
  later: string,
  earlierType: Indicator.FieldType,
  laterType: Indicator.FieldType,
  strict: boolean,
  offset: number
): string => {
  const byMonth = earlierType === "yearMonth" || laterType === "yearMonth"
  const [a, b] = byMonth ? [earlier.slice(0, 7), later.slice(0, 7)] : [earlier, later]
  if (strict ? b > a : b >= a) return later
  if (byMonth) {
    const month = yearMonthOf(monthIndex(a) + offset + (strict ? 1 : 0))
    return laterType === "yearMonth" ? month : `${month}-01`
  }
  return isoDay(dayOf(a) + offset + (strict ? 1 : 0))
}

/**
 * Options of `recordUnder`: `today` ("YYYY-MM-DD") as given to `Indicator.validator`; identity numbers are born no
 * later than it. Default "2026-11-28".
 *
 * @since 0.1.0
 */
export interface RecordOptions {
  readonly today?: string | undefined
}

/**
 * Records of a group, valid under a schema (the core or an extension) for a school of the given stage: field values
 * of the right type within every length, pattern and code restriction, required fields present, 民族/政治面貌 only
 * for 国籍 156, 用人形式 when not 在编, dates in order, and, for identity document type 1, a valid resident identity
 * number agreeing with 出生日期 and 性别. Values are built to be valid and then checked with `Indicator.validator`;
 * a schema whose constraints cannot be met together (say a required field that must also be empty) makes
 * fast-check give up. Throws a `RangeError` for a group the schema does not have for that stage.
 *
 * @since 0.1.0
 */
export const recordUnder = (
  schema: Indicator.IndicatorSchema,
  group: string,
  stage: SchoolType.Stage,
  options: RecordOptions = {}
): fc.Arbitrary<Indicator.IndicatorRecord> => {
  const today = options.today ?? "2026-11-28"
  const check = Either.getOrElse(Indicator.validator(schema, group, stage, { today }), (e) => {
    throw new RangeError(e.message)
  })
  const g = Indicator.getGroup(schema, group)!
  const fields = Indicator.fieldsFor(g, stage)
  const byKey = new Map(fields.map((f) => [f.key, f]))
  const favoured = conditionValues(g)
  const identity = g.rules.find((r) => r.type === "identity")
  // Favour identity document type 1, which is the one checked against the birth date and sex.
  const values = Object.fromEntries(
    fields.map((f) => [
      f.key,
      valueOf(
        schema,
        f,
        identity !== undefined && f.key === identity.documentType ? ["1"] : (favoured.get(f.key) ?? [])
      )
    ])
  )
  const maxBirthDate = today < "2005-12-31" ? today : "2005-12-31"
  return fc
    .record({
      values: fc.record(values),
      present: fc.record(Object.fromEntries(fields.map((f) => [f.key, fc.boolean()]))),
      male: identityNumberWithFacts({ sex: "1", maxBirthDate }),
      female: identityNumberWithFacts({ sex: "2", maxBirthDate }),
      offsets: fc.array(fc.integer({ min: 0, max: 480 }), { minLength: g.rules.length, maxLength: g.rules.length })
    })
    .map(({ values, present, male, female, offsets }) => {
      const record: Record<string, string | number | boolean> = { ...values }
      if (identity !== undefined && record[identity.documentType] === "1") {
        const sex = record[identity.sex]
        const facts = sex === "2" ? female : sex === "1" ? male : present[identity.sex] ? male : female
        record[identity.number] = facts.id
        if (byKey.has(identity.birthDate)) record[identity.birthDate] = facts.birthDate
      }
      g.rules.forEach((rule, i) => {
        if (rule.type !== "order") return
        const earlier = record[rule.earlier]
        const later = record[rule.later]
        if (typeof earlier !== "string" || typeof later !== "string") return
        record[rule.later] = ordered(
          earlier,
          later,
          byKey.get(rule.earlier)!.type,
          byKey.get(rule.later)!.type,
          rule.strict,
          offsets[i] ?? 0
        )
      })
      const keep = (f: Indicator.Field): boolean => {
        if (f.absentWhen !== undefined && holds(f.absentWhen, record)) return false
        if (!Indicator.isRequired(f)) return present[f.key] === true
        return f.requiredOnlyWhen === undefined || holds(f.requiredOnlyWhen, record) || present[f.key] === true
      }
      // Conditions read the unconditional fields, so decide those first.
      const kept = fields.filter((f) => f.absentWhen === undefined && f.requiredOnlyWhen === undefined && keep(f))
      const conditional = fields.filter(
        (f) => (f.absentWhen !== undefined || f.requiredOnlyWhen !== undefined) && keep(f)
      )
      return Object.fromEntries(
        [...kept, ...conditional].map((f) => [f.key, record[f.key]!])
      ) as Indicator.IndicatorRecord
    })
    .filter((record) => Either.isRight(check(record)))
}

/**
 * Records of 基本信息 valid under the core (M11.1) for a school of the given stage (default: any stage of a school
 * the system covers).
 *
 * @since 0.1.0
 */
export const coreBasicInfo = (
  options: RecordOptions & { readonly stage?: SchoolType.Stage | undefined } = {}
): fc.Arbitrary<Indicator.IndicatorRecord> =>
  (options.stage === undefined ? fc.constantFrom(...coveredStages) : fc.constant(options.stage)).chain((stage) =>
    recordUnder(Indicator.core, "basicInfo", stage, options)
  )

/**
 * The stages of the schools the system covers (M4.1).
 *
 * @since 0.1.0
 */
export const coveredStages: ReadonlyArray<SchoolType.Stage> = [
  ...new Set(SchoolType.categories.filter((c) => c.covered).map((c) => c.stage))
]

// ── Extensions ───────────────────────────────────────────────────────────────────────────────────────────────────

const provinceCodes = (): ReadonlyArray<string> => Division.provinces().map((d) => d.provinceCode)

const suffix = fc.string({ unit: fc.constantFrom(..."abcdefghjkmnpqrstuvwxyz23456789"), minLength: 4, maxLength: 4 })

const newFieldSpec = (key: string, zh: string, tables: ReadonlyArray<string>): fc.Arbitrary<Indicator.NewField> => {
  const common = fc.record(
    { required: fc.boolean(), stages: fc.subarray([...coveredStages], { minLength: 1 }) },
    { requiredKeys: [] }
  )
  const typed: fc.Arbitrary<Omit<Indicator.NewField, "key" | "zh" | "required" | "stages" | "note">> = fc.oneof(
    fc.integer({ min: 4, max: 200 }).map((maxLength) => ({ type: "text" as const, maxLength })),
    fc.constantFrom(...tables).map((table) => ({ type: "code" as const, table })),
    fc.constant({ type: "date" as const }),
    fc.constant({ type: "yearMonth" as const }),
    fc.constant({ type: "boolean" as const }),
    fc
      .tuple(fc.integer({ min: -100, max: 100 }), fc.integer({ min: 0, max: 1000 }))
      .map(([min, span]) => ({ type: "integer" as const, min, max: min + span }))
  )
  return fc.tuple(common, typed).map(([c, t]) => ({ key, zh, ...c, ...t }) as Indicator.NewField)
}

// Patterns whose random strings fast-check can generate, with the length they need.
const patternPalette: ReadonlyArray<{ readonly pattern: string; readonly length: number }> = [
  { pattern: "^[A-Z0-9]{1,8}$", length: 8 },
  { pattern: "^HB[0-9]{1,4}$", length: 6 },
  { pattern: "^[a-z]{2,6}$", length: 6 }
]

/** A tightening of one field that only restricts it and that records can still meet. */
const tighteningOf = (
  schema: Indicator.IndicatorSchema,
  field: Indicator.Field
): fc.Arbitrary<Indicator.Tighten> | undefined => {
  const conditional = field.absentWhen !== undefined || field.requiredOnlyWhen !== undefined
  const required: fc.Arbitrary<Indicator.Tighten> =
    !Indicator.isRequired(field) && !conditional ? fc.constant({ required: true }) : fc.constant({})
  switch (field.type) {
    case "text": {
      const max = Indicator.maxLengthOf(field)!
      if (Indicator.patternsOf(field).length > 0) return required
      const shorter = fc.integer({ min: Math.min(max, 8), max }).map((maxLength) => ({ maxLength }))
      const patterned = fc
        .constantFrom(...patternPalette.filter((p) => p.length <= max))
        .map((p) => ({ pattern: p.pattern }))
      return fc
        .tuple(required, fc.option(shorter, { nil: undefined }), fc.option(patterned, { nil: undefined }))
        .map(([r, s, p]) => ({ ...r, ...s, ...p }))
    }
    case "identityNumber":
      return fc.integer({ min: 18, max: Indicator.maxLengthOf(field)! }).map((maxLength) => ({ maxLength }))
    case "code": {
      const codes = [...Indicator.codesOf(schema, field)]
      return fc
        .tuple(required, fc.subarray(codes, { minLength: 1 }))
        .map(([r, allowedCodes]) => ({ ...r, allowedCodes }))
    }
    default:
      return Indicator.isRequired(field) || conditional ? undefined : required
  }
}

/**
 * Options of `extension`: `base`, the schema extended (default the core).
 *
 * @since 0.1.0
 */
export interface ExtensionOptions {
  readonly base?: Indicator.IndicatorSchema | undefined
}

/**
 * Random provincial extensions that `Indicator.extend` accepts over `base` (M11.2; the test kit's tests check it): a province, possibly a new code
 * table, new groups with new fields of every type, new fields in existing groups, and tightenings (required, shorter,
 * patterned, fewer codes) that records can still meet.
 *
 * @since 0.1.0
 */
export const extension = (options: ExtensionOptions = {}): fc.Arbitrary<Indicator.Extension> => {
  const base = options.base ?? Indicator.core
  const baseTables = base.codeTables.map((t) => t.key)
  const pairs = base.groups.flatMap((g) =>
    g.fields.flatMap((f) => {
      const t = tighteningOf(base, f)
      return t === undefined ? [] : [{ group: g.key, field: f.key, tighten: t }]
    })
  )
  return fc
    .record({
      province: fc.constantFrom(...provinceCodes()),
      tag: suffix,
      withTable: fc.boolean()
    })
    .chain(({ province, tag, withTable }) => {
      const codeTables: Array<Indicator.NewCodeTable> = withTable
        ? [
            {
              key: `ext${tag}Table`,
              zh: `扩展代码表${tag}`,
              codes: [
                { code: "1", zh: "甲" },
                { code: "2", zh: "乙" },
                { code: "3", zh: "丙" }
              ]
            }
          ]
        : []
      const tables = [...baseTables, ...codeTables.map((t) => t.key)]
      const groups = fc.array(fc.nat(), { maxLength: 2 }).chain((ns) =>
        fc.tuple(
          ...ns.map((_, i) =>
            fc
              .record({
                cardinality: fc.constantFrom("one" as const, "many" as const),
                fillers: fc.subarray(["teacher" as const, "school" as const, "bureau" as const], { minLength: 1 }),
                stages: fc.option(fc.subarray([...coveredStages], { minLength: 1 }), { nil: undefined }),
                count: fc.integer({ min: 1, max: 4 })
              })
              .chain(({ cardinality, fillers, stages, count }) =>
                fc
                  .tuple(
                    ...Array.from({ length: count }, (_, j) =>
                      newFieldSpec(`ext${tag}G${i}F${j}`, `扩展${tag}类别${i}指标${j}`, tables)
                    )
                  )
                  .map(
                    (fields): Indicator.NewGroup => ({
                      key: `ext${tag}Group${i}`,
                      zh: `扩展${tag}类别${i}`,
                      cardinality,
                      fillers: fillers as [Indicator.Filler, ...Array<Indicator.Filler>],
                      fields,
                      ...(stages === undefined ? {} : { stages })
                    })
                  )
              )
          )
        )
      )
      const fields = fc
        .subarray(
          base.groups.map((g) => g.key),
          { maxLength: 3 }
        )
        .chain((keys) =>
          fc.tuple(
            ...keys.map((key) =>
              fc
                .integer({ min: 1, max: 3 })
                .chain((count) =>
                  fc.tuple(
                    ...Array.from({ length: count }, (_, j) =>
                      newFieldSpec(`ext${tag}F${j}`, `扩展${tag}指标${j}`, tables)
                    )
                  )
                )
                .map((specs) => [key, specs] as const)
            )
          )
        )
        .map((entries) => Object.fromEntries(entries))
      const tighten = fc
        .subarray(pairs, { maxLength: 8 })
        .chain((chosen) => fc.tuple(...chosen.map((p) => p.tighten.map((t) => ({ ...p, t })))))
        .map((chosen) => {
          const out: Record<string, Record<string, Indicator.Tighten>> = {}
          for (const { group, field, t } of chosen) out[group] = { ...out[group], [field]: t }
          return out
        })
      return fc.record({ groups, fields, tighten }).map(
        (parts): Indicator.Extension => ({
          province,
          groups: parts.groups,
          fields: parts.fields,
          tighten: parts.tighten,
          codeTables
        })
      )
    })
}

// ── Refused extensions ───────────────────────────────────────────────────────────────────────────────────────────

/**
 * An extension that tries to change an existing indicator, with what it tries (`attempted`) and the group and
 * field it names.
 *
 * @since 0.1.0
 */
export interface RefusedExtension {
  readonly extension: Indicator.Extension
  readonly attempted: "remove" | "rename" | "retype" | "loosen"
  readonly group: string | undefined
  readonly field: string | undefined
}

const asNewField = (f: Indicator.Field): Indicator.NewField => {
  const common = { key: f.key, zh: f.zh, required: f.required }
  switch (f.type) {
    case "text":
      return { ...common, type: "text", maxLength: f.maxLength }
    case "identityNumber":
      return { ...common, type: "text", maxLength: f.maxLength }
    case "code":
      return { ...common, type: "code", table: f.table }
    case "integer":
      return { ...common, type: "integer", min: f.min, max: f.max }
    default:
      return { ...common, type: f.type }
  }
}

const otherType = (f: Indicator.Field): Indicator.NewField => {
  const common = { key: f.key, zh: f.zh }
  return f.type === "boolean" ? { ...common, type: "date" } : { ...common, type: "boolean" }
}

type Mutation = Omit<RefusedExtension, "extension"> & {
  readonly apply: (e: Indicator.Extension) => Indicator.Extension
}

const withTighten =
  (group: string, field: string, t: Record<string, unknown>) =>
  (e: Indicator.Extension): Indicator.Extension => ({
    ...e,
    tighten: { ...e.tighten, [group]: { ...e.tighten?.[group], [field]: t as Indicator.Tighten } }
  })

const withField =
  (group: string, spec: Indicator.NewField) =>
  (e: Indicator.Extension): Indicator.Extension => ({
    ...e,
    fields: { ...e.fields, [group]: [...(e.fields?.[group] ?? []), spec] }
  })

const mutations = (base: Indicator.IndicatorSchema): fc.Arbitrary<Mutation> => {
  const coreFields = base.groups.flatMap((g) => g.fields.map((f) => ({ g, f })))
  const anyField = fc.constantFrom(...coreFields)
  const remove = fc.oneof(
    fc.tuple(fc.constantFrom("remove", "delete", "drop"), anyField).map(
      ([word, { g, f }]): Mutation => ({
        attempted: "remove",
        group: undefined,
        field: undefined,
        apply: (e) => ({ ...e, [word]: [{ group: g.key, field: f.key }] }) as Indicator.Extension
      })
    ),
    fc.tuple(anyField, fc.constantFrom("remove", "hidden", "omit")).map(
      ([{ g, f }, word]): Mutation => ({
        attempted: "remove",
        group: g.key,
        field: f.key,
        apply: withTighten(g.key, f.key, { [word]: true })
      })
    ),
    fc
      .constantFrom(...base.groups)
      .chain((g) => fc.integer({ min: 0, max: g.fields.length - 1 }).map((dropped) => ({ g, dropped })))
      .map(
        ({ g, dropped }): Mutation => ({
          attempted: "remove",
          group: g.key,
          field: g.fields[dropped]!.key,
          apply: (e) => ({
            ...e,
            groups: [
              ...(e.groups ?? []),
              {
                key: g.key,
                zh: g.zh,
                cardinality: g.cardinality,
                fillers: g.fillers as [Indicator.Filler, ...Array<Indicator.Filler>],
                fields: g.fields.filter((_, i) => i !== dropped).map(asNewField)
              }
            ]
          })
        })
      )
  )
  const representable = coreFields.filter(({ f }) => f.type !== "identityNumber")
  const rename = fc.oneof(
    fc.tuple(anyField, fc.constantFrom("zh", "key", "rename", "name")).map(
      ([{ g, f }, word]): Mutation => ({
        attempted: "rename",
        group: g.key,
        field: f.key,
        apply: withTighten(g.key, f.key, { [word]: `${f.key}Renamed` })
      })
    ),
    fc.constantFrom(...representable).map(
      ({ g, f }): Mutation => ({
        attempted: "rename",
        group: g.key,
        field: f.key,
        apply: withField(g.key, { ...asNewField(f), zh: `${f.zh}（新）`, required: true })
      })
    ),
    fc.constantFrom(...representable).map(
      ({ g, f }): Mutation => ({
        attempted: "rename",
        group: g.key,
        field: `${f.key}Renamed`,
        apply: withField(g.key, { ...asNewField(f), key: `${f.key}Renamed` })
      })
    )
  )
  const retype = fc.oneof(
    anyField.map(
      ({ g, f }): Mutation => ({
        attempted: "retype",
        group: g.key,
        field: f.key,
        apply: withField(g.key, otherType(f))
      })
    ),
    fc.tuple(anyField, fc.constantFrom("type", "table", "format")).map(
      ([{ g, f }, word]): Mutation => ({
        attempted: "retype",
        group: g.key,
        field: f.key,
        apply: withTighten(g.key, f.key, { [word]: "integer" })
      })
    )
  )
  const requiredFields = coreFields.filter(({ f }) => Indicator.isRequired(f))
  const textFields = coreFields.filter(({ f }) => f.type === "text" || f.type === "identityNumber")
  const codeFields = coreFields.filter(({ f }) => f.type === "code")
  const requiredRepresentable = requiredFields.filter(({ f }) => f.type !== "identityNumber")
  const loosen = fc.oneof(
    fc.constantFrom(...requiredFields).map(
      ({ g, f }): Mutation => ({
        attempted: "loosen",
        group: g.key,
        field: f.key,
        apply: withTighten(g.key, f.key, { required: false })
      })
    ),
    fc.tuple(fc.constantFrom(...textFields), fc.integer({ min: 1, max: 1000 })).map(
      ([{ g, f }, more]): Mutation => ({
        attempted: "loosen",
        group: g.key,
        field: f.key,
        apply: withTighten(g.key, f.key, { maxLength: Indicator.maxLengthOf(f)! + more })
      })
    ),
    fc
      .tuple(fc.constantFrom(...codeFields), fc.string({ minLength: 1, maxLength: 4 }))
      .filter(([{ f }, code]) => !Indicator.codesOf(base, f).has(code))
      .map(
        ([{ g, f }, code]): Mutation => ({
          attempted: "loosen",
          group: g.key,
          field: f.key,
          apply: withTighten(g.key, f.key, { allowedCodes: [...Indicator.codesOf(base, f)].slice(0, 1).concat(code) })
        })
      ),
    fc.constantFrom(...requiredRepresentable).map(
      ({ g, f }): Mutation => ({
        attempted: "loosen",
        group: g.key,
        field: f.key,
        apply: withField(g.key, { ...asNewField(f), required: false })
      })
    )
  )
  return fc.oneof(remove, rename, retype, loosen)
}

/**
 * Extensions that `Indicator.extend` must refuse (M11.2): a random valid extension with one attempt to remove,
 * rename, retype or loosen an indicator of `base` (a "remove"/"hidden" property, a group redeclared without one of
 * its fields, a new field with an existing key or Chinese name, a changed type, `required: false`, a longer
 * `maxLength`, a code outside the table, …).
 *
 * @since 0.1.0
 */
export const refusedExtension = (options: ExtensionOptions = {}): fc.Arbitrary<RefusedExtension> => {
  const base = options.base ?? Indicator.core
  return fc.tuple(extension({ base }), mutations(base)).map(([valid, m]) => ({
    extension: m.apply(valid),
    attempted: m.attempted,
    group: m.group,
    field: m.field
  }))
}

// ── Examples: fixed, valid records for example tests ────────────────────────────────────────────────────────────

/**
 * A valid type-1 identity number of a woman born 1990-03-07 in 420102 (江岸区), the n-th from sequence 122:
 * exampleIdentityNumber(0) = 420102199003071224, woman(1) = …1240, woman(8) = …138X.
 *
 * @since 0.1.0
 */
export const exampleIdentityNumber = (n: number): string => {
  const first17 = `42010219900307${String(122 + 2 * n).padStart(3, "0")}`
  return first17 + IdentityNumber.checkCharacter(first17)
}

/**
 * A valid basic-information record (基本信息) of a primary-school teacher, with `overrides`.
 *
 * @since 0.1.0
 */
export const exampleBasicInfo = (overrides: Readonly<Record<string, unknown>> = {}): Record<string, unknown> => ({
  name: "李老师",
  sex: "2",
  nationality: "156",
  idType: "1",
  idNumber: exampleIdentityNumber(0),
  birthDate: "1990-03-07",
  ethnicity: "01",
  politicalStatus: "13",
  workStartMonth: "2012-09",
  schoolEntryMonth: "2015-09",
  staffSource: "11",
  staffCategory: "11",
  onEstablishment: true,
  contractStatus: "1",
  normalMajorGraduate: true,
  specialEducationTrained: false,
  specialEducationCertificate: false,
  itApplicationAbility: "1",
  publicFundedNormalStudent: "0",
  grassrootsService: "0",
  specialGradeTeacher: false,
  backboneTeacher: false,
  mentalHealthTeacher: false,
  personnelStatus: "11",
  ...overrides
})

/**
 * The column headers of a school's import file of basic information, as `@tmis/import` reads them (Chinese, one
 * column per core indicator of the group).
 *
 * @since 0.1.0
 */
export const exampleImportHeaders: ReadonlyArray<string> = [
  "姓名",
  "性别",
  "国籍/地区",
  "身份证件类型",
  "身份证件号",
  "出生日期",
  "民族",
  "政治面貌",
  "参加工作年月",
  "进本校年月",
  "教职工来源",
  "教职工类别",
  "是否在编",
  "签订合同情况",
  "是否全日制师范类专业毕业",
  "是否受过特教专业培养培训",
  "是否有特殊教育从业证书",
  "信息技术应用能力",
  "是否属于免费（公费）师范生",
  "是否参加基层服务项目",
  "是否是特级教师",
  "是否县级及以上骨干教师",
  "是否心理健康教育教师",
  "人员状态"
]

/**
 * A row of such a file for a woman born 1990-03-07, as a school writes it (names of codes, 是/否, 2015/9), with
 * `overrides` by header; in the order of {@link exampleImportHeaders}.
 *
 * @since 0.1.0
 */
export const exampleImportRow = (
  name: string,
  idNumber: string,
  overrides: Readonly<Record<string, string>> = {}
): Array<string> => {
  const values: Record<string, string> = {
    姓名: name,
    性别: "女",
    "国籍/地区": "156",
    身份证件类型: "1",
    身份证件号: idNumber,
    出生日期: "1990-03-07",
    民族: "汉族",
    政治面貌: "13",
    参加工作年月: "2012-09",
    进本校年月: "2015/9",
    教职工来源: "11",
    教职工类别: "11",
    是否在编: "是",
    签订合同情况: "1",
    是否全日制师范类专业毕业: "是",
    是否受过特教专业培养培训: "否",
    是否有特殊教育从业证书: "否",
    信息技术应用能力: "1",
    "是否属于免费（公费）师范生": "0",
    是否参加基层服务项目: "0",
    是否是特级教师: "否",
    是否县级及以上骨干教师: "否",
    是否心理健康教育教师: "否",
    人员状态: "11",
    ...overrides
  }
  return exampleImportHeaders.map((h) => values[h] ?? "")
}
