/**
 * The exchange package (省级系统向国家级系统报送), M32.1: what a provincial system sends the national system — the core
 * indicators (M11.1) of its teachers that changed since the previous package, never its extension (M11.2) — and what
 * the national system sends back (the cross-province duplicates, M17.4).
 *
 * A package is files of NDJSON (one JSON object a line, in a fixed order) and a manifest: the format, the kind, the
 * issuer, the province, the sequence number, the outbox cursors it covers (`from` exclusive, `to` inclusive), and each
 * file's name, row count, byte count and SHA-256 digest. The issuer signs the manifest's canonical bytes with its
 * Ed25519 key (node:crypto). Every JSON text is canonical — keys sorted, no whitespace — so the same changes always
 * make the same bytes, and the same manifest the same signature (Ed25519 is deterministic).
 *
 * @since 0.1.0
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto"
import { Either, Schema } from "effect"
import type * as Indicator from "../efile/Indicator.js"
import * as Refusal from "../kernel/Refusal.js"

/**
 * The format's name and version, first field of every manifest.
 *
 * @since 0.1.0
 */
export const format = "tmis-exchange/1"

/**
 * The issuer of a feedback package: the national system.
 *
 * @since 0.1.0
 */
export const nationalIssuer = "national"

/**
 * One row of a change package: a teacher's core indicators as they stand after the outbox event `seq` (the last
 * event of the package that touched the teacher). `records` holds, per core record group, the core fields of the
 * group's effective entries (M17.1), in entry-id order; an extension's fields and groups are never in it (M11.2).
 *
 * @since 0.1.0
 */
export const Change = Schema.Struct({
  seq: Schema.Int,
  teacherId: Schema.String,
  unitId: Schema.String,
  idType: Schema.String,
  idNumber: Schema.String,
  name: Schema.String,
  stage: Schema.String,
  status: Schema.String,
  active: Schema.Boolean,
  records: Schema.Record({
    key: Schema.String,
    value: Schema.Array(
      Schema.Record({ key: Schema.String, value: Schema.Union(Schema.String, Schema.Number, Schema.Boolean) })
    )
  })
})

/**
 * @since 0.1.0
 */
export type Change = typeof Change.Type

/**
 * One row of a feedback package: an identity document active in the receiving province (its e-file `teacherId`) and
 * in the other `provinces` too (M17.4 across provinces).
 *
 * @since 0.1.0
 */
export const CrossDuplicate = Schema.Struct({
  idType: Schema.String,
  idNumber: Schema.String,
  teacherId: Schema.String,
  provinces: Schema.Array(Schema.String)
})

/**
 * @since 0.1.0
 */
export type CrossDuplicate = typeof CrossDuplicate.Type

/**
 * One message of a transfer between provinces (M23.1 across provincial deployments): the outbox event `seq` of the
 * issuing province that recorded it, the transfer it belongs to, its type, and its body (what the type carries,
 * decoded by the receiving side, `TransfersAcross`).
 *
 * @since 0.1.0
 */
export const TransferMessage = Schema.Struct({
  seq: Schema.Int,
  transfer: Schema.String,
  type: Schema.Literal("request", "withdraw", "released", "refused", "withdrawn"),
  body: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})

/**
 * @since 0.1.0
 */
export type TransferMessage = typeof TransferMessage.Type

/**
 * A file of a package as the manifest lists it.
 *
 * @since 0.1.0
 */
export const FileEntry = Schema.Struct({
  name: Schema.String,
  rows: Schema.Int,
  bytes: Schema.Int,
  sha256: Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/))
})

/**
 * @since 0.1.0
 */
export type FileEntry = typeof FileEntry.Type

/**
 * The manifest: `changes` from a province (issuer = province), or `feedback` from the national system to a province.
 * `sequence` counts the issuer's packages to that recipient from 1 without gaps; a change package covers the outbox
 * events after `from` up to `to` (the next package's `from` is this one's `to`).
 *
 * @since 0.1.0
 */
export const Manifest = Schema.Struct({
  format: Schema.Literal(format),
  kind: Schema.Literal("changes", "feedback", "transfer"),
  issuer: Schema.String,
  province: Schema.String.pipe(Schema.pattern(/^\d{2}$/)),
  sequence: Schema.Int.pipe(Schema.positive()),
  from: Schema.Int.pipe(Schema.nonNegative()),
  to: Schema.Int.pipe(Schema.nonNegative()),
  files: Schema.Array(FileEntry)
})

