/**
 * The OpenAPI 3.1 document of the API: kept as a file snapshot so that any change of the API shows up in review,
 * checked for what clients rely on (every path, closed request bodies, the error responses, the security schemes),
 * and compared with what the running server serves at `/openapi.json`.
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { OpenApi } from "@effect/platform"
import { Indicator, Regulation, SchoolType } from "@tmis/core"
import { Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Api from "../src/Api.js"
import * as OpenApiDocument from "../src/OpenApiDocument.js"
import { allowedMethods } from "../src/Server.js"
import { type Backend, client, type Running, sqlite, start } from "./support.js"

// The server serves `HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })` without options, i.e. the
// generator's default strategy, which is "strict" (every struct gets `additionalProperties: false`). Beware:
// `OpenApi.fromApi` caches its document per API object and ignores the options on a hit, so within one process the
// first caller's strategy wins (the `/docs` page calls it without options too).
const spec = OpenApi.fromApi(Api.Api)

const snapshot = fileURLToPath(new URL("./__snapshots__/openapi.json", import.meta.url))

/**
 * The document as the repository's formatter writes it: `biome check .` (the lint step) also checks the snapshot,
 * and would refuse plain `JSON.stringify` output (it puts short arrays on one line).
 */
const formatted = (value: unknown): string =>
  execFileSync(
    fileURLToPath(new URL("../../../node_modules/.bin/biome", import.meta.url)),
    ["format", `--stdin-file-path=${snapshot}`],
    { input: `${JSON.stringify(value, null, 2)}\n`, encoding: "utf8" }
  )

/** Every path of the API, written out so that a path that disappears fails here and not only in the snapshot. */
const paths = [
  "/auth/login",
  "/auth/platform",
  "/auth/password",
  "/auth/logout",
  "/auth/me",
  "/units/{unitId}",
  "/units/{unitId}/subtree",
  "/units/{unitId}/versions",
  "/units/{unitId}/units",
  "/units/{unitId}/changes",
  "/units/{unitId}/accounts",
  "/accounts/{accountId}/disable",
  "/accounts/{accountId}/enable",
  "/accounts/{accountId}/password",
  "/accounts/{accountId}/certificate",
  "/efiles",
  "/efiles/{teacherId}",
  "/units/{unitId}/efiles",
  "/me/efile",
  "/duplicates",
  "/efiles/{teacherId}/entries",
  "/entries/{entryId}/review",
  "/entries/{entryId}/change-requests",
  "/change-requests/{requestId}/approve",
  "/change-requests/{requestId}/refuse",
  "/efiles/{teacherId}/status",
  "/units/{unitId}/statistics/status",
  "/units/{unitId}/imports",
  "/imports/{batchId}",
  "/imports/{batchId}/report",
  "/transfers",
  "/rotations",
  "/workflows/inbox",
  "/workflows",
  "/workflows/{workflowId}",
  "/workflows/{workflowId}/actions",
  "/audit/verify",
  "/audit",
  "/indicators",
  "/indicators/template.xlsx",
  "/update-cycles",
  "/units/{unitId}/update-cycles/{cycle}/completion",
  "/units/{unitId}/update-cycles/{cycle}/report",
  "/spot-checks",
  "/spot-checks/{checkId}",
  "/spot-checks/{checkId}/findings",
  "/spot-checks/{checkId}/publish",
  "/spot-checks/{checkId}/change-requests",
  "/registrations",
  "/registrations/{roundId}",
  "/registrations/{roundId}/actions",
  "/units/{unitId}/registrations",
  "/units/{unitId}/report",
  "/units/{unitId}/report.html",
  "/units/{unitId}/report.xlsx",
  "/units/{unitId}/report.pdf",
  "/units/{unitId}/forecast",
  "/statistics/query",
  "/units/{unitId}/statistics/allocation",
  "/training/providers",
  "/training/providers/{providerId}/disable",
  "/training/projects",
  "/units/{unitId}/training/projects",
  "/training/projects/{projectId}/approval",
  "/training/projects/{projectId}/enrolments",
  "/training/results/awaiting",
  "/training/results/{resultId}",
  "/training/results/{resultId}/confirm",
  "/training/confirmations",
  "/training/results/{resultId}/reject",
  "/efiles/{teacherId}/credits",
  "/efiles/{teacherId}/credits/{entryId}/reversal",
  "/provider/results",
  "/provider/results/file",
  "/provider/results/{resultId}/resubmission",
  "/sharing/requests",
  "/sharing/requests/{sharingRequestId}",
  "/sharing/requests/{sharingRequestId}/decision",
  "/sharing/grants",
  "/sharing/grants/{grantId}",
  "/sharing/grants/{grantId}/revoke",
  "/sharing/grants/{grantId}/clients",
  "/sharing/grants/{grantId}/usage",
  "/shared/efiles",
  "/exchange/export",
  "/exchange/sent/{sequence}",
  "/exchange/import-feedback",
  "/exchange/ingest",
  "/exchange/feedback",
  "/exchange/transfers/export",
  "/exchange/transfers/sent/{province}/{sequence}",
  "/exchange/transfers/ingest",
  "/transfers-across",
  "/transfers-across/{transferId}",
  "/transfers-across/{transferId}/actions",
  "/units/{unitId}/change-requests"
]

