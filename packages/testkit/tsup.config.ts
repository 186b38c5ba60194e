import { defineConfig } from "tsup"

export default defineConfig({
  entry: [
    "src/index.ts",
    "src/arbitraries.ts",
    "src/conformance.ts",
    "src/regulation.ts",
    "src/bin/conform.ts",
    "src/conformance/worker.ts",
    "src/conformance/crashWorker.ts"
  ],
  // race.ts and crash.ts find their workers beside them through import.meta.url, in the CJS build too.
  shims: true,
  format: ["esm", "cjs"],
  dts: false,
  clean: true,
  sourcemap: true,
  target: "node20"
})
