/**
 * The province → national exchange over HTTP (M32.1, M17.4 across provinces). On a provincial deployment its top
 * unit's info admin takes the next change package and imports the national feedback; on the national deployment
 * the Ministry unit's info admin ingests a province's package and produces the province's feedback. A package goes
 * as its files — `manifest.json` (the signed manifest) and one NDJSON file — exactly as `ExchangePackage.toFiles`
 * writes them; the keys are the server's configuration (`ExchangeKeys`), never a request's.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Authentication, Body, Opt, Text } from "./ApiBase.js"

const Province = Schema.String.pipe(Schema.pattern(/^\d{2}$/)).annotations({
  description: "a province code, two GB/T 2260 digits"
})
const sequence = HttpApiSchema.param(
  "sequence",
  Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 1_000_000_000))
)

/**
 * A package on the wire: its files by name, `manifest.json` with the manifest and the issuer's signature, and the
 * data file (`changes.ndjson` or `duplicates.ndjson`), each the exact text `ExchangePackage.toFiles` gives.
 *
 * @since 0.1.0
 */
export const PackageFiles = Body("ExchangePackage", { files: Schema.Record({ key: Text(64), value: Schema.String }) })

/**
 * What an ingest or an import did: `applied`, or `already` (the same package before: nothing changed).
 *
 * @since 0.1.0
 */
export const OutcomeView = Schema.Struct({
  outcome: Schema.Literal("applied", "already"),
  issuer: Schema.String,
  sequence: Schema.Number,
  rows: Schema.Number,
  digest: Schema.String
}).annotations({ identifier: "ExchangeOutcome" })

const who = (side: string) =>
  `Who may call it: an active info admin of the deployment's top unit itself — ${side} (M32.1, M13.3; 403 M32.1 ` +
  "otherwise: a unit below, a system admin, a query-er)."
const provincial = who("the provincial education department")
const national = who("the Ministry's unit of the national system")

/**
 * `/exchange/…`: export, ingest, feedback and its import (M32.1).
 *
 * @since 0.1.0
 */
export class ExchangeGroup extends HttpApiGroup.make("exchange")
  .add(
    HttpApiEndpoint.post("exchangeExport", "/exchange/export")
      .setPayload(Body("ExchangeExport", { maxEvents: Opt(Schema.Int.pipe(Schema.between(1, 100_000))) }))
      .addSuccess(Schema.Struct({ package: Schema.optional(PackageFiles) }))
      .annotateContext(
        OpenApi.annotations({
          summary: "Export the province's next change package",
          description:
            "On a provincial deployment: the core indicators (M11.1, never the province's extension, M11.2) of the " +
            "teachers whose e-files changed since the previous package — at most `maxEvents` outbox events — signed " +
            "with the province's key and recorded under the next sequence number (M32.1). No `package` when nothing " +
            "changed; `maxEvents` bounds the package (the exchange's endpoints take bodies of up to 128 MiB by default, " +
            "`maxPackageBytes`). A lost answer is fetched again, byte for byte, with `GET /exchange/sent/{sequence}`. " +
            `${provincial} Not a provincial deployment, or no key configured: 422 M32.1. Audited (M37.1).`
        })
      )
  )
  .add(
    HttpApiEndpoint.get("exchangeSent")`/exchange/sent/${sequence}`.addSuccess(PackageFiles).annotateContext(
      OpenApi.annotations({
        summary: "Fetch a change package sent before",
        description:
          "The province's change package of that sequence number, exactly as first exported (M32.1): a retry " +
          `never re-numbers or re-reads anything. 404 M32.1 when there is none. ${provincial}`
      })
    )
  )
  .add(
    HttpApiEndpoint.post("exchangeImportFeedback", "/exchange/import-feedback")
      .setPayload(PackageFiles)
      .addSuccess(OutcomeView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Import the national feedback into the province's duplicate report",
          description:
            "On a provincial deployment: the national system's feedback (identities active in this province and " +
            "another, M17.4), verified with the configured national public key and addressed to this province, " +
            "applied once; a later feedback replaces an earlier one. A bad signature, a changed file, another " +
            `province's feedback: 422 M32.1. ${provincial} Audited (M37.1).`
        })
      )
  )
  .add(
    HttpApiEndpoint.post("exchangeIngest", "/exchange/ingest")
      .setPayload(PackageFiles)
      .addSuccess(OutcomeView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Ingest a province's change package",
          description:
            "On the national deployment: the package is verified with the province's registered public key " +
            "(signature, digests, counts; 422 M32.1 otherwise, naming the field; a province with no key: 403 M32.1) " +
            "and applied once and in sequence (M32.1): the same package again is `already`; a gap in the sequence " +
            "is refused naming the missing numbers (422 M32.1); another package under a used number: 409 M32.1. " +
            `${national} Audited (M37.1).`
        })
      )
  )
  .add(
    HttpApiEndpoint.post("exchangeFeedback", "/exchange/feedback")
      .setPayload(Body("ExchangeFeedback", { province: Province }))
      .addSuccess(PackageFiles)
      .annotateContext(
        OpenApi.annotations({
          summary: "Produce a province's feedback package",
          description:
            "On the national deployment: the identities active in the province and in another province (M17.4), " +
            "signed with the national key, under the province's next feedback number — or the last feedback again " +
            `when nothing changed (M32.1). ${national} Not the national deployment, or no key configured: 422 M32.1. ` +
            "Audited (M37.1)."
        })
      )
  )
  .middleware(Authentication) {}
