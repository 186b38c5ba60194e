/**
 * The model-based test of the storage: random command sequences run against the services over a real store
 * and against an in-memory model (core's {@link Hierarchy} plus a list of accounts), compared after every step.
 * M2.1, M2.2, M12.1, M12.2, M14.4, M14.5, M37.1.
 *
 * @since 0.1.0
 */
import { type Account, Accounts, Audit, Hierarchy, Storage, Unit, Units } from "@tmis/core"
import { Effect, Either } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"
import { type GeneratedHierarchy, hierarchy } from "../arbitraries/hierarchy.js"
import { addDays, byPath, type Harness, person, type Result, withDatabase } from "./fixtures.js"
import { type AreaConformance, area, type Suite } from "./support.js"

/**
 * An account as the model knows it.
 *
 * @since 0.1.0
 */
export interface ModelAccount {
  readonly id: string
  readonly role: Account.Role
  readonly unitId: string
  readonly status: "active" | "disabled"
  readonly version: number
}

/**
 * The in-memory model: the hierarchy so far, each unit's version, the accounts, and how many changes were
 * committed (one audit record each).
 *
 * @since 0.1.0
 */
export interface Model {
  readonly generated: GeneratedHierarchy
  /** The next step of `generated` to add. */
  next: number
  hierarchy: Hierarchy.Hierarchy
  readonly versions: Map<string, number>
  readonly accounts: Map<string, ModelAccount>
  changes: number
  /** A counter for fresh ids. */
  fresh: number
}

/**
 * The system under test.
 *
 * @since 0.1.0
 */
export interface Real {
  readonly harness: Harness
}

type Command = fc.AsyncCommand<Model, Real>

const rootOf = (model: Model): Unit.Unit => model.hierarchy.units.get(model.generated.steps[0]!.unit.id as Unit.UnitId)!

const unitsOf = (model: Model): Array<Unit.Unit> => [...model.hierarchy.units.values()].sort(byPath)

/** Is `unit` `root` or below it, by the model's parent links? An oracle independent of paths. */
const below = (model: Model, unit: Unit.Unit, root: Unit.Unit): boolean => {
  for (let u: Unit.Unit | undefined = unit; u !== undefined; u = u.parentId && model.hierarchy.units.get(u.parentId)) {
    if (u.id === root.id) return true
  }
  return false
}

const pick = <A>(items: ReadonlyArray<A>, n: number): A | undefined =>
  items.length === 0 ? undefined : items[n % items.length]

const activeAccount = (model: Model, unitId: string | undefined, role: Account.Role): ModelAccount | undefined =>
  [...model.accounts.values()].find((a) => a.unitId === unitId && a.role === role && a.status === "active")

/** Expect a refusal with this rule (and, when given, this error tag). */
const expectRefusal = (result: Result<unknown>, rule: string, tag?: string) => {
  expect(result.ok ? { ok: true } : { ok: false, rule: result.rule }, `expected a refusal ${rule}`).toEqual({
    ok: false,
    rule
  })
  if (tag !== undefined && !result.ok) expect(result.tag).toBe(tag)
}

const expectSuccess = <A>(result: Result<A>): A => {
  if (!result.ok) throw new Error(`expected success, got ${result.tag} ${result.rule ?? ""}: ${String(result.error)}`)
  return result.value
}

/** Replace units of the model's hierarchy (moves). */
const replaceUnits = (model: Model, replaced: ReadonlyArray<Unit.Unit>) => {
  const units = new Map(model.hierarchy.units)
  for (const unit of replaced) units.set(unit.id, unit)
  model.hierarchy = { ...model.hierarchy, units }
}

/** Add the next units of the generated hierarchy, parents first, as `ia-root` (M2.2 and the rest of `Unit`). */
class AddNextUnits implements Command {
  constructor(readonly count: number) {}
  check = (m: Readonly<Model>) => m.next < m.generated.steps.length
  async run(m: Model, r: Real) {
    for (let i = 0; i < this.count && m.next < m.generated.steps.length; i++) {
      const step = m.generated.steps[m.next]!
      const expected = Hierarchy.add(m.hierarchy, step.unit, step.parentId)
      const result = await r.harness.result(
        Effect.flatMap(Accounts.actorOf("ia-root"), (actor) => Units.create(actor, step.unit, step.parentId!))
      )
      if (Either.isLeft(expected)) {
        expectRefusal(result, expected.left.rule)
        return
      }
      const stored = expectSuccess(result)
      const unit = expected.right.units.get(step.unit.id as Unit.UnitId)!
      expect(stored).toEqual({ value: unit, version: 1 })
      m.hierarchy = expected.right
      m.versions.set(unit.id, 1)
      m.next++
      m.changes++
    }
  }
  toString = () => `AddNextUnits(${this.count})`
}

