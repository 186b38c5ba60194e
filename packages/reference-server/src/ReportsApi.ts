/**
 * The periodic workforce report of a unit's subtree (M29.1) — as JSON with its queries, as HTML with server-rendered
 * SVG charts, as XLSX and as PDF — and the supply forecast (O8.1).
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Forecast, Report } from "@tmis/core"
import { Schema } from "effect"
import { Authentication, Body, Day, Opt, unitId } from "./ApiBase.js"

const Years = Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 30)).annotations({
  description: "how many years the forecast looks ahead (1–30, default 5)"
})

/**
 * The period of a report and its forecast's horizon, as query parameters.
 *
 * @since 0.1.0
 */
export const ReportParams = Schema.Struct({ from: Day, to: Day, years: Opt(Years) })

const Enrolment = Schema.Array(Forecast.Enrolment).pipe(Schema.maxItems(10_000)).annotations({
  description: "students per region (GB/T 2260 code) and stage: the system records no students"
})

const forecastFields = {
  years: Opt(Schema.Int.pipe(Schema.between(1, 30))),
  enrolment: Opt(Enrolment),
  rules: Opt(Forecast.RetirementRules),
  norms: Opt(Forecast.Norms)
}

const who =
  "Who may call it: whoever may read the subtree's statistics — an info admin or query-er of the unit or a unit " +
  "above it (M13.3, M13.4); others are refused (M13.2, M14.3)."

const made =
  "The figures are the answers of the statistics query service (M28.1) to the report's queries as of the period's " +
  "last day, small cells suppressed; then the period's changes (onboardings, leavers, transfers in and out, " +
  "rotations) and the supply forecast from that day (O8.1, statutory retirement ages and the 2014 national staffing " +
  "norms). The same data and period give the same bytes but for the generation time."

/**
 * `/units/{unitId}/report…` and `/units/{unitId}/forecast`.
 *
 * @since 0.1.0
 */
export class ReportsGroup extends HttpApiGroup.make("reports")
  .add(
    HttpApiEndpoint.post("generate")`/units/${unitId}/report`
      .setPayload(Body("ReportRequest", { from: Day, to: Day, ...forecastFields }))
      .addSuccess(Report.Report.annotations({ identifier: "Report" }), { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Generate the workforce report of a unit's subtree for a period",
          description:
            "The periodic teacher-workforce report (M29.1) as data: the queries it ran (so that it can be run " +
            `again), one table per section, the changes and the forecast. ${made} The student counts, retirement ` +
            `rules and ratio norms of the forecast may be given. ${who}`
        })
      )
  )
  .add(
    HttpApiEndpoint.get("html")`/units/${unitId}/report.html`
      .setUrlParams(ReportParams)
      .addSuccess(HttpApiSchema.Text({ contentType: "text/html; charset=utf-8" }))
      .annotateContext(
        OpenApi.annotations({
          summary: "The workforce report as an HTML page",
          description:
            "The report (M29.1) as one page with no script: charts drawn on the server to SVG by Apache ECharts, " +
            `tables, the changes, the forecast with its method and assumptions (O8.1), and its queries. ${made} ${who}`
        })
      )
  )
  .add(
    HttpApiEndpoint.get("xlsx")`/units/${unitId}/report.xlsx`
      .setUrlParams(ReportParams)
      .addSuccess(
        HttpApiSchema.Uint8Array({ contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" })
      )
      .annotateContext(
        OpenApi.annotations({
          summary: "The workforce report as an XLSX workbook",
          description:
            "The figures of the report (M29.1) as a workbook: a sheet per section, the changes, the forecast and the " +
            `replacement needs (O8.1), and the queries. ${made} ${who}`
        })
      )
  )
  .add(
    HttpApiEndpoint.get("pdf")`/units/${unitId}/report.pdf`
      .setUrlParams(ReportParams)
      .addSuccess(HttpApiSchema.Uint8Array({ contentType: "application/pdf" }))
      .annotateContext(
        OpenApi.annotations({
          summary: "The workforce report as a PDF",
          description:
            "The HTML report (M29.1) printed to A4 by headless Chromium (the deployment installs Chromium — at " +
            "`TMIS_CHROMIUM` or /usr/bin/chromium — and a CJK font such as fonts-noto-cjk; without Chromium the " +
            `request fails with 500). ${made} ${who}`
        })
      )
  )
  .add(
    HttpApiEndpoint.post("forecast")`/units/${unitId}/forecast`
      .setPayload(Body("ForecastRequest", { asOf: Day, ...forecastFields }))
      .addSuccess(Forecast.Forecast.annotations({ identifier: "Forecast" }))
      .annotateContext(
        OpenApi.annotations({
          summary: "The supply forecast of a unit's subtree",
          description:
            "Projected retirements of the serving teachers by region, stage and subject for the next `years` " +
            "twelve-month years from `asOf`, and the replacement needs against the ratio norms for the given student " +
            "counts (O8.1). Retirement ages default to the statutory ones in force, including the gradual raise from " +
            "1 January 2025; the method and its assumptions come with the result. Reads every serving e-file of the " +
            `subtree: a planning computation, not a dashboard query. ${who}`
        })
      )
  )
  .middleware(Authentication) {}
