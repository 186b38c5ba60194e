/**
 * Robustness of the reference server under hostile input: random requests to every endpoint of its own OpenAPI
 * document — odd path parameters, random JSON, prototype keys, bodies with one field of the wrong type, invalid
 * identity numbers, huge bodies, random media types and query strings, good, missing and garbage credentials —
 * never crash it (no 5xx), every refusal carries a bilingual JSON body, and a refused request leaves the business
 * state of the store exactly as it was. The audit chain still verifies afterwards (M37.1).
 *
 * The business state is read straight from the store's tables (SQLite read-only, or Postgres): every table except
 * the audit log, the outbox and the sessions, which grow or change with any request (refusals are audited, every
 * request touches its session).
 */
import { Audit, Storage } from "@tmis/core"
import { Effect } from "effect"
import * as fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Answer,
  type Attacked,
  differenceOf,
  type Snapshot,
  type StoreReader,
  send,
  snapshotOf,
  startAttacked
} from "./hostile.js"
import { backends, identityNumber, login, loginAll, type Running } from "./support.js"

// ---------------------------------------------------------------------------------------------------------------
// Random requests
// ---------------------------------------------------------------------------------------------------------------

/** The accounts the random requests act as. Their ids never appear in the random login bodies (no lockout). */
const actors = ["sa-hubei", "ia-jaxx", "iq-jiangan"] as const
type ActorId = (typeof actors)[number]

/** A valid identity number (GB 11643), and corrupted ones. */
const validIdentity = identityNumber("420102", "1985-06-12", "031")
const invalidIdentities = [
  "",
  "123",
  `${validIdentity.slice(0, 17)}${validIdentity.endsWith("0") ? "1" : "0"}`,
  "ABCDEFGHIJKLMNOPQR",
  identityNumber("420102", "1985-13-32", "031"),
  identityNumber("000000", "1985-06-12", "031"),
  "４２０１０２１９８５０６１２０３１Ｘ",
  " 42010219850612031X",
  "9".repeat(32),
  "42010219850612031\u0000"
]

/** Bodies that the endpoint reads, more or less (`v` is an expected version). Keyed by "METHOD /template". */
const plausibleBodies = (ids: {
  readonly teacher: string
  readonly entry: string
}): Record<string, (v: number) => Record<string, unknown>> => ({
  "POST /auth/login": () => ({ accountId: "sa-wuhan", password: "Wrong#2026-pass" }),
  "POST /auth/platform": () => ({ token: "not-a-platform-token" }),
  "POST /auth/password": () => ({ accountId: "ia-hubu", current: "Wrong#2026-pass", next: "Next#2026-passw0rd" }),
  "POST /units/{unitId}/units": () => ({
    id: "fuzz-school",
    kind: "school",
    name: "测试学校",
    code: "2142000199",
    validFrom: "2024-01-01",
    school: { schoolType: "211", sponsor: "21" }
  }),
  "POST /units/{unitId}/accounts": () => ({
    id: "fuzz-account",
    role: "infoQueryer",
    person: { name: "测试人", identityNumber: validIdentity }
  }),
  "POST /accounts/{accountId}/disable": (v) => ({ expectedVersion: v }),
  "PUT /accounts/{accountId}/password": (v) => ({ password: "Reset#2026-passw0rd", expectedVersion: v }),
  "PUT /accounts/{accountId}/certificate": (v) => ({
    fingerprint: "ab".repeat(32),
    notBefore: "2024-01-01T00:00:00Z",
    notAfter: "2030-01-01T00:00:00Z",
    expectedVersion: v
  }),
  "POST /efiles": () => ({
    unitId: "jaxx",
    basicInfo: { name: "测试", sex: "1", idType: "1", idNumber: validIdentity, birthDate: "1985-06-12" },
    employment: { onEstablishment: true, postCategory: "1" }
  }),
  "POST /efiles/{teacherId}/entries": () => ({
    group: "workHistory",
    data: { employer: "测试单位", startMonth: "2010-09" }
  }),
  "POST /entries/{entryId}/review": (v) => ({ command: { type: "submit" }, expectedVersion: v }),
  "POST /entries/{entryId}/change-requests": () => ({ change: { idNumber: validIdentity }, reason: "更正" }),
  "POST /change-requests/{requestId}/approve": (v) => ({ expectedVersion: v }),
  "POST /change-requests/{requestId}/refuse": (v) => ({ reason: "不符", expectedVersion: v }),
  "POST /efiles/{teacherId}/status": (v) => ({ status: "notServing", effective: "2024-01-01", expectedVersion: v }),
  "POST /transfers": () => ({ teacherId: ids.teacher, toUnitId: "jaxx", effective: "2027-09-01", reason: "工作需要" }),
  "POST /rotations": () => ({
    teacherId: ids.teacher,
    toUnitId: "whez",
    personnelRelationChanges: false,
    period: { start: "2027-09-01", end: "2028-07-31" },
    reason: "交流"
  }),
  "POST /workflows/{workflowId}/actions": (v) => ({ type: "confirm", expectedVersion: v })
})

