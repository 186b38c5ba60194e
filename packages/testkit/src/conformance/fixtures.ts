/**
 * What the conformance tests share: a database with a runtime over it, the outcome of an effect as plain data,
 * and a small Hubei hierarchy for the example tests.
 *
 * @since 0.1.0
 */
import { type Account, Accounts, Audit, Deployment, type Settings, Storage, type Unit, Units } from "@tmis/core"
import { Cause, Effect, Exit, ManagedRuntime, Option } from "effect"
import * as Attempts from "./attempts.js"
import type { TestDatabase } from "./types.js"

/**
 * A fresh database and a runtime of the services over it.
 *
 * @since 0.1.0
 */
export interface Harness {
  readonly database: TestDatabase
  readonly deployment: Deployment.Deployment
  /** Run an effect; a failure rejects the promise. */
  readonly run: <A, E>(effect: Effect.Effect<A, E, Storage.Storage | Settings.Settings>) => Promise<A>
  /** Run an effect and describe how it ended. */
  readonly result: <A, E>(effect: Effect.Effect<A, E, Storage.Storage | Settings.Settings>) => Promise<Result<A>>
}

/**
 * How an effect ended: its value, or its typed failure's tag and rule. Defects throw.
 *
 * @since 0.1.0
 */
export type Result<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly tag: string; readonly rule: string | undefined; readonly error: unknown }

const resultOf = <A, E>(exit: Exit.Exit<A, E>): Result<A> => {
  if (Exit.isSuccess(exit)) return { ok: true, value: exit.value }
  const failure = Cause.failureOption(exit.cause)
  if (Option.isNone(failure)) throw Cause.squash(exit.cause)
  const error = failure.value as { readonly _tag?: unknown; readonly rule?: unknown }
  return {
    ok: false,
    tag: typeof error?._tag === "string" ? error._tag : "unknown",
    rule: typeof error?.rule === "string" ? error.rule : undefined,
    error
  }
}

/**
 * Make a fresh database, run `f` with a harness over it, then close the runtime and drop the database.
 *
 * @since 0.1.0
 */
export const withDatabase = async <A>(
  makeDatabase: () => Promise<TestDatabase>,
  deployment: Deployment.Deployment,
  f: (harness: Harness) => Promise<A>
): Promise<A> => {
  const database = await makeDatabase()
  const runtime = ManagedRuntime.make(Attempts.withSettings(database.layer(), deployment))
  try {
    return await f({
      database,
      deployment,
      run: (effect) => runtime.runPromise(effect),
      result: async (effect) => resultOf(await runtime.runPromiseExit(effect))
    })
  } finally {
    await runtime.dispose().catch(() => undefined)
    await database.drop()
  }
}

/**
 * The real person behind every test account (a valid identity number, M14.1).
 *
 * @since 0.1.0
 */
export const person = { name: "王建国", identityNumber: "11010519491231002X" }

/**
 * The first day of the test units.
 *
 * @since 0.1.0
 */
export const validFrom = "2017-03-31"

/**
 * A provincial deployment of Hubei, the province of the example units.
 *
 * @since 0.1.0
 */
export const hubei = Deployment.provincial("42")

/**
 * Example units of Hubei: the province, two cities, a county, schools and a department.
 *
 * @since 0.1.0
 */
export const units = {
  province: { id: "hubei", kind: "province", name: "湖北省", code: "420000", validFrom },
  wuhan: { id: "wuhan", kind: "city", name: "武汉市", code: "420100", validFrom },
  huangshi: { id: "huangshi", kind: "city", name: "黄石市", code: "420200", validFrom },
  jiangan: { id: "jiangan", kind: "county", name: "江岸区", code: "420102", validFrom },
  school1: {
    id: "s1",
    kind: "school",
    name: "江岸区第一小学",
    code: "2142000001",
    validFrom,
    school: { schoolType: "211", sponsor: "21" }
  },
  school2: {
    id: "s2",
    kind: "school",
    name: "江岸区第一中学",
    code: "3142000002",
    validFrom,
    school: { schoolType: "311", sponsor: "21" }
  },
  department: { id: "s1-d1", kind: "department", name: "教务处", code: "D1", validFrom }
} satisfies Record<string, Unit.NewUnit>

