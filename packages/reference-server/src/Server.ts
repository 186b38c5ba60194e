/**
 * The reference server: the API of `Api.ts` served over node:http (or node:https with mutual TLS), its OpenAPI 3.1
 * document at `/openapi.json`, and an interactive reference at `/docs` whose script is served inline by the server
 * itself (no network needed where it runs).
 *
 * Around every request: an id (the `x-request-id` header and every audit record of the request, M37.1); body
 * limits and a JSON check before any handler runs (malformed JSON, prototype keys → 400, too large → 413, other
 * media types → 415); a time limit for reads; an audit record for every refused request; no-store and nosniff
 * headers. Commands are never cut short mid-transaction: a write runs to its commit or its rollback.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import * as Http from "node:http"
import * as Https from "node:https"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  HttpApi,
  HttpApiBuilder,
  HttpApiScalar,
  type HttpApp,
  HttpIncomingMessage,
  HttpServer,
  HttpServerError,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Audit, Auth, type IdentitySource, type Refusal, type Settings, Storage } from "@tmis/core"
import { Cause, Duration, Effect, Layer, Option } from "effect"
import * as Api from "./Api.js"
import * as ApiError from "./ApiError.js"
import * as Authentication from "./Authentication.js"
import * as ExchangeKeys from "./ExchangeKeys.js"
import * as Handlers from "./Handlers.js"
import * as Imports from "./Imports.js"
import * as LocalModule from "./LocalModule.js"
import * as RequestContext from "./RequestContext.js"

/**
 * TLS with client certificates (M14.2): the server's key and certificate, and the CA whose certificates clients
 * present. Clients without a certificate are still served (they log in with a password); a certificate the CA did
 * not sign is not passed on.
 *
 * @since 0.1.0
 */
export interface Tls {
  readonly key: string | Buffer
  readonly cert: string | Buffer
  readonly ca: string | Buffer
}

/**
 * Options of {@link layer}.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly host?: string
  /** 0 picks a free port. Default 8080. */
  readonly port?: number
  readonly tls?: Tls
  /** Largest JSON body, in bytes. Default 1 MiB. */
  readonly maxJsonBytes?: number
  /**
   * Largest JSON body of the exchange's endpoints (`POST /exchange/…`), which carry whole packages (M32.1): a package
   * of 100,000 teachers is about 22 MB. Default 128 MiB.
   */
  readonly maxPackageBytes?: number
  /** Largest import upload, in bytes. Default 256 MiB. */
  readonly maxImportBytes?: number
  /** Time limit of a read (GET), in ms. Default 30 s. */
  readonly readTimeoutMs?: number
  /** Where uploads and error reports are kept. Default: a folder under the OS temp directory. */
  readonly importDir?: string
  /**
   * The province's identity platform (M15.2), e.g. `IdentitySource.platform({...})`'s service: logins with its
   * tokens at `POST /auth/platform`. Password logins against the built-in account store stay available.
   */
  readonly identitySource?: IdentitySource.IdentitySource["Type"]
  /** The exchange's keys (M32.1). Default: the files the environment names (see `ExchangeKeys.fromEnv`). */
  readonly exchangeKeys?: ExchangeKeys.Keys
  /** The province's local modules (M27.1), served under `/modules/<name>/` behind the same guard. */
  readonly modules?: ReadonlyArray<LocalModule.LocalModule>
}

const limits = (options: Options) => ({
  json: options.maxJsonBytes ?? 1024 * 1024,
  package: options.maxPackageBytes ?? 128 * 1024 * 1024,
  upload: options.maxImportBytes ?? 256 * 1024 * 1024,
  readTimeout: Duration.millis(options.readTimeoutMs ?? 30_000)
})

/**
 * An error body like the API's own (`ApiError.ts`), for refusals made before the API runs, with the refusal kind
 * (none for a bug); what it echoes is quoted (`ApiError.abbreviate`: a 64-character prefix of a value, with its
 * length).
 */
const refusal = (
  status: number,
  tag: string,
  kind: Refusal.Kind | undefined,
  zh: string,
  en: string,
  details: Record<string, unknown> = {},
  headers: Record<string, string> = {}
) =>
  HttpServerResponse.unsafeJson(
    ApiError.abbreviate({ _tag: tag, ...(kind === undefined ? {} : { kind }), zh, en, details }),
    { status, headers }
  )

