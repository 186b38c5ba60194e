#!/usr/bin/env node
/**
 * `tmis-conform --target <url> --accounts accounts.json [--seed N] [--rules M14.4,M23.1] [--runs N] [--out dir]`:
 * runs the compliance kit against a running tmis-API system, prints one line per rule, writes result.json,
 * junit.xml and report.html into `--out` (default `conform-report`), and exits 1 when a rule failed.
 *
 * @since 0.1.0
 */
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { parseArgs } from "node:util"
import * as Regulation from "../regulation.js"

const usage =
  "usage: tmis-conform --target <url> --accounts accounts.json [--seed N] [--rules M14.4,M23.1] [--runs N] [--out dir]"

const main = async (): Promise<number> => {
  const { values } = parseArgs({
    options: {
      target: { type: "string" },
      accounts: { type: "string" },
      seed: { type: "string" },
      rules: { type: "string" },
      runs: { type: "string" },
      out: { type: "string", default: "conform-report" },
      help: { type: "boolean" }
    }
  })
  if (values.help === true || values.target === undefined || values.accounts === undefined) {
    console.error(usage)
    return values.help === true ? 0 : 2
  }
  const accounts = JSON.parse(await readFile(values.accounts, "utf8")) as Regulation.Accounts
  if (typeof accounts?.systemAdmin?.id !== "string" || typeof accounts.systemAdmin.password !== "string") {
    console.error(`${values.accounts}: expected { "systemAdmin": { "id", "password", "unit" } }`)
    return 2
  }
  const result = await Regulation.run({
    driver: Regulation.httpDriver({ target: values.target, accounts }),
    ...(values.seed === undefined ? {} : { seed: Number(values.seed) }),
    ...(values.rules === undefined ? {} : { rules: values.rules.split(",").map((r) => r.trim()) }),
    ...(values.runs === undefined ? {} : { numRuns: Number(values.runs) })
  })
  const label = { passed: "passed", failed: "FAILED", notApplicable: "n/a" } as const
  for (const r of result.results) {
    console.log(
      `${label[r.status].padEnd(6)} ${r.rule.padEnd(6)} ${r.title}${r.message === undefined ? "" : ` — ${r.message}`}`
    )
  }
  await mkdir(values.out, { recursive: true })
  await writeFile(join(values.out, "result.json"), JSON.stringify(result, null, 2))
  await writeFile(join(values.out, "junit.xml"), Regulation.junitXml(result))
  await writeFile(join(values.out, "report.html"), Regulation.html(result))
  console.log(`seed ${result.seed}; reports in ${values.out}`)
  return result.results.some((r) => r.status === "failed") ? 1 : 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 2
  }
)
