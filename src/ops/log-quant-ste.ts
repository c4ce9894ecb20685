import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { f32, type Tensor } from '../tensor/tensor.js';

interface LogQuantAttrs { eMin: number; eMax: number; cancelOutside: boolean }

/** LogQuantK (QNN-SPEC §3.2 [IMPL]): each value becomes 0 or ±2^e, e = roundHalfAway(log2|x|)
 *  clamped to eMax at the top and sent to 0 below eMin.
 *  Backward: straight-through. The spec allows identity or zero where |x| > 2^eMax; with
 *  cancelOutside the gradient passes only where |x| <= 2^eMax (the analogue of §2.1's clip). */
const logQuantSteOp = defineOp<LogQuantAttrs>({
  name: 'logQuantSte',
  forward: ({ kernels, attrs: { eMin, eMax }, empty }, [x]) => {
    const out = empty(x!.shape);
    kernels.logQuantize(f32(x!), out.storage, eMin, eMax);
    return out;
  },
  backward: ({ kernels, attrs, empty }, dy, [x]) => {
    if (!attrs.cancelOutside) return [dy];
    const dx = empty(dy.shape), top = 2 ** attrs.eMax;
    kernels.passInside(dy.storage, f32(x!), dx.storage, -top, top);
    return [dx];
  },
});

/** @example logQuantSte(tensor([0.3, -5]), -3, 0) // → [0.25, -1] */
export function logQuantSte(x: Tensor, eMin: number, eMax: number, cancelOutside = false): Tensor {
  if (!(Number.isInteger(eMin) && Number.isInteger(eMax) && eMin <= eMax)) {
    throw new LowbitError(`logQuantSte: exponents must be integers with eMin <= eMax, got ${eMin}..${eMax}`);
  }
  return logQuantSteOp([x], { eMin, eMax, cancelOutside }) as Tensor;
}
