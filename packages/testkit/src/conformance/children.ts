/**
 * What the child processes of the suite (the races' `worker.ts`, the crash test's `crashWorker.ts`) need from the
 * vendor's project: Node options that can load the worker and the vendor's module (tsx for TypeScript), and the
 * vendor's module itself, found where the vendor's project would find it.
 *
 * @since 0.1.0
 */
import { createRequire } from "node:module"
import { isAbsolute, join } from "node:path"
import { pathToFileURL } from "node:url"
import type { ConformanceOptions, WorkerSpec } from "./types.js"

const isTypeScript = (path: string) => /\.[cm]?tsx?$/.test(path)

/** A require resolving from the vendor's project (the working directory), not from the test kit's own folder. */
const fromProject = () => createRequire(join(process.cwd(), "package.json"))

/**
 * The Node options of a child running `file` that imports `worker.module`: `options.workerExecArgv` when given, else
 * `--import tsx` when either is TypeScript — and then tsx must be installed in the vendor's project, which is said
 * here, before any child starts, rather than as a child's crash.
 *
 * @since 0.1.0
 */
export const execArgv = (options: ConformanceOptions, file: string, worker: WorkerSpec): ReadonlyArray<string> => {
  if (options.workerExecArgv !== undefined) return options.workerExecArgv
  if (!isTypeScript(file) && !isTypeScript(worker.module)) return []
  try {
    fromProject().resolve("tsx/package.json")
  } catch {
    throw new Error(
      `storage conformance: the worker module ${worker.module} is TypeScript, and its child processes run it with ` +
        "`node --import tsx`, but tsx is not installed in this project: install it (npm install --save-dev tsx), " +
        "point TestDatabase.worker.module at JavaScript, or set ConformanceOptions.workerExecArgv"
    )
  }
  return ["--import", "tsx"]
}

const notFound = (error: unknown) =>
  typeof error === "object" && error !== null && "code" in error && error.code === "ERR_MODULE_NOT_FOUND"

/**
 * Import the module of a {@link WorkerSpec} in a child: an absolute path as a file; a specifier as the test kit
 * resolves it, else as the vendor's project (the working directory) resolves it — a package of the vendor's own
 * that the test kit's folder cannot see (pnpm, workspaces).
 *
 * @since 0.1.0
 */
export const importWorkerModule = async (module: string): Promise<Record<string, unknown>> => {
  if (isAbsolute(module)) return (await import(pathToFileURL(module).href)) as Record<string, unknown>
  try {
    return (await import(module)) as Record<string, unknown>
  } catch (error) {
    if (!notFound(error)) throw error
    let resolved: string
    try {
      resolved = fromProject().resolve(module)
    } catch {
      throw error
    }
    return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>
  }
}
