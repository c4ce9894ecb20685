import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { logQuantValue } from '../backends/reference/ap2.js';
import { Tensor } from '../tensor/tensor.js';

interface LogQuantAttrs { eMin: number; eMax: number; cancelOutside: boolean }

/** LogQuantK (QNN-SPEC §3.2 [IMPL]): each value becomes 0 or ±2^e, e = roundHalfAway(log2|x|)
 *  clamped to eMax at the top and sent to 0 below eMin.
 *  Backward: straight-through. The spec allows identity or zero where |x| > 2^eMax; with
 *  cancelOutside the gradient passes only where |x| <= 2^eMax (the analogue of §2.1's clip). */
const logQuantSteOp = defineOp<LogQuantAttrs>({
  name: 'logQuantSte',
  forward: ({ attrs: { eMin, eMax } }, [x]) => {
    const xs = x!.data as Float32Array, out = new Float32Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i]!;
      if (Number.isNaN(v)) throw new LowbitError(`logQuantSte: NaN in the input at element ${i}`);
      out[i] = logQuantValue(v, eMin, eMax);
    }
    return new Tensor(out, x!.shape);
  },
  backward: ({ kernels, attrs }, dy, [x]) => {
    if (!attrs.cancelOutside) return [dy];
    const dx = new Float32Array(dy.size), top = 2 ** attrs.eMax;
    kernels.passInside(dy.data, x!.data as Float32Array, dx, -top, top);
    return [new Tensor(dx, dy.shape)];
  },
});

/** @example logQuantSte(tensor([0.3, -5]), -3, 0) // → [0.25, -1] */
export function logQuantSte(x: Tensor, eMin: number, eMax: number, cancelOutside = false): Tensor {
  if (!(Number.isInteger(eMin) && Number.isInteger(eMax) && eMin <= eMax)) {
    throw new LowbitError(`logQuantSte: exponents must be integers with eMin <= eMax, got ${eMin}..${eMax}`);
  }
  return logQuantSteOp([x], { eMin, eMax, cancelOutside }) as Tensor;
}
