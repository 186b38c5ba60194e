import { Effect, TestClock, TestContext } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Day from "../src/kernel/Day.js"

describe("days in Asia/Shanghai", () => {
  it("M22.1 a day turns at 16:00 UTC: at 00:30 in Beijing it is already tomorrow there", () => {
    expect(Day.of("2026-12-06T15:59:59.999Z")).toBe("2026-12-06")
    expect(Day.of("2026-12-06T16:00:00.000Z")).toBe("2026-12-07")
    expect(Day.of(new Date("2026-12-31T16:30:00Z"))).toBe("2027-01-01")
  })

  it("M22.1 today is the Shanghai day of the effect's clock, whatever the machine's time zone", async () => {
    const today = await Effect.runPromise(
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.parse("2026-12-06T17:00:00Z"))
        return yield* Day.today
      }).pipe(Effect.provide(TestContext.TestContext))
    )
    expect(today).toBe("2026-12-07")
  })

  it("M22.1 every instant's Shanghai day is its UTC day or the next, the next exactly from 16:00 UTC", () =>
    fc.assert(
      fc.property(fc.integer({ min: Date.parse("1950-01-01"), max: Date.parse("2100-01-01") }), (ms) => {
        const utc = new Date(ms).toISOString().slice(0, 10)
        const next = new Date(Date.parse(`${utc}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
        expect(Day.of(new Date(ms))).toBe(new Date(ms).getUTCHours() >= 16 ? next : utc)
      })
    ))
})
