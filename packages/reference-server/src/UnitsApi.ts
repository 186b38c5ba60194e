/**
 * The API's group: the unit hierarchy (M2, M6, M7, M12, M20). Part of `Api.ts`'s `Api`; handlers in `Handlers.ts`.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Unit } from "@tmis/core"
import { Schema } from "effect"
import { Authentication, Body, Day, Id, Opt, Page, PageParams, Text, unitId, Version } from "./ApiBase.js"

/**
 * A unit as the API shows it.
 *
 * @since 0.1.0
 */
export const UnitView = Schema.Struct({
  id: Schema.String,
  kind: Unit.Kind,
  parentId: Schema.optional(Schema.String),
  path: Schema.String,
  name: Schema.String,
  code: Schema.String,
  status: Schema.String,
  validFrom: Schema.String,
  school: Schema.optional(Schema.Unknown)
}).annotations({ identifier: "Unit" })

/**
 * A recorded version of a unit (M12.2): the unit as it was from `validFrom`, the unit a merger merged it into, and
 * its version number.
 *
 * @since 0.1.0
 */
export const UnitVersionView = Schema.Struct({
  ...UnitView.fields,
  mergedInto: Schema.optional(
    Schema.String.annotations({ description: "On a merger's version: the unit it merged into (M12.2)." })
  ),
  version: Schema.Number
}).annotations({ identifier: "UnitVersion" })

const SchoolBody = Body("SchoolAttributes", {
  schoolType: Text(8),
  sponsor: Text(8),
  centralMinistry: Opt(Schema.Boolean),
  affiliatedTo: Opt(Text(64))
})

/**
 * The unit hierarchy (M2, M6, M7, M12, M20).
 *
 * @since 0.1.0
 */
export class UnitsGroup extends HttpApiGroup.make("units")
  .add(
    HttpApiEndpoint.get("get")`/units/${unitId}`.addSuccess(UnitView).annotateContext(
      OpenApi.annotations({
        summary: "A unit, as in force today",
        description:
          "The unit's version in force today (M12.2). Who may call it: a system admin, info admin or info " +
          "query-er of the unit or of a unit above it (its scope is its unit's subtree, M14.3; a department's, " +
          "the department, M20.1); a teacher is refused (M14.3)."
      })
    )
  )
  .add(
    HttpApiEndpoint.get("subtree")`/units/${unitId}/subtree`
      .setUrlParams(PageParams)
      .addSuccess(Page("UnitPage", UnitView))
      .annotateContext(
        OpenApi.annotations({
          summary: "A unit's subtree",
          description:
            "The unit and every unit below it, in path order, a page at a time. Who may call it: a system admin, " +
            "info admin or info query-er of the unit or of a unit above it (M14.3; a department, its own, M20.1); " +
            "a teacher is refused (M14.3)."
        })
      )
  )
  .add(
    HttpApiEndpoint.get("versions")`/units/${unitId}/versions`
      .setUrlParams(PageParams)
      .addSuccess(Page("UnitVersionPage", UnitVersionView))
      .annotateContext(
        OpenApi.annotations({
          summary: "A unit's version history",
          description:
            "The unit's recorded versions (M12.2), oldest first, a page at a time: its first version and one per " +
            "dated change (name, type, sponsor, parent, closure, merger), each with its `version` (1 when created, " +
            "+1 on every change) and the day it took effect (`validFrom`); `next` is the last version number of the " +
            "page, and an `after` that is no version number answers 422 (M12.2). Who may call it: whoever may read " +
            "the unit (`GET /units/{unitId}`) — a system admin, info admin or info query-er of the unit or of a unit " +
            "above it (its scope is its unit's subtree, M14.3; a department's, the department, M20.1); a teacher is " +
            "refused (M14.3)."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("create")`/units/${unitId}/units`
      .setPayload(
        Body("NewUnit", {
          id: Id,
          kind: Unit.Kind,
          name: Text(128),
          code: Text(32),
          validFrom: Day,
          school: Opt(SchoolBody)
        })
      )
      .addSuccess(UnitView, { status: 201 })
      .annotateContext(
        OpenApi.annotations({
          summary: "Create a unit below a unit",
          description:
            "Create a unit below `unitId` (M2.2, M4.1, M6.1, M7.1, M12.1): its kind fits its parent, its code and " +
            "a school's type and sponsor are checked; a code already taken is refused by the store (409, " +
            "`unitCode`). Who may call it: an info admin of an administrative unit (national, province, city, " +
            "county), below its unit or a unit of its subtree; a school's info admin creates only secondary " +
            "departments (二级部门) of its own school (M20.1). A system admin (M13.2), an info query-er (M13.4) and a " +
            "teacher (M14.3) are refused."
        })
      )
  )
  .add(
    HttpApiEndpoint.post("change")`/units/${unitId}/changes`
      .setPayload(
        Body("UnitChange", {
          change: Schema.Union(
            Schema.TaggedStruct("Rename", { name: Text(128) }),
            Schema.TaggedStruct("ChangeType", { schoolType: Text(8), code: Opt(Text(32)) }),
            Schema.TaggedStruct("ChangeSponsor", { sponsor: Text(8) }),
            Schema.TaggedStruct("Move", { parentId: Id }),
            Schema.TaggedStruct("Close", {}),
            Schema.TaggedStruct("Merge", { intoId: Id })
          ),
          effective: Day,
          expectedVersion: Version
        })
      )
      .addSuccess(UnitView)
      .annotateContext(
        OpenApi.annotations({
          summary: "Change a unit as of a day: rename, change type or sponsor, move, close, merge",
          description:
            "A new dated version of the unit, effective from `effective` (M12.2: earlier versions stay, see " +
            "`GET /units/{unitId}/versions`), written only at the version the caller saw (409 otherwise). A move " +
            "re-paths the unit's subtree in the same transaction and must fit the new parent (M2.2); a school's type " +
            "and sponsor are checked against the code tables (M4.1, M12.1). Who may call it: an info admin of an " +
            "administrative unit above it (a unit's attributes are changed from above, M12.2); a school's info admin " +
            "changes only its own secondary departments (M20.1); for a move, the caller must also be able to create " +
            "under the new parent, for a merge to change the unit merged into. Anyone else is refused (M13.2, M13.4, " +
            "M14.3)."
        })
      )
  )
  .middleware(Authentication) {}
