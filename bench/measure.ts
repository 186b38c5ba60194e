/** Median of `rounds` timings of `work`, after one warm-up round; returns milliseconds. */
export const medianMs = (rounds: number, work: () => void): number => {
  work()
  const times: Array<number> = []
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint()
    work()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

/** Print a figure as one JSON line on stdout. */
export const report = (figure: Record<string, string | number>): void => {
  console.log(JSON.stringify(figure))
}

/** `TMIS_BENCH_PROFILE=dir`: the flags that make a child process write a CPU profile there (see bench/profile.ts). */
export const profileFlags = (): ReadonlyArray<string> =>
  process.env.TMIS_BENCH_PROFILE === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${process.env.TMIS_BENCH_PROFILE}`]
