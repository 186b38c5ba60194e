/**
 * Spot checks (随机抽查), M17.2: a bureau draws a random sample of the schools and of the teachers of its subtree,
 * records a finding per sampled e-file, and publishes the result (通报抽查结果). Pure values and decisions; the
 * `SpotChecks` service persists them.
 *
 * Reproducible by anyone: the draw is a pure function of the recorded seed and the recorded population (the ids of
 * the open schools and the active e-files of the subtree when drawn). Each population is sorted by id (byte order),
 * then shuffled by a partial Fisher–Yates shuffle driven by sfc32 seeded with cyrb128 of `seed + "/schools"` (or
 * `"/teachers"`), and the first `size` ids are the sample, sorted. {@link draw} is that function; {@link redraw}
 * checks a stored check against it.
 *
 * Decisions where the regulation is silent:
 * - Who draws, records and publishes: an info admin of the bureau (an administrative unit) itself; article 17 gives
 *   the check to the school's competent bureau, and a bureau above checks its whole subtree the same way.
 * - Schools and teachers are two samples drawn independently (article 17 names both).
 * - A finding is recorded per sampled e-file: `accurate` or `discrepancy` with a note. A discrepancy is corrected
 *   the regulation's way (M19.2): the teacher's school's info admin opens a change request citing the finding, which
 *   the competent bureau approves; the finding keeps the request's id.
 * - Publishing ends the check: no finding is recorded after it; the published result is readable in the subtree.
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import * as Authorization from "../accounts/Authorization.js"
import * as Unit from "../hierarchy/Unit.js"
import * as Refusal from "../kernel/Refusal.js"

// ── The generator ───────────────────────────────────────────────────────────────────────────────────────────────

/**
 * cyrb128: four 32-bit words from a string (the seed of sfc32).
 *
 * @since 0.1.0
 */
