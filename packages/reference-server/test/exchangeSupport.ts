/**
 * What the exchange tests share (M32.1): the national deployment's settings (a cheap scrypt, as `cheapSettings`) and
 * its top unit with a system admin and an info admin who runs the exchange, with the demo's first password.
 */
import { Accounts, Auth, Deployment, EFile, Settings, Storage, Units } from "@tmis/core"
import { Effect } from "effect"
import * as Demo from "../src/Demo.js"
import { identityNumber } from "./support.js"

export const nationalSettings = Settings.layer(Deployment.national, undefined, undefined, undefined, {
  N: 2 ** 10,
  r: 8,
  p: 1
})

/** The Ministry's unit `moe`, its system admin `sa-moe` and its info admin `ia-moe`. */
export const bootstrapNational = Effect.gen(function* () {
  const person = (n: number) => ({ name: "王建国", identityNumber: identityNumber("110105", "1970-01-01", n) })
  yield* Accounts.bootstrap(
    { id: "moe", kind: "national", name: "教育部", code: "000000", validFrom: "2020-01-01" },
    { id: "sa-moe", person: person(11) }
  )
  yield* Auth.bootstrapPassword("sa-moe", Demo.demoPassword)
  const admin = yield* Accounts.actorOf("sa-moe")
  yield* Accounts.create(admin, { id: "ia-moe", role: "infoAdmin", person: person(12) }, "moe")
  yield* Auth.setPassword(admin, "ia-moe", Demo.demoPassword)
})

/** Guangdong (44) as a provincial deployment: a cheap scrypt, as `cheapSettings`. */
export const guangdongSettings = Settings.layer(Deployment.provincial("44"), undefined, undefined, undefined, {
  N: 2 ** 10,
  r: 8,
  p: 1
})

const validFrom = "2017-03-31"

/**
 * Guangdong's store for the transfers between provinces (M23.1): the province, 广州市, 荔湾区 and one school
 * (`lwsx`), each with a system admin handed down level by level and an info admin (`ia-<unit>`; `ia-guangdong` runs
 * the exchange), every password the demo's first.
 */
export const seedGuangdong = Effect.gen(function* () {
  const person = (n: number) => ({ name: "王建国", identityNumber: identityNumber("440103", "1975-01-01", n) })
  yield* Accounts.bootstrap(
    { id: "guangdong", kind: "province", name: "广东省教育厅", code: "440000", validFrom },
    { id: "sa-guangdong", person: person(11) }
  )
  yield* Auth.bootstrapPassword("sa-guangdong", Demo.demoPassword)
  const root = yield* Accounts.actorOf("sa-guangdong")
  yield* Accounts.create(root, { id: "ia-guangdong", role: "infoAdmin", person: person(12) }, "guangdong")
  yield* Auth.setPassword(root, "ia-guangdong", Demo.demoPassword)
  const province = yield* Accounts.actorOf("ia-guangdong")
  const units = [
    [{ id: "guangzhou", kind: "city", name: "广州市教育局", code: "440100", validFrom }, "guangdong"],
    [{ id: "liwan", kind: "county", name: "荔湾区教育局", code: "440103", validFrom }, "guangzhou"],
    [
      {
        id: "lwsx",
        kind: "school",
        name: "荔湾区实验小学",
        code: "2144000101",
        validFrom,
        school: { schoolType: "211", sponsor: "21" }
      },
      "liwan"
    ]
  ] as const
  let n = 13
  for (const [unit, parent] of units) {
    yield* Units.create(province, unit, parent)
    const admin = yield* Accounts.actorOf(`sa-${parent}`)
    yield* Accounts.create(admin, { id: `sa-${unit.id}`, role: "systemAdmin", person: person(n++) }, unit.id)
    yield* Auth.setPassword(admin, `sa-${unit.id}`, Demo.demoPassword)
    const own = yield* Accounts.actorOf(`sa-${unit.id}`)
    yield* Accounts.create(own, { id: `ia-${unit.id}`, role: "infoAdmin", person: person(n++) }, unit.id)
    yield* Auth.setPassword(own, `ia-${unit.id}`, Demo.demoPassword)
  }
})

/** Up to `count` active e-files of a unit's subtree in no open process: teachers free to transfer (M24.3). */
export const freeTeachers = (unitPath: string, count: number) =>
  Effect.gen(function* () {
    const storage = yield* Storage.Storage
    const page = yield* storage.teachers.subtree(unitPath, { limit: 1000 })
    const free: Array<EFile.EFile> = []
    for (const efile of page.items) {
      if (free.length === count) break
      const open = (yield* storage.workflows.byTeacher(efile.id)).some((w) => w.value.open)
      if (EFile.isActive(efile) && !open) free.push(efile)
    }
    return free
  })
