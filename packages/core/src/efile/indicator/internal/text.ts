/**
 * The characters of text fields (M11.1): what no text field takes, and the rule of names (姓名, 曾用名).
 */

/** `U+202E`: a code point as the Unicode standard writes it. */
export const codePointOf = (n: number): string => `U+${n.toString(16).toUpperCase().padStart(4, "0")}`

// Controls (Cc: C0, DEL, C1), bidirectional embeddings/overrides and isolates, zero-width space/joiners and the BOM
// (zero-width no-break space), and lone surrogates: invisible or reordering characters no field of an e-file needs.
const forbidden = /[\p{Cc}\u202A-\u202E\u2066-\u2069\u200B-\u200D\uFEFF\p{Cs}]/u

const kindOf = (n: number): { readonly zh: string; readonly en: string } =>
  n < 0x20 || (n >= 0x7f && n <= 0x9f)
    ? { zh: "控制字符", en: "a control character" }
    : n >= 0xd800 && n <= 0xdfff
      ? { zh: "孤立的代理项", en: "a lone surrogate" }
      : (n >= 0x202a && n <= 0x202e) || (n >= 0x2066 && n <= 0x2069)
        ? { zh: "双向文本控制字符", en: "a bidirectional override or isolate" }
        : { zh: "零宽字符", en: "a zero-width character" }

/** A character at a position (1-based, in characters). */
export interface Found {
  readonly position: number
  readonly codePoint: string
  readonly zh: string
  readonly en: string
}

const at = (value: string, index: number): { readonly position: number; readonly n: number } => ({
  position: Array.from(value.slice(0, index)).length + 1,
  n: value.codePointAt(index)!
})

/** The first character of `value` no text field takes, if any. */
export const forbiddenCharacter = (value: string): Found | undefined => {
  const m = forbidden.exec(value)
  if (m === null) return undefined
  const { position, n } = at(value, m.index)
  const kind = kindOf(n)
  return {
    position,
    codePoint: codePointOf(n),
    zh: `第${position}个字符${codePointOf(n)}是${kind.zh}，文本中不允许`,
    en: `character ${position} is ${codePointOf(n)}, ${kind.en}, which no text field takes`
  }
}

const han = "[\\p{Unified_Ideograph}\\u3007]"
const latin = "[A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F\\u1E00-\\u1EFF]"

/**
 * The rule of names: Chinese characters (the unified ideographs of every extension block, and 〇) in parts joined by
 * single middle dots "·" (U+00B7, ethnic-minority and transliterated names), or Latin letters (with the Latin-1 and
 * Latin Extended letters, precomposed) in words joined by single spaces, hyphens or apostrophes (foreign nationals).
 */
export const namePattern = `^(?:${han}+(?:\\u00B7${han}+)*|${latin}+(?:[ '-]${latin}+)*)$`

const hanChar = new RegExp(`^${han}$`, "u")
const latinChar = new RegExp(`^${latin}$`, "u")

/** Look-alikes of the middle dot that people type instead of U+00B7 (bullets, katakana and Hangul dots, full stops). */
const dotLookalikes: ReadonlySet<number> = new Set([
  0x2e, 0x387, 0x16eb, 0x2022, 0x2027, 0x2219, 0x22c5, 0x2e31, 0x30fb, 0x318d, 0xff0e, 0xff65
])

/** Why `value` (which does not match {@link namePattern}) is no name: its first odd character, or its shape. */
export const nameProblem = (value: string): Found | { readonly zh: string; readonly en: string } => {
  const chars = Array.from(value)
  const hasHan = chars.some((c) => hanChar.test(c))
  for (const [i, c] of chars.entries()) {
    const n = c.codePointAt(0)!
    const position = i + 1
    if (dotLookalikes.has(n) && (hasHan || n !== 0x2e)) {
      return {
        position,
        codePoint: codePointOf(n),
        zh: `第${position}个字符“${c}”（${codePointOf(n)}）不是姓名的间隔号，应为“·”（U+00B7）`,
        en: `character ${position} "${c}" (${codePointOf(n)}) is not the middle dot of a name: use "·" (U+00B7)`
      }
    }
    if (!hanChar.test(c) && !latinChar.test(c) && n !== 0xb7 && c !== " " && c !== "-" && c !== "'") {
      return {
        position,
        codePoint: codePointOf(n),
        zh: `第${position}个字符${codePointOf(n)}不能用于姓名：姓名由汉字（少数民族姓名以“·”分隔）或拉丁字母（可含空格、连字符、撇号）组成`,
        en: `character ${position} is ${codePointOf(n)}, not a character of a name: Chinese characters (parts joined by "·" U+00B7) or Latin letters (words joined by a space, hyphen or apostrophe)`
      }
    }
  }
  return {
    zh: "姓名应为以单个“·”分隔的汉字，或以单个空格、连字符、撇号分隔的拉丁字母，首尾不能是分隔符",
    en: 'a name is Chinese characters in parts joined by single "·" (U+00B7), or Latin words joined by single spaces, hyphens or apostrophes, with no separator at either end'
  }
}