/** The endpoints anyone may call: everything else needs a session. */
const publicPaths = new Set(["/auth/login", "/auth/platform", "/auth/password"])

/** The endpoints of machines, not sessions: training providers with their own key (M25.2), sharing clients with a signed token (M30.1). */
const providerPaths = new Set([
  "/provider/results",
  "/provider/results/file",
  "/provider/results/{resultId}/resubmission",
  "/shared/efiles"
])

type Operation = OpenApi.OpenAPISpecOperation
const methods = ["get", "put", "post", "delete", "patch"] as const

const operations = (): Array<{ readonly path: string; readonly method: string; readonly operation: Operation }> =>
  Object.entries(spec.paths).flatMap(([path, item]) =>
    methods.flatMap((method) => {
      const operation = item[method]
      return operation === undefined ? [] : [{ path, method, operation }]
    })
  )

/** The shapes a body may take: the members of an `anyOf` (the generator nests unions of unions), else itself. */
// biome-ignore lint/suspicious/noExplicitAny: JSON Schema is read field by field
const members = (schema: any): Array<any> => {
  const variants = schema.anyOf ?? schema.oneOf
  return variants === undefined ? [schema] : variants.flatMap((member: unknown) => members(resolve(member)))
}

/** A schema of the document, following a `$ref` into the components. */
// biome-ignore lint/suspicious/noExplicitAny: JSON Schema is read field by field
const resolve = (schema: any): any => {
  const ref: unknown = schema?.$ref
  if (typeof ref !== "string") return schema
  const name = ref.replace("#/components/schemas/", "")
  const found = spec.components.schemas[name]
  if (found === undefined) throw new Error(`dangling reference ${ref}`)
  return resolve(found)
}

