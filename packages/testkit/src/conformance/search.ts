/**
 * The search area of the storage conformance suite: e-files searched within one's scope by name, identity number,
 * status, stage and entries awaiting review (M13.3, M13.4), masked and without an identity-number filter for a
 * query-er (M37.2), the filtered pages equal to the unfiltered listing filtered in memory; and a unit's change
 * requests (M19.2), for the info admins of the unit or above.
 *
 * @since 0.1.0
 */
import { Accounts, type Authorization, EFile, EFileFilter, EFiles, Review, type Unit } from "@tmis/core"
import { Effect } from "effect"
import * as fc from "fast-check"
import { expect, it } from "vitest"
import {
  auditRecords,
  basicInfo,
  byPath,
  getEFile,
  hire,
  hubei,
  makeEffective,
  onboard,
  root,
  s1Path,
  setup,
  storage,
  withDatabase,
  woman
} from "./fixtures.js"
import { type AreaConformance, area, expectIntact, refusal, type Suite } from "./support.js"

const list = (by: string, unitId: string, filter: EFileFilter.Filter, limit = 100) =>
  Effect.flatMap(Accounts.actorOf(by), (a) => EFiles.list(a, unitId, { limit }, filter))

const ids = (page: { readonly items: ReadonlyArray<{ readonly id: string }> }) => page.items.map((e) => e.id)

// ── Example ──────────────────────────────────────────────────────────────────────────────────────────────────────

const searchExample = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M13.3 M13.4 an info admin finds e-files of its subtree by name prefix, identity number, status, stage and entries awaiting review",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo({ name: "王建国", idNumber: woman(1) })))
        await onboard(h, "ia-s1", hire("t2", "s1", basicInfo({ name: "王芳", idNumber: woman(2) })))
        await onboard(h, "ia-s1", hire("t3", "s1-d1", basicInfo({ name: "李王", idNumber: woman(3) })))
        await onboard(h, "ia-s2", hire("t4", "s2", basicInfo({ name: "王建", idNumber: woman(4) })))
        // In path order: s1's department (…/s1/s1-d1/t3) sorts before s1's own e-files (…/s1/t1).
        // t1 submitted (awaits the school's review), t4 effective, t2 and t3 drafts.
        const school = await h.run(Accounts.actorOf("ia-s1"))
        await h.run(EFiles.review(school, "t1-basic", { type: "submit" }, 1))
        await makeEffective(h, "t4-basic", "ia-s2", "ia-jiangan")
        await h.run(EFiles.recordStatus(school, "t2", { status: "retired", effective: "2026-01-01" }, 1))

        expect(ids(await h.run(list("ia-jiangan", "jiangan", { name: "王" })))).toEqual(["t1", "t2", "t4"])
        expect(ids(await h.run(list("ia-jiangan", "jiangan", { name: " 王建 " })))).toEqual(["t1", "t4"])
        expect(ids(await h.run(list("ia-s1", "s1", { name: "王建" })))).toEqual(["t1"])
        expect(ids(await h.run(list("ia-s1", "s1", { name: "建" })))).toEqual([])
        expect(ids(await h.run(list("ia-root", "hubei", { idNumber: woman(3) })))).toEqual(["t3"])
        expect(ids(await h.run(list("ia-s2", "s2", { idNumber: woman(3) })))).toEqual([])
        expect(ids(await h.run(list("ia-jiangan", "jiangan", { status: "retired" })))).toEqual(["t2"])
        expect(ids(await h.run(list("ia-jiangan", "jiangan", { status: "serving", name: "王" })))).toEqual(["t1", "t4"])
        const stage = (await getEFile(h, "t4"))!.value.stage
        expect(ids(await h.run(list("ia-jiangan", "jiangan", { stage })))).toEqual(
          ["t1", "t2", "t3", "t4"].filter((id) => (id === "t4" ? true : stage === "primary"))
        )
        expect(ids(await h.run(list("ia-jiangan", "jiangan", { pendingReview: true })))).toEqual(["t1"])
        expect(ids(await h.run(list("ia-jiangan", "jiangan", { pendingReview: false })))).toEqual(["t3", "t2", "t4"])
        // Out of scope stays out of scope, filter or not (M14.3).
        expect(refusal(await h.result(list("ia-s2", "s1", { name: "王" })))).toEqual(["forbidden", "M14.3"])
        await expectIntact(h)
      })
  )
}

