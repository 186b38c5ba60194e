import { Indicator } from "@tmis/core"
import { Columns, Export } from "@tmis/import"
import { coveredStages, extension, recordUnder } from "@tmis/testkit/arbitraries"
import { parse } from "csv-parse/sync"
import { Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

/** Export records as CSV, then read them back as the import does: its header mapping and cell conversion. */
const roundTrip = (
  schema: Indicator.IndicatorSchema,
  group: string,
  stage: (typeof coveredStages)[number],
  records: ReadonlyArray<Indicator.IndicatorRecord>
) => {
  const [headers, ...rows] = parse(Export.csv(schema, group, stage, records)) as Array<Array<string>>
  const mapping = Either.getOrThrow(Columns.map(schema, group, stage, headers!))
  return rows.map((cells) => Columns.convert(mapping, schema, cells))
}

describe("Export", () => {
  it("M16.2 M11.2 an export imports back unchanged: for random provincial extensions, stages and valid records, every field and no problem", () => {
    const arbitrary = fc.tuple(extension(), fc.constantFrom(...coveredStages)).chain(([ext, stage]) => {
      const schema = Either.getOrThrow(Indicator.extend(Indicator.core, ext))
      return fc.tuple(
        fc.constant(schema),
        fc.constant(stage),
        fc.array(recordUnder(schema, "basicInfo", stage), { minLength: 1, maxLength: 4 })
      )
    })
    fc.assert(
      fc.property(arbitrary, ([schema, stage, records]) => {
        const back = roundTrip(schema, "basicInfo", stage, records)
        expect(back.map((r) => r.problems)).toEqual(records.map(() => []))
        expect(back.map((r) => r.record)).toEqual(records)
      }),
      { numRuns: 60 }
    )
  })

  it("M16.2 codes are written with their names and booleans as 是/否, under the fields' Chinese names", () => {
    const text = Export.csv(Indicator.core, "basicInfo", "primary", [{ name: "王丽", sex: "2", onEstablishment: true }])
    const [headers, row] = parse(text) as Array<Array<string>>
    const at = (zh: string) => row![headers!.indexOf(zh)]
    expect([at("姓名"), at("性别"), at("是否在编")]).toEqual(["王丽", "2 女", "是"])
  })
})
