import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { Tensor } from '../tensor/tensor.js';

interface LinearQuantAttrs { levels: number; lo: number; hi: number }

/** LinearQuantK (QNN-SPEC §3.2 [IMPL]): `levels` uniformly spaced values from lo to hi, both ends
 *  included: Δ = (hi - lo)/(levels - 1), q = lo + Δ·round((clip(x, lo, hi) - lo)/Δ).
 *  Ties round up (half away from zero on a non-negative index), so with 2 levels on [-1, 1]
 *  q(0) = +1, the same tie rule as sign(0) = +1.
 *  Backward: the straight-through estimator dy·1{lo <= x <= hi} (hard tanh's gradient, §2.1). */
const linearQuantSteOp = defineOp<LinearQuantAttrs>({
  name: 'linearQuantSte',
  forward: ({ attrs: { levels, lo, hi } }, [x]) => {
    const xs = x!.data as Float32Array, out = new Float32Array(xs.length);
    const step = (hi - lo) / (levels - 1);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i]!;
      if (Number.isNaN(v)) throw new LowbitError(`linearQuantSte: NaN in the input at element ${i}`);
      const clipped = v < lo ? lo : v > hi ? hi : v;
      out[i] = lo + step * Math.floor((clipped - lo) / step + 0.5);
    }
    return new Tensor(out, x!.shape);
  },
  backward: ({ kernels, attrs }, dy, [x]) => {
    const dx = new Float32Array(dy.size);
    kernels.passInside(dy.data, x!.data as Float32Array, dx, attrs.lo, attrs.hi);
    return [new Tensor(dx, dy.shape)];
  },
});

/** @example linearQuantSte(tensor([0.2]), 4, -1, 1) // → [1/3] (QNN-SPEC §3.2) */
export function linearQuantSte(x: Tensor, levels: number, lo = -1, hi = 1): Tensor {
  if (!(Number.isInteger(levels) && levels >= 2)) throw new LowbitError(`linearQuantSte: levels must be an integer >= 2, got ${levels}`);
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new LowbitError(`linearQuantSte: need finite lo < hi, got [${lo}, ${hi}]`);
  return linearQuantSteOp([x], { levels, lo, hi }) as Tensor;
}
