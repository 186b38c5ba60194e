/**
 * The exchange area of the storage conformance suite (M32.1, M17.4): a provincial store exports its teachers' core
 * indicators from its outbox as signed packages, a national store (a second database of the same kind) ingests them
 * once and in sequence, finds the identities active in two provinces and feeds them back into the province's
 * duplicate report — and concurrent ingests of one package apply it once.
 *
 * @since 0.1.0
 */
import { Accounts, Deployment, EFiles, Exchange, ExchangePackage, type Storage } from "@tmis/core"
import { Effect, Option } from "effect"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import {
  auditRecords,
  basicInfo,
  type Harness,
  hire,
  hubei,
  makeEffective,
  onboard,
  setup,
  storage,
  withDatabase,
  woman
} from "./fixtures.js"
import { type AreaConformance, area, expectIntact, expectRaceOutcomes, refusal, type Suite } from "./support.js"

const hubeiKeys = ExchangePackage.generateKeys()
const guangdongKeys = ExchangePackage.generateKeys()
const nationalKeys = ExchangePackage.generateKeys()
const registry: Exchange.KeyRegistry = { "42": hubeiKeys.publicKey, "44": guangdongKeys.publicKey }

const exportNext = (p: Harness, maxRows?: number) =>
  p
    .run(Exchange.exportNext({ privateKey: hubeiKeys.privateKey, ...(maxRows === undefined ? {} : { maxRows }) }))
    .then(Option.getOrUndefined)

const core = (n: Harness, province: string, teacherId: string) =>
  n.run(Effect.flatMap(storage, (s) => s.exchange.coreOf(province, teacherId))).then(Option.getOrUndefined)

/** A package of Guangdong's, made directly: one teacher with the identity number `idNumber`. */
const guangdong = (sequence: number, idNumber: string, active = true) =>
  ExchangePackage.changes({
    province: "44",
    sequence,
    from: (sequence - 1) * 10,
    to: sequence * 10,
    rows: [
      {
        seq: sequence * 10,
        teacherId: "gd-1",
        unitId: "gd-s1",
        idType: "1",
        idNumber,
        name: "李老师",
        stage: "primary",
        status: active ? "inService" : "transferredOut",
        active,
        records: {}
      }
    ],
    privateKey: guangdongKeys.privateKey
  })

const withNational = <A>(makeDatabase: Suite["makeDatabase"], f: (n: Harness) => Promise<A>) =>
  withDatabase(makeDatabase, Deployment.national, f)

