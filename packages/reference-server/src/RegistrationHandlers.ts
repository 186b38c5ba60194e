/**
 * The handlers of the update cycles (M18.1) and spot checks (M17.2): decode, call the service, encode.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, type HttpApiGroup } from "@effect/platform"
import {
  type RegistrationRound,
  Registrations,
  type Settings,
  SpotCheck,
  SpotChecks,
  type Storage,
  UpdateCycles
} from "@tmis/core"
import { Effect, type Layer } from "effect"
import * as Api from "./Api.js"
import { refusals } from "./ApiError.js"

const checkView = (check: SpotCheck.SpotCheck, version: number) => ({
  id: check.id,
  unitId: check.unit.id,
  seed: check.seed,
  sizes: check.sizes,
  population: check.population,
  sample: check.sample,
  drawnBy: check.drawnBy,
  drawnAt: check.drawnAt,
  findings: check.findings.map(({ changeRequestId, ...f }) => ({
    ...f,
    ...(changeRequestId === undefined ? {} : { changeRequestId })
  })),
  state: check.state,
  ...(check.published === undefined ? {} : { published: check.published }),
  version,
  redrawn: SpotCheck.redraw(check)
})

const stored = (s: Storage.Versioned<SpotCheck.SpotCheck>) => checkView(s.value, s.version)

const roundView = ({ value, version }: Storage.Versioned<RegistrationRound.Round>) => ({
  id: value.id,
  unitId: value.context.from.id,
  state: value.state,
  cycle: value.context.cycle,
  results: value.context.results.map((r) => ({
    teacherId: r.teacherId,
    name: r.name,
    outcome: r.outcome,
    hours: r.hours,
    credits: r.credits,
    reasons: r.reasons.map(({ check, met, outcome, rule, zh, en }) => ({ check, met, outcome, rule, zh, en }))
  })),
  history: value.context.history.map((h) => ({
    type: h.type,
    actor: h.actor,
    at: h.at,
    ...(h.detail === undefined ? {} : { detail: h.detail })
  })),
  version
})

/**
 * @since 0.1.0
 */
export const registration: Layer.Layer<
  HttpApiGroup.ApiGroup<"tmis", "registration">,
  never,
  Storage.Storage | Settings.Settings | Api.Authentication
> = HttpApiBuilder.group(Api.Api, "registration", (handlers) =>
  handlers
    .handle("cycles", ({ urlParams }) => UpdateCycles.cycles(urlParams.day).pipe(refusals))
    .handle("completeCycle", ({ path }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => UpdateCycles.complete(actor, path.unitId, path.cycle)).pipe(refusals)
    )
    .handle("cycleReport", ({ path, urlParams }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        UpdateCycles.report(actor, path.unitId, path.cycle, urlParams.day)
      ).pipe(refusals)
    )
    .handle("drawSpotCheck", ({ payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => SpotChecks.draw(actor, payload)).pipe(Effect.map(stored), refusals)
    )
    .handle("getSpotCheck", ({ path }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => SpotChecks.read(actor, path.checkId)).pipe(
        Effect.map((r) => checkView(r.check, r.version)),
        refusals
      )
    )
    .handle("recordFinding", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        SpotChecks.recordFinding(
          actor,
          path.checkId,
          { teacherId: payload.teacherId, result: payload.result, note: payload.note },
          payload.expectedVersion
        )
      ).pipe(Effect.map(stored), refusals)
    )
    .handle("publishSpotCheck", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        SpotChecks.publish(actor, path.checkId, payload.summary, payload.expectedVersion)
      ).pipe(Effect.map(stored), refusals)
    )
    .handle("openSpotCheckChange", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        SpotChecks.openChange(actor, path.checkId, payload.teacherId, {
          requestId: payload.requestId,
          entryId: payload.entryId,
          change: payload.change,
          reason: payload.reason
        })
      ).pipe(
        Effect.map((r) => stored(r.check)),
        refusals
      )
    )
    .handle("startRegistration", ({ payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Registrations.start(actor, payload)).pipe(
        Effect.map(roundView),
        refusals
      )
    )
    .handle("startRegistrationPass", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        Registrations.startSubtree(actor, { ...payload, unitId: path.unitId })
      ).pipe(refusals)
    )
    .handle("getRegistration", ({ path }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => Registrations.read(actor, path.roundId)).pipe(
        Effect.map(roundView),
        refusals
      )
    )
    .handle("actOnRegistration", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        Registrations.act(
          actor,
          path.roundId,
          payload.type === "confirm" ? { type: "confirm" } : { type: payload.type, reason: payload.reason },
          payload.expectedVersion
        )
      ).pipe(Effect.map(roundView), refusals)
    )
)