/**
 * @since 0.1.0
 */
export type Manifest = typeof Manifest.Type

/**
 * A package: its manifest, the issuer's signature over the manifest's canonical bytes (base64), and its files by
 * name (NDJSON text).
 *
 * @since 0.1.0
 */
export interface Package {
  readonly manifest: Manifest
  readonly signature: string
  readonly files: { readonly [name: string]: string }
}

/**
 * The file of a change package.
 *
 * @since 0.1.0
 */
export const changesFile = "changes.ndjson"

/**
 * The file of a feedback package.
 *
 * @since 0.1.0
 */
export const duplicatesFile = "duplicates.ndjson"

/**
 * The file of a transfer package (the messages of transfers between two provinces).
 *
 * @since 0.1.0
 */
export const messagesFile = "messages.ndjson"

const fileOfKind = { changes: changesFile, feedback: duplicatesFile, transfer: messagesFile } as const

// ---------------------------------------------------------------------------------------------------------------------
// Canonical encoding

const isIndex = (key: string) => /^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < 4294967295

/**
 * An object's keys in the order of its canonical text: sorted by code unit, except that array-index keys ("0", "1",
 * …) come first in numeric order, as JSON.stringify writes any object's (the format's first encoder sorted a copy
 * and stringified it; no field of the format is such a key, the order is kept for any value all the same).
 */
const sortedKeys = (value: object): Array<string> => {
  const keys = Object.keys(value)
  // Object.keys lists the index keys first, in numeric order: only the others need sorting.
  let indices = 0
  while (indices < keys.length && isIndex(keys[indices]!)) indices++
  if (indices === 0) return keys.sort()
  return [...keys.slice(0, indices), ...keys.slice(indices).sort()]
}

/** Write a value's canonical text straight into a string (no sorted copy, no second pass); undefined: left out. */
const write = (value: unknown): string | undefined => {
  if (value === null || typeof value !== "object") return JSON.stringify(value)
  if (Array.isArray(value)) {
    let out = "["
    for (let i = 0; i < value.length; i++) out += `${i > 0 ? "," : ""}${write(value[i]) ?? "null"}`
    return `${out}]`
  }
  const keys = sortedKeys(value)
  let out = "{"
  for (const key of keys) {
    const text = write((value as Record<string, unknown>)[key])
    if (text === undefined) continue
    out += `${out.length > 1 ? "," : ""}${JSON.stringify(key)}:${text}`
  }
  return `${out}}`
}

/**
 * The canonical JSON text of a value: object keys sorted by code unit, undefined properties left out, no whitespace.
 * Equal values give equal text.
 *
 * @since 0.1.0
 */
export const canonical = (value: unknown): string =>
  (inCanonicalOrder(value) ? JSON.stringify(value) : write(value)) as string

/**
 * Whether JSON.stringify already writes a value's canonical text: every object in it a plain object whose keys are in
 * canonical order (then the native writer does the work; a row built in order, or parsed from a canonical line, is).
 */
const inCanonicalOrder = (value: unknown): boolean => {
  if (value === null || typeof value !== "object") return true
  if (Array.isArray(value)) {
    for (const item of value) if (!inCanonicalOrder(item)) return false
    return true
  }
  const proto = Object.getPrototypeOf(value)
  if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return false
  }
  const keys = Object.keys(value)
  // Index keys come first in numeric order in any object; the others must ascend by code unit.
  let first = 0
  while (first < keys.length && isIndex(keys[first]!)) first++
  for (let i = 0; i < keys.length; i++) {
    if (i > first && !(keys[i - 1]! < keys[i]!)) return false
    if (!inCanonicalOrder((value as Record<string, unknown>)[keys[i]!])) return false
  }
  return true
}

/**
 * The NDJSON text of rows: each row's canonical JSON followed by a newline.
 *
 * @since 0.1.0
 */
export const ndjson = (rows: ReadonlyArray<unknown>): string => rows.map((r) => `${canonical(r)}\n`).join("")

/**
 * The SHA-256 digest of a text's UTF-8 bytes, lowercase hex.
 *
 * @since 0.1.0
 */
export const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex")

/**
 * The digest that identifies a package: the SHA-256 of its manifest's canonical text (which holds its files' digests).
 *
 * @since 0.1.0
 */
export const digestOf = (manifest: Manifest): string => sha256(canonical(manifest))

