const longObjects = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M37.1 a record whose object is longer than a store's key is kept, bounded, searchable, and the chain verifies",
    {
      timeout
    },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await bootstrap(h)
        // A refused request's path can be as long as the server lets a URL be: the record must not be lost.
        const long = `GET /units/${"湖".repeat(300)}/${"a".repeat(3000)}`
        await h.run(
          Effect.flatMap(storage, (s) =>
            s.transaction(
              s.audit.append({
                at: "2026-03-01T08:00:00.000Z",
                actor: "anonymous",
                unitId: undefined,
                action: "http.refused",
                object: long,
                outcome: "refused",
                requestId: undefined,
                details: { status: 404 }
              })
            )
          )
        )
        const records = await h.run(auditRecords)
        expect(records.at(-1)?.object).toBe(Audit.boundObject(long))
        expect(await h.run(searchAll({ object: Audit.boundObject(long) }, 10))).toEqual([records.length])
        expect(await h.run(verify)).toMatchObject({ _tag: "Intact" })
      })
  )
}

const appendedAtOnce = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M37.1 records and events appended at once chain and number as appended one by one; a rolled-back batch leaves none",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await bootstrap(h)
        const entry = (i: number): Audit.Entry => ({
          at: "2026-03-01T08:00:00.000Z",
          actor: "conformance",
          unitId: undefined,
          action: "conformance.batch",
          object: `item:${i}`,
          outcome: i % 2 === 0 ? "ok" : "refused",
          requestId: undefined,
          details: { i }
        })
        const before = await h.run(auditRecords)
        const events = await h.run(outboxCount)
        // More than one multi-row insert's worth, so that the chunks chain to each other.
        const entries = Array.from({ length: 1203 }, (_, i) => entry(i))
        const appended = await h.run(
          Effect.flatMap(storage, (s) =>
            s.transaction(
              Effect.zipLeft(
                s.audit.appendAll(entries),
                s.outbox.appendAll(
                  entries.map((e, i) => ({ type: e.action, at: e.at, aggregateId: `a${i}`, payload: i }))
                )
              )
            )
          )
        )
        const records = await h.run(auditRecords)
        expect(records.slice(before.length)).toEqual(appended)
        // The same records as one append after another would chain from the head.
        let previous = before.at(-1)
        const expected = entries.map((e) => {
          const record = Audit.chain(previous, e)
          previous = record
          return record
        })
        expect(appended).toEqual(expected)
        expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: before.length + entries.length })
        expect(await h.run(outboxCount)).toBe(events + entries.length)
        const page = await h.run(Effect.flatMap(storage, (s) => s.outbox.list({ after: undefined, limit: 1000 })))
        const mine = page.items.filter((e) => e.type === "conformance.batch")
        expect(mine.map((e) => e.payload)).toEqual(mine.map((_, i) => i))
        // Nothing of a batch whose transaction fails, and nothing to append appends nothing.
        const failed = await h.result(
          Effect.flatMap(storage, (s) =>
            s.transaction(Effect.zipRight(s.audit.appendAll([entry(0), entry(1)]), Effect.fail("rolled back")))
          )
        )
        expect(failed.ok).toBe(false)
        expect(await h.run(Effect.flatMap(storage, (s) => s.transaction(s.audit.appendAll([]))))).toEqual([])
        expect((await h.run(auditRecords)).length).toBe(before.length + entries.length)
      })
  )
}

/**
 * The audit & outbox area of the storage conformance suite (M37.1): exactly one audit record and one outbox event per
 * committed change and none for a rolled-back one, an append-only log, tampering, deletion and reordering detected by
 * `verifyAuditLog`, and appends serialised under real concurrency.
 *
 * @since 0.1.0
 */
import { Accounts, Audit, type Storage, type Unit, Units } from "@tmis/core"
import { Effect, Option } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"
import type * as Attempts from "./attempts.js"
import {
  auditRecords,
  bootstrap,
  createUnits,
  hubei,
  outboxCount,
  person,
  storage,
  units,
  unitValue,
  verify,
  withDatabase
} from "./fixtures.js"
import { type AreaConformance, area, expectRaceOutcomes, refusal, type Suite } from "./support.js"
import type { TestDatabase } from "./types.js"

// ── Tampering ────────────────────────────────────────────────────────────────────────────────────────────────────

