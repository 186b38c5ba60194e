/**
 * The suite's child processes in a vendor's project (conformance/children.ts): a worker module given by package name
 * is found from the project when the test kit's own folder cannot see it, and a TypeScript worker module without tsx
 * in the project is refused before any child starts, saying what to do. Each case runs in a child process whose
 * working directory is a project of its own.
 */
import { execFile } from "node:child_process"
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const children = pathToFileURL(fileURLToPath(new URL("../src/conformance/children.ts", import.meta.url))).href
const tsx = pathToFileURL(fileURLToPath(new URL("../../../node_modules/tsx/dist/loader.mjs", import.meta.url))).href

/** Run `script` (an ES module, with tsx loaded by path) in `cwd`; its stdout, or its stderr as the failure. */
const runIn = (cwd: string, script: string) =>
  new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", tsx, "--input-type=module", "-e", script],
      { cwd },
      (error, stdout, stderr) => (error === null ? resolve(stdout.trim()) : reject(new Error(stderr)))
    )
  })

describe("the suite's child processes in a vendor's project", () => {
  let project = ""
  beforeAll(async () => {
    // A project with a package of its own, which the test kit's folder cannot resolve, and no tsx installed.
    project = await mkdtemp(join(tmpdir(), "tmis-vendor-project-"))
    const adapter = join(project, "node_modules", "vendor-adapter-for-test")
    await mkdir(adapter, { recursive: true })
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "vendor-project", private: true }))
    await writeFile(
      join(adapter, "package.json"),
      JSON.stringify({ name: "vendor-adapter-for-test", type: "module", exports: "./index.js" })
    )
    await writeFile(join(adapter, "index.js"), 'export const layer = (args) => "layer of " + args.filename\n')
  })
  afterAll(() => rm(project, { recursive: true, force: true }))

  it("a worker module given by package name is imported from the project when the test kit's folder cannot see it", async () => {
    const out = await runIn(
      project,
      `const { importWorkerModule } = await import(${JSON.stringify(children)})
       const module = await importWorkerModule("vendor-adapter-for-test")
       console.log(module.layer({ filename: "x.db" }))`
    )
    expect(out).toBe("layer of x.db")
  })

  it("a package that neither the test kit nor the project has fails as not found", async () => {
    await expect(
      runIn(
        project,
        `const { importWorkerModule } = await import(${JSON.stringify(children)})
         await importWorkerModule("no-such-vendor-adapter")`
      )
    ).rejects.toThrow(/Cannot find (package|module) 'no-such-vendor-adapter'/)
  })

  it("a TypeScript worker module in a project without tsx is refused up front, saying what to do; JavaScript needs no options", async () => {
    const out = await runIn(
      project,
      `const { execArgv } = await import(${JSON.stringify(children)})
       const worker = (module) => ({ module, exportName: "layer", args: {} })
       const results = []
       try { execArgv({}, "/x/worker.js", worker("/x/adapter.ts")) } catch (e) { results.push(e.message) }
       results.push(execArgv({}, "/x/worker.js", worker("/x/adapter.js")))
       results.push(execArgv({ workerExecArgv: ["--import", "my-loader"] }, "/x/worker.js", worker("/x/adapter.ts")))
       console.log(JSON.stringify(results))`
    )
    const [refused, javascript, given] = JSON.parse(out) as [string, Array<string>, Array<string>]
    expect(refused).toMatch(/\/x\/adapter\.ts is TypeScript.*tsx is not installed in this project: install it/)
    expect(refused).toContain("workerExecArgv")
    expect(javascript).toEqual([])
    expect(given).toEqual(["--import", "my-loader"])
  })

  it("in a project with tsx (this repository), a TypeScript worker module runs with --import tsx", async () => {
    const out = await runIn(
      fileURLToPath(new URL("../../..", import.meta.url)),
      `const { execArgv } = await import(${JSON.stringify(children)})
       console.log(JSON.stringify(execArgv({}, "/x/worker.js", { module: "/x/adapter.ts", exportName: "layer", args: {} })))`
    )
    expect(JSON.parse(out)).toEqual(["--import", "tsx"])
  })
})
