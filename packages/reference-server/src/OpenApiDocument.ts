/**
 * What the OpenAPI document says beyond the endpoints' own schemas: the statuses the server answers before the API
 * runs (`Server.ts`: 405 with `Allow` on every path, 411, 413 and 415 where a request has a body), and the JSON
 * Schema of the core basic information (基本信息), so that `/docs` shows its fields and an example. Documentation
 * only: neither changes what a request is refused for.
 *
 * @since 0.1.0
 */
import { Indicator, SchoolType } from "@tmis/core"
import { Either } from "effect"

// biome-ignore lint/suspicious/noExplicitAny: the generated document (as `OpenApi.Transform` types it), walked field by field
type Json = Record<string, any>

const operationMethods = ["get", "put", "post", "delete", "patch"] as const

/** The statuses of refusals made before the API runs, for requests that may have a body (POST, PUT). */
const bodyStatuses = ["411", "413", "415"]

const bodyResponses: Record<string, string> = {
  "405":
    "Method Not Allowed: this path with a method it does not take; the `Allow` header names those it takes (HEAD " +
    "wherever GET)",
  "411": "Length Required: a body without a `Content-Length` (chunked) is refused before any of it is read",
  "413": "Payload Too Large: a JSON body over 1 MiB, or an upload over 256 MiB (the server's defaults)",
  "415":
    "Unsupported Media Type: a JSON body that is not `application/json`; an upload that is not " +
    "`application/octet-stream` or the XLSX media type"
}

/**
 * The generated document as the server answers: every operation lists 405 (with its `Allow` header, the methods of
 * its path as `Server.allowedMethods` computes them); POST and PUT list 411, 413 and 415, which the server answers
 * before decoding a body, and not 503, since only reads (GET) are cut short; GET lists neither. The API declares
 * these errors once for all (`Api.ts`), this puts each where it applies.
 *
 * @since 0.1.0
 */
export const serverStatuses = (spec: Json): Json => {
  for (const item of Object.values<Json>(spec.paths ?? {})) {
    const methods = operationMethods.filter((method) => item[method] !== undefined)
    const allow = [...new Set(methods.flatMap((m) => (m === "get" ? ["GET", "HEAD"] : [m.toUpperCase()])))].sort()
    for (const method of methods) {
      const responses: Json = item[method].responses
      const hasBody = method === "post" || method === "put"
      for (const status of bodyStatuses) {
        if (!hasBody) delete responses[status]
        else if (responses[status] !== undefined) responses[status].description = bodyResponses[status]
      }
      if (hasBody) delete responses["503"]
      if (responses["405"] !== undefined) {
        responses["405"].description = bodyResponses["405"]
        responses["405"].headers = {
          Allow: {
            description: "the methods this path takes",
            required: true,
            schema: { type: "string", enum: [allow.join(", ")] }
          }
        }
      }
      // Status order as the generator writes it (numeric keys sort anyway; kept explicit for the snapshot).
      item[method].responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)))
    }
  }
  return spec
}

/**
 * A basic-information record the core accepts for a school of any stage: what `/docs` shows as the example body.
 * The identity number agrees with the birth date and sex (M17.3).
 *
 * @since 0.1.0
 */
export const basicInfoExample: Indicator.BasicInfo = {
  name: "王丽",
  sex: "2",
  nationality: "156",
  idType: "1",
  idNumber: "420102198503120147",
  birthDate: "1985-03-12",
  ethnicity: "01",
  politicalStatus: "13",
  workStartMonth: "2007-09",
  schoolEntryMonth: "2009-09",
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
  personnelStatus: "11"
}

const stages: ReadonlyArray<SchoolType.Stage> = SchoolType.Stage.literals

/**
 * The JSON Schema of a core group's records (M11.1), from the core's own documents (`Indicator.jsonSchema`) of every
 * stage: their fields (the same field has the same schema at every stage), each field kept by some stages only
 * marked with `x-tmis-stages`; the required fields, the conditional rules and the `x-tmis-rules` of the first stage.
 */