/** How an attacker with database access lifts the audit log's protection, on the adapters we know. */
const knownUnprotections: ReadonlyArray<ReadonlyArray<string>> = [
  ["drop trigger audit_log_no_update", "drop trigger audit_log_no_delete"],
  ["alter table audit_log disable trigger user"]
]

const unprotect = async (database: TestDatabase, raw: (sql: string) => Promise<unknown>) => {
  if (database.unprotectAuditLog !== undefined) {
    for (const statement of database.unprotectAuditLog) await raw(statement)
    return
  }
  for (const attack of knownUnprotections) {
    try {
      for (const statement of attack) await raw(statement)
      return
    } catch {
      // Not this database's dialect: try the next.
    }
  }
  throw new Error("cannot lift the audit log's protection: give the TestDatabase `unprotectAuditLog`")
}

/** A SQL literal, for the raw statements of the tampering tests. */
const literal = (value: string | number | null): string =>
  value === null ? "null" : typeof value === "number" ? String(value) : `'${value.replaceAll("'", "''")}'`

const columns = {
  at: (r: Audit.Record) => r.at,
  actor: (r: Audit.Record) => r.actor,
  unit_id: (r: Audit.Record) => r.unitId ?? null,
  action: (r: Audit.Record) => r.action,
  object: (r: Audit.Record) => r.object,
  outcome: (r: Audit.Record) => r.outcome,
  request_id: (r: Audit.Record) => r.requestId ?? null,
  details: (r: Audit.Record) => JSON.stringify(r.details),
  prev_hash: (r: Audit.Record) => r.prevHash,
  hash: (r: Audit.Record) => r.hash
} satisfies Record<string, (r: Audit.Record) => string | null>

type Column = keyof typeof columns

/** The forged value an attacker writes into a column (always different from the original). */
const forged: Record<Column, (r: Audit.Record) => string> = {
  at: () => "2000-01-01T00:00:00.000Z",
  actor: () => "mallory",
  unit_id: (r) => `${r.unitId ?? ""}x`,
  action: (r) => `${r.action}.forged`,
  object: (r) => `${r.object}x`,
  outcome: (r) => (r.outcome === "ok" ? "refused" : "ok"),
  request_id: (r) => `${r.requestId ?? ""}x`,
  details: (r) => JSON.stringify({ ...r.details, forged: true }),
  prev_hash: (r) => (r.prevHash.startsWith("f") ? "e" : "f").repeat(64),
  hash: (r) => (r.hash.startsWith("f") ? "e" : "f").repeat(64)
}

const insertRecord = (seq: number, r: Audit.Record) =>
  `insert into audit_log (seq, ${Object.keys(columns).join(", ")}) values (${[
    literal(seq),
    ...Object.values(columns).map((column) => literal(column(r)))
  ].join(", ")})`

type Tampering =
  | { readonly _tag: "Change"; readonly seq: number; readonly column: Column }
  | { readonly _tag: "Delete"; readonly seq: number }
  | { readonly _tag: "Swap"; readonly first: number; readonly second: number }

const tampering = (records: number): fc.Arbitrary<Tampering> =>
  fc.oneof(
    fc
      .record({
        seq: fc.integer({ min: 1, max: records }),
        column: fc.constantFrom(...(Object.keys(columns) as Array<Column>))
      })
      .map(({ seq, column }) => ({ _tag: "Change" as const, seq, column })),
    // Deleting the last record is truncation, which a hash chain alone cannot see; any other is detected.
    fc.integer({ min: 1, max: records - 1 }).map((seq) => ({ _tag: "Delete" as const, seq })),
    fc
      .uniqueArray(fc.integer({ min: 1, max: records }), { minLength: 2, maxLength: 2 })
      .map(([a, b]) => ({ _tag: "Swap" as const, first: Math.min(a!, b!), second: Math.max(a!, b!) }))
  )

/** Where and why verification must break after a tampering. */
const breakOf = (t: Tampering): { readonly seq: number; readonly reason: "sequence" | "link" | "hash" } => {
  switch (t._tag) {
    case "Change":
      return { seq: t.seq, reason: t.column === "prev_hash" ? "link" : "hash" }
    case "Delete":
      return { seq: t.seq + 1, reason: "sequence" }
    case "Swap":
      return { seq: t.first, reason: "link" }
  }
}

