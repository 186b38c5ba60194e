import { Indicator } from "@tmis/core"
import { Either } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { coreBasicInfo, coveredStages, extension, recordUnder, refusedExtension } from "../src/arbitraries/efile.js"

const today = "2026-11-28"

describe("e-file arbitraries", () => {
  it("extension gives extensions that Indicator.extend accepts", () => {
    fc.assert(
      fc.property(extension(), (ext) => {
        const extended = Indicator.extend(Indicator.core, ext)
        if (Either.isLeft(extended)) throw new Error(extended.left.message)
        expect(extended.right.provinces).toEqual([ext.province])
      }),
      { numRuns: 60 }
    )
  })

  it("extension reaches new groups, new fields, new code tables and every kind of tightening", () => {
    const sample = fc.sample(extension(), { numRuns: 150, seed: 7 })
    const tightenings = sample.flatMap((e) =>
      Object.values(e.tighten ?? {}).flatMap((byField) => Object.values(byField))
    )
    expect(sample.some((e) => (e.groups ?? []).length > 0)).toBe(true)
    expect(sample.some((e) => Object.keys(e.fields ?? {}).length > 0)).toBe(true)
    expect(sample.some((e) => (e.codeTables ?? []).length > 0)).toBe(true)
    for (const key of ["required", "maxLength", "pattern", "allowedCodes"] as const) {
      expect(tightenings.some((t) => t[key] !== undefined)).toBe(true)
    }
  })

  it("recordUnder gives records valid under the core for every group and stage", () => {
    for (const stage of coveredStages) {
      for (const group of Indicator.groupsFor(Indicator.core, stage)) {
        fc.assert(
          fc.property(recordUnder(Indicator.core, group.key, stage), (record) => {
            expect(Either.isRight(Indicator.validate(Indicator.core, group.key, stage, record, { today }))).toBe(true)
          }),
          { numRuns: 4 }
        )
      }
    }
  })

  it("recordUnder gives records valid under random extensions, in their new groups too", () => {
    fc.assert(
      fc.property(
        extension()
          .map((ext) => Either.getOrThrow(Indicator.extend(Indicator.core, ext)))
          .chain((schema) =>
            fc
              .constantFrom(...coveredStages)
              .chain((stage) =>
                fc
                  .constantFrom(...Indicator.groupsFor(schema, stage).map((g) => g.key))
                  .chain((group) =>
                    recordUnder(schema, group, stage).map((record) => ({ schema, stage, group, record }))
                  )
              )
          ),
        ({ schema, stage, group, record }) => {
          const result = Indicator.validate(schema, group, stage, record, { today })
          if (Either.isLeft(result)) throw new Error(result.left.message)
        }
      ),
      { numRuns: 40 }
    )
  })

  it("coreBasicInfo reaches both sides of every cross-field rule", () => {
    const sample = fc.sample(coreBasicInfo({ stage: "primary" }), { numRuns: 150, seed: 11 })
    expect(sample.some((r) => r.nationality === "156" && r.ethnicity !== undefined)).toBe(true)
    expect(sample.some((r) => r.nationality !== "156" && r.ethnicity === undefined)).toBe(true)
    expect(sample.some((r) => r.onEstablishment === false && r.employmentForm !== undefined)).toBe(true)
    expect(sample.some((r) => r.onEstablishment === true && r.employmentForm === undefined)).toBe(true)
    expect(sample.some((r) => r.idType === "1")).toBe(true)
    expect(sample.some((r) => r.idType !== "1")).toBe(true)
  })

  it("coreBasicInfo without a stage covers the stage variants", () => {
    const sample = fc.sample(coreBasicInfo(), { numRuns: 200, seed: 3 })
    for (const key of ["dualQualified", "specialEducationStartMonth", "preschoolMajorGraduate"]) {
      expect(sample.some((r) => r[key] !== undefined)).toBe(true)
    }
  })

  it("refusedExtension gives extensions that extend refuses with the attempt it made", () => {
    const seen = new Set<string>()
    fc.assert(
      fc.property(refusedExtension(), (refused) => {
        const result = Indicator.extend(Indicator.core, refused.extension)
        if (Either.isRight(result)) throw new Error(`accepted: ${JSON.stringify(refused)}`)
        expect(result.left.details.attempted).toBe(refused.attempted)
        seen.add(refused.attempted)
      }),
      { numRuns: 100 }
    )
    expect([...seen].sort()).toEqual(["loosen", "remove", "rename", "retype"])
  })
})
