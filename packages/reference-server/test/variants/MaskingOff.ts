/**
 * Broken: identity numbers are not masked for info query-ers — violates M37.2 (personal data shown masked to those
 * who may see basic information only).
 *
 * In front of the API: an info query-er's `GET /efiles/{teacherId}` is read through the core's `EFiles.read` as if
 * the query-er were an info admin of its unit (same scope, so authorization and audit still apply; only the masking
 * is gone), and in its `GET /units/{unitId}/efiles` listings every masked identity number is replaced by the stored
 * one. Other roles and requests go to the API as they are.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { type EFile, EFiles, Storage } from "@tmis/core"
import { Effect, Option, Schema } from "effect"
import * as Api from "../../src/Api.js"
import { actorOf, jsonOf, pathOf, type Variant, withJson } from "./Variant.js"

export const maskingOff: Variant = {
  name: "masking-off",
  rule: "M37.2",
  broken: "an info query-er sees whole identity numbers",
  around: (app) =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const path = pathOf(request)
      const teacherId = /^\/efiles\/([^/]+)$/.exec(path)?.[1]
      const listing = /^\/units\/[^/]+\/efiles$/.test(path)
      if (request.method !== "GET" || (teacherId === undefined && !listing)) return yield* app
      const actor = Option.getOrUndefined(yield* actorOf(request))
      if (actor?.role !== "infoQueryer") return yield* app
      if (teacherId !== undefined) {
        const read = yield* EFiles.read({ ...actor, role: "infoAdmin" }, decodeURIComponent(teacherId)).pipe(
          Effect.option
        )
        if (Option.isNone(read)) return yield* app
        return yield* HttpServerResponse.json(Schema.encodeSync(Api.EFileRead)(read.value))
      }
      const response = yield* app
      const page = jsonOf(response) as { items?: Array<{ id: string; idNumber: string }> } | undefined
      if (response.status !== 200 || page?.items === undefined) return response
      const storage = yield* Storage.Storage
      const items = yield* Effect.forEach(page.items, (item) =>
        Effect.map(storage.teachers.get(item.id as EFile.TeacherId), (found) =>
          Option.match(found, {
            onNone: () => item,
            onSome: (efile) => ({ ...item, idNumber: efile.value.idNumber })
          })
        )
      )
      return withJson(response, { ...page, items })
    }).pipe(Effect.orDie)
}
