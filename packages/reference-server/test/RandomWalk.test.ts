/**
 * A random walk over the API, on every backend, as an integrator asked for it: fast-check draws sequences of requests
 * from the demo province's accounts of every role at every level (system admin, info admin, info query-er of the
 * province, a city, a county and a school, and the two info admins of the demo transfer) — reads of e-files, units,
 * accounts, processes, the inbox, the audit log and statistics; transfers and rotations initiated and acted on, with
 * and without an `Idempotency-Key`; small CSV imports with good and bad rows; bad ids, bad JSON, huge strings, wrong
 * methods, no session. The server's state carries over from request to request and from run to run: a walk, not a
 * set of isolated cases.
 *
 * For every answer: no 5xx, and an error body carries `kind`, `zh` and `en` (ApiError.ts); nothing comes back from
 * outside the actor's subtree (e-files, units, accounts, processes, audit records — `Authorization.ts` decides, and
 * the expected status is decided here from the store, so a refusal inside the scope fails as well as a leak); a
 * retry with the same key and body by the same account answers the first answer; a finished import's counts add
 * up.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type EFile, Storage, Workflows } from "@tmis/core"
import { exampleImportHeaders, exampleImportRow } from "@tmis/testkit/arbitraries"
import { Effect, Option } from "effect"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Demo from "../src/Demo.js"
import {
  actingAs,
  type Backend,
  backends,
  cheapSettings,
  client,
  identityNumber,
  type Reply,
  type Running,
  seedDemo,
  start
} from "./support.js"

// ── The actors ───────────────────────────────────────────────────────────────────────────────────────────────────

type Role = "systemAdmin" | "infoAdmin" | "infoQueryer"

/** The demo accounts with a password (Demo.ts `withPassword`): every role down the Wuhan branch, and the transfer's. */
const actors: ReadonlyArray<{ readonly id: string; readonly role: Role; readonly unitId: string }> = [
  ...["hubei", "wuhan", "jiangan", "jaxx"].flatMap((unitId) => [
    { id: `sa-${unitId}`, role: "systemAdmin" as const, unitId },
    { id: `ia-${unitId}`, role: "infoAdmin" as const, unitId },
    { id: `iq-${unitId}`, role: "infoQueryer" as const, unitId }
  ]),
  { id: "ia-xiling", role: "infoAdmin", unitId: "xiling" },
  { id: "ia-xlzx", role: "infoAdmin", unitId: "xlzx" }
]
type Actor = (typeof actors)[number]

const unitIds = [
  "hubei",
  "wuhan",
  "yichang",
  "xiantao",
  "jiangan",
  "hongshan",
  "xiling",
  "yiling",
  "jaxx",
  "whez",
  "hsyey",
  "hspz",
  "xlzx",
  "ylxx",
  "xtzz",
  "hubu"
] as const
const schoolIds = ["jaxx", "whez", "hsyey", "hspz", "xlzx", "ylxx", "xtzz", "hubu"] as const

/**
 * Long strings are written `<x*5000>` in the steps, and spelled out only when a step runs: a counterexample stays
 * short enough to read.
 */
const expand = (value: string): string =>
  value.replace(/<(.+?)\*(\d+)>/gu, (_, unit: string, n: string) => unit.repeat(Number(n)))

/** Ids that name nothing, or break the id pattern (1–64 of [A-Za-z0-9_-]), or are huge: 404 or 400, never a 5xx. */
const badIds = [
  "nowhere",
  "0",
  "<a*64>",
  "<a*65>",
  "<x*5000>",
  "..",
  "%2e%2e",
  "a%2Fb",
  "%00",
  "%E5%8D%95%E4%BD%8D",
  "a%20b",
  "%22%3E%3Cscript%3E",
  "%ED%A0%80"
]

/** Cursors: most are wrong for the listing they are sent to. */
const cursors = ["", "0", "1", "-1", "abc", "<9*40>", "NaN", "1e309", "%20", "a b", "<z*256>", "<z*257>"]

const days = ["2027-03-01", "2026-12-01", "2017-03-31", "2026-02-30", "2026-13-01", "20270301", "", "yesterday"]

/** Mostly what passes, sometimes what does not: the walk should reach the commands, not only the refusals. */
const mostly = <A>(good: fc.Arbitrary<A>, bad: fc.Arbitrary<A>) =>
  fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: bad })

const day = mostly(fc.constantFrom(...days.slice(0, 2)), fc.constantFrom(...days))

const text = mostly(
  fc.constantFrom("工作需要", "城乡教师交流"),
  fc.constantFrom("", "<x*1000>", "<x*1001>", "<原因*3000>", "\u0000", "😀")
)

// ── The steps ────────────────────────────────────────────────────────────────────────────────────────────────────

/** An index into a pool known only while the walk runs (e-files, processes, imports): taken modulo its size. */
const pick = fc.nat({ max: 10_000 })

/** An idempotency key: a few per account, so that keys are reused, or none. */
const key = fc.option(fc.constantFrom("k1", "k2", "k3", "<k*128>", "<k*129>"), { nil: undefined })

const teacherRef = fc.oneof(
  { weight: 6, arbitrary: pick.map((n) => ({ known: n })) },
  { weight: 1, arbitrary: fc.constantFrom(...badIds).map((id) => ({ raw: id })) }
)
type TeacherRef = { readonly known: number } | { readonly raw: string }

