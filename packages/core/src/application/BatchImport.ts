/**
 * Batch import (批量导入) of basic information, M16.2: rows that a school's columns map onto the indicators are
 * validated one by one; good rows become e-files whose basic information enters review as a hand-entered one does
 * (submitted by the importing info admin); bad rows come back with row, column, value, reason and rule id.
 *
 * Rows go in chunks, one transaction each: a row is wholly in or reported, never half-written. A chunk's rows are
 * decided before its transaction begins, so that the transaction holds only its writes. Each row is keyed by
 * its batch, its line and the hash of its content, so an interrupted import run again skips what went in and duplicates
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
import * as Day from "../kernel/Day.js"
import type * as Refusal from "../kernel/Refusal.js"
import * as Aggregates from "./Aggregates.js"
import * as Audit from "./Audit.js"
import * as EFiles from "./EFiles.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"

/**
 * A row's problem, as the error report shows it: a bad row's (the row is rejected), or a warning about a row that was
 * accepted as problem data (M17.3: it enters review flagged and cannot be approved until the problem is resolved).
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
  /** "warning" for a row accepted as problem data; absent (or "error") for a rejected row. */
  readonly severity?: "error" | "warning"
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
 * Counts so far: rows read, accepted (new e-files, those kept as problem data included), rejected, skipped (already
 * imported by an earlier run of the batch); every row read is one of these three: `accepted + rejected + skipped =
 * rowsRead`.
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
  /**
   * Called with the warnings of each committed chunk, in row order, after its rejections: the problems of rows
   * accepted as problem data (M17.3), `severity` "warning", for the report. They reject nothing.
   */
  readonly onWarnings?: (warnings: ReadonlyArray<Rejection>) => void
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
 * The e-file id of a row of a batch: the batch's key, the row's line and its content's key. Derived from them, so a
 * re-run can never create it twice; in line order, so that a batch's e-files lie side by side in the store's indexes
 * (ids of a hash alone land on random pages, and each commit of a large import then rewrites most of an index).
 *
 * @since 0.1.0
 */
export const teacherIdOf = (batchId: string, line: number, rowKey: string): EFile.TeacherId =>
  EFile.TeacherId(`t${hash("sha256", batchId).slice(0, 10)}${String(line).padStart(9, "0")}${rowKey.slice(0, 12)}`)

const text = (value: unknown): string => (value === undefined || value === null ? "" : String(value))

/**
 * The report lines of a row the validator found fault with, one per issue: rejections, or — for a row accepted as
 * problem data (M17.3) — warnings saying so.
 */
const rejectionsOf = (
  line: number,
  error: Refusal.Refusal,
  record: Readonly<Record<string, unknown>>,
  columnOf: (field: string) => string,
  severity: "error" | "warning" = "error"
): ReadonlyArray<Rejection> => {
  const issues = (error.details.issues ?? [error]) as ReadonlyArray<Refusal.Refusal>
  return issues.map((issue) => {
    const field = text(issue.details.field)
    const at = {
      row: line,
      column: field === "" ? "" : columnOf(field),
      value: text(issue.details.value ?? record[field]),
      rule: issue.rule
    }
    return severity === "error"
      ? { ...at, reason: `${issue.zh}；${issue.en}` }
      : {
          ...at,
          reason: `警告：已导入，标记为问题数据，核实更正前不能审核通过——${issue.zh}；warning: imported as problem data, which cannot be approved until resolved — ${issue.en}`,
          severity
        }
  })
}

/** A row decided outside the write transaction: refused with its rejections, or a candidate e-file. */
interface Decided {
  readonly row: Row
  readonly hash: string
  readonly rejections?: ReadonlyArray<Rejection>
  readonly candidate?: {
    readonly created: EFile.Created
    readonly checked: Either.Either<Indicator.IndicatorRecord, Refusal.Refusal>
  }
}

interface Chunk {
  readonly accepted: number
  readonly skipped: number
  readonly rejections: ReadonlyArray<Rejection>
  readonly warnings: ReadonlyArray<Rejection>
}