/** Where the server serves the OpenAPI document and the interactive reference, beside the API. */
const openApiPath = "/openapi.json"
const docsPath = "/docs"

type Route = { readonly segments: ReadonlyArray<string>; readonly method: string }

/**
 * Every path an API answers, as segments (`:name` stands for any one non-empty segment), with its methods: from its
 * definition (the same data the router and the OpenAPI document come from), and the two documents. The router also
 * answers HEAD wherever it answers GET.
 */
const routesOf = (api: HttpApi.HttpApi.Any): ReadonlyArray<Route> => {
  const found: Array<Route> = []
  const add = (path: string, method: string) => {
    found.push({ segments: path.split("/"), method })
    if (method === "GET") found.push({ segments: path.split("/"), method: "HEAD" })
  }
  HttpApi.reflect(api as HttpApi.HttpApi.AnyWithProps, {
    onGroup: () => {},
    onEndpoint: ({ endpoint }) => add(endpoint.path, endpoint.method)
  })
  add(openApiPath, "GET")
  add(docsPath, "GET")
  return found
}

const apiRoutes = routesOf(Api.Api)

const methodsAt = (routes: ReadonlyArray<Route>, pathname: string): ReadonlyArray<string> => {
  const segments = pathname.split("/")
  const matches = (template: ReadonlyArray<string>) =>
    template.length === segments.length &&
    template.every((part, i) => (part.startsWith(":") ? segments[i] !== "" : part === segments[i]))
  return [...new Set(routes.filter((route) => matches(route.segments)).map((route) => route.method))].sort()
}

/**
 * The methods the server takes at a path of the API, in order; empty for a path it does not have.
 *
 * @since 0.1.0
 */
export const allowedMethods = (pathname: string): ReadonlyArray<string> => methodsAt(apiRoutes, pathname)

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })

/**
 * The offset of the first invalid byte sequence. A strict streaming decoder accepts every prefix up to it (an
 * incomplete sequence at a prefix's end is no error while streaming): the longest accepted prefix ends either on a
 * character boundary, where the bad sequence starts, or inside the bad sequence's first bytes.
 */
const firstInvalidByte = (bytes: Uint8Array): number => {
  const decodes = (length: number, stream: boolean) => {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, length), { stream })
      return true
    } catch {
      return false
    }
  }
  let [low, high] = [0, bytes.length]
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (decodes(mid, true)) low = mid
    else high = mid - 1
  }
  if (decodes(low, false)) return low
  let start = low - 1
  while (start > 0 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start--
  return start
}

/** The first string (or key) of a parsed body with a lone surrogate (a `\uD800` escape): valid JSON, invalid text. */
const findLoneSurrogate = (
  value: unknown
): { readonly path: string; readonly codePoint: string; readonly position: number } | undefined => {
  const lone = /\p{Cs}/u
  const at = (s: string, path: string) => {
    const m = lone.exec(s)
    if (m === null) return undefined
    const codePoint = `U+${s.charCodeAt(m.index).toString(16).toUpperCase()}`
    return { path, codePoint, position: Array.from(s.slice(0, m.index)).length + 1 }
  }
  const stack: Array<{ readonly value: unknown; readonly path: string }> = [{ value, path: "body" }]
  while (stack.length > 0) {
    const { value: here, path } = stack.pop()!
    if (typeof here === "string") {
      const found = at(here, path)
      if (found !== undefined) return found
    }
    if (typeof here !== "object" || here === null) continue
    for (const [key, inner] of Object.entries(here)) {
      const keyAt = at(key, `${path} (a key)`)
      if (keyAt !== undefined) return keyAt
      stack.push({ value: inner, path: Array.isArray(here) ? `${path}[${key}]` : `${path}.${key}` })
    }
  }
  return undefined
}

/** The path of a request target; an unreadable target (an absolute URL that does not parse) counts as "/". */
const pathnameOf = (url: string): string => {
  try {
    return new URL(url, "http://localhost").pathname
  } catch {
    return "/"
  }
}

/** A bug's answer: nothing about it but the request id to find it in the log. */
const internalError = (requestId: string) =>
  refusal(500, "InternalError", undefined, "服务器内部错误", "internal error: see the server log for this request id", {
    requestId
  })

