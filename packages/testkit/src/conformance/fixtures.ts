/**
 * What the conformance tests share: a database with a runtime over it, the outcome of an effect as plain data,
 * a small Hubei hierarchy for the example tests, and its accounts, teachers and e-files.
 *
 * @since 0.1.0
 */
import {
  type Account,
  Accounts,
  Audit,
  type Authorization,
  type ChangeRequest,
  Deployment,
  type EFile,
  EFiles,
  Indicator,
  Refusal,
  type Settings,
  Storage,
  type Unit,
  Units
} from "@tmis/core"
import { Cause, Effect, Exit, ManagedRuntime, Option } from "effect"
import { exampleBasicInfo, exampleIdentityNumber } from "../arbitraries/efile.js"
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
    // A refusal is told by its kind (forbidden, invalid, conflict …); other failures by their tag.
    tag: Refusal.is(error) ? error.kind : typeof error?._tag === "string" ? error._tag : "unknown",
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

/**
 * The storage port's service tag, for reads and writes straight to the store.
 *
 * @since 0.1.0
 */
export const storage = Storage.Storage

/**
 * A second county of 武汉市 (江汉区), for moves and for a receiving bureau other than 江岸区.
 *
 * @since 0.1.0
 */
export const jianghan = { id: "jianghan", kind: "county", name: "江汉区", code: "420103", validFrom } as const

/**
 * The path of the root, 湖北省.
 *
 * @since 0.1.0
 */
export const root = "/hubei/"

/**
 * The path of the first school (s1, under 武汉市 › 江岸区).
 *
 * @since 0.1.0
 */
export const s1Path = "/hubei/wuhan/jiangan/s1/"

// ── E-files ──────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A valid type-1 identity number of a woman born 1990-03-07 in 江岸区 (see `exampleIdentityNumber`).
 *
 * @since 0.1.0
 */
export const woman = exampleIdentityNumber

/**
 * A valid basic-information record of a primary-school teacher, with overrides (see `exampleBasicInfo`).
 *
 * @since 0.1.0
 */
export const basicInfo = exampleBasicInfo

/**
 * A new hire on the establishment (covered, M5.1) with the basic information `record`.
 *
 * @since 0.1.0
 */
export const hire = (id: string, unitId: string, record: Readonly<Record<string, unknown>>): EFiles.NewHire => ({
  id,
  entryId: `${id}-basic`,
  unitId,
  basicInfo: Indicator.unchecked(record),
  employment: { onEstablishment: true, contractMonths: undefined, postCategory: "1" }
})

/**
 * The e-file accounts: system admins handed down level by level, info admins of the county and the schools.
 *
 * @since 0.1.0
 */
export const accountChain: ReadonlyArray<
  readonly [creator: string, id: string, role: "systemAdmin" | "infoAdmin" | "infoQueryer", unit: string]
> = [
  ["sa-root", "sa-wuhan", "systemAdmin", "wuhan"],
  ["sa-wuhan", "sa-jiangan", "systemAdmin", "jiangan"],
  ["sa-jiangan", "ia-jiangan", "infoAdmin", "jiangan"],
  ["sa-jiangan", "sa-s1", "systemAdmin", "s1"],
  ["sa-s1", "ia-s1", "infoAdmin", "s1"],
  ["sa-s1", "iq-s1", "infoQueryer", "s1"],
  ["sa-jiangan", "sa-s2", "systemAdmin", "s2"],
  ["sa-s2", "ia-s2", "infoAdmin", "s2"]
]

/**
 * Create accounts, each by its creator.
 *
 * @since 0.1.0
 */
export const createAccounts = (
  h: Harness,
  steps: ReadonlyArray<
    readonly [creator: string, id: string, role: "systemAdmin" | "infoAdmin" | "infoQueryer" | "teacher", unit: string]
  >,
  who: { readonly name: string; readonly identityNumber: string } = person
) =>
  h.run(
    Effect.gen(function* () {
      for (const [creator, id, role, unitId] of steps) {
        const actor = yield* Accounts.actorOf(creator)
        yield* Accounts.create(actor, { id, role, person: who }, unitId)
      }
    })
  )

