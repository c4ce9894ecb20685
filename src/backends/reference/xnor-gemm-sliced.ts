import { popcount32 } from './popcount.js';

/** Columns per slice of the sliced layout: one 128-bit vector of bits. */
export const SLICE = 128;

/** u32 words of the sliced layout of n packed rows of length k: per slice of 128 rows, 128
 *  int32 popcounts, then k groups of 4 words. */
export function slicedWords(n: number, k: number): number { return Math.ceil(n / SLICE) * (SLICE + 4 * k); }

/** Re-lay n packed rows b (ceil(k/32) words each, as xnorGemm's b) in the sliced layout that
 *  Kernels.xnorGemmSliced reads: for slice s (rows 128s..128s+127), at word s·(128 + 4k), the
 *  popcount of each row (0 past n), then for each p < k four words whose bit r (r = 0..127, word
 *  r >> 5, bit r & 31) is bit p of row 128s + r. A transpose of each slice, done once per model,
 *  so plain code. */
export function packSlices(b: Uint32Array, n: number, k: number, out: Uint32Array = new Uint32Array(slicedWords(n, k))): Uint32Array {
  const words = Math.ceil(k / 32), sliceWords = SLICE + 4 * k;
  out.fill(0, 0, slicedWords(n, k));
  for (let j = 0; j < n; j++) {
    const base = Math.floor(j / SLICE) * sliceWords, r = j % SLICE, bit = 1 << (r & 31);
    let pop = 0;
    for (let w = 0; w < words; w++) {
      let x = b[j * words + w]!;
      pop += popcount32(x);
      while (x !== 0) {
        const low = x & -x, p = w * 32 + 31 - Math.clz32(low);
        const at = base + SLICE + 4 * p + (r >>> 5);
        out[at] = (out[at]! | bit) >>> 0;
        x = (x ^ low) >>> 0;
      }
    }
    out[base + r] = pop;
  }
  return out;
}

/** xnorGemm (same result, exactly) with b re-laid by packSlices:
 *  C[i,j] = k − 2·popcount(A_i XOR B_j), B_j's bits read from the slices. */
export function xnorGemmSliced(a: Uint32Array, t: Uint32Array, c: Int32Array, m: number, n: number, k: number): void {
  const words = Math.ceil(k / 32), sliceWords = SLICE + 4 * k;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    const base = Math.floor(j / SLICE) * sliceWords + SLICE, r = j % SLICE;
    let differ = 0;
    for (let p = 0; p < k; p++) {
      const x = (a[i * words + (p >>> 5)]! >>> (p & 31)) & 1, y = (t[base + 4 * p + (r >>> 5)]! >>> (r & 31)) & 1;
      differ += x ^ y;
    }
    c[i * n + j] = k - 2 * differ;
  }
}
