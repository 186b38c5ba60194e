/**
 * The inbox area of the storage conformance suite (M23.1, M24.1, M24.2): the processes waiting for a unit's
 * confirmation and the processes a unit is party to, read through `Workflows.inbox` and `Workflows.partyTo` (the
 * port's `workflows.find`) page by page, and compared after every step of the chains with what the regulation says,
 * computed from the processes as stored (`byTeacher`) and `Authorization.partyUnits` — no query of the store's own.
 *
 * @since 0.1.0
 */
import { type Account, Accounts, Authorization, type EFile, type Storage, type Unit, Workflows } from "@tmis/core"
import { Effect, Option } from "effect"
import { expect, it } from "vitest"
import { basicInfo, type Harness, hire, hubei, onboard, person, storage, withDatabase, woman } from "./fixtures.js"
import {
  confirmAll,
  initiateRotation,
  initiateTransfer,
  rotationRequest,
  setupWorkflows,
  transferRequest
} from "./processes.js"
import { type AreaConformance, area, expectIntact, refusal, type Suite } from "./support.js"

/** Every unit of the workflow fixtures. */
const unitIds = ["hubei", "wuhan", "jiangan", "hanyang", "s1", "s1-d1", "s2", "s3"] as const

/** The teachers of the tests: t1 (s1, from the fixtures), t2 (s1), t3 (s1's department s1-d1). */
const teachers = ["t1", "t2", "t3"] as const

/** An info admin of `unitId` as an actor, whether or not the fixtures created one there. */
const infoAdminAt = (unitId: string) =>
  Effect.gen(function* () {
    const s = yield* storage
    const unit = Option.getOrThrow(yield* s.units.get(unitId as Unit.UnitId)).value
    return Authorization.actor(
      {
        id: `probe-${unitId}` as Account.AccountId,
        role: "infoAdmin",
        status: "active",
        person,
        certificate: undefined
      },
      { id: unit.id, kind: unit.kind, path: unit.path }
    )
  })

type Listing = "inbox" | "partyTo"

/** Every page of a listing at `limit` items a page, as the ids in the order they came. */
const listAll = (h: Harness, unitId: string, listing: Listing, filter: Workflows.ListFilter = {}, limit = 1) =>
  h.run(
    Effect.gen(function* () {
      const actor = yield* infoAdminAt(unitId)
      const ids: Array<string> = []
      let after: string | undefined
      let pages = 0
      do {
        const page = yield* Workflows[listing](actor, filter, { after, limit })
        expect(page.items.length).toBeLessThanOrEqual(limit)
        ids.push(...page.items.map((w) => w.value.id))
        after = page.next
        pages++
        if (pages > 100) throw new Error("the pages do not end")
      } while (after !== undefined)
      return ids
    })
  )

/** Every process, as stored, read by teacher. */
const everyProcess = (h: Harness) =>
  h.run(
    Effect.gen(function* () {
      const s = yield* storage
      const all = yield* Effect.forEach(teachers, (t) => s.workflows.byTeacher(t as EFile.TeacherId))
      return all.flat().map((w) => w.value)
    })
  )

const everyParty: ReadonlyArray<Pick<Authorization.Party, "side" | "level">> = [
  { side: "from", level: "school" },
  { side: "from", level: "bureau" },
  { side: "to", level: "school" },
  { side: "to", level: "bureau" }
]

/** What the regulation says a listing of `unitId` holds, oldest first. */
const expected = (processes: ReadonlyArray<Storage.Workflow>, unitId: string, listing: Listing) =>
  processes
    .filter((w) =>
      listing === "inbox"
        ? (Workflows.nextParty(w)?.units.includes(unitId) ?? false)
        : everyParty.some((party) => Authorization.partyUnits(party, w.context).ids.includes(unitId))
    )
    .sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1))
    .map((w) => w.id)

/** Compare both listings of every unit with the regulation's. */
const expectListings = async (h: Harness) => {
  const processes = await everyProcess(h)
  for (const unitId of unitIds) {
    for (const listing of ["inbox", "partyTo"] as const) {
      expect([unitId, listing, await listAll(h, unitId, listing)]).toEqual([
        unitId,
        listing,
        expected(processes, unitId, listing)
      ])
    }
  }
}

// ── Tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

