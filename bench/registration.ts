/**
 * Registration decisions at speed (M26.1): `npm run bench -- registration [teachers]` imports N teachers (default
 * 20,000) at one school by batch import, then measures a registration round of the school being started through the
 * public service (`Registrations.start`: every active e-file read with its entries and its credit-bank balance of
 * the cycle, decided, the round stored and audited — one transaction), three rounds of three cycles, on SQLite (a
 * temp file). It also times the pure decision (`Registration.decide`) alone, so that the store's share is seen.
 *
 * One JSON line: `{"bench":"registration","db":"sqlite","teachers":N,"seconds":…,"teachersPerSec":…,
 * "projectedSecondsFor1500000":…,"pureDecisionsPerSec":…}`. Target (issue 14): a province's 1.5 M teachers decided in
 * ≤ 60 s on SQLite. The projection is the measured rate applied to 1.5 M, NOT a run at 1.5 M: one school's round reads
 * its e-files a page at a time, so the rate holds per school as long as each school's pages stay in cache.
 * The teachers have basic information only (no assessments, no credits): each decision still reads both, and lists
 * every reason.
 */
import * as Sqlite from "@tmis/adapter-sqlite"
import { BatchImport, Deployment, Registration, Registrations, Settings } from "@tmis/core"
import { Effect, Layer } from "effect"
import { medianMs, report } from "./measure.js"
import { basicInfo, setup, withSqliteFile } from "./synthetic.js"

const cycles = ["2012-01-01", "2017-01-01", "2022-01-01"]

const measure = (n: number) =>
  Effect.gen(function* () {
    const actors = yield* setup
    const rows = Array.from({ length: n }, (_, i) => ({ line: i + 2, record: basicInfo(i) }))
    console.error(`importing ${n} teachers…`)
    yield* BatchImport.run(actors.sending, rows, { batchId: "registration", unitId: "s1" })
    const times: Array<number> = []
    for (const cycleFrom of cycles) {
      const start = performance.now()
      const round = yield* Registrations.start(actors.sending, { id: `reg-${cycleFrom}`, unitId: "s1", cycleFrom })
      times.push((performance.now() - start) / 1000)
      if (round.value.context.results.length !== n) {
        return yield* Effect.dieMessage(`expected ${n} results, got ${round.value.context.results.length}`)
      }
      console.error(`round of cycle ${cycleFrom}: ${times.at(-1)!.toFixed(2)} s`)
    }
    return times.sort((a, b) => a - b)[1]!
  })

/** The pure decision alone: a teacher with five assessments, no ethics record, 300 hours. */
const pureRate = (): number => {
  const input: Registration.Input = {
    cycle: Registration.cycleFrom("2022-01-01", 5),
    assessments: [2022, 2023, 2024, 2025, 2026].map((year) => ({ year, result: "2" })),
    ethics: [],
    statusHistory: [],
    training: { hours: 300, credits: 0 }
  }
  const count = 100_000
  const ms = medianMs(5, () => {
    for (let i = 0; i < count; i++) Registration.decide(input)
  })
  return count / (ms / 1000)
}

export const run = async (args: ReadonlyArray<string> = []): Promise<void> => {
  const n = Number(args.find((a) => /^[0-9]+$/.test(a)) ?? 20_000)
  const seconds = await withSqliteFile((filename) =>
    Effect.runPromise(
      Effect.provide(
        measure(n),
        Layer.merge(Sqlite.layer({ filename }), Settings.layer(Deployment.provincial("42")))
      ).pipe(Effect.orDie)
    )
  )
  const perSec = n / seconds
  const pure = pureRate()
  report({
    bench: "registration",
    db: "sqlite",
    teachers: n,
    seconds: Number(seconds.toFixed(2)),
    teachersPerSec: Math.round(perSec),
    projectedSecondsFor1500000: Math.round(1_500_000 / perSec),
    pureDecisionsPerSec: Math.round(pure)
  })
  console.error(
    `registration on sqlite: ${Math.round(perSec)} teachers/s in a school's round (median of 3); 1.5 M at that rate: ` +
      `${Math.round(1_500_000 / perSec)} s (target ≤ 60 s); the pure decision alone: ${Math.round(pure)}/s`
  )
}
