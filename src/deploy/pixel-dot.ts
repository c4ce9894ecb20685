import { popcount32 } from '../backends/reference/popcount.js';
import type { PixelScale } from '../data/batches.js';

/** First layer on raw 8-bit pixels through bit-planes (QNN-SPEC §5.1), with no new kernel.
 *
 *  Plane n of an image is a 0/1 vector P_n. Packed with our convention (bit 1 = −1) it reads as
 *  the ±1 vector a = 1 − 2·P_n, so the XNOR kernel gives C_n = a·w = Σw − 2·(P_n·w), i.e.
 *      P_n·w = (Σw − C_n)/2,   Σw = k − 2·pcW   (pcW: set bits of the packed weight row)
 *  (the same as §5.1's popcount(P_n) − 2·popcount(P_n AND Wneg), without the per-row popcount).
 *  Summing the planes: S = p·w = Σ_n 2^n·P_n·w = (255·Σw − D)/2 with D = Σ_n 2^n·C_n.
 *  The engine computes the integer D; thresholds are folded onto D (pixelSum maps it back). */
export const PLANES = 8;

/** Pack the 8 bit-planes of `count` images of k bytes: row img·8 + n holds bit n of every pixel. */
export function packPlanes(pixels: Uint8Array, count: number, k: number, out: Uint32Array): void {
  const words = Math.ceil(k / 32);
  out.fill(0, 0, count * PLANES * words);
  for (let img = 0; img < count; img++) {
    const base = img * PLANES * words;
    for (let i = 0; i < k; i++) {
      const p = pixels[img * k + i]!;
      if (p === 0) continue; // most MNIST pixels: no plane has a bit
      const word = base + (i >>> 5), bit = 1 << (i & 31);
      for (let n = 0; n < PLANES; n++) if ((p >>> n) & 1) out[word + n * words]! |= bit;
    }
  }
}

/** D[img, j] = Σ_n 2^n·C[img·8 + n, j] from the XNOR products of the planes. */
export function combinePlanes(c: Int32Array, count: number, n: number, d: Int32Array): void {
  for (let img = 0; img < count; img++) for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let p = 0; p < PLANES; p++) acc += c[(img * PLANES + p) * n + j]! << p;
    d[img * n + j] = acc;
  }
}

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