/** Keys that would reach an object's prototype if a consumer merged the body naively. */
const forbiddenKeys = new Set(["__proto__", "constructor", "prototype"])

/** Deeper JSON than this is refused: no request of the API nests more than a few levels. */
const maxDepth = 64

/** The path of the first forbidden key, or of the first value nested deeper than {@link maxDepth}; iterative. */
const findForbiddenKey = (value: unknown): { readonly path: string; readonly tooDeep: boolean } | undefined => {
  const stack: Array<{ readonly value: unknown; readonly path: string; readonly depth: number }> = [
    { value, path: "body", depth: 0 }
  ]
  while (stack.length > 0) {
    const { value: here, path, depth } = stack.pop()!
    if (typeof here !== "object" || here === null) continue
    if (depth >= maxDepth) return { path, tooDeep: true }
    for (const [key, inner] of Object.entries(here)) {
      const at = Array.isArray(here) ? `${path}[${key}]` : `${path}.${key}`
      if (forbiddenKeys.has(key)) return { path: at, tooDeep: false }
      stack.push({ value: inner, path: at, depth: depth + 1 })
    }
  }
  return undefined
}

/** What an upload may be sent as: the file's bytes, which the importer reads (CSV or XLSX). */
const uploadTypes = ["application/octet-stream", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]

const isUpload = (method: string, pathname: string) =>
  method === "POST" && (/^\/units\/[^/]+\/imports$/.test(pathname) || pathname === "/provider/results/file")

/** Requests that carry an exchange package (M32.1), larger than any other JSON body. */
const carriesPackage = (method: string, pathname: string) => method === "POST" && pathname.startsWith("/exchange/")

/** Requests whose refusals the core audits itself (every login attempt, every password change). */
const auditedByCore = (pathname: string) =>
  pathname === "/auth/login" || pathname === "/auth/password" || pathname === "/auth/platform"

/**
 * A request target holding U+0000 (`%00`) is refused: no id, filter or cursor holds it, and Postgres cannot take it
 * as a text parameter (it would fail in the store, a 500).
 */
const checkTarget = (url: string) =>
  /%00/i.test(url)
    ? refusal(
        400,
        "BadRequest",
        "invalid",
        "请求地址含有空字符（U+0000）",
        "the request's path or query holds U+0000 (%00), which no id, filter or cursor may hold",
        { field: "url" }
      )
    : undefined

/** A JSON string holding U+0000 (the escape `\u0000`). */
const nulEscape = /(?<!\\)(?:\\\\)*\\u0000/

/**
 * Check the body of a request before the API sees it; a response when it is refused.
 */
