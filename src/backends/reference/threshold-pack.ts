/** Threshold and pack (Kernels.thresholdPack): for each of `rows` rows of n int32 values c,
 *  v[j] = base ? base[j] + scale·c[j] : c[j] (int32 arithmetic), then bit j of the row's packed
 *  output = (v[j] < lim[j]) XOR bit j of flip (whose bits past n are 0, so the output's are too).
 *  out: rows × ceil(n/32) words, each built from 32 comparisons and flipped with one XOR. */
export function thresholdPack(c: Int32Array, rows: number, n: number, base: Int32Array | null, scale: number,
  lim: Int32Array, flip: Uint32Array, out: Uint32Array): void {
  const words = Math.ceil(n / 32);
  for (let r = 0; r < rows; r++) for (let w = 0; w < words; w++) {
    let bits = 0;
    for (let j = w << 5; j < Math.min(n, (w + 1) << 5); j++) {
      const v = base ? (base[j]! + Math.imul(scale, c[r * n + j]!)) | 0 : c[r * n + j]!;
      bits |= (+(v < lim[j]!)) << (j & 31);
    }
    out[r * words + w] = bits ^ flip[w]!;
  }
}
