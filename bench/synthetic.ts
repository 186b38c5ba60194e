/**
 * Synthetic data the benchmarks share: the i-th teacher's valid basic information (unique identity numbers for
 * i < 14.6 million) and a small Hubei hierarchy with the info admins that import and transfer.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Accounts, IdentityNumber, Units } from "@tmis/core"
import { Effect } from "effect"
import pg from "pg"

const counties = ["420102", "420103", "420104", "420105", "420106", "420107", "420111", "420112", "420113", "420114"]

/** The i-th identity number: a county, a birth day between 1960 and 2000, a sequence (odd: a man). */
export const identity = (i: number): { readonly number: string; readonly birth: string; readonly sex: string } => {
  const sequence = (i % 999) + 1
  const day = Math.floor(i / 999) % 14_600
  const county = counties[Math.floor(i / (999 * 14_600)) % counties.length]!
  const birth = new Date(Date.UTC(1960, 0, 1) + day * 86_400_000).toISOString().slice(0, 10)
  const first17 = `${county}${birth.replaceAll("-", "")}${String(sequence).padStart(3, "0")}`
  return { number: first17 + IdentityNumber.checkCharacter(first17), birth, sex: sequence % 2 === 1 ? "1" : "2" }
}

/** The i-th teacher's name: 教师 and i in Chinese digits (a name holds no Arabic digit). */
const nameOf = (i: number): string => `教师${[...String(i)].map((d) => "零一二三四五六七八九"[Number(d)]).join("")}`

/** The i-th teacher's basic information (基本信息), valid for a primary school. */
export const basicInfo = (i: number) => {
  const id = identity(i)
  const year = Number(id.birth.slice(0, 4))
  return {
    name: nameOf(i),
    sex: id.sex,
    nationality: "156",
    idType: "1",
    idNumber: id.number,
    birthDate: id.birth,
    ethnicity: "01",
    politicalStatus: "13",
    workStartMonth: `${year + 22}-09`,
    schoolEntryMonth: `${year + 23}-09`,
    staffSource: "11",
    staffCategory: "11",
    onEstablishment: true,
    contractStatus: "1",
    normalMajorGraduate: i % 3 === 0,
    specialEducationTrained: false,
    specialEducationCertificate: false,
    itApplicationAbility: "1",
    publicFundedNormalStudent: "0",
    grassrootsService: "0",
    specialGradeTeacher: false,
    backboneTeacher: i % 10 === 0,
    mentalHealthTeacher: false,
    personnelStatus: "11"
  }
}

const person = { name: "王建国", identityNumber: "11010519491231002X" }
const validFrom = "2017-03-31"

const school = (id: string, name: string, code: string) =>
  ({ id, kind: "school", name, code, validFrom, school: { schoolType: "211", sponsor: "21" } }) as const

/**
 * Hubei › Wuhan › 江岸区 › s1 and 汉阳区 › s2, handed down level by level (M15.1); the info admins of both schools
 * and both bureaus.
 */
export const setup = Effect.gen(function* () {
  yield* Accounts.bootstrap(
    { id: "hubei", kind: "province", name: "湖北省", code: "420000", validFrom },
    { id: "sa-hubei", person }
  )
  const saHubei = yield* Accounts.actorOf("sa-hubei")
  yield* Accounts.create(saHubei, { id: "ia-hubei", role: "infoAdmin", person }, "hubei")
  const ia = yield* Accounts.actorOf("ia-hubei")
  yield* Units.create(ia, { id: "wuhan", kind: "city", name: "武汉市", code: "420100", validFrom }, "hubei")
  yield* Units.create(ia, { id: "jiangan", kind: "county", name: "江岸区", code: "420102", validFrom }, "wuhan")
  yield* Units.create(ia, { id: "hanyang", kind: "county", name: "汉阳区", code: "420105", validFrom }, "wuhan")
  yield* Units.create(ia, school("s1", "江岸区第一小学", "2142000001"), "jiangan")
  yield* Units.create(ia, school("s2", "汉阳区第一小学", "2142000002"), "hanyang")
  yield* Accounts.create(saHubei, { id: "sa-wuhan", role: "systemAdmin", person }, "wuhan")
  const saWuhan = yield* Accounts.actorOf("sa-wuhan")
  for (const [county, schoolId] of [
    ["jiangan", "s1"],
    ["hanyang", "s2"]
  ] as const) {
    yield* Accounts.create(saWuhan, { id: `sa-${county}`, role: "systemAdmin", person }, county)
    const saCounty = yield* Accounts.actorOf(`sa-${county}`)
    yield* Accounts.create(saCounty, { id: `ia-${county}`, role: "infoAdmin", person }, county)
    yield* Accounts.create(saCounty, { id: `sa-${schoolId}`, role: "systemAdmin", person }, schoolId)
    const saSchool = yield* Accounts.actorOf(`sa-${schoolId}`)
    yield* Accounts.create(saSchool, { id: `ia-${schoolId}`, role: "infoAdmin", person }, schoolId)
  }
  return {
    sending: yield* Accounts.actorOf("ia-s1"),
    receiving: yield* Accounts.actorOf("ia-s2"),
    sendingBureau: yield* Accounts.actorOf("ia-jiangan"),
    receivingBureau: yield* Accounts.actorOf("ia-hanyang")
  }
})

/** A fresh SQLite file in a temporary directory, removed afterwards. */
export const withSqliteFile = async <A>(f: (filename: string) => Promise<A>): Promise<A> => {
  const dir = mkdtempSync(join(tmpdir(), "tmis-bench-"))
  try {
    return await f(join(dir, "tmis.db"))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A fresh Postgres database on TMIS_PG_URL's server, dropped afterwards. */
export const withPostgresDatabase = async <A>(f: (connectionString: string) => Promise<A>): Promise<A> => {
  const adminUrl = process.env.TMIS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"
  const name = `tmis_bench_${process.pid}_${Date.now()}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  try {
    return await f(url.toString())
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}
