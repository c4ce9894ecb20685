/** Threshold and pack (Kernels.thresholdPack): for each of `rows` rows of n int32 values c,
 *  v[j] = base ? base[j] + scale·c[j] : c[j] (int32 arithmetic), then bit j of the row's packed
 *  output = (v[j] < lim[j]) XOR bit j of flip; tail bits 0. out: rows × ceil(n/32) words. */
export function thresholdPack(c: Int32Array, rows: number, n: number, base: Int32Array | null, scale: number,
  lim: Int32Array, flip: Uint32Array, out: Uint32Array): void {
  const words = Math.ceil(n / 32);
  for (let r = 0; r < rows; r++) {
    out.fill(0, r * words, (r + 1) * words);
    for (let j = 0; j < n; j++) {
      const v = base ? (base[j]! + Math.imul(scale, c[r * n + j]!)) | 0 : c[r * n + j]!;
      const bit = (+(v < lim[j]!)) ^ ((flip[j >>> 5]! >>> (j & 31)) & 1);
      out[r * words + (j >>> 5)]! |= bit << (j & 31);
    }
  }
}
