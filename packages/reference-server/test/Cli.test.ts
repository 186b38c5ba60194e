/**
 * The `tmis` command line, run in-process (`main(argv, io)`) over real stores — a SQLite file in a temp dir and a
 * fresh Postgres database — and `tmis serve` as a real process started from the sources.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Auth, Deployment, IdentityNumber, Settings, Storage } from "@tmis/core"
import { ImportFile } from "@tmis/import"
import { exampleImportHeaders, exampleImportRow } from "@tmis/testkit/arbitraries"
import SqliteDatabase from "better-sqlite3"
import { Effect, Layer } from "effect"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Database from "../src/Database.js"
import * as Demo from "../src/Demo.js"
import { type Ran, runCli } from "./cli.js"
import { type Backend, backends, changedPassword, client, sqlite } from "./support.js"

/** A stream that keeps what is written to it. */

/** Run `tmis argv` with only `env` as its environment, and `stdin` piped in (not a terminal). */
const tmis = runCli

/** Run a core effect against the store at `url`, with the demo deployment's settings unless told otherwise. */
const core = <A, E>(
  url: string,
  effect: Effect.Effect<A, E, Storage.Storage | Settings.Settings>,
  settings: Layer.Layer<Settings.Settings> = Demo.settingsLayer
): Promise<A> => Effect.runPromise(Effect.provide(effect, Layer.merge(Database.storageLayer({ url }), settings)))

const sessionId = () => randomBytes(32).toString("hex")

/** A full (unmasked) resident identity number. */
const fullNumber = /^\d{17}[\dX]$/

const first17 = "11010219800101123"
/** A valid identity number of a man born 1980-01-01 in Beijing's Xicheng district. */
const adminNumber = first17 + IdentityNumber.checkCharacter(first17)
/** The same number with a wrong check character. */
const badNumber = first17 + (IdentityNumber.checkCharacter(first17) === "0" ? "1" : "0")
const bootstrapPassword = "Root#2026-national"
const national = Settings.layer(Deployment.national)

const bootstrapArgs = (options: { readonly identityNumber: string }) => [
  "--unit-id",
  "moe",
  "--unit-name",
  "中华人民共和国教育部",
  "--unit-kind",
  "national",
  "--unit-code",
  // The ministry has no GB/T 2260 code of its own: a national root's code is Unit.nationalCode.
  "000000",
  "--admin-id",
  "sa-moe",
  "--admin-name",
  "张建国",
  "--admin-identity-number",
  options.identityNumber
]

// ── Usage ──────────────────────────────────────────────────────────────────────────────────────────────────────────