/** Create a school with the code of an existing one: the store refuses it (M12.1). */
class AddDuplicateSchool implements Command {
  constructor(readonly n: number) {}
  schools = (m: Readonly<Model>) => unitsOf(m as Model).filter((u) => u.kind === "school")
  check = (m: Readonly<Model>) => this.schools(m).length > 0
  async run(m: Model, r: Real) {
    const school = pick(this.schools(m), this.n)!
    const input: Unit.NewUnit = {
      id: `dup${m.fresh++}`,
      kind: "school",
      name: "重复标识码的学校",
      code: school.code,
      validFrom: school.validFrom,
      school: {
        schoolType: school.school!.schoolType,
        sponsor: school.school!.sponsor,
        centralMinistry: school.school!.centralMinistry
      }
    }
    const expected = Hierarchy.add(m.hierarchy, input, school.parentId)
    expect(Either.isLeft(expected) && expected.left.rule).toBe("M12.1")
    const result = await r.harness.result(
      Effect.flatMap(Accounts.actorOf("ia-root"), (actor) => Units.create(actor, input, school.parentId!))
    )
    expectRefusal(result, "M12.1", "conflict")
  }
  toString = () => `AddDuplicateSchool(${this.n})`
}

class AddSecondRoot implements Command {
  check = () => true
  async run(m: Model, r: Real) {
    const root = rootOf(m)
    const input: Unit.NewUnit = {
      id: `root${m.fresh++}`,
      kind: root.kind,
      name: root.name,
      code: root.code,
      validFrom: root.validFrom
    }
    const expected = Hierarchy.add(m.hierarchy, input, undefined)
    expect(Either.isLeft(expected) && expected.left.rule).toBe("M2.1")
    const result = await r.harness.result(Units.createRoot(input))
    // A second root also repeats the root's code; whichever unique index the database reports first, the refusal
    // names the rule it breaks: one root.
    expect(result.ok ? "created" : result.tag).toBe("conflict")
    if (!result.ok) expect(result.rule).toBe("M2.1")
  }
  toString = () => "AddSecondRoot"
}

/** Create the system admin of a unit, as the system admin of its parent (M15.1); a second one is refused (M14.4). */
class CreateSystemAdmin implements Command {
  constructor(
    readonly n: number,
    readonly second: boolean
  ) {}
  candidates = (m: Readonly<Model>) =>
    unitsOf(m as Model).filter(
      (u) =>
        u.parentId !== undefined &&
        activeAccount(m as Model, u.parentId, "systemAdmin") !== undefined &&
        (activeAccount(m as Model, u.id, "systemAdmin") !== undefined) === this.second
    )
  check = (m: Readonly<Model>) => this.candidates(m).length > 0
  async run(m: Model, r: Real) {
    const unit = pick(this.candidates(m), this.n)!
    const creator = activeAccount(m, unit.parentId, "systemAdmin")!
    const id = `sa${m.fresh++}`
    const result = await r.harness.result(
      Effect.flatMap(Accounts.actorOf(creator.id), (actor) =>
        Accounts.create(actor, { id, role: "systemAdmin", person }, unit.id)
      )
    )
    if (activeAccount(m, unit.id, "systemAdmin") !== undefined) {
      expectRefusal(result, "M14.4")
      return
    }
    expect(expectSuccess(result).version).toBe(1)
    m.accounts.set(id, { id, role: "systemAdmin", unitId: unit.id, status: "active", version: 1 })
    m.changes++
  }
  toString = () => `CreateSystemAdmin(${this.n}, ${this.second ? "second" : "first"})`
}

