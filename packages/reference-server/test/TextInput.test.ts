/**
 * Text input at the server (issue 13, defects 9 and 10): a body that is not valid UTF-8 is refused (400) instead of
 * having its bytes replaced; a refusal quotes at most a short prefix of an offending value, so a 1 MiB id does not come
 * back in a 1 MiB answer; a hostile 姓名 is refused (422) naming the field and the code point (M11.1); and no answer
 * is invalid JSON (no lone surrogate in any string).
 */
import { exampleBasicInfo } from "@tmis/testkit/arbitraries"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Answer, send } from "./hostile.js"
import { type Backend, cheapSettings, identityNumber, login, type Running, seedDemo, sqlite, start } from "./support.js"

const hireNumber = identityNumber("420102", "1988-06-15", "024")
const basicInfo = exampleBasicInfo({
  name: "郑晓红",
  idNumber: hireNumber,
  birthDate: "1988-06-15",
  workStartMonth: "2010-09",
  schoolEntryMonth: "2012-09"
})
const employment = { onEstablishment: true, postCategory: "1" }

const loneSurrogate = /\p{Cs}/u

/** Whether a text is JSON whose every string (keys too) is well-formed Unicode: what any strict parser accepts. */
const isStrictJson = (text: string): boolean => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return false
  }
  const stack: Array<unknown> = [parsed]
  while (stack.length > 0) {
    const here = stack.pop()
    if (typeof here === "string" && loneSurrogate.test(here)) return false
    if (typeof here === "object" && here !== null) {
      for (const [key, inner] of Object.entries(here)) {
        if (loneSurrogate.test(key)) return false
        stack.push(inner)
      }
    }
  }
  return true
}

describe("text input at the server", () => {
  let backend: Backend
  let running: Running
  let token: string
  const answers: Array<Answer> = []

  const post = async (path: string, body: Buffer | string): Promise<Answer> => {
    const answer = await send(
      running.url,
      "POST",
      path,
      { "content-type": "application/json", authorization: `Bearer ${token}` },
      typeof body === "string" ? Buffer.from(body, "utf8") : body
    )
    answers.push(answer)
    return answer
  }

  beforeAll(async () => {
    backend = await sqlite()
    running = await start(backend, { maxJsonBytes: 4 * 1024 * 1024 }, cheapSettings)
    await seedDemo(running, 5)
    token = await login(running.url, "ia-jaxx")
  }, 120_000)

  afterAll(async () => {
    await running?.close()
    await backend?.drop()
  })

  it("a body that is not valid UTF-8 is refused with 400 and a message, its bytes never replaced", async () => {
    const good = Buffer.from(
      JSON.stringify({ unitId: "jaxx", basicInfo: { ...basicInfo, name: "郑晓红" }, employment })
    )
    const at = good.indexOf(Buffer.from("郑晓红"))
    for (const bad of [[0xff], [0xc3, 0x28], [0xe9, 0x83], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
      const body = Buffer.concat([good.subarray(0, at), Buffer.from(bad), good.subarray(at)])
      const answer = await post("/efiles", body)
      expect(answer.status).toBe(400)
      expect(answer.body._tag).toBe("BadRequest")
      expect(answer.body.en).toMatch(/UTF-8/)
      expect(answer.body.details).toMatchObject({ field: "body", offset: at })
    }
  })

  it("a 1 MiB id is refused with a small answer quoting a prefix of it and its length", async () => {
    const id = "a".repeat(1024 * 1024)
    const refusals = [
      await post(
        "/units/jaxx/units",
        JSON.stringify({ id, kind: "department", name: "教务处", code: "D1", validFrom: "2024-01-01" })
      ),
      await post("/efiles", JSON.stringify({ unitId: id, basicInfo, employment })),
      await post("/efiles", JSON.stringify({ unitId: "jaxx", basicInfo: { ...basicInfo, idNumber: id }, employment }))
    ]
    for (const answer of refusals) {
      expect(answer.status).toBeGreaterThanOrEqual(400)
      expect(answer.status).toBeLessThan(500)
      expect(answer.text.length).toBeLessThan(2048)
      expect(answer.text).toContain("a".repeat(64))
      expect(answer.text).not.toContain("a".repeat(65))
      expect(answer.text).toContain(String(1024 * 1024))
    }
  })

  it("M11.1 a hostile 姓名 is refused with 422 naming the field and the code point", async () => {
    for (const [name, point] of [
      ["\u202E郑晓红", "U+202E"],
      ["郑\u0000晓红", "U+0000"],
      ["郑\u200B晓红", "U+200B"],
      ["<script>alert(1)</script>", "U+003C"]
    ] as const) {
      const answer = await post(
        "/efiles",
        JSON.stringify({ unitId: "jaxx", basicInfo: { ...basicInfo, name }, employment })
      )
      expect(answer.status).toBe(422)
      expect(answer.body.rule).toBe("M11.1")
      const issue = (answer.body.details.issues as Array<{ details: Record<string, unknown> }>).find(
        (i) => i.details.field === "name"
      )
      expect(issue?.details).toMatchObject({ group: "basicInfo", field: "name", codePoint: point })
      expect(answer.text).not.toContain(JSON.stringify(name).slice(1, -1))
    }
  })

  it("a lone surrogate anywhere in a body is refused, and no answer is invalid JSON", async () => {
    const lone = await post("/efiles", `{"unitId":"jaxx","basicInfo":{"name":"郑\\ud800晓红"},"employment":{}}`)
    expect(lone.status).toBe(400)
    expect(lone.body.en).toMatch(/U\+D800/)
    await post(
      "/units/jaxx/units",
      `{"id":"x\\udc00","kind":"department","name":"教务处","code":"D1","validFrom":"2024-01-01"}`
    )
    await post("/efiles", `{"unitId":"\\udfff","basicInfo":{},"employment":{}}`)
    for (const answer of answers) expect(isStrictJson(answer.text), answer.text.slice(0, 200)).toBe(true)
  })
})
