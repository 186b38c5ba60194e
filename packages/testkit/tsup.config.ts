import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts", "src/arbitraries.ts", "src/conformance.ts", "src/conformance/worker.ts"],
  // race.ts finds the worker beside it through import.meta.url, in the CJS build too.
  shims: true,
  format: ["esm", "cjs"],
  dts: false,
  clean: true,
  sourcemap: true,
  target: "node20"
})
