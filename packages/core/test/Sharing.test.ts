import { generateKeyPairSync } from "node:crypto"
import { type Authorization, Grant, Indicator, MachineClient, SharingRequest, type Unit } from "@tmis/core"
import { actorAt, coreBasicInfo, followsItsRoute, hierarchy } from "@tmis/testkit/arbitraries"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const ref = (path: string, kind: Unit.Kind): Authorization.UnitRef => ({
  id: path
    .split("/")
    .filter((x) => x !== "")
    .at(-1)! as Unit.UnitId,
  kind,
  path
})
const hubei = ref("/n/hubei/", "province")
const jiangan = ref("/n/hubei/wuhan/jiangan/", "county")
const s1 = ref("/n/hubei/wuhan/jiangan/s1/", "school")
const s2 = ref("/n/hubei/wuhan/jiangan/s2/", "school")
const d1 = ref("/n/hubei/wuhan/jiangan/s1/d1/", "department")
const admin = (unit: Authorization.UnitRef) => actorAt(unit, "infoAdmin")
const filer = { ...admin(hubei), accountId: "filer" } as Authorization.Actor
const now = { requireCertificateFor: [], now: new Date("2026-03-01T01:00:00.000Z") }
const at = "2026-03-02T08:00:00.000Z"

const input = (unit: Authorization.UnitRef = jiangan): SharingRequest.Input => ({
  id: "sr-1",
  requester: { organisation: "湖北省人力资源和社会保障厅", system: "职称评审系统" },
  purpose: "职称评审资格核验",
  scope: {
    fields: ["basicInfo.name", "basicInfo.birthDate", "titles.title"],
    unit,
    period: { start: "2026-03-01", end: "2026-12-31" }
  }
})

const filed = (unit: Authorization.UnitRef = jiangan) =>
  Either.getOrThrow(SharingRequest.decideInitiate(input(unit), jiangan, filer, now))

