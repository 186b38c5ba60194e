/**
 * The driver of the tmis reference server's HTTP API (its OpenAPI contract, `GET <target>/openapi.json`): sessions by
 * `POST /auth/login` (bearer token), a new account's initial password set by its manager and changed at the first
 * login (M37.2), idempotency keys in the `Idempotency-Key` header.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import type * as Driver from "./Driver.js"

/** An answer's JSON, read field by field as the tmis OpenAPI contract documents it. */
// biome-ignore lint/suspicious/noExplicitAny: the answers are the server's documented JSON, read field by field
type Json = any

/** Redacted in the evidence: what would let a reader of a report act as someone. */
const redacted = "«redacted»"
const secretKeys = new Set(["password", "current", "next", "token", "key"])

const redact = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(redact)
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, secretKeys.has(k) && typeof v === "string" ? redacted : redact(v)])
    )
  }
  return value
}

/** A password meeting the MLPS level-3 policy, of no account's or person's identifiers: random letters. */
const newPassword = () => {
  const letters = randomBytes(12)
    .toString("base64")
    .replace(/[^A-Za-z]/g, "")
    .slice(0, 10)
  return `Kt#${letters}9z`
}

/** How many times a read or an idempotent command is sent when no answer, or a 503, comes back. */
const maxAttempts = 3

const refusedOf = (status: number, body: unknown, evidence: ReadonlyArray<Driver.Exchange>) => {
  const b = (body ?? {}) as { rule?: unknown; kind?: unknown; en?: unknown }
  return {
    ok: false as const,
    status,
    ...(typeof b.rule === "string" ? { rule: b.rule } : {}),
    ...(typeof b.kind === "string" ? { kind: b.kind } : {}),
    ...(typeof b.en === "string" ? { message: b.en } : {}),
    evidence
  }
}

/**
 * The tmis reference server, driven over HTTP.
 *
 * @since 0.1.0
 */