describe("the OpenAPI document", () => {
  it("matches the committed snapshot (a change of the API shows up in review)", async () => {
    await expect(formatted(spec)).toMatchFileSnapshot(snapshot)
  })

  it("is OpenAPI 3.1.0 and lists every path of the API, and no other", () => {
    expect(spec.openapi).toBe("3.1.0")
    expect(Object.keys(spec.paths).sort()).toEqual([...paths].sort())
    // One operation a path, but two paths with two: a unit's accounts and sharing requests (GET lists, POST creates).
    expect(operations()).toHaveLength(paths.length + 2)
  })

  it("closes every JSON request body: additionalProperties false (no mass assignment)", () => {
    const bodies = operations().flatMap(({ path, method, operation }) => {
      const json = operation.requestBody?.content["application/json"]
      return json === undefined ? [] : [{ at: `${method} ${path}`, schema: resolve(json.schema) }]
    })
    // Every POST and PUT takes a JSON body, except the logout (no body) and the uploads (raw bytes).
    const writes = operations().filter(({ method }) => method === "post" || method === "put")
    const uploads = new Set(["/units/{unitId}/imports", "/provider/results/file"])
    expect(bodies.map(({ at }) => at).sort()).toEqual(
      writes
        .filter(({ path }) => path !== "/auth/logout" && !uploads.has(path))
        .map(({ path, method }) => `${method} ${path}`)
        .sort()
    )
    expect(bodies).toHaveLength(54)
    // A body that is one of several shapes (a confirmation or a rejection) closes each of them.
    for (const { at, schema } of bodies) {
      for (const member of members(schema)) {
        expect(member.type, at).toBe("object")
        expect(member.additionalProperties, at).toBe(false)
      }
    }
    // Named bodies, including nested ones and the variants of a review command.
    for (const name of [
      "Login",
      "NewUnit",
      "SchoolAttributes",
      "NewAccount",
      "Person",
      "NewHire",
      "Employment",
      "ReviewRequest",
      "Submit",
      "ApproveBySchool",
      "FlagProblem",
      "Problem",
      "TransferRequest",
      "RotationRequest",
      "Period",
      "Confirm",
      "RejectOrWithdraw",
      "TransferAcrossRequest",
      "ConfirmAcross",
      "RejectOrWithdrawAcross"
    ]) {
      expect(resolve({ $ref: `#/components/schemas/${name}` }).additionalProperties, name).toBe(false)
    }
    // Indicator records are deliberately open here: the core validates them against the deployment's schema (M11).
    const indicators = resolve({ $ref: "#/components/schemas/IndicatorRecord" })
    expect(indicators.type).toBe("object")
    expect(indicators.additionalProperties).toBeUndefined()
    expect(resolve({ $ref: "#/components/schemas/BasicInfo" }).additionalProperties).toBeUndefined()
  })

  it("gives every operation a summary and a description naming who may call it and the rules, all in the registry", () => {
    for (const { path, method, operation } of operations()) {
      const at = `${method} ${path}`
      expect(operation.summary?.length ?? 0, at).toBeGreaterThan(0)
      expect(operation.description ?? "", at).toMatch(/Who may call it|Who may send what/)
      const cited = (operation.description ?? "").match(/\b[MO]\d+\.\d+\b/g) ?? []
      expect(cited.length, `${at} cites no rule`).toBeGreaterThan(0)
      for (const id of cited) expect(Regulation.isRuleId(id), `${at} cites ${id}`).toBe(true)
    }
  })

  it("documents the basic information of a new hire with the core's fields of every stage and an example it accepts", () => {
    const newHire = resolve({ $ref: "#/components/schemas/NewHire" })
    expect(newHire.properties.basicInfo).toEqual({ $ref: "#/components/schemas/BasicInfo" })
    const basicInfo = resolve(newHire.properties.basicInfo)
    expect(basicInfo.type).toBe("object")
    for (const stage of SchoolType.Stage.literals) {
      const core = Either.getOrThrow(Indicator.jsonSchema(Indicator.core, "basicInfo", stage))
      // Every field of the stage, with the core's own schema (plus the stages it belongs to, for a stage's own).
      for (const [key, schema] of Object.entries(core.properties as Record<string, object>)) {
        expect(basicInfo.properties[key], `${stage} ${key}`).toMatchObject(schema)
      }
      expect(basicInfo.required, stage).toEqual(core.required)
      // The example is what the core accepts at every stage: /docs never shows a body the server refuses.
      const validate = Either.getOrThrow(Indicator.validator(Indicator.core, "basicInfo", stage))
      expect(Either.isRight(validate(basicInfo.examples[0])), stage).toBe(true)
    }
    expect(basicInfo.examples).toEqual([OpenApiDocument.basicInfoExample])
    expect(basicInfo.properties.dualQualified["x-tmis-stages"]).toEqual(["secondaryVocational"])
  })

  it("M11.1 documents a new entry's body as one shape per core group, and a change as fields of the record's group", () => {
    const body = (path: string) => resolve(spec.paths[path]?.post?.requestBody?.content["application/json"]?.schema)
    const entry = body("/efiles/{teacherId}/entries")
    // biome-ignore lint/suspicious/noExplicitAny: JSON Schema is read field by field
    type Member = any
    expect(entry.discriminator).toEqual({ propertyName: "group" })
    expect(entry.oneOf.map((m: Member) => m.properties.group.const)).toEqual([...Indicator.coreGroupKeys])
    const contact = entry.oneOf.find((m: Member) => m.properties.group.const === "contact")
    const fields = Indicator.core.groups.find((g) => g.key === "contact")!.fields.map((f) => f.key)
    expect(Object.keys(contact.properties.data.properties).sort()).toEqual([...fields].sort())
    const change = resolve(body("/entries/{entryId}/change-requests").properties.change)
    expect(change.anyOf).toHaveLength(Indicator.coreGroupKeys.length)
    expect(change.anyOf.every((g: Member) => g.required === undefined)).toBe(true)
  })

  it("lists 405 with its Allow header on every operation, naming the methods the server takes at the path", () => {
    for (const { path, method, operation } of operations()) {
      const at = `${method} ${path}`
      const response = operation.responses[405] as OpenApi.OpenApiSpecResponse & {
        headers?: Record<string, { required: boolean; schema: { enum: Array<string> } }>
      }
      expect(response, at).toBeDefined()
      expect(resolve(response.content?.["application/json"]?.schema)?.properties?._tag?.enum, at).toEqual([
        "MethodNotAllowed"
      ])
      const concrete = path.replace(/\{[^}]+\}/g, "x")
      expect(response.headers?.Allow?.required, at).toBe(true)
      expect(response.headers?.Allow?.schema.enum, at).toEqual([allowedMethods(concrete).join(", ")])
    }
  })

  it("lists 411, 413 and 415 where a body is read (POST, PUT), and 503 where a read is cut short (GET)", () => {
    for (const { path, method, operation } of operations()) {
      const at = `${method} ${path}`
      const withBody = method === "post" || method === "put"
      for (const status of [411, 413, 415]) {
        expect(operation.responses[status] !== undefined, `${at} ${status}`).toBe(withBody)
      }
      expect(operation.responses[503] !== undefined, `${at} 503`).toBe(method === "get")
      if (withBody) {
        expect(
          resolve(operation.responses[411]?.content?.["application/json"]?.schema)?.properties?._tag?.enum
        ).toEqual(["LengthRequired"])
        expect(
          resolve(operation.responses[415]?.content?.["application/json"]?.schema)?.properties?._tag?.enum
        ).toEqual(["UnsupportedMediaType"])
      }
    }
  })

  it("documents the upload as a raw octet stream", () => {
    const upload = spec.paths["/units/{unitId}/imports"]?.post
    expect(Object.keys(upload?.requestBody?.content ?? {})).toEqual(["application/octet-stream"])
    const results = spec.paths["/provider/results/file"]?.post
    expect(Object.keys(results?.requestBody?.content ?? {})).toEqual(["application/octet-stream"])
  })

  it("declares the 401/403/404/409/422 responses and the bearer or cookie security on every protected endpoint", () => {
    const protectedOps = operations().filter(({ path }) => !publicPaths.has(path) && !providerPaths.has(path))
    expect(protectedOps).toHaveLength(paths.length + 2 - publicPaths.size - providerPaths.size)
    for (const { path, method, operation } of protectedOps) {
      const at = `${method} ${path}`
      for (const status of [401, 403, 404, 409, 422]) {
        expect(operation.responses[status], `${at} ${status}`).toBeDefined()
      }
      expect(operation.security, at).toEqual([{ bearer: [] }, { cookie: [] }])
    }
    for (const path of publicPaths) {
      expect(spec.paths[path]?.post?.security ?? [], path).toEqual([])
    }
  })

  it("has the bearer and cookie security schemes", () => {
    expect(spec.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" })
    expect(spec.components.securitySchemes.cookie).toEqual({ type: "apiKey", name: "tmis_session", in: "cookie" })
  })
})

