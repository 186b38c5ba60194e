/**
 * The API's group: batch import of basic information (M16.2). Part of `Api.ts`'s `Api`; handlers in `Handlers.ts`.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Authentication, batchId, Opt, Text, unitId } from "./ApiBase.js"

/**
 * The progress of a batch import: `accepted + rejected + skipped = rowsRead`; `flagged` of the accepted are kept as
 * problem data (M17.3), warned of in the report; `filename` is the upload's name.
 *
 * @since 0.1.0
 */
export const ImportView = Schema.Struct({
  batchId: Schema.String,
  unitId: Schema.String,
  filename: Schema.String,
  state: Schema.Literal("running", "done", "failed"),
  rowsRead: Schema.Number,
  accepted: Schema.Number,
  rejected: Schema.Number,
  skipped: Schema.Number,
  flagged: Schema.Number,
  failure: Schema.optional(Schema.Unknown)
}).annotations({ identifier: "Import" })

/**
 * Batch import (M16.2, M17): upload a CSV or XLSX file, follow its progress, download the error report.
 *
 * @since 0.1.0
 */
export class ImportsGroup extends HttpApiGroup.make("imports")
  .add(
    HttpApiEndpoint.post("upload")`/units/${unitId}/imports`
      .setPayload(
        HttpApiSchema.Uint8Array({ contentType: "application/octet-stream" }).annotations({
          description:
            "the file: CSV (UTF-8 or GB18030) or XLSX; say which with the `format` query parameter, and its name with `filename`"
        })
      )
      .setUrlParams(
        Schema.Struct({
          format: Opt(Schema.Literal("csv", "xlsx")),
          filename: Opt(
            Text(255).annotations({ description: "the file's name, which progress and refusals name it by" })
          )
        })
      )
      .addSuccess(ImportView, { status: 202 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Upload a file of new hires to import",
          description:
            "Import a CSV or XLSX file of teachers' basic information into the unit in the background (M16.2), " +
            "answering 202 with the batch: the same file uploaded again by the same account for the same unit is " +
            "the same batch and resumes it. Who may call it: an info admin of the school or department that keeps " +
            "the e-files (M21.1, M20.1), refused before the upload is accepted (403 or 422, M21.1; M13.2, M13.4, " +
            "M14.3 by role). Each row is checked as `POST /efiles` checks it (M11.1, M17.3, M17.4)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("progress")`/imports/${batchId}`.addSuccess(ImportView).annotateContext(
      OpenApi.annotations({
        summary: "An import's progress",
        description:
          "The progress of a batch import (M16.2) while this server process runs. Who may call it: the account " +
          "that uploaded it, while it may still write teachers at the import's unit (an info admin of the unit " +
          "or above, M13.3); to anyone else the batch does not exist (404)."
      })
    )
  )
  .add(
    HttpApiEndpoint.get("report")`/imports/${batchId}/report`
      .addSuccess(
        HttpApiSchema.Text({ contentType: "text/csv" }).annotations({
          description: "行,列,值,原因,规则 (UTF-8 with BOM)"
        })
      )
      .annotateContext(
        OpenApi.annotations({
          summary: "An import's error report",
          description:
            "The error report of a batch import as CSV (行,列,值,原因,规则): the refused rows with their rule, and rows " +
            "accepted as problem data as warnings (M17.3). Who may call it: the account that uploaded it, while " +
            "it may still write teachers at the import's unit (M13.3); to anyone else the batch does not exist " +
            "(404)."
        })
      )
  )
  .middleware(Authentication) {}