describe("SharingRequest", () => {
  it("M31.1 property derived from the request's definition: it follows its route whoever sends what", () => {
    fc.assert(
      followsItsRoute({
        chain: SharingRequest.chain,
        route: "M31.1",
        initial: filed(),
        actors: { requester: filer, owningBureau: admin(jiangan) },
        outsiders: [
          admin(s1),
          admin(s2),
          admin(hubei),
          actorAt(jiangan, "infoQueryer"),
          actorAt(jiangan, "systemAdmin")
        ],
        outsiderRules: ["M13.2", "M13.4", "M14.3"]
      })
    )
  })

  it("M31.1 the owning bureau is the subtree's root when administrative, else the school's competent bureau", () => {
    expect(SharingRequest.ownerOf(jiangan)).toBe("jiangan")
    expect(SharingRequest.ownerOf(s1)).toBe("jiangan")
    expect(SharingRequest.ownerOf(d1)).toBe("jiangan")
    expect(SharingRequest.decideInitiate(input(s1), jiangan, filer, now)._tag).toBe("Right")
    const wrongOwner = SharingRequest.decideInitiate(input(s1), hubei, filer, now)
    expect(Either.isLeft(wrongOwner) && wrongOwner.left.rule).toBe("M31.1")
  })

  it("M31.1 a request names the requester, a purpose, at least one field once and a real period", () => {
    const refusedWith = (change: Partial<SharingRequest.Input>, field: string) => {
      const result = SharingRequest.decideInitiate({ ...input(), ...change }, jiangan, filer, now)
      expect(Either.isLeft(result) && [result.left.rule, result.left.kind, result.left.details.field]).toEqual([
        "M31.1",
        "invalid",
        field
      ])
    }
    refusedWith({ purpose: "  " }, "purpose")
    refusedWith({ requester: { organisation: "", system: "x" } }, "requester")
    refusedWith({ scope: { ...input().scope, fields: [] } }, "scope.fields")
    refusedWith({ scope: { ...input().scope, fields: ["basicInfo.name", "basicInfo.name"] } }, "scope.fields")
    refusedWith({ scope: { ...input().scope, period: { start: "2026-05-01", end: "2026-04-30" } } }, "scope.period.end")
    const queryer = SharingRequest.decideInitiate(input(), jiangan, actorAt(hubei, "infoQueryer"), now)
    expect(Either.isLeft(queryer) && queryer.left.kind).toBe("forbidden")
  })

  it("M31.1 the owning bureau approves the request as filed: the grant is exactly the requested scope", () => {
    const approved = Either.getOrThrow(SharingRequest.decideApprove(filed(), admin(jiangan), at, undefined))
    expect(approved.value).toBe("completed")
    const grant = Grant.ofRequest("g-1", approved)!
    expect(grant.scope).toEqual(input().scope)
    expect(grant.grantedBy).toBe(admin(jiangan).accountId)
  })

  it("M31.1 the owning bureau narrows a request: fewer fields, a smaller subtree, a shorter period", () => {
    const narrowed = { fields: ["basicInfo.name"], unit: s1, period: { start: "2026-04-01", end: "2026-06-30" } }
    const approved = Either.getOrThrow(SharingRequest.decideApprove(filed(), admin(jiangan), at, narrowed))
    expect(Grant.ofRequest("g-1", approved)!.scope).toEqual(narrowed)
  })

  it("M31.1 a bureau never grants more than was asked: another field, a unit outside, a longer period", () => {
    const scope = input().scope
    for (const wider of [
      { ...scope, fields: [...scope.fields, "basicInfo.idNumber"] },
      { ...scope, unit: hubei },
      { ...scope, period: { start: "2026-01-01", end: "2026-12-31" } }
    ]) {
      const result = SharingRequest.decideApprove(filed(), admin(jiangan), at, wider)
      expect(Either.isLeft(result) && [result.left.rule, result.left.details.field]).toEqual(["M31.1", "scope"])
    }
  })

  it("M31.1 the owning bureau refuses with a reason; the filer never decides its own request", () => {
    const refused = Either.getOrThrow(
      SharingRequest.send(filed(), { type: "reject", reason: "用途与字段不符", actor: admin(jiangan), at })
    )
    expect(refused.value).toBe("rejected")
    expect(Grant.ofRequest("g-1", refused)).toBeUndefined()
    const bureauFiler = { ...admin(jiangan) }
    const own = Either.getOrThrow(SharingRequest.decideInitiate(input(), jiangan, bureauFiler, now))
    const self = SharingRequest.decideApprove(own, bureauFiler, at, undefined)
    expect(Either.isLeft(self) && [self.left.rule, self.left.kind]).toEqual(["M31.1", "forbidden"])
  })
})

