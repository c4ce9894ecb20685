import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { f32, type Tensor } from '../tensor/tensor.js';

interface LinearQuantAttrs { levels: number; lo: number; hi: number }

/** LinearQuantK (QNN-SPEC §3.2 [IMPL]): `levels` uniformly spaced values from lo to hi, both ends
 *  included: Δ = (hi - lo)/(levels - 1), q = lo + Δ·round((clip(x, lo, hi) - lo)/Δ).
 *  Ties round up (half away from zero on a non-negative index), so with 2 levels on [-1, 1]
 *  q(0) = +1, the same tie rule as sign(0) = +1.
 *  Backward: the straight-through estimator dy·1{lo <= x <= hi} (hard tanh's gradient, §2.1). */
const linearQuantSteOp = defineOp<LinearQuantAttrs>({
  name: 'linearQuantSte',
  forward: ({ kernels, attrs: { levels, lo, hi }, empty }, [x]) => {
    const out = empty(x!.shape);
    kernels.linearQuantize(f32(x!), out.storage, levels, lo, hi);
    return out;
  },
  backward: ({ kernels, attrs, empty }, dy, [x]) => {
    const dx = empty(dy.shape);
    kernels.passInside(dy.storage, f32(x!), dx.storage, attrs.lo, attrs.hi);
    return [dx];
  },
});

/** @example linearQuantSte(tensor([0.2]), 4, -1, 1) // → [1/3] (QNN-SPEC §3.2) */
export function linearQuantSte(x: Tensor, levels: number, lo = -1, hi = 1): Tensor {
  if (!(Number.isInteger(levels) && levels >= 2)) throw new LowbitError(`linearQuantSte: levels must be an integer >= 2, got ${levels}`);
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new LowbitError(`linearQuantSte: need finite lo < hi, got [${lo}, ${hi}]`);
  return linearQuantSteOp([x], { levels, lo, hi }) as Tensor;
}