const unitRef = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...unitIds) },
  { weight: 1, arbitrary: fc.constantFrom(...badIds) }
)

const page = fc.record(
  {
    limit: mostly(fc.constantFrom("1", "3", "100", "1000"), fc.constantFrom("0", "1001", "-1", "x", "2.5")),
    after: mostly(fc.constantFrom("0", "1", "a b"), fc.constantFrom(...cursors))
  },
  { requiredKeys: [] }
)

const actor = fc.constantFrom(...actors)

/** The info admins of both ends of the demo transfer and their bureaus, who can take each other's steps. */
const parties = actors.filter((a) => ["ia-jaxx", "ia-jiangan", "ia-xlzx", "ia-xiling"].includes(a.id))
const commander = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...parties) }, { weight: 1, arbitrary: actor })

/** The rows of a small CSV: fresh good rows (identity numbers drawn when the step runs), bad rows, an old teacher. */
const csvRow = fc.constantFrom("good", "badEthnicity", "badCheck", "noName", "badDate", "shortRow", "knownTeacher")
type CsvRow = typeof csvRow extends fc.Arbitrary<infer A> ? A : never

const file = fc.oneof(
  { weight: 6, arbitrary: fc.array(csvRow, { minLength: 1, maxLength: 5 }).map((rows) => ({ rows })) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("again", "empty", "headerOnly", "garbage", "wrongHeaders", "unclosedQuote", "notXlsx")
  }
)

const step = fc.oneof(
  // Reads.
  fc.record({ kind: fc.constant("readEFile" as const), actor, teacher: teacherRef }),
  fc.record({ kind: fc.constant("listEFiles" as const), actor, unit: unitRef, page }),
  fc.record({ kind: fc.constant("readUnit" as const), actor, unit: unitRef }),
  fc.record({ kind: fc.constant("subtree" as const), actor, unit: unitRef, page }),
  fc.record({ kind: fc.constant("accounts" as const), actor, unit: unitRef, page }),
  fc.record({ kind: fc.constant("statistics" as const), actor, unit: unitRef, day }),
  fc.record({
    kind: fc.constant("listWorkflows" as const),
    actor,
    inbox: fc.boolean(),
    filter: fc.record(
      {
        kind: mostly(fc.constantFrom("transfer", "rotation"), fc.constant("other")),
        state: mostly(
          fc.constantFrom("awaitingSendingSchool", "completed", "withdrawn", "rejected"),
          fc.constant("nonsense")
        )
      },
      { requiredKeys: [] }
    ),
    page
  }),
  fc.record({
    kind: fc.constant("readWorkflow" as const),
    actor,
    workflow: fc.oneof(
      pick.map((n) => ({ known: n })),
      fc.constantFrom(...badIds).map((id) => ({ raw: id }))
    )
  }),
  fc.record({
    kind: fc.constant("audit" as const),
    actor: mostly(fc.constantFrom(...actors.filter((a) => a.role === "systemAdmin")), actor),
    filter: fc.record(
      {
        actor: mostly(fc.constantFrom(...actors.map((a) => a.id), "anonymous", "system"), fc.constant("<x*129>")),
        object: fc.constantFrom(`workflow:${Demo.demoTransfer.id}`, "unit:jaxx", "GET /efiles/nowhere", "nothing"),
        rule: mostly(fc.constantFrom("M14.3", "M13.2", "M23.2", "M99.9"), fc.constant("<x*17>")),
        from: mostly(
          fc.constantFrom("2017-01-01", "2017-01-01T00:00:00Z", "9999-12-31"),
          fc.constantFrom("2026-02-30", "not a day")
        ),
        to: mostly(fc.constantFrom("2099-01-01", "2020-01-01T00:00:00.000Z"), fc.constantFrom("tomorrow", "2026-00-10"))
      },
      { requiredKeys: [] }
    ),
    page
  }),
  fc.record({ kind: fc.constant("verifyAudit" as const), actor }),
  // Commands.
  fc.record({
    kind: fc.constant("transfer" as const),
    actor: commander,
    teacher: teacherRef,
    to: fc.oneof(
      { weight: 4, arbitrary: fc.constant("own" as const) },
      { weight: 2, arbitrary: fc.constantFrom(...schoolIds) },
      { weight: 1, arbitrary: unitRef }
    ),
    effective: day,
    reason: text,
    key,
    retry: fc.boolean()
  }),
  fc.record({
    kind: fc.constant("rotation" as const),
    actor: commander,
    teacher: teacherRef,
    to: fc.constantFrom(...schoolIds),
    personnelRelationChanges: fc.boolean(),
    period: fc.constantFrom(
      { start: "2027-09-01", end: "2028-08-31" },
      { start: "2028-08-31", end: "2027-09-01" },
      { start: "2027-09-01", end: "2027-09-30" },
      { start: "2026-02-30", end: "2027-01-01" }
    ),
    reason: text,
    key,
    retry: fc.boolean()
  }),
  fc.record({
    kind: fc.constant("act" as const),
    actor: commander,
    workflow: pick,
    type: mostly(fc.constant("confirm"), fc.constantFrom("reject", "withdraw", "approve")),
    reason: fc.option(text, { nil: undefined }),
    stale: mostly(fc.constant(0), fc.constantFrom(-1, 1, 1000)),
    key,
    retry: fc.boolean()
  }),
  fc.record({
    kind: fc.constant("import" as const),
    actor: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...actors.filter((a) => a.id === "ia-jaxx" || a.id === "ia-xlzx")) },
      { weight: 1, arbitrary: actor }
    ),
    unit: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("jaxx", "xlzx") }, { weight: 1, arbitrary: unitRef }),
    file,
    format: fc.constantFrom("csv", "csv", "csv", "xlsx", "pdf"),
    filename: fc.option(fc.constantFrom("教师.csv", "../../etc/passwd", "a\u0000b.csv", "<x*256>"), {
      nil: undefined
    }),
    contentType: fc.constantFrom("application/octet-stream", "application/octet-stream", "text/csv")
  }),
  fc.record({ kind: fc.constant("followImport" as const), actor, batch: pick, report: fc.boolean() }),
  // Requests that are wrong whoever sends them.
  fc.record({
    kind: fc.constant("wrongMethod" as const),
    actor,
    request: fc.constantFrom(
      ["DELETE", "/units/jaxx"],
      ["PATCH", "/efiles/x"],
      ["PUT", "/transfers"],
      ["GET", "/transfers"],
      ["DELETE", "/workflows/inbox"],
      ["POST", "/audit"],
      ["PUT", "/units/jaxx/imports"],
      ["GET", "/nothing/here"],
      ["POST", "/units/jaxx/efiles/extra"]
    )
  }),
  fc.record({
    kind: fc.constant("badBody" as const),
    actor,
    path: fc.constantFrom("/transfers", "/rotations", `/workflows/${Demo.demoTransfer.id}/actions`, "/efiles"),
    body: fc.constantFrom(
      "{",
      "[]",
      "null",
      '"x"',
      '{"__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{}}}',
      `{"a":${"[".repeat(100)}${"]".repeat(100)}}`,
      '{"teacherId":"\\ud800","toUnitId":"xlzx","effective":"2027-03-01","reason":"x"}',
      '{"teacherId":"t","toUnitId":"xlzx","effective":"2027-03-01","reason":"x","extra":1}',
      '{"teacherId":"t","toUnitId":"xlzx","effective":"2027-03-01","reason":"<x*1048576>"}'
    ),
    contentType: fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain")
  }),
  fc.record({
    kind: fc.constant("noSession" as const),
    token: fc.constantFrom(undefined, "", "not-a-token", "<x*10000>"),
    path: fc.constantFrom("/efiles/x", "/units/jaxx", "/workflows/inbox", "/audit", "/auth/me")
  })
)
type Step = typeof step extends fc.Arbitrary<infer A> ? A : never