const queryerSearch = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M37.2 an info query-er searches by name, masked, but may not filter by an identity number it cannot see; the refusal is audited",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo({ name: "王建国", idNumber: woman(1) })))
        const found = await h.run(list("iq-s1", "s1", { name: "王" }))
        expect(ids(found)).toEqual(["t1"])
        expect(found.items[0]?.idNumber).not.toBe(woman(1))
        expect(found.items[0]?.idNumber).toContain("*")
        // Whether the number is there or not, the answer is the same refusal.
        for (const number of [woman(1), woman(2), woman(1).toLowerCase()]) {
          expect(refusal(await h.result(list("iq-s1", "s1", { idNumber: number })))).toEqual(["forbidden", "M37.2"])
        }
        const audit = (await h.run(auditRecords)).filter((r) => r.action === "efile.list")
        expect(audit.map((r) => r.outcome)).toEqual(["ok", "refused", "refused", "refused"])
        expect(audit[0]?.details).toMatchObject({ count: 1, masked: true, filter: { name: "王" } })
        // The log keeps the number searched for masked, as its readers may see it.
        expect(JSON.stringify(audit.slice(1).map((r) => r.details))).not.toContain(woman(1))
        expect(audit[1]?.details).toMatchObject({ rule: "M37.2" })
        // An info admin may: it sees the numbers in full.
        expect(ids(await h.run(list("ia-s1", "s1", { idNumber: woman(1).toLowerCase() })))).toEqual(["t1"])
        await expectIntact(h)
      })
  )
}

// ── Property ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** The units e-files are kept at in the property, with their paths; and the roots it searches. */
const places = [
  ["s1", s1Path],
  ["s1-d1", `${s1Path}s1-d1/`],
  ["s2", "/hubei/wuhan/jiangan/s2/"]
] as const
const roots = [root, "/hubei/wuhan/jiangan/", ...places.map(([, path]) => path)]

const nameParts = ["王", "李", "建", "国", "A", "a", " ", "𠮷"]
const numbers = Array.from({ length: 12 }, (_, i) => `4201${String(i).padStart(13, "0")}${i % 3 === 0 ? "X" : "1"}`)
const states = Review.State.literals
const statuses = ["serving", "notServing", "retired", "resigned"] as const
const stages = ["primary", "juniorSecondary", "kindergarten"] as const

const newEFile = fc.record({
  place: fc.constantFrom(...places),
  name: fc.array(fc.constantFrom(...nameParts), { minLength: 1, maxLength: 4 }).map((p) => p.join("")),
  idNumber: fc.constantFrom(...numbers),
  status: fc.constantFrom(...statuses),
  stage: fc.constantFrom(...stages),
  entries: fc.array(fc.constantFrom(...states), { maxLength: 3 })
})

/** A filter of none, one or two fields, so that most filters keep some e-files. */
const filter: fc.Arbitrary<EFileFilter.Filter> = fc
  .record({
    name: fc.array(fc.constantFrom(...nameParts), { minLength: 1, maxLength: 2 }).map((p) => p.join("")),
    idNumber: fc.constantFrom(...numbers).chain((n) => fc.constantFrom(n, n.toLowerCase(), ` ${n}`)),
    status: fc.constantFrom(...statuses),
    stage: fc.constantFrom(...stages),
    pendingReview: fc.boolean()
  })
  .chain((all) =>
    fc
      .subarray(Object.keys(all) as Array<keyof typeof all>, { maxLength: 2 })
      .map((keys): EFileFilter.Filter => Object.fromEntries(keys.map((k) => [k, all[k]])))
  )

