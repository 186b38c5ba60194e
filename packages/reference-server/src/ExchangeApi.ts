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
import { Authentication, Body, Day, Id, Opt, Text, Version } from "./ApiBase.js"

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

const transferId = HttpApiSchema.param("transferId", Id)

/**
 * A transfer from another province as the receiving province keeps it (M23.1 across provincial deployments): its
 * chain's state, the sending province, the version, and — when the released e-file could not be created here —
 * what held it and the released e-file as it came, for an operator to resolve (M17.4, M32.1).
 *
 * @since 0.1.0
 */
export const TransferAcrossView = Schema.Struct({
  id: Schema.String,
  province: Schema.String,
  teacherId: Schema.String.annotations({ description: "the e-file created here when the transfer completes" }),
  state: Schema.String,
  open: Schema.Boolean,
  withdrawalAsked: Schema.Boolean,
  held: Opt(
    Schema.Struct({
      rule: Schema.String,
      reason: Schema.String,
      at: Schema.String,
      name: Schema.String,
      records: Schema.Record({ key: Schema.String, value: Schema.Array(Schema.Unknown) }),
      credits: Schema.Number.annotations({ description: "credit holdings released with the e-file, kept here" })
    })
  ).annotations({ description: "completed without an e-file here: the release is kept for an operator" }),
  createdAt: Schema.String,
  version: Schema.Number
}).annotations({ identifier: "TransferAcross" })

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
  .add(
    HttpApiEndpoint.post("exchangeTransfersExport", "/exchange/transfers/export")
      .setPayload(
        Body("ExchangeTransfersExport", {
          province: Province,
          maxMessages: Opt(Schema.Int.pipe(Schema.between(1, 100_000)))
        })
      )
      .addSuccess(Schema.Struct({ package: Schema.optional(PackageFiles) }))
      .annotateContext(
        OpenApi.annotations({
          summary: "Export the next transfer package to another province",
          description:
            "On a provincial deployment: the messages of transfers between provinces (M23.1) waiting for that " +
            "province in the outbox — requests, withdrawals, releases with the e-file's core records and credits, " +
            "refusals, at most `maxMessages` (1,000 by default) — signed with the province's key and recorded under " +
            "the next number of its sequence to that " +
            "province (M32.1). No `package` when none waits. A lost answer: `GET /exchange/transfers/sent/{province}/" +
            `{sequence}\`. ${provincial} No key configured: 422 M32.1. Audited (M37.1).`
        })
      )
  )
  .add(
    HttpApiEndpoint.get(
      "exchangeTransfersSent"
    )`/exchange/transfers/sent/${HttpApiSchema.param("province", Province)}/${sequence}`
      .addSuccess(PackageFiles)
      .annotateContext(
        OpenApi.annotations({
          summary: "Fetch a transfer package sent before",
          description:
            "The transfer package of that number to that province, exactly as first exported (M32.1). 404 M32.1 " +
            `when there is none. ${provincial}`
        })
      )
  )
  .add(
    HttpApiEndpoint.post("exchangeTransfersIngest", "/exchange/transfers/ingest")
      .setPayload(PackageFiles)
      .addSuccess(OutcomeView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Ingest another province's transfer package",
          description:
            "On a provincial deployment: a transfer package of another province addressed to this one, verified " +
            "with that province's public key (`TMIS_EXCHANGE_PROVINCE_KEYS`; none: 403 M32.1) and applied once and " +
            "in sequence (M32.1), each message with its effect and the answers it sends in one transaction: a " +
            "request opens the transfer at the sending school (M23.1), a release creates the e-file here (O4.1), a " +
            "refusal or withdrawal ends it (M23.2). The same package again is `already`; a gap is refused naming the " +
            `missing numbers (422 M32.1); another package under a used number: 409 M32.1. ${provincial} Audited (M37.1).`
        })
      )
  )
  .add(
    HttpApiEndpoint.post("initiateTransferAcross", "/transfers-across")
      .setHeaders(Schema.Struct({ "idempotency-key": Opt(Text(128)) }))
      .setPayload(
        Body("TransferAcrossRequest", {
          fromProvince: Province,
          idType: Text(8),
          idNumber: Text(64),
          toUnitId: Id,
          effective: Day,
          reason: Text(1000)
        })
      )
      .addSuccess(TransferAcrossView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Initiate a transfer from another province",
          description:
            "Initiate the transfer (调动) of a teacher whose e-file another provincial deployment keeps, named by " +
            "identity document, to the caller's school (M23.1); then the receiving bureau confirms here " +
            "(`POST /transfers-across/{transferId}/actions`) and the request goes to the sending province with the " +
            "next transfer package, where its school and bureau confirm. Who may call it: an info admin of the " +
            "receiving school or department (M23.1, M20.1). An identity active here: 409 M17.4 (after the caller " +
            "is authorized; the other e-file is not named). With an `Idempotency-Key`, a retry gets the first " +
            "answer; the key reused for another command is refused (409, M23.2). Audited (M37.1)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("getTransferAcross")`/transfers-across/${transferId}`
      .addSuccess(TransferAcrossView)
      .annotateContext(
        OpenApi.annotations({
          summary: "A transfer from another province",
          description:
            "Its state here; `held` when the release could not become an e-file here (M17.4) and is kept for an " +
            "operator (the transfer is completed). Who may call it: whoever may read teachers' basic information " +
            "at the receiving unit " +
            "(M13.3, M13.4)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("actTransferAcross")`/transfers-across/${transferId}/actions`
      .setPayload(
        Schema.Union(
          Body("ConfirmAcross", { type: Schema.Literal("confirm"), expectedVersion: Version }),
          Body("RejectOrWithdrawAcross", {
            type: Schema.Literal("reject", "withdraw"),
            reason: Text(1000).pipe(Schema.minLength(1)),
            expectedVersion: Version
          })
        )
      )
      .addSuccess(TransferAcrossView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Confirm, reject or withdraw a transfer from another province",
          description:
            "The receiving side's steps (M23.1, M23.2). Who may send what: the receiving bureau's info admin confirms (the request " +
            "leaves with the next transfer package) or rejects; the receiving school's withdraws — once the " +
            "request has left, the sending province decides: before its last confirmation the transfer ends " +
            "withdrawn, after it the release stands. The sending side's steps are its own (403 M23.2). A stale " +
            "version: 409. Audited (M37.1)."
        })
      )
  )
  .middleware(Authentication) {}
