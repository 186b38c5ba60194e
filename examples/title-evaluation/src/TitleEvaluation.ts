/**
 * 职称评审 (title evaluation), a local module (M27.1) built on tmis: the teachers of a unit's subtree whose confirmed
 * training credits reach a threshold are candidates, and an info admin nominates them.
 *
 * What it uses of tmis, and only that:
 *
 * - the services, as the request's actor (`LocalModules.Services`): the e-files of the unit (`efiles.list`, refused
 *   outside the actor's scope, masked and audited) and each teacher's credits (`credits.ledger`, likewise); a
 *   nomination is recorded with `audit.record` (an audit record and an outbox event);
 * - its own tables, `title_evaluation_*`, created by its namespaced migrations and reached through a guarded Kysely
 *   handle that refuses any other table (`ModuleStore` of `@tmis/adapter-kysely`);
 * - the outbox, through a subscription with a stored cursor (`Subscriptions.drain`): the credit events keep
 *   `title_evaluation_credit_activity` up to date, which tells the candidate list whose ledgers are worth reading.
 *   That table is the module's own bookkeeping, never served as such: every answer is built from what the
 *   services let the actor read.
 * - its routes, mounted in the reference server under `/modules/title-evaluation/` behind the same guard and
 *   authentication (`LocalModule.make` of `@tmis/server`).
 */