// ---------------------------------------------------------------------------------------------------------------------
// Keys and signatures

/**
 * An Ed25519 key pair as PEM text (PKCS#8 private key, SPKI public key).
 *
 * @since 0.1.0
 */
export interface KeyPair {
  readonly privateKey: string
  readonly publicKey: string
}

/**
 * A new Ed25519 key pair.
 *
 * @since 0.1.0
 */
export const generateKeys = (): KeyPair => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519")
  return {
    privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString()
  }
}

/**
 * The public key (SPKI PEM) of a private key (PKCS#8 PEM).
 *
 * @since 0.1.0
 */
export const publicKeyOf = (privateKeyPem: string): string =>
  createPublicKey(createPrivateKey(privateKeyPem)).export({ type: "spki", format: "pem" }).toString()

const signManifest = (manifest: Manifest, privateKeyPem: string): string =>
  sign(null, Buffer.from(canonical(manifest), "utf8"), createPrivateKey(privateKeyPem)).toString("base64")

// ---------------------------------------------------------------------------------------------------------------------
// Building

const fileEntry = (name: string, rows: number, text: string): FileEntry => ({
  name,
  rows,
  bytes: Buffer.byteLength(text, "utf8"),
  sha256: sha256(text)
})

/**
 * Build and sign a change package of a province (M32.1): the rows in order (by `seq`, then teacher id), projected on
 * the core indicators by the caller (see `Feed.changeOf`).
 *
 * @since 0.1.0
 */
export const changes = (input: {
  readonly province: string
  readonly sequence: number
  readonly from: number
  readonly to: number
  readonly rows: ReadonlyArray<Change>
  readonly privateKey: string
}): Package => {
  const rows = [...input.rows].sort((a, b) =>
    a.seq !== b.seq ? a.seq - b.seq : a.teacherId < b.teacherId ? -1 : a.teacherId > b.teacherId ? 1 : 0
  )
  const text = ndjson(rows)
  const manifest: Manifest = {
    format,
    kind: "changes",
    issuer: input.province,
    province: input.province,
    sequence: input.sequence,
    from: input.from,
    to: input.to,
    files: [fileEntry(changesFile, rows.length, text)]
  }
  return { manifest, signature: signManifest(manifest, input.privateKey), files: { [changesFile]: text } }
}

/**
 * Build and sign the national system's feedback package to a province (M17.4 across provinces): the duplicates in
 * identity order. `to` is the last change package of the province the national system had ingested.
 *
 * @since 0.1.0
 */
export const feedback = (input: {
  readonly province: string
  readonly sequence: number
  readonly to: number
  readonly duplicates: ReadonlyArray<CrossDuplicate>
  readonly privateKey: string
}): Package => {
  const key = (d: CrossDuplicate) => `${d.idNumber}\u0000${d.idType}\u0000${d.teacherId}`
  const rows = [...input.duplicates]
    .map((d) => ({ ...d, provinces: [...d.provinces].sort() }))
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  const text = ndjson(rows)
  const manifest: Manifest = {
    format,
    kind: "feedback",
    issuer: nationalIssuer,
    province: input.province,
    sequence: input.sequence,
    from: 0,
    to: input.to,
    files: [fileEntry(duplicatesFile, rows.length, text)]
  }
  return { manifest, signature: signManifest(manifest, input.privateKey), files: { [duplicatesFile]: text } }
}

/**
 * Build and sign a transfer package of a province to another (M23.1 across provinces, M32.1): the messages in
 * outbox order, numbered in the issuer's sequence to that recipient; `from` and `to` are the issuer's outbox cursors
 * it covers, as a change package's.
 *
 * @since 0.1.0
 */
export const transferMessages = (input: {
  readonly issuer: string
  readonly recipient: string
  readonly sequence: number
  readonly from: number
  readonly to: number
  readonly messages: ReadonlyArray<TransferMessage>
  readonly privateKey: string
}): Package => {
  const rows = [...input.messages].sort((a, b) => a.seq - b.seq)
  const text = ndjson(rows)
  const manifest: Manifest = {
    format,
    kind: "transfer",
    issuer: input.issuer,
    province: input.recipient,
    sequence: input.sequence,
    from: input.from,
    to: input.to,
    files: [fileEntry(messagesFile, rows.length, text)]
  }
  return { manifest, signature: signManifest(manifest, input.privateKey), files: { [messagesFile]: text } }
}