const pagedSearch = ({ makeDatabase, timeout, options }: Suite): void => {
  it(
    "M13.3 M13.4 for random e-files and random filters, the filtered pages are the unfiltered listing filtered in memory: same order, full pages, nothing twice, nothing missed",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t0", "s1", basicInfo()))
        const template = (await getEFile(h, "t0"))!.value
        // Every run adds its e-files to those of the runs before: the expectation is over all of them.
        const held: Array<{ readonly efile: EFile.EFile; readonly states: ReadonlyArray<Review.State> }> = [
          { efile: template, states: ["draft"] }
        ]
        let run = 0
        await fc.assert(
          fc.asyncProperty(
            fc.array(newEFile, { maxLength: 12 }),
            fc.array(fc.tuple(filter, fc.constantFrom(...roots), fc.integer({ min: 1, max: 4 })), {
              minLength: 1,
              maxLength: 4
            }),
            async (made, searches) => {
              run += 1
              const efiles = made.map(
                (m, i): EFile.EFile => ({
                  ...template,
                  id: EFile.TeacherId(`r${run}-${i}`),
                  unitId: m.place[0] as Unit.UnitId,
                  path: `${m.place[1]}r${run}-${i}`,
                  name: m.name,
                  idNumber: m.idNumber,
                  status: m.status,
                  stage: m.stage
                })
              )
              const inserted = await h.run(Effect.flatMap(storage, (s) => s.teachers.insertMany(efiles)))
              const entries = efiles.flatMap((efile, i) =>
                inserted.has(efile.id)
                  ? made[i]!.entries.map((state, j): EFile.Entry => {
                      const id = `${efile.id}-e${j}`
                      const persisted = Review.persist(
                        Review.initial({
                          id,
                          group: "basicInfo",
                          teacher: efile.idNumber,
                          teacherMayEnter: true,
                          problems: []
                        })
                      )
                      return { id, teacherId: efile.id, group: "basicInfo", data: {}, review: { ...persisted, state } }
                    })
                  : []
              )
              await h.run(Effect.flatMap(storage, (s) => s.entries.insertMany(entries)))
              efiles.forEach((efile, i) => {
                if (inserted.has(efile.id)) held.push({ efile, states: made[i]!.entries })
              })

              for (const [f, at, limit] of searches) {
                const expected = held
                  .filter(({ efile }) => efile.path.startsWith(at))
                  .filter(({ efile, states }) =>
                    EFileFilter.matches(
                      f,
                      efile,
                      states.map((state) => ({ review: { state, context: undefined as never } }))
                    )
                  )
                  .map(({ efile }) => efile)
                  .sort(byPath)
                const got: Array<EFile.EFile> = []
                let after: string | undefined
                do {
                  const page = await h.run(Effect.flatMap(storage, (s) => s.teachers.search(at, f, { after, limit })))
                  if (page.next !== undefined) expect(page.items.length).toBe(limit)
                  got.push(...page.items)
                  after = page.next
                } while (after !== undefined)
                expect(got.map((e) => e.id)).toEqual(expected.map((e) => e.id))
                expect(new Set(got.map((e) => e.id)).size).toBe(got.length)
              }
            }
          ),
          { numRuns: options.numRuns ?? 20 }
        )
      })
  )
}

// ── A unit's change requests ─────────────────────────────────────────────────────────────────────────────────────