/**
 * Import rows (M16.2) for a school or department, as an info admin of it: see the module's description. Returns the
 * final counts; the rejections go to `onRejections`, and the warnings of rows kept as problem data to `onWarnings`, as
 * each chunk commits.
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
    const today = Day.of(new Date(yield* Clock.currentTimeMillis))
    const check = yield* Indicator.validator(indicators, "basicInfo", creator.stage, { today })
    const columnOf = options.columnOf ?? ((field: string) => field)
    const chunkSize = Math.max(1, options.chunkSize ?? 1000)

    // Outside the write transaction, so that other writers wait only for the writes: each row's decision, and the
    // review its entry enters.
    const decideChunk = (chunk: ReadonlyArray<Row>) =>
      Effect.gen(function* () {
        const at = new Date(yield* Clock.currentTimeMillis).toISOString()
        const rows: Array<Decided> = []
        const taken = new Map<string, number>()
        for (const row of chunk) {
          const hash = rowHash(row.record)
          if (row.problems !== undefined && row.problems.length > 0) {
            rows.push({ row, hash, rejections: row.problems.map((p) => ({ row: row.line, ...p })) })
            continue
          }
          // Per row: the decision onboarding takes, so a row is refused with the rule onboarding names.
          const id = teacherIdOf(options.batchId, row.line, hash)
          const checked = check(row.record)
          const decided = EFile.decideNew(creator, {
            id,
            entryId: `${id}-basicInfo`,
            basicInfo: row.record,
            checked,
            employment: row.employment,
            at
          })
          if (Either.isLeft(decided)) {
            rows.push({ row, hash, rejections: rejectionsOf(row.line, decided.left, row.record, columnOf) })
            continue
          }
          // A row repeated in the chunk would be the same e-file twice: the copy is the same person again (M17.4).
          const earlier = taken.get(hash)
          if (earlier !== undefined) {
            const refusal = EFile.duplicateRefusal(decided.right.efile.idType, decided.right.efile.idNumber)
            const reason = `与第${earlier}行重复：${refusal.zh}；the same as row ${earlier}: ${refusal.en}`
            const value = text(row.record.idNumber)
            rows.push({
              row,
              hash,
              rejections: [{ row: row.line, column: columnOf("idNumber"), value, reason, rule: refusal.rule }]
            })
            continue
          }
          taken.set(hash, row.line)
          rows.push({ row, hash, candidate: { created: decided.right, checked } })
        }
        // Imported entries enter review submitted by the importer; those without problems together: the machine
        // decides once for all of them.
        const event = { actor, unit, at }
        const candidates = rows.flatMap((r) => (r.candidate === undefined ? [] : [r.candidate.created]))
        const plain = candidates.filter((c) => c.problems.length === 0)
        const submitted = yield* Review.submitNew(
          plain.map((c) => c.entry.review.context.entry),
          event,
          policy
        )
        const reviews = new Map(plain.map((c, i) => [c.entry.id, submitted[i]!]))
        for (const c of candidates) {
          if (c.problems.length === 0) continue
          const next = yield* Review.send(Review.restore(c.entry.review), { type: "submit", ...event }, policy)
          reviews.set(c.entry.id, Review.persist(next))
        }
        return { rows, reviews }
      })

    // In the write transaction: what an earlier run already imported is skipped, the rest written.
    const writeChunk = ({ rows, reviews }: Effect.Effect.Success<ReturnType<typeof decideChunk>>) =>
      Effect.gen(function* () {
        const seen = yield* storage.imports.imported(
          options.batchId,
          rows.map((r) => ({ line: r.row.line, hash: r.hash }))
        )
        const fresh = rows.filter((r) => !seen.has(r.row.line))
        const skipped = rows.length - fresh.length
        const rejections = fresh.flatMap((r) => r.rejections ?? [])
        const candidates = fresh.flatMap((r) =>
          r.candidate === undefined ? [] : [{ row: r.row, hash: r.hash, ...r.candidate }]
        )
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
        // Accepted as problem data (M17.3): the report warns of each problem, for the school to resolve.
        const flagged = accepted.filter((c) => c.created.problems.length > 0)
        const warnings = flagged.flatMap((c) =>
          Either.isLeft(c.checked) ? rejectionsOf(c.row.line, c.checked.left, c.row.record, columnOf, "warning") : []
        )
        yield* storage.entries.insertMany(
          accepted.map((c) => ({ ...c.created.entry, review: reviews.get(c.created.entry.id)! }))
        )
        yield* Aggregates.trackWritten(
          accepted.map((c) => ({
            efile: c.created.efile,
            entries: [{ ...c.created.entry, review: reviews.get(c.created.entry.id)! }]
          }))
        )
        yield* storage.imports.record(
          options.batchId,
          accepted.map((c) => ({ hash: c.hash, line: c.row.line, teacherId: c.created.efile.id }))
        )
        const first = rows[0]?.row.line
        const last = rows[rows.length - 1]?.row.line
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
            flagged: flagged.length,
            teachers: accepted.map((c) => c.created.efile.id)
          },
          payload: { batch: options.batchId, unit: unit.id, teachers: accepted.map((c) => c.created.efile.id) }
        })
        rejections.sort((a, b) => a.row - b.row)
        return { accepted: accepted.length, skipped, rejections, warnings } satisfies Chunk
      })

    let progress: Progress = { rowsRead: 0, accepted: 0, rejected: 0, skipped: 0 }
    const commit = (chunk: ReadonlyArray<Row>) =>
      Effect.gen(function* () {
        const result = yield* storage.transaction(writeChunk(yield* decideChunk(chunk)))
        progress = {
          rowsRead: progress.rowsRead + chunk.length,
          accepted: progress.accepted + result.accepted,
          rejected: progress.rejected + new Set(result.rejections.map((r) => r.row)).size,
          skipped: progress.skipped + result.skipped
        }
        if (result.rejections.length > 0) options.onRejections?.(result.rejections)
        if (result.warnings.length > 0) options.onWarnings?.(result.warnings)
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
    // A bulk load changes the tables' sizes by orders of magnitude: let the planner know.
    if (progress.accepted >= chunkSize) yield* storage.imports.refreshStatistics
    return progress
  })
