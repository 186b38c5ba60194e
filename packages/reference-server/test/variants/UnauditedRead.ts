/**
 * Broken: a read of an e-file leaves no audit record — violates M37.1 (every access to personal data is logged).
 *
 * The audit log of the store drops the records of successful e-file reads (`efile.read`, outcome `ok`); every other
 * record, refused reads among them, is kept, and the hash chain stays intact (a missing record leaves no gap in it).
 */
import { Audit } from "@tmis/core"
import { Effect } from "effect"
import type { StorageService, Variant } from "./Variant.js"

export const unauditedRead: Variant = {
  name: "unaudited-read",
  rule: "M37.1",
  broken: "a successful read of an e-file is not audited",
  storage: (storage): StorageService => ({
    ...storage,
    audit: {
      ...storage.audit,
      append: (entry) =>
        // What the caller gets back is a record as if appended (the callers of a read's record ignore it).
        entry.action === "efile.read" && entry.outcome === "ok"
          ? Effect.succeed(Audit.chain(undefined, entry))
          : storage.audit.append(entry)
    }
  })
}
