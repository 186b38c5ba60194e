/**
 * The province → national exchange (省级系统向国家级系统报送), M32.1, and the national system's cross-province
 * duplicate check (M17.4). A provincial deployment exports the core indicators of the teachers its outbox says
 * changed since the previous package, as a signed package (`ExchangePackage`); the national deployment verifies and
 * ingests it once, in sequence, keeps the core indicators per province, and returns the identities active in two
 * provinces as a signed feedback package, which the province imports into its duplicate report.
 *
 * Each step is one local transaction that records the package by its sequence number (sent or received): a crash
 * before the commit leaves nothing, a retry after it finds the record — the same package twice changes nothing.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Either, Option } from "effect"
import * as Authorization from "../accounts/Authorization.js"
import * as EFile from "../efile/EFile.js"
import * as Indicator from "../efile/Indicator.js"
import * as ExchangePackage from "../exchange/Package.js"
import * as Refusal from "../kernel/Refusal.js"
import * as Audit from "./Audit.js"
import * as Settings from "./Settings.js"
import * as Storage from "./Storage.js"
import * as Units from "./Units.js"

/**
 * The recipient of a province's change packages.
 *
 * @since 0.1.0
 */
export const national = ExchangePackage.nationalIssuer

/**
 * The national side's registry of the provinces' public keys (SPKI PEM), by province code.
 *
 * @since 0.1.0
 */
export interface KeyRegistry {
  readonly [province: string]: string
}

/**
 * What an ingest or an import did: applied the package, or found it applied before (nothing changed).
 *
 * @since 0.1.0
 */
export interface Outcome {
  readonly outcome: "applied" | "already"
  readonly issuer: string
  readonly sequence: number
  readonly rows: number
  readonly digest: string
}

/**
 * The current time, as ISO text (the clock of the effect's context).
 *
 * @since 0.1.0
 */
export const nowIso = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

/**
 * This deployment's province code; refused (`invalid`, M32.1) on a deployment that is not a province's.
 *
 * @since 0.1.0
 */
export const provinceOf = Effect.gen(function* () {
  const { deployment } = yield* Settings.Settings
  if (deployment._tag === "Provincial") return deployment.provinceCode
  return yield* Effect.fail(
    Refusal.invalid(
      "M32.1",
      "只有省级教师系统报送和接收反馈",
      "only a provincial system exports and imports feedback",
      {
        field: "deployment",
        value: deployment._tag
      }
    )
  )
})

const requireNational = Effect.gen(function* () {
  const { deployment } = yield* Settings.Settings
  if (deployment._tag === "National") return
  return yield* Effect.fail(
    Refusal.invalid(
      "M32.1",
      "只有国家级教师系统接收报送",
      "only the national system ingests provinces' packages and returns feedback",
      { field: "deployment", value: deployment._tag }
    )
  )
})

/**
 * Who runs the exchange of a deployment (M32.1, M13.3): an active info admin of the deployment's top unit itself —
 * the provincial education department of a provincial system (it reports its province and takes the feedback),
 * the Ministry's unit of the national system (it ingests the provinces and answers them). Not a unit below, not a
 * system admin (M13.2: accounts, never teachers' data), not a query-er (M13.3: reads only).
 *
 * @since 0.1.0
 */
export const decideOperator = (
  actor: Authorization.Actor,
  top: Authorization.UnitRef,
  context: Authorization.Context
): Refusal.Refusal | undefined => Authorization.decideUnitAdmin(actor, top, context, "M32.1")

/**
 * {@link decideOperator} against this deployment's top unit (its root): nothing, or the refusal.
 *
 * @since 0.1.0
 */
export const authorizeOperator = (actor: Authorization.Actor) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const root = yield* storage.units.root()
    if (Option.isNone(root)) return yield* Effect.fail(new Storage.NotFound({ entity: "unit", id: "root" }))
    const refusal = decideOperator(actor, Units.ref(root.value), yield* Units.authorizationContext)
    if (refusal !== undefined) return yield* Effect.fail(refusal)
  })