export const cyrb128 = (str: string): readonly [number, number, number, number] => {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

/**
 * sfc32: a generator of 32-bit unsigned integers seeded with four words.
 *
 * @since 0.1.0
 */
export const sfc32 = (seed: readonly [number, number, number, number]): (() => number) => {
  let [a, b, c, d] = seed
  return () => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
}

/** An integer in [0, n) without modulo bias (rejection sampling). */
const below = (next: () => number, n: number): number => {
  const limit = 2 ** 32 - (2 ** 32 % n)
  for (;;) {
    const x = next()
    if (x < limit) return x % n
  }
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * A sample of `size` ids of `population` drawn with `seed` (the whole population when it is smaller), sorted.
 *
 * @since 0.1.0
 */
export const sample = (population: ReadonlyArray<string>, size: number, seed: string): ReadonlyArray<string> => {
  const ids = [...new Set(population)].sort(byteOrder)
  const k = Math.min(Math.max(0, Math.floor(size)), ids.length)
  const next = sfc32(cyrb128(seed))
  for (let i = 0; i < k; i++) {
    const j = i + below(next, ids.length - i)
    const t = ids[i]!
    ids[i] = ids[j]!
    ids[j] = t
  }
  return ids.slice(0, k).sort(byteOrder)
}

// ── The check ───────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * What a check draws from: the open schools and the active e-files of the subtree, by id.
 *
 * @since 0.1.0
 */
export interface Population {
  readonly schools: ReadonlyArray<string>
  readonly teachers: ReadonlyArray<string>
}

/**
 * The result of one sampled e-file.
 *
 * @since 0.1.0
 */
export const Result = Schema.Literal("accurate", "discrepancy")

/**
 * @since 0.1.0
 */
export type Result = typeof Result.Type

/**
 * A finding on a sampled e-file.
 *
 * @since 0.1.0
 */
export interface Finding {
  readonly teacherId: string
  readonly result: Result
  readonly note: string
  readonly by: string
  readonly at: string
  /** The change request opened for it (M19.2), if any. */
  readonly changeRequestId: string | undefined
}

/**
 * A spot check as stored.
 *
 * @since 0.1.0
 */
export interface SpotCheck {
  readonly id: string
  /** The bureau that checks: its subtree is the population. */
  readonly unit: Authorization.UnitRef
  readonly seed: string
  readonly sizes: { readonly schools: number; readonly teachers: number }
  readonly population: Population
  readonly sample: Population
  readonly drawnBy: string
  readonly drawnAt: string
  readonly findings: ReadonlyArray<Finding>
  readonly state: "open" | "published"
  readonly published: { readonly at: string; readonly by: string; readonly summary: string } | undefined
}

const Ids = Schema.Array(Schema.String)

/**
 * A spot check as stored, for decoding what the store gives back (no casts).
 *
 * @since 0.1.0
 */
export const Persisted = Schema.Struct({
  id: Schema.String,
  unit: Schema.Struct({ id: Unit.UnitId, kind: Unit.Kind, path: Schema.String }),
  seed: Schema.String,
  sizes: Schema.Struct({ schools: Schema.Number, teachers: Schema.Number }),
  population: Schema.Struct({ schools: Ids, teachers: Ids }),
  sample: Schema.Struct({ schools: Ids, teachers: Ids }),
  drawnBy: Schema.String,
  drawnAt: Schema.String,
  findings: Schema.Array(
    Schema.Struct({
      teacherId: Schema.String,
      result: Result,
      note: Schema.String,
      by: Schema.String,
      at: Schema.String,
      changeRequestId: Schema.UndefinedOr(Schema.String)
    })
  ),
  state: Schema.Literal("open", "published"),
  published: Schema.UndefinedOr(Schema.Struct({ at: Schema.String, by: Schema.String, summary: Schema.String }))
})

/**
 * The sample of a population under a seed: the schools' and the teachers' samples, each drawn with its own stream.
 *
 * @since 0.1.0
 */
export const draw = (
  population: Population,
  sizes: { readonly schools: number; readonly teachers: number },
  seed: string
): Population => ({
  schools: sample(population.schools, sizes.schools, `${seed}/schools`),
  teachers: sample(population.teachers, sizes.teachers, `${seed}/teachers`)
})

/**
 * Does the stored sample follow from its seed and population? Anyone may check it.
 *
 * @since 0.1.0
 */
export const redraw = (check: Pick<SpotCheck, "population" | "sizes" | "seed" | "sample">): boolean => {
  const again = draw(check.population, check.sizes, check.seed)
  return (
    again.schools.join("\n") === check.sample.schools.join("\n") &&
    again.teachers.join("\n") === check.sample.teachers.join("\n")
  )
}

const refuse = (zh: string, en: string, details: Record<string, unknown>) =>
  Either.left(Refusal.invalid("M17.2", zh, en, details))

/** An info admin of the bureau itself (an administrative unit), else the refusal. */
const decideBureau = (
  actor: Authorization.Actor,
  unit: Authorization.UnitRef,
  context: Authorization.Context
): Refusal.Refusal | undefined => {
  const refused = Authorization.decide(actor, { _tag: "ReviewTeacher", unit }, context)
  if (refused !== undefined) return refused
  if (actor.role !== "infoAdmin" || actor.unit.id !== unit.id || !Unit.isAdministrative(unit.kind)) {
    return Refusal.forbidden(
      "M17.2",
      "抽查由教育行政部门的信息管理员对本单位及下级单位进行",
      "a bureau's info admin spot-checks its own subtree",
      { field: "actor", value: actor.accountId, actorUnit: actor.unit.id, unit: unit.id, kind: unit.kind }
    )
  }
  return undefined
}

/**
 * What a bureau asks for: the check's id, the seed (recorded), and how many schools and teachers.
 *
 * @since 0.1.0
 */
export interface NewCheck {
  readonly id: string
  readonly seed: string
  readonly schools: number
  readonly teachers: number
}

/**
 * Decide a draw (M17.2): by an info admin of the bureau itself; sizes whole numbers, at least one sampled; the seed
 * not blank. The sample is {@link draw} of the population, which the caller read from the bureau's subtree.
 *
 * @since 0.1.0
 */
export const decideDraw = (
  actor: Authorization.Actor,
  unit: Authorization.UnitRef,
  input: NewCheck,
  population: Population,
  context: Authorization.Context
): Either.Either<SpotCheck, Refusal.Refusal> => {
  const refused = decideBureau(actor, unit, context)
  if (refused !== undefined) return Either.left(refused)
  for (const field of ["schools", "teachers"] as const) {
    const n = input[field]
    if (!Number.isInteger(n) || n < 0 || n > 100_000) {
      return refuse("抽查数量应为0到100000的整数", "a sample size is a whole number from 0 to 100000", {
        field,
        value: n
      })
    }
  }
  if (input.schools + input.teachers === 0) {
    return refuse("至少抽查一所学校或一名教师", "a spot check samples at least one school or teacher", {
      field: "teachers",
      value: 0
    })
  }
  if (input.seed.trim().length === 0 || input.seed.length > 200) {
    return refuse("抽查须记录随机种子", "a spot check records its seed (1 to 200 characters)", {
      field: "seed",
      value: input.seed
    })
  }
  const sizes = { schools: input.schools, teachers: input.teachers }
  const sorted = {
    schools: [...new Set(population.schools)].sort(byteOrder),
    teachers: [...new Set(population.teachers)].sort(byteOrder)
  }
  return Either.right({
    id: input.id,
    unit: { id: unit.id, kind: unit.kind, path: unit.path },
    seed: input.seed,
    sizes,
    population: sorted,
    sample: draw(sorted, sizes, input.seed),
    drawnBy: actor.accountId,
    drawnAt: context.now.toISOString(),
    findings: [],
    state: "open",
    published: undefined
  })
}

/**
 * Record the finding on a sampled e-file (M17.2): by an info admin of the bureau, while the check is open, for an
 * e-file of the teachers' sample; a discrepancy states what is wrong. A second finding on an e-file replaces the
 * first (the check is not published yet), keeping a change request already opened.
 *
 * @since 0.1.0
 */
export const decideFinding = (
  check: SpotCheck,
  actor: Authorization.Actor,
  input: { readonly teacherId: string; readonly result: Result; readonly note: string },
  context: Authorization.Context
): Either.Either<SpotCheck, Refusal.Refusal> => {
  const refused = decideBureau(actor, check.unit, context)
  if (refused !== undefined) return Either.left(refused)
  if (check.state !== "open") {
    return refuse("抽查结果已通报，不能再记录", "a published spot check takes no more findings", {
      field: "state",
      value: check.state,
      check: check.id
    })
  }
  if (!check.sample.teachers.includes(input.teacherId)) {
    return refuse("只能对抽中的教师记录抽查结果", "findings are recorded on sampled e-files only", {
      field: "teacherId",
      value: input.teacherId,
      check: check.id
    })
  }
  if (input.result === "discrepancy" && input.note.trim().length === 0) {
    return refuse("发现问题须说明", "a discrepancy states what is wrong", { field: "note", value: input.note })
  }
  const previous = check.findings.find((f) => f.teacherId === input.teacherId)
  const finding: Finding = {
    teacherId: input.teacherId,
    result: input.result,
    note: input.note.trim(),
    by: actor.accountId,
    at: context.now.toISOString(),
    changeRequestId: previous?.changeRequestId
  }
  return Either.right({
    ...check,
    findings: [...check.findings.filter((f) => f.teacherId !== input.teacherId), finding]
  })
}

/**
 * Link a change request to a discrepancy found (M17.2, M19.2): the finding must be a discrepancy without a request
 * yet. Who may request the change is `ChangeRequest.request`'s to decide (the teacher's school).
 *
 * @since 0.1.0
 */
export const decideLink = (
  check: SpotCheck,
  teacherId: string,
  changeRequestId: string
): Either.Either<SpotCheck, Refusal.Refusal> => {
  const finding = check.findings.find((f) => f.teacherId === teacherId)
  if (finding === undefined || finding.result !== "discrepancy") {
    return refuse(
      "只有抽查发现问题的档案才据此提出变更申请",
      "a change request cites a discrepancy found on a sampled e-file",
      { field: "teacherId", value: teacherId, check: check.id }
    )
  }
  if (finding.changeRequestId !== undefined) {
    return Either.left(
      Refusal.conflict("M17.2", "该问题已提出变更申请", "a change request was already opened for this finding", {
        field: "teacherId",
        value: teacherId,
        changeRequestId: finding.changeRequestId
      })
    )
  }
  return Either.right({
    ...check,
    findings: check.findings.map((f) => (f.teacherId === teacherId ? { ...f, changeRequestId } : f))
  })
}

/**
 * The counts of a check's findings.
 *
 * @since 0.1.0
 */
export const tally = (
  check: Pick<SpotCheck, "findings" | "sample">
): { readonly sampled: number; readonly checked: number; readonly accurate: number; readonly discrepancy: number } => ({
  sampled: check.sample.teachers.length,
  checked: check.findings.length,
  accurate: check.findings.filter((f) => f.result === "accurate").length,
  discrepancy: check.findings.filter((f) => f.result === "discrepancy").length
})

/**
 * Publish the result (通报, M17.2): by an info admin of the bureau, once, with a summary, after a finding on every
 * sampled e-file.
 *
 * @since 0.1.0
 */
export const decidePublish = (
  check: SpotCheck,
  actor: Authorization.Actor,
  summary: string,
  context: Authorization.Context
): Either.Either<SpotCheck, Refusal.Refusal> => {
  const refused = decideBureau(actor, check.unit, context)
  if (refused !== undefined) return Either.left(refused)
  if (check.state !== "open") {
    return refuse("抽查结果已通报", "the spot check is already published", { field: "state", value: check.state })
  }
  const unchecked = check.sample.teachers.filter((t) => !check.findings.some((f) => f.teacherId === t))
  if (unchecked.length > 0) {
    return refuse(
      "抽中的档案尚未全部记录抽查结果",
      "every sampled e-file has a finding before the result is published",
      {
        field: "findings",
        value: unchecked.slice(0, 20),
        count: unchecked.length
      }
    )
  }
  if (summary.trim().length === 0) {
    return refuse("通报须有结论", "a published result has a summary", { field: "summary", value: summary })
  }
  return Either.right({
    ...check,
    state: "published",
    published: { at: context.now.toISOString(), by: actor.accountId, summary: summary.trim() }
  })
}

/**
 * May `actor` read the check? Whoever may read the bureau's statistics (the bureau and above, M13.3, M13.4); once
 * published, also the info admins and query-ers of the bureau's subtree (通报).
 *
 * @since 0.1.0
 */
export const decideRead = (
  check: SpotCheck,
  actor: Authorization.Actor,
  context: Authorization.Context
): Refusal.Refusal | undefined => {
  const refused = Authorization.decide(actor, { _tag: "ReadStatistics", unit: check.unit }, context)
  if (refused === undefined) return undefined
  if (
    check.state === "published" &&
    Authorization.within(actor.unit, check.unit) &&
    (actor.role === "infoAdmin" || actor.role === "infoQueryer") &&
    Authorization.decide(actor, { _tag: "ReadUnits", unit: actor.unit }, context) === undefined
  ) {
    return undefined
  }
  return refused
}
