/**
 * The reports of a run: JUnit XML for CI, a standalone HTML page, and the replay script of a failure's exchanges.
 *
 * @since 0.1.0
 */
import type * as Driver from "./Driver.js"

/** The result of one rule (see `@tmis/testkit/regulation`). */
interface RuleResult {
  readonly rule: string
  readonly status: "passed" | "failed" | "notApplicable"
  readonly title: string
  readonly evidence: ReadonlyArray<Driver.Exchange>
  readonly message?: string
  readonly counterexample?: string
}

interface RunResult {
  readonly seed: number
  readonly target: string
  readonly startedAt: string
  readonly results: ReadonlyArray<RuleResult>
}

const xml = (s: string): string =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")

const html_ = xml

/**
 * A Node script that sends a failure's exchanges again, in order, and prints each answer: the replay of a
 * counterexample. Requests acting as an account read its session token from `TOKEN_<account>` (log it in first);
 * logins and password changes are left out, since their secrets are redacted.
 *
 * @since 0.1.0
 */
export const replayScript = (
  target: string,
  rule: string,
  seed: number,
  evidence: ReadonlyArray<Driver.Exchange>
): string => {
  const steps = evidence.filter((e) => !/\/auth\/(login|password)$/.test(e.url) && !/\/password$/.test(e.url))
  const actors = [...new Set(steps.flatMap((e) => (e.actor === undefined ? [] : [e.actor])))]
  const lines = [
    `// Replay of the ${rule} counterexample (seed ${seed}) against ${target}: node replay.mjs`,
    `// Set TMIS_TARGET to replay elsewhere, and a session token per account: ${actors.map((a) => `TOKEN_${a.replace(/\W/g, "_")}`).join(", ") || "(none)"}.`,
    `const target = process.env.TMIS_TARGET ?? ${JSON.stringify(target)}`,
    "const send = async (actor, method, path, headers, body) => {",
    "  const h = { ...headers }",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the line is the generated script's own template
    '  if (actor !== undefined) h.authorization = `Bearer ${process.env[`TOKEN_${actor.replace(/\\W/g, "_")}`] ?? ""}`',
    "  const r = await fetch(target + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) })",
    "  console.log(method, path, r.status, await r.text())",
    "}"
  ]
  for (const e of steps) {
    const path = e.url.startsWith(target) ? e.url.slice(target.length) : e.url
    const headers = Object.fromEntries(Object.entries(e.requestHeaders ?? {}).filter(([k]) => k !== "authorization"))
    lines.push(
      `await send(${JSON.stringify(e.actor)}, ${JSON.stringify(e.method)}, ${JSON.stringify(path)}, ${JSON.stringify(headers)}, ${e.requestBody === undefined ? "undefined" : JSON.stringify(e.requestBody)}) // was ${e.status}`
    )
  }
  return `${lines.join("\n")}\n`
}

/**
 * The run as JUnit XML: one test case per rule; a failure carries its message and replay script, a rule not
 * applicable is skipped with the reason.
 *
 * @since 0.1.0
 */
export const junitXml = (r: RunResult): string => {
  const failures = r.results.filter((x) => x.status === "failed").length
  const skipped = r.results.filter((x) => x.status === "notApplicable").length
  const cases = r.results.map((x) => {
    const name = `${x.rule} ${x.title}`
    const body =
      x.status === "failed"
        ? `<failure message="${xml(x.message ?? "failed")}">${xml(`${x.message ?? ""}\n\n${x.counterexample ?? ""}`)}</failure>`
        : x.status === "notApplicable"
          ? `<skipped message="${xml(x.message ?? "not applicable")}"/>`
          : ""
    return `    <testcase classname="regulation" name="${xml(name)}">${body}</testcase>`
  })
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="tmis-conform" tests="${r.results.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="${xml(`tmis-conform ${r.target} seed ${r.seed}`)}" tests="${r.results.length}" failures="${failures}" skipped="${skipped}" timestamp="${xml(r.startedAt)}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    ""
  ].join("\n")
}

/**
 * The run as one standalone HTML page (no script, no external resource; every value escaped): a row per rule, its
 * evidence and counterexample folded under it.
 *
 * @since 0.1.0
 */
export const html = (r: RunResult): string => {
  const label = { passed: "passed", failed: "FAILED", notApplicable: "not applicable" } as const
  const rows = r.results.map((x) => {
    const evidence = x.evidence
      .map(
        (e) =>
          `<li><code>${html_(`${e.actor ?? "—"} ${e.method} ${e.url} → ${e.status}`)}</code><pre>${html_(
            JSON.stringify({ request: e.requestBody, response: e.responseBody }, null, 2)
          )}</pre></li>`
      )
      .join("")
    return [
      `<tr class="${x.status}"><td>${html_(x.rule)}</td><td>${label[x.status]}</td><td>${html_(x.title)}`,
      x.message === undefined ? "" : `<p>${html_(x.message)}</p>`,
      x.counterexample === undefined
        ? ""
        : `<details><summary>replay script</summary><pre>${html_(x.counterexample)}</pre></details>`,
      `<details><summary>evidence (${x.evidence.length} exchanges)</summary><ol>${evidence}</ol></details></td></tr>`
    ].join("")
  })
  const count = (s: RuleResult["status"]) => r.results.filter((x) => x.status === s).length
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tmis-conform: ${html_(r.target)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td{border:1px solid #ccc;padding:.4em;vertical-align:top}
tr.passed td:nth-child(2){color:#060}tr.failed td:nth-child(2){color:#b00;font-weight:bold}tr.notApplicable td:nth-child(2){color:#666}pre{white-space:pre-wrap;font-size:.85em}</style></head>
<body><h1>tmis-conform</h1>
<p>Target <code>${html_(r.target)}</code>, seed <code>${r.seed}</code>, started ${html_(r.startedAt)}: ${count("passed")} passed, ${count("failed")} failed, ${count("notApplicable")} not applicable.</p>
<table><thead><tr><th>Rule</th><th>Result</th><th>What was checked</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table></body></html>
`
}
