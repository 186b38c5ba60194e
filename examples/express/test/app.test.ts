/**
 * The Express example against a real SQLite file: the service started on a free port, its own login mapped to tmis
 * actors, an e-file onboarded and reviewed over HTTP, and refusals answered with their status and rule.
 */
import { mkdtemp, rm } from "node:fs/promises"
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Deployment, Settings, Tmis } from "@tmis/core"
import { Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeApp } from "../src/app.js"
import { seed } from "../src/province.js"

const basicInfo = {
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
let tmis: Tmis.Tmis
let server: Server
let base: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "tmis-express-"))
  tmis = Tmis.make({
    layer: Layer.merge(
      Sqlite.layer({ filename: join(directory, "tmis.sqlite") }),
      Settings.layer(Deployment.provincial("42"))
    )
  })
  await seed(tmis)
  const tokens = new Map([
    ["school", "ia-jaxx"],
    ["bureau", "ia-jiangan"]
  ])
  server = makeApp(tmis, { accountOf: (token) => tokens.get(token) }).listen(0, "127.0.0.1")
  await new Promise((resolve) => server.once("listening", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  await tmis.dispose()
  await rm(directory, { recursive: true, force: true })
})

const call = async (method: string, path: string, token: string | undefined, body?: unknown) => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` })
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe("examples/express: an Express service embedding tmis", () => {
  it("M17.1 an e-file onboarded and reviewed over HTTP; the school may not take the bureau's step (403)", async () => {
    expect((await call("GET", "/health", undefined)).body).toEqual({ ok: true })
    expect((await call("POST", "/teachers", undefined, {})).status).toBe(401)
    const employment = { onEstablishment: true, postCategory: "1" }
    const created = await call("POST", "/teachers", "school", {
      id: "t-li",
      entryId: "t-li-basic",
      unitId: "jaxx",
      basicInfo,
      employment
    })
    expect(created).toEqual({ status: 201, body: { id: "t-li", entryId: "t-li-basic", version: 1 } })
    let review = await call("POST", "/entries/t-li-basic/review", "school", { command: { type: "submit" }, version: 1 })
    expect(review.body.state).toBe("submitted")
    review = await call("POST", "/entries/t-li-basic/review", "school", {
      command: {
        type: "approveBySchool",
        collectiveReview: "校务会2026-11号",
        principal: "周校长",
        signedOn: "2026-11-28"
      },
      version: review.body.version
    })
    const refused = await call("POST", "/entries/t-li-basic/review", "school", {
      command: { type: "approveByBureau" },
      version: review.body.version
    })
    expect(refused.status).toBe(403)
    expect(refused.body.rule).toBe("M17.1")
    const stale = await call("POST", "/entries/t-li-basic/review", "bureau", {
      command: { type: "approveByBureau" },
      version: 1
    })
    expect(stale.status).toBe(409)
    review = await call("POST", "/entries/t-li-basic/review", "bureau", {
      command: { type: "approveByBureau" },
      version: review.body.version
    })
    expect(review.body.state).toBe("effective")
  })

  it("M17.4 a second e-file for the same identity document is a 409 naming its rule; an unknown teacher a 404", async () => {
    const again = await call("POST", "/teachers", "school", {
      id: "t-li-2",
      entryId: "t-li-2-basic",
      unitId: "jaxx",
      basicInfo,
      employment: { onEstablishment: true, postCategory: "1" }
    })
    expect(again.status).toBe(409)
    expect(again.body.rule).toBe("M17.4")
    expect((await call("GET", "/teachers/nobody", "school")).status).toBe(404)
  })
})