const tamperStatements = (t: Tampering, records: ReadonlyArray<Audit.Record>): ReadonlyArray<string> => {
  const at = (seq: number) => records[seq - 1]!
  switch (t._tag) {
    case "Change":
      return [`update audit_log set ${t.column} = ${literal(forged[t.column](at(t.seq)))} where seq = ${t.seq}`]
    case "Delete":
      return [`delete from audit_log where seq = ${t.seq}`]
    case "Swap":
      return [
        `delete from audit_log where seq in (${t.first}, ${t.second})`,
        insertRecord(t.first, at(t.second)),
        insertRecord(t.second, at(t.first))
      ]
  }
}

const restoreStatements = (t: Tampering, records: ReadonlyArray<Audit.Record>): ReadonlyArray<string> => {
  const at = (seq: number) => records[seq - 1]!
  switch (t._tag) {
    case "Change":
      return [`update audit_log set ${t.column} = ${literal(columns[t.column](at(t.seq)))} where seq = ${t.seq}`]
    case "Delete":
      return [insertRecord(t.seq, at(t.seq))]
    case "Swap":
      return [
        `delete from audit_log where seq in (${t.first}, ${t.second})`,
        insertRecord(t.first, at(t.first)),
        insertRecord(t.second, at(t.second))
      ]
  }
}

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

const oneRecordPerChange = ({ makeDatabase, timeout }: Suite): void => {
  it("M37.1 exactly one audit record per committed change and none for a rolled-back one", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await bootstrap(h)
      await createUnits(h, [[units.wuhan, "hubei"]])
      const ia = await h.run(Accounts.actorOf("ia-root"))
      await h.run(Units.change(ia, "wuhan", { _tag: "Rename", name: "武汉" }, "2018-01-01", 1))
      const records = await h.run(auditRecords)
      expect(records.map((r) => [r.seq, r.action, r.object])).toEqual([
        [1, "unit.create", "unit:hubei"],
        [2, "account.bootstrap", "account:sa-root"],
        [3, "account.create", "account:ia-root"],
        [4, "unit.create", "unit:wuhan"],
        [5, "unit.rename", "unit:wuhan"]
      ])
      expect(await h.run(outboxCount)).toBe(5)

      // Refused changes, by a rule and by the store, record nothing.
      const refusedByRule = await h.result(
        Units.change(ia, "wuhan", { _tag: "Rename", name: "武汉市" }, "2017-01-01", 2)
      )
      expect(refusedByRule.ok ? "ok" : refusedByRule.rule).toBe("M12.2")
      const refusedByStore = await h.result(
        Units.create(ia, { ...units.school1, id: "s1" }, "wuhan").pipe(
          Effect.zipRight(Units.create(ia, { ...units.school1, id: "s1-twin" }, "wuhan"))
        )
      )
      expect(refusedByStore.ok ? "ok" : refusedByStore.rule).toBe("M12.1")

      // A transaction that writes, appends its record and event, then fails: none of it stays.
      const rolledBack = await h.result(
        Effect.flatMap(storage, (s) =>
          s.transaction(
            Effect.gen(function* () {
              const city = unitValue("huangshi", "city", unitValue("hubei", "province", undefined, "420000"), "420200")
              yield* s.units.insert(city)
              yield* s.audit.append({
                at: new Date().toISOString(),
                actor: "ia-root",
                unitId: "hubei",
                action: "unit.create",
                object: "unit:huangshi",
                outcome: "ok",
                requestId: undefined,
                details: {}
              })
              yield* s.outbox.append({
                type: "unit.create",
                at: new Date().toISOString(),
                aggregateId: "huangshi",
                payload: {}
              })
              return yield* Effect.fail("abort" as const)
            })
          )
        )
      )
      expect(rolledBack.ok ? "committed" : rolledBack.error).toBe("abort")
      expect(Option.isNone(await h.run(Effect.flatMap(storage, (s) => s.units.get("huangshi" as Unit.UnitId))))).toBe(
        true
      )
      // s1 was committed (6), its twin was refused; the rolled-back transaction left nothing.
      expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: 6 })
      expect(await h.run(outboxCount)).toBe(6)

      // The next committed change chains onto the last committed record.
      await createUnits(h, [[units.huangshi, "hubei"]])
      const after = await h.run(auditRecords)
      expect(after).toHaveLength(7)
      expect(after[6]).toMatchObject({ seq: 7, object: "unit:huangshi", prevHash: after[5]!.hash })
      expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: 7, head: after[6]!.hash })
    })
  )
}

