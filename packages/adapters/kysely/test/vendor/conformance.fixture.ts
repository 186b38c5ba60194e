/**
 * The storage conformance suite over the adapter BrokenAdapter.test.ts provides (`inject("adapter")`), run by that
 * test through vitest's Node API. Not a test file of its own: its name does not end in `.test.ts`.
 */
import { storageConformance } from "@tmis/testkit/conformance"
import { inject } from "vitest"
import { database } from "./brokenAdapter.js"

declare module "vitest" {
  export interface ProvidedContext {
    readonly adapter: "broken" | "real"
  }
}

const adapter = inject("adapter")

storageConformance(adapter, database(adapter), {
  areas: ["hierarchy", "accounts", "rotations"],
  attempts: 6,
  processes: 2
})