describe("tmis: the command line itself", () => {
  it("--help prints the commands and exits 0", async () => {
    const ran = await tmis(["--help"])
    expect(ran.code).toBe(0)
    for (const command of [
      "serve",
      "migrate",
      "seed-demo",
      "bootstrap",
      "import",
      "export",
      "audit verify",
      "password"
    ]) {
      expect(ran.out).toContain(command)
    }
  })

  it.each([
    [["serve", "--help"], "--port"],
    [["import", "--help"], "--unit"],
    [["audit", "verify", "--help"], "hash chain"],
    [["password", "reset", "--help"], "--by"]
  ])("%j prints the command's options and exits 0", async (argv, expected) => {
    const ran = await tmis(argv)
    expect(ran.code).toBe(0)
    expect(ran.out).toContain(`tmis ${argv[0]}`)
    expect(ran.out).toContain(expected)
  })

  it("no command prints the usage and exits 2", async () => {
    const ran = await tmis([])
    expect(ran.code).toBe(2)
    expect(ran.out).toContain("Usage: tmis <command>")
  })

  it("an unknown command exits 2 naming it", async () => {
    const ran = await tmis(["frobnicate"])
    expect(ran.code).toBe(2)
    expect(ran.err).toContain('unknown command "frobnicate"')
    expect((await tmis(["frobnicate", "--help"])).code).toBe(2)
  })

  it("an unknown option exits 2 naming it", async () => {
    const ran = await tmis(["migrate", "--bogus"])
    expect(ran.code).toBe(2)
    expect(ran.err).toContain("--bogus")
  })

  it('"audit" without "verify" exits 2 with the right form', async () => {
    for (const argv of [["audit"], ["audit", "check"], ["audit", "verify", "extra"]]) {
      const ran = await tmis(argv)
      expect(ran.code).toBe(2)
      expect(ran.err).toContain("tmis audit verify")
    }
  })

  it("M37.2 password without change or reset, or without --account or --by, exits 2", async () => {
    for (const argv of [["password"], ["password", "set", "--account", "x"]]) {
      const ran = await tmis(argv)
      expect(ran.code).toBe(2)
      expect(ran.err).toContain("tmis password change")
    }
    const noAccount = await tmis(["password", "change"], {}, "a\nb\n")
    expect(noAccount.code).toBe(2)
    expect(noAccount.err).toContain("--account")
    const noBy = await tmis(["password", "reset", "--account", "x"], {}, "a\nb\n")
    expect(noBy.code).toBe(2)
    expect(noBy.err).toContain("--by")
    // A password is never an option: on the command line it would land in the shell's history.
    const inArgv = await tmis(["password", "change", "--account", "x", "--password", "Secret#2026-x"])
    expect(inArgv.code).toBe(2)
    expect(inArgv.err).toContain("--password")
  })

  it("M37.2 password change with too few lines on stdin exits 2 before opening the store", async () => {
    const ran = await tmis(
      ["password", "change", "--account", "x"],
      { TMIS_DATABASE_URL: "mysql://never-opened" },
      "only-one\n"
    )
    expect(ran.code).toBe(2)
    expect(ran.err).toContain("stdin ended")
  })

  it("a database URL of an unknown scheme exits 4 naming the value", async () => {
    const ran = await tmis(["migrate"], { TMIS_DATABASE_URL: "mysql://x" })
    expect(ran.code).toBe(4)
    expect(ran.err).toContain("mysql://x")
  })

  it("--database names the store of any command, anywhere on the line, over TMIS_DATABASE_URL", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tmis-cli-database-"))
    try {
      const file = join(dir, "chosen.sqlite")
      const env = { TMIS_DATABASE_URL: "mysql://never-opened" }
      const ran = await tmis(["--database", file, "migrate"], env)
      expect([ran.code, ran.out]).toEqual([0, `migrated: ${Database.describe({ url: file })}\n`])
      expect(existsSync(file)).toBe(true)
      const after = await tmis(["audit", "verify", `--database=${file}`], env)
      expect(after.code).toBe(0)
      const missing = await tmis(["migrate", "--database"], env)
      expect(missing.code).toBe(2)
      expect(missing.err).toContain("--database")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("a bad TMIS_DEPLOYMENT exits 2 naming the value", async () => {
    const ran = await tmis(["bootstrap", ...bootstrapArgs({ identityNumber: adminNumber })], {
      TMIS_DATABASE_URL: "mysql://never-opened",
      TMIS_BOOTSTRAP_PASSWORD: bootstrapPassword,
      TMIS_DEPLOYMENT: "planet:3"
    })
    expect(ran.code).toBe(2)
    expect(ran.err).toContain("planet:3")
  })
})

// ── Migrate, bootstrap, audit verify on each store ─────────────────────────────────────────────────────────────────

/** Change one audit record behind the application's back, lifting the store's append-only protection first. */
const tamper = async (backend: Backend, seq: number) => {
  if (backend.name === "sqlite") {
    const db = new SqliteDatabase(backend.url)
    try {
      db.exec("drop trigger audit_log_no_update")
      db.prepare("update audit_log set details = ? where seq = ?").run('{"tampered":true}', seq)
    } finally {
      db.close()
    }
    return
  }
  if (backend.name === "mariadb") {
    const connection = await mysql.createConnection({ uri: backend.url })
    try {
      await connection.query("drop trigger audit_log_no_update")
      await connection.query("update audit_log set action = 'tampered' where seq = ?", [seq])
    } finally {
      await connection.end()
    }
    return
  }
  const connection = new pg.Client({ connectionString: backend.url })
  await connection.connect()
  try {
    await connection.query("alter table audit_log disable trigger user")
    await connection.query("update audit_log set action = 'tampered' where seq = $1", [seq])
  } finally {
    await connection.end()
  }
}

describe.each(backends)("tmis on $name", ({ make }) => {
  let backend: Backend
  let env: Record<string, string>
  beforeAll(async () => {
    backend = await make()
    env = { TMIS_DATABASE_URL: backend.url, TMIS_DEPLOYMENT: "national" }
  })
  afterAll(() => backend?.drop())

  it("migrate creates the schema, prints the store and exits 0", async () => {
    const ran = await tmis(["migrate"], { TMIS_DATABASE_URL: backend.url })
    expect(ran.code).toBe(0)
    expect(ran.out).toContain(`migrated: ${Database.describe({ url: backend.url })}`)
    expect(ran.out).toMatch(
      {
        sqlite: /migrated: sqlite /,
        postgres: /migrated: postgres 127\.0\.0\.1:5432\//,
        mariadb: /migrated: mysql 127\.0\.0\.1:3306\//
      }[backend.name]
    )
    expect(ran.out).not.toContain("password")
    // The store is usable and still empty: no root unit yet.
    const root = await core(
      backend.url,
      Effect.flatMap(Storage.Storage, (s) => s.units.root()),
      national
    )
    expect(root._tag).toBe("None")
  })

  it("M15.1 bootstrap without TMIS_BOOTSTRAP_PASSWORD exits 2 and touches nothing", async () => {
    const ran = await tmis(["bootstrap", ...bootstrapArgs({ identityNumber: adminNumber })], env)
    expect(ran.code).toBe(2)
    expect(ran.err).toContain("TMIS_BOOTSTRAP_PASSWORD")
  })

  it("M15.1 bootstrap with a missing option exits 2 naming it", async () => {
    const ran = await tmis(["bootstrap", "--unit-id", "moe"], { ...env, TMIS_BOOTSTRAP_PASSWORD: bootstrapPassword })
    expect(ran.code).toBe(2)
    expect(ran.err).toContain("--admin-identity-number")
  })

  it("M14.1 bootstrap with an invalid identity number exits 3 naming the real-name rule, and leaves the store empty", async () => {
    const ran = await tmis(["bootstrap", ...bootstrapArgs({ identityNumber: badNumber })], {
      ...env,
      TMIS_BOOTSTRAP_PASSWORD: bootstrapPassword
    })
    expect(ran.code).toBe(3)
    expect(ran.err).toContain("M14.1")
    const root = await core(
      backend.url,
      Effect.flatMap(Storage.Storage, (s) => s.units.root()),
      national
    )
    expect(root._tag).toBe("None")
  })

  it("M15.1 bootstrap creates the national root and its system admin, whose first password must be changed", async () => {
    const ran = await tmis(["bootstrap", ...bootstrapArgs({ identityNumber: adminNumber })], {
      ...env,
      TMIS_BOOTSTRAP_PASSWORD: bootstrapPassword
    })
    expect(ran).toMatchObject({ code: 0, err: "" })
    expect(ran.out).toContain("sa-moe is the system admin of moe")
    const login = await core(backend.url, Auth.login("sa-moe", bootstrapPassword, sessionId()), national)
    expect(login.outcome).toBe("mustChangePassword")
    const root = await core(
      backend.url,
      Effect.flatMap(Storage.Storage, (s) => s.units.root()),
      national
    )
    expect(root._tag === "Some" && root.value).toMatchObject({ id: "moe", kind: "national", code: "000000" })
  })

  it("M15.1 a second bootstrap exits 3 naming M15.1", async () => {
    const ran = await tmis(["bootstrap", ...bootstrapArgs({ identityNumber: adminNumber })], {
      ...env,
      TMIS_BOOTSTRAP_PASSWORD: bootstrapPassword
    })
    expect(ran.code).toBe(3)
    expect(ran.err).toContain("M15.1")
    expect(ran.out).toBe("")
  })

  it("M37.2 password change with a wrong current password exits 3 naming M37.2 in both languages, and is audited", async () => {
    const ran = await tmis(
      ["password", "change", "--account", "sa-moe"],
      env,
      "Wrong#2026-current\nNext#2026-national\n"
    )
    expect(ran.code).toBe(3)
    const refused = Auth.loginRefused()
    expect(ran.err).toContain(`refused — M37.2: ${refused.en} (${refused.zh})`)
    expect(ran.out).toBe("")
    const audit = await core(
      backend.url,
      Effect.flatMap(Storage.Storage, (s) => s.audit.list({ limit: 10_000 })),
      national
    )
    expect(
      audit.items.some(
        (r) =>
          r.action === "auth.changePassword" &&
          r.object === "account:sa-moe" &&
          r.outcome === "refused" &&
          r.details.reason === "wrongPassword"
      )
    ).toBe(true)
    // Still the first password, still to be changed.
    const login = await core(backend.url, Auth.login("sa-moe", bootstrapPassword, sessionId()), national)
    expect(login.outcome).toBe("mustChangePassword")
  })

  it("M37.2 M15.1 password change: the bootstrapped admin changes its first password, and the old one no longer logs in", async () => {
    const next = "Next#2026-national"
    const ran = await tmis(["password", "change", "--account", "sa-moe"], env, `${bootstrapPassword}\n${next}\n`)
    expect(ran).toMatchObject({ code: 0, err: "" })
    expect(ran.out).toContain("password changed: sa-moe")
    expect(ran.out).not.toContain(next)
    await expect(core(backend.url, Auth.login("sa-moe", bootstrapPassword, sessionId()), national)).rejects.toThrow()
    const login = await core(backend.url, Auth.login("sa-moe", next, sessionId()), national)
    expect(login.outcome).toBe("ok")
  })

  it("M37.1 audit verify exits 0 on an intact log and 1 naming the first tampered record", async () => {
    const intact = await tmis(["audit", "verify"], env)
    expect(intact.code).toBe(0)
    expect(intact.out).toMatch(/audit log intact: \d+ records, head [0-9a-f]+/)
    const records = Number(/intact: (\d+) records/.exec(intact.out)?.[1])
    expect(records).toBeGreaterThanOrEqual(2)
    await tamper(backend, 2)
    const broken = await tmis(["audit", "verify"], env)
    expect(broken.code).toBe(1)
    expect(broken.out).toContain("BROKEN at record 2")
  })
})

// ── The demo province: seed, import, export, audit ─────────────────────────────────────────────────────────────────

// Columns and rows as a school's file has them (the test kit's example import row).
// Valid numbers of women born 1990-03-07 in 420102 (Jiang'an), far from the demo teachers' sequences.
const good = ["420102199003071224", "420102199003071240", "420102199003071267"]
const csv = `\uFEFF${[
  exampleImportHeaders,
  exampleImportRow("李一", good[0]!),
  exampleImportRow("李二", good[1]!, { 民族: "不存在的民族" }),
  exampleImportRow("李三", good[2]!)
]
  .map((r) => r.join(","))
  .join("\r\n")}\r\n`

const jianganPath = "/hubei/wuhan/jiangan/"

/** The e-files kept in Jiang'an's subtree, as the store has them. */
const jianganFiles = (url: string) =>
  core(
    url,
    Effect.flatMap(Storage.Storage, (s) => s.teachers.subtree(jianganPath, { limit: 1000 }))
  ).then((page) => {
    expect(page.next).toBeUndefined()
    return page.items
  })

/** An exported CSV: its bytes start with the BOM; the header row, then one row per e-file. */
const readExport = (file: string) => {
  const bytes = readFileSync(file)
  const text = bytes.toString("utf8")
  const lines = text
    .slice(1)
    .split(/\r?\n/)
    .filter((l) => l !== "")
  const [header, ...rows] = lines.map((l) => l.split(","))
  return { bom: [...bytes.subarray(0, 3)], header, rows }
}

describe("tmis with the demo province (sqlite)", () => {
  let backend: Backend
  let dir: string
  let env: Record<string, string>
  let seeded: Ran
  beforeAll(async () => {
    backend = await sqlite()
    dir = mkdtempSync(join(tmpdir(), "tmis-cli-"))
    env = { TMIS_DATABASE_URL: backend.url }
    seeded = await tmis(["seed-demo", "--teachers", "20"], env)
  }, 180_000)
  afterAll(async () => {
    await backend?.drop()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  /** Give a demo account a password of its own, through core, as its first login would. */
  const changePassword = (accountId: string) =>
    core(backend.url, Auth.changePassword(accountId, Demo.demoPassword, changedPassword))
  const as = { TMIS_PASSWORD: changedPassword }

  it("seed-demo --teachers 20 seeds the province and prints the demo accounts", async () => {
    expect(seeded.code).toBe(0)
    expect(seeded.out).toContain("20 e-files")
    expect(seeded.out).toContain(Demo.demoPassword)
    for (const account of ["sa-hubei", "ia-hubei", "iq-jiangan", "ia-jaxx", "ia-xlzx"]) {
      expect(seeded.out).toContain(account)
    }
    expect(seeded.out).toContain("湖北省教育厅")
    expect(seeded.out).toMatch(/demo training provider pv-jiangan, key \S+ \(shown once/)
  })

  it("seed-demo on a store that has a root unit does nothing and exits 0", async () => {
    const ran = await tmis(["seed-demo", "--teachers", "20"], env)
    expect(ran.code).toBe(0)
    expect(ran.out).toContain("already has a root unit")
    expect(ran.out).not.toContain("sa-hubei")
  })

  it("seed-demo --teachers 0 exits 2 naming the option", async () => {
    for (const teachers of ["0", "abc", "10001"]) {
      const ran = await tmis(["seed-demo", "--teachers", teachers], env)
      expect(ran.code).toBe(2)
      expect(ran.err).toContain("--teachers")
    }
  })

  describe("M16.2 import", () => {
    const file = () => join(dir, "jaxx.csv")
    const report = () => join(dir, "jaxx-errors.csv")
    beforeAll(async () => {
      writeFileSync(file(), csv)
      await changePassword("ia-jaxx")
    }, 60_000)

    it("M16.2 import as the school's info admin: the good rows are imported, the bad row is reported with its rule", async () => {
      const ran = await tmis(["import", file(), "--unit", "jaxx", "--as", "ia-jaxx", "--report", report()], {
        ...env,
        ...as
      })
      // The progress goes to the command's stderr: the summary line when it is not a terminal.
      expect(ran.err).toBe("imported 2, rejected 1, skipped 0 (already imported)\n")
      expect(ran.code).toBe(0)
      // The batch as an upload of the same file to the server by the same account names it; every row counted.
      const batchId = ImportFile.batchIdOf({
        unitId: "jaxx",
        accountId: "ia-jaxx",
        fileHash: ImportFile.bytesHash(readFileSync(file()))
      })
      expect(ran.out).toContain(`batch ${batchId}: 2 accepted, 1 rejected, 0 skipped (already imported) of 3 rows read`)
      expect(ran.out).toContain(`error report: ${report()}`)
      const lines = readFileSync(report(), "utf8").split(/\r?\n/)
      expect(lines[0]).toBe("\uFEFF行,列,值,原因,规则")
      expect(lines.some((l) => l.startsWith("3,民族,不存在的民族,") && l.endsWith(",M16.2"))).toBe(true)
      const numbers = (await jianganFiles(backend.url)).map((t) => t.idNumber)
      expect(numbers).toEqual(expect.arrayContaining([good[0], good[2]]))
      expect(numbers).not.toContain(good[1])
    })

    it("M16.2 import without TMIS_PASSWORD exits 2", async () => {
      const ran = await tmis(["import", file(), "--unit", "jaxx", "--as", "ia-jaxx"], env)
      expect(ran.code).toBe(2)
      expect(ran.err).toContain("TMIS_PASSWORD")
    })

    it("M16.2 import without --unit or --as exits 2 naming the option", async () => {
      const noUnit = await tmis(["import", file(), "--as", "ia-jaxx"], { ...env, ...as })
      expect(noUnit.code).toBe(2)
      expect(noUnit.err).toContain("--unit")
      const noAccount = await tmis(["import", file(), "--unit", "jaxx"], { ...env, ...as })
      expect(noAccount.code).toBe(2)
      expect(noAccount.err).toContain("--as")
    })

    it("M16.2 import of a file that does not exist exits 2 naming the path, not 3", async () => {
      const missing = join(dir, "no-such-file.csv")
      const ran = await tmis(["import", missing, "--unit", "jaxx", "--as", "ia-jaxx"], { ...env, ...as })
      expect(ran.code).toBe(2)
      expect(ran.err).toContain(missing)
      expect(ran.err).toContain("no file")
      expect(ran.out).toBe("")
      const aDirectory = await tmis(["import", dir, "--unit", "jaxx", "--as", "ia-jaxx"], { ...env, ...as })
      expect(aDirectory.code).toBe(2)
      expect(aDirectory.err).toContain(dir)
    })

    it("M37.2 import with a wrong password exits 3 naming M37.2", async () => {
      const ran = await tmis(["import", file(), "--unit", "jaxx", "--as", "ia-jaxx"], {
        ...env,
        TMIS_PASSWORD: "Wrong#2026-password"
      })
      expect(ran.code).toBe(3)
      expect(ran.err).toContain("M37.2")
      expect(ran.out).toBe("")
    })

    it("M37.2 an account still on its initial password is refused until it changes it", async () => {
      const ran = await tmis(["import", file(), "--unit", "xlzx", "--as", "ia-xiling"], {
        ...env,
        TMIS_PASSWORD: Demo.demoPassword
      })
      expect(ran.code).not.toBe(0)
      expect(ran.err).toContain("must change its initial password")
    })

    it("M14.3 another school's info admin importing into jaxx exits 3 with the rule printed", async () => {
      await changePassword("ia-xlzx")
      const before = (await jianganFiles(backend.url)).length
      const ran = await tmis(["import", file(), "--unit", "jaxx", "--as", "ia-xlzx"], { ...env, ...as })
      expect(ran.code).toBe(3)
      expect(ran.err).toContain("refused — M14.3: ")
      expect(await jianganFiles(backend.url)).toHaveLength(before)
    })
  })

  describe("M37.2 export", () => {
    beforeAll(async () => {
      await changePassword("iq-jiangan")
      await changePassword("ia-jiangan")
    }, 60_000)

    it("M37.2 export as Jiang'an's info query-er: BOM, header, one row per e-file of the subtree, numbers masked", async () => {
      const out = join(dir, "jiangan-iq.csv")
      const ran = await tmis(["export", "--unit", "jiangan", "--as", "iq-jiangan", "--out", out], { ...env, ...as })
      expect(ran.code).toBe(0)
      const stored = await jianganFiles(backend.url)
      expect(stored.length).toBeGreaterThan(2)
      expect(ran.err).toContain(`exported ${stored.length} e-files`)
      const exported = readExport(out)
      expect(exported.bom).toEqual([0xef, 0xbb, 0xbf])
      expect(exported.header).toEqual(["id", "name", "idType", "idNumber", "status", "stage", "unitId", "createdAt"])
      expect(exported.rows.map((r) => r[0]).sort()).toEqual(stored.map((t) => t.id).sort())
      for (const r of exported.rows) {
        expect(r[3]).not.toMatch(fullNumber)
        expect(r[3]).toContain("*")
      }
      // The read is audited, as masked.
      const audit = await core(
        backend.url,
        Effect.flatMap(Storage.Storage, (s) => s.audit.list({ limit: 10_000 }))
      )
      expect(
        audit.items.some((r) => r.action === "efile.list" && r.actor === "iq-jiangan" && r.details.masked === true)
      ).toBe(true)
    })

    it("M37.2 export as Jiang'an's info admin gives the identity numbers in full", async () => {
      const out = join(dir, "jiangan-ia.csv")
      const ran = await tmis(["export", "--unit", "jiangan", "--as", "ia-jiangan", "--out", out], { ...env, ...as })
      expect(ran.code).toBe(0)
      const stored = await jianganFiles(backend.url)
      const exported = readExport(out)
      expect(exported.bom).toEqual([0xef, 0xbb, 0xbf])
      expect(exported.rows.map((r) => r[3]).sort()).toEqual(stored.map((t) => t.idNumber).sort())
      for (const r of exported.rows) expect(r[3]).toMatch(fullNumber)
    })

    it("M37.2 export without --out writes the CSV to stdout", async () => {
      const ran = await tmis(["export", "--unit", "jaxx", "--as", "ia-jiangan"], { ...env, ...as })
      expect(ran.code).toBe(0)
      expect(ran.out.startsWith("\uFEFFid,name,idType,idNumber,")).toBe(true)
      expect(ran.out).toContain(good[0])
    })

    it("M16.2 export --basic-info writes a school's basic information as its import file; imported back, each row is the same person again (M17.4), none refused for its format", async () => {
      const out = join(dir, "jaxx-basic-info.csv")
      const ran = await tmis(["export", "--unit", "jaxx", "--as", "ia-jiangan", "--out", out, "--basic-info"], {
        ...env,
        ...as
      })
      expect([ran.code, ran.err]).toEqual([
        0,
        expect.stringMatching(/^exported the basic information of \d+ e-files\n$/)
      ])
      const exported = readExport(out)
      expect(exported.header!.slice(0, 3)).toEqual(["姓名", "曾用名", "性别"])
      const stored = (await jianganFiles(backend.url)).filter((t) => t.unitId === "jaxx")
      expect(exported.rows).toHaveLength(stored.length)
      const sex = exported.header!.indexOf("性别")
      for (const r of exported.rows) expect(r[sex]).toMatch(/^[12] [男女]$/)

      const report = join(dir, "jaxx-basic-info-errors.csv")
      const back = await tmis(["import", out, "--unit", "jaxx", "--as", "ia-jaxx", "--report", report], {
        ...env,
        ...as
      })
      expect([back.code, back.err]).toEqual([
        0,
        `imported 0, rejected ${stored.length}, skipped 0 (already imported)\n`
      ])
      const problems = readFileSync(report, "utf8").trim().split(/\r?\n/).slice(1)
      expect(problems).toHaveLength(stored.length)
      for (const line of problems) expect(line.endsWith(",M17.4")).toBe(true)
    })

    it("M12.2 M13.4 M23.1 tmis list gives each listing as JSON lines, as the account may see it", async () => {
      const lines = (out: string) =>
        out
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      const units = await tmis(["list", "units", "--unit", "jiangan", "--as", "ia-jiangan"], { ...env, ...as })
      expect(units.code).toBe(0)
      expect(lines(units.out).map((u) => u.id)).toEqual(expect.arrayContaining(["jiangan", "jaxx", "whez"]))
      expect(units.err).toMatch(/^listed \d+ units\n$/)

      const efiles = await tmis(["list", "efiles", "--unit", "jaxx", "--as", "iq-jiangan"], { ...env, ...as })
      expect(efiles.code).toBe(0)
      const listed = lines(efiles.out)
      expect(listed.length).toBeGreaterThan(0)
      for (const e of listed) expect(e.idNumber).toContain("*")

      const processes = await tmis(["list", "workflows", "--as", "ia-jiangan"], { ...env, ...as })
      expect(processes.code).toBe(0)
      expect(lines(processes.out).map((w) => [w.id, w.kind, w.from, w.to])).toEqual([
        [Demo.demoTransfer.id, "transfer", "jaxx", "xlzx"]
      ])
      expect(processes.out).not.toMatch(/\d{17}[\dX]/)

      expect((await tmis(["list", "accounts", "--as", "ia-jiangan"], { ...env, ...as })).code).toBe(2)
      expect((await tmis(["list", "everything", "--as", "ia-jiangan"], { ...env, ...as })).code).toBe(2)
      const refused = await tmis(["list", "units", "--unit", "xlzx", "--as", "ia-jiangan"], { ...env, ...as })
      expect([refused.code, refused.err]).toEqual([3, expect.stringContaining("M14.3")])
    })

    it("M14.3 export of a unit outside the account's subtree exits 3 with the rule printed", async () => {
      const ran = await tmis(["export", "--unit", "xlzx", "--as", "iq-jiangan", "--out", join(dir, "xlzx.csv")], {
        ...env,
        ...as
      })
      expect(ran.code).toBe(3)
      expect(ran.err).toContain("refused — M14.3: ")
      // Refused before anything is written: no file, not even its header.
      expect(existsSync(join(dir, "xlzx.csv"))).toBe(false)
    })

    it("export of a unit that does not exist exits 3 naming it", async () => {
      const ran = await tmis(["export", "--unit", "nosuch", "--as", "ia-jiangan"], { ...env, ...as })
      expect(ran.code).toBe(3)
      expect(ran.err).toContain("there is no unit nosuch")
      expect(ran.out).toBe("")
    })

    it("export to a file that cannot be written exits 4 naming the path", async () => {
      const out = join(dir, "no-such-directory", "f.csv")
      const ran = await tmis(["export", "--unit", "jaxx", "--as", "ia-jiangan", "--out", out], { ...env, ...as })
      expect(ran.code).toBe(4)
      expect(ran.err).toContain(`cannot write ${out}`)
    })
  })

  describe("M28.1 statistics", () => {
    beforeAll(() => changePassword("iq-hubei"), 60_000)

    it("M28.1 statistics prints the subtree's table as JSON, small cells suppressed; a bad dimension exits 2", async () => {
      const ran = await tmis(["statistics", "--unit", "hubei", "--as", "iq-hubei", "--rows", "gender"], {
        ...env,
        ...as
      })
      expect(ran.code).toBe(0)
      const result = JSON.parse(ran.out)
      expect(result.unit.id).toBe("hubei")
      expect(result.rows.label).toBe("性别")
      expect(result.suppression.threshold).toBe(5)
      for (const cell of result.cells) expect(cell.suppressed || cell.count === 0 || cell.count >= 5).toBe(true)
      const bad = await tmis(["statistics", "--unit", "hubei", "--as", "iq-hubei", "--rows", "shoeSize"], {
        ...env,
        ...as
      })
      expect(bad.code).toBe(2)
      expect(bad.err).toContain("not a statistics query")
    })
  })

  describe("M37.2 password", () => {
    const audit = () =>
      core(
        backend.url,
        Effect.flatMap(Storage.Storage, (s) => s.audit.list({ limit: 10_000 }))
      ).then((page) => page.items)
    const loginAs = (accountId: string, password: string) =>
      core(backend.url, Auth.login(accountId, password, sessionId()))
    const initial = "Reset#2026-initial"
    const next = "Next#2026-changed"

    it("M37.2 password change of iq-wuhan: the new password logs in, the old one no longer does", async () => {
      const ran = await tmis(["password", "change", "--account", "iq-wuhan"], env, `${Demo.demoPassword}\n${next}\n`)
      expect(ran).toMatchObject({ code: 0, err: "" })
      expect(ran.out).toContain("password changed: iq-wuhan")
      await expect(loginAs("iq-wuhan", Demo.demoPassword)).rejects.toThrow()
      expect((await loginAs("iq-wuhan", next)).outcome).toBe("ok")
      expect(
        (await audit()).some((r) => r.action === "auth.changePassword" && r.actor === "iq-wuhan" && r.outcome === "ok")
      ).toBe(true)
    })

    it("M37.2 password change refused by the policy exits 3 naming M37.2, and the password stays", async () => {
      const ran = await tmis(["password", "change", "--account", "iq-wuhan"], env, `${next}\nshort\n`)
      expect(ran.code).toBe(3)
      expect(ran.err).toContain("refused — M37.2: ")
      expect((await loginAs("iq-wuhan", next)).outcome).toBe("ok")
    })

    it("M37.2 M13.2 a locked-out info admin is reset by its unit's system admin: unlocked, and the new password must be changed at the first login", async () => {
      // Lock ia-wuhan: five failed logins (the default policy's maxFailedAttempts).
      for (let k = 0; k < 5; k++) await expect(loginAs("ia-wuhan", "Wrong#2026-guess")).rejects.toThrow()
      await expect(loginAs("ia-wuhan", Demo.demoPassword)).rejects.toThrow()
      // sa-wuhan changes its own initial password first: an initial password may do nothing else.
      const own = await tmis(
        ["password", "change", "--account", "sa-wuhan"],
        env,
        `${Demo.demoPassword}\n${changedPassword}\n`
      )
      expect(own.code).toBe(0)

      const ran = await tmis(
        ["password", "reset", "--by", "sa-wuhan", "--account", "ia-wuhan"],
        env,
        `${changedPassword}\n${initial}\n`
      )
      expect(ran).toMatchObject({ code: 0, err: "" })
      expect(ran.out).toContain("password reset: ia-wuhan by sa-wuhan")
      expect(ran.out).not.toContain(initial)
      // Unlocked at once, but only to change the initial password.
      expect((await loginAs("ia-wuhan", initial)).outcome).toBe("mustChangePassword")
      await expect(loginAs("ia-wuhan", Demo.demoPassword)).rejects.toThrow()
      const records = await audit()
      expect(
        records.some(
          (r) =>
            r.action === "auth.setPassword" &&
            r.actor === "sa-wuhan" &&
            r.object === "account:ia-wuhan" &&
            r.details.reset === true &&
            r.details.unlocked === true
        )
      ).toBe(true)
      // The acting admin logged in through the core, audited as any login.
      expect(records.some((r) => r.action === "auth.login" && r.actor === "sa-wuhan" && r.outcome === "ok")).toBe(true)
      const changed = await tmis(["password", "change", "--account", "ia-wuhan"], env, `${initial}\n${next}\n`)
      expect(changed.code).toBe(0)
      expect((await loginAs("ia-wuhan", next)).outcome).toBe("ok")
    })

    it("M37.2 a reset whose --by password is wrong exits 3 naming M37.2 and changes nothing", async () => {
      const ran = await tmis(
        ["password", "reset", "--by", "sa-wuhan", "--account", "ia-wuhan"],
        env,
        `Wrong#2026-admin\n${initial}\n`
      )
      expect(ran.code).toBe(3)
      expect(ran.err).toContain("refused — M37.2: ")
      expect((await loginAs("ia-wuhan", next)).outcome).toBe("ok")
    })

    it("M13.2 M37.2 a reset by a system admin who does not manage the account is refused and changes nothing", async () => {
      // sa-jiangan is a system admin, but of the county: iq-jaxx is the school's, managed by sa-jaxx.
      const own = await tmis(
        ["password", "change", "--account", "sa-jiangan"],
        env,
        `${Demo.demoPassword}\n${changedPassword}\n`
      )
      expect(own.code).toBe(0)
      const ran = await tmis(
        ["password", "reset", "--by", "sa-jiangan", "--account", "iq-jaxx"],
        env,
        `${changedPassword}\n${initial}\n`
      )
      expect(ran.code).toBe(3)
      expect(ran.err).toContain("refused — M13.2: ")
      expect(ran.out).toBe("")
      expect((await loginAs("iq-jaxx", Demo.demoPassword)).outcome).toBe("mustChangePassword")
      await expect(loginAs("iq-jaxx", initial)).rejects.toThrow()
    })
  })

  it("after seeding, importing and exporting through the command line, audit verify finds the log intact", async () => {
    const ran = await tmis(["audit", "verify"], env)
    expect(ran.code).toBe(0)
    expect(ran.out).toContain("audit log intact")
  })
})

// ── serve ──────────────────────────────────────────────────────────────────────────────────────────────────────────

const repository = fileURLToPath(new URL("../../../", import.meta.url))
// The server runs from the sources (tsx with the repository's path mapping), so it needs no build first.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href
const bin = join(repository, "packages/reference-server/src/bin.ts")

/** Wait for a line matching `pattern` on a child's stdout. */
const waitFor = (child: ChildProcess, pattern: RegExp, timeoutMs: number, output: () => string) =>
  new Promise<RegExpExecArray>((resolve, reject) => {
    let text = ""
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output()}`)), timeoutMs)
    child.stdout?.on("data", (chunk) => {
      text += String(chunk)
      const found = pattern.exec(text)
      if (found !== null) {
        clearTimeout(timer)
        resolve(found)
      }
    })
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`the server exited (${code}) before ${pattern}:\n${output()}`))
    })
  })

describe("tmis serve", () => {
  let dir: string | undefined
  let child: ChildProcess | undefined
  afterAll(() => {
    // Only if a test failed half-way: never leave the server behind.
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  it("serve --port 0 --seed-demo opens ./data/tmis.sqlite, answers, and stops with exit code 0 on SIGTERM", async () => {
    dir = mkdtempSync(join(tmpdir(), "tmis-serve-"))
    const {
      TMIS_DATABASE_URL: _url,
      TMIS_PASSWORD: _password,
      TMIS_DEPLOYMENT: _deployment,
      ...inherited
    } = process.env
    let output = ""
    const server = spawn(
      process.execPath,
      ["--import", tsxLoader, bin, "serve", "--port", "0", "--seed-demo", "--teachers", "10"],
      {
        cwd: dir,
        env: { ...inherited, TSX_TSCONFIG_PATH: join(repository, "tsconfig.json") },
        stdio: ["ignore", "pipe", "pipe"]
      }
    )
    child = server
    server.stdout.on("data", (chunk) => {
      output += String(chunk)
    })
    server.stderr.on("data", (chunk) => {
      output += String(chunk)
    })
    const listening = await waitFor(server, /listening on (http:\/\/127\.0\.0\.1:(\d+))/, 60_000, () => output)
    const url = listening[1]!
    expect(Number(listening[2])).toBeGreaterThan(0)
    expect(output).toContain("store: sqlite ./data/tmis.sqlite")
    expect(output).toContain("sa-hubei")

    const api = client(url)
    const openapi = await api.get("/openapi.json")
    expect(openapi.status).toBe(200)
    expect(openapi.body.openapi).toMatch(/^3\.1/)
    const login = await api.post("/auth/login", { accountId: "sa-hubei", password: Demo.demoPassword })
    expect(login.status).toBe(200)
    expect(login.body.outcome).toBe("mustChangePassword")

    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      server.once("exit", (code, signal) => resolve({ code, signal }))
    )
    const stoppedAt = Date.now()
    server.kill("SIGTERM")
    const result = await Promise.race([
      exited,
      new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 10_000))
    ])
    expect(result).toEqual({ code: 0, signal: null })
    expect(Date.now() - stoppedAt).toBeLessThan(10_000)
    expect(existsSync(join(dir, "data", "tmis.sqlite"))).toBe(true)
  }, 120_000)
})
