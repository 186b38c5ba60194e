/**
 * `npx tsx bench/profile.ts <file.cpuprofile> [top]`: where the CPU time of a `node --cpu-prof` profile went, by
 * component (Kysely's query building and compiling, the drivers, Effect's runtime, Schema, XState, hashing, tmis's
 * own modules, idle, garbage collection) and by function; and, inclusive of what they call, the time under each of
 * tmis's modules. With a third argument, only the samples under a function of that name count (e.g. `act`, to leave
 * out the setup). The figures of docs/performance.md come from it.
 */
import { readFileSync } from "node:fs"

interface Node {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly children?: ReadonlyArray<number>
}
interface Profile {
  readonly nodes: ReadonlyArray<Node>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

/** The component a frame belongs to, by its script's path. */
const componentOf = ({ url, functionName }: Node["callFrame"]): string => {
  if (url === "") return functionName === "(garbage collector)" ? "gc" : functionName === "(idle)" ? "idle" : "native"
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url)
  if (pkg !== null) {
    const [, name, rest] = pkg
    if (name === "effect") return /Schema|ParseResult|SchemaAST/.test(rest!) ? "effect/Schema" : "effect (runtime)"
    if (name === "kysely")
      return /compiler|query-compiler|operation-node/.test(rest!) ? "kysely (compile)" : "kysely (build)"
    return name!
  }
  if (url.startsWith("node:")) return /crypto/.test(url) ? "node:crypto" : "node (internals)"
  const own = /packages\/([^/]+(?:\/[^/]+)?)\/src\/(.*)$/.exec(url)
  if (own !== null) return `tmis ${own[1]!.replace(/^adapters\//, "adapter-")}`
  return url.replace(/^.*\//, "")
}

const [file, topArg, under] = process.argv.slice(2)
if (file === undefined) {
  console.error("usage: tsx bench/profile.ts <file.cpuprofile> [top]")
  process.exit(2)
}
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const stackOf = (id: number): Array<Node> => {
  const stack: Array<Node> = []
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!)
  return stack
}
const self = new Map<number, number>()
const inclusive = new Map<string, number>()
profile.samples.forEach((id, i) => {
  const stack = stackOf(id)
  if (under !== undefined && !stack.some((n) => n.callFrame.functionName === under)) return
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  const modules = new Set(
    stack.map((n) => /packages\/(.*\/src\/.*)$/.exec(n.callFrame.url)?.[1]).filter((m) => m !== undefined)
  )
  for (const m of modules) inclusive.set(m, (inclusive.get(m) ?? 0) + (profile.timeDeltas[i] ?? 0))
})
const total = [...self.values()].reduce((a, b) => a + b, 0)
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v)
const components = new Map<string, number>()
const functions = new Map<string, number>()
for (const [id, micros] of self) {
  const frame = byId.get(id)!.callFrame
  add(components, componentOf(frame), micros)
  add(
    functions,
    `${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*node_modules\//, "").replace(/^.*packages\//, "")}:${frame.lineNumber + 1}`,
    micros
  )
}
const print = (title: string, m: Map<string, number>, top: number) => {
  console.log(`\n${title} (self time, of ${(total / 1000).toFixed(0)} ms sampled)`)
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`)
}
print("by component", components, 30)
print("by function", functions, Number(topArg ?? 25))
print("under each tmis module (inclusive)", inclusive, 30)