const inboxFollowsTheChains = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M23.1 M24.1 M24.2 the inbox of every unit holds exactly the processes waiting for its confirmation, and its processes exactly those it is party to, after every step, one page at a time",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupWorkflows(h)
        await onboard(h, "ia-s1", hire("t2", "s1", basicInfo({ idNumber: woman(1) })))
        await onboard(h, "ia-s1", hire("t3", "s1-d1", basicInfo({ idNumber: woman(2) })))
        await expectListings(h)

        // A transfer s1 → s3, a rotation s1 → s2 changing the personnel relation, one of s1's department to s3 without.
        const started = [
          await initiateTransfer(h, "ia-s3", transferRequest("tr1", "s3")),
          await initiateRotation(h, "ia-s1", { ...rotationRequest("ro1", "s2", true), teacherId: "t2" }),
          await initiateRotation(h, "ia-s1", { ...rotationRequest("ro2", "s3", false), teacherId: "t3" })
        ]
        expect(started.map(refusal)).toEqual(["ok", "ok", "ok"])
        await expectListings(h)
        // Spelled out once: the receiving bureau waits for the transfer, s1's bureau for both rotations (ro2 from
        // s1's department, two levels below it).
        expect(await listAll(h, "hanyang", "inbox")).toEqual(["tr1"])
        expect((await listAll(h, "jiangan", "inbox")).sort()).toEqual(["ro1", "ro2"])
        expect(await listAll(h, "s1", "inbox")).toEqual([])

        const steps: ReadonlyArray<readonly [string, string, number]> = [
          ["tr1", "ia-hanyang", 1],
          ["ro1", "ia-jiangan", 1],
          ["tr1", "ia-s1", 2],
          ["ro2", "ia-jiangan", 1],
          ["ro1", "ia-s2", 2],
          ["tr1", "ia-jiangan", 3],
          ["ro1", "ia-jiangan", 3]
        ]
        for (const [id, by, version] of steps) {
          await confirmAll(h, id, [by], version)
          await expectListings(h)
        }
        // Everything completed: no inbox holds anything, and the parties still see their processes.
        for (const unitId of unitIds) expect(await listAll(h, unitId, "inbox")).toEqual([])
        expect((await listAll(h, "jiangan", "partyTo")).sort()).toEqual(["ro1", "ro2", "tr1"])
        await expectIntact(h)
      })
  )
}

const filtersAndPages = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M24.1 M24.2 the listings filter by kind and state, and pages of any length hold each process once",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setupWorkflows(h)
        await onboard(h, "ia-s1", hire("t2", "s1", basicInfo({ idNumber: woman(1) })))
        await onboard(h, "ia-s1", hire("t3", "s1-d1", basicInfo({ idNumber: woman(2) })))
        await initiateTransfer(h, "ia-s2", transferRequest("tr1", "s2"))
        await initiateRotation(h, "ia-s1", { ...rotationRequest("ro1", "s2", true), teacherId: "t2" })
        await initiateRotation(h, "ia-s1", { ...rotationRequest("ro2", "s3", false), teacherId: "t3" })
        // jiangan is the bureau of both ends of tr1 (s1 → s2) and of the dispatching side of both rotations.
        const all = expected(await everyProcess(h), "jiangan", "inbox")
        expect([...all].sort()).toEqual(["ro1", "ro2", "tr1"])
        for (const limit of [1, 2, 3, 1000]) {
          expect(await listAll(h, "jiangan", "inbox", {}, limit)).toEqual(all)
        }
        expect(await listAll(h, "jiangan", "inbox", { kind: "transfer" })).toEqual(["tr1"])
        expect((await listAll(h, "jiangan", "inbox", { kind: "rotation" })).sort()).toEqual(["ro1", "ro2"])
        expect(await listAll(h, "jiangan", "inbox", { state: "awaitingReceivingBureau" })).toEqual(["tr1"])
        expect(await listAll(h, "jiangan", "inbox", { kind: "rotation", state: "awaitingReceivingBureau" })).toEqual([])
        // The completed rotation leaves the inbox and stays among the processes s1 (and its department) is party to.
        await confirmAll(h, "ro2", ["ia-jiangan"], 1)
        expect((await listAll(h, "s1", "partyTo", { state: "completed" })).sort()).toEqual(["ro2"])
        expect((await listAll(h, "s1-d1", "partyTo")).sort()).toEqual(["ro2"])
        expect((await listAll(h, "jiangan", "inbox")).sort()).toEqual(["ro1", "tr1"])
      })
  )
}

const whoReadsListings = ({ makeDatabase, timeout }: Suite): void => {
  it("M13.2 M13.4 an info query-er reads its unit's inbox; a system admin has none", { timeout }, () =>
    withDatabase(makeDatabase, hubei, async (h) => {
      await setupWorkflows(h)
      await initiateTransfer(h, "ia-s3", transferRequest("tr1", "s3"))
      await confirmAll(h, "tr1", ["ia-hanyang"], 1)
      const as = (accountId: string, listing: Listing) =>
        h.result(
          Effect.gen(function* () {
            const actor = yield* Accounts.actorOf(accountId)
            const page = yield* Workflows[listing](actor, {}, { limit: 100 })
            return page.items.map((w) => w.value.id)
          })
        )
      const queryer = await as("iq-s1", "inbox")
      expect(queryer.ok && queryer.value).toEqual(["tr1"])
      expect(refusal(await as("sa-s1", "inbox"))).toEqual(["forbidden", "M13.2"])
      expect(refusal(await as("sa-s1", "partyTo"))).toEqual(["forbidden", "M13.2"])
    })
  )
}

/**
 * The inbox area: the processes waiting for a unit and those it is party to (M23.1, M24.1, M24.2).
 *
 * @since 0.1.0
 */
export const inboxConformance: AreaConformance = area("inbox", [
  inboxFollowsTheChains,
  filtersAndPages,
  whoReadsListings
])