const checkBody = (request: HttpServerRequest.HttpServerRequest, pathname: string, max: ReturnType<typeof limits>) =>
  Effect.gen(function* () {
    if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return undefined
    const declared = request.headers["content-length"]
    const length = declared === undefined ? undefined : Number(declared)
    if (length === undefined && request.headers["transfer-encoding"] === undefined) return undefined // no body
    if (length === undefined || !Number.isFinite(length)) {
      // A chunked body would have to be cut off mid-stream at the limit, which drops the connection unanswered.
      return refusal(
        411,
        "LengthRequired",
        "invalid",
        "请求体须注明长度",
        "a request body must declare its Content-Length"
      )
    }
    if (isUpload(request.method, pathname)) {
      const type = (request.headers["content-type"] ?? "application/octet-stream").toLowerCase()
      if (!uploadTypes.some((accepted) => type.startsWith(accepted))) {
        return refusal(
          415,
          "UnsupportedMediaType",
          "invalid",
          "上传文件须以二进制流发送",
          "send the file as application/octet-stream",
          {
            field: "Content-Type",
            value: type.slice(0, 100)
          }
        )
      }
      if (length > max.upload) {
        return refusal(413, "PayloadTooLarge", "invalid", "上传文件过大", `an upload is at most ${max.upload} bytes`, {
          field: "Content-Length",
          value: length
        })
      }
      return undefined
    }
    const type = (request.headers["content-type"] ?? "application/json").toLowerCase()
    const limit = carriesPackage(request.method, pathname) ? max.package : max.json
    if (!type.startsWith("application/json")) {
      return refusal(415, "UnsupportedMediaType", "invalid", "请求体须为JSON", "the body must be application/json", {
        field: "Content-Type",
        value: type.slice(0, 100)
      })
    }
    if (length > limit) {
      return refusal(413, "PayloadTooLarge", "invalid", "请求体过大", `a JSON body is at most ${limit} bytes`, {
        field: "Content-Length",
        value: length
      })
    }
    // Read once, within the limit (a chunked body declares no length), as bytes: decoded strictly, since a decoder
    // that replaces invalid bytes with U+FFFD would store text the client never sent.
    const bytes = yield* request.arrayBuffer.pipe(
      HttpIncomingMessage.withMaxBodySize(Option.some(limit)),
      Effect.either
    )
    if (bytes._tag === "Left") {
      return refusal(413, "PayloadTooLarge", "invalid", "请求体过大或不完整", `a JSON body is at most ${limit} bytes`, {
        field: "body"
      })
    }
    let decoded: string
    try {
      decoded = strictUtf8.decode(bytes.right)
    } catch {
      const offset = firstInvalidByte(new Uint8Array(bytes.right))
      return refusal(
        400,
        "BadRequest",
        "invalid",
        `请求体不是合法的UTF-8编码（第${offset}字节起）`,
        `the body is not valid UTF-8 (an invalid byte sequence at byte offset ${offset}): send JSON encoded as UTF-8`,
        { field: "body", offset }
      )
    }
    // The API reads the body as text: it gets this strictly decoded text (the stream is read already).
    Object.defineProperty(request, "text", { value: Effect.succeed(decoded), configurable: true })
    if (decoded === "") return undefined
    let parsed: unknown
    try {
      parsed = JSON.parse(decoded)
    } catch (error) {
      return refusal(400, "BadRequest", "invalid", "请求体不是合法的JSON", "the body is not valid JSON", {
        field: "body",
        reason: error instanceof Error ? error.message.slice(0, 200) : "invalid"
      })
    }
    // The login and password bodies carry account ids and passwords, which the core looks up and audits as they
    // are: U+0000 in them is refused here (in other bodies the core's text rules refuse it, naming field and rule).
    if (auditedByCore(pathname) && nulEscape.test(decoded)) {
      return refusal(
        400,
        "BadRequest",
        "invalid",
        "请求体含有空字符（U+0000）",
        "the body holds U+0000, which no account id or password may hold",
        { field: "body" }
      )
    }
    const lone = /\\u[dD][89abcdefABCDEF]/.test(decoded) ? findLoneSurrogate(parsed) : undefined
    if (lone !== undefined) {
      return refusal(
        400,
        "BadRequest",
        "invalid",
        `请求体的${lone.path}第${lone.position}个字符是孤立的代理项${lone.codePoint}，不是合法的Unicode文本`,
        `${lone.path} has a lone surrogate ${lone.codePoint} at character ${lone.position}: not valid Unicode text`,
        { field: lone.path, codePoint: lone.codePoint, position: lone.position }
      )
    }
    const found = findForbiddenKey(parsed)
    if (found === undefined) return undefined
    return found.tooDeep
      ? refusal(400, "BadRequest", "invalid", "请求体嵌套过深", `the body nests deeper than ${maxDepth} levels`, {
          field: found.path.slice(0, 200)
        })
      : refusal(400, "BadRequest", "invalid", "请求体含有不允许的键", "the body has a key that is never accepted", {
          field: found.path,
          value: found.path.slice(found.path.lastIndexOf(".") + 1)
        })
  })

/**
 * The platform's schema refusal, in the shape of every other refusal: `BadRequest` with zh/en and the issues (the
 * path of each offending field and what was expected). Every other refusal of the API is quoted here too
 * (`ApiError.abbreviate`), the one place every error body passes.
 */
const uniformDecodeError = (response: HttpServerResponse.HttpServerResponse) => {
  if (response.status < 400 || response.body._tag !== "Uint8Array") return response
  let body: { _tag?: unknown; issues?: unknown }
  try {
    body = JSON.parse(new TextDecoder().decode(response.body.body))
  } catch {
    return response
  }
  if (body._tag !== "HttpApiDecodeError") {
    return HttpServerResponse.unsafeJson(ApiError.abbreviate(body), {
      status: response.status,
      headers: response.headers,
      cookies: response.cookies
    })
  }
  return refusal(
    400,
    "BadRequest",
    "invalid",
    "请求不符合接口定义",
    "the request does not match the endpoint's schema",
    {
      issues: body.issues
    }
  )
}

