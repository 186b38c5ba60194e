import { Hierarchy, Unit } from "@tmis/core"
import { hierarchy } from "@tmis/testkit/arbitraries"
import { Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

describe("hierarchy arbitrary", () => {
  it("M2.1 M2.2 generated hierarchies have one root, and every path extends its parent's", () => {
    fc.assert(
      fc.property(hierarchy({ deployment: "any" }), ({ hierarchy: h, steps }) => {
        expect(h.units.size).toBe(steps.length)
        const roots = [...h.units.values()].filter((u) => u.parentId === undefined)
        expect(roots).toHaveLength(1)
        for (const unit of h.units.values()) {
          if (unit.parentId === undefined) continue
          const parent = Option.getOrThrow(Hierarchy.get(h, unit.parentId))
          expect(unit.path).toBe(`${parent.path}${unit.id}/`)
          expect(Unit.compareLevel(parent.kind, unit.kind)).toBeLessThan(0)
        }
      }),
      { numRuns: 50 }
    )
  })

  it("generates every kind of unit across runs", () => {
    const kinds = new Set<string>()
    for (const { hierarchy: h } of fc.sample(hierarchy({ deployment: "any", maxSchools: 3 }), 60)) {
      for (const u of h.units.values()) kinds.add(u.kind)
    }
    expect([...kinds].sort()).toEqual(["city", "county", "department", "national", "province", "school"])
  })
})
