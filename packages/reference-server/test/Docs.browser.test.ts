/**
 * The interactive API reference at `/docs`, in a real headless Chromium: the Scalar page renders every endpoint of
 * the OpenAPI document, and it does so offline — the page asks nothing of any host but the server (a provincial
 * deployment's network may have no way out).
 *
 * Needs Debian's chromium at /usr/bin/chromium and, for the Chinese text, `fonts-noto-cjk` (CI installs both);
 * without chromium the test fails in CI and is skipped, with a warning, elsewhere.
 */
import { existsSync } from "node:fs"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { OpenApi } from "@effect/platform"
import { type BrowserContext, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Api from "../src/Api.js"
import { type Backend, type Running, sqlite, start } from "./support.js"

const executablePath = "/usr/bin/chromium"
const hasChromium = existsSync(executablePath)
if (!hasChromium) {
  if (process.env.CI === "true") throw new Error(`${executablePath} is missing: CI must install Debian's chromium`)
  console.warn(`${executablePath} is missing: skipping the /docs browser test`)
}

/** Rendering the whole document takes Scalar several seconds on a loaded machine. */
const timeout = 60_000

const spec = OpenApi.fromApi(Api.Api)

/** Chinese of the page's title: distinct characters, each a glyph of its own where a CJK font is installed. */
const chinese = [..."全国教师管理"]

/**
 * How the element's own font renders each character: the pixels of each drawn on a canvas, as a string. Without a
 * font for them, every CJK character is the same missing-glyph box (tofu), like a private-use character is.
 */
// biome-ignore lint/suspicious/noExplicitAny: runs in the page, whose DOM types this Node project does not load
const renderings = (element: any, characters: ReadonlyArray<string>): Array<string> => {
  // biome-ignore lint/suspicious/noExplicitAny: the page's globals, as above
  const { document, getComputedStyle } = globalThis as any
  const style = getComputedStyle(element)
  const canvas = document.createElement("canvas")
  canvas.width = 64
  canvas.height = 64
  const context = canvas.getContext("2d", { willReadFrequently: true })!
  context.font = `48px ${style.fontFamily}`
  context.textBaseline = "top"
  return characters.map((character) => {
    context.clearRect(0, 0, 64, 64)
    context.fillText(character, 4, 4)
    return Array.from(context.getImageData(0, 0, 64, 64).data.filter((_: number, i: number) => i % 4 === 3)).join(",")
  })
}

/** Distinct renderings of the Chinese characters, and whether any looks like the private-use character's tofu. */
const legibility = (drawn: Array<string>) => ({
  distinct: new Set(drawn.slice(0, -1)).size,
  tofu: drawn.slice(0, -1).some((pixels) => pixels === drawn.at(-1))
})

const launchArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/** Scalar puts zero-width spaces before the slashes of a path so that long paths wrap. */
const normalize = (text: string) =>
  text
    .replace(/\u200b/g, "")
    .replace(/\s+/g, " ")
    .trim()

describe.skipIf(!hasChromium)("/docs in headless Chromium", () => {
  let backend: Backend
  let running: Running
  let profile: string
  let context: BrowserContext
  let page: Page
  /** Every URL the browser asked for, and those that went to another host than the server. */
  const requests: Array<string> = []
  const external: Array<string> = []
  const pageErrors: Array<string> = []

  beforeAll(async () => {
    backend = await sqlite()
    running = await start(backend)
    const origin = new URL(running.url).origin
    profile = await mkdtemp(join(tmpdir(), "tmis-chromium-"))
    context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: launchArgs })
    // Collected on the context, not one page: a popup or a worker of the page counts too.
    context.on("request", (request) => {
      requests.push(request.url())
    })
    // Anything bound elsewhere is recorded and refused, as it would be on a network without a way out.
    await context.route(
      (url) => !/^(data|blob|about):/.test(url.protocol) && url.origin !== origin,
      (route) => {
        external.push(route.request().url())
        return route.abort("internetdisconnected")
      }
    )
    page = context.pages()[0] ?? (await context.newPage())
    page.on("pageerror", (error) => {
      pageErrors.push(error.message)
    })
    await page.goto(`${running.url}/docs`)
    // The sidebar's footer is among the last things Scalar mounts once the document is loaded.
    await page.getByRole("link", { name: "Powered by Scalar", exact: true }).waitFor({ timeout })
  }, timeout)

  afterAll(async () => {
    await context?.close()
    if (profile !== undefined) await rm(profile, { recursive: true, force: true })
    await running?.close()
    await backend?.drop()
  }, timeout)

  it(
    "renders the document: its title and, under each tag, every operation of the API",
    async () => {
      expect(await page.title()).toBe(spec.info.title)
      const byTag = new Map<string, Array<string>>()
      for (const [path, item] of Object.entries(spec.paths)) {
        for (const method of ["get", "put", "post", "delete", "patch"] as const) {
          const tag = item[method]?.tags[0]
          if (tag !== undefined) byTag.set(tag, [...(byTag.get(tag) ?? []), `${method} ${path}`])
        }
      }
      // Every group of the API is a tag of the document, and has operations.
      expect([...byTag.keys()]).toEqual(spec.tags.map((tag) => tag.name))
      expect([...byTag.keys()]).toEqual(expect.arrayContaining(["auth", "units", "efiles", "workflows", "audit"]))
      for (const [tag, expected] of byTag) {
        const list = page.getByRole("list", { name: `${tag} endpoints`, exact: true }).getByRole("listitem")
        // Scalar mounts a tag's list after its footer on a loaded machine: wait for it, then read it whole.
        await list.nth(expected.length - 1).waitFor({ timeout })
        const items = await list.allTextContents()
        // Each item reads "post/efiles": the method, then the path.
        const rendered = items.map((text) =>
          normalize(text).replace(/^([a-z]+)\s*/i, (_, method: string) => `${method.toLowerCase()} `)
        )
        // In the document's order of each path's methods, which is the definition's, not always GET first.
        expect([...rendered].sort(), tag).toEqual([...expected].sort())
      }
    },
    timeout
  )

  it(
    "finds the login operation, then /efiles/{teacherId}/entries and /transfers through the sidebar",
    async () => {
      // The first tag is open from the start: the login operation with its description.
      await page
        .getByText("Log in with a password; sets the session cookie and returns the token.")
        .waitFor({ timeout })
      // An operation's heading is its summary.
      const summary = (path: string) => spec.paths[path]?.post?.summary ?? path
      await expect(page.getByRole("heading", { name: summary("/auth/login"), exact: true }).isVisible()).resolves.toBe(
        true
      )
      for (const [tag, method, path] of [
        ["efiles", "POST", "/efiles/{teacherId}/entries"],
        ["workflows", "POST", "/transfers"]
      ] as const) {
        await page.getByRole("button", { name: `Open Group ${tag}` }).click()
        // A sidebar entry is named by its summary and method, e.g. "Initiate a transfer HTTP Method: POST".
        await page.getByRole("button", { name: `${summary(path)} HTTP Method: ${method}`, exact: true }).click()
        // The reference scrolls to the operation, whose heading is its summary.
        await page.getByRole("heading", { name: summary(path), exact: true }).waitFor({ timeout })
        expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#tag/${tag}/${method.toLowerCase()}${path}`)
      }
    },
    timeout
  )

  it(
    "renders the Chinese text legibly (fonts-noto-cjk): a screenshot, and every character of the title a glyph of its own",
    async () => {
      const title = page.getByRole("heading", { name: spec.info.title, exact: true }).first()
      await title.waitFor({ timeout })
      const shot = join(tmpdir(), "tmis-docs.png")
      await page.screenshot({ path: shot, fullPage: false })
      expect((await readFile(shot)).subarray(1, 4).toString()).toBe("PNG")
      const drawn = await title.evaluate(renderings, [...chinese, "\ue000"])
      expect(legibility(drawn)).toEqual({ distinct: chinese.length, tofu: false })
    },
    timeout
  )

  it(
    "the legibility check sees tofu where no CJK font is available (fontconfig told to reject Noto CJK)",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "tmis-fonts-"))
      const config = join(dir, "fonts.conf")
      await writeFile(
        config,
        `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont><glob>/usr/share/fonts/opentype/noto/*CJK*</glob></rejectfont></selectfont>
  <cachedir>${dir}/cache</cachedir>
</fontconfig>
`
      )
      const bare = await chromium.launch({
        executablePath,
        headless: true,
        args: launchArgs,
        env: { ...process.env, FONTCONFIG_FILE: config }
      })
      try {
        const other = await bare.newPage()
        await other.setContent(`<h1 style="font-family: sans-serif">${spec.info.title}</h1>`)
        const drawn = await other.locator("h1").evaluate(renderings, [...chinese, "\ue000"])
        expect(legibility(drawn)).toEqual({ distinct: 1, tofu: true })
      } finally {
        await bare.close()
        await rm(dir, { recursive: true, force: true })
      }
    },
    timeout
  )

  it(
    "works offline: no request to any host but the server, no script error",
    () => {
      expect(requests.length).toBeGreaterThan(0)
      expect(external, `requests to other hosts: ${external.join(", ")}`).toEqual([])
      const origin = new URL(running.url).origin
      expect(requests.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob|about):/.test(url))).toEqual([])
      expect(pageErrors).toEqual([])
    },
    timeout
  )
})
