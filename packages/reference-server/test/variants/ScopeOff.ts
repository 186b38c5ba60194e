/**
 * Broken: one endpoint, `GET /efiles/{teacherId}`, does not check the reader's scope — violates M14.3 (an account
 * acts within its unit and the units below it). Every other endpoint checks it.
 *
 * The endpoint is answered in front of the API: an info admin or info query-er is authenticated as the API does,
 * and the e-file is read through the core's `EFiles.read` — audited and masked as usual — by the actor re-homed at
 * the e-file's own unit: the classic fault of checking a target against itself rather than against the actor's
 * unit. Anything else (another role, no session, no such e-file) goes to the API as it is.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { EFiles, Units } from "@tmis/core"
import { Effect, Option, Schema } from "effect"
import * as Api from "../../src/Api.js"
import { actorOf, pathOf, type Variant } from "./Variant.js"

export const scopeOff: Variant = {
  name: "scope-off",
  rule: "M14.3",
  broken: "GET /efiles/{teacherId} reads an e-file outside the reader's subtree",
  around: (app) =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const teacherId = /^\/efiles\/([^/]+)$/.exec(pathOf(request))?.[1]
      if (request.method !== "GET" || teacherId === undefined) return yield* app
      const actor = Option.getOrUndefined(yield* actorOf(request))
      if (actor === undefined || (actor.role !== "infoAdmin" && actor.role !== "infoQueryer")) return yield* app
      const read = yield* Effect.gen(function* () {
        const efile = yield* EFiles.load(decodeURIComponent(teacherId))
        const unit = (yield* Units.load(efile.value.unitId)).value
        return yield* EFiles.read({ ...actor, unit: Units.ref(unit) }, efile.value.id)
      }).pipe(Effect.option)
      if (Option.isNone(read)) return yield* app
      return yield* HttpServerResponse.json(Schema.encodeSync(Api.EFileRead)(read.value))
    }).pipe(Effect.orDie)
}
