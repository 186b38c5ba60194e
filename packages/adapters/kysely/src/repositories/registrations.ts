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
import { type Kysely, sql } from "kysely"
import type { Database } from "../Database.js"
import { type Connection, chunks, findOne, first, subtreePage, updateAt, versioned } from "../internal/Connection.js"
import * as Rows from "../internal/Rows.js"
import * as Credits from "./credits.js"
import * as Entries from "./entries.js"

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
export const make = ({ query, write, flavor }: Connection): Storage.RegistrationRepository => ({
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
    ).pipe(Effect.map((rows) => rows.map((row) => decodeResult(row.data)))),
  decisionInputs: (unitPath, groups, page) =>
    query("registrations.decisionInputs", (db) =>
      flavor.name === "sqlite" ? inOneRead(db, unitPath, groups, page) : inThreeReads(db, unitPath, groups, page)
    )
})

const activeTeachers = (db: Kysely<Database>) =>
  db.selectFrom("teachers").select(["id", "unit_id", "path", "name", "status_history"]).where("active", "=", 1)

/** SQLite: a row per e-file, its records and its ledger in two columns: one walk of the page's path range. */
const inOneRead = (
  db: Kysely<Database>,
  unitPath: string,
  groups: ReadonlyArray<string>,
  page: Storage.PageRequest
): Promise<Storage.Page<Storage.DecisionInput>> =>
  subtreePage(
    activeTeachers(db).select([
      (groups.length === 0 ? sql<null>`null` : Entries.recordsColumn(groups)).as("records"),
      Credits.ledgerColumn.as("ledger")
    ]),
    unitPath,
    page,
    (row) => ({
      efile: Rows.activeTeacher(row),
      records: Entries.recordsOfColumn(row.records),
      ledger: Credits.ledgerOfColumn(row.ledger)
    })
  )

/** Postgres and the MySQL family: the page, then its records and its ledgers by the page's path range. */
const inThreeReads = async (
  db: Kysely<Database>,
  unitPath: string,
  groups: ReadonlyArray<string>,
  page: Storage.PageRequest
): Promise<Storage.Page<Storage.DecisionInput>> => {
  const efiles = await subtreePage(activeTeachers(db), unitPath, page, Rows.activeTeacher)
  const last = efiles.items.at(-1)
  if (last === undefined) return { items: [], next: efiles.next }
  const range = { unitPath, after: page.after, through: last.path }
  const records = await Entries.recordsInRange(db, range, groups)
  const ledgers = await Credits.ledgersInRange(db, range)
  return {
    items: efiles.items.map((efile) => ({
      efile,
      records: records.get(efile.id) ?? [],
      ledger: ledgers.get(efile.id) ?? []
    })),
    next: efiles.next
  }
}
