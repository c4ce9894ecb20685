/** Entry (r, p) of x (rows × ceil(cols/32) words) to entry (p, r) of out (cols × ceil(rows/32)). */
export function transposeBits(x: Uint32Array, rows: number, cols: number, out: Uint32Array): void {
  const inWords = Math.ceil(cols / 32), outWords = Math.ceil(rows / 32);
  out.fill(0, 0, cols * outWords);
  for (let r = 0; r < rows; r++) for (let p = 0; p < cols; p++) {
    if ((x[r * inWords + (p >>> 5)]! >>> (p & 31)) & 1) out[p * outWords + (r >>> 5)]! |= 1 << (r & 31);
  }
}