/** Create an info admin of a unit, as its system admin; beyond the quota it is refused (M14.5). */
class CreateInfoAdmin implements Command {
  constructor(readonly n: number) {}
  candidates = (m: Readonly<Model>) =>
    unitsOf(m as Model).filter((u) => activeAccount(m as Model, u.id, "systemAdmin") !== undefined)
  check = (m: Readonly<Model>) => this.candidates(m).length > 0
  async run(m: Model, r: Real) {
    const unit = pick(this.candidates(m), this.n)!
    const creator = activeAccount(m, unit.id, "systemAdmin")!
    const id = `ia${m.fresh++}`
    const result = await r.harness.result(
      Effect.flatMap(Accounts.actorOf(creator.id), (actor) =>
        Accounts.create(actor, { id, role: "infoAdmin", person }, unit.id)
      )
    )
    const active = [...m.accounts.values()].filter(
      (a) => a.unitId === unit.id && a.role === "infoAdmin" && a.status === "active"
    ).length
    if (active >= 5) {
      expectRefusal(result, "M14.5")
      return
    }
    expect(expectSuccess(result).version).toBe(1)
    m.accounts.set(id, { id, role: "infoAdmin", unitId: unit.id, status: "active", version: 1 })
    m.changes++
  }
  toString = () => `CreateInfoAdmin(${this.n})`
}

/** Disable an account as the one who manages it; with a stale version, `Conflict` and nothing written. */
class DisableAccount implements Command {
  constructor(
    readonly n: number,
    readonly stale: boolean
  ) {}
  managerOf = (m: Model, account: ModelAccount): ModelAccount | undefined => {
    if (account.id === "ia-root" || account.status !== "active") return undefined
    const unit = m.hierarchy.units.get(account.unitId as Unit.UnitId)!
    return account.role === "systemAdmin"
      ? activeAccount(m, unit.parentId, "systemAdmin")
      : activeAccount(m, unit.id, "systemAdmin")
  }
  candidates = (m: Readonly<Model>) =>
    [...m.accounts.values()]
      .filter((a) => this.managerOf(m as Model, a) !== undefined)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
  check = (m: Readonly<Model>) => this.candidates(m).length > 0
  async run(m: Model, r: Real) {
    const account = pick(this.candidates(m), this.n)!
    const manager = this.managerOf(m, account)!
    const expectedVersion = this.stale ? account.version + 1 : account.version
    const result = await r.harness.result(
      Effect.flatMap(Accounts.actorOf(manager.id), (actor) => Accounts.disable(actor, account.id, expectedVersion))
    )
    if (this.stale) {
      expect(result.ok ? "ok" : result.tag).toBe("Conflict")
      return
    }
    expect(expectSuccess(result).version).toBe(account.version + 1)
    m.accounts.set(account.id, { ...account, status: "disabled", version: account.version + 1 })
    m.changes++
  }
  toString = () => `DisableAccount(${this.n}${this.stale ? ", stale" : ""})`
}

/**
 * Rename a unit, or move a school, as of a later day (M12.2), with its expected version; a stale one gets
 * `Conflict` and nothing is written.
 */