const appendOnly = ({ makeDatabase, timeout }: Suite): void => {
  it("M37.1 the audit log refuses updates and deletes", { timeout }, async (context) => {
    await withDatabase(makeDatabase, hubei, async (h) => {
      const raw = h.database.raw
      if (raw === undefined) return context.skip("the database offers no raw access")
      await bootstrap(h)
      const before = await h.run(auditRecords)
      await expect(raw("update audit_log set actor = 'mallory' where seq = 2")).rejects.toThrow()
      await expect(raw("delete from audit_log where seq = 3")).rejects.toThrow()
      await expect(raw("delete from audit_log")).rejects.toThrow()
      expect(await h.run(auditRecords)).toEqual(before)
      expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: 3 })
    })
  })
}

const tamperingDetected = ({ makeDatabase, timeout }: Suite): void => {
  it("M37.1 tampering with any record, deleting one or reordering two is detected by verifyAuditLog", {
    timeout
  }, async (context) => {
    await withDatabase(makeDatabase, hubei, async (h) => {
      const raw = h.database.raw
      if (raw === undefined) return context.skip("the database offers no raw access")
      await bootstrap(h)
      await createUnits(h, [
        [units.wuhan, "hubei"],
        [units.jiangan, "wuhan"],
        [units.school1, "jiangan"],
        [units.school2, "jiangan"],
        [units.department, "s1"]
      ])
      const records = await h.run(auditRecords)
      const intact = { _tag: "Intact", records: records.length, head: records.at(-1)!.hash }
      expect(await h.run(verify)).toEqual(intact)
      // As an attacker with database access would: lift the append-only protection first.
      await unprotect(h.database, raw)
      await fc.assert(
        fc.asyncProperty(tampering(records.length), async (t) => {
          for (const statement of tamperStatements(t, records)) await raw(statement)
          try {
            expect(await h.run(verify)).toMatchObject({ _tag: "Broken", ...breakOf(t) })
          } finally {
            for (const statement of restoreStatements(t, records)) await raw(statement)
          }
          expect(await h.run(verify)).toEqual(intact)
        }),
        {
          numRuns: 20,
          examples: [
            [{ _tag: "Change", seq: 4, column: "details" }],
            [{ _tag: "Delete", seq: 4 }],
            [{ _tag: "Swap", first: 3, second: 6 }]
          ]
        }
      )
    })
  })
}

const everyColumnHashed = ({ makeDatabase, timeout }: Suite): void => {
  it("M37.1 changing exactly one column of one record, for every column, breaks verification at that record", {
    timeout
  }, async (context) => {
    await withDatabase(makeDatabase, hubei, async (h) => {
      const raw = h.database.raw
      if (raw === undefined) return context.skip("the database offers no raw access")
      await bootstrap(h)
      await createUnits(h, [[units.wuhan, "hubei"]])
      const records = await h.run(auditRecords)
      const intact = { _tag: "Intact", records: records.length, head: records.at(-1)!.hash }
      expect(await h.run(verify)).toEqual(intact)
      await unprotect(h.database, raw)
      // Every column, on the first record and on the last (deterministic: a column the hash skipped is caught
      // every run, not by chance).
      for (const seq of [1, records.length]) {
        for (const column of Object.keys(columns) as Array<Column>) {
          const t: Tampering = { _tag: "Change", seq, column }
          for (const statement of tamperStatements(t, records)) await raw(statement)
          try {
            expect({ column, seq, verification: await h.run(verify) }).toMatchObject({
              column,
              seq,
              verification: { _tag: "Broken", ...breakOf(t) }
            })
          } finally {
            for (const statement of restoreStatements(t, records)) await raw(statement)
          }
          expect(await h.run(verify)).toEqual(intact)
        }
      }
    })
  })
}

