/**
 * Batch import (批量导入) of basic information, M16.2: rows that a school's columns map onto the indicators are
 * validated one by one; good rows become e-files whose basic information enters review as a hand-entered one does
 * (submitted by the importing info admin); bad rows come back with row, column, value, reason and rule id.
 *
 * Rows go in chunks, one transaction each: a row is wholly in or reported, never half-written. Each row is keyed by
 * its batch and the hash of its content, so an interrupted import run again skips what went in and duplicates
 * nothing. Reading files (CSV, XLSX, encodings) is `@tmis/import`'s; this module takes rows.
 *
 * @since 0.1.0
 */
import { hash } from "node:crypto"
import { Clock, Effect, Either, Schema } from "effect"
import type * as Authorization from "../accounts/Authorization.js"
import type * as Eligibility from "../codes/Eligibility.js"
import * as EFile from "../efile/EFile.js"
import * as Indicator from "../efile/Indicator.js"
import * as Review from "../efile/Review.js"
import type * as Refusal from "../kernel/Refusal.js"
import * as Audit from "./Audit.js"
import * as EFiles from "./EFiles.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"

/**
 * A bad row's problem, as the error report shows it.
 *
 * @since 0.1.0
 */
export interface Rejection {
  /** The row number as the school sees it in its file. */
  readonly row: number
  /** The column (the file's header where known, else the indicator key). */
  readonly column: string
  readonly value: string
  readonly reason: string
  readonly rule: string
}

/**
 * A row to import: its number in the file, the record mapped onto indicator keys, the problems found while mapping
 * its cells (a row with any is rejected without further checks), and what eligibility looks at (M5.1), decided as
 * onboarding decides it — where the source has it: the basic information has no contract length or post category.
 *
 * @since 0.1.0
 */
export interface Row {
  readonly line: number
  readonly record: Readonly<Record<string, unknown>>
  readonly problems?: ReadonlyArray<Omit<Rejection, "row">>
  readonly employment?: Eligibility.Input
}

/**
 * Counts so far: rows read, accepted (new e-files), rejected, skipped (already imported by an earlier run).
 *
 * @since 0.1.0
 */
export interface Progress {
  readonly rowsRead: number
  readonly accepted: number
  readonly rejected: number
  readonly skipped: number
}

/**
 * Options of {@link run}.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The batch: re-running the same batch skips the rows already in. */
  readonly batchId: string
  /** The school or department the rows are collected for. */
  readonly unitId: string
  /** Rows per transaction; default 1000. */
  readonly chunkSize?: number
  /** The column of the file a field came from, for the report. */
  readonly columnOf?: (field: string) => string
  /** Called after each committed chunk. */
  readonly onProgress?: (progress: Progress) => void
  /** Called with the rejections of each committed chunk, in row order. */
  readonly onRejections?: (rejections: ReadonlyArray<Rejection>) => void
}

/**
 * The rows could not be read (a broken file, a failing stream): what was committed before stays, and running the
 * batch again continues after it.
 *
 * @since 0.1.0
 */
export class SourceError extends Schema.TaggedError<SourceError>()("SourceError", { cause: Schema.Unknown }) {
  override get message() {
    return this.cause instanceof Error ? this.cause.message : String(this.cause)
  }
}

/** JSON with the keys in sorted order (the replacer array orders them): the same content, the same text. */
const canonical = (record: Readonly<Record<string, unknown>>): string =>
  JSON.stringify(record, Object.keys(record).sort())

/**
 * The key of a row: the SHA-256 of its content.
 *
 * @since 0.1.0
 */
export const rowHash = (record: Readonly<Record<string, unknown>>): string => hash("sha256", canonical(record))

/**
 * The e-file id of a row of a batch: derived from both, so a re-run can never create it twice.
 *
 * @since 0.1.0
 */
export const teacherIdOf = (batchId: string, rowKey: string): EFile.TeacherId =>
  EFile.TeacherId(`t${hash("sha256", `${batchId}\n${rowKey}`).slice(0, 31)}`)

const text = (value: unknown): string => (value === undefined || value === null ? "" : String(value))

/** The rejections of a row refused by the validator: one per issue. */
const rejectionsOf = (
  line: number,
  error: Refusal.Refusal,
  record: Readonly<Record<string, unknown>>,
  columnOf: (field: string) => string
): ReadonlyArray<Rejection> => {
  const issues = (error.details.issues ?? [error]) as ReadonlyArray<Refusal.Refusal>
  return issues.map((issue) => {
    const field = text(issue.details.field)
    return {
      row: line,
      column: field === "" ? "" : columnOf(field),
      value: text(issue.details.value ?? record[field]),
      reason: `${issue.zh}；${issue.en}`,
      rule: issue.rule
    }
  })
}

interface Chunk {
  readonly accepted: number
  readonly skipped: number
  readonly rejections: ReadonlyArray<Rejection>
}

/**
 * Import rows (M16.2) for a school or department, as an info admin of it: see the module's description. Returns the
 * final counts; the rejections go to `onRejections` as each chunk commits.
 *
 * @since 0.1.0
 */
