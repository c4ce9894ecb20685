import { popcount32 } from '../backends/reference/popcount.js';
import type { PixelScale } from '../data/batches.js';

/** First layer on raw 8-bit pixels through bit-planes (QNN-SPEC §5.1): the arithmetic behind it.
 *
 *  Plane n of an image is a 0/1 vector P_n. Packed with our convention (bit 1 = −1) it reads as
 *  the ±1 vector a = 1 − 2·P_n, so the XNOR kernel gives C_n = a·w = Σw − 2·(P_n·w), i.e.
 *      P_n·w = (Σw − C_n)/2,   Σw = k − 2·pcW   (pcW: set bits of the packed weight row)
 *  (the same as §5.1's popcount(P_n) − 2·popcount(P_n AND Wneg), without the per-row popcount).
 *  Summing the planes: S = p·w = Σ_n 2^n·P_n·w = (255·Σw − D)/2 with D = Σ_n 2^n·C_n.
 *  The engine computes the integer D; thresholds are folded onto D (pixelSum maps it back).
 *  Kernels.packPlanes packs the planes and Kernels.combinePlanes sums them into D. */
export const PLANES = 8;

/** The pixel dot product S = p·w from D (see the file comment). */
export const pixelSum = (d: number, sumW: number): number => (255 * sumW - d) / 2;

/** x·w for the float model's inputs: x = a·p + c elementwise, so x·w = a·S + c·Σw (QNN-SPEC §9.1,
 *  "First layer with affine input normalisation"). Computed in double; callers round to float32. */
export function scaledDot(scale: PixelScale, s: number, sumW: number): number {
  return scale === 'symmetric' ? (2 * s) / 255 - sumW : s / 255;
}

/** Σw per packed weight row: k − 2·(bits set). */
export function rowSums(weights: Uint32Array, rows: number, k: number): Int32Array {
  const words = Math.ceil(k / 32), out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let set = 0;
    for (let w = 0; w < words; w++) set += popcount32(weights[r * words + w]!);
    out[r] = k - 2 * set;
  }
  return out;
}

/** Bsum per unit: Σ_q 2^q·(Σ over plane q of its ±1 values), levels.ts; Σw for ±1 weights. */
export function planeSums(weights: Uint32Array, n: number, q: number, k: number): Float64Array {
  const rows = rowSums(weights, n * q, k), out = new Float64Array(n);
  for (let j = 0; j < n; j++) for (let b = 0; b < q; b++) out[j] = out[j]! + rows[j * q + b]! * 2 ** b;
  return out;
}

/** How far the float model's first-layer pre-activation can lie from the value the engine folds
 *  against, and why no fold on the integer can be exact for every input (QNN-SPEC §5.1, §9.1).
 *
 *  The engine computes one integer per unit (S = p·w, or T for k-bit weights) and compile folds
 *  BN and the next quantizer against v(S), the exact pre-activation for that integer (scaledDot
 *  / dotValue in double, rounded once to float32). The float model sums x̂_i·w_i instead, with
 *  x̂ = float32(a·p + c) (toFloat): each pixel's rounding e(p) = x̂(p) − (a·p + c) enters the sum
 *  pixel by pixel, so two images with the same S can give different float sums (the model's
 *  pre-activation is not a function of S), and a backend that sums in float32 adds rounding in
 *  its own order. So the fold is exact wherever the unit's switch points (where BN + quantizer
 *  change the code) lie farther than δ from v(S), and may disagree with the float model only
 *  for integers within δ of one:
 *      δ = Σ|w_i|·(E + 2^-53)   + the backend's summation error
 *  E = max over the 256 bytes of |e(p)| (2^-25 or less; 2^-53 covers the double evaluation of
 *  a·p + c). The reference backend sums in double: exactly for ±1 weights while k < 2^21 (every
 *  x̂ is a multiple of 2^-32, so every partial sum fits 53 bits), so it adds nothing there; a sum
 *  of k terms in precision u adds at most γ_{k−1}·Σ|x̂_i·w_i|, γ_{k−1} = (k−1)u/(1 − (k−1)u), for
 *  any summation tree (Higham, Accuracy and Stability of Numerical Algorithms, §4.2): u = 2^-24
 *  for a backend that sums in float32 (wasm), 2^-53 for k-bit weights on the reference.
 *  For 784 ±1 weights δ = 784·(2^-25 + 2^-53) ≈ 2.3e-5 on the reference backend, far below the
 *  spacing of v(S) (2/255 'symmetric', 1/255 'unit', per unit of S): at most the one integer
 *  nearest a switch point is at risk, and only when the switch point lies within δ of it.
 *  This returns the first term, which no backend avoids. */
export function pixelRoundingBound(scale: PixelScale, sumAbsWeights: number): number {
  let e = 0;
  for (let p = 0; p < 256; p++) {
    const x = scale === 'symmetric' ? (2 * p) / 255 - 1 : p / 255;
    e = Math.max(e, Math.abs(Math.fround(x) - x));
  }
  return sumAbsWeights * (e + 2 ** -53);
}

/** A padded first conv on 'symmetric' pixels (x = (2p − 255)/255, padding x = 0): the rows of n
 *  packed ±1 weights over `taps` taps of `channels` values, each tap's weights w followed by −w
 *  (the bits flipped), for the product with Kernels.pixelPairs' (p, 255 − p) bytes:
 *  Σ w·p − Σ w·(255 − p) = Σ w·(2p − 255) = 255·Σ w·x, and a padding pair (0, 0) adds 0. */
export function pairWeights(weights: Uint32Array, n: number, taps: number, channels: number): Uint32Array {
  const k = taps * channels, words = Math.ceil(k / 32), outWords = Math.ceil((2 * k) / 32), out = new Uint32Array(n * outWords);
  for (let r = 0; r < n; r++) for (let t = 0; t < taps; t++) for (let c = 0; c < channels; c++) {
    const i = t * channels + c, bit = (weights[r * words + (i >>> 5)]! >>> (i & 31)) & 1;
    for (const [at, b] of [[2 * t * channels + c, bit], [(2 * t + 1) * channels + c, bit ^ 1]] as const) {
      out[r * outWords + (at >>> 5)]! |= b << (at & 31);
    }
  }
  return out;
}
