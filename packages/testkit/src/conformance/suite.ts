/**
 * The storage conformance suite: what every implementation of the storage port must do, checked through the
 * port and the services — the invariants the store enforces itself (one root M2.1, unique school codes M12.1,
 * one active system admin M14.4), dated versions and moves (M12.2), optimistic versions, and an append-only,
 * tamper-evident audit log (M37.1), under real concurrency. Teachers' e-files are checked too (see `efiles.ts`): one
 * active e-file per identity number (M17.4), review and change requests (M17.1, M19.2), batch import (M16.2).
 *
 * @since 0.1.0
 */
import { Accounts, type Audit, Storage, Unit, Units } from "@tmis/core"
import { Effect, Option } from "effect"
import * as fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import { hierarchy } from "../arbitraries/hierarchy.js"
import type * as Attempts from "./attempts.js"
import { authConformance } from "./auth.js"
import { crashConformance } from "./crash.js"
import { efileConformance, expectRaceOutcomes } from "./efiles.js"
import {
  accountValue,
  addDays,
  auditRecords,
  bootstrap,
  byPath,
  createUnits,
  hubei,
  outboxCount,
  person,
  units,
  unitValue,
  verify,
  withDatabase
} from "./fixtures.js"
import * as Model from "./model.js"
import * as Race from "./race.js"
import type { ConformanceOptions, TestDatabase } from "./types.js"
import { workflowConformance } from "./workflows.js"

const storage = Storage.Storage

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

/**
 * Define the storage conformance suite (vitest `describe`/`it`) for a storage: `makeDatabase` makes a fresh,
 * empty database for each test (and for each run of the model-based test). The tests' names start with the
 * rule they check.
 *
 * @example
 * storageConformance("sqlite", sqliteDatabase)
 *
 * @since 0.1.0
 */