// ── What the walk checks of every answer ─────────────────────────────────────────────────────────────────────────

const kinds = ["forbidden", "invalid", "conflict", "notFound", "unauthenticated"]

const describeReply = (reply: Reply) =>
  `${reply.status} ${typeof reply.body === "string" ? reply.body.slice(0, 400) : JSON.stringify(reply.body)?.slice(0, 400)}`

/** No 5xx; an error body is JSON with its kind and both messages. */
const wellFormed = (what: string, reply: Reply) => {
  expect(reply.status, `${what} → ${describeReply(reply)}`).toBeLessThan(500)
  if (reply.status >= 400) {
    expect(typeof reply.body, `${what} → ${describeReply(reply)}`).toBe("object")
    expect(kinds, `${what} → ${describeReply(reply)}`).toContain(reply.body?.kind)
    expect(typeof reply.body.zh === "string" && reply.body.zh !== "", `${what}: zh`).toBe(true)
    expect(typeof reply.body.en === "string" && reply.body.en !== "", `${what}: en`).toBe(true)
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The path of a request: `ids` URL-encoded as they are written above (the bad ones are encoded already). */
const idPath = (id: string) => (badIds.includes(id) ? expand(id) : encodeURIComponent(id))

const queryOf = (params: Record<string, string | undefined>) => {
  const entries = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]): [string, string] => [k, expand(v)])
  return entries.length === 0 ? "" : `?${new URLSearchParams(entries).toString()}`
}

const validLimit = (limit: string | undefined) =>
  limit === undefined || (/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= 1000)

// ── The suite, once per backend ──────────────────────────────────────────────────────────────────────────────────

