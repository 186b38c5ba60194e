/**
 * Days as the regulation counts them: days in Asia/Shanghai (UTC+8 all year; China has kept no daylight saving since
 * 1991). A deadline, an as-of day, "not after today", a birth date "not in the future" — every rule that reads the
 * calendar reads it there, whatever the time zone of the machine: at 01:00 in Beijing it is already tomorrow there
 * while UTC still says today.
 *
 * @since 0.1.0
 */
import { Clock, Effect } from "effect"

/**
 * The Shanghai offset: UTC+8 all year.
 *
 * @since 0.1.0
 */
export const shanghaiOffsetMs = 8 * 3_600_000

/**
 * The day ("YYYY-MM-DD") in Asia/Shanghai of an instant (ISO 8601 or a Date).
 *
 * @since 0.1.0
 */
export const of = (instant: string | Date): string => {
  const ms = typeof instant === "string" ? Date.parse(instant) : instant.getTime()
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(instant)}`)
  return new Date(ms + shanghaiOffsetMs).toISOString().slice(0, 10)
}

/**
 * Today in Asia/Shanghai, by the effect's clock (a test clock in tests).
 *
 * @since 0.1.0
 */
export const today: Effect.Effect<string> = Effect.map(Clock.currentTimeMillis, (ms) => of(new Date(ms)))
