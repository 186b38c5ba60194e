/**
 * Registration decisions at speed (M26.1): `npm run bench -- registration [teachers]` loads a synthetic province of
 * N teachers (default 20,000) in schools of 100, then times the registration of the whole province: the province's
 * info admin starts, in one pass over the province's active e-files (`Registrations.startSubtree`), the round of
 * every school — each teacher decided from the effective annual assessments and ethics records, the status history
 * and the cycle's credit-bank balance, each school's round stored and audited, one transaction per ~20,000
 * teachers cut between schools. Three passes of three cycles (2022, 2017, 2012), the median, on SQLite (a temp
 * file, `synchronous=FULL`). It also times the pure decision (`Registration.decide`) alone.
 *
 * The data gives the decision real work: every teacher has the basic-information entry; 85 % the five annual
 * assessments of 2022–2026 (3 % of those one year 不合格, 1 % two consecutive), 5 % an ethics record (a quarter of
 * them a disciplinary action in the cycle), 60 % one or two confirmed training results in the credit bank (hours
 * from 120 to 480), 1 % a status history with a long unaccepted absence; 2 % have left (retired), not decided.
 * The schools are created through `Units.create`; the e-files, entries and credit entries are written through the
 * storage port in transactions of 5,000 teachers (as a batch import writes them, without its validation, to load
 * 1.5 M in minutes), each entry with the review of an entry taken to effective through the services (submitted,
 * approved by the school, approved by the bureau).
 *
 * One JSON line: `{"bench":"registration","db":"sqlite","teachers":N,"seconds":…,"teachersPerSec":…,
 * "cpuMicrosPerTeacher":…,"projectedSecondsFor1500000":…,"pureDecisionsPerSec":…, …}` — the CPU time of the process
 * a teacher, the median of the passes, moves less with the shared machine's load than the wall time. Target (issue
 * 14): a province's 1.5 M teachers decided in ≤ 60 s on SQLite. `TMIS_BENCH_PROFILE=dir` writes a CPU profile of the
 * passes alone (not the load) there, for bench/profile.ts. `TMIS_BENCH_STORE=file` keeps the loaded province: the
 * first run copies the store there after loading it, later runs of the same size copy it back instead of loading
 * (minutes at 1.5 M), so that a change to the pass can be measured at scale again and again.
 */
import { copyFileSync, existsSync, writeFileSync } from "node:fs"
import { Session } from "node:inspector/promises"
import { loadavg } from "node:os"
import { join } from "node:path"
import * as Sqlite from "@tmis/adapter-sqlite"
import {
  Accounts,
  type Authorization,
  BatchImport,
  CreditBank,
  Deployment,
  EFile,
  EFiles,
  Registration,
  Registrations,
  Settings,
  Storage,
  Units
} from "@tmis/core"
import { Effect, Layer, Option } from "effect"
import { medianMs, report } from "./measure.js"
import { basicInfo, setup, withSqliteFile } from "./synthetic.js"

/** `TMIS_BENCH_PASSES=1` times one pass (of 2022) instead of three, to fit 1.5 M teachers in a session. */
const cycles = ["2022-01-01", "2017-01-01", "2012-01-01"].slice(0, Number(process.env.TMIS_BENCH_PASSES ?? 3))
const perSchool = 100
const perTransaction = 5_000
const validFrom = "2017-03-31"
const at = "2026-11-01T00:00:00.000Z"

/** An entry of the template teacher taken to effective through the services: its review, for the synthetic ones. */
const effectiveTemplate = Effect.gen(function* () {
  const actors = yield* setup
  yield* BatchImport.run(actors.sending, [{ line: 2, record: basicInfo(9_999_999) }], {
    batchId: "template",
    unitId: "s1"
  })
  const storage = yield* Storage.Storage
  const [template] = yield* storage.teachers
    .subtree("/hubei/wuhan/jiangan/s1/", { limit: 1 })
    .pipe(Effect.map((page) => page.items))
  const teacherId = template!.id
  yield* EFiles.addEntry(actors.sending, {
    teacherId,
    entryId: "template-assessment",
    group: "annualAssessment",
    data: { year: 2021, result: "2" }
  })
  let version = 1
  for (const [by, command] of [
    [actors.sending, { type: "submit" }],
    [
      actors.sending,
      { type: "approveBySchool", collectiveReview: "2026-校务会-03", principal: "张校长", signedOn: "2026-11-01" }
    ],
    [actors.sendingBureau, { type: "approveByBureau" }]
  ] as const) {
    version = (yield* EFiles.review(by, "template-assessment", command, version)).version
  }
  const entry = Option.getOrThrow(yield* storage.entries.get("template-assessment")).value
  if (entry.review.state !== "effective") return yield* Effect.dieMessage("the template entry is not effective")
  return { actors, review: entry.review }
})

