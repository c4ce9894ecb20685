import { thresholdPack } from './threshold-pack.js';
import { SLICE, xnorGemmSliced } from './xnor-gemm-sliced.js';

/** Bits of the two's-complement values the sliced threshold compares for rows of k bits: the
 *  product's 4c ± (k − 2|N1|) and the thresholds lie in [−k − 1, 3k + 1] (xnor-gemm-sliced). */
export function thresholdPlanes(k: number): number { return 33 - Math.clz32(3 * k + 1); }

/** u32 words of packThresholdSlices' output: per slice of 128 units, 2·thresholdPlanes(k) planes
 *  of 4 words. */
export function thresholdSliceWords(n: number, k: number): number { return Math.ceil(n / SLICE) * 8 * thresholdPlanes(k); }

/** The thresholds lim (v < lim, as thresholdPack) of n units in the bit-sliced form that
 *  Kernels.xnorThresholdSliced compares with, given their weights t (packSlices, for the
 *  popcounts). lim is first clamped to [−k, k + 1], which changes no comparison with a product of
 *  k ±1 terms; then D = lim + 2·pop and E = 2·pop − lim, W = thresholdPlanes(k) bits each, with
 *  the sign bit flipped (so unsigned order is signed order): per slice, the W planes of D, then
 *  those of E, each 4 words whose bit r is the bit of unit 128s + r. Done once per model. */
export function packThresholdSlices(t: Uint32Array, lim: Int32Array, n: number, k: number,
  out: Uint32Array = new Uint32Array(thresholdSliceWords(n, k))): Uint32Array {
  const w = thresholdPlanes(k), sliceWords = SLICE + 4 * k, top = 2 ** (w - 1);
  out.fill(0, 0, thresholdSliceWords(n, k));
  for (let j = 0; j < n; j++) {
    const s = Math.floor(j / SLICE), r = j % SLICE, pop = t[s * sliceWords + r]!;
    const l = Math.min(Math.max(lim[j]!, -k), k + 1);
    const values = [l + 2 * pop, 2 * pop - l];
    for (let v = 0; v < 2; v++) {
      const biased = values[v]! + top; // two's complement with the sign bit flipped: v + 2^(W−1)
      for (let b = 0; b < w; b++) {
        if (Math.floor(biased / 2 ** b) % 2 === 1) {
          const at = s * 8 * w + (v * w + b) * 4 + (r >>> 5);
          out[at] = (out[at]! | (1 << (r & 31))) >>> 0;
        }
      }
    }
  }
  return out;
}

/** thresholdPack(xnorGemm(a, b), m, n, null, 1, lim, flip, out) with b re-laid by packSlices and
 *  lim by packThresholdSlices: the packed sign activations of a hidden layer, the product never
 *  stored. Here: the product by the reference xnorGemmSliced, lim recovered as D − 2·pop. */
export function xnorThresholdSliced(a: Uint32Array, t: Uint32Array, th: Uint32Array, flip: Uint32Array, out: Uint32Array,
  m: number, n: number, k: number): void {
  const w = thresholdPlanes(k), sliceWords = SLICE + 4 * k, top = 2 ** (w - 1);
  const lim = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const s = Math.floor(j / SLICE), r = j % SLICE;
    let biased = 0;
    for (let b = 0; b < w; b++) biased += ((th[s * 8 * w + b * 4 + (r >>> 5)]! >>> (r & 31)) & 1) * 2 ** b;
    lim[j] = biased - top - 2 * t[s * sliceWords + r]!;
  }
  const c = new Int32Array(m * n);
  xnorGemmSliced(a, t, c, m, n, k);
  thresholdPack(c, m, n, null, 1, lim, flip, out);
}