export const storageConformance = (
  name: string,
  makeDatabase: () => Promise<TestDatabase>,
  options: ConformanceOptions = {}
): void => {
  const timeout = options.timeoutMs ?? 120_000
  const attempts = options.attempts ?? 20

  describe.skipIf(options.skip === true)(`storage conformance: ${name}`, () => {
    const races = Race.pool(options)
    afterAll(() => races.close())

    it("M2.2 M12.1 M12.2 M14.4 random command sequences agree with the in-memory model", { timeout }, async () => {
      await fc.assert(
        fc.asyncProperty(
          hierarchy({
            deployment: "any",
            maxProvinces: 1,
            maxCities: 2,
            maxCounties: 1,
            maxSchools: 2,
            maxDepartments: 1
          }),
          Model.commands(15),
          (generated, commands) =>
            withDatabase(makeDatabase, generated.hierarchy.deployment, async (harness) => {
              const model = await Model.setup(generated, harness)
              await Model.agree(model, { harness })
              await fc.asyncModelRun(() => ({ model, real: { harness } }), commands)
            })
        ),
        { numRuns: options.numRuns ?? 20 }
      )
    })

    it("M12.2 a unit's versions are kept and answer as of any date", { timeout }, () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await bootstrap(h)
        await createUnits(h, [
          [units.wuhan, "hubei"],
          [units.jiangan, "wuhan"],
          [units.school1, "jiangan"]
        ])
        const ia = await h.run(Accounts.actorOf("ia-root"))
        await h.run(Units.change(ia, "s1", { _tag: "Rename", name: "江岸区实验小学" }, "2018-09-01", 1))
        await h.run(Units.change(ia, "s1", { _tag: "ChangeSponsor", sponsor: "22" }, "2020-09-01", 2))
        await h.run(Units.change(ia, "s1", { _tag: "Rename", name: "江岸区实验学校" }, "2021-03-01", 3))

        const history = await h.run(Effect.flatMap(storage, (s) => s.units.history("s1" as Unit.UnitId)))
        expect(history.map((u) => [u.validFrom, u.name, u.school?.sponsor])).toEqual([
          ["2017-03-31", "江岸区第一小学", "21"],
          ["2018-09-01", "江岸区实验小学", "21"],
          ["2020-09-01", "江岸区实验小学", "22"],
          ["2021-03-01", "江岸区实验学校", "22"]
        ])
        const current = await h.run(Effect.flatMap(storage, (s) => s.units.get("s1" as Unit.UnitId)))
        expect(Option.map(current, (c) => [c.version, c.value])).toEqual(Option.some([4, history[3]]))

        // Any day answers with the version in force then, and nothing before the unit existed.
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: -400, max: 2_000 }).map((d) => addDays("2017-03-31", d)),
            async (day) => {
              const answer = await h.run(Units.asOf(ia, "s1", day))
              expect(answer).toEqual(Unit.asOf(history, day))
              const inForce = history.filter((v) => v.validFrom <= day).at(-1)
              expect(Option.getOrUndefined(answer)).toEqual(inForce)
            }
          ),
          { numRuns: 30, examples: [["2017-03-30"], ["2017-03-31"], ["2018-08-31"], ["2018-09-01"], ["2021-03-01"]] }
        )
      })
    )

    it("M12.2 a move re-paths the whole subtree in one transaction", { timeout }, () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await bootstrap(h)
        await createUnits(h, [
          [units.wuhan, "hubei"],
          [units.jiangan, "wuhan"],
          [units.school1, "jiangan"],
          [units.school2, "jiangan"],
          [units.department, "s1"]
        ])
        const read = (id: string) =>
          h.run(Effect.flatMap(storage, (s) => s.units.get(id as Unit.UnitId)).pipe(Effect.map(Option.getOrUndefined)))
        const moved = ["jiangan", "s1", "s1-d1", "s2"]
        const pathsBefore = await Promise.all(moved.map(async (id) => (await read(id))?.value.path))
        expect(pathsBefore).toEqual([
          "/hubei/wuhan/jiangan/",
          "/hubei/wuhan/jiangan/s1/",
          "/hubei/wuhan/jiangan/s1/s1-d1/",
          "/hubei/wuhan/jiangan/s2/"
        ])

        // A move whose transaction fails after the update leaves every path as it was.
        const county = (await read("jiangan"))!.value
        const aborted = await h.result(
          Effect.flatMap(storage, (s) =>
            s.transaction(
              Effect.zipRight(
                s.units.update(
                  { ...county, parentId: "hubei" as Unit.UnitId, path: "/hubei/jiangan/", validFrom: "2019-01-01" },
                  1
                ),
                Effect.fail("abort" as const)
              )
            )
          )
        )
        expect(aborted.ok).toBe(false)
        expect(await Promise.all(moved.map(async (id) => (await read(id))?.value.path))).toEqual(pathsBefore)

        // 省直管县: the county moves directly under the province, with its schools and their departments.
        const ia = await h.run(Accounts.actorOf("ia-root"))
        const result = await h.run(Units.change(ia, "jiangan", { _tag: "Move", parentId: "hubei" }, "2019-01-01", 1))
        expect(result.version).toBe(2)
        expect(result.value).toMatchObject({ parentId: "hubei", path: "/hubei/jiangan/" })
        const after = await Promise.all(moved.map(read))
        expect(after.map((u) => u?.value.path)).toEqual([
          "/hubei/jiangan/",
          "/hubei/jiangan/s1/",
          "/hubei/jiangan/s1/s1-d1/",
          "/hubei/jiangan/s2/"
        ])
        expect(after.map((u) => [u?.value.parentId, u?.version])).toEqual([
          ["hubei", 2],
          ["jiangan", 1],
          ["s1", 1],
          ["jiangan", 1]
        ])
        const subtree = (path: string) =>
          h.run(Effect.flatMap(storage, (s) => s.units.subtree(path, { limit: 100 }))).then((p) => p.items)
        expect((await subtree("/hubei/wuhan/")).map((u) => u.id)).toEqual(["wuhan"])
        expect((await subtree("/hubei/jiangan/")).map((u) => u.id)).toEqual(moved)
        const all = await subtree("/hubei/")
        expect(all.map((u) => u.id)).toEqual(["hubei", "jiangan", "s1", "s1-d1", "s2", "wuhan"])
        expect([...all].sort(byPath)).toEqual(all)
      })
    )

    it("subtree(U) reads page by page in path order, every unit of the subtree once", { timeout }, () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await bootstrap(h)
        await createUnits(h, [
          [units.wuhan, "hubei"],
          [units.huangshi, "hubei"],
          [units.jiangan, "wuhan"],
          [units.school1, "jiangan"],
          [units.school2, "jiangan"],
          [units.department, "s1"]
        ])
        const all = await h.run(Effect.flatMap(storage, (s) => s.units.subtree("/hubei/", { limit: 1000 })))
        expect(all.next).toBeUndefined()
        expect(all.items.map((u) => u.path)).toEqual([
          "/hubei/",
          "/hubei/huangshi/",
          "/hubei/wuhan/",
          "/hubei/wuhan/jiangan/",
          "/hubei/wuhan/jiangan/s1/",
          "/hubei/wuhan/jiangan/s1/s1-d1/",
          "/hubei/wuhan/jiangan/s2/"
        ])
        for (const [root, limit] of [
          ["/hubei/", 1],
          ["/hubei/", 2],
          ["/hubei/", 3],
          ["/hubei/wuhan/", 2],
          ["/hubei/wuhan/jiangan/s1/", 1]
        ] as const) {
          const pages: Array<ReadonlyArray<Unit.Unit>> = []
          let after: string | undefined
          do {
            const page = await h.run(Effect.flatMap(storage, (s) => s.units.subtree(root, { after, limit })))
            pages.push(page.items)
            after = page.next
          } while (after !== undefined && pages.length <= all.items.length)
          expect(after).toBeUndefined()
          expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true)
          expect(pages.flat()).toEqual(all.items.filter((u) => u.path.startsWith(root)))
        }
      })
    )

    it("M14.3 a subtree cursor never reaches outside the subtree", { timeout }, () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const province = unitValue("hubei", "province", undefined, "420000")
        const wuhan = unitValue("wuhan", "city", province, "420100")
        const huangshi = unitValue("huangshi", "city", province, "420200")
        await h.run(
          Effect.flatMap(storage, (s) =>
            Effect.all([s.units.insert(province), s.units.insert(wuhan), s.units.insert(huangshi)])
          )
        )
        // A forged cursor before, inside and after the subtree of 黄石: only 黄石's own units ever come back.
        for (const after of ["/", "/hubei/", "/hubei/a", "/hubei/huangshi/", "/zzz/"]) {
          const page = await h.run(Effect.flatMap(storage, (s) => s.units.subtree(huangshi.path, { after, limit: 10 })))
          for (const unit of page.items) expect(unit.path.startsWith(huangshi.path)).toBe(true)
        }
      })
    )

    it("M12.1 the store refuses a second unit with the same school code", { timeout }, () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const province = unitValue("hubei", "province", undefined, "420000")
        const attributes = { schoolType: "211", sponsor: "21" }
        await h.run(
          Effect.flatMap(storage, (s) =>
            s.transaction(
              Effect.zipRight(
                s.units.insert(province),
                s.units.insert(unitValue("s1", "school", province, "2142000001", attributes))
              )
            )
          )
        )
        // Straight to the store, past the pure checks: the store itself refuses, in or out of a transaction.
        const twin = unitValue("s2", "school", province, "2142000001", attributes)
        for (const insert of [
          Effect.flatMap(storage, (s) => s.units.insert(twin)),
          Effect.flatMap(storage, (s) => s.transaction(s.units.insert(twin)))
        ]) {
          const result = await h.result(insert)
          expect(result.ok ? "inserted" : [result.tag, result.rule]).toEqual(["ConstraintError", "M12.1"])
        }
        const page = await h.run(Effect.flatMap(storage, (s) => s.units.subtree("/hubei/", { limit: 10 })))
        expect(page.items.map((u) => u.id)).toEqual(["hubei", "s1"])
        expect(await h.run(Effect.flatMap(storage, (s) => s.units.history("s2" as Unit.UnitId)))).toEqual([])
      })
    )

    it("M2.1 the store refuses a second root", { timeout }, () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const province = unitValue("hubei", "province", undefined, "420000")
        await h.run(Effect.flatMap(storage, (s) => s.units.insert(province)))
        // Another code, so that only the single-root rule stands in the way.
        const result = await h.result(
          Effect.flatMap(storage, (s) => s.units.insert(unitValue("hunan", "province", undefined, "430000")))
        )
        expect(result.ok ? "inserted" : [result.tag, result.rule]).toEqual(["ConstraintError", "M2.1"])
        const root = await h.run(Effect.flatMap(storage, (s) => s.units.root()))
        expect(Option.map(root, (u) => u.id)).toEqual(Option.some("hubei"))
      })
    )

    it("M2.1 the store refuses a used unit id", { timeout }, () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const province = unitValue("hubei", "province", undefined, "420000")
        const huangshi = unitValue("huangshi", "city", province, "420200")
        await h.run(
          Effect.flatMap(storage, (s) =>
            Effect.all([
              s.units.insert(province),
              s.units.insert(unitValue("wuhan", "city", province, "420100")),
              s.units.insert(huangshi)
            ])
          )
        )
        // The used id under another parent, with another code: only the id stands in the way.
        const result = await h.result(
          Effect.flatMap(storage, (s) => s.units.insert(unitValue("wuhan", "county", huangshi, "420202")))
        )
        expect(result.ok ? "inserted" : [result.tag, result.rule]).toEqual(["ConstraintError", "M2.1"])
        const wuhan = await h.run(Effect.flatMap(storage, (s) => s.units.get("wuhan" as Unit.UnitId)))
        expect(Option.map(wuhan, (u) => u.value.code)).toEqual(Option.some("420100"))
      })
    )

    it("M2.2 the store refuses a unit whose path does not extend its parent's", { timeout }, () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        const province = unitValue("hubei", "province", undefined, "420000")
        const wuhan = unitValue("wuhan", "city", province, "420100")
        await h.run(Effect.flatMap(storage, (s) => Effect.all([s.units.insert(province), s.units.insert(wuhan)])))
        // Straight to the store with a path that skips its parent: the database itself refuses it.
        const stray = { ...unitValue("jiangan", "county", wuhan, "420102"), path: "/hubei/jiangan/" }
        const result = await h.result(Effect.flatMap(storage, (s) => s.units.insert(stray)))
        expect(result.ok ? "inserted" : [result.tag, result.rule]).toEqual(["ConstraintError", "M2.2"])
        const page = await h.run(Effect.flatMap(storage, (s) => s.units.subtree("/hubei/", { limit: 10 })))
        expect(page.items.map((u) => u.id)).toEqual(["hubei", "wuhan"])
      })
    )

    it("M14.4 the store itself refuses a second active system admin", { timeout }, () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await h.run(Effect.flatMap(storage, (s) => s.units.insert(unitValue("hubei", "province", undefined, "420000"))))
        const insert = (id: string, status: "active" | "disabled") =>
          h.result(Effect.flatMap(storage, (s) => s.accounts.insert(accountValue(id, "systemAdmin", "hubei", status))))
        const refusal = (result: {
          readonly ok: boolean
          readonly tag?: string
          readonly rule?: string | undefined
        }) => (result.ok ? "written" : [result.tag, result.rule])

        expect((await insert("sa1", "active")).ok).toBe(true)
        // Straight to the store, past decideRoom: the store refuses a second active one, not a disabled one.
        expect(refusal(await insert("sa2", "active"))).toEqual(["ConstraintError", "M14.4"])
        expect((await insert("sa3", "disabled")).ok).toBe(true)
        // Re-activating a disabled one while another is active is refused too.
        const reactivate = await h.result(
          Effect.flatMap(storage, (s) => s.accounts.update(accountValue("sa3", "systemAdmin", "hubei", "active"), 1))
        )
        expect(refusal(reactivate)).toEqual(["ConstraintError", "M14.4"])
        // Once the first is disabled (M15.1: replace = disable, then create), a new one may be created.
        const disable = await h.result(
          Effect.flatMap(storage, (s) => s.accounts.update(accountValue("sa1", "systemAdmin", "hubei", "disabled"), 1))
        )
        expect(disable.ok).toBe(true)
        expect((await insert("sa2", "active")).ok).toBe(true)
        const accounts = await h.run(Effect.flatMap(storage, (s) => s.accounts.byUnit("hubei" as Unit.UnitId)))
        expect(accounts.filter((a) => a.status === "active").map((a) => a.id)).toEqual(["sa2"])
      })
    )

    it(
      `M14.4 ${attempts} concurrent attempts to create the system admin of one unit: exactly one succeeds, the others fail with M14.4`,
      {
        timeout
      },
      () =>
        withDatabase(makeDatabase, hubei, async (h) => {
          await bootstrap(h)
          await createUnits(h, [[units.wuhan, "hubei"]])
          const race: Attempts.Race = {
            deployment: hubei,
            attempts: Array.from({ length: attempts }, (_, i) => ({
              _tag: "CreateAccount" as const,
              actorId: "sa-root",
              unitId: "wuhan",
              account: { id: `sa-wuhan-${i}`, role: "systemAdmin" as const, person }
            }))
          }
          const outcomes = await races.run(h.database, race)
          const successes = expectRaceOutcomes(outcomes, (o) => {
            expect(["AccountError", "ConstraintError"]).toContain(o.error)
            expect(o.rule).toBe("M14.4")
          })
          expect(successes).toBe(1)
          const winner = race.attempts[outcomes.findIndex((o) => o._tag === "Success")]
          const accounts = await h.run(Effect.flatMap(storage, (s) => s.accounts.byUnit("wuhan" as Unit.UnitId)))
          expect(accounts.map((a) => [a.id, a.role, a.status])).toEqual([
            [winner?._tag === "CreateAccount" ? winner.account.id : "", "systemAdmin", "active"]
          ])
          // Bootstrap (2), ia-root, wuhan, and the one account: nothing of the refused attempts.
          expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: 5 })
          expect(await h.run(outboxCount)).toBe(5)
        })
    )

    it(
      "optimistic versions: concurrent stale updates of one unit, one wins, the rest get Conflict, nothing lost",
      {
        timeout
      },
      () =>
        withDatabase(makeDatabase, hubei, async (h) => {
          await bootstrap(h)
          await createUnits(h, [
            [units.wuhan, "hubei"],
            [units.jiangan, "wuhan"],
            [units.school1, "jiangan"]
          ])
          const seen = await h.run(
            Effect.flatMap(storage, (s) => s.units.get("s1" as Unit.UnitId)).pipe(Effect.map(Option.getOrThrow))
          )
          expect(seen.version).toBe(1)
          const race: Attempts.Race = {
            deployment: hubei,
            attempts: Array.from({ length: attempts }, (_, i) => ({
              _tag: "UpdateUnit" as const,
              seen: seen.value,
              expectedVersion: seen.version,
              name: `江岸区第一小学（更名${i}）`,
              effective: addDays(seen.value.validFrom, i + 1)
            }))
          }
          const outcomes = await races.run(h.database, race)
          const successes = expectRaceOutcomes(outcomes, (o) => expect(o.error).toBe("Conflict"))
          expect(successes).toBe(1)
          const winner = race.attempts[outcomes.findIndex((o) => o._tag === "Success")]!
          const history = await h.run(Effect.flatMap(storage, (s) => s.units.history("s1" as Unit.UnitId)))
          expect(history.map((u) => u.name)).toEqual([
            units.school1.name,
            winner._tag === "UpdateUnit" ? winner.name : ""
          ])
          const current = await h.run(Effect.flatMap(storage, (s) => s.units.get("s1" as Unit.UnitId)))
          expect(Option.map(current, (c) => [c.version, c.value])).toEqual(Option.some([2, history[1]]))
          // Bootstrap (3), three units, and the winner's record: nothing of the losers.
          expect(await h.run(verify)).toMatchObject({ _tag: "Intact", records: 7 })
        })
    )

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
                const city = unitValue(
                  "huangshi",
                  "city",
                  unitValue("hubei", "province", undefined, "420000"),
                  "420200"
                )
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

    efileConformance(makeDatabase, options, races, timeout, attempts)
    workflowConformance(makeDatabase, options, races, timeout, attempts)
    crashConformance(makeDatabase, options, timeout)
    authConformance(makeDatabase, options, races, timeout, attempts)
  })
}