const securityHeaders = (response: HttpServerResponse.HttpServerResponse, pathname: string, id: string, tls: boolean) =>
  HttpServerResponse.setHeaders(response, {
    "x-request-id": id,
    ...(tls ? { "strict-transport-security": "max-age=31536000" } : {}),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    // The reference page runs its inline script and styles, and nothing from anywhere else.
    "content-security-policy":
      pathname === docsPath
        ? "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; frame-ancestors 'none'"
        : "default-src 'none'; frame-ancestors 'none'"
  })

/**
 * The actor of a request refused before its session was read (a path or body the endpoint cannot decode is refused
 * before authentication runs): the account of the session its token names, when that session may act; otherwise none.
 */
const sessionActor = (request: HttpServerRequest.HttpServerRequest) => {
  const bearer = /^bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1]
  const token = bearer ?? request.cookies[Api.sessionCookie.key]
  if (token === undefined || token.length === 0 || token.length > 128) return Effect.succeed(undefined)
  return Auth.session(Authentication.sessionIdOf(token), Authentication.presentedCertificate(request)).pipe(
    Effect.orElseSucceed(() => undefined)
  )
}

/** Audit a refused request under its actor (or "anonymous"), in its own transaction (M37.1). */
const auditRefusal = (
  state: RequestContext.RequestState,
  request: HttpServerRequest.HttpServerRequest,
  pathname: string,
  response: HttpServerResponse.HttpServerResponse
) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const actor = state.actor ?? (yield* sessionActor(request))
    const at = new Date().toISOString()
    yield* storage.transaction(
      storage.audit.append({
        at,
        actor: actor?.accountId ?? "anonymous",
        unitId: actor?.unit.id,
        action: "http.refused",
        object: `${request.method} ${pathname}`,
        outcome: "refused",
        requestId: state.id,
        details: { status: response.status, rule: state.refusal?.rule ?? null, kind: state.refusal?.kind ?? null }
      })
    )
  })

/**
 * The middleware around the whole app (see the module comment).
 *
 * @since 0.1.0
 */
export const guard = (options: Options) => {
  const routes = options.modules?.length ? routesOf(LocalModule.api(options.modules)) : apiRoutes
  return <R>(app: HttpApp.Default<never, R>): HttpApp.Default<never, R | Storage.Storage | Settings.Settings> =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const max = limits(options)
      const pathname = pathnameOf(request.url)
      const state: RequestContext.RequestState = { id: randomUUID(), actor: undefined }
      const refused =
        checkTarget(request.url) ??
        (yield* checkBody(request, pathname, max).pipe(
          Effect.catchAllDefect((defect) =>
            Effect.as(Effect.logError("request check failed", defect), internalError(state.id))
          )
        ))
      const serve = app.pipe(
        Effect.locally(RequestContext.current, state),
        Effect.locally(Audit.currentRequestId, state.id),
        request.method === "GET"
          ? Effect.timeoutFail({
              duration: max.readTimeout,
              onTimeout: () => "timeout" as const
            })
          : (effect) => effect,
        Effect.catchAllCause((cause) => {
          const failure = Option.getOrUndefined(Cause.failureOption(cause))
          if (HttpServerError.isServerError(failure) && failure._tag === "RouteNotFound") {
            // A path the server has, with a method it does not take there: 405 naming the methods it takes.
            const allow = methodsAt(routes, pathname)
            if (allow.length > 0 && !allow.includes(request.method)) {
              return Effect.succeed(
                refusal(
                  405,
                  "MethodNotAllowed",
                  "invalid",
                  `此接口不支持${request.method.slice(0, 20)}方法，可用：${allow.join("、")}`,
                  `${request.method.slice(0, 20)} is not allowed here: use ${allow.join(", ")}`,
                  { method: request.method.slice(0, 20), path: pathname.slice(0, 200), allow },
                  { allow: allow.join(", ") }
                )
              )
            }
            return Effect.succeed(
              refusal(404, "NotFound", "notFound", "没有这个接口", "there is no such endpoint", {
                method: request.method,
                path: pathname.slice(0, 200)
              })
            )
          }
          const unreadable = [...Cause.failures(cause), ...Cause.defects(cause)].some(
            (e) => HttpServerError.isServerError(e) && e._tag === "RequestError" && e.reason === "Decode"
          )
          if (unreadable) {
            // A body the endpoint cannot read as it declares it (an upload sent without a media type is read as
            // JSON by the platform): the client's error, as the platform itself answers it, with our refusal shape.
            return Effect.succeed(
              refusal(
                400,
                "BadRequest",
                "invalid",
                "请求体无法按接口定义读取",
                "the body cannot be read as this endpoint takes it",
                {
                  path: pathname.slice(0, 200),
                  contentType: (request.headers["content-type"] ?? "").slice(0, 100)
                }
              )
            )
          }
          if (Cause.isFailType(cause) && cause.error === "timeout") {
            return Effect.succeed(
              refusal(
                503,
                "Timeout",
                undefined,
                "请求超时",
                `the request took longer than ${Duration.format(max.readTimeout)}`
              )
            )
          }
          return Effect.as(Effect.logError("request failed", cause), internalError(state.id))
        })
      )
      const response = refused ?? uniformDecodeError(yield* serve)
      if (response.status >= 400 && !auditedByCore(pathname)) {
        yield* auditRefusal(state, request, pathname, response).pipe(
          Effect.catchAll((error) => Effect.logError("audit of a refused request failed", error))
        )
      }
      return securityHeaders(response, pathname, state.id, options.tls !== undefined)
    })
}