const serialisedAppends = ({ makeDatabase, timeout, attempts, races }: Suite): void => {
  it("M37.1 appends are serialised: concurrent appends never fork the chain", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await bootstrap(h)
      const race: Attempts.Race = {
        deployment: hubei,
        attempts: Array.from({ length: attempts }, (_, i) => ({
          _tag: "AppendAudit" as const,
          object: `conformance:${i}`
        }))
      }
      const outcomes = await races.run(h.database, race)
      expect(expectRaceOutcomes(outcomes, () => expect.fail("no append may fail"))).toBe(attempts)
      const records = await h.run(auditRecords)
      expect(await h.run(verify)).toEqual({
        _tag: "Intact",
        records: 3 + attempts,
        head: records.at(-1)!.hash
      })
      expect(
        records
          .slice(3)
          .map((r) => r.object)
          .sort()
      ).toEqual(race.attempts.map((a) => (a._tag === "AppendAudit" ? a.object : "")).sort())
    })
  )
}

// ── Search ───────────────────────────────────────────────────────────────────────────────────────────────────────

/** Records of the search tests: [actor, unit, object, rule, at]. */
const searched: ReadonlyArray<readonly [string, string | undefined, string, string | undefined, string]> = [
  ["ia-s1", "s1", "efile:t1", undefined, "2026-03-01T08:00:00.000Z"],
  ["ia-s1", "s1", "efile:t2", "M14.3", "2026-03-01T23:59:59.999Z"],
  ["ia-s1", "s1-d1", "efile:t1", "M20.1", "2026-03-02T00:00:00.000Z"],
  ["ia-s2", "s2", "efile:t1", "M14.3", "2026-03-02T10:00:00.000Z"],
  ["ia-jiangan", "jiangan", "unit:s1", undefined, "2026-03-03T10:00:00.000Z"],
  ["anonymous", undefined, "GET /efiles/t1", undefined, "2026-03-03T11:00:00.000Z"],
  ["ia-root", "hubei", "efile:t1", "M14.3", "2026-03-04T00:00:00.000Z"]
]

/** Every page of a search at `limit` records a page, as the sequence numbers. */
const searchAll = (query: Storage.AuditQuery, limit: number) =>
  Effect.gen(function* () {
    const s = yield* storage
    const seqs: Array<number> = []
    let after: string | undefined
    do {
      const page = yield* s.audit.search(query, { after, limit })
      expect(page.items.length).toBeLessThanOrEqual(limit)
      seqs.push(...page.items.map((r) => r.seq))
      after = page.next
    } while (after !== undefined)
    return seqs
  })

const searchMatches = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M37.1 an audit search finds exactly the records matching all its filters (actor, object, rule, period, the actors' subtree), each once across pages",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await bootstrap(h)
        await createUnits(h, [
          [units.wuhan, "hubei"],
          [units.jiangan, "wuhan"],
          [units.school1, "jiangan"],
          [units.school2, "jiangan"],
          [units.department, "s1"]
        ])
        await h.run(
          Effect.gen(function* () {
            const s = yield* storage
            for (const [actor, unitId, object, rule, at] of searched) {
              yield* s.transaction(
                s.audit.append({
                  at,
                  actor,
                  unitId,
                  action: "test.search",
                  object,
                  outcome: rule === undefined ? "ok" : "refused",
                  requestId: undefined,
                  details: rule === undefined ? { nested: { rule: "M14.3" } } : { rule }
                })
              )
            }
          })
        )
        const records = await h.run(auditRecords)
        const paths = new Map<string, string>()
        for (const id of ["hubei", "wuhan", "jiangan", "s1", "s2", "s1-d1"]) {
          paths.set(
            id,
            Option.getOrThrow(await h.run(Effect.flatMap(storage, (s) => s.units.get(id as Unit.UnitId)))).value.path
          )
        }
        const model = (q: Storage.AuditQuery) =>
          records
            .filter(
              (r) =>
                (q.unitPath === undefined ||
                  (r.unitId !== undefined && (paths.get(r.unitId) ?? "\u0000").startsWith(q.unitPath))) &&
                (q.actor === undefined || r.actor === q.actor) &&
                (q.object === undefined || r.object === q.object) &&
                (q.rule === undefined || r.details.rule === q.rule) &&
                (q.from === undefined || r.at >= q.from) &&
                (q.to === undefined || r.at < q.to)
            )
            .map((r) => r.seq)
        const queries: ReadonlyArray<Storage.AuditQuery> = [
          {},
          { unitPath: "/hubei/wuhan/jiangan/s1/" },
          { unitPath: "/hubei/wuhan/jiangan/" },
          { unitPath: "/hubei/wuhan/jiangan/s1/s1-d1/" },
          { actor: "ia-s1" },
          { actor: "anonymous" },
          { object: "efile:t1" },
          { object: "efile:t" },
          { rule: "M14.3" },
          { rule: "M14.3", unitPath: "/hubei/wuhan/" },
          { from: "2026-03-02T00:00:00.000Z" },
          { to: "2026-03-02T00:00:00.000Z" },
          { from: "2026-03-02T00:00:00.000Z", to: "2026-03-03T10:00:00.000Z", object: "efile:t1" },
          { actor: "ia-s1", object: "efile:t1", rule: "M20.1", unitPath: "/hubei/wuhan/jiangan/s1/" }
        ]
        for (const q of queries) {
          const expected = model(q)
          for (const limit of [1, 2, 1000])
            expect([q, limit, await h.run(searchAll(q, limit))]).toEqual([q, limit, expected])
        }
        // Spelled out: the rule is the record's own, never a nested one; the unit's path decides the scope.
        expect(model({ rule: "M14.3" }).map((seq) => records[seq - 1]?.object)).toEqual([
          "efile:t2",
          "efile:t1",
          "efile:t1"
        ])
        expect(model({ unitPath: "/hubei/wuhan/jiangan/s1/" }).length).toBe(3)
        expect(await h.run(verify)).toMatchObject({ _tag: "Intact" })
      })
  )
}

