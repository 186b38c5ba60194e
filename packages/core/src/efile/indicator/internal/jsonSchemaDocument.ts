/**
 * The JSON Schema (draft 2020-12) document of a compiled record group and of its fields: what `jsonSchema` returns
 * and what `decoder` carries as its JSON Schema annotation.
 */
import { type Condition, type Field, isRequired, maxLengthOf, patternsOf } from "../Model.js"
import { alwaysRequired, type Compiled, negate } from "./compiled.js"

/**
 * A JSON Schema document (draft 2020-12), as plain JSON.
 *
 * @since 0.1.0
 */
export type JsonSchema = { readonly [key: string]: unknown }

const yearMonthPattern = "^[0-9]{4}-(0[1-9]|1[0-2])$"
const datePattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

export const propertySchema = (c: Compiled, field: Field): JsonSchema => {
  const common = {
    title: field.zh,
    ...(field.note === undefined ? {} : { description: field.note }),
    "x-tmis-origin": field.origin,
    "x-tmis-confirmed": field.confirmed
  }
  switch (field.type) {
    case "text": {
      // A value is not blank: one non-space character; further patterns go in allOf.
      const [first, ...rest] = ["\\S", ...patternsOf(field)]
      return {
        type: "string",
        maxLength: maxLengthOf(field),
        pattern: first,
        ...(rest.length === 0 ? {} : { allOf: rest.map((pattern) => ({ pattern })) }),
        ...common
      }
    }
    case "identityNumber":
      return {
        type: "string",
        maxLength: maxLengthOf(field),
        pattern: "^[0-9A-Za-z()-]+$",
        ...common
      }
    case "code":
      return { type: "string", enum: [...c.codes.get(field.key)!.allowed], "x-tmis-codeTable": field.table, ...common }
    case "date":
      return { type: "string", format: "date", pattern: datePattern, ...common }
    case "yearMonth":
      return { type: "string", pattern: yearMonthPattern, ...common }
    case "boolean":
      return { type: "boolean", ...common }
    case "integer":
      return { type: "integer", minimum: field.min, maximum: field.max, ...common }
  }
}

const conditionSchema = (cond: Condition): JsonSchema => ({
  properties: { [cond.field]: "equals" in cond ? { const: cond.equals } : { not: { const: cond.notEquals } } },
  required: [cond.field]
})

// biome-ignore lint/suspicious/noThenProperty: "then" is JSON Schema's keyword, the object is plain data.
const ifThen = (condition: JsonSchema, consequence: JsonSchema): JsonSchema => ({ if: condition, then: consequence })

export const document = (c: Compiled): JsonSchema => {
  const properties: Record<string, JsonSchema> = {}
  for (const field of c.fields) properties[field.key] = propertySchema(c, field)
  const conditions: Array<JsonSchema> = []
  for (const field of c.fields) {
    if (field.absentWhen !== undefined) {
      conditions.push(ifThen(conditionSchema(field.absentWhen), { not: { required: [field.key] } }))
    }
    if (isRequired(field) && (field.requiredOnlyWhen !== undefined || field.absentWhen !== undefined)) {
      const when = [
        ...(field.requiredOnlyWhen === undefined ? [] : [conditionSchema(field.requiredOnlyWhen)]),
        ...(field.absentWhen === undefined ? [] : [conditionSchema(negate(field.absentWhen))])
      ]
      conditions.push(ifThen(when.length === 1 ? when[0]! : { allOf: when }, { required: [field.key] }))
    }
  }
  const rules = c.group.rules.map((r) =>
    r.type === "order"
      ? { id: r.id, rule: "M11.1", earlier: r.earlier, later: r.later, strict: r.strict, zh: r.zh, en: r.en }
      : {
          id: r.id,
          rule: "M17.3",
          documentType: r.documentType,
          number: r.number,
          birthDate: r.birthDate,
          sex: r.sex,
          zh: "证件类型为居民身份证时，证件号须符合GB 11643且与出生日期、性别一致",
          en: "with document type 1 the number is a valid GB 11643 identity number agreeing with the birth date and sex"
        }
  )
  const scope = c.schema.provinces.length === 0 ? "core" : c.schema.provinces.join("+")
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `urn:tmis:indicator:${scope}:${c.group.key}:${c.stage}`,
    title: `${c.group.zh} (${c.group.key})`,
    description:
      `A ${c.group.key} record (${c.group.cardinality === "one" ? "one per teacher" : "many per teacher"}) ` +
      `of the e-file of a ${c.stage} school; rules beyond JSON Schema are listed in x-tmis-rules.`,
    type: "object",
    properties,
    required: c.fields.filter(alwaysRequired).map((f) => f.key),
    additionalProperties: false,
    ...(conditions.length === 0 ? {} : { allOf: conditions }),
    "x-tmis-group": {
      key: c.group.key,
      zh: c.group.zh,
      cardinality: c.group.cardinality,
      fillers: c.group.fillers,
      origin: c.group.origin
    },
    "x-tmis-rules": rules
  }
}
