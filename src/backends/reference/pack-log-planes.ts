/** Sign row and exponent planes of a log-quantized x [rows,k], packed along k (see kernels.ts).
 *  The exponent of an exact power of two is recovered with log2 and rounded, which is exact even
 *  where log2 is off by an ulp, and works for subnormal gradients too. */
export function packLogPlanes(x: Float32Array, rows: number, k: number, scale: Int32Array, planes: number,
  sign: Uint32Array, planeBits: Uint32Array): void {
  const words = Math.ceil(k / 32), eMin = scale[0]!;
  sign.fill(0, 0, rows * words);
  planeBits.fill(0, 0, rows * planes * words);
  for (let r = 0; r < rows; r++) for (let p = 0; p < k; p++) {
    const v = x[r * k + p]!;
    if (v === 0) continue;
    const bit = 1 << (p & 31), w = p >>> 5;
    if (v < 0) sign[r * words + w]! |= bit;
    const plane = Math.round(Math.log2(Math.abs(v))) - eMin;
    planeBits[(r * planes + plane) * words + w]! |= bit;
  }
}