// ---------------------------------------------------------------------------------------------------------------------
// Verification

const refuse = (zh: string, en: string, details: Record<string, unknown>) =>
  Either.left(Refusal.invalid("M32.1", zh, en, details))

const decodeManifest = Schema.decodeUnknownEither(Manifest)
const decodeDuplicate = Schema.decodeUnknownEither(CrossDuplicate)
const decodeMessage = Schema.decodeUnknownEither(TransferMessage)

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)
const isValue = (v: unknown) => typeof v === "string" || typeof v === "number" || typeof v === "boolean"

/**
 * A parsed line as a {@link Change}, or undefined: the checks of the `Change` Schema written out by hand (a change
 * package holds a row a teacher, and the Schema's decoder costs more than the rest of the verification). A property
 * the Schema would drop makes the row non-canonical, which the caller refuses.
 */
const decodeChange = (v: unknown): Change | undefined => {
  // Exactly the ten properties: one more would be dropped by the Schema, so the row would not be canonical.
  if (!isObject(v) || Object.keys(v).length !== 10) return undefined
  const { seq, teacherId, unitId, idType, idNumber, name, stage, status, active, records } = v
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || typeof active !== "boolean") return undefined
  for (const s of [teacherId, unitId, idType, idNumber, name, stage, status])
    if (typeof s !== "string") return undefined
  if (!isObject(records)) return undefined
  for (const group in records) {
    const list = records[group]
    if (!Array.isArray(list)) return undefined
    for (const record of list) {
      if (!isObject(record)) return undefined
      for (const field in record) if (!isValue(record[field])) return undefined
    }
  }
  return v as Change
}
/**
 * A verified package: its manifest, its digest and its rows decoded.
 *
 * @since 0.1.0
 */
export type Verified =
  | {
      readonly kind: "changes"
      readonly manifest: Manifest
      readonly digest: string
      readonly rows: ReadonlyArray<Change>
    }
  | {
      readonly kind: "feedback"
      readonly manifest: Manifest
      readonly digest: string
      readonly rows: ReadonlyArray<CrossDuplicate>
    }
  | {
      readonly kind: "transfer"
      readonly manifest: Manifest
      readonly digest: string
      readonly rows: ReadonlyArray<TransferMessage>
    }

const linesOf = (text: string): ReadonlyArray<string> => (text === "" ? [] : text.slice(0, -1).split("\n"))

/**
 * Verify a package against the issuer's public key (M32.1): the manifest decodes, the signature holds over its
 * canonical bytes, the files are exactly those listed, each with its byte count, row count and SHA-256 digest, every
 * row decodes and is canonical, and a change package's rows are in order within its cursors. Any failure is
 * refused (`invalid`, M32.1) naming what failed.
 *
 * @since 0.1.0
 */
