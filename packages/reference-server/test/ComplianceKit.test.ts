/**
 * The compliance kit (`@tmis/testkit/regulation`) against the reference server, in-process on a fresh SQLite file
 * with the demo province: one run of the kit over HTTP, one test per rule it checks — every rule passes (or is not
 * applicable, with its reason). And the `tmis-conform` command writing its three reports.
 */
import { execFile } from "node:child_process"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import * as Regulation from "@tmis/testkit/regulation"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Backend,
  changedPassword,
  cheapSettings,
  login,
  type Running,
  seedDemo,
  sqlite,
  start
} from "./support.js"

const seed = 20261206

/** What a lying proxy sees of a request, and may rewrite of its answer. */
interface Exchanged {
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string>
  readonly body: unknown
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies rewritten field by field
  answer: any
}

/**
 * A `fetch` in front of the server that may drop request headers and rewrite answers: a system breaking one rule, as
 * the kit sees it from outside. (The broken variants of the server itself are tested in their own file.)
 */
const lying =
  (rewrite: (e: Exchanged) => void, dropHeader?: string): typeof fetch =>
  async (input, init) => {
    const url = new URL(String(input))
    const headers = { ...(init?.headers as Record<string, string>) }
    if (dropHeader !== undefined) delete headers[dropHeader]
    const response = await fetch(url, { ...init, headers })
    const text = await response.text()
    const e: Exchanged = {
      method: init?.method ?? "GET",
      path: url.pathname,
      headers,
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
      status: response.status,
      answer: text === "" ? undefined : JSON.parse(text)
    }
    rewrite(e)
    return new Response(e.answer === undefined ? "" : JSON.stringify(e.answer), {
      status: e.status,
      headers: { "content-type": "application/json" }
    })
  }

/** Identity numbers seen in onboarding requests, to unmask answers with. */
const seenNumbers = new Set<string>()

