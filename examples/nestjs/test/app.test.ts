/**
 * The NestJS example against a real SQLite file: the app booted on a free port with tmis as its provider, the
 * service's own login mapped to tmis actors, an e-file onboarded and reviewed over HTTP, refusals answered by the
 * exception filter with their status and rule, and the runtime disposed by Nest's shutdown hook.
 */
import "reflect-metadata"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { INestApplication } from "@nestjs/common"
import { NestFactory } from "@nestjs/core"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Deployment, Settings, type Tmis } from "@tmis/core"
import { Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { seed } from "../../express/src/province.js"
import { AppModule } from "../src/AppModule.js"
import { TMIS } from "../src/TmisModule.js"

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
const employment = { onEstablishment: true, postCategory: "1" }

let directory: string
let app: INestApplication
let tmis: Tmis.Tmis
let base: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "tmis-nestjs-"))
  const tokens = new Map([
    ["school", "ia-jaxx"],
    ["bureau", "ia-jiangan"]
  ])
  app = await NestFactory.create(
    AppModule.forRoot({
      tmis: {
        layer: Layer.merge(
          Sqlite.layer({ filename: join(directory, "tmis.sqlite") }),
          Settings.layer(Deployment.provincial("42"))
        )
      },
      users: { accountOf: (token) => tokens.get(token) }
    }),
    { logger: false }
  )
  tmis = app.get<Tmis.Tmis>(TMIS)
  await seed(tmis)
  await app.listen(0, "127.0.0.1")
  base = (await app.getUrl()).replace("[::1]", "127.0.0.1")
})

afterAll(async () => {
  await app?.close()
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

describe("examples/nestjs: a NestJS service embedding tmis", () => {
  it("M17.1 an e-file onboarded and reviewed over HTTP; the school may not take the bureau's step (403 naming M17.1)", async () => {
    expect(await call("GET", "/health", undefined)).toEqual({ status: 200, body: { ok: true } })
    expect((await call("POST", "/teachers", undefined, {})).status).toBe(401)
    const created = await call("POST", "/teachers", "school", {
      id: "t-li",
      entryId: "t-li-basic",
      unitId: "jaxx",
      basicInfo,
      employment
    })
    expect(created).toEqual({ status: 201, body: { id: "t-li", entryId: "t-li-basic", version: 1 } })
    let review = await call("POST", "/entries/t-li-basic/review", "school", { command: { type: "submit" }, version: 1 })
    expect(review).toEqual({ status: 200, body: { state: "submitted", version: 2 } })
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
    expect(typeof refused.body.zh).toBe("string")
    expect(typeof refused.body.en).toBe("string")
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
    const read = await call("GET", "/teachers/t-li", "bureau")
    expect(read.status).toBe(200)
  })

  it("M17.4 a second e-file for the same identity document is a 409 naming its rule; an unknown teacher a 404", async () => {
    const again = await call("POST", "/teachers", "school", {
      id: "t-li-2",
      entryId: "t-li-2-basic",
      unitId: "jaxx",
      basicInfo,
      employment
    })
    expect(again.status).toBe(409)
    expect(again.body.rule).toBe("M17.4")
    expect((await call("GET", "/teachers/nobody", "school")).status).toBe(404)
  })

  it("closing the app runs the shutdown hook: the runtime is disposed, the facade refuses further work", async () => {
    const closing = await NestFactory.create(
      AppModule.forRoot({
        tmis: {
          layer: Layer.merge(
            Sqlite.layer({ filename: join(directory, "closing.sqlite") }),
            Settings.layer(Deployment.provincial("42"))
          )
        },
        users: { accountOf: () => undefined }
      }),
      { logger: false }
    )
    await closing.init()
    const facade = closing.get<Tmis.Tmis>(TMIS)
    await seed(facade)
    await closing.close()
    await expect(facade.accounts.actorOf("ia-jaxx")).rejects.toThrow()
  })
})
