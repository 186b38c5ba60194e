/**
 * The folders of `packages/core/src` are layers (docs/architecture.md): a module imports only from its own folder or
 * from a lower one, and no modules import each other in a circle.
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const src = fileURLToPath(new URL("../../packages/core/src", import.meta.url))

/** Lowest first. */
const layers = [
  "kernel",
  "codes",
  "hierarchy",
  "accounts",
  "security",
  "efile",
  "processes",
  "training",
  "sharing",
  "statistics",
  "exchange",
  "application"
] as const

const modules = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? modules(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []
  )

const importsOf = (file: string): ReadonlyArray<string> =>
  [...readFileSync(file, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)\.js"/g)].map((m) =>
    relative(src, resolve(dirname(file), `${m[1]}.ts`))
  )

const graph = new Map(modules(src).map((file) => [relative(src, file), importsOf(file)]))
const layerOf = (module: string) => layers.indexOf(module.split("/")[0] as (typeof layers)[number])

describe("the layers of @tmis/core", () => {
  it("every module but index.ts stands in a layer's folder", () => {
    const outside = [...graph.keys()].filter((m) => m !== "index.ts" && layerOf(m) < 0)
    expect(outside).toEqual([])
  })

  it("no import runs from a lower folder up to a higher one", () => {
    const upward = [...graph].flatMap(([module, imports]) =>
      module === "index.ts" ? [] : imports.filter((i) => layerOf(i) > layerOf(module)).map((i) => `${module} → ${i}`)
    )
    expect(upward).toEqual([])
  })

  it("no modules import each other in a circle", () => {
    const circles: string[] = []
    const state = new Map<string, "visiting" | "done">()
    const visit = (module: string, path: ReadonlyArray<string>) => {
      if (state.get(module) === "done") return
      if (state.get(module) === "visiting") {
        circles.push([...path.slice(path.indexOf(module)), module].join(" → "))
        return
      }
      state.set(module, "visiting")
      for (const next of graph.get(module) ?? []) visit(next, [...path, module])
      state.set(module, "done")
    }
    for (const module of graph.keys()) visit(module, [])
    expect(circles).toEqual([])
  })
})