export const run = (actor: Authorization.Actor, rows: AsyncIterable<Row> | Iterable<Row>, options: Options) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { indicators, policy } = yield* Settings.Settings
    // Once per batch: the keeping unit, its stage and the actor's authorization (M21.1), and the compiled validator.
    const creator = yield* EFiles.creatorOf(actor, options.unitId)
    const unit = creator.unit
    const today = new Date(yield* Clock.currentTimeMillis).toISOString().slice(0, 10)
    const check = yield* Indicator.validator(indicators, "basicInfo", creator.stage, { today })
    const columnOf = options.columnOf ?? ((field: string) => field)
    const chunkSize = Math.max(1, options.chunkSize ?? 1000)

    const importChunk = (chunk: ReadonlyArray<Row>) =>
      Effect.gen(function* () {
        const at = new Date(yield* Clock.currentTimeMillis).toISOString()
        const hashes = chunk.map((row) => rowHash(row.record))
        const seen = yield* storage.imports.imported(options.batchId, hashes)
        const rejections: Array<Rejection> = []
        const candidates: Array<{ row: Row; hash: string; created: EFile.Created }> = []
        let skipped = 0
        for (let i = 0; i < chunk.length; i++) {
          const row = chunk[i]!
          const hash = hashes[i]!
          if (seen.has(hash)) {
            skipped++
            continue
          }
          if (row.problems !== undefined && row.problems.length > 0) {
            for (const p of row.problems) rejections.push({ row: row.line, ...p })
            continue
          }
          // Per row: the decision onboarding takes, so a row is refused with the rule onboarding names.
          const id = teacherIdOf(options.batchId, hash)
          const decided = EFile.decideNew(creator, {
            id,
            entryId: `${id}-basicInfo`,
            basicInfo: row.record,
            checked: check(row.record),
            employment: row.employment,
            at
          })
          if (Either.isLeft(decided)) {
            rejections.push(...rejectionsOf(row.line, decided.left, row.record, columnOf))
            continue
          }
          candidates.push({ row, hash, created: decided.right })
        }
        // Imported entries enter review submitted by the importer; those without problems together: the machine
        // decides once for all of them.
        const event = { actor, unit, at }
        const plain = candidates.filter((c) => c.created.problems.length === 0)
        const submitted = yield* Review.submitNew(
          plain.map((c) => c.created.entry.review.context.entry),
          event,
          policy
        )
        const reviews = new Map(plain.map((c, i) => [c.created.entry.id, submitted[i]!]))
        for (const c of candidates) {
          if (c.created.problems.length === 0) continue
          const next = yield* Review.send(Review.restore(c.created.entry.review), { type: "submit", ...event }, policy)
          reviews.set(c.created.entry.id, Review.persist(next))
        }
        // The store leaves out rows whose identity document already has an active e-file (M17.4).
        const inserted = yield* storage.teachers.insertMany(candidates.map((c) => c.created.efile))
        const accepted = candidates.filter((c) => inserted.has(c.created.efile.id))
        for (const c of candidates) {
          if (!inserted.has(c.created.efile.id)) {
            const refusal = EFile.duplicateRefusal(c.created.efile.idType, c.created.efile.idNumber)
            // The school's own value, unmasked: the report goes back to the school that wrote it.
            rejections.push({
              row: c.row.line,
              column: columnOf("idNumber"),
              value: text(c.row.record.idNumber),
              reason: `${refusal.zh}；${refusal.en}`,
              rule: refusal.rule
            })
          }
        }
        yield* storage.entries.insertMany(
          accepted.map((c) => ({ ...c.created.entry, review: reviews.get(c.created.entry.id)! }))
        )
        yield* storage.imports.record(
          options.batchId,
          accepted.map((c) => ({ hash: c.hash, line: c.row.line, teacherId: c.created.efile.id }))
        )
        const first = chunk[0]?.line
        const last = chunk[chunk.length - 1]?.line
        yield* Audit.recordChange({
          actor,
          action: "efile.import",
          object: `unit:${unit.id}`,
          aggregateId: unit.id,
          details: {
            batch: options.batchId,
            lines: [first, last],
            accepted: accepted.length,
            rejected: new Set(rejections.map((r) => r.row)).size,
            skipped,
            teachers: accepted.map((c) => c.created.efile.id)
          },
          payload: { batch: options.batchId, unit: unit.id, teachers: accepted.map((c) => c.created.efile.id) }
        })
        rejections.sort((a, b) => a.row - b.row)
        return { accepted: accepted.length, skipped, rejections } satisfies Chunk
      })

    let progress: Progress = { rowsRead: 0, accepted: 0, rejected: 0, skipped: 0 }
    const commit = (chunk: ReadonlyArray<Row>) =>
      Effect.gen(function* () {
        const result = yield* storage.transaction(importChunk(chunk))
        progress = {
          rowsRead: progress.rowsRead + chunk.length,
          accepted: progress.accepted + result.accepted,
          rejected: progress.rejected + new Set(result.rejections.map((r) => r.row)).size,
          skipped: progress.skipped + result.skipped
        }
        if (result.rejections.length > 0) options.onRejections?.(result.rejections)
        options.onProgress?.(progress)
      })

    // Rows are pulled a chunk at a time: one asynchronous step per chunk, not per row.
    const iterator =
      Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : (rows as Iterable<Row>)[Symbol.iterator]()
    const pull = async (): Promise<Array<Row>> => {
      const chunk: Array<Row> = []
      while (chunk.length < chunkSize) {
        const next = await iterator.next()
        if (next.done === true) break
        chunk.push(next.value)
      }
      return chunk
    }
    let chunk: Array<Row>
    do {
      chunk = yield* Effect.tryPromise({ try: pull, catch: (cause) => new SourceError({ cause }) })
      if (chunk.length > 0) yield* commit(chunk)
    } while (chunk.length === chunkSize)
    return progress
  })
