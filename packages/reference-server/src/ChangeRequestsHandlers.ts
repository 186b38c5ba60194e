/**
 * The handlers of a unit's change requests: decode, `EFiles.changeRequests`, encode.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, type HttpApiGroup } from "@effect/platform"
import { EFiles, type Settings, type Storage } from "@tmis/core"
import { Effect, type Layer } from "effect"
import * as Api from "./Api.js"
import { refusals } from "./ApiError.js"

const view = ({ value, version, teacherId }: Storage.ListedChangeRequest) => ({
  id: value.id,
  entryId: value.entryId,
  teacherId,
  teacher: value.teacher,
  unitId: value.unit.id,
  baseVersion: value.baseVersion,
  change: { ...value.change },
  reason: value.reason,
  status: value.status,
  requestedBy: value.requestedBy,
  requestedAt: value.requestedAt,
  ...(value.decidedBy === undefined ? {} : { decidedBy: value.decidedBy }),
  ...(value.decidedAt === undefined ? {} : { decidedAt: value.decidedAt }),
  ...(value.refusal === undefined ? {} : { refusal: value.refusal }),
  ...(value.appliedVersion === undefined ? {} : { appliedVersion: value.appliedVersion }),
  version
})

/**
 * @since 0.1.0
 */
export const changeRequestsHandlers: Layer.Layer<
  HttpApiGroup.ApiGroup<"tmis", "changeRequests">,
  never,
  Storage.Storage | Settings.Settings | Api.Authentication
> = HttpApiBuilder.group(Api.Api, "changeRequests", (handlers) =>
  handlers.handle("list", ({ path, urlParams: { state, ...page } }) =>
    Effect.flatMap(Api.CurrentActor, (actor) => EFiles.changeRequests(actor, path.unitId, state, page)).pipe(
      Effect.map(({ items, next }) => ({ items: items.map(view), next })),
      refusals
    )
  )
)
