import { LowbitError } from '../errors/lowbit-error.js';
import { linearQuantSte } from '../ops/linear-quant-ste.js';
import { isBinary, rangeProblem, type Levels } from './levels.js';
import type { Quantizer } from './quantizer.js';

export interface LinearOptions {
  /** k = 1..8: 2^k levels. */
  bits?: number;
  /** The full-scale range [lo, hi]; both ends are levels. Default [-1, 1] (after hard tanh).
   *  Finite, lo < hi, |lo| and |hi| at most 2^24, and a step (hi − lo)/(2^k − 1) of at least
   *  2^-20·max(1, |lo|, |hi|): so the float32 levels stay distinct and scores finite (levels.ts). */
  lo?: number;
  hi?: number;
}

/** k-bit uniform quantization with the straight-through estimator (LinearQuantK).
 *   forward   Δ = (hi - lo)/(2^k - 1),  q(x) = lo + Δ·round((clip(x, lo, hi) - lo)/Δ)
 *   backward  ∂q/∂x = lo <= x <= hi ? 1 : 0
 * bits: k · method: paper/QNN-SPEC.md §3.2, §3.3
 *
 * Where the paper is ambiguous (QNN-SPEC §3.2, §10.15): it prints
 * `LinearQuant(x, bitwidth) = Clip(round(x/bitwidth)·bitwidth, minV, maxV)`, where "bitwidth" acts
 * as the step and minV/maxV are never given. We choose the spec's [IMPL] reading: 2^k levels that
 * include both ends of an explicit range [lo, hi], so k = 1 on [-1, 1] is {-1, +1} (= sign, with
 * the same tie rule q(0) = +1) and k = 2 is {-1, -1/3, 1/3, 1}. Levels are symmetric and have no
 * exact 0 for any k; §3.3 shows why that is harmless (an affine map of an unsigned code).
 * @example steLinear({ bits: 2 }).apply(tensor([0.2]), ctx) // → [1/3] */
export function steLinear(opts: LinearOptions = {}): Quantizer {
  const bits = opts.bits ?? 2, lo = opts.lo ?? -1, hi = opts.hi ?? 1;
  if (!(Number.isInteger(bits) && bits >= 1 && bits <= 8)) throw new LowbitError(`steLinear: bits must be an integer in 1..8, got ${bits}`);
  const bad = rangeProblem(bits, lo, hi);
  if (bad) throw new LowbitError(`steLinear: ${bad}`);
  const levels: Levels = { bits, lo, hi }; // the code is linearQuantSte's round((clip(x) − lo)/Δ)
  return {
    // 1 bit on [-1, 1] gives exactly ±1, so the layer may use the XNOR-popcount product; the
    // sign is not fused (in double, −2^-53 <= x < 0 rounds up to +1,
    // where the sign gives −1)
    name: 'steLinear', bits, levels, binary: isBinary(levels), signClip: null,
    apply: (x) => linearQuantSte(x, 2 ** bits, lo, hi),
    config: () => ({ name: 'steLinear', bits, lo, hi }),
  };
}