describe("Grant", () => {
  const grantOf = (scope: SharingRequest.Scope) =>
    Grant.ofRequest(
      "g-1",
      Either.getOrThrow(
        SharingRequest.decideApprove(
          Either.getOrThrow(SharingRequest.decideInitiate({ ...input(), scope }, jiangan, filer, now)),
          admin(jiangan),
          at,
          undefined
        )
      )
    )!

  it("M31.1 a read gives the granted fields of effective entries of e-files in the granted units, in the period", () => {
    const grant = grantOf(input().scope)
    const source: Grant.Source = {
      id: "t1",
      unitId: "s1",
      path: "/n/hubei/wuhan/jiangan/s1/t1",
      entries: [
        { group: "basicInfo", data: { name: "张三", birthDate: "1980-01-01", idNumber: "X" }, effective: true },
        { group: "titles", data: { title: "高级" }, effective: false },
        { group: "pay", data: { amount: 1 }, effective: true }
      ]
    }
    expect(Grant.project(grant, source, at)).toEqual({
      id: "t1",
      unitId: "s1",
      records: { basicInfo: [{ name: "张三", birthDate: "1980-01-01" }] }
    })
    expect(Grant.project(grant, { ...source, path: "/n/hubei/wuhan/jianghan/s3/t1" }, at)).toBeUndefined()
    expect(Grant.project(grant, source, "2027-01-01T00:00:00.000Z")).toBeUndefined()
    expect(Grant.decideRead(grant, "2027-01-01T00:00:00.000Z")?.details.reason).toBe("expired")
    expect(Grant.decideRead(grant, "2026-02-28T23:59:59.000Z")?.details.reason).toBe("notYet")
  })

  it("M31.1 the owning bureau revokes a grant with a reason; nothing is read through it afterwards", () => {
    const grant = grantOf(input().scope)
    const other = Grant.decideRevoke(grant, admin(hubei), at, "不再需要")
    expect(Either.isLeft(other) && other.left.rule).toBe("M31.1")
    expect(Either.isLeft(Grant.decideRevoke(grant, admin(jiangan), at, " "))).toBe(true)
    const revoked = Either.getOrThrow(Grant.decideRevoke(grant, admin(jiangan), at, "用途已完成"))
    expect(Grant.decideRead(revoked, "2026-03-02T07:59:59.000Z")).toBeUndefined()
    expect(Grant.decideRead(revoked, at)?.details.reason).toBe("revoked")
    expect(Either.isLeft(Grant.decideRevoke(revoked, admin(jiangan), at, "again"))).toBe(true)
  })

  // The property: random grants over random hierarchies, random e-files and random reads. Nothing outside the grant
  // is ever returned — no field, no unit, no day outside it — and what is returned is exactly the grant's part.
  const basicInfo = Indicator.getGroup(Indicator.core, "basicInfo")!.fields.map((f) => f.key)
  const universe = [...basicInfo.map((k) => `basicInfo.${k}`), "titles.title", "titles.date", "pay.amount"]
  const day = fc.integer({ min: 0, max: 120 }).map((n) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000))
  const iso = (d: Date) => d.toISOString().slice(0, 10)

  it("M31.1 property: for random grants and random reads, nothing outside the grant is ever returned", () => {
    const scenario = hierarchy({ deployment: "provincial" })
      .filter((g) => g.hierarchy.units.size > 1)
      .chain((g) => {
        const units = [...g.hierarchy.units.values()]
        const keeping = units.filter((u) => u.kind === "school" || u.kind === "department")
        return fc.record({
          grantUnit: fc.constantFrom(...units),
          fields: fc.subarray(universe, { minLength: 1 }),
          start: day,
          length: fc.integer({ min: 0, max: 60 }),
          revokedAfter: fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }),
          reads: fc.array(
            fc.record({
              unit: fc.constantFrom(...(keeping.length > 0 ? keeping : units)),
              basic: fc.array(fc.tuple(coreBasicInfo(), fc.boolean()), { maxLength: 2 }),
              other: fc.array(
                fc.record({
                  group: fc.constantFrom("titles", "pay", "extra"),
                  data: fc.dictionary(fc.constantFrom("title", "date", "amount", "other"), fc.string()),
                  effective: fc.boolean()
                }),
                { maxLength: 3 }
              ),
              when: day.chain((d) => fc.integer({ min: 0, max: 86_399 }).map((s) => new Date(d.getTime() + s * 1000)))
            }),
            { minLength: 1, maxLength: 4 }
          )
        })
      })
    fc.assert(
      fc.property(scenario, (s) => {
        const end = new Date(s.start.getTime() + s.length * 86_400_000)
        const grant: Grant.Grant = {
          id: "g",
          requestId: "r",
          requester: { organisation: "o", system: "s" },
          purpose: "p",
          owner: { id: s.grantUnit.id, kind: s.grantUnit.kind, path: s.grantUnit.path },
          scope: {
            fields: s.fields,
            unit: { id: s.grantUnit.id, kind: s.grantUnit.kind, path: s.grantUnit.path },
            period: { start: iso(s.start), end: iso(end) }
          },
          grantedBy: "b",
          grantedAt: s.start.toISOString(),
          ...(s.revokedAfter === undefined
            ? {}
            : {
                revocation: {
                  by: "b",
                  at: new Date(s.start.getTime() + s.revokedAfter * 3_600_000).toISOString(),
                  reason: "r"
                }
              })
        }
        s.reads.forEach((read, i) => {
          const source: Grant.Source = {
            id: `t${i}`,
            unitId: read.unit.id,
            path: `${read.unit.path}t${i}`,
            entries: [
              ...read.basic.map(([data, effective]) => ({ group: "basicInfo", data, effective })),
              ...read.other
            ]
          }
          const when = read.when.toISOString()
          const shared = Grant.project(grant, source, when)
          const inForce =
            iso(read.when) >= grant.scope.period.start &&
            iso(read.when) <= grant.scope.period.end &&
            (grant.revocation === undefined || when < grant.revocation.at)
          const inUnits = source.path.startsWith(grant.scope.unit.path)
          if (!inForce || !inUnits) {
            expect(shared).toBeUndefined()
            return
          }
          expect(shared).toBeDefined()
          // No field outside the grant, each value as the source has it in an effective entry of its group.
          for (const [group, records] of Object.entries(shared!.records)) {
            const sources = source.entries.filter((e) => e.group === group && e.effective)
            expect(records.length).toBeLessThanOrEqual(sources.length)
            for (const record of records) {
              for (const [field, value] of Object.entries(record)) {
                expect(s.fields).toContain(`${group}.${field}`)
                expect(sources.some((e) => e.data[field] === value)).toBe(true)
              }
            }
          }
          // And nothing granted is held back: every effective entry with a granted field appears, with all of them.
          const expected = source.entries
            .filter((e) => e.effective)
            .map((e) => [
              e.group,
              Object.fromEntries(Object.entries(e.data).filter(([f]) => s.fields.includes(`${e.group}.${f}`)))
            ])
            .filter(([, kept]) => Object.keys(kept as object).length > 0)
          expect(Object.values(shared!.records).flat().length).toBe(expected.length)
        })
      }),
      { numRuns: 150 }
    )
  })
})

