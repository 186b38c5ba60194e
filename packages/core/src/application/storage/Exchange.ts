/**
 * The storage port: the province → national exchange (M32.1).
 *
 * @since 0.1.0
 */
import type { Effect, Option } from "effect"
import type * as EFile from "../../efile/EFile.js"
import type * as ExchangePackage from "../../exchange/Package.js"
import type { ConstraintError, Page, PageRequest, StorageError } from "./Common.js"
import type { Duplicate } from "./EFiles.js"

/**
 * A package as a deployment sent or received it (M32.1): the recipient (the national system's name or a province
 * code), the kind, the sequence, the cursors and the manifest digest.
 *
 * @since 0.1.0
 */
export interface ExchangeRecord {
  readonly peer: string
  readonly kind: ExchangePackage.Manifest["kind"]
  readonly sequence: number
  readonly from: number
  readonly to: number
  readonly digest: string
}

/**
 * An e-file as an export reads it: what a change row holds of it, and its effective entries (M17.1).
 *
 * @since 0.1.0
 */
export interface ExportedEFile {
  readonly efile: Pick<EFile.EFile, "id" | "unitId" | "idType" | "idNumber" | "name" | "stage" | "status">
  readonly entries: ReadonlyArray<Pick<EFile.Entry, "id" | "group" | "data">>
}

/**
 * The province → national exchange (M32.1). Under concurrency the store records a package sent or received once per
 * peer, kind and sequence number (`exchangeSequence`): two exports racing for the next number, or two ingests of one
 * package, get one record and one refusal — so a package is applied once, whatever the interleaving.
 *
 * @since 0.1.0
 */
export interface ExchangeRepository {
  /**
   * The record of the last package sent to `recipient` of `kind` (its sequence and cursors: where the next one
   * starts), without the package itself ({@link ExchangeRepository.sentAt} reads it).
   */
  readonly lastSent: (
    recipient: string,
    kind: ExchangePackage.Manifest["kind"]
  ) => Effect.Effect<Option.Option<ExchangeRecord>, StorageError>
  /** A package sent, by its sequence. */
  readonly sentAt: (
    recipient: string,
    kind: ExchangePackage.Manifest["kind"],
    sequence: number
  ) => Effect.Effect<Option.Option<ExchangeRecord & { readonly pkg: ExchangePackage.Package }>, StorageError>
  /** Record a package sent; a used sequence is refused (`exchangeSequence`). */
  readonly recordSent: (
    record: ExchangeRecord & { readonly pkg: ExchangePackage.Package; readonly at: string }
  ) => Effect.Effect<void, ConstraintError | StorageError>
  /** What was received from `issuer` of `kind`: the last sequence and its `to`, and the digest under `sequence`. */
  readonly received: (
    issuer: string,
    kind: ExchangePackage.Manifest["kind"],
    sequence: number
  ) => Effect.Effect<ExchangePackage.Received, StorageError>
  /** Record a package received; a used sequence is refused (`exchangeSequence`). */
  readonly recordReceived: (
    record: ExchangeRecord & { readonly rows: number; readonly at: string }
  ) => Effect.Effect<void, ConstraintError | StorageError>
  /**
   * Province side: the e-files of these ids that exist, in the order of `ids`, each with its effective entries (M17.1)
   * by entry id — only what a change row holds (an export reads a province's teachers, so nothing more is read).
   */
  readonly efilesOf: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<ExportedEFile>, StorageError>
  /** National side: put a province's changed teachers' core indicators in place of what was held. */
  readonly putCore: (
    province: string,
    sequence: number,
    rows: ReadonlyArray<ExchangePackage.Change>
  ) => Effect.Effect<void, StorageError>
  /** National side: a province's teacher's core indicators as held. */
  readonly coreOf: (
    province: string,
    teacherId: string
  ) => Effect.Effect<Option.Option<ExchangePackage.Change>, StorageError>
  /** National side: how many teachers of a province are held. */
  readonly coreCount: (province: string) => Effect.Effect<number, StorageError>
  /** National side: the identities active in `province` and active in another province too (M17.4). */
  readonly crossDuplicates: (
    province: string
  ) => Effect.Effect<ReadonlyArray<ExchangePackage.CrossDuplicate>, StorageError>
  /** Province side: replace the cross-province duplicates fed back with those of feedback `sequence`. */
  readonly putDuplicates: (
    sequence: number,
    rows: ReadonlyArray<ExchangePackage.CrossDuplicate>
  ) => Effect.Effect<void, StorageError>
  /**
   * Province side: the duplicates fed back, grouped by identity document, one page at a time in identity order (the
   * cursor is "number:type" of the last one, as the teachers' duplicate report's).
   */
  readonly duplicates: (
    page: PageRequest
  ) => Effect.Effect<Page<Duplicate & { readonly provinces: ReadonlyArray<string> }>, StorageError>
}
