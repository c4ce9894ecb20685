/** Two engines' scores [count, classes] compared exactly: how many scores differ in their float32
 *  bits (Object.is), how many rows' first maximum differs, and a counter of errors against labels
 *  for the second's classes. Used by the WebGPU parity experiment and test. */
export function compareEngines(want: Float32Array, got: Float32Array, count: number) {
  if (want.length !== got.length) throw new Error(`scores: ${got.length} values, expected ${want.length}`);
  const classes = count ? want.length / count : 0, best = (s: Float32Array, r: number) => {
    let b = 0;
    for (let c = 1; c < classes; c++) if (s[r * classes + c]! > s[r * classes + b]!) b = c;
    return b;
  };
  let scoreMismatches = 0, classMismatches = 0, maxScoreDiff = 0;
  const gotClasses = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    for (let c = 0; c < classes; c++) {
      const a = want[r * classes + c]!, b = got[r * classes + c]!;
      if (!Object.is(a, b)) { scoreMismatches++; maxScoreDiff = Math.max(maxScoreDiff, Math.abs(a - b)); }
    }
    gotClasses[r] = best(got, r);
    if (gotClasses[r] !== best(want, r)) classMismatches++;
  }
  const errorsAgainst = (labels: ArrayLike<number>) => gotClasses.reduce((n, c, r) => n + (c === labels[r] ? 0 : 1), 0);
  return { scoreMismatches, classMismatches, maxScoreDiff, errorsAgainst };
}
