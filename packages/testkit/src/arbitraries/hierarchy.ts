/**
 * Arbitraries for hierarchies: random valid trees of the five levels plus departments, built from the real
 * GB/T 2260 table and valid school codes, for a national or a provincial deployment. Sibling schools and departments
 * get ids that are prefixes of each other (sa, sa0, sa00 …) so that a subtree test by bare prefix is caught (M14.3).
 *
 * @since 0.1.0
 */
import { Deployment, Division, Hierarchy, SchoolType, Sponsor, type Unit } from "@tmis/core"
import { Either } from "effect"
import * as fc from "fast-check"

/**
 * One step of building a hierarchy: the unit and the id of its parent.
 *
 * @since 0.1.0
 */
export interface Step {
  readonly unit: Unit.NewUnit
  readonly parentId: string | undefined
}

/**
 * A generated hierarchy and the steps that built it, parents first.
 *
 * @since 0.1.0
 */
export interface GeneratedHierarchy {
  readonly hierarchy: Hierarchy.Hierarchy
  readonly steps: ReadonlyArray<Step>
}

/**
 * @since 0.1.0
 */
export interface HierarchyOptions {
  /** "national" (the default), "provincial", or either at random ("any"). */
  readonly deployment?: "national" | "provincial" | "any"
  readonly maxProvinces?: number
  readonly maxCities?: number
  readonly maxCounties?: number
  readonly maxSchools?: number
  readonly maxDepartments?: number
}

const coveredTypes = SchoolType.schoolTypes.filter((t) => t.covered)
const higherTypes = coveredTypes.filter((t) => t.stage === "higherEducation")
const currentSponsors = Sponsor.sponsors.filter((s) => !s.legacy)
const validFrom = "2017-03-31"

/**
 * Random valid hierarchies. Every unit is accepted by `Hierarchy.add`; a generator that produced a refused unit
 * would be a bug in the test kit and throws, naming the refusal.
 *
 * @since 0.1.0
 */
