import { LowbitError } from '../errors/lowbit-error.js';
import { logQuantSte } from '../ops/log-quant-ste.js';
import type { Quantizer } from './quantizer.js';

/** 2^24 = MAX_LEVEL (levels.ts); 2^-149 is the smallest float32 (subnormal). */
const MAX_EXPONENT = 24, MIN_EXPONENT = -149;

export interface LogOptions {
  /** k = 2..8: 1 sign bit + (k - 1) bits of exponent code. */
  bits?: number;
  /** Largest magnitude is 2^eMax (saturation). Default 0: values in [-1, 1] after hard tanh.
   *  The code's magnitudes 2^eMin..2^eMax must lie in 2^-149..2^24: float32 values (none flushed
   *  to 0), and no larger than steLinear's bound (quant/levels.ts MAX_LEVEL). */
  eMax?: number;
  /** Zero the gradient where |x| > 2^eMax (default false: identity STE). */
  cancelOutside?: boolean;
}

/** k-bit logarithmic quantization with the straight-through estimator (LogQuantK).
 *   forward   q(x) = 0 if x = 0 or e < eMin;  sign(x)·2^min(e, eMax) otherwise,
 *             e = roundHalfAway(log2|x|),  eMin = eMax - (2^(k-1) - 2)
 *   backward  ∂q/∂x = 1 (or 1{|x| <= 2^eMax} with cancelOutside)
 * bits: k · method: paper/QNN-SPEC.md §3.2
 *
 * Where the paper is ambiguous (QNN-SPEC §3.2, §10.15): its `LogQuant(x) = Clip(AP2(x), minV, maxV)`
 * ignores the bit width except through an unstated clip range. We follow the spec's [IMPL] reading,
 * after Miyashita et al.: the k - 1 code bits hold one code for zero and 2^(k-1) - 1 exponents
 * counting down from eMax, values below the smallest underflow to 0 and larger ones saturate.
 * So k = 2 is ternary {-2^eMax, 0, 2^eMax}, k = 6 has 31 magnitudes (the gradient quantizer, §3.5).
 * @example steLog({ bits: 3 }).apply(tensor([0.3, -5, 0.1]), ctx) // → [0.25, -1, 0] */
export function steLog(opts: LogOptions = {}): Quantizer {
  const bits = opts.bits ?? 4, eMax = opts.eMax ?? 0, cancelOutside = opts.cancelOutside ?? false;
  if (!(Number.isInteger(bits) && bits >= 2 && bits <= 8)) throw new LowbitError(`steLog: bits must be an integer in 2..8 (1 sign bit + exponent code), got ${bits}`);
  if (!Number.isInteger(eMax)) throw new LowbitError(`steLog: eMax must be an integer exponent, got ${eMax}`);
  const eMin = logExponentMin(bits, eMax);
  if (eMax > MAX_EXPONENT || eMin < MIN_EXPONENT) {
    throw new LowbitError(`steLog: ${bits} bits with eMax ${eMax} span 2^${eMin}..2^${eMax}; every magnitude must lie in 2^${MIN_EXPONENT}..2^${MAX_EXPONENT} `
      + `(a float32 value, and scores stay finite), so eMax must be in ${MIN_EXPONENT + 2 ** (bits - 1) - 2}..${MAX_EXPONENT}`);
  }
  return {
    name: 'steLog', bits, binary: false, levels: null, signClip: null, // powers of two: no uniform code
    apply: (x) => logQuantSte(x, eMin, eMax, cancelOutside),
    config: () => ({ name: 'steLog', bits, eMax, cancelOutside }),
  };
}

/** The smallest exponent of a k-bit log code: 2^(k-1) - 1 magnitudes from 2^eMax down. */
export function logExponentMin(bits: number, eMax: number): number {
  return eMax - (2 ** (bits - 1) - 2);
}
