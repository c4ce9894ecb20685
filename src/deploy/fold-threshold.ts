/** BN + sign → one integer threshold (QNN-SPEC §9.1), found by evaluating the float model's own
 *  expression rather than by the closed form τ = μ − b − β·σ/γ.
 *
 *  Why: the float model rounds (bias add and BN output are float32), so an integer s landing
 *  within rounding of τ can take either side; ceil(τ) then disagrees with the model now and then.
 *  The expression is monotone in s (each step is an add or a multiply by a constant, then a
 *  monotone rounding), so a binary search over the integers finds the exact switch point, and
 *  γ > 0, γ < 0 (direction flips) and γ = 0 (constant) all fall out of the same search. */

export interface BnParams { bias: number; gamma: number; mean: number; invStd: number; beta: number }

/** Direction 0: +1 when v >= threshold; 1: +1 when v <= threshold. */
export interface Threshold { threshold: number; direction: 0 | 1 }

const INT32_MIN = -0x80000000;
/** Constants, valid for every v the engine can produce (|v| < 2^31 − 1). */
export const ALWAYS_PLUS: Threshold = { threshold: INT32_MIN, direction: 0 };
export const ALWAYS_MINUS: Threshold = { threshold: INT32_MIN, direction: 1 };

/** The float model's eval-mode output for pre-activation x (a float32 value), as its ops compute
 *  it: `add` gives f32(x + bias), then batchNormEval evaluates γ·(x − μ)·invStd + β in double,
 *  left to right, and stores float32. With no bias/BN pass bias 0, γ 1, μ 0, invStd 1, β 0. */
export function bnValue(x: number, p: BnParams): number {
  const s = Math.fround(x + p.bias);
  return Math.fround(p.gamma * (s - p.mean) * p.invStd + p.beta);
}

/** sign() and the packer read −0 as +1 (DESIGN.md: sign(0) = +1), so only y < 0 gives −1. */
export const isPlus = (y: number): boolean => !(y < 0);

/** The threshold on integer v in [lo, hi] for a monotone predicate plus(v) (either direction). */
export function foldThreshold(plus: (v: number) => boolean, lo: number, hi: number): Threshold {
  const atLo = plus(lo), atHi = plus(hi);
  if (atLo === atHi) return atLo ? ALWAYS_PLUS : ALWAYS_MINUS;
  let a = lo, b = hi; // invariant: plus(a) = atLo, plus(b) = atHi
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2);
    if (plus(mid) === atLo) a = mid; else b = mid;
  }
  return atHi ? { threshold: b, direction: 0 } : { threshold: a, direction: 1 };
}

/** Does the packed engine give +1 for v under t? */
export const thresholdPlus = (v: number, t: Threshold): boolean =>
  t.direction === 0 ? v >= t.threshold : v <= t.threshold;
