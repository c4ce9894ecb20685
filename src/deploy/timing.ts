/** Median wall time of fn in milliseconds over repeated runs (after one warm-up run): at least
 *  `minRuns` runs and at least `minMs` in total. The median, not the mean, so that one scheduler
 *  hiccup on a shared machine does not move the number. fn may be asynchronous: each run is
 *  awaited (a promise that a CPU backend resolves at once costs well under a microsecond). Used
 *  by bench/ and `lowbit bench`. */
export async function medianMs(fn: () => unknown, opts: { minRuns?: number; minMs?: number } = {}): Promise<number> {
  const minRuns = opts.minRuns ?? 5, minMs = opts.minMs ?? 300;
  await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
}
