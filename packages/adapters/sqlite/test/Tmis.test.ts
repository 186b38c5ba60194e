/**
 * The Promise facade (`Tmis.make`) over a real SQLite file: the services as async functions on one runtime, refusals
 * rejecting as `RefusalError` with their rule, stale versions and missing objects as the core's own errors, several
 * services in one transaction, and `dispose` closing the database.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Accounts, Deployment, IdentityNumber, type Indicator, Settings, Storage, Tmis, Unit, Units } from "@tmis/core"
import Database from "better-sqlite3"
import { Effect, Layer } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"

const day = "2017-03-31"
let serial = 0
const person = (name: string) => {
  const first17 = `42010219850101${String(200 + serial++).padStart(3, "0")}`
  return { name, identityNumber: first17 + IdentityNumber.checkCharacter(first17) }
}
const basicInfo: Indicator.BasicInfo = {
  name: "李老师",
  sex: "2",
  nationality: "156",
  idType: "1",
  idNumber: "420102199003071224",
  birthDate: "1990-03-07",
  ethnicity: "01",
  politicalStatus: "13",
  workStartMonth: "2012-09",
  schoolEntryMonth: "2015-09",
  staffSource: "11",
  staffCategory: "11",
  onEstablishment: true,
  contractStatus: "1",
  normalMajorGraduate: true,
  specialEducationTrained: false,
  specialEducationCertificate: false,
  itApplicationAbility: "1",
  publicFundedNormalStudent: "0",
  grassrootsService: "0",
  specialGradeTeacher: false,
  backboneTeacher: false,
  mentalHealthTeacher: false,
  personnelStatus: "11"
}

let directory: string
let filename: string
let tmis: Tmis.Tmis

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "tmis-facade-"))
  filename = join(directory, "tmis.sqlite")
  tmis = Tmis.make({
    layer: Layer.merge(Sqlite.layer({ filename }), Settings.layer(Deployment.provincial("42")))
  })
})

afterEach(async () => {
  await tmis.dispose()
  await rm(directory, { recursive: true, force: true })
})

/** Hubei, its city, county and a school, each with a system admin and an info admin, through the facade. */
const province = async () => {
  await tmis.accounts.bootstrap(
    { id: "hubei", kind: "province", name: "湖北省教育厅", code: "420000", validFrom: day },
    { id: "sa-hubei", person: person("王建国") }
  )
  await tmis.accounts.create(
    await tmis.accounts.actorOf("sa-hubei"),
    { id: "ia-hubei", role: "infoAdmin", person: person("李秀英") },
    "hubei"
  )
  const levels = [
    { parent: "hubei", unit: { id: "wuhan", kind: "city", name: "武汉市教育局", code: "420100", validFrom: day } },
    { parent: "wuhan", unit: { id: "jiangan", kind: "county", name: "江岸区教育局", code: "420102", validFrom: day } },
    {
      parent: "jiangan",
      unit: {
        id: "jaxx",
        kind: "school",
        name: "江岸区实验小学",
        code: "2142000101",
        validFrom: day,
        school: { schoolType: "211", sponsor: "21" }
      }
    }
  ] as const
  for (const { parent, unit } of levels) {
    await tmis.units.create(await tmis.accounts.actorOf(`ia-${parent}`), unit, parent)
    await tmis.accounts.create(
      await tmis.accounts.actorOf(`sa-${parent}`),
      { id: `sa-${unit.id}`, role: "systemAdmin", person: person("张伟") },
      unit.id
    )
    await tmis.accounts.create(
      await tmis.accounts.actorOf(`sa-${unit.id}`),
      { id: `ia-${unit.id}`, role: "infoAdmin", person: person("刘洋") },
      unit.id
    )
  }
}

const employment = { onEstablishment: true, contractMonths: undefined, postCategory: "1" } as const