import { HttpApiBuilder, HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import type { ModuleStore } from "@tmis/adapter-kysely"
import { LocalModules, Refusal, Subscriptions } from "@tmis/core"
import { Api, ApiError, LocalModule } from "@tmis/server"
import { Context, Effect, Layer, Schema } from "effect"
import type { Kysely, Migration } from "kysely"

/** The module's name: its paths (`/modules/title-evaluation/…`) and its namespace (`title_evaluation_…`). */
export const name = "title-evaluation"

// ── Its tables ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** The module's tables, as its Kysely handle sees them: nothing of the core. */
export interface TitleEvaluationTables {
  title_evaluation_nominations: {
    teacher_id: string
    unit_id: string
    credits: number
    nominated_by: string
    nominated_at: string
  }
  title_evaluation_credit_activity: {
    teacher_id: string
    /** How many credit events the module has seen for the teacher. */
    events: number
    /** The sequence number of the last one: a redelivered event (at-least-once) is not counted twice. */
    last_seq: number | string
  }
}

/** Its migrations, run with its own migration table by `ModuleStore.migrate`. */
export const migrations: Record<string, Migration> = {
  "0001_nominations": {
    up: async (db: Kysely<unknown>) => {
      await db.schema
        .createTable("title_evaluation_nominations")
        .addColumn("teacher_id", "varchar(64)", (c) => c.primaryKey())
        .addColumn("unit_id", "varchar(64)", (c) => c.notNull())
        .addColumn("credits", "real", (c) => c.notNull())
        .addColumn("nominated_by", "varchar(64)", (c) => c.notNull())
        .addColumn("nominated_at", "varchar(32)", (c) => c.notNull())
        .execute()
      await db.schema
        .createTable("title_evaluation_credit_activity")
        .addColumn("teacher_id", "varchar(64)", (c) => c.primaryKey())
        .addColumn("events", "integer", (c) => c.notNull())
        .addColumn("last_seq", "bigint", (c) => c.notNull())
        .execute()
    }
  }
}

/** The module's guarded Kysely handle, for its handlers. */
export class Db extends Context.Tag("title-evaluation/Db")<Db, Kysely<TitleEvaluationTables>>() {}

// ── Its subscription ───────────────────────────────────────────────────────────────────────────────────────────────

/** The credit events (O9.1) the module follows: each names the teacher as its aggregate. */
const creditEvent = /^credits\./

/** Count a credit event once per sequence number: delivery is at-least-once. */
export const onEvent = (db: Kysely<TitleEvaluationTables>) => (event: Subscriptions.Event) =>
  creditEvent.test(event.type)
    ? Effect.promise(async () => {
        const teacherId = event.aggregateId
        const updated = await db
          .updateTable("title_evaluation_credit_activity")
          .set((eb) => ({ events: eb("events", "+", 1), last_seq: event.seq }))
          .where("teacher_id", "=", teacherId)
          .where("last_seq", "<", event.seq)
          .executeTakeFirst()
        if (Number(updated.numUpdatedRows) > 0) return
        const seen = await db
          .selectFrom("title_evaluation_credit_activity")
          .select("teacher_id")
          .where("teacher_id", "=", teacherId)
          .executeTakeFirst()
        if (seen === undefined) {
          await db
            .insertInto("title_evaluation_credit_activity")
            .values({ teacher_id: teacherId, events: 1, last_seq: event.seq })
            .execute()
        }
      })
    : Effect.void

/**
 * Bring the module's activity table up to date with the outbox, from its stored cursor: run by the host at start
 * and on a schedule. At-least-once: a failed run leaves the cursor, and the next run delivers the events again.
 */
export const sync = (db: Kysely<TitleEvaluationTables>) => Subscriptions.drain(name, onEvent(db), { batch: 200 })

// ── What it does, through the services ─────────────────────────────────────────────────────────────────────────────

/** A candidate: a teacher of the unit's subtree with enough confirmed credits. */
export const Candidate = Schema.Struct({
  teacherId: Schema.String,
  name: Schema.String,
  unitId: Schema.String,
  credits: Schema.Number,
  nominated: Schema.Boolean
})

/** Credits available (confirmed, not yet applied) across cycles, as the ledger's balance gives them. */
const creditsOf = (services: LocalModules.Services, teacherId: string) =>
  Effect.map(services.credits.ledger(teacherId), (ledger) => ledger.balance.available.credits)

/**
 * The candidates of subtree(unit): the e-files the actor may list there (refused outside its scope, M14.3), those
 * with credit activity, whose ledger (read as the actor) holds at least `minCredits`.
 */
export const candidates = (unitId: string, minCredits: number) =>
  Effect.gen(function* () {
    const services = yield* LocalModules.LocalModuleServices
    const db = yield* Db
    const active = new Set(
      (yield* Effect.promise(() =>
        db.selectFrom("title_evaluation_credit_activity").select("teacher_id").execute()
      )).map((r) => r.teacher_id)
    )
    const nominated = new Set(
      (yield* Effect.promise(() => db.selectFrom("title_evaluation_nominations").select("teacher_id").execute())).map(
        (r) => r.teacher_id
      )
    )
    const found: Array<typeof Candidate.Type> = []
    let after: string | undefined
    do {
      const page = yield* services.efiles.list(unitId, { after, limit: 1000 })
      for (const efile of page.items) {
        if (!active.has(efile.id)) continue
        const credits = yield* creditsOf(services, efile.id)
        if (credits >= minCredits) {
          found.push({
            teacherId: efile.id,
            name: efile.name,
            unitId: efile.unitId,
            credits,
            nominated: nominated.has(efile.id)
          })
        }
      }
      after = page.next
    } while (after !== undefined)
    return { unitId, minCredits, items: found }
  })

/**
 * Nominate a candidate: by an info admin who may read the teacher (M14.3, through `efiles.read`), the threshold
 * met; written to the module's table and recorded in the audit log and the outbox (M37.1).
 */
export const nominate = (teacherId: string, minCredits: number) =>
  Effect.gen(function* () {
    const services = yield* LocalModules.LocalModuleServices
    const db = yield* Db
    const { actor } = services
    if (actor.role !== "infoAdmin") {
      return yield* Effect.fail(
        Refusal.forbidden(
          "M14.3",
          "只有信息管理员可以推荐职称评审人选",
          "only an info admin nominates for title evaluation",
          {
            role: actor.role
          }
        )
      )
    }
    const read = yield* services.efiles.read(teacherId)
    const credits = yield* creditsOf(services, teacherId)
    if (credits < minCredits) {
      return yield* Effect.fail(
        Refusal.invalid("M27.1", "培训学分未达到职称评审要求", "the teacher's credits do not reach the threshold", {
          credits,
          minCredits
        })
      )
    }
    const nominatedAt = new Date().toISOString()
    yield* Effect.promise(() =>
      db
        .insertInto("title_evaluation_nominations")
        .values({
          teacher_id: teacherId,
          unit_id: read.efile.unitId,
          credits,
          nominated_by: actor.accountId,
          nominated_at: nominatedAt
        })
        .onConflict((oc) => oc.column("teacher_id").doNothing())
        .execute()
    )
    yield* services.audit.record({
      action: "nominate",
      object: `teacher:${teacherId}`,
      aggregateId: teacherId,
      details: { credits },
      payload: { teacherId, credits }
    })
    return { teacherId, nominatedBy: actor.accountId, nominatedAt }
  })

// ── Its routes ─────────────────────────────────────────────────────────────────────────────────────────────────────

const teacherId = HttpApiSchema.param("teacherId", Schema.String)

/** The credits a candidate needs by default. */
export const defaultMinCredits = 1

/** The module's endpoints: under its prefix, each behind the API's authentication. */
export const Group = HttpApiGroup.make("titleEvaluation")
  .add(
    HttpApiEndpoint.get("candidates", "/modules/title-evaluation/candidates")
      .setUrlParams(Schema.Struct({ unit: Schema.String, minCredits: Schema.optional(Schema.NumberFromString) }))
      .addSuccess(Schema.Struct({ unitId: Schema.String, minCredits: Schema.Number, items: Schema.Array(Candidate) }))
  )
  .add(
    HttpApiEndpoint.post("nominate")`/modules/title-evaluation/candidates/${teacherId}/nominate`.addSuccess(
      Schema.Struct({ teacherId: Schema.String, nominatedBy: Schema.String, nominatedAt: Schema.String })
    )
  )
  .middleware(Api.Authentication)

/**
 * Run a piece of the module as the request's actor: the module's services bound to that actor, refusals answered
 * as the API answers them (status, rule, messages) and noted for the guard's audit record.
 */
const asActor = <A, E>(effect: Effect.Effect<A, E, LocalModules.LocalModuleServices | Db>) =>
  Effect.flatMap(Api.CurrentActor, (actor) => LocalModules.provide(name, actor)(effect)).pipe(ApiError.refusals)

/** The module, ready for `Server.layer({ modules: [make(db)] })`: `db` is its guarded handle (see `open`). */
export const make = (db: Kysely<TitleEvaluationTables>): LocalModule.LocalModule =>
  LocalModule.make({
    name,
    group: Group,
    handlers: HttpApiBuilder.group(Api.Base.add(Group), "titleEvaluation", (handlers) =>
      handlers
        .handle("candidates", ({ urlParams }) =>
          asActor(candidates(urlParams.unit, urlParams.minCredits ?? defaultMinCredits))
        )
        .handle("nominate", ({ path }) => asActor(nominate(path.teacherId, defaultMinCredits)))
    ).pipe(Layer.provide(Layer.succeed(Db, db)))
  })

/** The module's schema, for the host's `ModuleStore.migrate` (`@tmis/adapter-kysely`). */
export const schema: ModuleStore.ModuleSchema = { name, migrations }