export const hierarchy = (options: HierarchyOptions = {}): fc.Arbitrary<GeneratedHierarchy> => {
  const maxProvinces = options.maxProvinces ?? 2
  const maxCities = options.maxCities ?? 2
  const maxCounties = options.maxCounties ?? 2
  const maxSchools = options.maxSchools ?? 2
  const maxDepartments = options.maxDepartments ?? 2
  return fc.gen().map((g) => {
    const steps: Array<Step> = []
    let sequence = g(fc.integer, { min: 1, max: 900_000 })
    const nextSchoolCode = (category: string, provinceCode: string) =>
      `${category}${provinceCode}${String(sequence++ % 1_000_000).padStart(6, "0")}`

    // Sibling ids are often prefixes of each other (sa, sa0, sa00, sa1, sa10 …), so that a subtree test by a bare
    // prefix ("/…/sa" covering "/…/sa0/") fails: a stem of letters per parent, then digits. Stems differ in a letter
    // where one is not a prefix of the other, so ids stay unique across the hierarchy.
    let stems = 0
    const nextStem = () => {
      let n = stems++
      let stem = ""
      do {
        stem = String.fromCharCode(97 + (n % 26)) + stem
        n = Math.floor(n / 26) - 1
      } while (n >= 0)
      return stem
    }
    const prefixRich = (count: number, first: string, others: ReadonlyArray<string>): ReadonlyArray<string> => {
      if (count === 0) return []
      // Beyond the listed suffixes (large maxima), more digits-only ones that no listed suffix starts with.
      const pool = [...others, ...Array.from({ length: Math.max(0, count - 1 - others.length) }, (_, i) => `9${i}`)]
      const rest = g(fc.shuffledSubarray, pool, { minLength: count - 1, maxLength: count - 1 })
      return g(fc.shuffledSubarray, [first, ...rest], { minLength: count, maxLength: count })
    }
    const schoolSuffixes = ["0", "1", "00", "10", "01", "100", "000"]
    const departmentSuffixes = ["10", "2", "11", "100", "20", "101"]

    const addSchools = (parentId: string, provinceCode: string, max: number) => {
      const count = g(fc.integer, { min: 0, max })
      const stem = nextStem()
      const suffixes = prefixRich(count, "", schoolSuffixes)
      for (let i = 0; i < count; i++) {
        const type = g(fc.constantFrom, ...coveredTypes)
        const code = nextSchoolCode(type.category, provinceCode)
        const id = `s${stem}${suffixes[i]}`
        steps.push({
          parentId,
          unit: {
            id,
            kind: "school",
            name: `${type.zh}${code.slice(-4)}`,
            code,
            validFrom,
            school: { schoolType: type.code, sponsor: g(fc.constantFrom, ...currentSponsors).code }
          }
        })
        const departments = g(fc.integer, { min: 0, max: maxDepartments })
        const departmentIds = prefixRich(departments, "1", departmentSuffixes)
        for (let d = 1; d <= departments; d++) {
          steps.push({
            parentId: id,
            unit: {
              id: `${id}-d${departmentIds[d - 1]}`,
              kind: "department",
              name: `二级部门${d}`,
              code: `D${d}`,
              validFrom
            }
          })
        }
      }
    }

    const addProvince = (province: Division.Division, parentId: string | undefined) => {
      const provinceId = `p${province.provinceCode}`
      steps.push({
        parentId,
        unit: { id: provinceId, kind: "province", name: province.name, code: province.code, validFrom }
      })
      addSchools(provinceId, province.provinceCode, 1)
      const cities = Division.prefecturesOf(province.code)
      for (const city of g(fc.subarray, [...cities], {
        minLength: Math.min(1, cities.length),
        maxLength: Math.min(maxCities, cities.length)
      })) {
        const cityId = `c${city.code}`
        steps.push({
          parentId: provinceId,
          unit: { id: cityId, kind: "city", name: city.name, code: city.code, validFrom }
        })
        addSchools(cityId, province.provinceCode, 1)
        const counties = Division.countiesOf(city.code)
        for (const county of g(fc.subarray, [...counties], { maxLength: Math.min(maxCounties, counties.length) })) {
          const countyId = `k${county.code}`
          steps.push({
            parentId: cityId,
            unit: { id: countyId, kind: "county", name: county.name, code: county.code, validFrom }
          })
          addSchools(countyId, province.provinceCode, maxSchools)
        }
      }
      // 省直管县: counties directly under the province, where the table has them.
      const direct = Division.countiesOf(province.code)
      for (const county of g(fc.subarray, [...direct], { maxLength: Math.min(1, direct.length) })) {
        const countyId = `k${county.code}`
        steps.push({
          parentId: provinceId,
          unit: { id: countyId, kind: "county", name: county.name, code: county.code, validFrom }
        })
        addSchools(countyId, province.provinceCode, maxSchools)
      }
    }

    const provinces = Division.provinces()
    const kind =
      options.deployment === "any" ? g(fc.constantFrom, "national", "provincial") : (options.deployment ?? "national")
    let deployment: Deployment.Deployment
    if (kind === "provincial") {
      const province = g(fc.constantFrom, ...provinces)
      deployment = Deployment.provincial(province.provinceCode)
      addProvince(province, undefined)
    } else {
      deployment = Deployment.national
      steps.push({
        parentId: undefined,
        unit: { id: "n", kind: "national", name: "教育部", code: "000000", validFrom }
      })
      for (const province of g(fc.subarray, [...provinces], { minLength: 1, maxLength: maxProvinces })) {
        addProvince(province, "n")
      }
      // 中央部属高校 (M6.1) hang directly under the national unit.
      const universities = g(fc.integer, { min: 0, max: 1 })
      const stem = nextStem()
      for (let i = 0; i < universities; i++) {
        const type = g(fc.constantFrom, ...higherTypes)
        const province = g(fc.constantFrom, ...provinces)
        const code = nextSchoolCode(type.category, province.provinceCode)
        steps.push({
          parentId: "n",
          unit: {
            id: `s${stem}${i === 0 ? "" : i}`,
            kind: "school",
            name: `部属高校${code.slice(-4)}`,
            code,
            validFrom,
            school: { schoolType: type.code, sponsor: "21", centralMinistry: true }
          }
        })
      }
    }
    const built = Hierarchy.addAll(Hierarchy.make(deployment), steps)
    if (Either.isLeft(built)) {
      throw new Error(`testkit generated a hierarchy that core refuses: ${built.left.message}`)
    }
    return { hierarchy: built.right, steps }
  })
}