/** The i-th teacher's records beyond basic information (see the module's comment). */
const mixOf = (i: number) => {
  const h = (i * 2_654_435_761) >>> 0
  const pct = h % 100
  const assessed = pct < 85
  const failing = assessed && h % 1000 < 30 ? (h % 1000 < 10 ? [2023, 2024] : [2025]) : []
  const ethics =
    h % 20 === 7
      ? [
          h % 80 === 7
            ? { year: 2024, disciplinaryAction: "警告", disciplinaryDate: "2024-05-10" }
            : { year: 2023, assessmentResult: "合格" }
        ]
      : []
  const credits = (h >>> 8) % 100 < 60 ? (((h >>> 8) % 2) + 1) * (120 + ((h >>> 12) % 121)) : 0
  const away = (h >>> 16) % 100 === 3
  const retired = (h >>> 16) % 100 === 50
  return { assessed, failing, ethics, credits, away, retired }
}

const load = (n: number) =>
  Effect.gen(function* () {
    const { actors, review } = yield* effectiveTemplate
    const storage = yield* Storage.Storage
    const admin = yield* Accounts.actorOf("ia-hubei")
    const loader = admin.accountId
    const schools = Math.max(1, Math.ceil(n / perSchool))
    const refs: Array<Authorization.UnitRef> = []
    const started = performance.now()
    for (let k = 0; k < schools; k++) {
      const county = k % 2 === 0 ? "jiangan" : "hanyang"
      const id = `b${k}`
      const created = yield* Units.create(
        admin,
        {
          id,
          kind: "school",
          name: `第${k}小学`,
          code: `2142${String(k + 10).padStart(6, "0")}`,
          validFrom,
          school: { schoolType: "211", sponsor: "21" }
        },
        county
      )
      refs.push(Units.ref(created.value))
    }
    console.error(`${schools} schools in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    const loading = performance.now()
    const entryOf = (id: string, teacherId: EFile.TeacherId, group: string, data: Record<string, string | number>) => ({
      id,
      teacherId,
      group,
      data,
      review: {
        ...review,
        context: { ...review.context, entry: { id, group, teacher: teacherId, teacherMayEnter: false } }
      }
    })
    for (let from = 0; from < n; from += perTransaction) {
      yield* storage.transaction(
        Effect.gen(function* () {
          const efiles: Array<EFile.EFile> = []
          const entries: Array<EFile.Entry> = []
          const credits: Array<CreditBank.Entry> = []
          for (let i = from; i < Math.min(n, from + perTransaction); i++) {
            const school = refs[Math.floor(i / perSchool)]!
            const id = `T${String(i).padStart(8, "0")}` as EFile.TeacherId
            const info = basicInfo(i)
            const mix = mixOf(i)
            const efile = EFile.make({ id, unit: school, stage: "primary", basicInfo: info, actor: loader, at })
            const history = mix.away
              ? [
                  { status: "serving", effective: "2010-09-01", reason: undefined },
                  { status: "notServing", effective: "2023-03-01", reason: "other" },
                  { status: "serving", effective: "2023-12-01", reason: undefined }
                ].map((r) => ({ ...r, recordedBy: loader, unit: school.id }))
              : []
            efiles.push({
              ...efile,
              status: mix.retired ? "retired" : efile.status,
              statusHistory: history as unknown as EFile.EFile["statusHistory"]
            })
            entries.push(entryOf(`${id}-basic`, id, "basicInfo", info as unknown as Record<string, string>))
            if (mix.assessed) {
              for (const year of [2022, 2023, 2024, 2025, 2026]) {
                const result = mix.failing.includes(year) ? "4" : year % 3 === 0 ? "1" : "2"
                entries.push(entryOf(`${id}-a${year}`, id, "annualAssessment", { year, result }))
              }
            }
            for (const [k, e] of mix.ethics.entries()) entries.push(entryOf(`${id}-e${k}`, id, "ethics", e))
            if (mix.credits > 0) {
              const made = { id: `${id}-c1`, key: `${id}-c1`, unitId: school.id, actor: "system", at }
              credits.push(
                CreditBank.confirmation(made, {
                  teacherId: id,
                  projectId: "p1",
                  form: "course",
                  hours: mix.credits,
                  day: "2023-05-01",
                  rule: CreditBank.defaultRule
                })
              )
            }
          }
          yield* storage.teachers.insertMany(efiles)
          yield* storage.entries.insertMany(entries)
          yield* storage.credits.append(credits)
        })
      )
      if (from % 100_000 === 0) {
        console.error(
          `loaded ${from + perTransaction} teachers, ${((performance.now() - loading) / 1000).toFixed(0)} s`
        )
      }
    }
    console.error(`${n} teachers loaded in ${((performance.now() - loading) / 1000).toFixed(1)} s`)
    return actors
  })

/** `TMIS_BENCH_PROFILE=dir`: a CPU profile of the passes only (not the load), for bench/profile.ts. */
const profileStart = async (): Promise<Session | undefined> => {
  if (process.env.TMIS_BENCH_PROFILE === undefined) return undefined
  const session = new Session()
  session.connect()
  await session.post("Profiler.enable")
  await session.post("Profiler.start")
  return session
}

const profileStop = async (session: Session | undefined): Promise<void> => {
  if (session === undefined) return
  const { profile } = await session.post("Profiler.stop")
  const file = join(process.env.TMIS_BENCH_PROFILE!, `registration-${Date.now()}.cpuprofile`)
  writeFileSync(file, JSON.stringify(profile))
  session.disconnect()
  console.error(`CPU profile of the passes: ${file}`)
}

/** The store's file and its write-ahead log: all its commits, the log replayed when it is opened again. */
const copyStore = (from: string, to: string): void => {
  copyFileSync(from, to)
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`)
}

/** `TMIS_BENCH_STORE`: the kept province's file, named by its size. */
const keptStore = (n: number): string | undefined =>
  process.env.TMIS_BENCH_STORE === undefined ? undefined : `${process.env.TMIS_BENCH_STORE}.${n}`

const measure = (n: number, filename: string) =>
  Effect.gen(function* () {
    const kept = keptStore(n)
    if (kept === undefined || !existsSync(kept)) {
      yield* load(n)
      if (kept !== undefined) copyStore(filename, kept)
    }
    const admin = yield* Accounts.actorOf("ia-hubei")
    const active = Array.from({ length: n }, (_, i) => mixOf(i)).filter((m) => !m.retired).length + 1
    const passes: Array<{ seconds: number; cpuSeconds: number; pass: Registrations.SubtreePass }> = []
    const profiler = yield* Effect.promise(() => profileStart())
    for (const cycleFrom of cycles) {
      const start = performance.now()
      const cpu = process.cpuUsage()
      const pass = yield* Registrations.startSubtree(admin, { idPrefix: `reg${cycleFrom}`, unitId: "hubei", cycleFrom })
      const seconds = (performance.now() - start) / 1000
      const used = process.cpuUsage(cpu)
      const cpuSeconds = (used.user + used.system) / 1e6
      if (pass.teachers !== active) {
        return yield* Effect.dieMessage(`expected ${active} decisions, got ${pass.teachers}`)
      }
      passes.push({ seconds, cpuSeconds, pass })
      console.error(
        `pass of cycle ${cycleFrom}: ${seconds.toFixed(2)} s (CPU ${cpuSeconds.toFixed(2)} s), ${pass.rounds} rounds, ${pass.transactions} transactions, ` +
          `outcomes ${JSON.stringify(pass.outcomes)}`
      )
    }
    yield* Effect.promise(() => profileStop(profiler))
    const sorted = [...passes].sort((a, b) => a.seconds - b.seconds)
    const cpu = passes.map((p) => p.cpuSeconds).sort((a, b) => a - b)
    return {
      median: sorted[Math.floor(sorted.length / 2)]!,
      cpuSeconds: cpu[Math.floor(cpu.length / 2)]!,
      passes: passes.length,
      active
    }
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
  const { median, cpuSeconds, passes, active } = await withSqliteFile((filename) => {
    const kept = keptStore(n)
    if (kept !== undefined && existsSync(kept)) copyStore(kept, filename)
    return Effect.runPromise(
      Effect.provide(
        measure(n, filename),
        Layer.merge(Sqlite.layer({ filename }), Settings.layer(Deployment.provincial("42")))
      ).pipe(Effect.orDie)
    )
  })
  const perSec = active / median.seconds
  const pure = pureRate()
  report({
    bench: "registration",
    db: "sqlite",
    teachers: n,
    decided: active,
    schools: median.pass.rounds,
    transactions: median.pass.transactions,
    passes,
    seconds: Number(median.seconds.toFixed(2)),
    teachersPerSec: Math.round(perSec),
    // The process's CPU time (user + system) per teacher, median of the passes: varies less with the machine's load.
    cpuMicrosPerTeacher: Math.round((cpuSeconds * 1e6) / active),
    projectedSecondsFor1500000: Math.round(1_500_000 / perSec),
    pureDecisionsPerSec: Math.round(pure),
    load: loadavg()[0]!.toFixed(2)
  })
  console.error(
    `registration on sqlite: ${Math.round(perSec)} teachers/s over the province (median of ${passes} passes); 1.5 M at that ` +
      `rate: ${Math.round(1_500_000 / perSec)} s (target ≤ 60 s); the pure decision alone: ${Math.round(pure)}/s`
  )
}