const ingestInOrder = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M32.1 a province's core indicators go to the national store once and in sequence: the same package twice changes nothing, a gap is refused and named",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, (p) =>
        withNational(makeDatabase, async (n) => {
          await setup(p)
          await onboard(p, "ia-s1", hire("t1", "s1", basicInfo({ idNumber: woman(1) })))
          await makeEffective(p, "t1-basic", "ia-s1", "ia-jiangan")
          const first = await exportNext(p)
          expect(first?.manifest).toMatchObject({ kind: "changes", province: "42", sequence: 1, from: 0 })
          // Nothing new but the export itself: no package.
          expect(await exportNext(p)).toBeUndefined()
          // Fetched again after a lost answer: the same bytes.
          const again = await p.run(Exchange.sentPackage(Exchange.national, "changes", 1))
          expect(ExchangePackage.toFiles(again)).toEqual(ExchangePackage.toFiles(first!))

          expect(await n.run(Exchange.ingest(first!, registry))).toMatchObject({ outcome: "applied", rows: 1 })
          expect(await n.run(Exchange.ingest(first!, registry))).toMatchObject({ outcome: "already" })
          const held = await core(n, "42", "t1")
          expect(held).toMatchObject({ idNumber: woman(1), unitId: "s1", active: true })
          expect(held?.records.basicInfo?.[0]).toMatchObject({ name: "李老师", idNumber: woman(1) })

          await onboard(p, "ia-s2", hire("t2", "s2", basicInfo({ idNumber: woman(2) })))
          const second = await exportNext(p)
          await onboard(p, "ia-s2", hire("t3", "s2", basicInfo({ idNumber: woman(3) })))
          const third = await exportNext(p)
          expect([second?.manifest.sequence, third?.manifest.sequence]).toEqual([2, 3])
          expect(second?.manifest.from).toBe(first?.manifest.to)
          // The draft entry is not yet core data; the teacher is.
          const gap = await n.result(Exchange.ingest(third!, registry))
          expect(refusal(gap)).toEqual(["invalid", "M32.1"])
          expect(!gap.ok && (gap.error as { details: unknown }).details).toMatchObject({ missing: [2] })
          expect(await n.run(Exchange.ingest(second!, registry))).toMatchObject({ outcome: "applied" })
          expect(await n.run(Exchange.ingest(third!, registry))).toMatchObject({ outcome: "applied" })
          expect(await core(n, "42", "t2")).toMatchObject({ records: {} })
          expect(await n.run(Effect.flatMap(storage, (s) => s.exchange.coreCount("42")))).toBe(3)

          // Tampered, or signed by another key, or from an unregistered province: refused, nothing applied.
          const tampered = {
            ...third!,
            files: { "changes.ndjson": third!.files["changes.ndjson"]!.replace("s2", "s9") }
          }
          expect(refusal(await n.result(Exchange.ingest(tampered, registry)))).toEqual(["invalid", "M32.1"])
          expect(refusal(await n.result(Exchange.ingest(first!, { "44": guangdongKeys.publicKey })))).toEqual([
            "forbidden",
            "M32.1"
          ])
          // A provincial store ingests nothing; the national one exports nothing.
          expect(refusal(await p.result(Exchange.ingest(first!, registry)))).toEqual(["invalid", "M32.1"])
          expect(refusal(await n.result(Exchange.exportNext({ privateKey: nationalKeys.privateKey })))).toEqual([
            "invalid",
            "M32.1"
          ])
          const ingests = (await n.run(auditRecords)).filter((r) => r.action === "exchange.ingest")
          expect(ingests.map((r) => r.object)).toEqual([
            "exchange:42:changes:1",
            "exchange:42:changes:2",
            "exchange:42:changes:3"
          ])
          await expectIntact(p)
          await expectIntact(n)
        })
      )
  )
}

/** A package of Guangdong's, made directly: `n` teachers, named after `name`, active or not. */
const guangdongMany = (sequence: number, n: number, name: string, active: boolean) =>
  ExchangePackage.changes({
    province: "44",
    sequence,
    from: (sequence - 1) * 10,
    to: sequence * 10,
    rows: Array.from({ length: n }, (_, i) => ({
      seq: sequence * 10,
      teacherId: `gd-${String(i).padStart(5, "0")}`,
      unitId: "gd-s1",
      idType: "1",
      idNumber: `44${String(i).padStart(16, "0")}`,
      name: `${name}${i}`,
      stage: "primary",
      status: active ? "inService" : "transferredOut",
      active,
      records: { basicInfo: [{ name: `${name}${i}` }] }
    })),
    privateKey: guangdongKeys.privateKey
  })