/** The teachers an outbox event names: its payload's `teachers` or `teacher`, else its aggregate. */
const teachersOf = (event: Audit.Event): ReadonlyArray<string> => {
  const payload = event.payload as { readonly teachers?: unknown; readonly teacher?: unknown } | null
  if (payload !== null && typeof payload === "object") {
    if (Array.isArray(payload.teachers)) return payload.teachers.filter((t): t is string => typeof t === "string")
    if (typeof payload.teacher === "string") return [payload.teacher]
  }
  return [event.aggregateId]
}

/**
 * A teacher's row of a change package: the e-file's identity, unit, stage and status, and the core indicators of its
 * effective entries (M17.1) — never an extension's fields or groups (M11.2). Entries without their review are the
 * effective ones the store read (`efilesOf`).
 *
 * @since 0.1.0
 */
export const changeOf = (
  seq: number,
  efile: Storage.ExportedEFile["efile"],
  entries: ReadonlyArray<Storage.ExportedEFile["entries"][number] & Partial<Pick<EFile.Entry, "review">>>
): ExchangePackage.Change => ({
  // In canonical key order, so that the package writes the row with JSON.stringify.
  active: !EFile.inactiveStatuses.has(efile.status),
  idNumber: efile.idNumber,
  idType: efile.idType,
  name: efile.name,
  records: ExchangePackage.coreRecords(
    Indicator.core,
    entries.filter((e) => e.review === undefined || e.review.state === "effective")
  ),
  seq,
  stage: efile.stage,
  status: efile.status,
  teacherId: efile.id,
  unitId: efile.unitId
})

/**
 * Export the next change package of this province (M32.1): the outbox events after the previous package's `to`, at
 * most `maxEvents` of them, and no event more once they name `maxRows` teachers (an event is never split, so a
 * package holds at most `maxRows` plus one event's teachers); for each teacher they name, the teacher's core
 * indicators as they stand now, signed with the province's key. Recorded under the next sequence number in the same
 * transaction (so a retry after a crash fetches it with {@link sentPackage}); none when no event but the exchange's
 * own follows the previous package. A province's whole store goes as a run of packages of `maxRows` teachers, each
 * built in memory of its size only.
 *
 * @since 0.1.0
 */
export const exportNext = (options: {
  readonly privateKey: string
  readonly maxEvents?: number
  readonly maxRows?: number
}) =>
  Effect.gen(function* () {
    const province = yield* provinceOf
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const last = yield* storage.exchange.lastSent(national, "changes")
        const from = Option.match(last, { onNone: () => 0, onSome: (l) => l.to })
        const sequence = Option.match(last, { onNone: () => 1, onSome: (l) => l.sequence + 1 })
        const max = options.maxEvents ?? 100_000
        const maxRows = options.maxRows ?? 100_000
        const touched = new Map<string, number>()
        let to = from
        let after: string | undefined = String(from)
        while (after !== undefined && to - from < max) {
          const page: Storage.Page<Audit.Event & { readonly seq: number }> = yield* storage.outbox.list({
            after,
            limit: Math.min(1000, max - (to - from))
          })
          after = page.next
          if (page.items.length === 0) after = undefined
          for (const event of page.items) {
            if (touched.size >= maxRows) {
              after = undefined
              break
            }
            to = event.seq
            if (event.type.startsWith("exchange.")) continue
            for (const id of teachersOf(event)) touched.set(id, event.seq)
          }
        }
        if (touched.size === 0) return Option.none<ExchangePackage.Package>()
        const rows: Array<ExchangePackage.Change> = []
        for (const { efile, entries } of yield* storage.exchange.efilesOf([...touched.keys()])) {
          rows.push(changeOf(touched.get(efile.id) ?? to, efile, entries))
        }
        const pkg = ExchangePackage.changes({ province, sequence, from, to, rows, privateKey: options.privateKey })
        const digest = ExchangePackage.digestOf(pkg.manifest)
        const at = yield* nowIso
        yield* storage.exchange.recordSent({ peer: national, kind: "changes", sequence, from, to, digest, pkg, at })
        yield* Audit.recordChange({
          actor: "system",
          action: "exchange.export",
          object: `exchange:${province}:changes:${sequence}`,
          aggregateId: `${province}:changes:${sequence}`,
          details: { sequence, from, to, rows: rows.length, digest },
          payload: { sequence, from, to, rows: rows.length, digest }
        })
        return Option.some(pkg)
      })
    )
  })