/**
 * Hubei with 武汉市 › 江岸区 › schools s1 (with its department s1-d1) and s2, and the accounts of `accountChain`:
 * `ia-s1`/`ia-s2` are the schools' info admins, `iq-s1` the first school's query-er, `ia-jiangan` the competent
 * bureau's info admin, `ia-root` the province's. Returns the number of audit records written.
 *
 * @since 0.1.0
 */
export const setup = async (h: Harness): Promise<number> => {
  await bootstrap(h)
  await createUnits(h, [
    [units.wuhan, "hubei"],
    [units.jiangan, "wuhan"],
    [units.school1, "jiangan"],
    [units.school2, "jiangan"],
    [units.department, "s1"]
  ])
  await createAccounts(h, accountChain)
  return (await h.run(auditRecords)).length
}

/**
 * The actor of the account `id`.
 *
 * @since 0.1.0
 */
export const actor = (h: Harness, id: string): Promise<Authorization.Actor> => h.run(Accounts.actorOf(id))

/**
 * Onboard `newHire` as the account `by`.
 *
 * @since 0.1.0
 */
export const onboard = async (h: Harness, by: string, newHire: EFiles.NewHire) =>
  h.run(Effect.flatMap(Accounts.actorOf(by), (a) => EFiles.onboard(a, newHire)))

/**
 * Review the entry `entryId` as the account `by`, and describe how it ended.
 *
 * @since 0.1.0
 */
export const review = (h: Harness, by: string, entryId: string, command: EFiles.ReviewCommand, version: number) =>
  h.result(Effect.flatMap(Accounts.actorOf(by), (a) => EFiles.review(a, entryId, command, version)))

/**
 * The school's approval, after its collective review and signed by its principal.
 *
 * @since 0.1.0
 */
export const schoolApproval = {
  type: "approveBySchool",
  collectiveReview: "2026-校务会-03",
  principal: "张校长",
  signedOn: "2026-11-01"
} as const

/**
 * Take an entry from draft to effective: submitted and approved by `school`, then by `bureau`. Returns its version.
 *
 * @since 0.1.0
 */
export const makeEffective = async (h: Harness, entryId: string, school: string, bureau: string, from = 1) => {
  let version = from
  for (const [by, command] of [
    [school, { type: "submit" }],
    [school, schoolApproval],
    [bureau, { type: "approveByBureau" }]
  ] as const) {
    const result = await review(h, by, entryId, command, version)
    if (!result.ok) throw new Error(`${command.type} by ${by} failed: ${String(result.error)}`)
    version = result.value.version
  }
  return version
}

/**
 * The e-file `id` as stored, or undefined.
 *
 * @since 0.1.0
 */
export const getEFile = (h: Harness, id: string) =>
  h.run(Effect.flatMap(storage, (s) => s.teachers.get(id as EFile.TeacherId))).then(Option.getOrUndefined)

/**
 * The entry `id` as stored, or undefined.
 *
 * @since 0.1.0
 */
export const getEntry = (h: Harness, id: string) =>
  h.run(Effect.flatMap(storage, (s) => s.entries.get(id))).then(Option.getOrUndefined)

/**
 * The change request `id` as stored, or undefined.
 *
 * @since 0.1.0
 */
export const getRequest = (
  h: Harness,
  id: string
): Promise<Storage.Versioned<ChangeRequest.ChangeRequest> | undefined> =>
  h.run(Effect.flatMap(storage, (s) => s.changeRequests.get(id))).then(Option.getOrUndefined)

/**
 * Every e-file kept in subtree(path), page by page.
 *
 * @since 0.1.0
 */
export const efilesIn = (h: Harness, path: string) =>
  h.run(
    Effect.gen(function* () {
      const s = yield* storage
      const items: Array<EFile.EFile> = []
      let after: string | undefined
      do {
        const page = yield* s.teachers.subtree(path, { after, limit: 1000 })
        items.push(...page.items)
        after = page.next
      } while (after !== undefined)
      return items
    })
  )

/**
 * The entries of a teacher's e-file, as stored.
 *
 * @since 0.1.0
 */
export const entriesOf = (h: Harness, teacherId: string) =>
  h.run(Effect.flatMap(storage, (s) => s.entries.byTeacher(teacherId as EFile.TeacherId)))
