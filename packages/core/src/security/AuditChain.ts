/**
 * Audit log (审计日志), M37.1: who did what, when, to what, with what outcome — append-only and tamper-evident.
 * Each record's hash covers the previous record's hash and its own canonical content, so changing, deleting or
 * reordering any record breaks the chain at that point.
 *
 * The pure part: records, their hash chain and its verification. The service that appends to the store is
 * `Audit` in the application layer.
 *
 * @since 0.1.0
 */
import { createHash, hash } from "node:crypto"
import { FiberRef } from "effect"

/**
 * What a caller records.
 *
 * @since 0.1.0
 */
export interface Entry {
  /** ISO 8601 instant, UTC. */
  readonly at: string
  /** The acting account, or "system" for bootstrap and migrations. */
  readonly actor: string
  /** The unit the actor acted from, when there is one. */
  readonly unitId: string | undefined
  /** e.g. "unit.create", "account.disable". */
  readonly action: string
  /** The object acted on, e.g. "unit:s1". */
  readonly object: string
  readonly outcome: "ok" | "refused"
  readonly requestId: string | undefined
  readonly details: { readonly [key: string]: unknown }
}

/**
 * An entry as stored: its sequence number (1, 2, …) and its place in the chain.
 *
 * @since 0.1.0
 */
export interface Record extends Entry {
  readonly seq: number
  readonly prevHash: string
  readonly hash: string
}

/**
 * A domain event of a committed change, for the outbox.
 *
 * @since 0.1.0
 */
export interface Event {
  readonly type: string
  readonly at: string
  readonly aggregateId: string
  readonly payload: unknown
}

/**
 * The id of the request being served, for the audit records written while serving it: a server sets it with
 * `Effect.locally(Audit.currentRequestId, id)`; undefined outside a request (scripts, tests).
 *
 * @since 0.1.0
 */
export const currentRequestId: FiberRef.FiberRef<string | undefined> = FiberRef.unsafeMake<string | undefined>(
  undefined
)

/**
 * The previous hash of the first record.
 *
 * @since 0.1.0
 */
export const genesis = "0".repeat(64)

/** JSON with object keys sorted at every depth, so that equal content always hashes the same. */
const canonical = (value: unknown): string => {
  if (value === undefined) return "null"
  if (value === null || typeof value !== "object") return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`
  // One string built in a loop: every record of every write passes here.
  let out = ""
  for (const key of Object.keys(value).sort()) {
    const v = (value as { readonly [key: string]: unknown })[key]
    if (v !== undefined) out += `${out === "" ? "" : ","}${JSON.stringify(key)}:${canonical(v)}`
  }
  return `{${out}}`
}

/**
 * The hash of a record: SHA-256 over the previous hash and the canonical content (everything but the hashes).
 *
 * @since 0.1.0
 */
export const hashOf = (seq: number, prevHash: string, entry: Entry): string =>
  hash(
    "sha256",
    `${prevHash}\n${canonical({
      seq,
      at: entry.at,
      actor: entry.actor,
      unitId: entry.unitId,
      action: entry.action,
      object: entry.object,
      outcome: entry.outcome,
      requestId: entry.requestId,
      details: entry.details
    })}`,
    "hex"
  )

/**
 * The longest object a record keeps, in UTF-16 code units: every store indexes the column for the audit search, and
 * an index key of the MySQL family holds 255 characters.
 *
 * @since 0.1.0
 */
export const maxObjectLength = 255

/**
 * The object as a record keeps it: unchanged up to {@link maxObjectLength}; a longer one (a refused request's
 * path, say) keeps its start and the first 16 hex digits of the whole's SHA-256, so that two long objects stay apart
 * and the record is never lost to the store's limit. Never cuts a surrogate pair.
 *
 * @since 0.1.0
 */
export const boundObject = (object: string): string => {
  if (object.length <= maxObjectLength) return object
  const digest = createHash("sha256").update(object).digest("hex").slice(0, 16)
  let end = maxObjectLength - digest.length - 2
  const last = object.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1
  return `${object.slice(0, end)}…#${digest}`
}

/**
 * Chain an entry after the record `previous` (undefined for the first), its object bounded ({@link boundObject}).
 *
 * @since 0.1.0
 */
export const chain = (previous: Pick<Record, "seq" | "hash"> | undefined, entry: Entry): Record => {
  const seq = (previous?.seq ?? 0) + 1
  const prevHash = previous?.hash ?? genesis
  const bounded = { ...entry, object: boundObject(entry.object) }
  return { ...bounded, seq, prevHash, hash: hashOf(seq, prevHash, bounded) }
}

/**
 * The result of verifying a log: intact with its length, or the first broken link and why.
 *
 * @since 0.1.0
 */
export type Verification =
  | { readonly _tag: "Intact"; readonly records: number; readonly head: string }
  | {
      readonly _tag: "Broken"
      readonly seq: number
      readonly reason: "sequence" | "link" | "hash"
      readonly records: number
    }

/**
 * Verify records incrementally: feed pages in order, then `result`. Detects a changed record (hash), a deleted or
 * inserted one (sequence), and two swapped (link).
 *
 * @since 0.1.0
 */
export const verifier = () => {
  let previous: Pick<Record, "seq" | "hash"> | undefined
  let count = 0
  let broken: Verification | undefined
  return {
    feed: (records: ReadonlyArray<Record>): void => {
      for (const record of records) {
        if (broken !== undefined) return
        count++
        const expectedSeq = (previous?.seq ?? 0) + 1
        if (record.seq !== expectedSeq) broken = { _tag: "Broken", seq: record.seq, reason: "sequence", records: count }
        else if (record.prevHash !== (previous?.hash ?? genesis))
          broken = { _tag: "Broken", seq: record.seq, reason: "link", records: count }
        else if (record.hash !== hashOf(record.seq, record.prevHash, record))
          broken = { _tag: "Broken", seq: record.seq, reason: "hash", records: count }
        previous = record
      }
    },
    result: (): Verification => broken ?? { _tag: "Intact", records: count, head: previous?.hash ?? genesis }
  }
}

/**
 * Verify a whole log held in memory.
 *
 * @since 0.1.0
 */
export const verify = (records: ReadonlyArray<Record>): Verification => {
  const v = verifier()
  v.feed(records)
  return v.result()
}