const inRuns = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M32.1 a province goes as a run of packages of at most maxRows teachers, cursor after cursor, each applied once; a package of thousands of rows replaces the rows held",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, (p) =>
        withNational(makeDatabase, async (n) => {
          await setup(p)
          const ids = ["t1", "t2", "t3"]
          for (const [i, id] of ids.entries()) {
            await onboard(p, "ia-s1", hire(id, "s1", basicInfo({ idNumber: woman(i + 1) })))
          }
          const run: Array<ExchangePackage.Package> = []
          for (let next = await exportNext(p, 1); next !== undefined; next = await exportNext(p, 1)) run.push(next)
          expect(run.length).toBeGreaterThanOrEqual(ids.length)
          run.forEach((pkg, i) => {
            expect(pkg.manifest.sequence).toBe(i + 1)
            expect(pkg.manifest.from).toBe(i === 0 ? 0 : run[i - 1]!.manifest.to)
            // One id named a package (an event of the setup names a unit, not a teacher: no row).
            expect(pkg.manifest.files[0]!.rows).toBeLessThanOrEqual(1)
          })
          const named = run.flatMap((pkg) =>
            pkg.files["changes.ndjson"]!.split("\n")
              .filter((line) => line !== "")
              .map((line) => (JSON.parse(line) as ExchangePackage.Change).teacherId)
          )
          expect(new Set(named)).toEqual(new Set(ids))
          for (const pkg of run) {
            expect(await n.run(Exchange.ingest(pkg, registry))).toMatchObject({ outcome: "applied" })
          }
          expect(await n.run(Effect.flatMap(storage, (s) => s.exchange.coreCount("42")))).toBe(ids.length)
          for (const id of ids) expect(await core(n, "42", id)).toMatchObject({ teacherId: id, unitId: "s1" })

          // More rows than a statement writes: every row put, then every one replaced by the next package.
          const count = 2_500
          const before = guangdongMany(1, count, "甲", true)
          const after = guangdongMany(2, count, "乙", false)
          expect(await n.run(Exchange.ingest(before, registry))).toMatchObject({ outcome: "applied", rows: count })
          expect(await n.run(Exchange.ingest(after, registry))).toMatchObject({ outcome: "applied", rows: count })
          expect(await n.run(Exchange.ingest(before, registry))).toMatchObject({ outcome: "already" })
          expect(await n.run(Effect.flatMap(storage, (s) => s.exchange.coreCount("44")))).toBe(count)
          for (const i of [0, 999, 1000, count - 1]) {
            expect(await core(n, "44", `gd-${String(i).padStart(5, "0")}`)).toMatchObject({
              name: `乙${i}`,
              active: false,
              seq: 20,
              records: { basicInfo: [{ name: `乙${i}` }] }
            })
          }
          await expectIntact(n)
        })
      )
  )
}

const crossProvince = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M17.4 M32.1 the national store finds an identity active in two provinces and the province imports the signed feedback into its duplicate report",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, (p) =>
        withNational(makeDatabase, async (n) => {
          await setup(p)
          await onboard(p, "ia-s1", hire("t1", "s1", basicInfo({ idNumber: woman(1) })))
          await onboard(p, "ia-s1", hire("t2", "s1", basicInfo({ idNumber: woman(2) })))
          await n.run(Exchange.ingest((await exportNext(p))!, registry))
          await n.run(Exchange.ingest(guangdong(1, woman(1)), registry))
          const feedback = await n.run(Exchange.feedback("42", { privateKey: nationalKeys.privateKey }))
          expect(feedback.manifest).toMatchObject({ kind: "feedback", issuer: "national", province: "42", sequence: 1 })
          // Nothing changed: the same feedback again.
          const same = await n.run(Exchange.feedback("42", { privateKey: nationalKeys.privateKey }))
          expect(ExchangePackage.toFiles(same)).toEqual(ExchangePackage.toFiles(feedback))

          // Only the national key's feedback is imported.
          expect(refusal(await p.result(Exchange.importFeedback(feedback, guangdongKeys.publicKey)))).toEqual([
            "invalid",
            "M32.1"
          ])
          expect(await p.run(Exchange.importFeedback(feedback, nationalKeys.publicKey))).toMatchObject({
            outcome: "applied",
            rows: 1
          })
          expect(await p.run(Exchange.importFeedback(feedback, nationalKeys.publicKey))).toMatchObject({
            outcome: "already"
          })
          const reader = await p.run(Accounts.actorOf("ia-root"))
          const report = await p.run(EFiles.duplicates(reader, { limit: 10 }))
          expect(report.items).toEqual([{ idType: "1", idNumber: woman(1), teachers: ["t1"], provinces: ["44"] }])

          // Guangdong's teacher leaves: the next feedback holds no duplicate, and replaces the first.
          await n.run(Exchange.ingest(guangdong(2, woman(1), false), registry))
          const cleared = await n.run(Exchange.feedback("42", { privateKey: nationalKeys.privateKey }))
          expect(cleared.manifest.sequence).toBe(2)
          await p.run(Exchange.importFeedback(cleared, nationalKeys.publicKey))
          // The older feedback after the newer changes nothing.
          expect(await p.run(Exchange.importFeedback(feedback, nationalKeys.publicKey))).toMatchObject({
            outcome: "already"
          })
          expect((await p.run(EFiles.duplicates(reader, { limit: 10 }))).items).toEqual([])
          await expectIntact(p)
          await expectIntact(n)
        })
      )
  )
}

