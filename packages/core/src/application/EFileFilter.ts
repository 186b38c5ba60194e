/**
 * The filters of a search of e-files within one's scope (M13.3, M13.4): by name, identity number, employment status,
 * school stage, and entries awaiting review. The store applies them in its query, so that a page of a filtered
 * listing is a full page (keyset by path, as the unfiltered one).
 *
 * Decisions:
 * - `name` is a prefix of 姓名, matched exactly (code point by code point, case-sensitive, after trimming the
 *   filter): a surname finds its people (王 → 王建国), and the match is the same on every database. No fuzzy or
 *   pinyin matching.
 * - `idNumber` is the whole number, normalised as the store keeps it (trimmed, `x` upper-cased), of any document type.
 *   An info query-er may not filter by it ({@link decide}): it sees numbers masked (M13.4, M37.2), and a filter that
 *   answers "is this number here?" would confirm a number it cannot see.
 * - `pendingReview`: true keeps the e-files with at least one entry awaiting a review — submitted (the school's) or
 *   school-approved (the bureau's) (M17.1); false keeps those with none. Drafts and returned entries await their
 *   enterer, not a reviewer.
 *
 * The Schema decodes from strings, as URL parameters and command-line flags come.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type * as Authorization from "../accounts/Authorization.js"
import * as SchoolType from "../codes/SchoolType.js"
import * as EFile from "../efile/EFile.js"
import * as EmploymentStatus from "../efile/EmploymentStatus.js"
import type * as Review from "../efile/Review.js"
import * as Refusal from "../kernel/Refusal.js"

const optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

/**
 * The fields of a filter, for URL parameters beside a page's.
 *
 * @since 0.1.0
 */
export const fields = {
  name: optional(
    Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(64)).annotations({
      description: "a prefix of the name (姓名), matched exactly: 王 finds 王建国"
    })
  ),
  idNumber: optional(
    Schema.String.pipe(Schema.pattern(/^\s*[0-9A-Za-z]{1,32}\s*$/)).annotations({
      description: "the whole identity document number (身份证件号), exact; not for an info query-er (M13.4, M37.2)"
    })
  ),
  status: optional(EmploymentStatus.Status.annotations({ description: "the employment status (人员状态, M22.1)" })),
  stage: optional(SchoolType.Stage.annotations({ description: "the school stage of the e-file (学段)" })),
  pendingReview: optional(
    Schema.BooleanFromString.annotations({
      description: "true: with an entry awaiting review (submitted or school-approved, M17.1); false: with none"
    })
  )
}

/**
 * A filter of e-files; an absent field filters nothing.
 *
 * @since 0.1.0
 */
export const Filter = Schema.Struct(fields).annotations({ identifier: "EFileFilter" })

/**
 * @since 0.1.0
 */
export type Filter = typeof Filter.Type

/**
 * The review states an entry awaits a reviewer in (M17.1).
 *
 * @since 0.1.0
 */
export const pendingStates: ReadonlyArray<Review.State> = ["submitted", "schoolApproved"]

/**
 * The filter as the store applies it: the identity number normalised as e-files keep it, the name trimmed.
 *
 * @since 0.1.0
 */
export const normalize = (filter: Filter): Filter => ({
  ...filter,
  ...(filter.name === undefined ? {} : { name: filter.name.trim() }),
  ...(filter.idNumber === undefined ? {} : { idNumber: EFile.identityKey("", filter.idNumber).idNumber })
})

/**
 * May an actor search with this filter (M13.4, M37.2)? One who sees identity numbers masked may not filter by one:
 * the answer would confirm a number it cannot see. Undefined when allowed, else the refusal.
 *
 * @since 0.1.0
 */
export const decide = (
  actor: Authorization.Actor,
  filter: Filter,
  maySeeSensitive: boolean
): Refusal.Refusal | undefined =>
  filter.idNumber === undefined || maySeeSensitive
    ? undefined
    : Refusal.forbidden(
        "M37.2",
        "信息查询员看到的身份证件号已脱敏，不能按身份证件号查找教师",
        "an info query-er sees identity numbers masked, so it may not search by one",
        { field: "idNumber", value: `${filter.idNumber.trim().slice(0, 3)}…`, actor: actor.accountId, role: actor.role }
      )

/**
 * Does an e-file with these entries pass the filter? The store's query, in memory: what conformance tests compare
 * the store with.
 *
 * @since 0.1.0
 */
export const matches = (
  filter: Filter,
  efile: EFile.EFile,
  entries: ReadonlyArray<Pick<EFile.Entry, "review">>
): boolean => {
  const f = normalize(filter)
  if (f.name !== undefined && !efile.name.startsWith(f.name)) return false
  if (f.idNumber !== undefined && efile.idNumber !== f.idNumber) return false
  if (f.status !== undefined && efile.status !== f.status) return false
  if (f.stage !== undefined && efile.stage !== f.stage) return false
  if (f.pendingReview !== undefined) {
    const pending = entries.some((e) => pendingStates.includes(e.review.state))
    if (pending !== f.pendingReview) return false
  }
  return true
}