export const verifyPackage = (pkg: Package, publicKeyPem: string): Either.Either<Verified, Refusal.Refusal> => {
  const decoded = decodeManifest(pkg.manifest)
  if (Either.isLeft(decoded)) {
    return refuse("交换包清单格式不正确", "the package's manifest is malformed", { field: "manifest" })
  }
  const manifest = decoded.right
  let signed = false
  try {
    signed = verify(
      null,
      Buffer.from(canonical(manifest), "utf8"),
      createPublicKey(publicKeyPem),
      Buffer.from(pkg.signature, "base64")
    )
  } catch {
    signed = false
  }
  if (!signed) {
    return refuse("交换包签名验证失败", "the package's signature does not verify with the issuer's key", {
      field: "signature",
      issuer: manifest.issuer,
      sequence: manifest.sequence
    })
  }
  const listed = manifest.files.map((f) => f.name).sort()
  const present = Object.keys(pkg.files).sort()
  const expected = [fileOfKind[manifest.kind]]
  if (canonical(listed) !== canonical(present) || canonical(listed) !== canonical(expected)) {
    return refuse("交换包文件与清单不符", "the package's files are not those its manifest lists", {
      field: "files",
      listed,
      present
    })
  }
  const rows: Array<unknown> = []
  for (const entry of manifest.files) {
    const text = pkg.files[entry.name] ?? ""
    if (sha256(text) !== entry.sha256 || Buffer.byteLength(text, "utf8") !== entry.bytes) {
      return refuse("交换包文件摘要不符，文件已被改动", "a file's SHA-256 digest or size differs from the manifest", {
        field: "sha256",
        file: entry.name
      })
    }
    const lines = linesOf(text)
    if ((text !== "" && !text.endsWith("\n")) || lines.length !== entry.rows) {
      return refuse("交换包文件行数与清单不符", "a file's row count differs from the manifest", {
        field: "rows",
        file: entry.name,
        listed: entry.rows,
        found: lines.length
      })
    }
    for (const [index, line] of lines.entries()) {
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        return refuse("交换包文件含非JSON行", "a line of a file is not JSON", {
          field: "row",
          file: entry.name,
          row: index + 1
        })
      }
      const row: Either.Either<unknown, unknown> =
        manifest.kind === "changes"
          ? Either.fromNullable(decodeChange(value), () => value)
          : manifest.kind === "transfer"
            ? decodeMessage(value)
            : decodeDuplicate(value)
      // Canonical: a change row (the line as parsed) is written back the same with its keys in order; a feedback
      // row is the Schema's copy, so written canonically.
      const canonicalRow =
        Either.isRight(row) &&
        (manifest.kind === "changes"
          ? JSON.stringify(row.right) === line && inCanonicalOrder(row.right)
          : canonical(row.right) === line)
      if (Either.isLeft(row) || !canonicalRow) {
        return refuse("交换包文件含不合格式的行", "a row of a file does not follow the format", {
          field: "row",
          file: entry.name,
          row: index + 1
        })
      }
      rows.push(row.right)
    }
  }
  const digest = digestOf(manifest)
  if (manifest.kind === "feedback") {
    return Either.right({ kind: "feedback", manifest, digest, rows: rows as ReadonlyArray<CrossDuplicate> })
  }
  const changes = rows as ReadonlyArray<Change | TransferMessage>
  const outside = changes.findIndex(
    (c, i) => c.seq <= manifest.from || c.seq > manifest.to || (i > 0 && c.seq < changes[i - 1]!.seq)
  )
  if (manifest.to < manifest.from || outside >= 0) {
    return refuse(
      "交换包的变更不在其游标范围内或未按序排列",
      "the changes are not in order within the package's cursors",
      {
        field: "seq",
        row: outside + 1,
        from: manifest.from,
        to: manifest.to
      }
    )
  }
  if (manifest.kind === "transfer") {
    return Either.right({ kind: "transfer", manifest, digest, rows: changes as ReadonlyArray<TransferMessage> })
  }
  return Either.right({ kind: "changes", manifest, digest, rows: changes as ReadonlyArray<Change> })
}

// ---------------------------------------------------------------------------------------------------------------------
// Sequence

/**
 * What the receiver holds of an issuer's packages: the last sequence applied with its `to` cursor, and the digest of
 * the package applied under the incoming package's sequence number, if any.
 *
 * @since 0.1.0
 */
export interface Received {
  readonly lastSequence: number
  readonly lastTo: number
  readonly digestAtSequence: string | undefined
}

/**
 * Decide what to do with a verified package given what was received before (M32.1): `apply` the next change
 * package in sequence (or a feedback package later than the last, which supersedes it); `already` for a package applied before (the same digest under its sequence: the same package twice
 * changes nothing); refuse (`conflict`) another package under a used sequence number, and refuse a gap — a sequence
 * beyond the next, or a `from` cursor that is not the previous package's `to` — naming the missing sequence numbers.
 *
 * @since 0.1.0
 */
