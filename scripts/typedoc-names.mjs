// A TypeDoc plugin: name each entry point's module by the package and export it is published as ("@tmis/core",
// "@tmis/testkit/arbitraries") instead of its path under packages/ ("core/src", "testkit/src/arbitraries").
import { readFileSync } from "node:fs"
import { Converter, ReflectionKind } from "typedoc"

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getChildrenByKind(ReflectionKind.Module)) {
      const [directory, entry] = module.name.split(/\/src\/?/)
      const url = new URL(`../packages/${directory}/package.json`, import.meta.url)
      const { name } = JSON.parse(readFileSync(url, "utf8"))
      module.name = entry === undefined || entry === "" || entry === "index" ? name : `${name}/${entry}`
    }
  })
}