for (const backend of backends) {
  describe(`a random walk over the API on ${backend.name}`, () => {
    let opened: Backend
    let running: Running
    let importDir: string
    const as = actingAs(() => running)

    /** Every unit's path (the walk creates no units). */
    const paths = new Map<string, string>()
    /** Every e-file id the walk may name: the demo's, and those its imports bring in. */
    const teachers: Array<string> = []
    /** Every process the walk may name: the demo transfer, and those the walk initiates. */
    const workflows: Array<string> = [Demo.demoTransfer.id]
    /** Every import started, with its uploader. */
    const batches: Array<{ readonly batchId: string; readonly accountId: string }> = []
    /** The first 2xx answer to each account's key: what a retry with the same command must get back. */
    const keyed = new Map<string, { readonly command: string; readonly status: number; readonly body: unknown }>()
    /** The identity numbers the walk's imports use: each fresh one once. */
    let nextIdentity = 0
    /** The last CSV uploaded, for a re-upload (the same batch). */
    let lastFile: Uint8Array | undefined
    const tally = new Map<string, number>()

    const run = <A, E>(effect: Effect.Effect<A, E, Storage.Storage>) => running.run(effect)
    const efileOf = (id: string) =>
      run(Effect.flatMap(Storage.Storage, (s) => s.teachers.get(id as EFile.TeacherId))).then(Option.getOrUndefined)
    const workflowOf = (id: string) =>
      run(Effect.flatMap(Storage.Storage, (s) => s.workflows.get(id))).then(Option.getOrUndefined)

    const pathOf = (unitId: string) => paths.get(unitId)
    const actorPath = (a: Actor) => paths.get(a.unitId)!
    /** Is `unitId` in subtree(the actor's unit)? */
    const inScope = (a: Actor, unitId: string) => pathOf(unitId)?.startsWith(actorPath(a)) === true
    const reads = (a: Actor) => a.role === "infoAdmin" || a.role === "infoQueryer"

    const teacherId = (ref: TeacherRef) => ("known" in ref ? teachers[ref.known % teachers.length]! : ref.raw)
    const isBadId = (id: string) => badIds.includes(id) && id !== "nowhere" && id !== "0" && id !== "<a*64>"

    /** A fresh identity number: women (even sequence codes) born 1990-03-07, as `exampleImportRow` writes them. */
    const freshIdentity = () => {
      const counties = ["420102", "420111", "420502", "420506", "429004", "420106", "420103", "420104"]
      const n = nextIdentity++
      return identityNumber(counties[Math.floor(n / 150) % counties.length]!, "1990-03-07", 200 + 2 * (n % 150))
    }

    const csvOf = (rows: ReadonlyArray<CsvRow>) => {
      const lines = rows.map((row, i) => {
        const name = `李${"一二三四五"[i]}`
        switch (row) {
          case "good":
            return exampleImportRow(name, freshIdentity())
          case "badEthnicity":
            return exampleImportRow(name, freshIdentity(), { 民族: "不存在的民族" })
          case "badCheck": {
            const id = freshIdentity()
            return exampleImportRow(name, id.slice(0, 17) + (id.endsWith("1") ? "2" : "1"))
          }
          case "noName":
            return exampleImportRow("", freshIdentity())
          case "badDate":
            return exampleImportRow(name, freshIdentity(), { 参加工作年月: "2099-13" })
          case "shortRow":
            return [name, "女"]
          case "knownTeacher":
            return exampleImportRow(name, identityNumber("420102", "1990-03-07", 200))
          default:
            return row satisfies never
        }
      })
      return `\uFEFF${[exampleImportHeaders, ...lines].map((r) => r.join(",")).join("\r\n")}\r\n`
    }

    const fileOf = (f: (typeof file extends fc.Arbitrary<infer A> ? A : never) | undefined): Uint8Array => {
      const encode = (s: string) => new TextEncoder().encode(s)
      if (f === undefined) return new Uint8Array()
      if (typeof f === "object") return encode(csvOf(f.rows))
      switch (f) {
        case "again":
          return lastFile ?? encode(csvOf(["good"]))
        case "empty":
          return new Uint8Array()
        case "headerOnly":
          return encode(`${exampleImportHeaders.join(",")}\r\n`)
        case "garbage":
          return Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 0x80) % 256)
        case "wrongHeaders":
          return encode("a,b,c\r\n1,2,3\r\n")
        case "unclosedQuote":
          return encode(`${exampleImportHeaders.join(",")}\r\n"李一,女\r\n`)
        case "notXlsx":
          return encode("PK\u0003\u0004 not really a zip")
      }
    }

    /** Send and check the answer's form; the step checks what it means. */
    const send = async (what: string, reply: Promise<Reply>) => {
      const answer = await reply
      wellFormed(what, answer)
      tally.set(String(answer.status), (tally.get(String(answer.status)) ?? 0) + 1)
      return answer
    }

    /** A keyed command: the answer must be the first answer to the same command, 409 M23.2 to another one. */
    const keyedCommand = async (
      a: Actor,
      what: string,
      endpoint: string,
      body: unknown,
      /** What the core compares of the command (the body, but an act's reason only when it is no confirmation). */
      command: unknown,
      idempotencyKey: string | undefined,
      retry: boolean
    ) => {
      const api = await as(a.id)
      const headers = idempotencyKey === undefined ? undefined : { "idempotency-key": expand(idempotencyKey) }
      const answer = await send(what, api.post(endpoint, body, headers))
      if (idempotencyKey !== undefined && expand(idempotencyKey).length <= 128) {
        const slot = `${a.id}\u0000${idempotencyKey}`
        const fingerprint = JSON.stringify([endpoint, command])
        const first = keyed.get(slot)
        if (first !== undefined && first.command === fingerprint) {
          expect([answer.status, answer.body], `${what}: the retry of a stored answer`).toEqual([
            first.status,
            first.body
          ])
        } else if (first !== undefined && answer.status !== 400) {
          expect([answer.status, answer.body?.rule], `${what}: a key reused for another command`).toEqual([
            409,
            "M23.2"
          ])
          // Named, and quoted as every value of an error body is (at most 64 characters, ApiError.abbreviate).
          expect(String(answer.body.details?.idempotencyKey), what).toContain(expand(idempotencyKey).slice(0, 60))
        } else if (answer.status < 300) {
          keyed.set(slot, { command: fingerprint, status: answer.status, body: answer.body })
        }
        if (retry) {
          // The same request again at once: the same answer, whether the first was stored (a 2xx) or refused.
          const again = await send(`${what} (retried)`, api.post(endpoint, body, headers))
          expect([again.status, again.body], `${what}: an immediate retry`).toEqual([answer.status, answer.body])
        }
      }
      if (answer.status === 201 && typeof answer.body?.id === "string" && !workflows.includes(answer.body.id)) {
        workflows.push(answer.body.id)
      }
      return answer
    }

    /** What each kind of step got back, for the log: the walk should reach the commands, not only refusals. */
    const reached = new Map<string, number>()
    const perform = async (s: Step): Promise<void> => {
      const before = new Map(tally)
      await performStep(s)
      for (const [status, n] of tally) {
        const more = n - (before.get(status) ?? 0)
        if (more > 0) reached.set(`${s.kind} ${status}`, (reached.get(`${s.kind} ${status}`) ?? 0) + more)
      }
    }

    const performStep = async (s: Step): Promise<void> => {
      switch (s.kind) {
        case "readEFile": {
          const id = teacherId(s.teacher)
          const what = `${s.actor.id} GET /efiles/${id.slice(0, 80)}`
          const stored = await efileOf(id)
          const reply = await send(what, (await as(s.actor.id)).get(`/efiles/${idPath(id)}`))
          if (stored === undefined) {
            expect(isBadId(id) ? [400, 404] : [404], `${what} → ${describeReply(reply)}`).toContain(reply.status)
            return
          }
          const allowed = reads(s.actor) && inScope(s.actor, stored.value.unitId)
          expect(reply.status, `${what} → ${describeReply(reply)}`).toBe(allowed ? 200 : 403)
          if (reply.status === 200) {
            const efile = reply.body.efile
            expect(efile.id, what).toBe(id)
            expect(efile.path, what).toBe(`${pathOf(efile.unitId)}${id}`)
            expect(efile.path.startsWith(actorPath(s.actor)), `${what}: out of scope`).toBe(true)
            expect(reply.body.masked, what).toBe(s.actor.role === "infoQueryer")
            if (s.actor.role === "infoQueryer") expect(efile.idNumber, what).not.toBe(stored.value.idNumber)
          }
          return
        }
        case "listEFiles": {
          const what = `${s.actor.id} GET /units/${s.unit}/efiles${queryOf(s.page)}`
          const reply = await send(
            what,
            (await as(s.actor.id)).get(`/units/${idPath(s.unit)}/efiles${queryOf(s.page)}`)
          )
          if (reply.status !== 200) {
            // Refused: out of scope or not a reader (403), unknown (404), or a bad request.
            if (pathOf(s.unit) !== undefined && validLimit(s.page.limit) && expand(s.page.after ?? "").length <= 256) {
              expect(reply.status, `${what} → ${describeReply(reply)}`).toBe(403)
              expect(reads(s.actor) && inScope(s.actor, s.unit), what).toBe(false)
            }
            return
          }
          expect(reads(s.actor) && inScope(s.actor, s.unit), `${what}: answered outside the scope`).toBe(true)
          for (const efile of reply.body.items) {
            expect(efile.path, what).toBe(`${pathOf(efile.unitId)}${efile.id}`)
            expect(efile.path.startsWith(pathOf(s.unit)!), `${what}: ${efile.id} outside the unit`).toBe(true)
            expect(efile.path.startsWith(actorPath(s.actor)), `${what}: ${efile.id} outside the scope`).toBe(true)
            if (s.actor.role === "infoQueryer") expect(efile.idNumber, what).toContain("*")
          }
          return
        }
        case "readUnit": {
          const what = `${s.actor.id} GET /units/${s.unit}`
          const reply = await send(what, (await as(s.actor.id)).get(`/units/${idPath(s.unit)}`))
          if (pathOf(s.unit) === undefined) {
            expect(isBadId(s.unit) ? [400, 404] : [404], `${what} → ${describeReply(reply)}`).toContain(reply.status)
            return
          }
          expect(reply.status, `${what} → ${describeReply(reply)}`).toBe(inScope(s.actor, s.unit) ? 200 : 403)
          if (reply.status === 200) expect(reply.body.path, what).toBe(pathOf(s.unit))
          return
        }
        case "subtree": {
          const what = `${s.actor.id} GET /units/${s.unit}/subtree${queryOf(s.page)}`
          const reply = await send(
            what,
            (await as(s.actor.id)).get(`/units/${idPath(s.unit)}/subtree${queryOf(s.page)}`)
          )
          if (reply.status !== 200) {
            if (pathOf(s.unit) !== undefined && validLimit(s.page.limit) && expand(s.page.after ?? "").length <= 256) {
              expect(reply.status, `${what} → ${describeReply(reply)}`).toBe(403)
              expect(inScope(s.actor, s.unit), what).toBe(false)
            }
            return
          }
          expect(inScope(s.actor, s.unit), `${what}: answered outside the scope`).toBe(true)
          for (const unit of reply.body.items) {
            expect(unit.path, what).toBe(pathOf(unit.id))
            expect(unit.path.startsWith(pathOf(s.unit)!), `${what}: ${unit.id} outside the unit`).toBe(true)
          }
          return
        }
        case "accounts": {
          const what = `${s.actor.id} GET /units/${s.unit}/accounts${queryOf(s.page)}`
          const reply = await send(
            what,
            (await as(s.actor.id)).get(`/units/${idPath(s.unit)}/accounts${queryOf(s.page)}`)
          )
          const allowed = s.actor.role === "systemAdmin" && inScope(s.actor, s.unit)
          if (reply.status !== 200) {
            if (pathOf(s.unit) !== undefined && validLimit(s.page.limit) && expand(s.page.after ?? "").length <= 256) {
              expect(reply.status, `${what} → ${describeReply(reply)}`).toBe(403)
              expect(allowed, what).toBe(false)
            }
            return
          }
          expect(allowed, `${what}: answered outside the scope`).toBe(true)
          for (const account of reply.body.items) {
            expect(account.unitId, what).toBe(s.unit)
            expect(JSON.stringify(account), `${what}: an identity number`).not.toMatch(
              /(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])/
            )
          }
          return
        }
        case "statistics": {
          const query = `?day=${encodeURIComponent(s.day)}`
          const what = `${s.actor.id} GET /units/${s.unit}/statistics/status${query}`
          const reply = await send(
            what,
            (await as(s.actor.id)).get(`/units/${idPath(s.unit)}/statistics/status${query}`)
          )
          const validDay = ["2027-03-01", "2026-12-01", "2017-03-31"].includes(s.day)
          if (isBadId(s.unit)) {
            // A path the router cannot match (a param over its length, `..`, bytes that are no UTF-8): no endpoint.
            expect([400, 404], `${what} → ${describeReply(reply)}`).toContain(reply.status)
            return
          }
          if (!validDay || pathOf(s.unit) === undefined) {
            expect(reply.status, `${what} → ${describeReply(reply)}`).toBe(validDay ? 404 : 400)
            return
          }
          expect(reply.status, `${what} → ${describeReply(reply)}`).toBe(
            reads(s.actor) && inScope(s.actor, s.unit) ? 200 : 403
          )
          if (reply.status === 200) {
            for (const count of Object.values(reply.body))
              expect(Number.isInteger(count) && Number(count) >= 0).toBe(true)
          }
          return
        }
        case "listWorkflows": {
          const query = queryOf({ ...s.page, ...s.filter, ...(s.inbox ? {} : { scope: "mine" }) })
          const path = `${s.inbox ? "/workflows/inbox" : "/workflows"}${query}`
          const what = `${s.actor.id} GET ${path}`
          const reply = await send(what, (await as(s.actor.id)).get(path))
          if (reply.status !== 200) {
            const valid =
              validLimit(s.page.limit) &&
              expand(s.page.after ?? "").length <= 256 &&
              s.filter.kind !== "other" &&
              s.filter.state !== "nonsense"
            if (valid) {
              expect(reply.status, `${what} → ${describeReply(reply)}`).toBe(403)
              expect(reads(s.actor), what).toBe(false)
            }
            return
          }
          expect(reads(s.actor), `${what}: answered a system admin`).toBe(true)
          for (const item of reply.body.items) {
            const ends = [item.from.id, item.to.id] as ReadonlyArray<string>
            expect(
              ends.some((end) => inScope(s.actor, end)),
              `${what}: ${item.id} (${ends.join(" → ")}) outside the scope`
            ).toBe(true)
            expect(JSON.stringify(item), `${what}: an identity number`).not.toMatch(
              /(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])/
            )
            if (s.inbox) expect(item.next?.units, `${what}: ${item.id} waits for another unit`).toBeDefined()
          }
          return
        }
        case "readWorkflow": {
          const id = "known" in s.workflow ? workflows[s.workflow.known % workflows.length]! : s.workflow.raw
          const what = `${s.actor.id} GET /workflows/${id.slice(0, 80)}`
          const stored = await workflowOf(id)
          const reply = await send(what, (await as(s.actor.id)).get(`/workflows/${idPath(id)}`))
          if (stored === undefined) {
            expect(isBadId(id) ? [400, 404] : [404], `${what} → ${describeReply(reply)}`).toContain(reply.status)
            return
          }
          const { from, to } = stored.value.context
          const allowed = reads(s.actor) && (inScope(s.actor, from.id) || inScope(s.actor, to.id))
          expect(reply.status, `${what} → ${describeReply(reply)}`).toBe(allowed ? 200 : 403)
          if (reply.status === 200) expect([reply.body.id, reply.body.version], what).toEqual([id, stored.version])
          return
        }
        case "audit": {
          const query = queryOf({ ...s.page, ...s.filter })
          const what = `${s.actor.id} GET /audit${query}`
          const reply = await send(what, (await as(s.actor.id)).get(`/audit${query}`))
          if (reply.status !== 200) {
            if (s.actor.role === "systemAdmin" && reply.status === 403) {
              throw new Error(`${what}: a system admin refused its own audit search → ${describeReply(reply)}`)
            }
            return
          }
          expect(s.actor.role, `${what}: answered another role`).toBe("systemAdmin")
          const root = s.actor.unitId === "hubei"
          for (const record of reply.body.items) {
            const where = `${what}: record ${record.seq} of ${record.actor} at ${record.unitId}`
            if (!root) {
              expect(record.unitId, `${where}: of no unit`).toBeTypeOf("string")
              expect(inScope(s.actor, record.unitId), `${where}: outside the scope`).toBe(true)
            }
            if (s.filter.actor !== undefined) expect(record.actor, where).toBe(s.filter.actor)
            if (s.filter.object !== undefined) expect(record.object, where).toBe(s.filter.object)
          }
          return
        }
        case "verifyAudit": {
          const what = `${s.actor.id} GET /audit/verify`
          const reply = await send(what, (await as(s.actor.id)).get("/audit/verify"))
          expect(reply.status, `${what} → ${describeReply(reply)}`).toBe(s.actor.id === "sa-hubei" ? 200 : 403)
          if (reply.status === 200) expect(reply.body._tag, what).toBe("Intact")
          return
        }
        case "transfer": {
          const body = {
            teacherId: expand(teacherId(s.teacher)),
            toUnitId: s.to === "own" ? s.actor.unitId : expand(s.to),
            effective: s.effective,
            reason: expand(s.reason)
          }
          const what = `${s.actor.id} POST /transfers ${JSON.stringify(body).slice(0, 200)} key ${s.key?.slice(0, 10)}`
          const reply = await keyedCommand(s.actor, what, "/transfers", body, body, s.key, s.retry)
          if (reply.status === 201) {
            expect(s.actor.role, `${what}: initiated by another role`).toBe("infoAdmin")
            expect(reply.body.teacherId, what).toBe(body.teacherId)
          }
          return
        }
        case "rotation": {
          const body = {
            teacherId: expand(teacherId(s.teacher)),
            toUnitId: s.to,
            personnelRelationChanges: s.personnelRelationChanges,
            period: s.period,
            reason: expand(s.reason)
          }
          const what = `${s.actor.id} POST /rotations ${JSON.stringify(body).slice(0, 200)} key ${s.key?.slice(0, 10)}`
          const reply = await keyedCommand(s.actor, what, "/rotations", body, body, s.key, s.retry)
          if (reply.status === 201) expect(s.actor.role, `${what}: initiated by another role`).toBe("infoAdmin")
          return
        }
        case "act": {
          const id = workflows[s.workflow % workflows.length]!
          const stored = await workflowOf(id)
          const version = Math.max(0, (stored?.version ?? 0) + s.stale)
          const body = {
            type: s.type,
            expectedVersion: version,
            ...(s.reason === undefined ? {} : { reason: expand(s.reason) })
          }
          // The core compares the action it runs: a confirmation carries no reason.
          const command = s.type === "confirm" ? { type: s.type, expectedVersion: version } : body
          const endpoint = `/workflows/${id}/actions`
          const what = `${s.actor.id} POST ${endpoint} ${JSON.stringify(body).slice(0, 120)} key ${s.key?.slice(0, 10)}`
          const reply = await keyedCommand(s.actor, what, endpoint, body, command, s.key, s.retry)
          if (reply.status === 200 && s.key === undefined) {
            expect(s.actor.role, `${what}: acted by another role`).toBe("infoAdmin")
            expect(reply.body.version, what).toBe(version + 1)
          }
          return
        }
        case "import": {
          const bytes = fileOf(s.file)
          if (typeof s.file === "object") lastFile = bytes
          const query = queryOf({ format: s.format, filename: s.filename })
          const what = `${s.actor.id} POST /units/${s.unit}/imports${query} ${JSON.stringify(s.file)} as ${s.contentType}`
          const token = await as.token(s.actor.id)
          const reply = await send(
            what,
            fetch(`${running.url}/units/${idPath(s.unit)}/imports${query}`, {
              method: "POST",
              headers: { authorization: `Bearer ${token}`, "content-type": s.contentType },
              body: bytes
            }).then(async (r) => {
              const raw = await r.text()
              let parsed: unknown = raw
              try {
                parsed = JSON.parse(raw)
              } catch {}
              return { status: r.status, body: parsed, headers: r.headers } as Reply
            })
          )
          if (reply.status !== 202) return
          expect(s.actor.role, `${what}: accepted from another role`).toBe("infoAdmin")
          expect(s.actor.unitId, `${what}: accepted for another unit`).toBe(s.unit)
          const batchId = reply.body.batchId as string
          if (!batches.some((b) => b.batchId === batchId)) batches.push({ batchId, accountId: s.actor.id })
          // Follow it to its end: the counts of a finished import add up.
          const api = await as(s.actor.id)
          let progress = reply
          for (let waited = 0; progress.body.state === "running" && waited < 20_000; waited += 25) {
            await sleep(25)
            progress = await send(`${what}: progress`, api.get(`/imports/${batchId}`))
            expect(progress.status, `${what}: progress → ${describeReply(progress)}`).toBe(200)
          }
          const p = progress.body
          expect(p.state, `${what}: still running`).not.toBe("running")
          reached.set(`import ${p.state}`, (reached.get(`import ${p.state}`) ?? 0) + 1)
          if (p.state === "done") {
            expect(p.accepted + p.rejected + p.skipped, `${what}: ${JSON.stringify(p)}`).toBe(p.rowsRead)
            expect(p.flagged, what).toBeLessThanOrEqual(p.accepted)
            if (typeof s.file === "object") expect(p.rowsRead, what).toBe(s.file.rows.length)
          } else {
            expect(typeof p.failure?.zh, `${what}: a failure without zh: ${JSON.stringify(p)}`).toBe("string")
            expect(typeof p.failure?.en, `${what}: a failure without en: ${JSON.stringify(p)}`).toBe("string")
          }
          if (p.accepted > 0) {
            // The new e-files join the pool of ids the walk names.
            const listed = await (await as(s.actor.id)).get(`/units/${s.unit}/efiles?limit=1000`)
            for (const efile of listed.body.items ?? []) if (!teachers.includes(efile.id)) teachers.push(efile.id)
          }
          return
        }
        case "followImport": {
          if (batches.length === 0) return
          const batch = batches[s.batch % batches.length]!
          const path = `/imports/${batch.batchId}${s.report ? "/report" : ""}`
          const what = `${s.actor.id} GET ${path} (uploaded by ${batch.accountId})`
          const reply = await send(what, (await as(s.actor.id)).get(path))
          if (s.actor.id === batch.accountId) {
            expect(reply.status, `${what} → ${describeReply(reply)}`).toBe(200)
            if (!s.report && reply.body.state === "done") {
              const p = reply.body
              expect(p.accepted + p.rejected + p.skipped, `${what}: ${JSON.stringify(p)}`).toBe(p.rowsRead)
            }
          } else {
            expect([403, 404], `${what}: another account's import → ${describeReply(reply)}`).toContain(reply.status)
          }
          return
        }
        case "wrongMethod": {
          const [method, path] = s.request as readonly [string, string]
          const what = `${s.actor.id} ${method} ${path}`
          const reply = await send(what, (await as(s.actor.id)).call(method, path, method === "GET" ? undefined : {}))
          expect([404, 405], `${what} → ${describeReply(reply)}`).toContain(reply.status)
          if (reply.status === 405) expect(reply.headers.get("allow"), what).toBeTruthy()
          return
        }
        case "badBody": {
          const what = `${s.actor.id} POST ${s.path} ${s.body.slice(0, 60)} as ${s.contentType}`
          const reply = await send(
            what,
            (await as(s.actor.id)).call("POST", s.path, expand(s.body), { "content-type": s.contentType })
          )
          expect([400, 413, 415], `${what} → ${describeReply(reply)}`).toContain(reply.status)
          return
        }
        case "noSession": {
          const what = `GET ${s.path} with token ${String(s.token).slice(0, 20)}`
          const reply = await send(
            what,
            client(running.url, s.token === undefined ? undefined : expand(s.token)).get(s.path)
          )
          expect([400, 401], `${what} → ${describeReply(reply)}`).toContain(reply.status)
          return
        }
      }
    }

    beforeAll(async () => {
      opened = await backend.make()
      importDir = await mkdtemp(join(tmpdir(), "tmis-walk-imports-"))
      running = await start(opened, { importDir }, cheapSettings)
      const seeded = await seedDemo(running, 40)
      expect(new Set(seeded.accounts.map((a) => a.id))).toEqual(new Set(actors.map((a) => a.id)))
      const stored = await run(
        Effect.gen(function* () {
          const storage = yield* Storage.Storage
          const units = yield* storage.units.subtree("/hubei/", { limit: 1000 })
          const efiles = yield* storage.teachers.subtree("/hubei/", { limit: 1000 })
          return { units: units.items, efiles: efiles.items }
        })
      )
      for (const unit of stored.units) paths.set(unit.id, unit.path)
      teachers.push(...stored.efiles.map((e) => e.id))
      expect([...paths.keys()].sort()).toEqual([...unitIds].sort())
      for (const a of actors) await as(a.id)
    }, 60_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
      if (importDir !== undefined) await rm(importDir, { recursive: true, force: true })
    })

    it("M13.2 M13.3 M13.4 M14.3 M15.1 M16.2 M23.1 M23.2 M37.1 a random walk over the API: no 5xx, every error body with kind, zh and en, nothing outside the actor's subtree, keyed retries answer the first answer, a finished import's counts add up", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 40 }), async (steps) => {
          for (const s of steps) await perform(s)
        }),
        { numRuns: 30, endOnFailure: true }
      )
      // The walk reached the commands it is about, not only refusals.
      expect(tally.get("200") ?? 0).toBeGreaterThan(0)
      // The log the walk wrote still verifies (M37.1).
      const verified = await (await as("sa-hubei")).get("/audit/verify")
      expect(verified.body._tag).toBe("Intact")
      const workflowsNow = await run(Workflows.get(Demo.demoTransfer.id))
      expect(workflowsNow.value.id).toBe(Demo.demoTransfer.id)
      console.info(
        `random walk on ${backend.name}: answers by status ${JSON.stringify(Object.fromEntries(tally))}, by step ${JSON.stringify(Object.fromEntries([...reached].sort()))}`
      )
    }, 120_000)
  })
}
