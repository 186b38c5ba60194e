/**
 * The pure core at provincial scale (domain-facts: a large province has ~40,000 schools under ~20 cities and
 * 120–150 counties): building the hierarchy, authorization decisions, identity-number checks.
 */
import { type Account, Authorization, Deployment, Division, Hierarchy, IdentityNumber, type Unit } from "@tmis/core"
import { Either } from "effect"
import { medianMs, report } from "./measure.js"

const schools = 40_000
const validFrom = "2017-03-31"

const provinceSteps = () => {
  const province = Division.lookup("440000")
  if (province._tag === "None") throw new Error("440000 missing from the division table")
  const steps: Array<{ unit: Unit.NewUnit; parentId: string | undefined }> = [
    { parentId: undefined, unit: { id: "gd", kind: "province", name: "广东省", code: "440000", validFrom } }
  ]
  const counties: Array<string> = []
  for (const city of Division.prefecturesOf("440000")) {
    steps.push({
      parentId: "gd",
      unit: { id: `c${city.code}`, kind: "city", name: city.name, code: city.code, validFrom }
    })
    for (const county of Division.countiesOf(city.code)) {
      steps.push({
        parentId: `c${city.code}`,
        unit: { id: `k${county.code}`, kind: "county", name: county.name, code: county.code, validFrom }
      })
      counties.push(`k${county.code}`)
    }
  }
  for (let i = 0; i < schools; i++) {
    const code = `2144${String(i).padStart(6, "0")}`
    steps.push({
      parentId: counties[i % counties.length]!,
      unit: {
        id: `s${code}`,
        kind: "school",
        name: `小学${i}`,
        code,
        validFrom,
        school: { schoolType: "211", sponsor: "21" }
      }
    })
  }
  return steps
}

export const run = async (): Promise<void> => {
  const steps = provinceSteps()
  let hierarchy = Hierarchy.make(Deployment.provincial("44"))
  const buildMs = medianMs(5, () => {
    hierarchy = Either.getOrThrow(Hierarchy.addAll(Hierarchy.make(Deployment.provincial("44")), steps))
  })
  report({
    bench: "hierarchy.build",
    units: steps.length,
    medianMs: round(buildMs),
    unitsPerSec: round((steps.length / buildMs) * 1000)
  })

  const units = [...hierarchy.units.values()]
  const context: Authorization.Context = { requireCertificateFor: [], now: new Date("2026-11-28T00:00:00Z") }
  // Bureau accounts reading schools: some targets in their subtree, most outside.
  const bureaus = units.filter((u) => u.kind !== "school")
  const roles: Array<Account.Role> = ["infoAdmin", "infoQueryer"]
  const decisions = 200_000
  const actors = Array.from({ length: 1000 }, (_, i) => {
    const unit = bureaus[(i * 7919) % bureaus.length]!
    return {
      accountId: `a${i}` as Account.AccountId,
      role: roles[i % roles.length]!,
      status: "active" as const,
      unit: { id: unit.id, kind: unit.kind, path: unit.path },
      identityNumber: "11010519491231002X",
      certificate: undefined,
      presentedCertificate: undefined
    }
  })
  const targets = Array.from({ length: 1000 }, (_, i) => {
    const unit = units[(i * 104729) % units.length]!
    return { id: unit.id, kind: unit.kind, path: unit.path }
  })
  let allowed = 0
  const authorizeMs = medianMs(5, () => {
    allowed = 0
    for (let i = 0; i < decisions; i++) {
      const action = { _tag: "ReadTeacher", unit: targets[i % 997]!, detail: "basic" } as const
      if (Authorization.isAllowed(actors[i % 1000]!, action, context)) allowed++
    }
  })
  // The same decisions through `authorize`, which builds a typed error for every refusal.
  const typedMs = medianMs(5, () => {
    for (let i = 0; i < decisions; i++) {
      const action = { _tag: "ReadTeacher", unit: targets[i % 997]!, detail: "basic" } as const
      Authorization.authorize(actors[i % 1000]!, action, context)
    }
  })
  report({
    bench: "authorization.isAllowed",
    decisions,
    allowedShare: round(allowed / decisions),
    medianMs: round(authorizeMs),
    decisionsPerSec: round((decisions / authorizeMs) * 1000)
  })
  report({
    bench: "authorization.authorize",
    decisions,
    medianMs: round(typedMs),
    decisionsPerSec: round((decisions / typedMs) * 1000),
    slowdownVsIsAllowed: round(typedMs / authorizeMs)
  })

  const ids = Array.from({ length: 10_000 }, (_, i) => {
    const first17 = `440305${1960 + (i % 40)}0${1 + (i % 9)}1${i % 10}${String((i % 999) + 1).padStart(3, "0")}`
    return first17 + IdentityNumber.checkCharacter(first17)
  })
  const parseMs = medianMs(5, () => {
    for (const id of ids) Either.getOrThrow(IdentityNumber.parse(id, { today: "2026-11-28" }))
  })
  report({
    bench: "identityNumber.parse",
    numbers: ids.length,
    medianMs: round(parseMs),
    perSec: round((ids.length / parseMs) * 1000)
  })
  console.error(
    `built ${steps.length} units in ${round(buildMs)} ms; ${round((decisions / authorizeMs) * 1000)} authorization decisions/s; ${round((ids.length / parseMs) * 1000)} identity numbers/s`
  )
}

const round = (n: number) => Math.round(n * 100) / 100
