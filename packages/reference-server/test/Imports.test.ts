/**
 * Batch imports over HTTP (M16.2, M17.3, M21.1), on every backend: a batch is the file for a unit by an account, named
 * as `tmis import` names it; every row read is accepted, rejected or skipped; a bureau's account is refused before
 * the upload is accepted; rows with identity problem data are in the report; the upload is named by its own name.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ImportFile } from "@tmis/import"
import { exampleImportHeaders, exampleImportRow } from "@tmis/testkit/arbitraries"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Backend,
  backends,
  cheapSettings,
  client,
  identityNumber,
  login,
  type Reply,
  type Running,
  seedDemo,
  start
} from "./support.js"

// Sequence codes 7xx: far from the demo's teachers (below 100) and account holders (from 800).
const good = identityNumber("420102", "1990-03-07", "712")
const other = identityNumber("420102", "1990-03-07", "714")
const flagged = identityNumber("420102", "1990-03-07", "716")

const csvOf = (rows: ReadonlyArray<ReadonlyArray<string>>) =>
  `\uFEFF${[exampleImportHeaders, ...rows].map((r) => r.join(",")).join("\r\n")}\r\n`

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

for (const backend of backends) {
  describe(`batch imports over HTTP on ${backend.name}`, () => {
    let opened: Backend
    let running: Running
    let importDir: string
    const tokens = new Map<string, string>()

    const tokenOf = async (accountId: string) => {
      let token = tokens.get(accountId)
      if (token === undefined) {
        token = await login(running.url, accountId)
        tokens.set(accountId, token)
      }
      return token
    }

    const upload = async (accountId: string, unitId: string, body: string | Uint8Array, query = "format=csv") => {
      const response = await fetch(`${running.url}/units/${unitId}/imports?${query}`, {
        method: "POST",
        headers: { authorization: `Bearer ${await tokenOf(accountId)}`, "content-type": "application/octet-stream" },
        body: typeof body === "string" ? new TextEncoder().encode(body) : body
      })
      return { status: response.status, body: (await response.json()) as Reply["body"] }
    }

    /** The import's progress once it stopped running. */
    const finished = async (accountId: string, batchId: string) => {
      const api = client(running.url, await tokenOf(accountId))
      let progress = (await api.get(`/imports/${batchId}`)).body
      for (let waited = 0; progress.state === "running" && waited < 20_000; waited += 50) {
        await sleep(50)
        progress = (await api.get(`/imports/${batchId}`)).body
      }
      return progress
    }

    const reportOf = async (accountId: string, batchId: string) =>
      client(running.url, await tokenOf(accountId)).get(`/imports/${batchId}/report`)

    beforeAll(async () => {
      opened = await backend.make()
      importDir = await mkdtemp(join(tmpdir(), "tmis-imports-"))
      running = await start(opened, { importDir }, cheapSettings)
      await seedDemo(running, 4)
    }, 60_000)

    afterAll(async () => {
      await running?.close()
      await opened?.drop()
      if (importDir !== undefined) await rm(importDir, { recursive: true, force: true })
    })

    it("M16.2 the same file uploaded to two schools is two batches, each its uploader's, named as tmis import names them; accepted + rejected + skipped = rowsRead", async () => {
      const csv = csvOf([exampleImportRow("李一", good), exampleImportRow("李二", other, { 民族: "不存在的民族" })])
      const bytes = new TextEncoder().encode(csv)
      const first = await upload("ia-jaxx", "jaxx", bytes)
      expect(first.status, JSON.stringify(first.body)).toBe(202)
      const second = await upload("ia-xlzx", "xlzx", bytes)
      expect(second.status, JSON.stringify(second.body)).toBe(202)
      // One shared function names a batch, for the CLI and HTTP alike: unit, account and the file's hash.
      const fileHash = ImportFile.bytesHash(bytes)
      expect(first.body.batchId).toBe(ImportFile.batchIdOf({ unitId: "jaxx", accountId: "ia-jaxx", fileHash }))
      expect(second.body.batchId).toBe(ImportFile.batchIdOf({ unitId: "xlzx", accountId: "ia-xlzx", fileHash }))
      expect(second.body.batchId).not.toBe(first.body.batchId)

      const mine = await finished("ia-jaxx", first.body.batchId)
      expect(mine).toMatchObject({ unitId: "jaxx", state: "done", rowsRead: 2, accepted: 1, rejected: 1, skipped: 0 })
      const theirs = await finished("ia-xlzx", second.body.batchId)
      // The second school's rows are checked as its own: the person the first school imported is a duplicate (M17.4).
      expect(theirs).toMatchObject({ unitId: "xlzx", state: "done", rowsRead: 2, accepted: 0, rejected: 2, skipped: 0 })
      for (const p of [mine, theirs]) expect(p.accepted + p.rejected + p.skipped).toBe(p.rowsRead)

      // Each uploader reads its own report, and only its own.
      const report = await reportOf("ia-jaxx", first.body.batchId)
      expect(report.status).toBe(200)
      expect(String(report.body)).toContain("不存在的民族")
      const theirReport = await reportOf("ia-xlzx", second.body.batchId)
      expect(theirReport.status).toBe(200)
      expect(String(theirReport.body)).toMatch(/M17\.4/)
      // Another school's account may not follow the first school's imports at all.
      expect((await reportOf("ia-xlzx", first.body.batchId)).status).toBe(403)

      // The same upload again is the same batch: its rows already in are skipped, and counted.
      const again = await upload("ia-jaxx", "jaxx", bytes)
      expect(again.body.batchId).toBe(first.body.batchId)
      expect(await finished("ia-jaxx", again.body.batchId)).toMatchObject({
        rowsRead: 2,
        accepted: 0,
        rejected: 1,
        skipped: 1
      })
    })

    it("M21.1 a bureau's account uploading to a school is refused before the upload is accepted: the 403 with its rule, no batch", async () => {
      const csv = csvOf([exampleImportRow("李三", identityNumber("420102", "1990-03-07", "718"))])
      const refused = await upload("ia-jiangan", "jaxx", csv)
      expect(refused.status).toBe(403)
      expect(refused.body).toMatchObject({ kind: "forbidden", rule: "M21.1" })
      const batchId = ImportFile.batchIdOf({
        unitId: "jaxx",
        accountId: "ia-jiangan",
        fileHash: ImportFile.bytesHash(new TextEncoder().encode(csv))
      })
      const api = client(running.url, await tokenOf("ia-jiangan"))
      expect((await api.get(`/imports/${batchId}`)).status).toBe(404)
      // The bureau's own unit keeps no e-files: refused at once too, as onboarding refuses it.
      const atBureau = await upload("ia-jiangan", "jiangan", csv)
      expect(atBureau.status).not.toBe(202)
      expect(atBureau.body).toMatchObject({ rule: "M21.1" })
    })

    it("M17.3 rows with identity problem data are in the report: a wrong check character as a warning on an accepted row, an identity number Excel stored as a number rejected, saying so", async () => {
      const wrongCheck = `${flagged.slice(0, 17)}${flagged.endsWith("1") ? "2" : "1"}`
      const csv = csvOf([
        exampleImportRow("王一", wrongCheck),
        exampleImportRow("王二", "4.20102E+17"),
        exampleImportRow("王三", `${identityNumber("420102", "1990-03-07", "722").slice(0, 15)}000`)
      ])
      const started = await upload("ia-jaxx", "jaxx", csv)
      expect(started.status).toBe(202)
      const done = await finished("ia-jaxx", started.body.batchId)
      expect(done).toMatchObject({ state: "done", rowsRead: 3, accepted: 1, flagged: 1, rejected: 2, skipped: 0 })
      const lines = String((await reportOf("ia-jaxx", started.body.batchId)).body).split(/\r?\n/)
      const warning = lines.find((l) => l.startsWith(`2,身份证件号,${wrongCheck},`))
      expect(warning).toMatch(/^2,身份证件号,.*警告.*校验码.*check character.*,M17\.3$/)
      for (const row of [3, 4]) {
        expect(lines.find((l) => l.startsWith(`${row},身份证件号,`))).toMatch(/Excel 把身份证.*Excel stored.*,M16\.2$/)
      }
    })

    it("M16.2 progress and a failure name the upload by its filename (or a neutral name), never the server's path or the file's hash", async () => {
      const broken = `${csvOf([exampleImportRow("赵一", identityNumber("420102", "1990-03-07", "732"))])}"赵二,`
      const named = await upload("ia-jaxx", "jaxx", broken, `format=csv&filename=${encodeURIComponent("教师名单.csv")}`)
      expect(named.status).toBe(202)
      expect(named.body.filename).toBe("教师名单.csv")
      const failed = await finished("ia-jaxx", named.body.batchId)
      expect(failed).toMatchObject({ state: "failed", filename: "教师名单.csv" })
      const said = JSON.stringify(failed.failure)
      expect(said).toContain("教师名单.csv")
      expect(said).not.toContain(importDir)
      expect(said).not.toContain(ImportFile.bytesHash(new TextEncoder().encode(broken)).slice(0, 16))
      expect(said).not.toContain(named.body.batchId)

      const unnamed = await upload("ia-jaxx", "jaxx", `${broken}\r\n`)
      expect(unnamed.body.filename).toBe("upload.csv")
      const failedToo = await finished("ia-jaxx", unnamed.body.batchId)
      expect(JSON.stringify(failedToo.failure)).toContain("upload.csv")
      expect(JSON.stringify(failedToo.failure)).not.toContain(unnamed.body.batchId)
    })
  })
}