export const decideSequence = (
  received: Received,
  manifest: Manifest,
  digest: string
): Either.Either<"apply" | "already", Refusal.Refusal> => {
  // A feedback package holds all the duplicates of its time: a later one supersedes, an earlier one changes nothing.
  if (manifest.kind === "feedback" && manifest.sequence > received.lastSequence) return Either.right("apply")
  if (manifest.kind === "feedback" && manifest.sequence < received.lastSequence) return Either.right("already")
  if (manifest.sequence <= received.lastSequence) {
    if (received.digestAtSequence === digest) return Either.right("already")
    return Either.left(
      Refusal.conflict(
        "M32.1",
        `第${manifest.sequence}号交换包已接收，内容不同`,
        `package ${manifest.sequence} of ${manifest.issuer} was already received with other content`,
        { field: "sequence", value: manifest.sequence, issuer: manifest.issuer }
      )
    )
  }
  if (manifest.sequence > received.lastSequence + 1) {
    const missing = Array.from(
      { length: manifest.sequence - received.lastSequence - 1 },
      (_, i) => received.lastSequence + 1 + i
    )
    return Either.left(
      Refusal.invalid(
        "M32.1",
        `交换包序号不连续：缺第${missing.join("、")}号`,
        `a gap in the sequence of ${manifest.issuer}: package${missing.length > 1 ? "s" : ""} ${missing.join(", ")} missing before ${manifest.sequence}`,
        {
          field: "sequence",
          value: manifest.sequence,
          expected: received.lastSequence + 1,
          missing,
          issuer: manifest.issuer
        }
      )
    )
  }
  if (manifest.kind !== "feedback" && manifest.from !== received.lastTo) {
    return Either.left(
      Refusal.invalid(
        "M32.1",
        `交换包游标不连续：应从${received.lastTo}起，实从${manifest.from}起`,
        `a gap in the change feed of ${manifest.issuer}: package ${manifest.sequence} starts after ${manifest.from}, the previous ended at ${received.lastTo}`,
        { field: "from", value: manifest.from, expected: received.lastTo, issuer: manifest.issuer }
      )
    )
  }
  return Either.right("apply")
}

// ---------------------------------------------------------------------------------------------------------------------
// Files

/**
 * The files of a package on disk or on the wire: `manifest.json` (the manifest and the signature, canonical JSON)
 * beside the data files.
 *
 * @since 0.1.0
 */
export const toFiles = (pkg: Package): { readonly [name: string]: string } => ({
  "manifest.json": `${canonical({ manifest: pkg.manifest, signature: pkg.signature })}\n`,
  ...pkg.files
})

/**
 * A package read back from its files (see {@link toFiles}); refused (`invalid`, M32.1) without a readable
 * `manifest.json`. The manifest is checked by {@link verifyPackage}.
 *
 * @since 0.1.0
 */
export const fromFiles = (files: { readonly [name: string]: string }): Either.Either<Package, Refusal.Refusal> => {
  const text = files["manifest.json"]
  let parsed: unknown
  try {
    parsed = text === undefined ? undefined : JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (typeof parsed !== "object" || parsed === null || !("manifest" in parsed) || !("signature" in parsed)) {
    return refuse("交换包缺少清单", "the package has no readable manifest.json", { field: "manifest.json" })
  }
  const { "manifest.json": _, ...data } = files
  return Either.right({
    manifest: parsed.manifest as Manifest,
    signature: String(parsed.signature),
    files: data
  })
}

// An export projects every teacher on the same schema: its groups' field keys are listed once, sorted (so a record
// is built in canonical order and written by JSON.stringify).
const coreFields = new WeakMap<Indicator.IndicatorSchema, ReadonlyMap<string, ReadonlyArray<string>>>()
const coreFieldsOf = (schema: Indicator.IndicatorSchema): ReadonlyMap<string, ReadonlyArray<string>> => {
  const held = coreFields.get(schema)
  if (held !== undefined) return held
  const made = new Map(schema.groups.map((g) => [g.key, [...new Set(g.fields.map((f) => f.key))].sort()]))
  coreFields.set(schema, made)
  return made
}

/**
 * Keep only what a core record group holds: the core groups of the national indicators, and within each the core
 * fields (an extension's fields and groups stay in the province, M11.2).
 *
 * @since 0.1.0
 */
export const coreRecords = (
  coreSchema: Indicator.IndicatorSchema,
  entries: ReadonlyArray<{ readonly id: string; readonly group: string; readonly data: Indicator.IndicatorRecord }>
): { readonly [group: string]: ReadonlyArray<Indicator.IndicatorRecord> } => {
  const fields = coreFieldsOf(coreSchema)
  const out: Record<string, Array<Indicator.IndicatorRecord>> = {}
  const sorted = entries.length > 1 ? [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) : entries
  for (const entry of sorted) {
    const keys = fields.get(entry.group)
    if (keys === undefined) continue
    const record: Record<string, Indicator.IndicatorRecord[string]> = {}
    for (const key of keys) if (Object.hasOwn(entry.data, key)) record[key] = entry.data[key]!
    const held = out[entry.group]
    if (held === undefined) out[entry.group] = [record]
    else held.push(record)
  }
  const groups = Object.keys(out)
  if (groups.length < 2) return out
  return Object.fromEntries(groups.sort().map((g) => [g, out[g]!]))
}