/**
 * Bootstrap Hubei with its system admin `sa-root` and an info admin `ia-root` (3 audit records).
 *
 * @since 0.1.0
 */
export const bootstrap = (harness: Harness) =>
  harness.run(
    Effect.gen(function* () {
      yield* Accounts.bootstrap(units.province, { id: "sa-root", person })
      const admin = yield* Accounts.actorOf("sa-root")
      yield* Accounts.create(admin, { id: "ia-root", role: "infoAdmin", person }, units.province.id)
    })
  )

/**
 * Create units as `ia-root`, each under the given parent.
 *
 * @since 0.1.0
 */
export const createUnits = (harness: Harness, steps: ReadonlyArray<readonly [Unit.NewUnit, string]>) =>
  harness.run(
    Effect.gen(function* () {
      const actor = yield* Accounts.actorOf("ia-root")
      for (const [unit, parentId] of steps) yield* Units.create(actor, unit, parentId)
    })
  )

/**
 * Every audit record, in order.
 *
 * @since 0.1.0
 */
export const auditRecords = Effect.gen(function* () {
  const storage = yield* Storage.Storage
  const records: Array<Audit.Record> = []
  let after: string | undefined
  do {
    const page = yield* storage.audit.list({ after, limit: 1000 })
    records.push(...page.items)
    after = page.next
  } while (after !== undefined)
  return records
})

/**
 * How many outbox events there are.
 *
 * @since 0.1.0
 */
export const outboxCount = Effect.gen(function* () {
  const storage = yield* Storage.Storage
  let count = 0
  let after: string | undefined
  do {
    const page = yield* storage.outbox.list({ after, limit: 1000 })
    count += page.items.length
    after = page.next
  } while (after !== undefined)
  return count
})

/**
 * The audit log's verification.
 *
 * @since 0.1.0
 */
export const verify = Audit.verifyAuditLog

/**
 * An account value as the store holds it, for direct inserts that bypass the services.
 *
 * @since 0.1.0
 */
export const accountValue = (
  id: string,
  role: Account.Role,
  unitId: string,
  status: "active" | "disabled" = "active"
): Account.Account => ({
  id: id as Account.AccountId,
  role,
  unitId: unitId as Unit.UnitId,
  person: { name: person.name, identityNumber: person.identityNumber as Account.Person["identityNumber"] },
  status,
  certificate: undefined,
  createdBy: undefined
})

/**
 * A unit value as the store holds it, for direct inserts that bypass the pure checks.
 *
 * @since 0.1.0
 */
export const unitValue = (
  id: string,
  kind: Unit.Kind,
  parent: Pick<Unit.Unit, "id" | "path"> | undefined,
  code: string,
  school?: { readonly schoolType: string; readonly sponsor: string }
): Unit.Unit => ({
  id: id as Unit.UnitId,
  kind,
  parentId: parent?.id,
  path: `${parent?.path ?? "/"}${id}/`,
  name: id,
  code,
  school:
    school === undefined
      ? undefined
      : { schoolType: school.schoolType, sponsor: school.sponsor, centralMinistry: false, affiliatedTo: undefined },
  status: "open",
  mergedInto: undefined,
  validFrom
})

/**
 * The day `days` after `day` ("YYYY-MM-DD").
 *
 * @since 0.1.0
 */
export const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

/**
 * Byte-wise order of paths, the order of `subtree` (paths use ASCII only).
 *
 * @since 0.1.0
 */
export const byPath = (a: Pick<Unit.Unit, "path">, b: Pick<Unit.Unit, "path">): number =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0
