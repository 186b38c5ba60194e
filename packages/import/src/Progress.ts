/**
 * Progress of a batch import on a terminal: a bar by bytes read, with rows per second, the accepted and rejected
 * counts and the time left; on anything but a terminal (a log file, a pipe) only a summary line at the end.
 *
 * @since 0.1.0
 */
import cliProgress from "cli-progress"

/**
 * Where an import stands: rows read, accepted, rejected, skipped (already imported) — `accepted + rejected + skipped =
 * rowsRead` — of the accepted those kept as problem data (M17.3, warned of in the report), and bytes read of the total.
 *
 * @since 0.1.0
 */
export interface Progress {
  readonly rowsRead: number
  readonly accepted: number
  readonly rejected: number
  readonly skipped: number
  readonly flagged?: number
  readonly bytesRead: number
  readonly totalBytes: number
}

// A terminal redraws at most this often; more calls than that are dropped before they reach cli-progress.
const intervalMs = 100

/**
 * The summary line printed when the bar stops.
 *
 * @since 0.1.0
 */
export const summary = (p: Progress, label?: string): string =>
  `${label === undefined ? "" : `${label}: `}imported ${p.accepted}${
    p.flagged === undefined || p.flagged === 0 ? "" : ` (${p.flagged} as problem data: see the report)`
  }, rejected ${p.rejected}, skipped ${p.skipped} (already imported)`

/**
 * A progress bar on `stream` (default process.stderr) when it is a TTY (cli-progress), else nothing on screen;
 * `update` is cheap to call often (throttled to ten redraws a second). `stop` ends the bar and prints one summary
 * line ("imported N, rejected M, skipped K (already imported)") to the stream, TTY or not.
 *
 * @since 0.1.0
 */
export const bar = (
  options: { readonly stream?: NodeJS.WriteStream; readonly label?: string } = {}
): { readonly update: (p: Progress) => void; readonly stop: (p: Progress) => void } => {
  const stream = options.stream ?? process.stderr
  const label = options.label
  const finish = (p: Progress) => {
    stream.write(`${summary(p, label)}\n`)
  }
  if (stream.isTTY !== true) return { update: () => {}, stop: finish }

  const started = performance.now()
  const display = new cliProgress.SingleBar(
    {
      stream,
      format: `${label === undefined ? "" : `${label} `}[{bar}] {percentage}% | {rate} rows/s | accepted {accepted} | rejected {rejected} | skipped {skipped} | ETA {eta_formatted}`,
      barsize: 24,
      hideCursor: true,
      etaBuffer: 50,
      fps: 10
    },
    cliProgress.Presets.shades_classic
  )
  let running = false
  let stopped = false
  let last = Number.NEGATIVE_INFINITY
  const show = (p: Progress, now: number) => {
    const seconds = (now - started) / 1000
    const payload = {
      rate: seconds > 0 ? Math.round(p.rowsRead / seconds) : 0,
      accepted: p.accepted,
      rejected: p.rejected,
      skipped: p.skipped
    }
    // cli-progress shows NaN% for a total of 0 (an empty file).
    const total = Math.max(1, p.totalBytes)
    if (!running) {
      running = true
      display.start(total, Math.min(p.bytesRead, total), payload)
    } else {
      display.setTotal(total)
      display.update(Math.min(p.bytesRead, total), payload)
    }
  }
  return {
    update: (p) => {
      if (stopped) return
      const now = performance.now()
      if (now - last < intervalMs) return
      last = now
      show(p, now)
    },
    stop: (p) => {
      if (stopped) return
      stopped = true
      show(p, performance.now())
      display.stop()
      finish(p)
    }
  }
}