export const httpDriver = (options: {
  readonly target: string
  readonly accounts: Driver.Accounts
  readonly fetch?: typeof fetch
}): Driver.Driver => {
  const target = options.target.replace(/\/+$/, "")
  const doFetch = options.fetch ?? fetch
  const tokens = new Map<string, string>()

  interface Call {
    readonly status: number
    readonly body: unknown
    readonly exchange: Driver.Exchange
  }

  const call = async (
    as: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Readonly<Record<string, string>> = {}
  ): Promise<Call> => {
    const token = as === undefined ? undefined : tokens.get(as)
    const sent: Record<string, string> = {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...headers
    }
    const at = new Date().toISOString()
    let status = 0
    let parsed: unknown
    // A read, or a command with an idempotency key, is sent again when no answer came (the connection failed) or the
    // answer was 503 (the server gave up in time): a second sending changes nothing, and an overloaded system under
    // test is not a violation of a rule. Other commands are sent once: sending them again could apply them twice.
    const retriable = method === "GET" || headers["idempotency-key"] !== undefined
    for (let attempt = 1; ; attempt++) {
      status = 0
      try {
        const response = await doFetch(target + path, {
          method,
          headers: sent,
          ...(body === undefined ? {} : { body: JSON.stringify(body) })
        })
        status = response.status
        const text = await response.text()
        try {
          parsed = text === "" ? undefined : JSON.parse(text)
        } catch {
          parsed = text
        }
      } catch (error) {
        parsed = { error: String(error) }
      }
      if (!retriable || attempt === maxAttempts || (status !== 0 && status !== 503)) break
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt))
    }
    const shownHeaders = Object.fromEntries(
      Object.entries(sent).map(([k, v]) =>
        k === "authorization"
          ? [k, `Bearer $TOKEN_${(as ?? "").replace(/\W/g, "_")}`]
          : k === "x-provider-key"
            ? [k, redacted]
            : [k, v]
      )
    )
    return {
      status,
      body: parsed,
      exchange: {
        ...(as === undefined ? {} : { actor: as }),
        method,
        url: target + path,
        requestHeaders: shownHeaders,
        ...(body === undefined ? {} : { requestBody: redact(body) }),
        status,
        responseBody: redact(parsed),
        at
      }
    }
  }

  /** One request, its answer mapped by `f` when 2xx. */
  const one = async <A>(
    as: string | undefined,
    method: string,
    path: string,
    body: unknown,
    f: (body: Json) => A,
    headers?: Readonly<Record<string, string>>
  ): Promise<Driver.Result<A>> => {
    const r = await call(as, method, path, body, headers)
    return r.status >= 200 && r.status < 300
      ? { ok: true, value: f(r.body), evidence: [r.exchange] }
      : refusedOf(r.status, r.body, [r.exchange])
  }

  const login = async (accountId: string, password: string, evidence: Array<Driver.Exchange>) => {
    const r = await call(undefined, "POST", "/auth/login", { accountId, password })
    evidence.push(r.exchange)
    const body = r.body as { outcome?: string; token?: string } | undefined
    if (r.status === 200 && body?.outcome === "ok" && typeof body.token === "string") {
      tokens.set(accountId, body.token)
      return undefined
    }
    return r
  }

  const unitInfo = (u: Json): Driver.UnitInfo => ({ id: u.id, kind: u.kind, parentId: u.parentId, code: u.code })
  const accountInfo = (a: Json): Driver.AccountInfo => ({
    id: a.id,
    role: a.role,
    unitId: a.unitId,
    status: a.status,
    version: a.version
  })
  const processInfo = (p: Json): Driver.ProcessInfo => ({ id: p.id, state: p.state, open: p.open, version: p.version })
  const keyed = (o?: Driver.CommandOptions) =>
    o?.idempotencyKey === undefined ? {} : { "idempotency-key": o.idempotencyKey }

  /** Every page of a keyset listing. */
  const pages = async <A>(as: string, path: string, f: (item: Json) => A): Promise<Driver.Result<ReadonlyArray<A>>> => {
    const evidence: Array<Driver.Exchange> = []
    const items: Array<A> = []
    let after: string | undefined
    for (let i = 0; i < 100; i++) {
      const sep = path.includes("?") ? "&" : "?"
      const r = await call(
        as,
        "GET",
        `${path}${sep}limit=1000${after === undefined ? "" : `&after=${encodeURIComponent(after)}`}`
      )
      evidence.push(r.exchange)
      if (r.status !== 200) return refusedOf(r.status, r.body, evidence)
      const body = r.body as { items: ReadonlyArray<unknown>; next?: string }
      items.push(...body.items.map(f))
      after = body.next
      if (after === undefined) break
    }
    return { ok: true, value: items, evidence }
  }

  return {
    target,
    signIn: async () => {
      const { id, password, unit } = options.accounts.systemAdmin
      const evidence: Array<Driver.Exchange> = []
      const failed = await login(id, password, evidence)
      if (failed !== undefined) {
        const refused = refusedOf(failed.status, failed.body, evidence)
        return (failed.body as { outcome?: string })?.outcome === "mustChangePassword"
          ? { ...refused, message: "the password of the accounts file is an initial one: change it first" }
          : refused
      }
      return { ok: true, value: { accountId: id, unitId: unit }, evidence }
    },
    unit: (as, unitId) => one(as, "GET", `/units/${unitId}`, undefined, unitInfo),
    createUnit: (as, parentId, unit) => one(as, "POST", `/units/${parentId}/units`, unit, unitInfo),
    createAccount: (as, unitId, a) =>
      one(
        as,
        "POST",
        `/units/${unitId}/accounts`,
        { id: a.id, role: a.role, person: { name: a.name, identityNumber: a.identityNumber } },
        accountInfo
      ),
    listAccounts: (as, unitId) => pages(as, `/units/${unitId}/accounts`, accountInfo),
    disableAccount: (as, accountId, version) =>
      one(as, "POST", `/accounts/${accountId}/disable`, { expectedVersion: version ?? 0 }, () => undefined),
    activate: async (as, accountId) => {
      const evidence: Array<Driver.Exchange> = []
      const initial = newPassword()
      const set = await call(as, "PUT", `/accounts/${accountId}/password`, { password: initial })
      evidence.push(set.exchange)
      if (set.status !== 200) return refusedOf(set.status, set.body, evidence)
      const final = newPassword()
      const changed = await call(undefined, "POST", "/auth/password", { accountId, current: initial, next: final })
      evidence.push(changed.exchange)
      if (changed.status !== 200) return refusedOf(changed.status, changed.body, evidence)
      const failed = await login(accountId, final, evidence)
      if (failed !== undefined) return refusedOf(failed.status, failed.body, evidence)
      return { ok: true, value: undefined, evidence }
    },
    onboard: (as, hire) =>
      one(as, "POST", "/efiles", hire, (b) => ({
        teacherId: b.efile.id as string,
        entryId: b.entry.id as string,
        entryVersion: b.entry.version as number
      })),
    readEFile: (as, teacherId) =>
      one(as, "GET", `/efiles/${teacherId}`, undefined, (b) => ({
        teacherId: b.efile.id,
        unitId: b.efile.unitId,
        idNumber: b.efile.idNumber,
        entries: (b.entries as ReadonlyArray<Json>).map((e) => ({
          id: e.id,
          group: e.group,
          state: e.review?.state,
          version: e.version
        })),
        raw: b
      })),
    listEFiles: (as, unitId) =>
      one(as, "GET", `/units/${unitId}/efiles?limit=1000`, undefined, (b) => ({
        items: (b.items as ReadonlyArray<Json>).map((e) => ({ teacherId: e.id, idNumber: e.idNumber })),
        raw: b
      })),
    review: (as, entryId, command, expectedVersion) =>
      one(as, "POST", `/entries/${entryId}/review`, { command, expectedVersion }, (b) => ({ version: b.version })),
    initiateTransfer: (as, transfer, o) => one(as, "POST", "/transfers", transfer, processInfo, keyed(o)),
    initiateRotation: (as, rotation, o) => one(as, "POST", "/rotations", rotation, processInfo, keyed(o)),
    process: (as, id) => one(as, "GET", `/workflows/${id}`, undefined, processInfo),
    act: (as, id, action, expectedVersion, o) =>
      one(as, "POST", `/workflows/${id}/actions`, { ...action, expectedVersion }, processInfo, keyed(o)),
    auditSearch: (as, filter) =>
      pages(as, `/audit?actor=${encodeURIComponent(filter.actor)}`, (r) => ({
        actor: r.actor,
        action: r.action,
        object: r.object,
        outcome: r.outcome,
        at: r.at
      })),
    registerProvider: (as, provider) =>
      one(as, "POST", "/training/providers", provider, (b) => ({ id: b.provider.id, key: b.key })),
    createProject: (as, project) =>
      one(as, "POST", "/training/projects", { ...project, form: "course" }, (b) => ({ id: b.id })),
    enrol: (as, projectId, teacherId) =>
      one(as, "POST", `/training/projects/${projectId}/enrolments`, { teacherId }, () => undefined),
    submitResult: (provider, result) =>
      one(undefined, "POST", "/provider/results", result, (b) => ({ id: b.id, version: b.version }), {
        "x-provider-id": provider.id,
        "x-provider-key": provider.key
      }),
    confirmResult: (as, resultId, version) =>
      one(as, "POST", `/training/results/${resultId}/confirm`, { version }, (b) => ({ version: b.version })),
    ledger: (as, teacherId) =>
      one(as, "GET", `/efiles/${teacherId}/credits`, undefined, (b) => ({
        entries: (b.entries as ReadonlyArray<Json>).map((e) => ({
          kind: e.kind,
          projectId: e.projectId,
          credits: e.credits
        })),
        availableCredits: b.balance.available.credits
      }))
  }
}
