/**
 * Registration rounds and their results (M26.1). Under concurrency the store holds one open round per unit and
 * cycle (a partial unique index: `oneOpenRegistrationRound`), an optimistic version on every round (a confirmation
 * commits once), and one recorded result per teacher and cycle (primary key: `registrationResult`). Reasons are
 * stored compact (check, outcome, details) and their texts rendered when read (`Registration.PersistedReason`).
 *
 * @since 0.1.0
 */
import { Registration, RegistrationRound, type Storage } from "@tmis/core"
import { Effect, Schema } from "effect"
import { type Connection, chunks, findOne, first, updateAt, versioned } from "../internal/Connection.js"

const decodeContext = Schema.decodeUnknownSync(Schema.parseJson(RegistrationRound.PersistedContext))
const decodeState = Schema.decodeUnknownSync(RegistrationRound.State)
const decodeResult = Schema.decodeUnknownSync(
  Schema.parseJson(
    Schema.Struct({
      teacherId: Schema.String,
      cycleFrom: Schema.String,
      cycleTo: Schema.String,
      roundId: Schema.String,
      outcome: Registration.Outcome,
      reasons: Schema.Array(Registration.PersistedReason),
      decidedAt: Schema.String
    })
  )
)

const rowOf = (round: RegistrationRound.Round, version: number) => ({
  id: round.id,
  unit_id: round.context.from.id,
  cycle_from: round.context.cycle.from,
  state: round.state,
  open: RegistrationRound.isOpen(round.state) ? 1 : 0,
  data: JSON.stringify(RegistrationRound.storedContext(round.context)),
  version
})

const roundOf = (row: {
  readonly id: string
  readonly state: string
  readonly data: string
  readonly version: number
}): Storage.Versioned<RegistrationRound.Round> => ({
  value: { id: row.id, state: decodeState(row.state), context: decodeContext(row.data) },
  version: Number(row.version)
})

/**
 * @since 0.1.0
 */
export const make = ({ query, write }: Connection): Storage.RegistrationRepository => ({
  insert: (round) =>
    write("registrations.insert", (db) => db.insertInto("registration_rounds").values(rowOf(round, 1)).execute(), {
      id: round.id,
      unitId: round.context.from.id,
      cycle: round.context.cycle.from
    }).pipe(Effect.as(first(round))),
  get: (id) =>
    query("registrations.get", (db) => findOne(db.selectFrom("registration_rounds").selectAll(), "id", id, roundOf)),
  existing: (ids) =>
    query("registrations.existing", async (db) => {
      const found = new Set<string>()
      for (const chunk of chunks([...new Set(ids)], 500)) {
        const rows = await db.selectFrom("registration_rounds").select("id").where("id", "in", chunk).execute()
        for (const row of rows) found.add(row.id)
      }
      return found
    }),
  update: (next, expectedVersion) =>
    query("registrations.update", (db) =>
      updateAt(
        db.updateTable("registration_rounds").set(rowOf(next, expectedVersion + 1)),
        "id",
        next.id,
        expectedVersion
      )
    ).pipe(versioned("registration round", next.id, expectedVersion, next)),
  record: (results) =>
    results.length === 0
      ? Effect.void
      : write(
          "registrations.record",
          async (db) => {
            for (let i = 0; i < results.length; i += 500) {
              await db
                .insertInto("registration_results")
                .values(
                  results.slice(i, i + 500).map((r) => ({
                    teacher_id: r.teacherId,
                    cycle_from: r.cycleFrom,
                    round_id: r.roundId,
                    outcome: r.outcome,
                    data: JSON.stringify({ ...r, reasons: r.reasons.map(Registration.storedReason) })
                  }))
                )
                .execute()
            }
          },
          { round: results[0]?.roundId }
        ),
  resultsOf: (teacherId) =>
    query("registrations.resultsOf", (db) =>
      db
        .selectFrom("registration_results")
        .select("data")
        .where("teacher_id", "=", teacherId)
        .orderBy("cycle_from")
        .execute()
    ).pipe(Effect.map((rows) => rows.map((row) => decodeResult(row.data))))
})
