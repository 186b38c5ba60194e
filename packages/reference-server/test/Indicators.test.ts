/**
 * `GET /indicators` (M11.1, M11.2): the indicator schema the server validates against, as JSON Schema per group with
 * the code tables — the core on one deployment, the core with a province's extension on another.
 */
import { Indicator, Settings } from "@tmis/core"
import { Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Demo from "../src/Demo.js"
import { actingAs, type Backend, client, type Running, seedDemo, sqlite, start } from "./support.js"

const hubei: Indicator.Extension = {
  province: "42",
  groups: [
    {
      key: "ruralTeaching",
      zh: "乡村从教经历",
      cardinality: "many",
      fillers: ["school", "bureau"],
      fields: [{ key: "school", zh: "乡村学校名称", type: "text", maxLength: 100, required: true }]
    }
  ],
  fields: { basicInfo: [{ key: "householdCounty", zh: "户籍所在县（市、区）", type: "text", maxLength: 50 }] }
}

describe("the indicator schema over HTTP", () => {
  let opened: Backend
  let running: Running
  const as = actingAs(() => running)

  beforeAll(async () => {
    opened = await sqlite()
    const extended = Either.getOrThrow(Indicator.extend(Indicator.core, hubei))
    running = await start(
      opened,
      {},
      Settings.layer(Demo.demoDeployment, undefined, extended, undefined, { N: 2 ** 10, r: 8, p: 1 })
    )
    await seedDemo(running, 5)
  }, 60_000)

  afterAll(async () => {
    await running?.close()
    await opened?.drop()
  })

  it("M11.1 M11.2 GET /indicators gives each group of the stage as JSON Schema, the province's extension included, and the code tables", async () => {
    const reply = await (await as("iq-jaxx")).get("/indicators?stage=primary")
    expect(reply.status).toBe(200)
    expect(reply.body.provinces).toEqual(["42"])
    const groups = new Map(reply.body.groups.map((g: { key: string }) => [g.key, g]))
    const basicInfo = groups.get("basicInfo") as { origin: string; jsonSchema: { properties: object; required: [] } }
    expect(basicInfo.origin).toBe("core")
    expect(Object.keys(basicInfo.jsonSchema.properties)).toEqual(
      expect.arrayContaining(["name", "idNumber", "sex", "householdCounty"])
    )
    expect(groups.get("ruralTeaching")).toMatchObject({
      zh: "乡村从教经历",
      origin: "42",
      fillers: ["school", "bureau"]
    })
    // Every group the schema has for the stage, and no other.
    const extended = Either.getOrThrow(Indicator.extend(Indicator.core, hubei))
    expect([...groups.keys()].sort()).toEqual(
      Indicator.groupsFor(extended, "primary")
        .map((g) => g.key)
        .sort()
    )
    const sex = reply.body.codeTables.find((t: { key: string }) => t.key === "sex")
    expect(sex.codes.map((c: { zh: string }) => c.zh)).toEqual(expect.arrayContaining(["男", "女"]))
  })

  it("M16.2 GET /indicators/template.xlsx is a template the import takes as it is: its sample row becomes an e-file", async () => {
    const token = await as.token("ia-jaxx")
    const template = await fetch(`${running.url}/indicators/template.xlsx?stage=primary`, {
      headers: { authorization: `Bearer ${token}` }
    })
    expect(template.status).toBe(200)
    expect(template.headers.get("content-type")).toContain("spreadsheetml")
    const bytes = new Uint8Array(await template.arrayBuffer())
    const upload = await fetch(`${running.url}/units/jaxx/imports?format=xlsx`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
      body: bytes
    })
    expect(upload.status).toBe(202)
    const { batchId } = (await upload.json()) as { batchId: string }
    const api = await as("ia-jaxx")
    let progress = (await api.get(`/imports/${batchId}`)).body
    for (let waited = 0; progress.state === "running" && waited < 20_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      progress = (await api.get(`/imports/${batchId}`)).body
    }
    expect(progress).toMatchObject({ state: "done", rowsRead: 1, accepted: 1, rejected: 0 })
  })

  it("M11.1 the stage is required and checked, and the schema is for accounts with a session only", async () => {
    const api = await as("iq-jaxx")
    expect((await api.get("/indicators")).status).toBe(400)
    expect((await api.get("/indicators?stage=nursery")).status).toBe(400)
    expect((await client(running.url).get("/indicators?stage=primary")).status).toBe(401)
  })
})