describe("the compliance kit against the reference server (SQLite)", () => {
  let opened: Backend
  let running: Running
  let result: Regulation.RunResult
  let directory: string
  let accountsFile: string

  beforeAll(async () => {
    opened = await sqlite()
    running = await start(opened, {}, cheapSettings)
    await seedDemo(running, 10)
    // The vendor's accounts file names a system admin whose initial password was changed (`login` does).
    await login(running.url, "sa-hubei")
    const accounts: Regulation.Accounts = { systemAdmin: { id: "sa-hubei", password: changedPassword, unit: "hubei" } }
    directory = await mkdtemp(join(tmpdir(), "tmis-conform-"))
    accountsFile = join(directory, "accounts.json")
    await writeFile(accountsFile, JSON.stringify(accounts))
    const started = Date.now()
    result = await Regulation.run({ driver: Regulation.httpDriver({ target: running.url, accounts }), seed })
    console.log(`the kit ran ${result.results.length} rules in ${Date.now() - started} ms`)
  }, 120_000)

  afterAll(async () => {
    await running?.close()
    await opened?.drop()
    if (directory !== undefined) await rm(directory, { recursive: true, force: true })
  })

  for (const rule of Regulation.rules) {
    it(`${rule} the reference server passes the compliance kit's check`, () => {
      const found = result.results.find((r) => r.rule === rule)
      expect(found, rule).toBeDefined()
      expect({ status: found!.status, message: found!.message }).toEqual({ status: "passed", message: undefined })
      // A pass is evidence, not a mention: the check sent requests.
      expect(found!.evidence.length).toBeGreaterThan(0)
    })
  }

  it("the reports: JUnit XML with one case per rule, a standalone escaped HTML page", () => {
    const xml = Regulation.junitXml(result)
    expect(xml.match(/<testcase /g)?.length).toBe(Regulation.rules.length)
    expect(xml).toContain('failures="0"')
    const page = Regulation.html(result)
    expect(page.startsWith("<!doctype html>")).toBe(true)
    expect(page).not.toMatch(/<script/i)
    const hostile = Regulation.html({
      ...result,
      results: [{ rule: "M14.3", status: "failed", title: "<script>alert(1)</script>", evidence: [], message: "<b>" }]
    })
    expect(hostile).not.toContain("<script>alert(1)")
    expect(hostile).toContain("&lt;script&gt;")
  })

  const mutants: ReadonlyArray<readonly [string, string, () => typeof fetch]> = [
    [
      "M14.3",
      "a unit outside the reader's subtree is read",
      () =>
        lying((e) => {
          if (e.method === "GET" && /^\/units\/[^/]+$/.test(e.path) && e.status === 403) {
            e.status = 200
            e.answer = { id: e.path.split("/")[2], kind: "school", code: "0", path: "/", name: "", status: "active" }
          }
        })
    ],
    [
      "M14.4",
      "a second system admin is accepted",
      () =>
        lying((e) => {
          if (e.method === "POST" && e.path.endsWith("/accounts") && e.answer?.rule === "M14.4") {
            const body = e.body as { id: string; role: string }
            e.status = 201
            e.answer = { id: body.id, role: body.role, unitId: e.path.split("/")[2], status: "active" }
          }
        })
    ],
    [
      "M23.1",
      "a confirmation out of order is accepted",
      () =>
        lying((e) => {
          if (e.path.endsWith("/actions") && e.status === 403) {
            e.status = 200
            e.answer = { id: e.path.split("/")[2], state: "awaitingSendingSchool", open: true, version: 99 }
          }
        })
    ],
    ["M23.2", "a retried command is applied again", () => lying(() => undefined, "idempotency-key")],
    [
      "M37.1",
      "reads are not audited",
      () =>
        lying((e) => {
          if (e.path === "/audit" && Array.isArray(e.answer?.items)) {
            e.answer.items = e.answer.items.filter((r: { action: string }) => r.action !== "efile.read")
          }
        })
    ],
    [
      "M37.2",
      "identity numbers are not masked",
      () =>
        lying((e) => {
          const number = (e.body as { basicInfo?: { idNumber?: string } } | undefined)?.basicInfo?.idNumber
          if (number !== undefined) seenNumbers.add(number)
          const unmask = (shown: string) =>
            [...seenNumbers].find((n) => n.slice(0, 3) === shown.slice(0, 3) && n.slice(-4) === shown.slice(-4)) ??
            shown
          if (e.answer?.efile?.idNumber !== undefined) e.answer.efile.idNumber = unmask(e.answer.efile.idNumber)
        })
    ]
  ]

  for (const [rule, broken, proxy] of mutants) {
    it(`${rule} the kit catches a system whose answers say that ${broken}`, async () => {
      const accounts: Regulation.Accounts = {
        systemAdmin: { id: "sa-hubei", password: changedPassword, unit: "hubei" }
      }
      const caught = await Regulation.run({
        driver: Regulation.httpDriver({ target: running.url, accounts, fetch: proxy() }),
        seed,
        rules: [rule],
        numRuns: 3
      })
      const [only] = caught.results
      expect([only?.rule, only?.status]).toEqual([rule, "failed"])
      expect(only!.message).not.toMatch(/could not set up/)
      // The replay script sends the failing case's requests again.
      expect(only!.counterexample).toContain("await send(")
    }, 60_000)
  }

  it("tmis-conform writes result.json, junit.xml and report.html and prints one line per rule", async () => {
    const out = join(directory, "out")
    const bin = fileURLToPath(new URL("../../testkit/src/bin/conform.ts", import.meta.url))
    const tsx = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url))
    const { stdout } = await promisify(execFile)(
      tsx,
      [
        bin,
        "--target",
        running.url,
        "--accounts",
        accountsFile,
        "--seed",
        "7",
        "--rules",
        "M14.3,M37.2",
        "--out",
        out,
        "--runs",
        "3"
      ],
      { timeout: 60_000 }
    )
    const lines = stdout.trim().split("\n")
    expect(lines.filter((l) => /^(passed|FAILED|n\/a)\s+M/.test(l)).map((l) => l.split(/\s+/)[1])).toEqual([
      "M14.3",
      "M37.2"
    ])
    const written = JSON.parse(await readFile(join(out, "result.json"), "utf8")) as Regulation.RunResult
    expect(written.seed).toBe(7)
    expect(written.results.map((r) => [r.rule, r.status])).toEqual([
      ["M14.3", "passed"],
      ["M37.2", "passed"]
    ])
    expect(await readFile(join(out, "junit.xml"), "utf8")).toContain("<testsuites")
    expect(await readFile(join(out, "report.html"), "utf8")).toContain("M37.2")
  }, 90_000)
})