describe("MachineClient", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519")
  const pem = publicKey.export({ format: "pem", type: "spki" }).toString()
  const client: MachineClient.Client = {
    id: "c-1",
    grantId: "g-1",
    name: "职称评审系统",
    publicKey: MachineClient.normalisePublicKey(pem)!,
    status: "active",
    createdBy: "a",
    createdAt: at
  }
  const t = new Date(at)
  const issued = Math.floor(t.getTime() / 1000)

  it("M30.1 a machine client authenticates with a token signed by its Ed25519 key, never a password", () => {
    expect(MachineClient.authenticate(client, MachineClient.token("c-1", privateKey, issued), t)).toEqual(
      Either.right(client)
    )
  })

  it("M30.1 a token of another key, another client, a stale time or a disabled client does not authenticate", () => {
    const other = generateKeyPairSync("ed25519").privateKey
    const refused = (token: string, c: MachineClient.Client | "unknown" = client) => {
      const result = MachineClient.authenticate(c === "unknown" ? undefined : c, token, t)
      expect(Either.isLeft(result) && [result.left.kind, result.left.rule]).toEqual(["unauthenticated", "M30.1"])
    }
    refused(MachineClient.token("c-1", other, issued))
    refused(MachineClient.token("c-2", privateKey, issued))
    refused(MachineClient.token("c-1", privateKey, issued - 301))
    refused(MachineClient.token("c-1", privateKey, issued + 301))
    refused(MachineClient.token("c-1", privateKey, issued), { ...client, status: "disabled" })
    refused(MachineClient.token("c-1", privateKey, issued), "unknown")
    refused("c-1.123.notasignature")
    expect(MachineClient.normalisePublicKey("not a key")).toBeUndefined()
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ format: "pem", type: "spki" })
    expect(MachineClient.normalisePublicKey(rsa.toString())).toBeUndefined()
  })
})