/** Fields that hold identity numbers in the bodies above. */
const identityFields = ["person.identityNumber", "basicInfo.idNumber", "change.idNumber"]

const leafPaths = (value: unknown, prefix = ""): Array<string> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? Object.entries(value).flatMap(([key, inner]) => {
        const here = prefix === "" ? key : `${prefix}.${key}`
        return [here, ...leafPaths(inner, here)]
      })
    : []

const setPath = (value: Record<string, unknown>, path: string, to: unknown): Record<string, unknown> => {
  const [head, ...rest] = path.split(".")
  const copy = { ...value }
  copy[head!] = rest.length === 0 ? to : setPath((value[head!] ?? {}) as Record<string, unknown>, rest.join("."), to)
  return copy
}

const getPath = (value: unknown, path: string): unknown =>
  path
    .split(".")
    .reduce<unknown>((v, key) => (typeof v === "object" && v !== null ? (v as never)[key] : undefined), value)

const jsonType = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v)

/** A body as drawn: described, so that a counterexample prints small; built only when sent. */
type BodySpec =
  | { readonly kind: "none" }
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "bytes"; readonly bytes: ReadonlyArray<number> }
  | { readonly kind: "huge"; readonly size: number; readonly field: string; readonly json: boolean }

const bodyBytes = (spec: BodySpec): Buffer | undefined => {
  switch (spec.kind) {
    case "none":
      return undefined
    case "text":
      return Buffer.from(spec.text, "utf8")
    case "bytes":
      return Buffer.from(spec.bytes)
    case "huge":
      return Buffer.from(
        spec.json ? `{"${spec.field}":"${"字".repeat(Math.floor(spec.size / 3))}"}` : "x".repeat(spec.size),
        "utf8"
      )
  }
}

