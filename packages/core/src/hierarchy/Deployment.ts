/**
 * Deployment (两级建设), M2.3: a tmis deployment is either the national system or one provincial system.
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import * as Refusal from "../kernel/Refusal.js"

/**
 * @since 0.1.0
 */
export const Deployment = Schema.Union(
  Schema.TaggedStruct("National", {}),
  Schema.TaggedStruct("Provincial", { provinceCode: Schema.String.pipe(Schema.pattern(/^\d{2}$/)) })
)

/**
 * @since 0.1.0
 */
export type Deployment = typeof Deployment.Type

/**
 * The national system (国家级教师系统): holds every province and the central-ministry universities.
 *
 * @since 0.1.0
 */
export const national: Deployment = { _tag: "National" }

/**
 * A provincial system (省级教师系统) holding exactly the subtree of the province whose GB/T 2260 code starts
 * with `provinceCode` (two digits, e.g. "44").
 *
 * @since 0.1.0
 */
export const provincial = (provinceCode: string): Deployment => ({ _tag: "Provincial", provinceCode })

/**
 * The root kind of a deployment: the national unit, or the province of a provincial system.
 *
 * @since 0.1.0
 */
export const rootKind = (deployment: Deployment): "national" | "province" =>
  deployment._tag === "National" ? "national" : "province"

/**
 * Does this deployment admit a unit of this kind whose province digits are `provinceCode` (undefined for
 * the national unit and units hanging directly under it without a province)? M2.3.
 *
 * @since 0.1.0
 */
export const admit = (
  deployment: Deployment,
  unit: { readonly kind: string; readonly provinceCode: string | undefined; readonly code: string }
): Either.Either<void, Refusal.Refusal> => {
  if (deployment._tag === "National") return Either.void
  if (unit.provinceCode === deployment.provinceCode) return Either.void
  return Either.left(
    Refusal.invalid(
      "M2.3",
      `省级教师系统只容纳本省（${deployment.provinceCode}）的单位`,
      `a provincial system holds only its own province (${deployment.provinceCode}); this ${unit.kind} belongs to ${unit.provinceCode ?? "no province"}`,
      { field: "code", value: unit.code, kind: unit.kind, deploymentProvince: deployment.provinceCode }
    )
  )
}