const sentAgain = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M32.1 a package sent is fetched again byte for byte, also one the store kept in its earlier form (the package's JSON)",
    { timeout },
    () =>
      withNational(makeDatabase, async (n) => {
        await n.run(Exchange.ingest(guangdong(1, woman(6)), registry))
        // No other province: Guangdong's feedback holds no duplicate (an empty file).
        const first = await n.run(Exchange.feedback("44", { privateKey: nationalKeys.privateKey }))
        expect(first.manifest.files[0]).toMatchObject({ rows: 0, bytes: 0 })
        const again = await n.run(Exchange.sentPackage("44", "feedback", 1))
        expect(ExchangePackage.toFiles(again)).toEqual(ExchangePackage.toFiles(first))
        const raw = n.database.raw
        if (raw === undefined) return
        // A row written before packages were kept compressed: read as it was written.
        await raw(
          `update exchange_sent set package = '${JSON.stringify(first)}' where recipient = '44' and kind = 'feedback'`
        )
        const kept = await n.run(Exchange.sentPackage("44", "feedback", 1))
        expect(ExchangePackage.toFiles(kept)).toEqual(ExchangePackage.toFiles(first))
        // Nothing changed: the feedback sent is the one kept, read back.
        const same = await n.run(Exchange.feedback("44", { privateKey: nationalKeys.privateKey }))
        expect(ExchangePackage.toFiles(same)).toEqual(ExchangePackage.toFiles(first))
      })
  )
}

const concurrentIngests = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it(`M32.1 ${attempts} concurrent ingests of one package apply it once`, { timeout }, () =>
    withNational(makeDatabase, async (n) => {
      const pkg = guangdong(1, woman(5))
      // The store is migrated before the workers open it.
      expect(await n.run(Effect.flatMap(storage, (s) => s.exchange.coreCount("44")))).toBe(0)
      const race: Attempts.Race = {
        deployment: Deployment.national,
        attempts: Array.from({ length: attempts }, () => ({ _tag: "IngestExchange" as const, pkg, keys: registry }))
      }
      const outcomes = await races.run(n.database, race)
      const successes = expectRaceOutcomes(outcomes, (o) => {
        throw new Error(`an ingest failed: ${o.message}`)
      })
      expect(successes).toBe(attempts)
      const applied = (await n.run(auditRecords)).filter((r) => r.action === "exchange.ingest")
      expect(applied).toHaveLength(1)
      const received = await n.run(
        Effect.flatMap(storage, (s: Storage.Storage["Type"]) => s.exchange.received("44", "changes", 1))
      )
      expect(received).toMatchObject({ lastSequence: 1, lastTo: 10 })
      expect(await core(n, "44", "gd-1")).toMatchObject({ idNumber: woman(5) })
      await expectIntact(n)
    })
  )
}

/**
 * The exchange area: export, ingest in sequence and once, a run of packages, cross-province feedback, concurrent ingests
 * (M32.1, M17.4).
 *
 * @since 0.1.0
 */
export const exchangeConformance: AreaConformance = area("exchange", [
  ingestInOrder,
  inRuns,
  crossProvince,
  sentAgain,
  concurrentIngests
])
