import type { PixelScale } from '../data/batches.js';
import { bnValue, foldThreshold, type BnParams } from './fold-threshold.js';
import { thresholdsPerUnit, wordsFor } from './graph.js';
import { codeOf, dotValue, type Levels } from './levels.js';

/** Weight codes as planes: row j·Q + q holds bit q of unit j's codes (bit 1 = code bit set; for
 *  ±1 that is the sign bit, as packRows makes it). w: n rows of k values (a conv's [out, kh, kw,
 *  C] is n rows of kh·kw·C, in im2col's order). */
export function packWeights(w: Float32Array, levels: Levels, n: number, k: number): Uint32Array {
  const q = levels.bits, words = wordsFor(k), out = new Uint32Array(n * q * words);
  for (let j = 0; j < n; j++) for (let i = 0; i < k; i++) {
    const code = codeOf(levels, w[j * k + i]!);
    for (let b = 0; b < q; b++) if ((code >>> b) & 1) out[(j * q + b) * words + (i >>> 5)]! |= 1 << (i & 31);
  }
  return out;
}

/** What a layer's units do after their integer v: BN (params), HardTanh (activation), the next
 *  layer's input quantizer (nextL). inL/wL/sums/pixels map v to the float pre-activation
 *  (levels.ts dotValue); range bounds |v|. */
export interface UnitFold {
  params: BnParams[]; sums: Float64Array; inL: Levels; wL: Levels; nextL: Levels;
  activation: boolean; pixels: PixelScale | null; range: number;
}

/** BN + HardTanh + the next quantizer folded into 2^b − 1 integer thresholds per unit (QNN-SPEC
 *  §9.1). The next layer's input code for the integer the engine computes: the float model's
 *  pre-activation as a float32 (its product's output), bias + BN, HardTanh, then the quantizer.
 *  On raw pixels that is the exact value of the integer: the float model's own sum of rounded
 *  pixels is no function of it, and lies within pixel-dot.ts pixelRoundingBound of it. */
export function foldUnits(f: UnitFold): { thresholds: Int32Array; directions: Uint8Array } {
  const n = f.params.length, per = thresholdsPerUnit(f.nextL.bits);
  const thresholds = new Int32Array(n * per), directions = new Uint8Array(n * per);
  f.params.forEach((p, j) => {
    const code = (v: number): number => {
      const y = bnValue(Math.fround(dotValue(f.inL, f.wL, v, f.sums[j]!, f.pixels)), p);
      return codeOf(f.nextL, f.activation ? (y < -1 ? -1 : y > 1 ? 1 : y) : y);
    };
    for (let t = 0; t < per; t++) {
      const r = foldThreshold((v) => code(v) >= t + 1, -f.range, f.range);
      thresholds[j * per + t] = r.threshold; directions[j * per + t] = r.direction;
    }
  });
  return { thresholds, directions };
}
