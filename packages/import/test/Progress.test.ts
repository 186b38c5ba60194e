import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Writable } from "node:stream"
import { Progress } from "@tmis/import"
import { afterAll, describe, expect, it } from "vitest"

const dir = fs.mkdtempSync(`${os.tmpdir()}/tmis-`)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const at = (rowsRead: number, bytesRead: number): Progress.Progress => ({
  rowsRead,
  accepted: rowsRead - 2,
  rejected: 1,
  skipped: 1,
  bytesRead,
  totalBytes: 1000
})

/** A terminal-like stream that keeps what is written (cli-progress draws only on a TTY). */
class Terminal extends Writable {
  readonly isTTY = true
  readonly columns = 160
  readonly rows = 40
  text = ""
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void) {
    this.text += chunk.toString()
    callback()
  }
  cursorTo(_x: number, _y?: number, callback?: () => void) {
    callback?.()
    return true
  }
  moveCursor(_dx: number, _dy: number, callback?: () => void) {
    callback?.()
    return true
  }
  clearLine(_dir: number, callback?: () => void) {
    callback?.()
    return true
  }
  clearScreenDown(callback?: () => void) {
    callback?.()
    return true
  }
  getWindowSize(): [number, number] {
    return [this.columns, this.rows]
  }
}

describe("Progress", () => {
  it("M16.2 not on a terminal: update prints nothing, stop prints one summary line", async () => {
    const file = path.join(dir, "log.txt")
    const stream = fs.createWriteStream(file)
    const bar = Progress.bar({ stream: stream as unknown as NodeJS.WriteStream })
    for (let i = 0; i < 10_000; i++) bar.update(at(i, i / 10))
    bar.stop(at(10_000, 1000))
    await new Promise<void>((resolve) => stream.end(resolve))
    expect(fs.readFileSync(file, "utf8")).toBe("imported 9998, rejected 1, skipped 1 (already imported)\n")
  })

  it("M16.2 on a terminal: a bar with percent by bytes, rows/s, accepted, rejected and ETA, then the summary", () => {
    const terminal = new Terminal()
    const bar = Progress.bar({ stream: terminal as unknown as NodeJS.WriteStream, label: "基本信息" })
    bar.update(at(500, 500))
    // Throttled: calls within 100 ms draw nothing new.
    const drawn = terminal.text.length
    for (let i = 0; i < 1000; i++) bar.update(at(500 + i, 500))
    expect(terminal.text.length).toBe(drawn)
    bar.stop(at(900, 1000))
    expect(terminal.text).toMatch(
      /基本信息 \[.*\] 50% \| \d+ rows\/s \| accepted 498 \| rejected 1 \| skipped 1 \| ETA/
    )
    expect(terminal.text).toMatch(/100% \| \d+ rows\/s \| accepted 898/)
    expect(terminal.text.endsWith("基本信息: imported 898, rejected 1, skipped 1 (already imported)\n")).toBe(true)
    expect(Progress.summary(at(10, 1))).toBe("imported 8, rejected 1, skipped 1 (already imported)")
  })
})
