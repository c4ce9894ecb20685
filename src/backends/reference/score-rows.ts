import type { ScoreDot } from '../kernels.js';

/** Class scores from the last layer's integers (Kernels.scoreRows): the float model's product,
 *  bias add and eval-mode BN, each expression as deploy/levels.ts (dotValue) and
 *  deploy/fold-threshold.ts (bnValue) write it, in float64 rounded to float32 at the same places,
 *  so the scores are the float model's bit for bit. */
export function scoreRows(t: Int32Array, rows: number, n: number, bsum: Int32Array, dot: ScoreDot, affine: Float32Array, out: Float32Array): void {
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) {
    const v = t[r * n + j]!, sum = bsum[j]!;
    let x: number;
    if (dot.kind === 'levels') x = dot.a * v - dot.c * sum;
    else {
      const s = (255 * sum - v) / 2; // the pixel dot product, an integer
      x = dot.symmetric ? (2 * s) / 255 - sum : s / 255;
    }
    const biased = Math.fround(Math.fround(x) + affine[j]!);
    out[r * n + j] = affine[n + j]! * (biased - affine[2 * n + j]!) * affine[3 * n + j]! + affine[4 * n + j]!;
  }
}
