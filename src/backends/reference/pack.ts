/** Pack the signs of x [rows,k] along k: bit 1 where x < 0 (sign(0) = +1 packs as 0). */
export function packRows(x: Float32Array, out: Uint32Array, rows: number, k: number): void {
  const words = Math.ceil(k / 32);
  out.fill(0, 0, rows * words);
  for (let r = 0; r < rows; r++) for (let p = 0; p < k; p++) {
    if (x[r * k + p]! < 0) out[r * words + (p >>> 5)]! |= 1 << (p & 31);
  }
}

/** Pack the signs of x [k,n] down its columns: out row j holds column j along k. */
export function packCols(x: Float32Array, out: Uint32Array, k: number, n: number): void {
  const words = Math.ceil(k / 32);
  out.fill(0, 0, n * words);
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) {
    if (x[p * n + j]! < 0) out[j * words + (p >>> 5)]! |= 1 << (p & 31);
  }
}
