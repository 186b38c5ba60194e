/**
 * The supply forecast's view of a teacher, kept in the statistics aggregates (O8.1, M28.1): a cohort is the serving
 * teachers of one birth month, sex, post category (cadre or worker), region, stage and subject — all the forecast
 * reads of a person (a retirement month depends on the birth month only). Each active e-file's contribution carries
 * its cohort's key, counted at every unit above it under `Aggregate.cohortDims`, so that a forecast reads the
 * counters of one unit instead of every e-file of its subtree with its entries.
 *
 * @since 0.1.0
 */
import type * as EFile from "../efile/EFile.js"
import type * as Forecast from "./Forecast.js"
import * as Profile from "./Profile.js"

const counted = new Set(["submitted", "schoolApproved", "effective"])

const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined)

/**
 * A serving teacher as the forecast sees them (O8.1), from their statistics profile and entries: region, stage and
 * subject as the statistics count them, the birth date and sex of the basic information in review (submitted,
 * approved or effective), and `worker` when the current post appointment is a 工勤技能岗位 (or, with none, the
 * staff category 工勤). `undefined` when the birth date or sex is not recorded.
 *
 * @since 0.1.0
 */
export const personOf = (
  profile: Pick<Profile.Profile, "region" | "stage" | "subject">,
  entries: ReadonlyArray<
    Pick<EFile.Entry, "group" | "data"> & { readonly review: Pick<EFile.Entry["review"], "state"> }
  >
): Forecast.Person | undefined => {
  const kept = entries.filter((e) => counted.has(e.review.state))
  const basic = kept.find((e) => e.group === "basicInfo")?.data
  const birthDate = text(basic?.birthDate)
  const sex = text(basic?.sex)
  if (birthDate === undefined || !/^\d{4}-\d{2}/.test(birthDate) || (sex !== "1" && sex !== "2")) return undefined
  const post = kept
    .filter((e) => e.group === "postAppointment" && text(e.data.endMonth) === undefined)
    .map((e) => e.data)
    .sort((a, b) => ((text(a.startMonth) ?? "") < (text(b.startMonth) ?? "") ? 1 : -1))[0]
  const worker = text(post?.postCategory) === "4" || (post === undefined && text(basic?.staffCategory) === "14")
  return {
    region: profile.region,
    level: profile.stage,
    subject: profile.subject,
    birthDate,
    sex: sex === "1" ? "male" : "female",
    category: worker ? "worker" : "cadre"
  }
}

/**
 * The key of a person's cohort, as the counters keep it: birth month, sex, category, region, stage and subject
 * joined by `|` (the subject last: it is free text at worst); `unknown` for a teacher without a birth date or sex.
 *
 * @since 0.1.0
 */
export const keyOf = (person: Forecast.Person | undefined): string =>
  person === undefined
    ? Profile.unknown
    : [person.birthDate.slice(0, 7), person.sex, person.category, person.region, person.level, person.subject].join("|")

/**
 * The cohort of a counter's key and count; `undefined` for the teachers without a birth date or sex (and for a key
 * that is not one {@link keyOf} writes).
 *
 * @since 0.1.0
 */
export const fromKey = (key: string, count: number): Forecast.Cohort | undefined => {
  if (key === Profile.unknown) return undefined
  // The first five bars end the five fields before the subject (a province reads a million keys: no split and join).
  const bars: Array<number> = []
  for (let at = key.indexOf("|"); at !== -1 && bars.length < 5; at = key.indexOf("|", at + 1)) bars.push(at)
  const [a, b, c, d, e] = bars
  if (e === undefined) return undefined
  return {
    birthDate: key.slice(0, a),
    sex: key.slice(a! + 1, b) as Forecast.Person["sex"],
    category: key.slice(b! + 1, c) as Forecast.Person["category"],
    region: key.slice(c! + 1, d),
    level: key.slice(d! + 1, e),
    subject: key.slice(e + 1),
    count
  }
}
