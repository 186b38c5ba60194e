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

  it("M11.1 the stage is required and checked, and the schema is for accounts with a session only", async () => {
    const api = await as("iq-jaxx")
    expect((await api.get("/indicators")).status).toBe(400)
    expect((await api.get("/indicators?stage=nursery")).status).toBe(400)
    expect((await client(running.url).get("/indicators?stage=primary")).status).toBe(401)
  })
})