class ChangeUnit implements Command {
  constructor(
    readonly n: number,
    readonly move: boolean,
    readonly target: number,
    readonly stale: boolean
  ) {}
  // The root is changed by no one (M12.2: by the unit above); a move is a school's.
  candidates = (m: Readonly<Model>) =>
    unitsOf(m as Model).filter((u) => (this.move ? u.kind === "school" : u.parentId !== undefined))
  check = (m: Readonly<Model>) => this.candidates(m).length > 0
  async run(m: Model, r: Real) {
    const unit = pick(this.candidates(m), this.n)!
    const version = m.versions.get(unit.id)!
    const expectedVersion = this.stale ? (version > 1 ? version - 1 : version + 1) : version
    const effective = addDays(unit.validFrom, 1)
    // A school moves within its province, under another open education bureau (M2.2, M7.1).
    const targets = unitsOf(m).filter(
      (u) =>
        (u.kind === "province" || u.kind === "city" || u.kind === "county") &&
        u.id !== unit.parentId &&
        Unit.provinceCodeOf(u) === unit.code.slice(2, 4)
    )
    const parent = this.move && unit.school?.centralMinistry !== true ? pick(targets, this.target) : undefined
    const name = `${unit.name.replace(/（更名\d+）$/, "")}（更名${m.fresh++}）`
    const request: Units.ChangeRequest =
      parent === undefined ? { _tag: "Rename", name } : { _tag: "Move", parentId: parent.id }
    const result = await r.harness.result(
      Effect.flatMap(Accounts.actorOf("ia-root"), (actor) =>
        Units.change(actor, unit.id, request, effective, expectedVersion)
      )
    )
    if (this.stale) {
      expect(result.ok ? "ok" : result.tag).toBe("Conflict")
      return
    }
    const next: Unit.Unit =
      parent === undefined
        ? { ...unit, name, validFrom: effective }
        : { ...unit, validFrom: effective, parentId: parent.id, path: `${parent.path}${unit.id}/` }
    expect(expectSuccess(result)).toEqual({ value: next, version: version + 1 })
    // A move re-paths the school's departments too.
    const descendants = unitsOf(m)
      .filter((u) => u.id !== unit.id && u.path.startsWith(unit.path))
      .map((u) => ({ ...u, path: next.path + u.path.slice(unit.path.length) }))
    replaceUnits(m, [next, ...descendants])
    m.versions.set(unit.id, version + 1)
    m.changes++
  }
  toString = () =>
    `ChangeUnit(${this.n}, ${this.move ? `move ${this.target}` : "rename"}${this.stale ? ", stale" : ""})`
}

/** Read subtree(U) page by page (keyset pagination) and compare with the model. */
class ReadSubtree implements Command {
  constructor(
    readonly n: number,
    readonly limit: number
  ) {}
  check = () => true
  async run(m: Model, r: Real) {
    const unit = pick(unitsOf(m), this.n)!
    const expected = unitsOf(m).filter((u) => below(m, u, unit))
    const read: Array<Unit.Unit> = []
    let after: string | undefined
    for (let pages = 0; pages <= expected.length; pages++) {
      const page = await r.harness.run(
        Effect.flatMap(Accounts.actorOf("ia-root"), (actor) =>
          Units.subtree(actor, unit.id, { after, limit: this.limit })
        )
      )
      expect(page.items.length).toBeLessThanOrEqual(this.limit)
      if (page.next !== undefined) expect(page.items.length).toBe(this.limit)
      read.push(...page.items)
      after = page.next
      if (after === undefined) break
    }
    expect(after).toBeUndefined()
    expect(read).toEqual(expected)
  }
  toString = () => `ReadSubtree(${this.n}, limit ${this.limit})`
}

const weighted = (weight: number, arbitrary: fc.Arbitrary<Command>): Array<fc.Arbitrary<Command>> =>
  Array.from({ length: weight }, () => arbitrary)

/**
 * The commands, weighted towards growing the hierarchy and changing units; each is compared with the model
 * after it runs.
 *
 * @since 0.1.0
 */
export const commands = (maxCommands: number): fc.Arbitrary<Iterable<Command>> =>
  fc.commands(
    [
      ...weighted(
        3,
        fc.integer({ min: 1, max: 4 }).map((count) => new AddNextUnits(count))
      ),
      ...weighted(
        3,
        fc
          .tuple(fc.nat(), fc.boolean(), fc.nat(), fc.boolean())
          .map(([n, move, target, stale]) => new ChangeUnit(n, move, target, stale))
      ),
      ...weighted(
        2,
        fc.tuple(fc.nat(), fc.boolean()).map(([n, second]) => new CreateSystemAdmin(n, second))
      ),
      fc.nat().map((n) => new AddDuplicateSchool(n)),
      fc.constant(new AddSecondRoot()),
      fc.nat().map((n) => new CreateInfoAdmin(n)),
      fc.tuple(fc.nat(), fc.boolean()).map(([n, stale]) => new DisableAccount(n, stale)),
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 5 })).map(([n, limit]) => new ReadSubtree(n, limit))
    ].map((arbitrary) => arbitrary.map(checked)),
    { maxCommands, size: "max" }
  )

/**
 * Bootstrap the generated hierarchy's root with `sa-root` and an info admin `ia-root`, and the model of that.
 *
 * @since 0.1.0
 */
