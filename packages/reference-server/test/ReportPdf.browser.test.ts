/**
 * The report in a real headless Chromium (M29.1): its Chinese text renders in a CJK font (not as missing-glyph
 * boxes), its server-rendered SVG charts are drawn (their bars' colour is on the canvas), and the PDF Chromium prints
 * embeds a CJK font and the charts' vectors.
 *
 * Needs Debian's chromium at /usr/bin/chromium (or TMIS_CHROMIUM) and `fonts-noto-cjk` (CI installs both); without
 * chromium the test fails in CI and is skipped, with a warning, elsewhere.
 */
import { inflateSync } from "node:zlib"
import { type Browser, chromium } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as ReportRender from "../src/ReportRender.js"
import { fixture } from "./reportFixture.js"

const executablePath = ReportRender.chromiumPath()
if (executablePath === undefined) {
  if (process.env.CI === "true") throw new Error("Chromium is missing: CI must install Debian's chromium")
  console.warn("Chromium is missing: skipping the report's browser test")
}

const timeout = 90_000

/** Distinct characters of the report's title, and a private-use character drawn as tofu where no font has it. */
const chinese = [..."教师队伍建设报告", "\ue000"]

/**
 * How the element's font draws each character, as a string of its alpha pixels: with no font for them every CJK
 * character is the same box, like the private-use character.
 */
// biome-ignore lint/suspicious/noExplicitAny: runs in the page, whose DOM types this Node project does not load
const renderings = (element: any, characters: ReadonlyArray<string>): Array<string> => {
  // biome-ignore lint/suspicious/noExplicitAny: the page's globals, as above
  const { document, getComputedStyle } = globalThis as any
  const canvas = document.createElement("canvas")
  canvas.width = 64
  canvas.height = 64
  const context = canvas.getContext("2d", { willReadFrequently: true })!
  context.font = `48px ${getComputedStyle(element).fontFamily}`
  context.textBaseline = "top"
  return characters.map((character) => {
    context.clearRect(0, 0, 64, 64)
    context.fillText(character, 4, 4)
    return Array.from(context.getImageData(0, 0, 64, 64).data.filter((_: number, i: number) => i % 4 === 3)).join(",")
  })
}

/** The pixels of a PNG (as base64) near the report's first series colour (#5070dd), counted on a canvas in the page. */
const barPixels = async (png: string): Promise<number> => {
  // biome-ignore lint/suspicious/noExplicitAny: the page's globals, as above
  const { document, Image } = globalThis as any
  const image = new Image()
  image.src = `data:image/png;base64,${png}`
  await image.decode()
  const canvas = document.createElement("canvas")
  canvas.width = image.width
  canvas.height = image.height
  const context = canvas.getContext("2d", { willReadFrequently: true })!
  context.drawImage(image, 0, 0)
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data
  let n = 0
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - 0x50) < 12 && Math.abs(data[i + 1] - 0x70) < 12 && Math.abs(data[i + 2] - 0xdd) < 12) n++
  }
  return n
}

/** The text of a PDF's streams, inflated where compressed, with the uncompressed parts: where font names stand. */
const pdfText = (pdf: Buffer): string => {
  const raw = pdf.toString("latin1")
  const parts = [raw]
  for (const m of raw.matchAll(/stream\r?\n/g)) {
    const start = m.index! + m[0].length
    const end = raw.indexOf("endstream", start)
    if (end < 0) continue
    try {
      parts.push(inflateSync(pdf.subarray(start, end)).toString("latin1"))
    } catch {
      // not deflated, or a font program: its name is in the dictionaries already read
    }
  }
  return parts.join("\n")
}

describe.skipIf(executablePath === undefined)("the report in headless Chromium", () => {
  let browser: Browser
  const page = ReportRender.html(fixture("2026-07-01T08:00:00.000Z"))

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: executablePath!, args: ["--no-sandbox", "--disable-gpu"] })
  }, timeout)

  afterAll(async () => {
    await browser?.close()
  })

  it(
    "M29.1 the Chinese text renders in a CJK font and every chart is drawn",
    async () => {
      const tab = await browser.newPage({ viewport: { width: 1000, height: 1400 } })
      await tab.setContent(page, { waitUntil: "load" })
      const title = tab.locator("h1")
      expect(await title.textContent()).toContain("教师队伍建设报告")
      const drawn = await title.evaluate(renderings, chinese)
      // Each character its own glyph, none the missing-glyph box.
      expect(new Set(drawn.slice(0, -1)).size).toBe(chinese.length - 1)
      expect(drawn.slice(0, -1).some((pixels) => pixels === drawn.at(-1))).toBe(false)
      const charts = tab.locator("svg")
      expect(await charts.count()).toBe(11)
      for (const chart of await charts.all()) {
        const box = await chart.boundingBox()
        expect(box!.width).toBeGreaterThan(300)
        expect(box!.height).toBeGreaterThan(200)
      }
      // The stage chart (the first section's) has its bars and its Chinese axis labels.
      const stage = charts.nth(1)
      const shot = (await stage.screenshot()).toString("base64")
      expect(await tab.evaluate(barPixels, shot)).toBeGreaterThan(500)
      expect(await stage.textContent()).toContain("小学")
      await tab.close()
    },
    timeout
  )

  it(
    "M29.1 the PDF printed by Chromium embeds a CJK font and the charts",
    async () => {
      const pdf = await ReportRender.pdf(page)
      expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-")
      const text = pdfText(pdf)
      // The Chinese of the title is in the PDF as glyphs mapped to its characters (the fonts' ToUnicode maps;
      // Chromium embeds CJK glyphs of a .ttc as Type 3 fonts).
      const mapped = new Set<string>()
      for (const m of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
        for (const l of m[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g))
          mapped.add(String.fromCharCode(Number.parseInt(l[2]!, 16)))
      }
      for (const m of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
        for (const l of m[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
          const [from, to, first] = [l[1]!, l[2]!, l[3]!].map((h) => Number.parseInt(h, 16)) as [number, number, number]
          for (let i = 0; i <= to - from; i++) mapped.add(String.fromCharCode(first + i))
        }
      }
      expect(chinese.slice(0, -1).filter((c) => !mapped.has(c))).toEqual([])
      // More than one page, and the charts as vector paths (a bar is a path filled with the first series colour, #5070dd).
      expect((text.match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThan(1)
      expect(text).toMatch(/0?\.313\d* 0?\.439\d* 0?\.866\d* rg/)
    },
    timeout
  )
})
