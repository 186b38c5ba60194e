/**
 * Workforce statistics over the query model (M28.1) and the comparison of resource allocation across regions,
 * urban and rural areas and schools (O10.1).
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { StatisticsQuery } from "@tmis/core"
import { Schema } from "effect"
import { Authentication, Opt, unitId } from "./ApiBase.js"

const who =
  "Who may call it: an info admin or info query-er of the unit or a unit above it (M13.3, M13.4): a county reads " +
  "its own subtree only; a system admin (M13.2) and a teacher (M14.3) are refused."

const Spread = Schema.Struct({
  mean: Schema.Number,
  gini: Schema.Number,
  theil: Schema.Number,
  shareBelowNorm: Schema.optional(Schema.Number)
}).annotations({ identifier: "AllocationSpread" })

const AllocationGroup = Schema.Struct({
  value: Schema.String,
  label: Schema.String,
  schools: Schema.Number,
  teachers: Schema.Number,
  indicators: Schema.Record({ key: Schema.String, value: Spread })
}).annotations({ identifier: "AllocationGroup" })

/**
 * The comparison of resource allocation as the API shows it (`Analytics.Allocation`).
 *
 * @since 0.1.0
 */
export const AllocationView = Schema.Struct({
  unit: Schema.Struct({ id: Schema.String, name: Schema.String, path: Schema.String }),
  asOf: Schema.String,
  groupBy: Schema.NullOr(Schema.String),
  all: AllocationGroup,
  groups: Schema.Array(AllocationGroup),
  theilTeachers: Schema.Struct({ total: Schema.Number, within: Schema.Number, between: Schema.Number })
}).annotations({ identifier: "Allocation" })

/**
 * The query parameters of an allocation comparison.
 *
 * @since 0.1.0
 */
export const AllocationParams = Schema.Struct({
  groupBy: Opt(Schema.Literal("region", "urbanRural", "schoolType", "stage", "level")),
  regionLevel: Opt(StatisticsQuery.RegionLevel),
  minTeachers: Opt(
    Schema.NumberFromString.pipe(Schema.int(), Schema.between(0, 10_000)).annotations({
      description: "the norm: a school with fewer teachers counts as short"
    })
  )
})

/**
 * `POST /statistics/query` and `GET /units/{unitId}/statistics/allocation`.
 *
 * @since 0.1.0
 */
export class StatisticsGroup extends HttpApiGroup.make("statistics")
  .add(
    HttpApiEndpoint.post("query", "/statistics/query")
      .setPayload(StatisticsQuery.Query.annotations({ identifier: "StatisticsQuery" }))
      .addSuccess(StatisticsQuery.Result.annotations({ identifier: "StatisticsResult" }))
      .annotateContext(
        OpenApi.annotations({
          summary: "Count the teachers of a subtree by one or two dimensions",
          description:
            "Counts and distributions of the teachers of subtree(`unitId`) (M28.1): by `rows` — and crossed with " +
            "`columns` — among level, region (GB/T 2260), urban/rural, school type, stage, education, title, " +
            "subject, gender, age band, pay band, employment status and mobility (transfers and rotations of " +
            "`period`), with filters, as of `asOf` (today by default). Labels in Chinese from the code tables. " +
            "Cells of 1 to 4 teachers are suppressed (`count: null`), and with each a complementary cell of its " +
            "row and column, so that no suppressed figure follows from the totals. Today's figures by up to two " +
            `dimensions come from aggregates kept current with every change; others are recounted. ${who}`
        })
      )
  )
  .add(
    HttpApiEndpoint.get("allocation")`/units/${unitId}/statistics/allocation`
      .setUrlParams(AllocationParams)
      .addSuccess(AllocationView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Compare the allocation of teachers over the schools of a subtree",
          description:
            "Resource allocation (O10.1): for the open schools of subtree(`unitId`), grouped by `groupBy` (region, " +
            "urban/rural, school type, stage or level), the number of teachers and the shares with a degree, a " +
            "senior title, women, under 35, 55 or over and a higher pay, each with its mean over schools and its " +
            "Gini and Theil indices (0 for fewer than 5 schools), the share of schools under `minTeachers`, and " +
            `the Theil index of the number of teachers split into within and between the groups. ${who}`
        })
      )
  )
  .middleware(Authentication) {}