export const setup = async (generated: GeneratedHierarchy, harness: Harness): Promise<Model> => {
  const root = generated.steps[0]!.unit
  await harness.run(
    Effect.gen(function* () {
      yield* Accounts.bootstrap(root, { id: "sa-root", person })
      const admin = yield* Accounts.actorOf("sa-root")
      yield* Accounts.create(admin, { id: "ia-root", role: "infoAdmin", person }, root.id)
    })
  )
  const hierarchy = Either.getOrThrow(Hierarchy.add(Hierarchy.make(generated.hierarchy.deployment), root, undefined))
  return {
    generated,
    next: 1,
    hierarchy,
    versions: new Map([[root.id, 1]]),
    accounts: new Map<string, ModelAccount>([
      ["sa-root", { id: "sa-root", role: "systemAdmin", unitId: root.id, status: "active", version: 1 }],
      ["ia-root", { id: "ia-root", role: "infoAdmin", unitId: root.id, status: "active", version: 1 }]
    ]),
    // The root's creation, the bootstrap account and ia-root.
    changes: 3,
    fresh: 0
  }
}

/**
 * Compare the whole store with the model: every unit (value and version, read through `subtree`), every
 * account of every unit, and the audit log (intact, one record per committed change).
 *
 * @since 0.1.0
 */
export const agree = async (m: Model, r: Real): Promise<void> => {
  const units = unitsOf(m)
  const root = rootOf(m)
  const stored = await r.harness.run(
    Effect.gen(function* () {
      const storage = yield* Storage.Storage
      const page = yield* storage.units.subtree(root.path, { limit: 1000 })
      const subtrees = yield* Effect.forEach(units, (u) =>
        storage.units.subtree(u.path, { limit: 1000 }).pipe(Effect.map((p) => p.items.map((v) => v.id)))
      )
      const versions = yield* Effect.forEach(units, (u) => storage.units.get(u.id))
      const accounts = yield* Effect.forEach(units, (u) => storage.accounts.byUnit(u.id))
      const audit = yield* Audit.verifyAuditLog
      return { page, versions, accounts, audit, subtrees }
    })
  )
  expect(stored.page).toEqual({ items: units, next: undefined })
  // Every unit's subtree, against the model's parent links (not paths): a sibling whose id extends another's
  // (sa, sa0) is not in its subtree.
  expect(stored.subtrees).toEqual(units.map((u) => units.filter((v) => below(m, v, u)).map((v) => v.id)))
  expect(stored.versions.map((v) => (v._tag === "Some" ? v.value.version : undefined))).toEqual(
    units.map((u) => m.versions.get(u.id))
  )
  // Compared as sets: `byUnit` orders by id in the database's collation.
  const byId = (a: { readonly id: string }, b: { readonly id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  expect(stored.accounts.map((list) => [...list].sort(byId).map((a) => [a.id, a.role, a.status]))).toEqual(
    units.map((u) =>
      [...m.accounts.values()]
        .filter((a) => a.unitId === u.id)
        .sort(byId)
        .map((a) => [a.id, a.role, a.status])
    )
  )
  expect(stored.audit).toMatchObject({ _tag: "Intact", records: m.changes })
}

/**
 * Wrap a command so that the store is compared with the model after it.
 *
 * @since 0.1.0
 */
export const checked = (command: Command): Command => ({
  check: (m) => command.check(m),
  run: async (m, r) => {
    await command.run(m, r)
    await agree(m, r)
  },
  toString: () => command.toString()
})

// ── The test ─────────────────────────────────────────────────────────────────────────────────────────────────────

const modelRuns = ({ makeDatabase, options, timeout }: Suite): void => {
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
        commands(15),
        (generated, commands) =>
          withDatabase(makeDatabase, generated.hierarchy.deployment, async (harness) => {
            const model = await setup(generated, harness)
            await agree(model, { harness })
            await fc.asyncModelRun(() => ({ model, real: { harness } }), commands)
          })
      ),
      { numRuns: options.numRuns ?? 20 }
    )
  })
}

/**
 * The model-based area: random command sequences agree with the in-memory model (M2.2, M12.1, M12.2, M14.4).
 *
 * @since 0.1.0
 */
export const modelConformance: AreaConformance = area("model", [modelRuns])
