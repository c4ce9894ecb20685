/** The values a quantizer gives at run time, as the packed engine stores them: an unsigned
 *  `bits`-bit code u stands for lo + step·u, step = (hi − lo)/(2^bits − 1).
 *    binary ±1 (steSign):        { bits 1, lo +1, hi −1 }  code 1 = −1, DESIGN.md's bit 1 = −1
 *    k-bit linear (steLinear):   { bits k, lo, hi }        QNN-SPEC §3.2 LinearQuantK
 *    raw pixels:                 { bits 8, lo, hi }        the input scaling, §5.1
 *  Each quantizer says its own (`Quantizer.levels`); nothing else derives them. */
export interface Levels { readonly bits: number; readonly lo: number; readonly hi: number }

/** The sign's code is the float sign bit, so its levels run downwards (the only ones that do). */
export const SIGN_LEVELS: Levels = { bits: 1, lo: 1, hi: -1 };

export const levelStep = (l: Levels): number => (l.hi - l.lo) / (2 ** l.bits - 1);
export const isSignCode = (l: Levels): boolean => l.bits === 1 && l.lo === 1 && l.hi === -1;
/** Both levels are ±1 (either code order): products may run as XNOR-popcount. */
export const isBinary = (l: Levels | null): boolean => l !== null && l.bits === 1 && Math.abs(l.lo) === 1 && l.hi === -l.lo;

/** Largest |lo|, |hi|: products of two such levels summed over the widest layer (2^22 inputs)
 *  stay below 2^70, far inside float32, so no score overflows to ±Infinity or NaN. */
export const MAX_LEVEL = 2 ** 24;
/** Smallest step as a fraction of max(1, |lo|, |hi|): levels at least 8 float32 ulps apart, so
 *  the float model's levels (float32) are as many and as distinct as the engine's codes. */
export const MIN_STEP_RATIO = 2 ** -20;

/** What is wrong with a uniform range [lo, hi] of 2^bits levels (null when nothing is): lo and hi
 *  finite with lo < hi, |lo|, |hi| <= MAX_LEVEL, step >= MIN_STEP_RATIO·max(1, |lo|, |hi|).
 *  The sign's downward code is checked by its caller (isSignCode). */
export function rangeProblem(bits: number, lo: number, hi: number): string | null {
  if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
    return `needs a finite range lo < hi, got [${String(lo)}, ${String(hi)}]`;
  }
  if (Math.abs(lo) > MAX_LEVEL || Math.abs(hi) > MAX_LEVEL) return `lo and hi must lie within ±2^24 (so scores stay finite), got [${lo}, ${hi}]`;
  const step = (hi - lo) / (2 ** bits - 1), least = MIN_STEP_RATIO * Math.max(1, Math.abs(lo), Math.abs(hi));
  if (!(step >= least)) return `the step between its ${2 ** bits} levels, (hi − lo)/${2 ** bits - 1} = ${step}, is below ${least} (2^-20·max(1, |lo|, |hi|)), too fine for float32; widen [${lo}, ${hi}] or use fewer bits`;
  return null;
}
