/**
 * The load generator of `npm run bench -- server`, run as its own process (`node --import tsx bench/serverLoad.ts
 * '<json>'`) so that its work is not counted against the server it measures: autocannon's programmatic API against
 * one URL, cycling through the given paths with the given headers, for a fixed time. Prints one JSON line on stdout:
 * the figures the parent needs (completed requests, elapsed seconds, latency percentiles in ms, non-2xx, errors).
 */
import { createRequire } from "node:module"

/** What the parent passes as the first argument, as JSON. */
export interface LoadConfig {
  readonly url: string
  readonly paths: ReadonlyArray<string>
  readonly headers: Readonly<Record<string, string>>
  readonly connections: number
  readonly durationS: number
}

/** The figures printed back, one JSON line. */
export interface LoadResult {
  readonly completed: number
  readonly elapsedS: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
  readonly non2xx: number
  readonly errors: number
  readonly timeouts: number
  readonly statusCodes: Readonly<Record<string, number>>
}

// The part of autocannon 9's API used here (the package ships no type declarations).
interface Histogram {
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly total: number
}
interface Result {
  readonly requests: Histogram
  readonly latency: Histogram
  readonly duration: number
  readonly non2xx: number
  readonly errors: number
  readonly timeouts: number
  readonly statusCodeStats: Readonly<Record<string, { readonly count: number | string }>>
}
type Autocannon = (options: {
  readonly url: string
  readonly connections: number
  readonly duration: number
  readonly headers: Readonly<Record<string, string>>
  readonly requests: ReadonlyArray<{ readonly method: "GET"; readonly path: string }>
}) => Promise<Result>

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon

const config = JSON.parse(process.argv[2] ?? "") as LoadConfig
const result = await autocannon({
  url: config.url,
  connections: config.connections,
  duration: config.durationS,
  headers: config.headers,
  requests: config.paths.map((path) => ({ method: "GET" as const, path }))
})
const output: LoadResult = {
  completed: result.requests.total,
  elapsedS: result.duration,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  maxMs: result.latency.max,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, Number(s.count)]))
}
process.stdout.write(`${JSON.stringify(output)}\n`)