/** Percent-encode the UTF-8 bytes of a string (lone surrogates become U+FFFD), keeping only unreserved characters. */
const encode = (s: string) =>
  [...Buffer.from(s, "utf8")]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, "0")}`
    )
    .join("")

interface Endpoint {
  readonly method: string
  readonly template: string
}

/** One random request, as drawn. */
interface Drawn {
  readonly endpoint: Endpoint
  readonly path: string
  readonly as: ActorId | "none" | "garbage" | "garbage-cookie" | "long-token"
  readonly contentType: string | undefined
  readonly body: BodySpec
  readonly chunked: boolean
  readonly idempotencyKey: string | undefined
}

const requests = (
  endpoints: ReadonlyArray<Endpoint>,
  realIds: ReadonlyArray<string>,
  teacher: string,
  entry: string
) => {
  const bodies = plausibleBodies({ teacher, entry })
  const param = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...realIds) },
    { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 40, unit: "binary" }).map(encode) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 20, unit: "grapheme" }).map(encode) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "..",
        "%2e%2e",
        "%00",
        "%2F",
        "..%2F..%2Fetc%2Fpasswd",
        "%E4%B8%AD%E6%96%87",
        "%F0%9F%98%80",
        "%27%20OR%201%3D1%20--",
        "%3Cscript%3E",
        "__proto__",
        "constructor",
        "~",
        "-",
        "_"
      )
    },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: 3000 }).map((n) => "a".repeat(n)) }
  )
  const query = fc.option(
    fc
      .array(
        fc.tuple(
          fc.constantFrom("limit", "after", "day", "format", "x", "__proto__", "a[b]", "limit"),
          fc.oneof(
            fc.constantFrom(
              "1",
              "0",
              "-1",
              "1001",
              "1e309",
              "NaN",
              "abc",
              "",
              "2026-01-01",
              "2026-13-45",
              "csv",
              "xlsx"
            ),
            fc.string({ maxLength: 300, unit: "binary" }).map(encode)
          )
        ),
        { minLength: 1, maxLength: 4 }
      )
      .map((pairs) => `?${pairs.map(([k, v]) => `${encode(k)}=${v}`).join("&")}`),
    { nil: "" }
  )
  const endpoint = fc.constantFrom(...endpoints)
  return endpoint.chain((ep) => {
    const key = `${ep.method} ${ep.template}`
    const plausible = bodies[key]
    const params = ep.template.match(/\{[^}]+\}/g) ?? []
    const path = fc
      .tuple(fc.array(param, { minLength: params.length, maxLength: params.length }), query)
      .map(([values, q]) => params.reduce((p, name, i) => p.replace(name, values[i]!), ep.template) + q)
    const version = fc.nat({ max: 3 })
    const withBody = ep.method !== "GET"
    const base = plausible ?? (() => ({}))
    const body: fc.Arbitrary<BodySpec> = withBody
      ? fc.oneof(
          { weight: 3, arbitrary: fc.json().map((text): BodySpec => ({ kind: "text", text })) },
          {
            weight: 2,
            arbitrary: fc
              .anything({ maxDepth: 3 })
              .map((v): BodySpec => ({ kind: "text", text: JSON.stringify(v) ?? "undefined" }))
          },
          {
            weight: 2,
            arbitrary: fc
              .tuple(version, fc.constantFrom("__proto__", "constructor", "prototype"), fc.jsonValue({ maxDepth: 2 }))
              .chain(([v, bad, value]) => {
                const valid = base(v)
                const spots = ["", ...leafPaths(valid).filter((p) => jsonType(getPath(valid, p)) === "object")]
                return fc.constantFrom(...spots).map((spot): BodySpec => {
                  const injected = `{${JSON.stringify(bad)}:${JSON.stringify(value)},`
                  const target = spot === "" ? valid : setPath(valid, spot, { __marker__: 1 })
                  const text = JSON.stringify(target)
                  return {
                    kind: "text",
                    text:
                      spot === ""
                        ? text.replace(/^\{/, injected).replace(/,\}$/, "}")
                        : text.replace('{"__marker__":1', injected.slice(0, -1))
                  }
                })
              })
          },
          {
            weight: 4,
            arbitrary: version.chain((v) => {
              const valid = base(v)
              const paths = leafPaths(valid)
              if (paths.length === 0) return fc.constant<BodySpec>({ kind: "text", text: JSON.stringify(valid) })
              return fc
                .tuple(
                  fc.constantFrom(...paths),
                  fc.constantFrom<unknown>(42, -1.5, true, null, [], {}, "text", [1, "a"])
                )
                .filter(([p, to]) => jsonType(getPath(valid, p)) !== jsonType(to))
                .map(([p, to]): BodySpec => ({ kind: "text", text: JSON.stringify(setPath(valid, p, to)) }))
            })
          },
          {
            weight: 2,
            arbitrary: fc.tuple(version, fc.constantFrom(...invalidIdentities)).map(([v, bad]): BodySpec => {
              const valid = base(v)
              const field = identityFields.find((f) => getPath(valid, f) !== undefined)
              const body = field === undefined ? { ...valid, identityNumber: bad } : setPath(valid, field, bad)
              return { kind: "text", text: JSON.stringify(body) }
            })
          },
          {
            weight: 1,
            arbitrary: version.map((v): BodySpec => ({ kind: "text", text: JSON.stringify(base(v)) }))
          },
          {
            weight: 1,
            arbitrary: fc
              .tuple(
                fc.constantFrom(200_000, 1_100_000, 2_000_000),
                fc.constantFrom("reason", "name", "password"),
                fc.boolean()
              )
              .map(([size, field, json]): BodySpec => ({ kind: "huge", size, field, json }))
          },
          {
            weight: 1,
            arbitrary: fc.constantFrom<BodySpec>(
              { kind: "none" },
              { kind: "text", text: "" },
              { kind: "text", text: "{" },
              { kind: "text", text: '{"a":' },
              { kind: "text", text: "[1," },
              { kind: "text", text: "null" },
              { kind: "text", text: "[]" },
              { kind: "text", text: "42" },
              { kind: "text", text: '"text"' },
              { kind: "text", text: '{"a":1,"a":2}' },
              { kind: "text", text: "\u0000" },
              { kind: "bytes", bytes: [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d] },
              { kind: "bytes", bytes: [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe5, 0xad] },
              { kind: "bytes", bytes: [0xef, 0xbb, 0xbf, 0x7b, 0x7d] }
            )
          }
        )
      : fc.constant<BodySpec>({ kind: "none" })
    return fc.record<Drawn>({
      endpoint: fc.constant(ep),
      path,
      as: fc.constantFrom(...actors, "none", "garbage", "garbage-cookie", "long-token"),
      contentType: fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/octet-stream",
        undefined
      ),
      body,
      chunked: fc.boolean().map((b) => b && withBody),
      idempotencyKey: fc.option(fc.string({ maxLength: 200, unit: "grapheme-ascii" }), { nil: undefined })
    })
  })
}

/** What a drawn request looks like in a failure message (bodies cut short). */
const describeDrawn = (drawn: Drawn) => {
  const body =
    drawn.body.kind === "text"
      ? drawn.body.text.slice(0, 300)
      : drawn.body.kind === "huge"
        ? `<${drawn.body.size} bytes>`
        : drawn.body.kind === "bytes"
          ? `bytes ${Buffer.from(drawn.body.bytes).toString("hex")}`
          : "<none>"
  return `${drawn.endpoint.method} ${drawn.path.slice(0, 300)} as ${drawn.as} content-type ${drawn.contentType}${
    drawn.chunked ? " chunked" : ""
  } body ${body}`
}

// ---------------------------------------------------------------------------------------------------------------
// The suites
// ---------------------------------------------------------------------------------------------------------------

for (const { name, make } of backends) {
  describe(`the server under hostile requests (${name})`, () => {
    let attacked: Attacked
    let running: Running
    let reader: StoreReader
    let tokens = new Map<string, string>()
    let endpoints: ReadonlyArray<Endpoint> = []
    let realIds: ReadonlyArray<string> = []
    let teacher = ""
    let entry = ""

    beforeAll(async () => {
      attacked = await startAttacked(make)
      running = attacked.running
      reader = attacked.reader
      tokens = await loginAll(running.url, actors)
      const doc = await send(running.url, "GET", "/openapi.json", {})
      const paths = (doc.body as { paths: Record<string, Record<string, unknown>> }).paths
      endpoints = Object.entries(paths).flatMap(([template, operations]) =>
        Object.keys(operations)
          .filter((m) => ["get", "post", "put", "patch", "delete"].includes(m))
          .map((m) => ({ method: m.toUpperCase(), template }))
      )
      const teachers = await reader.rows("teachers")
      const entries = await reader.rows("entries")
      teacher = String(teachers.find((t) => t.unit_id === "jaxx")?.id)
      entry = String(entries.find((e) => e.teacher_id === teacher)?.id)
      realIds = [
        "hubei",
        "wuhan",
        "jiangan",
        "jaxx",
        "whez",
        "yichang",
        "xlzx",
        "sa-hubei",
        "ia-jaxx",
        "iq-jiangan",
        "sa-wuhan",
        "tr-demo-jaxx-xlzx",
        "demo-jaxx",
        teacher,
        entry,
        String(teachers.find((t) => t.unit_id === "xlzx")?.id)
      ]
    }, 120_000)

    afterAll(async () => {
      await attacked?.close()
    })

    const headersOf = (drawn: Drawn): Record<string, string> => {
      const headers: Record<string, string> = {}
      if (drawn.contentType !== undefined) headers["content-type"] = drawn.contentType
      if (drawn.idempotencyKey !== undefined && drawn.endpoint.method === "POST") {
        headers["idempotency-key"] = drawn.idempotencyKey
      }
      switch (drawn.as) {
        case "none":
          break
        case "garbage":
          headers.authorization = "Bearer not-a-session-token"
          break
        case "garbage-cookie":
          headers.cookie = "tmis_session=%00garbage; tmis_session=other"
          break
        case "long-token":
          headers.authorization = `Bearer ${"t".repeat(4000)}`
          break
        default:
          headers.authorization = `Bearer ${tokens.get(drawn.as)}`
      }
      return headers
    }

    /**
     * After a request that succeeded: let a started import finish (it writes in the background), and log back in
     * if the request ended one of our sessions, so that the next baseline is taken on a quiet store.
     */
    const settle = async (drawn: Drawn, answer: Answer) => {
      const batchId = (answer.body as { batchId?: unknown } | undefined)?.batchId
      if (answer.status === 202 && typeof batchId === "string") {
        const headers = headersOf({ ...drawn, body: { kind: "none" }, contentType: undefined })
        for (let i = 0; i < 200; i++) {
          const progress = await send(running.url, "GET", `/imports/${batchId}`, headers)
          if ((progress.body as { state?: string } | undefined)?.state !== "running") break
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      }
      for (const id of actors) {
        const me = await send(running.url, "GET", "/auth/me", { authorization: `Bearer ${tokens.get(id)}` })
        if (me.status === 401) tokens.set(id, await login(running.url, id))
      }
    }

    /** Send a drawn request: its answer, or why there was none (the connection dropped). */
    const exercise = async (drawn: Drawn): Promise<Answer | { readonly dropped: string }> => {
      const body = bodyBytes(drawn.body)
      return send(running.url, drawn.endpoint.method, drawn.path, headersOf(drawn), body, {
        chunked: drawn.chunked
      }).catch((error: unknown) => ({ dropped: String(error) }))
    }

    const loginPaths = new Set(["/auth/login", "/auth/password", "/auth/platform"])

    it("every documented endpoint is drawn from the OpenAPI document", () => {
      // 30 operations today; the property below covers whatever the document lists.
      expect(endpoints.length).toBeGreaterThanOrEqual(30)
      expect(endpoints).toContainEqual({ method: "POST", template: "/units/{unitId}/imports" })
    })

    it("no random request makes the server fail (status < 500, with a request id)", async () => {
      await fc.assert(
        fc.asyncProperty(requests(endpoints, realIds, teacher, entry), async (drawn) => {
          const answer = await exercise(drawn)
          if ("dropped" in answer) expect.fail(`no answer (${answer.dropped}) to ${describeDrawn(drawn)}`)
          expect(answer.status, `${answer.text.slice(0, 200)} for ${describeDrawn(drawn)}`).toBeLessThan(500)
          expect(answer.headers["x-request-id"], describeDrawn(drawn)).toBeTypeOf("string")
          if (answer.status < 300) await settle(drawn, answer)
        }),
        { numRuns: 100, verbose: 1 }
      )
    }, 300_000)

    it("a refused random request leaves the business state of the store as it was", async () => {
      let baseline = await snapshotOf(reader)
      await fc.assert(
        fc.asyncProperty(requests(endpoints, realIds, teacher, entry), async (drawn) => {
          const answer = await exercise(drawn)
          // A dropped connection is no success: the store must be as it was then too.
          if (!("dropped" in answer) && answer.status < 400) {
            await settle(drawn, answer)
            baseline = await snapshotOf(reader)
            return
          }
          const status = "dropped" in answer ? answer.dropped : answer.status
          const after = await snapshotOf(reader)
          // A refused login or password change counts the failed attempt (lockout, M37.2): its credential moves.
          const pathname = drawn.path.split("?")[0]!
          const ignore = new Set(loginPaths.has(pathname) ? ["credentials"] : [])
          const difference = differenceOf(baseline, after, ignore)
          baseline = after
          expect(difference, `${status} for ${describeDrawn(drawn)}`).toBeUndefined()
        }),
        { numRuns: 150, verbose: 1 }
      )
    }, 300_000)

    it("every refusal of a random request has a JSON body with zh and en messages", async () => {
      await fc.assert(
        fc.asyncProperty(requests(endpoints, realIds, teacher, entry), async (drawn) => {
          const answer = await exercise(drawn)
          // No answer at all is the first property's failure, not this one's.
          if ("dropped" in answer) return
          if (answer.status < 400) {
            await settle(drawn, answer)
            return
          }
          const what = `${answer.status} ${answer.text.slice(0, 200)} for ${describeDrawn(drawn)}`
          expect(String(answer.headers["content-type"]), what).toMatch(/^application\/json/)
          const body = answer.body as { zh?: unknown; en?: unknown } | undefined
          expect(typeof body?.zh, what).toBe("string")
          expect(typeof body?.en, what).toBe("string")
        }),
        { numRuns: 50, verbose: 1 }
      )
    }, 300_000)

    // ── Examples ──────────────────────────────────────────────────────────────────────────────────────────────

    const auth = (id: ActorId) => ({ authorization: `Bearer ${tokens.get(id)}` })
    const json = { "content-type": "application/json" }
    const workflowActions = "/workflows/tr-demo-jaxx-xlzx/actions"

    /** POST a body, byte for byte, as JSON from the info admin of jaxx. */
    const postAsJaxx = (path: string, body: Buffer | string, options?: { readonly chunked?: boolean }) =>
      send(
        running.url,
        "POST",
        path,
        { ...json, ...auth("ia-jaxx") },
        typeof body === "string" ? Buffer.from(body) : body,
        options
      )

    /** A refusal: its status, a JSON body with zh and en, and nothing changed in the store. */
    const expectRefusal = async (answer: Answer, before: Snapshot, statuses: ReadonlyArray<number>) => {
      expect(statuses, `${answer.status} ${answer.text.slice(0, 300)}`).toContain(answer.status)
      expect(answer.headers["x-request-id"], "the guard names every answer").toBeTypeOf("string")
      expect(typeof (answer.body as { zh?: unknown })?.zh, answer.text.slice(0, 300)).toBe("string")
      expect(typeof (answer.body as { en?: unknown })?.en, answer.text.slice(0, 300)).toBe("string")
      expect(differenceOf(before, await snapshotOf(reader))).toBeUndefined()
    }

    it("a truncated JSON body is refused with 400", async () => {
      const before = await snapshotOf(reader)
      const answer = await postAsJaxx(workflowActions, '{"type":"confirm","expectedVersion":')
      await expectRefusal(answer, before, [400])
    })

    it("a JSON body with invalid UTF-8 is refused, and never read as a command", async () => {
      const before = await snapshotOf(reader)
      // 0xff 0xfe cannot occur in UTF-8: the type is not "confirm", whatever a decoder makes of it.
      const bytes = Buffer.concat([
        Buffer.from('{"type":"conf'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('irm","expectedVersion":2}')
      ])
      const answer = await postAsJaxx(workflowActions, bytes)
      await expectRefusal(answer, before, [400])
      // A body cut inside a multi-byte character.
      const cut = Buffer.concat([Buffer.from('{"reason":"'), Buffer.from("字").subarray(0, 2)])
      await expectRefusal(await postAsJaxx("/transfers", cut), before, [400])
    })

    it("a body that is a JSON array, number, string or null is refused with 400", async () => {
      const before = await snapshotOf(reader)
      for (const text of ["[]", '[{"type":"confirm","expectedVersion":2}]', "42", '"confirm"', "null", "true"]) {
        const answer = await postAsJaxx(workflowActions, text)
        await expectRefusal(answer, before, [400])
      }
    })

    it("JSON nested 10,000 levels deep is refused with 400 or 413, not a crash", async () => {
      const before = await snapshotOf(reader)
      const depth = 10_000
      for (const text of [
        "[".repeat(depth) + "]".repeat(depth),
        `{"change":${'{"a":'.repeat(depth)}1${"}".repeat(depth)},"reason":"x"}`
      ]) {
        const answer = await postAsJaxx(`/entries/${entry}/change-requests`, text)
        await expectRefusal(answer, before, [400, 413])
      }
    })

    it("JSON nested as deep as 1 MiB allows is refused with 400 or 413, not a crash", async () => {
      const before = await snapshotOf(reader)
      const depth = 500_000
      const answer = await postAsJaxx("/transfers", "[".repeat(depth) + "]".repeat(depth))
      await expectRefusal(answer, before, [400, 413])
    })

    it("duplicate keys: the last one counts, for the body check and for the endpoint alike", async () => {
      const before = await snapshotOf(reader)
      // A valid type first, an invalid one last: refused by the schema, so the last key is what was read.
      const answer = await postAsJaxx(workflowActions, '{"type":"confirm","type":"launch","expectedVersion":2}')
      await expectRefusal(answer, before, [400])
      // A prototype key hidden behind a duplicate is still found.
      const hidden = await postAsJaxx(
        workflowActions,
        '{"type":"reject","reason":"x","__proto__":{"a":1},"__proto__":{},"expectedVersion":2}'
      )
      await expectRefusal(hidden, before, [400])
    })

    it("a chunked JSON body without Content-Length is refused with 411, before any of it is read", async () => {
      const before = await snapshotOf(reader)
      const body = Buffer.from(`{"reason":"${"x".repeat(1024 * 1024 + 10)}"}`)
      const answer = await postAsJaxx("/transfers", body, { chunked: true })
      await expectRefusal(answer, before, [411])
    })

    it("an upload without Content-Length is refused with 411", async () => {
      const before = await snapshotOf(reader)
      const answer = await send(
        running.url,
        "POST",
        "/units/jaxx/imports?format=csv",
        { "content-type": "application/octet-stream", ...auth("ia-jaxx") },
        Buffer.from("name,idNumber\n张三,110101199003070011\n"),
        { chunked: true }
      )
      await expectRefusal(answer, before, [411])
    })

    it("an upload sent as JSON or multipart/form-data is refused (400 or 415), not a crash", async () => {
      const before = await snapshotOf(reader)
      for (const [type, text] of [
        ["application/json", "name,idNumber\n"],
        ["application/json", '{"a":1}'],
        ["multipart/form-data; boundary=x", "name,idNumber\n"]
      ] as const) {
        const answer = await send(
          running.url,
          "POST",
          "/units/jaxx/imports?format=csv",
          { "content-type": type, ...auth("ia-jaxx") },
          Buffer.from(text)
        )
        await expectRefusal(answer, before, [400, 415])
      }
    })

    it("an unknown route or method is answered 404 or 405 with a JSON body, not 500", async () => {
      const before = await snapshotOf(reader)
      for (const [method, path] of [
        ["GET", "/nope"],
        ["DELETE", "/units/jaxx"],
        ["PATCH", "/accounts/ia-jaxx/password"],
        ["GET", "/"]
      ] as const) {
        const answer = await send(running.url, method, path, auth("sa-hubei"))
        await expectRefusal(answer, before, [404, 405])
      }
    })

    it("a path parameter longer than the router reads (over 100 characters) is refused with 400 or 404, not 500", async () => {
      const before = await snapshotOf(reader)
      for (const path of [
        `/units/${"a".repeat(101)}`,
        `/efiles/${"%E5%AD%97".repeat(101)}`,
        `/workflows/${"x".repeat(3000)}`
      ]) {
        const answer = await send(running.url, "GET", path, auth("sa-hubei"))
        await expectRefusal(answer, before, [400, 404])
      }
    })

    it("a path with a malformed percent-encoding is refused with 400 or 404, not 500", async () => {
      const before = await snapshotOf(reader)
      for (const path of ["/units/%ZZ", "/efiles/%E4%B8", "/units/jaxx%"]) {
        const answer = await send(running.url, "GET", path, auth("sa-hubei"))
        await expectRefusal(answer, before, [400, 404])
      }
    })

    it("a request line longer than the server reads is refused, not a crash", async () => {
      const answer = await send(running.url, "GET", `/units/${"a".repeat(20_000)}`, auth("sa-hubei"))
      // Node refuses headers over 16 KiB itself (431), before the app: no JSON body is possible then.
      expect([400, 404, 414, 431]).toContain(answer.status)
    })

    it("an upload endpoint sent a body without a media type that it cannot read answers 400, not 500", async () => {
      const before = await snapshotOf(reader)
      const answer = await send(
        running.url,
        "POST",
        "/provider/results/file",
        auth("sa-hubei"),
        Buffer.from("x".repeat(2000))
      )
      await expectRefusal(answer, before, [400])
    })

    it("M37.1 a refused request with a path longer than the store's key is still audited, its object bounded", async () => {
      const path = `/units/${"b".repeat(2000)}`
      const answer = await send(running.url, "GET", path, auth("sa-hubei"))
      expect([400, 404]).toContain(answer.status)
      const found = await running.run(
        Effect.flatMap(Storage.Storage, (s) =>
          s.audit.search({ object: Audit.boundObject(`GET ${path}`) }, { limit: 10 })
        )
      )
      // The id is refused while the path is decoded, before the session is read: the actor is not known yet.
      expect(found.items.map((r) => [r.action, r.outcome, r.details.status])).toEqual([
        ["http.refused", "refused", answer.status]
      ])
    })

    it("the audit chain still verifies after all the hostile requests", async () => {
      const verification = await running.run(Audit.verifyAuditLog)
      expect(verification._tag).toBe("Intact")
    })
  })
}