const searchScope = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M37.1 M13.2 a system admin searches the records of its subtree's accounts, the root's every record; other roles are refused; every search is audited",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await bootstrap(h)
        await createUnits(h, [
          [units.wuhan, "hubei"],
          [units.jiangan, "wuhan"]
        ])
        await h.run(
          Effect.gen(function* () {
            const root = yield* Accounts.actorOf("sa-root")
            yield* Accounts.create(root, { id: "sa-wuhan", role: "systemAdmin", person }, "wuhan")
            const wuhan = yield* Accounts.actorOf("sa-wuhan")
            yield* Accounts.create(wuhan, { id: "sa-jiangan", role: "systemAdmin", person }, "jiangan")
          })
        )
        const search = (by: string, filter: Audit.SearchFilter = {}) =>
          h.result(
            Effect.gen(function* () {
              const actor = yield* Accounts.actorOf(by)
              const page = yield* Audit.search(actor, filter, { limit: 1000 })
              return page.items.map((r) => [r.actor, r.action, r.unitId])
            })
          )
        // sa-wuhan acts from wuhan: it created sa-jiangan. The bootstrap is the system's, of no unit.
        const byWuhan = await search("sa-wuhan")
        expect(byWuhan.ok && byWuhan.value).toEqual([["sa-wuhan", "account.create", "wuhan"]])
        const byRoot = await search("sa-root")
        expect(byRoot.ok && byRoot.value.map(([actor, action]) => `${actor} ${action}`)).toEqual([
          "system unit.create",
          "system account.bootstrap",
          "sa-root account.create",
          "ia-root unit.create",
          "ia-root unit.create",
          "sa-root account.create",
          "sa-wuhan account.create",
          // The search by sa-wuhan was audited, under sa-wuhan's unit.
          "sa-wuhan audit.search"
        ])
        // Days: `from` from the day's start, `to` through the day's end.
        const today = new Date().toISOString().slice(0, 10)
        const day = await search("sa-root", { actor: "sa-wuhan", from: today, to: today })
        expect(day.ok && day.value.length).toBe(2)
        const before = await search("sa-root", { actor: "sa-wuhan", to: "2000-01-01" })
        expect(before.ok && before.value.length).toBe(0)
        expect(refusal(await search("ia-root"))).toEqual(["forbidden", "M13.3"])
        const records = await h.run(auditRecords)
        expect(records.slice(-1).map((r) => [r.actor, r.action, r.outcome, r.details.rule])).toEqual([
          ["ia-root", "audit.search", "refused", "M13.3"]
        ])
        expect(await h.run(verify)).toMatchObject({ _tag: "Intact" })
      })
  )
}

/**
 * The audit & outbox area: one record and one event per committed change, an append-only, tamper-evident log, and
 * its search (M37.1).
 *
 * @since 0.1.0
 */
export const auditConformance: AreaConformance = area("audit", [
  oneRecordPerChange,
  appendOnly,
  tamperingDetected,
  everyColumnHashed,
  serialisedAppends,
  searchMatches,
  searchScope,
  longObjects,
  appendedAtOnce
])