describe("Tmis: the Promise facade over the Effect services (SQLite)", () => {
  it("M17.1 an e-file through review with plain async functions; the school may not take the bureau's step", async () => {
    await province()
    const school = await tmis.accounts.actorOf("ia-jaxx")
    const bureau = await tmis.accounts.actorOf("ia-jiangan")
    await tmis.efiles.onboard(school, { id: "t-li", entryId: "t-li-basic", unitId: "jaxx", basicInfo, employment })
    let entry = await tmis.efiles.review(school, "t-li-basic", { type: "submit" }, 1)
    entry = await tmis.efiles.review(
      school,
      "t-li-basic",
      { type: "approveBySchool", collectiveReview: "校务会2026-11号", principal: "周校长", signedOn: "2026-11-28" },
      entry.version
    )
    const refused = await tmis.efiles
      .review(school, "t-li-basic", { type: "approveByBureau" }, entry.version)
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(Tmis.RefusalError)
    expect(refused).toBeInstanceOf(Error)
    expect(refused).toMatchObject({ rule: "M17.1", kind: "forbidden" })
    expect((refused as Tmis.RefusalError).zh.length).toBeGreaterThan(0)
    expect((refused as Tmis.RefusalError).message).toContain("M17.1")
    entry = await tmis.efiles.review(bureau, "t-li-basic", { type: "approveByBureau" }, entry.version)
    expect(entry.value.review.state).toBe("effective")
    const audit = await tmis.audit.verifyAuditLog()
    expect(audit._tag).toBe("Intact")
  })

  it("M17.4 a store-enforced refusal (a second e-file for the same identity document) rejects as RefusalError too", async () => {
    await province()
    const school = await tmis.accounts.actorOf("ia-jaxx")
    await tmis.efiles.onboard(school, { id: "t-li", entryId: "t-li-basic", unitId: "jaxx", basicInfo, employment })
    const again = await tmis.efiles
      .onboard(school, { id: "t-li-2", entryId: "t-li-2-basic", unitId: "jaxx", basicInfo, employment })
      .catch((e: unknown) => e)
    expect(again).toBeInstanceOf(Tmis.RefusalError)
    expect(again).toMatchObject({ rule: "M17.4", kind: "conflict" })
  })

  it("a stale version rejects with Storage.Conflict and a missing object with Storage.NotFound, never a FiberFailure", async () => {
    await province()
    const admin = await tmis.accounts.actorOf("sa-jaxx")
    const stale = await tmis.accounts.disable(admin, "ia-jaxx", 99).catch((e: unknown) => e)
    expect(stale).toBeInstanceOf(Storage.Conflict)
    expect(stale).toMatchObject({ entity: "account", id: "ia-jaxx", expectedVersion: 99 })
    const missing = await tmis.accounts.actorOf("nobody").catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(Storage.NotFound)
  })

  it("M12.2 several services in one transaction: all their writes or none", async () => {
    await province()
    const infoAdmin = await tmis.accounts.actorOf("ia-jiangan")
    const systemAdmin = await tmis.accounts.actorOf("sa-jiangan")
    const school = {
      id: "jadz",
      kind: "school",
      name: "江岸区第二中学",
      code: "3142000102",
      validFrom: day,
      school: { schoolType: "311", sponsor: "21" }
    } as const
    // The unit is created, then its system admin is refused (a mistyped identity number): neither is kept.
    const failed = await tmis
      .transaction(
        Effect.gen(function* () {
          yield* Units.create(infoAdmin, school, "jiangan")
          const bad = person("错号")
          const mistyped = `${bad.identityNumber.slice(0, 17)}${bad.identityNumber.endsWith("0") ? "1" : "0"}`
          yield* Accounts.create(
            systemAdmin,
            { id: "sa-jadz", role: "systemAdmin", person: { ...bad, identityNumber: mistyped } },
            "jadz"
          )
        })
      )
      .catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(Tmis.RefusalError)
    expect(await tmis.units.load("jadz").catch((e: unknown) => e)).toBeInstanceOf(Storage.NotFound)
    // The same two services, both accepted: committed together.
    await tmis.transaction(
      Effect.gen(function* () {
        yield* Units.create(infoAdmin, school, "jiangan")
        yield* Accounts.create(systemAdmin, { id: "sa-jadz", role: "systemAdmin", person: person("赵敏") }, "jadz")
      })
    )
    expect((await tmis.accounts.load("sa-jadz")).value.unitId).toBe("jadz")
  })

  it("one runtime: the database opens once for all calls, and dispose closes it", async () => {
    await province()
    await tmis.units.subtree(await tmis.accounts.actorOf("sa-hubei"), "hubei", { limit: 10 })
    await tmis.run(Effect.flatMap(Storage.Storage, (storage) => storage.units.get(Unit.UnitId.make("hubei"))))
    await tmis.dispose()
    // Closed: another connection may now take the writers' lock at once and sees every write.
    const raw = new Database(filename)
    try {
      raw.pragma("busy_timeout = 0")
      raw.exec("begin immediate; commit")
      expect(raw.prepare("select count(*) as n from units").get()).toEqual({ n: 4 })
    } finally {
      raw.close()
    }
  })
})