const groupJsonSchema = (group: string): Json => {
  // A group kept by some stages only (its `stages`) has no document at the others.
  const documents = stages.flatMap((stage) =>
    Either.match(Indicator.jsonSchema(Indicator.core, group, stage), {
      onLeft: () => [],
      onRight: (document) => [{ stage, document: document as Json }]
    })
  )
  const properties: Record<string, Json> = {}
  const kept = new Map<string, Array<SchoolType.Stage>>()
  for (const { stage, document } of documents) {
    for (const [key, schema] of Object.entries<Json>(document.properties)) {
      properties[key] ??= schema
      kept.set(key, [...(kept.get(key) ?? []), stage])
    }
  }
  for (const [key, at] of kept) {
    if (at.length < documents.length) properties[key] = { ...properties[key], "x-tmis-stages": at }
  }
  const {
    $schema: _schema,
    $id: _id,
    properties: _properties,
    additionalProperties: _closed,
    ...rest
  } = documents[0]!.document
  const byStage = documents.length < stages.length ? { "x-tmis-stages": documents.map((d) => d.stage) } : {}
  return { ...rest, ...byStage, properties }
}

/**
 * The JSON Schema of the basic information under the core indicators (M11.1) ({@link groupJsonSchema}): a province's
 * extension adds its own fields (M11.2), and the core validator, not this schema, refuses what is not the
 * deployment's.
 *
 * @since 0.1.0
 */
export const basicInfoJsonSchema: Json = {
  ...groupJsonSchema("basicInfo"),
  description:
    "The basic information (基本信息) of a teacher under the national core indicators (M11.1), checked by the core " +
    "against the indicator schema of the deployment and the stage of the keeping school: a field marked " +
    "`x-tmis-stages` belongs to those stages only, a province's extension adds its own (M11.2), anything else is " +
    "refused (422, with the rule and the field). The identity number agrees with the birth date and sex, else the " +
    "record is kept as problem data (M17.3); the order rules are under `x-tmis-rules`.",
  examples: [basicInfoExample]
}

const groupName = (key: string) => Indicator.core.groups.find((g) => g.key === key)?.zh ?? key

/**
 * The JSON Schema of a new entry's body: one shape a core group (M11.1), told apart by `group`, its `data` that
 * group's record — so that `/docs` shows each group's fields. A province's extension groups and fields (M11.2) are
 * the deployment's: `GET /indicators` gives them; the core validator refuses what is not the deployment's.
 *
 * @since 0.1.0
 */
export const newEntryJsonSchema: Json = {
  description:
    "A record of one group of the e-file (M11.1, M16.1): `group` names it, `data` holds its fields, checked by the " +
    "core against the deployment's indicators (`GET /indicators`: the core groups below and a province's own, M11.2).",
  oneOf: Indicator.coreGroupKeys.map((group) => ({
    type: "object",
    title: `${group} (${groupName(group)})`,
    required: ["group", "data"],
    properties: { group: { const: group }, data: groupJsonSchema(group) },
    additionalProperties: false
  })),
  discriminator: { propertyName: "group" }
}

/**
 * The JSON Schema of a change to a record (M16.1, M20.1): some fields of the record's group, each as that group
 * defines it; which group is the record's own.
 *
 * @since 0.1.0
 */
export const recordChangeJsonSchema: Json = {
  description:
    "Fields of the record's group (M11.1) with their new values: the group is the record's own; the core checks " +
    "the record as changed against the deployment's indicators (M11.2).",
  anyOf: Indicator.coreGroupKeys.map((group) => {
    const { required: _required, if: _if, then: _then, else: _else, allOf: _allOf, ...schema } = groupJsonSchema(group)
    return { ...schema, title: `${group} (${groupName(group)})` }
  })
}