/**
 * A package this deployment sent before, by recipient, kind and sequence: a retry sends the same bytes.
 *
 * @since 0.1.0
 */
export const sentPackage = (recipient: string, kind: ExchangePackage.Manifest["kind"], sequence: number) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const sent = yield* storage.exchange.sentAt(recipient, kind, sequence)
    if (Option.isSome(sent)) return sent.value.pkg
    return yield* Effect.fail(
      Refusal.make(
        "notFound",
        "M32.1",
        `没有第${sequence}号交换包`,
        `no package ${sequence} was sent to ${recipient}`,
        {
          field: "sequence",
          value: sequence
        }
      )
    )
  })

/**
 * A package verified against its issuer's key (M32.1), or refused: `forbidden` when no key is registered for the
 * issuer, else what {@link ExchangePackage.verifyPackage} refuses.
 *
 * @since 0.1.0
 */
export const verified = (pkg: ExchangePackage.Package, key: string | undefined, issuer: string) =>
  key === undefined
    ? Effect.fail(
        Refusal.forbidden("M32.1", "未登记该发送方的公钥", `no public key is registered for ${issuer}`, {
          field: "issuer",
          value: issuer
        })
      )
    : Either.match(ExchangePackage.verifyPackage(pkg, key), { onLeft: Effect.fail, onRight: Effect.succeed })

/**
 * Receive a verified package once (M32.1): in one transaction, decide by sequence, record it, apply it and audit
 * it; a racing receiver that recorded it first makes this one find it applied.
 *
 * @since 0.1.0
 */
export const receive = <E, R>(v: ExchangePackage.Verified, apply: Effect.Effect<void, E, R>, action: string) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const { manifest, digest } = v
    const outcome = (o: Outcome["outcome"]): Outcome => ({
      outcome: o,
      issuer: manifest.issuer,
      sequence: manifest.sequence,
      rows: v.rows.length,
      digest
    })
    const decide = Effect.gen(function* () {
      const received = yield* storage.exchange.received(manifest.issuer, manifest.kind, manifest.sequence)
      return yield* Either.match(ExchangePackage.decideSequence(received, manifest, digest), {
        onLeft: Effect.fail,
        onRight: Effect.succeed
      })
    })
    const once = storage.transaction(
      Effect.gen(function* () {
        if ((yield* decide) === "already") return outcome("already")
        const at = yield* nowIso
        yield* storage.exchange.recordReceived({
          peer: manifest.issuer,
          kind: manifest.kind,
          sequence: manifest.sequence,
          from: manifest.from,
          to: manifest.to,
          digest,
          rows: v.rows.length,
          at
        })
        yield* apply
        yield* Audit.recordChange({
          actor: "system",
          action,
          object: `exchange:${manifest.issuer}:${manifest.kind}:${manifest.sequence}`,
          aggregateId: `${manifest.issuer}:${manifest.kind}:${manifest.sequence}`,
          details: { province: manifest.province, sequence: manifest.sequence, rows: v.rows.length, digest },
          payload: { province: manifest.province, sequence: manifest.sequence, rows: v.rows.length, digest }
        })
        return outcome("applied")
      })
    )
    // Lost a race for the sequence: the winner's commit is visible now; decide again (the same package: already).
    const race = (e: unknown): e is Storage.ConstraintError =>
      e instanceof Storage.ConstraintError && e.constraint === "exchangeSequence"
    return yield* Effect.catchIf(once, race, (e) =>
      Effect.flatMap(storage.transaction(decide), (d) =>
        d === "already" ? Effect.succeed(outcome("already")) : Effect.fail(e)
      )
    )
  })

/**
 * Ingest a province's change package on the national system (M32.1): verified against the key registered for its
 * province (signature, digests, counts), then applied once and in sequence — the same package twice changes
 * nothing; a gap in the sequence or the cursors is refused and named; another package under a used number is
 * refused. The province's teachers' core indicators replace those held.
 *
 * @since 0.1.0
 */