const unitChangeRequests = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M19.2 a unit's change requests: those on the e-files of its subtree, by state, a page at a time, for the info admins of the unit or above",
    { timeout },
    () =>
      withDatabase(makeDatabase, hubei, async (h) => {
        await setup(h)
        await onboard(h, "ia-s1", hire("t1", "s1", basicInfo({ idNumber: woman(1) })))
        await onboard(h, "ia-s1", hire("t3", "s1-d1", basicInfo({ idNumber: woman(3) })))
        await onboard(h, "ia-s2", hire("t2", "s2", basicInfo({ idNumber: woman(2) })))
        for (const [t, school] of [
          ["t1", "ia-s1"],
          ["t3", "ia-s1"],
          ["t2", "ia-s2"]
        ] as const) {
          await makeEffective(h, `${t}-basic`, school, "ia-jiangan")
        }
        const request = (by: string, id: string, teacher: string) =>
          h.run(
            Effect.flatMap(Accounts.actorOf(by), (a) =>
              EFiles.requestChange(a, { id, entryId: `${teacher}-basic`, change: { staffNumber: id }, reason: "补录" })
            )
          )
        await request("ia-s1", "cr-a", "t1")
        await request("ia-s1", "cr-b", "t1")
        await request("ia-s1", "cr-c", "t3")
        await request("ia-s2", "cr-d", "t2")
        const bureau = await h.run(Accounts.actorOf("ia-jiangan"))
        await h.run(EFiles.approveChange(bureau, "cr-a", 1))
        await h.run(EFiles.refuseChange(bureau, "cr-d", "工号有误", 1))

        const listed = (by: string, unitId: string, status?: "requested" | "applied" | "refused", limit = 100) =>
          h.result(
            Effect.flatMap(Accounts.actorOf(by), (a: Authorization.Actor) =>
              EFiles.changeRequests(a, unitId, status, { limit })
            )
          )
        const idsOf = async (by: string, unitId: string, status?: "requested" | "applied" | "refused") => {
          const result = await listed(by, unitId, status)
          if (!result.ok) throw new Error(`listing failed: ${String(result.error)}`)
          return result.value.items.map((r) => r.value.id)
        }
        expect(await idsOf("ia-jiangan", "jiangan")).toEqual(["cr-a", "cr-b", "cr-c", "cr-d"])
        expect(await idsOf("ia-root", "hubei", "requested")).toEqual(["cr-b", "cr-c"])
        expect(await idsOf("ia-jiangan", "jiangan", "applied")).toEqual(["cr-a"])
        expect(await idsOf("ia-jiangan", "jiangan", "refused")).toEqual(["cr-d"])
        expect(await idsOf("ia-s1", "s1")).toEqual(["cr-a", "cr-b", "cr-c"])
        expect(await idsOf("ia-s1", "s1-d1")).toEqual(["cr-c"])
        expect(await idsOf("ia-s2", "s2")).toEqual(["cr-d"])
        // The e-file and the version each request is at, to approve or refuse it.
        const all = await listed("ia-jiangan", "jiangan")
        expect(all.ok && all.value.items.map((r) => [r.value.id, r.teacherId, r.version, r.value.status])).toEqual([
          ["cr-a", "t1", 2, "applied"],
          ["cr-b", "t1", 1, "requested"],
          ["cr-c", "t3", 1, "requested"],
          ["cr-d", "t2", 2, "refused"]
        ])
        // A page at a time, by id: nothing twice, nothing missed.
        const paged: Array<string> = []
        let after: string | undefined
        do {
          const page = await h.run(
            Effect.flatMap(Accounts.actorOf("ia-jiangan"), (a) =>
              EFiles.changeRequests(a, "jiangan", undefined, { after, limit: 1 })
            )
          )
          paged.push(...page.items.map((r) => r.value.id))
          after = page.next
        } while (after !== undefined)
        expect(paged).toEqual(["cr-a", "cr-b", "cr-c", "cr-d"])

        expect(refusal(await listed("iq-s1", "s1"))).toEqual(["forbidden", "M13.4"])
        expect(refusal(await listed("sa-s1", "s1"))).toEqual(["forbidden", "M13.2"])
        expect(refusal(await listed("ia-s1", "jiangan"))).toEqual(["forbidden", "M14.3"])
        expect(refusal(await listed("ia-s2", "s1"))).toEqual(["forbidden", "M14.3"])
        const audit = (await h.run(auditRecords)).filter((r) => r.action === "changeRequest.list")
        expect(audit.filter((r) => r.outcome === "refused").length).toBe(4)
        await expectIntact(h)
      })
  )
}

/**
 * The search area: e-files searched within one's scope (M13.3, M13.4, M37.2) and a unit's change requests (M19.2).
 *
 * @since 0.1.0
 */
export const searchConformance: AreaConformance = area("search", [
  searchExample,
  queryerSearch,
  pagedSearch,
  unitChangeRequests
])
