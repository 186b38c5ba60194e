/**
 * The program the install check (`scripts/install-check.sh`) compiles and runs in an empty project against the packed
 * tarballs, copied there as `esm.mts` (an ES module) and as `cjs.cts` (CommonJS, `require` at run time): a province
 * built level by level through the application services on SQLite, a new hire's e-file through review (M17.1), a
 * refusal that names its rule, the audit chain verified (M37.1) — on one `ManagedRuntime`, then disposed. Then a CSV
 * read with @tmis/import, installed without its optional spreadsheet reader: XLSX says which package to install.
 * No top-level await, so that the same text is valid CommonJS.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Sqlite from "@tmis/adapter-sqlite"
import {
  Accounts,
  Audit,
  Deployment,
  EFiles,
  IdentityNumber,
  type Indicator,
  Refusal,
  Settings,
  Tmis,
  Units
} from "@tmis/core"
import { Spreadsheet, Table } from "@tmis/import"
import { Effect, Layer, ManagedRuntime } from "effect"

const day = "2017-03-31"
let serial = 0
/** A person with a valid identity number (GB 11643: Wuhan, born 1980, a running sequence, the check character). */
const person = (name: string) => {
  const first17 = `42010219800101${String(100 + serial++).padStart(3, "0")}`
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

const program = Effect.gen(function* () {
  yield* Accounts.bootstrap(
    { id: "hubei", kind: "province", name: "湖北省教育厅", code: "420000", validFrom: day },
    { id: "sa-hubei", person: person("王建国") }
  )
  const provinceAdmin = yield* Accounts.actorOf("sa-hubei")
  yield* Accounts.create(provinceAdmin, { id: "ia-hubei", role: "infoAdmin", person: person("李秀英") }, "hubei")
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
    yield* Units.create(yield* Accounts.actorOf(`ia-${parent}`), unit, parent)
    const parentAdmin = yield* Accounts.actorOf(`sa-${parent}`)
    yield* Accounts.create(parentAdmin, { id: `sa-${unit.id}`, role: "systemAdmin", person: person("张伟") }, unit.id)
    const admin = yield* Accounts.actorOf(`sa-${unit.id}`)
    yield* Accounts.create(admin, { id: `ia-${unit.id}`, role: "infoAdmin", person: person("刘洋") }, unit.id)
  }
  const school = yield* Accounts.actorOf("ia-jaxx")
  const bureau = yield* Accounts.actorOf("ia-jiangan")
  yield* EFiles.onboard(school, {
    id: "t-li",
    entryId: "t-li-basic",
    unitId: "jaxx",
    basicInfo,
    employment: { onEstablishment: true, contractMonths: undefined, postCategory: "1" }
  })
  let stored = yield* EFiles.review(school, "t-li-basic", { type: "submit" }, 1)
  stored = yield* EFiles.review(
    school,
    "t-li-basic",
    { type: "approveBySchool", collectiveReview: "校务会2026-11号", principal: "周校长", signedOn: "2026-11-28" },
    stored.version
  )
  // The school may not take the bureau's step (M17.1): a refusal that names its rule.
  const refused = yield* Effect.flip(EFiles.review(school, "t-li-basic", { type: "approveByBureau" }, stored.version))
  stored = yield* EFiles.review(bureau, "t-li-basic", { type: "approveByBureau" }, stored.version)
  const audit = yield* Audit.verifyAuditLog
  return { state: stored.value.review.state, refused, audit }
})

const main = async () => {
  const directory = mkdtempSync(join(tmpdir(), "tmis-install-check-"))
  const layer = Layer.merge(
    Sqlite.layer({ filename: join(directory, "tmis.sqlite") }),
    Settings.layer(Deployment.provincial("42"))
  )
  const runtime = ManagedRuntime.make(layer)
  try {
    const { state, refused, audit } = await runtime.runPromise(program)
    if (state !== "effective") throw new Error(`expected the e-file effective, got ${state}`)
    if (!Refusal.is(refused) || refused.rule !== "M17.1")
      throw new Error(`expected an M17.1 refusal, got ${String(refused)}`)
    if (audit._tag !== "Intact") throw new Error("the audit chain is broken")
    console.log(
      `tmis install check: e-file ${state}, refused ${refused.rule} (${refused.kind}), audit ${audit.records} records intact`
    )
  } finally {
    await runtime.dispose()
  }
  // The same database through the Promise facade: plain async functions, refusals as RefusalError.
  const tmis = Tmis.make({ layer })
  try {
    const school = await tmis.accounts.actorOf("ia-jaxx")
    const efile = await tmis.efiles.read(school, "t-li")
    const refused = await tmis.efiles.review(school, "t-li-basic", { type: "submit" }, 4).catch((e: unknown) => e)
    if (!(refused instanceof Tmis.RefusalError)) throw new Error(`expected a RefusalError, got ${String(refused)}`)
    console.log(`tmis facade: read ${efile.efile.id}, refused ${refused.rule} (${refused.kind})`)
  } finally {
    await tmis.dispose()
  }
  // @tmis/import without exceljs (an optional peer the check does not install): CSV reads, XLSX names the package.
  try {
    writeFileSync(join(directory, "teachers.csv"), "姓名,身份证件号\n李老师,420102199003071224\n")
    const csv = await Table.open(join(directory, "teachers.csv"))
    let rows = 0
    for await (const _ of csv.rows()) rows++
    if (csv.headers.join() !== "姓名,身份证件号" || rows !== 1) throw new Error("the CSV was not read")
    writeFileSync(join(directory, "teachers.xlsx"), "PK")
    const xlsx = await Table.open(join(directory, "teachers.xlsx")).catch((e: unknown) => e)
    if (!(xlsx instanceof Spreadsheet.SpreadsheetReaderMissing)) {
      throw new Error(`expected SpreadsheetReaderMissing, got ${String(xlsx)}`)
    }
    console.log(`tmis import: CSV read (${rows} row) without exceljs; XLSX: ${xlsx.message}`)
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
