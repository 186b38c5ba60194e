import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// Tests run against the sources, not the built packages, so `npm test` needs no build first.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tmis\/core$/, replacement: src("./packages/core/src/index.ts") },
      { find: /^@tmis\/adapter-kysely$/, replacement: src("./packages/adapters/kysely/src/index.ts") },
      { find: /^@tmis\/adapter-sqlite$/, replacement: src("./packages/adapters/sqlite/src/index.ts") },
      { find: /^@tmis\/adapter-postgres$/, replacement: src("./packages/adapters/postgres/src/index.ts") },
      { find: /^@tmis\/adapter-mysql$/, replacement: src("./packages/adapters/mysql/src/index.ts") },
      { find: /^@tmis\/import$/, replacement: src("./packages/import/src/index.ts") },
      { find: /^@tmis\/server$/, replacement: src("./packages/reference-server/src/index.ts") },
      { find: /^@tmis\/testkit$/, replacement: src("./packages/testkit/src/index.ts") },
      { find: /^@tmis\/testkit\/(.*)$/, replacement: src("./packages/testkit/src/$1.ts") }
    ]
  },
  test: {
    // TMIS_TEST_REPORT=<file>: also write the JSON report that `npm run compliance -- --from <file>` reads.
    ...(process.env.TMIS_TEST_REPORT === undefined
      ? {}
      : { reporters: ["default", "json"], outputFile: { json: process.env.TMIS_TEST_REPORT } }),
    include: ["packages/**/test/**/*.test.ts", "examples/**/test/**/*.test.ts", "scripts/test/**/*.test.ts"],
    testTimeout: 30_000
  }
})
