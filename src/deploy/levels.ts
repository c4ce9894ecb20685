import type { PixelScale } from '../data/batches.js';
import { isSignCode, levelStep, rangeProblem, type Levels } from '../quant/levels.js';
import { pixelSum, scaledDot } from './pixel-dot.js';

/** Levels (quant/levels.ts: code u stands for lo + step·u, kept as `bits` planes, plane n = bit n
 *  of every u) as the engine computes with them. The quantizers give their own
 *  (`Quantizer.levels`); raw pixels have the input scaling's (QNN-SPEC §5.1). */
export { isSignCode, levelStep, SIGN_LEVELS, type Levels } from '../quant/levels.js';

export const pixelLevels = (scale: PixelScale): Levels => ({ bits: 8, lo: scale === 'symmetric' ? -1 : 0, hi: 1 });

/** x·w for input codes (levels x) and weight codes (levels w, symmetric: lo = −hi) from the one
 *  integer the engine computes, T = Σ_{n,q} 2^{n+q}·C_nq, C_nq the XNOR product of input plane n
 *  and weight plane q read as ±1 (a = 1 − 2·bit), and Bsum = Σ_q 2^q·Σ_i b_qi of the unit.
 *  A level is center − (step/2)·Σ_n 2^n·a_n (QNN-SPEC §3.3: an affine map of the code), so
 *      x·w = −c_x·(s_w/2)·Bsum + (s_x·s_w/4)·T      (the weights' center is 0)
 *  which for ±1 × ±1 is T itself. Any code order works (the sign's runs downwards: step −2).
 *  The first layer with the sign's code keeps pixel-dot.ts's form, whose rounding the 1-bit
 *  parity tests pin down; that form holds for the sign's code only (a 1-bit linear code counts
 *  the other way and has its own range). In double; callers round to float32. */
export function dotValue(x: Levels, w: Levels, t: number, bsum: number, pixels: PixelScale | null): number {
  if (pixels && isSignCode(w)) return scaledDot(pixels, pixelSum(t, bsum), bsum);
  const sx = levelStep(x), sw = levelStep(w), cx = (x.lo + x.hi) / 2;
  return ((sx * sw) / 4) * t - cx * (sw / 2) * bsum;
}

/** The code the float model's quantizer gives value y (a float32): sign → 1 for y < 0 (−0 and 0
 *  are +1); linear → linearQuantSte's own expression, clip then round half up, in double. */
export function codeOf(l: Levels, y: number): number {
  if (isSignCode(l)) return y < 0 ? 1 : 0;
  const clipped = y < l.lo ? l.lo : y > l.hi ? l.hi : y;
  return Math.floor((clipped - l.lo) / levelStep(l) + 0.5);
}

/** Largest |T| for k inputs, a product of 2^P − 1 and 2^Q − 1 plane weights (|C_nq| <= k). */
export const dotRange = (inputBits: number, weightBits: number, k: number): number => (2 ** inputBits - 1) * (2 ** weightBits - 1) * k;

/** Can the engine pack these levels? (what compile and the file loader check): the sign's code,
 *  or a range that steLinear accepts (quant/levels.ts rangeProblem: finite, lo < hi, within
 *  ±2^24, a step float32 resolves), so that no score comes out NaN or infinite. */
export function levelsProblem(l: Levels, what: string, weights: boolean): string | null {
  if (typeof l !== 'object' || l === null || !Number.isInteger(l.bits) || l.bits < 1 || l.bits > 8) return `${what}: bits must be an integer in 1..8`;
  const bad = isSignCode(l) ? null : rangeProblem(l.bits, l.lo, l.hi);
  if (bad) return `${what}: ${bad}`;
  if (weights && l.lo !== -l.hi) return `${what}: weight levels must be symmetric about 0 (lo = −hi), got [${l.lo}, ${l.hi}]`;
  return null;
}