describe("GET /openapi.json on the running server", () => {
  let backend: Backend
  let running: Running

  beforeAll(async () => {
    backend = await sqlite()
    running = await start(backend)
  })

  afterAll(async () => {
    await running?.close()
    await backend?.drop()
  })

  it("serves the same document, without a session", async () => {
    const reply = await client(running.url).get("/openapi.json")
    expect(reply.status).toBe(200)
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/)
    expect(reply.body).toEqual(JSON.parse(JSON.stringify(spec)))
  })

  it("answers DELETE on every path of the document with the 405 and the Allow it documents", async () => {
    for (const [path, item] of Object.entries(spec.paths)) {
      const documented = Object.values(item).find((operation) => operation?.responses?.[405] !== undefined)
      expect(documented, path).toBeDefined()
      // biome-ignore lint/suspicious/noExplicitAny: the header the transform adds is not in the generator's types
      const allow = (documented!.responses[405] as any).headers.Allow.schema.enum[0]
      const reply = await client(running.url).call("DELETE", path.replace(/\{[^}]+\}/g, "x"))
      expect(reply.status, path).toBe(405)
      expect(reply.headers.get("allow"), path).toBe(allow)
      expect(reply.body, path).toMatchObject({ _tag: "MethodNotAllowed", kind: "invalid" })
    }
  })
})
