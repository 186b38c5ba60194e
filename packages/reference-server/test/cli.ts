/** Running the `tmis` CLI in the test's process, its output captured. */
import { Readable, Writable } from "node:stream"
import { main } from "../src/Cli.js"

/** What a run of the CLI gave: its exit code and what it wrote. */
export interface Ran {
  readonly code: number
  readonly out: string
  readonly err: string
}

const sink = () => {
  let text = ""
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk)
      callback()
    }
  })
  return { stream, text: () => text }
}

/** Run `tmis <argv>` with `env` as its environment and `stdin` as its input. */
export const runCli = async (
  argv: ReadonlyArray<string>,
  env: Record<string, string | undefined> = {},
  stdin = ""
): Promise<Ran> => {
  const out = sink()
  const err = sink()
  const code = await main(argv, { out: out.stream, err: err.stream, env, in: Readable.from([stdin]) })
  return { code, out: out.text(), err: err.text() }
}