/**
 * The API with its handlers, authentication and imports, over the store.
 *
 * @since 0.1.0
 */
export const apiLayer = (options: Options) =>
  HttpApiBuilder.api(LocalModule.api(options.modules ?? [])).pipe(
    Layer.provide(Handlers.layer),
    Layer.provide(LocalModule.handlers(options.modules ?? [])),
    Layer.provide(Authentication.layer),
    Layer.provide(Imports.layer),
    Layer.provide(
      Layer.sync(ExchangeKeys.ExchangeKeys, () => options.exchangeKeys ?? ExchangeKeys.fromEnv(process.env))
    ),
    Layer.provide(
      Layer.succeed(RequestContext.ServerConfig, {
        secureCookies: options.tls !== undefined,
        importDir: options.importDir ?? join(tmpdir(), `tmis-imports-${process.pid}`),
        identitySource: options.identitySource
      })
    )
  )

/**
 * The node server itself: plain HTTP, or HTTPS asking for (not requiring) a client certificate. Slow clients are
 * cut off: the whole request must arrive within 60 s, its headers within 20 s.
 *
 * @since 0.1.0
 */
export const nodeServer = (options: Options): Http.Server => {
  const timeouts = { requestTimeout: 60_000, headersTimeout: 20_000, keepAliveTimeout: 5_000 }
  const server =
    options.tls === undefined
      ? Http.createServer(timeouts)
      : Https.createServer({
          ...timeouts,
          key: options.tls.key,
          cert: options.tls.cert,
          ca: options.tls.ca,
          requestCert: true,
          rejectUnauthorized: false
        })
  return server
}

/**
 * The server as a layer: serves until the layer's scope closes. Needs the store and the deployment settings.
 *
 * @since 0.1.0
 */
export const layer = (
  options: Options = {}
): Layer.Layer<HttpServer.HttpServer, unknown, Storage.Storage | Settings.Settings> =>
  // Not `HttpApiBuilder.serve(middleware)`: its middleware runs after the response is sent, too late to change it.
  HttpApiBuilder.httpApp.pipe(
    Effect.map((app) => HttpServer.serve(guard(options)(app))),
    Layer.unwrapEffect,
    Layer.provide([HttpApiBuilder.Router.Live, HttpApiBuilder.Middleware.layer]),
    Layer.provide(HttpApiScalar.layer({ path: docsPath, scalar: { withDefaultFonts: false } })),
    Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: openApiPath })),
    Layer.provide(apiLayer(options)),
    Layer.provideMerge(
      NodeHttpServer.layer(() => nodeServer(options), { port: options.port ?? 8080, host: options.host ?? "127.0.0.1" })
    )
  )

/**
 * The URL the server listens on.
 *
 * @since 0.1.0
 */
export const url = Effect.map(HttpServer.HttpServer, (server) => {
  const address = server.address
  return address._tag === "TcpAddress" ? `http://${address.hostname}:${address.port}` : `unix:${address.path}`
})