export const ingest = (pkg: ExchangePackage.Package, keys: KeyRegistry) =>
  Effect.gen(function* () {
    yield* requireNational
    const storage = yield* Storage.Storage
    const issuer = String(pkg.manifest?.issuer ?? "")
    const v = yield* verified(pkg, Object.hasOwn(keys, issuer) ? keys[issuer] : undefined, issuer)
    if (v.kind !== "changes" || v.manifest.issuer !== v.manifest.province) {
      return yield* Effect.fail(
        Refusal.invalid(
          "M32.1",
          "国家级系统只接收省级系统的变更包",
          "the national system ingests provinces' change packages",
          {
            field: "kind",
            value: v.kind
          }
        )
      )
    }
    return yield* receive(
      v,
      storage.exchange.putCore(v.manifest.province, v.manifest.sequence, v.rows),
      "exchange.ingest"
    )
  })

/**
 * The national system's feedback to a province (M17.4 across provinces): the identities active in the province and
 * in another province too, as a signed package. A new sequence number when they changed since the last feedback to
 * the province, else the last feedback again (the same bytes).
 *
 * @since 0.1.0
 */
export const feedback = (province: string, options: { readonly privateKey: string }) =>
  Effect.gen(function* () {
    yield* requireNational
    const storage = yield* Storage.Storage
    return yield* storage.transaction(
      Effect.gen(function* () {
        const duplicates = yield* storage.exchange.crossDuplicates(province)
        const to = (yield* storage.exchange.received(province, "changes", 0)).lastSequence
        const last = yield* storage.exchange.lastSent(province, "feedback")
        const sequence = Option.match(last, { onNone: () => 1, onSome: (l) => l.sequence + 1 })
        const pkg = ExchangePackage.feedback({ province, sequence, to, duplicates, privateKey: options.privateKey })
        const same = (a: ExchangePackage.Package, b: ExchangePackage.Package) =>
          a.manifest.to === b.manifest.to && a.manifest.files[0]?.sha256 === b.manifest.files[0]?.sha256
        // The last feedback itself is read only when it may be the same (its `to` is): then it goes again.
        const previous =
          Option.isSome(last) && last.value.to === to
            ? yield* storage.exchange.sentAt(province, "feedback", last.value.sequence)
            : Option.none()
        if (Option.isSome(previous) && same(previous.value.pkg, pkg)) return previous.value.pkg
        const digest = ExchangePackage.digestOf(pkg.manifest)
        const at = yield* nowIso
        yield* storage.exchange.recordSent({ peer: province, kind: "feedback", sequence, from: 0, to, digest, pkg, at })
        yield* Audit.recordChange({
          actor: "system",
          action: "exchange.feedback",
          object: `exchange:${province}:feedback:${sequence}`,
          aggregateId: `${province}:feedback:${sequence}`,
          details: { province, sequence, duplicates: duplicates.length, digest },
          payload: { province, sequence, duplicates: duplicates.length, digest }
        })
        return pkg
      })
    )
  })

/**
 * Import the national system's feedback into this province's duplicate report (M17.4): verified against the
 * national key, addressed to this province, applied once; a later feedback replaces an earlier one (each holds all
 * the cross-province duplicates of its time), an earlier one after a later changes nothing.
 *
 * @since 0.1.0
 */
export const importFeedback = (pkg: ExchangePackage.Package, nationalKey: string) =>
  Effect.gen(function* () {
    const province = yield* provinceOf
    const storage = yield* Storage.Storage
    const v = yield* verified(pkg, nationalKey, national)
    if (v.kind !== "feedback" || v.manifest.issuer !== national || v.manifest.province !== province) {
      return yield* Effect.fail(
        Refusal.invalid(
          "M32.1",
          "该反馈包不是国家级系统发给本省的",
          "this is not the national system's feedback to this province",
          {
            field: "province",
            value: v.manifest.province
          }
        )
      )
    }
    return yield* receive(v, storage.exchange.putDuplicates(v.manifest.sequence, v.rows), "exchange.feedback.import")
  })
